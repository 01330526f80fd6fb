/*
 * What the kernel side rejects in an ioctl argument, as C: the body of `<tag>_is_valid()` for one struct or union
 * (generators/kernel-handlers.ts writes the rest of the file).  The rules are the uapi contract the TypeScript
 * codec enforces on decode (generators/codec-plan.ts, CODECS.md), so a handler and a decoder accept the same bytes:
 *
 * - a must-be-zero member (core/contract.ts isMustBeZero) that is not zero;
 * - a flags member with a bit outside its set's mask (`<SET>_ALL`), unless it equals one of its `special:` values;
 * - an enum member (`enum:`, or typed `enum NAME`) that is none of the declared values or specials;
 * - a _Bool whose byte is neither 0 nor 1;
 * - a padding bit or byte (one no member covers, on the compiler's ABI) that is not zero.
 *
 * Members the command only writes (`flow: out`, for it) are not checked: the kernel never reads them.
 *
 * The same precedence as codec-plan.ts ruleFor(): must-be-zero, then flags, then enum.  Members of a union with
 * more than one member are raw views of the same bytes and get no rules (only its padding is checked), as in the
 * codec.  Everything is written once for every ABI: member access by name, sizes by sizeof, padding found by
 * clearing every member of a copy and testing what is left, and `when:` members under the header's `#if`.
 */
import { flagMaskName, isMustBeZero } from "../core/contract.js";
import { conditionC } from "../core/abi-condition.js";
import { layoutType } from "../core/layout.js";
import {
  elementType,
  memberFlowFor,
  parseInteger,
  type CommandModel,
  type CType,
  type FieldModel,
  type InterfaceModel,
  type RecordType,
} from "../core/model.js";
import { signedOn, sizesAcrossAbis } from "../core/scalars.js";
import { ABIS } from "../spec/abis.js";
import type { EnumSpec, FlagSetSpec, Flow } from "../spec/types.js";
import {
  blockCommentLines,
  cIdentifier,
  cInteger,
  conditionDirective,
  ifLines,
  lineComment,
} from "../core/c-writer.js";
import { normalise, planRecord } from "./codec-plan.js";

/** A value rule on a member: the codec's Rule without the per-ABI normalisation (that happens in C, by casts). */
type MemberRule = { kind: "zero" } | { kind: "flags"; set: FlagSetSpec } | { kind: "enum"; spec: EnumSpec };

/** The rule codec-plan.ts ruleFor() gives the member, in the same order. */
function memberRule(f: FieldModel, t: CType, ifc: InterfaceModel): MemberRule | undefined {
  if (isMustBeZero(f.spec)) return { kind: "zero" };
  const set = f.spec.flags ? ifc.flagSets.get(f.spec.flags) : undefined;
  if (set) return { kind: "flags", set };
  const e = f.spec.enum ? ifc.enums.get(f.spec.enum) : t.kind === "enum" ? t.spec : undefined;
  return e ? { kind: "enum", spec: e } : undefined;
}

/**
 * Where the walk is: the indentation, the loop variables in use, whether rules apply (not in a raw union), and
 * for the command at hand the member path (`msg.type`, as `flow:` maps name members) and the flow inherited.
 */
interface Walk {
  indent: string;
  loops: number;
  raw: boolean;
  ifc: InterfaceModel;
  cmd: CommandModel;
  path: string;
  flow?: Flow;
}

/** Loop variables by nesting depth: i, j, k, then i3, i4, ... */
const loopVar = (depth: number) => ["i", "j", "k"][depth] ?? `i${depth}`;

/** The members a codec reads: named ones and anonymous records; no zero-width or unnamed bit-fields. */
const readMembers = (r: RecordType) =>
  r.fields.filter((f) => f.bits !== 0 && (f.name !== undefined || f.bits === undefined));

/** A union of more than one member: every member is a raw view, no rules apply (codec-plan.ts rawView). */
const isRawUnion = (r: RecordType) => r.kind === "union" && readMembers(r).length > 1;

