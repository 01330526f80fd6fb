/*
 * Which real compiler can judge which ABI, and how to invoke it: data only.
 * Source: ../shared/reference/abi-facts.md §1.4 (triples, flags, and where
 * clang is not the Linux ABI) and §1.1-§1.3 (what was cross-checked).
 *
 * A row lists every compiler that implements the ABI as Linux user space
 * sees it.  A compiler that is known to be wrong for an ABI (clang for m68k,
 * arc, arm OABI, s390 31-bit) is simply absent from that row, so it can never
 * count as verifying it.  `limits` name record features a compiler does not
 * get right on that ABI; records using them are left unverified by it.
 */
import type { AbiId } from "../spec/abi.js";

/** A record feature a compiler is known to lay out differently from Linux on one ABI. */
export type Limit =
  /** `long double`: clang's sparc32 is 8 bytes, Linux/glibc's 16 (abi-facts §1.4). */
  | "long-double"
  /** unnamed / zero-width bit-fields: clang's csky raises struct alignment, GCC's does not (abi-facts §1.3, §6). */
  | "unnamed-bitfield";

export interface LimitNote {
  limit: Limit;
  why: string;
}

export interface ClangTarget {
  /** `--target=` triple. */
  triple: string;
  /** Extra flags (e.g. -funsigned-char for csky). */
  flags: readonly string[];
  limits?: readonly LimitNote[];
}

export interface GccTarget {
  /** The executable (looked up on PATH). */
  command: string;
  flags: readonly string[];
  limits?: readonly LimitNote[];
}

export interface AbiCompilers {
  abi: AbiId;
  /** clang target, when clang implements the Linux ABI; used by @yowasp/clang and any `clang` on PATH. */
  clang?: ClangTarget;
  /** System GCC that implements the ABI (host multilib or a Debian cross compiler). */
  gcc?: GccTarget;
  /** Why a compiler family is absent (shown when the ABI ends up unverified). */
  note?: string;
}

const LD: LimitNote = {
  limit: "long-double",
  why: "clang's sparc32 long double is 8 bytes, Linux/glibc uses 16 (abi-facts §1.4)",
};
const UNNAMED_BF: LimitNote = {
  limit: "unnamed-bitfield",
  why: "clang's csky lets unnamed bit-fields raise struct alignment, GCC csky does not (abi-facts §1.3, §6)",
};

const clang = (triple: string, ...flags: string[]): ClangTarget => ({ triple, flags });
const gcc = (command: string, ...flags: string[]): GccTarget => ({ command, flags });

