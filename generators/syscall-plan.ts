/*
 * The entry points of a declared syscall, worked out once for the kernel
 * file, the syscall tables and the user-space wrappers
 * (generators/syscall-kernel.ts, syscall-table.ts, syscall-wrappers.ts).
 *
 * A syscall whose prototype fits in six slots on every ABI is defined as
 * declared; one that does not is defined in the remedy analyseForm() chooses
 * (syscall/analyse.ts), when there is one.  For each form the plan lists the
 * native SYSCALL_DEFINE and every other entry the calling analysis asks for
 * (syscall/calling.ts entryPoints() and callingOn()): the generic compat
 * entry, a compat entry with an explicit padding argument where pairs start
 * at an even slot, a compat entry for ILP32 ABIs with 64-bit registers, and
 * entries on an ABI's own kernel (parisc's (high, low) halves, sh's slot
 * order, arm OABI's placement on an EABI kernel); and for each ABI which
 * symbol its syscall table names.  Pure.
 */
import type { AbiEntry, AbiId } from "../spec/abi.js";
import { ABIS, abiById } from "../spec/abis.js";
import type { InterfaceModel, SyscallDecl } from "../core/model.js";
import { formOfSyscall } from "../syscall/declared.js";
import { analyseForm, type CommandAnalysis, type Remedy } from "../syscall/analyse.js";
import { callingOn, COMPAT_SIGNED_TYPES, entryPoints, type AbiCalling, type EntryNeed } from "../syscall/calling.js";
import type { SyscallArg, SyscallForm } from "../syscall/derive.js";
import {
  fallbackEntry,
  NATIVE_PADDED_ENTRY,
  ONE_REGISTER_COMPAT_ENTRY,
  OWN_KERNEL_ENTRY,
  PADDED_COMPAT_ENTRY,
  type ArchEntry,
} from "./syscall-arch.js";

/** One `type, name` pair of a *_DEFINEn, or `compat_arg_u64_dual(name)` (two u32 in the kernel's order). */
export type DefineParam = { kind: "param"; type: string; name: string } | { kind: "dual"; name: string };

export type EntryKind =
  | "native" // SYSCALL_DEFINEn as declared
  | "compat" // COMPAT_SYSCALL_DEFINEn with compat_arg_u64_dual
  | "padded-compat" // ... with an explicit u32 padding argument before a pair
  | "one-register-compat" // ... for ILP32 ABIs with 64-bit registers: a 64-bit value in one register
  | "own-kernel"; // SYSCALL_DEFINEn on the ABI's own kernel (parisc, sh, arm OABI, powerpc32)

export interface EntryDefinition {
  kind: EntryKind;
  macro: "SYSCALL_DEFINE" | "COMPAT_SYSCALL_DEFINE";
  /** The name given to the macro (`aarch32_pread64`). */
  name: string;
  /** The symbol the macro defines: sys_<name> or compat_sys_<name>. */
  symbol: string;
  params: DefineParam[];
  /** Padding parameters the body only discards. */
  unused: string[];
  /** The arguments of the do_<form>() call, in the form's order. */
  call: string[];
  /** The kernel configuration that builds it; undefined for the native entry. */
  guard?: string;
  /** The ABIs it serves (table order). */
  abis: AbiId[];
  /** Why it exists, one sentence each (plain text, made comment-safe by the writer). */
  why: string[];
  /** For entries run by another ABI's kernel: what each ABI needs of it (syscall/calling.ts entryPoints). */
  needs: (EntryNeed & { abi: AbiId })[];
  /** The kernel that runs it when that is not the ABI's own: `compatOn` (arm OABI on an EABI kernel included). */
  hosted: boolean;
  /** Where such an entry lives in the kernel, and the kernel's own entry of that kind. */
  arch?: ArchEntry;
}

/** What an ABI's syscall table names for a form. */
export interface AbiSymbols {
  /** On the ABI's own kernel. */
  native: string;
  /** On the kernel that runs it through compat (syscall.compatOn), when that needs an entry of its own. */
  compat?: string;
}