const isBool = (t: CType) => t.kind === "scalar" && t.scalar.cls === "bool";
/** Floating types (and long double's bytes): the codec reads them with no rule. */
const isFloating = (t: CType) => t.kind === "scalar" && !t.scalar.integer && t.scalar.cls !== "ptr";

/** Lines under `f.when`'s `#if`, as the header declares the member; the lines themselves when it has none. */
function underCondition(f: FieldModel, lines: string[]): string[] {
  if (!lines.length || !f.when) return lines;
  const cond = conditionC(f.when, ABIS);
  return [...conditionDirective("#if", [cond]), ...lines, `#endif ${lineComment(cond)}`];
}

/** `for (size_t i = 0; i < ARRAY_SIZE(x); i++) {` around `inner(x[i])` for each dimension of an array type. */
function overElements(
  t: CType,
  x: string,
  w: Walk,
  inner: (element: CType, lvalue: string, w: Walk) => string[],
): string[] {
  if (t.kind !== "array") return inner(t, x, w);
  // A flexible array is not part of sizeof; a zero-length one has no elements (and `i < 0` would not compile).
  if (t.length === "flexible" || t.length === 0) return [];
  const i = loopVar(w.loops);
  const body = overElements(t.element, `${x}[${i}]`, { ...w, indent: `${w.indent}\t`, loops: w.loops + 1 }, inner);
  if (!body.length) return [];
  return [`${w.indent}for (size_t ${i} = 0; ${i} < ARRAY_SIZE(${x}); ${i}++) {`, ...body, `${w.indent}}`];
}

/* ------------------------------------------------------------------ */
/* Value rules                                                          */
/* ------------------------------------------------------------------ */

/** Width and signedness of a member's value on one ABI, as the codec normalises values (codec-plan.ts). */
function valueRange(f: FieldModel, t: CType, abi: (typeof ABIS)[number]): { bits: number; signed: boolean } {
  const signed =
    t.kind === "enum"
      ? t.spec.values.some((v) => (parseInteger(v.value) ?? 0n) < 0n)
      : t.kind === "scalar"
        ? signedOn(t.scalar, abi)
        : false;
  return { bits: f.bits ?? layoutType(t, abi).size * 8, signed };
}

/**
 * The C operand to compare member `x` with for the named value `v`: the name itself when `v` fits the member on
 * every ABI (then C's comparison is exact), else the name converted to the member's type, which is what the codec
 * compares with (the value normalised to the member's width and signedness).  A bit-field has no typeof: the
 * normalised value as a literal, when every ABI agrees on it.
 */
function valueOperand(name: string, v: bigint, f: FieldModel, t: CType, x: string): string {
  const forms = new Set(ABIS.map((abi) => valueRange(f, t, abi)).map(({ bits, signed }) => normalise(v, bits, signed)));
  const n = cIdentifier(name);
  if (forms.size === 1 && forms.has(v)) return n;
  if (f.bits === undefined) return `(typeof(${x}))${n}`;
  return forms.size === 1 ? `${cInteger([...forms][0]!)} ${lineComment(n)}` : n;
}

/** The declared special values of a member (`special:`), name and value. */
function specials(f: FieldModel): { name: string; value: bigint }[] {
  return (f.spec.special ?? []).flatMap((s) => {
    const value = parseInteger(s.value);
    return value === undefined ? [] : [{ name: s.name, value }];
  });
}

/**
 * The unsigned type a flags test runs in: the member's own width, as the codec tests the value's bits (32 bits for
 * members up to 4 bytes, 64 for 8-byte ones); `unsigned long` for a member as wide as long on each ABI.
 */
function flagsWord(f: FieldModel, t: CType): string {
  if (f.bits !== undefined) return f.bits > 32 ? "__u64" : "__u32";
  const sizes = t.kind === "scalar" ? sizesAcrossAbis(t.scalar) : ABIS.map((abi) => layoutType(t, abi).size);
  if (sizes.every((s) => s <= 4)) return "__u32";
  return sizes.every((s) => s === 8) ? "__u64" : "unsigned long";
}

