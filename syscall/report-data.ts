/*
 * The data behind the ioctl-vs-syscall report (`uapi compare`, out/report/):
 * one plain JSON-able object per spec, rendered to markdown and HTML by
 * generators/report.ts.  Pure and deterministic (no dates, no absolute paths).
 */
import path from "node:path";
import type { AbiEntry, AbiId } from "../spec/abi.js";
import { runChecks } from "../core/checks/index.js";
import type { Diagnostic } from "../core/diagnostic.js";
import { groupAbis, memberOf } from "../core/checks/context.js";
import { commandNumber, hex32 } from "../core/ioctl-numbers.js";
import {
  eachRecordInnermostFirst,
  flattenHoles,
  flattenMembers,
  layoutRecord,
  layoutSignature,
} from "../core/layout.js";
import type { CommandModel, InterfaceModel, RecordType, SpecModel } from "../core/model.js";
import type { Status } from "../spec/types.js";
import { analyseCommand, analyseForm, type CommandAnalysis, type SlotGroup } from "./analyse.js";
import { callingOn, entryPoints, type AbiEntryPoint } from "./calling.js";
import { formOfSyscall } from "./declared.js";
import { prototype, type SyscallForm } from "./derive.js";
import { ioctlForms, type IoctlFormOfSyscall } from "./ioctl-form.js";
import type { Verdict } from "./slots.js";
import { ergonomics, type Ergonomics } from "./ergonomics.js";
import { syscallClasses } from "./slots.js";

export interface ByteSegment {
  offset: number;
  size: number;
  kind: "member" | "hole" | "tail";
  name: string;
  /** The member sits elsewhere (or has another size) in another ABI class. */
  moved?: boolean;
}

export interface StructMap {
  name: string;
  classes: { abis: AbiId[]; size: number; align: number; segments: ByteSegment[]; summary?: MapSummary }[];
}

/**
 * A byte map too big to draw (MAP_LIMITS): the totals, and in `segments`
 * only the top-level members and holes (nested structs as one segment each),
 * at most MAP_LIMITS.summarySegments of them, or none once the report has
 * listed MAP_LIMITS.reportSummarySegments.
 */
export interface MapSummary {
  /** Members at every depth (what a drawn map would show) and implicit holes/tail padding. */
  members: number;
  holes: number;
  paddingBytes: number;
  /** What `segments` holds. */
  listed: "top-level" | "first top-level" | "none";
}

/**
 * How much of each struct the report draws byte by byte.  The bundled specs
 * (largest struct 96 bytes) are far below every limit.
 */
export const MAP_LIMITS = {
  /** A struct class is drawn when it has at most this many bytes... */
  structBytes: 4096,
  /** ...and its map at most this many members and holes... */
  structSegments: 512,
  /** ...while the report has drawn fewer bytes than this in all. */
  reportBytes: 32768,
  /** A summarised class lists at most this many top-level segments... */
  summarySegments: 64,
  /** ...until the report has listed this many. */
  reportSummarySegments: 8192,
  /** Member paths longer than this are shortened in the middle. */
  nameChars: 160,
};

/** ABIs whose arguments travel in the same registers (syscall/calling.ts), with the slot count and verdict. */
export interface CallingRow {
  abis: AbiId[];
  slots: number;
  verdict: Verdict;
  /** `fd: r0`, `pos: r4:r5 (lo, hi)`, in prototype order. */
  args: string[];
  /** Registers no argument uses (pair alignment). */
  padding: string[];
  /** sh: an argument lands before an earlier one. */
  reordered: boolean;
}

export interface CommandReport {
  /** `ioctl`: a command, its syscall form derived; `syscall`: a declared syscall, its ioctl form derived. */
  origin: "ioctl" | "syscall";
  /** The ioctl command (for a declared syscall: the derived one, or the syscall's name when none). */
  command: string;
  ioctl: { prototype: string; request: string; requestAbi: AbiId };
  syscall: {
    name: string;
    prototype: string;
    args: { name: string; type: string; width: string; kind: string; field?: string; narrowed?: string }[];
    dropped: { field: string; why: string }[];
  };
  argCount: number;
  fits: boolean;
  worstSlots: number;
  exceedsOn: AbiId[];
  o32Only: AbiId[];
  slots: SlotGroup[];
  remedies: {
    kind: string;
    chosen: boolean;
    summary: string;
    slots: number;
    prototypes: string[];
    slotsByAbi: SlotGroup[];
  }[];
  /** Where each argument travels on each ABI. */
  calling: CallingRow[];
  /** The ABIs that need an entry point of their own (compat or arch-specific), and why. */
  entryPoints: AbiEntryPoint[];
  /** Absent for a declared syscall with no ioctl form (the reason is in `notes`). */
  ergonomics?: Ergonomics;
  /** A declared syscall's ioctl form: the spec fragment and its request numbers. */
  ioctlForm?: Pick<IoctlFormOfSyscall, "spec" | "requests" | "dir" | "nr" | "magic">;
  status?: Status;
  doc?: string;
  notes: string[];
}

