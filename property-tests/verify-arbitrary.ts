/*
 * Random structs for the differential compiler tests: the shared
 * arbStructDoc (property-tests/arbitraries.ts) widened to every scalar the
 * spec language has -- it leaves out long double, float, time_t, ssize_t and
 * the aligned big/little-endian u64s -- plus _Bool and signed bit-fields,
 * then extended with the constructs of real uapi headers the shared one
 * lacks: members and attributes under `when:` (iphdr's per-byte-order
 * bit-fields, EPOLL_PACKED), zero-length and multi-dimensional arrays,
 * lengths written as constant expressions with sizeof and constants,
 * const qualifiers, pointers to incomplete structs and flexible arrays.
 * Both are plans drawn alongside the document, so fast-check shrinks them
 * too (towards "no replacement").
 */
import fc from "fast-check";
import type { AbiCondition, FieldSpec, SpecDocument, StructSpec } from "../spec/types.js";
import type { AbiId } from "../spec/abi.js";
import { ABIS } from "../spec/abis.js";
import { conditionHolds } from "../core/abi-condition.js";
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

/* ------------------------------------------------ language additions */

/** ABIs a `when: {abi}` list draws from: each byte order and word size, and the odd ones (m68k, arm OABI, hexagon). */
const CONDITION_ABIS: readonly AbiId[] = [
  "x86_64",
  "i386",
  "arm",
  "arm-oabi",
  "aarch64_be",
  "m68k",
  "ppc",
  "s390x",
  "sparc",
  "mips64",
  "hexagon",
  "riscv32",
];

/** Lengths as constant expressions; `H` stands for an earlier helper struct, when there is one. */
const LENGTH_EXPRS: readonly string[] = [
  "sizeof(long) / 2",
  "16 / sizeof(void *)",
  "sizeof(__u64) - sizeof(int)",
  "(sizeof(long) << 1) % 5",
  "~sizeof(int) & 3",
  "LEN_A + 1",
  "LEN_B",
  "sizeof(enum e) * 2",
  "sizeof(long double) / 4",
  "-1 + LEN_A * 2",
  "0x3 ^ 1",
  "sizeof(size_t) | 1",
  "sizeof(struct H) / 4 + 1",
  "(sizeof(struct H) + 3) >> 2",
];

/** The constants the expressions use: one plain, one defined through the other and sizeof. */
const LENGTH_CONSTANTS = [
  { name: "LEN_A", value: 3 },
  { name: "LEN_B", value: "((LEN_A << 2) - sizeof(short))" },
];

type Draw = () => number | null;

/** A condition drawn from `n`, and the one that holds exactly where it does not (for iphdr-style twins). */
function conditionPair(n: number): [AbiCondition, AbiCondition] {
  const ids = [CONDITION_ABIS[n % CONDITION_ABIS.length]!, CONDITION_ABIS[(n >> 4) % CONDITION_ABIS.length]!];
  switch ((n >> 8) % 4) {
    case 0:
      return n & 1 ? [{ byteOrder: "big" }, { byteOrder: "little" }] : [{ byteOrder: "little" }, { byteOrder: "big" }];
    case 1:
      return n & 1 ? [{ wordBits: 64 }, { wordBits: 32 }] : [{ wordBits: 32 }, { wordBits: 64 }];
    case 2:
      return [{ abi: [...new Set(ids)] }, { notAbi: [...new Set(ids)] }];
    default:
      return [{ notAbi: [...new Set(ids)] }, { abi: [...new Set(ids)] }];
  }
}

/** The ABIs among `on` where `c` holds. */
const narrow = (on: readonly AbiId[], c: AbiCondition) =>
  on.filter((id) =>
    conditionHolds(
      c,
      ABIS.find((a) => a.id === id)!,
    ),
  );

interface Extend {
  draw: Draw;
  /** Earlier helper structs, whose size a length may take. */
  helpers: string[];
  /** The last member of a named struct (not a union, never held by another): a flexible array may go there. */
  flexibleOk: boolean;
}

/**
 * One field with a construct of the language added, as `n` picks it; `on` is where the field's record exists.
 * Returns the field, or the field and its twin under the opposite condition (same name: iphdr's ihl).
 */
function extendField(f: FieldSpec, n: number, on: readonly AbiId[], x: Extend, last: boolean): FieldSpec[] {
  const scalar = typeof f.type === "string" && !f.type.startsWith("struct ");
  const [c, other] = conditionPair(n >> 4);
  const holds = (cond: AbiCondition) => narrow(on, cond).length > 0;
  switch (n % 12) {
    case 0:
      return holds(c) ? [{ ...f, when: c }] : [f];
    case 1:
      // A named member and its twin: one declaration per condition, another type or width on the other side.
      if (f.name === undefined || typeof f.type !== "string" || !holds(c) || !holds(other)) return [f];
      if (f.bits !== undefined)
        return [
          { ...f, when: c },
          { ...f, bits: Math.max(1, f.bits - (n & 3)), when: other },
        ];
      return [
        { ...f, when: c },
        { ...f, type: scalar && n & 1 ? "__u16" : f.type, when: other },
      ];
    case 2:
      if (!holds(c)) return [f];
      return typeof f.type === "string"
        ? [{ ...f, packed: { when: c } }]
        : [{ ...f, type: { ...f.type, packed: { when: c } } }];
    case 3: {
      if (!holds(c)) return [f];
      const aligned = { value: (1 << (n & 3)) << 1, when: c };
      return typeof f.type === "string" ? [{ ...f, aligned }] : [{ ...f, type: { ...f.type, aligned } }];
    }
    case 4:
      return f.bits !== undefined || f.name === undefined ? [f] : [{ ...f, array: 0 }];
    case 5:
      return f.bits !== undefined || f.name === undefined ? [f] : [{ ...f, array: [1 + (n & 1), (n >> 1) & 3] }];
    case 6: {
      if (f.bits !== undefined || f.name === undefined) return [f];
      const expr = LENGTH_EXPRS[(n >> 4) % LENGTH_EXPRS.length]!;
      if (expr.includes("struct H") && !x.helpers.length) return [f];
      const length = expr.replace("struct H", `struct ${x.helpers[(n >> 8) % Math.max(1, x.helpers.length)]}`);
      return [{ ...f, array: n & 2 ? [length, 2] : length }];
    }
    case 7:
      if (!scalar) return [f];
      return [
        {
          ...f,
          type: (f.type as string).endsWith("*") && n & 16 ? `${f.type as string} const` : `const ${f.type as string}`,
        },
      ];
    case 8:
      return f.bits !== undefined || f.name === undefined ? [f] : [{ ...f, type: "struct nowhere *" }];
    case 9:
      return last && x.flexibleOk && f.bits === undefined && f.name !== undefined
        ? [{ ...f, array: n & 16 ? ["flexible", 2] : "flexible" }]
        : [f];
    default:
      return [f];
  }
}