export interface FormPlan {
  name: string;
  args: SyscallArg[];
  /** The shared function every entry calls: do_<name>. */
  helper: string;
  /** The native entry first, then the others in ABI-table order of first use. */
  entries: EntryDefinition[];
  symbols: Map<AbiId, AbiSymbols>;
  /** Where the arguments travel on each ABI (callingOn). */
  calling: Map<AbiId, AbiCalling>;
  /** Why an ABI's table names an entry other than the native one, as `reason argument` codes. */
  reasons: Map<AbiId, string[]>;
}

export interface SyscallPlan {
  decl: SyscallDecl;
  flat: SyscallForm;
  analysis: CommandAnalysis;
  /** The chosen remedy, when the declared prototype exceeds six slots somewhere. */
  remedy?: Remedy;
  /** The forms defined: the declared one, or the remedy's (one per part for a split). */
  forms: FormPlan[];
  /** Why nothing is defined. */
  none?: string;
}

/** The type of an argument in SYSCALL_DEFINEn: the kernel spelling; an enum is passed as `int`. */
export function kernelParamType(a: SyscallArg): string {
  return a.fieldType?.kind === "enum" ? "int" : a.kernelType;
}

/** The type of a one-slot argument in a compat entry. */
function compatParamType(a: SyscallArg): string {
  return COMPAT_SIGNED_TYPES.get(a.type) ?? kernelParamType(a);
}

/** True when a register slot (or a pair) holds the argument: a scalar, an enum or a pointer, not a struct. */
export function registerPassable(a: SyscallArg): boolean {
  return a.fieldType === undefined || ["scalar", "pointer", "enum"].includes(a.fieldType.kind);
}

