/*
 * Which kernel headers a round trip compiles an original header against, per ABI: data and
 * small decisions, no compiling.
 *
 * Every ABI sees the same linux/, asm-generic/, sound/, ... (the headers the spec was imported
 * from, the machine's /usr/include by default) and its own architecture's asm/ directory:
 *   - the x86 ABIs: the host's multiarch directory; `make headers_install ARCH=x86` writes one
 *     asm/ for x86_64, i386 and x32 (the headers switch on __x86_64__ and __ILP32__);
 *   - an ABI with a Debian cross sysroot (verify/sysroots.ts), or a sibling ABI of the same
 *     architecture with one (armeb reads ARCH=arm's asm/, ppc64 and ppc64le ARCH=powerpc's):
 *     that sysroot's asm/;
 *   - any other ABI: stand-ins for the six asm/ headers every uapi header reaches through
 *     <linux/types.h> and <linux/ioctl.h>, spelled from the ABI table (asmStandIns below).
 *     Only those six exist, so a header that needs any other asm/ header cannot compile there
 *     and is reported as skipped, never as equal.
 * The C library headers some uapi headers include (<sys/socket.h>, <stdint.h>) come from the
 * same sysroot, or the host's for the x86 ABIs; an ABI with none has no C library.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { AbiEntry, AbiId } from "../spec/abi.js";
import { ASM_TYPEDEF_NAMES } from "../spec/abis.js";
import { IOC_FAMILIES } from "../runtime/ioc.js";
import { cIdentifier, includeLine, lineComment, toolName } from "../core/c-writer.js";
import { sysrootFor } from "../verify/sysroots.js";
import { KERNEL_UAPI_DIRS } from "../verify/clang-files.js";

/** Where the installed kernel uapi headers are unless told otherwise: this machine's own. */
export const DEFAULT_USR_INCLUDE = "/usr/include";

/** The top-level folders of the kernel's uapi headers, where present. */
export const KERNEL_DIRS = KERNEL_UAPI_DIRS;

/** The host's multiarch folder beside /usr/include that holds ARCH=x86's asm/ and glibc's bits/. */
const HOST_MULTIARCH = "x86_64-linux-gnu";

const X86: readonly AbiId[] = ["x86_64", "i386", "x32"];

/** ABIs whose architecture installs one asm/ shared with an ABI that has a sysroot here. */
const SAME_ARCH: Partial<Record<AbiId, AbiId>> = { armeb: "arm", ppc64: "ppc", ppc64le: "ppc" };

/** The asm/ names the table stand-ins provide; any other asm/ header is missing on such an ABI. */
export const STAND_IN_ASM: readonly string[] = [
  "asm/types.h",
  "asm/bitsperlong.h",
  "asm/posix_types.h",
  "asm/ioctl.h",
  "asm/byteorder.h",
  "asm/swab.h",
];

export interface AbiHeaders {
  abi: AbiId;
  /** The kernel's folders (linux/, asm-generic/, ...) as [name, folder on disk]. */
  kernel: readonly (readonly [string, string])[];
  /** The folder holding this ABI's asm/, or undefined when the ABI table's stand-ins take its place. */
  asmDir?: string;
  /** The stand-ins' text by path ("asm/types.h"), when asmDir is undefined. */
  standIns?: Readonly<Record<string, string>>;
  /** What the asm/ headers are, for reports: "arm-linux-gnueabi sysroot (ARCH=arm)" or "ABI table stand-ins". */
  asmSource: string;
  /** C library header folders, searched after the kernel's, in order (empty: no C library for this ABI here). */
  libcDirs: readonly string[];
}

