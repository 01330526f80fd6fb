/*
 * Endian-aware reads and writes of every kernel scalar: `number` up to 32
 * bits, `bigint` for 64.  Generated codecs inline the same DataView calls;
 * these are for hand-written code and for tools that work field by field.
 * Writes check the range, so a negative value never lands in a __u32.
 */
import { CodecError, show } from "./errors.js";

interface ScalarIo {
  size: 1 | 2 | 4 | 8;
  /** Byte order fixed by the type (__be*, __le*); otherwise the caller's. */
  order?: "big" | "little";
  read(view: DataView, offset: number, le: boolean): number | bigint;
  /** Throws CodecError when `value` does not fit. */
  write(view: DataView, offset: number, value: number | bigint, le: boolean): void;
}

const U64_MAX = 0xffffffffffffffffn;
const S64_MIN = -0x8000000000000000n;
const S64_MAX = 0x7fffffffffffffffn;

function rangeError(type: string, value: unknown): never {
  throw new CodecError(
    "",
    "",
    0,
    "range",
    `${typeof value === "bigint" ? `0x${value.toString(16)}` : show(value)} does not fit ${type}`,
  );
}

function small(type: string, size: 1 | 2 | 4, signed: boolean, order?: "big" | "little"): ScalarIo {
  const bits = size * 8;
  const min = signed ? -(2 ** (bits - 1)) : 0;
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const read = signed
    ? size === 1
      ? (v: DataView, o: number) => v.getInt8(o)
      : size === 2
        ? (v: DataView, o: number, le: boolean) => v.getInt16(o, le)
        : (v: DataView, o: number, le: boolean) => v.getInt32(o, le)
    : size === 1
      ? (v: DataView, o: number) => v.getUint8(o)
      : size === 2
        ? (v: DataView, o: number, le: boolean) => v.getUint16(o, le)
        : (v: DataView, o: number, le: boolean) => v.getUint32(o, le);
  return {
    size,
    order,
    read: (v, o, le) => read(v, o, order ? order === "little" : le),
    write(v, o, value, le) {
      if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) rangeError(type, value);
      const l = order ? order === "little" : le;
      // Two's complement bits are the same for the signed and unsigned setters.
      if (size === 1) v.setUint8(o, value & 0xff);
      else if (size === 2) v.setUint16(o, value & 0xffff, l);
      else v.setUint32(o, value >>> 0, l);
    },
  };
}

function wide(type: string, signed: boolean, order?: "big" | "little"): ScalarIo {
  return {
    size: 8,
    order,
    read: (v, o, le) =>
      signed ? v.getBigInt64(o, order ? order === "little" : le) : v.getBigUint64(o, order ? order === "little" : le),
    write(v, o, value, le) {
      if (typeof value !== "bigint" || value < (signed ? S64_MIN : 0n) || value > (signed ? S64_MAX : U64_MAX))
        rangeError(type, value);
      const l = order ? order === "little" : le;
      if (signed) v.setBigInt64(o, value, l);
      else v.setBigUint64(o, value, l);
    },
  };
}

/** Every fixed-width kernel scalar by its uapi name. */
export const KERNEL_SCALARS = {
  __u8: small("__u8", 1, false),
  __s8: small("__s8", 1, true),
  __u16: small("__u16", 2, false),
  __s16: small("__s16", 2, true),
  __u32: small("__u32", 4, false),
  __s32: small("__s32", 4, true),
  __u64: wide("__u64", false),
  __s64: wide("__s64", true),
  __aligned_u64: wide("__aligned_u64", false),
  __be16: small("__be16", 2, false, "big"),
  __be32: small("__be32", 4, false, "big"),
  __be64: wide("__be64", false, "big"),
  __aligned_be64: wide("__aligned_be64", false, "big"),
  __le16: small("__le16", 2, false, "little"),
  __le32: small("__le32", 4, false, "little"),
  __le64: wide("__le64", false, "little"),
  __aligned_le64: wide("__aligned_le64", false, "little"),
} as const satisfies Record<string, ScalarIo>;

export type KernelScalarName = keyof typeof KERNEL_SCALARS;

/**
 * The scalar's I/O and a bounds check: CodecError for an unknown type name, a non-DataView or an offset out of bounds.
 */
function scalarAt(view: DataView, offset: number, type: KernelScalarName): ScalarIo {
  // Only a string is looked up: any other key would be converted by its own (possibly throwing) toString.
  const io =
    typeof type === "string" && Object.prototype.hasOwnProperty.call(KERNEL_SCALARS, type)
      ? (KERNEL_SCALARS as Record<string, ScalarIo>)[type]!
      : undefined;
  if (io === undefined)
    throw new CodecError(
      "",
      "",
      0,
      "type",
      `unknown kernel scalar type ${show(type)} (known: ${Object.keys(KERNEL_SCALARS).join(", ")})`,
    );
  if (!(view instanceof DataView))
    throw new CodecError(type, "", 0, "type", `expected a DataView, got ${view === null ? "null" : typeof view}`);
  let have = 0;
  try {
    have = view.byteLength;
  } catch {
    /* detached: 0 */
  }
  if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0 || offset + io.size > have)
    throw new CodecError(
      type,
      "",
      typeof offset === "number" && Number.isInteger(offset) && offset >= 0 ? offset : 0,
      "truncated",
      `needs ${io.size} bytes at offset ${typeof offset === "number" ? offset : show(offset)}, the view has ${have}`,
    );
  return io;
}

/** Read a kernel scalar; `littleEndian` is the ABI's byte order (ignored for __be and __le types). */
export function readScalar(
  view: DataView,
  offset: number,
  type: KernelScalarName,
  littleEndian: boolean,
): number | bigint {
  return scalarAt(view, offset, type).read(view, offset, littleEndian === true);
}

/** Write a kernel scalar, rejecting values that do not fit (CodecError, kind "range"). */
export function writeScalar(
  view: DataView,
  offset: number,
  type: KernelScalarName,
  value: number | bigint,
  littleEndian: boolean,
): void {
  scalarAt(view, offset, type).write(view, offset, value, littleEndian === true);
}

/** A 64-bit value from two 32-bit halves; small values avoid the shift. */
export function u64FromHalves(lo: number, hi: number): bigint {
  return hi === 0 ? BigInt(lo >>> 0) : (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

// Splitting a bigint goes through memory, never through bigint arithmetic.
const scratch = new DataView(new ArrayBuffer(8));

/** The low and high 32-bit halves of a 64-bit value (two's complement for negatives). */
export function halvesOf(value: bigint): [lo: number, hi: number] {
  if (typeof value !== "bigint" || (BigInt.asIntN(64, value) !== value && BigInt.asUintN(64, value) !== value))
    throw new CodecError(
      "",
      "",
      0,
      typeof value === "bigint" ? "range" : "type",
      typeof value === "bigint"
        ? `0x${value.toString(16)} does not fit 64 bits`
        : `expected a bigint, got ${typeof value}`,
    );
  if (value < 0n) scratch.setBigInt64(0, value, true);
  else scratch.setBigUint64(0, value, true);
  return [scratch.getUint32(0, true), scratch.getUint32(4, true)];
}

/** Scratch view the generated code uses to split wide bit-fields without bigint arithmetic. */
export const scratch64 = scratch;
