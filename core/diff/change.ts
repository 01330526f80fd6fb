/*
 * What `uapi diff` reports: one change between two versions of an interface, of a kind from
 * CHANGE_KINDS, with the ABIs it affects, where it is on each side, and a verdict.
 *
 * The verdict comes from what the specs declare (`reserved`, `padding`, flag bits, `extensible`,
 * the commands that encode a struct's size), never from member names.
 */
import type { AbiId } from "../../spec/abi.js";
import type { Loc } from "../diagnostic.js";

/** breaking: a binary built against the old version misbehaves; source-only: it works, its source may not build. */
export type Verdict = "breaking" | "source-only" | "compatible";

export const VERDICT_ORDER: Readonly<Record<Verdict, number>> = { breaking: 0, "source-only": 1, compatible: 2 };

export interface KindInfo {
  /** What changed, in a few words. */
  title: string;
  /** Why it gets its verdict(s), for `--help` and SARIF rule help. */
  why: string;
  /** Whether it changes a size, offset, alignment or request number a compiler would measure. */
  binary: boolean;
}

/** Every kind of change, as data: the CLI's help, the SARIF rules and the docs read this table. */
export const CHANGE_KINDS = {
  "record-added": { title: "struct or union added", why: "nothing old refers to it", binary: false },
  "record-removed": {
    title: "struct or union removed",
    why: "old binaries keep their copy of the layout; sources naming it no longer build",
    binary: false,
  },
  "record-kind": { title: "struct became union or back", why: "every member after the first moves", binary: true },
  "struct-size": {
    title: "size changed",
    why:
      "arrays of it, members of its type and copies of it change; compatible only when members are " +
      "appended to a struct that declares `extensible` and no ioctl number encodes its size",
    binary: true,
  },
  "struct-align": { title: "alignment changed", why: "where it sits inside other structs changes", binary: true },
  "member-offset": { title: "member moved", why: "old binaries read and write it at the old offset", binary: true },
  "member-width": {
    title: "member size or bit width changed",
    why: "old binaries read and write the old number of bytes",
    binary: true,
  },
  "bitfield-moved": { title: "bit-field moved", why: "old binaries use the old bit position", binary: true },
  "member-type": {
    title: "member type changed, layout kept",
    why:
      "the bytes stay where they were; sources using the old type may not build, and a signedness " +
      "change reads values differently",
    binary: false,
  },
  "member-removed": { title: "member removed", why: "old binaries still fill or read its bytes", binary: true },
  "member-added-middle": {
    title: "member added before existing members",
    why: "the members after it move, or bytes old binaries never cleared gain a meaning",
    binary: true,
  },
  "member-added-end": {
    title: "member appended",
    why:
      "compatible only for a struct that declares `extensible` (old callers pass a shorter size) and " +
      "whose size no ioctl number encodes",
    binary: true,
  },
  "member-renamed": {
    title: "member renamed, layout kept",
    why: "binaries are unaffected; sources using the old name no longer build",
    binary: false,
  },
  "padding-renamed": {
    title: "padding renamed",
    why: "padding carries no meaning and no source may use it",
    binary: false,
  },
  "reserved-used": {
    title: "reserved member given a meaning",
    why:
      "compatible when the old spec declared it `reserved` (must be zero, checked by the kernel): old " +
      "callers pass zero, the old behaviour; `padding` was never declared checked, so old callers may " +
      "pass garbage",
    binary: false,
  },
  "union-arm-added": {
    title: "union arm added",
    why: "compatible when the union's size and alignment stay",
    binary: true,
  },
  "union-arm-removed": { title: "union arm removed", why: "old binaries still use it", binary: true },
  "abi-dependent": {
    title: "layout became ABI-dependent",
    why:
      "a layout that was one on every ABI now differs between them (64-bit vs compat): 32-bit binaries " +
      "on a 64-bit kernel need a compat_ioctl translation that did not exist",
    binary: true,
  },
  "ioctl-number": {
    title: "ioctl type or nr changed",
    why: "old binaries issue the old request number",
    binary: true,
  },
  "ioctl-direction": {
    title: "ioctl direction changed",
    why: "the direction bits are part of the request number",
    binary: true,
  },
  "ioctl-size": {
    title: "size encoded in the ioctl number changed",
    why: "the argument's size is part of the request number: a new number",
    binary: true,
  },
  "ioctl-arg-type": {
    title: "ioctl argument type renamed, size kept",
    why: "the request number stays; sources naming the old type may not build",
    binary: false,
  },
  "ioctl-reused": {
    title: "(type, nr) of another command reused",
    why: "old binaries issuing the old command now reach a different one",
    binary: true,
  },
  "command-added": { title: "command added", why: "nothing old issues it", binary: true },
  "command-removed": { title: "command removed", why: "old binaries still issue it", binary: true },
  "enum-value-changed": {
    title: "enumerator value changed",
    why: "old binaries use the old value",
    binary: false,
  },
  "enum-value-removed": { title: "enumerator removed", why: "old binaries still pass it", binary: false },
  "enum-value-added": { title: "enumerator added", why: "old binaries never pass it", binary: false },
  "enum-value-renamed": {
    title: "enumerator renamed, value kept",
    why: "binaries are unaffected; sources using the old name no longer build",
    binary: false,
  },
  "flag-changed": { title: "flag bit moved", why: "old binaries set the old bit", binary: false },
  "flag-removed": { title: "flag removed", why: "old binaries still set it", binary: false },
  "flag-added": {
    title: "flag added",
    why: "compatible: old binaries never set it (the kernel must have rejected unknown bits)",
    binary: false,
  },
  "flag-reserved-used": {
    title: "reserved flag bit given a meaning",
    why: "compatible: the old spec declared the bit reserved, so old callers leave it zero",
    binary: false,
  },
  "flag-withdrawn": {
    title: "flag bit made reserved",
    why: "old binaries that set it now set a bit the kernel must reject",
    binary: false,
  },
  "flag-renamed": {
    title: "flag renamed, bit kept",
    why: "binaries are unaffected; sources using the old name no longer build",
    binary: false,
  },
  "constant-changed": { title: "constant value changed", why: "old binaries hold the old value", binary: false },
  "constant-removed": {
    title: "constant removed",
    why: "binaries keep the value; sources using the name no longer build",
    binary: false,
  },
  "constant-added": { title: "constant added", why: "nothing old uses it", binary: false },
  "set-removed": {
    title: "enumeration or flag set removed",
    why: "binaries keep the values; sources using the names no longer build",
    binary: false,
  },
  "set-added": { title: "enumeration or flag set added", why: "nothing old uses it", binary: false },
  "interface-removed": { title: "interface removed", why: "everything it declared is gone", binary: true },
  "interface-added": { title: "interface added", why: "nothing old uses it", binary: false },
} as const satisfies Record<string, KindInfo>;

export type ChangeKind = keyof typeof CHANGE_KINDS;

export interface Change {
  kind: ChangeKind;
  verdict: Verdict;
  /** The interface on the new side (the old one's name when it was removed). */
  interface: string;
  /** What changed: "struct foo", "struct foo.bar", "BUS1_CMD_SEND", "enum e.E_X". */
  subject: string;
  message: string;
  /** The ABIs where the change holds, in ABI table order; empty when it does not depend on the ABI. */
  abis: AbiId[];
  /** Where the item is in the old and the new version (the enclosing item's position when it has none there). */
  old?: Loc;
  new?: Loc;
}
