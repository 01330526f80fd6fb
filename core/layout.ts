/*
 * The layout engine: where every member of a struct or union lands on one
 * ABI, following GCC's rules as measured in abi-facts §0-§1 (natural
 * alignment capped per ABI, PCC_BITFIELD_TYPE_MATTERS bit-fields, packed and
 * aligned attributes, arm OABI's 4-byte struct granule).  Pure: the same
 * record and ABI always give the same layout, so results are memoised.
 */
import type { AbiEntry } from "../spec/abi.js";
import { SpecInputError, type DocPath, type Loc, type SpecError } from "./diagnostic.js";
import type { CType, FieldModel, LengthExpr, RecordType, SpecModel } from "./model.js";
import { parseInteger, recordName } from "./model.js";
import { alignedAnywhere, alignedOn, conditionHolds, packedOn } from "./abi-condition.js";
import { evaluate, ExprError } from "./const-expr.js";

export interface MemberLayout {
  field: FieldModel;
  /** Byte offset of the member (for a bit-field: the byte holding its first bit). */
  offset: number;
  /** Bytes the member spans (for a bit-field: the bytes its bits touch). */
  size: number;
  /** The alignment the member was placed with. */
  align: number;
  /** For bit-fields: offset of the first bit from the start of the record, and the width. */
  bitOffset?: number;
  bits?: number;
  /** When the member is a struct/union (or an array of them): the element's layout. */
  nested?: RecordLayout;
}

export interface Hole {
  offset: number;
  size: number;
  /** The member before the hole and the one after it (undefined at the start/end). */
  after?: string;
  before?: string;
  /** Index in the layout's members of the member before the hole (-1 at the start). */
  afterIndex: number;
}

export interface RecordLayout {
  record: RecordType;
  abi: AbiEntry;
  size: number;
  align: number;
  members: MemberLayout[];
  /** Implicit gaps between members, at this level only. */
  holes: Hole[];
  /** Implicit padding after the last member. */
  tail: number;
}

export interface TypeLayout {
  size: number;
  align: number;
  record?: RecordLayout;
}

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

/** The C integer class whose size is an integer machine mode of this many bits (QI, HI, SI, DI). */
const MODE_CLASS: Record<number, "char" | "short" | "int" | "llong"> = {
  8: "char",
  16: "short",
  32: "int",
  64: "llong",
};

const cache = new WeakMap<AbiEntry, WeakMap<RecordType, RecordLayout>>();

/** Size and alignment of any type on an ABI. */
export function layoutType(t: CType, abi: AbiEntry): TypeLayout {
  switch (t.kind) {
    case "scalar": {
      const s = t.scalar;
      // A kernel typedef is what the ABI's own headers make it (asm/posix_types.h: __kernel_mode_t is 2 bytes on
      // i386, 4 on x86_64), as the row's typedef facts say.
      const base = s.typedef ? abi.typedefs.facts[s.typedef] : abi.scalars[s.cls];
      return { size: s.fixedSize ?? base.size, align: Math.max(base.align, s.minAlign ?? 1) };
    }
    case "pointer":
      return { ...abi.scalars.ptr };
    case "enum": {
      if (!abi.shortEnums) return { ...abi.scalars.enum };
      const size = shortEnumSize(t.spec.values.map((v) => parseInteger(v.value) ?? 0n));
      return { size, align: size };
    }
    case "array": {
      const el = layoutType(t.element, abi);
      const n = arrayLength(t, abi);
      // An element over the limit stays over it, even in a zero-length or flexible array: GCC rejects the type.
      const size = el.size > MAX_RECORD_SIZE ? el.size : n === "flexible" ? 0 : el.size * n;
      return { size, align: el.align, record: el.record };
    }
    case "record": {
      const r = layoutRecord(t.record, abi);
      return { size: r.size, align: r.align, record: r };
    }
  }
}

