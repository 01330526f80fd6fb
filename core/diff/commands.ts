/*
 * ioctl command changes: the request number on every ABI and what part of it changed (type and
 * nr, direction, the argument size it encodes), commands added and removed, and a (type, nr)
 * that now belongs to a different command.  Commands are matched by name.
 */
import { iocMacro } from "../../runtime/ioc.js";
import type { AbiEntry } from "../../spec/abi.js";
import { argSize, commandNumber, hex32 } from "../ioctl-numbers.js";
import { typeName, type CommandModel } from "../model.js";
import type { Change } from "./change.js";
import { change, outcomes, type DiffContext } from "./context.js";

const slot = (c: CommandModel) =>
  `0x${c.magic.toString(16).padStart(2, "0")}/0x${c.spec.nr.toString(16).padStart(2, "0")}`;
const sameSlot = (a: CommandModel, b: CommandModel) => a.magic === b.magic && a.spec.nr === b.spec.nr;

export function diffCommands(ctx: DiffContext): Change[] {
  const out: Change[] = [];
  const oldByName = new Map(ctx.old.ifc.commands.map((c) => [c.spec.name, c]));
  const newByName = new Map(ctx.new.ifc.commands.map((c) => [c.spec.name, c]));
  for (const c of ctx.new.ifc.commands) {
    const was = oldByName.get(c.spec.name);
    if (was) out.push(...diffCommand(ctx, was, c));
    else
      out.push(
        change(ctx, {
          kind: "command-added",
          verdict: "compatible",
          subject: c.spec.name,
          message: `${c.spec.name} is new (${iocMacro(c.spec.dir)} ${slot(c)})`,
          abis: ctx.abis.map((a) => a.id),
          oldPath: ctx.old.ifc.path,
          newPath: c.path,
        }),
      );
    // Whoever issued the old command on this (type, nr) now reaches this one.
    const previous = ctx.old.ifc.commands.find(
      (o) =>
        o.spec.name !== c.spec.name &&
        sameSlot(o, c) &&
        !(newByName.get(o.spec.name) && sameSlot(newByName.get(o.spec.name)!, c)),
    );
    if (previous)
      out.push(
        change(ctx, {
          kind: "ioctl-reused",
          verdict: "breaking",
          subject: c.spec.name,
          message:
            `${c.spec.name} takes (type, nr) ${slot(c)}, which ${previous.spec.name} had` +
            (newByName.has(previous.spec.name) ? " (it moved)" : " (it was removed)"),
          oldPath: previous.path,
          newPath: c.path,
        }),
      );
  }
  for (const c of ctx.old.ifc.commands)
    if (!newByName.has(c.spec.name))
      out.push(
        change(ctx, {
          kind: "command-removed",
          verdict: "breaking",
          subject: c.spec.name,
          message: `${c.spec.name} (${iocMacro(c.spec.dir)} ${slot(c)}) was removed`,
          abis: ctx.abis.map((a) => a.id),
          oldPath: c.path,
          newPath: ctx.new.ifc.path,
        }),
      );
  return out;
}

function diffCommand(ctx: DiffContext, o: CommandModel, n: CommandModel): Change[] {
  const out: Change[] = [];
  const name = n.spec.name;
  const paths = { subject: name, oldPath: o.path, newPath: n.path };
  const numbers = (abi: AbiEntry) => {
    const [a, b] = [commandNumber(o, abi).value, commandNumber(n, abi).value];
    return a === b ? undefined : `${a === undefined ? "none" : hex32(a)} -> ${b === undefined ? "none" : hex32(b)}`;
  };
  const changed = outcomes(ctx.abis, numbers);
  if (!sameSlot(o, n))
    out.push(
      change(ctx, {
        kind: "ioctl-number",
        verdict: "breaking",
        message: `${name} moved from (type, nr) ${slot(o)} to ${slot(n)}` + (changed ? `: ${changed.text}` : ""),
        abis: changed?.abis ?? [],
        ...paths,
      }),
    );
  if (o.spec.dir !== n.spec.dir)
    out.push(
      change(ctx, {
        kind: "ioctl-direction",
        verdict: "breaking",
        message:
          `${name} is now ${iocMacro(n.spec.dir)} (was ${iocMacro(o.spec.dir)})` + (changed ? `: ${changed.text}` : ""),
        abis: changed?.abis ?? [],
        ...paths,
      }),
    );
  const sizes = outcomes(ctx.abis, (abi) => {
    if (o.spec.dir === "none" || n.spec.dir === "none") return undefined;
    const [a, b] = [argSize(o, abi), argSize(n, abi)];
    return a === b ? undefined : `${a} -> ${b} bytes`;
  });
  if (sizes)
    out.push(
      change(ctx, {
        kind: "ioctl-size",
        verdict: "breaking",
        message:
          `the argument size ${name} encodes changed: ${sizes.text}; a new request number` +
          (changed ? ` (${changed.text})` : ""),
        abis: sizes.abis,
        ...paths,
      }),
    );
  const [ot, nt] = [o.arg ? typeName(o.arg) : undefined, n.arg ? typeName(n.arg) : undefined];
  if (ot !== nt && !sizes && o.spec.dir === n.spec.dir && o.spec.dir !== "none")
    out.push(
      change(ctx, {
        kind: "ioctl-arg-type",
        verdict: "source-only",
        message: `${name} now takes ${nt ?? "no argument"} (was ${ot ?? "no argument"}), same size`,
        ...paths,
      }),
    );
  return out;
}
