/* What every check gets: the model, the ABIs in scope, and helpers to group ABIs and name them. */
import type { AbiEntry, AbiId } from "../../spec/abi.js";
import type { Diagnostic, DocPath, Severity } from "../diagnostic.js";
import type { FieldModel, InterfaceModel, RecordType, SpecModel } from "../model.js";
import {
  childRecords,
  eachRecordInnermostFirst,
  layoutRecord,
  layoutSignature,
  type MemberLayout,
  type RecordLayout,
} from "../layout.js";

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

/* ----------------------------------------------------- layout classes */

/** A partition of an ABI list, as groupAbis would make it: classes in order of their first ABI. */
export interface AbiClasses {
  /** The class of each ABI, by index into the list. */
  classOf: Int32Array;
  /** Index of the first ABI of each class. */
  first: number[];
}

/** Partition `abis` by `same(i, j)`, an equivalence on ABI indices, testing each ABI against one ABI per class. */
function partition(n: number, same: (i: number, j: number) => boolean): AbiClasses {
  const classOf = new Int32Array(n);
  const first: number[] = [];
  for (let i = 0; i < n; i++) {
    let c = 0;
    while (c < first.length && !same(first[c]!, i)) c++;
    if (c === first.length) first.push(i);
    classOf[i] = c;
  }
  return { classOf, first };
}

export interface SignatureClasses extends AbiClasses {
  /** layoutSignature is "" on every ABI: the record adds nothing to the signature of one holding it. */
  empty: boolean;
  /** No record in the tree has a `when:` member: every ABI has the same members, at every depth. */
  whenFree: boolean;
}

type PerAbis<T> = WeakMap<readonly AbiEntry[], WeakMap<RecordType, T>>;

function memoFor<T>(memo: PerAbis<T>, abis: readonly AbiEntry[]): WeakMap<RecordType, T> {
  let m = memo.get(abis);
  if (!m) memo.set(abis, (m = new WeakMap()));
  return m;
}

const layoutsMemo: PerAbis<RecordLayout[]> = new WeakMap();

/** The record's layout on each ABI of the list, memoised: one lookup instead of one per ABI. */
export function layoutsOn(record: RecordType, abis: readonly AbiEntry[]): readonly RecordLayout[] {
  const memo = memoFor(layoutsMemo, abis);
  let layouts = memo.get(record);
  if (!layouts) memo.set(record, (layouts = abis.map((abi) => layoutRecord(record, abi))));
  return layouts;
}

const signatureMemo: PerAbis<SignatureClasses> = new WeakMap();

/**
 * The ABIs of `abis` whose layoutSignature(record, abi, true) is equal, memoised per ABI list and record: the
 * ABIs on which every member at every depth has the same offset, size and bit offset.  Building the signature
 * strings costs more than the checks that compare them, so where no `when:` can change which members there
 * are, the members themselves are compared, as the signature would: offset, size and bit offset of every
 * member that has a name or bits, and the offset and class of every nested record that adds to the
 * signature.  Elsewhere the strings decide.
 */
export function signatureClasses(root: RecordType, abis: readonly AbiEntry[]): SignatureClasses {
  const memo = memoFor(signatureMemo, abis);
  eachRecordInnermostFirst(
    root,
    (r) => memo.has(r),
    (r) => {
      const whenFree = !r.fields.some((f) => f.when) && childRecords(r).every((c) => memo.get(c)!.whenFree);
      memo.set(r, whenFree ? byMembers(r, abis, memo) : bySignatures(r, abis));
    },
  );
  return memo.get(root)!;
}

function bySignatures(r: RecordType, abis: readonly AbiEntry[]): SignatureClasses {
  const sigs = abis.map((abi) => layoutSignature(r, abi, true));
  const { classOf, first } = partition(abis.length, (i, j) => sigs[i] === sigs[j]);
  return { classOf, first, empty: sigs.every((s) => s === ""), whenFree: false };
}

