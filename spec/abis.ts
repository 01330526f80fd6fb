/*
 * The ABI table: one row per Linux ABI, in the spirit of syzkaller's
 * sys/targets.  Data only.  Every figure comes from
 * ../shared/reference/abi-facts.md (measured with gcc-12 / clang-19 where a
 * compiler exists, otherwise read from GCC target headers) and
 * abi-probe/measured.tsv; each row's `source` says which.  The kernel and
 * C library typedefs follow their generic declaration (KERNEL_RULES:
 * asm-generic/posix_types.h and friends; LIBC_RULES) unless a row overrides
 * it with its arch header's line, and take their size and alignment from the
 * row's scalar classes; they are compiled against the Debian sysroot where one
 * exists here (verify/sysroots.ts), else read from the kernel and libc sources.
 *
 * Scalar notation: sa(size, align), align = in-struct alignment
 * (offsetof(struct{char c; T x;}, x)), which is what struct layout uses.
 */

import type {
  AbiEntry,
  AbiId,
  BitfieldRules,
  KernelTypedef,
  LibcTypedef,
  ScalarClass,
  SizeAlign,
  TypedefBase,
  TypedefFact,
  TypedefName,
  TypedefTable,
} from "./abi.js";

type Scalars = Readonly<Record<ScalarClass, SizeAlign>>;

const sa = (size: number, align: number): SizeAlign => ({ size, align });

/* ------------------------------------------------------------------ */
/* Scalar profiles (abi-facts §0 rules 1-2, §1.1).                     */
/* `long double` differs per ABI and is overridden in most rows.       */
/* ------------------------------------------------------------------ */

/** LP64: long, pointers and time_t 8/8; 8-byte scalars 8-aligned. */
const LP64: Scalars = {
  char: sa(1, 1),
  short: sa(2, 2),
  int: sa(4, 4),
  long: sa(8, 8),
  llong: sa(8, 8),
  ptr: sa(8, 8),
  float: sa(4, 4),
  double: sa(8, 8),
  ldouble: sa(16, 16),
  bool: sa(1, 1),
  enum: sa(4, 4),
  time_t: sa(8, 8),
};

/**
 * ILP32 with 8-aligned long long / __u64 / double
 * (ARM EABI, MIPS, ppc32, s390, sparc, riscv32, parisc, hexagon, xtensa, x32).
 */
const ILP32_U64A8: Scalars = {
  ...LP64,
  long: sa(4, 4),
  ptr: sa(4, 4),
  time_t: sa(4, 4),
  ldouble: sa(8, 8),
};

/** ILP32 with 8-byte scalars capped at 4-byte alignment (GCC `BIGGEST_ALIGNMENT 32` or i386 psABI):
 *  i386, arm OABI, sh, arc, csky, microblaze, openrisc, nios2. */
const ILP32_U64A4: Scalars = {
  ...ILP32_U64A8,
  llong: sa(8, 4),
  double: sa(8, 4),
  ldouble: sa(8, 4),
};

/** m68k (GCC, the Linux ABI): every scalar of size >= 2 is 2-aligned, long double 12/2. */
const M68K_A2: Scalars = {
  char: sa(1, 1),
  short: sa(2, 2),
  int: sa(4, 2),
  long: sa(4, 2),
  llong: sa(8, 2),
  ptr: sa(4, 2),
  float: sa(4, 2),
  double: sa(8, 2),
  ldouble: sa(12, 2),
  bool: sa(1, 1),
  enum: sa(4, 2),
  time_t: sa(4, 2),
};

/* ------------------------------------------------------------------ */
/* Bit-field profiles (abi-facts §1.3).                                */
/* ------------------------------------------------------------------ */

const BF_LE: BitfieldRules = { typeMatters: true, unnamedRaisesAlign: false, order: "lsb-first" };
const BF_BE: BitfieldRules = { typeMatters: true, unnamedRaisesAlign: false, order: "msb-first" };
/**
 * ARM EABI and AArch64: GCC's TARGET_ALIGN_ANON_BITFIELD (AAPCS only, not OABI) --
 * unnamed / zero-width bit-fields raise struct alignment.
 */
const BF_ARM_LE: BitfieldRules = { ...BF_LE, unnamedRaisesAlign: true };
const BF_ARM_BE: BitfieldRules = { ...BF_BE, unnamedRaisesAlign: true };
/** m68k: bit-fields pack across units (no PCC_BITFIELD_TYPE_MATTERS); `T :0` pads to at most 2. */
const BF_M68K: BitfieldRules = {
  typeMatters: false,
  unnamedRaisesAlign: false,
  zeroWidthAlignCap: 2,
  order: "msb-first",
};

/* ------------------------------------------------------------------ */
/* Struct defaults (abi-facts §0 rule 3, §1.2).                        */
/* ------------------------------------------------------------------ */

/** Struct alignment = max member alignment, no minimum; plain (int-sized) enums. */
const PLAIN = { minStructAlign: 1, structSizeGranule: 1, shortEnums: false } as const;

/** SYSCALL_DEFINE_MAXARGS = 6 (abi-facts §3.1); only MIPS o32 overrides maxSlots. */
const SIX = { slots: 6, maxSlots: 6 } as const;

const S33 = "abi-facts §3.3";

/* ------------------------------------------------------------------ */
/* Kernel and C library typedefs.                                      */
/* ------------------------------------------------------------------ */

/** What each C type a typedef comes down to is made of: the scalar class giving size and alignment, and its sign. */
export const TYPEDEF_BASES: Readonly<Record<TypedefBase, { cls: ScalarClass; signed: boolean }>> = {
  short: { cls: "short", signed: true },
  "unsigned short": { cls: "short", signed: false },
  int: { cls: "int", signed: true },
  "unsigned int": { cls: "int", signed: false },
  long: { cls: "long", signed: true },
  "long int": { cls: "long", signed: true },
  "unsigned long": { cls: "long", signed: false },
  "long long": { cls: "llong", signed: true },
  "unsigned long long": { cls: "llong", signed: false },
  "char *": { cls: "ptr", signed: false },
};

/** A typedef's spelling in a header: a C type, or another typedef (whose fact on the row it then shares). */
type Spelling = TypedefBase | TypedefName;

/** One typedef declaration: its spelling, and the file and line it is read from. */
interface TypedefLine {
  type: Spelling;
  source: string;
}

/**
 * The generic rule for a typedef: the header a C file includes to get it, and its declaration there.
 * `lp64` is the other branch of asm-generic's `#if __BITS_PER_LONG != 64` (a row's wordBits: 32 on x32).
 */
interface TypedefRule extends TypedefLine {
  header: string;
  lp64?: TypedefLine;
}

/** `file:line` and the type as written there (`__u16 __bitwise`, which comes down to unsigned short). */
const at = (file: string, line: number, type: Spelling, written: string = type): TypedefLine => ({
  type,
  source: `${file}:${line} \`${written}\``,
});

/**
 * The kernel's uapi headers, as installed in /usr/include by linux-libc-dev.  Line numbers are those of the kernel
 * files in the 6.1 headers of Debian's linux-libc-dev and linux-libc-dev-*-cross.
 */
const AG = "include/uapi/asm-generic/posix_types.h";
const LINUX = "include/uapi/linux";
/** <linux/types.h> includes <linux/posix_types.h>, which includes <asm/posix_types.h>, which ends in asm-generic's. */
const TYPES_H = "linux/types.h";
const ag = (line: number, type: Spelling, lp64?: TypedefLine): TypedefRule => ({
  header: TYPES_H,
  ...at(AG, line, type),
  ...(lp64 ? { lp64 } : {}),
});

