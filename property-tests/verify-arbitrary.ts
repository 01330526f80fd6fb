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
import { unitOfInterface, type ProbeUnit } from "../verify/probe.js";

export const EXTRA_SCALARS = [
  "long double",
  "float",
  "double",
  "time_t",
  "ssize_t",
  "long",
  "unsigned long",
  "__aligned_be64",
  "__aligned_le64",
  "_Bool",
  "signed char",
  "enum e",
] as const;

/** Bit-field carriers the shared arbitrary does not draw: [type, max width].  `enum e` (values 0, 1) is
 *  1 byte on hexagon (short enums), so wider enum bit-fields are not C there. */
const EXTRA_BITFIELDS: readonly [string, number][] = [
  ["_Bool", 1],
  ["char", 8],
  ["short", 16],
  ["long long", 64],
  ["__s8", 8],
  ["__s64", 64],
  ["enum e", 8],
];

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
      interfaces: doc.interfaces.map((ifc) => ({
        ...ifc,
        structs: (ifc.structs ?? []).map((s) => ({ ...s, fields: widen(s.fields, p, next) })),
      })),
    };
  });
}

/**
 * A generated document with every name it declares made unique to `index`
 * (tags, enum, enumerators, interface and header), so that many documents'
 * generated headers can share one verify probe.  Names do not affect layout.
 */
export function namespacedDoc(doc: SpecDocument, index: number): SpecDocument {
  const p = `d${index}_`;
  const typeRef = (t: string) =>
    t.replace(/^(struct|union|enum) ([A-Za-z_][A-Za-z0-9_]*)/, (_m, k: string, n: string) => `${k} ${p}${n}`);
  const fields = (fs: FieldSpec[]): FieldSpec[] =>
    fs.map((f) => ({
      ...f,
      type: typeof f.type === "string" ? typeRef(f.type) : { ...f.type, fields: fields(f.type.fields) },
    }));
  return {
    ...doc,
    name: `${p}${doc.name}`,
    interfaces: doc.interfaces.map((ifc) => ({
      ...ifc,
      name: `${p}${ifc.name}`,
      header: ifc.header.replace(/([^/]+)\.h$/, `${p}$1.h`),
      enums: ifc.enums?.map((e) => ({
        ...e,
        name: `${p}${e.name}`,
        values: e.values.map((v) => ({ ...v, name: `${p.toUpperCase()}${v.name}` })),
      })),
      structs: ifc.structs?.map((st) => ({ ...st, name: `${p}${st.name}`, fields: fields(st.fields) })),
    })),
  };
}

/** The verify probe units of a generated document, labelled with the document's index in its batch. */
export function unitsOfDoc(doc: SpecDocument, index: number): ProbeUnit[] {
  const model = modelOf(namespacedDoc(doc, index), `random-${index}.yaml`);
  return model.interfaces.map((ifc) => unitOfInterface(model, ifc, `random #${index}`));
}

export { docToYaml };
