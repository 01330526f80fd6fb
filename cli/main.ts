#!/usr/bin/env node
/* `uapi`: the workbench's command line.  Each command lives in cli/commands/. */
import { SpecInputError } from "../core/diagnostic.js";
import type { Command } from "./command.js";
import { abisCommand } from "./commands/abis.js";
import { checkCommand } from "./commands/check.js";
import { compareCommand } from "./commands/compare.js";
import { decodeCommand } from "./commands/decode.js";
import { encodeCommand } from "./commands/encode.js";
import { generateCommand } from "./commands/generate.js";
import { ioctlCommand } from "./commands/ioctl.js";
import { layoutCommand } from "./commands/layout.js";
import { verifyCommand } from "./commands/verify.js";
import { EXIT, processIo, UsageError, type Io } from "./io.js";
import { formatSpecErrors } from "./report.js";

export const COMMANDS: readonly Command[] = [
  checkCommand, layoutCommand, abisCommand, generateCommand, verifyCommand, decodeCommand, encodeCommand, ioctlCommand, compareCommand,
];

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `usage: uapi COMMAND [ARGS...]

Design Linux kernel user-space APIs: describe structs and ioctls once, get
exact layouts on every Linux ABI, checks, headers, codecs and syscall shims.

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Run 'uapi COMMAND --help' for a command's options.
exit codes: 0 ok, 1 findings/mismatch/stale output, 2 bad input or usage, 3 internal error
`;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(topHelp());
    return name === undefined ? EXIT.BAD_INPUT : EXIT.OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`uapi: unknown command '${name}'\n\n${topHelp()}`);
    return EXIT.BAD_INPUT;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof SpecInputError) {
      io.err(formatSpecErrors(io, e.errors));
      io.err(`uapi ${name}: ${e.errors.length} error${e.errors.length === 1 ? "" : "s"} in the input; nothing was done\n`);
      return EXIT.BAD_INPUT;
    }
    if (e instanceof UsageError) {
      io.err(`uapi ${name}: ${e.message}\nRun 'uapi ${name} --help' for usage.\n`);
      return EXIT.BAD_INPUT;
    }
    io.err(`uapi ${name}: internal error: ${(e as Error).stack ?? e}\n`);
    return EXIT.INTERNAL;
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