/** The kernel typedefs, in the order of their headers, with the rule each row follows unless it overrides it. */
const KERNEL_RULES: Readonly<Record<KernelTypedef, TypedefRule>> = {
  __kernel_long_t: ag(15, "long"),
  __kernel_ulong_t: ag(16, "unsigned long"),
  __kernel_ino_t: ag(20, "__kernel_ulong_t"),
  __kernel_mode_t: ag(24, "unsigned int"),
  __kernel_pid_t: ag(28, "int"),
  __kernel_ipc_pid_t: ag(32, "int"),
  __kernel_uid_t: ag(36, "unsigned int"),
  __kernel_gid_t: ag(37, "unsigned int"),
  __kernel_suseconds_t: ag(41, "__kernel_long_t"),
  __kernel_daddr_t: ag(45, "int"),
  __kernel_uid32_t: ag(49, "unsigned int"),
  __kernel_gid32_t: ag(50, "unsigned int"),
  __kernel_old_uid_t: ag(54, "__kernel_uid_t"),
  __kernel_old_gid_t: ag(55, "__kernel_gid_t"),
  __kernel_old_dev_t: ag(59, "unsigned int"),
  __kernel_size_t: ag(68, "unsigned int", at(AG, 72, "__kernel_ulong_t")),
  __kernel_ssize_t: ag(69, "int", at(AG, 73, "__kernel_long_t")),
  __kernel_ptrdiff_t: ag(70, "int", at(AG, 74, "__kernel_long_t")),
  __kernel_off_t: ag(87, "__kernel_long_t"),
  __kernel_loff_t: ag(88, "long long"),
  __kernel_old_time_t: ag(89, "__kernel_long_t"),
  __kernel_time_t: ag(90, "__kernel_long_t"),
  __kernel_time64_t: ag(91, "long long"),
  __kernel_clock_t: ag(92, "__kernel_long_t"),
  __kernel_timer_t: ag(93, "int"),
  __kernel_clockid_t: ag(94, "int"),
  __kernel_caddr_t: ag(95, "char *"),
  __kernel_uid16_t: ag(96, "unsigned short"),
  __kernel_gid16_t: ag(97, "unsigned short"),
  __kernel_key_t: { header: TYPES_H, ...at(`${LINUX}/posix_types.h`, 33, "int") },
  __kernel_mqd_t: { header: TYPES_H, ...at(`${LINUX}/posix_types.h`, 34, "int") },
  // __u16 and __u32 are unsigned short and unsigned int on every ABI (include/uapi/asm-generic/int-ll64.h).
  __sum16: { header: TYPES_H, ...at(`${LINUX}/types.h`, 34, "unsigned short", "__u16 __bitwise") },
  __wsum: { header: TYPES_H, ...at(`${LINUX}/types.h`, 35, "unsigned int", "__u32 __bitwise") },
  __poll_t: { header: TYPES_H, ...at(`${LINUX}/types.h`, 51, "unsigned int", "unsigned __bitwise") },
  __kernel_sa_family_t: { header: "linux/socket.h", ...at(`${LINUX}/socket.h`, 10, "unsigned short") },
  __kernel_rwf_t: { header: "linux/fs.h", ...at(`${LINUX}/fs.h`, 283, "int", "int __bitwise") },
};

/**
 * The C library's typedefs: glibc spells them long (__SLONGWORD_TYPE) or __SYSCALL_SLONG_TYPE, which is
 * __kernel_long_t's type.
 */
const LIBC_RULES: Readonly<Record<LibcTypedef, TypedefRule>> = {
  time_t: { header: "time.h", type: "__kernel_time_t", source: "glibc bits/typesizes.h __TIME_T_TYPE" },
  suseconds_t: {
    header: "sys/types.h",
    type: "__kernel_suseconds_t",
    source: "glibc bits/typesizes.h __SUSECONDS_T_TYPE",
  },
  off_t: {
    header: "sys/types.h",
    type: "__kernel_off_t",
    source: "glibc bits/typesizes.h __OFF_T_TYPE (no _FILE_OFFSET_BITS=64)",
  },
  size_t: { header: "stddef.h", type: "__kernel_size_t", source: "GCC __SIZE_TYPE__ (glibc and the kernel agree)" },
  ssize_t: {
    header: "sys/types.h",
    type: "__kernel_ssize_t",
    source: "glibc bits/typesizes.h __SSIZE_T_TYPE __SWORD_TYPE",
  },
};

const RULES: Readonly<Record<TypedefName, TypedefRule>> = { ...KERNEL_RULES, ...LIBC_RULES };

/** Every kernel typedef, in the order of the headers that declare them. */
export const KERNEL_TYPEDEF_NAMES = Object.keys(KERNEL_RULES) as readonly KernelTypedef[];

/** The kernel typedefs an arch's asm/ headers declare (through asm-generic/posix_types.h); linux/ declares the rest. */
export const ASM_TYPEDEF_NAMES = KERNEL_TYPEDEF_NAMES.filter((n) => KERNEL_RULES[n].source.startsWith(`${AG}:`));

/** Every typedef a row carries a fact for: the kernel's first, then the C library's. */
export const TYPEDEF_NAMES = Object.keys(RULES) as readonly TypedefName[];

const isTypedef = (n: Spelling): n is TypedefName => Object.hasOwn(RULES, n);

/** The header a C file includes to declare the typedef: <linux/types.h> for most of the kernel's. */
export function typedefHeader(name: TypedefName): string {
  return RULES[name].header;
}

/** The C type a typedef comes down to on a 64-bit ABI that overrides nothing: what asm-generic makes it. */
export function genericTypedefBase(name: TypedefName): TypedefBase {
  const rule = RULES[name].lp64 ?? RULES[name];
  return isTypedef(rule.type) ? genericTypedefBase(rule.type) : rule.type;
}

/** A row's typedef declarations that differ from the generic rules. */
type TypedefOverrides = Partial<Record<TypedefName, TypedefLine>>;

/** What a row states about its typedefs; ABIS resolves it against the row's scalars. */
interface TypedefRow {
  source: string;
  overrides?: TypedefOverrides;
}

/** Resolve a row's typedef facts: its overrides first, then the generic rules, following typedef chains. */
function resolveTypedefs(row: AbiRow): TypedefTable {
  const facts: Partial<Record<TypedefName, TypedefFact>> = {};
  const fact = (name: TypedefName): TypedefFact => {
    const done = facts[name];
    if (done) return done;
    const rule = row.typedefs.overrides?.[name] ?? (row.wordBits === 64 ? RULES[name].lp64 : undefined) ?? RULES[name];
    const base = isTypedef(rule.type)
      ? fact(rule.type)
      : { type: rule.type, signed: TYPEDEF_BASES[rule.type].signed, ...row.scalars[TYPEDEF_BASES[rule.type].cls] };
    return (facts[name] = {
      size: base.size,
      align: base.align,
      type: base.type,
      signed: base.signed,
      source: rule.source,
    });
  };
  for (const name of TYPEDEF_NAMES) fact(name);
  return { source: row.typedefs.source, facts: facts as Record<TypedefName, TypedefFact> };
}

/**
 * Overrides read from one of a sysroot's headers, `Debian package: path` (verify/sysroots.ts): typedef -> its line
 * and type there.
 */
function sysrootHeader(file: string, lines: Partial<Record<TypedefName, [number, TypedefBase]>>): TypedefOverrides {
  return Object.fromEntries(Object.entries(lines).map(([name, [line, type]]) => [name, at(file, line, type)]));
}

/** Overrides read from the kernel's own arch/<arch>/include/uapi/asm/posix_types.h, for an ABI with no sysroot here. */
function kernelHeader(file: string, types: Partial<Record<TypedefName, TypedefBase>>): TypedefOverrides {
  return Object.fromEntries(
    Object.entries(types).map(([name, type]) => [name, { type, source: `${file} \`${type}\`` }]),
  );
}

/** Row source for an ABI whose typedefs are compiled against a Debian sysroot (verify/sysroots.ts). */
const sysroot = (...packages: string[]): string =>
  `Debian sysroot ${packages.join(" + ")}, compiled by verify/libc-types.ts`;

/** Row source for an LP64 ABI with no cross compiler here: long and long long are both 8/8. */
const lp64 = (kernel: string, libc: string): string =>
  `source: kernel ${kernel}; ${libc}; LP64, so every spelling (long, long long) is 8/8`;

/** The C library's 64-bit time on a 32-bit ABI: time_t, suseconds_t and off_t are long long. */
const time64 = (source: string): TypedefOverrides => ({
  time_t: { type: "long long", source },
  suseconds_t: { type: "long long", source },
  off_t: { type: "long long", source },
});

const GLIBC_GENERIC_TYPESIZES = "sysdeps/unix/sysv/linux/generic/bits/typesizes.h";

const MIPS_GLIBC = "glibc sysdeps/unix/sysv/linux/mips/bits/typesizes.h";
/** MIPS o32 and n32: long is 4 bytes, and so are the kernel's and glibc's types (__TIMESIZE is __WORDSIZE). */
const MIPS32_TYPEDEFS =
  "source: kernel arch/mips/include/uapi/asm/posix_types.h (asm-generic but __kernel_daddr_t); " +
  `${MIPS_GLIBC} __TIME_T_TYPE, __OFF_T_TYPE, __SUSECONDS_T_TYPE __SLONGWORD_TYPE; bits/timesize.h __WORDSIZE`;
