/*
 * Stand-ins for the kernel headers a generated uapi header includes
 * (<linux/types.h>, <linux/ioctl.h>) and for the headers of external structs,
 * for compilers that have no target sysroot (@yowasp/clang is freestanding).
 * They are spelled from the ABI table, so where they are used the C types
 * are judged only against the table; with a sysroot the real headers win
 * (verify/probe.ts puts the stand-ins after the system directories).
 *
 * Shapes follow include/uapi/asm-generic/int-ll64.h, posix_types.h and
 * ioctl.h.  Every kernel typedef is declared in the header that declares it
 * (spec/abis.ts typedefHeader: linux/types.h, linux/socket.h, linux/fs.h) as
 * the C type the row's fact names, so a compiler using them can only agree
 * with the table; verify/libc-types.ts judges the facts against real headers.
 */
import type { AbiEntry } from "../spec/abi.js";
import { KERNEL_TYPEDEF_NAMES, typedefHeader } from "../spec/abis.js";
import { IOC_FAMILIES } from "../runtime/ioc.js";
import type { RecordType } from "../core/model.js";
import { BITS_PER_LONG_HEADER, BYTE_ORDER_HEADER } from "../core/abi-condition.js";
import {
  declarationOrder,
  includeLine,
  lineComment,
  recordDefinition,
  kernelSpelling,
  toolName,
  type CSpelling,
} from "../core/c-writer.js";

/** External structs as the spec describes them, on one ABI: `when:` decided and lengths evaluated there. */
const standInSpelling = (abi: AbiEntry): CSpelling => ({
  tag: (n) => n,
  scalar: kernelSpelling,
  pointerTarget: kernelSpelling,
  c90: false,
  taggedInline: "define",
  abi,
});

/** The kernel typedefs that `header` declares, each as the C type the row's fact names (x32: `long long`). */
function typedefLines(abi: AbiEntry, header: string): string[] {
  const names = KERNEL_TYPEDEF_NAMES.filter((n) => typedefHeader(n) === header);
  return names.map((n) => {
    const { type } = abi.typedefs.facts[n];
    return `${type.includes("long long") ? "__extension__ " : ""}typedef ${type} ${n};`;
  });
}

/** Headers other than <linux/types.h> that declare kernel typedefs (linux/socket.h, linux/fs.h). */
const TYPEDEF_HEADERS: readonly string[] = [...new Set(KERNEL_TYPEDEF_NAMES.map(typedefHeader))].filter(
  (h) => h !== "linux/types.h",
);

/** <linux/types.h>: the fixed-width types and the kernel typedefs as the table has them. */
function linuxTypes(abi: AbiEntry): string {
  return [
    lineComment(`stand-in for linux/types.h on ${abi.id}, spelled from the ABI table (uapi verify)`),
    "#ifndef _LINUX_TYPES_H",
    "#define _LINUX_TYPES_H",
    `#define ${toolName("stand_in_types")} 1`,
    "typedef unsigned char __u8; typedef signed char __s8;",
    "typedef unsigned short __u16; typedef short __s16;",
    "typedef unsigned int __u32; typedef int __s32;",
    "__extension__ typedef unsigned long long __u64; __extension__ typedef long long __s64;",
    "typedef __u16 __be16; typedef __u32 __be32; typedef __u64 __be64;",
    "typedef __u16 __le16; typedef __u32 __le32; typedef __u64 __le64;",
    // Macros, as in the kernel's own header: the attribute lands on the member, where packed cannot lower it.
    "#define __aligned_u64 __u64 __attribute__((aligned(8)))",
    "#define __aligned_be64 __be64 __attribute__((aligned(8)))",
    "#define __aligned_le64 __le64 __attribute__((aligned(8)))",
    ...typedefLines(abi, "linux/types.h"),
    "#endif",
    "",
  ].join("\n");
}

