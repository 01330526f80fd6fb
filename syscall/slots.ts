/*
 * Syscall argument slots per ABI (abi-facts §3.4 "Algorithm"): walk the
 * arguments; a 32-bit value or a pointer takes one slot; a 64-bit value takes
 * one slot on 64-bit-register ABIs, else two, first advancing to an even slot
 * on even-pair ABIs; on sh a pair that would start at slot 3 moves to 4-5 and
 * the next one-slot argument takes slot 3, as GCC's sh C convention does
 * (abi-facts §3.2: sync_file_range's flags in r7, before n).
 * Driven only by the ABI table's `syscall` field, never by an ABI's name.
 */
import type { AbiEntry, AbiId, PairRule, SyscallModel } from "../spec/abi.js";

/** What an argument is, as far as register slots go. */
export type ArgWidth = "32" | "64" | "ptr";

/** fits: within SYSCALL_DEFINE_MAXARGS; o32-only: only MIPS o32's stack arguments make it work; exceeds: no. */
export type Verdict = "fits" | "o32-only" | "exceeds";

export interface SlotCount {
  /** Slots used, padding included. */
  slots: number;
  /** Slot indices of each argument (two for a split 64-bit value). */
  placement: number[][];
  /** Slots wasted to pair alignment. */
  padding: number;
  verdict: Verdict;
}

/** Count the slots a list of arguments takes under one ABI's syscall model. */
export function countSlots(args: readonly ArgWidth[], model: SyscallModel): SlotCount {
  let next = 0;
  let padding = 0;
  // sh only: the slot a pair skipped, which the C convention gives to the next one-slot argument.
  let backfill: number | undefined;
  const placement: number[][] = [];
  for (const w of args) {
    if (w !== "64" || model.pairs === "one-register") {
      if (backfill !== undefined) {
        placement.push([backfill]);
        padding -= 1;
        backfill = undefined;
        continue;
      }
      placement.push([next]);
      next += 1;
      continue;
    }
    const start = pairStart(next, model.pairs);
    padding += start - next;
    if (model.pairs === "sh" && start !== next) backfill = next;
    placement.push([start, start + 1]);
    next = start + 2;
  }
  return { slots: next, placement, padding, verdict: verdictFor(next, model) };
}

/** True when some argument lands before an earlier one (sh's back-fill of r7): a wrapper must reorder. */
export function outOfOrder(placement: readonly (readonly number[])[]): boolean {
  return placement.some((p, i) => i > 0 && p[0]! < placement[i - 1]![0]!);
}

function pairStart(next: number, rule: PairRule): number {
  switch (rule) {
    case "even":
      return next % 2 === 0 ? next : next + 1;
    // sh never splits a pair between r7 and the stack (sys_pread_wrapper); GCC back-fills r7 (abi-facts §3.2).
    case "sh":
      return next === 3 ? 4 : next;
    // parisc's per-call shims take explicit (high, low) u32 pairs, with no padding.
    case "parisc-shim":
    case "consecutive":
    case "one-register":
      return next;
  }
}

export function verdictFor(slots: number, model: SyscallModel): Verdict {
  if (slots <= model.slots) return "fits";
  if (slots <= model.maxSlots) return "o32-only";
  return "exceeds";
}

/**
 * ABIs whose syscall models are the same for slot counting (pair rule and
 * limits; the half order does not change a count).  Ordered by first
 * appearance in the table.
 */
export interface SyscallClass {
  key: string;
  /** Short label, e.g. "64-bit registers". */
  label: string;
  model: SyscallModel;
  abis: AbiId[];
}

const PAIR_LABEL: Record<PairRule, string> = {
  "one-register": "64-bit registers",
  consecutive: "pairs, no alignment",
  even: "even pairs",
  sh: "sh pairs",
  "parisc-shim": "parisc hi/lo shims",
};

export function syscallClasses(abis: readonly AbiEntry[]): SyscallClass[] {
  const byKey = new Map<string, SyscallClass>();
  for (const abi of abis) {
    const m = abi.syscall;
    const key = `${m.pairs}/${m.slots}/${m.maxSlots}`;
    let c = byKey.get(key);
    if (!c) {
      const label = PAIR_LABEL[m.pairs] + (m.maxSlots > m.slots ? ` + stack args (o32, ≤${m.maxSlots})` : "");
      byKey.set(key, (c = { key, label, model: m, abis: [] }));
    }
    c.abis.push(abi.id);
  }
  return [...byKey.values()];
}

/** The most slots any of the ABIs needs. */
export function worstSlots(args: readonly ArgWidth[], abis: readonly AbiEntry[]): number {
  return Math.max(0, ...abis.map((a) => countSlots(args, a.syscall).slots));
}

/** True when the arguments are within the plain limit (no o32 stack tolerance) on every ABI. */
export function fitsEverywhere(args: readonly ArgWidth[], abis: readonly AbiEntry[]): boolean {
  return abis.every((a) => countSlots(args, a.syscall).slots <= a.syscall.slots);
}
