/*
 * Writing generated files into an output directory, all or nothing.
 *
 * 1. Everything is generated in memory first (a generator that throws stops
 *    here, before the disk is touched).
 * 2. Changed files are written to a staging directory beside the output
 *    directory (same file system, so rename is atomic).
 * 3. Only when staging succeeded is each file renamed into place; files whose
 *    content is unchanged are not touched (their mtime stays).
 * 4. Files listed in <out>/.manifest by the previous run but no longer
 *    produced are removed; nothing else in the directory is ever deleted.
 *    The manifest is written last.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { SpecModel } from "../core/model.js";
import type { Generator, OutputFile } from "./generator.js";
import { unifiedDiff } from "./unified-diff.js";

export const MANIFEST = ".manifest";

const MANIFEST_HEAD = "# Files written by `uapi generate`. It removes a file listed here once no generator produces it; files not listed are never touched.\n";

/** A generator failed; nothing was written. */
export class GeneratorError extends Error {
  constructor(readonly generator: string, readonly reason: unknown) {
    super(`generator '${generator}' failed: ${reason instanceof Error ? reason.message : String(reason)}`);
    this.name = "GeneratorError";
  }
}

/** Output paths are plain relative paths with '/' separators: no '..', no absolute paths, no hidden files. */
export function isSafeOutputPath(p: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.+-]*(\/[A-Za-z0-9_][A-Za-z0-9_.+-]*)*$/.test(p) && !p.split("/").includes("..");
}

/**
 * Run every generator and collect their files, sorted by path.  Any
 * generator that throws, or a path that is unsafe or produced twice, stops
 * everything with a GeneratorError.
 */
export function produceFiles(models: readonly SpecModel[], generators: readonly Generator[]): OutputFile[] {
  const files = new Map<string, { gen: string; content: string }>();
  for (const g of generators) {
    let produced: OutputFile[];
    try {
      produced = g.generate(models);
    } catch (e) {
      throw new GeneratorError(g.name, e);
    }
    for (const f of produced) {
      if (!isSafeOutputPath(f.path)) throw new GeneratorError(g.name, new Error(`unsafe output path '${f.path}'`));
      const prev = files.get(f.path);
      if (prev) throw new GeneratorError(g.name, new Error(`'${f.path}' is also produced by generator '${prev.gen}'`));
      if (typeof f.content !== "string") throw new GeneratorError(g.name, new Error(`'${f.path}' has no text content`));
      files.set(f.path, { gen: g.name, content: f.content });
    }
  }
  const paths = [...files.keys()].sort();
  // A path may not be both a file and a directory of another file.
  const asDirs = new Set(paths.flatMap((p) => p.split("/").slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join("/"))));
  for (const p of paths) if (asDirs.has(p)) throw new GeneratorError(files.get(p)!.gen, new Error(`'${p}' is both a file and a directory`));
  return paths.map((p) => ({ path: p, content: files.get(p)!.content }));
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** The files the previous run wrote, from the manifest (unsafe lines are ignored). */
export function readManifest(outDir: string): string[] {
  const text = readText(path.join(outDir, MANIFEST));
  if (text === undefined) return [];
  return text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#") && isSafeOutputPath(l));
}

export function manifestText(files: readonly OutputFile[]): string {
  return MANIFEST_HEAD + files.map((f) => f.path + "\n").join("");
}

export interface Plan {
  /** Every file the output directory should hold, the manifest included. */
  files: OutputFile[];
  /** Files to create or replace. */
  changed: { path: string; old?: string; content: string }[];
  unchanged: string[];
  /** Files of the previous run that no generator produces any more and that still exist. */
  removed: { path: string; old: string }[];
}

/** Compare what the generators produced with what the directory holds. */
export function planOutput(outDir: string, produced: readonly OutputFile[]): Plan {
  const files = [...produced, { path: MANIFEST, content: manifestText(produced) }];
  const changed: Plan["changed"] = [];
  const unchanged: string[] = [];
  for (const f of files) {
    const old = readText(path.join(outDir, f.path));
    if (old === f.content) unchanged.push(f.path);
    else changed.push({ path: f.path, old, content: f.content });
  }
  const wanted = new Set(files.map((f) => f.path));
  const removed = readManifest(outDir)
    .filter((p) => !wanted.has(p))
    .flatMap((p) => {
      const old = readText(path.join(outDir, p));
      return old === undefined ? [] : [{ path: p, old }];
    });
  return { files, changed, unchanged, removed };
}

/** A unified diff from the directory's state to the planned one ("" when up to date). */
export function planDiff(plan: Plan): string {
  const parts = plan.changed.map((c) => unifiedDiff(c.old ?? "", c.content, c.old === undefined ? "/dev/null" : `a/${c.path}`, `b/${c.path}`));
  parts.push(...plan.removed.map((r) => unifiedDiff(r.old, "", `a/${r.path}`, "/dev/null")));
  return parts.join("");
}

/** Carry out a plan: stage changed files beside outDir, then rename them in; remove files the manifest no longer lists. */
export function applyPlan(outDir: string, plan: Plan): void {
  if (plan.changed.length === 0 && plan.removed.length === 0) return;
  const parent = path.dirname(path.resolve(outDir));
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(path.join(parent, `.${path.basename(outDir)}.staging-`));
  try {
    const ordered = [...plan.changed.filter((c) => c.path !== MANIFEST), ...plan.changed.filter((c) => c.path === MANIFEST)];
    for (const c of ordered) {
      const staged = path.join(staging, c.path);
      mkdirSync(path.dirname(staged), { recursive: true });
      writeFileSync(staged, c.content);
    }
    // Everything is staged: now move it into place, the manifest last.
    for (const c of ordered) {
      const target = path.join(outDir, c.path);
      mkdirSync(path.dirname(target), { recursive: true });
      renameSync(path.join(staging, c.path), target);
    }
    for (const r of plan.removed) {
      rmSync(path.join(outDir, r.path), { force: true });
      pruneEmptyDirs(outDir, path.dirname(r.path));
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Remove now-empty directories from `rel` up to (not including) outDir. */
function pruneEmptyDirs(outDir: string, rel: string): void {
  for (let dir = rel; dir && dir !== "."; dir = path.dirname(dir)) {
    const full = path.join(outDir, dir);
    if (!existsSync(full) || readdirSync(full).length > 0) return;
    rmdirSync(full);
  }
}

export interface WriteResult {
  written: string[];
  unchanged: string[];
  removed: string[];
}

/** Generate with every generator and write the result into outDir atomically (see the file comment). */
export function generateInto(outDir: string, models: readonly SpecModel[], generators: readonly Generator[]): WriteResult {
  const plan = planOutput(outDir, produceFiles(models, generators));
  applyPlan(outDir, plan);
  return { written: plan.changed.map((c) => c.path), unchanged: plan.unchanged, removed: plan.removed.map((r) => r.path) };
}
