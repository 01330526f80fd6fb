/*
 * syscall/six-args: the six-argument limit (abi-facts §3.1, SYSCALL_DEFINE_MAXARGS) as a check.  A command's
 * flat syscall form (derive.ts) that needs more than six argument slots on some ABI is an info finding for an
 * ioctl (it is fine as an ioctl, and says what a syscall would cost) and an error for a command declared
 * `kind: syscall`.  Lives here rather than in core/checks because it needs the syscall analysis.
 */
import { CHECKS } from "../core/checks/index.js";
import { nameAbis, reporter, type Check } from "../core/checks/context.js";
import type { Diagnostic } from "../core/diagnostic.js";
import { analyseCommand, analyseForm, bestOrder, leadingFd, type CommandAnalysis, type SlotGroup } from "./analyse.js";
import { callingOn } from "./calling.js";
import { formOfSyscall } from "./declared.js";
import { prototype } from "./derive.js";
import type { AbiEntry } from "../spec/abi.js";

/** "8 slots (1 of them padding) on i386, arm" with o32's stack tolerance said where it applies. */
function describeGroup(g: SlotGroup, all: readonly AbiEntry[]): string {
  return (
    `${g.slots} slots${g.padding ? ` (${g.padding} of them pair padding)` : ""} on ${nameAbis(g.abis, all)}` +
    (g.verdict === "o32-only" ? " (only through o32's stack arguments)" : "")
  );
}

/** `declared`: a syscall under `syscalls:`, whose repair is chosen with `remedy:` rather than `syscall.remedy`. */
function remedyHint(a: CommandAnalysis, wanted: string | undefined, declared = false): string {
  const chosen = a.remedies.find((r) => r.chosen);
  if (!chosen)
    return (
      "no standard remedy fits on every ABI (see uapi compare); " +
      "pass the arguments in a struct through one pointer, as clone3() and openat2() do"
    );
  const forms = chosen.forms.map((f) => prototype(f.name, f.args)).join("; ");
  const others = a.remedies.filter((r) => r !== chosen).map((r) => r.kind);
  return (
    `${wanted === chosen.kind ? "the spec's remedy" : "the analysis proposes"} ${chosen.kind}, ` +
    `${chosen.slots} slots at most: ${forms} (${chosen.summary})` +
    (others.length
      ? `; others that fit: ${others.join(", ")}, chosen with ` +
        (declared ? `\`remedy: ${others[0]}\`` : `\`syscall: { remedy: ${others[0]} }\``)
      : "")
  );
}

export const checkSixArgs: Check = (ctx) =>
  ctx.model.interfaces.flatMap((ifc) => {
    const report = reporter(ctx, ifc);
    const out: Diagnostic[] = [];
    for (const cmd of ifc.commands) {
      const a = analyseCommand(cmd, ifc, ctx.abis);
      if (a.fits) continue;
      const declared = cmd.spec.kind === "syscall";
      const over = a.groups.filter((g) => g.verdict !== "fits");
      const fitting = a.groups.filter((g) => g.verdict === "fits").flatMap((g) => g.abis);
      out.push(
        report(
          "syscall/six-args",
          declared ? "error" : "info",
          declared ? [...cmd.path, "kind"] : cmd.path,
          cmd.spec.name,
          `${cmd.spec.name} as a syscall, ${a.form.name}() with ${a.argCount} arguments, ` +
            `needs more than six argument slots: ${over.map((g) => describeGroup(g, ctx.abis)).join("; ")}` +
            (fitting.length ? `; it fits on ${nameAbis(fitting, ctx.abis)}` : "") +
            (declared ? "" : "; it is an ioctl today, so this only matters if it becomes a syscall"),
          a.exceedsOn,
          (declared ? "a syscall takes at most six register slots (SYSCALL_DEFINE6); " : "") +
            remedyHint(a, cmd.spec.syscall?.remedy),
        ),
      );
    }
    return out;
  });

/**
 * The checks of a syscall declared under `syscalls:`: six slots (error), a padding slot another order
 * avoids (info), and sh's out-of-order back-fill (warning).
 */
export const checkDeclaredSyscalls: Check = (ctx) =>
  ctx.model.interfaces.flatMap((ifc) => {
    const report = reporter(ctx, ifc);
    const out: Diagnostic[] = [];
    for (const decl of ifc.syscalls) {
      const form = formOfSyscall(decl, ifc);
      const a = analyseForm(form, ctx.abis, decl.spec.remedy);
      const name = decl.spec.name;
      const proto = prototype(name, form.args);
      if (!a.fits) {
        const over = a.groups.filter((g) => g.verdict !== "fits");
        // A merged syscall cannot be redesigned any more: what it cost is history, worth a warning.
        const merged = decl.spec.status?.state === "merged";
        out.push(
          report(
            "syscall/six-args",
            merged ? "warning" : "error",
            [...decl.path, "name"],
            name,
            `${proto} needs more than six argument slots: ${over.map((g) => describeGroup(g, ctx.abis)).join("; ")}` +
              (merged ? "; it is merged, so those ABIs need entry points of their own" : ""),
            a.exceedsOn,
            "a syscall takes at most six register slots (SYSCALL_DEFINE6); " + remedyHint(a, decl.spec.remedy, true),
          ),
        );
      }
      const padded = a.groups.filter((g) => g.padding > 0 && g.verdict === "fits");
      const better = padded.length
        ? bestOrder(form.args.slice(leadingFd(form).length), ctx.abis, leadingFd(form).length)
        : undefined;
      if (a.fits && better) {
        const order = [...leadingFd(form), ...better];
        out.push(
          report(
            "syscall/pair-padding",
            "info",
            [...decl.path, "args"],
            name,
            `${proto} wastes a padding slot before a 64-bit argument on ` +
              nameAbis(
                padded.flatMap((g) => g.abis),
                ctx.abis,
              ),
            padded.flatMap((g) => g.abis),
            `the order ${prototype(name, order)} needs no padding (as arm_fadvise64_64 reordered fadvise64_64)`,
          ),
        );
      }
      for (const abi of ctx.abis) {
        const c = callingOn(form, abi);
        if (!c.reordered) continue;
        const where = c.args.map((l) => `${l.arg}: ${l.where.join(":")}`).join(", ");
        out.push(
          report(
            "syscall/arg-order",
            "warning",
            [...decl.path, "args"],
            name,
            `on ${abi.id} the C convention passes ${proto}'s arguments out of order (${where})`,
            [abi.id],
            "move the 32-bit argument in front of the 64-bit one, or give the kernel a wrapper with a dummy " +
              "argument (sh's sys_pread_wrapper)",
          ),
        );
      }
    }
    return out;
  });

/** Every check: the core's and the syscall-level ones. */
export const ALL_CHECKS = [...CHECKS, checkSixArgs, checkDeclaredSyscalls];