/** Every MIPS ABI: __kernel_daddr_t is long (8 bytes on n64). */
const MIPS = kernelHeader("arch/mips/include/uapi/asm/posix_types.h", { __kernel_daddr_t: "long" });

/** x86-64: posix_types_64.h, which x32's posix_types_x32.h includes too. */
const x86_64Header = (file: string): TypedefOverrides =>
  sysrootHeader(file, {
    __kernel_old_uid_t: [11, "unsigned short"],
    __kernel_old_gid_t: [12, "unsigned short"],
    __kernel_old_dev_t: [15, "unsigned long"],
  });

/** arm (EABI and OABI, either byte order): 16-bit mode, ids and old dev_t. */
const ARM = sysrootHeader("linux-libc-dev-armel-cross: /usr/arm-linux-gnueabi/include/asm/posix_types.h", {
  __kernel_mode_t: [23, "unsigned short"],
  __kernel_ipc_pid_t: [26, "unsigned short"],
  __kernel_uid_t: [29, "unsigned short"],
  __kernel_gid_t: [30, "unsigned short"],
  __kernel_old_dev_t: [33, "unsigned short"],
});

const AARCH64 = kernelHeader("arch/arm64/include/uapi/asm/posix_types.h", {
  __kernel_old_uid_t: "unsigned short",
  __kernel_old_gid_t: "unsigned short",
});

/** powerpc: one header for both word sizes; the 32-bit ABI's ipc pid is a signed short. */
const PPC_POSIX = "linux-libc-dev-powerpc-cross: /usr/powerpc-linux-gnu/include/asm/posix_types.h";
const PPC64 = sysrootHeader(PPC_POSIX, { __kernel_old_dev_t: [12, "unsigned long"] });

/** s390: one header for both word sizes (linux-libc-dev-s390x-cross). */
const S390_POSIX = "linux-libc-dev-s390x-cross: /usr/s390x-linux-gnu/include/asm/posix_types.h";
const S390_COMMON: Partial<Record<TypedefName, [number, TypedefBase]>> = {
  __kernel_size_t: [16, "unsigned long"],
  __kernel_ssize_t: [17, "long"],
  __kernel_old_dev_t: [20, "unsigned short"],
};

/** sparc: one header for both word sizes (linux-libc-dev-sparc64-cross). */
const SPARC_POSIX = "linux-libc-dev-sparc64-cross: /usr/sparc64-linux-gnu/include/asm/posix_types.h";

/* ------------------------------------------------------------------ */
/* The table.                                                          */
/* ------------------------------------------------------------------ */

interface AbiRow extends Omit<AbiEntry, "typedefs"> {
  typedefs: TypedefRow;
}

