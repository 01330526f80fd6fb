/*
 * compat/layout: one layout on every ABI, or the driver needs a compat_ioctl
 * translation.  compat/pointee: a user pointer to an ABI-dependent element
 * type (bus1's ptr_vecs -> struct iovec) needs in_compat_syscall() handling.
 */
import type { AbiEntry, AbiId } from "../../spec/abi.js";
import { layoutType, type RecordLayout } from "../layout.js";
import { typeName, type CType, type FieldModel, type InterfaceModel, type RecordType } from "../model.js";
import { layoutClasses, layoutsOn, signatureClasses, type LayoutClasses } from "../layout-classes.js";
import {
  firstEntries,
  groupAbis,
  memberAt,
  nameAbis,
  pathLeaf,
  pathPrepend,
  pathText,
  recordsToCheck,
  reporter,
  type Check,
  type FirstFound,
  type FirstWalk,
  type PathNode,
} from "./context.js";

/** The commands taking each record as their argument. */
function commandsUsing(ifc: InterfaceModel): Map<RecordType, string[]> {
  const by = new Map<RecordType, string[]>();
  for (const c of ifc.commands) {
    if (c.arg?.kind !== "record") continue;
    const list = by.get(c.arg.record);
    if (list) list.push(c.spec.name);
    else by.set(c.arg.record, [c.spec.name]);
  }
  return by;
}

/** Members that move listed per struct; the message says when there are more. */
export const MAX_MOVES_LISTED = 256;

interface Move {
  path: PathNode;
  /** Offset from the start of the record walked and size, per representative ABI. */
  offs: number[];
  sizes: number[];
}

interface MoveFrame {
  layouts: RecordLayout[];
  /** Where this record starts on each representative ABI, relative to the first. */
  delta: number[];
}

/**
 * The members whose offset or size differs between the representative ABIs, at every depth,
 * first MAX_MOVES_LISTED of them.
 */
function movesWalk(abis: readonly AbiEntry[], classes: LayoutClasses): FirstWalk<number[], MoveFrame, Move> {
  const { reps, first } = classes;
  const n = reps.length;
  // Memo keys name the representatives too: the walks of structs with other layout classes share the memo.
  const prefix = `${reps.map((a) => a.id).join(",")}|`;
  return {
    key: (delta) => prefix + delta.join(","),
    enter(record, delta) {
      const all = layoutsOn(record, abis);
      return { layouts: first.map((i) => all[i]!), delta };
    },
    count: (f) => f.layouts[0]!.record.fields.length,
    own(f, j) {
      const field = f.layouts[0]!.record.fields[j]!;
      if (field.bits === 0 || (field.name === undefined && field.bits === undefined)) return undefined;
      // A member under `when:` that some ABIs leave out moves too: it is there, then it is not.
      const m0 = memberAt(f.layouts[0]!, j);
      let moves = false;
      for (let i = 1; i < n && !moves; i++) {
        const m = memberAt(f.layouts[i]!, j);
        moves =
          m === undefined || m0 === undefined
            ? m !== m0
            : f.delta[i]! + m.offset !== f.delta[0]! + m0.offset || m.size !== m0.size;
      }
      if (!moves) return undefined;
      const offs = new Array<number>(n);
      const sizes = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        const m = memberAt(f.layouts[i]!, j);
        offs[i] = m?.offset ?? ABSENT;
        sizes[i] = m?.size ?? 0;
      }
      return { path: pathLeaf(field.name ?? "<unnamed bit-field>"), offs, sizes };
    },
    child(f, j) {
      const field = f.layouts[0]!.record.fields[j]!;
      // A record held by value (not in an array), as the layout's `nested` gives it.
      if (field.bits !== undefined || field.type.kind !== "record") return undefined;
      const c = field.type.record;
      const m0 = memberAt(f.layouts[0]!, j);
      if (!m0) return undefined;
      const delta = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        const m = memberAt(f.layouts[i]!, j);
        if (!m) return undefined;
        delta[i] = f.delta[i]! + m.offset - m0.offset;
      }
      // Laid out alike and placed alike on every representative: nothing inside moves.  (Alike down to the bit
      // offsets, which do not count for a move: the classes are there already, and a walk into a record whose
      // members differ in bit offsets only finds nothing.)
      const sig = signatureClasses(c, abis).classOf;
      const same = delta.every((d, i) => d === 0 && sig[first[i]!] === sig[first[0]!]);
      return same ? undefined : { record: c, ctx: delta };
    },
    lift(f, j, e) {
      const label = f.layouts[0]!.record.fields[j]!.name;
      return {
        path: label === undefined ? e.path : pathPrepend(label, e.path),
        offs: e.offs.map((o, i) => (o === ABSENT ? o : o + memberAt(f.layouts[i]!, j)!.offset)),
        sizes: e.sizes,
      };
    },
  };
}

