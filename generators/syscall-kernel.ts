/*
 * syscalls/<interface>-kernel.c: the kernel side of an interface's declared
 * syscalls (generators/README.md "Declared syscalls").  For each syscall: a
 * do_<name>() stub (-ENOSYS) holding the implementation, SYSCALL_DEFINEn with
 * kernel-doc, and every further entry generators/syscall-plan.ts finds, each
 * under the kernel configuration that builds it.  A syscall whose prototype
 * exceeds six slots is defined in its chosen remedy instead.  It compiles with
 * gcc -Wall -Wextra -Werror against the kernel's headers or the stand-ins of
 * property-tests/fixtures/syscall-stubs/.  All C through core/c-writer.ts.
 */
import { ABIS } from "../spec/abis.js";
import type { AbiId } from "../spec/abi.js";
import type { InterfaceModel } from "../core/model.js";
import {
  cDeclaration,
  cIdentifier,
  cInteger,
  commentLine,
  cTypeSpelling,
  includeLine,
  kernelDocBlock,
  lineComment,
  oneLine,
  paragraphs,
  splitBrief,
  wrapBody,
  wrappedCall,
} from "../core/c-writer.js";
import type { SyscallArg } from "../syscall/derive.js";
import { perSyscallInterface, type Generator } from "./generator.js";
import {
  abisInOrder,
  defineArity,
  kernelParamType,
  planInterface,
  type DefineParam,
  type EntryDefinition,
  type FormPlan,
  type SyscallPlan,
} from "./syscall-plan.js";

export const syscallKernelGenerator: Generator = perSyscallInterface("syscall-kernel", "-kernel.c", renderKernelFile);

/** A plain block comment from sentences (each wrapped, made comment-safe). */
function blockComment(sentences: readonly string[], indent = ""): string[] {
  return [
    `${indent}/*`,
    ...sentences.flatMap((s) =>
      wrapBody(s, "", s.startsWith("- ") ? "  " : "").map((l) => `${indent}${commentLine(l)}`),
    ),
    `${indent} */`,
  ];
}

