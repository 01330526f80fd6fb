/*
 * Where a cursor sits in YAML text being typed: the path of keys and indices to it, and whether it is at a key
 * or a value.  Indentation decides, line by line, as a person reads the text: a half-typed document is seldom
 * valid YAML (a key without its colon, a `- ` with nothing after it), so a parser would give up exactly when
 * completion is wanted.  Block mappings and sequences (zero-indented sequences included), anchors and aliases,
 * and one-line flow collections are understood; inside block scalars, multi-line plain scalars and comments
 * there is no place.  property-tests/web-completion.test.ts holds the paths to the `yaml` package's.
 */

export type YamlPath = (string | number)[];

export type CursorPlace =
  | {
      place: "key";
      /** The mapping the key belongs to (for `- ke|`, the sequence item). */
      path: YamlPath;
      /** The text being completed: the word the cursor is in. */
      from: number;
      to: number;
      /** The mapping's other keys, before and after the cursor. */
      present: string[];
      /** A colon already follows the word, so only the name is to be replaced. */
      hasColon: boolean;
      /** Column of the key, so nested content can be indented below it. */
      column: number;
      /** Inside `{ ... }`: no nested block content can follow. */
      flow: boolean;
      /** Right after `- `: the item may as well be a scalar, whose value would be completed at `path`. */
      orItem: boolean;
    }
  | {
      place: "value";
      /** The node whose scalar value is being typed. */
      path: YamlPath;
      from: number;
      to: number;
    };

/** One line's block structure: its `- ` markers and what follows them. */
export interface LineShape {
  indent: number;
  /** Columns of the `- ` sequence markers, left to right. */
  marks: number[];
  /** Column of what follows the markers. */
  content: number;
  /** A `key:` at `content`. */
  key?: string;
  /** After `key:`, or the whole content without a key; trimmed, comment removed. */
  value: string;
  /** Column where `value` starts. */
  valueColumn: number;
  /** The anchor (`&name`) of the node the line opens: the item after `- &name`, or the value after `key: &name`. */
  anchor?: string;
}

/** A plain or quoted mapping key followed by `:` and a blank or the end (YAML 1.2 block mapping). */
const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#"'{}[\],&*!|>%@`][^#]*?)[ \t]*:(?=[ \t]|$)/;
/** What a key or plain scalar being typed looks like (key names, enum values, ABI ids). */
const WORD = /^[\w$.-]*$/;
const WORD_AHEAD = /^[\w$.-]*/;
/** Deeper than any spec nests (spec/source.ts MAX_YAML_DEPTH): past it there is nothing to complete. */
const MAX_DEPTH = 256;

function unquote(key: string): string {
  if (key.startsWith('"')) {
    try {
      return JSON.parse(key) as string;
    } catch {
      return key.slice(1, -1);
    }
  }
  if (key.startsWith("'")) return key.slice(1, -1).replace(/''/g, "'");
  return key;
}

/** `s` without a trailing comment: a `#` at the start or after a blank, outside quotes. */
function withoutComment(s: string): string {
  let quote = "";
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      if (ch === "\\" && quote === '"') i++;
      else if (ch === quote) quote = "";
    } else if (ch === "#" && (i === 0 || s[i - 1] === " " || s[i - 1] === "\t")) {
      return s.slice(0, i);
    } else if ((ch === '"' || ch === "'") && (i === 0 || " \t:[{,".includes(s[i - 1]!))) {
      // A quote opens a quoted scalar only where a token starts; `it's` is plain text.
      quote = ch;
    }
  }
  return s;
}

/** The `- ` markers from column `at`, and the column after them. */
function sequenceMarks(line: string, at: number): { marks: number[]; content: number } {
  const marks: number[] = [];
  let pos = at;
  while (line[pos] === "-" && (line[pos + 1] === " " || line[pos + 1] === "\t")) {
    marks.push(pos);
    pos++;
    while (line[pos] === " " || line[pos] === "\t") pos++;
  }
  return { marks, content: pos };
}

/** The anchors and tags (`&name`, `!tag`) that start `s`, with their blanks: they say nothing of structure. */
function nodeProperties(s: string): string {
  return /^(?:[&!][^\s]*(?:[ \t]+|$))*/.exec(s)![0];
}

const anchorIn = (properties: string) => /(?:^|\s)&(\S+)/.exec(properties)?.[1];

