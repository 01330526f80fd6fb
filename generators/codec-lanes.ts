/*
 * 64-bit lanes: on Node 20 `DataView.get/setBigUint64` is a builtin call
 * while `BigUint64Array` element access is compiled inline, so fast bodies
 * read and write a struct's aligned 64-bit members as elements of cached
 * typed-array views `wu`/`ws` at word index `wi` (generators/CODECS.md,
 * "64-bit lanes").  The prologue that sets them up is in codec-prologue.ts.
 */
import type { Node, Plan } from "./codec-plan.js";

/**
 * A 64-bit integer in the ABI's own byte order (not `__be64` on a little-endian ABI) at an 8-aligned
 * offset of the struct itself (`base` "o": not inside an array loop).
 */
export const laneable = (node: Node, base: string, plan: Plan): boolean =>
  node.k === "int" &&
  node.size === 8 &&
  base === "o" &&
  node.off % 8 === 0 &&
  node.le === (plan.abi.endian === "little");

/** The lane element of a laneable member. */
export const lane = (node: Node & { off: number }) => (node.off === 0 ? "wi" : `wi + ${node.off / 8}`);

/** Which lanes a fast body needs (`u` unsigned, `s` signed; encode stores through `u` only) and how many members. */
export interface LanesUsed {
  u: boolean;
  s: boolean;
  n: number;
}

export function lanesUsed(plan: Plan, decode: boolean): LanesUsed {
  const used = { u: false, s: false, n: 0 };
  const walk = (node: Node) => {
    if (node.k === "object") for (const f of node.fields) walk(f.node);
    else if (node.k === "int" && laneable(node, "o", plan)) {
      used.n++;
      if (decode && node.signed) used.s = true;
      else used.u = true;
    }
  };
  walk(plan.root);
  return used;
}
