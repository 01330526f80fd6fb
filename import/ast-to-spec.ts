/*
 * clang's JSON AST of a translation unit -> the declarations of one spec
 * interface per imported header.  Records, unions, bit-fields, anonymous
 * members, attributes, enums and typedefs come from the dump; array lengths
 * written as expressions and kernel-doc come from the header's own text.
 * What the spec language cannot say becomes an ImportProblem at the
 * header's position; nothing is dropped silently.
 */
import { scalarByName } from "../core/scalars.js";
import { GLIBC_TYPEDEFS } from "./glibc-typedefs.js";
import type { EnumSpec, FieldSpec, InlineComposite, NamedValue, StructSpec } from "../spec/types.js";
import type { AstNode, AstPos } from "./ast-locations.js";
import {
  anonymousRecordAt,
  isComplexDeclarator,
  splitArrayType,
  splitPointer,
  stripQualifiers,
  tagOf,
} from "./c-types.js";
import { cleanDocText, kernelDocBefore, trailingComment, type KernelDoc } from "./kernel-doc.js";
import type { ImportProblem } from "./types.js";

/** Everything the converter reads: the dump, positions, the headers' texts. */
export interface AstContext {
  root: AstNode;
  positions: Map<AstNode, AstPos>;
  /** The header's text, by the path clang reports. */
  text(file: string): string | undefined;
  /** How a header file is spelled in `#include <...>`, for an external struct's `header:`. */
  spelling(file: string): string;
  /** The names of macros imported as integer constants (array lengths may use them). */
  constantNames: ReadonlySet<string>;
}

/** Where a spec item came from, for problems found later (lint, resolution) about it. */
export type Origin = AstPos;

export interface ConvertedInterface {
  structs: StructSpec[];
  enums: EnumSpec[];
  /** Origin of each struct and enum by name, and of each field by "struct.path". */
  origins: Map<string, Origin>;
  /** For an array length kept as the header's expression: the lengths clang computed, to fall back on. */
  evaluatedArrays: Map<FieldSpec, FieldSpec["array"]>;
  /** Where each member is declared (for the `#if` around it). */
  fieldPositions: Map<FieldSpec, AstPos>;
  problems: ImportProblem[];
}

type TopDecl = AstNode & { kind: string };

/** Number of a ConstantExpr below a node (an attribute's argument, a bit-field width, an enumerator). */
export function constantValue(node: AstNode | undefined): bigint | undefined {
  const stack: AstNode[] = node ? [node] : [];
  while (stack.length) {
    const n = stack.shift()!;
    if (n.kind === "ConstantExpr" && typeof n.value === "string") return BigInt(n.value);
    stack.push(...(n.inner ?? []));
  }
  return undefined;
}

/** The spec's scalar for a C type name: itself when the spec knows it, the spec's name for glibc's internal ones. */
const specScalar = (type: string): string | undefined =>
  scalarByName(type) ? type : Object.hasOwn(GLIBC_TYPEDEFS, type) ? GLIBC_TYPEDEFS[type] : undefined;

const qualTypeOf = (n: AstNode) => (n.type as { qualType?: string } | undefined)?.qualType ?? "";
const posKey = (p: AstPos) => `${p.file}:${p.line}:${p.col}`;

