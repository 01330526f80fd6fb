/* A command's slot counts as one row per syscall class (the report's `classes`), for the page's small table. */
import type { AbiId } from "../spec/abi.js";
import type { SlotGroup } from "../syscall/analyse.js";
import type { Verdict } from "../syscall/slots.js";

export interface SlotRow {
  label: string;
  abis: AbiId[];
  /** Absent when no group covers the class (an ABI list narrower than the report's). */
  slots?: number;
  padding?: number;
  verdict?: Verdict;
}

export function slotRows(
  classes: readonly { label: string; abis: AbiId[] }[],
  groups: readonly SlotGroup[],
): SlotRow[] {
  return classes.map((c) => {
    const g = groups.find((x) => x.classes.includes(c.label));
    return g ? { label: c.label, abis: c.abis, slots: g.slots, padding: g.padding, verdict: g.verdict } : { ...c };
  });
}

/** "fits", "over six", "fits only via o32's stack". */
export function verdictWords(v: Verdict | undefined): string {
  if (v === "fits") return "fits";
  if (v === "o32-only") return "o32 stack only";
  if (v === "exceeds") return "over six";
  return "-";
}
