/*
 * One compiler's pass over one ABI, pure (nothing from node:*): the records its known limits keep it from being
 * asked about, then a probe per group of the rest, each judged by the compiler and compared with the engine, joined
 * into the compiler's run.  `uapi verify` (verify.ts) runs a pass per compiler and ABI; the page's verify worker
 * runs @yowasp/clang's, so both reach the same verdict from the same steps.
 */
import type { AbiEntry } from "../spec/abi.js";
import type { BackendRun } from "./clang-judge.js";
import type { LimitNote } from "./compilers.js";
import { buildProbe, type Probe, type ProbeRecord, type ProbeUnit } from "./probe.js";
import type { HeaderSource } from "./clang-judge.js";
import { compareRun, joinRuns, skippedRecords, type CompilerRun } from "./verdict.js";

/** Records per probe: one compiler invocation per ABI up to this many (the bundled specs hold 17). */
export const PROBE_CHUNK = 2000;

/** Runs a task when a compiler is free: `limiter(n)` lets at most n run at once. */
export type Slot = <T>(task: () => Promise<T>) => Promise<T>;

/** A tiny semaphore: at most `n` tasks at once. */
export function limiter(n: number): Slot {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** How one compiler is asked about one ABI. */
export interface PassCompiler {
  /** Record features this compiler gets wrong on the ABI (verify/compilers.ts). */
  limits: readonly LimitNote[] | undefined;
  /** Where it is free to run. */
  slot: Slot;
  /** Its values for a probe's facts. */
  judge: (probe: Probe) => Promise<BackendRun>;
  headers: HeaderSource;
}

export interface CompilerPass {
  /** Records the compiler is not asked about, and why. */
  skipped: { record: string; reason: string }[];
  /** Its run over the rest; undefined when its limits leave no record to ask about. */
  run?: Promise<CompilerRun>;
}

/**
 * Start one compiler's pass over `records` (grouped into probes as `groups`) on `abi`.  Each probe is built only
 * when the compiler's slot is free, so a very large batch split by PROBE_CHUNK keeps memory bounded.
 */
export function compilerPass(
  records: readonly ProbeRecord[],
  groups: readonly (readonly ProbeUnit[])[],
  abi: AbiEntry,
  compiler: PassCompiler,
): CompilerPass {
  const left = skippedRecords(records, compiler.limits);
  const skipped = [...left.values()];
  if (left.size === records.length) return { skipped };
  const parts = groups.map((group) =>
    compiler.slot(async () => {
      const probe = buildProbe(group, abi, (r) => !left.has(r));
      return compareRun(await compiler.judge(probe), probe);
    }),
  );
  return { skipped, run: Promise.all(parts).then((rs) => joinRuns(rs, skipped, compiler.headers)) };
}
