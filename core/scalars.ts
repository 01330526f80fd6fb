/*
 * The scalar types a spec may name, and what they are made of.  Fixed-width
 * kernel types have one size everywhere; native C types take theirs from the
 * ABI table.  Alignment of a fixed-width type is that of the native type of
 * the same size on the ABI (e.g. __u64 aligns like long long).
 */
import type { ScalarClass } from "../spec/abi.js";

export interface ScalarInfo {
  /** The canonical spelling. */
  name: string;
  /** The ABI class giving size (unless fixedSize) and alignment. */
  cls: ScalarClass;
  /** Size in bytes on every ABI, for the kernel fixed-width types. */
  fixedSize?: number;
  /** Signedness; "abi" for plain char, whose signedness the ABI decides. */
  signed: boolean | "abi";
  /** Byte order fixed by the type (__be*, __le*), else the ABI's. */
  byteOrder?: "big" | "little";
  /** Minimum alignment forced by the type (__aligned_u64: 8). */
  minAlign?: number;
  integer: boolean;
  /** The kernel calls this type ABI-dependent in a uapi (kernel-rules 13, 18, 19; adding-syscalls 46). */
  abiDependent?: "long" | "size_t" | "time_t" | "char" | "float";
}

const fixed = (name: string, bytes: number, signed: boolean, extra: Partial<ScalarInfo> = {}): ScalarInfo => ({
  name,
  cls: bytes === 1 ? "char" : bytes === 2 ? "short" : bytes === 4 ? "int" : "llong",
  fixedSize: bytes,
  signed,
  integer: true,
  ...extra,
});

const native = (
  name: string,
  cls: ScalarClass,
  signed: boolean | "abi",
  extra: Partial<ScalarInfo> = {},
): ScalarInfo => ({
  name,
  cls,
  signed,
  integer: true,
  ...extra,
});

const TABLE: ScalarInfo[] = [
  fixed("__u8", 1, false),
  fixed("__s8", 1, true),
  fixed("__u16", 2, false),
  fixed("__s16", 2, true),
  fixed("__u32", 4, false),
  fixed("__s32", 4, true),
  fixed("__u64", 8, false),
  fixed("__s64", 8, true),
  fixed("__be16", 2, false, { byteOrder: "big" }),
  fixed("__be32", 4, false, { byteOrder: "big" }),
  fixed("__be64", 8, false, { byteOrder: "big" }),
  fixed("__le16", 2, false, { byteOrder: "little" }),
  fixed("__le32", 4, false, { byteOrder: "little" }),
  fixed("__le64", 8, false, { byteOrder: "little" }),
  fixed("__aligned_u64", 8, false, { minAlign: 8 }),
  fixed("__aligned_be64", 8, false, { minAlign: 8, byteOrder: "big" }),
  fixed("__aligned_le64", 8, false, { minAlign: 8, byteOrder: "little" }),
  native("char", "char", "abi", { abiDependent: "char" }),
  native("signed char", "char", true),
  native("unsigned char", "char", false),
  native("short", "short", true),
  native("unsigned short", "short", false),
  native("int", "int", true),
  native("unsigned int", "int", false),
  native("long", "long", true, { abiDependent: "long" }),
  native("unsigned long", "long", false, { abiDependent: "long" }),
  native("long long", "llong", true),
  native("unsigned long long", "llong", false),
  native("size_t", "long", false, { abiDependent: "size_t" }),
  native("ssize_t", "long", true, { abiDependent: "size_t" }),
  native("time_t", "time_t", true, { abiDependent: "time_t" }),
  native("_Bool", "bool", false),
  { name: "float", cls: "float", signed: true, integer: false, abiDependent: "float" },
  { name: "double", cls: "double", signed: true, integer: false, abiDependent: "float" },
  { name: "long double", cls: "ldouble", signed: true, integer: false, abiDependent: "float" },
];

/** Other spellings C accepts for the same types. */
const ALIASES: Record<string, string> = {
  signed: "int",
  unsigned: "unsigned int",
  "signed int": "int",
  "short int": "short",
  "signed short": "short",
  "signed short int": "short",
  "unsigned short int": "unsigned short",
  "long int": "long",
  "signed long": "long",
  "signed long int": "long",
  "unsigned long int": "unsigned long",
  "long long int": "long long",
  "signed long long": "long long",
  "signed long long int": "long long",
  "unsigned long long int": "unsigned long long",
  bool: "_Bool",
};

const BY_NAME = new Map(TABLE.map((s) => [s.name, s]));

/** Look a scalar up by any C spelling ("unsigned  long int" works); undefined when it is not a scalar. */
export function scalarByName(spelling: string): ScalarInfo | undefined {
  const normal = spelling.trim().replace(/\s+/g, " ");
  return BY_NAME.get(ALIASES[normal] ?? normal);
}

export const SCALAR_NAMES: readonly string[] = TABLE.map((s) => s.name);
