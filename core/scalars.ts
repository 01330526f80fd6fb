/*
 * The scalar types a spec may name, and what they are made of.  Fixed-width
 * kernel types have one size everywhere; native C types take theirs from the
 * ABI table.  Alignment of a fixed-width type is that of the native type of
 * the same size on the ABI (e.g. __u64 aligns like long long).  The kernel's
 * uapi typedefs (__kernel_mode_t, __poll_t, ...) are whatever each ABI's own
 * headers make them: their size, alignment and signedness are the ABI row's
 * typedef facts (spec/abis.ts).
 */
import type { AbiEntry, KernelTypedef, ScalarClass } from "../spec/abi.js";
import { ABIS, KERNEL_TYPEDEF_NAMES, TYPEDEF_BASES, genericTypedefBase, typedefHeader } from "../spec/abis.js";

export interface ScalarInfo {
  /** The canonical spelling. */
  name: string;
  /**
   * The ABI class giving size (unless fixedSize or typedef) and alignment.  For a typedef, the class of what
   * asm-generic makes it on a 64-bit ABI (`long` for __kernel_size_t, `int` for __kernel_mode_t): what code that
   * classifies a type rather than measuring it on one ABI goes by, such as the syscall slot model.
   */
  cls: ScalarClass;
  /** Size in bytes on every ABI, for the kernel fixed-width types. */
  fixedSize?: number;
  /** Signedness; "abi" where the ABI decides: plain char, a typedef signed on some ABIs only (signedOn). */
  signed: boolean | "abi";
  /** Byte order fixed by the type (__be*, __le*), else the ABI's. */
  byteOrder?: "big" | "little";
  /** Minimum alignment forced by the type (__aligned_u64: 8). */
  minAlign?: number;
  /** An integer type; false for floating point and for the char pointer __kernel_caddr_t (cls "ptr"). */
  integer: boolean;
  /**
   * The kernel calls this type ABI-dependent in a uapi (kernel-rules 13, 18, 19; adding-syscalls 46); "typedef"
   * for a kernel typedef whose size or signedness differs between the rows of the ABI table.
   */
  abiDependent?: "long" | "size_t" | "time_t" | "char" | "float" | "typedef";
  /** A kernel uapi typedef: size, alignment and signedness are the ABI row's `typedefs.facts[typedef]`. */
  typedef?: KernelTypedef;
  /** The header that declares the type, when that is not <linux/types.h> (which every generated header includes). */
  header?: string;
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

/** The distinct values of `f` over the rows of the ABI table, in ascending order. */
const across = <T extends number | boolean>(f: (abi: AbiEntry) => T): T[] =>
  [...new Set(ABIS.map(f))].sort((a, b) => Number(a) - Number(b));

/** A kernel typedef: measured on each ABI through the row's facts, classified by its generic C type. */
function kernelTypedef(name: KernelTypedef): ScalarInfo {
  const base = TYPEDEF_BASES[genericTypedefBase(name)];
  const sizes = across((a) => a.typedefs.facts[name].size);
  const signs = across((a) => a.typedefs.facts[name].signed);
  const header = typedefHeader(name);
  return {
    name,
    cls: base.cls,
    signed: signs.length === 1 ? signs[0]! : "abi",
    integer: base.cls !== "ptr",
    typedef: name,
    ...(sizes.length > 1 || signs.length > 1 ? { abiDependent: "typedef" as const } : {}),
    ...(header !== "linux/types.h" ? { header } : {}),
  };
}

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
  ...KERNEL_TYPEDEF_NAMES.map(kernelTypedef),
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

/** Whether the scalar is signed on `abi`: a typedef as the row says, plain char as the ABI's char. */
export function signedOn(s: ScalarInfo, abi: AbiEntry): boolean {
  if (s.typedef) return abi.typedefs.facts[s.typedef].signed;
  return s.signed === "abi" ? abi.charSigned : s.signed;
}

/** The sizes a scalar has over the rows of the ABI table, in ascending order (one for a fixed-width type). */
export function sizesAcrossAbis(s: ScalarInfo): number[] {
  if (s.fixedSize !== undefined) return [s.fixedSize];
  return across((a) => (s.typedef ? a.typedefs.facts[s.typedef] : a.scalars[s.cls]).size);
}
