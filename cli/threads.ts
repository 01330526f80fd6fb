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
import type { SpecModel } from "../core/model.js";
import { loadSpecFiles } from "../spec/load.js";
import type { GenerateOptions, OutputFile } from "../generators/generator.js";

/**
 * The least spec text for which `--jobs auto` runs a command on two threads, per command, as `npm run bench --
 * scale` measured on two cores: `generate` of 1,000 structs (437 KB of YAML) took 0.92x the time of one thread,
 * of 100 structs (44 KB) 1.09x.  `check` was slower on two threads at every size (1.11x at 10,000 structs):
 * its checks now take less time than the worker's second load of the specs, so auto never picks two for it.
 */
export const THREADS_MIN_SPEC_BYTES = { check: Infinity, generate: 200 * 1024 } as const;

export type WorkerRequest =
  | { kind: "check"; files: string[]; abis: string[]; share: number; shares: number }
  | { kind: "generate"; files: string[]; generators: string[]; options: GenerateOptions };

/** What the worker posts back: per spec file, its findings parts, or per generator and file, its files. */
export type WorkerReply =
  | { kind: "check"; parts: FindingsPart[][] }
  | { kind: "generate"; produced: [string, OutputFile[][]][] }
  | { kind: "failed"; error: string };

/** Threads for `--jobs auto`: two when there are two cores and enough spec text for `command`, else one. */
export function autoJobs(command: keyof typeof THREADS_MIN_SPEC_BYTES, files: readonly string[]): number {
  const least = THREADS_MIN_SPEC_BYTES[command];
  if (availableParallelism() < 2 || least === Infinity) return 1;
  let bytes = 0;
  for (const f of files) {
    try {
      bytes += statSync(f).size;
    } catch {
      return 1; // the loader reports the unreadable file
    }
  }
  return bytes >= least ? 2 : 1;
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

/** Load the files on this thread while the worker runs; a load that fails stops the worker first. */
export async function loadBeside(worker: RunningWorker, files: string[]): Promise<SpecModel[]> {
  try {
    return loadSpecFiles(files);
  } catch (e) {
    await worker.stop();
    throw e;
  }
}
