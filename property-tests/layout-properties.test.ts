/*
 * Properties of the layout engine over random structs from the spec
 * language (property-tests/arbitraries.ts), on every ABI.  Alignments are
 * recomputed here from the ABI table and the declared attributes, not taken
 * from the engine's own per-member figures.
 */
import test from "ava";
import fc from "fast-check";
import { runChecks } from "../core/checks/index.js";
import { namesInTree, suggestPadding } from "../core/checks/padding.js";
import { layoutRecord, layoutType, type RecordLayout } from "../core/layout.js";
import type { CType, RecordType } from "../core/model.js";
import { ABIS } from "../spec/abis.js";
import type { AbiEntry } from "../spec/abi.js";
import type { FieldSpec, SpecDocument } from "../spec/types.js";
import { arbStructDoc, docToYaml, modelOf, topRecord } from "./arbitraries.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const arbAbi = fc.constantFrom(...ABIS);

/** Natural alignment of a type straight from the ABI table and attributes. */
function expectedAlign(t: CType, abi: AbiEntry): number {
  switch (t.kind) {
    case "scalar": return Math.max(abi.scalars[t.scalar.cls].align, t.scalar.minAlign ?? 1);
    case "pointer": return abi.scalars.ptr.align;
    case "enum": return abi.shortEnums ? layoutType(t, abi).align : abi.scalars.enum.align;
    case "array": return expectedAlign(t.element, abi);
    case "record": return layoutRecord(t.record, abi).align;
  }
}

/** Every record in the tree whose layout we want to examine (the top one and inline ones). */
function allLayouts(l: RecordLayout): RecordLayout[] {
  return [l, ...l.members.flatMap((m) => (m.nested && m.field.type.kind !== "array" ? allLayouts(m.nested) : []))];
}

const withCounterexample = (doc: SpecDocument, abi: AbiEntry) => `on ${abi.id}:\n${docToYaml(doc)}`;

test("non-bit-field members sit at offsets aligned as the ABI table and attributes demand, in increasing order without overlap", (t) => {
  fc.assert(
    fc.property(arbStructDoc(), arbAbi, (doc, abi) => {
      for (const l of allLayouts(layoutRecord(topRecord(modelOf(doc)), abi))) {
        let end = 0;
        for (const m of l.members) {
          if (m.bits !== undefined) { end = Math.max(end, m.offset + m.size); continue; }
          const packed = l.record.packed || m.field.packed;
          const align = Math.max(packed ? 1 : expectedAlign(m.field.type, abi), m.field.aligned ?? 1);
          if (m.offset % align !== 0) throw new Error(`${m.field.name} at ${m.offset} not aligned to ${align} ${withCounterexample(doc, abi)}`);
          if (l.record.kind === "struct" && m.offset < end) throw new Error(`${m.field.name} at ${m.offset} overlaps the previous member ending at ${end}`);
          if (l.record.kind === "union" && m.offset !== 0) throw new Error(`union member ${m.field.name} not at 0`);
          end = Math.max(end, m.offset + m.size);
        }
      }
    }),
    { numRuns: RUNS },
  );
  t.pass();
});

test("size is a multiple of alignment, and alignment is at least every member's", (t) => {
  fc.assert(
    fc.property(arbStructDoc(), arbAbi, (doc, abi) => {
      for (const l of allLayouts(layoutRecord(topRecord(modelOf(doc)), abi))) {
        if (l.size % l.align !== 0) throw new Error(`size ${l.size} not a multiple of align ${l.align}`);
        if (!l.record.packed) for (const m of l.members) if (m.bits === undefined && l.align < Math.max(m.field.packed ? 1 : expectedAlign(m.field.type, abi), m.field.aligned ?? 1)) throw new Error("struct align below a member's");
        if (!l.record.packed && l.size % abi.structSizeGranule !== 0) throw new Error("size not a multiple of the ABI granule");
      }
    }),
    { numRuns: RUNS },
  );
  t.pass();
});