/** `base`, or `base2`, `base3`... (with `sep` between) whichever no name in `taken` has; added to `taken`. */
function fresh(base: string, taken: Set<string>, sep = ""): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${sep}${i}`;
  taken.add(name);
  return name;
}

/** `(((u64)hi << 32) | lo)` for explicit halves. */
const glue = (hi: string, lo: string) => `(((u64)${hi} << 32) | ${lo})`;

interface SlotWalk {
  params: DefineParam[];
  unused: string[];
  call: string[];
}

/**
 * Parameters in the ABI's slot order.  A pair becomes `compat_arg_u64_dual` ("dual"), explicit u32 halves in the
 * ABI's order ("halves") or one parameter of its own type ("whole", for sh's C convention); a padding slot becomes
 * a discarded parameter of `padType`.
 */
function walkSlots(
  form: readonly SyscallArg[],
  calling: AbiCalling,
  pairs: "dual" | "halves" | "whole",
  padType: string,
  padName: string,
  oneSlotType: (a: SyscallArg) => string,
): SlotWalk {
  const taken = new Set(form.map((a) => a.name));
  const params: DefineParam[] = [];
  const unused: string[] = [];
  const call = form.map((a) => a.name);
  const bySlot = new Map<number, number>();
  calling.args.forEach((loc, i) => bySlot.set(loc.slots[0]!, i));
  const padSlots = new Set(calling.padding.map((p) => p.slot));
  for (let s = 0; s < calling.slots; s++) {
    if (padSlots.has(s)) {
      const name = fresh(padName, taken);
      params.push({ kind: "param", type: padType, name });
      unused.push(name);
      continue;
    }
    const i = bySlot.get(s);
    if (i === undefined) continue; // the second half of a pair
    const a = form[i]!;
    const loc = calling.args[i]!;
    if (loc.slots.length === 1) {
      params.push({ kind: "param", type: oneSlotType(a), name: a.name });
    } else if (pairs === "dual") {
      params.push({ kind: "dual", name: a.name });
      call[i] = `compat_arg_u64_glue(${a.name})`;
    } else if (pairs === "whole") {
      params.push({ kind: "param", type: kernelParamType(a), name: a.name });
    } else {
      const names = { hi: fresh(`${a.name}_hi`, taken), lo: fresh(`${a.name}_lo`, taken) };
      for (const h of loc.halves!) params.push({ kind: "param", type: "u32", name: names[h] });
      call[i] = glue(names.hi, names.lo);
    }
  }
  return { params, unused, call };
}

const slotText = (p: DefineParam) => (p.kind === "dual" ? `dual:${p.name}` : `${p.type}:${p.name}`);

function planForm(flat: SyscallForm, name: string, args: SyscallArg[]): FormPlan {
  const form: SyscallForm = { ...flat, name, args };
  const helper = `do_${name}`;
  const needsOf = entryPoints(form, ABIS);
  const calling = new Map<AbiId, AbiCalling>(ABIS.map((abi) => [abi.id, callingOn(form, abi)]));
  const native: EntryDefinition = {
    kind: "native",
    macro: "SYSCALL_DEFINE",
    name,
    symbol: `sys_${name}`,
    params: args.map((a) => ({ kind: "param", type: kernelParamType(a), name: a.name })),
    unused: [],
    call: args.map((a) => a.name),
    abis: [],
    why: [],
    needs: [],
    hosted: false,
  };
  const entries: EntryDefinition[] = [native];
  const byKey = new Map<string, EntryDefinition>();
  const symbols = new Map<AbiId, AbiSymbols>();
  const reasons = new Map<AbiId, string[]>();
  const reason = (abi: AbiId, code: string) => {
    const list = reasons.get(abi) ?? [];
    if (!list.includes(code)) list.push(code);
    reasons.set(abi, list);
  };

  const add = (
    abi: AbiEntry,
    def: Omit<EntryDefinition, "abis" | "why" | "symbol" | "needs" | "hosted">,
    why: string[],
    needs: EntryNeed[] = [],
  ): string => {
    const prefix = def.macro === "COMPAT_SYSCALL_DEFINE" ? "compat_sys_" : "sys_";
    const key = `${prefix}${def.name}/${def.params.map(slotText).join(",")}`;
    let e = byKey.get(key);
    if (!e) {
      // Two ABIs wanting one name with different parameters: the second gets its own name.
      const clash = entries.filter(
        (x) => x.symbol === prefix + def.name || x.symbol.startsWith(`${prefix}${def.name}_`),
      ).length;
      const renamed = clash ? `${def.name}_${clash + 1}` : def.name;
      e = { ...def, name: renamed, symbol: prefix + renamed, abis: [], why: [], needs: [], hosted: needs.length > 0 };
      byKey.set(key, e);
      entries.push(e);
    }
    if (!e.abis.includes(abi.id)) e.abis.push(abi.id);
    for (const w of why) if (!e.why.includes(w)) e.why.push(w);
    for (const n of needs) e.needs.push({ ...n, abi: abi.id });
    return e.symbol;
  };

  for (const abi of ABIS) {
    const here = calling.get(abi.id)!;
    const sym: AbiSymbols = { native: native.symbol };
    symbols.set(abi.id, sym);
    const hasPair = here.args.some((a) => a.slots.length === 2);

    const compat = needsOf.find((e) => e.abi === abi.id && e.compatOn !== undefined);
    if (compat) {
      for (const n of compat.needs) reason(abi.id, `${n.reason} ${n.arg}`);
      const host = abiById(compat.compatOn!);
      if (host?.wordBits === 32) {
        // A 32-bit ABI run by another 32-bit kernel (arm OABI on EABI): an entry of that kernel's own.
        const arch = OWN_KERNEL_ENTRY[abi.id] ?? fallbackEntry(abi.id);
        const w = walkSlots(args, here, "halves", "u32", "__pad", kernelParamType);
        sym.compat = add(
          abi,
          { kind: "own-kernel", macro: "SYSCALL_DEFINE", name: arch.prefix + name, ...w, guard: arch.guard, arch },
          [],
          compat.needs,
        );
      } else if (compat.needs.some((n) => n.reason === "padded-pair")) {
        const arch = PADDED_COMPAT_ENTRY[abi.id] ?? fallbackEntry(abi.id);
        const w = walkSlots(args, here, "dual", "u32", "__pad", compatParamType);
        sym.compat = add(
          abi,
          {
            kind: "padded-compat",
            macro: "COMPAT_SYSCALL_DEFINE",
            name: arch.prefix + name,
            ...w,
            guard: arch.guard,
            arch,
          },
          [],
          compat.needs,
        );
      } else if (abi.syscall.pairs === "one-register" && args.some((a) => a.width === "64")) {
        const arch = ONE_REGISTER_COMPAT_ENTRY[abi.id] ?? fallbackEntry(abi.id);
        const w = walkSlots(args, here, "whole", "u32", "__pad", compatParamType);
        sym.compat = add(
          abi,
          {
            kind: "one-register-compat",
            macro: "COMPAT_SYSCALL_DEFINE",
            name: arch.prefix + name,
            ...w,
            guard: arch.guard,
            arch,
          },
          [`a 64-bit argument arrives in one register, not as the generic entry's two halves`],
          compat.needs,
        );
      } else {
        const w = walkSlots(args, here, "dual", "u32", "__pad", compatParamType);
        sym.compat = add(
          abi,
          { kind: "compat", macro: "COMPAT_SYSCALL_DEFINE", name, ...w, guard: "defined(CONFIG_COMPAT)" },
          [],
          compat.needs,
        );
      }
    }

    const pairArgs = here.args.filter((a) => a.slots.length === 2).map((a) => a.arg);
    if (abi.syscall.pairs === "parisc-shim" && hasPair) {
      for (const a of pairArgs) reason(abi.id, `high-low ${a}`);
      const arch = OWN_KERNEL_ENTRY[abi.id] ?? fallbackEntry(abi.id);
      const w = walkSlots(args, here, "halves", "u32", "__pad", kernelParamType);
      sym.native = add(
        abi,
        { kind: "own-kernel", macro: "SYSCALL_DEFINE", name: arch.prefix + name, ...w, guard: arch.guard, arch },
        [
          `${abi.id}'s syscall ABI passes a 64-bit value as explicit (high, low) u32 halves with no padding ` +
            "(abi-facts §3.3), so the table names a shim that glues them",
        ],
      );
    } else if (abi.syscall.pairs === "sh" && (here.padding.length > 0 || here.reordered)) {
      for (const p of here.padding) reason(abi.id, `padding ${p.where}`);
      if (here.reordered) reason(abi.id, "reordered");
      const arch = OWN_KERNEL_ENTRY[abi.id] ?? fallbackEntry(abi.id);
      const w = walkSlots(args, here, "whole", "long", "dummy", kernelParamType);
      const what = here.reordered
        ? "lists the arguments in slot order, the back-filled one before the pair it precedes"
        : `takes a dummy for ${here.padding.map((p) => p.where).join(", ")}`;
      sym.native = add(
        abi,
        { kind: "own-kernel", macro: "SYSCALL_DEFINE", name: arch.prefix + name, ...w, guard: arch.guard, arch },
        [
          `${abi.id} never splits a pair between r7 and the stack (abi-facts §3.2); this entry ${what}, ` +
            "so the slots user space fills are explicit",
        ],
      );
    } else if (NATIVE_PADDED_ENTRY[abi.id] && here.padding.length > 0 && hasPair) {
      const arch = NATIVE_PADDED_ENTRY[abi.id]!;
      for (const p of here.padding) reason(abi.id, `padding ${p.where}`);
      const w = walkSlots(args, here, "halves", "u32", "__pad", kernelParamType);
      sym.native = add(
        abi,
        { kind: "own-kernel", macro: "SYSCALL_DEFINE", name: arch.prefix + name, ...w, guard: arch.guard, arch },
        [
          `${abi.id}'s 32-bit kernel maps registers to arguments one by one (its syscall wrappers), not by the C ` +
            "convention, so the padding slot and the halves are explicit here too",
        ],
      );
    }
  }
  return { name, args, helper, entries, symbols, calling, reasons };
}

