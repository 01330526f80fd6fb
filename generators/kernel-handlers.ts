/*
 * kernel/<interface>.c: the kernel side of an interface's ioctls, for a driver author to start from (not a uapi
 * header; it includes the generated one).  `<interface>_ioctl()` dispatches each command to a handler that copies
 * the argument in, rejects with -EINVAL what the uapi contract says the kernel rejects (generators/kernel-checks.ts:
 * unknown flag bits, enum values, non-zero reserved members and padding), calls `do_<command>()`, which the driver
 * implements, and copies the result back.  An extensible struct is read with copy_struct_from_user() at the
 * caller's size (include/linux/uaccess.h), the size bounded by the first published version and PAGE_SIZE.
 *
 * One file serves every ABI: sizes are sizeof, members are reached by name, `when:` members sit under the
 * header's `#if`.  It compiles with gcc -Wall -Wextra -Werror against the kernel's headers or the stand-ins of
 * property-tests/fixtures/kernel-stubs/.  All C through core/c-writer.ts.
 */
import { iocMacro } from "../runtime/ioc.js";
import { elementType, type CommandModel, type InterfaceModel, type RecordType, type SpecModel } from "../core/model.js";
import { growthContract, minimumCallerSize } from "../core/contract.js";
import { layoutRecord } from "../core/layout.js";
import { commandNumber } from "../core/ioctl-numbers.js";
import { ABIS } from "../spec/abis.js";
import type { ExtensionContract, Flow } from "../spec/types.js";
import {
  blockCommentLines,
  cIdentifier,
  includeLine,
  kernelDocBlock,
  kernelSpelling,
  paragraphs,
  splitBrief,
  typeSpelling,
  wrapBody,
  type CSpelling,
} from "../core/c-writer.js";
import type { Generator, OutputFile } from "./generator.js";
import { magicText, specDisplayName } from "./header.js";
import { validatorBody, validatorLines } from "./kernel-checks.js";

/** Where an interface's kernel side goes, relative to out/ (named by interface, as asserts/ and codecs/ are). */
export function kernelHandlersOutputPath(ifc: InterfaceModel): string {
  return `kernel/${ifc.spec.name}.c`;
}

export const kernelHandlersGenerator: Generator = {
  name: "kernel-handlers",
  generate(models: readonly SpecModel[]): OutputFile[] {
    return models.flatMap((m) =>
      m.interfaces
        .filter((ifc) => ifc.commands.length > 0)
        .map((ifc) => ({ path: kernelHandlersOutputPath(ifc), content: renderKernelHandlers(m, ifc) })),
    );
  },
};

/** Types as the uapi header spells them (`__kernel_size_t`), so the file uses the header's own declarations. */
const SPELLING: CSpelling = {
  tag: (n) => cIdentifier(n),
  scalar: kernelSpelling,
  pointerTarget: (t) => t,
  c90: false,
  taggedInline: "reference",
};

/* ------------------------------------------------------------------ */
/* What each command's argument is                                     */
/* ------------------------------------------------------------------ */

/** How a command's argument travels, seen from the kernel. */
type Argument =
  /** _IO: `arg` is a value (or unused), passed through. */
  | { kind: "value" }
  /** A scalar behind the pointer (`arg: int` with `_IOR`/`_IOW`/`_IOWR`). */
  | { kind: "scalar"; type: string; copyIn: boolean; copyOut: boolean }
  /** A struct or union behind the pointer; `growth` when the caller's size travels at run time. */
  | {
      kind: "record";
      record: RecordType;
      type: string;
      copyIn: boolean;
      copyOut: boolean;
      growth?: ExtensionContract;
    };

const FLOW_IN: Record<Flow, boolean> = { in: true, out: false, inout: true };
const FLOW_OUT: Record<Flow, boolean> = { in: false, out: true, inout: true };

/** Whether any member (at any depth) or the command's own flow map says data flows out to user space. */
function flowsOut(cmd: CommandModel, r: RecordType): boolean {
  if (Object.values(cmd.spec.flow ?? {}).some((f) => FLOW_OUT[f])) return true;
  const walk = (rec: RecordType): boolean =>
    rec.fields.some((f) => {
      if (f.spec.flow && FLOW_OUT[f.spec.flow]) return true;
      const t = elementType(f.type);
      return t.kind === "record" && walk(t.record);
    });
  return walk(r);
}

