/*
 * File-system steps inside an output folder that never follow a symbolic
 * link below it.  The folder itself may be a link (an `out` that points to
 * another disk); everything under it is looked at with lstat, so a link
 * planted in out/ can neither redirect a write nor a removal.
 */
import {
  closeSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import path from "node:path";

/**
 * The output folder's contents forbid the operation (a link, a foreign file, a bad manifest): exit 2, nothing
 * written.
 */
export class OutputRefused extends Error {
  constructor(readonly reasons: string[]) {
    super(reasons.join("\n"));
    this.name = "OutputRefused";
  }
}

export type EntryKind = "missing" | "file" | "dir" | "link" | "other";

export function entryKind(full: string): EntryKind {
  try {
    const st = lstatSync(full);
    return st.isSymbolicLink() ? "link" : st.isFile() ? "file" : st.isDirectory() ? "dir" : "other";
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR")
      return "missing";
    throw e;
  }
}

/** The folders between outDir and `rel` (exclusive of `rel`), outermost first: "a/b/c.h" -> ["a", "a/b"]. */
export function parentDirs(rel: string): string[] {
  const parts = rel.split("/").slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}

/** Why `rel` cannot be written or removed without going through something that is not a real folder, or undefined. */
export function parentProblem(outDir: string, rel: string): string | undefined {
  for (const dir of parentDirs(rel)) {
    const kind = entryKind(path.join(outDir, dir));
    if (kind === "missing") return undefined;
    if (kind !== "dir") return `${dir} is ${describeKind(kind)}, not a folder; uapi generate never writes through it`;
  }
  return undefined;
}

export function describeKind(kind: EntryKind): string {
  return { missing: "missing", file: "a file", dir: "a folder", link: "a symbolic link", other: "a special file" }[
    kind
  ];
}

/** The text of a regular file (never through a link), or undefined when there is none. */
export function readRegularFile(full: string): string | undefined {
  return entryKind(full) === "file" ? readFileSync(full, "utf8") : undefined;
}

/** Write a new file and make its bytes durable before anyone may rename it into place. */
export function writeDurable(full: string, content: string): void {
  mkdirSync(path.dirname(full), { recursive: true });
  const fd = openSync(full, "wx", 0o644);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Make a folder's entries (creations, renames, removals) durable. */
export function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Remove now-empty folders from `rel` up to (not including) outDir. */
export function pruneEmptyDirs(outDir: string, rel: string): void {
  for (let dir = rel; dir && dir !== "."; dir = path.posix.dirname(dir)) {
    try {
      rmdirSync(path.join(outDir, dir));
    } catch {
      return; // not empty, or not ours to remove: stop climbing
    }
  }
}

/** Create each file only where none exists; on any failure remove what this call created. */
export function createNewFiles(files: { path: string; content: string }[]): void {
  const created: string[] = [];
  try {
    for (const f of files) {
      mkdirSync(path.dirname(f.path), { recursive: true });
      const staging = `${f.path}.uapi-new-${process.pid}`;
      writeFileSync(staging, f.content, { flag: "wx" });
      try {
        linkSync(staging, f.path); // fails with EEXIST: a file that appeared meanwhile is never replaced
        created.push(f.path);
      } finally {
        rmSync(staging, { force: true });
      }
    }
  } catch (e) {
    for (const p of created) rmSync(p, { force: true });
    throw e;
  }
}

/** Replace (or create) one file atomically: the new bytes are written beside it and renamed over it. */
export function replaceFile(full: string, content: string): void {
  const staging = `${full}.uapi-new-${process.pid}`;
  try {
    writeDurable(staging, content);
    renameSync(staging, full);
  } finally {
    rmSync(staging, { force: true });
  }
}
