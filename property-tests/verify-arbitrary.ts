/*
 * Random structs for the differential compiler tests: the shared
 * arbStructDoc (property-tests/arbitraries.ts) widened to every scalar the
 * spec language has -- it leaves out long double, float, time_t, ssize_t and
 * the aligned big/little-endian u64s -- plus _Bool and signed bit-fields.
 * The widening is a replacement plan drawn alongside the document, so
 * fast-check shrinks it too (towards "no replacement").
 */
import fc from "fast-check";
import type { FieldSpec, SpecDocument } from "../spec/types.js";
import { arbStructDoc, docToYaml, modelOf, type ArbOptions } from "./arbitraries.js";
import type { ProbeRecord } from "../verify/probe.js";

export const EXTRA_SCALARS = [
  "long double", "float", "double", "time_t", "ssize_t", "long", "unsigned long", "__aligned_be64", "__aligned_le64", "_Bool", "signed char", "enum e",
] as const;

/** Bit-field carriers the shared arbitrary does not draw: [type, max width].  `enum e` (values 0, 1) is
 *  1 byte on hexagon (short enums), so wider enum bit-fields are not C there. */
const EXTRA_BITFIELDS: readonly [string, number][] = [["_Bool", 1], ["char", 8], ["short", 16], ["long long", 64], ["__s8", 8], ["__s64", 64], ["enum e", 8]];

type Plan = (number | null)[];

function widen(fields: FieldSpec[], plan: Plan, next: () => number): FieldSpec[] {
  return fields.map((f) => {
    if (typeof f.type !== "string") return { ...f, type: { ...f.type, fields: widen(f.type.fields, plan, next) } };
    if (f.type.startsWith("struct ")) return f;
    const choice = plan[next() % plan.length];
    if (choice === null || choice === undefined) return f;
    if (f.bits !== undefined) {
      const [type, max] = EXTRA_BITFIELDS[choice % EXTRA_BITFIELDS.length]!;
      return { ...f, type, bits: Math.min(f.bits, max) };
    }
    return { ...f, type: EXTRA_SCALARS[choice % EXTRA_SCALARS.length]! };
  });
}

/** arbStructDoc with every scalar type in play. */
export function arbVerifyDoc(opts: ArbOptions = {}): fc.Arbitrary<SpecDocument> {
  const plan = fc.array(fc.option(fc.nat({ max: 63 }), { freq: 3, nil: null }), { minLength: 8, maxLength: 8 });
  return fc.tuple(arbStructDoc({ scalars: "all", floats: true, ...opts }), plan).map(([doc, p]) => {
    let k = 0;
    const next = () => k++;
    return {
      ...doc,
      interfaces: doc.interfaces.map((ifc) => ({ ...ifc, structs: (ifc.structs ?? []).map((s) => ({ ...s, fields: widen(s.fields, p, next) })) })),
    };
  });
}

/** Every named record of a generated document, labelled with the document's index in its batch. */
export function recordsOfDoc(doc: SpecDocument, index: number): ProbeRecord[] {
  const model = modelOf(doc, `random-${index}.yaml`);
  return model.interfaces.flatMap((ifc) => ifc.records.map((record) => ({ record, label: `random #${index}: ${record.kind} ${record.tag}` })));
}

export { docToYaml };