function argumentOf(cmd: CommandModel): Argument {
  const t = cmd.arg;
  const dir = cmd.spec.dir;
  if (t?.kind === "record") {
    const r = t.record;
    // _IO with a struct (VFIO's argsz structs): the number says no direction; the members' flow says what goes out.
    const copyIn = dir !== "read";
    const copyOut = dir === "read" || dir === "readwrite" || (dir === "none" && flowsOut(cmd, r));
    const growth = r.inline ? undefined : growthContract(r.spec);
    return {
      kind: "record",
      record: r,
      type: typeSpelling(t, SPELLING),
      copyIn,
      copyOut,
      ...(growth ? { growth } : {}),
    };
  }
  if (!t || dir === "none") return { kind: "value" };
  const flow: Flow = cmd.spec.argFlow ?? (dir === "read" ? "out" : dir === "write" ? "in" : "inout");
  return { kind: "scalar", type: typeSpelling(t, SPELLING), copyIn: FLOW_IN[flow], copyOut: FLOW_OUT[flow] };
}

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

/** The name of the function that tests an argument of record type `r` for every command that reads it. */
const validatorName = (r: RecordType) => `${cIdentifier(r.tag!)}_is_valid`;

/** The file's function names, each unique: a clash (two spellings that lower-case alike) gets a number. */
class FunctionNames {
  private readonly used = new Set<string>();
  private readonly byKey = new Map<string, string>();
  name(key: string, wanted: string): string {
    const known = this.byKey.get(key);
    if (known) return known;
    let name = cIdentifier(wanted);
    for (let n = 2; this.used.has(name); n++) name = `${wanted}_${n}`;
    this.used.add(name);
    this.byKey.set(key, name);
    return name;
  }
  dispatcher = (ifc: InterfaceModel) => this.name("ioctl", `${ifc.spec.name}_ioctl`);
  handler = (cmd: CommandModel) => this.name(`handle ${cmd.spec.name}`, `handle_${cmd.spec.name.toLowerCase()}`);
  driver = (cmd: CommandModel) => this.name(`do ${cmd.spec.name}`, `do_${cmd.spec.name.toLowerCase()}`);
  /** The validator the commands share: `wanted`, else after the first command (`<command>_arg_is_valid`). */
  validator = (cmds: readonly CommandModel[], wanted?: string) => {
    const name = this.name(`valid ${cmds[0]!.spec.name}`, wanted ?? `${cmds[0]!.spec.name.toLowerCase()}_arg_is_valid`);
    for (const c of cmds.slice(1)) this.byKey.set(`valid ${c.spec.name}`, name);
    return name;
  };
  /** The validator of a command's argument, when it has one. */
  validatorOf = (cmd: CommandModel) => this.byKey.get(`valid ${cmd.spec.name}`);
}

/* ------------------------------------------------------------------ */
/* Pieces of the file                                                  */
/* ------------------------------------------------------------------ */

const brief = (doc: string) => splitBrief(paragraphs(doc)[0] ?? "").brief;

/** The driver's function for a command: declared here, defined by the driver. */
function driverPrototype(cmd: CommandModel, arg: Argument, names: FunctionNames): string[] {
  const param = arg.kind === "value" ? "unsigned long arg" : `${arg.type} *arg`;
  const what =
    arg.kind === "value"
      ? "arg is the ioctl's argument as passed."
      : arg.kind === "record" && arg.copyIn
        ? `arg has been copied in and checked${arg.copyOut ? "; what it holds on return is copied back" : ""}.`
        : arg.copyIn
          ? `arg has been copied in${arg.copyOut ? "; what it holds on return is copied back" : ""}.`
          : "arg is zeroed; what it holds on return is copied back.";
  return [
    ...blockCommentLines([`${cmd.spec.name}: ${brief(cmd.spec.doc)}`, `Implemented by the driver: ${what}`]),
    `long ${names.driver(cmd)}(struct file *file, ${param});`,
  ];
}

/** The C spelling of minimumCallerSize(): the first version's macro, or sizeof(karg) for a struct without. */
function minimumSizeC(contract: ExtensionContract, record: RecordType): string {
  const ksize = layoutRecord(record, ABIS[0]!).size;
  const min = minimumCallerSize(contract, ksize);
  const version = contract.versions?.find((v) => v.size === min);
  return version ? cIdentifier(version.name) : "sizeof(karg)";
}

