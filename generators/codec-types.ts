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

/**
 * One value type for a struct whose members differ between ABIs (`when:`): the object nodes of its plans on every
 * ABI merged key by key, a key some ABIs leave out made optional.  Equal plans merge to themselves.
 */
export function mergeObjects(nodes: readonly (Node & { k: "object" })[]): Node & { k: "object" } {
  const first = nodes[0]!;
  if (nodes.length === 1) return first;
  // Anonymous members have no key: the n-th anonymous member of each plan stands for one another.
  const keyOf = (f: PlanField, anon: number) => (f.key !== undefined ? `.${f.key}` : `#${anon}`);
  const merged = new Map<string, { fields: PlanField[] }>();
  for (const n of nodes) {
    let anon = 0;
    for (const f of n.fields) {
      const k = keyOf(f, f.key === undefined ? anon++ : anon);
      const m = merged.get(k);
      if (m) m.fields.push(f);
      else merged.set(k, { fields: [f] });
    }
  }
  const fields = [...merged.values()].map(({ fields: fs }): PlanField => {
    const objects = fs.every((f) => f.node.k === "object") ? (fs.map((f) => f.node) as (Node & { k: "object" })[]) : [];
    return {
      key: fs[0]!.key,
      node: objects.length ? mergeObjects(objects) : fs[0]!.node,
      optional: fs.length < nodes.length || fs.some((f) => f.optional),
    };
  });
  return { ...first, fields };
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
