/*
 * `uapi import` for the corpus run, in worker threads (corpus-import-worker.ts): each holds its
 * own WebAssembly clang, and imports one header at a time.
 */
import type { ImportOptions, ImportResult } from "./types.js";
import { WorkerPool } from "./worker-pool.js";

export type ImportReply = ({ result: ImportResult; error?: undefined } | { result?: undefined; error: string }) & {
  /** Milliseconds the import itself took. */
  ms: number;
};

/** `size` importing workers. */
export const importPool = (size: number) =>
  new WorkerPool<ImportOptions, ImportReply>(size, new URL("./corpus-import-worker.js", import.meta.url), (e) => ({
    error: `import worker failed: ${e.message}`,
    ms: 0,
  }));