export const COMPILERS: readonly AbiCompilers[] = [
  { abi: "x86_64", clang: clang("x86_64-linux-gnu"), gcc: gcc("gcc", "-m64") },
  { abi: "i386", clang: clang("i386-linux-gnu"), gcc: gcc("gcc", "-m32") },
  { abi: "x32", clang: clang("x86_64-linux-gnux32"), gcc: gcc("gcc", "-mx32") },
  { abi: "arm", clang: clang("arm-linux-gnueabi"), gcc: gcc("arm-linux-gnueabi-gcc-12") },
  { abi: "armeb", clang: clang("armeb-linux-gnueabi"), note: "no big-endian ARM GCC installed" },
  {
    abi: "arm-oabi",
    gcc: gcc("arm-linux-gnueabi-gcc-12", "-mabi=apcs-gnu"),
    note: "clang's apcs-gnu has no 4-byte struct granule and lays out bit-fields differently (abi-facts §1.4)",
  },
  { abi: "aarch64", clang: clang("aarch64-linux-gnu") },
  { abi: "aarch64_be", clang: clang("aarch64_be-linux-gnu") },
  { abi: "mips", clang: clang("mips-linux-gnu") },
  { abi: "mipsel", clang: clang("mipsel-linux-gnu") },
  { abi: "mipsn32", clang: clang("mips64-linux-gnuabin32") },
  { abi: "mipsn32el", clang: clang("mips64el-linux-gnuabin32") },
  { abi: "mips64", clang: clang("mips64-linux-gnuabi64") },
  { abi: "mips64el", clang: clang("mips64el-linux-gnuabi64") },
  { abi: "ppc", clang: clang("powerpc-linux-gnu"), gcc: gcc("powerpc-linux-gnu-gcc-12") },
  { abi: "ppc64", clang: clang("powerpc64-linux-gnu") },
  { abi: "ppc64le", clang: clang("powerpc64le-linux-gnu") },
  { abi: "s390", gcc: gcc("s390x-linux-gnu-gcc-12", "-m31"), note: "clang has no 31-bit s390 target (abi-facts §1.4)" },
  { abi: "s390x", clang: clang("s390x-linux-gnu"), gcc: gcc("s390x-linux-gnu-gcc-12", "-m64") },
  { abi: "sparc", clang: { ...clang("sparc-linux-gnu"), limits: [LD] }, gcc: gcc("sparc64-linux-gnu-gcc-12", "-m32") },
  { abi: "sparc64", clang: clang("sparc64-linux-gnu"), gcc: gcc("sparc64-linux-gnu-gcc-12", "-m64") },
  { abi: "riscv32", clang: clang("riscv32-linux-gnu") },
  { abi: "riscv64", clang: clang("riscv64-linux-gnu") },
  {
    abi: "m68k",
    gcc: gcc("m68k-linux-gnu-gcc-12"),
    note: "clang's m68k uses 4-byte alignment for int/pointer/long long; Linux (GCC) uses 2 (abi-facts §1.4)",
  },
  { abi: "loongarch64", clang: clang("loongarch64-linux-gnu") },
  { abi: "csky", clang: { ...clang("csky-linux-gnu", "-funsigned-char"), limits: [UNNAMED_BF] } },
  { abi: "alpha", gcc: gcc("alpha-linux-gnu-gcc-12"), note: "clang has no alpha target" },
  { abi: "parisc", gcc: gcc("hppa-linux-gnu-gcc-12"), note: "clang has no hppa target" },
  { abi: "sh", gcc: gcc("sh4-linux-gnu-gcc-12"), note: "clang has no sh target" },
  {
    abi: "arc",
    gcc: gcc("arc-linux-gnu-gcc-12"),
    note: "clang's arc front end is big-endian with ARM-like bit-fields, not the Linux ARC ABI (abi-facts §1.4)",
  },
  { abi: "hexagon", clang: clang("hexagon-unknown-linux-musl") },
  {
    abi: "xtensa",
    note:
      "no compiler: clang has no xtensa target and no Debian cross GCC exists " +
      "(table row from gcc/config/xtensa/xtensa.h)",
  },
  {
    abi: "microblaze",
    note:
      "no compiler: clang has no microblaze target and no Debian cross GCC exists " +
      "(table row from gcc/config/microblaze/microblaze.h)",
  },
  {
    abi: "openrisc",
    note:
      "no compiler: clang has no or1k target and no Debian cross GCC exists " +
      "(table row from gcc/config/or1k/or1k.h)",
  },
  {
    abi: "nios2",
    note:
      "no compiler: clang has no nios2 target and no Debian cross GCC exists " +
      "(table row from gcc/config/nios2/nios2.h)",
  },
];

const BY_ABI: ReadonlyMap<string, AbiCompilers> = new Map(COMPILERS.map((c) => [c.abi, c]));

/** The compiler row for an ABI (every ABI in spec/abis.ts has one; a test checks it). */
export function compilersFor(abi: AbiId): AbiCompilers {
  return BY_ABI.get(abi) ?? { abi, note: "no compiler row for this ABI in verify/compilers.ts" };
}

/**
 * How the probe spells `time_t` on an ABI: the kernel's __kernel_long_t,
 * which is `long` except on x32 (`long long`, arch/x86/include/uapi/asm/posix_types_x32.h;
 * abi-facts §1.1 x32 note).  The compilers know no libc, so this one fact is given to them.
 */
export function timeTSpelling(abi: AbiId): string {
  return abi === "x32" ? "long long" : "long";
}
