/*
 * kernel-doc comments (Documentation/doc-guide/kernel-doc.rst) read back from
 * a header's text: the `/** ... *\/` block right before a declaration gives
 * its summary and description, and `@member:` paragraphs the members' docs.
 */

export interface KernelDoc {
  /** "summary. description" as one paragraph of text. */
  doc: string;
  /** Member docs by name as written after `@` (`a`, `u.b`). */
  members: Map<string, string>;
}

/** The kernel-doc block that ends just before `offset` (only white space between), if any. */
export function kernelDocBefore(text: string, offset: number): KernelDoc | undefined {
  const before = text.slice(0, offset).trimEnd();
  if (!before.endsWith("*/")) return undefined;
  const start = before.lastIndexOf("/**");
  if (start < 0 || before.lastIndexOf("*/", before.length - 3) > start) return undefined;
  return parseKernelDoc(before.slice(start + 3, -2));
}

/** A `/* text *\/` or `/** text *\/` comment on the same line after `offset`, for a member's doc. */
export function trailingComment(text: string, offset: number): string | undefined {
  const lineEnd = text.indexOf("\n", offset);
  const rest = text.slice(offset, lineEnd < 0 ? undefined : lineEnd);
  const m = /\/\*+\s*(.*?)\s*\*\//.exec(rest);
  return m && m[1] ? cleanDocText(m[1]) : undefined;
}

function parseKernelDoc(body: string): KernelDoc {
  const lines = body.split("\n").map((l) => l.replace(/^\s*\*? ?/, ""));
  const members = new Map<string, string>();
  const prose: string[] = [];
  let current: { name: string; text: string[] } | undefined;
  const flush = () => {
    if (current) members.set(current.name, cleanDocText(current.text.join(" ")));
    current = undefined;
  };
  for (const line of lines) {
    const member = /^@([A-Za-z_][\w.]*)\s*:\s*(.*)$/.exec(line.trim());
    if (member) {
      flush();
      current = { name: member[1]!, text: [member[2]!] };
    } else if (current && line.trim() !== "") current.text.push(line.trim());
    else {
      flush();
      prose.push(line.trim());
    }
  }
  flush();
  // "struct foo - summary" / "FOO_IOCTL - summary": the name is the declaration's own.
  const text = prose
    .join(" ")
    .trim()
    .replace(/^(?:(?:struct|union|enum)\s+)?[A-Za-z_]\w*\s+-\s+/, "");
  return { doc: cleanDocText(text), members };
}

/** One line of plain text: no comment delimiters (the doc is written into a C comment), no control characters. */
export function cleanDocText(text: string): string {
  return text
    .replace(/\/\*|\*\//g, " ")
    .replace(/\?\?/g, "? ?")
    .replace(/[^\x20-\x7e]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}