/** Converts the declarations of the files of one interface. */
export function convertInterface(
  ctx: AstContext,
  ownFiles: ReadonlySet<string>,
  argumentTags: readonly string[],
): ConvertedInterface {
  const problems: ImportProblem[] = [];
  const evaluatedArrays = new Map<FieldSpec, FieldSpec["array"]>();
  const fieldPositions = new Map<FieldSpec, AstPos>();
  const origins = new Map<string, Origin>();
  const top = (ctx.root.inner ?? []) as TopDecl[];
  const posOf = (n: AstNode) => ctx.positions.get(n);
  const loc = (p: AstPos | undefined) => ({ file: p?.file ?? "<unknown>", line: p?.line ?? 1, col: p?.col ?? 1 });
  const problem = (p: AstPos | undefined, severity: ImportProblem["severity"], message: string, hint?: string) =>
    problems.push({ loc: loc(p), severity, message, ...(hint ? { hint } : {}) });

  // Definitions anywhere in the unit: complete records by tag, typedefs by name.
  const recordDefs = new Map<string, AstNode>();
  const typedefs = new Map<string, AstNode>();
  /** A typedef naming an anonymous record (`typedef struct {...} foo_t;`) gives the record that name. */
  const typedefOfRecord = new Map<AstNode, string>();
  top.forEach((d, i) => {
    if (d.kind === "RecordDecl" && d.completeDefinition) {
      if (d.name) recordDefs.set(`${d.tagUsed} ${d.name}`, d);
      else {
        const next = top[i + 1];
        const owned = (next?.inner?.[0] as { ownedTagDecl?: { id?: string } } | undefined)?.ownedTagDecl;
        if (next?.kind === "TypedefDecl" && next.name && owned?.id === d.id) {
          typedefOfRecord.set(d, next.name);
          recordDefs.set(`${d.tagUsed} ${next.name}`, d);
        }
      }
    }
    if (d.kind === "TypedefDecl" && d.name) typedefs.set(d.name, d);
  });
  const enumDefs = new Map<string, AstNode>();
  for (const d of top) if (d.kind === "EnumDecl" && d.name && own(d)) enumDefs.set(d.name, d);

  function own(d: AstNode): boolean {
    const p = posOf(d);
    return !!p && ownFiles.has(p.file);
  }

  // The records to emit: the interface's own, in header order, and the ones they use from elsewhere.
  const emitted = new Map<AstNode, StructSpec>();
  const externalQueue: AstNode[] = [];
  const structs: StructSpec[] = [];

  const docOf = (n: AstNode): KernelDoc | undefined => {
    const p = posOf(n);
    const text = p && ctx.text(p.file);
    const begin = (n.range as { begin?: { offset?: number } } | undefined)?.begin?.offset;
    return text !== undefined && begin !== undefined ? kernelDocBefore(text, begin) : undefined;
  };

  /** A type spelling -> a spec type expression and array dimensions; undefined (with a problem) when unsayable. */
  const typeExpr = (
    qualType: string,
    at: AstPos | undefined,
    what: string,
    depth = 0,
  ): { type: string; dims: (number | "flexible")[] } | undefined => {
    const { base, dims } = splitArrayType(qualType);
    if (depth > 32) {
      problem(at, "error", `${what}: typedef chain too deep at '${qualType}'`);
      return undefined;
    }
    if (isComplexDeclarator(base)) {
      problem(
        at,
        "note",
        `${what}: '${qualType}' (a function pointer or pointer to an array) is imported as 'void *'`,
        "the layout is a data pointer's on every Linux ABI; the spec language has no function types",
      );
      return { type: "void *", dims };
    }
    const ptr = splitPointer(base);
    if (ptr) {
      const target = pointerTarget(ptr.target, at, what, depth);
      if (target === undefined) return undefined;
      return { type: `${target} *${ptr.qualifiers ? ` ${ptr.qualifiers}` : ""}`, dims };
    }
    const { type, qualifiers } = stripQualifiers(base);
    const prefix = qualifiers.length ? `${qualifiers.join(" ")} ` : "";
    const tag = tagOf(type);
    if (tag?.kind === "enum") {
      if (enumDefs.has(tag.name)) return { type: `${prefix}enum ${tag.name}`, dims };
      problem(at, "note", `${what}: 'enum ${tag.name}' is declared in another header; imported as 'int'`);
      return { type: `${prefix}int`, dims };
    }
    if (tag) {
      const def = recordDefs.get(`${tag.kind} ${tag.name}`);
      if (!def) {
        problem(at, "error", `${what}: '${type}' is incomplete here`, "a member must have a complete type");
        return undefined;
      }
      useRecord(def);
      return { type: `${prefix}${tag.kind} ${tag.name}`, dims };
    }
    const scalar = specScalar(type);
    if (scalar) return { type: `${prefix}${scalar}`, dims };
    const td = typedefs.get(type);
    if (td) {
      const inner = typeExpr(qualTypeOf(td), at, what, depth + 1);
      return inner && { type: `${prefix}${inner.type}`, dims: [...dims, ...inner.dims] };
    }
    problem(
      at,
      "error",
      `${what}: type '${type}' is not one the spec language knows`,
      "import the header that declares it",
    );
    return undefined;
  };

  /** The pointed-to type: any struct/union may be incomplete; typedefs are spelled out. */
  const pointerTarget = (target: string, at: AstPos | undefined, what: string, depth: number): string | undefined => {
    const inner = splitPointer(target);
    if (inner) {
      const t = pointerTarget(inner.target, at, what, depth);
      return t === undefined ? undefined : `${t} *${inner.qualifiers ? ` ${inner.qualifiers}` : ""}`;
    }
    const { type, qualifiers } = stripQualifiers(target);
    const prefix = qualifiers.length ? `${qualifiers.join(" ")} ` : "";
    if (type === "void") return prefix + type;
    const scalar = specScalar(type);
    if (scalar) return prefix + scalar;
    const tag = tagOf(type);
    if (tag?.kind === "enum") return enumDefs.has(tag.name) ? prefix + type : `${prefix}int`;
    if (tag) return prefix + type;
    const td = typedefs.get(type);
    if (td && depth < 32) {
      const q = qualTypeOf(td);
      if (splitArrayType(q).dims.length || isComplexDeclarator(q)) return `${prefix}void`;
      return pointerTarget(q, at, what, depth + 1)?.replace(/^/, prefix);
    }
    problem(at, "note", `${what}: pointer to unknown type '${type}' imported as 'void *'`);
    return `${prefix}void`;
  };

  /** Array dimensions: the header's own expression where it names only constants the spec has, else numbers. */
  const arrayOf = (dims: (number | "flexible")[], field: AstNode): FieldSpec["array"] => {
    if (dims.length === 0) return undefined;
    const written = bracketTexts(field);
    const out = dims.map((d, i) => {
      const w = written?.[i]?.trim();
      if (d === "flexible" || w === undefined || /^\d+$/.test(w)) return d;
      // Kept when every name is an imported constant, or sits in a sizeof of a type the spec can name:
      // `4 - sizeof(__kernel_mode_t)` (asm-generic/ipcbuf.h) is 2 bytes on i386 and 0 on x86_64.
      const names = w
        .replace(/\bsizeof\s*\(([^()]*)\)/g, (_, t: string) => (sizeable(t) ? "" : "?"))
        .match(/[A-Za-z_?]\w*/g);
      return (names ?? []).every((n) => ctx.constantNames.has(n)) ? w : d;
    });
    return out.length === 1 ? (out[0] as FieldSpec["array"]) : (out as FieldSpec["array"]);
  };

  const setArray = (field: FieldSpec, dims: (number | "flexible")[], n: AstNode) => {
    const array = arrayOf(dims, n);
    if (array === undefined) return;
    field.array = array;
    const numbers = (dims.length === 1 ? dims[0] : dims) as FieldSpec["array"];
    if (JSON.stringify(array) !== JSON.stringify(numbers)) evaluatedArrays.set(field, numbers);
  };

  /** A type written in a sizeof: a scalar, or a struct or union the header defines. */
  const sizeable = (type: string) => {
    const t = stripQualifiers(type.trim().replace(/\s+/g, " ")).type;
    const tag = tagOf(t);
    return tag ? tag.kind !== "enum" && recordDefs.has(`${tag.kind} ${tag.name}`) : !!scalarByName(t);
  };

  /** The `[...]` groups after a field's name in the header text. */
  const bracketTexts = (field: AstNode): string[] | undefined => {
    const p = posOf(field);
    const text = p && ctx.text(p.file);
    if (!text || !field.name) return undefined;
    let i = p.offset + field.name.length;
    const groups: string[] = [];
    for (;;) {
      while (/\s/.test(text[i] ?? "")) i++;
      if (text[i] !== "[") break;
      let depth = 0;
      const start = i + 1;
      for (; i < text.length; i++) {
        if (text[i] === "[") depth++;
        else if (text[i] === "]" && --depth === 0) break;
      }
      groups.push(text.slice(start, i));
      i++;
    }
    return groups;
  };

  const convertFields = (
    decl: AstNode,
    recordName: string,
    kdoc: KernelDoc | undefined,
    prefix: string,
  ): { fields: FieldSpec[]; packed?: boolean; aligned?: number } | undefined => {
    const fields: FieldSpec[] = [];
    let packed: boolean | undefined;
    let aligned: number | undefined;
    const nested = new Map<string, AstNode>();
    const nestedByTag = new Map<string, AstNode>();
    let ok = true;
    for (const n of decl.inner ?? []) {
      const at = posOf(n);
      switch (n.kind) {
        case "PackedAttr":
          packed = true;
          break;
        case "AlignedAttr": {
          const v = constantValue(n);
          if (v === undefined) {
            problem(
              posOf(decl),
              "error",
              `${recordName}: __attribute__((aligned)) without a value is the target's largest alignment`,
              "write the alignment as a number",
            );
            ok = false;
          } else aligned = Number(v);
          break;
        }
        case "MaxFieldAlignmentAttr":
          problem(
            posOf(decl),
            "error",
            `${recordName}: #pragma pack is not in the spec language`,
            "use packed/aligned",
          );
          ok = false;
          break;
        case "RecordDecl":
          if (at) nested.set(posKey(at), n);
          if (n.name) nestedByTag.set(`${n.tagUsed} ${n.name}`, n);
          break;
        case "FieldDecl": {
          const field = convertField(n, recordName, kdoc, prefix, nested, nestedByTag);
          if (!field) ok = false;
          else fields.push(field);
          break;
        }
        default:
          break;
      }
    }
    return ok ? { fields, ...(packed ? { packed } : {}), ...(aligned ? { aligned } : {}) } : undefined;
  };

  const convertField = (
    n: AstNode,
    recordName: string,
    kdoc: KernelDoc | undefined,
    prefix: string,
    nested: Map<string, AstNode>,
    nestedByTag: Map<string, AstNode>,
  ): FieldSpec | undefined => {
    const at = posOf(n);
    const name = n.name && !n.isImplicit ? n.name : undefined;
    const what = `${recordName}.${name ?? "<anonymous>"}`;
    const qualType = qualTypeOf(n);
    const { base, dims } = splitArrayType(qualType);
    const anonAt = anonymousRecordAt(stripQualifiers(base).type);
    const untagged = untaggedElsewhere(qualType);
    if (untagged)
      problem(
        at,
        "note",
        `${what}: '${base}' is another header's typedef of an untagged ${untagged.decl.tagUsed}; written inline`,
        "the generated header has no tag to name it by; the layout is the same",
      );
    const inlineDecl = untagged?.decl ?? (anonAt ? nested.get(anonAt) : nestedByTag.get(stripQualifiers(base).type));
    const field: FieldSpec = { ...(name !== undefined ? { name } : {}), type: "" };
    const path = name ? `${prefix}${name}` : prefix;
    if (inlineDecl) {
      const kind = inlineDecl.tagUsed as "struct" | "union";
      const inner = convertFields(inlineDecl, what, kdoc, name ? `${path}.` : prefix);
      if (!inner) return undefined;
      const composite: InlineComposite = {
        kind,
        ...(inlineDecl.name ? { tag: inlineDecl.name } : {}),
        fields: inner.fields,
        ...(inner.aligned ? { aligned: inner.aligned } : {}),
        ...(inner.packed ? { packed: true } : {}),
      };
      field.type = composite;
      setArray(field, untagged?.dims ?? dims, n);
    } else {
      const t = typeExpr(qualType, at, what);
      if (!t) return undefined;
      field.type = t.type;
      setArray(field, t.dims, n);
    }
    if (n.isBitfield) field.bits = Number(constantValue(n) ?? 0n);
    for (const attr of n.inner ?? []) {
      if (attr.kind === "PackedAttr") field.packed = true;
      if (attr.kind === "AlignedAttr") {
        const v = constantValue(attr);
        if (v === undefined) {
          problem(at, "error", `${what}: __attribute__((aligned)) without a value`, "write the alignment as a number");
          return undefined;
        }
        field.aligned = Number(v);
      }
    }
    const doc = (name && kdoc?.members.get(path)) ?? (at && trailingAt(at));
    if (doc) field.doc = doc;
    if (at && name) origins.set(`${recordName}:${path}`, at);
    if (at) fieldPositions.set(field, at);
    return field;
  };

  /** The record behind a member's type when it is another header's `typedef struct {...} name`, and its dims. */
  const untaggedElsewhere = (
    qualType: string,
    depth = 0,
  ): { decl: AstNode; dims: (number | "flexible")[] } | undefined => {
    const { base, dims } = splitArrayType(qualType);
    const { type } = stripQualifiers(base);
    const tag = tagOf(type);
    if (tag) {
      const def = tag.kind === "enum" ? undefined : recordDefs.get(`${tag.kind} ${tag.name}`);
      return def && !def.name && !own(def) ? { decl: def, dims } : undefined;
    }
    const td = typedefs.get(type);
    const inner = td && depth < 32 ? untaggedElsewhere(qualTypeOf(td), depth + 1) : undefined;
    return inner && { decl: inner.decl, dims: [...dims, ...inner.dims] };
  };

  const trailingAt = (at: AstPos) => {
    const text = ctx.text(at.file);
    return text ? trailingComment(text, at.offset) : undefined;
  };

  const convertRecord = (d: AstNode, external: boolean) => {
    if (emitted.has(d)) return;
    const name = d.name || typedefOfRecord.get(d);
    const at = posOf(d);
    if (!name) {
      problem(at, "warning", `an anonymous ${d.tagUsed} at file scope declares nothing a spec can name; not imported`);
      return;
    }
    if (!d.name)
      problem(at, "note", `typedef ${d.tagUsed} {...} ${name}: imported as '${d.tagUsed} ${name}' (same layout)`);
    const kdoc = docOf(d);
    const placeholder: StructSpec = { name, doc: "", fields: [] };
    emitted.set(d, placeholder);
    const body = convertFields(d, `${d.tagUsed} ${name}`, kdoc, "");
    if (!body) {
      problem(at, "error", `${d.tagUsed} ${name} is not imported: see the problems above`);
      emitted.delete(d);
      return;
    }
    const spec: StructSpec = {
      name,
      ...(d.tagUsed === "union" ? { kind: "union" as const } : {}),
      doc: kdoc?.doc ?? "",
      fields: body.fields,
      ...(body.aligned ? { aligned: body.aligned } : {}),
      ...(body.packed ? { packed: true } : {}),
      ...(external && at ? { external: { header: ctx.spelling(at.file) } } : {}),
    };
    Object.assign(placeholder, spec);
    if (at) origins.set(name, at);
    structs.push(placeholder);
  };

  function useRecord(def: AstNode) {
    if (!emitted.has(def) && !own(def)) externalQueue.push(def);
  }

  for (const d of top) {
    if (!own(d)) continue;
    if (d.kind === "RecordDecl" && d.completeDefinition) convertRecord(d, false);
    else if (d.kind === "RecordDecl" && !d.completeDefinition && d.name)
      problem(posOf(d), "note", `${d.tagUsed} ${d.name} is only declared here; pointers to it stay incomplete`);
  }
  for (const tag of argumentTags) {
    const def = recordDefs.get(tag);
    if (def) useRecord(def);
  }
  while (externalQueue.length) convertRecord(externalQueue.shift()!, true);

  const enums = top.filter((d) => d.kind === "EnumDecl" && own(d)).flatMap((d) => convertEnum(d));

  function convertEnum(d: AstNode): EnumSpec[] {
    const values: NamedValue[] = [];
    let next = 0n;
    for (const c of d.inner ?? []) {
      if (c.kind !== "EnumConstantDecl" || !c.name) continue;
      const v = constantValue(c) ?? next;
      values.push({
        name: c.name,
        value: v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : String(v),
      });
      next = v + 1n;
    }
    const at = posOf(d);
    if (!values.length) {
      problem(at, "note", `an enum with no enumerators is not imported`);
      return [];
    }
    const kdoc = docOf(d);
    const name = d.name ?? `${values[0]!.name.toLowerCase()}_enum`;
    for (const v of values) {
      const doc = kdoc?.members.get(v.name);
      if (doc) v.doc = doc;
    }
    if (at) origins.set(`enum ${name}`, at);
    return [{ name, doc: kdoc?.doc ?? "", values, emit: d.name ? "enum" : "anonymous-enum" }];
  }

  return { structs: orderLikeHeader(structs, origins), enums, origins, evaluatedArrays, fieldPositions, problems };
}

/** External structs first (they are declared elsewhere), then the header's own in the order it defines them. */
function orderLikeHeader(structs: StructSpec[], origins: Map<string, Origin>): StructSpec[] {
  const external = structs.filter((s) => s.external);
  const own = structs.filter((s) => !s.external);
  own.sort((a, b) => (origins.get(a.name)?.offset ?? 0) - (origins.get(b.name)?.offset ?? 0));
  return [...external, ...own];
}

export { cleanDocText };