/** Statements that set `usize` to the caller's size and bound it, for an argument with a growth contract. */
function callerSizeLines(arg: Argument & { kind: "record" }, growth: ExtensionContract): string[] {
  const lines: string[] = [];
  if (growth.size === "member") {
    const member = cIdentifier(growth.member!);
    lines.push(
      ...blockCommentLines(
        [
          `The caller's size is in its ${member} member: read it first, as perf_copy_attr() ` +
            "(kernel/events/core.c) reads perf_event_attr.size.",
        ],
        "\t",
      ),
      `\tif (get_user(karg.${member}, &uarg->${member}))`,
      "\t\treturn -EFAULT;",
      `\tusize = karg.${member};`,
    );
  } else {
    // `argument` is a syscall's size argument; an ioctl carries a size only in its number.
    lines.push(
      ...blockCommentLines(["The caller's size is the command's size field, as drm_ioctl() takes it."], "\t"),
      "\tusize = _IOC_SIZE(cmd);",
    );
  }
  lines.push(
    `\tif (usize < ${minimumSizeC(growth, arg.record)})`,
    "\t\treturn -EINVAL;",
    "\tif (usize > PAGE_SIZE)",
    "\t\treturn -E2BIG;",
  );
  return lines;
}

/** The handler of a command whose argument is behind the pointer: copy in, check, call the driver, copy back. */
function handlerLines(
  cmd: CommandModel,
  arg: Argument & { kind: "scalar" | "record" },
  names: FunctionNames,
): string[] {
  const growth = arg.kind === "record" ? arg.growth : undefined;
  const call = `${names.driver(cmd)}(file, &karg)`;
  const body: string[] = [
    ...(growth?.size === "member" ? [`\t${arg.type} __user *uarg = argp;`] : []),
    `\t${arg.type} karg;`,
  ];
  if (growth) body.push("\tu64 usize;");
  if (arg.copyOut || growth) body.push("\tlong ret;");
  body.push("");

  if (growth && arg.kind === "record") {
    body.push(...callerSizeLines(arg, growth));
    if (arg.copyIn)
      body.push("\tret = copy_struct_from_user(&karg, sizeof(karg), argp, usize);", "\tif (ret)", "\t\treturn ret;");
    else body.push("\tmemset(&karg, 0, sizeof(karg));");
    if (growth.size === "member") {
      const member = cIdentifier(growth.member!);
      body.push(
        ...blockCommentLines(
          [`Read twice: keep the ${member} that was checked, whatever user space wrote since.`],
          "\t",
        ),
        `\tkarg.${member} = usize;`,
      );
    }
  } else if (arg.copyIn) {
    body.push("\tif (copy_from_user(&karg, argp, sizeof(karg)))", "\t\treturn -EFAULT;");
  } else {
    body.push(
      "\t/* All of it, padding too: no stack contents reach user space. */",
      "\tmemset(&karg, 0, sizeof(karg));",
    );
  }
  const validator = names.validatorOf(cmd);
  if (validator) body.push(`\tif (!${validator}(&karg))`, "\t\treturn -EINVAL;");

  if (!arg.copyOut) body.push(`\treturn ${call};`);
  else {
    const size = growth ? "min_t(size_t, usize, sizeof(karg))" : "sizeof(karg)";
    body.push(
      `\tret = ${call};`,
      "\tif (ret < 0)",
      "\t\treturn ret;",
      ...(growth ? ["\t/* Never past the caller's struct: it may be older than ours. */"] : []),
      `\tif (copy_to_user(argp, &karg, ${size}))`,
      "\t\treturn -EFAULT;",
      "\treturn ret;",
    );
  }
  return [
    `static long ${names.handler(cmd)}(struct file *file, unsigned int cmd, void __user *argp)`,
    "{",
    ...body,
    "}",
  ];
}

