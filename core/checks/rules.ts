/*
 * The check rules as data: id, default severity and what each finds.  `uapi check --help` renders its
 * list from this table and SARIF describes its rules with it, so the two never disagree.  A rule that
 * fires but is missing here (added in another branch first) must still be reported: callers fall back
 * to a generic description (cli/formats/finding.ts genericRule), never throw.
 */
import type { Severity } from "../diagnostic.js";

export interface CheckRule {
  id: string;
  /** The severity it is reported with; rules reported at two severities name the worse one. */
  severity: Severity;
  /** One line, as `uapi check --help` lists it. */
  summary: string;
  /** A sentence or two for SARIF's fullDescription and help. */
  description: string;
}

export const CHECK_RULES: readonly CheckRule[] = [
  {
    id: "padding/hole",
    severity: "error",
    summary: "implicit padding between members on any ABI (with the explicit field to add)",
    description:
      "The compiler inserts padding between two members on some ABI. Uninitialised padding leaks kernel " +
      "memory to user space; the hint names the explicit field that removes the hole on every ABI.",
  },
  {
    id: "padding/tail",
    severity: "error",
    summary: "implicit padding at the end of a struct on any ABI",
    description:
      "The struct's size is rounded up past its last member on some ABI. Make the tail padding an explicit " +
      "reserved field so every byte is defined.",
  },
  {
    id: "align64/offset",
    severity: "error",
    summary: "an 8-byte member off a multiple of 8",
    description:
      "A 64-bit member sits at an offset that is not a multiple of 8, so its offset differs between ABIs that " +
      "align 64-bit scalars to 4 (i386, arm OABI, ...) and those that align them to 8.",
  },
  {
    id: "align64/size",
    severity: "error",
    summary: "a struct holding an 8-byte member, sized off a multiple of 8",
    description:
      "A struct with a 64-bit member has a size that is not a multiple of 8, so arrays of it and structs " +
      "embedding it lay out differently between ABIs.",
  },
  {
    id: "compat/layout",
    severity: "error",
    summary: "size or offsets differ between ABIs (needs compat_ioctl)",
    description:
      "The struct's size or member offsets differ between ABIs: a 64-bit kernel then needs compat_ioctl " +
      "translation for 32-bit callers. The finding lists the members that move per ABI group and the " +
      "commands affected.",
  },
  {
    id: "compat/pointee",
    severity: "warning",
    summary: "a user pointer to an ABI-dependent element type",
    description:
      "A user pointer carried in an integer points to an element type whose layout depends on the ABI, so the " +
      "kernel must read it differently for compat callers.",
  },
  {
    id: "types/abi-dependent",
    severity: "error",
    summary: "long, pointers, size_t, time_t, enums, bit-fields, plain char",
    description:
      "A member type whose size, alignment or signedness differs between ABIs: long, pointers, size_t, time_t " +
      "and kernel typedefs are errors; enums, bit-fields, plain char as a number and floating point are warnings.",
  },
  {
    id: "ioctl/numbers",
    severity: "info",
    summary: "the request number on each _IOC family",
    description: "The ioctl request number of a command on each _IOC encoding family, for reference.",
  },
  {
    id: "ioctl/duplicate-nr",
    severity: "error",
    summary: "two commands on one (magic, nr)",
    description: "Two commands share one ioctl type byte and number, so the kernel cannot tell them apart by nr.",
  },
  {
    id: "ioctl/size-limit",
    severity: "error",
    summary: "argument over the 13-bit size field of alpha/mips/powerpc/sparc",
    description:
      "The argument is larger than the 13-bit size field of the alpha, mips, powerpc and sparc _IOC encodings " +
      "(8191 bytes), so the request number cannot encode it there.",
  },
  {
    id: "ioctl/direction",
    severity: "error",
    summary: "_IO/_IOR/_IOW/_IOWR contradicts the fields' data flow",
    description: "The command's _IO/_IOR/_IOW/_IOWR direction contradicts the data flow its argument's fields declare.",
  },
  {
    id: "ioctl/direction-unchecked",
    severity: "info",
    summary: "no 'flow:' declared, so the direction was not checked",
    description:
      "Neither the argument's members nor the command declare a data flow (`flow:`, a command `flow:` map, " +
      "`argFlow`), so ioctl/direction had nothing to compare the _IO/_IOR/_IOW/_IOWR direction with.",
  },
  {
    id: "ioctl/io-with-arg",
    severity: "warning",
    summary: "_IO declared with an argument type",
    description:
      "An _IO command (no data) is declared with an argument type, which the request number does not encode.",
  },
  {
    id: "ioctl/number-varies",
    severity: "error",
    summary: "the number changes between ABIs with the argument's size",
    description:
      "The command's request number differs between ABIs because its argument's size does, so a 32-bit " +
      "caller on a 64-bit kernel sends a number the native handler does not know.",
  },
  {
    id: "ioctl/registry",
    severity: "warning",
    summary: "a (magic, nr) the kernel's ioctl-number.rst registers to another header",
    description:
      "Commands use an ioctl type byte and number that Documentation/userspace-api/ioctl/ioctl-number.rst " +
      "gives to a header other than the interface's own, so a call on the wrong device is not refused cleanly " +
      "and strace cannot tell the two apart. The hint suggests a free block to register.",
  },
  {
    id: "ioctl/unregistered",
    severity: "info",
    summary: "a (magic, nr) no row of ioctl-number.rst lists",
    description:
      "No row of the kernel's ioctl number registry lists the commands' type byte and number: register the " +
      "block, with room to grow, by patching Documentation/userspace-api/ioctl/ioctl-number.rst.",
  },
  // Run from syscall/checks.ts (it needs the syscall analysis), listed here so every rule is in one table.
  {
    id: "syscall/six-args",
    severity: "info",
    summary: "the syscall form needs more than six argument slots on some ABI (error for 'kind: syscall')",
    description:
      "The command's flat syscall form needs more than six argument registers on some ABI (64-bit values " +
      "take register pairs on 32-bit ABIs). Informational for an ioctl; an error for a command declared " +
      "`kind: syscall`, which cannot be a system call as written. A syscall declared under `syscalls:` " +
      "that needs more than six slots is an error too (a warning once its status is merged), located at its name.",
  },
  {
    id: "syscall/pair-padding",
    severity: "info",
    summary: "a 64-bit argument wastes a padding slot on some ABI where another order would not",
    description:
      "On the even-pair ABIs (arm EABI, MIPS o32, powerpc32, xtensa, hexagon) a 64-bit argument starts at an " +
      "even register, so one after an odd number of 32-bit arguments costs a padding slot (pread64's pad on " +
      "arm). Reported for a declared syscall when an argument order without padding exists, as " +
      "arm_fadvise64_64 and sync_file_range2 chose.",
  },
  {
    id: "syscall/arg-order",
    severity: "warning",
    summary: "the C convention puts an argument before an earlier one on some ABI (sh back-fills r7)",
    description:
      "GCC's sh convention never splits a 64-bit value between r7 and the stack and gives r7 to the next " +
      "32-bit argument, so the kernel receives arguments out of prototype order: sync_file_range's flags " +
      "arrived before nbytes until commit 30766f1105d6 added sh_sync_file_range6. Declare the syscall in " +
      "an order where no pair would start at the fourth slot.",
  },
  // The contract beyond layout (core/checks/versions.ts, core/checks/contract.ts).
  {
    id: "contract/version-boundary",
    severity: "error",
    summary: "an extensible struct's version ends inside a member, or past the struct",
    description:
      "A published version of an extensible struct (`extensible: {versions: ...}`) is the struct as it was: its " +
      "size must be the end of a member on every ABI, or a caller of that version passes part of a member.",
  },
  {
    id: "contract/version-align",
    severity: "error",
    summary: "an extensible struct's version size is not a multiple of 8",
    description:
      "botching-up-ioctls.rst: pad structs to a multiple of 64 bits, or an array or an embedding of that " +
      "version lays out differently between 32- and 64-bit ABIs.",
  },
  {
    id: "contract/version-order",
    severity: "error",
    summary: "an extensible struct's version sizes do not strictly grow",
    description:
      "Members are only ever appended to an extensible struct (copy_struct_from_user()), so each published size " +
      "is larger than the one before; list the versions oldest first.",
  },
  {
    id: "contract/version-padding",
    severity: "error",
    summary: "implicit padding inside a published version on some ABI",
    description:
      "A version holding implicit padding lets callers leave garbage in bytes the kernel cannot check, and the " +
      "padding can never become a member. Every byte of a version is a member.",
  },
  {
    id: "contract/version-latest",
    severity: "warning",
    summary: "an extensible struct is larger than its newest published version",
    description:
      "The members after the newest version are unpublished: no size names them, so user space cannot ask for " +
      "them by size. Publish the struct's size as the next version.",
  },
  {
    id: "contract/size-member",
    severity: "error",
    summary: "the size member of an extensible struct lies past its first version",
    description:
      "With `extensible: {size: member}` every caller sets the size member, so it belongs to the first version; " +
      "VFIO's argsz and perf_event_attr's size are among the first members.",
  },
  {
    id: "contract/size-in-number",
    severity: "error",
    summary: "an extensible struct behind an ioctl number that encodes its size, dispatched on the exact number",
    description:
      "_IOR/_IOW/_IOWR encode sizeof the argument in the number, so a grown struct becomes a different command " +
      "that older kernels reject with ENOTTY. Number it with _IO() and carry the size in a member (VFIO), or " +
      "dispatch on _IOC_NR and take the size from _IOC_SIZE (`dispatch: nr`, as drm_ioctl() does).",
  },
  {
    id: "contract/size-source",
    severity: "error",
    summary: "an extensible struct's size has no way to reach the kernel",
    description:
      "The struct's size travels in a syscall argument but an ioctl passes it, or in _IOC_SIZE(cmd) but the " +
      "command is numbered with _IO(), which carries no size.",
  },
  {
    id: "contract/must-be-zero",
    severity: "warning",
    summary: "reserved space the kernel does not check, or not declared must-be-zero",
    description:
      "botching-up-ioctls.rst: check that all unused fields and padding are 0 and reject otherwise, or user " +
      "space bakes garbage into them and they can never be used. Reported for a reserved or padding member " +
      "declared `mustBeZero: false`, and for a member named as reserved space (reserved, __pad0, rsvd, unused, " +
      "...) that is not declared `reserved: true`.",
  },
  {
    id: "contract/flags-undeclared",
    severity: "warning",
    summary: "a flags word (member or syscall argument) with no declared flag set",
    description:
      "A member or argument named flags has no `flags:` set, so neither the kernel side nor the codecs can " +
      "reject unknown bits (adding-syscalls.rst: reject unknown flags with EINVAL). Declare the set, or " +
      "`mustBeZero: true` while no flag is defined.",
  },
  {
    id: "contract/flags-width",
    severity: "error",
    summary: "a flag bit the flags member is too narrow to hold",
    description: "The member's flag set uses a bit at or above the member's width on some ABI.",
  },
  {
    id: "contract/cannot-grow",
    severity: "warning",
    summary: "a command's argument with no flags word, reserved space or size: it can never grow",
    description:
      "The command's argument struct has no flags word, no must-be-zero member and no extension contract, so " +
      "no option can ever be added to it; every extension needs a new command. Give it room, or declare " +
      "`extensible: {size: none}` to say it never grows.",
  },
];

const BY_ID = new Map(CHECK_RULES.map((r) => [r.id, r]));

export function checkRule(id: string): CheckRule | undefined {
  return BY_ID.get(id);
}

/** The rule list of `uapi check --help`, one line per rule. */
export function checkRulesHelp(indent = "  ", width = 28): string {
  return CHECK_RULES.map(
    (r) => `${indent}${r.id.padEnd(width)}${r.severity === "info" ? "(info) " : ""}${r.summary}\n`,
  ).join("");
}
