/*
 * Codec values as JSON and as an annotated byte dump, driven by the codec
 * plan (the CLI's `uapi decode/encode`).  JSON cannot hold a bigint, so
 * 64-bit and ABI-sized integers travel as decimal strings; byte arrays as
 * hex strings.  Input also accepts numbers and "0x..." strings for integers.
 *
 * Input JSON is read with `parseJson`, not JSON.parse: it keeps integers
 * beyond 2^53 exactly (as bigint), refuses duplicate members, bounds the
 * nesting depth without recursion, and says where (line, column, offset)
 * the text goes wrong.  Objects it builds have no prototype, so members
 * named `__proto__` or `constructor` are plain members.
 */
import { fromHex, HexError, toHex } from "../runtime/bytes.js";
import { own } from "../runtime/objects.js";
import {
  acceptedNames,
  lookUpName,
  nameValue,
  type MemberNames,
  type NameKind,
  type ValueName,
} from "./codec-names.js";
import type { Node, Plan, PlanField } from "./codec-plan.js";

/** JSON as `parseJson` returns it: integers beyond 2^53 (and integer-valued literals such as 1e20) as bigint. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [k: string]: JsonValue };
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/* ------------------------------------------------------------------ */
/* Parsing                                                             */
/* ------------------------------------------------------------------ */

/** The deepest nesting of arrays and objects `parseJson` accepts by default (no struct nests anywhere near it). */
export const JSON_MAX_DEPTH = 256;
/** The longest number literal accepted (a 64-bit integer needs 20 digits; this bounds the cost of exact conversion). */
const MAX_NUMBER_LENGTH = 1000;

/** Malformed JSON: `offset` (0-based, in UTF-16 units), `line` and `column` (1-based) of the offending character. */
export class JsonSyntaxError extends Error {
  override name = "JsonSyntaxError";
  constructor(
    readonly offset: number,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`line ${line}, column ${column} (offset ${offset}): ${reason}`);
  }
}

function syntaxError(text: string, offset: number, reason: string): never {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++)
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  throw new JsonSyntaxError(offset, line, offset - lineStart + 1, reason);
}

const what = (text: string, i: number) =>
  i >= text.length ? "end of input" : JSON.stringify(String.fromCodePoint(text.codePointAt(i)!));

type Frame =
  | { arr: JsonValue[]; obj?: undefined }
  | { arr?: undefined; obj: { [k: string]: JsonValue }; key: string; keyAt: number };

const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * Strict JSON (RFC 8259) without recursion.  Differences from JSON.parse:
 * integers that a double cannot hold exactly are bigint (as are
 * integer-valued literals beyond 2^53 written with a fraction or exponent);
 * a number whose magnitude overflows a double is an error; duplicate member
 * names are an error; nesting deeper than `maxDepth` is an error; objects
 * have a null prototype.  Every error is a JsonSyntaxError with its position.
 */
