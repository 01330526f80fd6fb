/*
 * The facts a compiler is asked to confirm for one record on one ABI, as the
 * layout engine computed them: size, alignment, the byte offset of every
 * named member at every depth (members of anonymous structs/unions carry no
 * prefix, array elements are not descended into), and the bit offset and
 * width of every named bit-field.  Unnamed bit-fields have no value to set
 * or offset to ask for; they are checked through everything placed after them.
 */
import type { AbiEntry } from "../spec/abi.js";
import { layoutRecord, type MemberLayout, type RecordLayout } from "../core/layout.js";
import type { CType, RecordType } from "../core/model.js";
import { sizeofTypes } from "../core/const-expr.js";

export type FactKind = "size" | "align" | "offset" | "bit-offset" | "bit-width";

export interface Fact {
  kind: FactKind;
  /** Member path as written in C (`msg.type`), "" for the record itself. */
  member: string;
  /** The engine's value (bytes; bits for bit-offset/bit-width, counted from the record's start in allocation order). */
  engine: number;
}

/** A walk of the engine's layout that backends follow member by member. */
export interface MemberVisit {
  member: MemberLayout;
  /** C path of this member ("" when it is an anonymous struct/union or unnamed bit-field). */
  path: string;
  /** Absolute offset of the member in bytes. */
  offset: number;
  /** Absolute bit offset for bit-fields. */
  bitOffset?: number;
  /** Members of a nested struct/union (not of arrays), in declaration order. */
  children?: MemberVisit[];
}

export function visitMembers(layout: RecordLayout, base = 0, prefix = ""): MemberVisit[] {
  return layout.members.map((m) => {
    const path = m.field.name === undefined ? "" : `${prefix}${m.field.name}`;
    const v: MemberVisit = { member: m, path, offset: base + m.offset };
    if (m.bits !== undefined) v.bitOffset = base * 8 + m.bitOffset!;
    else if (m.nested && m.field.type.kind !== "array")
      v.children = visitMembers(m.nested, base + m.offset, path ? `${path}.` : prefix);
    return v;
  });
}

export function factsOf(record: RecordType, abi: AbiEntry): Fact[] {
  const layout = layoutRecord(record, abi);
  const out: Fact[] = [
    { kind: "size", member: "", engine: layout.size },
    { kind: "align", member: "", engine: layout.align },
  ];
  const walk = (visits: MemberVisit[]) => {
    for (const v of visits) {
      if (v.member.bits !== undefined) {
        if (v.path && v.member.bits > 0)
          out.push(
            { kind: "bit-offset", member: v.path, engine: v.bitOffset! },
            { kind: "bit-width", member: v.path, engine: v.member.bits },
          );
        continue;
      }
      if (v.path) out.push({ kind: "offset", member: v.path, engine: v.offset });
      if (v.children) walk(v.children);
    }
  };
  walk(visitMembers(layout));
  return out;
}

/** Whether a record (with everything it contains by value) uses a type or feature. */
export function recordUses(
  record: RecordType,
  test: (t: CType, bits: number | undefined, named: boolean) => boolean,
): boolean {
  const seen = new Set<RecordType>();
  const inType = (t: CType, bits: number | undefined, named: boolean): boolean => {
    if (test(t, bits, named)) return true;
    if (t.kind === "array") {
      // A length's sizeof(long double) depends on that type as much as a member of it does.
      if (typeof t.length === "object" && sizeofTypes(t.length.expr).some((x) => inType(x, undefined, false)))
        return true;
      return inType(t.element, bits, named);
    }
    if (t.kind === "record") return inRecord(t.record);
    return false;
  };
  const inRecord = (r: RecordType): boolean => {
    if (seen.has(r)) return false;
    seen.add(r);
    return r.fields.some((f) => inType(f.type, f.bits, f.name !== undefined));
  };
  return inRecord(record);
}