/** The checks of one integer (or enum, or pointer) value `x` under its rule. */
function ruleLines(rule: MemberRule, f: FieldModel, t: CType, x: string, w: Walk): string[] {
  const reject = [`${w.indent}\treturn false;`];
  const except = specials(f).map((s) => `${x} != ${valueOperand(s.name, s.value, f, t, x)}`);
  switch (rule.kind) {
    case "zero":
      return [`${w.indent}if (${x})`, ...reject];
    case "flags": {
      const mask = `${x} & ~(${flagsWord(f, t)})${cIdentifier(flagMaskName(rule.set))}`;
      return [...ifLines(w.indent, [...except, except.length ? `(${mask})` : mask]), ...reject];
    }
    case "enum": {
      const values = rule.spec.values.flatMap((v) => {
        const value = parseInteger(v.value);
        return value === undefined ? [] : [`${x} != ${valueOperand(v.name, value, f, t, x)}`];
      });
      const terms = [...values, ...except];
      if (!terms.length) return [`${w.indent}${lineComment(`enum ${rule.spec.name} declares no values`)}`, ...reject];
      return [...ifLines(w.indent, terms), ...reject];
    }
  }
}

/** The checks of one member (any type) at lvalue `x`. */
function memberChecks(f: FieldModel, x: string, w: Walk): string[] {
  if (f.bits !== undefined) {
    const rule = w.raw ? undefined : memberRule(f, f.type, w.ifc);
    return rule ? ruleLines(rule, f, f.type, x, w) : [];
  }
  const element = elementType(f.type);
  // A must-be-zero array of integers: every byte zero (the codec's per-element or per-byte rule, at once).
  const zeroBytes = element.kind !== "record" && !isBool(element) && !isFloating(element);
  if (!w.raw && f.type.kind === "array" && isMustBeZero(f.spec) && zeroBytes && !hasFlexible(f.type))
    return [`${w.indent}if (memchr_inv(&${x}, 0, sizeof(${x})))`, `${w.indent}\treturn false;`];
  return overElements(f.type, x, w, (t, y, ww) => leaf(f, t, y, ww));
}

const hasFlexible = (t: CType): boolean => t.kind === "array" && (t.length === "flexible" || hasFlexible(t.element));

/** The checks of one element: a record's members, a _Bool's byte, or an integer's rule. */
function leaf(f: FieldModel, t: CType, x: string, w: Walk): string[] {
  if (t.kind === "record") return recordChecks(t.record, `${x}.`, w);
  if (isFloating(t)) return [];
  if (isBool(t)) return w.raw ? [] : [`${w.indent}if (*(const u8 *)&${x} > 1)`, `${w.indent}\treturn false;`];
  const rule = w.raw ? undefined : memberRule(f, t, w.ifc);
  return rule ? ruleLines(rule, f, t, x, w) : [];
}

/**
 * The checks of every member of a record whose members are reached as `${prefix}name`.  A member the command only
 * writes (flow `out`) is not checked: the kernel overwrites it and never reads what the caller left there.
 */
function recordChecks(r: RecordType, prefix: string, w: Walk): string[] {
  const raw = w.raw || isRawUnion(r);
  return readMembers(r).flatMap((f) => {
    const path = f.name === undefined ? w.path : w.path ? `${w.path}.${f.name}` : f.name;
    const flow = memberFlowFor(w.cmd, f, path, w.flow);
    if (flow === "out") return [];
    const inner: Walk = { ...w, raw, path, ...(flow ? { flow } : {}) };
    if (f.name === undefined) {
      // An anonymous struct or union: its members are reached as the parent's (C11 6.7.2.1p13).
      const t = f.type;
      return t.kind === "record" ? underCondition(f, recordChecks(t.record, prefix, inner)) : [];
    }
    return underCondition(f, memberChecks(f, `${prefix}${cIdentifier(f.name)}`, inner));
  });
}

