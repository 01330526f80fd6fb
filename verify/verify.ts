/*
 * Verification: for each ABI, ask every authoritative compiler that is
 * available (verify/compilers.ts) to lay out every record in one probe, and
 * compare its values with the engine's.  An ABI is verified only when at
 * least one compiler checked it and none disagreed; with no usable compiler
 * it is unverified, with the reason.
 */
import type { AbiEntry, AbiId } from "../spec/abi.js";
import type { RecordType } from "../core/model.js";
import {
  gccCannotCompile,
  gccHeaderSource,
  runGcc,
  runSystemClang,
  runYowaspClang,
  YOWASP_PACKAGE,
  yowaspInstallCommand,
  yowaspInstalled,
  type BackendRun,
  type HeaderSource,
} from "./backends.js";
import { compilersFor, type Limit, type LimitNote } from "./compilers.js";
import { recordUses, type FactKind } from "./facts.js";
import { buildProbe, groupUnits, type Probe, type ProbeRecord, type ProbeUnit } from "./probe.js";

export { unitsOfModels, type ProbeUnit } from "./probe.js";
import { haveProgramCached } from "./system-cc.js";
import { checkTypedefs, type TypedefVerdict } from "./libc-types.js";

export type CompilerChoice = "auto" | "yowasp" | "system";
export const COMPILER_CHOICES: readonly CompilerChoice[] = ["auto", "yowasp", "system"];

export interface Mismatch {
  /** The record, e.g. "bus1.yaml: struct bus1_cmd_send". */
  record: string;
  /** Member path, "" for the record's own size/alignment. */
  member: string;
  kind: FactKind;
  engine: number;
  /** undefined: the compiler's value could not be read back. */
  compiler: number | undefined;
  compilerName: string;
}

export interface CompilerRun {
  compiler: string;
  records: number;
  facts: number;
  ms: number;
  mismatches: Mismatch[];
  error?: string;
  /** Records this compiler was not asked about, and why (verify/compilers.ts limits). */
  skipped: { record: string; reason: string }[];
  /**
   * Where the kernel headers the generated header includes came from: the target's sysroot (so `__kernel_time_t`
   * and friends are the target's own), or stand-ins spelled from the ABI table (verify/stand-ins.ts).
   */
  headers: "sysroot" | "table";
  /** Why the table's stand-ins were used. */
  headersWhy?: string;
}

export type AbiStatus = "verified" | "mismatch" | "unverified" | "error";

export interface AbiVerdict {
  abi: AbiId;
  status: AbiStatus;
  runs: CompilerRun[];
  /** Why the ABI (or some of its records) could not be verified. */
  reason?: string;
  /** Records no compiler checked on this ABI. */
  unverified: { record: string; reason: string }[];
  records: number;
  /** The row's C library and kernel typedefs against the target's own headers (verify/libc-types.ts), or why not. */
  typedefs: TypedefVerdict;
}

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

const LIMIT_TESTS: Record<Limit, (r: RecordType) => boolean> = {
  "long-double": (r) => recordUses(r, (t) => t.kind === "scalar" && t.scalar.cls === "ldouble"),
  "unnamed-bitfield": (r) => recordUses(r, (_t, bits, named) => bits !== undefined && !named),
};

/** The records a compiler with these limits is not asked about, and why. */
function limited(
  records: readonly ProbeRecord[],
  limits: readonly LimitNote[] | undefined,
): Map<RecordType, { record: string; reason: string }> {
  const skipped = new Map<RecordType, { record: string; reason: string }>();
  for (const pr of records) {
    const hit = (limits ?? []).find((l) => LIMIT_TESTS[l.limit](pr.record));
    if (hit) skipped.set(pr.record, { record: pr.label, reason: hit.why });
  }
  return skipped;
}