/**
 * The alignment a member's declaration asks for: its `aligned` attribute, or the kernel's __aligned_u64 family,
 * which include/uapi/linux/types.h defines as macros (`__u64 __attribute__((aligned(8)))`), so the attribute sits
 * on the member and `packed` cannot lower it (gcc: `struct { char c; __aligned_u64 x; } __attribute__((packed))`
 * is 16 bytes).
 */
function declaredAlign(field: FieldModel, abi: AbiEntry): number | undefined {
  let t = field.type;
  while (t.kind === "array") t = t.element;
  const fromType = t.kind === "scalar" ? t.scalar.minAlign : undefined;
  const aligned = alignedOn(field, abi);
  if (fromType === undefined) return aligned;
  return Math.max(aligned ?? 0, fromType);
}

/* ------------------------------------------------------- array lengths */

/** The longest array dimension, written or computed (spec/lint.ts checks written ones against it too). */
export const MAX_ARRAY_LENGTH = 1 << 20;

const lengths = new WeakMap<LengthExpr, WeakMap<AbiEntry, number>>();

/**
 * The number of elements of an array type on `abi` ("flexible" for a flexible array member).  A constant
 * expression is evaluated with the ABI's sizes; one with no value there (division by zero, out of range) is
 * bad input, located where it is written (the loader finds these first: checkRecordSizes).
 */
export function arrayLength(t: CType & { kind: "array" }, abi: AbiEntry): number | "flexible" {
  const len = t.length;
  if (typeof len !== "object") return len;
  let perAbi = lengths.get(len);
  if (!perAbi) lengths.set(len, (perAbi = new WeakMap()));
  const hit = perAbi.get(abi);
  if (hit !== undefined) return hit;
  const bad = (message: string, hint: string) =>
    new SpecInputError([{ loc: len.loc, message: `array length '${len.text}' ${message}`, hint }]);
  let v: bigint;
  try {
    v = evaluate(len.expr, abi, (x) => layoutType(x, abi).size);
  } catch (e) {
    if (e instanceof ExprError) throw bad(e.message, e.hint);
    throw e;
  }
  if (v < 0n) throw bad(`is ${v} on ${abi.id}, a negative length`, "make sure it is never negative");
  if (v > BigInt(MAX_ARRAY_LENGTH))
    throw bad(`is ${v} on ${abi.id}, over the limit of ${MAX_ARRAY_LENGTH} elements`, "make it smaller");
  perAbi.set(abi, Number(v));
  return Number(v);
}

/**
 * -fshort-enums: the smallest integer type that holds every enumerator -- unsigned when none is negative,
 * otherwise signed over the whole range (gcc and clang: `enum {-1, 255}` is 2 bytes, not 1).
 */
function shortEnumSize(values: bigint[]): number {
  const negative = values.some((v) => v < 0n);
  for (const bytes of [1, 2, 4]) {
    const bits = BigInt(bytes * 8);
    const fits = negative
      ? values.every((v) => v >= -(1n << (bits - 1n)) && v < 1n << (bits - 1n))
      : values.every((v) => v < 1n << bits);
    if (fits) return bytes;
  }
  return 8;
}

/** The records a record holds by value (through arrays), inline or named, in field order. */
export function childRecords(record: RecordType): RecordType[] {
  const out: RecordType[] = [];
  for (const f of record.fields) {
    let t = f.type;
    while (t.kind === "array") t = t.element;
    if (t.kind === "record") out.push(t.record);
  }
  return out;
}

/** What laying out a record needs first: the records it holds, and those its array lengths take the size of. */
export function layoutDependencies(record: RecordType): RecordType[] {
  const out = childRecords(record);
  for (const f of record.fields)
    for (let t = f.type; t.kind === "array"; t = t.element)
      if (typeof t.length === "object") out.push(...t.length.records);
  return out;
}

/**
 * Visit `root` and every record it holds, innermost first, each once:
 * `done(r)` says a record (and so everything in it) needs no visit.  An
 * explicit stack, so a chain of 10,000 structs each holding the previous one
 * costs no call stack.
 */
