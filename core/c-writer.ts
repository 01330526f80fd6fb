/*
 * The one C writer.  Every piece of C the workbench emits -- the uapi
 * header, the layout asserts, the syscall shims and the verify probes --
 * spells declarations, literals, includes and its own helper names here, so
 * escaping happens in one place (in the spirit of Ajv's code builder).
 *
 * The spec loader and its lint (spec/lint.ts) decide which names and texts
 * are legal; this module keeps them legal: it refuses to write an identifier
 * that is not one, escapes every string literal and comment, and gives the
 * tool's own names a prefix no spec name can have.
 */
import type { AbiEntry } from "../spec/abi.js";
import type { AbiCondition } from "../spec/types.js";
import { ABIS } from "../spec/abis.js";
import { arrayDims, pointerText, type ArrayLength, type CType, type FieldModel, type RecordType } from "./model.js";
import { arrayLength } from "./layout.js";
import {
  alignedOn,
  conditionC,
  conditionHolds,
  packedOn,
  plainlyDisjoint,
  sameCondition,
  type AlignedAttribute,
  type PackedAttribute,
} from "./abi-condition.js";
import { commentSafe, LINE_WIDTH, wrap } from "./c-text.js";

export { commentLine, commentSafe, kernelDocBlock, oneLine, paragraphs, splitBrief, wrap, wrapBody } from "./c-text.js";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `name`, after checking it is a C identifier: a slip past the loader becomes an internal error, not broken C. */
export function cIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`internal error: ${JSON.stringify(name)} is not a C identifier`);
  return name;
}

/**
 * A name the writer introduces itself (probe tables, shim locals, stand-in
 * typedefs).  Spec names may not start with `__` (spec/c-names.ts
 * RESERVED_ANYWHERE; only `__pad*`-style member names are let through), so
 * `__uapi_*` cannot collide with anything a spec declares.
 */
export function toolName(what: string): string {
  if (!/^[a-z0-9_]+$/.test(what)) throw new Error(`internal error: tool name ${JSON.stringify(what)}`);
  return `__uapi_${what}`;
}

/**
 * A C string literal holding `text`: quotes, backslashes, controls and non-ASCII escaped;
 * `??` split so no trigraph forms.
 */
export function cStringLiteral(text: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(text)) {
    const ch = String.fromCharCode(byte);
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (byte >= 0x20 && byte < 0x7f) out += ch;
    else out += `\\${byte.toString(8).padStart(3, "0")}`;
  }
  return `"${out.replace(/\?\?/g, "?\\?")}"`;
}

const INCLUDE_PATH = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.+-]*)*$/;

/**
 * `#include <path>` (or `"path"`); the path must be a plain relative header path
 * (spec/lint.ts checks spec headers the same way).
 */
export function includeLine(header: string, form: "system" | "local" = "system"): string {
  if (!INCLUDE_PATH.test(header) || header.split("/").some((p) => p === "." || p === ".."))
    throw new Error(`internal error: ${JSON.stringify(header)} is not a plain header path`);
  return form === "system" ? `#include <${header}>` : `#include "${header}"`;
}

/** A one-line `/* text *\/` comment, made comment-safe. */
export function lineComment(text: string): string {
  return `/* ${commentSafe(text)} */`;
}

/** An integer constant of any width: int range plain, beyond it as (unsigned) long long. */
export function cInteger(v: bigint | number): string {
  const n = BigInt(v);
  if (n >= -(1n << 31n) && n < 1n << 31n) return `${n}`;
  // -2^63 has no literal: write it as an expression.
  return n < 0n ? `(${n + 1n}LL - 1)` : `${n}ULL`;
}

/** `_Static_assert(expr == expected, "message");` */
export function staticAssert(expr: string, expected: number | bigint, message: string): string {
  return `_Static_assert(${expr} == ${cInteger(expected)}, ${cStringLiteral(message)});`;
}

/* ------------------------------------------------------------------ */
/* Declarations                                                        */
/* ------------------------------------------------------------------ */

/** How one output spells the names and types of a model. */
export interface CSpelling {
  /** A tag the output declares (the header may prefix them). */
  tag(name: string): string;
  /** A scalar type name as the output writes it (the header writes kernel spellings). */
  scalar(name: string): string;
  /** A pointer's target as written in the spec ("struct foo", "void"). */
  pointerTarget(text: string): string;
  /** ISO C90 output: members C90 lacks get `__extension__`, `_Bool` gets a C++ spelling. */
  c90: boolean;
  /**
   * An inline record with a tag is defined where it is used,
   * or (when an enclosing header already defines it) referenced.
   */
  taggedInline: "define" | "reference";
  /** A constant's name as the output writes it (the header may prefix them); as written when absent. */
  macro?(name: string): string;
  /**
   * Write for this one ABI: members and attributes under `when:` are kept or dropped by their condition, and
   * array lengths written as expressions become their value there (stand-ins, which define no constants).
   * Without it `when:` becomes `#if` and lengths keep their expressions.
   */
  abi?: AbiEntry;
}

