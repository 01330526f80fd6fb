/*
 * Lanes: on Node 20 `DataView.get/setBigUint64` is a builtin call while
 * typed-array element access is compiled inline, so fast bodies of structs
 * with an aligned 64-bit member read and write those members as elements of
 * cached typed-array views over the same bytes: `wu`/`ws` (64-bit) at word
 * index `wi`, and, in encode, `wu32` (32-bit) at index `wi32`
 * (generators/CODECS.md, "Lanes").  The prologue that sets them up is in
 * codec-prologue.ts.
 */
import type { Node, Plan } from "./codec-plan.js";

/** The integer widths, in bytes, a fast body reads or writes through lanes. */
export type LaneWidth = 4 | 8;
/** Decode reads 64-bit members through lanes; encode also writes 32-bit ones (stores are all encode does). */
export const DECODE_LANES: readonly LaneWidth[] = [8];
export const ENCODE_LANES: readonly LaneWidth[] = [4, 8];

/** The lane arrays a body can use: `BigUint64Array`, `BigInt64Array`, `Uint32Array` (runtime `Lanes` u, s, u32). */
export type LaneArray = "wu" | "ws" | "wu32";

/**
 * An integer of one of `widths` bytes in the ABI's own byte order (not `__be64` on a little-endian ABI) at an
 * offset of the struct itself (`base` "o": not inside an array loop) that is a multiple of its size.
 */
export const laneable = (node: Node, base: string, plan: Plan, widths: readonly LaneWidth[]): boolean =>
  node.k === "int" &&
  base === "o" &&
  node.le === (plan.abi.endian === "little") &&
  (widths as readonly number[]).includes(node.size) &&
  node.off % node.size === 0;

/**
 * The lane array and element of the `size` bytes at struct offset `off` (a multiple of `size`): `wu[wi + 3]`,
 * `ws[wi + 3]` (decode of a signed member) or `wu32[wi32 + 5]`.
 */
export function laneElement(off: number, size: LaneWidth, signed = false): { array: LaneArray; element: string } {
  const array = size === 4 ? "wu32" : signed ? "ws" : "wu";
  const index = size === 4 ? "wi32" : "wi";
  const k = off / size;
  return { array, element: `${array}[${k === 0 ? index : `${index} + ${k}`}]` };
}

/** Whether the struct has a member a 64-bit lane can take: only then does a fast body set up lanes. */
export function hasLane64(plan: Plan): boolean {
  const walk = (node: Node): boolean =>
    node.k === "object" ? node.fields.some((f) => walk(f.node)) : laneable(node, "o", plan, [8]);
  return walk(plan.root);
}
