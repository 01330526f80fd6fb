/*
 * Who owns which file in an output folder.  Every spec document is one
 * output set, named by the document's `name`; its manifest
 * `<out>/.uapi/<name>.manifest` lists the files it wrote.  A run may replace
 * or remove only files its own sets list, so two specs share one folder
 * without touching each other's files, and files nobody lists (the user's
 * own) are never touched.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { entryKind, OutputRefused, readRegularFile } from "./out-fs.js";

/** The folder, inside the output folder, that holds manifests, the lock and transactions. */
export const STATE_DIR = ".uapi";

const MANIFEST_SUFFIX = ".manifest";

/** Output set names are spec document names: C identifiers (spec/lint.ts). */
const SET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Output paths are plain relative paths with '/' separators: no '.', '..' or empty segments, no absolute or
 * hidden paths.
 */
export function isSafeOutputPath(p: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.+-]*(\/[A-Za-z0-9_][A-Za-z0-9_.+-]*)*$/.test(p) && !p.split("/").includes("..");
}

export function manifestPath(set: string): string {
  return `${STATE_DIR}/${set}${MANIFEST_SUFFIX}`;
}

/** A manifest path this module writes: the only non-plain paths a transaction may carry. */
export function isManifestPath(p: string): boolean {
  return (
    p.startsWith(`${STATE_DIR}/`) &&
    p.endsWith(MANIFEST_SUFFIX) &&
    SET_NAME.test(p.slice(STATE_DIR.length + 1, -MANIFEST_SUFFIX.length))
  );
}

export function manifestText(set: string, files: readonly string[]): string {
  return (
    `# Files that \`uapi generate\` wrote for the spec named '${set}'. A later run replaces or removes\n` +
    `# only files listed here; files no manifest lists are never touched.\n` +
    files.map((f) => f + "\n").join("")
  );
}

/** Parse one manifest; an entry that leaves the folder is refused, never trusted. */
export function parseManifest(text: string, where: string): string[] {
  const files: string[] = [];
  const bad: string[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    if (isSafeOutputPath(line)) files.push(line);
    else
      bad.push(
        `${where}:${i + 1}: entry '${line}' is not a plain path inside the output folder; ` +
          `delete that line (uapi generate never writes it)`,
      );
  });
  if (bad.length) throw new OutputRefused(bad);
  return files;
}

/** Every output set's manifest in outDir: set name -> the files it owns. */
export function readOwners(outDir: string): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  const stateDir = path.join(outDir, STATE_DIR);
  const kind = entryKind(stateDir);
  if (kind === "missing") return owners;
  if (kind !== "dir")
    throw new OutputRefused([
      `${STATE_DIR} in the output folder is not a folder; uapi generate keeps its manifests there (move it away)`,
    ]);
  for (const name of readdirSync(stateDir).sort()) {
    const rel = `${STATE_DIR}/${name}`;
    if (!isManifestPath(rel)) continue;
    const text = readRegularFile(path.join(outDir, rel));
    if (text === undefined)
      throw new OutputRefused([`${rel} is not a regular file; uapi generate never follows links (delete it)`]);
    owners.set(name.slice(0, -MANIFEST_SUFFIX.length), parseManifest(text, rel));
  }
  return owners;
}

/** path -> the set that lists it. */
export function ownerByPath(owners: ReadonlyMap<string, readonly string[]>): Map<string, string> {
  const byPath = new Map<string, string>();
  for (const [set, files] of owners) for (const f of files) if (!byPath.has(f)) byPath.set(f, set);
  return byPath;
}