export interface HeaderRoots {
  /** The folder holding the kernel's linux/, asm-generic/, ... and, on this host, its libc (default /usr/include). */
  usrInclude: string;
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** Where the headers for `abi` come from (pure but for looking at which folders exist). */
export function abiHeaders(abi: AbiEntry, roots: HeaderRoots): AbiHeaders {
  const kernel = KERNEL_DIRS.map((d) => [d, path.join(roots.usrInclude, d)] as const).filter(([, p]) => isDir(p));
  if (X86.includes(abi.id)) {
    const multiarch = path.join(roots.usrInclude, HOST_MULTIARCH);
    const home = [multiarch, roots.usrInclude].find((d) => isDir(path.join(d, "asm")));
    if (home)
      return {
        abi: abi.id,
        kernel,
        asmDir: path.join(home, "asm"),
        asmSource: `${path.join(home, "asm")} (ARCH=x86, shared by x86_64, i386 and x32)`,
        libcDirs: [multiarch, roots.usrInclude].filter(isDir),
      };
  }
  const sibling = SAME_ARCH[abi.id];
  const sysroot = sysrootFor(abi.id) ?? (sibling ? sysrootFor(sibling) : undefined);
  const sysInclude = sysroot?.includeDirs[0];
  if (sysInclude && isDir(path.join(sysInclude, "asm")))
    return {
      abi: abi.id,
      kernel,
      asmDir: path.join(sysInclude, "asm"),
      asmSource: `${path.join(sysInclude, "asm")}${sibling ? ` (${sibling}'s architecture)` : ""}`,
      libcDirs: [sysInclude],
    };
  return {
    abi: abi.id,
    kernel,
    standIns: asmStandIns(abi),
    asmSource:
      "stand-ins for asm/types.h, bitsperlong.h, posix_types.h, ioctl.h, byteorder.h, swab.h from the ABI table",
    libcDirs: [],
  };
}

/**
 * The six asm/ headers a uapi header reaches through <linux/types.h> and <linux/ioctl.h>, for an
 * ABI whose own asm/ is not installed here, written from the ABI table:
 *   - types.h: int-ll64.h.  mips64 and ppc64 give user space int-l64.h (unless
 *     __SANE_USERSPACE_TYPES__); on those LP64 ABIs long and long long have one size and
 *     alignment, so layouts and values are the same;
 *   - bitsperlong.h: the table's long;
 *   - posix_types.h: the typedefs of asm/posix_types.h as the table states them for the ABI
 *     (AbiEntry.typedefs, from the architecture's own posix_types.h); __kernel_fsid_t, a struct
 *     the table does not describe, is left out, so a header using it fails rather than guesses;
 *   - ioctl.h: the table's _IOC encoding family (runtime/ioc.ts) over asm-generic/ioctl.h;
 *   - byteorder.h: the table's byte order; swab.h: asm-generic's (inline functions only).
 */
export function asmStandIns(abi: AbiEntry): Record<string, string> {
  const note = (what: string) => lineComment(`stand-in for ${what} on ${abi.id}, spelled from the ABI table`);
  const guarded = (name: string, what: string, body: string[]) => {
    const guard = toolName(`rt_${name}`);
    return [note(what), `#ifndef ${guard}`, `#define ${guard}`, ...body, "#endif", ""].join("\n");
  };
  const ioc = IOC_FAMILIES[abi.ioc];
  const typedefs = ASM_TYPEDEF_NAMES.map((n) => `typedef ${abi.typedefs.facts[n].type} ${cIdentifier(n)};`);
  return {
    "asm/types.h": guarded("types", "asm/types.h", [includeLine("asm-generic/int-ll64.h")]),
    "asm/bitsperlong.h": guarded("bitsperlong", "asm/bitsperlong.h", [
      `#define __BITS_PER_LONG ${abi.scalars.long.size * 8}`,
      includeLine("asm-generic/bitsperlong.h"),
    ]),
    "asm/posix_types.h": guarded("posix_types", "asm/posix_types.h", [includeLine("asm/bitsperlong.h"), ...typedefs]),
    "asm/ioctl.h": guarded("ioctl", `asm/ioctl.h (${ioc.family} _IOC encoding)`, [
      `#define _IOC_SIZEBITS ${ioc.sizeBits}`,
      `#define _IOC_DIRBITS ${ioc.dirBits}`,
      `#define _IOC_NONE ${ioc.none}U`,
      `#define _IOC_READ ${ioc.read}U`,
      `#define _IOC_WRITE ${ioc.write}U`,
      includeLine("asm-generic/ioctl.h"),
    ]),
    "asm/byteorder.h": guarded("byteorder", "asm/byteorder.h", [includeLine(`linux/byteorder/${abi.endian}_endian.h`)]),
    "asm/swab.h": guarded("swab", "asm/swab.h", [includeLine("asm-generic/swab.h")]),
  };
}
