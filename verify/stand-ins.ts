/*
 * Stand-ins for the kernel headers a generated uapi header includes
 * (<linux/types.h>, <linux/ioctl.h>) and for the headers of external structs,
 * for compilers that have no target sysroot (@yowasp/clang is freestanding).
 * They are spelled from the ABI table, so where they are used the C types
 * are judged only against the table; with a sysroot the real headers win
 * (verify/probe.ts puts the stand-ins after the system directories).
 *
 * Shapes follow include/uapi/asm-generic/int-ll64.h, posix_types.h and
 * ioctl.h.
 */
import type { AbiEntry, ScalarClass } from "../spec/abi.js";
import { IOC_FAMILIES } from "../runtime/ioc.js";
import type { RecordType } from "../core/model.js";
import {
  declarationOrder,
  includeLine,
  lineComment,
  recordDefinition,
  kernelSpelling,
  toolName,
  type CSpelling,
} from "../core/c-writer.js";

const STAND_IN_SPELLING: CSpelling = {
  tag: (n) => n,
  scalar: kernelSpelling,
  pointerTarget: kernelSpelling,
  c90: false,
  taggedInline: "define",
};

const INTEGER_CLASSES: readonly [ScalarClass, string][] = [
  ["long", "long"],
  ["llong", "long long"],
  ["int", "int"],
];

/** The C integer type whose size and alignment the table gives to `cls` (x32's time_t is `long long`). */
function integerLike(abi: AbiEntry, cls: ScalarClass): string {
  const want = abi.scalars[cls];
  const hit = INTEGER_CLASSES.find(([c]) => abi.scalars[c].size === want.size && abi.scalars[c].align === want.align);
  if (!hit) throw new Error(`${abi.id}: no C integer type is ${want.size}/${want.align} like ${cls}`);
  return hit[1];
}

/** <linux/types.h>: the fixed-width types and the __kernel_ typedefs as the table has them. */
function linuxTypes(abi: AbiEntry): string {
  const kernelLong = integerLike(abi, "time_t");
  const sizeType = integerLike(abi, "long");
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
    `typedef ${kernelLong} __kernel_long_t; typedef unsigned ${kernelLong} __kernel_ulong_t;`,
    "typedef __kernel_long_t __kernel_time_t;",
    `typedef unsigned ${sizeType} __kernel_size_t; typedef ${sizeType} __kernel_ssize_t;`,
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

/** A stand-in for the header of external structs, declaring them as the spec describes them. */
function externalHeader(header: string, records: RecordType[]): string {
  const guard = toolName(`stand_in_${header.replace(/[^A-Za-z0-9]/g, "_").toLowerCase()}`);
  return [
    lineComment(`stand-in for ${header}: the external structs as the spec describes them (uapi verify)`),
    `#ifndef ${guard}`,
    `#define ${guard}`,
    includeLine("linux/types.h"),
    ...declarationOrder(records).flatMap((r) => recordDefinition(r, STAND_IN_SPELLING)),
    "#endif",
    "",
  ].join("\n");
}

/** Path (relative to the stand-in directory) -> text, for `abi` and the external structs the probe's headers use. */
export function standIns(abi: AbiEntry, externals: readonly RecordType[]): Record<string, string> {
  const byHeader = new Map<string, RecordType[]>();
  for (const r of externals) byHeader.set(r.external!.header, [...(byHeader.get(r.external!.header) ?? []), r]);
  const files: Record<string, string> = { "linux/types.h": linuxTypes(abi), "linux/ioctl.h": linuxIoctl(abi) };
  for (const [header, records] of [...byHeader].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!(header in files)) files[header] = externalHeader(header, records);
  }
  return files;
}