export function parseJson(text: string, maxDepth = JSON_MAX_DEPTH): JsonValue {
  const n = text.length;
  let i = 0;
  const stack: Frame[] = [];
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else return;
    }
  };
  const str = (): string => {
    // text[i] is the opening quote.
    const start = i;
    i++;
    let out = "";
    let run = i;
    for (;;) {
      if (i >= n) syntaxError(text, start, "unterminated string");
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(run, i);
        i++;
        return out;
      }
      if (c < 0x20)
        syntaxError(
          text,
          i,
          `control character U+${c.toString(16).padStart(4, "0").toUpperCase()} in a string (escape it)`,
        );
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(run, i);
      const e = text[i + 1];
      if (e === "u") {
        const h = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(h)) syntaxError(text, i, "\\u must be followed by four hex digits");
        out += String.fromCharCode(parseInt(h, 16));
        i += 6;
      } else if (e !== undefined && Object.prototype.hasOwnProperty.call(ESCAPES, e)) {
        out += ESCAPES[e];
        i += 2;
      } else syntaxError(text, i, `bad escape ${e === undefined ? "at the end of input" : JSON.stringify("\\" + e)}`);
      run = i;
    }
  };
  const num = (): number | bigint => {
    const start = i;
    if (text.charCodeAt(i) === 0x2d) i++;
    const digits = (what: string) => {
      const from = i;
      while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
      if (i === from) syntaxError(text, i, `expected a digit ${what}, got ${whatAt(i)}`);
    };
    const whatAt = (k: number) => what(text, k);
    const intStart = i;
    digits("in the number");
    if (text.charCodeAt(intStart) === 0x30 && i - intStart > 1)
      syntaxError(text, intStart, "a number must not have leading zeros");
    const intEnd = i;
    let fracStart = -1;
    let fracEnd = -1;
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      fracStart = i;
      digits("after the decimal point");
      fracEnd = i;
    }
    let exp = 0;
    let hasExp = false;
    if ((text.charCodeAt(i) | 0x20) === 0x65) {
      hasExp = true;
      i++;
      const sign = text[i] === "-" ? -1 : 1;
      if (text[i] === "+" || text[i] === "-") i++;
      const e0 = i;
      digits("in the exponent");
      exp = sign * Number(text.slice(e0, i));
    }
    if (i - start > MAX_NUMBER_LENGTH)
      syntaxError(text, start, `number literal longer than ${MAX_NUMBER_LENGTH} characters`);
    const literal = text.slice(start, i);
    const negative = text.charCodeAt(start) === 0x2d;
    if (fracStart < 0 && !hasExp) {
      // An integer literal: exact.
      if (intEnd - intStart <= 15) return Number(literal);
      const big = BigInt(literal);
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    const asNumber = Number(literal);
    if (!Number.isFinite(asNumber)) syntaxError(text, start, `${literal} is too large for a number`);
    // Exact value: mantissa digits * 10^(exp - fraction digits).  An integer beyond 2^53 stays exact as a bigint.
    const frac = fracStart < 0 ? "" : text.slice(fracStart, fracEnd);
    const mant = BigInt(text.slice(intStart, intEnd) + frac);
    if (mant === 0n) return negative ? -0 : 0;
    const scale = exp - frac.length;
    let exact: bigint | undefined;
    if (scale >= 0) exact = mant * 10n ** BigInt(scale);
    else if (-scale <= frac.length + MAX_NUMBER_LENGTH) {
      const div = 10n ** BigInt(-scale);
      if (mant % div === 0n) exact = mant / div;
    }
    if (exact === undefined) return asNumber; // not an integer
    if (negative) exact = -exact;
    return exact >= BigInt(Number.MIN_SAFE_INTEGER) && exact <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(exact) : exact;
  };
  const key = (): [string, number] => {
    ws();
    if (text.charCodeAt(i) !== 0x22)
      syntaxError(text, i, `expected a member name in double quotes, got ${what(text, i)}`);
    const at = i;
    const k = str();
    ws();
    if (text.charCodeAt(i) !== 0x3a) syntaxError(text, i, `expected ':' after the member name, got ${what(text, i)}`);
    i++;
    return [k, at];
  };

  let value: JsonValue;
  for (;;) {
    // A value starts here.
    ws();
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= maxDepth) syntaxError(text, i, `nested deeper than ${maxDepth} levels`);
      i++;
      ws();
      if (c === 0x5b) {
        const arr: JsonValue[] = [];
        if (text.charCodeAt(i) === 0x5d) {
          i++;
          value = arr;
        } else {
          stack.push({ arr });
          continue;
        }
      } else {
        const obj = Object.create(null) as { [k: string]: JsonValue };
        if (text.charCodeAt(i) === 0x7d) {
          i++;
          value = obj;
        } else {
          const [k, at] = key();
          stack.push({ obj, key: k, keyAt: at });
          continue;
        }
      }
    } else if (c === 0x22) value = str();
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) value = num();
    else if (text.startsWith("true", i)) {
      i += 4;
      value = true;
    } else if (text.startsWith("false", i)) {
      i += 5;
      value = false;
    } else if (text.startsWith("null", i)) {
      i += 4;
      value = null;
    } else
      syntaxError(
        text,
        i,
        i >= n ? "unexpected end of input, expected a value" : `unexpected ${what(text, i)}, expected a value`,
      );
    // A value ended: hand it to the enclosing arrays and objects, closing those that end here.
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        ws();
        if (i < n) syntaxError(text, i, `unexpected ${what(text, i)} after the JSON value`);
        return value;
      }
      ws();
      const d = text.charCodeAt(i);
      if (top.arr) {
        top.arr.push(value);
        if (d === 0x2c) {
          i++;
          break;
        }
        if (d === 0x5d) {
          i++;
          value = top.arr;
          stack.pop();
          continue;
        }
        syntaxError(text, i, `expected ',' or ']' in the array, got ${what(text, i)}`);
      }
      if (Object.prototype.hasOwnProperty.call(top.obj, top.key))
        syntaxError(text, top.keyAt, `duplicate member ${JSON.stringify(top.key)}`);
      top.obj[top.key] = value;
      if (d === 0x2c) {
        i++;
        const [k, at] = key();
        top.key = k;
        top.keyAt = at;
        break;
      }
      if (d === 0x7d) {
        i++;
        value = top.obj;
        stack.pop();
        continue;
      }
      syntaxError(text, i, `expected ',' or '}' in the object, got ${what(text, i)}`);
    }
  }
}

