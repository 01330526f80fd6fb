/*
 * What a codec reports when bytes or a value break the kernel's rules.  The
 * generated code calls these only on the failure path, so the hot path is a
 * compare and a branch.
 */

import { INHERITED_KEYS, own } from "./objects.js";

/** Which rule was broken. */
export type CodecErrorKind =
  | "truncated" // the buffer ends before the struct does (or the offset is not a valid index)
  | "padding" // a padding bit or byte is not zero
  | "reserved" // a reserved (or explicit padding) field is not zero
  | "flags" // a flags word has bits the spec does not declare
  | "enum" // a value is not one of the enumeration's values
  | "range" // a number does not fit the field (encode), or a bool byte is not 0/1 (decode)
  | "type" // the value has the wrong JavaScript type or shape (encode), or decodeSized's usize is missing or no size
  | "too-small" // decodeSized: the caller's size is below the first published size (the kernel: -EINVAL)
  | "too-big"; // decodeSized: the caller's size is above a page, or bytes past the struct are not zero (-E2BIG)

export interface CodecIssue {
  /** "struct bus1_cmd_send" */
  readonly struct: string;
  /** The member path as C spells it ("msg.type", "vecs[2].len"); "" for the struct itself. */
  readonly field: string;
  /** Byte offset from the start of the struct. */
  readonly offset: number;
  readonly kind: CodecErrorKind;
  /** What is wrong, in words. */
  readonly reason: string;
}

/** A lenient decode collects these instead of throwing. */
export type CodecWarning = CodecIssue;

export class CodecError extends Error implements CodecIssue {
  override name = "CodecError";
  constructor(
    readonly struct: string,
    readonly field: string,
    readonly offset: number,
    readonly kind: CodecErrorKind,
    readonly reason: string,
  ) {
    super(`${struct}${field ? `, ${field}` : ""} at offset ${offset}: ${reason}`);
  }
}

/** A value for a message, never running the value's own code (so describing it cannot throw). */
export const show = (v: unknown): string =>
  typeof v === "bigint"
    ? `${v < 0n ? "-" : ""}0x${(v < 0n ? -v : v).toString(16)}`
    : typeof v === "number" && Number.isInteger(v)
      ? `${v} (0x${(v >>> 0).toString(16)})`
      : typeof v === "string"
        ? JSON.stringify(v)
        : typeof v === "object" || typeof v === "function"
          ? shape(v)
          : String(v);

/**
 * An object or function by its shape only: String() would run its own toString or Symbol.toPrimitive, which may
 * throw (`{ toString: 0 }`), and a codec error must never become another error.
 */
function shape(v: object | null): string {
  if (v === null) return "null";
  if (typeof v === "function") return "a function";
  try {
    return Array.isArray(v) ? "an array" : "an object";
  } catch {
    return "a revoked proxy";
  }
}

/** Decode-side rule violation: thrown in strict mode, collected when `lenient` is an array. */
export function bad(
  lenient: CodecWarning[] | undefined,
  struct: string,
  field: string,
  offset: number,
  kind: CodecErrorKind,
  reason: string,
): void {
  // Anything but an array (undefined, null, `true`, ...) means strict.
  if (!Array.isArray(lenient)) throw new CodecError(struct, field, offset, kind, reason);
  lenient.push({ struct, field, offset, kind, reason });
}

/** Encode-side violation, or anything no mode can recover from: always thrown. */
export function fail(struct: string, field: string, offset: number, kind: CodecErrorKind, reason: string): never {
  throw new CodecError(struct, field, offset, kind, reason);
}

/** The buffer cannot hold the struct at this offset. */
export function truncated(struct: string, size: number, offset: unknown, have: number): never {
  if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0)
    throw new CodecError(
      struct,
      "",
      0,
      "truncated",
      `offset ${typeof offset === "bigint" ? `${offset}n (a bigint)` : show(offset)} ` +
        "is not a non-negative integer number",
    );
  if (offset > 0xffffffff)
    throw new CodecError(struct, "", 0, "truncated", `offset ${offset} is beyond any buffer (above 2^32 - 1)`);
  throw new CodecError(
    struct,
    "",
    0,
    "truncated",
    `needs ${size} bytes at offset ${offset}, but the buffer has ${Math.max(0, have - offset)} there (${have} in all)`,
  );
}