export function eachRecordInnermostFirst(
  root: RecordType,
  done: (r: RecordType) => boolean,
  visit: (r: RecordType) => void,
  kidsOf: (r: RecordType) => RecordType[] = childRecords,
): void {
  if (done(root)) return;
  const onStack = new Set<RecordType>([root]);
  const stack: { r: RecordType; kids: RecordType[]; i: number }[] = [{ r: root, kids: kidsOf(root), i: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.i < top.kids.length) {
      const c = top.kids[top.i++]!;
      if (done(c)) continue;
      if (onStack.has(c)) throw new Error(`${recordName(c)} contains itself (the resolver rejects this)`);
      onStack.add(c);
      stack.push({ r: c, kids: kidsOf(c), i: 0 });
    } else {
      stack.pop();
      onStack.delete(top.r);
      if (!done(top.r)) visit(top.r);
    }
  }
}

export function layoutRecord(record: RecordType, abi: AbiEntry): RecordLayout {
  let perAbi = cache.get(abi);
  if (!perAbi) cache.set(abi, (perAbi = new WeakMap()));
  const hit = perAbi.get(record);
  if (hit) return hit;
  const memo = perAbi;
  // Inner records first (and those whose size an array length takes), so computing one never recurses into another.
  eachRecordInnermostFirst(
    record,
    (r) => memo.has(r),
    (r) => memo.set(r, computeRecord(r, abi)),
    layoutDependencies,
  );
  return memo.get(record)!;
}

/* ------------------------------------------------------------ size limit */

/**
 * The largest struct or union, on every ABI: 2^31 - 1 bytes, PTRDIFF_MAX on
 * the 32-bit ABIs, beyond which GCC rejects the type ("size of array is too
 * large").  Checking every array and every record against it keeps all
 * layout arithmetic exact: no size exceeds 2^31 * 2^20 < 2^53.
 */
export const MAX_RECORD_SIZE = 0x7fffffff;

/** A record or member over MAX_RECORD_SIZE: bad input, located in the spec. */
export class SizeLimitError extends SpecInputError {
  constructor(error: SpecError) {
    super([error]);
    this.name = "SizeLimitError";
  }
}

function locOf(record: RecordType, path: DocPath): Loc {
  return record.locate ? record.locate(path) : { file: "<spec>", line: 1, col: 1 };
}

function tooBig(record: RecordType, abi: AbiEntry, field: FieldModel | undefined, size: number): SizeLimitError {
  const what = field ? `member '${field.name ?? "<anonymous>"}' of ${recordName(record)}` : recordName(record);
  const path = field ? (field.spec.array !== undefined ? [...field.path, "array"] : field.path) : record.path;
  const shown = Number.isSafeInteger(size) ? `${size} bytes` : `more than 2^53 bytes`;
  return new SizeLimitError({
    loc: locOf(record, path),
    message:
      `${what} is ${shown} on ${abi.id}, over the limit of ${MAX_RECORD_SIZE} bytes ` +
      "(2 GiB - 1, the largest object GCC accepts on 32-bit ABIs)",
    hint:
      "make the arrays shorter; " +
      "pass large buffers by user pointer (__u64 with 'pointer:') instead of embedding them",
  });
}

