/*
 * The uapi header generator: one include/uapi/<header> per interface, in
 * kernel style, with kernel-doc on every struct, member, flag set and ioctl.
 *
 * C text is built here and only placed by templates/header.h.hbs.  Every
 * free text goes through syscall/c-text.ts (comment-safe, wrapped); every name was
 * checked to be a C identifier by the loader.  Headers must pass
 * `gcc -std=c90 -pedantic -Werror` and g++, so C90 extensions (unnamed
 * members, flexible arrays, non-int bit-fields, long long) carry
 * `__extension__` and enumerators stay within int.
 */
import { iocMacro } from "../runtime/ioc.js";
import path from "node:path";
import type {
  AbiCondition,
  ConstantSpec,
  EnumSpec,
  FieldSpec,
  FlagSetSpec,
  NamedValue,
  StructSpec,
  StructVersion,
} from "../spec/types.js";
import { REPO_ROOT } from "../core/paths.js";
import {
  parseInteger,
  type CommandModel,
  type CType,
  type FieldModel,
  type InterfaceModel,
  type RecordType,
  type SpecModel,
} from "../core/model.js";
import { castOperand, integerForms, specialUses, type SpecialUse } from "../core/special-values.js";
import { flagMaskName } from "../core/contract.js";
import { conditionHeaders } from "../core/abi-condition.js";
import { sizeofTypes } from "../core/const-expr.js";
import { ABIS } from "../spec/abis.js";
import { scalarByName } from "../core/scalars.js";
import {
  cInteger,
  commentLine,
  declarationOrder,
  includeLine,
  kernelDocBlock,
  kernelSpelling,
  lengthSpelling,
  paragraphs,
  recordDefinition,
  splitBrief,
  typeSpelling,
  wrapBody,
  type CSpelling,
} from "../core/c-writer.js";
import type { Generator, OutputFile } from "./generator.js";
import { renderTemplate } from "./templates.js";

export interface HeaderOptions {
  /**
   * Prepended to every name the header defines (tags, macros, enumerators),
   * and to the include guard.  Used by probes that compile our declarations
   * next to another header declaring the same names.
   */
  prefix?: string;
}

/** Where an interface's header goes, relative to out/. */
export function headerOutputPath(ifc: InterfaceModel): string {
  const base = ifc.spec.variant ? `variants/${ifc.spec.variant}/include/uapi` : "include/uapi";
  return `${base}/${ifc.spec.header}`;
}

/** The directory to pass with -I so that `#include <header>` finds an interface's header, relative to out/. */
export function headerIncludeDir(ifc: InterfaceModel): string {
  return ifc.spec.variant ? `variants/${ifc.spec.variant}/include/uapi` : "include/uapi";
}

/**
 * The spec path shown in banners: repository-relative for bundled specs, the file name otherwise (stable across
 * machines).
 */
export function specDisplayName(model: SpecModel): string {
  const rel = path.relative(REPO_ROOT, path.resolve(model.file)).split(path.sep).join("/");
  return rel.startsWith("..") || path.isAbsolute(rel) ? path.basename(model.file) : rel;
}

export const headerGenerator: Generator = {
  name: "header",
  generate(models: readonly SpecModel[]): OutputFile[] {
    return models.flatMap((m) =>
      m.interfaces.map((ifc) => ({ path: headerOutputPath(ifc), content: renderHeader(m, ifc) })),
    );
  },
};

const INT_MAX = 2n ** 31n - 1n;
const INT_MIN = -(2n ** 31n);

/** Render the header text of one interface. */
export function renderHeader(model: SpecModel, ifc: InterfaceModel, opts: HeaderOptions = {}): string {
  return renderTemplate("header.h.hbs", headerTemplateData(model, ifc, opts));
}

