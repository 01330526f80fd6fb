/*
 * The syscall form of a syscall declared under `syscalls:` (syscall/README.md
 * "Declared syscalls"): its arguments as written, classified by their
 * annotations so that the slot analysis, the remedies, the compat analysis and
 * the generators treat them as they treat a command's derived form.
 */
import type { Flow } from "../spec/types.js";
import type { InterfaceModel, SyscallArgModel, SyscallDecl } from "../core/model.js";
import { kernelTypeOf, widthOf, type ArgKind, type SyscallArg, type SyscallForm } from "./derive.js";

/** What an argument is, from its annotations and type; the first rule that applies wins. */
function kindOf(a: SyscallArgModel, sized: ReadonlySet<string>, ifc: InterfaceModel): ArgKind {
  if (a.spec.fd) return "fd";
  if (sized.has(a.name)) return "count";
  if (a.spec.flags !== undefined || a.name === "flags" || a.name.endsWith("_flags")) return "flags";
  if (a.type.kind !== "pointer") return "scalar";
  return recordOf(a, ifc) ? "record-pointer" : "user-pointer";
}

/** The declared struct or union a pointer argument points to, if the interface declares it. */
function recordOf(a: SyscallArgModel, ifc: InterfaceModel) {
  if (a.type.kind !== "pointer") return undefined;
  const m = /^(?:const )?(struct|union) ([A-Za-z_][A-Za-z0-9_]*)$/.exec(a.type.target);
  return m ? ifc.records.find((r) => r.kind === m[1] && r.tag === m[2]) : undefined;
}

/** How the kernel uses what a pointer points to: the annotation, else `in` for a pointer to const. */
function accessOf(a: SyscallArgModel): Flow {
  if (a.spec.pointer?.access) return a.spec.pointer.access;
  return a.type.kind === "pointer" && /^const\b/.test(a.type.target) ? "in" : "inout";
}

export function formOfSyscall(decl: SyscallDecl, ifc: InterfaceModel): SyscallForm {
  const sized = new Set<string>();
  for (const a of decl.args) {
    if (a.spec.pointer?.count !== undefined) sized.add(a.spec.pointer.count);
    if (a.spec.sizeOf !== undefined) sized.add(a.name);
  }
  const args = decl.args.map((a): SyscallArg => {
    const kind = kindOf(a, sized, ifc);
    const pointer = a.type.kind === "pointer";
    const record = recordOf(a, ifc);
    const arg: SyscallArg = {
      name: a.name,
      type: a.spelled,
      kernelType: kernelTypeOf(a.spelled),
      width: widthOf(a.type),
      kind,
      // As derive.ts: a user pointer's value flows in (access says what happens behind it); a struct
      // pointer's flow is that of the struct.
      flow: kind === "record-pointer" ? accessOf(a) : "in",
      field: a.name,
      fieldType: a.type,
      specPath: a.path,
    };
    if (pointer) arg.access = accessOf(a);
    if (a.spec.pointer?.count !== undefined) arg.pointerCount = a.spec.pointer.count;
    if (record) arg.record = record;
    if (a.spec.sizeOf !== undefined) arg.sizeOf = a.spec.sizeOf;
    if (a.spec.doc) arg.doc = a.spec.doc;
    return arg;
  });
  return {
    command: decl.spec.name,
    name: decl.spec.name,
    args,
    dropped: [],
    ioctlArg: "none",
    declared: true,
    notes: [],
  };
}
