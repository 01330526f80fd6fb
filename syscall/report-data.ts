/*
 * The data behind the ioctl-vs-syscall report (`uapi compare`, out/report/):
 * one plain JSON-able object per spec, rendered to markdown and HTML by
 * generators/report.ts.  Pure and deterministic (no dates, no absolute paths).
 */
import path from "node:path";
import type { AbiEntry, AbiId } from "../spec/abi.js";
import { runChecks } from "../core/checks/index.js";
import { groupAbis } from "../core/checks/context.js";
import { commandNumber, hex32 } from "../core/ioctl-numbers.js";
import { flattenHoles, flattenMembers, layoutRecord } from "../core/layout.js";
import type { CommandModel, InterfaceModel, RecordType, SpecModel } from "../core/model.js";
import { analyseCommand, type SlotGroup } from "./analyse.js";
import { prototype } from "./derive.js";
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
  classes: { abis: AbiId[]; size: number; align: number; segments: ByteSegment[] }[];
}

export interface CommandReport {
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
  remedies: { kind: string; chosen: boolean; summary: string; slots: number; prototypes: string[]; slotsByAbi: SlotGroup[] }[];
  ergonomics: Ergonomics;
  doc?: string;
  notes: string[];
}

export interface InterfaceReport {
  name: string;
  header: string;
  variant?: string;
  commands: CommandReport[];
  structs: StructMap[];
}

export interface SpecReport {
  spec: string;
  file: string;
  abis: AbiId[];
  classes: { label: string; abis: AbiId[] }[];
  interfaces: InterfaceReport[];
}

export function buildReport(model: SpecModel, abis: readonly AbiEntry[]): SpecReport {
  const diagnostics = runChecks(model, abis);
  return {
    spec: model.doc.name,
    file: path.basename(model.file),
    abis: abis.map((a) => a.id),
    classes: syscallClasses(abis).map((c) => ({ label: c.label, abis: c.abis })),
    interfaces: model.interfaces.map((ifc) => ({
      name: ifc.spec.name,
      header: ifc.spec.header,
      ...(ifc.spec.variant ? { variant: ifc.spec.variant } : {}),
      commands: ifc.commands.map((cmd) => commandReport(cmd, ifc, abis, diagnostics)),
      structs: ifc.records.filter((r) => !r.external).map((r) => structMap(r, abis)),
    })),
  };
}

function commandReport(cmd: CommandModel, ifc: InterfaceModel, abis: readonly AbiEntry[], diagnostics: ReturnType<typeof runChecks>): CommandReport {
  const a = analyseCommand(cmd, ifc, abis);
  const requestAbi = abis.find((x) => x.id === "x86_64") ?? abis[0]!;
  const num = commandNumber(cmd, requestAbi);
  const e = ergonomics(cmd, ifc, a, diagnostics, abis);
  return {
    command: cmd.spec.name,
    ioctl: { prototype: e.ioctlPrototype, request: num.value === undefined ? "(size does not fit)" : hex32(num.value), requestAbi: requestAbi.id },
    syscall: {
      name: a.form.name,
      prototype: prototype(a.form.name, a.form.args),
      args: a.form.args.map((x) => ({ name: x.name, type: x.type, width: x.width, kind: x.kind, ...(x.field !== undefined ? { field: x.field } : {}), ...(x.narrowed ? { narrowed: x.narrowed } : {}) })),
      dropped: a.form.dropped,
    },
    argCount: a.argCount,
    fits: a.fits,
    worstSlots: a.worst,
    exceedsOn: a.exceedsOn,
    o32Only: a.o32Only,
    slots: a.groups,
    remedies: a.remedies.map((r) => ({ kind: r.kind, chosen: r.chosen, summary: r.summary, slots: r.slots, prototypes: r.forms.map((f) => prototype(f.name, f.args)), slotsByAbi: r.groups })),
    ergonomics: e,
    ...(cmd.spec.syscall?.doc ? { doc: cmd.spec.syscall.doc.replace(/\s+/g, " ").trim() } : {}),
    notes: [...a.form.notes, ...a.notes],
  };
}

function structMap(r: RecordType, abis: readonly AbiEntry[]): StructMap {
  const sig = (abi: AbiEntry) => {
    const l = layoutRecord(r, abi);
    return JSON.stringify([l.size, l.align, flattenMembers(l).map((m) => [m.name, m.offset, m.size])]);
  };
  const groups = [...groupAbis(abis, sig).values()];
  const layouts = groups.map((ids) => layoutRecord(r, abis.find((a) => a.id === ids[0])!));
  const placeOf = (name: string) => new Set(layouts.map((l) => { const m = flattenMembers(l).find((x) => x.name === name); return m ? `${m.offset}+${m.size}` : "-"; }));
  return {
    name: `${r.kind} ${r.tag}`,
    classes: groups.map((ids, i) => {
      const l = layouts[i]!;
      const leaves = flattenMembers(l).filter((m) => !m.member.nested || m.member.field.type.kind === "array");
      const segments: ByteSegment[] = [
        ...leaves.map((m): ByteSegment => ({ offset: m.offset, size: Math.max(m.size, m.bits !== undefined ? 1 : 0), kind: "member", name: m.name, ...(placeOf(m.name).size > 1 ? { moved: true } : {}) })),
        ...flattenHoles(l).map((h): ByteSegment => ({ offset: h.offset, size: h.size, kind: h.tailPadding ? "tail" : "hole", name: h.tailPadding ? "tail padding" : `hole${h.after ? ` after ${h.after}` : ""}` })),
      ].sort((x, y) => x.offset - y.offset || (x.kind === "member" ? -1 : 1));
      return { abis: ids, size: l.size, align: l.align, segments };
    }),
  };
}