/** What templates/header.h.hbs places for one interface: the banner, guard, include lines and sections, as C text. */
export function headerTemplateData(model: SpecModel, ifc: InterfaceModel, opts: HeaderOptions = {}) {
  const names = new Namer(ifc, opts.prefix ?? "");
  const magicConstants = new Set(
    ifc.commands.map((c) => c.spec.magic).filter((m): m is string => typeof m === "string" && ifc.constants.has(m)),
  );
  const enumTypesUsed = enumsUsedAsTypes(ifc);
  const emitted = sortByDependency(ifc.records.filter((r) => !r.external));

  const sections: string[] = [];
  for (const c of ifc.constants.values()) sections.push(renderConstant(c, names, magicConstants.has(c.name)));
  for (const f of ifc.flagSets.values()) sections.push(renderFlagSet(f, names));
  for (const e of ifc.enums.values()) sections.push(renderEnum(e, names, enumTypesUsed.has(e.name)));
  sections.push(...renderSpecials(ifc, names));
  for (const r of emitted) sections.push(renderRecord(r, names), ...renderVersions(r, names));
  for (const c of ifc.commands) sections.push(renderCommand(c, ifc, names));

  const guard = `_UAPI_${(opts.prefix ?? "").toUpperCase()}${ifc.spec.header.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
  return {
    banner: banner(model, ifc),
    guard,
    includes: headerIncludes(ifc, emitted).map((h) => includeLine(h)),
    sections,
  };
}

function banner(model: SpecModel, ifc: InterfaceModel): string {
  const status = ifc.spec.status
    ? `${ifc.spec.status.state}${ifc.spec.status.version ? `, ${ifc.spec.status.version}` : ""}`
    : undefined;
  const what =
    `Generated by uapi-workbench from ${specDisplayName(model)} (interface ${ifc.spec.name}` +
    `${ifc.spec.variant ? `, variant ${ifc.spec.variant}` : ""}${status ? `; status: ${status}` : ""}).`;
  const body = [
    ...wrapBody(`${ifc.spec.header} - ${splitBrief(ifc.spec.doc).brief}`),
    "",
    ...wrapBody(what),
    ...wrapBody("Do not edit: change the spec and run `uapi generate`."),
  ];
  return ["/*", ...body.map(commentLine), " */"].join("\n");
}

/**
 * linux/ioctl.h and linux/types.h always; the header of an external struct used by value, and of a kernel typedef
 * declared elsewhere (core/scalars.ts: __kernel_sa_family_t is in linux/socket.h).
 */
function headerIncludes(ifc: InterfaceModel, emitted: RecordType[]): string[] {
  const external = new Set<string>();
  const visit = (t: CType) => {
    if (t.kind === "array") {
      // sizeof(struct iovec) in a length needs the struct's definition too.
      if (typeof t.length === "object") sizeofTypes(t.length.expr).forEach(visit);
      visit(t.element);
    } else if (t.kind === "record") {
      if (t.record.external) external.add(t.record.external.header);
      else if (t.record.inline) t.record.fields.forEach((f) => visit(f.type));
    } else if (t.kind === "scalar" || t.kind === "pointer") {
      const header = t.kind === "scalar" ? t.scalar.header : scalarByName(t.target.replace(/[\s*]+$/, ""))?.header;
      if (header) external.add(header);
    }
  };
  emitted.forEach((r) => r.fields.forEach((f) => visit(f.type)));
  ifc.commands.forEach((c) => c.arg && c.spec.dir !== "none" && visit(c.arg));
  for (const h of conditionHeadersIn(emitted)) external.add(h);
  const fixed = ["linux/ioctl.h", "linux/types.h"];
  return [...fixed, ...[...external].filter((h) => !fixed.includes(h)).sort()];
}

/** The kernel headers the `#if` conditions of `when:` members and attributes test (asm/byteorder.h, ...). */
function conditionHeadersIn(records: RecordType[]): Set<string> {
  const headers = new Set<string>();
  const add = (c: AbiCondition | undefined) => c && conditionHeaders(c).forEach((h) => headers.add(h));
  const walk = (r: RecordType) => {
    add(r.packedWhen);
    add(r.alignedWhen?.when);
    for (const f of r.fields) {
      add(f.when);
      add(f.packedWhen);
      add(f.alignedWhen?.when);
      inlineRecords(f.type).forEach(walk);
    }
  };
  records.forEach(walk);
  return headers;
}

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

/** Spells the names this interface defines, with the optional prefix; other names pass through. */
class Namer {
  private readonly macros = new Set<string>();
  private readonly tags = new Set<string>();
  constructor(
    ifc: InterfaceModel,
    readonly prefix: string,
  ) {
    for (const c of ifc.constants.values()) this.macros.add(c.name);
    for (const f of ifc.flagSets.values()) {
      f.bits.forEach((b) => this.macros.add(b.name));
      this.macros.add(flagMaskName(f));
    }
    for (const e of ifc.enums.values()) {
      e.values.forEach((v) => this.macros.add(v.name));
      this.tags.add(e.name);
    }
    for (const c of ifc.commands) this.macros.add(c.spec.name);
    for (const r of ifc.records) for (const v of versionsOf(r)) this.macros.add(v.name);
    for (const use of specialUses(ifc.spec, ifc.path)) this.macros.add(use.special.name);
    const addTags = (r: RecordType) => {
      if (r.tag && !r.external) this.tags.add(r.tag);
      r.fields.forEach((f) => inlineRecords(f.type).forEach(addTags));
    };
    ifc.records.forEach(addTags);
  }
  /** The C writer's spelling for this header: prefixed tags, kernel spellings of libc types, C90 with extensions. */
  readonly spelling: CSpelling = {
    tag: (n) => this.tag(n),
    scalar: kernelSpelling,
    pointerTarget: (t) => this.typeExpr(t),
    c90: true,
    taggedInline: "define",
    macro: (n) => this.macro(n),
  };
  macro(name: string): string {
    return this.macros.has(name) ? this.prefix + name : name;
  }
  tag(name: string): string {
    return this.tags.has(name) ? this.prefix + name : name;
  }
  /** Rename the identifiers of a C expression that this interface defines (char literals untouched). */
  expr(text: string): string {
    if (!this.prefix) return text;
    const token = /'(?:[^'\\]|\\.)*'|\b(struct|union|enum)(\s+)([A-Za-z_][A-Za-z0-9_]*)|[A-Za-z_][A-Za-z0-9_]*/g;
    return text.replace(token, (tok, kw?: string, space?: string, tag?: string) =>
      tok.startsWith("'") ? tok : kw ? `${kw}${space}${this.tag(tag!)}` : this.macro(tok),
    );
  }
  /** A type expression written in a spec ("struct foo", "__s16", "size_t", "const struct foo * const"). */
  typeExpr(text: string): string {
    const t = text.trim().replace(/\s+/g, " ");
    return t.replace(/\b(?:(struct|union|enum) ([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))/g, (...m) => {
      const [, kw, tag, word] = m as [string, string?, string?, string?];
      return kw ? `${kw} ${this.tag(tag!)}` : kernelSpelling(word!);
    });
  }
}

