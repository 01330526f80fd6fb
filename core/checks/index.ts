/* All checks, run over every struct and command on the chosen ABIs, in a stable order. */
import type { AbiEntry, AbiId } from "../../spec/abi.js";
import { formatLoc, type Diagnostic } from "../diagnostic.js";
import type { SpecModel } from "../model.js";
import { checkAlign64 } from "./align64.js";
import { checkCompat } from "./compat.js";
import { checkContract } from "./contract.js";
import type { Check } from "./context.js";
import { checkIoctl } from "./ioctl.js";
import { checkPadding } from "./padding.js";
import { checkRegistry } from "./registry.js";
import { checkTypes } from "./types.js";
import { checkVersions } from "./versions.js";

/** The checks of the core; syscall/checks.ts adds the syscall-level ones (ALL_CHECKS). */
export const CHECKS: readonly Check[] = [
  checkPadding,
  checkAlign64,
  checkCompat,
  checkTypes,
  checkIoctl,
  checkRegistry,
  checkVersions,
  checkContract,
];

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** The findings of one check on one interface: `check` and `iface` index the lists they ran from. */
export interface FindingsPart {
  check: number;
  iface: number;
  found: Diagnostic[];
}

/**
 * Run every check on some of the model's interfaces (all by default), one interface at a time: each check
 * looks at one interface only, so the parts of several runs over disjoint interfaces (two threads,
 * cli/check-threads.ts) put together in order are exactly one run over all of them.
 */
export function checkParts(
  model: SpecModel,
  abis: readonly AbiEntry[],
  checks: readonly Check[] = CHECKS,
  ifaces: readonly number[] = model.interfaces.map((_, i) => i),
): FindingsPart[] {
  const parts: FindingsPart[] = [];
  for (const [check, run] of checks.entries())
    for (const iface of ifaces)
      parts.push({ check, iface, found: run({ model: { ...model, interfaces: [model.interfaces[iface]!] }, abis }) });
  return parts;
}

/** The parts in check order, then interface order, de-duplicated and sorted as a compiler prints. */
export function orderFindings(parts: readonly FindingsPart[], abis: readonly AbiEntry[]): Diagnostic[] {
  const inRunOrder = [...parts].sort((a, b) => a.check - b.check || a.iface - b.iface).flatMap((p) => p.found);
  // Position order within a file reads like a compiler's output; ties keep check order.
  return dedupe(inRunOrder, abis)
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        a.d.loc.line - b.d.loc.line ||
        a.d.loc.col - b.d.loc.col ||
        SEVERITY_ORDER[a.d.severity] - SEVERITY_ORDER[b.d.severity] ||
        a.i - b.i,
    )
    .map(({ d }) => d);
}

export function runChecks(
  model: SpecModel,
  abis: readonly AbiEntry[],
  checks: readonly Check[] = CHECKS,
): Diagnostic[] {
  return orderFindings(checkParts(model, abis, checks), abis);
}

/**
 * One finding per (rule, place, message), with the union of the ABIs in table order: the same text at the same
 * place says nothing new (a struct reached twice, a YAML alias that copies members).
 */
function dedupe(found: Diagnostic[], abis: readonly AbiEntry[]): Diagnostic[] {
  const byKey = new Map<string, Diagnostic>();
  for (const d of found) {
    const key = `${d.rule}\0${formatLoc(d.loc)}\0${d.message}`;
    const first = byKey.get(key);
    if (!first) byKey.set(key, d);
    else if (d.abis.some((id) => !first.abis.includes(id))) {
      const union = new Set<AbiId>([...first.abis, ...d.abis]);
      byKey.set(key, { ...first, abis: abis.map((a) => a.id).filter((id) => union.has(id)) });
    }
  }
  return [...byKey.values()];
}
