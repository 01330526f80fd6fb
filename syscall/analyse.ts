/*
 * The six-argument analysis of one command: slots of its syscall form on
 * every ABI, grouped where the results agree, and -- when it does not fit --
 * the standard remedies (syscall/README.md "Remedies"), each with its own
 * slot count.  Only remedies that fit on every ABI are proposed.
 */
import type { AbiEntry, AbiId } from "../spec/abi.js";
import type { CommandModel, InterfaceModel } from "../core/model.js";
import { deriveForm, type SyscallArg, type SyscallForm } from "./derive.js";
import {
  countSlots,
  fitsEverywhere,
  syscallClasses,
  worstSlots,
  type ArgWidth,
  type SlotCount,
  type Verdict,
} from "./slots.js";

export type RemedyKind = "reorder" | "struct-pointer" | "extensible-struct" | "split";

/** ABIs with identical slot results for one argument list. */
export interface SlotGroup {
  abis: AbiId[];
  /** Labels of the syscall classes (slots.ts) the ABIs belong to. */
  classes: string[];
  slots: number;
  padding: number;
  verdict: Verdict;
}

export interface RemedyForm {
  name: string;
  args: SyscallArg[];
}

export interface Remedy {
  kind: RemedyKind;
  /** The spec's syscall.remedy, or the first one proposed when the spec names none (or one that does not apply). */
  chosen: boolean;
  forms: RemedyForm[];
  /** Worst slot count over the ABIs (over all parts for a split). */
  slots: number;
  groups: SlotGroup[];
  /** For struct remedies: the struct the syscall would declare, and the members it holds. */
  struct?: { name: string; members: SyscallArg[] };
  summary: string;
}

export interface CommandAnalysis {
  form: SyscallForm;
  /** Arguments including the fd. */
  argCount: number;
  perAbi: Partial<Record<AbiId, SlotCount>>;
  groups: SlotGroup[];
  worst: number;
  /** Within six slots on every ABI (o32's stack tolerance not counted). */
  fits: boolean;
  exceedsOn: AbiId[];
  /** ABIs where only MIPS o32's stack arguments make the flat form work. */
  o32Only: AbiId[];
  remedies: Remedy[];
  notes: string[];
}

const widths = (args: readonly SyscallArg[]): ArgWidth[] => args.map((a) => a.width);

/** Group ABIs by identical slot results, in table order. */
export function slotGroups(args: readonly ArgWidth[], abis: readonly AbiEntry[]): SlotGroup[] {
  const classOf = new Map<AbiId, string>();
  for (const c of syscallClasses(abis)) for (const id of c.abis) classOf.set(id, c.label);
  const groups = new Map<string, SlotGroup>();
  for (const abi of abis) {
    const c = countSlots(args, abi.syscall);
    const key = `${c.slots}/${c.padding}/${c.verdict}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { abis: [], classes: [], slots: c.slots, padding: c.padding, verdict: c.verdict }));
    g.abis.push(abi.id);
    const label = classOf.get(abi.id)!;
    if (!g.classes.includes(label)) g.classes.push(label);
  }
  return [...groups.values()];
}

/**
 * The command's own flags word: kept as a separate argument by the struct-pointer remedy
 * (adding-syscalls: a flags argument).
 */
export function commandFlags(form: SyscallForm): SyscallArg | undefined {
  const flags = form.args.filter((a) => a.kind === "flags");
  return flags.find((a) => a.field === "flags" || a.field === "") ?? (flags.length === 1 ? flags[0] : undefined);
}

/** An fd first stays first in every repair (the handle the call acts on); a declared syscall may start otherwise. */
export function leadingFd(form: SyscallForm): SyscallArg[] {
  return form.args[0]?.kind === "fd" ? [form.args[0]] : [];
}

export function analyseCommand(cmd: CommandModel, ifc: InterfaceModel, abis: readonly AbiEntry[]): CommandAnalysis {
  return analyseForm(deriveForm(cmd, ifc), abis, cmd.spec.syscall?.remedy);
}

export function analyseForm(form: SyscallForm, abis: readonly AbiEntry[], wanted?: RemedyKind): CommandAnalysis {
  const w = widths(form.args);
  const perAbi: Partial<Record<AbiId, SlotCount>> = {};
  for (const abi of abis) perAbi[abi.id] = countSlots(w, abi.syscall);
  const exceedsOn = abis.filter((a) => perAbi[a.id]!.verdict !== "fits").map((a) => a.id);
  const o32Only = abis.filter((a) => perAbi[a.id]!.verdict === "o32-only").map((a) => a.id);
  const fits = exceedsOn.length === 0;
  const notes: string[] = [];
  const remedies = fits ? [] : proposeRemedies(form, abis);
  if (remedies.length) {
    const pick = remedies.find((r) => r.kind === wanted) ?? remedies[0]!;
    pick.chosen = true;
    if (wanted && pick.kind !== wanted)
      notes.push(`the spec's remedy '${wanted}' does not fit on every ABI here; '${pick.kind}' is shown instead`);
  } else if (wanted && fits) {
    notes.push(`the spec names remedy '${wanted}', but the flat form already fits`);
  }
  return {
    form,
    argCount: form.args.length,
    perAbi,
    groups: slotGroups(w, abis),
    worst: worstSlots(w, abis),
    fits,
    exceedsOn,
    o32Only,
    remedies,
    notes,
  };
}

