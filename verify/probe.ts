/*
 * The probe: one self-contained C translation unit per ABI that declares
 * every record under test and pins the engine's layout with _Static_asserts
 * (generators/layout-asserts.ts), plus what a backend needs to read the
 * compiler's own values back:
 *   - `uapi_values[]`: sizeof/_Alignof/offsetof of every fact, in fact order
 *     (read from GCC's assembly; clang's record-layout dump gives them too);
 *   - one static object per named bit-field with only that field set to all
 *     ones (GCC's assembly then shows which bits it occupies);
 *   - calibration constants that reveal the assembler's directive sizes.
 * The asserts sit under `#ifndef UAPI_PROBE_MEASURE_ONLY`, so a second pass
 * can still measure when the compiler rejects them.
 *
 * The declarations are emitted here rather than by the header generator so
 * the probe needs no headers and can rename clashing tags (several specs, or
 * variants of one interface, may reuse a tag).
 */
import type { AbiEntry } from "../spec/abi.js";
import type { EnumSpec } from "../spec/types.js";
import { layoutAsserts } from "../generators/layout-asserts.js";
import { parseInteger, type CType, type FieldModel, type RecordType } from "../core/model.js";
import { factsOf, type Fact } from "./facts.js";
import { timeTSpelling } from "./compilers.js";

export interface ProbeRecord {
  record: RecordType;
  /** How reports name it, e.g. "bus1.yaml: struct bus1_cmd_send". */
  label: string;
}

export interface ProbeEntry extends ProbeRecord {
  /** The record's spelling in the probe ("struct foo" or "struct foo__2"). */
  cname: string;
  facts: Fact[];
  /** Index of each size/align/offset fact in uapi_values[], by fact index. */
  valueIndex: Map<number, number>;
  /** Name of the bit-field object for each bit-offset and bit-width fact, by fact index. */
  bitObject: Map<number, string>;
}

export interface Probe {
  source: string;
  entries: ProbeEntry[];
  /** Number of uapi_values[] entries. */
  valueCount: number;
}

export const MEASURE_ONLY = "UAPI_PROBE_MEASURE_ONLY";

const PRELUDE = `typedef unsigned char __u8; typedef signed char __s8;
typedef unsigned short __u16; typedef short __s16;
typedef unsigned int __u32; typedef int __s32;
typedef unsigned long long __u64; typedef long long __s64;
typedef __u16 __be16; typedef __u32 __be32; typedef __u64 __be64;
typedef __u16 __le16; typedef __u32 __le32; typedef __u64 __le64;
typedef __u64 __aligned_u64 __attribute__((aligned(8)));
typedef __be64 __aligned_be64 __attribute__((aligned(8)));
typedef __le64 __aligned_le64 __attribute__((aligned(8)));
typedef __SIZE_TYPE__ size_t;
typedef __PTRDIFF_TYPE__ ssize_t;
#define offsetof(t, m) __builtin_offsetof(t, m)
`;

/** Named records reached by value from `roots`, dependencies first. */
function declarationOrder(roots: RecordType[]): RecordType[] {
  const order: RecordType[] = [];
  const done = new Set<RecordType>();
  const deps = (t: CType): RecordType[] =>
    t.kind === "array" ? deps(t.element) : t.kind === "record" ? (t.record.inline ? t.record.fields.flatMap((f) => deps(f.type)) : [t.record]) : [];
  const visit = (r: RecordType) => {
    if (done.has(r)) return;
    done.add(r);
    r.fields.forEach((f) => deps(f.type).forEach(visit));
    order.push(r);
  };
  roots.forEach(visit);
  return order;
}

class Emitter {
  private names = new Map<RecordType, string>();
  private usedTags = new Set<string>();
  private enums = new Map<EnumSpec, string>();
  readonly enumDecls: string[] = [];

  constructor(private abi: AbiEntry) {}

  /** The probe's tag for a record, unique within the probe. */
  tagOf(r: RecordType): string | undefined {
    if (!r.tag) return undefined;
    let name = this.names.get(r);
    if (name) return name;
    name = r.tag;
    for (let n = 2; this.usedTags.has(name); n++) name = `${r.tag}__${n}`;
    this.usedTags.add(name);
    this.names.set(r, name);
    return name;
  }

  cname(r: RecordType): string {
    return `${r.kind} ${this.tagOf(r)}`;
  }

  private enumName(spec: EnumSpec): string {
    let name = this.enums.get(spec);
    if (name) return name;
    name = `uapi_enum_${this.enums.size}`;
    this.enums.set(spec, name);
    // Enumerator names are renamed too: only the value range matters for layout (short enums).
    const values = spec.values.map((v, i) => `${name}_${i} = ${cInteger(parseInteger(v.value) ?? 0n)}`);
    this.enumDecls.push(`enum ${name} { ${values.join(", ")} };`);
    return name;
  }

