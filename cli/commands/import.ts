/* `uapi import`: C headers -> a spec, with everything the spec cannot say reported at its header position. */
import { existsSync } from "node:fs";
import path from "node:path";
import { SpecInputError, type SpecError } from "../../core/diagnostic.js";
import { createNewFiles, replaceFile } from "../../generators/out-fs.js";
import { FrontEndError } from "../../import/clang-front.js";
import { importHeaders } from "../../import/import.js";
import type { ImportProblem } from "../../import/types.js";
import { abiById, ABIS } from "../../spec/abis.js";
import type { AbiId } from "../../spec/abi.js";
import { YOWASP_PACKAGE, yowaspInstallCommand, yowaspInstalled } from "../../verify/backends.js";
import { oneOf, parse } from "../args.js";
import type { Command } from "../command.js";
import { EXIT, paint, UsageError, type Io } from "../io.js";

const HELP = `usage: uapi import HEADER... [-I DIR]... [--abi ID] [-o SPEC] [--force] [--name NAME]
                   [--format text|json]

Turn C headers into a spec.  The bundled clang (${YOWASP_PACKAGE}, WebAssembly)
compiles the headers for one ABI and reads their declarations: structs,
unions, bit-fields, anonymous members, attributes, enums and typedefs
(spelled out, except the kernel's own __kernel_* types), object-like macros
with the values the compiler gives them, and ioctl numbers as commands
(magic, nr, direction and argument type from the _IO*() text, or decoded
from the value).  kernel-doc comments become 'doc'.  Each header is one
interface.  What the spec language cannot say is reported with the
header's file:line:col and left out, never dropped silently; the spec
written is one 'uapi check' accepts.

A HEADER is a file, or a path as written in #include <...> found in the
-I directories or the machine's kernel headers (/usr/include, Debian's
linux-libc-dev; the ABI's cross sysroot for other ABIs).

options:
  -I DIR         search DIR for headers first (repeatable)
  --abi ID[,ID]  the ABI to compile for (default x86_64): one with a clang
                 target and kernel headers here (x86_64's in /usr/include,
                 or a Debian cross sysroot).  With several, the headers are
                 compiled for each; a member or attribute only some of them
                 have (an #if on byte order, word size or architecture)
                 gets a 'when:' condition: e.g. --abi x86_64,i386,s390x
  -o SPEC        write the spec to SPEC (default: stdout); an existing
                 file is never replaced unless --force is given
  --force        replace SPEC if it exists (atomically)
  --name NAME    the spec's name (default: from the first header)
  --format FMT   text (default: YAML on stdout or SPEC, problems on stderr)
                 or json: {"spec", "written", "counts", "problems":[{"file",
                 "line","col","severity","message","hint"}]} on stdout
  -h, --help     this help

exit codes: 0 imported (problems, if any, are notes and warnings), 2 bad
input (a header that is missing or does not compile, #error, a bad
option; ${YOWASP_PACKAGE} not installed), 3 internal error
`;

export const importCommand: Command = {
  name: "import",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      format: { type: "string" },
      abi: { type: "string" },
      I: { type: "string", short: "I", multiple: true },
      o: { type: "string", short: "o" },
      force: { type: "boolean" },
      name: { type: "string" },
    });
    if (values.help) return (io.out(HELP), EXIT.OK);
    const format = oneOf("format", values.format as string | undefined, ["text", "json"] as const, "text");
    if (!positionals.length) throw new UsageError("name at least one HEADER");
    const abiIds = ((values.abi as string | undefined) ?? "x86_64").split(",").map((a) => a.trim());
    const unknown = abiIds.filter((id) => !abiById(id));
    if (unknown.length || !abiIds.length)
      throw new UsageError(
        `unknown ABI ${unknown.map((u) => `'${u}'`).join(", ")}; known: ${ABIS.map((a) => a.id).join(", ")}`,
      );
    const name = values.name as string | undefined;
    if (name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new UsageError(`--name '${name}' is not a C identifier`);
    const target = values.o as string | undefined;
    if (target && existsSync(target) && !values.force)
      throw new UsageError(`${target} exists; give --force to replace it, or write another file`);
    if (!(await yowaspInstalled())) {
      io.err(`uapi import: ${YOWASP_PACKAGE} is not installed; get it with: ${yowaspInstallCommand()}\n`);
      return EXIT.BAD_INPUT;
    }

    let result;
    try {
      result = await importHeaders({
        headers: positionals,
        includeDirs: (values.I as string[] | undefined) ?? [],
        abi: abiIds[0] as AbiId,
        alsoAbis: abiIds.slice(1) as AbiId[],
        ...(name ? { name } : {}),
      });
    } catch (e) {
      if (e instanceof FrontEndError) throw new SpecInputError(frontEndErrors(e, positionals[0]!));
      throw e;
    }

    if (target) {
      const full = path.resolve(target);
      if (values.force) replaceFile(full, result.yaml);
      else createNewFiles([{ path: full, content: result.yaml }]);
    }
    if (format === "json") {
      io.out(
        JSON.stringify(
          {
            spec: result.doc,
            written: target ?? null,
            counts: result.counts,
            problems: result.problems.map((p) => ({
              ...p.loc,
              severity: p.severity,
              message: p.message,
              hint: p.hint,
            })),
          },
          null,
          2,
        ) + "\n",
      );
      return EXIT.OK;
    }
    for (const p of result.problems) io.err(formatProblem(io, p));
    if (!target) io.out(result.yaml);
    const c = result.counts;
    io.err(
      `uapi import: ${c.structs} structs, ${c.unions} unions, ${c.enums} enums, ${c.constants} constants, ` +
        `${c.commands} commands${target ? ` written to ${target}` : ""}; ${summary(result.problems)}\n`,
    );
    return EXIT.OK;
  },
};

function summary(problems: ImportProblem[]): string {
  const n = (s: ImportProblem["severity"]) => problems.filter((p) => p.severity === s).length;
  return `${n("error")} left out with errors, ${n("warning")} warnings, ${n("note")} notes`;
}

function formatProblem(io: Io, p: ImportProblem): string {
  const style = p.severity === "note" ? "dim" : p.severity === "warning" ? "yellow" : "red";
  return (
    `${p.loc.file}:${p.loc.line}:${p.loc.col}: ${paint(io, style, p.severity)}: ${p.message}\n` +
    (p.hint ? `  hint: ${p.hint}\n` : "")
  );
}

/** The compiler's errors, located in the headers; a failure with none is placed at the first header. */
export function frontEndErrors(e: FrontEndError, first: string): SpecError[] {
  const hint = "the header must compile on its own: include what it needs, or give -I for its directory";
  if (!e.diagnostics.length) return [{ loc: { file: first, line: 1, col: 1 }, message: e.message, hint }];
  return e.diagnostics.map((d) => ({ loc: { file: d.file, line: d.line, col: d.col }, message: d.message, hint }));
}
