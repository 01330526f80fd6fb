/*
 * A bound on the straight-line code the codecs inline.  A codec writes every
 * member of a nested struct in place (no calls, as Ajv does), with the
 * member's whole path in its messages, so its text grows with members times
 * nesting depth: a chain of structs each holding the previous one grows with
 * the cube of its length.  Past the budget, `uapi generate` stops with a
 * located error instead of running for minutes.
 */
import { SpecInputError } from "../core/diagnostic.js";
import { childRecords, eachRecordInnermostFirst } from "../core/layout.js";
import type { RecordType, SpecModel } from "../core/model.js";

/*
 * Measured on 2 cores (bench/growth.ts shapes): each inlined member costs about 2 KB of codec text
 * over the ABI groups, each level of depth on it about 60 bytes more; a spec at either limit
 * generates in 10 to 20 s (a 20,000-member struct; a chain of about 65 structs).
 */
export const CODEC_MEMBER_BUDGET = 25_000;
export const CODEC_LEVEL_BUDGET = 500_000;

interface Cost {
  members: number;
  depth: number;
}

/**
 * Members (counting inlined ones) and depth of every record reachable from `roots`, innermost first,
 * without recursion.
 */
function costs(roots: readonly RecordType[]): Map<RecordType, Cost> {
  const done = new Map<RecordType, Cost>();
  for (const root of roots) {
    eachRecordInnermostFirst(
      root,
      (r) => done.has(r),
      (r) => {
        let members = r.fields.length;
        let depth = 1;
        for (const n of childRecords(r)) {
          const c = done.get(n)!;
          members += c.members;
          depth = Math.max(depth, c.depth + 1);
        }
        done.set(r, { members, depth });
      },
    );
  }
  return done;
}

/** Throws a located SpecInputError when the spec's codecs would exceed the budget. */
export function checkCodecBudget(model: SpecModel): void {
  const records = model.interfaces.flatMap((i) => i.records.filter((r) => r.tag && !r.inline && !r.external));
  const byRecord = costs(records);
  let members = 0;
  let levels = 0;
  let worst: { record: RecordType; levels: number } | undefined;
  for (const r of records) {
    const c = byRecord.get(r)!;
    members += c.members;
    levels += c.members * c.depth;
    if (!worst || c.members * c.depth > worst.levels) worst = { record: r, levels: c.members * c.depth };
  }
  if ((members <= CODEC_MEMBER_BUDGET && levels <= CODEC_LEVEL_BUDGET) || !worst) return;
  const c = byRecord.get(worst.record)!;
  const n = (x: number) => x.toLocaleString("en-US");
  throw new SpecInputError([
    {
      loc: model.locate(worst.record.path),
      message:
        `the codecs of this spec would inline ${n(members)} members (limit ${n(CODEC_MEMBER_BUDGET)}) ` +
        `at ${n(levels)} member-levels of nesting (limit ${n(CODEC_LEVEL_BUDGET)}); ` +
        `the largest is ${worst.record.kind} ${worst.record.tag}, ${n(c.members)} members ${c.depth} structs deep`,
      hint:
        "codecs write nested structs inline, so deep chains of structs held by value grow fast: " +
        "hold fewer levels by value (e.g. a __u64 user pointer), or split the spec",
    },
  ]);
}