function computeRecord(record: RecordType, abi: AbiEntry): RecordLayout {
  const isUnion = record.kind === "union";
  const rules = abi.bitfields;
  let bit = 0; // next free bit (structs)
  let endBit = 0; // highest bit used (unions: max over members)
  let align = 1;
  const members: MemberLayout[] = [];

  const recordPacked = packedOn(record, abi);
  for (const field of record.fields) {
    // A member under `when:` is not there on ABIs where its condition fails (the header's #if leaves it out).
    if (!conditionHolds(field.when, abi)) continue;
    const packed = recordPacked || packedOn(field, abi);
    const aligned = declaredAlign(field, abi);
    if (isUnion) bit = 0;
    const t = layoutType(field.type, abi);
    if (t.size > MAX_RECORD_SIZE) throw tooBig(record, abi, field, t.size);

    if (field.bits !== undefined) {
      const unitBits = t.size * 8;
      // `aligned(N)` on a bit-field moves it to a multiple of N, named or not, packed or not; it raises the
      // record's alignment where the bit-field could (named ones everywhere, unnamed ones on ARM EABI and m68k):
      // gcc-12 on x86_64, i386, arm, arm OABI, m68k, ppc and sh, `struct { char c; int :3 __attribute__((aligned(8)));
      // int x; }` is 16 bytes, 4-aligned on x86_64, 8-aligned on arm and m68k; `int :0` with aligned(8) pads to 8.
      const raises = field.name !== undefined || rules.unnamedRaisesAlign || !rules.typeMatters;
      if (field.bits === 0) {
        // A zero-width bit-field closes the unit: pad to its type's alignment (m68k: a fixed boundary).
        const za = Math.max(rules.typeMatters ? t.align : (rules.zeroWidthAlignCap ?? 1), aligned ?? 1);
        bit = alignUp(bit, za * 8);
        if (rules.unnamedRaisesAlign || !rules.typeMatters) align = Math.max(align, za);
        members.push({ field, offset: bit / 8, size: 0, align: za, bitOffset: bit, bits: 0 });
        endBit = Math.max(endBit, bit);
        continue;
      }
      if (!packed && rules.typeMatters) {
        // A bit-field may not cross the end of a unit of its type placed at the type's alignment.
        const unitStart = Math.floor(bit / (t.align * 8)) * t.align * 8;
        if (bit + field.bits > unitStart + unitBits) bit = alignUp(bit, t.align * 8);
        if (field.name !== undefined || rules.unnamedRaisesAlign) align = Math.max(align, t.align);
      }
      if (!packed && !rules.typeMatters) {
        // GCC layout_decl: without PCC_BITFIELD_TYPE_MATTERS (m68k), a bit-field exactly as wide as an integer mode
        // that starts on that mode's alignment becomes an ordinary field of the mode and raises the struct's
        // alignment: m68k `struct {int :16;}` and `struct {int x:32;}` are 2-aligned, `struct {char c; int x:16;}`
        // is not (measured by `uapi verify` / the differential test with m68k-linux-gnu-gcc-12).
        const modeAlign = MODE_CLASS[field.bits] ? abi.scalars[MODE_CLASS[field.bits]!].align : undefined;
        if (modeAlign !== undefined && bit % (modeAlign * 8) === 0) align = Math.max(align, modeAlign);
      }
      if (aligned) {
        bit = alignUp(bit, aligned * 8);
        if (raises) align = Math.max(align, aligned);
      }
      const first = Math.floor(bit / 8);
      members.push({
        field,
        offset: first,
        size: Math.ceil((bit + field.bits) / 8) - first,
        align: packed ? 1 : t.align,
        bitOffset: bit,
        bits: field.bits,
      });
      bit += field.bits;
      endBit = Math.max(endBit, bit);
      continue;
    }

    let a = packed ? 1 : t.align;
    if (aligned) a = Math.max(a, aligned);
    const offset = alignUp(Math.ceil(bit / 8), a);
    members.push({ field, offset, size: t.size, align: a, nested: t.record });
    if (offset + t.size > MAX_RECORD_SIZE) throw tooBig(record, abi, undefined, offset + t.size);
    bit = (offset + t.size) * 8;
    endBit = Math.max(endBit, bit);
    align = Math.max(align, a);
  }

  const recordAligned = alignedOn(record, abi);
  if (recordAligned) align = Math.max(align, recordAligned);
  if (!recordPacked) align = Math.max(align, abi.minStructAlign);
  const dataEnd = Math.ceil(endBit / 8);
  let size = alignUp(dataEnd, align);
  if (!recordPacked) size = alignUp(size, abi.structSizeGranule);

  if (size > MAX_RECORD_SIZE) throw tooBig(record, abi, undefined, size);

  const { holes, tail } = findPadding(members, size, isUnion);
  return { record, abi, size, align, members, holes, tail };
}

const memberLabel = (m: MemberLayout) => m.field.name ?? (m.bits !== undefined ? "<unnamed bit-field>" : "<anonymous>");

