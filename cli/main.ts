#!/usr/bin/env node
/* `uapi`: the workbench's command line.  Each command lives in cli/commands/. */
import { SpecInputError, type SpecError } from "../core/diagnostic.js";
import { ownPackage } from "../core/paths.js";
import { OutputRefused } from "../generators/out-fs.js";
import type { CommandEntry } from "./command.js";
import { EXIT, processIo, UsageError, type Io } from "./io.js";
import { formatSpecErrors } from "./report.js";

/** Every command, its one line for `uapi --help`, and its module: loaded only when that command runs. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "init",
    summary: "start a project: a commented starter spec and uapi.config.json",
    load: async () => (await import("./commands/init.js")).initCommand,
  },
  {
    name: "import",
    summary: "turn C headers into a spec (clang's AST; problems located in the header)",
    load: async () => (await import("./commands/import.js")).importCommand,
  },
  {
    name: "check",
    summary: "check padding, alignment, compat layout, types and ioctl numbers",
    load: async () => (await import("./commands/check.js")).checkCommand,
  },
  {
    name: "diff",
    summary: "compare two versions on every ABI: each change breaking, source-only or compatible",
    load: async () => (await import("./commands/diff.js")).diffCommand,
  },
  {
    name: "layout",
    summary: "show struct layouts side by side across ABIs",
    load: async () => (await import("./commands/layout.js")).layoutCommand,
  },
  {
    name: "abis",
    summary: "list the ABI table",
    load: async () => (await import("./commands/abis.js")).abisCommand,
  },
  {
    name: "generate",
    summary: "write the uapi headers, layout asserts and other artefacts to out/ (--check: compare only)",
    load: async () => (await import("./commands/generate.js")).generateCommand,
  },
  {
    name: "verify",
    summary: "check the layout engine against real compilers (clang, GCC) on every ABI",
    load: async () => (await import("./commands/verify.js")).verifyCommand,
  },
  {
    name: "decode",
    summary: "decode a struct's bytes on an ABI (JSON or annotated dump)",
    load: async () => (await import("./commands/decode.js")).decodeCommand,
  },
  {
    name: "encode",
    summary: "encode a struct value (JSON) to its bytes on an ABI",
    load: async () => (await import("./commands/encode.js")).encodeCommand,
  },
  {
    name: "ioctl",
    summary: "decode a raw ioctl request number and name its command",
    load: async () => (await import("./commands/ioctl.js")).ioctlCommand,
  },
  {
    name: "serve",
    summary: "the live workbench page: edit a spec, watch layouts, findings and the ioctl/syscall table",
    load: async () => (await import("./commands/serve.js")).serveCommand,
  },
  {
    name: "compare",
    summary: "ioctl vs syscall: six-argument analysis and ergonomics report",
    load: async () => (await import("./commands/compare.js")).compareCommand,
  },
];

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `usage: uapi COMMAND [ARGS...]

Design Linux kernel user-space APIs: describe structs and ioctls once, get
exact layouts on every Linux ABI, checks, headers, codecs and syscall shims.

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

A command that names no SPEC runs on the specs of the project configuration:
the nearest uapi.config.json (or package.json "uapi" key) in or above the
working directory, or the file given with --config.  'uapi init' starts one.

Run 'uapi COMMAND --help' for a command's options; 'uapi --version' for the version.
With --format json, an error is also printed as JSON on stdout:
  {"ok": false, "exit": N, "errors": [{"kind", "message", "hint", "file", "line", "col"}]}
exit codes: 0 ok, 1 findings/mismatch/stale output, 2 bad input or usage, 3 internal error
`;
}

export function version(): string {
  const pkg = ownPackage();
  return `${pkg.name} ${pkg.version}`;
}

/** `--format json` anywhere on the command line (either spelling): errors then go to stdout as JSON too. */
function wantsJson(argv: readonly string[]): boolean {
  return argv.some((a, i) => a === "--format=json" || (a === "--format" && argv[i + 1] === "json"));
}

interface ErrorRecord {
  kind: "spec" | "usage" | "output" | "internal";
  message: string;
  hint?: string;
  file?: string;
  line?: number;
  col?: number;
}

function specErrorRecord(e: SpecError): ErrorRecord {
  return { kind: "spec", message: e.message, hint: e.hint, file: e.loc.file, line: e.loc.line, col: e.loc.col };
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V") {
    io.out(version() + "\n");
    return EXIT.OK;
  }
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(topHelp());
    return name === undefined ? EXIT.BAD_INPUT : EXIT.OK;
  }
  const json = wantsJson(rest);
  const fail = (code: number, records: ErrorRecord[], text: string): number => {
    io.err(text);
    if (json) io.out(JSON.stringify({ ok: false, exit: code, errors: records }, null, 2) + "\n");
    return code;
  };
  const command = COMMANDS.find((c) => c.name === name);
  if (!command)
    return fail(
      EXIT.BAD_INPUT,
      [{ kind: "usage", message: `unknown command '${name}'` }],
      `uapi: unknown command '${name}'\n\n${topHelp()}`,
    );
  try {
    return await (await command.load()).run(rest, io);
  } catch (e) {
    if (e instanceof SpecInputError) {
      const n = e.errors.length;
      return fail(
        EXIT.BAD_INPUT,
        e.errors.map(specErrorRecord),
        formatSpecErrors(io, e.errors) +
          `uapi ${name}: ${n} error${n === 1 ? "" : "s"} in the input; nothing was done\n`,
      );
    }
    if (e instanceof UsageError)
      return fail(
        EXIT.BAD_INPUT,
        [{ kind: "usage", message: e.message, hint: `run 'uapi ${name} --help'` }],
        `uapi ${name}: ${e.message}\nRun 'uapi ${name} --help' for usage.\n`,
      );
    if (e instanceof OutputRefused)
      return fail(
        EXIT.BAD_INPUT,
        e.reasons.map((r) => ({ kind: "output", message: r })),
        e.reasons.map((r) => `uapi ${name}: refused: ${r}\n`).join("") + `uapi ${name}: nothing was written\n`,
      );
    return fail(
      EXIT.INTERNAL,
      [{ kind: "internal", message: String((e as Error)?.message ?? e) }],
      `uapi ${name}: internal error: ${(e as Error)?.stack ?? e}\n`,
    );
  }
}

// Run only when executed, not when imported by tests.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  main(process.argv.slice(2), processIo).then((code) => {
    process.exitCode = code;
  });
}
