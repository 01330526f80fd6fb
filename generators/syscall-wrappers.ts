/*
 * syscalls/<interface>-wrappers.h: user-space wrappers for an interface's
 * declared syscalls.  <name>_wrapper() calls syscall(__NR_<name>, ...) with
 * every argument in the register slot the kernel reads it from on the ABI
 * being compiled for: the slot sequence of each ABI comes from callingOn()
 * (syscall/calling.ts), ABIs with the same sequence share one `#if` branch on
 * their `predefined` conditions (spec/abis.ts), and an ABI the table does not
 * know stops the build with #error.  A 64-bit value takes one register on
 * 64-bit-register ABIs, else two long halves in the ABI's order with a 0 where
 * the even-pair rule leaves a padding slot; on sh the arguments go in slot
 * order.  Every call passes six slots (unused ones 0).  Without __NR_<name>
 * a wrapper fails with ENOSYS.  Plain C99.  All C through core/c-writer.ts.
 */
import { ABIS } from "../spec/abis.js";
import type { AbiEntry, AbiId } from "../spec/abi.js";
import { withTypedefNames, type InterfaceModel } from "../core/model.js";
import {
  bodyComment,
  cDeclaration,
  cIdentifier,
  commentLine,
  conditionDirective,
  errorDirective,
  includeLine,
  kernelDocBlock,
  lineComment,
  oneLine,
  paragraphs,
  splitBrief,
  toolName,
  wrapBody,
  wrappedCall,
} from "../core/c-writer.js";
import { userSpelling, type SyscallArg } from "../syscall/derive.js";
import { perSyscallInterface, type Generator } from "./generator.js";
import { planInterface, type FormPlan, type SyscallPlan } from "./syscall-plan.js";

export const syscallWrapperGenerator: Generator = perSyscallInterface(
  "syscall-wrappers",
  "-wrappers.h",
  renderWrappers,
);

/** Slots every call passes (SYSCALL_DEFINE_MAXARGS); a defined form never needs more on any ABI. */
const SLOTS = 6;

/** The type a slot is passed as: `long`, or `long long` on ILP32 ABIs with 64-bit registers (x32, n32). */
export function registerType(abi: AbiEntry): "long" | "long long" {
  return abi.wordBits === 32 && abi.syscall.pairs === "one-register" ? "long long" : "long";
}

/** An argument's type as user space spells it: the kernel's uapi typedefs for loff_t and friends, an enum as int. */
export function userType(a: SyscallArg): string {
  if (a.fieldType?.kind === "enum") return "int";
  return userSpelling(withTypedefNames(a.type));
}

const LOCAL = toolName("args");

interface WrapperShape {
  name: string;
  /** The wrapper's parameters. */
  params: SyscallArg[];
  /** Statements before the call (filling a remedy's struct). */
  setup: string[];
  /** The C value of each of the form's arguments. */
  value: Map<SyscallArg, string>;
}

function shapeOf(plan: SyscallPlan, form: FormPlan): WrapperShape {
  const flat = plan.flat.args;
  const split = plan.remedy?.kind === "split";
  const params = !plan.remedy || split ? form.args : flat;
  const value = new Map<SyscallArg, string>();
  const setup: string[] = [];
  for (const a of form.args) value.set(a, cIdentifier(a.name));
  const s = plan.remedy?.struct;
  if (s && !split) {
    const tag = s.name.replace(/^struct /, "");
    setup.push(
      `\tstruct ${cIdentifier(tag)} ${LOCAL};`,
      "",
      `\tmemset(&${LOCAL}, 0, sizeof(${LOCAL}));`,
      ...s.members.map(
        (m) =>
          `\t${LOCAL}.${cIdentifier(m.name)} = (__u64)${m.type.endsWith("*") ? "(unsigned long)" : ""}` +
          `${cIdentifier(m.name)};`,
      ),
    );
    for (const a of form.args) {
      if (flat.includes(a)) continue;
      value.set(a, a.type.endsWith("*") ? `&${LOCAL}` : `sizeof(${LOCAL})`);
    }
  }
  return { name: `${form.name}_wrapper`, params, setup, value };
}

