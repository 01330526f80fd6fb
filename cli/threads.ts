/*
 * A second thread for the large commands.  The worker (worker.ts) loads the
 * same spec files itself and does the share of the work it is asked for;
 * a worker that fails costs time, never output: the caller does the share
 * itself, so the result is always what one thread gives.
 */
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { FindingsPart } from "../core/checks/index.js";
import type { GenerateOptions, OutputFile } from "../generators/generator.js";

/**
 * Below this much spec text one thread is faster: a worker costs its start and a second load of the specs.
 * `npm run bench -- scale` times both ways at each size (the crossover lies between its 100 and 1,000 structs,
 * 44 KB and 437 KB of YAML).
 */
export const THREADS_MIN_SPEC_BYTES = 200 * 1024;

export type WorkerRequest =
  | { kind: "check"; files: string[]; abis: string[]; share: number; shares: number }
  | { kind: "generate"; files: string[]; generators: string[]; options: GenerateOptions };

/** What the worker posts back: per spec file, its findings parts, or per generator and file, its files. */
export type WorkerReply =
  | { kind: "check"; parts: FindingsPart[][] }
  | { kind: "generate"; produced: [string, OutputFile[][]][] }
  | { kind: "failed"; error: string };

/** Threads for `--jobs auto`: two when there are two cores and enough spec text, else one. */
export function autoJobs(files: readonly string[]): number {
  if (availableParallelism() < 2) return 1;
  let bytes = 0;
  for (const f of files) {
    try {
      bytes += statSync(f).size;
    } catch {
      return 1; // the loader reports the unreadable file
    }
  }
  return bytes >= THREADS_MIN_SPEC_BYTES ? 2 : 1;
}

/** A running worker: its reply (a failure becomes `failed`), and a way to stop it early. */
export interface RunningWorker {
  reply: Promise<WorkerReply>;
  stop(): Promise<void>;
}

export function startWorker(request: WorkerRequest): RunningWorker {
  const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: request });
  const reply = new Promise<WorkerReply>((resolve) => {
    worker.once("message", resolve);
    worker.once("error", (e) => resolve({ kind: "failed", error: e.message }));
    worker.once("exit", (code) => resolve({ kind: "failed", error: `the worker exited with ${code}` }));
  });
  return {
    reply: reply.finally(() => worker.terminate()),
    stop: async () => void (await worker.terminate()),
  };
}