export interface InterfaceReport {
  name: string;
  header: string;
  variant?: string;
  commands: CommandReport[];
  /** The syscalls declared under `syscalls:`, with their derived ioctl forms. */
  syscalls: CommandReport[];
  structs: StructMap[];
}

export interface SpecReport {
  spec: string;
  file: string;
  abis: AbiId[];
  classes: { label: string; abis: AbiId[] }[];
  interfaces: InterfaceReport[];
}

/** `findings`: the checks' findings on `abis`, when the caller has them already (the web page shows both). */
export function buildReport(
  model: SpecModel,
  abis: readonly AbiEntry[],
  findings: readonly Diagnostic[] = runChecks(model, abis),
): SpecReport {
  // Each command reads the findings of its own interface: grouped once, so the report stays linear in the spec.
  const byInterface = new Map<string, Diagnostic[]>();
  for (const d of findings) {
    const list = byInterface.get(d.interface);
    if (list) list.push(d);
    else byInterface.set(d.interface, [d]);
  }
  const budget = { bytes: MAP_LIMITS.reportBytes, segments: MAP_LIMITS.reportSummarySegments };
  return {
    spec: model.doc.name,
    file: path.basename(model.file),
    abis: abis.map((a) => a.id),
    classes: syscallClasses(abis).map((c) => ({ label: c.label, abis: c.abis })),
    interfaces: model.interfaces.map((ifc) => ({
      name: ifc.spec.name,
      header: ifc.spec.header,
      ...(ifc.spec.variant ? { variant: ifc.spec.variant } : {}),
      commands: ifc.commands.map((cmd) => commandReport(cmd, ifc, abis, byInterface.get(ifc.spec.name) ?? [])),
      syscalls: syscallReports(ifc, abis),
      structs: ifc.records.filter((r) => !r.external).map((r) => structMap(r, abis, budget)),
    })),
  };
}

function commandReport(
  cmd: CommandModel,
  ifc: InterfaceModel,
  abis: readonly AbiEntry[],
  diagnostics: readonly Diagnostic[],
): CommandReport {
  const a = analyseCommand(cmd, ifc, abis);
  return {
    ...pairReport("ioctl", cmd, a, ergonomics(cmd, ifc, a, diagnostics, abis), abis),
    ...(cmd.spec.syscall?.doc ? { doc: cmd.spec.syscall.doc.replace(/\s+/g, " ").trim() } : {}),
  };
}

/**
 * Each declared syscall beside its derived ioctl form.  The ergonomics compare the declared prototype with
 * the derived command; a struct pointer argument is a user pointer there, as it is in the ioctl's struct.
 */
function syscallReports(ifc: InterfaceModel, abis: readonly AbiEntry[]): CommandReport[] {
  const forms = ioctlForms(ifc, abis);
  return ifc.syscalls.map((decl) => {
    const form = formOfSyscall(decl, ifc);
    const a = analyseForm(form, abis, decl.spec.remedy);
    const derived = forms.get(decl.spec.name);
    const status = decl.spec.status ? { status: decl.spec.status } : {};
    const doc = { doc: decl.spec.doc.replace(/\s+/g, " ").trim() };
    if (derived === undefined || typeof derived === "string") {
      const base = pairReport("syscall", undefined, a, undefined, abis);
      return { ...base, command: decl.spec.name, ...status, ...doc, notes: [...base.notes, derived ?? ""] };
    }
    const asIoctl: SyscallForm = {
      ...form,
      ioctlArg: derived.data.struct ? "struct" : "none",
      args: form.args.map((x) => (x.kind === "record-pointer" ? { ...x, kind: "user-pointer", flow: "in" } : x)),
    };
    const diagnostics = runChecks(derived.model, abis);
    const e = ergonomics(derived.command, derived.ifc, { ...a, form: asIoctl }, diagnostics, abis);
    const { spec, requests, dir, nr, magic } = derived.data;
    const base = pairReport("syscall", derived.command, a, e, abis);
    return {
      ...base,
      ioctlForm: { spec, requests, dir, nr, magic },
      ...status,
      ...doc,
      notes: [...derived.data.notes, ...base.notes],
    };
  });
}

