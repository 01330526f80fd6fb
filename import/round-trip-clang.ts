/*
 * @yowasp/clang for round trips: a pool of worker threads (round-trip-clang-worker.ts), each
 * holding the WebAssembly clang loaded once and the header trees of the ABIs it has compiled
 * for.  clang in WebAssembly runs on one thread, so the pool is what puts several cores to
 * work; idle workers do not keep the process alive.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { AbiHeaders } from "./round-trip-headers.js";

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

interface Slot {
  worker: Worker;
  busy: boolean;
}

/** Workers run jobs one at a time each; jobs queue in order. */
export class ClangPool {
  private readonly slots: Slot[] = [];
  private readonly queue: { job: ClangJob; resolve: (r: ClangReply) => void }[] = [];

  constructor(readonly size: number) {}

  run(job: ClangJob): Promise<ClangReply> {
    return new Promise((resolve) => {
      this.queue.push({ job, resolve });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const { job, resolve } = this.queue.shift()!;
      slot.busy = true;
      slot.worker.ref();
      const done = (reply: ClangReply) => {
        slot!.worker.off("message", done);
        slot!.worker.off("error", failed);
        slot!.busy = false;
        slot!.worker.unref();
        resolve(reply);
        this.pump();
      };
      const failed = (e: Error) => {
        this.slots.splice(this.slots.indexOf(slot!), 1);
        done({ stderr: "", exitCode: -1, ms: 0, version: "?", error: `worker failed: ${e.message}` });
      };
      slot.worker.on("message", done);
      slot.worker.on("error", failed);
      slot.worker.postMessage(job);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(new URL("./round-trip-clang-worker.js", import.meta.url));
    worker.unref();
    const slot = { worker, busy: false };
    this.slots.push(slot);
    return slot;
  }

  /** Start every worker and load its clang now, while other work goes on. */
  warm(job: Omit<ClangJob, "warm">): Promise<unknown> {
    return Promise.all(Array.from({ length: this.size - this.slots.length }, () => this.run({ ...job, warm: true })));
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }
}

let shared: ClangPool | undefined;

/** The process's pool: one worker per core, at most `max` (default 2: each holds its own WebAssembly clang). */
export function clangPool(max = 2): ClangPool {
  return (shared ??= new ClangPool(Math.max(1, Math.min(max, availableParallelism()))));
}