/** The block structure of one line; undefined for a blank or comment line or a document marker. */
export function lineShape(raw: string): LineShape | undefined {
  const line = withoutComment(raw).trimEnd();
  const indent = line.length - line.trimStart().length;
  if (indent === line.length || /^(?:---|\.\.\.)(?:\s|$)/.test(line)) return undefined;
  const { marks, content: start } = sequenceMarks(line, indent);
  if (line.slice(start) === "-")
    return { indent, marks: [...marks, start], content: start + 1, value: "", valueColumn: start };
  const itemProps = nodeProperties(line.slice(start));
  const content = start + itemProps.length;
  const rest = line.slice(content);
  const m = KEY.exec(rest);
  if (!m) {
    const anchor = rest === "" && marks.length ? anchorIn(itemProps) : undefined;
    return { indent, marks, content, value: rest, valueColumn: content, ...(anchor ? { anchor } : {}) };
  }
  const after = rest.slice(m[0].length);
  const props = nodeProperties(after.trimStart());
  const value = after.trim().slice(props.length);
  const valueColumn = content + m[0].length + (after.length - after.trimStart().length) + props.length;
  const anchor = anchorIn(props);
  return { indent, marks, content, key: unquote(m[1]!), value, valueColumn, ...(anchor ? { anchor } : {}) };
}

interface Container {
  path: YamlPath;
  /** Keys of the mapping met above the starting line. */
  keys: string[];
  /** For a sequence: how many items precede the starting one. */
  index: number;
}

/** Reads the block structure around lines, each line's shape computed once. */
class BlockReader {
  private readonly shapes = new Map<number, LineShape | undefined>();
  /** Containers found so far, by line, column and node: a later sibling's search stops at an earlier one. */
  private readonly found = new Map<string, Container | undefined>();

  constructor(private readonly lines: readonly string[]) {}

  shape(i: number): LineShape | undefined {
    if (!this.shapes.has(i)) this.shapes.set(i, lineShape(this.lines[i]!));
    return this.shapes.get(i);
  }

  /**
   * The collection holding a node that starts at `column` on line `at`: a mapping when the node is a key, a
   * sequence when it is a `- ` item.  Undefined where the node cannot be one (it continues a scalar).
   */
  container(at: number, column: number, node: "key" | "item", depth = 0): Container | undefined {
    const id = `${at} ${column} ${node}`;
    if (!this.found.has(id)) this.found.set(id, this.search(at, column, node, depth));
    return this.found.get(id);
  }

  private search(at: number, column: number, node: "key" | "item", depth: number): Container | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const keys: string[] = [];
    let index = 0;
    for (let i = at - 1; i >= 0; i--) {
      const s = this.shape(i);
      if (!s || s.indent > column) continue;
      if (s.indent === column) {
        if (node === "item") {
          if (s.marks.length) {
            const earlier = this.found.get(`${i} ${column} item`);
            if (earlier) return { path: earlier.path, keys, index: earlier.index + 1 + index };
            index++;
            continue;
          }
          // `key:` with the sequence at its own column below it.
          if (s.key !== undefined && s.value === "") {
            const up = this.container(i, column, "key", depth + 1);
            return up && { path: [...up.path, s.key], keys, index };
          }
          return undefined;
        }
        // A sequence at a key's column is the value of an earlier sibling key.
        if (s.marks.length) continue;
        if (s.key === undefined) return undefined;
        const earlier = this.found.get(`${i} ${column} key`);
        if (earlier) return { path: earlier.path, keys: [...earlier.keys, s.key, ...keys], index };
        keys.push(s.key);
        continue;
      }
      return this.enclosing(i, column, node, keys, index, depth);
    }
    return { path: [], keys, index };
  }

  /** Line `at` is less indented than the node at `column`: it holds the node's container. */
  private enclosing(at: number, column: number, node: "key" | "item", keys: string[], index: number, depth: number) {
    const s = this.shape(at)!;
    const outer = s.marks.filter((m) => m < column).length;
    let key: string | undefined;
    if (s.content < column) {
      // Below `key: value` or a scalar item, a deeper line continues that scalar.
      if (s.value !== "") return undefined;
      key = s.key;
    } else if (outer < s.marks.length) {
      // A nested `- ` at the node's column on this line: an earlier item of the same sequence.
      if (node === "key" || s.marks[outer] !== column) return undefined;
      index++;
    } else if (s.content === column && s.key !== undefined) {
      // The item's first key is at the node's column: a sibling key, or (`- key:`) the key whose sequence this is.
      if (node === "key") keys.push(s.key);
      else if (s.value === "") key = s.key;
      else return undefined;
    } else if (s.content === column ? s.value !== "" : s.key !== undefined || s.value !== "") {
      // Continuing a scalar item, or right of the item's `- ` but left of its content: aligned with nothing.
      return undefined;
    }
    const path = this.pathOfFrames(at, outer, key, depth);
    return path && { path, keys, index };
  }

  /** Path of the last of the first `items` markers on line `at` (then of `key` after them, if given). */
  private pathOfFrames(at: number, items: number, key: string | undefined, depth: number): YamlPath | undefined {
    const s = this.shape(at)!;
    let path: YamlPath;
    if (items > 0) {
      const seq = this.container(at, s.indent, "item", depth + 1);
      if (!seq) return undefined;
      path = [...seq.path, seq.index, ...Array<number>(items - 1).fill(0)];
    } else {
      const map = this.container(at, s.indent, "key", depth + 1);
      if (!map) return undefined;
      path = [...map.path];
    }
    return key === undefined ? path : [...path, key];
  }

  /** Keys at `column` below line `at`, up to the end of the mapping. */
  keysBelow(at: number, column: number): string[] {
    const keys: string[] = [];
    for (let i = at + 1; i < this.lines.length; i++) {
      const s = this.shape(i);
      if (!s || s.indent > column) continue;
      if (s.indent < column) break;
      // A sequence at the mapping's column is the value of the key above it.
      if (s.marks.length) continue;
      if (s.key === undefined) break;
      keys.push(s.key);
    }
    return keys;
  }

  /** Path of the item whose first `- ` marker sits at `marks[0]` on line `at`, through the nested markers. */
  itemPath(at: number, marks: readonly number[]): YamlPath | undefined {
    const seq = this.container(at, marks[0]!, "item");
    return seq && [...seq.path, seq.index, ...Array<number>(marks.length - 1).fill(0)];
  }
}

