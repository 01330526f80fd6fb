/*
 * The ergonomics comparison of an ioctl and its syscall form: compat needs,
 * user-memory copies, type safety, extensibility and what strace shows.
 * Compat for the ioctl comes from the core checks (compat/layout,
 * compat/pointee); for the syscall from adding-syscalls rule 46 (explicit
 * 64-bit scalars, pointers to ABI-dependent types).
 */
import type { AbiEntry } from "../spec/abi.js";
import type { Diagnostic } from "../core/diagnostic.js";
import { flattenMembers, layoutRecord, layoutSignature, layoutType } from "../core/layout.js";
import { argSize } from "../core/ioctl-numbers.js";
import {
  recordName,
  typeName,
  type CommandModel,
  type CType,
  type InterfaceModel,
  type RecordType,
} from "../core/model.js";
import type { CommandAnalysis } from "./analyse.js";
import { isFlagsWord, type SyscallArg, type SyscallForm } from "./derive.js";

export interface Copies {
  fromUser: number;
  toUser: number;
  /** What each copy is, e.g. "struct (copy_from_user)", "ptr_nodes[] (copy_from_user)". */
  detail: string[];
}

export interface Ergonomics {
  ioctlPrototype: string;
  compat: { ioctl: { needed: boolean; why: string[] }; syscall: { needed: boolean; why: string[] } };
  copies: { ioctl: Copies; syscall: Copies };
  typeSafety: { ioctl: string; syscall: string };
  extensibility: { ioctl: string[]; syscall: string[] };
  strace: { ioctl: string; syscall: string; syscallUndecoded: string };
}

/**
 * Equal on two ABIs exactly when size and every member's offset and size agree
 * (memoised per nested record, no flattening).
 */
const sig = (r: RecordType, abi: AbiEntry) => `${layoutRecord(r, abi).size}|${layoutSignature(r, abi, false)}`;

/** Whether a type's layout (or size) differs between the ABIs. */
export function abiDependent(t: CType, abis: readonly AbiEntry[]): boolean {
  const key = (abi: AbiEntry) => (t.kind === "record" ? sig(t.record, abi) : `${layoutType(t, abi).size}`);
  return new Set(abis.map(key)).size > 1;
}

export function ergonomics(
  cmd: CommandModel,
  ifc: InterfaceModel,
  a: CommandAnalysis,
  diagnostics: readonly Diagnostic[],
  abis: readonly AbiEntry[],
): Ergonomics {
  const form = a.form;
  const argType = cmd.arg ? typeName(cmd.arg) : undefined;
  const lastParam =
    form.ioctlArg === "none"
      ? "/* no argument */"
      : form.ioctlArg === "value"
        ? "unsigned long value"
        : `${argType} *arg`;
  const ioctlPrototype = `int ioctl(int fd, unsigned long request /* ${cmd.spec.name} */, ${lastParam})`;
  return {
    ioctlPrototype,
    compat: { ioctl: ioctlCompat(cmd, ifc, diagnostics), syscall: syscallCompat(a, abis) },
    copies: { ioctl: ioctlCopies(form), syscall: syscallCopies(form.args) },
    typeSafety: typeSafety(cmd, form, abis),
    extensibility: extensibility(cmd, ifc, form, abis),
    strace: strace(cmd, ifc, form, abis),
  };
}

function ioctlCompat(
  cmd: CommandModel,
  ifc: InterfaceModel,
  diagnostics: readonly Diagnostic[],
): { needed: boolean; why: string[] } {
  const why: string[] = [];
  if (cmd.arg?.kind === "record") {
    const name = recordName(cmd.arg.record);
    for (const d of diagnostics) {
      if (d.interface !== ifc.spec.name) continue;
      if (d.rule === "compat/layout" && d.subject === name) why.push(`compat/layout: ${d.message}`);
      if (d.rule === "compat/pointee" && d.subject.startsWith(`${name}.`)) why.push(`compat/pointee: ${d.message}`);
    }
  } else if (cmd.arg && cmd.arg.kind === "scalar" && cmd.arg.scalar.abiDependent && cmd.spec.dir !== "none") {
    why.push(`the argument type ${typeName(cmd.arg)} changes size between ABIs`);
  }
  return {
    needed: why.length > 0,
    why: why.length
      ? why
      : ["no: one layout on every ABI, so compat_ioctl can be the native handler (compat_ptr_ioctl)"],
  };
}

