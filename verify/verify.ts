/*
 * Verification: for each ABI, ask every authoritative compiler that is
 * available (verify/compilers.ts) to lay out every record in one probe, and
 * compare its values with the engine's.  An ABI is verified only when at
 * least one compiler checked it and none disagreed; with no usable compiler
 * it is unverified, with the reason.
 */
import type { AbiEntry } from "../spec/abi.js";
import {
  gccCannotCompile,
  gccHeaderSource,
  runGcc,
  runSystemClang,
  runYowaspClang,
  YOWASP_PACKAGE,
  yowaspInstallCommand,
  yowaspInstalled,
} from "./backends.js";
import { CLANG_HEADERS, type BackendRun } from "./clang-judge.js";
import { compilersFor, type LimitNote } from "./compilers.js";
import { compilerPass, limiter, PROBE_CHUNK, type Slot } from "./compiler-pass.js";
import { groupUnits, type Probe, type ProbeUnit } from "./probe.js";
import { abiVerdict, noRecordsVerdict, tableOnlyTypedefs, type AbiVerdict, type CompilerRun } from "./verdict.js";
import type { HeaderSource } from "./clang-judge.js";

export { limiter, PROBE_CHUNK } from "./compiler-pass.js";

export { unitsOfModels, type ProbeUnit } from "./probe.js";
export type { AbiStatus, AbiVerdict, CompilerRun, Mismatch } from "./verdict.js";
import { haveProgramCached } from "./system-cc.js";
import { checkTypedefs, type TypedefVerdict } from "./libc-types.js";

export type CompilerChoice = "auto" | "yowasp" | "system";
export const COMPILER_CHOICES: readonly CompilerChoice[] = ["auto", "yowasp", "system"];

/** A compiler asked for by name is not installed; says how to get it. */
export class CompilerMissing extends Error {
  constructor(
    readonly compiler: string,
    readonly install: string,
  ) {
    super(`${compiler} is not installed; get it with: ${install}`);
    this.name = "CompilerMissing";
  }
}

export interface VerifyOptions {
  compiler?: CompilerChoice;
  /** Called as each ABI finishes. */
  onProgress?: (done: number, total: number, verdict: AbiVerdict) => void;
  /** GCC processes at once (default 2: the CI machines have two cores). */
  jobs?: number;
  /** Name of a clang on PATH to use as well (default: "clang" when present, in auto/system mode). */
  systemClang?: string | false;
}

/** The typedef check; a probe that fails for another reason than a missing tool is reported, not thrown. */
function typedefVerdict(abi: AbiEntry): TypedefVerdict {
  try {
    return checkTypedefs(abi);
  } catch (e) {
    return tableOnlyTypedefs(abi.id, `the typedef probe failed: ${(e as Error).message}`);
  }
}

/** Verify the generated headers of `units` on each ABI.  Verdicts come back in the order of `abis`. */
export async function verifyLayouts(
  units: readonly ProbeUnit[],
  abis: readonly AbiEntry[],
  opts: VerifyOptions = {},
): Promise<AbiVerdict[]> {
  const records = units.flatMap((u) => u.records);
  const groups = groupUnits(units, PROBE_CHUNK);
  const choice = opts.compiler ?? "auto";
  const useSystem = choice !== "yowasp";
  // "auto" goes on without the optional WebAssembly clang; asking for it by name when it is absent is an error.
  const yowaspAbsent = choice !== "system" && !(await yowaspInstalled());
  if (yowaspAbsent && choice === "yowasp") throw new CompilerMissing(YOWASP_PACKAGE, yowaspInstallCommand());
  const useYowasp = choice !== "system" && !yowaspAbsent;
  const systemClang =
    opts.systemClang === false
      ? undefined
      : (opts.systemClang ?? (useSystem && haveProgramCached("clang") ? "clang" : undefined));
  const gccSlots = limiter(opts.jobs ?? 2);
  const wasmSlot = limiter(1); // one WebAssembly clang at a time: it runs on this thread
  let done = 0;

  const one = async (abi: AbiEntry): Promise<AbiVerdict> => {
    const row = compilersFor(abi.id);
    const tasks: Promise<CompilerRun>[] = [];
    const missing: string[] = [];
    const skippedBy: { record: string; reason: string }[][] = [];
    // Each pass builds a probe only when its compiler is free, PROBE_CHUNK records at most, so memory stays
    // bounded (a 20,000-struct batch on 31 ABIs at once does not fit).
    const start = (
      limits: readonly LimitNote[] | undefined,
      slot: Slot,
      judge: (p: Probe) => Promise<BackendRun>,
      headers: HeaderSource,
    ) => {
      const pass = compilerPass(records, groups, abi, { limits, slot, judge, headers });
      skippedBy.push(pass.skipped);
      if (pass.run) tasks.push(pass.run);
    };
    if (row.clang && useYowasp)
      start(row.clang.limits, wasmSlot, (p) => runYowaspClang(p, abi, row.clang!), CLANG_HEADERS);
    if (row.clang && systemClang)
      start(row.clang.limits, gccSlots, (p) => runSystemClang(p, abi, row.clang!, systemClang), CLANG_HEADERS);
    if (row.gcc && useSystem) {
      const cannot = haveProgramCached(row.gcc.command)
        ? gccCannotCompile(row.gcc)
        : `${row.gcc.command} is not installed`;
      if (cannot) missing.push(cannot);
      else start(row.gcc.limits, gccSlots, (p) => runGcc(p, abi, row.gcc!), gccHeaderSource(abi.id, row.gcc));
    }
    const runs = await Promise.all(tasks);
    const typedefs = useSystem
      ? typedefVerdict(abi)
      : tableOnlyTypedefs(abi.id, "--compiler yowasp: GCC and its sysroot not used");
    const verdict = abiVerdict(abi.id, records.length, runs, skippedBy, typedefs, [
      ...missing,
      ...(row.clang && yowaspAbsent && !systemClang ? [`${YOWASP_PACKAGE} is not installed`] : []),
      ...(row.clang && choice === "system" && !systemClang ? ["--compiler system and no clang on PATH"] : []),
      ...(row.gcc && !useSystem ? [`--compiler yowasp: GCC (${row.gcc.command}) not used`] : []),
      ...(!row.clang && row.note ? [row.note] : []),
    ]);
    opts.onProgress?.(++done, abis.length, verdict);
    return verdict;
  };

  if (!records.length) return abis.map((abi) => noRecordsVerdict(abi.id));
  return Promise.all(abis.map(one));
}
