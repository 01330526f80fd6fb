/*
 * YAML (or JSON) text -> plain value, plus a way back from any path in that
 * value to the line and column it came from.  The `yaml` package keeps source
 * ranges on every node; we index them by path once.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import type { DocPath, Loc, SpecError } from "../core/diagnostic.js";

export interface ParsedSource {
  file: string;
  value: unknown;
  /** The position of the node at `path`, or of its nearest ancestor that has one. */
  locate(path: DocPath): Loc;
}

const key = (path: DocPath) => path.join("\u0000");

export function parseSource(file: string, text: string): { source?: ParsedSource; errors: SpecError[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, version: "1.2" });
  const at = (offset: number): Loc => {
    const p = lines.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    return {
      errors: problems.map((e) => ({
        loc: at(e.pos[0]),
        message: `YAML: ${e.message.split("\n")[0]}`,
        hint: e.code === "DUPLICATE_KEY" ? "remove or rename the repeated key" : "fix the YAML syntax at this position (indentation, quoting, or a missing ':')",
      })),
    };
  }
  const positions = new Map<string, number>();
  const walk = (node: Node | null | undefined, path: (string | number)[]) => {
    if (!node) return;
    if (node.range) positions.set(key(path), node.range[0]);
    if (isMap(node)) {
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const k = isScalar(item.key) ? String(item.key.value) : String(item.key);
        const childPath = [...path, k];
        // A property points at its key: that is where a reader looks.
        const keyNode = item.key as Node | null;
        if (keyNode && keyNode.range) positions.set(key(childPath), keyNode.range[0]);
        const v = item.value as Node | null;
        if (v && !isScalar(v)) walk(v, childPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item as Node, [...path, i]));
    }
  };
  walk(doc.contents as Node, []);
  const value = doc.toJS({ maxAliasCount: 100 });
  const locate = (path: DocPath): Loc => {
    for (let n = path.length; n >= 0; n--) {
      const offset = positions.get(key(path.slice(0, n)));
      if (offset !== undefined) return at(offset);
    }
    return { file, line: 1, col: 1 };
  };
  return { source: { file, value, locate }, errors: [] };
}
