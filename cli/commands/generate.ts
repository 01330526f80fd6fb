/* `uapi generate`: run the checks and every generator, and write the output folder all or nothing
   (or, with --check, only compare). */
import { realpathSync } from "node:fs";
import path from "node:path";
import { runChecks } from "../../core/checks/index.js";
import { ALL_CHECKS } from "../../syscall/checks.js";
import { SpecInputError, type Diagnostic, type SpecError } from "../../core/diagnostic.js";
import type { SpecModel } from "../../core/model.js";
import { ABIS } from "../../spec/abis.js";
import { DEFAULT_GENERATE_OPTIONS, type GenerateOptions, type Generator } from "../../generators/generator.js";
import { headerOutputPath } from "../../generators/header.js";
import { GENERATORS } from "../../generators/index.js";
import {
  GeneratorError,
  isStale,
  type ProducedFiles,
  OutputRefused,
  outputClashes,
  planDiff,
  planOutput,
  produceSets,
  writeOutput,
  type OutputSet,
  type Plan,
} from "../../generators/write-out.js";
import { jobsOption, oneOf, parse } from "../args.js";
import { produceShare, startGeneratorWorker, WORKER_GENERATORS } from "../generate-threads.js";
import { autoJobs, loadBeside } from "../threads.js";
import type { Command } from "../command.js";
import { openProject, specFilesOf, PROJECT_OPTIONS } from "../project.js";
import { loadSpecFiles } from "../../spec/load.js";
import { EXIT, UsageError, type Io } from "../io.js";
import { countBySeverity } from "../../core/diagnostic.js";

const HELP = `usage: uapi generate [SPEC...] [--out DIR] [--runtime package|vendor] [--codecs ts|js|both]
                     [--check] [--format text|json] [--config FILE]

Check the specs on every ABI, then run every generator (uapi headers, layout
asserts, codecs, kernel side, syscall shims, report) and write their files into DIR:
  include/uapi/<header>                      the uapi header of each interface
  variants/<variant>/include/uapi/<header>   headers of alternative versions
  asserts/<interface>.c                      _Static_assert layout checks per ABI (C11)
  codecs/<interface>.{ts,mjs,d.mts}          codecs: TypeScript, JavaScript and its types
  kernel/<interface>.c                       ioctl handlers that enforce the spec, for a driver
  shims/, report/                            syscall shims, the ioctl-vs-syscall report
  .uapi/<spec name>.manifest                 the files each spec owns

Ownership: each spec (by its 'name:') owns the files its manifest lists. A
run replaces or removes only its own specs' files, so several specs can share
DIR; it refuses (exit 2) to overwrite a file another spec or you wrote, and it
never follows a symbolic link below DIR.

All or nothing: every file is generated in memory; the change is staged in
DIR/.uapi/, committed by renaming one journal file, then applied. A crash
before the commit leaves DIR as it was; after it, the next run finishes the
change first. A write failure puts the previous files back. Unchanged files
are left alone (their mtime stays). --check reports an interrupted run.

With no SPEC, the specs of the project configuration (uapi.config.json) are
used.  DIR is --out, else the configuration's 'out' (relative to the
configuration file), else ./out in the working directory: never a folder
inside the installed uapi-workbench package.  --runtime and --codecs default
to the configuration's 'runtime' and 'codecs'.

options:
  --out DIR        output directory (may itself be a link, e.g. to another disk)
  --runtime HOW    how the codecs import their runtime: package (default; import
                   "uapi-workbench/runtime", the project depends on uapi-workbench)
                   or vendor (a copy written beside them: no dependency at all)
  --codecs WHICH   both (default: .ts, and .mjs with .d.mts), ts, or js (.mjs + .d.mts)
  --check          write nothing; exit 1 and print a unified diff when DIR is stale
  --config FILE    the project configuration (default: the nearest uapi.config.json,
                   or package.json "uapi" key, in or above the working directory)
  --format FMT     text (default) or json (summary, file list; the diff with --check)
  --jobs N|auto    threads: auto (default) uses two when the specs hold 200 KiB of YAML or more and
                   there are two cores (a worker runs the codec generator), else one; the files are
                   the same either way
  -h, --help       this help

Findings of the checks are counted in the summary (run 'uapi check' to see them);
they do not stop generation.

exit codes: 0 written or up to date, 1 --check found DIR stale, 2 bad input
(spec errors name file:line:col; DIR holds a link, a foreign file or another
spec's file where this run would write), 3 a generator or the file system
failed (DIR is left as it was)
`;