/* ------------------------------------------------------------------ */
/* Values to and from JSON                                             */
/* ------------------------------------------------------------------ */

/** A decoded value as JSON.  Objects have no prototype, so a member named `__proto__` is kept. */
export function valueToJson(value: unknown, node: Node): Json {
  switch (node.k) {
    case "int":
    case "bits":
      return typeof value === "bigint" ? value.toString() : (value as number);
    case "bool":
      return value as boolean;
    case "float":
      return Number.isFinite(value as number) ? (value as number) : String(value);
    case "bytes":
      return toHex(value as Uint8Array);
    case "array":
      return (value as unknown[]).map((x) => valueToJson(x, node.elem));
    case "object": {
      const out = Object.create(null) as { [k: string]: Json };
      const walk = (fields: PlanField[]) => {
        for (const f of fields) {
          if (f.key === undefined) {
            if (f.node.k === "object") walk(f.node.fields);
            continue;
          }
          const v = own(value, f.key);
          if (v !== undefined) out[f.key] = valueToJson(v, f.node);
        }
      };
      walk(node.fields);
      return out;
    }
  }
}

/** Thrown for JSON that does not fit the struct's shape; `path` names the member. */
export class JsonShapeError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path || "<value>"}: ${message}`);
  }
}

/** A short description of a JSON value for messages (never the whole of a large one). */
export function preview(json: unknown): string {
  if (Array.isArray(json)) return `an array of ${json.length}`;
  if (typeof json === "bigint") return json.toString();
  if (typeof json === "string")
    return json.length > 40
      ? `${JSON.stringify(json.slice(0, 37))}... (${json.length} characters)`
      : JSON.stringify(json);
  if (json !== null && typeof json === "object") return "an object";
  return String(json);
}

const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** An integer written as a string: decimal, or 0x/0b/0o, with an optional minus. */
const NUMERIC = /^-?(0x[0-9a-f]+|0b[01]+|0o[0-7]+|\d+)$/i;

function integer(json: unknown, path: string): bigint {
  if (typeof json === "bigint") return json;
  if (typeof json === "number") {
    if (Number.isSafeInteger(json)) return BigInt(json);
    if (Number.isInteger(json))
      throw new JsonShapeError(
        path,
        `${json} is beyond 2^53, where a JSON number is no longer exact; ` +
          `write the integer digits exactly (or as a string)`,
      );
    throw new JsonShapeError(path, `expected an integer, got ${preview(json)}`);
  }
  if (typeof json === "string" && json.length <= 200 && NUMERIC.test(json.trim())) {
    const t = json.trim();
    return t.startsWith("-") ? -BigInt(t.slice(1)) : BigInt(t);
  }
  throw new JsonShapeError(
    path,
    `expected an integer (a number, or a string such as "42" or "0xff"), got ${preview(json)}`,
  );
}

const FLOAT_TEXT = /^\s*(-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?|NaN|-?Infinity)\s*$/i;

/**
 * An integer given by number or by name (codec-names.ts): a flag, enumerator or special value's name as a
 * string, or for a flags word an array of flag names and numbers, OR'd together.
 */
function namedInteger(json: unknown, names: MemberNames, path: string): bigint {
  const byName = (name: string, at: string, inArray: boolean): bigint => {
    const hit = lookUpName(name, names);
    if (!hit)
      throw new JsonShapeError(
        at,
        `unknown name ${preview(name)}; ${path || "the value"} takes ${acceptedNames(names)}`,
      );
    if (inArray && hit.kind !== "flags")
      throw new JsonShapeError(at, `${name} is a whole value, not a flag: give it alone, not in an array`);
    return hit.value;
  };
  const isName = (x: unknown): x is string => typeof x === "string" && !NUMERIC.test(x.trim());
  if (isName(json)) return byName(json, path, false);
  if (Array.isArray(json) && names.flags)
    return json.reduce<bigint>((acc, x, i) => {
      const at = `${path}[${i}]`;
      return acc | (isName(x) ? byName(x, at, true) : integer(x, at));
    }, 0n);
  if (typeof json === "number" || typeof json === "bigint" || typeof json === "string") return integer(json, path);
  throw new JsonShapeError(
    path,
    `expected an integer or a name, got ${preview(json)}; it takes ${acceptedNames(names)}`,
  );
}

/**
 * JSON (as a user writes it, from `parseJson` or JSON.parse) to a value the
 * codec accepts.  Range checks are left to the codec, except for integers
 * a JavaScript number cannot hold exactly, which are refused here.  Flag,
 * enum and special members also take names (the plan's `names`, codec-names.ts).
 */
export function jsonToValue(json: unknown, node: Node, path = ""): unknown {
  switch (node.k) {
    case "int":
    case "bits": {
      const n = node.names ? namedInteger(json, node.names, path) : integer(json, path);
      if (node.repr === "bigint") return n;
      if (n < SAFE_MIN || n > SAFE_MAX) throw new JsonShapeError(path, `${n} does not fit ${node.ctype}`);
      return Number(n);
    }
    case "bool":
      if (typeof json === "boolean") return json;
      if (json === 0 || json === 1) return json === 1;
      throw new JsonShapeError(path, `expected true or false, got ${preview(json)}`);
    case "float":
      if (typeof json === "number") return json;
      if (typeof json === "bigint") return Number(json);
      if (typeof json === "string" && FLOAT_TEXT.test(json)) return Number(json.trim());
      throw new JsonShapeError(path, `expected a number, got ${preview(json)}`);
    case "bytes":
      if (typeof json === "string") {
        try {
          return fromHex(json);
        } catch (e) {
          throw new JsonShapeError(path, e instanceof HexError ? `bad hex string: ${e.message}` : (e as Error).message);
        }
      }
      if (Array.isArray(json) && json.every((b) => Number.isInteger(b) && b >= -128 && b <= 255))
        return Uint8Array.from(json as number[]);
      throw new JsonShapeError(path, `expected a hex string or an array of bytes, got ${preview(json)}`);
    case "array":
      if (!Array.isArray(json))
        throw new JsonShapeError(path, `expected an array of ${node.count}, got ${preview(json)}`);
      if (json.length !== node.count)
        throw new JsonShapeError(path, `expected an array of ${node.count}, got ${preview(json)}`);
      return json.map((x, i) => jsonToValue(x, node.elem, `${path}[${i}]`));
    case "object": {
      if (typeof json !== "object" || json === null || Array.isArray(json))
        throw new JsonShapeError(path, `expected an object, got ${preview(json)}`);
      const out = Object.create(null) as Record<string, unknown>;
      const known = new Set<string>();
      const walk = (fields: PlanField[]) => {
        for (const f of fields) {
          if (f.key === undefined) {
            if (f.node.k === "object") walk(f.node.fields);
            continue;
          }
          known.add(f.key);
          const v = own(json, f.key);
          if (v !== undefined) out[f.key] = jsonToValue(v, f.node, path ? `${path}.${f.key}` : f.key);
        }
      };
      walk(node.fields);
      for (const k of Object.keys(json))
        if (!known.has(k))
          throw new JsonShapeError(
            path,
            `unknown member ${JSON.stringify(k)} (members: ${[...known].join(", ") || "none"})`,
          );
      return out;
    }
  }
}

/* ------------------------------------------------------------------ */
/* Walking the value leaves                                            */
/* ------------------------------------------------------------------ */

type LeafNode = Exclude<Node, { k: "object" } | { k: "array" }>;

/** One value leaf of a decoded struct: its plan node, its value, the offset its node counts from, its path. */
interface Leaf {
  node: LeafNode;
  v: unknown;
  base: number;
  /** The member path with array indices: `vecs[2].flags`. */
  path: string;
}

/**
 * Every value leaf of `value` in member order (arrays expanded, anonymous members' keys in the parent).
 * Iterative (an explicit work list), so a struct of a million members or a deep nesting cannot exhaust the stack.
 */
function forEachLeaf(root: Node, value: unknown, visit: (leaf: Leaf) => void): void {
  type Item = { node: Node; v: unknown; base: number; path: string };
  // Popped from the end: children are pushed in reverse to keep member order.
  const work: Item[] = [{ node: root, v: value, base: 0, path: "" }];
  const pushFields = (fields: PlanField[], v: unknown, base: number, path: string, into: Item[]) => {
    for (const f of fields) {
      if (f.key === undefined) {
        if (f.node.k === "object") pushFields(f.node.fields, v, base, path, into);
        continue;
      }
      into.push({
        node: f.node,
        v: v !== null && typeof v === "object" ? own(v, f.key) : undefined,
        base,
        path: path ? `${path}.${f.key}` : f.key,
      });
    }
  };
  while (work.length) {
    const { node, v, base, path } = work.pop()!;
    if (node.k === "object") {
      const items: Item[] = [];
      pushFields(node.fields, v, base, path, items);
      for (let k = items.length - 1; k >= 0; k--) work.push(items[k]!);
    } else if (node.k === "array") {
      for (let i = node.count - 1; i >= 0; i--)
        work.push({
          node: node.elem,
          v: Array.isArray(v) ? v[i] : undefined,
          base: base + node.off + i * node.stride,
          path: `${path}[${i}]`,
        });
    } else visit({ node, v, base, path });
  }
}

/** The names of an integer leaf's value, or undefined (no names for this member, or no integer). */
function leafNames(leaf: Leaf): { vn: ValueName; m: MemberNames } | undefined {
  const m = leaf.node.k === "int" || leaf.node.k === "bits" ? leaf.node.names : undefined;
  if (!m || (typeof leaf.v !== "number" && typeof leaf.v !== "bigint")) return undefined;
  const vn = nameValue(leaf.v, m);
  return vn && { vn, m };
}

/** A decoded value's names as JSON: `unknown` is a string, flag bits in hex ("0x8"), an enum value in decimal. */
export interface NamesJson {
  kind: NameKind;
  names: string[];
  unknown?: string;
}

/**
 * The names of a decoded value's members (flag bits, enumerators, special values), keyed by member path with
 * array indices (`msg.type`, `vecs[2].flags`); members without names are left out.  `uapi decode` prints this
 * beside `value`, which stays numbers only.
 */
export function namesToJson(plan: Plan, value: unknown): { [path: string]: NamesJson } {
  const out = Object.create(null) as { [path: string]: NamesJson };
  forEachLeaf(plan.root, value, (leaf) => {
    const hit = leafNames(leaf);
    if (!hit) return;
    const { kind, names: list, unknown } = hit.vn;
    out[leaf.path] =
      unknown === undefined
        ? { kind, names: list }
        : { kind, names: list, unknown: kind === "flags" ? `0x${unknown.toString(16)}` : `${unknown}` };
  });
  return out;
}

/** A decoded value's names as one line of text, for the dump; undefined when there are none (flags that are 0). */
function namesText({ vn, m }: { vn: ValueName; m: MemberNames }): string | undefined {
  if (vn.kind === "enum" && vn.unknown !== undefined) return `? (no ${m.enumeration!.name} value)`;
  const unknown = vn.unknown === undefined ? [] : [`0x${vn.unknown.toString(16)} (unknown)`];
  const parts = [...vn.names, ...unknown];
  return parts.length ? parts.join(" | ") : undefined;
}

/* ------------------------------------------------------------------ */
/* The byte dump                                                       */
/* ------------------------------------------------------------------ */

export interface DumpLine {
  offset: number;
  size: number;
  /** Hex of the bytes the line covers. */
  hex: string;
  /** Member path, or "<padding>". */
  name: string;
  /** C type, or "" for padding. */
  ctype: string;
  /** The decoded value, as text. */
  value: string;
  /** The value's names: `BUS1_RECV_FLAG_PEEK | 0x8 (unknown)`, an enumerator or a special value. */
  names?: string;
  /** For a bit-field: "bits 3..5 of these bytes". */
  bits?: string;
}

/** How many bytes of a byte array the dump shows in full (the JSON output always has them all). */
const DUMP_BYTES = 32;

/**
 * An integer as the dump shows it: decimal, then its bits in hex at the member's own width, so -1 is
 * `-1 (0xff)` in a __s8, `-1 (0xffffffffffffffff)` in a __s64 and `-1 (0x1f)` in a 5-bit bit-field.
 */
export function integerText(v: number | bigint, bits: number): string {
  return `${v} (0x${BigInt.asUintN(bits, BigInt(v)).toString(16)})`;
}

function leafText(leaf: Leaf): string {
  const { node, v } = leaf;
  if ((node.k === "int" || node.k === "bits") && (typeof v === "bigint" || typeof v === "number"))
    return integerText(v, node.k === "int" ? node.size * 8 : node.width);
  if (v instanceof Uint8Array)
    return v.length > DUMP_BYTES ? `"${toHex(v.subarray(0, DUMP_BYTES))}..." (${v.length} bytes)` : `"${toHex(v)}"`;
  return String(v);
}

/**
 * A pahole-like listing: one line per value leaf (arrays expanded) and per
 * padding run, in offset order, with the names of flag, enum and special values when `names` is given.
 */
export function dumpLines(plan: Plan, value: unknown, bytes: Uint8Array): DumpLine[] {
  const lines: DumpLine[] = [];
  const hexAt = (off: number, size: number) => toHex(bytes.subarray(off, off + Math.min(size, DUMP_BYTES)));
  forEachLeaf(plan.root, value, (leaf) => {
    const { node, base, path } = leaf;
    const hit = leafNames(leaf);
    const named = hit && namesText(hit);
    const line: DumpLine = node.k === "bits" ? bitsLine(node, base, hexAt) : leafLine(node, base, hexAt);
    lines.push({ ...line, name: path, value: leafText(leaf), ...(named ? { names: named } : {}) });
  });
  paddingLines(plan, bytes, hexAt, lines);
  return lines.sort((a, b) => a.offset - b.offset || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

type HexAt = (off: number, size: number) => string;

function bitsLine(node: LeafNode & { k: "bits" }, base: number, hexAt: HexAt): DumpLine {
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of node.chunks) {
    lo = Math.min(lo, c.byte);
    hi = Math.max(hi, c.byte);
  }
  const start = base + lo;
  const size = hi - lo + 1;
  return {
    offset: start,
    size,
    hex: hexAt(start, size),
    name: "",
    ctype: node.ctype,
    value: "",
    bits:
      `${node.width} bit${node.width === 1 ? "" : "s"} ` +
      `from byte ${base + node.chunks[0]!.byte} bit ${node.chunks[0]!.shift}`,
  };
}

function leafLine(node: Exclude<LeafNode, { k: "bits" }>, base: number, hexAt: HexAt): DumpLine {
  const size = node.k === "bytes" ? node.len : node.size;
  return { offset: base + node.off, size, hex: hexAt(base + node.off, size), name: "", ctype: node.ctype, value: "" };
}

/** One line per run of padding bytes (zero or not) and per byte with padding bits, added to `lines`. */
function paddingLines(plan: Plan, bytes: Uint8Array, hexAt: HexAt, lines: DumpLine[]): void {
  for (let i = 0; i < plan.size;) {
    if (plan.used[i] === 0xff) {
      i++;
      continue;
    }
    let j = i;
    while (j < plan.size && plan.used[j] === 0) j++;
    if (j === i) {
      lines.push({
        offset: i,
        size: 1,
        hex: hexAt(i, 1),
        name: "<padding bits>",
        ctype: "",
        value: `mask 0x${(~plan.used[i]! & 0xff).toString(16)}`,
      });
      i++;
      continue;
    }
    let zero = true;
    for (let k = i; k < j; k++)
      if (bytes[k] !== 0) {
        zero = false;
        break;
      }
    lines.push({
      offset: i,
      size: j - i,
      hex: hexAt(i, j - i),
      name: "<padding>",
      ctype: "",
      value: zero ? "zero" : "NON-ZERO",
    });
    i = j;
  }
}