/** What a handler does, in one line: `KH_SET (_IOW): copy in, check, do_kh_set().` */
function handlerComment(cmd: CommandModel, arg: Argument & { kind: "scalar" | "record" }, names: FunctionNames) {
  const growth = arg.kind === "record" ? arg.growth : undefined;
  const steps = [
    ...(growth ? ["bound the caller's size"] : []),
    ...(arg.copyIn ? [growth ? "copy in (copy_struct_from_user)" : "copy in"] : ["zero"]),
    ...(names.validatorOf(cmd) ? ["check"] : []),
    `${names.driver(cmd)}()`,
    ...(arg.copyOut ? ["copy back"] : []),
  ];
  return blockCommentLines([`${cmd.spec.name} (${iocMacro(cmd.spec.dir)}): ${steps.join(", ")}.`]);
}

/* ------------------------------------------------------------------ */
/* The dispatcher                                                      */
/* ------------------------------------------------------------------ */

/** The commands a switch can tell apart: a later one with the same number (or nr) on some ABI is left out. */
function dispatched(ifc: InterfaceModel, byNr: boolean): { cases: CommandModel[]; clashes: string[] } {
  const cases: CommandModel[] = [];
  const clashes: string[] = [];
  const key = (c: CommandModel, abi: (typeof ABIS)[number]) =>
    byNr ? `${c.magic}/${c.spec.nr}` : String(commandNumber(c, abi).value ?? `${c.spec.name} too big`);
  for (const c of ifc.commands) {
    const twin = cases.find((d) => ABIS.some((abi) => key(c, abi) === key(d, abi)));
    if (twin) clashes.push(`${c.spec.name} has the same ${byNr ? "type and nr" : "number"} as ${twin.spec.name}`);
    else cases.push(c);
  }
  return { cases, clashes };
}

/** What a case does: call the command's handler (or, for _IO, the driver's function with the value). */
function caseCall(cmd: CommandModel, arg: Argument, names: FunctionNames): string {
  return arg.kind === "value"
    ? `return ${names.driver(cmd)}(file, arg);`
    : `return ${names.handler(cmd)}(file, cmd, argp);`;
}

function dispatcherLines(ifc: InterfaceModel, args: Map<CommandModel, Argument>, names: FunctionNames): string[] {
  const byNr = ifc.spec.dispatch === "nr";
  const { cases, clashes } = dispatched(ifc, byNr);
  const usesArgp = cases.some((c) => args.get(c)!.kind !== "value");
  const name = names.dispatcher(ifc);
  const doc = [
    ...wrapBody(`${name}() - the unlocked_ioctl of interface ${ifc.spec.name}`),
    "@file: the file the ioctl is issued on",
    "@cmd: the request number",
    "@arg: the argument: a user pointer, or for an _IO command its value",
    "",
    ...wrapBody(
      byNr
        ? "Matches a command by type and nr (_IOC_TYPE, _IOC_NR) as drm_ioctl() does, so an extensible struct may " +
            "grow under the same command; a command whose argument has a fixed size must match exactly."
        : "Matches the whole request number, as Documentation/driver-api/ioctl.rst recommends.",
    ),
    ...clashes.flatMap((c) => wrapBody(`Not dispatched: ${c} (uapi check reports it).`)),
    "",
    ...wrapBody("Return: what the command's handler returns; -ENOTTY for a request this interface does not have."),
  ];
  const body: string[] = usesArgp ? ["\tvoid __user *argp = (void __user *)arg;", ""] : [];
  if (!byNr) {
    body.push("\tswitch (cmd) {");
    for (const c of cases) body.push(`\tcase ${cIdentifier(c.spec.name)}:`, `\t\t${caseCall(c, args.get(c)!, names)}`);
    body.push("\tdefault:", "\t\treturn -ENOTTY;", "\t}");
  } else {
    const magics = [...new Set(cases.map((c) => c.magic))];
    for (const [i, magic] of magics.entries()) {
      const group = cases.filter((c) => c.magic === magic);
      const text = magicText(group[0]!, ifc, { macro: (n) => cIdentifier(n) });
      body.push(...(i ? [""] : []), `\tif (_IOC_TYPE(cmd) == ${text}) {`, "\t\tswitch (_IOC_NR(cmd)) {");
      for (const c of group) {
        const macro = cIdentifier(c.spec.name);
        const arg = args.get(c)!;
        // A struct that grows is matched whatever size its number encodes: the handler bounds the size.
        const sized = arg.kind === "record" && arg.growth !== undefined;
        body.push(
          `\t\tcase _IOC_NR(${macro}):`,
          sized ? `\t\t\tif (_IOC_DIR(cmd) != _IOC_DIR(${macro}))` : `\t\t\tif (cmd != ${macro})`,
          "\t\t\t\treturn -ENOTTY;",
          `\t\t\t${caseCall(c, arg, names)}`,
        );
      }
      body.push("\t\t}", "\t}");
    }
    body.push("\treturn -ENOTTY;");
  }
  return [
    kernelDocBlock(doc),
    `long ${name}(struct file *file, unsigned int cmd, unsigned long arg)`,
    "{",
    ...body,
    "}",
  ];
}

