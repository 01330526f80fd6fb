/*
 * Reading input with a ceiling: a regular file's size is checked before it
 * is read; anything else (a device, a pipe, stdin) is read in chunks and
 * given up on past the limit, so /dev/zero or `yes |` cannot make a command
 * read forever.  Shared by the spec loader and the codec commands' @FILE.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

const sleepMs = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * At most `limit` bytes of a path, or of stdin (0); undefined when there is more.
 * Errors (ENOENT, EISDIR, ...) are thrown as they come.
 */
export function readCapped(file: string | 0, limit: number): Buffer | undefined {
  const fd = typeof file === "number" ? file : openSync(file, "r");
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error("it is a directory"), { code: "EISDIR" });
    if (st.isFile() && st.size > limit) return undefined;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        // A non-blocking stdin (a terminal, some pipes) has no data yet: wait, then try again.
        if ((e as NodeJS.ErrnoException).code === "EAGAIN") {
          sleepMs(10);
          continue;
        }
        if ((e as NodeJS.ErrnoException).code === "EOF") break;
        throw e;
      }
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > limit) return undefined;
    }
    return Buffer.concat(chunks, total);
  } finally {
    if (typeof file !== "number") closeSync(fd);
  }
}
