/*
 * The ioctl form of a declared syscall (syscall/README.md "The ioctl form of
 * a syscall"): the fd argument becomes the fd the ioctl is issued on; every
 * other argument becomes a member of `struct <name>_args`, written as the
 * kernel's ioctl rules want it (fixed-width types, pointers in __u64, 64-bit
 * members first, a reserved word rather than a hole); the magic and nr come
 * from the interface, the direction from the flows.  The struct and the
 * command are a spec fragment, resolved like any spec, so their layout and
 * request numbers come from the same engine as every other command's.
 */
import type { AbiEntry, AbiId } from "../spec/abi.js";
import type { CommandSpec, FieldSpec, InterfaceSpec, StructSpec } from "../spec/types.js";
import { commandNumber, hex32 } from "../core/ioctl-numbers.js";
import { groupAbis } from "../core/checks/context.js";
import {
  resolveDocument,
  withTypedefNames,
  type CommandModel,
  type InterfaceModel,
  type SpecModel,
  type SyscallDecl,
} from "../core/model.js";
import type { SyscallArg, SyscallForm } from "./derive.js";
import { formOfSyscall } from "./declared.js";

export interface IoctlFormOfSyscall {
  command: string;
  magic: number;
  nr: number;
  dir: CommandSpec["dir"];
  /** The argument that becomes the fd the ioctl is issued on, if the syscall has one. */
  fd?: string;
  struct?: StructSpec;
  /** The spec fragment to paste under the interface: the struct (if any) and the command. */
  spec: { structs: StructSpec[]; commands: CommandSpec[] };
  prototype: string;
  /** The request number per group of ABIs that encode it alike. */
  requests: { abis: AbiId[]; value: string }[];
  notes: string[];
}

/** The ioctl form, and the command resolved in a copy of its interface (for layouts, numbers, ergonomics). */
export interface DerivedIoctl {
  data: IoctlFormOfSyscall;
  command: CommandModel;
  ifc: InterfaceModel;
  /** A one-interface model holding `ifc`, for the checks. */
  model: SpecModel;
}

/** The member type of an argument in an ioctl struct: fixed-width, pointers and longs in 64 bits. */
function memberType(a: SyscallArg): string {
  if (a.width === "ptr" || a.kind === "user-pointer" || a.kind === "record-pointer") return "__u64";
  const signed = /^(int|long|long long|signed\b.*|__s\d+|s\d+|loff_t|off_t|pid_t|ssize_t)$/.test(a.type);
  return `${signed ? "__s" : "__u"}${a.width === "64" ? 64 : 32}`;
}

function memberOf(a: SyscallArg, decl: SyscallDecl): FieldSpec {
  const spec = decl.args.find((x) => x.name === a.name)!.spec;
  const f: FieldSpec = { name: a.name, type: memberType(a) };
  if (spec.doc) f.doc = spec.doc;
  if (a.kind === "user-pointer" || a.kind === "record-pointer") {
    const to = a.type.replace(/^const /, "").replace(/ ?\*$/, "");
    // A byte buffer, or a struct the spec does not declare (its layout is unknown), is pointed to as bytes.
    const bytes = to === "void" || to === "char" || (a.kind === "user-pointer" && /^(struct|union) /.test(to));
    f.pointer = { to: bytes ? "__u8" : withTypedefNames(to), access: a.access ?? "in" };
    if (a.pointerCount) f.pointer.count = a.pointerCount;
  }
  if (spec.fd) f.fd = spec.fd;
  if (spec.flags !== undefined) f.flags = spec.flags;
  if (spec.enum !== undefined) f.enum = spec.enum;
  if (spec.special) f.special = spec.special;
  if (spec.handle) f.handle = true;
  return f;
}

/** BUS1_HANDLE_TRANSFER for bus1_handle_transfer in bus1_syscalls; LINUX_SYSCALLS_PREAD64 for pread64. */
function commandName(ifc: string, syscall: string): string {
  const prefix = ifc.split("_")[0]!;
  return (syscall.startsWith(`${prefix}_`) ? syscall : `${ifc}_${syscall}`).toUpperCase();
}

/** The lowest nr the interface's commands (and the syscalls before this one) leave free under `magic`. */
function freeNr(ifc: InterfaceModel, magic: number, taken: ReadonlySet<number>): number | undefined {
  const used = new Set([...taken, ...ifc.commands.filter((c) => c.magic === magic).map((c) => c.spec.nr)]);
  for (let nr = 0; nr < 256; nr++) if (!used.has(nr)) return nr;
  return undefined;
}

