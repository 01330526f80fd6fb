/* `uapi verify`: real compilers lay out every struct on every ABI and must agree with the engine. */
import { YOWASP_PACKAGE, yowaspInstallCommand, yowaspInstalled } from "../../verify/backends.js";
import {
  COMPILER_CHOICES,
  CompilerMissing,
  unitsOfModels,
  verifyLayouts,
  type AbiVerdict,
} from "../../verify/verify.js";
import { describeMismatch, describeTypedefMismatch, VERIFY_RULES, verifyFindings } from "../verify-findings.js";
import { findingFormat, sarifText } from "../formats/output.js";
import { githubCommands } from "../formats/github.js";

export { describeMismatch } from "../verify-findings.js";
import { oneOf, parse } from "../args.js";
import type { Command } from "../command.js";
import { loadProjectSpecs, openProject, projectAbis, PROJECT_OPTIONS } from "../project.js";
import { EXIT, paint, UsageError, type Io } from "../io.js";

const HELP = `usage: uapi verify [SPEC...] [--abi ID,...] [--compiler auto|yowasp|system]
                   [--format text|json|sarif|github] [--config FILE]

Ask real C compilers to lay out every struct and union of the specs on each
ABI -- size, alignment, every member offset and every bit-field position --
and compare with the workbench's layout engine.  The probe includes the
generated uapi headers themselves (the text \`uapi generate\` writes) and pins
the engine's layout with _Static_asserts; one probe per ABI and compiler.

The kernel headers those include (<linux/types.h>, <linux/ioctl.h>) are the
target's own where its GCC has the target's sysroot (Debian
libc6-dev-<arch>-cross and linux-libc-dev-<arch>-cross; verify/sysroots.ts),
and there the ABI row's C library and kernel typedefs (time_t, suseconds_t,
off_t, __kernel_long_t, ...) are compiled from them and compared with the
table: the "headers" column says "sysroot".  Elsewhere (clang runs
freestanding) the kernel headers are stand-ins spelled from the ABI table,
so those types are judged only against the table: "table".

Compilers (verify/README.md has the table):
  yowasp   clang 21 built to WebAssembly (@yowasp/clang), for every ABI where
           clang implements the Linux ABI.  An optional dependency of ~100 MB:
           npm install --save-dev @yowasp/clang
  system   GCC: host gcc -m64/-m32/-mx32 and Debian cross compilers (m68k,
           arm OABI, sh4, arc, alpha, hppa, s390, sparc, powerpc, ...), and
           any clang on PATH
  auto     both (default); without @yowasp/clang, GCC and a clang on PATH,
           with a note on stderr saying how to get it
clang is never used for m68k, arc, arm OABI or s390, where it is not the
Linux ABI.  An ABI with no usable compiler is reported unverified, with why.

With no SPEC, the specs of the project configuration (uapi.config.json) are
verified, and --abi defaults to its 'abis'.

options:
  --abi ID,...       only these ABIs (default: all)
  --compiler WHICH   auto (default), yowasp or system
  --format FMT       text (default), sarif, github or json.
                     sarif: SARIF 2.1.0, one result per finding: verify/mismatch (error, at the
                     spec line of the struct or member), verify/typedef (error), verify/error
                     (error), verify/unverified (note, per ABI or struct).  github: one GitHub
                     Actions ::error/::notice command per finding, the summary on stderr.
                     json:
                     {"ok", "abis":[{"abi","status","compilers":[...],"records","facts",
                      "headers":[{"compiler","source":"sysroot"|"table","why"?}],
                      "typedefs":{"status":"checked","compiler","packages","measured","mismatches":[...]}
                                | {"status":"table-only","reason"},
                      "reason"?, "mismatches":[{"record","member","kind","engine","compiler","compilerName"}],
                      "unverified":[{"record","reason"}]}]}
  --config FILE      the project configuration (default: the nearest uapi.config.json,
                     or package.json "uapi" key, in or above the working directory)
  -h, --help         this help

exit codes (the same in every format): 0 every ABI verified or unverified with a reason,
1 a mismatch, 2 bad input or usage (--compiler yowasp without @yowasp/clang installed),
3 a compiler failed unexpectedly
`;

function verdictJson(v: AbiVerdict) {
  return {
    abi: v.abi,
    status: v.status,
    compilers: v.runs.map((r) => r.compiler),
    records: v.records,
    facts: v.runs.reduce((n, r) => n + r.facts, 0),
    headers: v.runs.map((r) => ({
      compiler: r.compiler,
      source: r.headers,
      ...(r.headersWhy ? { why: r.headersWhy } : {}),
    })),
    ...(v.reason ? { reason: v.reason } : {}),
    mismatches: v.runs.flatMap((r) => r.mismatches),
    unverified: v.unverified,
    typedefs: v.typedefs,
  };
}

const STATUS_STYLE = { verified: "green", mismatch: "red", unverified: "yellow", error: "red" } as const;