test("members, holes and tail padding account for every byte of a struct exactly once", (t) => {
  fc.assert(
    fc.property(arbStructDoc(), arbAbi, (doc, abi) => {
      for (const l of allLayouts(layoutRecord(topRecord(modelOf(doc)), abi))) {
        if (l.record.kind !== "struct") continue;
        const owner = new Array<string>(l.size).fill("");
        const claim = (from: number, len: number, who: string, exclusive: boolean) => {
          for (let b = from; b < from + len; b++) {
            if (b >= l.size) throw new Error(`${who} runs past the end`);
            if (owner[b] && (exclusive || owner[b] !== "member")) throw new Error(`byte ${b} claimed by ${owner[b]} and ${who}`);
            owner[b] = who;
          }
        };
        for (const m of l.members) claim(m.offset, m.size, "member", m.bits === undefined);
        for (const h of l.holes) claim(h.offset, h.size, "hole", true);
        claim(l.size - l.tail, l.tail, "tail", true);
        const missing = owner.findIndex((o) => o === "");
        if (missing >= 0) throw new Error(`byte ${missing} of ${l.size} is unaccounted for on ${abi.id}\n${docToYaml(doc)}`);
      }
    }),
    { numRuns: RUNS },
  );
  t.pass();
});

test("packed structs have no holes and no tail padding", (t) => {
  fc.assert(
    fc.property(arbStructDoc({ bitfields: false, aligned: false }), arbAbi, (doc, abi) => {
      const top = doc.interfaces[0]!.structs!.at(-1)!;
      top.packed = true;
      delete top.aligned;
      const l = layoutRecord(topRecord(modelOf(doc)), abi);
      if (l.holes.length) throw new Error(`packed struct has holes ${JSON.stringify(l.holes)}`);
      if (l.record.kind === "struct" && l.tail !== 0) throw new Error(`packed struct has ${l.tail} bytes of tail padding`);
    }),
    { numRuns: RUNS },
  );
  t.pass();
});

/** Insert the checker's suggested fields into one record's spec (the model's spec objects are the document's). */
function applyFixes(record: RecordType, root: RecordType): boolean {
  const fixes = suggestPadding(record, ABIS, namesInTree(root));
  if (!fixes.length) return false;
  const declToField = (decl: string): FieldSpec => {
    const m = /^(\w+) (\w+)(?:\[(\d+)\])?;$/.exec(decl)!;
    return { name: m[2]!, type: m[1]!, padding: true, ...(m[3] ? { array: Number(m[3]) } : {}) };
  };
  const spec = record.spec;
  const fields: FieldSpec[] = fixes.filter((x) => x.afterIndex < 0 && !x.tail).map((x) => declToField(x.decl));
  spec.fields.forEach((f, i) => {
    fields.push(f);
    for (const x of fixes.filter((x) => !x.tail && x.afterIndex === i)) fields.push(declToField(x.decl));
  });
  for (const f of fixes.filter((x) => x.tail)) fields.push(declToField(f.decl));
  spec.fields = fields;
  return true;
}

/** Records innermost first, so an outer record is padded after the records it contains. */
function postOrder(r: RecordType): RecordType[] {
  return [...r.fields.flatMap((f) => (f.type.kind === "record" && f.type.record.inline ? postOrder(f.type.record) : [])), r];
}

/** Apply the suggestions one record at a time until the checker suggests nothing more. */
function padAll(doc: SpecDocument): SpecDocument {
  let current = doc;
  for (let round = 0; round < 50; round++) {
    const model = modelOf(current);
    const next = model.interfaces[0]!.records.flatMap((root) => postOrder(root).map((r) => ({ r, root }))).find(({ r, root }) => applyFixes(r, root));
    if (!next) return current;
    current = model.doc;
  }
  throw new Error("padding suggestions did not converge");
}

test("inserting the padding the checker suggests makes a struct of fixed-width members clean on every ABI", (t) => {
  const opts = { scalars: "fixed", bitfields: false, packed: false, unions: false, nested: true, aligned: false } as const;
  let fixed = 0;
  fc.assert(
    fc.property(arbStructDoc(opts), (doc) => {
      const current = padAll(doc);
      const padding = runChecks(modelOf(current), ABIS).filter((d) => d.rule.startsWith("padding/"));
      if (padding.length) throw new Error(`still ${padding.map((d) => d.message).join("; ")}\n${docToYaml(current)}`);
      if (current !== doc) fixed++;
    }),
    { numRuns: RUNS },
  );
  t.log(`${fixed} of ${RUNS} random structs needed padding and came out clean`);
  t.pass();
});
