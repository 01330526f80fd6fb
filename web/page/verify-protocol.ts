/*
 * The messages between the verify panel and its worker (verify-worker.ts), and one ABI's verdict as it crosses
 * between them.  Pure, so a Node test checks the verdict the panel is handed.
 */
import type { AbiEntry, AbiId } from "../../spec/abi.js";
import { ABIS } from "../../spec/abis.js";
import { compilersFor } from "../../verify/compilers.js";
import type { FactKind } from "../../verify/facts.js";
import type { AbiStatus, AbiVerdict } from "../../verify/verdict.js";

/** The ABIs the worker can judge: those where clang implements the Linux ABI (the others need GCC: the CLI). */
export const CLANG_ABIS: readonly AbiEntry[] = ABIS.filter((a) => compilersFor(a.id).clang);

/** Verify `text` (named `file` in positions and labels) on `abis` (of CLANG_ABIS); `run` tags every reply to it. */
export interface VerifyRequest {
  run: number;
  file: string;
  text: string;
  abis: AbiId[];
}

/** A fact the engine and clang disagree on. */
export interface ShownMismatch {
  /** e.g. "bus1.yaml: struct bus1_cmd_send". */
  record: string;
  /** Member path, "" for the record's own size or alignment. */
  member: string;
  kind: FactKind;
  engine: number;
  /** null: clang's value could not be read back. */
  compiler: number | null;
}

/** One ABI's verdict, as `uapi verify --compiler yowasp --format json` reports it, plus what the panel shows. */
export interface AbiResult {
  abi: AbiId;
  status: AbiStatus;
  /** The compiler that judged, "" when none ran. */
  compiler: string;
  /** Records the spec holds. */
  records: number;
  /** Records clang was asked about (its known limits on the ABI leave some out). */
  checked: number;
  facts: number;
  mismatches: ShownMismatch[];
  /** Why an ABI is unverified or an error, or which records were not checked. */
  reason?: string;
  /** clang's time on this ABI. */
  ms: number;
}

export type VerifyReply =
  /** Fetching clang's WebAssembly and resources (bytes); only the first run of a worker. */
  | { run: number; phase: "loading"; done: number; total: number }
  /** Compiling for `abi`, the `index`-th (from 1) of `count`. */
  | { run: number; phase: "compiling"; abi: AbiId; index: number; count: number }
  | { run: number; phase: "verdict"; verdict: AbiResult }
  /** Every ABI asked for has its verdict. */
  | { run: number; phase: "done"; ms: number }
  /** The run stopped: the spec has errors, or clang could not be loaded (`clangMissing`: its files are absent). */
  | { run: number; phase: "error"; message: string; clangMissing?: boolean };

/** An ABI's verdict from one compiler's runs, for the panel (the CLI's JSON counts records and facts the same way). */
export function abiResultOf(v: AbiVerdict): AbiResult {
  const result: AbiResult = {
    abi: v.abi,
    status: v.status,
    compiler: v.runs.map((r) => r.compiler).join(" + "),
    records: v.records,
    checked: v.runs.length ? Math.max(...v.runs.map((r) => r.records)) : 0,
    facts: v.runs.reduce((n, r) => n + r.facts, 0),
    mismatches: v.runs.flatMap((r) =>
      r.mismatches.map((m) => ({
        record: m.record,
        member: m.member,
        kind: m.kind,
        engine: m.engine,
        compiler: m.compiler ?? null,
      })),
    ),
    ms: v.runs.reduce((n, r) => n + r.ms, 0),
  };
  if (v.reason) result.reason = v.reason;
  return result;
}
