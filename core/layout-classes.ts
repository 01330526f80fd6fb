/*
 * Layout classes: which ABIs of a list lay a record out alike, memoised per ABI list and record, so a check
 * does its per-layout work once per class and names every ABI of the class.  The same partition as
 * grouping the ABIs by layoutSignature (layout.ts), without building the strings where no `when:` member
 * can change which members there are.
 */
import type { AbiEntry, AbiId } from "../spec/abi.js";
import { childRecords, eachRecordInnermostFirst, layoutRecord, layoutSignature, type RecordLayout } from "./layout.js";
import type { RecordType } from "./model.js";

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
