/*
 * Parsing clang's `-Xclang -fdump-record-layouts` output: for each record
 * clang lays out, a tree of members with absolute byte offsets, bit-fields
 * as `byte:first-last` (bit positions in allocation order), and the record's
 * size and alignment.  Example:
 *
 *   *** Dumping AST Record Layout
 *            0 | struct s
 *            0 |   char c
 *            8 |   union s::(anonymous at p.c:2:20)
 *            8 |     int i
 *       36:0-2 |   unsigned int a
 *         40:- |   int
 *              | [sizeof=48, align=16]
 */

export interface DumpNode {
  /** Byte offset from the start of the outermost record. */
  offset: number;
  /** For bit-fields: allocation-order bit offset from the record's start, and width (0 for `:-`). */
  bitOffset?: number;
  bits?: number;
  /** The type text and member name as clang prints them ("" for anonymous members). */
  type: string;
  name: string;
  children: DumpNode[];
}

export interface DumpedRecord {
  /** "struct foo" / "union foo" */
  name: string;
  size: number;
  align: number;
  members: DumpNode[];
}

const LINE = /^\s*(\d+)(?::(?:(\d+)-(\d+)|(-)))?\s+\|( +)(.*)$/;

export function parseRecordDump(text: string): Map<string, DumpedRecord> {
  const out = new Map<string, DumpedRecord>();
  for (const block of text.split("*** Dumping AST Record Layout").slice(1)) {
    const lines = block.split("\n").filter((l) => l.includes("|"));
    const head = LINE.exec(lines[0] ?? "");
    if (!head) continue;
    const rec: DumpedRecord = { name: head[6]!.trim(), size: NaN, align: NaN, members: [] };
    // Stack of (indent, children list); the record's own line has the smallest indent.
    const stack: { indent: number; children: DumpNode[] }[] = [{ indent: head[5]!.length, children: rec.members }];
    for (const line of lines.slice(1)) {
      const summary = /\|\s*\[sizeof=(\d+),.*?\balign=(\d+)/.exec(line);
      if (summary) {
        rec.size = Number(summary[1]);
        rec.align = Number(summary[2]);
        continue;
      }
      const m = LINE.exec(line);
      if (!m) continue;
      const indent = m[5]!.length;
      const text = m[6]!;
      const cut = text.lastIndexOf(" ");
      const node: DumpNode = {
        offset: Number(m[1]),
        type: cut < 0 ? text : text.slice(0, cut),
        name: cut < 0 ? "" : text.slice(cut + 1),
        children: [],
      };
      if (m[2] !== undefined) {
        node.bitOffset = node.offset * 8 + Number(m[2]);
        node.bits = Number(m[3]) - Number(m[2]) + 1;
      } else if (m[4] !== undefined) {
        node.bitOffset = node.offset * 8;
        node.bits = 0;
      }
      while (stack.length > 1 && stack[stack.length - 1]!.indent >= indent) stack.pop();
      stack[stack.length - 1]!.children.push(node);
      stack.push({ indent, children: node.children });
    }
    if (!out.has(rec.name)) out.set(rec.name, rec);
  }
  return out;
}
