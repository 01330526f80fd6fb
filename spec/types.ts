/*
 * The spec language: the single source of truth for what a spec document may
 * say.  `npm run schema` turns these types into spec/schema.json with
 * typescript-json-schema; ajv validates every document against that file, and
 * a test fails when the committed schema drifts from these types.
 *
 * Doc comments here become the schema's descriptions, which editors show
 * while completing a YAML spec.
 */

import type { AbiId } from "./abi.js";

/** A C identifier. Checked against the C grammar and keyword list by the loader. */
export type Identifier = string;

/**
 * A type expression, written as it would be in C:
 * - a kernel fixed-width type: `__u8`..`__u64`, `__s8`..`__s64`, `__be16/32/64`,
 *   `__le16/32/64`, `__aligned_u64`, `__aligned_be64`, `__aligned_le64`;
 * - a native C type: `char`, `signed char`, `unsigned char`, `short`, `unsigned short`,
 *   `int`, `unsigned int`, `long`, `unsigned long`, `long long`, `unsigned long long`,
 *   `size_t`, `ssize_t`, `time_t`, `_Bool`, `float`, `double`, `long double`;
 * - a pointer: any type followed by `*` (e.g. `void *`, `__s16 *`); `struct NAME *` may name a
 *   struct the spec does not declare (a pointer to an incomplete type);
 * - a named composite: `struct NAME`, `union NAME`, or `enum NAME`;
 * - with `const` / `volatile` qualifiers where C allows them (`const char *`, `char * const`,
 *   `const __u32`): layout ignores them, the generated header keeps them.
 */
export type TypeExpr = string;

/**
 * A property of the ABI a member or attribute depends on, as uapi headers test it with the
 * preprocessor (`#if defined(__BIG_ENDIAN_BITFIELD)`, `#ifdef __x86_64__`).  Every property given
 * must hold.
 * @minProperties 1
 */
export interface AbiCondition {
  /** The ABI's byte order (and bit-field allocation order): `__LITTLE_ENDIAN_BITFIELD` / `__BIG_ENDIAN_BITFIELD`. */
  byteOrder?: "little" | "big";
  /** The width of `long` and pointers: `__BITS_PER_LONG`. */
  wordBits?: 32 | 64;
  /**
   * Any of these ABIs (`uapi abis` lists them).
   * @minItems 1
   */
  abi?: AbiId[];
  /**
   * None of these ABIs.
   * @minItems 1
   */
  notAbi?: AbiId[];
}

/** `__attribute__((packed))` only on the ABIs where `when` holds (`EPOLL_PACKED`: x86_64 only). */
export interface ConditionalPacked {
  when: AbiCondition;
}

/**
 * An alignment in bytes: a power of two.
 * @minimum 1
 * @maximum 4096
 * @TJS-type integer
 */
export type Alignment = number;

/** `__attribute__((aligned(value)))` only on the ABIs where `when` holds. */
export interface ConditionalAligned {
  value: Alignment;
  when: AbiCondition;
}

/**
 * One array dimension: a length from 0 to 1048576 (0 is GNU C's zero-length array), "flexible"
 * (the first dimension of the last member only), or a constant expression over integers, the
 * interface's constants and `sizeof(TYPE)` with `+ - * / % << >> & | ^ ~ ( )`, e.g.
 * `"FOO_MAX + 1"` or `"64 / sizeof(__u32)"`.
 */
export type ArrayDimension = number | string;

/** Where an item stands in the kernel's history. */
export interface Status {
  /**
   * merged: in mainline; proposed: posted, not merged; withdrawn/superseded: abandoned;
   * downstream: vendor trees only; idea: discussed on-list only.
   */
  state: "merged" | "proposed" | "superseded" | "withdrawn" | "downstream" | "idea";
  /** Where this comes from: a lore Message-ID, a commit, a file path. */
  source: string;
  /** Kernel release or series version, where known (e.g. "v5.13", "RFC v1"). */
  version?: string;
}

/** Which way data flows through a field or argument, seen from user space. */
export type Flow = "in" | "out" | "inout";

/** A file descriptor carried in an integer field. */
export interface FdSemantics {
  /** Values that are not fds but have a meaning (e.g. -1 for "self"). */
  special?: NamedValue[];
  /** True when the kernel writes a new fd into the field. */
  created?: boolean;
}

