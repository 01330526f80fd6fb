/*
 * The contract beyond layout (Documentation/process/botching-up-ioctls.rst, adding-syscalls.rst,
 * include/linux/uaccess.h copy_struct_from_user()):
 *   contract/size-in-number   an extensible struct behind a number that encodes its size, dispatched exactly
 *   contract/size-source      the caller's size has no way to reach the kernel
 *   contract/must-be-zero     reserved space the kernel does not check, or that is not declared as such
 *   contract/flags-undeclared a flags word with no declared set
 *   contract/flags-width      a flag bit the member cannot hold
 *   contract/cannot-grow      a command's argument with no flags word, reserved space or size: it can never grow
 */
import { iocMacro } from "../../runtime/ioc.js";
import { growthContract, isMustBeZero } from "../contract.js";
import type { Diagnostic } from "../diagnostic.js";
import { layoutType } from "../layout.js";
import { elementType, type CommandModel, type FieldModel, type InterfaceModel, type RecordType } from "../model.js";
import { groupAbis, nameAbis, recordsToCheck, reporter, type Check, type CheckContext } from "./context.js";

/** Member names that say "reserved space" (include/uapi: __reserved, rsvd, resv, pad, __pad0, unused, spare). */
const RESERVED_NAME = /^_*(reserved|rsvd|resv|pad|padding|unused|spare)\d*$|_(reserved|rsvd|resv|pad|unused)\d*$/i;

/** Member and argument names that say "flags word" (flags, msg_flags, open_flags). */
const FLAGS_NAME = /^(.*_)?flags$/i;

const isInteger = (f: FieldModel) => {
  const t = elementType(f.type);
  return t.kind === "scalar" && t.scalar.integer;
};

/** Whether a record holds, at any depth, room to grow: a flags word or a must-be-zero member. */
function hasRoom(record: RecordType, memo: Map<RecordType, boolean>): boolean {
  const known = memo.get(record);
  if (known !== undefined) return known;
  memo.set(record, false); // a record that reaches itself through a pointer-free cycle cannot exist; be safe
  const t = (f: FieldModel) => elementType(f.type);
  const room = record.fields.some((f) => {
    if (isMustBeZero(f.spec) || f.spec.flags !== undefined) return true;
    const inner = t(f);
    return inner.kind === "record" && hasRoom(inner.record, memo);
  });
  memo.set(record, room);
  return room;
}

function sizeInNumber(ctx: CheckContext, ifc: InterfaceModel, cmd: CommandModel): Diagnostic[] {
  const arg = cmd.arg?.kind === "record" ? cmd.arg.record : undefined;
  const contract = arg && growthContract(arg.spec);
  if (!arg || !contract || cmd.spec.dir === "none" || ifc.spec.dispatch === "nr") return [];
  const c = cmd.spec;
  return [
    reporter(ctx, ifc)(
      "contract/size-in-number",
      "error",
      [...cmd.path, "dir"],
      c.name,
      `${c.name} = ${iocMacro(c.dir)}(..., struct ${arg.tag}) encodes the size of an extensible struct in its ` +
        `number, and the interface dispatches on the exact number: a caller built against the grown struct sends ` +
        `a different command, which older kernels reject with ENOTTY`,
      ctx.abis.map((a) => a.id),
      contract.size === "ioctl"
        ? "dispatch on _IOC_NR(cmd) and take the size from _IOC_SIZE(cmd), as drm_ioctl() does: `dispatch: nr` " +
            "on the interface"
        : "number it with _IO() and carry the size in a member, as VFIO does (`dir: none` with " +
            "`extensible: {size: member, member: argsz}`), or declare `dispatch: nr` on the interface",
    ),
  ];
}

function sizeSource(ctx: CheckContext, ifc: InterfaceModel, cmd: CommandModel): Diagnostic[] {
  const arg = cmd.arg?.kind === "record" ? cmd.arg.record : undefined;
  const contract = arg && growthContract(arg.spec);
  if (!arg || !contract) return [];
  const c = cmd.spec;
  const problem =
    contract.size === "argument"
      ? "its size travels in a syscall argument, and an ioctl has no argument besides the pointer"
      : contract.size === "ioctl" && c.dir === "none"
        ? "its size travels in _IOC_SIZE(cmd), and an _IO() number carries no size"
        : undefined;
  if (!problem) return [];
  return [
    reporter(ctx, ifc)(
      "contract/size-source",
      "error",
      [...cmd.path, "arg"],
      c.name,
      `${c.name} passes extensible struct ${arg.tag}, but ${problem}: the kernel cannot learn the caller's size`,
      ctx.abis.map((a) => a.id),
      "carry the size in a member: `extensible: {size: member, member: argsz}` with a leading `__u32 argsz`",
    ),
  ];
}

function cannotGrow(ctx: CheckContext, ifc: InterfaceModel, cmd: CommandModel, memo: Map<RecordType, boolean>) {
  const arg = cmd.arg?.kind === "record" ? cmd.arg.record : undefined;
  if (!arg || cmd.spec.dir === "none" || arg.external) return [];
  const declared = "extensible" in arg.spec && arg.spec.extensible !== undefined;
  if (declared || hasRoom(arg, memo)) return [];
  return [
    reporter(ctx, ifc)(
      "contract/cannot-grow",
      "warning",
      [...cmd.path, "arg"],
      cmd.spec.name,
      `${cmd.spec.name}'s argument struct ${arg.tag} has no flags word, no reserved member and no size: it can ` +
        `never take a new option, so every extension needs a new command`,
      ctx.abis.map((a) => a.id),
      "give it room: `- { name: flags, type: __u32, mustBeZero: true }` (a flags word with no flags yet), " +
        "`- { name: __reserved, type: __u64, reserved: true }`, or a size (`extensible: {size: member, ...}`); " +
        "or say it never grows: `extensible: {size: none}`",
    ),
  ];
}

