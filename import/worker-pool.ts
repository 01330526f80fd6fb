/*
 * A pool of worker threads running one script: each worker takes one job at a time, jobs queue in
 * order.  The WebAssembly clang runs on the thread that calls it, so the pools of the importer
 * (corpus-import.ts) and of the round trip (round-trip-clang.ts) are what put several cores to work.
 * An idle worker does not keep the process alive.
 */
import { Worker } from "node:worker_threads";

interface Slot {
  worker: Worker;
  busy: boolean;
}

export class WorkerPool<Job, Reply> {
  private readonly slots: Slot[] = [];
  private readonly queue: { job: Job; resolve: (r: Reply) => void }[] = [];

  /** `crashed` makes the reply for a job whose worker died; the worker is dropped and a new one spawned. */
  constructor(
    readonly size: number,
    private readonly script: URL,
    private readonly crashed: (e: Error) => Reply,
  ) {}

  /** Workers started so far. */
  get started(): number {
    return this.slots.length;
  }

  run(job: Job): Promise<Reply> {
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
      const taken = slot;
      const { job, resolve } = this.queue.shift()!;
      taken.busy = true;
      taken.worker.ref();
      const done = (reply: Reply) => {
        taken.worker.off("message", done);
        taken.worker.off("error", failed);
        taken.busy = false;
        taken.worker.unref();
        resolve(reply);
        this.pump();
      };
      const failed = (e: Error) => {
        this.slots.splice(this.slots.indexOf(taken), 1);
        done(this.crashed(e));
      };
      taken.worker.on("message", done);
      taken.worker.on("error", failed);
      taken.worker.postMessage(job);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.script);
    worker.unref();
    const slot = { worker, busy: false };
    this.slots.push(slot);
    return slot;
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }
}
