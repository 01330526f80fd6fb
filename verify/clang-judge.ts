/*
 * clang as the judge of a probe, without running it: the arguments that make clang dump every record's layout
 * (`-fsyntax-only -Xclang -fdump-record-layouts`), the probe as @yowasp/clang's virtual file system, and what
 * clang printed turned into the compiler's value for every fact.  Pure: nothing from node:*, no Buffer or
 * process, so a browser page or Web Worker running @yowasp/clang judges a probe exactly as `uapi verify` does.
 * The GCC backend (backends.ts) shares the common flags and the error classification.
 */
import type { AbiEntry } from "../spec/abi.js";
import { layoutRecord } from "../core/layout.js";
import type { ClangTarget } from "./compilers.js";
import { visitMembers, type MemberVisit } from "./facts.js";
import type { Probe, ProbeEntry } from "./probe.js";
import { parseRecordDump, type DumpNode, type DumpedRecord } from "./record-dump.js";

export interface BackendRun {
  /** Display name, e.g. "clang 21.1.4 (@yowasp/clang) --target=mips-linux-gnu". */
  compiler: string;
  /** The compiler's value for each fact of each entry (undefined: not measured). */
  measured: (number | undefined)[][];
  /** How many _Static_asserts the compiler rejected. */
  assertFailures: number;
  /** Set when the compiler could not be run or said something other than assert failures. */
  error?: string;
  ms: number;
}

/** The flags every probe compile gets, clang's and GCC's. */
export const COMMON_FLAGS: readonly string[] = ["-std=gnu11", "-ffreestanding", "-w"];

/** Where a compiler finds <linux/types.h>: the target's own headers, or only stand-ins spelled from the ABI table. */
export interface HeaderSource {
  kind: "sysroot" | "table";
  /** Flags that put the stand-ins on the include path: after the system headers, or before them. */
  flags: string[];
  /** Why the table's stand-ins are used. */
  why?: string;
}

/** clang runs freestanding here: the kernel headers are always the table's stand-ins. */
export const CLANG_HEADERS: HeaderSource = {
  kind: "table",
  flags: [],
  why: "clang runs without a target sysroot: kernel typedefs are the ABI table's stand-ins",
};

function measureFromDump(entry: ProbeEntry, abi: AbiEntry, dumped: DumpedRecord | undefined): (number | undefined)[] {
  const got = new Map<string, number>();
  if (dumped) {
    got.set("size|", dumped.size);
    got.set("align|", dumped.align);
    const walk = (visits: MemberVisit[], nodes: DumpNode[]) => {
      // clang prints every field (anonymous ones and unnamed bit-fields too) in declaration order.
      if (visits.length !== nodes.length) return;
      visits.forEach((v, i) => {
        const n = nodes[i]!;
        if (v.member.bits !== undefined) {
          if (v.path && n.bitOffset !== undefined) {
            got.set(`bit-offset|${v.path}`, n.bitOffset);
            got.set(`bit-width|${v.path}`, n.bits!);
          }
          return;
        }
        if (v.path) got.set(`offset|${v.path}`, n.offset);
        if (v.children) walk(v.children, n.children);
      });
    };
    walk(visitMembers(layoutRecord(entry.record, abi)), dumped.members);
  }
  return entry.facts.map((f) => got.get(`${f.kind}|${f.member}`));
}

const ERROR_LINE = /(?:^|\n)[^\n]*?\berror: ([^\n]*)/g;

/** Error messages that are not rejected _Static_asserts, and how many asserts were rejected. */
export function classifyErrors(stderr: string): { asserts: number; other: string[] } {
  let asserts = 0;
  const other: string[] = [];
  for (const m of stderr.matchAll(ERROR_LINE)) {
    if (/static assert(ion)? failed/i.test(m[1]!)) asserts++;
    else other.push(m[0]!.trim());
  }
  return { asserts, other };
}

/** clang's arguments for a probe on `target`, before the include directories and the source file. */
export function clangArgs(target: ClangTarget): string[] {
  return [
    `--target=${target.triple}`,
    ...target.flags,
    ...COMMON_FLAGS,
    "-fsyntax-only",
    "-ferror-limit=0",
    "-fno-caret-diagnostics",
    "-fno-color-diagnostics",
    "-Xclang",
    "-fdump-record-layouts",
  ];
}

/** How a report names the target: `--target=T` and its extra flags. */
export function clangTargetText(target: ClangTarget): string {
  return `--target=${target.triple}${target.flags.length ? " " + target.flags.join(" ") : ""}`;
}

/** The WebAssembly clang's display name, from its package version ("21.1.4-3": the build number is dropped). */
export function yowaspCompilerName(packageVersion: string, target: ClangTarget): string {
  return `clang ${packageVersion.replace(/-\d+$/, "")} (@yowasp/clang) ${clangTargetText(target)}`;
}

/** A virtual file system for @yowasp/clang: folders as objects, files as text. */
export type ClangTree = { [name: string]: ClangTree | string };

/** Nested directories of a virtual file system from "a/b.h" -> text. */
function tree(files: Record<string, string>): ClangTree {
  const root: ClangTree = {};
  for (const [name, text] of Object.entries(files)) {
    const parts = name.split("/");
    let dir = root;
    for (const p of parts.slice(0, -1)) dir = (dir[p] ??= {}) as ClangTree;
    dir[parts[parts.length - 1]!] = text;
  }
  return root;
}

/** @yowasp/clang's whole command line (`clang` first) and file system for judging `probe` on `target`. */
export function yowaspProbeRun(probe: Probe, target: ClangTarget): { args: string[]; files: ClangTree } {
  return {
    args: ["clang", ...clangArgs(target), "-I", "include", "-I", "stand-ins", "probe.c"],
    files: { "probe.c": probe.source, include: tree(probe.headers), "stand-ins": tree(probe.standIns) },
  };
}

/**
 * What clang printed for a probe, as the compiler's run: its value for every fact from the record-layout dump on
 * stdout, how many asserts it rejected, and an error when it said anything else.  `started` is performance.now()
 * when the run began.
 */
export function clangResult(
  compiler: string,
  probe: Probe,
  abi: AbiEntry,
  stdout: string,
  stderr: string,
  started: number,
): BackendRun {
  const { asserts, other } = classifyErrors(stderr);
  const dumps = parseRecordDump(stdout);
  const measured = probe.entries.map((e) => measureFromDump(e, abi, dumps.get(e.cname)));
  const run: BackendRun = { compiler, measured, assertFailures: asserts, ms: performance.now() - started };
  if (other.length) run.error = `${compiler} rejected the probe: ${other.slice(0, 3).join(" | ")}`;
  return run;
}

/** The run of a compiler that could not run at all: no value measured, and why. */
export function failedRun(compiler: string, probe: Probe, error: string, started: number): BackendRun {
  return {
    compiler,
    measured: probe.entries.map((en) => en.facts.map(() => undefined)),
    assertFailures: 0,
    error,
    ms: performance.now() - started,
  };
}