/** Message helpers the generated code passes as `reason` (built only on the failure path). */
export const why = {
  flags: (value: unknown, known: string) => `unknown flag bits in ${show(value)} (known bits: ${known})`,
  enumValue: (value: unknown, known: string) => `${show(value)} is not a known value (known: ${known})`,
  zero: (value: unknown) => `reserved field must be zero, not ${show(value)}`,
  padding: (bytes: number) => `non-zero padding (${bytes} byte${bytes === 1 ? "" : "s"} checked here)`,
  range: (value: unknown, type: string) => `${show(value)} does not fit ${type}`,
  type: (value: unknown, expected: string) =>
    value === undefined
      ? `missing: expected ${expected}`
      : `expected ${expected}, ` +
        `got ${value === null ? "null" : Array.isArray(value) ? `an array of ${value.length}` : typeof value}`,
  bool: (value: unknown) => `a _Bool must be 0 or 1, not ${show(value)}`,
  /** decodeSized: the caller's size `usize` and what the kernel side makes of it. */
  usize: (usize: unknown) =>
    usize === undefined
      ? "the caller's size (usize) is missing: pass the size the caller gives the kernel"
      : "the caller's size must be a non-negative integer number of bytes, " +
        `not ${typeof usize === "bigint" ? `${usize}n (a bigint)` : show(usize)}`,
  tooSmall: (usize: number, minimum: number) =>
    `the caller's size ${usize} is below ${minimum}, the smallest published size (the kernel: -EINVAL)`,
  tooBig: (usize: number, max: number) => `the caller's size ${usize} is above ${max}, a page (the kernel: -E2BIG)`,
  trailing: (ksize: number, usize: number, at: number) =>
    `bytes ${ksize}..${usize - 1}, past the struct's ${ksize}, must be zero: byte ${at} is not (the kernel: -E2BIG)`,
  sizeMember: (member: string, width: number, offset: number, have: number) =>
    `the size member ${member} (${width} bytes) lies past the buffer's end ` +
    `(${Math.max(0, have - offset)} bytes at offset ${offset})`,
  callerTruncated: (usize: number, offset: number, have: number) =>
    `the caller's size is ${usize} bytes, but the buffer has ${Math.max(0, have - offset)} at offset ${offset} ` +
    `(the kernel: -EFAULT)`,
  /**
   * A union value must give exactly one member;
   * `members` lists each member's keys (an anonymous struct member has several).
   */
  union: (value: unknown, members: readonly (readonly string[])[]) => {
    const get = (k: string) => (INHERITED_KEYS.has(k) ? own(value, k) : (value as Record<string, unknown>)[k]);
    const given = members.filter((keys) => keys.some((k) => get(k) !== undefined)).map((keys) => keys.join("/"));
    const all = members.map((keys) => keys.join("/")).join(", ");
    return given.length === 0
      ? `a union value needs exactly one member, got none (members: ${all})`
      : `a union value takes exactly one member, got ${given.length}: ${given.join(", ")}`;
  },
} as const;

/**
 * The detailed encode body's catch-all: a CodecError passes through; so does
 * any other exception (the value's own getters or proxies threw it) unless the
 * target shrank or was detached meanwhile (a getter can do that), which is
 * reported as "truncated".
 */
export function encodeFailure(err: unknown, struct: string, size: number, offset: number, have: number): unknown {
  if (err instanceof CodecError) return err;
  if (offset + size > have)
    return new CodecError(
      struct,
      "",
      0,
      "truncated",
      "the target buffer was detached or shrunk while the value was read " +
        `(needs ${size} bytes at offset ${offset}, has ${Math.max(0, have - offset)} there)`,
    );
  return err;
}

/** Encode was handed a value of the wrong type ("type") or one that does not fit the field ("range"). */
export function badValue(struct: string, field: string, offset: number, value: unknown, expected: string): never {
  const numeric = expected.includes("(a bigint)")
    ? typeof value === "bigint"
    : (!expected.includes("(") || expected.includes("(a number)")) && typeof value === "number";
  throw new CodecError(
    struct,
    field,
    offset,
    numeric ? "range" : "type",
    numeric ? why.range(value, expected) : why.type(value, expected),
  );
}