function inlineRecords(t: CType): RecordType[] {
  if (t.kind === "array") return inlineRecords(t.element);
  return t.kind === "record" && t.record.inline ? [t.record] : [];
}

/* ------------------------------------------------------------------ */
/* Constants, flags and enums                                          */
/* ------------------------------------------------------------------ */

function renderConstant(c: ConstantSpec, names: Namer, asMagic: boolean): string {
  const value =
    typeof c.value === "number"
      ? asMagic && c.value >= 0
        ? `0x${c.value.toString(16).padStart(2, "0")}`
        : c.value < 0
          ? `(${c.value})`
          : String(c.value)
      : names.expr(singleLine(c.value, c.name));
  const define = `#define ${names.macro(c.name)} ${value}`;
  if (!c.doc) return define;
  return `${macroDoc(names.macro(c.name), c.doc)}\n${define}`;
}

/**
 * A constant expression must stay on its line; the loader guarantees it, this makes a slip an internal error,
 * not broken C.
 */
function singleLine(expr: string, name: string): string {
  const text = expr.trim();
  if (/[\r\n\u2028\u2029]|\/\*|\*\/|\/\/|\\/.test(text.replace(/'(?:[^'\\\n]|\\.)'/g, "''")))
    throw new Error(`constant ${name}: value ${JSON.stringify(expr)} is not a single-line C expression`);
  return text;
}

/** kernel-doc for an object-like macro: `define NAME - brief`, then the rest. */
function macroDoc(name: string, doc: string): string {
  const [first = "", ...more] = paragraphs(doc);
  const { brief, rest } = splitBrief(first);
  const body = wrapBody(`define ${name} - ${brief}`);
  for (const p of [rest, ...more].filter(Boolean)) body.push("", ...wrapBody(p));
  return kernelDocBlock(body);
}

/**
 * A DOC: section naming a group of values, with one `%NAME: doc` line each (valid kernel-doc for anonymous enums
 * and #define groups).
 */
function groupDoc(title: string, doc: string, items: { name: string; doc?: string }[]): string {
  const body = [`DOC: ${title}`, ""];
  paragraphs(doc).forEach((p, i) => body.push(...(i ? [""] : []), ...wrapBody(p)));
  const documented = items.filter((i) => i.doc);
  if (documented.length) {
    body.push("");
    for (const i of documented) body.push(...wrapBody(i.doc!, `%${i.name}: `, "\t"));
  }
  return kernelDocBlock(body);
}

/**
 * The bits as `#define`s (or an anonymous enum), then the mask of the known bits, `mask:` or `<NAME>_ALL`
 * (core/contract.ts flagMaskName): the generated kernel side rejects a word with any other bit set, and a driver
 * that tests against the mask learns of a new flag by recompiling.
 */
function renderFlagSet(f: FlagSetSpec, names: Namer): string {
  const wide = f.width === 64;
  const bitExpr = (bit: number) => (wide ? `(1ULL << ${bit})` : `(1U << ${bit})`);
  const known = f.bits.filter((b) => !b.reserved);
  const maskName = names.macro(flagMaskName(f));
  const mask = `#define ${maskName} ${known.length ? `(${known.map((b) => names.macro(b.name)).join(" | ")})` : "0"}`;
  const docItems = f.bits.map((b) => ({
    name: names.macro(b.name),
    doc: b.reserved ? `Reserved, must be zero.${b.doc ? ` ${b.doc}` : ""}` : b.doc,
  }));
  const doc = groupDoc(f.name, `${f.doc} ${maskName} is the mask of the known bits.`, docItems);
  // Enumerators are int in C: an anonymous enum only holds bits below 31.
  // 1ULL is not C90, so 64-bit sets cast instead; the value is the same.
  if (f.asEnum && f.bits.every((b) => b.bit < 31)) {
    const lines = enumeratorLines(
      f.bits.map((b) => `${names.macro(b.name)} = ${wide ? `(__u64)1 << ${b.bit}` : `1U << ${b.bit}`}`),
    );
    return [doc, "enum {", ...lines, "};", mask].join("\n");
  }
  const lines = f.bits.map((b) => `#define ${names.macro(b.name)} ${bitExpr(b.bit)}`);
  return [doc, ...lines, mask].join("\n");
}

/** C90 allows no comma after the last enumerator. */
function enumeratorLines(items: string[]): string[] {
  return items.map((item, i) => `\t${item}${i < items.length - 1 ? "," : ""}`);
}

function valueText(v: NamedValue): { text: string; big: bigint } {
  if (typeof v.value === "number") return { text: String(v.value), big: BigInt(v.value) };
  const text = v.value.trim();
  const magnitude = BigInt(text.replace(/^-/, ""));
  return { text, big: text.startsWith("-") ? -magnitude : magnitude };
}

function renderEnum(e: EnumSpec, names: Namer, usedAsType: boolean): string {
  const values = e.values.map((v) => ({ v, ...valueText(v) }));
  const fitsInt = values.every(({ big }) => big >= INT_MIN && big <= INT_MAX);
  // A field typed `enum NAME` needs the named type; values beyond int cannot be enumerators in ISO C.
  const emit = usedAsType ? "enum" : !fitsInt ? "defines" : (e.emit ?? "enum");
  const items = values.map(({ v }) => ({ name: names.macro(v.name), doc: v.doc }));
  if (emit === "defines") {
    const lines = values.map(
      ({ v, text }) => `#define ${names.macro(v.name)} ${text.startsWith("-") ? `(${text})` : text}`,
    );
    return [groupDoc(e.name, e.doc, items), ...lines].join("\n");
  }
  const lines = enumeratorLines(values.map(({ v, text }) => `${names.macro(v.name)} = ${text}`));
  if (emit === "anonymous-enum") return [groupDoc(e.name, e.doc, items), "enum {", ...lines, "};"].join("\n");
  const [first = "", ...more] = paragraphs(e.doc);
  const { brief, rest } = splitBrief(first);
  const body = wrapBody(`enum ${names.tag(e.name)} - ${brief}`);
  for (const i of items) body.push(...wrapBody(i.doc ?? "Not documented in the spec.", `@${i.name}: `, "\t"));
  for (const p of [rest, ...more].filter(Boolean)) body.push("", ...wrapBody(p));
  return [kernelDocBlock(body), `enum ${names.tag(e.name)} {`, ...lines, "};"].join("\n");
}

function enumsUsedAsTypes(ifc: InterfaceModel): Set<string> {
  const used = new Set<string>();
  const visit = (t: CType) => {
    if (t.kind === "enum") used.add(t.name);
    else if (t.kind === "array") {
      if (typeof t.length === "object") sizeofTypes(t.length.expr).forEach(visit);
      visit(t.element);
    } else if (t.kind === "record" && t.record.inline) t.record.fields.forEach((f) => visit(f.type));
  };
  ifc.records.filter((r) => !r.external).forEach((r) => r.fields.forEach((f) => visit(f.type)));
  ifc.commands.forEach((c) => c.arg && visit(c.arg));
  return used;
}

/**
 * One `#define NAME ((T)L)` per special value name, in the order of first use (core/special-values.ts): T is the
 * first field's type, L the integer that casts to exactly the value that field reads (`((__u64)-1)`, never a bare
 * `-1` of type int).  The lint guarantees every use of a name has that value; a name that is also a constant of
 * that value is the constant's define.
 */
function renderSpecials(ifc: InterfaceModel, names: Namer): string[] {
  const byName = new Map<string, SpecialUse[]>();
  for (const use of specialUses(ifc.spec, ifc.path)) {
    if (ifc.constants.has(use.special.name)) continue;
    const uses = byName.get(use.special.name);
    if (uses) uses.push(use);
    else byName.set(use.special.name, [use]);
  }
  return [...byName.values()].map((uses) => renderSpecial(uses, ifc, names));
}

function renderSpecial(uses: SpecialUse[], ifc: InterfaceModel, names: Namer): string {
  const { special, type, bits } = uses[0]!;
  const forms = type === undefined ? undefined : integerForms(type, bits, ifc.enums, ABIS);
  const raw = parseInteger(special.value);
  if (!forms || raw === undefined) throw new Error(`special value ${special.name}: no integer field or value`);
  const name = names.macro(special.name);
  const members = [...new Set(uses.map((u) => u.member))];
  const doc = `${special.doc ?? `Special value ${name}.`}\n\nA special value of ${members.join(", ")}.`;
  return `${macroDoc(name, doc)}\n#define ${name} ((${names.typeExpr(type!)})${cInteger(castOperand(raw, forms))})`;
}

/* ------------------------------------------------------------------ */
/* Structs and unions                                                  */
/* ------------------------------------------------------------------ */

/** Declaration order, except that a record used by value comes before its user (stable depth-first). */
export function sortByDependency(records: RecordType[]): RecordType[] {
  return declarationOrder(records, new Set(records));
}

function renderRecord(r: RecordType, names: Namer): string {
  const head = `${r.kind} ${names.tag(r.tag!)}`;
  const [first = "", ...more] = paragraphs(r.doc);
  const { brief, rest } = splitBrief(first);
  const body = wrapBody(`${head} - ${brief}`);
  body.push(...memberDocs(r.fields, ""));
  for (const p of [rest, ...more].filter(Boolean)) body.push("", ...wrapBody(p));
  const lines = recordDefinition(r, names.spelling, head);
  return `${kernelDocBlock(body)}\n${lines.join("\n")}`;
}

/** The published sizes of an extensible struct (`extensible.versions`), oldest first. */
function versionsOf(r: RecordType): StructVersion[] {
  return r.inline ? [] : ((r.spec as StructSpec).extensible?.versions ?? []);
}

/**
 * One documented `#define NAME size` per published size of an extensible struct, after the struct, as
 * include/uapi/linux/openat2.h defines OPEN_HOW_SIZE_VER0: user space passes the size it was built with, and the
 * kernel side rejects a size below the first with -EINVAL (core/contract.ts minimumCallerSize).
 */
function renderVersions(r: RecordType, names: Namer): string[] {
  const versions = versionsOf(r);
  const struct = `${r.kind} ${names.tag(r.tag!)}`;
  return versions.map((v, i) => {
    const brief =
      i === 0
        ? `sizeof(${struct}) as first published, the smallest size the kernel accepts.`
        : `sizeof(${struct}) as published with extension ${i}.`;
    const doc = v.doc ? `${brief}\n\n${v.doc}` : brief;
    return `${macroDoc(names.macro(v.name), doc)}\n#define ${names.macro(v.name)} ${cInteger(v.size)}`;
  });
}

/**
 * `@name:` lines for every member, `@outer.inner:` for members of named inline records (kernel-doc nested syntax);
 * a name declared once per `when:` condition (iphdr's ihl) is documented once.
 */
function memberDocs(fields: FieldModel[], prefix: string, documented = new Set<string>()): string[] {
  const out: string[] = [];
  for (const f of fields) {
    const inner = inlineRecords(f.type)[0];
    if (f.name && !documented.has(`${prefix}${f.name}`)) {
      documented.add(`${prefix}${f.name}`);
      out.push(...wrapBody(fieldDoc(f.spec), `@${prefix}${f.name}: `, "\t"));
    }
    if (inner) out.push(...memberDocs(inner.fields, f.name ? `${prefix}${f.name}.` : prefix, documented));
  }
  return out;
}

function fieldDoc(f: FieldSpec): string {
  if (f.doc) return f.doc;
  if (f.padding) return "Padding, must be zero.";
  if (f.reserved) return "Reserved for future use, must be zero.";
  return "Not documented in the spec.";
}

/* ------------------------------------------------------------------ */
/* ioctl commands                                                      */
/* ------------------------------------------------------------------ */

/** The magic as the constant's name, a char literal for a one-character string, else hex. */
export function magicText(cmd: CommandModel, ifc: InterfaceModel, names: { macro(n: string): string }): string {
  const m = cmd.spec.magic;
  if (typeof m === "string" && ifc.constants.has(m)) return names.macro(m);
  if (typeof m === "string" && m.length === 1 && /^[\x20-\x7e]$/.test(m) && m !== "'" && m !== "\\") return `'${m}'`;
  return `0x${cmd.magic.toString(16).padStart(2, "0")}`;
}

function renderCommand(c: CommandModel, ifc: InterfaceModel, names: Namer): string {
  const magic = magicText(c, ifc, names);
  const nr = `0x${c.spec.nr.toString(16).padStart(2, "0")}`;
  const macro = iocMacro(c.spec.dir);
  const args = c.spec.dir === "none" || !c.arg ? `${magic}, ${nr}` : `${magic}, ${nr}, ${argTypeText(c.arg, names)}`;
  const doc = c.spec.argConvention ? `${c.spec.doc}\n\nArgument: ${c.spec.argConvention}` : c.spec.doc;
  return `${macroDoc(names.macro(c.spec.name), doc)}\n#define ${names.macro(c.spec.name)} ${macro}(${args})`;
}

function argTypeText(t: CType, names: Namer): string {
  let text = typeSpelling(t, names.spelling).trimEnd();
  for (let a = t; a.kind === "array"; a = a.element) text += `[${lengthSpelling(a, names.spelling)}]`;
  return text;
}