/** The six slot expressions of a form on one ABI. */
function slotExpressions(form: FormPlan, shape: WrapperShape, abi: AbiEntry): string[] {
  const r = registerType(abi);
  const zero = r === "long" ? "0L" : "0LL";
  const calling = form.calling.get(abi.id)!;
  const slots: string[] = Array.from({ length: Math.max(SLOTS, calling.slots) }, () => zero);
  form.args.forEach((a, i) => {
    const loc = calling.args[i]!;
    const v = shape.value.get(a)!;
    const pointer = a.type.endsWith("*");
    if (loc.slots.length === 1) {
      slots[loc.slots[0]!] = pointer ? `(${r})(unsigned long)${v}` : `(${r})${v}`;
      return;
    }
    loc.halves!.forEach((h, k) => {
      slots[loc.slots[k]!] =
        h === "lo"
          ? `(${r})(unsigned long)(unsigned long long)${v}`
          : `(${r})(unsigned long)((unsigned long long)${v} >> 32)`;
    });
  });
  return slots;
}

interface Branch {
  abis: AbiEntry[];
  slots: string[];
}

/** ABIs with the same slot expressions share a branch, in table order of first appearance. */
function branches(form: FormPlan, shape: WrapperShape): { branches: Branch[]; unselectable: AbiId[] } {
  const byKey = new Map<string, Branch>();
  const unselectable: AbiId[] = [];
  for (const abi of ABIS) {
    if (!abi.predefined) {
      unselectable.push(abi.id);
      continue;
    }
    const slots = slotExpressions(form, shape, abi);
    const key = slots.join("\n");
    const b = byKey.get(key);
    if (b) b.abis.push(abi);
    else byKey.set(key, { abis: [abi], slots });
  }
  return { branches: [...byKey.values()], unselectable };
}

function describe(form: FormPlan, b: Branch): string {
  const c = form.calling.get(b.abis[0]!.id)!;
  const pairs = c.args.filter((a) => a.slots.length === 2);
  const wide = form.args.some((a) => a.width === "64");
  const parts = [
    ...(!form.args.length ? ["no arguments"] : pairs.length ? [] : ["one slot each"]),
    ...(wide && !pairs.length ? ["64-bit values in one register"] : []),
    ...pairs.map((p) => `${p.arg} in slots ${p.slots.join("-")} (${p.halves!.join(", ")})`),
    ...(c.padding.length ? [`padding in slot ${c.padding.map((p) => p.slot).join(", ")}`] : []),
    ...(c.reordered ? ["in slot order"] : []),
  ];
  return `${b.abis.map((a) => a.id).join(", ")}: ${parts.join("; ")}`;
}

