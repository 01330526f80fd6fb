/*
 * YAML (or JSON) text -> plain value, plus a way back from any path in that
 * value to the line and column it came from.  The `yaml` package keeps source
 * ranges on every node; we index them by path once.  Plain documents take a
 * faster reader that builds the same index (spec/yaml-fast.ts).
 */
import type { Node } from "yaml";
import type { DocPath, Loc, SpecError } from "../core/diagnostic.js";
import { readPlainYaml } from "./yaml-fast.js";
import { yamlPackage } from "./yaml-package.js";

export interface ParsedSource {
  file: string;
  value: unknown;
  /** The position of the node at `path`, or of its nearest ancestor that has one. */
  locate(path: DocPath): Loc;
}

const key = (path: DocPath) => path.join("\u0000");

/** How deep YAML collections may nest: a spec needs about 10 levels plus 3 per inline struct/union. */
export const MAX_YAML_DEPTH = 256;
/** How often one anchor's content may be copied by aliases (the `yaml` package's own resource limit). */
export const MAX_ALIAS_COUNT = 100;

export function parseSource(file: string, text: string): { source?: ParsedSource; errors: SpecError[] } {
  const fast = readPlainYaml(text, MAX_YAML_DEPTH);
  if (fast) return { source: { file, value: fast.value, locate: locator(file, text, fast.offsetOf) }, errors: [] };
  return parseSourceWithYamlPackage(file, text);
}

/** The `yaml` package's reading: every document the fast path declines, and the reference it is tested against. */
export function parseSourceWithYamlPackage(file: string, text: string): { source?: ParsedSource; errors: SpecError[] } {
  const { LineCounter, parseDocument } = yamlPackage();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, version: "1.2" });
  const at = (offset: number): Loc => {
    const p = lines.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    return {
      errors: problems.map((e) => {
        const first = e.message.split("\n")[0]!;
        if (/Maximum call stack size exceeded/.test(first)) {
          return {
            loc: at(e.pos[0]),
            message: `YAML: nesting too deep for the parser at this position`,
            hint:
              `a spec nests a few dozen levels at most (the limit is ${MAX_YAML_DEPTH}); ` +
              "check for runaway brackets, dashes or indentation",
          };
        }
        return {
          loc: at(e.pos[0]),
          message: `YAML: ${first}`,
          hint:
            e.code === "DUPLICATE_KEY"
              ? "remove or rename the repeated key"
              : "fix the YAML syntax at this position (indentation, quoting, or a missing ':')",
        };
      }),
    };
  }
  // Index every node's position by its path; iterative, so nesting depth costs no stack.
  const { isAlias, isMap, isPair, isScalar, isSeq } = yamlPackage();
  const positions = new Map<string, number>();
  let firstAlias: number | undefined;
  const stack: { node: Node; path: (string | number)[] }[] = [];
  if (doc.contents) stack.push({ node: doc.contents as Node, path: [] });
  while (stack.length) {
    const { node, path } = stack.pop()!;
    if (node.range) positions.set(key(path), node.range[0]);
    if (isAlias(node) && node.range && (firstAlias === undefined || node.range[0] < firstAlias))
      firstAlias = node.range[0];
    if (path.length >= MAX_YAML_DEPTH && (isMap(node) || isSeq(node)) && node.items.length) {
      return {
        errors: [
          {
            loc: at(node.range?.[0] ?? 0),
            message: `YAML: nesting deeper than ${MAX_YAML_DEPTH} levels`,
            hint: "a spec nests a few dozen levels at most: flatten the inline structs/unions into named structs",
          },
        ],
      };
    }
    if (isMap(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const item = node.items[i];
        if (!isPair(item)) continue;
        const k = isScalar(item.key) ? String(item.key.value) : String(item.key);
        const childPath = [...path, k];
        // A property points at its key: that is where a reader looks.
        const keyNode = item.key as Node | null;
        const v = item.value as Node | null;
        // Set now: the value, walked later, overrides it (a nested collection points at its own start).
        if (keyNode && keyNode.range) positions.set(key(childPath), keyNode.range[0]);
        if (v && !isScalar(v)) stack.push({ node: v, path: childPath });
      }
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--)
        if (node.items[i]) stack.push({ node: node.items[i] as Node, path: [...path, i] });
    }
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (!/alias/i.test((e as Error).message)) throw e;
    return {
      errors: [
        {
          loc: at(firstAlias ?? 0),
          message:
            "YAML: aliases expand to too many copies " +
            `(${(e as Error).message}; at most ${MAX_ALIAS_COUNT} per anchor)`,
          hint: "write the repeated content out, or use fewer aliases of aliases; specs need no anchors",
        },
      ],
    };
  }
  return { source: { file, value, locate: locator(file, text, (p) => positions.get(key(p))) }, errors: [] };
}

/** locate() over a node's offset by path, with line starts found once, on the first call. */
function locator(file: string, text: string, offsetOf: (path: DocPath) => number | undefined): (path: DocPath) => Loc {
  let starts: number[] | undefined;
  const at = (offset: number): Loc => {
    starts ??= [0, ...Array.from(text.matchAll(/\n/g), (m) => m.index + 1)];
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, col: offset - starts[lo]! + 1 };
  };
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const offset = offsetOf(path.slice(0, n));
      if (offset !== undefined) return at(offset);
    }
    return { file, line: 1, col: 1 };
  };
}
