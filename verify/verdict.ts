/*
 * From compiler runs to an ABI's verdict, pure (nothing from node:*), so a browser page running @yowasp/clang
 * reaches the verdict `uapi verify` does: which records a compiler is not asked about (its known limits), each
 * run compared with the engine's facts, a probe's parts joined into one run per compiler, and the ABI's status.
 */
import type { AbiId, SizeAlign, TypedefName } from "../spec/abi.js";
import type { RecordType } from "../core/model.js";
import type { BackendRun, HeaderSource } from "./clang-judge.js";
import type { Limit, LimitNote } from "./compilers.js";
import { recordUses, type FactKind } from "./facts.js";
import type { Probe, ProbeRecord } from "./probe.js";

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

/** What is judged of a typedef: size, in-struct alignment and signedness. */
export interface TypedefFigures extends SizeAlign {
  signed: boolean;
}

export interface TypedefMismatch {
  typedef: TypedefName;
  /** What the ABI row says. */
  table: TypedefFigures;
  /** What the compiler says with the sysroot's headers. */
  sysroot: TypedefFigures;
}

export type TypedefVerdict =
  | {
      status: "checked";
      abi: AbiId;
      /** The compiler command line that judged (command and flags, sysroot flags included). */
      compiler: string;
      /** The Debian packages whose headers were read. */
      packages: readonly string[];
      /** The compiler's value for every typedef of the row. */
      measured: Readonly<Record<TypedefName, TypedefFigures>>;
      /** Typedefs where the row and the compiler disagree; empty when the row is right. */
      mismatches: TypedefMismatch[];
    }
  | {
      status: "table-only";
      abi: AbiId;
      /** Which capability is missing: "no cross compiler for <abi> here: ..." or "no sysroot for <abi> here: ...". */
      reason: string;
    };

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

const LIMIT_TESTS: Record<Limit, (r: RecordType) => boolean> = {
  "long-double": (r) => recordUses(r, (t) => t.kind === "scalar" && t.scalar.cls === "ldouble"),
  "unnamed-bitfield": (r) => recordUses(r, (_t, bits, named) => bits !== undefined && !named),
};

/** The records a compiler with these limits is not asked about, and why. */
export function skippedRecords(
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

/** A compiler's run on one probe against the engine's facts; its verdict on the asserts must match its values. */
export function compareRun(run: BackendRun, probe: Probe): CompilerRun {
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

/** One compiler's run on an ABI from its runs on each probe, with the records it skipped and its headers. */
export function joinRuns(
  parts: readonly CompilerRun[],
  skipped: { record: string; reason: string }[],
  headers: HeaderSource,
): CompilerRun {
  const out: CompilerRun = {
    compiler: parts[0]!.compiler,
    records: 0,
    facts: 0,
    ms: 0,
    mismatches: [],
    skipped: [],
    headers: "table",
  };
  for (const r of parts) {
    out.records += r.records;
    out.facts += r.facts;
    out.ms += r.ms;
    out.mismatches.push(...r.mismatches);
    if (r.error && !out.error) out.error = r.error;
  }
  return { ...out, skipped, headers: headers.kind, ...(headers.why ? { headersWhy: headers.why } : {}) };
}

/** The records every compiler that ran (or would have run) skipped: no compiler checked them. */
export function unverifiedRecords(skippedBy: readonly { record: string; reason: string }[][]) {
  return skippedBy.length
    ? skippedBy[0]!.filter((s) => skippedBy.every((list) => list.some((x) => x.record === s.record)))
    : [];
}

/**
 * The ABI's status from its compilers' runs: a mismatch (or a typedef mismatch) first, then a run's error, then
 * verified when any compiler ran; "unverified" when none did, whose reason only the caller knows.
 */
export function abiStatus(
  runs: readonly CompilerRun[],
  unverified: readonly { record: string; reason: string }[],
  typedefMismatch: boolean,
): { status: AbiStatus; reason?: string } {
  if (runs.some((r) => r.mismatches.length) || typedefMismatch) return { status: "mismatch" };
  const failed = runs.find((r) => r.error);
  if (failed) return { status: "error", reason: failed.error! };
  if (!runs.length) return { status: "unverified" };
  if (unverified.length)
    return { status: "verified", reason: `${unverified.length} record(s) not checked: ${unverified[0]!.reason}` };
  return { status: "verified" };
}

/** The typedef verdict of an ABI whose typedefs were judged only against the table, and why. */
export function tableOnlyTypedefs(abi: AbiId, reason: string): TypedefVerdict {
  return { status: "table-only", abi, reason };
}

/**
 * The ABI's verdict from its compilers' runs and the records each of them skipped (`skippedBy`, one list per
 * compiler that ran or would have run).  `why` says which compilers could not run, for an unverified ABI.
 */
export function abiVerdict(
  abi: AbiId,
  records: number,
  runs: CompilerRun[],
  skippedBy: readonly { record: string; reason: string }[][],
  typedefs: TypedefVerdict,
  why: readonly string[],
): AbiVerdict {
  // A record is unverified when every compiler that ran (or would have run) skipped it.
  const unverified = unverifiedRecords(skippedBy);
  const typedefMismatch = typedefs.status === "checked" && typedefs.mismatches.length > 0;
  const { status, reason } = abiStatus(runs, unverified, typedefMismatch);
  const verdict: AbiVerdict = { abi, status, runs, unverified, records, typedefs };
  if (reason) verdict.reason = reason;
  if (status === "unverified") {
    const all = [...why, ...(unverified.length ? [unverified[0]!.reason] : [])];
    verdict.reason = all.length ? all.join("; ") : "no compiler for this ABI";
  }
  return verdict;
}

/** The verdict of every ABI when the specs hold no record: nothing to ask a compiler. */
export function noRecordsVerdict(abi: AbiId): AbiVerdict {
  return {
    abi,
    status: "unverified",
    runs: [],
    unverified: [],
    records: 0,
    reason: "no records to verify",
    typedefs: tableOnlyTypedefs(abi, "no records to verify"),
  };
}