function wrapperLines(plan: SyscallPlan, form: FormPlan, ifcName: string): string[] {
  const shape = shapeOf(plan, form);
  const nr = cIdentifier(`__NR_${form.name}`);
  const paras = paragraphs(plan.decl.spec.doc);
  const { brief } = splitBrief(paras[0] ?? form.name);
  const remedyNote = plan.remedy
    ? [
        `The declared prototype needs more than six register slots on some ABI; this calls its ${plan.remedy.kind} ` +
          `remedy ${form.name}(${form.args.map((a) => a.name).join(", ")}), as syscalls/${ifcName}-kernel.c ` +
          "defines it.",
      ]
    : [];
  const doc = [
    ...wrapBody(`${shape.name}() - ${brief}`),
    ...shape.params.flatMap((a) =>
      wrapBody(
        `@${a.name}: ${oneLine(a.doc) || `the ${userType(a)} argument`}` +
          `${a.field && a.field !== a.name ? ` (the spec's ${a.field})` : ""}`,
        "",
        "\t",
      ),
    ),
    "",
    ...wrapBody(
      `Calls syscall(${nr}, ...) with each argument in the register slot the kernel reads it from on the ABI ` +
        "compiled for.",
    ),
    ...remedyNote.flatMap((n) => ["", ...wrapBody(n)]),
    "",
    ...wrapBody(`Return: what syscall() returns: the result, or -1 with errno set; ENOSYS where ${nr} is not defined.`),
  ];
  const params = shape.params.map((a) => cDeclaration(userType(a), a.name));
  const { branches: list, unselectable } = branches(form, shape);
  const body: string[] = [`#ifdef ${nr}`, ...shape.setup];
  if (shape.setup.length) body.push("");
  list.forEach((b, i) => {
    body.push(
      ...conditionDirective(
        i === 0 ? "#if" : "#elif",
        b.abis.map((a) => a.predefined!),
      ),
    );
    body.push(...bodyComment(describe(form, b)));
    body.push(...wrappedCall("\treturn syscall", [nr, ...b.slots], ";", "\t\t"));
  });
  body.push(
    "#else",
    errorDirective(
      `${shape.name}(): an ABI spec/abis.ts does not describe` +
        `${unselectable.length ? ` or cannot select (${unselectable.join(", ")})` : ""}: ` +
        "where its syscall arguments travel is unknown",
    ),
    "#endif",
    "#else",
    ...shape.params.map((a) => `\t(void)${cIdentifier(a.name)};`),
    "\terrno = ENOSYS;",
    "\treturn -1;",
    "#endif",
  );
  return [
    ...kernelDocBlock(doc).split("\n"),
    ...wrappedCall(`static inline long ${cIdentifier(shape.name)}`, params.length ? params : ["void"]),
    "{",
    ...body,
    "}",
  ];
}

function pointeeTags(plans: readonly SyscallPlan[]): string[] {
  const own = new Set(plans.flatMap((p) => (p.remedy?.struct ? [p.remedy.struct.name] : [])));
  const tags = new Set<string>();
  for (const p of plans)
    for (const f of p.forms)
      for (const a of [...f.args, ...p.flat.args]) {
        const m = /\b(struct|union) ([A-Za-z_][A-Za-z0-9_]*)\b/.exec(a.type);
        if (m && !own.has(`${m[1]} ${m[2]}`)) tags.add(`${m[1]} ${cIdentifier(m[2]!)}`);
      }
  return [...tags].sort();
}

function structLines(plan: SyscallPlan): string[] {
  const s = plan.remedy?.struct;
  if (!s || plan.remedy!.kind === "split") return [];
  const tag = s.name.replace(/^struct /, "");
  return [
    lineComment(`The argument struct of ${plan.decl.spec.name}'s ${plan.remedy!.kind} remedy (every member 64 bits).`),
    `struct ${cIdentifier(tag)} {`,
    ...s.members.map((m) => `\t__aligned_u64 ${cIdentifier(m.name)};`),
    "};",
    "",
  ];
}

export function renderWrappers(ifc: InterfaceModel): string {
  const plans = planInterface(ifc);
  const name = ifc.spec.name;
  const guard = cIdentifier(`_UAPI_SYSCALLS_${name.toUpperCase()}_WRAPPERS_H`);
  const structs = plans.flatMap(structLines);
  const header = [
    `Generated by uapi-workbench from the '${name}' interface; do not edit.`,
    "User-space wrappers for the syscalls the interface declares. <name>_wrapper() calls " +
      "syscall(__NR_<name>, ...) with every argument in the register slot the kernel reads it from on the ABI " +
      "compiled for (spec/abis.ts): a 64-bit value in one register on ABIs with 64-bit registers, else as two " +
      "long halves in the ABI's order, with a 0 in the padding slot an even-pair ABI leaves before a pair; on sh " +
      "in slot order. Every call passes six slots, unused ones 0. An ABI the table does not describe stops the " +
      "build (#error). Where __NR_<name> is not defined a wrapper fails with ENOSYS.",
    "Plain C99. syscall() is declared by <unistd.h> only with _DEFAULT_SOURCE or _GNU_SOURCE, so it is declared " +
      "here too, unless syscall is a macro (a program that records the calls defines it before including this).",
  ];
  const lines: string[] = [
    "/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */",
    "/*",
    ...header.flatMap((p, i) => [...(i ? [" *"] : []), ...wrapBody(p).map(commentLine)]),
    " */",
    `#ifndef ${guard}`,
    `#define ${guard}`,
    "",
    ...[
      "errno.h",
      "stddef.h",
      ...(structs.length ? ["string.h"] : []),
      "unistd.h",
      "sys/syscall.h",
      "linux/types.h",
    ].map((h) => includeLine(h)),
    "",
    "#ifndef syscall",
    "extern long syscall(long, ...);",
    "#endif",
  ];
  const tags = pointeeTags(plans);
  if (tags.length) lines.push("", ...tags.map((t) => `${t};`));
  lines.push("");
  if (structs.length) lines.push(...structs);
  for (const plan of plans) {
    if (!plan.forms.length) {
      lines.push(lineComment(`${plan.decl.spec.name}: no wrapper: ${plan.none}`), "");
      continue;
    }
    for (const form of plan.forms) lines.push(...wrapperLines(plan, form, name), "");
  }
  lines.push(`#endif ${lineComment(guard)}`, "");
  return lines.join("\n");
}
