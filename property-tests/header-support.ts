/*
 * Shared by the header-*.test.ts files: generating into a scratch directory,
 * and running real compilers on generated C with the flags the issue names.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SpecModel } from "../core/model.js";
import { exampleSpecFiles, loadSpecFiles } from "../spec/load.js";

export const loadBundled = (): SpecModel[] => loadSpecFiles(exampleSpecFiles());

const scratch: string[] = [];
// Scratch directories go when the test worker exits (set UAPI_KEEP_SCRATCH=1 to inspect them).
process.on("exit", () => {
  if (!process.env.UAPI_KEEP_SCRATCH) for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

export function scratchDir(tag: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `uapi-${tag}-`));
  scratch.push(dir);
  return dir;
}

/** Write files (path relative to dir) into dir. */
export function writeTree(dir: string, files: { path: string; content: string }[]): void {
  for (const f of files) {
    const p = path.join(dir, f.path);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, f.content);
  }
}

/** Every file under dir (relative paths, '/' separators) with content and mtime. */
export function snapshotTree(dir: string): Map<string, { content: string; mtimeMs: number }> {
  const out = new Map<string, { content: string; mtimeMs: number }>();
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = statSync(path.join(dir, r));
      if (st.isDirectory()) walk(r);
      else out.set(r, { content: readFileSync(path.join(dir, r), "utf8"), mtimeMs: st.mtimeMs });
    }
  };
  walk("");
  return out;
}

export interface CcResult {
  ok: boolean;
  output: string;
}

/** Run a compiler in `cwd`; output is stderr+stdout for the test log. */
export function cc(compiler: string, args: string[], cwd: string): CcResult {
  const r = spawnSync(compiler, args, { cwd, encoding: "utf8", maxBuffer: 64 << 20 });
  return {
    ok: r.status === 0,
    output: `${compiler} ${args.join(" ")}\n${r.stderr ?? ""}${r.stdout ?? ""}${r.error ? String(r.error) : ""}`,
  };
}

export function have(program: string): boolean {
  return spawnSync(program, ["--version"], { encoding: "utf8" }).status === 0;
}

/** gcc -m32 / -mx32 need the multilib runtime and, for kernel headers, the asm/ directory of the host. */
export const M32_ISYSTEM = ["-isystem", "/usr/include/x86_64-linux-gnu"];

/** The flags of the issue: the kernel compiles exported headers as C90; we add -pedantic and -Werror. */
export const C90_FLAGS = ["-std=c90", "-Wall", "-Wextra", "-Werror", "-pedantic", "-fsyntax-only"];
export const CXX_FLAGS = ["-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-pedantic"];
export const C11_FLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-fsyntax-only"];

/** Whether `gcc -m32` can compile a file that includes kernel headers here (multilib present). */
export function haveM32(): boolean {
  const dir = scratchDir("m32");
  writeFileSync(path.join(dir, "t.c"), "#include <linux/types.h>\n#include <stddef.h>\nint x;\n");
  return cc("gcc", ["-m32", ...M32_ISYSTEM, "-fsyntax-only", "t.c"], dir).ok;
}
