/*
 * The TypeScript value type of a struct: one property per member key
 * (anonymous members' keys inline, as in C), each scalar commented with its
 * C type and rule.  Representation: generators/CODECS.md.
 */
import type { Node, PlanField } from "./codec-plan.js";

/** The TS type of a node; a named record is referred to by name unless `expand` (its own declaration). */
export function typeText(node: Node, indent: string, expand = false): string {
  switch (node.k) {
    case "int":
    case "bits":
      return node.repr;
    case "bool":
      return "boolean";
    case "float":
      return "number";
    case "bytes":
      return "Uint8Array";
    case "array": {
      const el = typeText(node.elem, indent);
      return /^[\w$]+$/.test(el) ? `${el}[]` : `Array<${el}>`;
    }
    case "object": {
      if (node.typeName && !expand) return node.typeName;
      const lines = propLines(node.fields, `${indent}  `);
      return lines.length ? `{\n${lines.join("\n")}\n${indent}}` : "{}";
    }
  }
}

/** One line per key; the keys of an anonymous member that may be left out (a union member) are optional too. */
function propLines(fields: PlanField[], indent: string, forceOptional = false): string[] {
  return fields.flatMap((f) => {
    if (f.key === undefined) {
      return f.node.k === "object" ? propLines(f.node.fields, indent, forceOptional || f.optional) : [];
    }
    const optional = f.optional || forceOptional ? "?" : "";
    return [`${indent}${JSON.stringify(f.key)}${optional}: ${typeText(f.node, indent)};${memberDoc(f.node)}`];
  });
}

/** ` // <C type> (<rule>)` after a scalar member; nothing after a record or an array. */
function memberDoc(node: Node): string {
  if (node.k === "object" || node.k === "array") return "";
  const rule = node.k === "int" || node.k === "bits" ? node.rule : undefined;
  if (!rule) return ` // ${node.ctype}`;
  const what =
    rule.kind === "zero" ? "must be zero" : rule.kind === "flags" ? `flags ${rule.set}` : `enum ${rule.name}`;
  return ` // ${node.ctype} (${what})`;
}
