/*
 * padding/hole, padding/tail: no implicit padding on any ABI (kernel
 * botching-up-ioctls: "you must explicitly pad all structures").  The fix we
 * suggest is computed on a "natural" ABI where every scalar is aligned to its
 * own size: explicit fields that fill its holes leave no hole on any real
 * ABI, because every real alignment divides the natural one.
 */
import type { AbiEntry } from "../../spec/abi.js";
import type { AbiId } from "../../spec/abi.js";
import { layoutRecord, naturalAbi, type Hole } from "../layout.js";
import { packedOn } from "../abi-condition.js";
import type { FieldModel, RecordType } from "../model.js";
import { groupAbis, nameAbis, recordsToCheck, reporter, type Check } from "./context.js";

export interface PaddingFix {
  /** Insert after this member (undefined: at the start). */
  after?: string;
  /** Index in the natural layout's members of that member (-1: at the start). */
  afterIndex: number;
  offset: number;
  size: number;
  /** The C declaration to insert, e.g. "__u32 __pad0;". */
  decl: string;
  /** The same member as a spec field, e.g. "- { name: __pad0, type: __u32, padding: true }". */
  field: string;
  /** It goes at the end of the struct. */
  tail: boolean;
}

/** The widest fixed-width type that fills the gap at its own alignment; bytes otherwise. */
function padType(offset: number, size: number): { type: string; count?: number } {
  if (size === 8 && offset % 8 === 0) return { type: "__u64" };
  if (size === 4 && offset % 4 === 0) return { type: "__u32" };
  if (size === 2 && offset % 2 === 0) return { type: "__u16" };
  if (size === 1) return { type: "__u8" };
  return { type: "__u8", count: size };
}

export function padMember(offset: number, size: number, name: string): Pick<PaddingFix, "decl" | "field"> {
  const { type, count } = padType(offset, size);
  return {
    decl: `${type} ${name}${count === undefined ? "" : `[${count}]`};`,
    field: `- { name: ${name}, type: ${type}${count === undefined ? "" : `, array: ${count}`}, padding: true }`,
  };
}

/** Every member name in a record and the inline records inside it: anonymous members share C's namespace. */
export function namesInTree(record: RecordType): Set<string> {
  const names = new Set<string>();
  const walk = (r: RecordType) =>
    r.fields.forEach((f) => {
      if (f.name) names.add(f.name);
      if (f.type.kind === "record" && f.type.record.inline) walk(f.type.record);
    });
  walk(record);
  return names;
}

/**
 * The explicit padding fields that make `record` free of implicit padding on
 * every ABI in `abis`.  `taken` holds names already used in the enclosing
 * named struct, so new fields never clash with them.
 */
export function suggestPadding(
  record: RecordType,
  abis: readonly AbiEntry[],
  taken: Set<string> = namesInTree(record),
): PaddingFix[] {
  const natural = layoutRecord(record, naturalAbi(abis));
  const added = new Set<string>();
  let n = 0;
  const fresh = () => {
    while (taken.has(`__pad${n}`) || added.has(`__pad${n}`)) n++;
    added.add(`__pad${n}`);
    return `__pad${n}`;
  };
  const fixes: PaddingFix[] = natural.holes.map((h) => ({
    after: h.after,
    afterIndex: h.afterIndex,
    offset: h.offset,
    size: h.size,
    ...padMember(h.offset, h.size, fresh()),
    tail: false,
  }));
  if (natural.tail > 0 && record.kind === "struct") {
    const last = natural.members[natural.members.length - 1];
    const offset = natural.size - natural.tail;
    fixes.push({
      after: last?.field.name,
      afterIndex: natural.members.length - 1,
      offset,
      size: natural.tail,
      ...padMember(offset, natural.tail, fresh()),
      tail: true,
    });
  }
  return fixes;
}

export const checkPadding: Check = (ctx) =>
  ctx.model.interfaces.flatMap((ifc) => {
    const report = reporter(ctx, ifc);
    const treeNames = new Map<RecordType, Set<string>>();
    return recordsToCheck(ifc).flatMap(({ record, name, root }) => {
      // Packed on some ABIs only (`packed: {when}`): checked on the others.
      const abis = record.packedWhen ? ctx.abis.filter((abi) => !packedOn(record, abi)) : ctx.abis;
      if (record.packed || !abis.length) return [];
      const layouts = new Map(abis.map((abi) => [abi.id, layoutRecord(record, abi)] as const));
      let taken = treeNames.get(root);
      if (!taken) treeNames.set(root, (taken = namesInTree(root)));
      const fixes = suggestPadding(record, abis, taken);
      // The first fix after each member (and the tail fix), looked up per finding in constant time.
      const fixAfter = new Map<string | undefined, PaddingFix>();
      let tailFix: PaddingFix | undefined;
      for (const x of fixes) {
        if (x.tail) tailFix ??= x;
        else if (!fixAfter.has(x.after)) fixAfter.set(x.after, x);
      }
      const where = (x: PaddingFix) =>
        `\`${x.field}\` ${x.tail ? "as the last member" : x.after ? `after '${x.after}'` : "as the first member"}`;
      let allFixes: string | undefined;
      const fixText = (after: string | undefined, tail: boolean) => {
        const f = tail ? tailFix : fixAfter.get(after);
        return f
          ? `add ${where(f)} (C: \`${f.decl}\`, explicit padding the kernel checks is zero)`
          : `add explicit padding (the kernel checks it is zero): ${(allFixes ??= fixes.map(where).join(", "))}`;
      };
      const fieldIndex = new Map(record.fields.map((f, i) => [f, i] as const));
      const out = [];
      // One finding per hole (same place, same size, same neighbours) with every ABI that has it: grouping ABIs by
      // their whole set of holes would repeat a hole two groups share.
      const holes = new Map<string, { hole: Hole; before?: FieldModel; ids: AbiId[] }>();
      for (const abi of abis) {
        const l = layouts.get(abi.id)!;
        for (const h of l.holes) {
          // Fields, not member indices: a `when:` member absent on some ABIs shifts the indices.
          const after = l.members[h.afterIndex]?.field;
          const before = l.members[h.afterIndex + 1]?.field;
          const indexOf = (f: FieldModel | undefined) => (f ? fieldIndex.get(f) : -1);
          const key = `${h.offset}+${h.size}:${indexOf(after)}:${indexOf(before)}`;
          const seen = holes.get(key);
          if (seen) seen.ids.push(abi.id);
          else holes.set(key, { hole: h, before, ids: [abi.id] });
        }
      }
      for (const { hole: h, before, ids } of holes.values()) {
        out.push(
          report(
            "padding/hole",
            "error",
            before ? before.path : record.path,
            name,
            `${name}: ${h.size}-byte implicit hole at offset ${h.offset} ` +
              `between '${h.after ?? "<start>"}' and '${h.before}' on ${nameAbis(ids, ctx.abis)}`,
            ids,
            fixText(h.after, false),
          ),
        );
      }
      for (const [, ids] of groupAbis(abis, (abi) => `${layouts.get(abi.id)!.tail}@${layouts.get(abi.id)!.size}`)) {
        const l = layouts.get(ids[0]!)!;
        if (l.tail === 0) continue;
        out.push(
          report(
            "padding/tail",
            "error",
            record.path,
            name,
            `${name}: ${l.tail} byte${l.tail === 1 ? "" : "s"} of implicit tail padding ` +
              `(size ${l.size}, data ends at ${l.size - l.tail}) on ${nameAbis(ids, ctx.abis)}`,
            ids,
            fixText(undefined, true),
          ),
        );
      }
      return out;
    });
  });
