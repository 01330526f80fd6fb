/*
 * Kernel facts the syscall generators need beyond the ABI table: where an
 * architecture puts an entry point of its own, under which kernel config it is
 * built, and what the kernel named the entries of the same kind.  Data only;
 * which entry an ABI needs is decided by the calling analysis
 * (syscall/calling.ts) from the ABI table's `syscall` model, never here.
 */
import type { AbiId } from "../spec/abi.js";

export interface ArchEntry {
  /** The entry's name is this prefix and the syscall's name (`aarch32_` + `pread64`). */
  prefix: string;
  /** The kernel configuration that builds it, as a preprocessor condition on CONFIG_ symbols. */
  guard: string;
  /** The kernel file where entries of this kind live. */
  file: string;
  /** A kernel entry of the same kind, for the comment. */
  precedent: string;
}

const ARM64_AARCH32: ArchEntry = {
  prefix: "aarch32_",
  guard: "defined(CONFIG_ARM64) && defined(CONFIG_COMPAT)",
  file: "arch/arm64/kernel/sys32.c",
  precedent: "compat_sys_aarch32_pread64(fd, buf, count, u32 __pad, pos)",
};
const MIPS_O32: ArchEntry = {
  prefix: "o32_",
  guard: "defined(CONFIG_MIPS32_O32)",
  file: "arch/mips/kernel/linux32.c",
  precedent: "sys_32_pread(fd, buf, count, unused, a4, a5)",
};
const PPC_COMPAT: ArchEntry = {
  prefix: "ppc_",
  guard: "defined(CONFIG_PPC64) && defined(CONFIG_COMPAT)",
  file: "arch/powerpc/kernel/sys_ppc32.c",
  precedent: "compat_sys_ppc_pread64(fd, ubuf, count, u32 reg6, pos1, pos2)",
};

/** Compat entries with an explicit padding argument, for ABIs whose pairs start at an even slot (abi-facts §3.5). */
export const PADDED_COMPAT_ENTRY: Partial<Record<AbiId, ArchEntry>> = {
  arm: ARM64_AARCH32,
  armeb: ARM64_AARCH32,
  mips: MIPS_O32,
  mipsel: MIPS_O32,
  ppc: PPC_COMPAT,
};

/**
 * Native entries with the padding argument, for a 32-bit kernel whose syscall wrappers map registers to
 * arguments one by one instead of by the C convention: powerpc since 6.1 (commit e23750623835,
 * "powerpc/32: fix syscall wrappers with 64-bit arguments of unaligned register-pairs").
 */
export const NATIVE_PADDED_ENTRY: Partial<Record<AbiId, ArchEntry>> = {
  ppc: {
    prefix: "ppc_",
    guard: "defined(CONFIG_PPC32)",
    file: "arch/powerpc/kernel/sys_ppc32.c (PPC32_SYSCALL_DEFINEn)",
    precedent: "sys_ppc_pread64(fd, ubuf, count, u32 reg6, pos1, pos2)",
  },
};

const MIPS_N32: ArchEntry = {
  prefix: "n32_",
  guard: "defined(CONFIG_MIPS32_N32)",
  file: "arch/mips/kernel/linux32.c",
  precedent: "n32's compat entries",
};

/**
 * Compat entries for ILP32 ABIs with 64-bit registers (one register per 64-bit value), needed when such an ABI
 * needs a compat entry at all and the syscall also has a 64-bit argument, which the generic compat entry takes
 * as two halves.
 */
export const ONE_REGISTER_COMPAT_ENTRY: Partial<Record<AbiId, ArchEntry>> = {
  x32: {
    prefix: "x32_",
    guard: "defined(CONFIG_X86_X32_ABI)",
    file: "arch/x86/entry/syscalls/syscall_64.tbl (x32 lines)",
    precedent: "compat_sys_preadv64 (x32's preadv, loff_t in one register)",
  },
  mipsn32: MIPS_N32,
  mipsn32el: MIPS_N32,
};

/**
 * Entries on an ABI's own kernel, or on the 32-bit kernel that runs it (arm OABI on an EABI kernel): explicit
 * (high, low) halves (parisc), the OABI placement of a pair, or sh's slot order with a dummy.
 */
export const OWN_KERNEL_ENTRY: Partial<Record<AbiId, ArchEntry>> = {
  "arm-oabi": {
    prefix: "oabi_",
    guard: "defined(CONFIG_OABI_COMPAT)",
    file: "arch/arm/kernel/sys_oabi-compat.c",
    precedent: "sys_oabi_pread64",
  },
  parisc: {
    prefix: "parisc_",
    guard: "defined(CONFIG_PARISC)",
    file: "arch/parisc/kernel/sys_parisc.c",
    precedent: "parisc_pread64(fd, buf, count, high, low)",
  },
  sh: {
    prefix: "sh_",
    guard: "defined(CONFIG_SUPERH)",
    file: "arch/sh/kernel/sys_sh32.c",
    precedent: "sys_pread_wrapper(fd, buf, count, long dummy, loff_t pos), sh_sync_file_range6",
  },
};

/** For an ABI the tables above do not list: named after the ABI, built with compat. */
export function fallbackEntry(abi: AbiId): ArchEntry {
  return {
    prefix: `${abi.replace(/[^a-z0-9]/g, "_")}_`,
    guard: "defined(CONFIG_COMPAT)",
    file: "the architecture's compat code",
    precedent: "no kernel precedent recorded",
  };
}