/** <linux/ioctl.h>: _IOC with the ABI's encoding family (runtime/ioc.ts). */
function linuxIoctl(abi: AbiEntry): string {
  const e = IOC_FAMILIES[abi.ioc];
  const typeShift = e.nrBits;
  const sizeShift = typeShift + e.typeBits;
  const dirShift = sizeShift + e.sizeBits;
  return [
    lineComment(
      `stand-in for linux/ioctl.h on ${abi.id} (${e.family} _IOC encoding), from the ABI table (uapi verify)`,
    ),
    "#ifndef _LINUX_IOCTL_H",
    "#define _LINUX_IOCTL_H",
    `#define _IOC(dir, type, nr, size) ` +
      `(((dir) << ${dirShift}) | ((type) << ${typeShift}) | (nr) | ((size) << ${sizeShift}))`,
    `#define _IO(type, nr) _IOC(${e.none}U, (type), (nr), 0)`,
    `#define _IOR(type, nr, argtype) _IOC(${e.read}U, (type), (nr), sizeof(argtype))`,
    `#define _IOW(type, nr, argtype) _IOC(${e.write}U, (type), (nr), sizeof(argtype))`,
    `#define _IOWR(type, nr, argtype) _IOC(${e.read | e.write}U, (type), (nr), sizeof(argtype))`,
    "#endif",
    "",
  ].join("\n");
}

/**
 * <asm/byteorder.h> and <asm/bitsperlong.h>, for the `#if` conditions of `when:` members (core/abi-condition.ts):
 * from the compiler's own predefined macros, so a wrong row in the ABI table still shows as a mismatch.
 */
function asmByteorder(): string {
  return [
    lineComment("stand-in for asm/byteorder.h: the bit-field order from the compiler's byte order (uapi verify)"),
    "#ifndef _ASM_BYTEORDER_H",
    "#define _ASM_BYTEORDER_H",
    "#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__",
    "#define __BIG_ENDIAN 4321",
    "#define __BIG_ENDIAN_BITFIELD",
    "#else",
    "#define __LITTLE_ENDIAN 1234",
    "#define __LITTLE_ENDIAN_BITFIELD",
    "#endif",
    "#endif",
    "",
  ].join("\n");
}

function asmBitsPerLong(): string {
  return [
    lineComment("stand-in for asm/bitsperlong.h: __BITS_PER_LONG from the compiler's long (uapi verify)"),
    "#ifndef __ASM_GENERIC_BITS_PER_LONG",
    "#define __ASM_GENERIC_BITS_PER_LONG",
    "#define __BITS_PER_LONG (__SIZEOF_LONG__ * 8)",
    "#endif",
    "",
  ].join("\n");
}

/**
 * A stand-in for another header: the kernel typedefs it declares (as the table has them on `abi`) and the external
 * structs the spec says it holds, as the spec describes them.
 */
function otherHeader(abi: AbiEntry, header: string, records: readonly RecordType[]): string {
  const guard = toolName(`stand_in_${header.replace(/[^A-Za-z0-9]/g, "_").toLowerCase()}`);
  const what = records.length ? "the external structs as the spec describes them" : `kernel typedefs on ${abi.id}`;
  return [
    lineComment(`stand-in for ${header}: ${what}, from the ABI table (uapi verify)`),
    `#ifndef ${guard}`,
    `#define ${guard}`,
    includeLine("linux/types.h"),
    ...typedefLines(abi, header),
    ...declarationOrder([...records]).flatMap((r) => recordDefinition(r, standInSpelling(abi))),
    "#endif",
    "",
  ].join("\n");
}

/** Path (relative to the stand-in directory) -> text, for `abi` and the external structs the probe's headers use. */
export function standIns(abi: AbiEntry, externals: readonly RecordType[]): Record<string, string> {
  const byHeader = new Map<string, RecordType[]>();
  for (const r of externals) byHeader.set(r.external!.header, [...(byHeader.get(r.external!.header) ?? []), r]);
  const files: Record<string, string> = {
    "linux/types.h": linuxTypes(abi),
    "linux/ioctl.h": linuxIoctl(abi),
    [BYTE_ORDER_HEADER]: asmByteorder(),
    [BITS_PER_LONG_HEADER]: asmBitsPerLong(),
  };
  for (const header of TYPEDEF_HEADERS) if (!byHeader.has(header)) files[header] = otherHeader(abi, header, []);
  for (const [header, records] of [...byHeader].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!(header in files)) files[header] = otherHeader(abi, header, records);
  }
  return files;
}
