/*
 * Where a syscall's arguments travel on one ABI (syscall/README.md "Calling
 * analysis"): each argument's slots, named by the ABI table's registers, the
 * halves of a split 64-bit value in the ABI's order, the slots wasted to pair
 * alignment; and which ABIs need their own entry point -- a compat entry on
 * a 64-bit kernel, or an arch-specific one -- and why.
 */
import type { AbiEntry, AbiId } from "../spec/abi.js";
import { abiById } from "../spec/abis.js";
import { abiDependent } from "./ergonomics.js";
import type { SyscallArg, SyscallForm } from "./derive.js";
import { countSlots, outOfOrder, type Verdict } from "./slots.js";

export interface ArgLocation {
  arg: string;
  /** Slot indices (two for a 64-bit value split into a pair, in slot order). */
  slots: number[];
  /** The register (or `sp+N`) of each slot; `stack` past the ABI's last one. */
  where: string[];
  /** For a split 64-bit value: which half each slot carries. */
  halves?: ("lo" | "hi")[];
}

export interface AbiCalling {
  abi: AbiId;
  slots: number;
  /** Slots no argument uses (pair alignment, sh's r7 when nothing back-fills it). */
  padding: { slot: number; where: string }[];
  verdict: Verdict;
  args: ArgLocation[];
  /** An argument lands before an earlier one (sh back-fills r7): user space must pass them in slot order. */
  reordered: boolean;
}

const slotName = (abi: AbiEntry, slot: number) => abi.syscall.registers[slot] ?? `stack word ${slot}`;

export function callingOn(form: SyscallForm, abi: AbiEntry): AbiCalling {
  const count = countSlots(
    form.args.map((a) => a.width),
    abi.syscall,
  );
  const used = new Set(count.placement.flat());
  const padding: AbiCalling["padding"] = [];
  for (let s = 0; s < count.slots; s++) if (!used.has(s)) padding.push({ slot: s, where: slotName(abi, s) });
  const pairOrder: ("lo" | "hi")[] =
    abi.syscall.pairs === "parisc-shim" || abi.syscall.halfOrder === "hi-lo" ? ["hi", "lo"] : ["lo", "hi"];
  return {
    abi: abi.id,
    slots: count.slots,
    padding,
    verdict: count.verdict,
    args: form.args.map((a, i) => {
      const slots = count.placement[i]!;
      const loc: ArgLocation = { arg: a.name, slots, where: slots.map((s) => slotName(abi, s)) };
      if (slots.length === 2) loc.halves = pairOrder;
      return loc;
    }),
    reordered: outOfOrder(count.placement),
  };
}

/** Why an ABI needs an entry point of its own for a syscall. */
export type EntryReason =
  | "u64-pair" // a 64-bit value arrives as two registers: compat_arg_u64_dual
  | "padded-pair" // ... after a padding slot the generic compat entry does not take
  | "signed-long" // a signed long must be sign-extended from 32 bits
  | "abi-dependent-struct" // the pointee's layout differs from the 64-bit ABI's
  | "undeclared-struct" // the pointee is not declared, so its layout is unknown
  | "pair-placement" // a 32-bit ABI running on another's kernel places a pair differently (arm OABI on EABI)
  | "reordered"; // sh: the C convention back-fills r7 out of prototype order

export interface EntryNeed {
  reason: EntryReason;
  arg: string;
  why: string;
}

export interface AbiEntryPoint {
  abi: AbiId;
  /** The ABI whose kernel runs these tasks (compat), or undefined for an entry on the ABI's own kernel. */
  compatOn?: AbiId;
  needs: EntryNeed[];
}

/**
 * Signed types that are 32 bits in a compat task and must be sign-extended, with the type a compat entry
 * takes them as (include/linux/compat.h).
 */
export const COMPAT_SIGNED_TYPES: ReadonlyMap<string, string> = new Map([
  ["long", "compat_long_t"],
  ["long int", "compat_long_t"],
  ["signed long", "compat_long_t"],
  ["__kernel_long_t", "compat_long_t"],
  ["ssize_t", "compat_ssize_t"],
  ["__kernel_ssize_t", "compat_ssize_t"],
  ["off_t", "compat_off_t"],
  ["__kernel_off_t", "compat_off_t"],
]);

