/*
 * The shape of one row of the ABI table (spec/abis.ts).  Everything the
 * layout engine, the ioctl encoder and the syscall model need to know about
 * a Linux ABI is here, as data; no code branches on an ABI's name.
 */

export type AbiId =
  | "x86_64"
  | "i386"
  | "x32"
  | "arm"
  | "armeb"
  | "arm-oabi"
  | "aarch64"
  | "aarch64_be"
  | "mips"
  | "mipsel"
  | "mipsn32"
  | "mipsn32el"
  | "mips64"
  | "mips64el"
  | "ppc"
  | "ppc64"
  | "ppc64le"
  | "s390"
  | "s390x"
  | "sparc"
  | "sparc64"
  | "riscv32"
  | "riscv64"
  | "m68k"
  | "loongarch64"
  | "csky"
  | "alpha"
  | "parisc"
  | "sh"
  | "arc"
  | "hexagon"
  | "xtensa"
  | "microblaze"
  | "openrisc"
  | "nios2";

/**
 * The C scalar classes whose size and alignment vary between ABIs.  `time_t` is the kernel's
 * `__kernel_time_t`, the type generated headers spell; the C library's `time_t` can be wider
 * (AbiEntry.typedefs).
 */
export type ScalarClass =
  "char" | "short" | "int" | "long" | "llong" | "ptr" | "float" | "double" | "ldouble" | "bool" | "enum" | "time_t";

/** Size and in-struct alignment of a scalar, in bytes. */
export interface SizeAlign {
  size: number;
  align: number;
}

/** `_IOC` encoding family (abi-facts §2.2). */
export type IocFamilyId = "generic" | "alpha-mips-ppc-sparc" | "parisc";

/** How 64-bit scalar syscall arguments are passed (abi-facts §3). */
export type PairRule =
  | "one-register" // 64-bit registers: one slot
  | "consecutive" // two slots anywhere
  | "even" // two slots starting at an even slot index
  | "sh" // two slots, never split r7/stack: a pair starting at slot 3 moves to 4-5
  | "parisc-shim"; // explicit (high, low) u32 pairs in per-call shims, no padding

export interface SyscallModel {
  /** Register slots a syscall handler takes (SYSCALL_DEFINE_MAXARGS). */
  slots: number;
  /** Slots the entry code tolerates beyond that via the stack (MIPS o32: 8), else equal to slots. */
  maxSlots: number;
  /** How 64-bit scalars are passed. */
  pairs: PairRule;
  /**
   * Where each slot travels, in order (syscall(2) "Architecture calling conventions", abi-facts §3.3):
   * a register, or `sp+N` for MIPS o32's arguments 5-8 on the user stack.  One entry per `maxSlots`.
   */
  registers: readonly string[];
  /**
   * The 64-bit ABI whose kernels run this ABI's tasks through compat entry points (CONFIG_COMPAT,
   * IA32_EMULATION, X86_X32_ABI, MIPS32_O32/N32; arm OABI: an EABI kernel with OABI_COMPAT).
   */
  compatOn?: AbiId;
  /** Order of the two halves of a 64-bit value in a pair. */
  halfOrder: "lo-hi" | "hi-lo";
  /** Where these facts come from. */
  source: string;
}

export interface BitfieldRules {
  /** GCC PCC_BITFIELD_TYPE_MATTERS: a named bit-field's type gives alignment and no straddling. False on m68k. */
  typeMatters: boolean;
  /** Unnamed and zero-width bit-fields raise the struct's alignment (ARM EABI/OABI, AArch64). */
  unnamedRaisesAlign: boolean;
  /**
   * Where bit-field types do not matter (m68k), a zero-width bit-field pads to
   * this boundary whatever its type, and raises the struct's alignment to it
   * (GCC EMPTY_FIELD_BOUNDARY; m68k: 2).
   */
  zeroWidthAlignCap?: number;
  /** Bit allocation order within a unit; it follows the byte order on every measured ABI. */
  order: "lsb-first" | "msb-first";
}

/**
 * The kernel's uapi typedefs: those of asm/posix_types.h (include/uapi/asm-generic/posix_types.h and
 * the arch overrides in arch/<arch>/include/uapi/asm/posix_types.h), of linux/posix_types.h and
 * linux/types.h, and the two that live in linux/socket.h and linux/fs.h.  A spec may name any of them
 * as a member type (core/scalars.ts): its size, alignment and signedness on an ABI are that row's
 * TypedefFact.  The header generator also writes a spec's `time_t`, `size_t`, `ssize_t` as
 * `__kernel_time_t`, `__kernel_size_t`, `__kernel_ssize_t` (core/c-writer.ts), so the `time_t`
 * scalar class is the kernel's.
 */
