/*
 * Deriving the syscall form of an ioctl command (syscall/README.md
 * "Derivation rules"): the fd first; each input scalar member becomes an
 * argument, narrowed where its semantics allow; a user pointer and its count
 * become (ptr, count); outputs become pointers; reserved and padding members
 * disappear.  CommandSpec.syscall overrides names, order and flows.
 */
import { isMustBeZero } from "../core/contract.js";
import type { AbiCondition, Flow, FieldSpec } from "../spec/types.js";
import type { DocPath } from "../core/diagnostic.js";
import { ABIS } from "../spec/abis.js";
import { abisWhere } from "../core/abi-condition.js";
import {
  elementType,
  parseInteger,
  typeName,
  type CommandModel,
  type CType,
  type FieldModel,
  type InterfaceModel,
  type RecordType,
} from "../core/model.js";
import type { ArgWidth } from "./slots.js";

export type ArgKind =
  | "fd" // the file descriptor the ioctl is issued on
  | "scalar" // an input value
  | "flags" // an input flags word
  | "user-pointer" // a user pointer carried in an integer member
  | "count" // the element count of a user pointer
  | "out-pointer" // an output (or in/out) scalar, through a pointer
  | "record-pointer" // a nested struct/union, through a pointer
  | "array-pointer" // a fixed-size array member, through a pointer
  | "ioctl-value"; // the ioctl argument itself, passed by value

export interface SyscallArg {
  name: string;
  /** The user-space C type in the syscall prototype. */
  type: string;
  /** The type in SYSCALL_DEFINEn (u64, const u64 __user *, ...). */
  kernelType: string;
  width: ArgWidth;
  kind: ArgKind;
  /** in: a value the kernel reads; out/inout: data the kernel writes through the pointer. */
  flow: Flow;
  /**
   * The member it fills, as a C member path ("msg", "flags");
   * "" for the ioctl argument of a scalar command; undefined for fd.
   */
  field?: string;
  /** The member's own type (for the shim's copy). */
  fieldType?: CType;
  /** Why the type is narrower than the member's. */
  narrowed?: string;
  /** For user pointers: how the kernel accesses the pointee, and its element type. */
  access?: Flow;
  pointee?: CType;
  /** For user pointers: the member holding the element count. */
  pointerCount?: string;
  /** For a declared syscall's size argument (`sizeOf:`): the pointer argument whose pointee it sizes. */
  sizeOf?: string;
  /** For record pointers: the record, and the name of the struct the syscall would declare for it. */
  record?: RecordType;
  /**
   * For an anonymous union member (C gives it no name): a member inside it
   * at its address, so the shim can copy to `offsetof(<arg>, anchor)`.
   */
  anchor?: string;
  /** Where the member is written in the spec (for positions in errors). */
  specPath?: DocPath;
  /** The key that `syscall.rename` uses for this argument, when it is not `field`. */
  renameKey?: string;
  doc?: string;
}

export interface DroppedField {
  field: string;
  why: string;
}

export interface SyscallForm {
  /** The ioctl command (a declared syscall's own name). */
  command: string;
  /** The syscall (and shim) name. */
  name: string;
  /** fd first. */
  args: SyscallArg[];
  dropped: DroppedField[];
  /** How the ioctl passes its argument. */
  ioctlArg: "none" | "value" | "scalar-pointer" | "struct";
  /** A syscall declared under `syscalls:` (syscall/declared.ts), not derived from an ioctl command. */
  declared?: boolean;
  /** Set when no user-space shim can be written (flexible array member). */
  noShim?: string;
  notes: string[];
}

const FD_ARG: SyscallArg = {
  name: "fd",
  type: "int",
  kernelType: "int",
  width: "32",
  kind: "fd",
  flow: "in",
  doc: "the file descriptor the ioctl is issued on",
};

/** BUS1_CMD_PEER_RESET -> bus1_peer_reset; IIO_BUFFER_GET_FD_IOCTL -> iio_buffer_get_fd. */
export function defaultSyscallName(command: string): string {
  return command
    .toLowerCase()
    .replace(/_ioctl$/, "")
    .replace(/^([a-z0-9]+)_cmd_/, "$1_")
    .replace(/_cmd_/, "_");
}

const DIR_FLOW: Readonly<Record<CommandModel["spec"]["dir"], Flow>> = {
  none: "in",
  write: "in",
  read: "out",
  readwrite: "inout",
};

