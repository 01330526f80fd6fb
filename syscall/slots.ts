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
  const placement: number[][] = [];
  const slots = walkSlots(args, model.pairs, placement);
  return { slots, placement, padding: paddingOf(args, model.pairs, slots), verdict: verdictFor(slots, model) };
}

/**
 * The slot walk itself, giving the slots used, padding included.  It depends
 * only on the pair rule, so the many ABIs that share one are counted once
 * (classSlots); `placement` is filled only when a caller wants it, so the
 * counting-only paths allocate nothing.
 */
function walkSlots(args: readonly ArgWidth[], rule: PairRule, placement?: number[][]): number {
  let next = 0;
  // sh only: the slot a pair skipped, which the C convention gives to the next one-slot argument.
  let backfill: number | undefined;
  // Indexed: until the function is optimised, for-of allocates an iterator result per argument, and this loop
  // runs for every remedy candidate of every command.
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== "64" || rule === "one-register") {
      if (backfill !== undefined) {
        placement?.push([backfill]);
        backfill = undefined;
        continue;
      }
      placement?.push([next]);
      next += 1;
      continue;
    }
    const start = pairStart(next, rule);
    if (rule === "sh" && start !== next) backfill = next;
    placement?.push([start, start + 1]);
    next = start + 2;
  }
  return next;
}

/** Slots wasted to pair alignment: each argument fills its own slots (a pair two); the rest of the span is padding. */
function paddingOf(args: readonly ArgWidth[], rule: PairRule, slots: number): number {
  const filled = args.reduce((n, w) => n + (w === "64" && rule !== "one-register" ? 2 : 1), 0);
  return slots - filled;
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
    const key = classKey(m);
    let c = byKey.get(key);
    if (!c) {
      const label = PAIR_LABEL[m.pairs] + (m.maxSlots > m.slots ? ` + stack args (o32, ≤${m.maxSlots})` : "");
      byKey.set(key, (c = { key, label, model: m, abis: [] }));
    }
    c.abis.push(abi.id);
  }
  return [...byKey.values()];
}

const classKey = (m: SyscallModel) => `${m.pairs}/${m.slots}/${m.maxSlots}`;

/** An ABI list's syscall classes with, for each ABI in list order, the index of its class. */
export interface ClassTable {
  abis: readonly AbiEntry[];
  classes: readonly SyscallClass[];
  classOf: readonly number[];
}

/**
 * Analysing a spec asks about the same ABI list (ABIS, or the config's
 * selection) for every command and every remedy, so its table is kept per
 * list.  A list that was changed in place since is seen by comparing its
 * entries, and gets a fresh table.
 */
const tables = new WeakMap<readonly AbiEntry[], ClassTable>();

export function classTable(abis: readonly AbiEntry[]): ClassTable {
  const hit = tables.get(abis);
  if (hit && sameEntries(hit.abis, abis)) return hit;
  const classes = syscallClasses(abis);
  const index = new Map(classes.map((c, i) => [c.key, i]));
  const table = { abis: [...abis], classes, classOf: abis.map((a) => index.get(classKey(a.syscall))!) };
  tables.set(abis, table);
  return table;
}

function sameEntries(a: readonly AbiEntry[], b: readonly AbiEntry[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One argument list's slot count in one syscall class. */
export interface ClassCount {
  slots: number;
  padding: number;
  verdict: Verdict;
}

/** An argument list counted once per syscall class of an ABI list: what every ABI of a class gets. */
export interface ClassSlots {
  table: ClassTable;
  counts: ClassCount[];
}

export function classSlots(args: readonly ArgWidth[], table: ClassTable): ClassSlots {
  const counts = table.classes.map((c) => {
    const slots = walkSlots(args, c.model.pairs);
    return { slots, padding: paddingOf(args, c.model.pairs, slots), verdict: verdictFor(slots, c.model) };
  });
  return { table, counts };
}

/** The most slots any ABI needs (0 for no ABIs). */
export function worstOf(counted: ClassSlots): number {
  return counted.counts.reduce((worst, c) => Math.max(worst, c.slots), 0);
}

/** Within the plain limit (no o32 stack tolerance) on every ABI. */
export function fitsAll(counted: ClassSlots): boolean {
  return counted.counts.every((c, i) => c.slots <= counted.table.classes[i]!.model.slots);
}

/** worstSlots for a class table in hand: the searches that try many argument lists look the table up once. */
export function worstIn(args: readonly ArgWidth[], table: ClassTable): number {
  return table.classes.reduce((worst, c) => Math.max(worst, walkSlots(args, c.model.pairs)), 0);
}

/** fitsEverywhere for a class table in hand. */
export function fitsIn(args: readonly ArgWidth[], table: ClassTable): boolean {
  return table.classes.every((c) => walkSlots(args, c.model.pairs) <= c.model.slots);
}

/** The most slots any of the ABIs needs. */
export function worstSlots(args: readonly ArgWidth[], abis: readonly AbiEntry[]): number {
  return worstIn(args, classTable(abis));
}

/** True when the arguments are within the plain limit (no o32 stack tolerance) on every ABI. */
export function fitsEverywhere(args: readonly ArgWidth[], abis: readonly AbiEntry[]): boolean {
  return fitsIn(args, classTable(abis));
}