/**
 * Identifiers the generated files use inside the functions that take the arguments as parameters: a parameter of
 * that name would hide or be replaced by it (spec/lint.ts rejects most such names; these it lets through).
 */
const USED_BY_GENERATED = new Set([
  "syscall",
  "errno",
  "ENOSYS",
  "NULL",
  "memset",
  "asmlinkage",
  "compat_arg_u64",
  "compat_arg_u64_dual",
  "compat_arg_u64_glue",
  "compat_long_t",
  "compat_ssize_t",
  "compat_off_t",
  "compat_size_t",
  "u32",
  "u64",
]);
const usedByGenerated = (n: string) =>
  USED_BY_GENERATED.has(n) || /^(?:CONFIG_|do_|sys_|compat_sys_|E[A-Z0-9]+$|(?:COMPAT_)?SYSCALL_DEFINE)/.test(n);

/**
 * The plan of one declared syscall.  `names` holds the names of the interface's other syscalls (and their forms):
 * a split remedy's part takes a name none of them has.
 */
export function planSyscall(decl: SyscallDecl, ifc: InterfaceModel, names = new Set<string>()): SyscallPlan {
  const declared = formOfSyscall(decl, ifc);
  // The generated functions' own parameter names: the spec's, unless the generated code uses that identifier.
  const taken = new Set(declared.args.map((a) => a.name));
  const flat: SyscallForm = {
    ...declared,
    args: declared.args.map((a) => (usedByGenerated(a.name) ? { ...a, name: fresh(`${a.name}_arg`, taken) } : a)),
  };
  const analysis = analyseForm(flat, ABIS, decl.spec.remedy);
  const odd = flat.args.find((a) => !registerPassable(a));
  if (odd)
    return {
      decl,
      flat,
      analysis,
      forms: [],
      none: `argument ${odd.name} has type ${odd.type}, which no register slot holds: pass it by pointer`,
    };
  if (analysis.fits) return { decl, flat, analysis, forms: [planForm(flat, flat.name, flat.args)] };
  const remedy = analysis.remedies.find((r) => r.chosen);
  if (!remedy)
    return {
      decl,
      flat,
      analysis,
      forms: [],
      none: `the prototype exceeds six slots on ${analysis.exceedsOn.join(", ")} and no remedy fits every ABI`,
    };
  const forms = remedy.forms.map((f) =>
    planForm(flat, f.name === flat.name ? f.name : fresh(f.name, names, "_"), f.args),
  );
  return { decl, flat, analysis, remedy, forms };
}

