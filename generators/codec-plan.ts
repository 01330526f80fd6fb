/*
 * The codec plan: one struct on one ABI reduced to what a decoder and an
 * encoder must do -- every value leaf with its byte offset, width, byte
 * order and rule, plus a bit mask of the bytes that carry data.  The layout
 * engine decides where things are; this module decides how each C type is
 * represented in JavaScript (generators/CODECS.md has the rules).  Pure.
 */
import { isMustBeZero, knownFlagBits } from "../core/contract.js";
import type { AbiEntry } from "../spec/abi.js";
import { memberNames, type MemberNames } from "./codec-names.js";
import { arrayLength, layoutRecord, layoutType, type RecordLayout } from "../core/layout.js";
import { signedOn, sizesAcrossAbis } from "../core/scalars.js";
import {
  parseInteger,
  pointerText,
  recordName,
  type CType,
  type FieldModel,
  type InterfaceModel,
  type RecordType,
} from "../core/model.js";

/** A value rule from the spec. Values are normalised to the field's own signedness and width. */
export type Rule =
  | { kind: "flags"; set: string; lo: number; hi: number; known: bigint; specials: bigint[] }
  | { kind: "enum"; name: string; values: bigint[]; specials: bigint[] }
  | { kind: "zero" };

export type Repr = "number" | "bigint";

interface Base {
  /** The member path as C spells it; "[]" marks an array index filled in at run time. */
  path: string;
  /** The C type, for messages and dumps. */
  ctype: string;
}

export type Node =
  | (Base & {
      k: "int";
      off: number;
      size: 1 | 2 | 4 | 8;
      signed: boolean;
      le: boolean;
      repr: Repr;
      rule?: Rule;
      names?: MemberNames;
    })
  | (Base & { k: "bool"; off: number; size: number })
  | (Base & { k: "float"; off: number; size: 4 | 8; le: boolean })
  | (Base & { k: "bytes"; off: number; len: number; rule?: Rule })
  | (Base & {
      k: "bits";
      off: number;
      width: number;
      signed: boolean;
      repr: Repr;
      chunks: Chunk[];
      rule?: Rule;
      names?: MemberNames;
    })
  | (Base & { k: "array"; off: number; stride: number; count: number; elem: Node })
  | (Base & { k: "object"; off: number; size: number; union: boolean; fields: PlanField[]; typeName?: string });

/** One key of an object; `key` undefined for an anonymous struct/union whose keys live in the parent. */
export interface PlanField {
  key?: string;
  node: Node;
  /** Union members and reserved fields may be left out on encode. */
  optional: boolean;
}

/** The bits of one byte that belong to a bit-field: value bits j0..j0+len-1 sit at byte bits shift..shift+len-1. */
export interface Chunk {
  byte: number;
  shift: number;
  len: number;
  j0: number;
}

export interface Plan {
  record: RecordType;
  abi: AbiEntry;
  /** "struct foo" */
  name: string;
  size: number;
  align: number;
  root: Node & { k: "object" };
  /** Per byte: the bits that carry a value (the rest is padding and must be zero). */
  used: Uint8Array;
  /**
   * Per byte: 1 when encode must zero it before writing values (padding, bit-field bytes, unions, omittable
   * fields).
   */
  zeroFirst: Uint8Array;
  /** Flexible array members, which the fixed-size codec leaves out. */
  flexible: { path: string; elementSize: number }[];
}