/** Members match one to one (no `when:`), and the nested records' classes are in `memo` already. */
function byMembers(
  r: RecordType,
  abis: readonly AbiEntry[],
  memo: WeakMap<RecordType, SignatureClasses>,
): SignatureClasses {
  const layouts = layoutsOn(r, abis);
  const members = layouts[0]!.members;
  // What member k adds to the signature, the same on every ABI: its own place (named members and bit-fields),
  // and the place and class of the record it holds where that record adds anything.
  const placed = members.map((m) => m.bits !== 0 && (m.field.name !== undefined || m.bits !== undefined));
  const inner = members.map((m) => {
    const c = m.bits !== 0 && m.nested && m.field.type.kind !== "array" ? memo.get(m.nested.record)! : undefined;
    return c && !c.empty ? c.classOf : undefined;
  });
  const sameMembers = (i: number, j: number) => {
    const a = layouts[i]!.members;
    const b = layouts[j]!.members;
    for (let k = 0; k < a.length; k++) {
      const x = a[k]!;
      const y = b[k]!;
      if (placed[k] && (x.offset !== y.offset || x.size !== y.size || x.bitOffset !== y.bitOffset)) return false;
      const c = inner[k];
      if (c && (x.offset !== y.offset || c[i] !== c[j])) return false;
    }
    return true;
  };
  const { classOf, first } = partition(abis.length, sameMembers);
  return { classOf, first, empty: placed.every((p, k) => !p && !inner[k]), whenFree: true };
}

/** ABIs grouped by their record layout at every depth, with the first ABI of each group to stand for it. */
export interface LayoutClasses extends AbiClasses {
  reps: AbiEntry[];
  ids: AbiId[][];
  /** The record's size on each class. */
  sizes: number[];
}

const layoutMemo: PerAbis<LayoutClasses> = new WeakMap();

/**
 * groupAbis(abis, abi => `${size}|${layoutSignature(record, abi, true)}`), memoised per ABI list and record:
 * the ABIs on which the record's size and every member's offset, size and bit offset agree.
 */
export function layoutClasses(record: RecordType, abis: readonly AbiEntry[]): LayoutClasses {
  const memo = memoFor(layoutMemo, abis);
  const hit = memo.get(record);
  if (hit) return hit;
  const sig = signatureClasses(record, abis).classOf;
  const layouts = layoutsOn(record, abis);
  const { classOf, first } = partition(
    abis.length,
    (i, j) => sig[i] === sig[j] && layouts[i]!.size === layouts[j]!.size,
  );
  const ids = first.map((): AbiId[] => []);
  abis.forEach((abi, i) => ids[classOf[i]!]!.push(abi.id));
  const classes = { classOf, first, reps: first.map((i) => abis[i]!), ids, sizes: first.map((i) => layouts[i]!.size) };
  memo.set(record, classes);
  return classes;
}

/**
 * groupAbis for a key that is the same on every ABI of a class: `keyOf` runs once per class.  The ABI lists
 * may be the classes' own.
 */
export function groupClasses<K>(
  abis: readonly AbiEntry[],
  classes: LayoutClasses,
  keyOf: (c: number) => K,
): { key: K; ids: readonly AbiId[] }[] {
  // Most often every class has a key of its own, and the groups are the classes.
  const groups: { key: K; ids: readonly AbiId[] }[] = [];
  let shared = false;
  for (let c = 0; c < classes.ids.length; c++) {
    const key = keyOf(c);
    if (groups.some((g) => g.key === key)) shared = true;
    else groups.push({ key, ids: classes.ids[c]! });
  }
  if (!shared) return groups;
  // Where classes share a key, their ABIs interleave in table order.
  const ids = groups.map((): AbiId[] => []);
  for (let i = 0; i < abis.length; i++) {
    const key = keyOf(classes.classOf[i]!);
    ids[groups.findIndex((g) => g.key === key)]!.push(abis[i]!.id);
  }
  return groups.map((g, k) => ({ key: g.key, ids: ids[k]! }));
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