/** The plans of an interface's declared syscalls, in spec order. */
export function planInterface(ifc: InterfaceModel): SyscallPlan[] {
  const names = new Set(ifc.syscalls.map((d) => d.spec.name));
  const plans = ifc.syscalls.map((d) => planSyscall(d, ifc, names));
  // An architecture's entry (sys_parisc_foo) may have the name of another syscall's entry (a syscall declared as
  // parisc_foo): the native and generic compat entries keep theirs, the architecture's entry gets a suffix.
  const forms = plans.flatMap((p) => p.forms);
  const kept = (e: EntryDefinition) => e.kind === "native" || e.kind === "compat";
  const taken = new Set(forms.flatMap((f) => f.entries.filter(kept).map((e) => e.symbol)));
  for (const f of forms)
    for (const e of f.entries.filter((x) => !kept(x))) {
      const old = e.symbol;
      if (taken.has(old)) {
        const prefix = old.slice(0, old.length - e.name.length);
        let i = 2;
        while (taken.has(`${prefix}${e.name}_${i}`)) i++;
        e.name = `${e.name}_${i}`;
        e.symbol = prefix + e.name;
        for (const sym of f.symbols.values()) {
          if (sym.native === old) sym.native = e.symbol;
          if (sym.compat === old) sym.compat = e.symbol;
        }
      }
      taken.add(e.symbol);
    }
  return plans;
}

/** `n` parameters of a *_DEFINE: a dual counts two. */
export function defineArity(params: readonly DefineParam[]): number {
  return params.reduce((n, p) => n + (p.kind === "dual" ? 2 : 1), 0);
}

/** The ABIs of the table in table order, for a list of ids. */
export function abisInOrder(ids: readonly AbiId[]): AbiId[] {
  return ABIS.map((a) => a.id).filter((id) => ids.includes(id));
}
