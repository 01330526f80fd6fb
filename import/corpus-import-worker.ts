/*
 * A worker thread running `uapi import` (import/import.ts) on one header at a time for the corpus
 * run, so the importer's WebAssembly clang does not hold up the thread that hands out round-trip
 * work.  Replies with the import's result, or the message of what it threw, and the time it took.
 */
import { parentPort } from "node:worker_threads";
import { importHeaders } from "./import.js";
import type { ImportOptions } from "./types.js";

parentPort!.on("message", (opts: ImportOptions) => {
  const started = performance.now();
  importHeaders(opts).then(
    (result) => parentPort!.postMessage({ result, ms: performance.now() - started }),
    (e: Error) => parentPort!.postMessage({ error: String(e?.message ?? e), ms: performance.now() - started }),
  );
});