/** "a, b and c" */
export function listText(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function argDoc(a: SyscallArg): string {
  const fallback =
    a.kind === "fd"
      ? "a file descriptor"
      : a.kind === "flags"
        ? "flags"
        : a.kind === "count"
          ? "a count or size"
          : a.width === "ptr" && a.type.endsWith("*")
            ? `a user pointer (${a.type})`
            : `a ${a.type} value`;
  const text = `${oneLine(a.doc) || fallback}${a.field && a.field !== a.name ? ` (the spec's ${a.field})` : ""}`;
  return a.fieldType?.kind === "enum" ? `${text} (${a.type}, passed as int)` : text;
}

function returnText(plan: SyscallPlan): string {
  const r = plan.decl.spec.returns;
  const what =
    r?.kind === "fd"
      ? "a new file descriptor"
      : r?.kind === "count"
        ? "a count"
        : r?.kind === "value"
          ? "a value"
          : "0";
  const errnos = (plan.decl.spec.errors ?? []).map((e) => `-${e.errno}`);
  return `Return: ${what} on success, or a negative errno${errnos.length ? ` (${errnos.join(", ")})` : ""}.`;
}

/** A kernel-doc block for a function with these arguments. */
function kernelDoc(title: string, args: readonly SyscallArg[], body: string[], returns: string): string[] {
  const lines = [
    ...wrapBody(title),
    ...args.flatMap((a) => wrapBody(`@${a.name}: ${argDoc(a)}`, "", "\t")),
    ...(body.length ? ["", ...body.flatMap((p, i) => (i ? ["", ...wrapBody(p)] : wrapBody(p)))] : []),
    "",
    ...wrapBody(returns),
  ];
  return kernelDocBlock(lines).split("\n");
}

function paramText(p: DefineParam): string {
  return p.kind === "dual"
    ? `compat_arg_u64_dual(${cIdentifier(p.name)})`
    : `${cTypeSpelling(p.type)}, ${cIdentifier(p.name)}`;
}

/** `SYSCALL_DEFINEn(name, type, arg, ...)` and its body. */
function defineLines(e: EntryDefinition, helper: string): string[] {
  const n = defineArity(e.params);
  const head = `${e.macro}${n}`;
  const lines =
    n === 0
      ? [`${head}(${cIdentifier(e.name)})`]
      : wrappedCall(head, [cIdentifier(e.name), ...e.params.map(paramText)]);
  return [
    ...lines,
    "{",
    ...e.unused.map((u) => `\t(void)${cIdentifier(u)};`),
    ...wrappedCall(`\treturn ${cIdentifier(helper)}`, e.call, ";", "\t\t"),
    "}",
  ];
}

/** "i386 on x86_64" for a compat entry, "arm-oabi tasks on arm's kernel", "parisc's own kernel". */
function servedText(e: EntryDefinition): string {
  const on = (id: AbiId) => ABIS.find((a) => a.id === id)!.syscall.compatOn;
  const ids = abisInOrder(e.abis);
  if (!e.hosted) return listText(ids.map((id) => `${id}'s own kernel`));
  if (e.kind === "own-kernel") return listText(ids.map((id) => `${id} tasks on ${on(id)}'s kernel`));
  return listText(ids.map((id) => `${id} on ${on(id)}`));
}

/** One sentence per (reason, argument) of the ABIs an entry serves, with each ABI's registers. */
function needSentences(e: EntryDefinition, form: FormPlan): string[] {
  const groups = new Map<string, { reason: string; arg: string; why: string; abis: AbiId[] }>();
  for (const n of e.needs) {
    const key = `${n.reason}/${n.arg}`;
    const g = groups.get(key) ?? { reason: n.reason, arg: n.arg, why: n.why, abis: [] };
    if (!g.abis.includes(n.abi)) g.abis.push(n.abi);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    const i = form.args.findIndex((a) => a.name === g.arg);
    const a = form.args[i];
    const at = (id: AbiId) => form.calling.get(id)!.args[i]!;
    const per = (f: (id: AbiId) => string) => g.abis.map((id) => `${id}: ${f(id)}`).join("; ");
    const pointee = a?.type.replace(/^const /, "").replace(/ ?\*$/, "") ?? "";
    switch (g.reason) {
      case "u64-pair":
        return `${g.arg} is 64-bit and arrives in two 32-bit registers, taken with compat_arg_u64_dual(${g.arg}) (${per(
          (id) => at(id).where.join(", "),
        )})`;
      case "padded-pair":
        return (
          `a padding slot comes before ${g.arg}, which the generic compat entry does not take, so this entry has a ` +
          `u32 for it (${per((id) =>
            form.calling
              .get(id)!
              .padding.map((p) => p.where)
              .join(", "),
          )})`
        );
      case "signed-long":
        return `${g.arg} is a signed ${a?.type}, 32 bits in ${listText(g.abis)} tasks: the compat type sign-extends it`;
      case "abi-dependent-struct":
        return (
          `${g.arg} points to ${pointee}, laid out differently on ${listText(g.abis)} than on the kernel's own ABI: ` +
          `${form.helper}() must read that layout for these tasks (in_compat_syscall() for a compat task), or this ` +
          "entry converts it"
        );
      case "undeclared-struct":
        return (
          `${g.arg} points to ${pointee}, which the spec does not declare: ` +
          `its layout on ${listText(g.abis)} is unknown`
        );
      case "pair-placement":
        return `${g.arg} is in other registers than on the kernel's own ABI (${per((id) => {
          const host = ABIS.find((x) => x.id === id)!.syscall.compatOn!;
          return `${at(id).where.join(", ")}, not ${form.calling.get(host)!.args[i]!.where.join(", ")} as on ${host}`;
        })}): this entry takes its halves where they are`;
      default:
        return g.why;
    }
  });
}

function entryComment(e: EntryDefinition, form: FormPlan): string[] {
  const n = form.calling.get(e.abis[0]!)!.slots;
  const sentences = [
    `${e.symbol}: ${form.name} for ${servedText(e)} (${n} register slot${n === 1 ? "" : "s"}).`,
    ...[...needSentences(e, form), ...e.why].map((w) => `- ${w}.`),
  ];
  if (e.params.some((p) => p.kind === "dual"))
    sentences.push(
      "compat_arg_u64_dual() takes a 64-bit value as two u32 in the kernel's byte order " +
        "(include/asm-generic/compat.h): low half first on little-endian, high half first on big-endian.",
    );
  if (e.arch)
    sentences.push(`In a kernel tree: ${e.arch.file}; the kernel's own entry of this kind: ${e.arch.precedent}.`);
  return blockComment(sentences);
}

function helperLines(plan: SyscallPlan, form: FormPlan): string[] {
  const params = form.args.map((a) => cDeclaration(kernelParamType(a), a.name));
  const doc = plan.decl.spec.doc;
  const brief = splitBrief(paragraphs(doc)[0] ?? form.name).brief;
  return [
    ...kernelDoc(
      `${form.helper}() - ${brief}`,
      form.args,
      [
        `The implementation every entry of ${form.name} calls, with each argument in its own type. ` +
          "A stub: it returns -ENOSYS.",
      ],
      returnText(plan),
    ),
    ...wrappedCall(`static long ${cIdentifier(form.helper)}`, params.length ? params : ["void"]),
    "{",
    ...form.args.map((a) => `\t(void)${cIdentifier(a.name)};`),
    "\treturn -ENOSYS;",
    "}",
  ];
}

function slotSummary(form: FormPlan): string {
  const groups = new Map<string, AbiId[]>();
  for (const abi of ABIS) {
    const c = form.calling.get(abi.id)!;
    const key = `${c.slots}${c.padding.length ? ` (${c.padding.length} padding)` : ""}`;
    groups.set(key, [...(groups.get(key) ?? []), abi.id]);
  }
  return [...groups.entries()]
    .map(
      ([k, ids]) =>
        `${k} on ${ids.length > 5 ? `${ids.length} ABIs (${ids.slice(0, 4).join(", ")}, ...)` : ids.join(", ")}`,
    )
    .join("; ");
}

function nativeLines(plan: SyscallPlan, form: FormPlan): string[] {
  const paras = paragraphs(plan.decl.spec.doc);
  const { brief, rest } = splitBrief(paras[0] ?? form.name);
  const body = [
    ...(rest ? [rest] : []),
    ...paras.slice(1),
    ...(plan.remedy
      ? [`This is the ${plan.remedy.kind} remedy of the declared prototype: ${plan.remedy.summary}.`]
      : []),
    `Register slots: ${slotSummary(form)}.`,
  ];
  return [
    ...kernelDoc(`sys_${form.name} - ${brief}`, form.args, body, returnText(plan)),
    ...defineLines(form.entries[0]!, form.helper),
  ];
}

function guardedLines(e: EntryDefinition & { guard: string }, form: FormPlan): string[] {
  return [`#if ${e.guard}`, ...entryComment(e, form), ...defineLines(e, form.helper), `#endif ${lineComment(e.guard)}`];
}

const declared = (plan: SyscallPlan) =>
  `${plan.flat.name}(${plan.flat.args.map((a) => `${a.type}${a.type.endsWith("*") ? "" : " "}${a.name}`).join(", ")})`;

function remedyHeader(plan: SyscallPlan): string[] {
  const a = plan.analysis;
  const worst = ABIS.filter((x) => a.exceedsOn.includes(x.id)).map((x) => `${x.id} ${a.perAbi[x.id]!.slots}`);
  const sentences = [
    `${plan.decl.spec.name}: the declared prototype ${declared(plan)} needs more than six register slots on ` +
      `${listText(worst)}, so it is not defined as declared.`,
  ];
  if (plan.remedy) sentences.push(`Defined instead in the ${plan.remedy.kind} remedy: ${plan.remedy.summary}.`);
  else sentences.push(`Nothing is defined: ${plan.none}.`);
  const lines = blockComment(sentences);
  const s = plan.remedy?.struct;
  if (s) {
    const tag = s.name.replace(/^struct /, "");
    lines.push(
      "",
      ...blockComment([
        `The remedy's argument struct: every member a __aligned_u64, the same layout on every ABI, so no compat ` +
          "entry is needed for it.",
      ]),
      `struct ${cIdentifier(tag)} {`,
      ...s.members.map((m) => `\t__aligned_u64 ${cIdentifier(m.name)};\t${lineComment(m.type)}`),
      "};",
    );
    if (plan.remedy!.kind === "extensible-struct")
      lines.push(`#define ${cIdentifier(`${tag.toUpperCase()}_SIZE_VER0`)} ${cInteger(s.members.length * 8)}`);
  }
  return lines;
}

/** Struct and union tags the prototypes name by pointer, to declare before use. */
function pointeeTags(plans: readonly SyscallPlan[]): string[] {
  const own = new Set(plans.flatMap((p) => (p.remedy?.struct ? [p.remedy.struct.name] : [])));
  const tags = new Set<string>();
  for (const p of plans)
    for (const f of p.forms)
      for (const a of f.args) {
        const m = /\b(struct|union) ([A-Za-z_][A-Za-z0-9_]*)\b/.exec(a.kernelType);
        if (m && !own.has(`${m[1]} ${m[2]}`)) tags.add(`${m[1]} ${cIdentifier(m[2]!)}`);
      }
  return [...tags].sort();
}

export function renderKernelFile(ifc: InterfaceModel): string {
  const plans = planInterface(ifc);
  const name = ifc.spec.name;
  const lines: string[] = [
    "// SPDX-License-Identifier: GPL-2.0",
    ...blockComment([
      `Generated by uapi-workbench from the '${name}' interface; do not edit.`,
      "The kernel side of the syscalls the interface declares. Each has a do_<name>() stub that returns -ENOSYS, " +
        "SYSCALL_DEFINEn as declared (or, where the prototype needs more than six register slots on some ABI, in " +
        "the remedy the analysis chooses), and the further entries the calling analysis finds: the compat entry " +
        "32-bit tasks on a 64-bit kernel need, a compat entry with an explicit padding argument where pairs start " +
        "at an even slot, and entries an architecture needs on its own kernel. Each further entry is under the " +
        "kernel configuration that builds it and names the kernel file where it belongs.",
      `The syscall table lines: syscalls/${name}.tbl; the user-space wrappers: syscalls/${name}-wrappers.h.`,
    ]),
    "",
    ...["linux/types.h", "linux/errno.h", "linux/syscalls.h", "linux/compat.h"].map((h) => includeLine(h)),
  ];
  const tags = pointeeTags(plans);
  if (tags.length) lines.push("", ...tags.map((t) => `${t};`));
  for (const plan of plans) {
    lines.push("");
    if (plan.remedy || plan.none) lines.push(...remedyHeader(plan), "");
    for (const [i, form] of plan.forms.entries()) {
      if (i) lines.push("");
      lines.push(...helperLines(plan, form), "", ...nativeLines(plan, form));
      for (const e of form.entries.slice(1)) lines.push("", ...guardedLines({ ...e, guard: e.guard ?? "1" }, form));
    }
  }
  lines.push("");
  return lines.join("\n");
}
