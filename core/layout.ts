/*
 * The layout engine: where every member of a struct or union lands on one
 * ABI, following GCC's rules as measured in abi-facts §0-§1 (natural
 * alignment capped per ABI, PCC_BITFIELD_TYPE_MATTERS bit-fields, packed and
 * aligned attributes, arm OABI's 4-byte struct granule).  Pure: the same
 * record and ABI always give the same layout, so results are memoised.
 */
import type { AbiEntry } from "../spec/abi.js";
import type { CType, FieldModel, RecordType } from "./model.js";
import { parseInteger } from "./model.js";

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
  /** Index in the record's fields of the member before the hole (-1 at the start). */
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
const MODE_CLASS: Record<number, "char" | "short" | "int" | "llong"> = { 8: "char", 16: "short", 32: "int", 64: "llong" };

const cache = new WeakMap<AbiEntry, WeakMap<RecordType, RecordLayout>>();

/** Size and alignment of any type on an ABI. */
export function layoutType(t: CType, abi: AbiEntry): TypeLayout {
  switch (t.kind) {
    case "scalar": {
      const base = abi.scalars[t.scalar.cls];
      return { size: t.scalar.fixedSize ?? base.size, align: Math.max(base.align, t.scalar.minAlign ?? 1) };
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
      return { size: t.length === "flexible" ? 0 : el.size * t.length, align: el.align, record: el.record };
    }
    case "record": {
      const r = layoutRecord(t.record, abi);
      return { size: r.size, align: r.align, record: r };
    }
  }
}

/** -fshort-enums: the smallest integer that holds every enumerator. */
function shortEnumSize(values: bigint[]): number {
  for (const bytes of [1, 2, 4]) {
    const bits = BigInt(bytes * 8);
    const fits = values.every((v) => (v >= 0n ? v < 1n << bits : v >= -(1n << (bits - 1n))));
    if (fits) return bytes;
  }
  return 8;
}

export function layoutRecord(record: RecordType, abi: AbiEntry): RecordLayout {
  let perAbi = cache.get(abi);
  if (!perAbi) cache.set(abi, (perAbi = new WeakMap()));
  const hit = perAbi.get(record);
  if (hit) return hit;
  const computed = computeRecord(record, abi);
  perAbi.set(record, computed);
  return computed;
}

function computeRecord(record: RecordType, abi: AbiEntry): RecordLayout {
  const isUnion = record.kind === "union";
  const rules = abi.bitfields;
  let bit = 0; // next free bit (structs)
  let endBit = 0; // highest bit used (unions: max over members)
  let align = 1;
  const members: MemberLayout[] = [];

  for (const field of record.fields) {
    const packed = record.packed || field.packed;
    if (isUnion) bit = 0;
    const t = layoutType(field.type, abi);

    if (field.bits !== undefined) {
      const unitBits = t.size * 8;
      if (field.bits === 0) {
        // A zero-width bit-field closes the unit: pad to its type's alignment (m68k: a fixed boundary).
        const za = rules.typeMatters ? t.align : rules.zeroWidthAlignCap ?? 1;
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
      if (field.aligned) {
        bit = alignUp(bit, field.aligned * 8);
        align = Math.max(align, field.aligned);
      }
      const first = Math.floor(bit / 8);
      members.push({ field, offset: first, size: Math.ceil((bit + field.bits) / 8) - first, align: packed ? 1 : t.align, bitOffset: bit, bits: field.bits });
      bit += field.bits;
      endBit = Math.max(endBit, bit);
      continue;
    }

    let a = packed ? 1 : t.align;
    if (field.aligned) a = Math.max(a, field.aligned);
    const offset = alignUp(Math.ceil(bit / 8), a);
    members.push({ field, offset, size: t.size, align: a, nested: t.record });
    bit = (offset + t.size) * 8;
    endBit = Math.max(endBit, bit);
    align = Math.max(align, a);
  }

  if (record.aligned) align = Math.max(align, record.aligned);
  if (!record.packed) align = Math.max(align, abi.minStructAlign);
  const dataEnd = Math.ceil(endBit / 8);
  let size = alignUp(dataEnd, align);
  if (!record.packed) size = alignUp(size, abi.structSizeGranule);

  const { holes, tail } = findPadding(members, size, isUnion);
  return { record, abi, size, align, members, holes, tail };
}

const memberLabel = (m: MemberLayout) => m.field.name ?? (m.bits !== undefined ? "<unnamed bit-field>" : "<anonymous>");

function findPadding(members: MemberLayout[], size: number, isUnion: boolean): { holes: Hole[]; tail: number } {
  const holes: Hole[] = [];
  let end = 0;
  let last = -1;
  members.forEach((m, i) => {
    if (!isUnion && m.offset > end) holes.push({ offset: end, size: m.offset - end, after: last >= 0 ? memberLabel(members[last]!) : undefined, before: memberLabel(m), afterIndex: last });
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

/** Every member at every depth (not descending into arrays), in offset order within each level. */
export function flattenMembers(layout: RecordLayout, base = 0, prefix = "", depth = 0): FlatMember[] {
  const out: FlatMember[] = [];
  for (const m of layout.members) {
    if (m.bits === 0) continue;
    const label = m.field.name;
    const name = label === undefined ? prefix.replace(/\.$/, "") : `${prefix}${label}`;
    const isArray = m.field.type.kind === "array";
    if (label !== undefined || m.bits !== undefined) {
      out.push({
        name: label === undefined ? `${prefix}<unnamed bit-field>` : name, offset: base + m.offset, size: m.size, align: m.align,
        bitOffset: m.bitOffset === undefined ? undefined : base * 8 + m.bitOffset, bits: m.bits, member: m, depth,
      });
    }
    if (m.nested && !isArray) out.push(...flattenMembers(m.nested, base + m.offset, label === undefined ? prefix : `${name}.`, label === undefined ? depth : depth + 1));
  }
  return out;
}

/** Every implicit hole and tail padding at every depth, with absolute offsets. */
export function flattenHoles(layout: RecordLayout, base = 0, within = ""): FlatHole[] {
  const out: FlatHole[] = layout.holes.map((h) => ({ ...h, offset: base + h.offset, within, tailPadding: false }));
  if (layout.tail > 0) out.push({ offset: base + layout.size - layout.tail, size: layout.tail, after: layout.members.length ? memberLabel(layout.members[layout.members.length - 1]!) : undefined, afterIndex: layout.members.length - 1, within, tailPadding: true });
  for (const m of layout.members) {
    if (m.nested && m.field.type.kind !== "array") {
      const inner = m.field.name === undefined ? within : within ? `${within}.${m.field.name}` : m.field.name;
      out.push(...flattenHoles(m.nested, base + m.offset, inner));
    }
  }
  return out;
}
