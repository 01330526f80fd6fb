/*
 * Positions in clang's JSON AST.  The dump writes a source location's file
 * and line only when they differ from the location written before it
 * (clang/lib/AST/JSONNodeDumper.cpp, writeBareSourceLocation), so a node's
 * position is only known by replaying every location in the order clang
 * printed them.  JSON.parse keeps that order, so one walk over the parsed
 * tree gives every node its full position.
 */

export interface AstPos {
  file: string;
  line: number;
  col: number;
  offset: number;
}

/** A node of the dump: `kind`, `loc`, `range`, `inner` and kind-specific keys. */
export interface AstNode {
  kind?: string;
  name?: string;
  inner?: AstNode[];
  [key: string]: unknown;
}

type Json = unknown;

interface Cursor {
  file: string;
  line: number;
}

/** Every node's position (the expansion location for a declaration written by a macro). */
export function locateNodes(root: AstNode): Map<AstNode, AstPos> {
  const positions = new Map<AstNode, AstPos>();
  const cursor: Cursor = { file: "", line: 0 };
  // An explicit stack: the dump of a large header nests thousands of levels of expressions.
  const stack: Json[] = [root];
  while (stack.length) {
    const value = stack.pop();
    if (!value || typeof value !== "object") continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
      continue;
    }
    const node = value as AstNode;
    if ("loc" in node) {
      const pos = readLocation(node.loc, cursor);
      if (pos && typeof node.kind === "string") positions.set(node, pos);
    }
    if ("range" in node && node.range && typeof node.range === "object") {
      const range = node.range as { begin?: Json; end?: Json };
      readLocation(range.begin, cursor);
      readLocation(range.end, cursor);
    }
    for (const [key, child] of Object.entries(node).reverse())
      if (key !== "loc" && key !== "range" && child && typeof child === "object") stack.push(child);
  }
  return positions;
}

/** Advance the cursor over one location (bare, or spelling + expansion); return where it points. */
function readLocation(loc: Json, cursor: Cursor): AstPos | undefined {
  if (!loc || typeof loc !== "object") return undefined;
  const l = loc as Record<string, unknown>;
  if ("spellingLoc" in l || "expansionLoc" in l) {
    readBare(l.spellingLoc, cursor);
    return readBare(l.expansionLoc, cursor);
  }
  return readBare(l, cursor);
}

function readBare(loc: Json, cursor: Cursor): AstPos | undefined {
  if (!loc || typeof loc !== "object") return undefined;
  const l = loc as { file?: string; line?: number; col?: number; offset?: number };
  if (l.offset === undefined && l.col === undefined) return undefined;
  if (typeof l.file === "string") cursor.file = l.file;
  if (typeof l.line === "number") cursor.line = l.line;
  return { file: cursor.file, line: cursor.line, col: l.col ?? 1, offset: l.offset ?? 0 };
}

/** The position where a node's source range begins and ends, as offsets in its file (for reading its text). */
export function rangeOffsets(node: AstNode): { begin: number; end: number; endTokLen: number } | undefined {
  const range = node.range as { begin?: Record<string, unknown>; end?: Record<string, unknown> } | undefined;
  const bare = (l: Record<string, unknown> | undefined) =>
    (l?.expansionLoc as Record<string, unknown> | undefined) ?? l;
  const b = bare(range?.begin);
  const e = bare(range?.end);
  if (typeof b?.offset !== "number" || typeof e?.offset !== "number") return undefined;
  return { begin: b.offset, end: e.offset, endTokLen: typeof e.tokLen === "number" ? e.tokLen : 0 };
}