const RESERVED = new Set([
  // JavaScript and TypeScript words.
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "import",
  "in",
  "instanceof",
  "new",
  "null",
  "return",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "yield",
  "let",
  "static",
  "implements",
  "interface",
  "package",
  "private",
  "protected",
  "public",
  "await",
  "any",
  "boolean",
  "number",
  "string",
  "symbol",
  "bigint",
  "object",
  "never",
  "unknown",
  "undefined",
  "type",
  "of",
  "as",
  "is",
  "keyof",
  "readonly",
  "declare",
  "namespace",
  "module",
  "abstract",
  "async",
  "constructor",
  "get",
  "set",
  "require",
  "infer",
  "global",
  "arguments",
  "eval",
  "satisfies",
  "override",
  "accessor",
  "asserts",
  "unique",
  "intrinsic",
  // What a generated module defines.
  "CODECS",
  "IOCTLS",
  // Globals a generated module may use: an export of the same name would shadow them (`Set` in a constant,
  // `Record` in a type).
  "globalThis",
  "NaN",
  "Infinity",
  "Object",
  "Function",
  "Array",
  "Number",
  "BigInt",
  "Boolean",
  "String",
  "Symbol",
  "Math",
  "JSON",
  "Date",
  "RegExp",
  "Promise",
  "Proxy",
  "Reflect",
  "Intl",
  "Atomics",
  "Set",
  "Map",
  "WeakSet",
  "WeakMap",
  "WeakRef",
  "FinalizationRegistry",
  "ArrayBuffer",
  "SharedArrayBuffer",
  "DataView",
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
  "Error",
  "AggregateError",
  "EvalError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
  "TypeError",
  "URIError",
  "isNaN",
  "isFinite",
  "parseInt",
  "parseFloat",
  "encodeURI",
  "encodeURIComponent",
  "decodeURI",
  "decodeURIComponent",
  "Record",
  "Readonly",
  "ReadonlyArray",
  "Partial",
  "Required",
  "Pick",
  "Omit",
  "Exclude",
  "Extract",
  "NonNullable",
  "Parameters",
  "ReturnType",
  "InstanceType",
  "ConstructorParameters",
  "ThisType",
  "Awaited",
  "NoInfer",
  "PropertyKey",
  "ArrayLike",
  "Iterable",
  "Iterator",
  "IterableIterator",
  "PromiseLike",
]);

/**
 * A C identifier as a TypeScript type/value name that clashes with nothing:
 * one whose name (without trailing underscores) is reserved gets one more
 * `_`, so `Object` -> `Object_` and `Object_` -> `Object__` (never the same).
 */
export function tsName(tag: string): string {
  return RESERVED.has(tag.replace(/_+$/, "")) ? `${tag}_` : tag;
}

/** Whether a 64-bit-capable scalar class is carried as bigint (ABI-independent, so one TS type serves every ABI). */
function isWide(t: CType): boolean {
  if (t.kind === "pointer") return true;
  if (t.kind === "enum") return !t.spec.values.every((v) => fits32(parseInteger(v.value) ?? 0n));
  if (t.kind !== "scalar") return false;
  const s = t.scalar;
  if (s.typedef) return sizesAcrossAbis(s).includes(8);
  return (
    s.fixedSize === 8 ||
    (s.fixedSize === undefined && (s.cls === "llong" || s.cls === "long" || s.cls === "ptr" || s.cls === "time_t"))
  );
}

const fits32 = (v: bigint) => v >= -(1n << 31n) && v < 1n << 32n;

/** Normalise a spec value to what a field of this width and signedness reads back as. */
export function normalise(v: bigint, bits: number, signed: boolean): bigint {
  return signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
}

function ruleFor(
  f: FieldModel,
  ifc: InterfaceModel | undefined,
  bits: number,
  signed: boolean,
  type: CType,
): Rule | undefined {
  const spec = f.spec;
  const specials = (spec.special ?? [])
    .map((s) => parseInteger(s.value))
    .filter((v): v is bigint => v !== undefined)
    .map((v) => normalise(v, bits, signed));
  if (isMustBeZero(spec)) return { kind: "zero" };
  if (spec.flags && ifc?.flagSets.get(spec.flags)) {
    const set = ifc.flagSets.get(spec.flags)!;
    const known = knownFlagBits(set, bits);
    return { kind: "flags", set: set.name, lo: Number(known & 0xffffffffn), hi: Number(known >> 32n), known, specials };
  }
  const e = spec.enum && ifc ? ifc.enums.get(spec.enum) : type.kind === "enum" ? type.spec : undefined;
  if (e) {
    const values = [
      ...new Set(
        e.values
          .map((v) => parseInteger(v.value))
          .filter((v): v is bigint => v !== undefined)
          .map((v) => normalise(v, bits, signed)),
      ),
    ].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { kind: "enum", name: e.name, values, specials };
  }
  return undefined;
}

/** Where the bits of a bit-field land, byte by byte, for the ABI's allocation order. */
export function bitChunks(bitOffset: number, width: number, order: "lsb-first" | "msb-first"): Chunk[] {
  const chunks: Chunk[] = [];
  const first = Math.floor(bitOffset / 8);
  const last = Math.floor((bitOffset + width - 1) / 8);
  for (let byte = first; byte <= last; byte++) {
    const lo = Math.max(bitOffset, byte * 8);
    const hi = Math.min(bitOffset + width - 1, byte * 8 + 7);
    const len = hi - lo + 1;
    if (order === "lsb-first") chunks.push({ byte, shift: lo - byte * 8, len, j0: lo - bitOffset });
    // msb-first: the field's most significant bit comes first; record bit r is byte bit 7 - r%8.
    else chunks.push({ byte, shift: 7 - (hi % 8), len, j0: bitOffset + width - 1 - hi });
  }
  return chunks;
}