/** `map[key]` when it is the map's own entry: a member named `constructor` must not find Object.prototype's. */
function own<T>(map: { readonly [k: string]: T } | undefined, key: string): T | undefined {
  return map !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;
}

/** A spec's type expression with its blanks made single spaces (`__u64  *` -> `__u64 *`). */
const spelled = (t: string) => t.trim().replace(/\s+/g, " ");

/** Width class of a member type for slot counting. */
export function widthOf(t: CType): ArgWidth {
  if (t.kind === "pointer") return "ptr";
  if (t.kind === "enum") return "32";
  if (t.kind !== "scalar") return "ptr";
  const s = t.scalar;
  if (s.cls === "long" || s.cls === "ptr") return "ptr";
  if (s.fixedSize === 8 || s.cls === "llong" || s.cls === "double" || s.cls === "time_t") return "64";
  if (s.cls === "ldouble") return "64";
  return "32";
}

/** Kernel spelling of a user-space type: __u64 -> u64, T * -> T __user *. */
export function kernelTypeOf(userType: string): string {
  const ptr = /^(const )?(.*?) ?\*$/.exec(userType);
  if (ptr) return `${ptr[1] ?? ""}${kernelTypeOf(ptr[2]!)} __user *`;
  return userType
    .replace(/^__([us](8|16|32|64))$/, "$1")
    .replace(/^__aligned_u64$/, "u64")
    .replace(/^__(be|le)(16|32|64)$/, "__$1$2");
}

/**
 * How a type is spelled in a prototype or a cast: <linux/types.h> defines
 * __aligned_u64 (and the be/le twins) as a macro that adds
 * __attribute__((aligned(8))), which gcc rejects on a parameter; the plain
 * type has the same values.
 */
export function userSpelling(t: string): string {
  return t.replace(/\b__aligned_(u64|be64|le64)\b/g, "__$1");
}

const pointerTo = (t: string, isConst: boolean) => `${isConst ? "const " : ""}${userSpelling(t)} *`;

function fitsIn32(values: (number | string)[]): boolean {
  return values.every((v) => {
    const n = parseInteger(v);
    return n !== undefined && n >= -(1n << 31n) && n < 1n << 32n;
  });
}

interface Narrowing {
  type: string;
  kind: ArgKind;
  why?: string;
}

/** The argument type an input member narrows to, from its semantics. */
function narrow(f: FieldModel, ifc: InterfaceModel, countOf: Set<string>): Narrowing {
  const spec = f.spec;
  const own = typeName(f.type);
  const specials = (spec.special ?? []).map((s) => s.value);
  const wide = widthOf(f.type) === "64";
  if (spec.fd)
    return { type: "int", kind: "scalar", why: own === "int" ? undefined : `a file descriptor carried in ${own}` };
  if (isFlagsWord(spec)) {
    const set = spec.flags ? ifc.flagSets.get(spec.flags) : undefined;
    const bits = set ? set.bits.map((b) => b.bit) : [];
    if (bits.every((b) => b < 32) && fitsIn32(specials)) {
      return {
        type: "unsigned int",
        kind: "flags",
        why:
          own === "unsigned int"
            ? undefined
            : set
              ? `flag set ${set.name} uses only bits < 32`
              : `flags word with no bits defined yet`,
      };
    }
    return { type: own, kind: "flags" };
  }
  if (f.name && countOf.has(f.name)) {
    return {
      type: "size_t",
      kind: "count",
      why: own === "size_t" ? undefined : `element count of a user array (bounded by the address space)`,
    };
  }
  if (spec.enum && wide) {
    const e = ifc.enums.get(spec.enum);
    if (e && fitsIn32(e.values.map((v) => v.value)) && fitsIn32(specials))
      return { type: "unsigned int", kind: "scalar", why: `enum ${e.name} values fit in 32 bits` };
  }
  return { type: own, kind: "scalar" };
}

/** A flags word: a member with a flag set, or one simply named flags (a must-be-zero word with no bits yet). */
export function isFlagsWord(spec: FieldSpec): boolean {
  return (
    Boolean(spec.flags) ||
    spec.name === "flags" ||
    Boolean(spec.name?.endsWith("_flags") && !spec.pointer && !spec.fd && !spec.handle)
  );
}

interface Walked {
  field: FieldModel;
  /** The member path as C names it; "" for an anonymous union. */
  path: string;
  /** The `when:` conditions it exists under (its own and those of anonymous structs around it). */
  when: AbiCondition[];
}