interface FlowFrame {
  kind: "map" | "seq";
  key?: string;
  index: number;
  afterColon: boolean;
  keys: string[];
}

/** Keys of the flow mapping the text starts inside, up to its closing brace (or the end of the line). */
function flowKeysAhead(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let token = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") {
      if (depth-- === 0) break;
    } else if (ch === ",") token = "";
    else if (ch === ":" && depth === 0 && /^[\s,}\]]?$/.test(text[i + 1] ?? "")) {
      if (token.trim()) keys.push(unquote(token.trim()));
      token = "";
    } else if (depth === 0) token += ch;
  }
  return keys;
}

/** The cursor inside a one-line flow collection that starts at `start` on the line; `base` is its path. */
function flowPlace(line: string, start: number, cursor: number, lineStart: number, base: YamlPath) {
  const stack: FlowFrame[] = [];
  let token = "";
  const text = line.slice(start, cursor);
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const top = stack[stack.length - 1];
    if (ch === '"' || ch === "'") {
      const close = text.indexOf(ch, i + 1);
      if (close < 0) return undefined; // the cursor is inside a quoted scalar
      token += text.slice(i, close + 1);
      i = close;
    } else if (ch === "{" || ch === "[") {
      stack.push({ kind: ch === "{" ? "map" : "seq", index: 0, afterColon: false, keys: [] });
      token = "";
    } else if (ch === "}" || ch === "]") {
      stack.pop();
      if (!stack.length) return undefined; // past the end of the collection
      token = "";
    } else if (!top) {
      return undefined;
    } else if (ch === ",") {
      top.index++;
      top.key = undefined;
      top.afterColon = false;
      token = "";
    } else if (ch === ":" && top.kind === "map" && !top.afterColon && /^[\s,}\]]?$/.test(text[i + 1] ?? "")) {
      top.key = unquote(token.trim());
      top.keys.push(top.key);
      top.afterColon = true;
      token = "";
    } else if (ch === "#" && /\s/.test(text[i - 1] ?? "")) {
      return undefined;
    } else {
      token += ch;
    }
  }
  const top = stack[stack.length - 1];
  if (!top) return undefined;
  const path: YamlPath = [...base];
  for (const f of stack.slice(0, -1)) path.push(f.kind === "map" ? (f.key ?? "") : f.index);
  const prefix = token.trimStart();
  if (!WORD.test(prefix)) return undefined;
  const from = lineStart + cursor - prefix.length;
  const to = lineStart + cursor + WORD_AHEAD.exec(line.slice(cursor))![0].length;
  if (top.kind === "seq") return { place: "value" as const, path: [...path, top.index], from, to };
  if (top.afterColon) return { place: "value" as const, path: [...path, top.key!], from, to };
  return {
    place: "key" as const,
    path,
    from,
    to,
    present: [...top.keys, ...flowKeysAhead(line.slice(to - lineStart))],
    hasColon: /^[ \t]*:/.test(line.slice(to - lineStart)),
    column: start,
    flow: true,
    orItem: false,
  };
}

export interface BlockEntries {
  /** The `key: value` lines whose key was asked for, with the path of their mapping, in document order. */
  values: { path: YamlPath; key: string; value: string }[];
  /** Anchored nodes (`- &name`, `key: &name`) by anchor: their paths. */
  anchors: Map<string, YamlPath>;
  /** Alias nodes (`- *name`, `key: *name`), in document order. */
  aliases: { path: YamlPath; anchor: string }[];
}