interface Ctx {
  abi: AbiEntry;
  ifc?: InterfaceModel;
  /** Inside a union with more than one member: members are raw views, no value rules. */
  rawView: boolean;
  flexible: { path: string; elementSize: number }[];
}

const join = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);

function scalarNode(f: FieldModel, t: CType, off: number, path: string, ctx: Ctx): Node {
  const { abi } = ctx;
  const lay = layoutType(t, abi);
  // __kernel_caddr_t is no integer type, but its bytes are an address: unsigned, like a pointer's.
  if (t.kind === "scalar" && !t.scalar.integer && t.scalar.cls !== "ptr") {
    if (t.scalar.cls === "ldouble" || (lay.size !== 4 && lay.size !== 8))
      return { k: "bytes", off, len: lay.size, path, ctype: t.scalar.name };
    return { k: "float", off, size: lay.size as 4 | 8, le: abi.endian === "little", path, ctype: t.scalar.name };
  }
  if (t.kind === "scalar" && t.scalar.cls === "bool" && !ctx.rawView)
    return { k: "bool", off, size: lay.size, path, ctype: "_Bool" };
  const signed =
    t.kind === "pointer"
      ? false
      : t.kind === "enum"
        ? t.spec.values.some((v) => (parseInteger(v.value) ?? 0n) < 0n)
        : t.kind === "scalar"
          ? signedOn(t.scalar, abi)
          : false;
  const le = t.kind === "scalar" && t.scalar.byteOrder ? t.scalar.byteOrder === "little" : abi.endian === "little";
  const size = lay.size as 1 | 2 | 4 | 8;
  const rule = ctx.rawView ? undefined : ruleFor(f, ctx.ifc, size * 8, signed, t);
  const ctype =
    t.kind === "pointer"
      ? pointerText(t.target)
      : t.kind === "enum"
        ? `enum ${t.name}`
        : t.kind === "scalar"
          ? t.scalar.name
          : "?";
  // Names are for people (uapi encode/decode), so union members have them too, rules or not.
  const names = memberNames(f, t, ctx.ifc, size * 8, signed);
  return {
    k: "int",
    off,
    size,
    signed,
    le,
    repr: isWide(t) ? "bigint" : "number",
    rule,
    ...(names ? { names } : {}),
    path,
    ctype,
  };
}

function typeNode(f: FieldModel, t: CType, off: number, path: string, ctx: Ctx): Node {
  if (t.kind === "record") return recordNode(layoutRecord(t.record, ctx.abi), off, path, ctx);
  if (t.kind === "array") {
    const count = arrayLength(t, ctx.abi);
    if (count === "flexible") throw new Error("flexible arrays are handled by the caller");
    const el = layoutType(t.element, ctx.abi);
    const elem = t.element;
    const byteLike =
      elem.kind === "scalar" &&
      elem.scalar.integer &&
      el.size === 1 &&
      elem.scalar.cls !== "bool" &&
      !f.spec.flags &&
      !f.spec.enum;
    if (byteLike)
      return {
        k: "bytes",
        off,
        len: count,
        rule: !ctx.rawView && isMustBeZero(f.spec) ? { kind: "zero" } : undefined,
        path,
        ctype: `${elem.scalar.name}[${count}]`,
      };
    return {
      k: "array",
      off,
      stride: el.size,
      count,
      elem: typeNode(f, t.element, 0, `${path}[]`, ctx),
      path,
      ctype: `[${count}]`,
    };
  }
  return scalarNode(f, t, off, path, ctx);
}

