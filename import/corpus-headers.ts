/*
 * The corpus: the kernel's uapi headers as installed on this machine (`make headers_install`,
 * Debian's linux-libc-dev), and which of them compile on their own.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { abiById } from "../spec/abis.js";
import { compilersFor } from "../verify/compilers.js";
import { gccSearchFlags } from "./round-trip-gcc.js";
import { abiHeaders, KERNEL_DIRS } from "./round-trip-headers.js";

/** scsi/ holds the C library's scsi headers beside the kernel's: only the kernel's carry this licence note. */
const KERNEL_NOTE = "Linux-syscall-note";

function walk(root: string, rel: string, out: string[]): void {
  for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) walk(root, r, out);
    else if (e.isFile() && e.name.endsWith(".h")) out.push(r);
  }
}

/** Every kernel uapi header below `usrInclude`, as include paths ("linux/iio/buffer.h"), sorted. */
export function listUapiHeaders(usrInclude: string): string[] {
  const out: string[] = [];
  for (const dir of KERNEL_DIRS) {
    if (!existsSync(path.join(usrInclude, dir))) continue;
    const found: string[] = [];
    walk(usrInclude, dir, found);
    out.push(
      ...(dir === "scsi"
        ? found.filter((h) => readFileSync(path.join(usrInclude, h), "utf8").slice(0, 400).includes(KERNEL_NOTE))
        : found),
    );
  }
  return out.sort();
}

/** "6.1.192", from linux/version.h; undefined when it is not there. */
export function kernelVersion(usrInclude: string): string | undefined {
  const file = path.join(usrInclude, "linux/version.h");
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  const part = (name: string) => new RegExp(`#define LINUX_VERSION_${name} (\\d+)`).exec(text)?.[1];
  const [major, minor, sub] = [part("MAJOR"), part("PATCHLEVEL"), part("SUBLEVEL")];
  return major && minor ? `${major}.${minor}${sub ? `.${sub}` : ""}` : undefined;
}

export interface Standalone {
  ok: boolean;
  /** GCC's first error when it does not compile. */
  error?: string;
}

/**
 * Whether each header compiles as the only thing in a translation unit, with GCC for x86_64 and
 * the same search path the round trip uses; several compilers at once.
 */
export async function compileStandalone(
  headers: readonly string[],
  usrInclude: string,
): Promise<Map<string, Standalone>> {
  const gcc = compilersFor("x86_64").gcc!;
  const flags = gccSearchFlags(gcc, abiHeaders(abiById("x86_64")!, { usrInclude })).filter((f) => !f.includes("{dir}"));
  const out = new Map<string, Standalone>();
  let next = 0;
  const one = (header: string) =>
    new Promise<Standalone>((resolve) => {
      const child = spawn(gcc.command, [...gcc.flags, "-std=gnu11", "-fsyntax-only", ...flags, "-x", "c", "-"]);
      const err: Buffer[] = [];
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.on("error", (e) => resolve({ ok: false, error: String(e) }));
      child.on("close", (status) => {
        const text = Buffer.concat(err).toString("utf8");
        const first = /(?:fatal )?error: ([^\n]*)/.exec(text)?.[0];
        resolve(status === 0 ? { ok: true } : { ok: false, error: first ?? text.trim().split("\n")[0] ?? "" });
      });
      child.stdin.end(`#include <${header}>\n`);
    });
  const worker = async () => {
    while (next < headers.length) {
      const h = headers[next++]!;
      out.set(h, await one(h));
    }
  };
  await Promise.all(Array.from({ length: availableParallelism() }, worker));
  return out;
}
