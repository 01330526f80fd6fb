/*
 * The fast YAML reader (spec/yaml-fast.ts) against the `yaml` package: wherever the fast one answers, the value
 * and the line and column of every path must be the `yaml` package's.  Documents: every spec in the repository
 * and the imported kernel corpus, and random documents written by both YAML writers in every style.
 */
import test, { type ExecutionContext } from "ava";
import fc from "fast-check";
import jsyaml from "js-yaml";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import type { DocPath } from "../core/diagnostic.js";
import { specFilesBelow } from "../spec/load.js";
import { parseSource, parseSourceWithYamlPackage } from "../spec/source.js";
import { readPlainYaml } from "../spec/yaml-fast.js";

const REPO = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Every path of a value, and one that is not there below each collection. */
function pathsOf(value: unknown): DocPath[] {
  const out: DocPath[] = [[]];
  const work: { v: unknown; p: DocPath }[] = [{ v: value, p: [] }];
  while (work.length) {
    const { v, p } = work.pop()!;
    if (v === null || typeof v !== "object") continue;
    out.push([...p, "__not_there__"]);
    for (const [k, child] of Object.entries(v)) {
      const q = [...p, Array.isArray(v) ? Number(k) : k];
      out.push(q);
      work.push({ v: child, p: q });
    }
  }
  return out;
}

/** Whether the fast reader answered, and if so that it agreed with the `yaml` package everywhere. */
function agree(text: string): { answered: boolean; problem?: string } {
  const fast = readPlainYaml(text, 256);
  if (!fast) return { answered: false };
  const fastSource = parseSource("f.yaml", text).source!;
  const slow = parseSourceWithYamlPackage("f.yaml", text);
  if (!slow.source) return { answered: true, problem: `the yaml package refuses it: ${slow.errors[0]?.message}` };
  const a = JSON.stringify(fastSource.value);
  const b = JSON.stringify(slow.source.value);
  if (a !== b) return { answered: true, problem: `values differ: ${a} vs ${b}` };
  for (const p of pathsOf(slow.source.value)) {
    const x = fastSource.locate(p);
    const y = slow.source.locate(p);
    if (x.line !== y.line || x.col !== y.col)
      return { answered: true, problem: `${JSON.stringify(p)}: ${x.line}:${x.col} vs ${y.line}:${y.col}` };
  }
  return { answered: true };
}

test("every spec of the repository and of the imported corpus reads the same both ways", (t) => {
  const files = [
    ...specFilesBelow(path.join(REPO, "spec")),
    ...specFilesBelow(path.join(REPO, "property-tests", "fixtures")),
    ...specFilesBelow(path.join(REPO, "out", "corpus", "specs")),
  ];
  t.true(files.length > 20, "the documents are there");
  let answered = 0;
  for (const f of files) {
    const r = agree(readFileSync(f, "utf8"));
    if (r.problem) t.fail(`${path.relative(REPO, f)}: ${r.problem}`);
    if (r.answered) answered++;
  }
  // Most of them are plain documents: the fast path must be the common path, or it buys nothing.
  t.true(answered > files.length * 0.8, `${answered} of ${files.length} read by the fast path`);
});

const scalar = fc.oneof(
  fc.string(),
  fc.constantFrom("0407", "0x1F", "0o17", "1e3", ".5", "+12", "-0", "1_000", "0b11", "~", "null", "True", "yes", ""),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
);
const key = fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom("name", "type", "1", "true", "a b", "x:y"));
const doc = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small" }, scalar, tie("list"), tie("map")),
  list: fc.array(tie("node"), { maxLength: 4 }),
  map: fc.dictionary(key, tie("node"), { maxKeys: 4 }),
})).map;

const yamlStyle = fc.record({
  indent: fc.integer({ min: 1, max: 4 }),
  indentSeq: fc.boolean(),
  collectionStyle: fc.constantFrom("any", "block", "flow"),
  defaultStringType: fc.constantFrom("PLAIN", "QUOTE_DOUBLE", "QUOTE_SINGLE", "BLOCK_LITERAL", "BLOCK_FOLDED"),
  defaultKeyType: fc.constantFrom(null, "PLAIN", "QUOTE_DOUBLE"),
});

