/*
 * Small C spelling helpers shared by the shim generator: member declarations
 * for the structs a syscall form would declare (an anonymous nested struct
 * needs a name outside its parent), and one-line kernel-doc text.
 */
import { typeName, type FieldModel, type RecordType } from "../core/model.js";
import { commentSafe } from "./c-text.js";

const attrs = (aligned: number | undefined, packed: boolean) =>
  [packed ? "__packed__" : "", aligned ? `__aligned__(${aligned})` : ""].filter(Boolean).map((a) => `__attribute__((${a}))`).join(" ");

/** Declarations of a record's members, one per line, indented by tabs. */
export function memberLines(r: RecordType, depth: number): string[] {
  const tab = "\t".repeat(depth);
  const out: string[] = [];
  for (const f of r.fields) out.push(...memberDecl(f, depth, tab));
  return out;
}

function memberDecl(f: FieldModel, depth: number, tab: string): string[] {
  const a = attrs(f.aligned, f.packed);
  const suffix = (a ? ` ${a}` : "") + ";";
  const t = f.type.kind === "array" ? f.type.element : f.type;
  const dims = f.type.kind === "array" ? `[${f.type.length === "flexible" ? "" : f.type.length}]` : "";
  const name = f.name ?? "";
  if (t.kind === "record" && t.record.inline && !t.record.tag) {
    const r = t.record;
    return [`${tab}${r.kind} {`, ...memberLines(r, depth + 1), `${tab}}${attrs(r.aligned, r.packed) ? " " + attrs(r.aligned, r.packed) : ""}${name ? " " + name : ""}${dims}${suffix}`];
  }
  const base = typeName(t);
  const decl = base.endsWith("*") ? `${base}${name}` : `${base} ${name}`.trimEnd();
  const bits = f.bits !== undefined ? ` : ${f.bits}` : "";
  return [`${tab}${decl}${dims}${bits}${suffix}`];
}

/** The struct (or union) definition for a record under a new tag. */
export function recordDefinition(r: RecordType, tagged: string): string[] {
  const a = attrs(r.aligned, r.packed);
  return [`${tagged} {`, ...memberLines(r, 1), `}${a ? " " + a : ""};`];
}

/** First sentence of a doc string, on one line, safe inside a C comment (generators/c-text.ts), at most `max` characters. */
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