export const generateCommand: Command = {
  name: "generate",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      out: { type: "string" },
      check: { type: "boolean" },
      format: { type: "string" },
      runtime: { type: "string" },
      codecs: { type: "string" },
      jobs: { type: "string" },
      ...PROJECT_OPTIONS,
    });
    if (values.help) return (io.out(HELP), EXIT.OK);
    const format = oneOf("format", values.format as string | undefined, ["text", "json"] as const, "text");
    const project = openProject(values);
    const outDir = resolveOutDir((values.out as string | undefined) ?? project?.out ?? "out");
    const options: GenerateOptions = {
      runtime: oneOf(
        "runtime",
        values.runtime as string | undefined,
        ["package", "vendor"] as const,
        project?.runtime ?? DEFAULT_GENERATE_OPTIONS.runtime,
      ),
      codecs: oneOf(
        "codecs",
        values.codecs as string | undefined,
        ["ts", "js", "both"] as const,
        project?.codecs ?? DEFAULT_GENERATE_OPTIONS.codecs,
      ),
    };
    const files = specFilesOf(positionals, project);
    const jobs = jobsOption(values.jobs as string | undefined) ?? autoJobs("generate", files);
    const run = { outDir, check: Boolean(values.check), format, io, options };
    if (jobs < 2) return runGenerate({ models: loadSpecFiles(files), ...run });
    const worker = startGeneratorWorker(files, options);
    const models = await loadBeside(worker, files);
    // This thread's share while the worker runs its own: every other generator, then the checks.
    const produced = produceShare(
      models,
      GENERATORS.filter((g) => !WORKER_GENERATORS.includes(g.name)),
      options,
    );
    const findings = models.map((m) => runChecks(m, ABIS, ALL_CHECKS));
    const answer = await worker.reply;
    if (answer.kind === "generate") for (const [name, files] of answer.produced) produced.set(name, files);
    return runGenerate({ models, ...run, produced, findings });
  },
};

/**
 * The output folder; the folder itself may be a link (to another disk), which is resolved once so staging sits
 * beside the real files.
 */
function resolveOutDir(arg: string): string {
  if (arg.trim() === "")
    throw new UsageError("--out needs a folder name (an empty one would write into the current directory)");
  const full = path.resolve(arg);
  try {
    return realpathSync(full);
  } catch {
    return full; // does not exist yet: created on the first write
  }
}

/** Paths two specs (or two interfaces of one spec) would both write: spec errors, at the interface that causes them. */
export function checkOutputCollisions(sets: readonly OutputSet[]): void {
  const errors: SpecError[] = outputClashes(sets).map((c) => {
    const from = interfacesWriting(c.set.model, c.path);
    const last = from.at(-1);
    return {
      loc: c.set.model.locate(
        last ? [...last.path, last.spec.variant ? "variant" : "header"] : interfaceNamed(c.set.model, c.path),
      ),
      message:
        from.length > 1
          ? `interfaces ${from.map((i) => `'${i.spec.name}'`).join(" and ")} ` +
            `${from.length === 2 ? "both" : "all"} write ${c.path}`
          : last
            ? `interface '${last.spec.name}': ${c.message}`
            : c.message,
      hint: "give the interface another 'name:', 'header:' or a 'variant:', or the spec another 'name:'",
    };
  });
  if (errors.length) throw new SpecInputError(errors);
}

/** The interfaces whose header is `out`. */
function interfacesWriting(model: SpecModel, out: string) {
  return model.interfaces.filter((ifc) => headerOutputPath(ifc) === out);
}

/**
 * The spec position of an output path that is not a header: the last interface whose name it carries, else the
 * spec's name.
 */
function interfaceNamed(model: SpecModel, out: string): readonly (string | number)[] {
  const tokens = new Set(out.split(/[/.-]/));
  const ifc = model.interfaces.filter((i) => tokens.has(i.spec.name)).at(-1);
  return ifc ? [...ifc.path, "name"] : ["name"];
}