/** What a command report and a syscall report share: both forms, the slots, the repairs, the entry points. */
function pairReport(
  origin: CommandReport["origin"],
  cmd: CommandModel | undefined,
  a: CommandAnalysis,
  e: Ergonomics | undefined,
  abis: readonly AbiEntry[],
): CommandReport {
  const requestAbi = abis.find((x) => x.id === "x86_64") ?? abis[0]!;
  const num = cmd ? commandNumber(cmd, requestAbi) : undefined;
  return {
    origin,
    command: cmd?.spec.name ?? a.form.name,
    ioctl: {
      prototype: e?.ioctlPrototype ?? "(none)",
      request: !num ? "-" : num.value === undefined ? "(size does not fit)" : hex32(num.value),
      requestAbi: requestAbi.id,
    },
    syscall: {
      name: a.form.name,
      prototype: prototype(a.form.name, a.form.args),
      args: a.form.args.map((x) => ({
        name: x.name,
        type: x.type,
        width: x.width,
        kind: x.kind,
        ...(x.field !== undefined ? { field: x.field } : {}),
        ...(x.narrowed ? { narrowed: x.narrowed } : {}),
      })),
      dropped: a.form.dropped,
    },
    argCount: a.argCount,
    fits: a.fits,
    worstSlots: a.worst,
    exceedsOn: a.exceedsOn,
    o32Only: a.o32Only,
    slots: a.groups,
    remedies: a.remedies.map((r) => ({
      kind: r.kind,
      chosen: r.chosen,
      summary: r.summary,
      slots: r.slots,
      prototypes: r.forms.map((f) => prototype(f.name, f.args)),
      slotsByAbi: r.groups,
    })),
    calling: callingRows(a.form, abis),
    entryPoints: entryPoints(a.form, abis),
    ...(e ? { ergonomics: e } : {}),
    notes: [...a.form.notes, ...a.notes],
  };
}

/** Where the arguments travel, one row per set of ABIs that agree on every register. */
function callingRows(form: SyscallForm, abis: readonly AbiEntry[]): CallingRow[] {
  const rows = new Map<string, CallingRow>();
  for (const abi of abis) {
    const c = callingOn(form, abi);
    const args = c.args.map((l) => `${l.arg}: ${l.where.join(":")}${l.halves ? ` (${l.halves.join(", ")})` : ""}`);
    const padding = c.padding.map((p) => p.where);
    const key = JSON.stringify([args, padding, c.verdict]);
    const row = rows.get(key);
    if (row) row.abis.push(abi.id);
    else rows.set(key, { abis: [abi.id], slots: c.slots, verdict: c.verdict, args, padding, reordered: c.reordered });
  }
  return [...rows.values()];
}

/** Counts over a layout at every depth, as flattenMembers/flattenHoles would list them; memoised per (record, ABI). */
interface MapCounts {
  entries: number;
  leaves: number;
  holes: number;
  paddingBytes: number;
}
const countCache = new WeakMap<AbiEntry, WeakMap<RecordType, MapCounts>>();

function mapCounts(r: RecordType, abi: AbiEntry): MapCounts {
  let memo = countCache.get(abi);
  if (!memo) countCache.set(abi, (memo = new WeakMap()));
  const m = memo;
  eachRecordInnermostFirst(
    r,
    (x) => m.has(x),
    (x) => {
      const l = layoutRecord(x, abi);
      const c: MapCounts = {
        entries: 0,
        leaves: 0,
        holes: l.holes.length + (l.tail > 0 ? 1 : 0),
        paddingBytes: l.holes.reduce((n, h) => n + h.size, 0) + l.tail,
      };
      for (const mem of l.members) {
        const nested = mem.nested && mem.field.type.kind !== "array" ? m.get(mem.nested.record)! : undefined;
        if (nested) {
          c.entries += nested.entries;
          c.leaves += nested.leaves;
          c.holes += nested.holes;
          c.paddingBytes += nested.paddingBytes;
        }
        if (mem.bits === 0) continue;
        if (mem.field.name !== undefined || mem.bits !== undefined) {
          c.entries++;
          if (!nested) c.leaves++;
        }
      }
      m.set(x, c);
    },
  );
  return m.get(r)!;
}

/** A long member path with its middle left out. */
function shortName(name: string): string {
  const max = MAP_LIMITS.nameChars;
  return name.length <= max ? name : `${name.slice(0, max / 2)}…${name.slice(name.length - max / 2 + 1)}`;
}