function findPadding(members: MemberLayout[], size: number, isUnion: boolean): { holes: Hole[]; tail: number } {
  const holes: Hole[] = [];
  let end = 0;
  let last = -1;
  members.forEach((m, i) => {
    if (!isUnion && m.offset > end)
      holes.push({
        offset: end,
        size: m.offset - end,
        after: last >= 0 ? memberLabel(members[last]!) : undefined,
        before: memberLabel(m),
        afterIndex: last,
      });
    end = Math.max(end, m.offset + m.size);
    if (m.size > 0 || m.bits !== undefined) last = i;
  });
  return { holes, tail: size - end };
}

/** One line of a flattened layout: a member at any depth, with its absolute offset. */
export interface FlatMember {
  /** Dotted path as it would be written in C (`msg.type`; members of anonymous structs/unions carry no prefix). */
  name: string;
  offset: number;
  size: number;
  align: number;
  bitOffset?: number;
  bits?: number;
  member: MemberLayout;
  depth: number;
}

export interface FlatHole extends Hole {
  /** The record the hole is in: "" for the top level, else the member path. */
  within: string;
  tailPadding: boolean;
}

/**
 * Every member at every depth (not descending into arrays, nor into records `into` declines),
 * in offset order within each level.
 */
export function flattenMembers(
  layout: RecordLayout,
  base = 0,
  prefix = "",
  depth = 0,
  into: (nested: RecordLayout) => boolean = () => true,
): FlatMember[] {
  const out: FlatMember[] = [];
  // Depth-first with an explicit stack: the order is the recursive one, the call stack stays flat.
  const stack: { layout: RecordLayout; base: number; prefix: string; depth: number; i: number }[] = [
    { layout, base, prefix, depth, i: 0 },
  ];
  while (stack.length) {
    const fr = stack[stack.length - 1]!;
    if (fr.i >= fr.layout.members.length) {
      stack.pop();
      continue;
    }
    const m = fr.layout.members[fr.i++]!;
    if (m.bits === 0) continue;
    const label = m.field.name;
    const name = label === undefined ? fr.prefix.replace(/\.$/, "") : `${fr.prefix}${label}`;
    const isArray = m.field.type.kind === "array";
    if (label !== undefined || m.bits !== undefined) {
      out.push({
        name: label === undefined ? `${fr.prefix}<unnamed bit-field>` : name,
        offset: fr.base + m.offset,
        size: m.size,
        align: m.align,
        bitOffset: m.bitOffset === undefined ? undefined : fr.base * 8 + m.bitOffset,
        bits: m.bits,
        member: m,
        depth: fr.depth,
      });
    }
    if (m.nested && !isArray && into(m.nested))
      stack.push({
        layout: m.nested,
        base: fr.base + m.offset,
        prefix: label === undefined ? fr.prefix : `${name}.`,
        depth: label === undefined ? fr.depth : fr.depth + 1,
        i: 0,
      });
  }
  return out;
}

/** Every implicit hole and tail padding at every depth, with absolute offsets. */
export function flattenHoles(layout: RecordLayout, base = 0, within = ""): FlatHole[] {
  const out: FlatHole[] = [];
  const stack: { layout: RecordLayout; base: number; within: string; i: number }[] = [];
  const enter = (l: RecordLayout, b: number, w: string) => {
    for (const h of l.holes) out.push({ ...h, offset: b + h.offset, within: w, tailPadding: false });
    if (l.tail > 0)
      out.push({
        offset: b + l.size - l.tail,
        size: l.tail,
        after: l.members.length ? memberLabel(l.members[l.members.length - 1]!) : undefined,
        afterIndex: l.members.length - 1,
        within: w,
        tailPadding: true,
      });
    stack.push({ layout: l, base: b, within: w, i: 0 });
  };
  enter(layout, base, within);
  while (stack.length) {
    const fr = stack[stack.length - 1]!;
    if (fr.i >= fr.layout.members.length) {
      stack.pop();
      continue;
    }
    const m = fr.layout.members[fr.i++]!;
    if (m.nested && m.field.type.kind !== "array") {
      const inner = m.field.name === undefined ? fr.within : fr.within ? `${fr.within}.${m.field.name}` : m.field.name;
      enter(m.nested, fr.base + m.offset, inner);
    }
  }
  return out;
}