const RUNS = 600;

/** Every text of `texts` reads the same both ways, and the fast path answers for most of them. */
function agreeOnAll(t: ExecutionContext, texts: fc.Arbitrary<string>, seed: number): void {
  let answered = 0;
  fc.assert(
    fc.property(texts, (text) => {
      const r = agree(text);
      if (r.problem) throw new Error(`${r.problem}\n--- text:\n${text}`);
      if (r.answered) answered++;
    }),
    { numRuns: RUNS, seed },
  );
  t.true(answered > RUNS / 2, `the fast path answered ${answered} of ${RUNS}`);
}

test("random documents, as the yaml package writes them in every style, read the same both ways", (t) => {
  const texts = fc
    .tuple(doc, yamlStyle)
    .map(([value, style]) => stringify(value, undefined, style as NonNullable<Parameters<typeof stringify>[2]>));
  agreeOnAll(t, texts, 1212);
});

test("random documents, as js-yaml writes them, read the same both ways", (t) => {
  const texts = fc
    .tuple(doc, fc.integer({ min: -1, max: 3 }), fc.boolean())
    .map(([value, flowLevel, quote]) => jsyaml.dump(value, { flowLevel, forceQuotes: quote, noRefs: true }));
  agreeOnAll(t, texts, 1213);
});

/** Plain scalars as people write them: every core-schema form, and look-alikes that are strings. */
const RAW_SCALARS = [
  "0407",
  "0x1F",
  "0o17",
  "-12",
  "+12",
  "1e3",
  "1.5E-2",
  ".5",
  "5.",
  ".inf",
  "-.Inf",
  ".NaN",
  "0b11",
  "1_000",
  "~",
  "null",
  "NULL",
  "Null",
  "",
  "true",
  "False",
  "TRUE",
  "yes",
  "on",
  "__u32",
  "struct a",
  "'q'",
  '"d"',
  "a: b",
  "- x",
  "[1, 2]",
  "{a: 1}",
  "0x",
  "08",
  "-0o7",
  "1:2",
  "x # not a comment",
  "http://x",
];

/** A document written by hand: keys, raw scalars, nested lists, comments and blank lines where YAML allows them. */
const handWritten = fc
  .array(
    fc.tuple(
      fc.constantFrom("name", "type", "value", "doc", "n1"),
      fc.oneof(
        fc.constantFrom(...RAW_SCALARS).map((v) => ({ v })),
        fc.array(fc.constantFrom(...RAW_SCALARS), { minLength: 1, maxLength: 3 }).map((items) => ({ items })),
      ),
      fc.constantFrom("", "  # note", " #x"),
      fc.constantFrom("", "\n", "\n# comment\n"),
      fc.integer({ min: 0, max: 4 }),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((entries) => {
    const seen = new Set<string>();
    return entries
      .filter(([k]) => !seen.has(k) && seen.add(k))
      .map(([k, body, comment, gap, indent]) => {
        if ("v" in body) return `${k}: ${body.v}${body.v.includes("#") ? "" : comment}\n${gap}`;
        const pad = " ".repeat(indent);
        return `${k}:${comment}\n${body.items.map((i) => `${pad}- ${i}\n`).join("")}${gap}`;
      })
      .join("");
  });

test("hand-written documents with every scalar form, comments and blank lines read the same both ways", (t) => {
  agreeOnAll(t, handWritten, 1214);
});

test("what the fast path must leave to the yaml package, it leaves", (t) => {
  const declined = [
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "%YAML 1.2\n---\na: 1\n",
    "a: 1\n---\nb: 2\n",
    "a: 1\na: 2\n",
    "- \n- x\n",
    "",
  ];
  for (const text of declined) t.is(readPlainYaml(text, 256), undefined, JSON.stringify(text));
  // Nesting past the limit is the yaml package's to report.
  const deep = `${"[".repeat(300)}${"]".repeat(300)}\n`;
  t.is(readPlainYaml(deep, 256), undefined);
  t.regex(parseSource("deep.yaml", deep).errors[0]?.message ?? "", /nesting/);
});
