/* What every check gets: the model, the ABIs in scope, and helpers to group ABIs and name them. */
import type { AbiEntry, AbiId } from "../../spec/abi.js";
import type { Diagnostic, DocPath, Severity } from "../diagnostic.js";
import type { InterfaceModel, RecordType, SpecModel } from "../model.js";

export interface CheckContext {
  model: SpecModel;
  abis: readonly AbiEntry[];
}

export type Check = (ctx: CheckContext) => Diagnostic[];

/** Builds diagnostics for one interface with positions resolved. */
export function reporter(ctx: CheckContext, ifc: InterfaceModel) {
  return (rule: string, severity: Severity, path: DocPath, subject: string, message: string, abis: AbiId[], hint: string): Diagnostic => ({
    rule, severity, interface: ifc.spec.name, subject, message, loc: ctx.model.locate(path), abis, hint,
  });
}

/** Group ABIs by a key, keeping table order inside each group and ordering groups by first appearance. */
export function groupAbis<K>(abis: readonly AbiEntry[], keyOf: (abi: AbiEntry) => K): Map<K, AbiId[]> {
  const groups = new Map<K, AbiId[]>();
  for (const abi of abis) {
    const k = keyOf(abi);
    const g = groups.get(k);
    if (g) g.push(abi.id);
    else groups.set(k, [abi.id]);
  }
  return groups;
}

/** "all 35 ABIs", or a short list, or "24 ABIs (x86_64, x32, arm, …)". */
export function nameAbis(ids: readonly AbiId[], all: readonly AbiEntry[]): string {
  if (ids.length === all.length && all.length > 1) return `all ${all.length} ABIs`;
  if (ids.length <= 6) return ids.join(", ");
  return `${ids.length} ABIs (${ids.slice(0, 5).join(", ")}, …)`;
}

/** Named records plus every inline record inside them, outermost first, with a printable name. */
export function recordsToCheck(ifc: InterfaceModel): { record: RecordType; name: string; root: RecordType }[] {
  const out: { record: RecordType; name: string; root: RecordType }[] = [];
  const visit = (r: RecordType, name: string, root: RecordType) => {
    out.push({ record: r, name, root });
    for (const f of r.fields) {
      const t = f.type.kind === "array" ? f.type.element : f.type;
      if (t.kind === "record" && t.record.inline) visit(t.record, `${name}.${f.name ?? "<anonymous>"}`, root);
    }
  };
  for (const r of ifc.records) if (!r.external) visit(r, `${r.kind} ${r.tag}`, r);
  return out;
}
