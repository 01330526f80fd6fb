/*
 * syscalls/<interface>.tbl: the syscall table lines for an interface's
 * declared syscalls, in the kernel's table format (scripts/syscall.tbl:
 * `<number> <abi> <name> <entry point> [<compat entry point>]`, separated by
 * tabs that align the columns as each table does), first for the generic
 * table, then for every architecture table whose line needs more than
 * `sys_<name>`, or that the brief of each ABI's compat story names: x86's
 * two, arm's (with the OABI column), arm64's compat table, powerpc's, mips'
 * three, parisc's, sh's and s390's.  Each block starts with a comment giving
 * the table's path and why its line looks as it does.  The entry points are
 * those of syscalls/<interface>-kernel.c (generators/syscall-plan.ts).
 */
import type { AbiId } from "../spec/abi.js";
import type { InterfaceModel } from "../core/model.js";
import { cIdentifier, tableComment, tableCommentLines } from "../core/c-writer.js";
import { perSyscallInterface, type Generator } from "./generator.js";
import { planInterface, type FormPlan, type SyscallPlan } from "./syscall-plan.js";

export const syscallTableGenerator: Generator = perSyscallInterface("syscall-table", ".tbl", renderTable);

/** One line: the columns after the number, the ABI column and the name. */
interface Row {
  abi: string;
  entry: string;
  compat?: string;
}

interface Table {
  path: string;
  /** What the table serves. */
  about: string;
  /** Column where the name starts, and the widths of the name and entry columns (tab stops of 8). */
  nameAt: number;
  widths: [number, number];
  /** The number column as the table writes it: tab-ended, or padded with spaces (s390). */
  numberPad?: number;
  /** The ABIs whose entries decide the lines (for the reasons in the comment). */
  abis: AbiId[];
  rows(f: FormPlan): Row[];
}

/** `text` (which may hold tabs) followed by tabs up to column `to`, at least one. */
function tabTo(text: string, to: number): string {
  let col = [...text].reduce((c, ch) => (ch === "\t" ? (Math.floor(c / 8) + 1) * 8 : c + 1), 0);
  let tabs = "";
  do {
    col = (Math.floor(col / 8) + 1) * 8;
    tabs += "\t";
  } while (col < to);
  return text + tabs;
}

const native = (f: FormPlan, abi: AbiId) => f.symbols.get(abi)!.native;
const compat = (f: FormPlan, abi: AbiId) => f.symbols.get(abi)!.compat;
const plain = (f: FormPlan) => `sys_${f.name}`;

const TABLES: readonly Table[] = [
  {
    path: "scripts/syscall.tbl",
    about:
      "the generic table (arc, arm64, csky, hexagon, loongarch, nios2, openrisc, riscv); its compat column " +
      "serves riscv32 tasks on riscv64",
    nameAt: 16,
    widths: [32, 32],
    abis: ["riscv32"],
    rows: (f) => [{ abi: "common", entry: plain(f), compat: compat(f, "riscv32") }],
  },
  {
    path: "arch/x86/entry/syscalls/syscall_64.tbl",
    about: "x86_64 and x32 (an x32 line of its own when x32 tasks need a compat entry)",
    nameAt: 16,
    widths: [24, 32],
    abis: ["x32"],
    rows: (f) =>
      compat(f, "x32")
        ? [
            { abi: "64", entry: native(f, "x86_64") },
            { abi: "x32", entry: compat(f, "x32")! },
          ]
        : [{ abi: "common", entry: native(f, "x86_64") }],
  },
  {
    path: "arch/x86/entry/syscalls/syscall_32.tbl",
    about: "i386, natively and as compat tasks on x86_64 (the compat column, IA32_EMULATION)",
    nameAt: 16,
    widths: [24, 32],
    abis: ["i386"],
    rows: (f) => [{ abi: "i386", entry: native(f, "i386"), compat: compat(f, "i386") }],
  },
  {
    path: "arch/arm/tools/syscall.tbl",
    about: "arm EABI, and OABI tasks on an EABI kernel with OABI_COMPAT (the last column)",
    nameAt: 16,
    widths: [24, 24],
    abis: ["arm-oabi"],
    rows: (f) => [{ abi: "common", entry: native(f, "arm"), compat: compat(f, "arm-oabi") }],
  },
  {
    path: "arch/arm64/tools/syscall_32.tbl",
    about: "arm and armeb (AArch32) tasks on an arm64 kernel (the compat column)",
    nameAt: 16,
    widths: [24, 24],
    abis: ["arm", "armeb"],
    rows: (f) => [{ abi: "common", entry: native(f, "arm"), compat: compat(f, "arm") }],
  },
  {
    path: "arch/powerpc/kernel/syscalls/syscall.tbl",
    about: "ppc (32), ppc64 and ppc64le (64) and spu; 32-bit tasks on a 64-bit kernel take the compat column",
    nameAt: 16,
    widths: [32, 32],
    abis: ["ppc"],
    rows: (f) =>
      compat(f, "ppc") || native(f, "ppc") !== plain(f)
        ? [
            { abi: "32", entry: native(f, "ppc"), compat: compat(f, "ppc") },
            { abi: "64", entry: native(f, "ppc64") },
            { abi: "spu", entry: native(f, "ppc64") },
          ]
        : [{ abi: "common", entry: plain(f) }],
  },
  {
    path: "arch/mips/kernel/syscalls/syscall_o32.tbl",
    about: "mips o32 (mips, mipsel), natively and as compat tasks on mips64 (the compat column, MIPS32_O32)",
    nameAt: 16,
    widths: [32, 32],
    abis: ["mips", "mipsel"],
    rows: (f) => [{ abi: "o32", entry: native(f, "mips"), compat: compat(f, "mips") }],
  },
  {
    path: "arch/mips/kernel/syscalls/syscall_n32.tbl",
    about: "mips n32 tasks on mips64 (MIPS32_N32): a compat entry replaces the native one where n32 needs one",
    nameAt: 16,
    widths: [32, 32],
    abis: ["mipsn32", "mipsn32el"],
    rows: (f) => [{ abi: "n32", entry: compat(f, "mipsn32") ?? native(f, "mipsn32") }],
  },
  {
    path: "arch/mips/kernel/syscalls/syscall_n64.tbl",
    about: "mips n64",
    nameAt: 16,
    widths: [32, 32],
    abis: [],
    rows: (f) => [{ abi: "n64", entry: native(f, "mips64") }],
  },
  {
    path: "arch/parisc/kernel/syscalls/syscall.tbl",
    about: "parisc: 32-bit tasks (native and on a 64-bit kernel) use the 32 line, 64-bit ones the 64 line",
    nameAt: 16,
    widths: [24, 32],
    abis: ["parisc"],
    rows: (f) =>
      native(f, "parisc") !== plain(f)
        ? [
            { abi: "32", entry: native(f, "parisc") },
            { abi: "64", entry: plain(f) },
          ]
        : [{ abi: "common", entry: plain(f) }],
  },
  {
    path: "arch/sh/kernel/syscalls/syscall.tbl",
    about: "sh (32-bit)",
    nameAt: 16,
    widths: [32, 32],
    abis: ["sh"],
    rows: (f) => [{ abi: "common", entry: native(f, "sh") }],
  },
  {
    path: "arch/s390/kernel/syscalls/syscall.tbl",
    about: "s390x, and 31-bit s390 tasks on it (the compat column, which this table always fills)",
    nameAt: 16,
    numberPad: 5,
    widths: [24, 32],
    abis: ["s390"],
    rows: (f) => [{ abi: "common", entry: native(f, "s390x"), compat: compat(f, "s390") ?? native(f, "s390x") }],
  },
];