function recordNode(layout: RecordLayout, off: number, path: string, ctx: Ctx): Node & { k: "object" } {
  const r = layout.record;
  const union = r.kind === "union";
  const members = layout.members.filter((m) => m.bits !== 0 && (m.field.name !== undefined || m.bits === undefined));
  const inner: Ctx = union && members.length > 1 ? { ...ctx, rawView: true } : ctx;
  const fields: PlanField[] = [];
  for (const m of members) {
    const f = m.field;
    const at = off + m.offset;
    if (f.type.kind === "array" && f.type.length === "flexible") {
      ctx.flexible.push({ path: join(path, f.name ?? "?"), elementSize: layoutType(f.type.element, ctx.abi).size });
      continue;
    }
    const p = f.name === undefined ? path : join(path, f.name);
    let node: Node;
    if (m.bits !== undefined) {
      const t = f.type;
      const signed =
        t.kind === "enum"
          ? t.spec.values.some((v) => (parseInteger(v.value) ?? 0n) < 0n)
          : t.kind === "scalar"
            ? signedOn(t.scalar, ctx.abi)
            : false;
      const bitOffset = off * 8 + m.bitOffset!;
      const names = memberNames(f, t, ctx.ifc, m.bits, signed);
      node = {
        k: "bits",
        off: Math.floor(bitOffset / 8),
        width: m.bits,
        signed,
        repr: m.bits > 32 ? "bigint" : "number",
        chunks: bitChunks(bitOffset, m.bits, ctx.abi.bitfields.order),
        rule: inner.rawView ? undefined : ruleFor(f, ctx.ifc, m.bits, signed, t),
        ...(names ? { names } : {}),
        path: p,
        ctype: `${t.kind === "scalar" ? t.scalar.name : t.kind === "enum" ? `enum ${t.name}` : "?"}:${m.bits}`,
      };
    } else {
      node = typeNode(f, f.type, at, p, inner);
    }
    // Reserved and padding members may be left out on encode (written as zero), also those the kernel leaves
    // unchecked (`mustBeZero: false`, which only drops the zero rule above).
    const omittable = !inner.rawView && (f.spec.reserved === true || f.spec.padding === true);
    fields.push({ key: f.name, node, optional: (union && members.length > 1) || omittable });
  }
  return {
    k: "object",
    off,
    size: layout.size,
    union,
    fields,
    path,
    ctype: recordName(r),
    typeName: r.tag && !r.inline ? tsName(r.tag) : undefined,
  };
}

/** Mark the value bits of a node (arrays expanded, union members OR'd). */
function markUsed(node: Node, base: number, used: Uint8Array, zeroFirst: Uint8Array): void {
  const full = (off: number, len: number) => {
    for (let i = 0; i < len; i++) used[base + off + i] = 0xff;
  };
  switch (node.k) {
    case "int":
    case "float":
      full(node.off, node.size);
      if (node.k === "int" && node.rule?.kind === "zero") zeroRange(zeroFirst, base + node.off, node.size);
      break;
    case "bool":
      full(node.off, node.size);
      break;
    case "bytes":
      full(node.off, node.len);
      if (node.rule?.kind === "zero") zeroRange(zeroFirst, base + node.off, node.len);
      break;
    case "bits":
      for (const c of node.chunks) {
        used[base + c.byte] = used[base + c.byte]! | (((1 << c.len) - 1) << c.shift);
        zeroFirst[base + c.byte] = 1;
      }
      break;
    case "array":
      for (let i = 0; i < node.count; i++) markUsed(node.elem, base + node.off + i * node.stride, used, zeroFirst);
      break;
    case "object":
      if (node.union && node.fields.some((f) => f.optional)) zeroRange(zeroFirst, base + node.off, node.size);
      for (const f of node.fields) {
        markUsed(f.node, base, used, zeroFirst);
        if (f.optional && f.node.k !== "object") zeroNode(f.node, base, zeroFirst);
      }
      break;
  }
}

function zeroRange(z: Uint8Array, from: number, len: number): void {
  for (let i = 0; i < len; i++) z[from + i] = 1;
}

function zeroNode(node: Node, base: number, z: Uint8Array): void {
  if (node.k === "array") zeroRange(z, base + node.off, node.count * node.stride);
  else if (node.k === "bits") for (const c of node.chunks) z[base + c.byte] = 1;
  else if (node.k !== "object") zeroRange(z, base + node.off, node.k === "bytes" ? node.len : node.size);
}

/** The plan for one named (or external) struct/union on one ABI. */
export function planRecord(record: RecordType, abi: AbiEntry, ifc?: InterfaceModel): Plan {
  const layout = layoutRecord(record, abi);
  const ctx: Ctx = { abi, ifc, rawView: false, flexible: [] };
  const root = recordNode(layout, 0, "", ctx);
  const used = new Uint8Array(layout.size);
  const zeroFirst = new Uint8Array(layout.size);
  markUsed(root, 0, used, zeroFirst);
  for (let i = 0; i < used.length; i++) if (used[i] !== 0xff) zeroFirst[i] = 1;
  return {
    record,
    abi,
    name: recordName(record),
    size: layout.size,
    align: layout.align,
    root,
    used,
    zeroFirst,
    flexible: ctx.flexible,
  };
}
