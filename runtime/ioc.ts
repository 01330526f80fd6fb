/*
 * `_IOC` request numbers, encoded and decoded per encoding family
 * (include/uapi/asm-generic/ioctl.h and arch/{alpha,mips,powerpc,sparc,parisc}
 * /include/uapi/asm/ioctl.h; measured values in abi-facts §2.2).
 */
import { show } from "./errors.js";

export type IocFamilyName = "generic" | "alpha-mips-ppc-sparc" | "parisc";
export type IocDir = "none" | "read" | "write" | "readwrite";

export interface IocEncoding {
  readonly family: IocFamilyName;
  readonly nrBits: number;
  readonly typeBits: number;
  readonly sizeBits: number;
  readonly dirBits: number;
  readonly none: number;
  readonly read: number;
  readonly write: number;
}

export const IOC_FAMILIES: Readonly<Record<IocFamilyName, IocEncoding>> = {
  generic: { family: "generic", nrBits: 8, typeBits: 8, sizeBits: 14, dirBits: 2, none: 0, read: 2, write: 1 },
  "alpha-mips-ppc-sparc": {
    family: "alpha-mips-ppc-sparc",
    nrBits: 8,
    typeBits: 8,
    sizeBits: 13,
    dirBits: 3,
    none: 1,
    read: 2,
    write: 4,
  },
  // parisc: generic widths, READ and WRITE swapped.
  parisc: { family: "parisc", nrBits: 8, typeBits: 8, sizeBits: 14, dirBits: 2, none: 0, read: 1, write: 2 },
};

function dirBitsOf(enc: IocEncoding, dir: IocDir): number {
  switch (dir) {
    case "none":
      return enc.none;
    case "read":
      return enc.read;
    case "write":
      return enc.write;
    case "readwrite":
      return enc.read | enc.write;
  }
}

/** Largest argument size the family can encode (8191 or 16383). */
export function iocMaxSize(enc: IocEncoding): number {
  return (1 << enc.sizeBits) - 1;
}

/** `_IOC(dir, type, nr, size)` as an unsigned 32-bit number; throws RangeError when a part does not fit. */
export function iocEncode(enc: IocEncoding, dir: IocDir, type: number, nr: number, size: number): number {
  if (!Number.isInteger(type) || type < 0 || type >= 1 << enc.typeBits)
    throw new RangeError(`ioctl type ${type} does not fit in ${enc.typeBits} bits`);
  if (!Number.isInteger(nr) || nr < 0 || nr >= 1 << enc.nrBits)
    throw new RangeError(`ioctl nr ${nr} does not fit in ${enc.nrBits} bits`);
  if (!Number.isInteger(size) || size < 0 || size > iocMaxSize(enc))
    throw new RangeError(`ioctl size ${size} does not fit in ${enc.sizeBits} bits (${enc.family})`);
  const nrShift = 0;
  const typeShift = nrShift + enc.nrBits;
  const sizeShift = typeShift + enc.typeBits;
  const dirShift = 32 - enc.dirBits;
  return ((dirBitsOf(enc, dir) << dirShift) | (size << sizeShift) | (type << typeShift) | (nr << nrShift)) >>> 0;
}

export interface IocFields {
  dir: IocDir;
  type: number;
  nr: number;
  size: number;
  /** False when the dir bits hold a value no `_IO*` macro produces. */
  valid: boolean;
}

/**
 * Split a request number into its parts as `_IOC_DIR/_IOC_TYPE/_IOC_NR/_IOC_SIZE` would on that family.
 * `request` must be an unsigned 32-bit integer (a number); anything else -- negative, fractional,
 * above 2^32 - 1, NaN, a bigint -- throws RangeError rather than being wrapped.
 */
export function iocDecode(enc: IocEncoding, request: number): IocFields {
  if (typeof request !== "number" || !Number.isInteger(request) || request < 0 || request > 0xffffffff)
    throw new RangeError(
      `ioctl request ${typeof request === "bigint" ? `${request}n` : show(request)} ` +
        "is not an unsigned 32-bit integer",
    );
  const value = request >>> 0;
  const nr = value & ((1 << enc.nrBits) - 1);
  const type = (value >>> enc.nrBits) & ((1 << enc.typeBits) - 1);
  const sizeShift = enc.nrBits + enc.typeBits;
  const rawDir = value >>> (32 - enc.dirBits);
  const rw = rawDir & (enc.read | enc.write);
  let dir: IocDir;
  if (rw === (enc.read | enc.write)) dir = "readwrite";
  else if (rw === enc.read) dir = "read";
  else if (rw === enc.write) dir = "write";
  else dir = "none";
  const size = (value >>> sizeShift) & ((1 << enc.sizeBits) - 1);
  // Every 2-bit pattern is a direction; with 3 bits only NONE, R, W and R|W are.  sparc's own
  // _IOC_SIZE reads the NONE bit as size bit 13 once R or W is set (arch/sparc/include/uapi/asm/ioctl.h,
  // _IOC_XSIZEMASK; abi-facts §2.2); this family decodes it as alpha, mips and powerpc do, so such a
  // sparc request comes out with 13 size bits and `valid` false.
  const valid = enc.dirBits === 2 || [enc.none, enc.read, enc.write, enc.read | enc.write].includes(rawDir);
  return { dir, type, nr, size, valid };
}

/** The C macro that builds a request with this direction. */
export function iocMacro(dir: IocDir): "_IO" | "_IOR" | "_IOW" | "_IOWR" {
  return dir === "none" ? "_IO" : dir === "read" ? "_IOR" : dir === "write" ? "_IOW" : "_IOWR";
}