/* ------------------------------------------------------------ signatures */

const sigCache = [
  new WeakMap<AbiEntry, WeakMap<RecordType, string>>(),
  new WeakMap<AbiEntry, WeakMap<RecordType, string>>(),
];

/** A short stand-in for a long signature: the text itself when short, else its length and a 64-bit hash. */
function token(text: string): string {
  if (text.length <= 64) return text;
  let h1 = 0xdeadbeef,
    h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `#${text.length}:${(h1 >>> 0).toString(36)}.${(h2 >>> 0).toString(36)}`;
}

/**
 * Which ABIs lay a record out alike, without flattening it: a string that is
 * equal on two ABIs exactly when flattenMembers gives the same offsets and
 * sizes (and, with `bits`, bit offsets) for every member at every depth.
 * Nested records contribute their own memoised signature, so the cost is
 * linear in the record's own fields however deep the nesting goes.  The
 * record's size and alignment are not part of it; which members exist is,
 * where `when:` conditions decide it.
 */
export function layoutSignature(record: RecordType, abi: AbiEntry, bits: boolean): string {
  const c = sigCache[bits ? 1 : 0]!;
  let perAbi = c.get(abi);
  if (!perAbi) c.set(abi, (perAbi = new WeakMap()));
  const hit = perAbi.get(record);
  if (hit !== undefined) return hit;
  const memo = perAbi;
  layoutRecord(record, abi);
  eachRecordInnermostFirst(
    record,
    (r) => memo.has(r),
    (r) => {
      const l = layoutRecord(r, abi);
      const parts: string[] = [];
      // Where `when:` leaves members out, which members are there is part of the layout.
      const index = r.fields.some((f) => f.when) ? new Map(r.fields.map((f, i) => [f, `${i}@`])) : undefined;
      for (const m of l.members) {
        if (m.bits === 0) continue;
        const which = index?.get(m.field) ?? "";
        if (m.field.name !== undefined || m.bits !== undefined)
          parts.push(bits ? `${which}${m.offset}+${m.size}/${m.bitOffset ?? ""}` : `${which}${m.offset}+${m.size}`);
        if (m.nested && m.field.type.kind !== "array") {
          const inner = memo.get(m.nested.record)!;
          if (inner !== "") parts.push(`{${m.offset}:${inner}}`);
        }
      }
      memo.set(r, token(parts.join(",")));
    },
  );
  return memo.get(record)!;
}

/* -------------------------------------------------- the "natural" ABI */

const naturals = new WeakMap<readonly AbiEntry[], AbiEntry>();

/**
 * An ABI where every scalar is aligned to its own size, with the largest
 * struct granule of `abis`: explicit fields that fill its holes leave no hole
 * on any real ABI.  One object per ABI list, so its layouts are memoised too.
 */
export function naturalAbi(abis: readonly AbiEntry[]): AbiEntry {
  const hit = naturals.get(abis);
  if (hit) return hit;
  const base = abis.find((a) => a.wordBits === 64) ?? abis[0]!;
  const scalars = Object.fromEntries(
    Object.entries(base.scalars).map(([k, v]) => [k, { size: v.size, align: v.size }]),
  ) as AbiEntry["scalars"];
  const facts = Object.fromEntries(
    Object.entries(base.typedefs.facts).map(([k, f]) => [k, { ...f, align: f.size }]),
  ) as AbiEntry["typedefs"]["facts"];
  const granule = Math.max(...abis.map((a) => a.structSizeGranule));
  const natural: AbiEntry = {
    ...base,
    scalars,
    typedefs: { ...base.typedefs, facts },
    minStructAlign: granule,
    structSizeGranule: granule,
    bitfields: { ...base.bitfields, unnamedRaisesAlign: false },
  };
  naturals.set(abis, natural);
  return natural;
}