function remedy(
  kind: RemedyKind,
  forms: RemedyForm[],
  abis: readonly AbiEntry[],
  summary: string,
  struct?: Remedy["struct"],
): Remedy | undefined {
  if (!forms.every((f) => fitsEverywhere(widths(f.args), abis))) return undefined;
  const slots = Math.max(...forms.map((f) => worstSlots(widths(f.args), abis)));
  // For a split, group on the part with the most slots: that is the one that decides.
  const decisive = forms.reduce((a, b) =>
    worstSlots(widths(b.args), abis) > worstSlots(widths(a.args), abis) ? b : a,
  );
  const r: Remedy = { kind, chosen: false, forms, slots, groups: slotGroups(widths(decisive.args), abis), summary };
  if (struct) r.struct = struct;
  return r;
}

function proposeRemedies(form: SyscallForm, abis: readonly AbiEntry[]): Remedy[] {
  const lead = leadingFd(form);
  const rest = form.args.slice(lead.length);
  const flags = commandFlags(form);
  const members = rest.filter((a) => a !== flags);
  const out: (Remedy | undefined)[] = [];

  // Every argument takes a slot, so no order fits once there are more arguments than the tightest ABI's slots;
  // skipping the search then keeps it (C(n, k) orders) off forms with dozens of arguments.
  const reordered =
    form.args.length <= Math.min(...abis.map((a) => a.syscall.slots)) ? bestOrder(rest, abis, lead.length) : undefined;
  if (reordered) {
    out.push(
      remedy(
        "reorder",
        [{ name: form.name, args: [...lead, ...reordered] }],
        abis,
        `reorder so 64-bit arguments start at even slots (as sync_file_range2 and arm_fadvise64_64 did)`,
      ),
    );
  }

  if (members.length) {
    const structName = `struct ${form.name}_args`;
    const allIn = members.every((a) => a.flow === "in");
    const ptrType = `${allIn ? "const " : ""}${structName} *`;
    const argsArg: SyscallArg = {
      name: "args",
      type: ptrType,
      kernelType: `${allIn ? "const " : ""}${structName} __user *`,
      width: "ptr",
      kind: "record-pointer",
      flow: allIn ? "in" : members.every((a) => a.flow === "out") ? "out" : "inout",
      doc: `the ${members.length} other argument${members.length === 1 ? "" : "s"}, in ${structName}`,
    };
    out.push(
      remedy(
        "struct-pointer",
        [{ name: form.name, args: [...lead, argsArg, ...(flags ? [flags] : [])] }],
        abis,
        `group ${members.map((m) => m.name).join(", ")} into ${structName}, passed by pointer` +
          (flags ? `; ${flags.name} stays an argument` : ""),
        { name: structName, members },
      ),
    );
    const extArgs: SyscallArg = {
      ...argsArg,
      type: `${structName} *`,
      kernelType: `${structName} __user *`,
      flow: argsArg.flow === "out" ? "out" : "inout",
      doc: `every argument, in a size-versioned ${structName}`,
    };
    const sizeArg: SyscallArg = {
      name: "size",
      type: "size_t",
      kernelType: "size_t",
      width: "ptr",
      kind: "scalar",
      flow: "in",
      doc: `sizeof(${structName}) as user space knows it (copy_struct_from_user)`,
    };
    out.push(
      remedy(
        "extensible-struct",
        [{ name: form.name, args: [...lead, extArgs, sizeArg] }],
        abis,
        `extensible ${structName} with a size argument, read with copy_struct_from_user() ` +
          "(fields only appended; zero means the old behaviour)",
        { name: structName, members: rest },
      ),
    );
  }

  const parts = splitParts(lead, members, flags, abis);
  if (parts && parts.length > 1) {
    out.push(
      remedy(
        "split",
        parts.map((args, i) => ({ name: `${form.name}_${i + 1}`, args })),
        abis,
        `split into ${parts.length} calls${lead.length || flags ? ", each with " : ""}${[
          ...lead,
          ...(flags ? [flags] : []),
        ]
          .map((a) => a.name)
          .join(" and ")}: ${parts
          .map(
            (p) =>
              `(${p
                .slice(lead.length)
                .filter((a) => a !== flags)
                .map((a) => a.name)
                .join(", ")})`,
          )
          .join(", ")}; the operation is no longer one atomic call`,
      ),
    );
  }
  return out.filter((r): r is Remedy => r !== undefined);
}

