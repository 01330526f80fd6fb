/*
 * Host include directories as the @yowasp/clang virtual file system sees them.
 * The WebAssembly clang cannot read the disk: every header a translation unit
 * may include is handed over as a tree, mounted at its host path, so the
 * driver's own /usr/include search and `#include` lines work unchanged.
 * Trees are read once per process and shared by every run.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** A directory: names to file bytes or subdirectories (the shape @yowasp/clang's runClang takes). */
export type FileTree = { [name: string]: FileTree | Uint8Array | string };

/** The top-level folders of the kernel's uapi headers (`make headers_install`), where present. */
export const KERNEL_UAPI_DIRS: readonly string[] = [
  "linux",
  "asm-generic",
  "sound",
  "drm",
  "mtd",
  "rdma",
  "misc",
  "scsi",
  "xen",
  "video",
];

/** The /usr/include folders that kernel uapi headers and the C library headers they use live in. */
export const UAPI_INCLUDE_SUBDIRS: readonly string[] = [
  ...KERNEL_UAPI_DIRS,
  "sys",
  "bits",
  "gnu",
  "net",
  "netinet",
  "netpacket",
  "arpa",
];

const cache = new Map<string, FileTree>();

function readDir(dir: string): FileTree {
  const tree: FileTree = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) tree[e.name] = readDir(path);
    else if (e.isFile()) tree[e.name] = readFileSync(path);
  }
  return tree;
}

/**
 * One include directory: its files and the named subdirectories (every one when `subdirs` is undefined),
 * keyed by the directory's own path.  Missing subdirectories are left out.
 */
export function includeDirTree(dir: string, subdirs?: readonly string[]): FileTree {
  const key = `${dir}\0${subdirs?.join(",") ?? "*"}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const tree: FileTree = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isFile()) tree[e.name] = readFileSync(path);
    else if (e.isDirectory() && (!subdirs || subdirs.includes(e.name))) tree[e.name] = readDir(path);
  }
  cache.set(key, tree);
  return tree;
}

/** Put `tree` at absolute `path` inside `root` (creating the folders on the way), sharing its contents. */
export function mountAt(root: FileTree, path: string, tree: FileTree): void {
  const parts = path.split("/").filter(Boolean);
  let dir = root;
  for (const p of parts.slice(0, -1)) {
    const next = dir[p];
    dir = dir[p] = next && typeof next === "object" && !(next instanceof Uint8Array) ? { ...next } : {};
  }
  const last = parts[parts.length - 1]!;
  const existing = dir[last];
  // Merge into a copy: the trees are shared by every run through the cache.
  dir[last] =
    existing && typeof existing === "object" && !(existing instanceof Uint8Array)
      ? { ...existing, ...tree }
      : { ...tree };
}
