/*
 * fast-check arbitraries over the spec language: random but valid spec
 * documents with one interface, a few helper structs and a top-level struct
 * `top` that may use them.  Shared by the layout properties, the
 * differential compiler tests and the codec round trips.
 */
import fc from "fast-check";
import { stringify } from "yaml";
import type { RecordType, SpecModel } from "../core/model.js";
import { loadSpecText } from "../spec/load.js";
import type { FieldSpec, InlineComposite, SpecDocument, StructSpec } from "../spec/types.js";

export interface ArbOptions {
  /** "fixed": kernel fixed-width types only; "all": native C types, pointers and enums too. */
  scalars?: "fixed" | "all";
  bitfields?: boolean;
  packed?: boolean;
  aligned?: boolean;
  unions?: boolean;
  arrays?: boolean;
  /** Inline structs/unions and members of earlier named structs. */
  nested?: boolean;
  /** Include floating point (double) among "all" scalars. */
  floats?: boolean;
  maxFields?: number;
  maxDepth?: number;
  maxHelpers?: number;
}

export const FIXED_SCALARS = [
  "__u8",
  "__s8",
  "__u16",
  "__s16",
  "__u32",
  "__s32",
  "__u64",
  "__s64",
  "__be16",
  "__be32",
  "__be64",
  "__le16",
  "__le32",
  "__le64",
  "__aligned_u64",
] as const;

export const NATIVE_SCALARS = [
  "char",
  "signed char",
  "unsigned char",
  "short",
  "unsigned short",
  "int",
  "unsigned int",
  "long",
  "unsigned long",
  "long long",
  "unsigned long long",
  "size_t",
  "_Bool",
  "void *",
  "enum e",
] as const;

/** Integer carriers a bit-field may use, with their width in bits. */
const BITFIELD_CARRIERS: readonly [string, number][] = [
  ["__u8", 8],
  ["__u16", 16],
  ["__u32", 32],
  ["__u64", 64],
  ["__s32", 32],
  ["unsigned char", 8],
  ["unsigned short", 16],
  ["int", 32],
  ["unsigned int", 32],
  ["unsigned long long", 64],
];

const pow2 = fc.constantFrom(1, 2, 4, 8, 16);

function scalarField(opts: Required<ArbOptions>): fc.Arbitrary<FieldSpec> {
  const names: string[] = [
    ...FIXED_SCALARS,
    ...(opts.scalars === "all" ? NATIVE_SCALARS : []),
    ...(opts.scalars === "all" && opts.floats ? ["double"] : []),
  ];
  return fc
    .record({
      type: fc.constantFrom(...names),
      array: opts.arrays ? fc.option(fc.integer({ min: 1, max: 4 }), { freq: 4 }) : fc.constant(null),
      aligned: opts.aligned ? fc.option(pow2, { freq: 6 }) : fc.constant(null),
      packed: opts.packed ? fc.option(fc.constant(true), { freq: 8 }) : fc.constant(null),
    })
    .map(({ type, array, aligned, packed }) => ({
      name: "x",
      doc: "d",
      type,
      ...(array !== null ? { array } : {}),
      ...(aligned !== null ? { aligned } : {}),
      ...(packed !== null ? { packed } : {}),
    }));
}

function bitField(): fc.Arbitrary<FieldSpec> {
  return fc
    .constantFrom(...BITFIELD_CARRIERS)
    .chain(([type, width]) =>
      fc
        .record({ bits: fc.integer({ min: 0, max: width }), named: fc.boolean() })
        .map(({ bits, named }) =>
          bits === 0 || !named ? { doc: "d", type, bits } : { name: "x", doc: "d", type, bits },
        ),
    );
}

/** Fields for one record; `helpers` are the names of earlier named structs it may embed. */
function fields(opts: Required<ArbOptions>, depth: number, helpers: string[]): fc.Arbitrary<FieldSpec[]> {
  const choices: fc.Arbitrary<FieldSpec>[] = [scalarField(opts), scalarField(opts)];
  if (opts.bitfields) choices.push(bitField());
  if (opts.nested && helpers.length) {
    choices.push(
      fc
        .record({
          h: fc.constantFrom(...helpers),
          array: opts.arrays ? fc.option(fc.integer({ min: 1, max: 3 }), { freq: 3 }) : fc.constant(null),
        })
        .map(({ h, array }) => ({ name: "x", doc: "d", type: `struct ${h}`, ...(array !== null ? { array } : {}) })),
    );
  }
  if (opts.nested && depth < opts.maxDepth) {
    choices.push(
      inline(opts, depth + 1, helpers).chain((type) =>
        fc.boolean().map((named) => (named ? { name: "x", doc: "d", type } : { doc: "d", type })),
      ),
    );
  }
  return fc.array(fc.oneof(...choices), { minLength: 1, maxLength: opts.maxFields });
}