/* ------------------------------------------------------------------ */
/* Padding                                                              */
/* ------------------------------------------------------------------ */

/**
 * Statements that zero every member of the record reached as `${prefix}name` (arrays and nested records
 * included, union members all of them): what is left non-zero afterwards is padding.
 */
function clearMembers(r: RecordType, prefix: string, w: Walk): string[] {
  return readMembers(r).flatMap((f) => {
    const t = f.type;
    if (f.name === undefined) return t.kind === "record" ? underCondition(f, clearMembers(t.record, prefix, w)) : [];
    const x = `${prefix}${cIdentifier(f.name)}`;
    if (f.bits !== undefined) return underCondition(f, [`${w.indent}${x} = 0;`]);
    if (hasFlexible(t)) return []; // not part of sizeof: what overlaps the tail stays padding, as in the codec
    if (elementType(t).kind === "record")
      return underCondition(
        f,
        overElements(t, x, w, (e, y, ww) => (e.kind === "record" ? clearMembers(e.record, `${y}.`, ww) : [])),
      );
    return underCondition(f, [
      t.kind === "array" ? `${w.indent}memset(&${x}, 0, sizeof(${x}));` : `${w.indent}${x} = 0;`,
    ]);
  });
}

/** Whether the record has a padding bit on some ABI (a bit the codec's plan marks unused). */
export function hasPadding(r: RecordType, ifc: InterfaceModel): boolean {
  return ABIS.some((abi) => planRecord(r, abi, ifc).used.some((b) => b !== 0xff));
}

/* ------------------------------------------------------------------ */
/* The function                                                         */
/* ------------------------------------------------------------------ */

/**
 * The statements of the function that tests command `cmd`'s argument, a named record of C type `type` (its
 * parameter is `arg`), ending in `return true;`; undefined when the kernel rejects nothing in it (no rule on a
 * member the command reads, no _Bool and no padding on any ABI).
 */
export function validatorBody(
  r: RecordType,
  type: string,
  cmd: CommandModel,
  ifc: InterfaceModel,
): string[] | undefined {
  const w: Walk = { indent: "\t", loops: 0, raw: false, ifc, cmd, path: "" };
  const rules = recordChecks(r, "arg->", w);
  const padding = hasPadding(r, ifc)
    ? [
        ...blockCommentLines(
          [
            "Padding (on some ABI) must be zero as well: clear every member of a copy, and what is left is the " +
              "padding of the compiler's ABI.",
          ],
          "\t",
        ),
        "\tmemcpy(&rest, arg, sizeof(rest));",
        ...clearMembers(r, "rest.", w),
        "\tif (memchr_inv(&rest, 0, sizeof(rest)))",
        "\t\treturn false;",
      ]
    : [];
  if (!rules.length && !padding.length) return undefined;
  return [
    ...(padding.length ? [`\t${type} rest;`, ""] : []),
    ...rules,
    ...(padding.length && rules.length ? [""] : []),
    ...padding,
    "\treturn true;",
  ];
}

/** "A", "A and B", "A, B and C" */
const listText = (items: readonly string[]) =>
  items.length > 1 ? `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}` : (items[0] ?? "");

/** `static bool <name>(const <type> *arg)` around a body of validatorBody(), for the commands named. */
export function validatorLines(name: string, type: string, body: readonly string[], commands: string[]): string[] {
  return [
    ...blockCommentLines([
      `${name}() - whether the kernel accepts *arg as ${listText(commands)} read${commands.length > 1 ? "" : "s"} ` +
        "it; false means -EINVAL: a flag bit outside its set's mask, a value its enum does not declare, a " +
        "non-zero reserved member or padding byte, a _Bool other than 0 or 1. Members the command only writes " +
        "(flow: out) are not read, so not checked.",
    ]),
    `static bool ${cIdentifier(name)}(const ${type} *arg)`,
    "{",
    ...body,
    "}",
  ];
}
