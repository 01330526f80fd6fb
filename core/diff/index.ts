/*
 * `uapi diff`'s engine: two versions of a uapi, compared on every ABI.  Pure: the same two models
 * and ABIs always give the same changes, in the same order.
 */
import type { AbiEntry } from "../../spec/abi.js";
import type { Change, Verdict } from "./change.js";
import { CHANGE_KINDS, VERDICT_ORDER } from "./change.js";
import { diffCommands } from "./commands.js";
import { change, type DiffContext, type Side } from "./context.js";
import { diffRecords } from "./records.js";
import { diffNamedValues } from "./values.js";

export { CHANGE_KINDS, VERDICT_ORDER, type Change, type ChangeKind, type Verdict } from "./change.js";
export type { Side } from "./context.js";

export interface InterfacePairing {
  old?: Side;
  new?: Side;
}

/** Interfaces paired by name; one interface on each side is a pair whatever the names (a variant against its base). */
export function pairInterfaces(olds: readonly Side[], news: readonly Side[]): InterfacePairing[] {
  if (olds.length === 1 && news.length === 1) return [{ old: olds[0], new: news[0] }];
  const byName = new Map(olds.map((s) => [s.ifc.spec.name, s]));
  const out: InterfacePairing[] = news.map((n) => {
    const o = byName.get(n.ifc.spec.name);
    byName.delete(n.ifc.spec.name);
    return { old: o, new: n };
  });
  for (const o of byName.values()) out.push({ old: o });
  return out;
}

export function diffInterfaces(pairs: readonly InterfacePairing[], abis: readonly AbiEntry[]): Change[] {
  const out: Change[] = [];
  for (const { old, new: now } of pairs) {
    if (old && now) {
      const ctx: DiffContext = { old, new: now, abis };
      out.push(...sorted([...diffRecords(ctx), ...diffCommands(ctx), ...diffNamedValues(ctx)]));
    } else if (now) out.push(wholeInterface(now, abis, "added"));
    else if (old) out.push(wholeInterface(old, abis, "removed"));
  }
  return out;
}

/** An interface only one side has: removed breaks whatever used it, added breaks nothing. */
function wholeInterface(side: Side, abis: readonly AbiEntry[], how: "added" | "removed"): Change {
  const ctx: DiffContext = { old: side, new: side, abis };
  const c = change(ctx, {
    kind: how === "added" ? "interface-added" : "interface-removed",
    verdict: how === "added" ? "compatible" : "breaking",
    subject: side.ifc.spec.name,
    message: `interface ${side.ifc.spec.name} (${side.ifc.spec.header}) ${how === "added" ? "is new" : "was removed"}`,
    oldPath: side.ifc.path,
    newPath: side.ifc.path,
  });
  return how === "added" ? { ...c, old: undefined } : { ...c, new: undefined };
}

const KIND_ORDER = new Map(Object.keys(CHANGE_KINDS).map((k, i) => [k, i]));

/** In the new version's order, as a compiler would list them; ties by kind. */
function sorted(changes: Change[]): Change[] {
  return changes
    .map((c, i) => ({ c, i }))
    .sort(
      (a, b) =>
        (a.c.new?.line ?? 0) - (b.c.new?.line ?? 0) ||
        (a.c.new?.col ?? 0) - (b.c.new?.col ?? 0) ||
        KIND_ORDER.get(a.c.kind)! - KIND_ORDER.get(b.c.kind)! ||
        a.i - b.i,
    )
    .map(({ c }) => c);
}

export function countByVerdict(changes: readonly Change[]): Record<Verdict, number> {
  const counts = { breaking: 0, "source-only": 0, compatible: 0 };
  for (const c of changes) counts[c.verdict]++;
  return counts;
}

/** The worst verdict, or undefined when nothing changed. */
export function worstVerdict(changes: readonly Change[]): Verdict | undefined {
  return changes.reduce<Verdict | undefined>(
    (w, c) => (w === undefined || VERDICT_ORDER[c.verdict] < VERDICT_ORDER[w] ? c.verdict : w),
    undefined,
  );
}
