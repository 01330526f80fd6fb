/*
 * `_Static_assert`s that pin a struct's size, alignment and member offsets on
 * one ABI, as the layout engine computed them.  Shared by the asserts
 * companion in out/asserts/ and by `uapi verify`: any C compiler that accepts
 * these lines agrees with the engine.  Bit-field positions cannot be asked of
 * offsetof; `uapi verify` measures those separately.
 */
import type { AbiEntry } from "../spec/abi.js";
import { flattenMembers, layoutRecord, type RecordLayout } from "../core/layout.js";
import type { RecordType } from "../core/model.js";
import { staticAssert } from "../core/c-writer.js";

export interface LayoutAssert {
  /** What is pinned, e.g. "sizeof(struct foo)" or "offsetof(struct foo, msg.type)". */
  expr: string;
  expected: number;
  /** The member path, or "" for the record itself. */
  member: string;
  what: "size" | "align" | "offset";
}

/** The facts to assert for one named record on one ABI. */
export function layoutAsserts(record: RecordType, abi: AbiEntry): LayoutAssert[] {
  if (!record.tag || record.inline) throw new Error("layoutAsserts needs a named struct or union");
  const cname = `${record.kind} ${record.tag}`;
  const layout = layoutRecord(record, abi);
  const out: LayoutAssert[] = [
    { expr: `sizeof(${cname})`, expected: layout.size, member: "", what: "size" },
    { expr: `_Alignof(${cname})`, expected: layout.align, member: "", what: "align" },
  ];
  // A named struct used as a member is pinned by its own asserts: descending into it again would
  // make the output grow with the square of a containment chain's length.
  const pinnedElsewhere = (nested: RecordLayout) =>
    Boolean(nested.record.tag) && !nested.record.inline && !nested.record.external;
  for (const m of flattenMembers(layout, 0, "", 0, (nested) => !pinnedElsewhere(nested))) {
    if (m.bits !== undefined || m.name.includes("<")) continue;
    out.push({ expr: `offsetof(${cname}, ${m.name})`, expected: m.offset, member: m.name, what: "offset" });
  }
  return out;
}

/** One C line per fact; the message names the ABI and the engine's value so a failing compile says what disagreed. */
export function layoutAssertLines(record: RecordType, abi: AbiEntry): string[] {
  return layoutAsserts(record, abi).map((a) =>
    staticAssert(a.expr, a.expected, `${abi.id}: ${a.expr} == ${a.expected}`),
  );
}
