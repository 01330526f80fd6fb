/* The CLI's edges: exit codes, output streams, colour, and the error that means "bad usage". */
import { styleText } from "node:util";

/** Documented exit codes (README "Exit codes"). */
export const EXIT = {
  OK: 0,
  /** Findings at or above --fail-on, a mismatch, or stale output. */
  FINDINGS: 1,
  /** Bad input: unreadable or invalid spec, bad arguments. */
  BAD_INPUT: 2,
  /** A bug or an environment failure (a compiler that crashed). */
  INTERNAL: 3,
} as const;

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Colour only for a terminal, and never when NO_COLOR is set. */
  colour: boolean;
  /** Whether progress may be drawn (stderr is a terminal). */
  interactive: boolean;
}

/**
 * A reader that closes our output early (`uapi check | head`) is not an
 * error: further output is dropped quietly and the command still ends with
 * its own exit code.  Any other stream error is re-thrown.
 */
const closed = new Set<NodeJS.WriteStream>();
function writeTo(stream: NodeJS.WriteStream, text: string): void {
  if (closed.has(stream)) return;
  if (stream.listenerCount("error") === 0) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE") throw e;
      closed.add(stream);
    });
  }
  stream.write(text);
}

export const processIo: Io = {
  out: (t) => writeTo(process.stdout, t),
  err: (t) => writeTo(process.stderr, t),
  colour: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  interactive: Boolean(process.stderr.isTTY),
};

/** Collects output in memory (tests, and commands that must not print half a result). */
export function bufferIo(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    colour: false,
    interactive: false,
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
  };
  return io;
}

type Style = Parameters<typeof styleText>[0];
export function paint(io: Io, style: Style, text: string): string {
  return io.colour ? styleText(style, text) : text;
}

/** Thrown for a bad command line; main prints it with the usage line and exits 2. */
export class UsageError extends Error {}