function line(t: Table, nr: string, name: string, r: Row): string {
  const numberCol = t.numberPad ? nr.padEnd(t.numberPad) : tabTo(nr, 8);
  const cols = [name, r.entry, ...(r.compat ? [r.compat] : [])].map(cIdentifier);
  let text = tabTo(`${numberCol}${r.abi}`, t.nameAt);
  let to = t.nameAt;
  cols.forEach((c, i) => {
    if (i === cols.length - 1) text += c;
    else text = tabTo(text + c, (to += t.widths[Math.min(i, 1)]!));
  });
  return text;
}

/** The number a form's lines carry: the spec's `number` for the first form, else the placeholder. */
function numberOf(plan: SyscallPlan, i: number): string {
  const n = plan.decl.spec.number;
  return i === 0 && n !== undefined ? String(n) : "<nr>";
}

function reasonText(t: Table, f: FormPlan): string {
  const parts = t.abis.flatMap((abi) => {
    const r = f.reasons.get(abi);
    return r?.length ? [`${abi}: ${r.join(", ")}`] : [];
  });
  return parts.length ? ` (${parts.join("; ")})` : "";
}

export function renderTable(ifc: InterfaceModel): string {
  const plans = planInterface(ifc);
  const name = ifc.spec.name;
  const out: string[] = [
    tableComment("SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note"),
    "#",
    tableComment(`Generated by uapi-workbench from the '${name}' interface; do not edit.`),
    "#",
    tableComment("Syscall table lines for the syscalls the interface declares, in the kernel's table format:"),
    tableComment("<number> <abi> <name> <entry point> [<compat entry point>], separated by tabs."),
    tableComment("<nr> stands for the number where the spec assigns none (a syscall's `number:`). Since 424"),
    tableComment("(pidfd_send_signal) a new syscall takes the same number in every table; alpha's is 110 higher"),
    tableComment("(arch/alpha/kernel/syscalls/syscall.tbl). The entry points are defined in"),
    tableComment(`syscalls/${name}-kernel.c. Tables not listed (alpha, m68k, microblaze, sparc, xtensa) take`),
    tableComment("a plain `<nr> common <name> sys_<name>` line, with sparc's compat column as s390's."),
  ];
  for (const plan of plans) {
    if (!plan.forms.length) {
      out.push("#", ...tableCommentLines(`${plan.decl.spec.name}: no entry: ${plan.none}.`));
    } else if (plan.remedy) {
      out.push(
        "#",
        ...tableCommentLines(
          `${plan.decl.spec.name}: the declared prototype needs more than six register slots on some ABI; ` +
            `the lines are those of its ${plan.remedy.kind} remedy (${plan.forms.map((f) => f.name).join(", ")}).`,
        ),
      );
    }
  }
  for (const t of TABLES) {
    out.push("#", ...tableCommentLines(`${t.path}: ${t.about}.`));
    for (const plan of plans)
      plan.forms.forEach((f, i) => {
        const why = reasonText(t, f);
        if (why) out.push(...tableCommentLines(`${f.name}${why}`));
        for (const r of t.rows(f)) out.push(line(t, numberOf(plan, i), f.name, r));
      });
  }
  out.push("");
  return out.join("\n");
}
