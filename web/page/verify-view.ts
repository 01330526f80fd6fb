/*
 * What the verify panel says, as text: progress, a verdict's row and its mismatches, which spec revision the
 * results are for.  Pure (no DOM), so a Node test checks what a mismatch looks like without a browser.
 */
import type { AbiStatus } from "../../verify/verdict.js";
import type { AbiResult } from "./verify-protocol.js";

const MB = 1e6;

/** "Loading clang: 34 of 102 MB". */
export function loadingText(done: number, total: number): string {
  return `Loading clang: ${Math.floor(done / MB)} of ${Math.round(total / MB)} MB`;
}

/** "Compiling for i386 (2 of 2)". */
export function compilingText(abi: string, index: number, count: number): string {
  return `Compiling for ${abi} (${index} of ${count})`;
}

export function secondsText(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const STATUSES: readonly AbiStatus[] = ["verified", "mismatch", "unverified", "error"];

/** "2 ABIs in 3.4 s: 2 verified, 0 mismatch, 0 unverified, 0 error" (the CLI's summary counts). */
export function doneText(results: readonly AbiResult[], ms: number): string {
  const counts = STATUSES.map((s) => `${results.filter((r) => r.status === s).length} ${s}`);
  return `${results.length} ABI${results.length === 1 ? "" : "s"} in ${secondsText(ms)}: ${counts.join(", ")}`;
}

/** "14:32:05": the clock time a run read the editor's text. */
export function clockText(at: Date): string {
  return [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/** How far a run got: the ABIs asked for, those judged, and whether it is still going. */
export interface RunState {
  asked: number;
  judged: number;
  running: boolean;
}

/**
 * Which text the results are for ("Verified bus1.yaml as of 14:32:05"), how far the run got, and whether the
 * editor has moved on since.
 */
export function revisionText(file: string, at: Date, run: RunState, stale: boolean): string {
  const when = `${file} as of ${clockText(at)}`;
  const base = run.running
    ? `Verifying ${when}`
    : run.judged < run.asked
      ? `Verified ${when} on ${run.judged} of ${run.asked} ABIs (the run stopped)`
      : `Verified ${when}`;
  return stale ? `${base}; the spec has changed since: these results are stale, verify again` : base;
}

/** The compiler as the CLI's table names it: version and build, without the target flags. */
export function compilerLabel(compiler: string): string {
  return compiler.replace(/ --target=.*$/, "").replace(/ \(@yowasp\/clang\)/, " (yowasp)");
}

/** The cells of an ABI's row in the results table. */
export interface ResultCells {
  abi: string;
  status: AbiStatus;
  compiler: string;
  /** "14/14": records clang checked of the spec's records. */
  records: string;
  facts: string;
  time: string;
  /** The reason, or how many facts disagree. */
  note: string;
}

export function resultCells(r: AbiResult): ResultCells {
  const ran = r.compiler !== "";
  const n = r.mismatches.length;
  return {
    abi: r.abi,
    status: r.status,
    compiler: ran ? compilerLabel(r.compiler) : "-",
    records: `${r.checked}/${r.records}`,
    facts: ran ? String(r.facts) : "-",
    time: ran ? secondsText(r.ms) : "-",
    note: r.status === "mismatch" ? `${n} fact${n === 1 ? "" : "s"} differ` : (r.reason ?? ""),
  };
}

/** Header and rows of a mismatch list: record, member, fact, the engine's value, clang's. */
export const MISMATCH_HEADINGS = ["record", "member", "fact", "engine", "clang"] as const;

export function mismatchRows(r: AbiResult): string[][] {
  return r.mismatches.map((m) => [
    m.record,
    m.member || "(the record itself)",
    m.kind,
    String(m.engine),
    m.compiler === null ? "not read back" : String(m.compiler),
  ]);
}

/** What to do when the server has no clang: install the peer dependency this package names. */
export function clangMissingText(install: string): string {
  return (
    `clang (WebAssembly) is not available here. Install it with \`${install}\` and restart \`uapi serve\` ` +
    "(a static build from `npm run build:web` copies it when it is installed)."
  );
}

/** The ABIs only GCC can judge: the browser has no GCC. */
export function gccOnlyText(abis: readonly string[]): string {
  const need = "they need the CLI's GCC backends (uapi verify)";
  return `${abis.join(", ")}: no clang target implements the Linux ABI; ${need}.`;
}
