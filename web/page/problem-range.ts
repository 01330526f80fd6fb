/*
 * Where a problem reported at a 1-based line and column is underlined: from that position to the end of the
 * token there (a quoted scalar to its closing quote), or to the end of the line's text when the position is at
 * a blank.  Positions outside the text are clamped to it, as a stale report may point past an edit.
 */
import type { Text } from "@codemirror/state";

export function problemRange(doc: Text, line: number, col: number): { from: number; to: number } {
  const lineNo = Math.min(Math.max(1, Math.trunc(line) || 1), doc.lines);
  const { from: start, text } = doc.line(lineNo);
  const at = Math.min(Math.max(0, (Math.trunc(col) || 1) - 1), text.length);
  const from = start + at;
  const ch = text[at];
  if (ch === undefined) return { from, to: from };
  if (ch === '"' || ch === "'") {
    const close = text.indexOf(ch, at + 1);
    return { from, to: start + (close < 0 ? text.trimEnd().length : close + 1) };
  }
  if (/\s/.test(ch)) {
    const end = text.trimEnd().length;
    return { from, to: start + Math.max(at, end) };
  }
  // A token ends at a blank, at the `:` after a key, or where a flow item ends; a lone indicator is its own token.
  const token = /^[^\s,\]}]+?(?=:(?:\s|$)|[\s,\]}]|$)/.exec(text.slice(at))?.[0] ?? ch;
  return { from, to: from + token.length };
}