/** A user-space pointer carried in a `__u64` (never a C pointer). */
export interface UserPointerSemantics {
  /** The type of the pointed-to elements, e.g. `__u64` or `struct iovec`. */
  to: TypeExpr;
  /** The sibling field that holds the element count, if any. */
  count?: Identifier;
  /** Whether the kernel reads (`in`), writes (`out`) or both through the pointer. */
  access?: Flow;
}

/** A named value (a sentinel, a special fd, an enumerator). */
export interface NamedValue {
  name: Identifier;
  /** The value: a number, or a string holding a decimal/hex integer such as "-1" or "0xffffffffffffffff". */
  value: number | string;
  doc?: string;
}

/** One field of a struct or union. */
export interface FieldSpec {
  /** The member name. Leave it out for an anonymous struct/union member or an unnamed bit-field. */
  name?: Identifier;
  /** kernel-doc text for the member. */
  doc?: string;
  /** The member's type: a type expression, or an inline (possibly anonymous) struct or union. */
  type: TypeExpr | InlineComposite;
  /**
   * An array: one dimension (a length, "flexible", or a constant expression, see ArrayDimension),
   * or a list of them, outermost first (`[2, 3]` is `T x[2][3]`).
   * @minItems 1
   * @maxItems 8
   */
  array?: ArrayDimension | ArrayDimension[];
  /**
   * Bit-field width in bits (0 for a zero-width bit-field).
   * @minimum 0
   * @maximum 64
   * @TJS-type integer
   */
  bits?: number;
  /**
   * `__attribute__((aligned(N)))` on the member; only ever raises alignment. A power of two,
   * or `{value, when}` for an attribute only some ABIs get.
   * @minimum 1
   * @maximum 4096
   * @multipleOf 1
   */
  aligned?: Alignment | ConditionalAligned;
  /** `__attribute__((packed))` on the member: its alignment becomes 1 (`{when}`: only where it holds). */
  packed?: boolean | ConditionalPacked;
  /** The member exists only on the ABIs where this holds (the header wraps it in `#if`). */
  when?: AbiCondition;
  /** Explicit padding: must be zero, carries no meaning. */
  padding?: boolean;
  /** Reserved for future use: must be zero, the kernel rejects non-zero. */
  reserved?: boolean;
  /**
   * Whether the kernel rejects a non-zero value with -EINVAL (botching-up-ioctls.rst: "check all unused fields
   * and flags are 0").  Default: true for `reserved` and `padding` members, false otherwise.  `false` on a
   * reserved member records that the kernel does not check it (`uapi check` warns: user space may leave
   * garbage there, so it can never be given a meaning); `true` on another integer member makes it must-be-zero
   * today (a flags word with no flags yet).
   */
  mustBeZero?: boolean;
  /** Data flow of this field when the struct is an ioctl argument (default: the command's). */
  flow?: Flow;
  /** The field holds a file descriptor. */
  fd?: boolean | FdSemantics;
  /** The field holds a user pointer (in a `__u64`). */
  pointer?: UserPointerSemantics;
  /** The field is a flags word; names the flag set in `flags:` that defines its bits. */
  flags?: Identifier;
  /** The field holds one value of the named enumeration in `enums:`. */
  enum?: Identifier;
  /** The field is an opaque handle (an ID meaningful only to the kernel). */
  handle?: boolean;
  /** Named special values of this field (sentinels such as "(u32)-1 = unchanged"). */
  special?: NamedValue[];
}

/** A struct or union written inline as a member's type. */
export interface InlineComposite {
  kind: "struct" | "union";
  /** The tag, if the inline type is named (`struct foo { ... } member`). */
  tag?: Identifier;
  fields: FieldSpec[];
  /**
   * `__attribute__((aligned(N)))` on the inline type, or `{value, when}` for an attribute only some ABIs get.
   * @minimum 1
   * @maximum 4096
   * @multipleOf 1
   */
  aligned?: Alignment | ConditionalAligned;
  packed?: boolean | ConditionalPacked;
  doc?: string;
}

