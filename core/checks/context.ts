/* What every check gets: the model, the ABIs in scope, and helpers to group ABIs and name them. */
import type { AbiEntry, AbiId } from "../../spec/abi.js";
import type { Diagnostic, DocPath, Severity } from "../diagnostic.js";
import type { FieldModel, InterfaceModel, RecordType, SpecModel } from "../model.js";
import type { MemberLayout, RecordLayout } from "../layout.js";

export interface CheckContext {
  model: SpecModel;
  abis: readonly AbiEntry[];
}

export type Check = (ctx: CheckContext) => Diagnostic[];

/** Builds diagnostics for one interface with positions resolved. */
export function reporter(ctx: CheckContext, ifc: InterfaceModel) {
  return (
    rule: string,
    severity: Severity,
    path: DocPath,
    subject: string,
    message: string,
    abis: AbiId[],
    hint: string,
  ): Diagnostic => ({
    rule,
    severity,
    interface: ifc.spec.name,
    subject,
    message,
    loc: ctx.model.locate(path),
    abis,
    hint,
  });
}

/** Group ABIs by a key, keeping table order inside each group and ordering groups by first appearance. */
export function groupAbis<K>(abis: readonly AbiEntry[], keyOf: (abi: AbiEntry) => K): Map<K, AbiId[]> {
  const groups = new Map<K, AbiId[]>();
  for (const abi of abis) {
    const k = keyOf(abi);
    const g = groups.get(k);
    if (g) g.push(abi.id);
    else groups.set(k, [abi.id]);
  }
  return groups;
}

/** "all 35 ABIs", or a short list, or "24 ABIs (x86_64, x32, arm, …)". */
export function nameAbis(ids: readonly AbiId[], all: readonly AbiEntry[]): string {
  if (ids.length === all.length && all.length > 1) return `all ${all.length} ABIs`;
  if (ids.length <= 6) return ids.join(", ");
  return `${ids.length} ABIs (${ids.slice(0, 5).join(", ")}, …)`;
}

/** Named records plus every inline record inside them, outermost first, with a printable name. */
export function recordsToCheck(ifc: InterfaceModel): { record: RecordType; name: string; root: RecordType }[] {
  const out: { record: RecordType; name: string; root: RecordType }[] = [];
  const visit = (r: RecordType, name: string, root: RecordType) => {
    out.push({ record: r, name, root });
    for (const f of r.fields) {
      const t = f.type.kind === "array" ? f.type.element : f.type;
      if (t.kind === "record" && t.record.inline) visit(t.record, `${name}.${f.name ?? "<anonymous>"}`, root);
    }
  };
  for (const r of ifc.records) if (!r.external) visit(r, `${r.kind} ${r.tag}`, r);
  return out;
}

const memberByField = new WeakMap<RecordLayout, Map<FieldModel, MemberLayout>>();

/**
 * The member a field became in a layout, or undefined where a `when:` condition leaves it out: walks that compare
 * ABIs go by field, since members[j] of two ABIs need not be the same field.
 */
export function memberOf(layout: RecordLayout, field: FieldModel): MemberLayout | undefined {
  let m = memberByField.get(layout);
  if (!m) memberByField.set(layout, (m = new Map(layout.members.map((x) => [x.field, x]))));
  return m.get(field);
}

/**
 * memberOf by field index: members[j] itself where it is field j (always, unless a `when:` condition leaves an
 * earlier member out), so per-member walks need no lookup.
 */
export function memberAt(layout: RecordLayout, j: number): MemberLayout | undefined {
  const field = layout.record.fields[j]!;
  const m = layout.members[j];
  return m !== undefined && m.field === field ? m : memberOf(layout, field);
}

/* ------------------------------------------- member paths, kept short */

/** A dotted member path built from the inside out, sharing its tail with the nested record's paths. */
export interface PathNode {
  label: string;
  next?: PathNode;
  /** Characters in the whole dotted path. */
  len: number;
  depth: number;
  last: string;
}

export const pathLeaf = (label: string): PathNode => ({ label, len: label.length, depth: 1, last: label });
export const pathPrepend = (label: string, p: PathNode): PathNode => ({
  label,
  next: p,
  len: label.length + 1 + p.len,
  depth: p.depth + 1,
  last: p.last,
});