const ROWS: readonly AbiRow[] = [
  /* ---- x86 ---- */
  {
    id: "x86_64",
    title: "x86-64 (LP64)",
    endian: "little",
    wordBits: 64,
    charSigned: true,
    predefined: "defined(__x86_64__) && defined(__LP64__)",
    scalars: LP64,
    ...PLAIN,
    bitfields: BF_LE,
    ioc: "generic",
    syscall: {
      registers: ["rdi", "rsi", "rdx", "r10", "r8", "r9"],
      ...SIX,
      pairs: "one-register",
      halfOrder: "lo-hi",
      source: `${S33} row x86_64 (1 reg)`,
    },
    typedefs: {
      source: sysroot("libc6-dev", "linux-libc-dev"),
      overrides: x86_64Header("linux-libc-dev: /usr/include/x86_64-linux-gnu/asm/posix_types_64.h"),
    },
    source: "measured: gcc-12 + clang-19 (abi-facts §1.1-1.3; measured.tsv x86_64/gcc, x86_64/clang)",
  },
  {
    id: "i386",
    title: "i386 (ILP32)",
    endian: "little",
    wordBits: 32,
    charSigned: true,
    predefined: "defined(__i386__)",
    // i386 psABI: long long/double 4-aligned inside structs, long double 12/4
    // (__alignof__ says 8: GCC's preferred alignment for standalone objects).
    scalars: { ...ILP32_U64A4, ldouble: sa(12, 4) },
    ...PLAIN,
    bitfields: BF_LE,
    ioc: "generic",
    syscall: {
      registers: ["ebx", "ecx", "edx", "esi", "edi", "ebp"],
      compatOn: "x86_64",
      ...SIX,
      pairs: "consecutive",
      halfOrder: "lo-hi",
      source: `${S33} row i386 (2 slots, lo first, no alignment); §3.2 measured (clang); arch/x86/kernel/sys_ia32.c`,
    },
    typedefs: {
      source: sysroot("libc6-dev-i386-cross", "linux-libc-dev-i386-cross"),
      overrides: sysrootHeader("linux-libc-dev-i386-cross: /usr/i686-linux-gnu/include/asm/posix_types_32.h", {
        __kernel_mode_t: [11, "unsigned short"],
        __kernel_ipc_pid_t: [14, "unsigned short"],
        __kernel_uid_t: [17, "unsigned short"],
        __kernel_gid_t: [18, "unsigned short"],
        __kernel_old_dev_t: [21, "unsigned short"],
      }),
    },
    source: "measured: gcc-12 -m32 + clang-19 (abi-facts §1.1-1.3; measured.tsv i386/gcc, i386/clang)",
  },
  {
    id: "x32",
    title: "x32 (ILP32 on x86-64)",
    endian: "little",
    wordBits: 32,
    charSigned: true,
    predefined: "defined(__x86_64__) && defined(__ILP32__)",
    // x32: ILP32 but u64/double 8-aligned, long double 16/16;
    // time_t is 64-bit (__kernel_long_t = long long, abi-facts §1.1 x32 note).
    scalars: { ...ILP32_U64A8, ldouble: sa(16, 16), time_t: sa(8, 8) },
    ...PLAIN,
    bitfields: BF_LE,
    ioc: "generic",
    syscall: {
      registers: ["rdi", "rsi", "rdx", "r10", "r8", "r9"],
      compatOn: "x86_64",
      ...SIX,
      pairs: "one-register",
      halfOrder: "lo-hi",
      source: `${S33} row x32 (64-bit registers; glibc __ASSUME_WORDSIZE64_ILP32)`,
    },
    typedefs: {
      source: sysroot("libc6-dev-x32-cross", "linux-libc-dev-x32-cross"),
      // glibc follows: __TIME_T_TYPE, __OFF_T_TYPE, __SUSECONDS_T_TYPE are __SYSCALL_SLONG_TYPE = __SQUAD_TYPE
      // on x32 (libc6-dev-x32-cross: /usr/x86_64-linux-gnux32/include/bits/typesizes.h:30-31, 51, 64, 66).
      // posix_types_x32.h:18 includes posix_types_64.h, whose `unsigned long` old dev_t is 4 bytes here.
      overrides: {
        ...x86_64Header("linux-libc-dev-x32-cross: /usr/x86_64-linux-gnux32/include/asm/posix_types_64.h"),
        ...sysrootHeader("linux-libc-dev-x32-cross: /usr/x86_64-linux-gnux32/include/asm/posix_types_x32.h", {
          __kernel_long_t: [14, "long long"],
          __kernel_ulong_t: [15, "unsigned long long"],
        }),
      },
    },
    source: "measured: gcc-12 -mx32 + clang-19 (abi-facts §1.1-1.3; measured.tsv x32/gcc, x32/clang)",
  },

  /* ---- ARM ---- */
  {
    id: "arm",
    title: "arm EABI (little-endian, armel/armhf)",
    endian: "little",
    wordBits: 32,
    charSigned: false,
    predefined: "defined(__arm__) && defined(__ARM_EABI__) && !defined(__ARMEB__)",
    scalars: ILP32_U64A8,
    ...PLAIN,
    bitfields: BF_ARM_LE,
    ioc: "generic",
    syscall: {
      registers: ["r0", "r1", "r2", "r3", "r4", "r5"],
      compatOn: "aarch64",
      ...SIX,
      pairs: "even",
      halfOrder: "lo-hi",
      source: `${S33} row ARM EABI (even pair); §3.2 measured (clang); arch/arm/kernel/sys_arm.c`,
    },
    typedefs: { source: sysroot("libc6-dev-armel-cross", "linux-libc-dev-armel-cross"), overrides: ARM },
    source: "measured: gcc-12 + clang-19 (abi-facts §1.1-1.3; measured.tsv arm_eabi/gcc, arm_eabi/clang)",
  },
  {
    id: "armeb",
    title: "arm EABI (big-endian)",
    endian: "big",
    wordBits: 32,
    charSigned: false,
    predefined: "defined(__arm__) && defined(__ARM_EABI__) && defined(__ARMEB__)",
    scalars: ILP32_U64A8,
    ...PLAIN,
    bitfields: BF_ARM_BE,
    ioc: "generic",
    syscall: {
      registers: ["r0", "r1", "r2", "r3", "r4", "r5"],
      compatOn: "aarch64_be",
      ...SIX,
      pairs: "even",
      halfOrder: "hi-lo",
      source: `${S33} row ARM EABI (even pair; halves follow byte order, §3.2)`,
    },
    typedefs: {
      source:
        "source: the glibc and kernel headers of arm (libc6-dev-armel-cross, linux-libc-dev-armel-cross), " +
        "whose sizes do not depend on byte order; no big-endian ARM GCC here",
      overrides: ARM,
    },
    source: "measured: clang-19 only, no GCC cross-check (abi-facts §1.1, §1.4; measured.tsv armeb_eabi/clang)",
  },
  {
    id: "arm-oabi",
    title: "arm OABI (legacy, apcs-gnu)",
    endian: "little",
    wordBits: 32,
    charSigned: false,
    predefined: "defined(__arm__) && !defined(__ARM_EABI__) && !defined(__ARMEB__)",
    // OABI: 8-byte scalars word-aligned, and every struct/union is at least 4-aligned and a multiple of 4 bytes
    // (sys_oabi-compat.c).
    // Unnamed bit-fields do not raise alignment on OABI:
    // GCC's arm_align_anon_bitfield is TARGET_AAPCS_BASED (EABI only).
    // Only visible in packed structs (elsewhere the 4-byte minimum hides it): measured by `uapi verify` with
    // arm-linux-gnueabi-gcc-12 -mabi=apcs-gnu, `struct __attribute__((packed)) {char a; short :0; char b;}`
    // = 3 bytes, align 1 (EABI: 4, align 2).
    scalars: ILP32_U64A4,
    minStructAlign: 4,
    structSizeGranule: 4,
    shortEnums: false,
    bitfields: BF_LE,
    ioc: "generic",
    syscall: {
      registers: ["r0", "r1", "r2", "r3", "r4", "r5"],
      compatOn: "arm",
      ...SIX,
      pairs: "consecutive",
      halfOrder: "lo-hi",
      source:
        `${S33} row ARM OABI (2 slots, no alignment); §3.2 measured (gcc -mabi=apcs-gnu); ` +
        "arch/arm/kernel/sys_oabi-compat.c",
    },
    typedefs: {
      // No OABI C library is packaged any more; the armel headers only depend on __WORDSIZE, which OABI shares.
      source: `${sysroot("libc6-dev-armel-cross", "linux-libc-dev-armel-cross")} with -mabi=apcs-gnu`,
      overrides: ARM,
    },
    source:
      "measured: gcc-12 -mabi=apcs-gnu " +
      "(abi-facts §1.1-1.3; measured.tsv arm_oabi/gcc; clang's apcs-gnu is wrong, §1.4)",
  },
  {
    id: "aarch64",
    title: "aarch64 (LP64, little-endian)",
    endian: "little",
    wordBits: 64,
    charSigned: false,
    predefined: "defined(__aarch64__) && defined(__LP64__) && !defined(__AARCH64EB__)",
    scalars: LP64,
    ...PLAIN,
    bitfields: BF_ARM_LE,
    ioc: "generic",
    syscall: {
      registers: ["x0", "x1", "x2", "x3", "x4", "x5"],
      ...SIX,
      pairs: "one-register",
      halfOrder: "lo-hi",
      source: `${S33} row "riscv64, loongarch64, alpha, aarch64" (1 reg)`,
    },
    typedefs: {
      source: lp64(
        "arch/arm64/include/uapi/asm/posix_types.h (asm-generic but the 16-bit old uid and gid)",
        "glibc sysdeps/unix/sysv/linux/aarch64/bits/typesizes.h",
      ),
      overrides: AARCH64,
    },
    source: "measured: clang-19 (abi-facts §1.1-1.3; measured.tsv aarch64/clang)",
  },
  {
    id: "aarch64_be",
    title: "aarch64 (LP64, big-endian)",
    endian: "big",
    wordBits: 64,
    charSigned: false,
    predefined: "defined(__aarch64__) && defined(__LP64__) && defined(__AARCH64EB__)",
    scalars: LP64,
    ...PLAIN,
    bitfields: BF_ARM_BE,
    ioc: "generic",
    syscall: {
      registers: ["x0", "x1", "x2", "x3", "x4", "x5"],
      ...SIX,
      pairs: "one-register",
      halfOrder: "hi-lo",
      source: `${S33} row "riscv64, loongarch64, alpha, aarch64" (1 reg)`,
    },
    typedefs: {
      source: lp64(
        "arch/arm64/include/uapi/asm/posix_types.h (asm-generic but the 16-bit old uid and gid)",
        "glibc sysdeps/unix/sysv/linux/aarch64/bits/typesizes.h",
      ),
      overrides: AARCH64,
    },
    source: "measured: clang-19 (abi-facts §1.1-1.3; measured.tsv aarch64_be/clang)",
  },

  /* ---- MIPS ---- */
  {
    id: "mips",
    title: "MIPS o32 (big-endian)",
    endian: "big",
    wordBits: 32,
    charSigned: true,
    predefined: "defined(__mips__) && _MIPS_SIM == _ABIO32 && defined(__MIPSEB__)",
    scalars: ILP32_U64A8,
    ...PLAIN,
    bitfields: BF_BE,
    ioc: "alpha-mips-ppc-sparc",
    // o32 entry copies args 5-8 from the user stack (scall32-o32.S), so up to 8 slots are tolerated.
    syscall: {
      registers: ["a0", "a1", "a2", "a3", "sp+16", "sp+20", "sp+24", "sp+28"],
      compatOn: "mips64",
      slots: 6,
      maxSlots: 8,
      pairs: "even",
      halfOrder: "hi-lo",
      source:
        `${S33} row MIPS o32 (even pair); ` +
        "§3.1 (arch/mips/kernel/scall32-o32.S, args 5-8 on user stack); §3.2 measured (clang)",
    },
    typedefs: { source: MIPS32_TYPEDEFS, overrides: MIPS },
    source: "measured: clang-19 (abi-facts §1.1-1.3; measured.tsv mips_o32/clang)",
  },
  {
    id: "mipsel",
    title: "MIPS o32 (little-endian)",
    endian: "little",
    wordBits: 32,
    charSigned: true,
    predefined: "defined(__mips__) && _MIPS_SIM == _ABIO32 && defined(__MIPSEL__)",
    scalars: ILP32_U64A8,
    ...PLAIN,
    bitfields: BF_LE,
    ioc: "alpha-mips-ppc-sparc",
    // o32 entry copies args 5-8 from the user stack (scall32-o32.S), so up to 8 slots are tolerated.
    syscall: {
      registers: ["a0", "a1", "a2", "a3", "sp+16", "sp+20", "sp+24", "sp+28"],
      compatOn: "mips64el",
      slots: 6,
      maxSlots: 8,
      pairs: "even",
      halfOrder: "lo-hi",
      source:
        `${S33} row MIPS o32 (even pair); ` +
        "§3.1 (arch/mips/kernel/scall32-o32.S, args 5-8 on user stack); §3.2 measured (clang)",
    },
    typedefs: { source: MIPS32_TYPEDEFS, overrides: MIPS },
    source: "measured: clang-19 (abi-facts §1.1-1.3; measured.tsv mipsel_o32/clang)",
  },
  {
    id: "mipsn32",
    title: "MIPS n32 (big-endian)",
    endian: "big",
    wordBits: 32,
    charSigned: true,
    predefined: "defined(__mips__) && _MIPS_SIM == _ABIN32 && defined(__MIPSEB__)",
    scalars: { ...ILP32_U64A8, ldouble: sa(16, 16) },
    ...PLAIN,
    bitfields: BF_BE,
    ioc: "alpha-mips-ppc-sparc",
    // n32 is ILP32 with 64-bit registers: a 64-bit argument takes one register.
    syscall: {
      registers: ["a0", "a1", "a2", "a3", "a4", "a5"],
      compatOn: "mips64",
      ...SIX,
      pairs: "one-register",
      halfOrder: "hi-lo",
      source: `${S33} row MIPS n32 (1 reg, 64-bit regs); §3.2 row "x32, mips n32"`,
    },
    typedefs: { source: MIPS32_TYPEDEFS, overrides: MIPS },
    source: "measured: clang-19 (abi-facts §1.1-1.3; measured.tsv mips_n32/clang)",
  },
  {
    id: "mipsn32el",
    title: "MIPS n32 (little-endian)",
    endian: "little",
    wordBits: 32,
    charSigned: true,
    predefined: "defined(__mips__) && _MIPS_SIM == _ABIN32 && defined(__MIPSEL__)",
    scalars: { ...ILP32_U64A8, ldouble: sa(16, 16) },
    ...PLAIN,
    bitfields: BF_LE,
    ioc: "alpha-mips-ppc-sparc",
    // n32 is ILP32 with 64-bit registers: a 64-bit argument takes one register.
    syscall: {
      registers: ["a0", "a1", "a2", "a3", "a4", "a5"],
      compatOn: "mips64el",
      ...SIX,
      pairs: "one-register",
      halfOrder: "lo-hi",
      source: `${S33} row MIPS n32 (1 reg, 64-bit regs); §3.2 row "x32, mips n32"`,
    },
    typedefs: { source: MIPS32_TYPEDEFS, overrides: MIPS },
    source: "measured: clang-19 (abi-facts §1.1-1.3; measured.tsv mipsel_n32/clang)",
  },
  {
    id: "mips64",
    title: "MIPS n64 (big-endian)",
    endian: "big",
    wordBits: 64,
    charSigned: true,
    predefined: "defined(__mips__) && _MIPS_SIM == _ABI64 && defined(__MIPSEB__)",
    scalars: LP64,
    ...PLAIN,
    bitfields: BF_BE,
    ioc: "alpha-mips-ppc-sparc",
    syscall: {
      registers: ["a0", "a1", "a2", "a3", "a4", "a5"],
      ...SIX,
      pairs: "one-register",
      halfOrder: "hi-lo",
      source: `${S33} row MIPS n64 (1 reg)`,
    },
    typedefs: {
      source: lp64("arch/mips/include/uapi/asm/posix_types.h (asm-generic but __kernel_daddr_t)", MIPS_GLIBC),
      overrides: MIPS,
    },
    source: "measured: clang-19 (abi-facts §1.1-1.3; measured.tsv mips_n64/clang)",
  },
  {
    id: "mips64el",
    title: "MIPS n64 (little-endian)",
    endian: "little",
    wordBits: 64,
    charSigned: true,
    predefined: "defined(__mips__) && _MIPS_SIM == _ABI64 && defined(__MIPSEL__)",
    scalars: LP64,
    ...PLAIN,
    bitfields: BF_LE,
    ioc: "alpha-mips-ppc-sparc",
    syscall: {
      registers: ["a0", "a1", "a2", "a3", "a4", "a5"],
      ...SIX,
      pairs: "one-register",
      halfOrder: "lo-hi",
      source: `${S33} row MIPS n64 (1 reg)`,
    },
    typedefs: {
      source: lp64("arch/mips/include/uapi/asm/posix_types.h (asm-generic but __kernel_daddr_t)", MIPS_GLIBC),
      overrides: MIPS,
    },
    source: "measured: clang-19 (abi-facts §1.1-1.3; measured.tsv mipsel_n64/clang)",
  },

  /* ---- PowerPC ---- */
  {
    id: "ppc",
    title: "powerpc (32-bit)",
    endian: "big",
    wordBits: 32,
    charSigned: false,
    predefined: "defined(__powerpc__) && !defined(__powerpc64__)",
    // GCC 12 long double = IBM double-double, 16/16.
    scalars: { ...ILP32_U64A8, ldouble: sa(16, 16) },
    ...PLAIN,
    bitfields: BF_BE,
    ioc: "alpha-mips-ppc-sparc",
    syscall: {
      registers: ["r3", "r4", "r5", "r6", "r7", "r8"],
      compatOn: "ppc64",
      ...SIX,
      pairs: "even",
      halfOrder: "hi-lo",
      source: `${S33} row powerpc32 (even pair r3, r5, r7; hi first); §3.2 measured (gcc, clang)`,
    },
    typedefs: {
      source: sysroot("libc6-dev-powerpc-cross", "linux-libc-dev-powerpc-cross"),
      overrides: sysrootHeader(PPC_POSIX, { __kernel_ipc_pid_t: [15, "short"] }),
    },
    source: "measured: gcc-12 + clang-19 (abi-facts §1.1-1.3; measured.tsv ppc32/gcc, ppc32/clang)",
  },
  {
    id: "ppc64",
    title: "powerpc64 (big-endian)",
    endian: "big",
    wordBits: 64,
    charSigned: false,
    predefined: "defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__",
    scalars: LP64,
    ...PLAIN,
    bitfields: BF_BE,
    ioc: "alpha-mips-ppc-sparc",
    syscall: {
      registers: ["r3", "r4", "r5", "r6", "r7", "r8"],
      ...SIX,
      pairs: "one-register",
      halfOrder: "hi-lo",
      source: `${S33} row ppc64 (1 reg)`,
    },
    typedefs: {
      // The header is the one linux-libc-dev-powerpc-cross installs, read for its `#ifdef __powerpc64__` branch.
      source: lp64(
        "arch/powerpc/include/uapi/asm/posix_types.h (asm-generic but __kernel_old_dev_t on powerpc64)",
        "glibc sysdeps/unix/sysv/linux/powerpc/bits/typesizes.h",
      ),
      overrides: PPC64,
    },
    source: "measured: clang-19 (abi-facts §1.1-1.3; measured.tsv ppc64/clang)",
  },
  {
    id: "ppc64le",
    title: "powerpc64 (little-endian)",
    endian: "little",
    wordBits: 64,
    charSigned: false,
    predefined: "defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__",
    scalars: LP64,
    ...PLAIN,
    bitfields: BF_LE,
    ioc: "alpha-mips-ppc-sparc",
    syscall: {
      registers: ["r3", "r4", "r5", "r6", "r7", "r8"],
      ...SIX,
      pairs: "one-register",
      halfOrder: "lo-hi",
      source: `${S33} row ppc64 (1 reg)`,
    },
    typedefs: {
      // The header is the one linux-libc-dev-powerpc-cross installs, read for its `#ifdef __powerpc64__` branch.
      source: lp64(
        "arch/powerpc/include/uapi/asm/posix_types.h (asm-generic but __kernel_old_dev_t on powerpc64)",
        "glibc sysdeps/unix/sysv/linux/powerpc/bits/typesizes.h",
      ),
      overrides: PPC64,
    },
    source: "measured: clang-19 (abi-facts §1.1-1.3; measured.tsv ppc64le/clang)",
  },

  /* ---- s390 ---- */
  {
    id: "s390",
    title: "s390 (31-bit)",
    endian: "big",
    wordBits: 32,
    charSigned: false,
    predefined: "defined(__s390__) && !defined(__s390x__)",
    // long double 16 bytes but only 8-aligned (as on s390x).
    scalars: { ...ILP32_U64A8, ldouble: sa(16, 8) },
    ...PLAIN,
    bitfields: BF_BE,
    ioc: "generic",
    syscall: {
      registers: ["r2", "r3", "r4", "r5", "r6", "r7"],
      compatOn: "s390x",
      ...SIX,
      pairs: "consecutive",
      halfOrder: "hi-lo",
      source:
        `${S33} row s390 31-bit (2 slots, hi first, none); §3.2 measured (gcc -m31); ` +
        "arch/s390/kernel/compat_linux.c",
    },
    typedefs: {
      source: sysroot("libc6-dev-s390-s390x-cross", "libc6-dev-s390x-cross", "linux-libc-dev-s390x-cross"),
      // The `#ifndef __s390x__` branch.
      overrides: sysrootHeader(S390_POSIX, {
        ...S390_COMMON,
        __kernel_ino_t: [26, "unsigned long"],
        __kernel_mode_t: [27, "unsigned short"],
        __kernel_ipc_pid_t: [28, "unsigned short"],
        __kernel_uid_t: [29, "unsigned short"],
        __kernel_gid_t: [30, "unsigned short"],
        __kernel_ptrdiff_t: [31, "int"],
      }),
    },
    source: "measured: gcc-12 -m31 (abi-facts §1.1-1.3; measured.tsv s390/gcc; clang has no 31-bit target, §1.4)",
  },
  {
    id: "s390x",
    title: "s390x (64-bit)",
    endian: "big",
    wordBits: 64,
    charSigned: false,
    predefined: "defined(__s390x__)",
    // long double 16 bytes but only 8-aligned.
    scalars: { ...LP64, ldouble: sa(16, 8) },
    ...PLAIN,
    bitfields: BF_BE,
    ioc: "generic",
    syscall: {
      registers: ["r2", "r3", "r4", "r5", "r6", "r7"],
      ...SIX,
      pairs: "one-register",
      halfOrder: "hi-lo",
      source: `${S33} row s390x (1 reg)`,
    },
    typedefs: {
      source: sysroot("libc6-dev-s390x-cross", "linux-libc-dev-s390x-cross"),
      overrides: sysrootHeader(S390_POSIX, {
        ...S390_COMMON,
        __kernel_ino_t: [35, "unsigned int"],
        __kernel_mode_t: [36, "unsigned int"],
        __kernel_ipc_pid_t: [37, "int"],
        __kernel_uid_t: [38, "unsigned int"],
        __kernel_gid_t: [39, "unsigned int"],
        __kernel_ptrdiff_t: [40, "long"],
      }),
    },
    source: "measured: gcc-12 + clang-19 (abi-facts §1.1-1.3; measured.tsv s390x/gcc, s390x/clang)",
  },

  /* ---- SPARC ---- */
  {
    id: "sparc",
    title: "sparc (32-bit)",
    endian: "big",
    wordBits: 32,
    charSigned: true,
    predefined: "defined(__sparc__) && !defined(__arch64__)",
    // glibc 128-bit long double, 16/8 (clang-19 says 8/8, which is not the Linux ABI: abi-facts §1.4).
    scalars: { ...ILP32_U64A8, ldouble: sa(16, 8) },
    ...PLAIN,
    bitfields: BF_BE,
    ioc: "alpha-mips-ppc-sparc",
    syscall: {
      registers: ["o0", "o1", "o2", "o3", "o4", "o5"],
      compatOn: "sparc64",
      ...SIX,
      pairs: "consecutive",
      halfOrder: "hi-lo",
      source:
        `${S33} row sparc32 (2 slots, hi first, none); §3.2 measured (gcc, clang); ` +
        "arch/sparc/kernel/sys_sparc32.c",
    },
    typedefs: {
      source: sysroot("libc6-dev-sparc-sparc64-cross", "libc6-dev-sparc64-cross", "linux-libc-dev-sparc64-cross"),
      // The header's `sparc 32 bit` branch.
      overrides: sysrootHeader(SPARC_POSIX, {
        __kernel_size_t: [35, "unsigned int"],
        __kernel_ssize_t: [36, "int"],
        __kernel_ptrdiff_t: [37, "long int"],
        __kernel_ipc_pid_t: [40, "unsigned short"],
        __kernel_uid_t: [43, "unsigned short"],
        __kernel_gid_t: [44, "unsigned short"],
        __kernel_mode_t: [47, "unsigned short"],
        __kernel_daddr_t: [50, "long"],
        __kernel_old_dev_t: [53, "unsigned short"],
      }),
    },
    source: "measured: gcc-12 -m32 (+ clang-19 except long double) (abi-facts §1.1-1.4; measured.tsv sparc/gcc)",
  },
  {
    id: "sparc64",
    title: "sparc64",
    endian: "big",
    wordBits: 64,
    charSigned: true,
    predefined: "defined(__sparc__) && defined(__arch64__)",
    scalars: LP64,
    ...PLAIN,
    bitfields: BF_BE,
    ioc: "alpha-mips-ppc-sparc",
    syscall: {
      registers: ["o0", "o1", "o2", "o3", "o4", "o5"],
      ...SIX,
      pairs: "one-register",
      halfOrder: "hi-lo",
      source: `${S33} row sparc64 (1 reg)`,
    },
    typedefs: {
      source: sysroot("libc6-dev-sparc64-cross", "linux-libc-dev-sparc64-cross"),
      // The SPARC V9 ABI's timeval has a 32-bit tv_usec: arch/sparc/include/uapi/asm/posix_types.h
      // ("Note this piece of asymmetry from the v9 ABI").
      overrides: {
        ...sysrootHeader(SPARC_POSIX, {
          __kernel_old_uid_t: [14, "unsigned short"],
          __kernel_old_gid_t: [15, "unsigned short"],
          __kernel_suseconds_t: [19, "int"],
          __kernel_long_t: [22, "long"],
          __kernel_ulong_t: [23, "unsigned long"],
        }),
        suseconds_t: {
          type: "int",
          source:
            "libc6-dev-sparc64-cross: /usr/sparc64-linux-gnu/include/bits/typesizes.h:52 " +
            "`__SUSECONDS_T_TYPE __S32_TYPE`",
        },
      },
    },
    source: "measured: gcc-12 -m64 + clang-19 (abi-facts §1.1-1.3; measured.tsv sparc64/gcc, sparc64/clang)",
  },

  /* ---- RISC-V ---- */
  {
    id: "riscv32",
    title: "riscv32 (ILP32)",
    endian: "little",
    wordBits: 32,
    charSigned: false,
    predefined: "defined(__riscv) && __riscv_xlen == 32",
    scalars: { ...ILP32_U64A8, ldouble: sa(16, 16) },
    ...PLAIN,
    bitfields: BF_LE,
    ioc: "generic",
    syscall: {
      registers: ["a0", "a1", "a2", "a3", "a4", "a5"],
      compatOn: "riscv64",
      ...SIX,
      pairs: "consecutive",
      halfOrder: "lo-hi",
      source: `${S33} row riscv32 (2 slots, lo first, none); §3.2 measured (clang)`,
    },
    typedefs: {
      source: "source: kernel asm-generic (riscv has no asm/posix_types.h of its own); glibc riscv: 64-bit time",
      overrides: time64(
        'glibc sysdeps/unix/sysv/linux/riscv/bits/timesize.h `__TIMESIZE 64` ("RV32 and RV64 ' +
          'both use 64-bit time_t"); bits/typesizes.h __TIME_T_TYPE, __OFF_T_TYPE, __SUSECONDS_T_TYPE __SQUAD_TYPE',
      ),
    },
    source: "measured: clang-19 (abi-facts §1.1-1.3; measured.tsv riscv32/clang)",
  },
  {
    id: "riscv64",
    title: "riscv64 (LP64)",
    endian: "little",
    wordBits: 64,
    charSigned: false,
    predefined: "defined(__riscv) && __riscv_xlen == 64",
    scalars: LP64,
    ...PLAIN,
    bitfields: BF_LE,
    ioc: "generic",
    syscall: {
      registers: ["a0", "a1", "a2", "a3", "a4", "a5"],
      ...SIX,
      pairs: "one-register",
      halfOrder: "lo-hi",
      source: `${S33} row "riscv64, loongarch64, alpha, aarch64" (1 reg)`,
    },
    typedefs: {
      source: lp64(
        "asm-generic (riscv has no asm/posix_types.h of its own)",
        "glibc sysdeps/unix/sysv/linux/riscv/bits/typesizes.h",
      ),
    },
    source: "measured: clang-19 (abi-facts §1.1-1.3; measured.tsv riscv64/clang)",
  },

  /* ---- the rest ---- */
  {
    id: "m68k",
    title: "m68k",
    endian: "big",
    wordBits: 32,
    charSigned: true,
    predefined: "defined(__m68k__)",
    // m68k: 2-byte alignment cap on every scalar; bit-fields pack across units (abi-facts §1.1, §1.3).
    scalars: M68K_A2,
    ...PLAIN,
    bitfields: BF_M68K,
    ioc: "generic",
    syscall: {
      registers: ["d1", "d2", "d3", "d4", "d5", "a0"],
      ...SIX,
      pairs: "consecutive",
      halfOrder: "hi-lo",
      source: `${S33} row m68k (2 slots, hi first, none); §3.2 measured (gcc)`,
    },
    typedefs: {
      source: sysroot("libc6-dev-m68k-cross", "linux-libc-dev-m68k-cross"),
      overrides: sysrootHeader("linux-libc-dev-m68k-cross: /usr/m68k-linux-gnu/include/asm/posix_types.h", {
        __kernel_mode_t: [11, "unsigned short"],
        __kernel_ipc_pid_t: [14, "unsigned short"],
        __kernel_uid_t: [17, "unsigned short"],
        __kernel_gid_t: [18, "unsigned short"],
        __kernel_old_dev_t: [21, "unsigned short"],
      }),
    },
    source: "measured: gcc-12 (abi-facts §1.1-1.3; measured.tsv m68k/gcc; clang-19's m68k layout is wrong, §1.4)",
  },
  {
    id: "loongarch64",
    title: "loongarch64 (LP64)",
    endian: "little",
    wordBits: 64,
    charSigned: true,
    predefined: "defined(__loongarch__) && defined(__loongarch_lp64)",
    scalars: LP64,
    ...PLAIN,
    bitfields: BF_LE,
    ioc: "generic",
    syscall: {
      registers: ["a0", "a1", "a2", "a3", "a4", "a5"],
      ...SIX,
      pairs: "one-register",
      halfOrder: "lo-hi",
      source: `${S33} row "riscv64, loongarch64, alpha, aarch64" (1 reg)`,
    },
    typedefs: {
      source: lp64("asm-generic (loongarch has no asm/posix_types.h of its own)", `glibc ${GLIBC_GENERIC_TYPESIZES}`),
    },
    source: "measured: clang-19 (abi-facts §1.1-1.3; measured.tsv loongarch64/clang)",
  },
  {
    id: "csky",
    title: "C-SKY (ABIv2)",
    endian: "little",
    wordBits: 32,
    charSigned: false,
    // clang defines only __CSKYABI__ (2), GCC both it and __CSKYABIV2__ (clang CSKY.cpp, gcc csky-c.cc).
    predefined: "defined(__csky__) && __CSKYABI__ == 2 && !defined(__CSKYBE__)",
    // csky: char unsigned per GCC csky.h DEFAULT_SIGNED_CHAR 0 (clang-19 says signed);
    // BIGGEST_ALIGNMENT 32 caps 8-byte types at 4.
    // Unnamed bit-fields: clang-19 raises alignment, GCC (by source) does not --
    // unresolved (abi-facts §1.3, §6); GCC's rule is used.
    scalars: ILP32_U64A4,
    ...PLAIN,
    bitfields: BF_LE,
    ioc: "generic",
    // ABIv2 (the Linux ABI) passes pairs without alignment (glibc, GCC csky_function_arg_advance);
    // ABIv1 used even pairs (abi-facts §3.3, §6).
    syscall: {
      registers: ["a0", "a1", "a2", "a3", "a4", "a5"],
      ...SIX,
      pairs: "consecutive",
      halfOrder: "lo-hi",
      source:
        `${S33} row csky (ABIv2: none; glibc __ASSUME_ALIGNED_REGISTER_PAIRS only for ABIv1); ` +
        "arch/csky/kernel/syscall.c; conflicting sources noted in §6",
    },
    typedefs: {
      source:
        "source: kernel asm-generic (csky has no asm/posix_types.h of its own); glibc " +
        `sysdeps/unix/sysv/linux/csky/bits/timesize.h \`__TIMESIZE 32\`, ${GLIBC_GENERIC_TYPESIZES} (long)`,
    },
    source:
      "measured: clang-19 -funsigned-char; char signedness from gcc/config/csky/csky.h " +
      "(abi-facts §1.1, §1.4; measured.tsv csky/clang)",
  },
  {
    id: "alpha",
    title: "alpha (LP64)",
    endian: "little",
    wordBits: 64,
    charSigned: true,
    predefined: "defined(__alpha__)",
    scalars: LP64,
    ...PLAIN,
    bitfields: BF_LE,
    ioc: "alpha-mips-ppc-sparc",
    syscall: {
      registers: ["a0", "a1", "a2", "a3", "a4", "a5"],
      ...SIX,
      pairs: "one-register",
      halfOrder: "lo-hi",
      source: `${S33} row "riscv64, loongarch64, alpha, aarch64" (1 reg)`,
    },
    typedefs: {
      source: sysroot("libc6.1-dev-alpha-cross", "linux-libc-dev-alpha-cross"),
      overrides: sysrootHeader("linux-libc-dev-alpha-cross: /usr/alpha-linux-gnu/include/asm/posix_types.h", {
        __kernel_ino_t: [11, "unsigned int"],
      }),
    },
    source: "measured: gcc-12 (abi-facts §1.1-1.3; measured.tsv alpha/gcc)",
  },
  {
    id: "parisc",
    title: "parisc / hppa (32-bit)",
    endian: "big",
    wordBits: 32,
    charSigned: true,
    predefined: "defined(__hppa__) && !defined(__LP64__)",
    scalars: ILP32_U64A8,
    ...PLAIN,
    bitfields: BF_BE,
    ioc: "parisc",
    // parisc: the C ABI uses even pairs, but the kernel's per-call shims take explicit (high, low) u32 pairs
    // with no padding.
    syscall: {
      registers: ["r26", "r25", "r24", "r23", "r22", "r21"],
      ...SIX,
      pairs: "parisc-shim",
      halfOrder: "hi-lo",
      source:
        `${S33} row parisc (shim); ` +
        "arch/parisc/kernel/sys_parisc.c (parisc_pread64(fd, buf, count, high, low), ...)",
    },
    typedefs: {
      source: sysroot("libc6-dev-hppa-cross", "linux-libc-dev-hppa-cross"),
      // The 16-bit mode_t is the `#ifndef __LP64__` branch.
      overrides: sysrootHeader("linux-libc-dev-hppa-cross: /usr/hppa-linux-gnu/include/asm/posix_types.h", {
        __kernel_mode_t: [12, "unsigned short"],
        __kernel_ipc_pid_t: [16, "unsigned short"],
      }),
    },
    source: "measured: gcc-12 (abi-facts §1.1-1.3; measured.tsv hppa/gcc)",
  },
  {
    id: "sh",
    title: "SuperH (sh4, little-endian)",
    endian: "little",
    wordBits: 32,
    charSigned: true,
    predefined: "defined(__sh__) && defined(__LITTLE_ENDIAN__)",
    scalars: ILP32_U64A4,
    ...PLAIN,
    bitfields: BF_LE,
    ioc: "generic",
    // sh: a 64-bit pair is never split between r7 and the stack; a pair starting at slot 3 moves to slots 4-5.
    syscall: {
      registers: ["r4", "r5", "r6", "r7", "r0", "r1"],
      ...SIX,
      pairs: "sh",
      halfOrder: "lo-hi",
      source:
        `${S33} row sh (never split r7/stack); §3.2 measured (gcc sh4); ` +
        "arch/sh/kernel/sys_sh32.c sys_pread_wrapper",
    },
    typedefs: {
      source: sysroot("libc6-dev-sh4-cross", "linux-libc-dev-sh4-cross"),
      overrides: sysrootHeader("linux-libc-dev-sh4-cross: /usr/sh4-linux-gnu/include/asm/posix_types_32.h", {
        __kernel_mode_t: [5, "unsigned short"],
        __kernel_ipc_pid_t: [7, "unsigned short"],
        __kernel_uid_t: [9, "unsigned short"],
        __kernel_gid_t: [11, "unsigned short"],
        __kernel_old_uid_t: [14, "unsigned short"],
        __kernel_old_gid_t: [16, "unsigned short"],
        __kernel_old_dev_t: [18, "unsigned short"],
      }),
    },
    source: "measured: gcc-12 sh4 (abi-facts §1.1-1.3; measured.tsv sh4/gcc)",
  },
  {
    id: "arc",
    title: "ARC (ARCv2/HS)",
    endian: "little",
    wordBits: 32,
    charSigned: false,
    predefined: "defined(__arc__) && !defined(__BIG_ENDIAN__)",
    // arc: long long still 4-aligned even with -mll64 (gcc-12 default hs38_linux).
    scalars: ILP32_U64A4,
    ...PLAIN,
    bitfields: BF_LE,
    ioc: "generic",
    syscall: {
      registers: ["r0", "r1", "r2", "r3", "r4", "r5"],
      ...SIX,
      pairs: "consecutive",
      halfOrder: "lo-hi",
      source: `${S33} row arc (2 slots, lo first, none); §3.2 measured (gcc, hs38)`,
    },
    typedefs: {
      source: sysroot("libc6-dev-arc-cross", "linux-libc-dev-arc-cross"),
      // glibc's arc port (2.32) has 64-bit time and file offsets; the kernel's __kernel_time_t stays long.
      overrides: time64(
        "libc6-dev-arc-cross: /usr/arc-linux-gnu/include/bits/timesize.h:20 `__TIMESIZE 64`; " +
          "/usr/arc-linux-gnu/include/bits/typesizes.h:28-38 __OFF_T_TYPE, __TIME_T_TYPE, __SUSECONDS_T_TYPE " +
          "__SQUAD_TYPE",
      ),
    },
    source: "measured: gcc-12 (abi-facts §1.1-1.3; measured.tsv arc/gcc; clang-19's arc target is wrong, §1.4)",
  },
  {
    id: "hexagon",
    title: "Hexagon",
    endian: "little",
    wordBits: 32,
    charSigned: false,
    predefined: "defined(__hexagon__)",
    // hexagon: clang (its Linux compiler) defaults to -fshort-enums: an enum takes the smallest integer holding
    // its values (the probe enum {0,1} is 1/1); `enum` below is the size of an int-range enum.
    scalars: ILP32_U64A8,
    minStructAlign: 1,
    structSizeGranule: 1,
    shortEnums: true,
    bitfields: BF_LE,
    ioc: "generic",
    syscall: {
      registers: ["r0", "r1", "r2", "r3", "r4", "r5"],
      ...SIX,
      pairs: "even",
      halfOrder: "lo-hi",
      source: `${S33} row hexagon (even, measured); §3.2 measured (clang)`,
    },
    typedefs: {
      source: "source: kernel asm-generic (hexagon has no asm/posix_types.h of its own); C library musl",
      overrides: time64(
        "musl >= 1.2.0 include/alltypes.h.in `TYPEDEF _Int64 time_t`, `suseconds_t`, `off_t` " +
          "(arch/hexagon/bits/alltypes.h.in: _Int64 is long long)",
      ),
    },
    source:
      "measured: clang-19 hexagon-unknown-linux-musl, no GCC cross-check " +
      "(abi-facts §1.1-1.3; measured.tsv hexagon/clang)",
  },

  /* ---- source only: no compiler on the research machine ---- */
  {
    id: "xtensa",
    title: "Xtensa (little-endian)",
    endian: "little",
    wordBits: 32,
    charSigned: false,
    predefined: "defined(__xtensa__) && defined(__XTENSA_EL__)",
    // xtensa: endianness is per core config (Linux has both); little-endian is the default row.
    // BIGGEST_ALIGNMENT 128 -> 8-byte types 8-aligned.
    scalars: ILP32_U64A8,
    ...PLAIN,
    bitfields: BF_LE,
    ioc: "generic",
    syscall: {
      registers: ["a6", "a3", "a4", "a5", "a8", "a9"],
      ...SIX,
      pairs: "even",
      halfOrder: "lo-hi",
      source: `${S33} row xtensa (even, syscall(2)); arch/xtensa/kernel/syscalls/syscall.tbl (xtensa_fadvise64_64)`,
    },
    typedefs: {
      // glibc has no xtensa port; uClibc-ng's time_t is long unless it is built with UCLIBC_USE_TIME64.
      source:
        "source: kernel arch/xtensa/include/uapi/asm/posix_types.h (16-bit ipc pid, old uid, gid and dev; " +
        "the 32-bit asm-generic sizes); C library uClibc-ng without UCLIBC_USE_TIME64",
      overrides: kernelHeader("arch/xtensa/include/uapi/asm/posix_types.h", {
        __kernel_ipc_pid_t: "unsigned short",
        __kernel_size_t: "unsigned int",
        __kernel_ssize_t: "int",
        __kernel_ptrdiff_t: "long",
        __kernel_old_uid_t: "unsigned short",
        __kernel_old_gid_t: "unsigned short",
        __kernel_old_dev_t: "unsigned short",
      }),
    },
    source: "source: gcc/config/xtensa/xtensa.h (abi-facts §1.1 source-only table, no compiler here)",
  },
  {
    id: "microblaze",
    title: "MicroBlaze (big-endian)",
    endian: "big",
    wordBits: 32,
    charSigned: true,
    predefined: "defined(__microblaze__) && !defined(__MICROBLAZEEL__)",
    // microblaze: BIGGEST_ALIGNMENT 32 caps 8-byte types at 4; BE is the default (microblazeel = LE).
    scalars: ILP32_U64A4,
    ...PLAIN,
    bitfields: BF_BE,
    ioc: "generic",
    syscall: {
      registers: ["r5", "r6", "r7", "r8", "r9", "r10"],
      ...SIX,
      pairs: "consecutive",
      halfOrder: "hi-lo",
      source: `${S33} row microblaze (2 slots, none: musl)`,
    },
    typedefs: {
      source:
        "source: kernel arch/microblaze/include/uapi/asm/posix_types.h (asm-generic but __kernel_mode_t); glibc " +
        `sysdeps/unix/sysv/linux/microblaze/bits/timesize.h \`__TIMESIZE 32\`, ${GLIBC_GENERIC_TYPESIZES} (long)`,
      overrides: kernelHeader("arch/microblaze/include/uapi/asm/posix_types.h", {
        __kernel_mode_t: "unsigned short",
      }),
    },
    source: "source: gcc/config/microblaze/microblaze.h (abi-facts §1.1 source-only table, no compiler here)",
  },
  {
    id: "openrisc",
    title: "OpenRISC (or1k)",
    endian: "big",
    wordBits: 32,
    charSigned: true,
    predefined: "defined(__or1k__)",
    // openrisc: BIGGEST_ALIGNMENT 32 caps 8-byte types at 4.
    scalars: ILP32_U64A4,
    ...PLAIN,
    bitfields: BF_BE,
    ioc: "generic",
    syscall: {
      registers: ["r3", "r4", "r5", "r6", "r7", "r8"],
      ...SIX,
      pairs: "consecutive",
      halfOrder: "hi-lo",
      source: `${S33} row openrisc (2 slots, none: musl)`,
    },
    typedefs: {
      source: "source: kernel asm-generic (openrisc has no asm/posix_types.h of its own); glibc or1k: 64-bit time",
      // glibc's or1k port (2.35) has no bits/timesize.h of its own, so glibc's default bits/timesize.h applies.
      overrides: time64(
        `glibc bits/timesize.h \`__TIMESIZE 64\`; ${GLIBC_GENERIC_TYPESIZES} ` +
          "`__TIMESIZE == 64 && __WORDSIZE == 32`: __TIME_T_TYPE, __OFF_T_TYPE, __SUSECONDS_T_TYPE __SQUAD_TYPE",
      ),
    },
    source: "source: gcc/config/or1k/or1k.h (abi-facts §1.1 source-only table, no compiler here)",
  },
  {
    id: "nios2",
    title: "Nios II",
    endian: "little",
    wordBits: 32,
    charSigned: true,
    predefined: "defined(__nios2__)",
    // nios2: BIGGEST_ALIGNMENT 32 caps 8-byte types at 4.
    scalars: ILP32_U64A4,
    ...PLAIN,
    bitfields: BF_LE,
    ioc: "generic",
    syscall: {
      registers: ["r4", "r5", "r6", "r7", "r8", "r9"],
      ...SIX,
      pairs: "consecutive",
      halfOrder: "lo-hi",
      source: `${S33} row nios2 (2 slots, none: GCC nios2_function_arg_advance has no rounding)`,
    },
    typedefs: {
      source:
        "source: kernel asm-generic (arch/nios2/include/uapi/asm/Kbuild generates asm/posix_types.h from it); " +
        `glibc sysdeps/unix/sysv/linux/nios2/bits/timesize.h \`__TIMESIZE 32\`, ` +
        `${GLIBC_GENERIC_TYPESIZES} (long)`,
    },
    source: "source: gcc/config/nios2/nios2.h (abi-facts §1.1 source-only table, no compiler here)",
  },
];

export const ABIS: readonly AbiEntry[] = ROWS.map((r) => ({ ...r, typedefs: resolveTypedefs(r) }));

/** Every ABI id, in table order. */
export const ABI_IDS: readonly AbiId[] = ABIS.map((a) => a.id);

const BY_ID: ReadonlyMap<string, AbiEntry> = new Map(ABIS.map((a) => [a.id, a]));

/** The row for `id`, or undefined if there is no such ABI. */
export function abiById(id: string): AbiEntry | undefined {
  return BY_ID.get(id);
}