/** A named struct or union. */
export interface StructSpec {
  name: Identifier;
  /** struct (default) or union. */
  kind?: "struct" | "union";
  doc: string;
  fields: FieldSpec[];
  /**
   * `__attribute__((__aligned__(N)))` on the type. A power of two, or `{value, when}` for an
   * attribute only some ABIs get.
   * @minimum 1
   * @maximum 4096
   * @multipleOf 1
   */
  aligned?: Alignment | ConditionalAligned;
  /** `__attribute__((__packed__))` on the type (`{when}`: only where it holds, as `EPOLL_PACKED`). */
  packed?: boolean | ConditionalPacked;
  /**
   * Defined elsewhere (a libc or other kernel header, e.g. `struct iovec`):
   * laid out and checked as an element type, never emitted into the header.
   */
  external?: { header: string };
  /**
   * The struct's extension contract: it grows only by appending members, and the kernel learns the
   * caller's size at run time and requires unknown trailing bytes to be zero (copy_struct_from_user(),
   * as clone3, openat2 and perf_event_attr do).  `uapi diff` calls a member appended to such a struct
   * compatible, unless an ioctl number encodes the struct's size.
   */
  extensible?: ExtensionContract;
  status?: Status;
}

/**
 * How a struct may grow (Documentation/process/adding-syscalls.rst, include/linux/uaccess.h
 * copy_struct_from_user()): where the caller's size travels, and the sizes published so far.
 */
export interface ExtensionContract {
  /**
   * `member`: a member holds it (perf_event_attr.size, VFIO's argsz); `argument`: a syscall's size argument
   * (clone3, openat2); `ioctl`: the command's `_IOC_SIZE` (drm, with `dispatch: nr`); `none`: the struct never
   * grows, and is extended by new commands instead (ioctl.rst: no interface versions inside structs).
   */
  size: "member" | "argument" | "ioctl" | "none";
  /** The top-level member holding the size, with `size: member`. */
  member?: Identifier;
  /**
   * The published sizes, oldest first (`OPEN_HOW_SIZE_VER0 = 24`): each is the end of a member on every ABI, a
   * multiple of 8, larger than the one before, with no implicit padding inside.  The header defines each name;
   * the kernel side rejects a caller's size below the first with -EINVAL.
   * @maxItems 64
   */
  versions?: StructVersion[];
}

/** One published size of an extensible struct. */
export interface StructVersion {
  /** The `#define` the header gives it, e.g. `OPEN_HOW_SIZE_VER0`. */
  name: Identifier;
  /**
   * sizeof the struct as that version published it, in bytes.
   * @minimum 1
   * @maximum 16384
   * @TJS-type integer
   */
  size: number;
  doc?: string;
}

/** A bit in a flags word. */
export interface FlagBit {
  name: Identifier;
  /**
   * @minimum 0
   * @maximum 63
   * @TJS-type integer
   */
  bit: number;
  doc?: string;
  /** Reserved bit: must be zero today. */
  reserved?: boolean;
}

/** A named set of flag bits for one flags word. */
export interface FlagSetSpec {
  name: Identifier;
  doc: string;
  /** Width of the carrier in bits; 64 makes the header use `(1ULL << n)`. */
  width: 8 | 16 | 32 | 64;
  bits: FlagBit[];
  /**
   * The name of the `#define` for the mask of the known (non-reserved) bits; default `<NAME>_ALL` in capitals.
   * The generated kernel side rejects a word with any other bit set.
   */
  mask?: Identifier;
  /** Emit as an anonymous `enum { ... }` (as bus1 does) instead of `#define`s. */
  asEnum?: boolean;
}

/** An enumeration of values. */
export interface EnumSpec {
  name: Identifier;
  doc: string;
  values: NamedValue[];
  /** Emit as a C `enum name { ... }` type (otherwise as `#define`s or an anonymous enum). */
  emit?: "enum" | "anonymous-enum" | "defines";
}

/** A `#define` constant. */
export interface ConstantSpec {
  name: Identifier;
  doc?: string;
  /** A number, or a C constant expression such as "((__u64)-1)" or "'i'". */
  value: number | string;
}

/** What a command returns on success. */
export interface ReturnSpec {
  kind: "zero" | "fd" | "count" | "value";
  doc?: string;
}

