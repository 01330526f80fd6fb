/*
 * From generators to an output folder: produce every file in memory, plan
 * the change against what the folder holds, and carry it out all or nothing.
 *
 * - Every spec document is one output set with its own manifest
 *   (out-owners.ts): a run replaces or removes only files its own sets own,
 *   refuses to overwrite a file another set or the user owns, and adopts a
 *   file nobody owns only when it already holds exactly the new bytes.
 * - Nothing below the output folder is followed through a symbolic link.
 * - The change is staged, committed by one rename and applied under a
 *   journal (out-transaction.ts), so a crash or a write failure never leaves
 *   a mix once the next run has started, and `--check` reports leftovers.
 */
import path from "node:path";
import { SpecInputError } from "../core/diagnostic.js";
import type { SpecModel } from "../core/model.js";
import { DEFAULT_GENERATE_OPTIONS, type GenerateOptions, type Generator, type OutputFile } from "./generator.js";
import { describeKind, entryKind, OutputRefused, parentProblem, readRegularFile } from "./out-fs.js";
import { isSafeOutputPath, manifestPath, manifestText, ownerByPath, readOwners } from "./out-owners.js";
import { commitChanges, leftovers, lockOutput, recoverOutput } from "./out-transaction.js";
import { unifiedDiff } from "./unified-diff.js";

export { isSafeOutputPath } from "./out-owners.js";
export { OutputRefused } from "./out-fs.js";

/** A generator failed or broke the output rules; nothing was written. */
export class GeneratorError extends Error {
  constructor(
    readonly generator: string,
    readonly reason: unknown,
  ) {
    super(`generator '${generator}' failed: ${reason instanceof Error ? reason.message : String(reason)}`);
    this.name = "GeneratorError";
  }
}

/** The files one spec document produces. */
export interface OutputSet {
  /** The spec document's name: the manifest's name. */
  name: string;
  model: SpecModel;
  files: OutputFile[];
  /** Paths two of its generators (or one generator for two interfaces) both produced; only the first is in `files`. */
  clashes: string[];
}

/** Files generators already produced elsewhere (another thread), by generator name, one list per model. */
export type ProducedFiles = ReadonlyMap<string, readonly OutputFile[][]>;

/** One generator's files for one spec; a failure is a GeneratorError, a located limit stays a SpecInputError. */
export function runGenerator(g: Generator, model: SpecModel, options: GenerateOptions): OutputFile[] {
  try {
    return g.generate([model], options);
  } catch (e) {
    if (e instanceof SpecInputError) throw e; // a located limit (generators/codec-budget.ts): bad input, not a bug
    throw new GeneratorError(g.name, e);
  }
}

/**
 * Run every generator on one spec (or take its files from `produced`) and
 * collect the files, sorted by path.  A generator that throws or returns an
 * unsafe path stops everything with a GeneratorError; a path produced twice
 * is recorded as a clash, which the caller reports at the spec's position.
 */
function produceSet(
  model: SpecModel,
  index: number,
  generators: readonly Generator[],
  options: GenerateOptions,
  produced: ProducedFiles | undefined,
): OutputSet {
  const files = new Map<string, string>();
  const clashes: string[] = [];
  for (const g of generators) {
    for (const f of produced?.get(g.name)?.[index] ?? runGenerator(g, model, options)) {
      if (!isSafeOutputPath(f.path)) throw new GeneratorError(g.name, new Error(`unsafe output path '${f.path}'`));
      if (typeof f.content !== "string") throw new GeneratorError(g.name, new Error(`'${f.path}' has no text content`));
      if (files.has(f.path)) clashes.push(f.path);
      else files.set(f.path, f.content);
    }
  }
  const paths = [...files.keys()].sort();
  return { name: model.doc.name, model, files: paths.map((p) => ({ path: p, content: files.get(p)! })), clashes };
}

/** One output set per spec document; generators whose files are in `produced` are not run again. */
export function produceSets(
  models: readonly SpecModel[],
  generators: readonly Generator[],
  options: GenerateOptions = DEFAULT_GENERATE_OPTIONS,
  produced?: ProducedFiles,
): OutputSet[] {
  return models.map((m, i) => produceSet(m, i, generators, options, produced));
}

/** Where two outputs of one run would collide: a path written twice, or a path that is both a file and a folder. */
export function outputClashes(sets: readonly OutputSet[]): { set: OutputSet; path: string; message: string }[] {
  const found: { set: OutputSet; path: string; message: string }[] = [];
  const byPath = new Map<string, OutputSet>();
  const bySetName = new Map<string, OutputSet>();
  for (const set of sets) {
    const other = bySetName.get(set.name);
    if (other)
      found.push({
        set,
        path: "",
        message:
          `two specs are named '${set.name}' (also ${other.model.file}); ` +
          `each spec's name owns its files in the output folder`,
      });
    else bySetName.set(set.name, set);
    for (const p of set.clashes) found.push({ set, path: p, message: `${p} would be written twice by this spec` });
    for (const f of set.files) {
      const first = byPath.get(f.path);
      if (first && first !== set)
        found.push({
          set,
          path: f.path,
          message: `${f.path} is also written by the spec named '${first.name}' (${first.model.file})`,
        });
      else byPath.set(f.path, set);
    }
  }
  for (const set of sets) {
    for (const f of set.files) {
      const parts = f.path.split("/");
      for (let i = 1; i < parts.length; i++) {
        const dir = parts.slice(0, i).join("/");
        const holder = byPath.get(dir);
        if (holder)
          found.push({
            set,
            path: f.path,
            message:
              `${f.path} needs ${dir} to be a folder, ` +
              `but ${holder === set ? "this spec" : `the spec named '${holder.name}'`} writes a file there`,
          });
      }
    }
  }
  return found;
}