/** Findings on one member of a record: undeclared reserved space, unchecked reserved space, flags words. */
function memberContract(ctx: CheckContext, ifc: InterfaceModel, name: string, f: FieldModel): Diagnostic[] {
  const report = reporter(ctx, ifc);
  const all = ctx.abis.map((a) => a.id);
  const out: Diagnostic[] = [];
  const spec = f.spec;
  const declared = spec.reserved === true || spec.padding === true;
  const label = f.name ?? "<unnamed>";
  const typeText = typeof spec.type === "string" ? spec.type : "__u32";
  if (declared && spec.mustBeZero === false)
    out.push(
      report(
        "contract/must-be-zero",
        "warning",
        [...f.path, "mustBeZero"],
        `${name}.${label}`,
        `${name}.${label} is ${spec.reserved ? "reserved" : "padding"} but the kernel does not check that it is ` +
          `zero: user space may leave garbage there, so it can never be given a meaning (botching-up-ioctls.rst)`,
        all,
        "reject a non-zero value with -EINVAL (out/kernel/ shows the check) and drop `mustBeZero: false`",
      ),
    );
  else if (!declared && spec.mustBeZero === undefined && f.name !== undefined && RESERVED_NAME.test(f.name))
    out.push(
      report(
        "contract/must-be-zero",
        "warning",
        [...f.path, "name"],
        `${name}.${label}`,
        `${name}.${label} is named as reserved space but not declared must-be-zero, so nothing rejects garbage ` +
          `in it`,
        all,
        `declare it: - { name: ${label}, type: ${typeText}${arrayText(spec.array)}, reserved: true }`,
      ),
    );
  if (
    f.name !== undefined &&
    FLAGS_NAME.test(f.name) &&
    spec.flags === undefined &&
    !isMustBeZero(spec) &&
    isInteger(f) &&
    spec.enum === undefined
  )
    out.push(
      report(
        "contract/flags-undeclared",
        "warning",
        [...f.path, "name"],
        `${name}.${label}`,
        `${name}.${label} is a flags word with no declared flag set, so unknown bits cannot be rejected`,
        all,
        `declare the bits under 'flags:' and name the set: - { name: ${label}, type: ${typeText}, flags: ` +
          `${ifc.spec.name}_${label} }; with no flag defined yet, \`mustBeZero: true\``,
      ),
    );
  const set = spec.flags !== undefined ? ifc.flagSets.get(spec.flags) : undefined;
  if (set && f.bits === undefined) {
    const widths = groupAbis(ctx.abis, (abi) => layoutType(elementType(f.type), abi).size * 8);
    const high = Math.max(...set.bits.map((b) => b.bit));
    const short = [...widths].filter(([bits]) => high >= bits);
    if (short.length)
      out.push(
        report(
          "contract/flags-width",
          "error",
          [...f.path, "flags"],
          `${name}.${label}`,
          `${name}.${label} holds ${short.map(([b, ids]) => `${b} bits on ${nameAbis(ids, ctx.abis)}`).join("; ")}, ` +
            `but flag set ${set.name} uses bit ${high}`,
          short.flatMap(([, ids]) => ids),
          `widen the member (type: __u64) or move the flag to a free bit below ${short[0]![0]}`,
        ),
      );
  }
  return out;
}

const arrayText = (a: unknown) => (a === undefined ? "" : `, array: ${JSON.stringify(a)}`);

/** Flags arguments of declared syscalls have a set too (adding-syscalls.rst: reject unknown bits with EINVAL). */
function syscallFlags(ctx: CheckContext, ifc: InterfaceModel): Diagnostic[] {
  const report = reporter(ctx, ifc);
  return ifc.syscalls.flatMap((sc) =>
    sc.args
      .filter(
        (a) => FLAGS_NAME.test(a.name) && a.spec.flags === undefined && a.spec.enum === undefined && !a.spec.mustBeZero,
      )
      .filter((a) => a.type.kind === "scalar" && a.type.scalar.integer)
      .map((a) =>
        report(
          "contract/flags-undeclared",
          "warning",
          [...a.path, "name"],
          `${sc.spec.name}(${a.name})`,
          `${sc.spec.name}'s argument ${a.name} is a flags word with no declared flag set, so unknown bits cannot ` +
            `be rejected`,
          ctx.abis.map((x) => x.id),
          `declare the bits under 'flags:' and name the set on the argument: flags: ${ifc.spec.name}_${a.name}`,
        ),
      ),
  );
}

export const checkContract: Check = (ctx) => {
  const memo = new Map<RecordType, boolean>();
  return ctx.model.interfaces.flatMap((ifc) => [
    ...recordsToCheck(ifc).flatMap(({ record, name }) =>
      record.fields.flatMap((f) => memberContract(ctx, ifc, name, f)),
    ),
    ...ifc.commands.flatMap((cmd) => [
      ...sizeInNumber(ctx, ifc, cmd),
      ...sizeSource(ctx, ifc, cmd),
      ...cannotGrow(ctx, ifc, cmd, memo),
    ]),
    ...syscallFlags(ctx, ifc),
  ]);
};