/** Kernel spellings of the libc types a uapi header may not use (include/uapi/asm-generic/posix_types.h). */
export const KERNEL_SPELLING: ReadonlyMap<string, string> = new Map([
  ["size_t", "__kernel_size_t"],
  ["ssize_t", "__kernel_ssize_t"],
  ["time_t", "__kernel_time_t"],
]);

/** A libc type name as a uapi header writes it; other names pass through. */
export const kernelSpelling = (name: string): string => KERNEL_SPELLING.get(name) ?? name;

/** Spelling as written in the spec, for C that includes the generated header. */
export const SPEC_SPELLING: CSpelling = {
  tag: (n) => n,
  scalar: (n) => n,
  pointerTarget: (t) => t,
  c90: false,
  taggedInline: "reference",
};

/** Native types C90 does not have; they need __extension__ under -pedantic. */
const C99_ONLY = new Set(["long long", "unsigned long long", "_Bool"]);
const C90_BITFIELD_TYPES = new Set(["int", "unsigned int", "signed int"]);

/** `__attribute__((...))` for a record or member, or "". */
export function attributes(aligned: number | undefined, packed: boolean): string {
  const list = [...(packed ? ["__packed__"] : []), ...(aligned !== undefined ? [`__aligned__(${aligned})`] : [])];
  return list.length ? ` __attribute__((${list.join(", ")}))` : "";
}

/**
 * What follows a declaration before its `;`: text on the same line, or a block of lines. An attribute only some
 * ABIs get is such a block, `#if COND` / `__attribute__((...))` / `#endif`: the preprocessor runs before the
 * parser, so the directive may sit inside the declaration, and no macro name has to be invented for it.
 */
type Piece = string | { block: string[] };

/** The attributes of a record or member: unconditional ones inline, conditional ones as `#if` blocks. */
function attributePieces(x: PackedAttribute & AlignedAttribute, spell: CSpelling, indent: string): Piece[] {
  if (spell.abi) return [attributes(alignedOn(x, spell.abi), packedOn(x, spell.abi))];
  const pieces: Piece[] = [attributes(x.aligned, x.packed)];
  const conditional = (when: AbiCondition, attr: string) => ({
    block: [`#if ${conditionC(when, ABIS)}`, `${indent}__attribute__((${attr}))`, "#endif"],
  });
  if (x.packedWhen) pieces.push(conditional(x.packedWhen, "__packed__"));
  if (x.alignedWhen) pieces.push(conditional(x.alignedWhen.when, `__aligned__(${x.alignedWhen.value})`));
  return pieces;
}

/** Lines of `first` followed by `pieces` and the closing `;`; a line after a block starts at `indent`. */
function withPieces(first: string, pieces: Piece[], indent: string): string[] {
  const out: string[] = [];
  let line = first;
  for (const p of pieces) {
    if (typeof p !== "string") {
      out.push(line, ...p.block);
      line = indent;
    } else line += line === indent ? p.trimStart() : p;
  }
  out.push(`${line};`);
  return out;
}

/** An array length between brackets: its expression with the output's names, or its value on `spell.abi`. */
export function lengthSpelling(t: CType & { kind: "array" }, spell: CSpelling): string {
  if (spell.abi) {
    const n = arrayLength(t, spell.abi);
    return n === "flexible" ? "" : String(n);
  }
  const len: ArrayLength = t.length;
  return len === "flexible" ? "" : typeof len === "number" ? String(len) : exprSpelling(len.text, spell);
}

