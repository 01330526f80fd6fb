/* What a CLI command is, and the spec loading every command shares. */
import path from "node:path";
import type { SpecModel } from "../core/model.js";
import { bundledSpecFiles, loadSpecFiles } from "../spec/load.js";
import type { Io } from "./io.js";

export interface Command {
  name: string;
  /** One line for `uapi --help`. */
  summary: string;
  /** The full `uapi NAME --help` text. */
  help: string;
  /** Returns the exit code; throws UsageError for a bad command line and SpecInputError for a bad spec. */
  run(argv: string[], io: Io): Promise<number>;
}

/** The named spec files, or every bundled spec when none is named. */
export function loadSpecs(files: string[]): SpecModel[] {
  return loadSpecFiles(files.length ? files.map((f) => path.resolve(f)) : bundledSpecFiles());
}