/** An errno a command can fail with. */
export interface ErrnoSpec {
  errno: string;
  doc?: string;
}

/** How the syscall form of a command is derived (overrides the defaults). */
export interface SyscallOverride {
  /** The syscall name (default: derived from the command name). */
  name?: Identifier;
  /** Argument order by field name (with `fd` for the file descriptor). */
  order?: string[];
  /** Argument renames: field name -> argument name. */
  rename?: { [field: string]: Identifier };
  /** The remedy to present when the flat form exceeds six slots. */
  remedy?: "struct-pointer" | "extensible-struct" | "reorder" | "split";
  /** Free text on how the command would look as a syscall. */
  doc?: string;
}

/** Pointer semantics of a syscall argument whose C type is a pointer (the pointee is the type's). */
export interface ArgPointerSemantics {
  /** The argument that holds the element count of the pointed-to array, if any. */
  count?: Identifier;
  /** Whether the kernel reads (`in`), writes (`out`) or both through the pointer (default: `in` for `const`). */
  access?: Flow;
  /** The pointer may be NULL, and what NULL means. */
  nullable?: string;
}

/** One argument of a declared syscall: a C type with the semantic annotations a struct member can carry. */
export interface SyscallArgSpec {
  name: Identifier;
  doc?: string;
  /**
   * The C type as in the prototype: `int`, `unsigned int`, `size_t`, `loff_t`, `const char *`,
   * `struct open_how *`.  `loff_t`, `pid_t` and `off_t` are the kernel's (__kernel_loff_t, ...).
   */
  type: TypeExpr;
  /** The argument is a file descriptor. */
  fd?: boolean | FdSemantics;
  /** The argument is a user pointer (its C type is a pointer). */
  pointer?: ArgPointerSemantics;
  /** The argument is a flags word; names the flag set in `flags:` that defines its bits. */
  flags?: Identifier;
  /** The argument holds one value of the named enumeration in `enums:`. */
  enum?: Identifier;
  /** The kernel rejects a non-zero value with -EINVAL (a flags argument with no flag defined yet). */
  mustBeZero?: boolean;
  /** The argument is an opaque handle. */
  handle?: boolean;
  /** Named special values (sentinels such as AT_FDCWD). */
  special?: NamedValue[];
  /**
   * The argument is the size in bytes of what the named pointer argument points to: the size of an
   * extensible struct, read with copy_struct_from_user() (openat2's usize, clone3's size).
   */
  sizeOf?: Identifier;
}

/** How a declared syscall would look as an ioctl (overrides the defaults of syscall/README.md). */
export interface IoctlOverride {
  /** The command name (default: `<INTERFACE>_<SYSCALL>` in capitals). */
  name?: Identifier;
  /**
   * The command number (default: the next number the interface's magic leaves free).
   * @minimum 0
   * @maximum 255
   * @TJS-type integer
   */
  nr?: number;
}

/** A system call, declared as such (the other direction from a command's derived syscall form). */
export interface SyscallSpec {
  name: Identifier;
  doc: string;
  /**
   * The arguments in prototype order.
   * @maxItems 64
   */
  args: SyscallArgSpec[];
  returns?: ReturnSpec;
  errors?: ErrnoSpec[];
  status?: Status;
  /**
   * The number in the kernel's common syscall table (scripts/syscall.tbl), once one is assigned.
   * @minimum 0
   * @maximum 4095
   * @TJS-type integer
   */
  number?: number;
  /** The repair to present when the prototype exceeds six slots on some ABI. */
  remedy?: "struct-pointer" | "extensible-struct" | "reorder" | "split";
  ioctl?: IoctlOverride;
}

