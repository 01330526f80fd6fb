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
  classSlots,
  classTable,
  countSlots,
  fitsAll,
  fitsIn,
  worstIn,
  worstOf,
  type ArgWidth,
  type ClassSlots,
  type ClassTable,
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
  /** ABIs of one syscall class (slots.ts) share one SlotCount: read it, do not change it. */
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
  return groupsOf(classSlots(args, classTable(abis)));
}

/** The groups of an argument list already counted per syscall class: each class's result decides its ABIs' group. */
function groupsOf({ table, counts }: ClassSlots): SlotGroup[] {
  const groups: SlotGroup[] = [];
  const groupOfClass: (SlotGroup | undefined)[] = [];
  table.abis.forEach((abi, i) => {
    const ci = table.classOf[i]!;
    let g = groupOfClass[ci];
    if (!g) {
      const c = counts[ci]!;
      g = groups.find((x) => x.slots === c.slots && x.padding === c.padding && x.verdict === c.verdict);
      if (!g) groups.push((g = { abis: [], classes: [], slots: c.slots, padding: c.padding, verdict: c.verdict }));
      groupOfClass[ci] = g;
    }
    g.abis.push(abi.id);
    const label = table.classes[ci]!.label;
    if (!g.classes.includes(label)) g.classes.push(label);
  });
  return groups;
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
  // Looked up once here, then handed to every count of the flat form and its remedies.
  const table = classTable(abis);
  const counted = classSlots(w, table);
  const { classes, classOf } = table;
  // The slot walk depends only on the syscall class: one full count (with placements) per class.
  const perClass = classes.map((c) => countSlots(w, c.model));
  const perAbi: Partial<Record<AbiId, SlotCount>> = {};
  const exceedsOn: AbiId[] = [];
  const o32Only: AbiId[] = [];
  abis.forEach((abi, i) => {
    const c = perClass[classOf[i]!]!;
    perAbi[abi.id] = c;
    if (c.verdict !== "fits") exceedsOn.push(abi.id);
    if (c.verdict === "o32-only") o32Only.push(abi.id);
  });
  const fits = exceedsOn.length === 0;
  const notes: string[] = [];
  const remedies = fits ? [] : proposeRemedies(form, table);
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
    groups: groupsOf(counted),
    worst: worstOf(counted),
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
  table: ClassTable,
  summary: string,
  struct?: Remedy["struct"],
): Remedy | undefined {
  const counted = forms.map((f) => classSlots(widths(f.args), table));
  if (!counted.every(fitsAll)) return undefined;
  const worst = counted.map(worstOf);
  const slots = Math.max(...worst);
  // For a split, group on the (first) part with the most slots: that is the one that decides.
  const r: Remedy = { kind, chosen: false, forms, slots, groups: groupsOf(counted[worst.indexOf(slots)]!), summary };
  if (struct) r.struct = struct;
  return r;
}

function proposeRemedies(form: SyscallForm, table: ClassTable): Remedy[] {
  const lead = leadingFd(form);
  const rest = form.args.slice(lead.length);
  const flags = commandFlags(form);
  const members = rest.filter((a) => a !== flags);
  const out: (Remedy | undefined)[] = [];

  // Every argument takes a slot, so no order fits once there are more arguments than the tightest ABI's slots;
  // skipping the search then keeps it (C(n, k) orders) off forms with dozens of arguments.
  const tightest = Math.min(...table.classes.map((c) => c.model.slots));
  const reordered = form.args.length <= tightest ? bestOrderIn(rest, table, lead.length) : undefined;
  if (reordered) {
    out.push(
      remedy(
        "reorder",
        [{ name: form.name, args: [...lead, ...reordered] }],
        table,
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
        table,
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
        table,
        `extensible ${structName} with a size argument, read with copy_struct_from_user() ` +
          "(fields only appended; zero means the old behaviour)",
        { name: structName, members: rest },
      ),
    );
  }

  const parts = splitParts(lead, members, flags, table);
  if (parts && parts.length > 1) {
    out.push(
      remedy(
        "split",
        parts.map((args, i) => ({ name: `${form.name}_${i + 1}`, args })),
        table,
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
  return bestOrderIn(rest, classTable(abis), leading);
}

function bestOrderIn(rest: readonly SyscallArg[], table: ClassTable, leading: number): SyscallArg[] | undefined {
  const wide = rest.filter((a) => a.width === "64");
  const narrow = rest.filter((a) => a.width !== "64");
  if (wide.length === 0) return undefined;
  const n = rest.length;
  let best: { order: SyscallArg[]; slots: number; moved: number } | undefined;
  for (const positions of combinations(n, wide.length)) {
    const order: SyscallArg[] = [];
    const w: ArgWidth[] = leading ? ["32"] : [];
    let wi = 0;
    let ni = 0;
    for (let i = 0; i < n; i++) {
      const a = positions.has(i) ? wide[wi++]! : narrow[ni++]!;
      order.push(a);
      w.push(a.width);
    }
    const slots = worstIn(w, table);
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
  table: ClassTable,
): SyscallArg[][] | undefined {
  const tail = flags ? [flags] : [];
  const leadW = widths(lead);
  const tailW = widths(tail);
  const parts: SyscallArg[][] = [];
  let current: SyscallArg[] = [];
  // The widths of `current`, kept beside it: the candidates are counted without rebuilding argument lists
  // (and joined with concat, which unlike a spread takes no iterator).
  let currentW: ArgWidth[] = [];
  for (const u of units(members)) {
    const unitW = widths(u);
    if (fitsIn(leadW.concat(currentW, unitW, tailW), table)) {
      current.push(...u);
      currentW.push(...unitW);
      continue;
    }
    if (!fitsIn(leadW.concat(unitW, tailW), table)) return undefined;
    if (current.length) parts.push(current);
    current = [...u];
    currentW = unitW;
  }
  if (current.length) parts.push(current);
  return parts.map((p) => [...lead, ...p, ...tail]);
}