/** Paths longer than this are shown with their middle left out. */
export const MAX_PATH_CHARS = 160;

/** "a.b.c", or "a.a.a.a.a.<9990 levels>.x" for a path too long to print whole. */
export function pathText(p: PathNode): string {
  if (!p.next && p.len <= MAX_PATH_CHARS) return p.label;
  const parts: string[] = [];
  let n: PathNode | undefined = p;
  if (p.len <= MAX_PATH_CHARS) {
    for (; n; n = n.next) parts.push(n.label);
    return parts.join(".");
  }
  let chars = 0;
  let shown = 0;
  for (; n && n.next && (shown === 0 || chars + n.label.length < MAX_PATH_CHARS / 2); n = n.next, shown++) {
    parts.push(n.label);
    chars += n.label.length + 1;
  }
  return `${parts.join(".")}.<${p.depth - shown - 1} levels>.${p.last}`;
}

/* ------------------------------- the first few findings inside nesting */

/** One record's walk in one context (set up once per record and context). */
export interface FirstWalk<C, F, E> {
  /** A memo key for the context. */
  key(ctx: C): string;
  /** Set up what the member callbacks of this record need (its layouts, say). */
  enter(record: RecordType, ctx: C): F;
  /** How many members the record has (members[] of its layouts). */
  count(frame: F): number;
  /** The entry for member j itself, if it is one. */
  own(frame: F, j: number): E | undefined;
  /** The nested record of member j to descend into, with its context; undefined to skip it. */
  child(frame: F, j: number): { record: RecordType; ctx: C } | undefined;
  /** A nested record's entry, seen from this record through member j. */
  lift(frame: F, j: number, e: E): E;
}

export interface FirstFound<E> {
  entries: E[];
  /** There were more than `cap`. */
  more: boolean;
}

/**
 * The first `cap` entries of a depth-first walk over a record and the
 * records nested in it (member order, each member before its insides),
 * memoised per (record, context) in `memo`: a nested record met again in
 * the same context costs a lookup, and the walk stops at `cap`, so a check
 * over a chain of 10,000 structs does constant work per struct.  An
 * explicit stack: nesting depth costs no call stack.
 */
export function firstEntries<C, F, E>(
  root: RecordType,
  ctx0: C,
  walk: FirstWalk<C, F, E>,
  cap: number,
  memo: Map<RecordType, Map<string, FirstFound<E>>>,
): FirstFound<E> {
  const lookup = (r: RecordType, k: string) => memo.get(r)?.get(k);
  const k0 = walk.key(ctx0);
  const hit = lookup(root, k0);
  if (hit) return hit;
  interface Frame {
    record: RecordType;
    key: string;
    f: F;
    n: number;
    j: number;
    ownDone: boolean;
    entries: E[];
    more: boolean;
  }
  const open = (record: RecordType, ctx: C, key: string): Frame => {
    const f = walk.enter(record, ctx);
    return { record, key, f, n: walk.count(f), j: 0, ownDone: false, entries: [], more: false };
  };
  const stack: Frame[] = [open(root, ctx0, k0)];
  let result: FirstFound<E> | undefined;
  while (stack.length) {
    const fr = stack[stack.length - 1]!;
    if (fr.j >= fr.n || fr.entries.length > cap) {
      result = { entries: fr.entries.slice(0, cap), more: fr.more || fr.entries.length > cap };
      let m = memo.get(fr.record);
      if (!m) memo.set(fr.record, (m = new Map()));
      m.set(fr.key, result);
      stack.pop();
      continue;
    }
    if (!fr.ownDone) {
      const e = walk.own(fr.f, fr.j);
      if (e !== undefined) fr.entries.push(e);
      fr.ownDone = true;
      continue;
    }
    const ch = walk.child(fr.f, fr.j);
    if (ch) {
      const k = walk.key(ch.ctx);
      const inner = lookup(ch.record, k);
      if (!inner) {
        stack.push(open(ch.record, ch.ctx, k));
        continue; // come back to this member once the nested record is done
      }
      for (const e of inner.entries) {
        fr.entries.push(walk.lift(fr.f, fr.j, e));
        if (fr.entries.length > cap) break;
      }
      if (inner.more) fr.more = true;
    }
    fr.j++;
    fr.ownDone = false;
  }
  return result!;
}
