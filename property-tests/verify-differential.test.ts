/*
 * Differential property test: random structs from the spec language (nested
 * structs and unions, arrays, every scalar type, aligned, packed,
 * bit-fields) laid out by the engine and by real compilers -- @yowasp/clang
 * and the system GCCs -- on every ABI that has one.  Size, alignment, every
 * member offset and every bit-field's bit offset and width must agree.
 *
 * Batched: VERIFY_RUNS documents (default 150, each 1-3 structs) are drawn
 * once and verified with one probe per ABI and compiler.  When an ABI
 * disagrees, fast-check replays the first failing document (same seed, its
 * path) and shrinks it with one small probe per step, and the minimal
 * counterexample is printed as a spec snippet.
 *
 * The long run (verify/README.md; the batch reports nothing until it is done, so ava's default 5-minute inactivity
 * timeout is too short):
 *   VERIFY_RUNS=10000 npx ava --timeout=60m dist/property-tests/verify-differential.test.js
 * Replay a reported seed:
 *   VERIFY_SEED=1234 ...
 */
import test from "ava";
import fc from "fast-check";
import type { AbiEntry } from "../spec/abi.js";
import type { SpecDocument } from "../spec/types.js";
import { verifyLayouts, type AbiVerdict } from "../verify/verify.js";
import { describeMismatch } from "../cli/commands/verify.js";
import { arbVerifyDoc, docToYaml, unitsOfDoc } from "./verify-arbitrary.js";
import { judges } from "./verify-helpers.js";

const RUNS = Number(process.env.VERIFY_RUNS ?? 150);
const SEED = Number(process.env.VERIFY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const arb = arbVerifyDoc();

// Exactly the values fast-check's runner draws for runs 0..RUNS-1 with this seed, so run i replays with `path: i`.
const docs: SpecDocument[] = [];
fc.assert(
  fc.property(arb, (d) => void docs.push(d)),
  { seed: SEED, numRuns: RUNS },
);
const batch = docs.flatMap((d, i) => unitsOfDoc(d, i));
const structCount = batch.reduce((n, u) => n + u.records.length, 0);
const docOf = (label: string) => Number(/^random #(\d+):/.exec(label)![1]);

const all = judges();
const checkable = all.filter((j) => j.compilers.length);
let verdicts: Promise<Map<string, AbiVerdict>> | undefined;
const verdictFor = async (abi: AbiEntry) => {
  verdicts ??= (async () => {
    const started = performance.now();
    const vs = await verifyLayouts(
      batch,
      checkable.map((j) => j.abi),
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `verify-differential: ${docs.length} documents, ${structCount} structs x ${checkable.length} ABIs` +
        ` in ${seconds} s (seed ${SEED})`,
    );
    return new Map(vs.map((v) => [v.abi, v]));
  })();
  return (await verdicts).get(abi.id)!;
};

/** Shrink a failing document on one ABI; returns the minimal document and its verdict. */
async function shrink(
  abi: AbiEntry,
  index: number,
): Promise<{ doc: SpecDocument; verdict?: AbiVerdict; replayed: boolean }> {
  const holds = async (doc: SpecDocument) => {
    const [v] = await verifyLayouts(unitsOfDoc(doc, 0), [abi]);
    return v!.status !== "mismatch" && v!.status !== "error";
  };
  let first: SpecDocument | undefined;
  const result = await fc.check(
    fc.asyncProperty(arb, async (d) => ((first ??= d), holds(d))),
    { seed: SEED, path: String(index), numRuns: RUNS },
  );
  const replayed = first !== undefined && JSON.stringify(first) === JSON.stringify(docs[index]);
  if (!replayed || !result.failed || !result.counterexample) return { doc: docs[index]!, replayed: false };
  const doc = result.counterexample[0];
  const [verdict] = await verifyLayouts(unitsOfDoc(doc, 0), [abi]);
  return { doc, verdict, replayed };
}

test("the random batch covers the spec language's features", (t) => {
  const text = JSON.stringify(docs);
  for (const feature of [
    '"bits":',
    '"kind":"union"',
    '"packed":true',
    '"aligned":',
    '"array":',
    '"type":{"kind"',
    "long double",
    "_Bool",
    // The language additions (verify-arbitrary.ts extendField).
    '"when":',
    '"packed":{"when"',
    '"aligned":{"value"',
    '"array":0',
    '"array":[',
    "sizeof(",
    '"type":"const ',
    "struct nowhere *",
  ]) {
    t.true(text.includes(feature), `no document uses ${feature} (VERIFY_RUNS=${RUNS} too small?)`);
  }
  t.log(`${docs.length} documents, ${structCount} structs, seed ${SEED}`);
});

for (const j of all) {
  if (!j.compilers.length) {
    test.skip(`differential ${j.abi.id}: not verifiable here -- ${j.why}`, () => {});
    continue;
  }
  test(`differential ${j.abi.id}: engine == ${j.compilers.join(" + ")} on ${RUNS} random documents`, async (t) => {
    const v = await verdictFor(j.abi);
    for (const r of v.runs) {
      const skipped = r.skipped.length ? `, ${r.skipped.length} skipped (${r.skipped[0]!.reason})` : "";
      t.log(`${r.compiler}: ${r.records} structs, ${r.facts} facts, ${(r.ms / 1000).toFixed(2)} s${skipped}`);
    }
    if (v.status === "error") return t.fail(v.reason);
    if (v.status === "mismatch") {
      const first = v.runs.flatMap((r) => r.mismatches)[0]!;
      const { doc, verdict, replayed } = await shrink(j.abi, docOf(first.record));
      const shown = (verdict ?? v).runs
        .flatMap((r) => r.mismatches)
        .slice(0, 8)
        .map(describeMismatch);
      const example = replayed ? "minimal counterexample" : "counterexample (not shrunk: replay differed)";
      return t.fail(
        `engine and compiler disagree on ${j.abi.id} (seed ${SEED}); ${example}:\n` +
          `${shown.join("\n")}\n--- spec snippet ---\n${docToYaml(doc)}`,
      );
    }
    t.is(v.status, "verified", v.reason);
    t.true(v.runs.every((r) => r.records > 0 && r.facts >= 2 * r.records));
  });
}