/** Top-level members, looking through anonymous struct members (whose members C names directly). */
function walkMembers(r: RecordType, when: AbiCondition[] = []): Walked[] {
  return r.fields.flatMap((f) => {
    const w = f.when ? [...when, f.when] : when;
    if (f.name === undefined && f.type.kind === "record" && f.type.record.kind === "struct")
      return walkMembers(f.type.record, w);
    return [{ field: f, path: f.name ?? "", when: w }];
  });
}

/**
 * Why members under `when:` keep a command from having one shim for every ABI, or undefined: each name must
 * exist on every ABI with one type (iphdr's ihl under either byte order is one argument).
 */
function conditionalProblem(members: Walked[]): string | undefined {
  for (const m of members) {
    if (!m.when.length || m.path === "") continue;
    const same = members.filter((x) => x.path === m.path);
    const on = new Set(same.flatMap((x) => abisWhere(x.when, ABIS)));
    if (on.size < ABIS.length) return `member ${m.path} exists only on some ABIs (when:)`;
    const t = (x: Walked) => `${typeName(x.field.type)}:${x.field.bits ?? ""}`;
    if (same.some((x) => t(x) !== t(m))) return `member ${m.path} has a different type on different ABIs (when:)`;
  }
  return undefined;
}

/** Whether a member at any depth is const: the shim fills the struct by assignment. */
function hasConstMember(r: RecordType): boolean {
  const stack = [r];
  const seen = new Set<RecordType>();
  while (stack.length) {
    const x = stack.pop()!;
    if (seen.has(x)) continue;
    seen.add(x);
    for (const f of x.fields) {
      if (f.qualifiers?.includes("const")) return true;
      const t = elementType(f.type);
      if (t.kind === "record") stack.push(t.record);
    }
  }
  return false;
}

/**
 * A member C can name that sits at the start of record `r` (any member of a
 * union, the first of a struct, looking through anonymous members), or
 * undefined when there is none (an unnamed or bit-field first member).
 */
