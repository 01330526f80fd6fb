/*
 * Where each ABI's own C library and kernel headers are on a Debian machine, and how to point
 * that ABI's GCC (verify/compilers.ts) at them: data only.  verify/libc-types.ts compiles the
 * typedefs of spec/abis.ts against these headers.
 *
 * The Debian cross GCCs search their own sysroot (/usr/<triple>/include) and then /usr/include,
 * so a header missing from the sysroot would silently come from the host: `includeDirs` names
 * where the packages install their headers, and a probe that read any header from elsewhere
 * (other than the compiler's own directory) does not count.  The host GCC's -m32 and -mx32
 * do not search the multiarch directory holding the kernel's asm/ headers, so those two rows
 * use Debian's i386 and x32 cross sysroots with an explicit -isystem.
 *
 * Paths are the install locations of the named packages (Debian 12, `dpkg -L`).
 */
import type { AbiId } from "../spec/abi.js";

export interface Sysroot {
  abi: AbiId;
  /** Debian packages holding this ABI's C library headers and kernel uapi headers. */
  packages: readonly string[];
  /** Where those packages install their headers: every header a probe reads must come from one of these. */
  includeDirs: readonly string[];
  /** Flags added after the ABI's GCC flags (verify/compilers.ts) so it reads these headers. */
  flags: readonly string[];
  /** Why this sysroot stands for the ABI, where that is not obvious. */
  note?: string;
}

/** A cross sysroot at /usr/<triple>/include, which the Debian cross GCC for <triple> searches by itself. */
const cross = (abi: AbiId, triple: string, ...packages: string[]): Sysroot => ({
  abi,
  packages,
  includeDirs: [`/usr/${triple}/include`],
  flags: [],
});

/** A Debian cross sysroot used by the host GCC, which must be told where it is. */
const hostCross = (abi: AbiId, triple: string, ...packages: string[]): Sysroot => ({
  abi,
  packages,
  includeDirs: [`/usr/${triple}/include`],
  flags: ["-isystem", `/usr/${triple}/include`],
});

export const SYSROOTS: readonly Sysroot[] = [
  {
    abi: "x86_64",
    packages: ["libc6-dev", "linux-libc-dev"],
    includeDirs: ["/usr/include"],
    flags: [],
    note: "the amd64 host's own headers (/usr/include and its multiarch directory x86_64-linux-gnu)",
  },
  hostCross("i386", "i686-linux-gnu", "libc6-dev-i386-cross", "linux-libc-dev-i386-cross"),
  hostCross("x32", "x86_64-linux-gnux32", "libc6-dev-x32-cross", "linux-libc-dev-x32-cross"),
  cross("arm", "arm-linux-gnueabi", "libc6-dev-armel-cross", "linux-libc-dev-armel-cross"),
  {
    ...cross("arm-oabi", "arm-linux-gnueabi", "libc6-dev-armel-cross", "linux-libc-dev-armel-cross"),
    note: "no OABI C library is packaged; the armel headers depend only on __WORDSIZE, which OABI shares",
  },
  cross("ppc", "powerpc-linux-gnu", "libc6-dev-powerpc-cross", "linux-libc-dev-powerpc-cross"),
  // -m31 reads the s390x headers (biarch) plus the 31-bit glibc's gnu/stubs-32.h.
  cross("s390", "s390x-linux-gnu", "libc6-dev-s390-s390x-cross", "libc6-dev-s390x-cross", "linux-libc-dev-s390x-cross"),
  cross("s390x", "s390x-linux-gnu", "libc6-dev-s390x-cross", "linux-libc-dev-s390x-cross"),
  // -m32 reads the sparc64 headers (biarch) plus the 32-bit glibc's gnu/stubs-32.h.
  cross(
    "sparc",
    "sparc64-linux-gnu",
    "libc6-dev-sparc-sparc64-cross",
    "libc6-dev-sparc64-cross",
    "linux-libc-dev-sparc64-cross",
  ),
  cross("sparc64", "sparc64-linux-gnu", "libc6-dev-sparc64-cross", "linux-libc-dev-sparc64-cross"),
  cross("m68k", "m68k-linux-gnu", "libc6-dev-m68k-cross", "linux-libc-dev-m68k-cross"),
  cross("alpha", "alpha-linux-gnu", "libc6.1-dev-alpha-cross", "linux-libc-dev-alpha-cross"),
  cross("parisc", "hppa-linux-gnu", "libc6-dev-hppa-cross", "linux-libc-dev-hppa-cross"),
  cross("sh", "sh4-linux-gnu", "libc6-dev-sh4-cross", "linux-libc-dev-sh4-cross"),
  cross("arc", "arc-linux-gnu", "libc6-dev-arc-cross", "linux-libc-dev-arc-cross"),
];

const BY_ABI: ReadonlyMap<string, Sysroot> = new Map(SYSROOTS.map((s) => [s.abi, s]));

/** The sysroot row for an ABI, or undefined when Debian packages none that a GCC here can use. */
export function sysrootFor(abi: AbiId): Sysroot | undefined {
  return BY_ABI.get(abi);
}

/** Every package the sysroots name, once each, in table order (what .ci/run installs). */
export const SYSROOT_PACKAGES: readonly string[] = [...new Set(SYSROOTS.flatMap((s) => s.packages))];