/** One ioctl command. */
export interface CommandSpec {
  name: Identifier;
  doc: string;
  /** The ioctl type ("magic"): a number, a one-character string for a char literal, or a constant's name. */
  magic: number | string;
  /**
   * The command number within the magic (8 bits).
   * @minimum 0
   * @maximum 255
   * @TJS-type integer
   */
  nr: number;
  /** `none` = _IO, `read` = _IOR, `write` = _IOW, `readwrite` = _IOWR (user-space point of view). */
  dir: "none" | "read" | "write" | "readwrite";
  /**
   * What the command is (meant to be): `ioctl` (the default), or `syscall` for an operation proposed as a system
   * call, still described by its ioctl-style argument.  A syscall's flat form (syscall/README.md) must fit in six
   * argument slots on every ABI: `uapi check` reports `syscall/six-args` as an error for it, as info for an ioctl.
   */
  kind?: "ioctl" | "syscall";
  /** The argument type encoded in the number: a struct/union or a scalar such as `int`. Absent for _IO. */
  arg?: TypeExpr;
  /** For a scalar argument passed by pointer: which way its value flows. */
  argFlow?: Flow;
  /**
   * This command's data flow through the argument's fields, for a struct
   * shared by commands that use it differently (bus1 PEER_QUERY reads the
   * limits back, PEER_RESET only sets them): member path (`msg.type` for a
   * nested member) -> in/out/inout.  Overrides the fields' own `flow`.
   */
  flow?: { [member: string]: Flow };
  /** How the argument is really used when it differs from the encoding (e.g. "value, must be 0"). */
  argConvention?: string;
  /** The fd the command is issued on, when the interface has several (e.g. "buffer fd"). */
  on?: string;
  returns?: ReturnSpec;
  errors?: ErrnoSpec[];
  status?: Status;
  syscall?: SyscallOverride;
}

/** One file operation of a character device. */
export interface FileOpSpec {
  op:
    | "open"
    | "release"
    | "read"
    | "write"
    | "poll"
    | "mmap"
    | "llseek"
    | "ioctl"
    | "compat_ioctl"
    | "fsync"
    | "fasync"
    | "show_fdinfo";
  /** What the operation does. */
  semantics: string;
  errors?: ErrnoSpec[];
}

/** A device node (or anonymous-inode fd) the interface is reached through. */
export interface DeviceSpec {
  /** e.g. "/dev/bus1", "/dev/iio:deviceX", or "anon_inode:iio:buffer". */
  node: string;
  doc?: string;
  /** How the node is named, where it varies (e.g. per version). */
  naming?: { format: string; example?: string; versions?: string }[];
  fops: FileOpSpec[];
}

/** One uapi header's worth of interface. */
export interface InterfaceSpec {
  /** Unique name of this interface within the document (used for output file names). */
  name: Identifier;
  doc: string;
  /** The header path below include/uapi, e.g. "linux/bus1.h". */
  header: string;
  /**
   * Set for an alternative version (a proposal revision, a later RFC); its
   * header is generated under out/variants/<variant>/ so it does not clash
   * with the primary interface that uses the same header path.
   */
  variant?: string;
  status?: Status;
  devices?: DeviceSpec[];
  constants?: ConstantSpec[];
  flags?: FlagSetSpec[];
  enums?: EnumSpec[];
  structs?: StructSpec[];
  commands?: CommandSpec[];
  /** System calls (syscall/README.md "Declared syscalls"). */
  syscalls?: SyscallSpec[];
  /**
   * How the driver's ioctl handler matches a request: `exact` (the default) compares the whole number, so a
   * struct that grows changes its commands' numbers; `nr` switches on `_IOC_NR(cmd)` and takes the caller's size
   * from `_IOC_SIZE(cmd)`, as drm_ioctl() does, so an extensible struct may grow under the same command.
   */
  dispatch?: "exact" | "nr";
  /**
   * The ioctl type byte of the commands derived from `syscalls:` (a number, a one-character string or a
   * constant's name); default: the magic all of `commands:` share.
   */
  magic?: number | string;
}

/** A spec document: one file in spec/. */
export interface SpecDocument {
  /** Path or URL of the JSON Schema, so editors complete the document. */
  $schema?: string;
  /** The subsystem, e.g. "bus1". */
  name: Identifier;
  doc: string;
  /**
   * strict (default): names must not be reserved to the C implementation (`__x`, `_X`).  kernel: the names
   * are those of existing kernel headers (`uapi import` sets it), which use reserved names such as
   * `__IPV4_DEVCONF_MAX` and `_FOO_H`; they are accepted, except the tool's own `__uapi_` prefix.  Every other
   * rule of the lint applies either way.
   */
  names?: "strict" | "kernel";
  interfaces: InterfaceSpec[];
}