function syscallCompat(a: CommandAnalysis, abis: readonly AbiEntry[]): { needed: boolean; why: string[] } {
  const why: string[] = [];
  const has32 = abis.some((x) => x.syscall.pairs !== "one-register");
  for (const arg of a.form.args) {
    if (arg.width === "64" && has32)
      why.push(
        `${arg.name} is an explicit 64-bit scalar: two registers on 32-bit tasks, ` +
          `so COMPAT_SYSCALL_DEFINE with compat_arg_u64_dual(${arg.name})`,
      );
    if (arg.kind === "user-pointer" && arg.pointee && abiDependent(arg.pointee, abis))
      why.push(
        `${arg.name} points to ${typeName(arg.pointee)}, ` +
          "whose layout depends on the ABI (read it with in_compat_syscall() / a compat_ type)",
      );
    if (arg.kind === "record-pointer" && arg.record && abiDependent({ kind: "record", record: arg.record }, abis))
      why.push(`${arg.name} points to a struct whose layout depends on the ABI`);
    if (arg.kind === "out-pointer" && arg.type.match(/\b(long|size_t|ssize_t|time_t)\b/))
      why.push(`${arg.name} points to an ABI-dependent type (${arg.type})`);
  }
  return {
    needed: why.length > 0,
    why: why.length
      ? why
      : ["no: every argument is a 32-bit value, a register-sized value or a pointer to a fixed-layout type"],
  };
}

function pointerCopies(a: SyscallArg, c: Copies) {
  const access = a.access ?? "in";
  if (access !== "out") {
    c.fromUser++;
    c.detail.push(`${a.name}[] (copy_from_user)`);
  }
  if (access !== "in") {
    c.toUser++;
    c.detail.push(`${a.name}[] (copy_to_user)`);
  }
}

function ioctlCopies(form: SyscallForm): Copies {
  const c: Copies = { fromUser: 0, toUser: 0, detail: [] };
  if (form.ioctlArg === "none" || form.ioctlArg === "value") return c;
  const fields = form.args.filter((a) => a.kind !== "fd");
  const what = form.ioctlArg === "struct" ? "struct" : "value";
  if (fields.some((a) => a.flow !== "out")) {
    c.fromUser++;
    c.detail.push(`${what} (copy_from_user)`);
  }
  if (fields.some((a) => a.flow !== "in")) {
    c.toUser++;
    c.detail.push(`${what} (copy_to_user)`);
  }
  for (const a of fields) if (a.kind === "user-pointer") pointerCopies(a, c);
  return c;
}

export function syscallCopies(args: readonly SyscallArg[]): Copies {
  const c: Copies = { fromUser: 0, toUser: 0, detail: [] };
  for (const a of args) {
    if (a.kind === "user-pointer") {
      pointerCopies(a, c);
      continue;
    }
    if (!a.type.endsWith("*")) continue;
    if (a.flow !== "out") {
      c.fromUser++;
      c.detail.push(`*${a.name} (copy_from_user)`);
    }
    if (a.flow !== "in") {
      c.toUser++;
      c.detail.push(`*${a.name} (copy_to_user)`);
    }
  }
  return c;
}

function typeSafety(
  cmd: CommandModel,
  form: SyscallForm,
  abis: readonly AbiEntry[],
): { ioctl: string; syscall: string } {
  const hidden = form.args.filter((a) => a.kind === "user-pointer").length;
  const fds = form.args.filter(
    (a) => a.kind !== "fd" && a.type === "int" && a.narrowed?.includes("file descriptor"),
  ).length;
  const abi = abis.find((a) => a.id === "x86_64") ?? abis[0]!;
  const size = argSize(cmd, abi);
  let ioctl = `untyped: the argument is an 'unsigned long' the compiler cannot check`;
  if (form.ioctlArg === "struct" || form.ioctlArg === "scalar-pointer")
    ioctl += `; only _IOC_SIZE (${size} B on ${abi.id}) ties the request to ${typeName(cmd.arg!)}`;
  if (form.ioctlArg === "value")
    ioctl += `; the request encodes ${typeName(cmd.arg!)} (${size} B) but the value is passed directly`;
  if (hidden) ioctl += `; ${hidden} user pointer${hidden === 1 ? "" : "s"} hidden in integer members`;
  if (fds) ioctl += `; ${fds} fd${fds === 1 ? "" : "s"} carried in wider integers`;
  const typedPtrs = form.args.filter((a) => a.type.endsWith("*")).length;
  const syscall =
    `typed prototype of ${form.args.length} argument${form.args.length === 1 ? "" : "s"}` +
    `${typedPtrs ? `; ${typedPtrs} typed pointer${typedPtrs === 1 ? "" : "s"}` : ""}${fds ? `; fds as int` : ""}`;
  return { ioctl, syscall };
}

function flagBits(spec: { flags?: string }, ifc: InterfaceModel): number | undefined {
  const set = spec.flags ? ifc.flagSets.get(spec.flags) : undefined;
  return set ? set.bits.length : undefined;
}