export type KernelTypedef =
  | "__kernel_long_t"
  | "__kernel_ulong_t"
  | "__kernel_ino_t"
  | "__kernel_mode_t"
  | "__kernel_pid_t"
  | "__kernel_ipc_pid_t"
  | "__kernel_uid_t"
  | "__kernel_gid_t"
  | "__kernel_suseconds_t"
  | "__kernel_daddr_t"
  | "__kernel_uid32_t"
  | "__kernel_gid32_t"
  | "__kernel_old_uid_t"
  | "__kernel_old_gid_t"
  | "__kernel_old_dev_t"
  | "__kernel_size_t"
  | "__kernel_ssize_t"
  | "__kernel_ptrdiff_t"
  | "__kernel_off_t"
  | "__kernel_loff_t"
  | "__kernel_old_time_t"
  | "__kernel_time_t"
  | "__kernel_time64_t"
  | "__kernel_clock_t"
  | "__kernel_timer_t"
  | "__kernel_clockid_t"
  | "__kernel_caddr_t"
  | "__kernel_uid16_t"
  | "__kernel_gid16_t"
  | "__kernel_key_t"
  | "__kernel_mqd_t"
  | "__sum16"
  | "__wsum"
  | "__poll_t"
  | "__kernel_sa_family_t"
  | "__kernel_rwf_t";

/**
 * The C library's own types as a program compiled with the default feature macros sees them
 * (no `_FILE_OFFSET_BITS=64` / `_TIME_BITS=64`): glibc where glibc has a port, musl on hexagon.
 * They differ from the kernel's on the 32-bit ABIs whose C library has 64-bit time (arc, riscv32...).
 */
export type LibcTypedef = "time_t" | "suseconds_t" | "off_t" | "size_t" | "ssize_t";

export type TypedefName = KernelTypedef | LibcTypedef;

/**
 * The C types the typedefs come down to, as the headers spell them (sparc's `long int` included):
 * every typedef is one of these on every ABI, possibly through other typedefs.
 */
export type TypedefBase =
  | "short"
  | "unsigned short"
  | "int"
  | "unsigned int"
  | "long"
  | "long int"
  | "unsigned long"
  | "long long"
  | "unsigned long long"
  | "char *";

/** Size, in-struct alignment and signedness of one typedef, with where that figure comes from. */
export interface TypedefFact extends SizeAlign {
  /** The C type it comes down to on this ABI; size and alignment are that type's in `scalars`. */
  type: TypedefBase;
  /** `(T)-1 < 0`; false for the pointer `__kernel_caddr_t`. */
  signed: boolean;
  /** The header line it follows (the generic rule, or the row's own override), and its Debian package. */
  source: string;
}

/** A row's typedef facts (spec/abis.ts derives them from the generic rules plus per-row overrides). */
export interface TypedefTable {
  /**
   * Where the row's facts were established: the Debian sysroot they are compiled against
   * (verify/sysroots.ts, verify/libc-types.ts), or the kernel and C library sources read
   * for an ABI with no cross compiler here.
   */
  source: string;
  facts: Readonly<Record<TypedefName, TypedefFact>>;
}

export interface AbiEntry {
  id: AbiId;
  /** Human-readable name, e.g. "arm EABI (little-endian)". */
  title: string;
  endian: "little" | "big";
  /** Width of a pointer/long in bits (ILP32 = 32, LP64 = 64). */
  wordBits: 32 | 64;
  /** Plain `char` is signed. */
  charSigned: boolean;
  /** Size and in-struct alignment of every C scalar class. */
  scalars: Record<ScalarClass, SizeAlign>;
  /** Minimum alignment of every struct/union (arm OABI: 4), unless packed. */
  minStructAlign: number;
  /** Struct/union sizes are rounded to this granule (arm OABI: 4), unless packed. */
  structSizeGranule: number;
  /** Enums take the smallest integer size that holds their values (hexagon with clang). */
  shortEnums: boolean;
  bitfields: BitfieldRules;
  ioc: IocFamilyId;
  syscall: SyscallModel;
  /** The kernel's uapi typedefs and the C library's ABI-dependent ones, each with its source. */
  typedefs: TypedefTable;
  /** Where the layout figures come from (measured with which compiler, or source). */
  source: string;
  /**
   * A C preprocessor condition that holds exactly when GCC or clang compiles
   * for this ABI (guards the per-ABI blocks of out/asserts/NAME.c).
   */
  predefined?: string;
}
