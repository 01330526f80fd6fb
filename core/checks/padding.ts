/*
 * padding/hole, padding/tail: no implicit padding on any ABI (kernel
 * botching-up-ioctls: "you must explicitly pad all structures").  The fix we
 * suggest is computed on a "natural" ABI where every scalar is aligned to its
 * own size: explicit fields that fill its holes leave no hole on any real
 * ABI, because every real alignment divides the natural one.
 */
import type { AbiEntry } from "../../spec/abi.js";
import { layoutRecord, naturalAbi, type RecordLayout } from "../layout.js";
import { packedOn } from "../abi-condition.js";
import type { RecordType } from "../model.js";
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
  /** It goes at the end of the struct. */
  tail: boolean;
}

function padDecl(offset: number, size: number, name: string): string {
  if (size === 8 && offset % 8 === 0) return `__u64 ${name};`;
  if (size === 4 && offset % 4 === 0) return `__u32 ${name};`;
  if (size === 2 && offset % 2 === 0) return `__u16 ${name};`;
  if (size === 1) return `__u8 ${name};`;
  return `__u8 ${name}[${size}];`;
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
    decl: padDecl(h.offset, h.size, fresh()),
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
      decl: padDecl(offset, natural.tail, fresh()),
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
        `'${x.decl}' ${x.tail ? "at the end" : x.after ? `after '${x.after}'` : "at the start"}`;
      let allFixes: string | undefined;
      const fixText = (after: string | undefined, tail: boolean) => {
        const f = tail ? tailFix : fixAfter.get(after);
        return f
          ? `insert ${where(f)} (explicit padding, must be zero)`
          : `insert explicit padding: ${(allFixes ??= fixes.map(where).join(", "))}`;
      };
      const fieldIndex = new Map<string, number>();
      record.fields.forEach((f, i) => {
        if (f.name !== undefined && !fieldIndex.has(f.name)) fieldIndex.set(f.name, i);
      });
      const out = [];
      const holeKey = (l: RecordLayout) => l.holes.map((h) => `${h.offset}+${h.size}:${h.after}`).join(",");
      for (const [key, ids] of groupAbis(abis, (abi) => holeKey(layouts.get(abi.id)!))) {
        if (!key) continue;
        for (const h of layouts.get(ids[0]!)!.holes) {
          const memberPath = h.before === undefined ? -1 : (fieldIndex.get(h.before) ?? -1);
          out.push(
            report(
              "padding/hole",
              "error",
              memberPath >= 0 ? record.fields[memberPath]!.path : record.path,
              name,
              `${name}: ${h.size}-byte implicit hole at offset ${h.offset} ` +
                `between '${h.after ?? "<start>"}' and '${h.before}' on ${nameAbis(ids, ctx.abis)}`,
              ids,
              fixText(h.after, false),
            ),
          );
        }
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