/* ------------------------------------------------------------------ */
/* The file                                                            */
/* ------------------------------------------------------------------ */

const KERNEL_HEADERS = ["linux/errno.h", "linux/fs.h", "linux/kernel.h", "linux/string.h", "linux/uaccess.h"];

export function renderKernelHandlers(model: SpecModel, ifc: InterfaceModel): string {
  const names = new FunctionNames();
  const dispatcher = names.dispatcher(ifc);
  const args = new Map(ifc.commands.map((c) => [c, argumentOf(c)] as const));

  // One validator per distinct set of checks: commands that read a struct alike share one, named after its tag
  // when it is the struct's only one, after the command otherwise (PEER_QUERY reads less than PEER_RESET).
  const bodies = new Map<RecordType, { body: string[]; text: string; cmds: CommandModel[] }[]>();
  for (const c of ifc.commands) {
    const a = args.get(c)!;
    if (a.kind !== "record" || !a.copyIn) continue;
    const body = validatorBody(a.record, a.type, c, ifc);
    if (!body) continue;
    const text = body.join("\n");
    const groups = bodies.get(a.record) ?? [];
    const same = groups.find((g) => g.text === text);
    if (same) same.cmds.push(c);
    else groups.push({ body, text, cmds: [c] });
    bodies.set(a.record, groups);
  }
  const validators: string[][] = [];
  for (const [record, groups] of bodies)
    for (const g of groups) {
      const name = names.validator(g.cmds, groups.length === 1 ? validatorName(record) : undefined);
      validators.push(
        validatorLines(
          name,
          (args.get(g.cmds[0]!) as { type: string }).type,
          g.body,
          g.cmds.map((c) => c.spec.name),
        ),
      );
    }
  const needsPage = [...args.values()].some((a) => a.kind === "record" && a.growth);

  const lines: string[] = [
    "// SPDX-License-Identifier: GPL-2.0",
    ...blockCommentLines([
      `The kernel side of the ${ifc.spec.header} ioctls of interface ${ifc.spec.name}` +
        `${ifc.spec.variant ? ` (variant ${ifc.spec.variant})` : ""}, generated by uapi-workbench from ` +
        `${specDisplayName(model)}: a starting point for the driver, to copy and edit.`,
      `${dispatcher}() (the file_operations' unlocked_ioctl) dispatches each command to a handler that copies ` +
        "the argument in, rejects with -EINVAL what the spec says the kernel rejects (unknown flag bits and enum " +
        "values, non-zero reserved members and padding: Documentation/process/botching-up-ioctls.rst), calls " +
        "the do_*() function the driver implements, and copies the result back (-EFAULT when a copy faults).",
      "One file for every ABI: a compat_ioctl that passes the pointer on (compat_ptr_ioctl()) is right only " +
        "when every argument has the same layout on the compat ABIs (see out/report/).",
    ]),
    "",
    ...KERNEL_HEADERS.map((h) => includeLine(h)),
    ...(needsPage ? [includeLine("asm/page.h")] : []),
    "",
    includeLine(ifc.spec.header),
  ];
  for (const c of ifc.commands) lines.push("", ...driverPrototype(c, args.get(c)!, names));
  lines.push("", `long ${dispatcher}(struct file *file, unsigned int cmd, unsigned long arg);`);
  for (const v of validators) lines.push("", ...v);
  for (const c of ifc.commands) {
    const a = args.get(c)!;
    if (a.kind !== "value") lines.push("", ...handlerComment(c, a, names), ...handlerLines(c, a, names));
  }
  lines.push("", ...dispatcherLines(ifc, args, names), "");
  return lines.join("\n");
}