function renderTable(io: Io, verdicts: AbiVerdict[]): string {
  const rows = verdicts.map((v) => [
    v.abi,
    v.status,
    v.runs.length
      ? v.runs
          .map((r) => r.compiler.replace(/ --target=.*$/, "").replace(/ \(@yowasp\/clang\)/, " (yowasp)"))
          .join(" + ")
      : "-",
    v.runs.length ? `${Math.max(...v.runs.map((r) => r.records))}/${v.records}` : `0/${v.records}`,
    v.runs.length ? String(v.runs.reduce((n, r) => n + r.facts, 0)) : "-",
    v.typedefs.status === "checked" ? "sysroot" : "table",
    v.status === "mismatch" ? `${v.runs.reduce((n, r) => n + r.mismatches.length, 0)} mismatch(es)` : (v.reason ?? ""),
  ]);
  const head = ["ABI", "result", "compiler", "structs", "facts", "headers", "note"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[], style?: (typeof STATUS_STYLE)[keyof typeof STATUS_STYLE]) =>
    cells
      .map((c, i) =>
        i === 1 && style ? paint(io, style, c.padEnd(widths[i]!)) : i === cells.length - 1 ? c : c.padEnd(widths[i]!),
      )
      .join("  ")
      .trimEnd() + "\n";
  return line(head) + rows.map((r, i) => line(r, STATUS_STYLE[verdicts[i]!.status])).join("");
}

export const verifyCommand: Command = {
  name: "verify",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      abi: { type: "string", multiple: true },
      compiler: { type: "string" },
      format: { type: "string" },
      ...PROJECT_OPTIONS,
    });
    if (values.help) return (io.out(HELP), EXIT.OK);
    const format = findingFormat(values);
    const compiler = oneOf("compiler", values.compiler as string | undefined, COMPILER_CHOICES, "auto");
    const project = openProject(values);
    const abis = projectAbis(values.abi as string[] | undefined, project);
    const units = unitsOfModels(loadProjectSpecs(positionals, project));
    const structs = units.reduce((n, u) => n + u.records.length, 0);
    const progress = io.interactive && format === "text";
    if (compiler === "auto" && !(await yowaspInstalled()))
      io.err(
        `uapi verify: note: ${YOWASP_PACKAGE} (clang as WebAssembly, an optional dependency of ~100 MB) is not ` +
          `installed, so only GCC and a clang on PATH run; get it with: ${yowaspInstallCommand()}\n`,
      );
    const verdicts = await verifyLayouts(units, abis, {
      compiler,
      onProgress: progress
        ? (done, total, v) =>
            io.err(`\r\x1b[Kverify: ${done}/${total} ABIs (${v.abi}: ${v.status})${done === total ? "\n" : ""}`)
        : undefined,
    }).catch((e: unknown) => {
      if (e instanceof CompilerMissing)
        throw new UsageError(`--compiler yowasp: ${e.message}; or use --compiler system`);
      throw e;
    });
    const mismatch = verdicts.some((v) => v.status === "mismatch");
    const broken = verdicts.some((v) => v.status === "error");
    if (format === "json") {
      io.out(JSON.stringify({ ok: !mismatch && !broken, abis: verdicts.map(verdictJson) }, null, 2) + "\n");
    } else if (format === "sarif") {
      io.out(sarifText(verifyFindings(verdicts, units), VERIFY_RULES));
    } else if (format === "github") {
      io.out(githubCommands(verifyFindings(verdicts, units), process.cwd()));
      io.err(summaryLine(structs, abis.length, verdicts));
    } else {
      for (const v of verdicts) {
        for (const r of v.runs)
          for (const m of r.mismatches) io.out(`${paint(io, "red", "mismatch")} [${v.abi}] ${describeMismatch(m)}\n`);
        if (v.typedefs.status === "checked") {
          for (const m of v.typedefs.mismatches)
            io.out(`${paint(io, "red", "mismatch")} [${v.abi}] ${describeTypedefMismatch(m, v.typedefs.compiler)}\n`);
        }
        if (v.status === "error") io.out(`${paint(io, "red", "error")} [${v.abi}] ${v.reason}\n`);
      }
      io.out(renderTable(io, verdicts));
      io.out(summaryLine(structs, abis.length, verdicts));
      const tableOnly = verdicts.filter((v) => v.typedefs.status === "table-only").map((v) => v.abi);
      if (tableOnly.length) {
        io.out(
          `headers "table": no target sysroot here, so the kernel and C library typedefs of ` +
            `${tableOnly.length} ABI(s) were judged only against the ABI table (--format json: typedefs.reason)\n`,
        );
      }
    }
    return mismatch ? EXIT.FINDINGS : broken ? EXIT.INTERNAL : EXIT.OK;
  },
};

function summaryLine(structs: number, abis: number, verdicts: readonly AbiVerdict[]): string {
  const count = (s: AbiVerdict["status"]) => verdicts.filter((v) => v.status === s).length;
  return (
    `${structs} structs on ${abis} ABIs: ${count("verified")} verified, ${count("mismatch")} mismatch, ` +
    `${count("unverified")} unverified, ${count("error")} error\n`
  );
}
