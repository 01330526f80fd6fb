/*
 * The editor's text helpers: where a problem the page reports at a 1-based line and column is underlined
 * (web/page/problem-range.ts: the token there, clamped into the text whatever the position), and the
 * indentation a new line takes after a line of block YAML (web/yaml-indent.ts), against the bundled specs.
 */
import test from "ava";
import { Text } from "@codemirror/state";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Node as YamlNode } from "yaml";
import { exampleSpecFiles } from "../spec/load.js";
import { problemRange } from "../web/page/problem-range.js";
import { indentAfter } from "../web/yaml-indent.js";

const doc = (s: string) => Text.of(s.split("\n"));
const marked = (s: string, line: number, col: number) => {
  const { from, to } = problemRange(doc(s), line, col);
  return s.slice(from, to);
};

test("the underline covers the token at the position", (t) => {
  const text = 'name: bus1\n    type: __u33  # comment\n  - dir: "read write"\nflow: { a: in, b: out }\n';
  t.is(marked(text, 1, 1), "name");
  t.is(marked(text, 2, 11), "__u33");
  t.is(marked(text, 2, 5), "type");
  t.is(marked(text, 3, 10), '"read write"');
  t.is(marked(text, 4, 9), "a");
  t.is(marked(text, 4, 19), "out");
  // At a blank: to the end of the line's text.
  t.is(marked(text, 2, 1), "    type: __u33  # comment");
});

test("a position at the end of a line or of the text is a point there", (t) => {
  t.deepEqual(problemRange(doc("ab\ncd"), 1, 3), { from: 2, to: 2 });
  t.deepEqual(problemRange(doc("ab\ncd"), 2, 3), { from: 5, to: 5 });
  t.deepEqual(problemRange(doc(""), 1, 1), { from: 0, to: 0 });
});

test("lines and columns outside the text are clamped into it", (t) => {
  t.deepEqual(problemRange(doc("ab\ncd"), 0, 0), { from: 0, to: 2 });
  t.deepEqual(problemRange(doc("ab\ncd"), 99, 1), { from: 3, to: 5 });
  t.deepEqual(problemRange(doc("ab\ncd"), 1, 99), { from: 2, to: 2 });
  t.deepEqual(problemRange(doc("ab\ncd"), Number.NaN, -4), { from: 0, to: 2 });
});

test("any line and column give a range inside the line they clamp to, starting at the clamped column", (t) => {
  fc.assert(
    fc.property(fc.string(), fc.integer({ min: -5, max: 50 }), fc.integer({ min: -5, max: 200 }), (s, line, col) => {
      const d = doc(s);
      const { from, to } = problemRange(d, line, col);
      const l = d.line(Math.min(Math.max(line, 1), d.lines));
      const expectedFrom = l.from + Math.min(Math.max(col, 1) - 1, l.length);
      if (from !== expectedFrom || to < from || to > l.to) throw new Error(`${from}..${to} in ${l.from}..${l.to}`);
    }),
    { includeErrorInReport: true },
  );
  t.pass();
});

test("a new line goes below `key:` and a block scalar, to the keys of `- key: v`, to a scalar item's `- `", (t) => {
  t.is(indentAfter("interfaces:"), 2);
  t.is(indentAfter("    structs:  # the records"), 6);
  t.is(indentAfter("  - name: a"), 4);
  t.is(indentAfter("  - - name: a"), 6);
  t.is(indentAfter("      - &anchor"), 8);
  t.is(indentAfter("  -"), 4);
  t.is(indentAfter("    - x86_64"), 4);
  t.is(indentAfter("  doc: >-"), 4);
  t.is(indentAfter("  - doc: |"), 6);
  t.is(indentAfter("interfaces:", 4), 4);
  // Nothing to say: the line above's indentation is kept.
  for (const line of ["  name: a", "", "   # comment", "  plain text", "  flow: { a: in }"])
    t.is(indentAfter(line), undefined, line);
});

test("in the bundled specs, a key's block value starts where the line after the key is indented", (t) => {
  let checked = 0;
  for (const file of exampleSpecFiles()) {
    const text = readFileSync(file, "utf8");
    const lines = text.split("\n");
    const counter = new LineCounter();
    visit(parseDocument(text, { lineCounter: counter }), {
      Pair(_, pair) {
        const key = pair.key as YamlNode | null;
        const value = pair.value as YamlNode | null;
        if (!key?.range || !value?.range) return;
        const keyLine = counter.linePos(key.range[0]).line;
        let expected: number;
        if ((isMap(value) || isSeq(value)) && !value.flow) {
          const start = counter.linePos(value.range[0]);
          if (start.line === keyLine) return; // `- - a` or a compact item: not below the key
          expected = start.col - 1;
        } else if (isScalar(value) && (value.type === "BLOCK_FOLDED" || value.type === "BLOCK_LITERAL")) {
          const first = lines[keyLine]!;
          expected = first.length - first.trimStart().length;
        } else {
          return;
        }
        checked++;
        const line = lines[keyLine - 1]!;
        if (indentAfter(line) !== expected)
          t.fail(`${file}:${keyLine}: ${line} -> ${indentAfter(line)}, not ${expected}`);
      },
    });
  }
  t.true(checked > 400, `${checked} keys`);
});