function structMap(r: RecordType, abis: readonly AbiEntry[], budget: { bytes: number; segments: number }): StructMap {
  const sig = (abi: AbiEntry) => {
    const l = layoutRecord(r, abi);
    return `${l.size}|${l.align}|${layoutSignature(r, abi, false)}`;
  };
  const groups = [...groupAbis(abis, sig).values()];
  const layouts = groups.map((ids) =>
    layoutRecord(
      r,
      abis.find((a) => a.id === ids[0])!,
    ),
  );
  const counts = groups.map((ids) =>
    mapCounts(
      r,
      abis.find((a) => a.id === ids[0])!,
    ),
  );
  const drawn =
    layouts.every(
      (l, i) => l.size <= MAP_LIMITS.structBytes && counts[i]!.entries + counts[i]!.holes <= MAP_LIMITS.structSegments,
    ) && layouts.reduce((n, l) => n + l.size, 0) <= budget.bytes;
  if (drawn) {
    budget.bytes -= layouts.reduce((n, l) => n + l.size, 0);
    const flats = layouts.map((l) => flattenMembers(l));
    // A member moves when its first namesake sits elsewhere (or has another size) in another class.
    const firsts = flats.map((f) => {
      const at = new Map<string, string>();
      for (const m of f) if (!at.has(m.name)) at.set(m.name, `${m.offset}+${m.size}`);
      return at;
    });
    const placeOf = (name: string) => new Set(firsts.map((at) => at.get(name) ?? "-"));
    return {
      name: `${r.kind} ${r.tag}`,
      classes: groups.map((ids, i) => {
        const l = layouts[i]!;
        const leaves = flats[i]!.filter((m) => !m.member.nested || m.member.field.type.kind === "array");
        const segments: ByteSegment[] = [
          ...leaves.map((m): ByteSegment => ({
            offset: m.offset,
            size: Math.max(m.size, m.bits !== undefined ? 1 : 0),
            kind: "member",
            name: shortName(m.name),
            ...(placeOf(m.name).size > 1 ? { moved: true } : {}),
          })),
          ...flattenHoles(l).map((h): ByteSegment => ({
            offset: h.offset,
            size: h.size,
            kind: h.tailPadding ? "tail" : "hole",
            name: h.tailPadding ? "tail padding" : `hole${h.after ? ` after ${shortName(h.after)}` : ""}`,
          })),
        ].sort((x, y) => x.offset - y.offset || (x.kind === "member" ? -1 : 1));
        return { abis: ids, size: l.size, align: l.align, segments };
      }),
    };
  }
  // Too big to draw: totals, and the top-level members and holes (nested structs whole), within the budget.
  return {
    name: `${r.kind} ${r.tag}`,
    classes: groups.map((ids, i) => {
      const l = layouts[i]!;
      const c = counts[i]!;
      const segments: ByteSegment[] = [];
      const room = Math.min(MAP_LIMITS.summarySegments, budget.segments);
      let listed: MapSummary["listed"] = room > 0 ? "top-level" : "none";
      const push = (seg: ByteSegment) => {
        if (segments.length < room) segments.push(seg);
        else listed = room > 0 ? "first top-level" : "none";
      };
      let hole = 0;
      l.members.forEach((m, j) => {
        while (hole < l.holes.length && l.holes[hole]!.afterIndex < j) {
          const h = l.holes[hole++]!;
          push({
            offset: h.offset,
            size: h.size,
            kind: "hole",
            name: `hole${h.after ? ` after ${shortName(h.after)}` : ""}`,
          });
        }
        if (m.bits === 0 || (m.field.name === undefined && m.bits === undefined && !m.nested)) return;
        // By field, not index: a `when:` condition may leave members out of some classes.
        const moved = layouts.some((o) => {
          const x = memberOf(o, m.field);
          return !x || x.offset !== m.offset || x.size !== m.size;
        });
        push({
          offset: m.offset,
          size: Math.max(m.size, m.bits !== undefined ? 1 : 0),
          kind: "member",
          name: shortName(m.field.name ?? (m.bits !== undefined ? "<unnamed bit-field>" : "<anonymous>")),
          ...(moved ? { moved: true } : {}),
        });
      });
      while (hole < l.holes.length) {
        const h = l.holes[hole++]!;
        push({
          offset: h.offset,
          size: h.size,
          kind: "hole",
          name: `hole${h.after ? ` after ${shortName(h.after)}` : ""}`,
        });
      }
      if (l.tail > 0) push({ offset: l.size - l.tail, size: l.tail, kind: "tail", name: "tail padding" });
      segments.sort((x, y) => x.offset - y.offset || (x.kind === "member" ? -1 : 1));
      budget.segments -= segments.length;
      return {
        abis: ids,
        size: l.size,
        align: l.align,
        segments,
        summary: { members: c.leaves, holes: c.holes, paddingBytes: c.paddingBytes, listed },
      };
    }),
  };
}
