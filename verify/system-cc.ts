/*
 * Running a system C compiler (gcc, g++, cross gcc, clang) on a source held in
 * memory.  Used wherever the question is "what does a real compiler say".
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface CompileResult {
  ok: boolean;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Whether a program is on PATH and runs. */
export function haveProgram(program: string): boolean {
  const r = spawnSync(program, ["--version"], { encoding: "utf8" });
  return r.status === 0;
}

/**
 * Compile `source` (written to a temporary file named `fileName`) with
 * `compiler args... file`.  `extraFiles` are written beside it (headers).
 * The directory is removed afterwards unless `keep` is set; its path is
 * passed to `args` via the "{dir}" placeholder.
 */
/** Write the source and its extra files into a fresh scratch directory; returns the directory and the source's path. */
function scratchSources(opts: { source: string; fileName?: string; extraFiles?: Record<string, string> }) {
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-cc-"));
  const file = path.join(dir, opts.fileName ?? "probe.c");
  writeFileSync(file, opts.source);
  for (const [name, text] of Object.entries(opts.extraFiles ?? {})) {
    const p = path.join(dir, name);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return { dir, file };
}

export function compileSource(opts: {
  compiler: string;
  args: string[];
  source: string;
  fileName?: string;
  extraFiles?: Record<string, string>;
  run?: boolean;
}): CompileResult & { runResult?: CompileResult & { stdoutBytes: Buffer } } {
  const { dir, file } = scratchSources(opts);
  try {
    const exe = path.join(dir, "a.out");
    const args = opts.args.map((a) => a.replaceAll("{dir}", dir)).concat(opts.run ? [file, "-o", exe] : [file]);
    const r = spawnSync(opts.compiler, args, { encoding: "utf8", cwd: dir, maxBuffer: 64 << 20 });
    const result: CompileResult = {
      ok: r.status === 0,
      status: r.status,
      stdout: r.stdout ?? "",
      stderr: (r.stderr ?? "") + (r.error ? String(r.error) : ""),
    };
    if (!opts.run || !result.ok) return result;
    const run = spawnSync(exe, [], { cwd: dir, maxBuffer: 64 << 20 });
    return {
      ...result,
      runResult: {
        ok: run.status === 0,
        status: run.status,
        stdout: run.stdout?.toString("latin1") ?? "",
        stderr: run.stderr?.toString() ?? "",
        stdoutBytes: run.stdout ?? Buffer.alloc(0),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Memoised haveProgram: one `--version` per program per process. */
const known = new Map<string, boolean>();
export function haveProgramCached(program: string): boolean {
  let v = known.get(program);
  if (v === undefined) known.set(program, (v = haveProgram(program)));
  return v;
}

/**
 * Like compileSource without `run`, but asynchronous, so several compilers
 * can work at once (each is its own process).
 */
export async function compileSourceAsync(opts: {
  compiler: string;
  args: string[];
  source: string;
  fileName?: string;
  extraFiles?: Record<string, string>;
}): Promise<CompileResult> {
  const { spawn } = await import("node:child_process");
  const { rm } = await import("node:fs/promises");
  // The files are small: writing them synchronously costs less than the compiler they are for.
  const { dir, file } = scratchSources(opts);
  try {
    const args = opts.args.map((a) => a.replaceAll("{dir}", dir)).concat([file]);
    return await new Promise<CompileResult>((resolve) => {
      const child = spawn(opts.compiler, args, { cwd: dir });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.on("error", (e) => resolve({ ok: false, status: null, stdout: "", stderr: String(e) }));
      child.on("close", (status) =>
        resolve({
          ok: status === 0,
          status,
          stdout: Buffer.concat(out).toString("utf8"),
          stderr: Buffer.concat(err).toString("utf8"),
        }),
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