/** A constant expression written in a spec with the output's spellings of tags, scalar types and constants. */
export function exprSpelling(text: string, spell: CSpelling): string {
  return text.replace(/\b(?:(struct|union|enum)(\s+)([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))/g, (...m) => {
    const [, kw, space, tag, word] = m as [string, string?, string?, string?, string?];
    if (kw) return `${kw}${space}${spell.tag(tag!)}`;
    const scalar = spell.scalar(word!);
    return scalar !== word ? scalar : (spell.macro?.(word!) ?? word!);
  });
}

/**
 * Named records `roots` reach by value, dependencies first (declaration order otherwise);
 * only those in `within` when given.
 */
export function declarationOrder(roots: readonly RecordType[], within?: ReadonlySet<RecordType>): RecordType[] {
  const done = new Set<RecordType>();
  const out: RecordType[] = [];
  // An array length's sizeof(struct foo) needs foo complete, as a member of type struct foo does.
  const deps = (t: CType): RecordType[] =>
    t.kind === "array"
      ? [...(typeof t.length === "object" ? t.length.records : []), ...deps(t.element)]
      : t.kind === "record"
        ? t.record.inline
          ? t.record.fields.flatMap((f) => deps(f.type))
          : [t.record]
        : [];
  // Depth-first with an explicit stack: containment chains can be thousands deep (bounded-work tests).
  for (const root of roots) {
    if (done.has(root)) continue;
    done.add(root); // the loader rejects cycles; marking early only guards against them
    const stack: { r: RecordType; deps: RecordType[]; i: number }[] = [{ r: root, deps: depsOf(root), i: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const next = top.deps[top.i++];
      if (next === undefined) {
        stack.pop();
        out.push(top.r);
      } else if (!done.has(next) && (!within || within.has(next))) {
        done.add(next);
        stack.push({ r: next, deps: depsOf(next), i: 0 });
      }
    }
  }
  return out;

  function depsOf(r: RecordType): RecordType[] {
    return r.fields.flatMap((f) => deps(f.type));
  }
}

/** `struct tag { members } attrs;` as lines, members indented by tabs. */
export function recordDefinition(
  r: RecordType,
  spell: CSpelling,
  tag = r.tag ? `${r.kind} ${spell.tag(r.tag)}` : r.kind,
): string[] {
  return [`${tag} {`, ...memberLines(r, spell, 1), ...withPieces("}", attributePieces(r, spell, ""), "")];
}

/**
 * Declarations of a record's members, one per line, indented by `depth` tabs.  Members under `when:` are wrapped
 * in `#if COND` ... `#endif`, one block for a run of members with the same condition; a run whose condition C
 * plainly excludes every earlier one of the block (the other byte order, the other word size) continues it with
 * `#elif`, as linux/ip.h writes iphdr's bit-fields.
 */
export function memberLines(r: RecordType, spell: CSpelling, depth: number): string[] {
  const out: string[] = [];
  let chain: AbiCondition[] = [];
  const close = () => {
    if (chain.length) out.push("#endif");
    chain = [];
  };
  for (const f of r.fields) {
    if (spell.abi) {
      if (conditionHolds(f.when, spell.abi)) out.push(...memberDeclaration(f, spell, depth));
      continue;
    }
    if (!f.when) close();
    else if (!chain.length || !sameCondition(chain[chain.length - 1], f.when)) {
      const elif = chain.length > 0 && chain.every((c) => plainlyDisjoint(c, f.when));
      if (!elif) close();
      out.push(`${elif ? "#elif" : "#if"} ${conditionC(f.when, ABIS)}`);
      chain.push(f.when);
    }
    out.push(...memberDeclaration(f, spell, depth));
  }
  close();
  return out;
}

function memberDeclaration(f: FieldModel, spell: CSpelling, depth: number): string[] {
  const indent = "\t".repeat(depth);
  const { element: base } = arrayDims(f.type);
  let dims = "";
  for (let t = f.type; t.kind === "array"; t = t.element) dims += `[${lengthSpelling(t, spell)}]`;
  const bits = f.bits !== undefined ? ` : ${f.bits}` : "";
  const attrs = attributePieces(f, spell, `${indent}\t`);
  const declarator = `${f.name === undefined ? "" : cIdentifier(f.name)}${dims}${bits}`;
  const ext = spell.c90 && needsExtension(f, base) ? "__extension__ " : "";

  if (base.kind === "record" && base.record.inline && (!base.record.tag || spell.taggedInline === "define")) {
    const inner = base.record;
    const open = `${indent}${ext}${inner.kind}${inner.tag ? ` ${spell.tag(inner.tag)}` : ""} {`;
    const tail = [...attributePieces(inner, spell, indent), ...(declarator ? [` ${declarator}`] : []), ...attrs];
    return [open, ...memberLines(inner, spell, depth + 1), ...withPieces(`${indent}}`, tail, indent)];
  }
  const type = qualified(typeSpelling(base, spell), f.qualifiers);
  const space = type.endsWith("*") || !declarator ? "" : " ";
  const lines = withPieces(`${indent}${ext}${type}${space}${declarator}`, attrs, indent);
  // C++ has no _Bool; its bool has the same size and alignment on every Linux ABI.
  if (spell.c90 && base.kind === "scalar" && base.scalar.name === "_Bool")
    return [
      "#ifdef __cplusplus",
      ...withPieces(`${indent}${qualified("bool", f.qualifiers)}${declarator ? ` ${declarator}` : ""}`, attrs, indent),
      "#else",
      ...lines,
      "#endif",
    ];
  // g++ -pedantic rejects a zero-length array before other members, or alone in a union, even under __extension__
  // (GNU C++ lays it out as GNU C does); the diagnostic is off for this member only.
  if (spell.c90 && zeroLength(f))
    return [
      "#ifdef __cplusplus",
      "#pragma GCC diagnostic push",
      '#pragma GCC diagnostic ignored "-Wpedantic"',
      "#endif",
      ...lines,
      "#ifdef __cplusplus",
      "#pragma GCC diagnostic pop",
      "#endif",
    ];
  return lines;
}

/** Some dimension of the member is 0 on some ABI: GNU C's zero-length array, which ISO C and C++ lack. */
function zeroLength(f: FieldModel): boolean {
  for (let t = f.type; t.kind === "array"; t = t.element) {
    const a = t;
    if (a.length === 0 || (typeof a.length === "object" && ABIS.some((abi) => arrayLength(a, abi) === 0))) return true;
  }
  return false;
}

/** A declaration specifier with the member's own qualifiers: `const __u32`, `char *const`. */
function qualified(type: string, qualifiers: string | undefined): string {
  if (!qualifiers) return type;
  return type.endsWith("*") ? `${type}${qualifiers}` : `${qualifiers} ${type}`;
}

/** A non-array type as a declaration specifier ("__u32", "struct foo", "void *"). */
export function typeSpelling(t: CType, spell: CSpelling): string {
  switch (t.kind) {
    case "scalar":
      return spell.scalar(t.scalar.name);
    case "pointer":
      return pointerText(t.target === "void" ? "void" : spell.pointerTarget(t.target));
    case "enum":
      return `enum ${spell.tag(t.name)}`;
    case "record":
      return t.record.tag ? `${t.record.kind} ${spell.tag(t.record.tag)}` : t.record.kind;
    case "array":
      return typeSpelling(t.element, spell);
  }
}

/** Members ISO C90 lacks but GCC and C++ accept: __extension__ keeps -pedantic quiet without hiding anything else. */
function needsExtension(f: FieldModel, base: CType): boolean {
  if (!f.name && base.kind === "record") return true; // unnamed struct/union member
  if (zeroLength(f)) return true; // GNU zero-length
  for (let t = f.type; t.kind === "array"; t = t.element) {
    if (t.length === "flexible") return true; // C99
    if (typeof t.length === "object" && /[0-9][uU]?[lL]{2}/.test(t.length.text)) return true; // a C99 long long
  }
  if (base.kind === "scalar" && C99_ONLY.has(base.scalar.name)) return true;
  return f.bits !== undefined && !(base.kind === "scalar" && C90_BITFIELD_TYPES.has(base.scalar.name));
}

/* ------------------------------------------------------------------ */
/* Syscall sides (generators/syscall-*.ts)                             */
/* ------------------------------------------------------------------ */

const TYPE_SPELLING = /^(?:[A-Za-z_][A-Za-z0-9_]*|\*)(?: ?(?:[A-Za-z_][A-Za-z0-9_]*|\*))*$/;

/**
 * A type as a declaration specifier writes it (`unsigned int`, `char __user *`, `const struct foo *`):
 * identifiers, single blanks and `*` only, so a slip past the loader becomes an internal error, not broken C.
 */
export function cTypeSpelling(type: string): string {
  if (!TYPE_SPELLING.test(type)) throw new Error(`internal error: ${JSON.stringify(type)} is not a C type spelling`);
  return type;
}

/** `type name` as a parameter or local declaration: `char *buf`, `loff_t pos`. */
export function cDeclaration(type: string, name: string): string {
  const t = cTypeSpelling(type);
  return t.endsWith("*") ? `${t}${cIdentifier(name)}` : `${t} ${cIdentifier(name)}`;
}

/**
 * `#if` / `#elif` over the OR of `conditions` (each parenthesised), one condition per line, continued with
 * backslashes.  The conditions are preprocessor expressions from the ABI table (`AbiEntry.predefined`) or the
 * generators' own; they must stay on one line each.
 */
export function conditionDirective(keyword: "#if" | "#elif", conditions: readonly string[]): string[] {
  if (!conditions.length) throw new Error(`internal error: ${keyword} without a condition`);
  for (const c of conditions)
    if (/[\r\n\\]|\/\*|\*\/|\/\//.test(c)) throw new Error(`internal error: condition ${JSON.stringify(c)}`);
  const parts = conditions.map((c) => (conditions.length > 1 ? `(${c})` : c));
  return parts.map((p, i) => `${i === 0 ? `${keyword} ` : "\t"}${p}${i < parts.length - 1 ? " || \\" : ""}`);
}

/** `#error "message"` with the message as an escaped string literal. */
export function errorDirective(message: string): string {
  return `#error ${cStringLiteral(message)}`;
}

/** A `# text` comment line of a kernel syscall table (scripts/syscall.tbl format), made safe like a C comment. */
export function tableComment(text: string): string {
  const safe = commentSafe(text);
  return safe ? `# ${safe}` : "#";
}

/** A comment inside a function body, indented by one tab: `/* text *\/` on one line, or a wrapped block. */
export function bodyComment(text: string): string[] {
  const lines = wrap(text, "", "", LINE_WIDTH - 11);
  return lines.length === 1 ? [`\t/* ${lines[0]} */`] : ["\t/*", ...lines.map((l) => `\t * ${l}`), "\t */"];
}

/** `# text` comment lines of a kernel syscall table, wrapped at `width` columns. */
export function tableCommentLines(text: string, width = 100): string[] {
  return commentSafe(text) ? wrap(text, "# ", "#   ", width) : ["#"];
}

/**
 * A call or definition head with its arguments, `head(a, b, c)tail`, wrapped at `LINE_WIDTH` columns the way
 * kernel code continues an argument list: later lines indented by `indent` (tabs count 8).
 */
export function wrappedCall(head: string, args: readonly string[], tail = "", indent = "\t\t"): string[] {
  const width = (s: string) => [...s].reduce((w, ch) => (ch === "\t" ? w + 8 - (w % 8) : w + 1), 0);
  const lines: string[] = [];
  let line = `${head}(`;
  args.forEach((a, i) => {
    const piece = `${a}${i < args.length - 1 ? "," : `)${tail}`}`;
    const glue = line.endsWith("(") || line === indent ? "" : " ";
    if (line !== `${head}(` && line !== indent && width(line + glue + piece) > LINE_WIDTH) {
      lines.push(line);
      line = indent + piece;
    } else line += glue + piece;
  });
  if (!args.length) line += `)${tail}`;
  lines.push(line);
  return lines;
}

/* ------------------------------------------------------------------ */
/* Kernel-side statements (generators/kernel-*.ts)                     */
/* ------------------------------------------------------------------ */

/** A plain block comment at `indent`, one wrapped paragraph per text with a blank comment line between them. */
export function blockCommentLines(texts: readonly string[], indent = ""): string[] {
  const width = LINE_WIDTH - 3 - [...indent].reduce((w, ch) => (ch === "\t" ? w + 8 - (w % 8) : w + 1), 0);
  const body = texts
    .filter((t) => commentSafe(t))
    .flatMap((t, i) => [...(i ? [""] : []), ...wrap(t, "", t.startsWith("- ") ? "  " : "", width)]);
  return [`${indent}/*`, ...body.map((l) => (l ? `${indent} * ${l}` : `${indent} *`)), `${indent} */`];
}

/**
 * `if (a && b && c)` at `indent`, the terms joined by `op` and continued the kernel's way past `LINE_WIDTH`
 * columns: later lines start under the first term.  Terms are C expressions the caller built from checked names.
 */
export function ifLines(indent: string, terms: readonly string[], op: "&&" | "||" = "&&"): string[] {
  if (!terms.length) throw new Error("internal error: an if without a condition");
  const width = (s: string) => [...s].reduce((w, ch) => (ch === "\t" ? w + 8 - (w % 8) : w + 1), 0);
  const lines: string[] = [];
  let line = `${indent}if (`;
  const cont = `${indent}    `;
  terms.forEach((term, i) => {
    const piece = `${term}${i < terms.length - 1 ? ` ${op}` : ")"}`;
    const fresh = line === `${indent}if (` || line === cont;
    if (!fresh && width(`${line} ${piece}`) > LINE_WIDTH) {
      lines.push(line);
      line = cont + piece;
    } else line += fresh ? piece : ` ${piece}`;
  });
  lines.push(line);
  return lines;
}
