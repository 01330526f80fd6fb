/*
 * Turning free text into C comment lines that cannot break the code around
 * them, wrapped at 80 columns the way kernel-doc comments are.  The loader
 * already rejects text with comment delimiters; this module still neutralises
 * them so a generator can never emit a comment that ends early.
 */

import { FORBIDDEN_CHAR } from "../spec/c-names.js";

/** Columns a line may use, counting a tab as 8 (kernel style). */
export const LINE_WIDTH = 80;

/**
 * Make text safe inside a C block comment, on one logical line: control
 * characters and newlines become spaces, invisible and bidi characters go,
 * comment delimiters are split, and `??` is split so no trigraph (C90 has
 * them) can form a line splice.
 */
export function commentSafe(text: string): string {
  return (
    text
      .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, " ")
      // Invisible and direction-changing characters, lone surrogates, noncharacters:
      // the loader rejects them in spec text.
      .replace(new RegExp(FORBIDDEN_CHAR.source, "gu"), "")
      .replace(/\*\//g, "* /")
      .replace(/\/\*/g, "/ *")
      .replace(/\?(?=\?)/g, "? ")
      .replace(/\s+/g, " ")
      .trim()
  );
}

/** Split text into paragraphs at blank lines, each made comment-safe. */
export function paragraphs(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(/\n\s*\n/)
    .map(commentSafe)
    .filter((p) => p.length > 0);
}

const visualWidth = (s: string) => [...s].reduce((w, ch) => (ch === "\t" ? w + 8 - (w % 8) : w + 1), 0);

/**
 * Greedy word wrap: the first line starts with `first`, later lines with
 * `rest`; words longer than a line stay whole on their own line.  A line never
 * ends in a backslash, which would splice it with the next one.
 */
export function wrap(text: string, first: string, rest: string, width = LINE_WIDTH): string[] {
  const words = commentSafe(text).split(" ").filter(Boolean);
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    const candidate = empty ? line + word : `${line} ${word}`;
    if (!empty && visualWidth(candidate) > width) {
      lines.push(line);
      line = rest + word;
    } else line = candidate;
    empty = false;
  }
  lines.push(line);
  return lines.map((l) => l.replace(/\s+$/, "").replace(/\\$/, "\\ "));
}

/** The first sentence of a paragraph (kernel-doc's brief description) and the rest. */
export function splitBrief(text: string): { brief: string; rest: string } {
  const safe = commentSafe(text);
  // A sentence ends at ". " before a capital letter, unless the word before the dot is a common abbreviation.
  const re = /([.!?])\s+(?=[A-Z(`"'])/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(safe))) {
    const before = safe.slice(0, m.index + 1);
    if (/\b(?:e\.g|i\.e|etc|vs|cf|approx|no|Fig)\.$/i.test(before)) continue;
    return { brief: before, rest: safe.slice(m.index + m[0].length) };
  }
  return { brief: safe, rest: "" };
}

/** A `/** ... *\/` block from already-built body lines (each without the leading " * "). */
export function kernelDocBlock(body: string[]): string {
  return ["/**", ...body.map(commentLine), " */"].join("\n");
}

/** One body line with its " * " lead; a continuation that starts with a tab gets " *" so no space precedes the tab. */
export function commentLine(l: string): string {
  return l === "" ? " *" : l.startsWith("\t") ? ` *${l}` : ` * ${l}`;
}

/** Lines of a paragraph wrapped for a comment body (without the " * " lead, which kernelDocBlock adds). */
export function wrapBody(text: string, firstLead = "", restLead = ""): string[] {
  // 3 columns are taken by " * ".
  return wrap(text, firstLead, restLead, LINE_WIDTH - 3);
}

/**
 * First sentence of a doc string, on one line, safe inside a C comment (commentSafe above), at most `max` characters.
 */
export function oneLine(doc: string | undefined, max = 110): string {
  if (!doc) return "";
  let s = commentSafe(doc);
  const dot = s.search(/\.(\s|$)/);
  if (dot > 0) s = s.slice(0, dot + 1);
  // Cut by code points, so no surrogate pair is split into invalid UTF-8.
  const chars = [...s];
  if (chars.length > max) s = commentSafe(chars.slice(0, max - 3).join("")) + "...";
  return s.replace(/\\$/, "\\ ");
}