/* ------------------------------------------------ load-time size check */

/**
 * Every struct and union fits MAX_RECORD_SIZE on every ABI in `abis` and on
 * their natural ABI.  A cheap bound per record (one pass over the fields,
 * no ABI) clears almost every spec; only records whose bound exceeds the
 * limit are laid out to find the member and ABI concerned.
 */
export function checkRecordSizes(model: SpecModel, abis: readonly AbiEntry[]): SpecError[] {
  // The largest size of each scalar class over the ABIs (the natural ABI takes its sizes from one of them).
  const maxOf = new Map<string, number>();
  for (const a of abis)
    for (const [cls, x] of Object.entries(a.scalars)) maxOf.set(cls, Math.max(maxOf.get(cls) ?? 0, x.size));
  // Kernel typedefs by name: their sizes follow no one class (__kernel_old_dev_t is 8 bytes on x86_64, 2 on i386).
  for (const a of abis)
    for (const [name, x] of Object.entries(a.typedefs.facts)) maxOf.set(name, Math.max(maxOf.get(name) ?? 0, x.size));
  const maxScalar = Math.max(16, ...maxOf.values());
  const bound = new Map<RecordType, { size: number; align: number }>();
  const errors = new Map<string, SpecError>();
  const all = [...abis, naturalAbi(abis)];
  const keep = (e: unknown) => {
    if (!(e instanceof SpecInputError)) throw e;
    for (const err of e.errors) errors.set(`${err.loc.line}:${err.loc.col}:${err.message}`, err);
  };
  // Lengths written as expressions first: each has a value on every ABI, or the spec is rejected where it is.
  const seen = new Set<RecordType>();
  for (const ifc of model.interfaces)
    for (const record of ifc.records)
      eachRecordInnermostFirst(
        record,
        (r) => seen.has(r),
        (r) => {
          seen.add(r);
          for (const f of r.fields)
            for (let t = f.type; t.kind === "array"; t = t.element) {
              if (typeof t.length !== "object") continue;
              for (const abi of all) {
                try {
                  arrayLength(t, abi);
                } catch (e) {
                  keep(e);
                  break;
                }
              }
            }
        },
      );
  if (errors.size) return [...errors.values()];
  const lengthBound = (t: CType & { kind: "array" }) =>
    t.length === "flexible" ? 0 : Math.max(...all.map((abi) => arrayLength(t, abi) as number));
  const typeBound = (t: CType): number => {
    switch (t.kind) {
      case "array": {
        // At least the element: GCC rejects an element type over the limit even in a zero-length array.
        const el = typeBound(t.element);
        return Math.max(el, el * lengthBound(t));
      }
      case "record":
        return bound.get(t.record)!.size;
      case "scalar":
        return t.scalar.fixedSize ?? maxOf.get(t.scalar.typedef ?? t.scalar.cls) ?? maxScalar;
      default:
        return maxScalar;
    }
  };
  const alignOf = (t: CType): number => {
    while (t.kind === "array") t = t.element;
    return t.kind === "record" ? bound.get(t.record)!.align : maxScalar;
  };
  for (const ifc of model.interfaces) {
    for (const record of ifc.records) {
      eachRecordInnermostFirst(
        record,
        (r) => bound.has(r),
        (r) => {
          let align = Math.max(16, alignedAnywhere(r) ?? 1);
          for (const f of r.fields) align = Math.max(align, alignedAnywhere(f) ?? 1, alignOf(f.type));
          let size = 0;
          for (const f of r.fields) {
            const b = typeBound(f.type) + align;
            size = r.kind === "union" ? Math.max(size, b) : size + b;
          }
          bound.set(r, { size: size + align + 4, align });
        },
      );
      if (bound.get(record)!.size <= MAX_RECORD_SIZE) continue;
      for (const abi of all) {
        try {
          layoutRecord(record, abi);
        } catch (e) {
          keep(e);
          break;
        }
      }
    }
  }
  return [...errors.values()];
}
