/* What a CLI command is.  Spec loading, shared by every command that reads specs, is in project.ts. */
import type { Io } from "./io.js";

export interface Command {
  name: string;
  /** The full `uapi NAME --help` text. */
  help: string;
  /** Returns the exit code; throws UsageError for a bad command line and SpecInputError for a bad spec. */
  run(argv: string[], io: Io): Promise<number>;
}

/** A command as `uapi` lists it, with its module loaded on use: a run pays only for its own command's imports. */
export interface CommandEntry {
  name: string;
  /** One line for `uapi --help`. */
  summary: string;
  load(): Promise<Command>;
}
