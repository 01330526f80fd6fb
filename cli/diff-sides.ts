/*
 * One side of `uapi diff`: a spec or a C header, on disk or at a git revision, optionally narrowed
 * to some of its interfaces.
 *
 *   spec/foo.yaml                    the file as it is
 *   include/uapi/linux/foo.h         a header, read through `uapi import` (the bundled clang)
 *   git:origin/main:spec/foo.yaml    the file at a revision (path relative to the working directory)
 *   spec/bus1.yaml#bus1_2016_11      only that interface (a comma-separated list for several)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SpecInputError } from "../core/diagnostic.js";
import type { Side } from "../core/diff/index.js";
import type { SpecModel } from "../core/model.js";
import { displayPath, loadSpecFile, loadSpecText } from "../spec/load.js";
import { UsageError } from "./io.js";

export interface SideRef {
  /** As written on the command line. */
  text: string;
  revision?: string;
  file: string;
  interfaces?: string[];
}

export function parseSideRef(text: string): SideRef {
  let rest = text;
  let interfaces: string[] | undefined;
  const hash = rest.lastIndexOf("#");
  if (hash > 0) {
    interfaces = rest
      .slice(hash + 1)
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (!interfaces.length) throw new UsageError(`'${text}': name an interface after '#'`);
    rest = rest.slice(0, hash);
  }
  if (!rest.startsWith("git:")) return { text, file: rest, ...(interfaces ? { interfaces } : {}) };
  const colon = rest.indexOf(":", 4);
  if (colon < 0 || colon === 4 || colon === rest.length - 1)
    throw new UsageError(`'${text}': write a revision as git:REF:PATH, e.g. git:origin/main:spec/foo.yaml`);
  return { text, revision: rest.slice(4, colon), file: rest.slice(colon + 1), ...(interfaces ? { interfaces } : {}) };
}

/** Reads a header into a spec; given by the command, which owns the clang dependency. */
export type HeaderImporter = (file: string, shownAs: string) => Promise<SpecModel>;

export const isHeader = (file: string) => /\.h$/i.test(file);

/** The file's text at a revision, or undefined when the revision does not have it (a file added since). */
export function gitShow(revision: string, file: string): string | undefined {
  if (revision.startsWith("-")) throw new UsageError(`git revision '${revision}' may not start with '-'`);
  const rel = path.isAbsolute(file) ? file : `./${file}`;
  const r = spawnSync("git", ["show", `${revision}:${rel}`], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.error) throw new UsageError(`git is needed for '${revision}': ${r.error.message}`);
  if (r.status === 0) return r.stdout;
  if (/does not exist in|exists on disk, but not in/.test(r.stderr)) return undefined;
  throw new UsageError(`git show ${revision}:${rel}: ${r.stderr.trim() || `exit ${r.status}`}`);
}

export async function loadSide(ref: SideRef, importHeader: HeaderImporter): Promise<Side[]> {
  const shown = ref.revision === undefined ? displayPath(path.resolve(ref.file)) : `git:${ref.revision}:${ref.file}`;
  let model: SpecModel | undefined;
  if (ref.revision === undefined) {
    model = isHeader(ref.file) ? await importHeader(ref.file, shown) : loadSpecFile(path.resolve(ref.file));
  } else {
    const text = gitShow(ref.revision, ref.file);
    if (text === undefined) model = undefined;
    else if (!isHeader(ref.file)) model = loadSpecText(shown, text);
    else {
      // clang reads files: the old header goes to a scratch folder under its own name.
      const dir = mkdtempSync(path.join(tmpdir(), "uapi-diff-"));
      try {
        const file = path.join(dir, path.basename(ref.file));
        writeFileSync(file, text);
        model = await importHeader(file, shown);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  const sides = (model?.interfaces ?? []).map((ifc) => ({ model: model!, ifc }));
  if (!ref.interfaces) return sides;
  const unknown = ref.interfaces.filter((n) => !sides.some((s) => s.ifc.spec.name === n));
  if (unknown.length)
    throw new SpecInputError(
      unknown.map((n) => ({
        loc: { file: shown, line: 1, col: 1 },
        message: `no interface '${n}' in ${shown}`,
        hint: `its interfaces: ${sides.map((s) => s.ifc.spec.name).join(", ") || "(none)"}`,
      })),
    );
  return sides.filter((s) => ref.interfaces!.includes(s.ifc.spec.name));
}