  /** `type` spelled as a declaration specifier (inline records in full). */
  typeSpec(t: CType, indent: string): string {
    switch (t.kind) {
      case "scalar":
        return t.scalar.name === "time_t" ? timeTSpelling(this.abi.id) : t.scalar.name;
      case "pointer":
        return "void *";
      case "enum":
        return `enum ${this.enumName(t.spec)}`;
      case "array":
        return this.typeSpec(t.element, indent);
      case "record":
        return t.record.inline ? this.body(t.record, indent) : this.cname(t.record);
    }
  }

  /** `struct __attribute__((...)) tag { fields }` */
  body(r: RecordType, indent: string): string {
    const attrs = [r.packed ? "packed" : "", r.aligned ? `aligned(${r.aligned})` : ""].filter(Boolean);
    const tag = this.tagOf(r);
    const head = `${r.kind}${attrs.length ? ` __attribute__((${attrs.join(", ")}))` : ""}${tag ? ` ${tag}` : ""}`;
    const inner = indent + "  ";
    return `${head} {\n${r.fields.map((f) => `${inner}${this.field(f, inner)};\n`).join("")}${indent}}`;
  }

  field(f: FieldModel, indent: string): string {
    const t = f.type;
    const dims = t.kind === "array" ? `[${t.length === "flexible" ? "" : t.length}]` : "";
    const spec = this.typeSpec(t, indent);
    const declarator = `${f.name ?? ""}${dims}`;
    const bits = f.bits !== undefined ? ` : ${f.bits}` : "";
    const attrs = [f.packed ? "packed" : "", f.aligned ? `aligned(${f.aligned})` : ""].filter(Boolean);
    const sep = spec.endsWith("*") || declarator === "" ? "" : " ";
    return `${spec}${sep}${declarator}${bits}${attrs.length ? ` __attribute__((${attrs.join(", ")}))` : ""}`;
  }
}

function cInteger(v: bigint): string {
  if (v >= -(1n << 31n) && v < 1n << 31n) return `${v}`;
  return v < 0n ? `(${v + 1n}LL - 1)` : `${v}ULL`;
}

/** Build the probe for `records` on `abi`. */
export function buildProbe(records: ProbeRecord[], abi: AbiEntry): Probe {
  const em = new Emitter(abi);
  const decls = declarationOrder(records.map((r) => r.record)).map((r) => `${em.body(r, "")};`);
  const asserts: string[] = [];
  const values: string[] = [];
  const objects: string[] = [];
  const entries: ProbeEntry[] = records.map((pr, ri) => {
    const cname = em.cname(pr.record);
    const original = `${pr.record.kind} ${pr.record.tag}`;
    for (const a of layoutAsserts(pr.record, abi)) {
      const expr = a.expr.replace(`(${original}`, `(${cname}`);
      asserts.push(`_Static_assert(${expr} == ${a.expected}, "${abi.id}: ${a.expr} == ${a.expected}");`);
    }
    const facts = factsOf(pr.record, abi);
    const valueIndex = new Map<number, number>();
    const bitObject = new Map<number, string>();
    facts.forEach((f, fi) => {
      const expr = f.kind === "size" ? `sizeof(${cname})` : f.kind === "align" ? `_Alignof(${cname})` : f.kind === "offset" ? `offsetof(${cname}, ${f.member})` : undefined;
      if (expr) {
        valueIndex.set(fi, values.length);
        values.push(`  ${expr},`);
      } else if (f.kind === "bit-offset") {
        const name = `uapi_bf_${ri}_${fi}`;
        // The bit-width fact always follows its bit-offset fact; both read the same object.
        bitObject.set(fi, name);
        bitObject.set(fi + 1, name);
        objects.push(`${cname} ${name} = { .${f.member} = -1 };`);
      }
    });
    return { ...pr, cname, facts, valueIndex, bitObject };
  });
  const source = [
    `/* uapi verify probe: ${records.length} records on ${abi.id} (${abi.title}); generated, self-contained */`,
    PRELUDE,
    `typedef ${timeTSpelling(abi.id)} time_t;`,
    ...em.enumDecls,
    ...decls,
    `#ifndef ${MEASURE_ONLY}`,
    ...asserts,
    `#endif`,
    `const unsigned short uapi_cal16 = 0x0102;`,
    `const unsigned int uapi_cal32 = 0x01020304;`,
    `const struct __attribute__((packed)) { char c; unsigned short h; unsigned int w; unsigned long long q; } uapi_calu = { 1, 0x0102, 0x01020304, 0x0102030405060708ULL };`,
    `const unsigned int uapi_values[] = {`,
    ...values,
    `};`,
    ...objects,
    "",
  ].join("\n");
  return { source, entries, valueCount: values.length };
}