/** What the block lines of `text` say about the keys asked for, and where its anchors and aliases are. */
export function blockEntries(text: string, keys: ReadonlySet<string>): BlockEntries {
  const lines = text.split("\n");
  const reader = new BlockReader(lines);
  const found: BlockEntries = { values: [], anchors: new Map(), aliases: [] };
  lines.forEach((_, i) => {
    const s = reader.shape(i);
    if (!s || (s.anchor === undefined && !s.value.startsWith("*") && (s.key === undefined || !keys.has(s.key)))) return;
    const map = s.marks.length ? reader.itemPath(i, s.marks) : reader.container(i, s.content, "key")?.path;
    if (!map) return;
    // The node the line's value is: the key's value, or (no key) the item itself.
    const node = s.key === undefined ? map : [...map, s.key];
    if (s.anchor !== undefined) found.anchors.set(s.anchor, node);
    if (/^\*\S+$/.test(s.value)) found.aliases.push({ path: node, anchor: s.value.slice(1) });
    else if (s.key !== undefined && keys.has(s.key))
      found.values.push({ path: map, key: s.key, value: unquote(s.value) });
  });
  return found;
}

/** Where `offset` is in `text`, or undefined where nothing is to be completed (comments, scalar text). */
export function locateCursor(text: string, offset: number): CursorPlace | undefined {
  const cursorOffset = Math.max(0, Math.min(offset, text.length));
  const lines = text.split("\n");
  let lineNo = 0;
  let lineStart = 0;
  while (lineNo < lines.length - 1 && lineStart + lines[lineNo]!.length < cursorOffset) {
    lineStart += lines[lineNo]!.length + 1;
    lineNo++;
  }
  const line = lines[lineNo]!.replace(/\r$/, "");
  const cursor = Math.min(cursorOffset - lineStart, line.length);
  const before = line.slice(0, cursor);
  if (withoutComment(before) !== before) return undefined;
  const reader = new BlockReader(lines);

  const indent = before.length - before.trimStart().length;
  if (indent === before.length) {
    // Nothing typed before the cursor on its line: a key at the cursor's column, unless the cursor is in the
    // indentation of text further right, or before a `- ` marker.
    const next = line.slice(cursor);
    if ((next.trim() && /^\s/.test(next)) || /^-(?:[ \t]|$)/.test(next)) return undefined;
  }
  const { marks, content } = sequenceMarks(before, indent);
  const rest = before.slice(content);
  if (rest === "-") return undefined; // a `-` that is not yet a marker

  const keyed = KEY.exec(rest);
  if (keyed) {
    const valueText = rest.slice(keyed[0].length);
    const value = valueText.trimStart();
    if (!valueText) return undefined; // right after the colon
    const valueColumn = content + keyed[0].length + (valueText.length - value.length);
    const map = marks.length ? reader.itemPath(lineNo, marks) : reader.container(lineNo, content, "key")?.path;
    if (!map) return undefined;
    const path = [...map, unquote(keyed[1]!)];
    if (value.startsWith("{") || value.startsWith("[")) return flowPlace(line, valueColumn, cursor, lineStart, path);
    if (/^["'|>&*!%@`]/.test(value)) return undefined;
    const whole = reader.shape(lineNo);
    const end = whole && whole.valueColumn === valueColumn ? valueColumn + whole.value.length : cursor;
    return { place: "value", path, from: lineStart + valueColumn, to: lineStart + Math.max(end, cursor) };
  }

  if (rest.startsWith("{") || rest.startsWith("[")) {
    const item = marks.length ? reader.itemPath(lineNo, marks) : undefined;
    return item && flowPlace(line, content, cursor, lineStart, item);
  }

  const ahead = WORD_AHEAD.exec(line.slice(cursor))![0];
  const from = lineStart + cursor - rest.length;
  const to = lineStart + cursor + ahead.length;
  if (!WORD.test(rest)) {
    // Only a sequence item can hold free text here (`- struct fo|`); elsewhere it continues a scalar.
    if (!marks.length || /^["'|>&*!%@`]/.test(rest)) return undefined;
    const item = reader.itemPath(lineNo, marks);
    const end = reader.shape(lineNo)?.value.length ?? rest.length;
    return item && { place: "value", path: item, from, to: lineStart + content + Math.max(end, rest.length) };
  }
  const hasColon = /^[ \t]*:(?:[ \t]|$)/.test(line.slice(cursor + ahead.length));
  if (marks.length) {
    const item = reader.itemPath(lineNo, marks);
    if (!item) return undefined;
    const present = reader.keysBelow(lineNo, content);
    return { place: "key", path: item, from, to, present, hasColon, column: content, flow: false, orItem: !hasColon };
  }
  const map = reader.container(lineNo, content, "key");
  if (!map) return undefined;
  const present = [...map.keys, ...reader.keysBelow(lineNo, content)];
  return { place: "key", path: map.path, from, to, present, hasColon, column: content, flow: false, orItem: false };
}
