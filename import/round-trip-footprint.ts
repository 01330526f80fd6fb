/*
 * What an original header reaches outside the kernel's own folders: the asm/ headers the
 * kernel's generic headers include, and the C library headers.  Read from `gcc -E -H` on
 * x86_64 (native, a few milliseconds a header).  An ABI whose asm/ is the table's stand-ins,
 * or that has no C library here, cannot compile a header that needs more; the round trip
 * reports such a header as skipped on that ABI without spending a WebAssembly compile on it.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import type { GccTarget } from "../verify/compilers.js";
import type { AbiHeaders } from "./round-trip-headers.js";
import { gccSearchFlags, headerOverlay } from "./round-trip-gcc.js";

export interface Footprint {
  /** asm/ headers included from outside asm/ ("asm/sigcontext.h"). */
  asm: string[];
  /** C library headers included from kernel headers or the unit ("sys/socket.h"). */
  libc: string[];
}

/** The footprint of `original` (an include path), or undefined when GCC cannot preprocess it here. */
export function footprint(original: string, gcc: GccTarget, headers: AbiHeaders): Promise<Footprint | undefined> {
  const flags = gccSearchFlags(gcc, headers).filter((f) => !f.includes("{dir}"));
  const overlay = headerOverlay(headers);
  return new Promise((resolve) => {
    const child = spawn(gcc.command, [...gcc.flags, "-std=gnu11", ...flags, "-E", "-H", "-o", "/dev/null", "-"]);
    const err: Buffer[] = [];
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", () => resolve(undefined));
    child.on("close", (status) => {
      if (status !== 0) return resolve(undefined);
      const kernelNames = new Set(headers.kernel.map(([name]) => name));
      resolve(readTree(Buffer.concat(err).toString("utf8"), [overlay, ...headers.libcDirs], kernelNames));
    });
    child.stdin.end(`#include <${original}>\n`);
  });
}

type Kind = "asm" | "kernel" | "libc" | "compiler";

/**
 * Sort the `-H` tree's entries by what they are, and keep the first step into asm/ or the C
 * library.  An entry is named by its path below whichever searched folder holds it (GCC may
 * print a file reached through the overlay's link under the link's target, /usr/include).
 */
function readTree(text: string, roots: readonly string[], kernelNames: ReadonlySet<string>): Footprint {
  const asm = new Set<string>();
  const libc = new Set<string>();
  const stack: Kind[] = ["kernel"];
  const longestFirst = [...roots].sort((a, b) => b.length - a.length);
  for (const line of text.split("\n")) {
    const m = /^(\.+) (.+)$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length;
    const file = path.normalize(m[2]!);
    const root = longestFirst.find((d) => file.startsWith(`${d}/`));
    const rel = root ? file.slice(root.length + 1) : "";
    const top = rel.split("/")[0]!;
    const kind: Kind = !root ? "compiler" : top === "asm" ? "asm" : kernelNames.has(top) ? "kernel" : "libc";
    stack.length = depth;
    const parent = stack[depth - 1] ?? "kernel";
    if (kind === "asm" && parent === "kernel") asm.add(rel);
    if (kind === "libc" && parent === "kernel") libc.add(rel);
    stack[depth] = kind;
  }
  return { asm: [...asm].sort(), libc: [...libc].sort() };
}
