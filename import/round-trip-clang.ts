/*
 * @yowasp/clang for round trips: a pool of worker threads (round-trip-clang-worker.ts), each
 * holding the WebAssembly clang loaded once and the header trees of the ABIs it has compiled
 * for.
 */
import { availableParallelism } from "node:os";
import type { AbiHeaders } from "./round-trip-headers.js";
import { WorkerPool } from "./worker-pool.js";

export interface ClangJob {
  /** Only load the WebAssembly clang (so the first real job does not wait for it). */
  warm?: boolean;
  headers: AbiHeaders;
  triple: string;
  flags: readonly string[];
  unitFile: string;
  source: string;
  generated: Record<string, string>;
}

export interface ClangReply {
  /** clang's diagnostics, paths as the unit included them. */
  stderr: string;
  exitCode: number;
  ms: number;
  /** The package's version, e.g. "21.1.4-3". */
  version: string;
  /** The runtime failed (not a compile error). */
  error?: string;
}

/** The WebAssembly clang in worker threads; `warm` loads it in every worker ahead of the first job. */
export class ClangPool extends WorkerPool<ClangJob, ClangReply> {
  constructor(size: number) {
    super(size, new URL("./round-trip-clang-worker.js", import.meta.url), (e) => ({
      stderr: "",
      exitCode: -1,
      ms: 0,
      version: "?",
      error: `worker failed: ${e.message}`,
    }));
  }

  /** Start every worker and load its clang now, while other work goes on. */
  warm(job: Omit<ClangJob, "warm">): Promise<unknown> {
    return Promise.all(Array.from({ length: this.size - this.started }, () => this.run({ ...job, warm: true })));
  }
}

let shared: ClangPool | undefined;

/** The process's pool: one worker per core, at most `max` (default 2: each holds its own WebAssembly clang). */
export function clangPool(max = 2): ClangPool {
  return (shared ??= new ClangPool(Math.max(1, Math.min(max, availableParallelism()))));
}