function pointeeNeed(arg: SyscallArg, abi: AbiEntry, native: AbiEntry): EntryNeed | undefined {
  if (arg.kind === "record-pointer" && arg.record) {
    if (!abiDependent({ kind: "record", record: arg.record }, [abi, native])) return undefined;
    return {
      reason: "abi-dependent-struct",
      arg: arg.name,
      why:
        `${arg.name} points to ${arg.type.replace(/ ?\*$/, "")}, laid out differently on ${abi.id} and ` +
        `${native.id}: a compat_ struct, or in_compat_syscall() where it is read`,
    };
  }
  const undeclared = /^(?:const )?(?:struct|union) ([A-Za-z_][A-Za-z0-9_]*) ?\*$/.exec(arg.type);
  if (arg.kind === "user-pointer" && undeclared)
    return {
      reason: "undeclared-struct",
      arg: arg.name,
      why: `${arg.name} points to struct ${undeclared[1]}, which the spec does not declare: its layout is unknown`,
    };
  return undefined;
}

/** What a compat entry on `native`'s kernel must do for `abi`'s tasks. */
function compatNeeds(form: SyscallForm, abi: AbiEntry, native: AbiEntry): EntryNeed[] {
  const needs: EntryNeed[] = [];
  const here = callingOn(form, abi);
  const there = native.wordBits === 32 ? callingOn(form, native) : undefined;
  form.args.forEach((arg, i) => {
    const loc = here.args[i]!;
    if (loc.slots.length === 2) {
      if (there && there.args[i]!.slots.join() !== loc.slots.join())
        needs.push({
          reason: "pair-placement",
          arg: arg.name,
          why:
            `${arg.name} is in slots ${loc.slots.join("-")} on ${abi.id} but ${there.args[i]!.slots.join("-")} ` +
            `on ${native.id}: an entry of its own (as arm's sys_oabi_pread64)`,
        });
      else if (!there)
        needs.push({
          reason: "u64-pair",
          arg: arg.name,
          why:
            `${arg.name} is 64-bit: two 32-bit registers (${loc.where.join(", ")}), ` +
            `compat_arg_u64_dual(${arg.name})`,
        });
      const pad = here.padding.find((p) => p.slot === loc.slots[0]! - 1);
      if (!there && pad)
        needs.push({
          reason: "padded-pair",
          arg: arg.name,
          why:
            `a padding slot (${pad.where}) comes before ${arg.name}, which the generic compat entry does not ` +
            `take: an entry with a u32 pad argument (as arm64's aarch32_pread64, powerpc's compat_sys_pread64)`,
        });
    }
    if (native.wordBits === 64 && abi.id !== "x32" && COMPAT_SIGNED_TYPES.has(arg.type))
      needs.push({
        reason: "signed-long",
        arg: arg.name,
        why:
          `${arg.name} is a signed ${arg.type}: 32 bits on ${abi.id}, sign-extended by a compat entry ` +
          "(compat_long_t)",
      });
    const p = pointeeNeed(arg, abi, native);
    if (p) needs.push(p);
  });
  return needs;
}

/**
 * The entry points the syscall needs beyond the generic SYSCALL_DEFINE: a compat entry for each ABI
 * whose tasks a 64-bit (or, for arm OABI, another) kernel runs, and an entry on the ABI's own kernel
 * where its C convention reorders the arguments (sh).  Only ABIs with a need are listed.
 */
export function entryPoints(form: SyscallForm, abis: readonly AbiEntry[]): AbiEntryPoint[] {
  const out: AbiEntryPoint[] = [];
  for (const abi of abis) {
    const native = abi.syscall.compatOn ? abiById(abi.syscall.compatOn) : undefined;
    if (native) {
      const needs = compatNeeds(form, abi, native);
      if (needs.length) out.push({ abi: abi.id, compatOn: native.id, needs });
    }
    const here = callingOn(form, abi);
    if (here.reordered) {
      const moved = form.args.filter((_, i) => i > 0 && here.args[i]!.slots[0]! < here.args[i - 1]!.slots[0]!);
      out.push({
        abi: abi.id,
        needs: moved.map((a) => ({
          reason: "reordered",
          arg: a.name,
          why:
            `${a.name} lands in ${here.args[form.args.indexOf(a)]!.where.join(", ")}, before the pair in front ` +
            "of it (the C convention back-fills r7): user space must pass it early, or the kernel adds a wrapper " +
            "with a dummy argument (as sh's sys_pread_wrapper, sh_sync_file_range6)",
        })),
      });
    }
  }
  return out;
}