function inline(opts: Required<ArbOptions>, depth: number, helpers: string[]): fc.Arbitrary<InlineComposite> {
  return fc
    .record({
      kind: opts.unions
        ? fc.constantFrom<"struct" | "union">("struct", "struct", "union")
        : fc.constant<"struct">("struct"),
      fields: fields(opts, depth, helpers),
      aligned: opts.aligned ? fc.option(pow2, { freq: 6 }) : fc.constant(null),
      packed: opts.packed ? fc.option(fc.constant(true), { freq: 6 }) : fc.constant(null),
    })
    .map(({ kind, fields, aligned, packed }) => ({
      kind,
      fields,
      ...(aligned !== null ? { aligned } : {}),
      ...(packed !== null ? { packed } : {}),
    }));
}

/** Give every named field a name unique across the record tree (anonymous members share the namespace). */
function nameFields(fs: FieldSpec[], next: () => string): FieldSpec[] {
  return fs.map((f) => {
    const named = f.name !== undefined ? { ...f, name: next() } : { ...f };
    if (typeof named.type !== "string") named.type = { ...named.type, fields: nameFields(named.type.fields, next) };
    return named;
  });
}

function structSpec(
  name: string,
  kind: "struct" | "union",
  fs: FieldSpec[],
  aligned: number | null,
  packed: boolean | null,
): StructSpec {
  let n = 0;
  return {
    name,
    kind,
    doc: "d",
    fields: nameFields(fs, () => `f${n++}`),
    ...(aligned !== null ? { aligned } : {}),
    ...(packed !== null ? { packed } : {}),
  };
}

const DEFAULTS: Required<ArbOptions> = {
  scalars: "all",
  bitfields: true,
  packed: true,
  aligned: true,
  unions: true,
  arrays: true,
  nested: true,
  floats: false,
  maxFields: 6,
  maxDepth: 2,
  maxHelpers: 2,
};

/** A valid spec document whose interface `t` ends with the struct `top`. */
export function arbStructDoc(options: ArbOptions = {}): fc.Arbitrary<SpecDocument> {
  const opts = { ...DEFAULTS, ...options };
  // Helpers are always structs so that members can name them as `struct hN`.
  const record = (name: string, helpers: string[]) =>
    fc
      .record({
        kind:
          opts.unions && name === "top"
            ? fc.constantFrom<"struct" | "union">("struct", "struct", "struct", "union")
            : fc.constant<"struct">("struct"),
        fields: fields(opts, 0, helpers),
        aligned: opts.aligned ? fc.option(pow2, { freq: 5 }) : fc.constant(null),
        packed: opts.packed ? fc.option(fc.constant(true), { freq: 6 }) : fc.constant(null),
      })
      .map(({ kind, fields, aligned, packed }) => structSpec(name, kind, fields, aligned, packed));
  return fc.integer({ min: 0, max: opts.nested ? opts.maxHelpers : 0 }).chain((nHelpers) => {
    const helperNames = Array.from({ length: nHelpers }, (_, i) => `h${i}`);
    const helpers = helperNames.map((h, i) => record(h, helperNames.slice(0, i)));
    return fc.tuple(fc.tuple(...helpers), record("top", helperNames)).map(([hs, top]) => ({
      name: "t",
      doc: "random",
      interfaces: [
        {
          name: "t",
          doc: "random",
          header: "linux/t.h",
          enums: [
            {
              name: "e",
              doc: "d",
              values: [
                { name: "E0", value: 0 },
                { name: "E1", value: 1 },
              ],
            },
          ],
          structs: [...hs, top],
        },
      ],
    }));
  });
}

/** Load a generated document through the real loader (schema, lint, resolve). */
export function modelOf(doc: SpecDocument, file = "<arbitrary>"): SpecModel {
  return loadSpecText(file, JSON.stringify(doc));
}

/** The `top` struct of a model built by arbStructDoc. */
export function topRecord(model: SpecModel): RecordType {
  const r = model.interfaces[0]!.records.find((x) => x.tag === "top");
  if (!r) throw new Error("no struct top");
  return r;
}

/** A counterexample as the spec snippet a user would write. */
export function docToYaml(doc: SpecDocument): string {
  return stringify(doc, { lineWidth: 0 });
}