function extensibility(
  cmd: CommandModel,
  ifc: InterfaceModel,
  form: SyscallForm,
  abis: readonly AbiEntry[],
): { ioctl: string[]; syscall: string[] } {
  const ioctl: string[] = [];
  const syscall: string[] = [];
  if (cmd.arg?.kind === "record") {
    const abi = abis.find((a) => a.id === "x86_64") ?? abis[0]!;
    const flat = flattenMembers(layoutRecord(cmd.arg.record, abi));
    const reserved = flat
      .filter((m) => m.member.field.spec.reserved || m.member.field.spec.padding)
      .reduce((n, m) => n + m.size, 0);
    if (reserved) ioctl.push(`reserved bytes: ${reserved}`);
    const sized = flat.find((m) => /^(argsz|struct_size|usize)$/.test(m.member.field.name ?? ""));
    if (sized) ioctl.push(`size-versioned struct (${sized.name})`);
    for (const m of flat) {
      const spec = m.member.field.spec;
      if (!isFlagsWord(spec) || (spec.flow ?? "in") === "out" || m.depth > 0) continue;
      const used = flagBits(spec, ifc) ?? 0;
      ioctl.push(`flags word ${m.name}: ${m.size * 8 - used} of ${m.size * 8} bits free`);
    }
    ioctl.push(`_IOC_SIZE in the request: a grown struct is a new request number`);
  } else if (form.ioctlArg === "value" && form.args[1]?.kind === "flags") {
    ioctl.push(`the must-be-0 value could become flags`);
  }
  if (ioctl.length === 0) ioctl.push("none");
  for (const a of form.args) {
    if (a.kind !== "flags" || (a.field !== "flags" && a.field !== "")) continue;
    const width = a.type === "unsigned int" ? 32 : 64;
    const f = cmd.arg?.kind === "record" ? cmd.arg.record.fields.find((x) => x.name === a.field) : undefined;
    const used = f ? (flagBits(f.spec, ifc) ?? 0) : 0;
    syscall.push(`flags argument ${a.name}: ${width - used} of ${width} bits free`);
  }
  for (const a of form.args)
    if (a.sizeOf !== undefined)
      syscall.push(
        `size-versioned *${a.sizeOf} (${a.name}), read with copy_struct_from_user(): members may be appended`,
      );
  if (syscall.length === 0) syscall.push("none (a new argument means a new syscall)");
  return { ioctl, syscall };
}

const DIR_NAMES: Record<CommandModel["spec"]["dir"], string> = {
  none: "_IOC_NONE",
  read: "_IOC_READ",
  write: "_IOC_WRITE",
  readwrite: "_IOC_READ|_IOC_WRITE",
};

function strace(
  cmd: CommandModel,
  ifc: InterfaceModel,
  form: SyscallForm,
  abis: readonly AbiEntry[],
): Ergonomics["strace"] {
  const abi = abis.find((a) => a.id === "x86_64") ?? abis[0]!;
  const hex = (n: number) => `0x${n.toString(16)}`;
  const arg = form.ioctlArg === "none" ? "" : form.ioctlArg === "value" ? ", 0" : ", 0x7ffc…";
  const ioctl =
    `ioctl(3, _IOC(${DIR_NAMES[cmd.spec.dir]}, ${hex(cmd.magic)}, ${hex(cmd.spec.nr)}, ${hex(argSize(cmd, abi))})` +
    `${arg}) = 0`;
  const shown = form.args.map((a) => straceArg(a, cmd, ifc));
  return {
    ioctl,
    syscall: `${form.name}(${shown.join(", ")}) = 0`,
    syscallUndecoded: `syscall_0x…(${form.args.map((a) => (a.kind === "fd" ? "0x3" : "0x…")).join(", ")}) = 0`,
  };
}

function straceArg(a: SyscallArg, cmd: CommandModel, ifc: InterfaceModel): string {
  if (a.kind === "fd") return "3";
  if (a.kind === "flags") {
    const f = cmd.arg?.kind === "record" ? cmd.arg.record.fields.find((x) => x.name === a.field) : undefined;
    const set = f?.spec.flags ? ifc.flagSets.get(f.spec.flags) : undefined;
    return set && set.bits.length ? set.bits[0]!.name : "0";
  }
  if (a.kind === "user-pointer") return a.access === "out" ? "0x7ffc…" : "[…]";
  if (a.kind === "record-pointer") return a.flow === "out" ? "{…} (written)" : "{…}";
  if (a.kind === "out-pointer") return a.flow === "out" ? "[N] (written)" : "[N]";
  if (a.kind === "array-pointer") return "[…]";
  return "N";
}