function memberAtStart(r: RecordType): string | undefined {
  const candidates = r.kind === "union" ? r.fields : r.fields.slice(0, 1);
  for (const f of candidates) {
    if (f.bits !== undefined) continue;
    if (f.name !== undefined) return f.name;
    if (f.type.kind === "record") {
      const inner = memberAtStart(f.type.record);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** The member names inside an anonymous union, joined: `ptr_or_val` (its argument's name). */
function anonymousName(r: RecordType): string {
  const names = r.fields
    .flatMap((f) => (f.name !== undefined ? [f.name] : f.type.kind === "record" ? [anonymousName(f.type.record)] : []))
    .filter(Boolean);
  return names.join("_or_") || "anon";
}

/**
 * Forms already derived, per command.  A loaded model does not change, and the same command's form is asked
 * for again and again (lint derives every form, then `uapi check` and `uapi compare` do), so it is worked out
 * once.  Callers share the form: they read it and never change it.
 */
const derived = new WeakMap<CommandModel, { ifc: InterfaceModel; form: SyscallForm }>();

export function deriveForm(cmd: CommandModel, ifc: InterfaceModel): SyscallForm {
  const hit = derived.get(cmd);
  if (hit?.ifc === ifc) return hit.form;
  const form = derive(cmd, ifc);
  derived.set(cmd, { ifc, form });
  return form;
}

function derive(cmd: CommandModel, ifc: InterfaceModel): SyscallForm {
  const ov = cmd.spec.syscall ?? {};
  const name = ov.name ?? defaultSyscallName(cmd.spec.name);
  const notes: string[] = [];
  const dropped: DroppedField[] = [];
  const rename = ov.rename;
  const defaultFlow = DIR_FLOW[cmd.spec.dir];

  if (cmd.spec.dir === "none" || !cmd.arg) {
    return { command: cmd.spec.name, name, args: [FD_ARG], dropped, ioctlArg: "none", notes };
  }
  if (cmd.arg.kind !== "record") {
    const t = typeName(cmd.arg);
    const conv = cmd.spec.argConvention ?? "";
    if (/^value\b/i.test(conv)) {
      const reservedZero = /must be 0|must be zero/i.test(conv);
      const arg: SyscallArg = reservedZero
        ? {
            name: own(rename, "arg") ?? "flags",
            type: "unsigned int",
            kernelType: "unsigned int",
            width: "32",
            kind: "flags",
            flow: "in",
            field: "",
            narrowed:
              "the ioctl argument is a value that must be 0; " +
              "as a syscall it becomes a flags word (reject unknown bits)",
          }
        : {
            name: own(rename, "arg") ?? "arg",
            type: "unsigned long",
            kernelType: "unsigned long",
            width: "ptr",
            kind: "ioctl-value",
            flow: "in",
            field: "",
          };
      return { command: cmd.spec.name, name, args: [FD_ARG, arg], dropped, ioctlArg: "value", notes };
    }
    const flow = cmd.spec.argFlow ?? defaultFlow;
    const argName = own(rename, "arg") ?? "arg";
    const arg: SyscallArg =
      flow === "in"
        ? {
            name: argName,
            type: userSpelling(t),
            kernelType: kernelTypeOf(t),
            width: widthOf(cmd.arg),
            kind: "scalar",
            flow,
            field: "",
            fieldType: cmd.arg,
          }
        : {
            name: argName,
            type: pointerTo(t, false),
            kernelType: kernelTypeOf(pointerTo(t, false)),
            width: "ptr",
            kind: "out-pointer",
            flow,
            field: "",
            fieldType: cmd.arg,
          };
    return { command: cmd.spec.name, name, args: [FD_ARG, arg], dropped, ioctlArg: "scalar-pointer", notes };
  }

  const record = cmd.arg.record;
  const members = walkMembers(record);
  const countOf = new Set(members.flatMap((m) => (m.field.spec.pointer?.count ? [m.field.spec.pointer.count] : [])));
  const flowOf = (m: Walked): Flow => own(cmd.spec.flow, m.path) ?? m.field.spec.flow ?? defaultFlow;
  const argNameOf = (path: string) => own(rename, path) ?? (path === "fd" ? "arg_fd" : path);
  const byField = new Map<string, SyscallArg>();
  let noShim: string | undefined = conditionalProblem(members);
  if (hasConstMember(record)) noShim ??= `${typeName(cmd.arg)} has const members, which the shim cannot assign`;
  const done = new Set<string>();

  for (const m of members) {
    const f = m.field;
    const spec = f.spec;
    // A name declared once per `when:` condition is one argument (conditionalProblem checked they agree).
    if (m.when.length && m.path !== "") {
      if (done.has(m.path)) continue;
      done.add(m.path);
    }
    if (spec.reserved || spec.padding) {
      const why = spec.padding ? "padding" : isMustBeZero(spec) ? "reserved (must be zero)" : "reserved (unchecked)";
      dropped.push({ field: m.path, why });
      continue;
    }
    if (f.bits !== undefined && f.name === undefined) {
      dropped.push({ field: "<unnamed bit-field>", why: "padding" });
      continue;
    }
    const flow = flowOf(m);
    // An anonymous union has no C name: its argument is named after its members (and renamed by that name).
    let key = m.path === "" && f.type.kind === "record" ? anonymousName(f.type.record) : m.path;
    while (m.path === "" && byField.has(key)) key += "_";
    const argName = argNameOf(key);
    const base = {
      name: argName,
      field: m.path,
      fieldType: f.type,
      doc: spec.doc,
      specPath: f.name !== undefined ? [...f.path, "name"] : f.path,
      ...(key !== m.path ? { renameKey: key } : {}),
    };
    if (f.type.kind === "array") {
      if (f.type.length === "flexible") {
        noShim = `${m.path} is a flexible array member: the struct has no fixed size to fill`;
        notes.push(
          `${m.path}: a flexible array member becomes a pointer argument; ` +
            "the element count must come from another argument",
        );
      }
      // A multi-dimensional array is copied whole, through a pointer to its innermost element type.
      const el = typeName(elementType(f.type));
      const t = pointerTo(el, flow === "in");
      byField.set(m.path, { ...base, type: t, kernelType: kernelTypeOf(t), width: "ptr", kind: "array-pointer", flow });
      continue;
    }
    if (f.type.kind === "record") {
      const r = f.type.record;
      const tn = r.tag ? `${r.kind} ${r.tag}` : `${r.kind} ${name}_${key.replace(/\./g, "_")}`;
      const t = pointerTo(tn, flow === "in");
      if (!r.tag)
        notes.push(
          `${m.path || `the anonymous ${r.kind} (${key})`} is an anonymous ${r.kind}; ` +
            `the syscall would declare it as '${tn}'`,
        );
      const arg: SyscallArg = {
        ...base,
        type: t,
        kernelType: kernelTypeOf(t),
        width: "ptr",
        kind: "record-pointer",
        flow,
        record: r,
      };
      if (m.path === "") {
        const anchor = memberAtStart(r);
        if (anchor) arg.anchor = anchor;
        else noShim ??= `the anonymous ${r.kind} (${key}) has no named member at its start to copy it through`;
      }
      byField.set(key, arg);
      continue;
    }
    if (spec.pointer && flow === "in") {
      const access = spec.pointer.access ?? "in";
      const t = pointerTo(spelled(spec.pointer.to), access === "in");
      byField.set(m.path, {
        ...base,
        type: t,
        kernelType: kernelTypeOf(t),
        width: "ptr",
        kind: "user-pointer",
        flow,
        access,
        pointee: f.pointee,
        pointerCount: spec.pointer.count,
        narrowed: `user pointer carried in ${typeName(f.type)}`,
      });
      continue;
    }
    const n = narrow(f, ifc, countOf);
    if (flow !== "in") {
      const t = pointerTo(n.type, false);
      byField.set(m.path, {
        ...base,
        type: t,
        kernelType: kernelTypeOf(t),
        width: "ptr",
        kind: "out-pointer",
        flow,
        narrowed: n.why,
      });
      continue;
    }
    byField.set(m.path, {
      ...base,
      type: userSpelling(n.type),
      kernelType: kernelTypeOf(n.type),
      width: n.type === typeName(f.type) ? widthOf(f.type) : widthOfSpelling(n.type),
      kind: n.kind,
      flow,
      narrowed: n.why,
    });
  }

  // Default order: members in struct order, each count right after the first pointer using it,
  // the command's flags word last (as in most syscalls).
  const defaultOrder: string[] = [];
  const placed = new Set<string>();
  const flagsLast: string[] = [];
  for (const [path, a] of byField) {
    if (placed.has(path)) continue;
    if (a.kind === "count") continue; // placed with its pointer (or at the end if orphaned)
    if (a.kind === "flags" && path === "flags") {
      flagsLast.push(path);
      placed.add(path);
      continue;
    }
    defaultOrder.push(path);
    placed.add(path);
    const count = members.find((m) => m.path === path)?.field.spec.pointer?.count;
    if (count && byField.has(count) && !placed.has(count)) {
      defaultOrder.push(count);
      placed.add(count);
    }
  }
  for (const path of byField.keys())
    if (!placed.has(path)) {
      defaultOrder.push(path);
      placed.add(path);
    }
  defaultOrder.push(...flagsLast);

  let order = defaultOrder;
  if (ov.order) {
    const listed = ov.order.filter((p) => p !== "fd");
    const unknown = listed.filter((p) => !byField.has(p));
    if (unknown.length)
      notes.push(
        `syscall.order names ${unknown.map((u) => `'${u}'`).join(", ")}, ` +
          `which ${unknown.length === 1 ? "is not an argument" : "are not arguments"} ` +
          `(dropped members, or not in ${typeName(cmd.arg)})`,
      );
    const missing = defaultOrder.filter((p) => !listed.includes(p));
    if (missing.length) notes.push(`syscall.order leaves out ${missing.join(", ")}; appended in the default order`);
    order = [...listed.filter((p) => byField.has(p)), ...missing];
  }
  const args = [FD_ARG, ...order.map((p) => byField.get(p)!)];
  const form: SyscallForm = { command: cmd.spec.name, name, args, dropped, ioctlArg: "struct", notes };
  if (noShim) form.noShim = noShim;
  return form;
}

function widthOfSpelling(t: string): ArgWidth {
  if (t === "size_t" || t === "unsigned long" || t === "long" || t.endsWith("*")) return "ptr";
  return "32";
}

/** The C prototype of a form: `long name(int fd, ...)`. */
export function prototype(name: string, args: readonly Pick<SyscallArg, "name" | "type">[], ret = "long"): string {
  return `${ret} ${name}(${args.map((a) => declare(a.type, a.name)).join(", ") || "void"})`;
}

/** `const __u64 *` + `ptr` -> `const __u64 *ptr`; `int` + `fd` -> `int fd`. */
export function declare(type: string, name: string): string {
  return type.endsWith("*") ? `${type}${name}` : `${type} ${name}`;
}
