/*
 * compat/layout: one layout on every ABI, or the driver needs a compat_ioctl
 * translation.  compat/pointee: a user pointer to an ABI-dependent element
 * type (bus1's ptr_vecs -> struct iovec) needs in_compat_syscall() handling.
 */
import type { AbiEntry, AbiId } from "../../spec/abi.js";
import { layoutRecord, layoutSignature, layoutType, type RecordLayout } from "../layout.js";
import { typeName, type CType, type FieldModel, type InterfaceModel, type RecordType } from "../model.js";
import {
  firstEntries,
  groupAbis,
  memberOf,
  nameAbis,
  pathLeaf,
  pathPrepend,
  pathText,
  recordsToCheck,
  reporter,
  type Check,
  type FirstFound,
  type PathNode,
} from "./context.js";

/**
 * Equal on two ABIs exactly when the record's size and every member's offset, size and bit offset agree
 * (no flattening: memoised per nested record).
 */
const signature = (r: RecordType, abi: AbiEntry) => `${layoutRecord(r, abi).size}|${layoutSignature(r, abi, true)}`;

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
  offs: Int32Array;
  sizes: Int32Array;
}

interface MoveFrame {
  reps: AbiEntry[];
  layouts: RecordLayout[];
  /** Where this record starts on each representative ABI, relative to the first. */
  delta: Int32Array;
}

/**
 * The members whose offset or size differs between the representative ABIs, at every depth,
 * first MAX_MOVES_LISTED of them.
 */
function movesWalk(memoKey: string) {
  const at = (f: MoveFrame, j: number) => f.layouts.map((l) => memberOf(l, l.record.fields[j]!));
  return {
    key: (c: { reps: AbiEntry[]; delta: Int32Array }) => `${memoKey}|${c.delta.join(",")}`,
    enter: (record: RecordType, c: { reps: AbiEntry[]; delta: Int32Array }): MoveFrame => ({
      reps: c.reps,
      layouts: c.reps.map((a) => layoutRecord(record, a)),
      delta: c.delta,
    }),
    count: (f: MoveFrame) => f.layouts[0]!.record.fields.length,
    own(f: MoveFrame, j: number): Move | undefined {
      const field = f.layouts[0]!.record.fields[j]!;
      const ms = at(f, j);
      if (field.bits === 0 || (field.name === undefined && field.bits === undefined)) return undefined;
      // A member under `when:` that some ABIs leave out moves too: it is there, then it is not.
      const place = (i: number) => (ms[i] ? `${f.delta[i]! + ms[i].offset}+${ms[i].size}` : "absent");
      if (ms.every((_, i) => place(i) === place(0))) return undefined;
      return {
        path: pathLeaf(field.name ?? "<unnamed bit-field>"),
        offs: Int32Array.from(ms, (m) => m?.offset ?? ABSENT),
        sizes: Int32Array.from(ms, (m) => m?.size ?? 0),
      };
    },
    child(f: MoveFrame, j: number) {
      const ms = at(f, j);
      const m = ms[0];
      if (!m || ms.some((x) => !x) || m.bits === 0 || !m.nested || m.field.type.kind === "array") return undefined;
      const c = m.nested.record;
      const delta = Int32Array.from(ms, (x, i) => f.delta[i]! + x!.offset - m.offset);
      // Laid out alike and placed alike on every representative: nothing inside moves.
      const same = f.reps.every(
        (a, i) => delta[i] === 0 && layoutSignature(c, a, false) === layoutSignature(c, f.reps[0]!, false),
      );
      return same ? undefined : { record: c, ctx: { reps: f.reps, delta } };
    },
    lift(f: MoveFrame, j: number, e: Move): Move {
      const ms = at(f, j);
      const label = ms[0]!.field.name;
      return {
        path: label === undefined ? e.path : pathPrepend(label, e.path),
        offs: e.offs.map((o, i) => (o === ABSENT ? o : o + ms[i]!.offset)),
        sizes: e.sizes,
      };
    },
  };
}

/** The offset of a member a `when:` condition leaves out on that ABI. */
const ABSENT = -1;

export const checkCompat: Check = (ctx) => {
  const memo = new Map<RecordType, Map<string, FirstFound<Move>>>();
  return ctx.model.interfaces.flatMap((ifc) => {
    const report = reporter(ctx, ifc);
    const out = [];
    const using = commandsUsing(ifc);
    for (const { record, name } of recordsToCheck(ifc).filter((x) => !x.record.inline)) {
      const groups = groupAbis(ctx.abis, (abi) => signature(record, abi));
      if (groups.size <= 1) continue;
      const reps = [...groups.values()].map((ids) => ({ ids, abi: ctx.abis.find((a) => a.id === ids[0])! }));
      const repAbis = reps.map((r) => r.abi);
      const found = firstEntries(
        record,
        { reps: repAbis, delta: new Int32Array(reps.length) },
        movesWalk(repAbis.map((a) => a.id).join(",")),
        MAX_MOVES_LISTED,
        memo,
      );
      const moves = found.entries.map(
        (mv) =>
          `'${pathText(mv.path)}' ${describeGroups(
            reps.map((r, i) => ({
              ids: r.ids,
              text: mv.offs[i] === ABSENT ? "absent" : `@${mv.offs[i]} (${mv.sizes[i]} B)`,
            })),
            ctx.abis,
          )}`,
      );
      if (found.more) moves.push(`and more (only the first ${MAX_MOVES_LISTED} are listed)`);
      const sizes = describeGroups(
        reps.map((r) => ({ ids: r.ids, text: `${layoutRecord(record, r.abi).size}` })),
        ctx.abis,
      );
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
          `${name} has ${groups.size} different layouts: size ${sizes}` +
            (moves.length ? `; members that move: ${moves.join("; ")}` : ""),
          reps.slice(1).flatMap((r) => r.ids),
          "make every ABI agree: fixed-width types (`type: __u32`, `type: __aligned_u64` for 64-bit members) " +
            "and explicit padding members (`padding: true`), as the padding/, align64/ and types/ findings " +
            `on it say; otherwise ${needs} a compat_ioctl translation`,
        ),
      );
    }
    for (const { record, name } of recordsToCheck(ifc)) {
      for (const f of record.fields) out.push(...pointeeFinding(f, name, ctx.abis, report));
    }
    return out;
  });
};

function pointeeFinding(f: FieldModel, owner: string, abis: readonly AbiEntry[], report: ReturnType<typeof reporter>) {
  if (!f.pointee) return [];
  const t: CType = f.pointee;
  const groups = groupAbis(abis, (abi) =>
    t.kind === "record" ? signature(t.record, abi) : `${layoutType(t, abi).size}`,
  );
  if (groups.size <= 1) return [];
  const text = [...groups.values()].map((ids) => ({
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
      [...groups.values()].slice(1).flat() as AbiId[],
      "point to an element struct with one layout on every ABI (`pointer: { to: struct NAME }` with " +
        "fixed-width members); or the kernel must read the array in the caller's layout " +
        "(in_compat_syscall(), e.g. compat_iovec)",
    ),
  ];
}

function describeGroups(groups: { ids: readonly AbiId[]; text: string }[], all: readonly AbiEntry[]): string {
  return groups.map((g) => `${g.text} on ${nameAbis(g.ids, all)}`).join(", ");
}