/** Every file of every set, sorted by path (for tests and in-memory use); a clash is a GeneratorError. */
export function produceFiles(
  models: readonly SpecModel[],
  generators: readonly Generator[],
  options: GenerateOptions = DEFAULT_GENERATE_OPTIONS,
): OutputFile[] {
  const sets = produceSets(models, generators, options);
  const clash = outputClashes(sets)[0];
  if (clash) throw new GeneratorError("output", new Error(clash.message));
  return sets.flatMap((s) => s.files).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export interface Plan {
  outDir: string;
  /** Every file the run's sets should own, their manifests included. */
  files: OutputFile[];
  /** Files to create or replace. */
  changed: { path: string; old?: string; content: string }[];
  unchanged: string[];
  /** Files the run's sets owned before, that they no longer produce, and that still exist. */
  removed: { path: string; old: string }[];
  /** What an interrupted earlier run left behind (only ever non-empty before recovery). */
  leftovers: string[];
}

/**
 * Compare what the sets produce with what the folder holds; throws OutputRefused when writing would touch what is
 * not ours.
 */
export function planOutput(outDir: string, sets: readonly OutputSet[]): Plan {
  const refusals: string[] = [];
  const owners = readOwners(outDir);
  const owner = ownerByPath(owners);
  const names = new Set(sets.map((s) => s.name));
  const files: OutputFile[] = [];
  const changed: Plan["changed"] = [];
  const unchanged: string[] = [];
  const removed: Plan["removed"] = [];
  for (const set of sets) {
    const wanted = [
      ...set.files,
      {
        path: manifestPath(set.name),
        content: manifestText(
          set.name,
          set.files.map((f) => f.path),
        ),
      },
    ];
    for (const f of wanted) {
      files.push(f);
      const full = path.join(outDir, f.path);
      const problem = parentProblem(outDir, f.path);
      if (problem) {
        refusals.push(`${f.path}: ${problem}`);
        continue;
      }
      const kind = entryKind(full);
      if (kind !== "missing" && kind !== "file") {
        refusals.push(
          `${f.path} is ${describeKind(kind)}; uapi generate only ever replaces regular files it wrote (move it away)`,
        );
        continue;
      }
      const old = kind === "file" ? readRegularFile(full) : undefined;
      const by = owner.get(f.path);
      if (old === f.content) unchanged.push(f.path);
      else if (old !== undefined && by === undefined && f.path !== manifestPath(set.name))
        refusals.push(
          `${f.path} exists and no uapi manifest lists it; ` +
            `uapi generate will not overwrite a file it did not write (move it away, or choose another --out)`,
        );
      else changed.push({ path: f.path, old, content: f.content });
      if (by !== undefined && !names.has(by))
        refusals.push(
          `${f.path} belongs to the spec named '${by}' (${manifestPath(by)}); ` +
            `two specs may not write the same file: rename the interface or use another --out`,
        );
    }
    const produced = new Set(set.files.map((f) => f.path));
    for (const p of owners.get(set.name) ?? []) {
      if (produced.has(p) || owner.get(p) !== set.name) continue;
      const full = path.join(outDir, p);
      if (parentProblem(outDir, p)) continue; // behind a link: not ours any more, never followed
      const old = readRegularFile(full);
      if (old !== undefined) removed.push({ path: p, old });
    }
  }
  if (refusals.length) throw new OutputRefused(refusals);
  return { outDir, files, changed, unchanged, removed, leftovers: leftovers(outDir) };
}

/** A unified diff from the folder's state to the planned one ("" when up to date). */
export function planDiff(plan: Plan): string {
  const parts = plan.changed.map((c) =>
    unifiedDiff(c.old ?? "", c.content, c.old === undefined ? "/dev/null" : `a/${c.path}`, `b/${c.path}`),
  );
  parts.push(...plan.removed.map((r) => unifiedDiff(r.old, "", `a/${r.path}`, "/dev/null")));
  return parts.join("");
}

export function isStale(plan: Plan): boolean {
  return plan.changed.length > 0 || plan.removed.length > 0 || plan.leftovers.length > 0;
}

export interface WriteResult {
  plan: Plan;
  /** What recovery of an interrupted earlier run did. */
  recovered: string[];
}

/**
 * Under the folder's lock: finish or undo an interrupted earlier run, plan
 * again against the recovered folder, and apply the change all or nothing.
 */
export function writeOutput(outDir: string, sets: readonly OutputSet[]): WriteResult {
  const release = lockOutput(outDir);
  try {
    const recovered = recoverOutput(outDir);
    const plan = planOutput(outDir, sets);
    if (plan.changed.length || plan.removed.length) {
      const manifest = (p: string) => p.startsWith(".uapi/");
      commitChanges(outDir, {
        puts: plan.changed.filter((c) => !manifest(c.path)),
        removes: plan.removed.map((r) => r.path),
        manifests: plan.changed.filter((c) => manifest(c.path)),
      });
    }
    return { plan: { ...plan, leftovers: [] }, recovered };
  } finally {
    release();
  }
}
