/*
 * align64/offset, align64/size: every 8-byte scalar sits at a multiple of 8
 * on every ABI, and a struct holding one is a multiple of 8 long (kernel
 * ioctl.rst: "x86-32 aligns 64-bit members to 4"; botching-up-ioctls: "pad
 * the entire struct to a multiple of 64 bits").
 *
 * Members at every depth count, as flattenMembers lists them.  The walk is
 * memoised per (nested record, offset of its start modulo 8 on one ABI of
 * each layout class), so a struct holding another costs a lookup, not a
 * re-walk; at most MAX_LISTED misplaced members are listed per struct.
 */
import type { AbiEntry } from "../../spec/abi.js";
import { eachRecordInnermostFirst, layoutRecord, layoutSignature, layoutType, type RecordLayout } from "../layout.js";
import type { Diagnostic } from "../diagnostic.js";
import type { CType, FieldModel, RecordType } from "../model.js";
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
import { namesInTree, padMember } from "./padding.js";

/** The 8-aligned spelling of a 64-bit type the kernel has (linux/types.h), for the hint. */
const ALIGNED_64: Readonly<Record<string, string>> = {
  __u64: "__aligned_u64",
  __be64: "__aligned_be64",
  __le64: "__aligned_le64",
};

function alignHint(field: FieldModel): string {
  const type = typeof field.spec.type === "string" ? field.spec.type.trim() : undefined;
  const aligned = type !== undefined && Object.hasOwn(ALIGNED_64, type) ? ALIGNED_64[type] : undefined;
  return (
    (aligned
      ? `declare it \`type: ${aligned}\` (8-aligned on every ABI)`
      : "give the member `aligned: 8` (8-aligned on every ABI)") +
    ", or move it to a multiple of 8 with an explicit padding member before it " +
    "(`- { name: __pad0, type: __u32, padding: true }`)"
  );
}

/** A padding member name the struct (and the inline records in it) does not use yet. */
function freshPadName(record: RecordType): string {
  const taken = namesInTree(record);
  let n = 0;
  while (taken.has(`__pad${n}`)) n++;
  return `__pad${n}`;
}

const elementOf = (t: CType): CType => (t.kind === "array" ? elementOf(t.element) : t);

/** The offset of a member a `when:` condition leaves out on that ABI. */
const ABSENT = -1;

/** Misplaced 64-bit members listed per struct; a further finding says there are more. */
export const MAX_LISTED = 256;

interface Misplaced {
  path: PathNode;
  field: FieldModel;
  /** Offset from the start of the record walked, per representative ABI. */
  offs: Int32Array;
}

interface Frame {
  layouts: RecordLayout[];
  /** Where the record starts, modulo 8, per representative ABI. */
  rho: Uint8Array;
}

/** Equal on two ABIs exactly when every member at every depth has the same offset (and size and bit offset) on both. */
const signature = (r: RecordType, abi: AbiEntry) => `${layoutRecord(r, abi).size}|${layoutSignature(r, abi, true)}`;