/** The ioctl forms of every declared syscall of an interface, in declaration order (nr allocation needs it). */
export function ioctlForms(ifc: InterfaceModel, abis: readonly AbiEntry[]): Map<string, DerivedIoctl | string> {
  const out = new Map<string, DerivedIoctl | string>();
  const taken = new Set<number>();
  for (const decl of ifc.syscalls) {
    if (ifc.magic === undefined) {
      out.set(decl.spec.name, "no ioctl form: declare the interface's 'magic:' (or commands sharing one)");
      continue;
    }
    const nr = decl.spec.ioctl?.nr ?? freeNr(ifc, ifc.magic, taken);
    if (nr === undefined) {
      out.set(decl.spec.name, `no ioctl form: every nr under magic ${ifc.magic} is taken`);
      continue;
    }
    taken.add(nr);
    out.set(decl.spec.name, ioctlFormOf(decl, ifc, ifc.magic, nr, abis));
  }
  return out;
}

function ioctlFormOf(
  decl: SyscallDecl,
  ifc: InterfaceModel,
  magic: number,
  nr: number,
  abis: readonly AbiEntry[],
): DerivedIoctl | string {
  const form: SyscallForm = formOfSyscall(decl, ifc);
  const name = decl.spec.name;
  const notes: string[] = [];
  const fdArg = form.args.find((a) => a.kind === "fd");
  if (!fdArg) notes.push("the syscall takes no fd: the ioctl is issued on the interface's device or anon-inode fd");
  const rest = form.args.filter((a) => a !== fdArg);
  const wide = rest.filter((a) => memberType(a).endsWith("64")).map((a) => memberOf(a, decl));
  const narrow = rest.filter((a) => !memberType(a).endsWith("64")).map((a) => memberOf(a, decl));
  const fields = [...wide, ...narrow];
  const returnsData = decl.spec.returns?.kind === "count" || decl.spec.returns?.kind === "value";
  if (returnsData) {
    fields.push({
      name: "result",
      type: "__u64",
      flow: "out",
      doc: `what ${name}() returns: ioctl() returns an int in user space, too narrow for a 64-bit count`,
    });
    notes.push("the return value moves into an out member `result`: ioctl() returns int in user space");
  }
  if (narrow.length % 2 === 1 && fields.length)
    fields.splice(wide.length + narrow.length, 0, {
      name: "reserved",
      type: "__u32",
      reserved: true,
      doc: "must be zero; room to extend, instead of a hole before the next 64-bit member or the end",
    });
  const tagName = ifc.records.some((r) => r.tag === `${name}_args`) ? `${name}_ioctl_args` : `${name}_args`;
  const struct: StructSpec | undefined = fields.length
    ? { name: tagName, doc: `The arguments of ${name}() as one ioctl argument.`, fields }
    : undefined;
  const dir: CommandSpec["dir"] = !struct ? "none" : fields.some((f) => f.flow === "out") ? "readwrite" : "write";
  const command: CommandSpec = {
    name: decl.spec.ioctl?.name ?? commandName(ifc.spec.name, name),
    doc: decl.spec.doc,
    magic,
    nr,
    dir,
    ...(struct ? { arg: `struct ${struct.name}` } : {}),
  };
  const resolved = resolveFragment(ifc, struct, command);
  if (typeof resolved === "string") return `no ioctl form: the derived struct does not resolve (${resolved})`;
  const data: IoctlFormOfSyscall = {
    command: command.name,
    magic,
    nr,
    dir,
    ...(fdArg ? { fd: fdArg.name } : {}),
    ...(struct ? { struct } : {}),
    spec: { structs: struct ? [struct] : [], commands: [command] },
    prototype:
      `int ioctl(int ${fdArg?.name ?? "fd"}, unsigned long request /* ${command.name} */, ` +
      (struct ? `${dir === "write" ? "const " : ""}struct ${struct.name} *arg)` : "/* no argument */)"),
    requests: requestNumbers(resolved.command, abis),
    notes,
  };
  return { data, ...resolved };
}

/** The struct and command resolved beside a copy of the interface's own types (so pointees and sets resolve). */
function resolveFragment(
  ifc: InterfaceModel,
  struct: StructSpec | undefined,
  command: CommandSpec,
): { command: CommandModel; ifc: InterfaceModel; model: SpecModel } | string {
  const fragment: InterfaceSpec = {
    ...ifc.spec,
    structs: [...(ifc.spec.structs ?? []), ...(struct ? [struct] : [])],
    commands: [command],
    syscalls: [],
  };
  const nowhere = () => ({ file: "", line: 0, col: 0 });
  const { model, errors } = resolveDocument("", { name: "ioctl-form", doc: "", interfaces: [fragment] }, nowhere);
  const resolved = model?.interfaces[0];
  const cmd = resolved?.commands[0];
  return model && resolved && cmd ? { command: cmd, ifc: resolved, model } : errors.map((e) => e.message).join("; ");
}

/** The request number on each ABI, grouped where the encodings agree. */
function requestNumbers(cmd: CommandModel, abis: readonly AbiEntry[]): IoctlFormOfSyscall["requests"] {
  const values = new Map(abis.map((a) => [a.id, commandNumber(cmd, a).value]));
  const groups = groupAbis(abis, (a) => values.get(a.id));
  return [...groups].map(([v, ids]) => ({ abis: ids, value: v === undefined ? "(size does not fit)" : hex32(v) }));
}