/**
 * The argument order (fd fixed first) with the fewest worst-case slots; ties
 * go to the order that moves arguments least.  Only the sequence of 32- and
 * 64-bit widths matters for slots, so it enumerates where the 64-bit
 * arguments go and keeps each width's arguments in their original order.
 * Undefined when no reordering helps or none fits.
 */
export function bestOrder(
  rest: readonly SyscallArg[],
  abis: readonly AbiEntry[],
  leading = 1,
): SyscallArg[] | undefined {
  const wide = rest.filter((a) => a.width === "64");
  const narrow = rest.filter((a) => a.width !== "64");
  if (wide.length === 0) return undefined;
  const n = rest.length;
  let best: { order: SyscallArg[]; slots: number; moved: number } | undefined;
  for (const positions of combinations(n, wide.length)) {
    const order: SyscallArg[] = [];
    let wi = 0;
    let ni = 0;
    for (let i = 0; i < n; i++) order.push(positions.has(i) ? wide[wi++]! : narrow[ni++]!);
    const slots = worstSlots([...(leading ? ["32" as const] : []), ...order.map((a) => a.width)], abis);
    const moved = order.reduce((s, a, i) => s + Math.abs(rest.indexOf(a) - i), 0);
    if (!best || slots < best.slots || (slots === best.slots && moved < best.moved)) best = { order, slots, moved };
  }
  if (!best || best.moved === 0) return undefined;
  return best.order;
}

function* combinations(n: number, k: number): Generator<Set<number>> {
  const pick: number[] = [];
  function* rec(start: number): Generator<Set<number>> {
    if (pick.length === k) {
      yield new Set(pick);
      return;
    }
    for (let i = start; i <= n - (k - pick.length); i++) {
      pick.push(i);
      yield* rec(i + 1);
      pick.pop();
    }
  }
  yield* rec(0);
}

/** Units that must stay together: a count with every pointer it counts. */
function units(members: readonly SyscallArg[]): SyscallArg[][] {
  const out: SyscallArg[][] = [];
  const seen = new Set<SyscallArg>();
  for (const a of members) {
    if (seen.has(a)) continue;
    const countName = a.kind === "user-pointer" ? countFieldOf(a) : a.kind === "count" ? a.field : undefined;
    const group = countName
      ? members.filter((m) => m.field === countName || (m.kind === "user-pointer" && countFieldOf(m) === countName))
      : [a];
    group.forEach((g) => seen.add(g));
    out.push(group);
  }
  return out;
}

function countFieldOf(a: SyscallArg): string | undefined {
  return a.pointerCount;
}

/** Greedy split into commands that each fit on every ABI; undefined when a unit alone does not fit. */
function splitParts(
  lead: readonly SyscallArg[],
  members: readonly SyscallArg[],
  flags: SyscallArg | undefined,
  abis: readonly AbiEntry[],
): SyscallArg[][] | undefined {
  const tail = flags ? [flags] : [];
  const parts: SyscallArg[][] = [];
  let current: SyscallArg[] = [];
  for (const u of units(members)) {
    if (fitsEverywhere(widths([...lead, ...current, ...u, ...tail]), abis)) {
      current.push(...u);
      continue;
    }
    if (!fitsEverywhere(widths([...lead, ...u, ...tail]), abis)) return undefined;
    if (current.length) parts.push(current);
    current = [...u];
  }
  if (current.length) parts.push(current);
  return parts.map((p) => [...lead, ...p, ...tail]);
}