export const checkAlign64: Check = (ctx) => {
  const abis = ctx.abis;
  const abi0 = abis[0]!;
  const byId = new Map(abis.map((a) => [a.id, a] as const));
  // A 64-bit member: not a bit-field, not a struct or pointer, 8 bytes on the first ABI (flattenMembers' entries).
  const is64 = (m: RecordLayout["members"][number]) => {
    if (m.bits !== undefined || m.field.name === undefined) return false;
    const el = elementOf(m.field.type);
    return el.kind !== "record" && el.kind !== "pointer" && layoutType(el, abi0).size === 8;
  };
  const nestedOf = (m: RecordLayout["members"][number]) =>
    m.nested && m.field.type.kind !== "array" ? m.nested.record : undefined;
  const holds = new Map<RecordType, boolean>();
  const holds64 = (r: RecordType) => {
    eachRecordInnermostFirst(
      r,
      (x) => holds.has(x),
      (x) => {
        // On any ABI: a member under `when:` may be there on some only.
        holds.set(
          x,
          (x.fields.some((f) => f.when) ? abis : [abi0]).some((abi) =>
            layoutRecord(x, abi).members.some(
              (m) => m.bits !== 0 && (is64(m) || (nestedOf(m) !== undefined && holds.get(nestedOf(m)!)!)),
            ),
          ),
        );
      },
    );
    return holds.get(r)!;
  };
  // The walk of one struct runs on one ABI of each layout class (ABIs whose layouts agree at every depth);
  // its context is where the record starts, modulo 8, on each of them.  Members go by field: a `when:` condition
  // may leave one out on some of them.
  const memo = new Map<RecordType, Map<string, FirstFound<Misplaced>>>();
  const at = (f: Frame, j: number) => f.layouts.map((l) => memberOf(l, l.record.fields[j]!));
  const walkOver = (reps: AbiEntry[]) => ({
    key: (rho: Uint8Array) => `${reps.map((a) => a.id).join(",")}|${rho.join("")}`,
    enter: (record: RecordType, rho: Uint8Array): Frame => ({ layouts: reps.map((a) => layoutRecord(record, a)), rho }),
    count: (f: Frame) => f.layouts[0]!.record.fields.length,
    own(f: Frame, j: number): Misplaced | undefined {
      const ms = at(f, j);
      const m = ms.find((x) => x !== undefined);
      if (!m || m.bits === 0 || !is64(m)) return undefined;
      if (!ms.some((x, i) => x && (f.rho[i]! + x.offset) % 8 !== 0)) return undefined;
      return {
        path: pathLeaf(m.field.name!),
        field: m.field,
        offs: Int32Array.from(ms, (x) => x?.offset ?? ABSENT),
      };
    },
    child(f: Frame, j: number) {
      const ms = at(f, j);
      const m = ms[0];
      const c = !m || m.bits === 0 || ms.some((x) => !x) ? undefined : nestedOf(m);
      if (!c || !holds64(c)) return undefined;
      return { record: c, ctx: Uint8Array.from(ms, (x, i) => (f.rho[i]! + x!.offset) % 8) };
    },
    lift(f: Frame, j: number, e: Misplaced): Misplaced {
      const ms = at(f, j);
      const label = ms[0]!.field.name;
      return {
        path: label === undefined ? e.path : pathPrepend(label, e.path),
        field: e.field,
        offs: e.offs.map((o, i) => (o === ABSENT ? o : o + ms[i]!.offset)),
      };
    },
  });

  return ctx.model.interfaces.flatMap((ifc) => {
    const report = reporter(ctx, ifc);
    return recordsToCheck(ifc)
      .filter(({ record }) => !record.inline)
      .flatMap(({ record, name }) => {
        const out: Diagnostic[] = [];
        if (!holds64(record)) return out;
        const classes = [...groupAbis(abis, (abi) => signature(record, abi)).values()];
        const reps = classes.map((ids) => byId.get(ids[0]!)!);
        const repOf = new Map<AbiEntry, number>();
        classes.forEach((ids, i) => ids.forEach((id) => repOf.set(byId.get(id)!, i)));
        const found = firstEntries(record, new Uint8Array(reps.length), walkOver(reps), MAX_LISTED, memo);
        for (const e of found.entries) {
          const member = pathText(e.path);
          const offsets = groupAbis(abis, (abi) => e.offs[repOf.get(abi)!]!);
          const bad = [...offsets].filter(([off]) => off !== ABSENT && off % 8 !== 0);
          const ids = bad.flatMap(([, g]) => g);
          out.push(
            report(
              "align64/offset",
              "error",
              e.field.path,
              `${name}.${member}`,
              `${name}: 64-bit member '${member}' is at ` +
                `${bad.map(([off, g]) => `offset ${off} on ${nameAbis(g, abis)}`).join("; ")}, not a multiple of 8`,
              ids,
              alignHint(e.field),
            ),
          );
        }
        if (found.more) {
          const ids = abis.filter((a) => out.some((d) => d.abis.includes(a.id))).map((a) => a.id);
          out.push(
            report(
              "align64/offset",
              "error",
              record.path,
              name,
              `${name}: more 64-bit members are off a multiple of 8 than the ${MAX_LISTED} listed`,
              ids,
              "fix the ones listed and check again; " +
                "pad nested structs to a multiple of 8 so their members stay aligned",
            ),
          );
        }
        const sizes = [...groupAbis(abis, (abi) => layoutRecord(record, abi).size)].filter(([size]) => size % 8 !== 0);
        if (sizes.length) {
          const [size, ids] = sizes[0]!;
          const pad = padMember(size, 8 - (size % 8), freshPadName(record)).field;
          out.push(
            report(
              "align64/size",
              "error",
              record.path,
              name,
              `${name} holds a 64-bit member but its size is ` +
                `${sizes.map(([s, g]) => `${s} on ${nameAbis(g, abis)}`).join("; ")}, not a multiple of 8`,
              sizes.flatMap(([, g]) => g),
              `give the struct \`aligned: 8\`, or end it with explicit padding so every ABI's size is a ` +
                `multiple of 8 (size ${size} on ${nameAbis(ids, abis)}: \`${pad}\` as the last member)`,
            ),
          );
        }
        return out;
      });
  });
};
