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
import { eachRecordInnermostFirst, layoutRecord, layoutType, type RecordLayout } from "../layout.js";
import type { Diagnostic } from "../diagnostic.js";
import type { CType, FieldModel, RecordType } from "../model.js";
import { groupClasses, layoutClasses, layoutsOn, type LayoutClasses } from "../layout-classes.js";
import {
  firstEntries,
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
import { namesInTree, padMember } from "./padding.js";

/** The 8-aligned spelling of a 64-bit type the kernel has (linux/types.h), for the hint. */
const ALIGNED_64: Readonly<Record<string, string>> = {
  __u64: "__aligned_u64",
  __be64: "__aligned_be64",
  __le64: "__aligned_le64",
};

/** One hint string per spelling, however many findings share it: the findings live as long as the run. */
const hints = new Map<string | undefined, string>();

function alignHint(field: FieldModel): string {
  const type = typeof field.spec.type === "string" ? field.spec.type.trim() : undefined;
  const aligned = type !== undefined && Object.hasOwn(ALIGNED_64, type) ? ALIGNED_64[type] : undefined;
  const hit = hints.get(aligned);
  if (hit !== undefined) return hit;
  const hint =
    (aligned
      ? `declare it \`type: ${aligned}\` (8-aligned on every ABI)`
      : "give the member `aligned: 8` (8-aligned on every ABI)") +
    ", or move it to a multiple of 8 with an explicit padding member before it " +
    "(`- { name: __pad0, type: __u32, padding: true }`)";
  hints.set(aligned, hint);
  return hint;
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
  offs: number[];
}

interface Frame {
  layouts: RecordLayout[];
  /** Where the record starts, modulo 8, per representative ABI. */
  rho: number[];
}

export const checkAlign64: Check = (ctx) => {
  const abis = ctx.abis;
  const abi0 = abis[0]!;
  // A 64-bit member: not a bit-field, not a struct or pointer, 8 bytes on the first ABI (flattenMembers' entries).
  // All of that is the field's, so it is worked out once per field.
  const wide = new Map<FieldModel, boolean>();
  const is64 = (f: FieldModel) => {
    const hit = wide.get(f);
    if (hit !== undefined) return hit;
    const el = elementOf(f.type);
    const w =
      f.bits === undefined &&
      f.name !== undefined &&
      el.kind !== "record" &&
      el.kind !== "pointer" &&
      layoutType(el, abi0).size === 8;
    wide.set(f, w);
    return w;
  };
  // The record a field holds by value (not in an array) to walk into, as the layout's `nested` gives it.
  const nestedOf = (f: FieldModel) => (f.bits === undefined && f.type.kind === "record" ? f.type.record : undefined);
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
            layoutRecord(x, abi).members.some((m) => {
              const c = nestedOf(m.field);
              return is64(m.field) || (c !== undefined && holds.get(c)!);
            }),
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
  const walkOver = ({ reps, first }: LayoutClasses): FirstWalk<number[], Frame, Misplaced> => {
    // Memo keys name the representatives too: the walks of structs with other layout classes share the memo.
    const prefix = `${reps.map((a) => a.id).join(",")}|`;
    const n = reps.length;
    return {
      key: (rho) => prefix + rho.join(""),
      enter(record, rho) {
        const all = layoutsOn(record, abis);
        return { layouts: first.map((i) => all[i]!), rho };
      },
      count: (f) => f.layouts[0]!.record.fields.length,
      own(f, j) {
        const field = f.layouts[0]!.record.fields[j]!;
        if (!is64(field)) return undefined;
        let off = false;
        for (let i = 0; i < n && !off; i++) {
          const m = memberAt(f.layouts[i]!, j);
          off = m !== undefined && (f.rho[i]! + m.offset) % 8 !== 0;
        }
        if (!off) return undefined;
        const offs = new Array<number>(n);
        for (let i = 0; i < n; i++) offs[i] = memberAt(f.layouts[i]!, j)?.offset ?? ABSENT;
        return { path: pathLeaf(field.name!), field, offs };
      },
      child(f, j) {
        const c = nestedOf(f.layouts[0]!.record.fields[j]!);
        if (!c || !holds64(c)) return undefined;
        const rho = new Array<number>(n);
        for (let i = 0; i < n; i++) {
          const m = memberAt(f.layouts[i]!, j);
          if (!m) return undefined;
          rho[i] = (f.rho[i]! + m.offset) % 8;
        }
        return { record: c, ctx: rho };
      },
      lift(f, j, e) {
        const label = f.layouts[0]!.record.fields[j]!.name;
        return {
          path: label === undefined ? e.path : pathPrepend(label, e.path),
          field: e.field,
          offs: e.offs.map((o, i) => (o === ABSENT ? o : o + memberAt(f.layouts[i]!, j)!.offset)),
        };
      },
    };
  };

  return ctx.model.interfaces.flatMap((ifc) => {
    const report = reporter(ctx, ifc);
    return recordsToCheck(ifc)
      .filter(({ record }) => !record.inline)
      .flatMap(({ record, name }) => {
        const out: Diagnostic[] = [];
        if (!holds64(record)) return out;
        const classes = layoutClasses(record, abis);
        const found = firstEntries(
          record,
          classes.reps.map(() => 0),
          walkOver(classes),
          MAX_LISTED,
          memo,
        );
        for (const e of found.entries) {
          const member = pathText(e.path);
          const bad = groupClasses(abis, classes, (c) => e.offs[c]!).filter((g) => g.key !== ABSENT && g.key % 8 !== 0);
          const ids = bad.flatMap((g) => g.ids);
          out.push(
            report(
              "align64/offset",
              "error",
              e.field.path,
              `${name}.${member}`,
              `${name}: 64-bit member '${member}' is at ` +
                `${bad.map((g) => `offset ${g.key} on ${nameAbis(g.ids, abis)}`).join("; ")}, not a multiple of 8`,
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
        const sizes = groupClasses(abis, classes, (c) => classes.sizes[c]!).filter((g) => g.key % 8 !== 0);
        if (sizes.length) {
          const { key: size, ids } = sizes[0]!;
          const pad = padMember(size, 8 - (size % 8), freshPadName(record)).field;
          out.push(
            report(
              "align64/size",
              "error",
              record.path,
              name,
              `${name} holds a 64-bit member but its size is ` +
                `${sizes.map((g) => `${g.key} on ${nameAbis(g.ids, abis)}`).join("; ")}, not a multiple of 8`,
              sizes.flatMap((g) => g.ids),
              `give the struct \`aligned: 8\`, or end it with explicit padding so every ABI's size is a ` +
                `multiple of 8 (size ${size} on ${nameAbis(ids, abis)}: \`${pad}\` as the last member)`,
            ),
          );
        }
        return out;
      });
  });
};