function extendFields(fields: FieldSpec[], on: readonly AbiId[], x: Extend, depth: number): FieldSpec[] {
  // A flexible array needs a named member before it that every ABI has (C11 6.7.2.1p18).
  const named = fields.length > 1 && fields[0]!.name !== undefined;
  return fields.flatMap((f, i) => {
    const n = x.draw();
    // The first member stays unconditional, so no record is empty on any ABI.
    const out =
      n === null || (i === 0 && n % 12 < 2)
        ? [f]
        : extendField(f, n, on, { ...x, flexibleOk: x.flexibleOk && named }, depth === 0 && i === fields.length - 1);
    // Members inside an inline record exist only where it does.
    return out.map((g) =>
      typeof g.type === "string"
        ? g
        : {
            ...g,
            type: {
              ...g.type,
              fields: extendFields(
                g.type.fields,
                g.when ? narrow(on, g.when) : on,
                { ...x, flexibleOk: false },
                depth + 1,
              ),
            },
          },
    );
  });
}

function extendStruct(s: StructSpec, index: number, structs: StructSpec[], draw: Draw): StructSpec {
  const all: AbiId[] = ABIS.map((a) => a.id);
  const x: Extend = {
    draw,
    helpers: structs.slice(0, index).map((h) => h.name),
    flexibleOk: s.name === "top" && s.kind !== "union",
  };
  let out: StructSpec = { ...s, fields: extendFields(s.fields, all, x, 0) };
  const n = draw();
  if (n !== null && n % 4 === 0) out = { ...out, packed: { when: conditionPair(n >> 2)[0] } };
  if (n !== null && n % 4 === 1)
    out = { ...out, aligned: { value: 4 << (n & 4 ? 1 : 0), when: conditionPair(n >> 2)[0] } };
  return out;
}

/** arbStructDoc with every scalar type and the language additions in play. */
export function arbVerifyDoc(opts: ArbOptions = {}): fc.Arbitrary<SpecDocument> {
  const plan = fc.array(fc.option(fc.nat({ max: 63 }), { freq: 3, nil: null }), { minLength: 8, maxLength: 8 });
  const more = fc.array(fc.option(fc.nat({ max: 0xffff }), { freq: 2, nil: null }), { minLength: 24, maxLength: 24 });
  return fc.tuple(arbStructDoc({ scalars: "all", floats: true, ...opts }), plan, more).map(([doc, p, q]) => {
    let k = 0;
    const next = () => k++;
    let j = 0;
    const draw = () => q[j++ % q.length]!;
    return {
      ...doc,
      interfaces: doc.interfaces.map((ifc) => {
        const widened = (ifc.structs ?? []).map((s) => ({ ...s, fields: widen(s.fields, p, next) }));
        return {
          ...ifc,
          constants: LENGTH_CONSTANTS,
          structs: widened.map((s, i) => extendStruct(s, i, widened, draw)),
        };
      }),
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
  const constants = new Set((doc.interfaces ?? []).flatMap((i) => (i.constants ?? []).map((c) => c.name)));
  // Tags after struct/union/enum (qualifiers may come first), and the constants an expression names.
  const rename = (t: string) =>
    t.replace(
      /\b(struct|union|enum) ([A-Za-z_][A-Za-z0-9_]*)|\b[A-Za-z_][A-Za-z0-9_]*/g,
      (m: string, k?: string, n?: string) => (k ? `${k} ${p}${n}` : constants.has(m) ? `${p.toUpperCase()}${m}` : m),
    );
  const dims = (a: FieldSpec["array"]): FieldSpec["array"] =>
    Array.isArray(a) ? a.map((d) => (typeof d === "string" ? rename(d) : d)) : typeof a === "string" ? rename(a) : a;
  const fields = (fs: FieldSpec[]): FieldSpec[] =>
    fs.map((f) => ({
      ...f,
      ...(f.array !== undefined ? { array: dims(f.array) } : {}),
      type: typeof f.type === "string" ? rename(f.type) : { ...f.type, fields: fields(f.type.fields) },
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
      constants: ifc.constants?.map((c) => ({
        ...c,
        name: `${p.toUpperCase()}${c.name}`,
        value: typeof c.value === "string" ? rename(c.value) : c.value,
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