/** A tiny semaphore: at most `n` tasks at once. */
export function limiter(n: number) {
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

function compare(run: BackendRun, probe: Probe): CompilerRun {
  const mismatches: Mismatch[] = [];
  let facts = 0;
  probe.entries.forEach((e, ei) => {
    e.facts.forEach((f, fi) => {
      facts++;
      const got = run.measured[ei]?.[fi];
      if (got !== f.engine)
        mismatches.push({
          record: e.label,
          member: f.member,
          kind: f.kind,
          engine: f.engine,
          compiler: got,
          compilerName: run.compiler,
        });
    });
  });
  const out: CompilerRun = {
    compiler: run.compiler,
    records: probe.entries.length,
    facts,
    ms: run.ms,
    mismatches: run.error ? [] : mismatches,
    skipped: [],
    headers: "table",
  };
  if (run.error) out.error = run.error;
  // The compiler's own verdict on the asserts must agree with what was read back.
  const valueMismatches = mismatches.filter(
    (m) => m.kind === "size" || m.kind === "align" || m.kind === "offset",
  ).length;
  if (!run.error && run.assertFailures > 0 !== valueMismatches > 0) {
    out.error =
      `${run.compiler} rejected ${run.assertFailures} _Static_assert(s) ` +
      `but ${valueMismatches} value(s) read back differ: the probe or its reader is broken`;
  }
  return out;
}

const tableOnly = (abi: AbiEntry, reason: string): TypedefVerdict => ({ status: "table-only", abi: abi.id, reason });

/** The typedef check; a probe that fails for another reason than a missing tool is reported, not thrown. */
function typedefVerdict(abi: AbiEntry): TypedefVerdict {
  try {
    return checkTypedefs(abi);
  } catch (e) {
    return tableOnly(abi, `the typedef probe failed: ${(e as Error).message}`);
  }
}

/** clang runs freestanding here: the kernel headers are always the table's stand-ins. */
const CLANG_HEADERS: HeaderSource = {
  kind: "table",
  flags: [],
  why: "clang runs without a target sysroot: kernel typedefs are the ABI table's stand-ins",
};

/** Records per probe: one compiler invocation per ABI up to this many (the bundled specs hold 17). */
export const PROBE_CHUNK = 2000;

function mergeRuns(rs: CompilerRun[]): CompilerRun {
  const out: CompilerRun = {
    compiler: rs[0]!.compiler,
    records: 0,
    facts: 0,
    ms: 0,
    mismatches: [],
    skipped: [],
    headers: "table",
  };
  for (const r of rs) {
    out.records += r.records;
    out.facts += r.facts;
    out.ms += r.ms;
    out.mismatches.push(...r.mismatches);
    if (r.error && !out.error) out.error = r.error;
  }
  return out;
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
    const tasks: Promise<CompilerRun | undefined>[] = [];
    const missing: string[] = [];
    const skippedBy: { record: string; reason: string }[][] = [];
    // The probe is built only when its compiler slot is free, and very large batches are split into
    // groups of at most PROBE_CHUNK records, so memory stays bounded (a 20,000-struct batch on 31 ABIs
    // at once does not fit).
    const start = (
      limits: readonly LimitNote[] | undefined,
      slot: <T>(task: () => Promise<T>) => Promise<T>,
      run: (p: Probe) => Promise<BackendRun>,
      headers: HeaderSource,
    ) => {
      const left = limited(records, limits);
      const skipped = [...left.values()];
      skippedBy.push(skipped);
      if (left.size === records.length) return;
      const parts = groups.map((group) =>
        slot(async () => {
          const probe = buildProbe(group, abi, (r) => !left.has(r));
          return compare(await run(probe), probe);
        }),
      );
      tasks.push(
        Promise.all(parts).then((rs) => ({
          ...mergeRuns(rs),
          skipped,
          headers: headers.kind,
          ...(headers.why ? { headersWhy: headers.why } : {}),
        })),
      );
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
    const runs = (await Promise.all(tasks)).filter((r): r is CompilerRun => r !== undefined);
    // A record is unverified when every compiler that ran (or would have run) skipped it.
    const unverified = skippedBy.length
      ? skippedBy[0]!.filter((s) => skippedBy.every((list) => list.some((x) => x.record === s.record)))
      : [];
    const typedefs = useSystem
      ? typedefVerdict(abi)
      : tableOnly(abi, "--compiler yowasp: GCC and its sysroot not used");
    const verdict: AbiVerdict = {
      abi: abi.id,
      status: "unverified",
      runs,
      unverified,
      records: records.length,
      typedefs,
    };
    if (runs.some((r) => r.mismatches.length) || (typedefs.status === "checked" && typedefs.mismatches.length))
      verdict.status = "mismatch";
    else if (runs.some((r) => r.error)) {
      verdict.status = "error";
      verdict.reason = runs.find((r) => r.error)!.error;
    } else if (runs.length) verdict.status = "verified";
    else {
      const why = [
        ...missing,
        ...(row.clang && yowaspAbsent && !systemClang ? [`${YOWASP_PACKAGE} is not installed`] : []),
        ...(row.clang && choice === "system" && !systemClang ? ["--compiler system and no clang on PATH"] : []),
        ...(row.gcc && !useSystem ? [`--compiler yowasp: GCC (${row.gcc.command}) not used`] : []),
        ...(!row.clang && row.note ? [row.note] : []),
        ...(unverified.length ? [unverified[0]!.reason] : []),
      ];
      verdict.reason = why.length ? why.join("; ") : "no compiler for this ABI";
    }
    if (verdict.status === "verified" && unverified.length)
      verdict.reason = `${unverified.length} record(s) not checked: ${unverified[0]!.reason}`;
    opts.onProgress?.(++done, abis.length, verdict);
    return verdict;
  };

  if (!records.length) {
    return abis.map((abi) => ({
      abi: abi.id,
      status: "unverified",
      runs: [],
      unverified: [],
      records: 0,
      reason: "no records to verify",
      typedefs: tableOnly(abi, "no records to verify"),
    }));
  }
  return Promise.all(abis.map(one));
}
