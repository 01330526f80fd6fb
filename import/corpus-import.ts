/*
 * `uapi import` for the corpus run, in worker threads (corpus-import-worker.ts): each holds its
 * own WebAssembly clang, and imports one header at a time.
 */
import { Worker } from "node:worker_threads";
import type { ImportOptions, ImportResult } from "./types.js";

export type ImportReply = ({ result: ImportResult; error?: undefined } | { result?: undefined; error: string }) & {
  /** Milliseconds the import itself took. */
  ms: number;
};

export class ImportPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: { opts: ImportOptions; resolve: (r: ImportReply) => void }[] = [];

  constructor(readonly size: number) {}

  run(opts: ImportOptions): Promise<ImportReply> {
    return new Promise((resolve) => {
      this.queue.push({ opts, resolve });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length) {
      let w = this.idle.pop();
      if (!w && this.all.length < this.size) {
        w = new Worker(new URL("./corpus-import-worker.js", import.meta.url));
        this.all.push(w);
      }
      if (!w) return;
      const worker = w;
      const { opts, resolve } = this.queue.shift()!;
      const done = (reply: ImportReply) => {
        worker.off("message", done);
        worker.off("error", failed);
        this.idle.push(worker);
        resolve(reply);
        this.pump();
      };
      const failed = (e: Error) => {
        worker.off("message", done);
        this.all.splice(this.all.indexOf(worker), 1);
        resolve({ error: `import worker failed: ${e.message}`, ms: 0 });
        this.pump();
      };
      worker.on("message", done);
      worker.once("error", failed);
      worker.postMessage(opts);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.all.splice(0).map((w) => w.terminate()));
    this.idle.length = 0;
  }
}