/** The command's work, with the generator list as a parameter so tests can inject a failing one. */
export function runGenerate(opts: {
  models: SpecModel[];
  outDir: string;
  check: boolean;
  format: "text" | "json";
  io: Io;
  generators?: readonly Generator[];
  /** What the generators write (default DEFAULT_GENERATE_OPTIONS): the codecs' runtime and flavours. */
  options?: GenerateOptions;
  /** Files generators already produced (on another thread): those generators are not run again. */
  produced?: ProducedFiles;
  /** Each model's findings, when already checked. */
  findings?: Diagnostic[][];
}): number {
  const { models, outDir, check, format, io } = opts;
  let sets: OutputSet[];
  try {
    sets = produceSets(models, opts.generators ?? GENERATORS, opts.options ?? DEFAULT_GENERATE_OPTIONS, opts.produced);
  } catch (e) {
    if (!(e instanceof GeneratorError)) throw e;
    io.err(`uapi generate: ${e.message}\nuapi generate: nothing was written to ${outDir}\n`);
    if (e.reason instanceof Error && e.reason.stack) io.err(`${e.reason.stack}\n`);
    return EXIT.INTERNAL;
  }
  checkOutputCollisions(sets);
  const findings = countBySeverity((opts.findings ?? models.map((m) => runChecks(m, ABIS, ALL_CHECKS))).flat());
  const interfaces = models.flatMap((m) => m.interfaces);
  const counts = {
    specs: models.length,
    interfaces: interfaces.length,
    structs: interfaces.reduce((n, i) => n + i.records.filter((r) => !r.external).length, 0),
    commands: interfaces.reduce((n, i) => n + i.commands.length, 0),
    syscalls: interfaces.reduce((n, i) => n + i.syscalls.length, 0),
  };
  const display = path.relative(process.cwd(), outDir) || ".";

  if (check) {
    const plan = planOutput(outDir, sets);
    const stale = isStale(plan);
    const diff = planDiff(plan);
    if (format === "json") {
      io.out(
        JSON.stringify(
          { out: display, stale, ...counts, files: fileList(plan), findings, leftovers: plan.leftovers, diff },
          null,
          2,
        ) + "\n",
      );
    } else {
      io.out(diff);
      for (const l of plan.leftovers) io.out(`${display}/${l}\n`);
      const state = stale
        ? `STALE, ${plan.changed.length} to write, ${plan.removed.length} to remove` +
          (plan.leftovers.length ? ", an interrupted run to finish" : "")
        : `up to date (${plan.files.length} files)`;
      io.out(`${summary(counts, findings)}; ${display}: ${state}\n`);
      if (stale) io.out(`run 'uapi generate${display === "out" ? "" : ` --out ${display}`}' to update it\n`);
    }
    return stale ? EXIT.FINDINGS : EXIT.OK;
  }

  let plan: Plan;
  let recovered: string[];
  try {
    ({ plan, recovered } = writeOutput(outDir, sets));
  } catch (e) {
    if (e instanceof OutputRefused || e instanceof SpecInputError) throw e;
    io.err(
      `uapi generate: writing ${outDir} failed: ${(e as Error).message}\n` +
        "uapi generate: the previous files were put back; nothing changed\n",
    );
    return EXIT.INTERNAL;
  }
  for (const r of recovered) io.err(`uapi generate: ${display}: ${r}\n`);
  if (format === "json") {
    io.out(
      JSON.stringify(
        {
          out: display,
          ...counts,
          files: fileList(plan),
          written: plan.changed.length,
          unchanged: plan.unchanged.length,
          removed: plan.removed.length,
          recovered,
          findings,
        },
        null,
        2,
      ) + "\n",
    );
  } else {
    io.out(
      `${summary(counts, findings)}; ${display}: ` +
        `${plan.changed.length} written, ${plan.unchanged.length} unchanged, ${plan.removed.length} removed\n`,
    );
  }
  return EXIT.OK;
}

function fileList(plan: Plan) {
  return [
    ...plan.changed.map((c) => ({ path: c.path, status: c.old === undefined ? "created" : "changed" })),
    ...plan.unchanged.map((p) => ({ path: p, status: "unchanged" })),
    ...plan.removed.map((r) => ({ path: r.path, status: "removed" })),
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function summary(
  c: { specs: number; interfaces: number; structs: number; commands: number; syscalls: number },
  f: Record<"error" | "warning" | "info", number>,
): string {
  const s = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  return (
    `${s(c.specs, "spec")}, ${s(c.interfaces, "interface")}, ${s(c.structs, "struct")}, ${s(c.commands, "command")}` +
    (c.syscalls ? `, ${s(c.syscalls, "syscall")}` : "") +
    "; " +
    `findings: ${s(f.error, "error")}, ${s(f.warning, "warning")}, ${f.info} info`
  );
}
