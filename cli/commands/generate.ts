/* `uapi generate`: run the checks and every generator, and write out/ atomically (or, with --check, only compare). */
import path from "node:path";
import { runChecks } from "../../core/checks/index.js";
import { SpecInputError, type SpecError } from "../../core/diagnostic.js";
import type { SpecModel } from "../../core/model.js";
import { OUT_DIR } from "../../core/paths.js";
import { ABIS } from "../../spec/abis.js";
import type { Generator } from "../../generators/generator.js";
import { headerOutputPath } from "../../generators/header.js";
import { GENERATORS } from "../../generators/index.js";
import { applyPlan, GeneratorError, planDiff, planOutput, produceFiles } from "../../generators/write-out.js";
import { oneOf, parse } from "../args.js";
import { loadSpecs, type Command } from "../command.js";
import { EXIT, type Io } from "../io.js";
import { countBySeverity } from "../report.js";

const HELP = `usage: uapi generate [SPEC...] [--out DIR] [--check] [--format text|json]

Check the specs on every ABI, then run every generator (uapi headers, layout
asserts, codecs, syscall shims, report) and write their files into DIR:
  include/uapi/<header>                      the uapi header of each interface
  variants/<variant>/include/uapi/<header>   headers of alternative versions
  asserts/<interface>.c                      _Static_assert layout checks per ABI (C11)
  .manifest                                  the files this command owns

Writing is all or nothing: every file is generated in memory, changed files
are staged in a directory beside DIR and renamed into place only when all of
them were produced. Unchanged files are left alone (their mtime stays). A file
listed in DIR/.manifest that no generator produces any more is removed; files
not in the manifest are never touched.

With no SPEC, the bundled specs in spec/ are used and DIR defaults to the
repository's out/; with SPECs named, DIR defaults to ./out.

options:
  --out DIR        output directory
  --check          write nothing; exit 1 and print a unified diff when DIR is stale
  --format FMT     text (default) or json (summary, file list; the diff with --check)
  -h, --help       this help

Findings of the checks are counted in the summary (run 'uapi check' to see them);
they do not stop generation.

exit codes: 0 written or up to date, 1 --check found DIR stale, 2 bad input
(the spec errors name file:line:col), 3 a generator or the file system failed
(nothing half-written)
`;

export const generateCommand: Command = {
  name: "generate",
  summary: "write the uapi headers, layout asserts and other artefacts to out/ (--check: compare only)",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { out: { type: "string" }, check: { type: "boolean" }, format: { type: "string" } });
    if (values.help) return io.out(HELP), EXIT.OK;
    const format = oneOf("format", values.format as string | undefined, ["text", "json"] as const, "text");
    const outDir = path.resolve((values.out as string | undefined) ?? (positionals.length ? "out" : OUT_DIR));
    const models = loadSpecs(positionals);
    return runGenerate({ models, outDir, check: Boolean(values.check), format, io });
  },
};

/** Two interfaces whose headers land on the same path would overwrite each other: a spec error, reported at the second one. */
export function checkOutputCollisions(models: readonly SpecModel[]): void {
  const seen = new Map<string, string>();
  const errors: SpecError[] = [];
  for (const m of models) {
    for (const ifc of m.interfaces) {
      const out = headerOutputPath(ifc);
      const prev = seen.get(out);
      if (prev) errors.push({ loc: m.locate([...ifc.path, ifc.spec.variant ? "variant" : "header"]), message: `interface '${ifc.spec.name}' writes ${out}, which ${prev} already writes`, hint: "give one of them a different 'header:' or a 'variant:'" });
      else seen.set(out, `interface '${ifc.spec.name}' (${m.file})`);
    }
  }
  if (errors.length) throw new SpecInputError(errors);
}

/** The command's work, with the generator list as a parameter so tests can inject a failing one. */
export function runGenerate(opts: {
  models: SpecModel[];
  outDir: string;
  check: boolean;
  format: "text" | "json";
  io: Io;
  generators?: readonly Generator[];
}): number {
  const { models, outDir, check, format, io } = opts;
  checkOutputCollisions(models);
  const findings = countBySeverity(models.flatMap((m) => runChecks(m, ABIS)));
  let plan;
  try {
    plan = planOutput(outDir, produceFiles(models, opts.generators ?? GENERATORS));
  } catch (e) {
    if (e instanceof GeneratorError) {
      io.err(`uapi generate: ${e.message}\nuapi generate: nothing was written to ${outDir}\n`);
      if (e.reason instanceof Error && e.reason.stack) io.err(`${e.reason.stack}\n`);
      return EXIT.INTERNAL;
    }
    throw e;
  }
  const interfaces = models.flatMap((m) => m.interfaces);
  const counts = {
    specs: models.length,
    interfaces: interfaces.length,
    structs: interfaces.reduce((n, i) => n + i.records.filter((r) => !r.external).length, 0),
    commands: interfaces.reduce((n, i) => n + i.commands.length, 0),
  };
  const stale = plan.changed.length > 0 || plan.removed.length > 0;
  const display = path.relative(process.cwd(), outDir) || ".";

  if (check) {
    const diff = planDiff(plan);
    if (format === "json") {
      io.out(JSON.stringify({ out: display, stale, ...counts, files: fileList(plan), findings, diff }, null, 2) + "\n");
    } else {
      io.out(diff);
      io.out(`${summary(counts, findings)}; ${display}: ${stale ? `STALE, ${plan.changed.length} to write, ${plan.removed.length} to remove` : `up to date (${plan.files.length} files)`}\n`);
      if (stale) io.out(`run 'uapi generate${display === "out" ? "" : ` --out ${display}`}' to update it\n`);
    }
    return stale ? EXIT.FINDINGS : EXIT.OK;
  }

  try {
    applyPlan(outDir, plan);
  } catch (e) {
    io.err(`uapi generate: writing ${outDir} failed: ${(e as Error).message}\n`);
    return EXIT.INTERNAL;
  }
  if (format === "json") {
    io.out(JSON.stringify({ out: display, ...counts, files: fileList(plan), written: plan.changed.length, unchanged: plan.unchanged.length, removed: plan.removed.length, findings }, null, 2) + "\n");
  } else {
    io.out(`${summary(counts, findings)}; ${display}: ${plan.changed.length} written, ${plan.unchanged.length} unchanged, ${plan.removed.length} removed\n`);
  }
  return EXIT.OK;
}

function fileList(plan: ReturnType<typeof planOutput>) {
  return [
    ...plan.changed.map((c) => ({ path: c.path, status: c.old === undefined ? "created" : "changed" })),
    ...plan.unchanged.map((p) => ({ path: p, status: "unchanged" })),
    ...plan.removed.map((r) => ({ path: r.path, status: "removed" })),
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function summary(c: { specs: number; interfaces: number; structs: number; commands: number }, f: Record<"error" | "warning" | "info", number>): string {
  const s = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  return `${s(c.specs, "spec")}, ${s(c.interfaces, "interface")}, ${s(c.structs, "struct")}, ${s(c.commands, "command")}; findings: ${s(f.error, "error")}, ${s(f.warning, "warning")}, ${f.info} info`;
}