/** The offset of a member a `when:` condition leaves out on that ABI. */
const ABSENT = -1;

/**
 * "'PATH' @OFFSET (SIZE B) on ABIS, … on ABIS; 'PATH' …", one place per layout class: built with one join, as a
 * struct lists up to MAX_MOVES_LISTED moves in as many classes as there are.
 */
function movesText(moves: readonly Move[], names: readonly string[]): string {
  const on = names.map((abis) => ` on ${abis}`);
  // Sized up front: a growing array would be copied as it grows.
  const parts = new Array<string>(moves.length * (3 + 3 * on.length));
  let p = 0;
  for (let k = 0; k < moves.length; k++) {
    const mv = moves[k]!;
    parts[p++] = k ? "; '" : "'";
    parts[p++] = pathText(mv.path);
    parts[p++] = "'";
    for (let c = 0; c < on.length; c++) {
      parts[p++] = c ? ", " : " ";
      parts[p++] = mv.offs[c] === ABSENT ? "absent" : `@${mv.offs[c]} (${mv.sizes[c]} B)`;
      parts[p++] = on[c]!;
    }
  }
  return parts.join("");
}

export const checkCompat: Check = (ctx) => {
  const abis = ctx.abis;
  const memo = new Map<RecordType, Map<string, FirstFound<Move>>>();
  return ctx.model.interfaces.flatMap((ifc) => {
    const report = reporter(ctx, ifc);
    const out = [];
    const using = commandsUsing(ifc);
    const records = recordsToCheck(ifc);
    for (const { record, name } of records.filter((x) => !x.record.inline)) {
      const classes = layoutClasses(record, abis);
      if (classes.reps.length <= 1) continue;
      const names = classes.ids.map((ids) => nameAbis(ids, abis));
      const found = firstEntries(
        record,
        classes.reps.map(() => 0),
        movesWalk(abis, classes),
        MAX_MOVES_LISTED,
        memo,
      );
      const listed = found.entries.length ? movesText(found.entries, names) : "";
      const more = found.more ? `and more (only the first ${MAX_MOVES_LISTED} are listed)` : "";
      const moves = listed && more ? `${listed}; ${more}` : listed || more;
      const sizes = names.map((abis, c) => `${classes.sizes[c]} on ${abis}`).join(", ");
      const cmds = using.get(record) ?? [];
      const needs = cmds.length
        ? `${cmds.join(", ")} need${cmds.length === 1 ? "s" : ""}`
        : "every command using it needs";
      out.push(
        report(
          "compat/layout",
          "error",
          record.path,
          name,
          `${name} has ${classes.reps.length} different layouts: size ${sizes}` +
            (moves ? `; members that move: ${moves}` : ""),
          classes.ids.slice(1).flat(),
          "make every ABI agree: fixed-width types (`type: __u32`, `type: __aligned_u64` for 64-bit members) " +
            "and explicit padding members (`padding: true`), as the padding/, align64/ and types/ findings " +
            `on it say; otherwise ${needs} a compat_ioctl translation`,
        ),
      );
    }
    for (const { record, name } of records) {
      for (const f of record.fields) out.push(...pointeeFinding(f, name, abis, report));
    }
    return out;
  });
};

function pointeeFinding(f: FieldModel, owner: string, abis: readonly AbiEntry[], report: ReturnType<typeof reporter>) {
  if (!f.pointee) return [];
  const t: CType = f.pointee;
  const groups =
    t.kind === "record"
      ? layoutClasses(t.record, abis).ids
      : [...groupAbis(abis, (abi) => layoutType(t, abi).size).values()];
  if (groups.length <= 1) return [];
  const text = groups.map((ids) => ({
    ids,
    text: `${
      layoutType(
        t,
        abis.find((a) => a.id === ids[0])!,
      ).size
    } B`,
  }));
  return [
    report(
      "compat/pointee",
      "warning",
      f.path,
      `${owner}.${f.name}`,
      `${owner}.${f.name} points to '${typeName(t)}', ` +
        `whose layout depends on the ABI: ${describeGroups(text, abis)} per element`,
      groups.slice(1).flat(),
      "point to an element struct with one layout on every ABI (`pointer: { to: struct NAME }` with " +
        "fixed-width members); or the kernel must read the array in the caller's layout " +
        "(in_compat_syscall(), e.g. compat_iovec)",
    ),
  ];
}

function describeGroups(groups: { ids: readonly AbiId[]; text: string }[], all: readonly AbiEntry[]): string {
  return groups.map((g) => `${g.text} on ${nameAbis(g.ids, all)}`).join(", ");
}
