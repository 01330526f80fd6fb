/*
 * The first statements of a body: the target bytes of encode (`out`), the
 * view `v`, the offset `o` and, for fast bodies that use them, the lanes.
 * Body parameters: decode(bytes, offset, lenient), encode(value, into, offset).
 */
import type { Plan } from "./codec-plan.js";
import type { LaneArray } from "./codec-lanes.js";

type Direction = "decode" | "encode";

/** The bytes the view is over: decode's argument, encode's target. */
const viewed = { decode: "bytes", encode: "out" } as const;

/** Encode: the caller's bytes, or a new array of the struct's size. */
export const encodeTarget = (plan: Plan) => `const out = into === undefined ? new Uint8Array(${plan.size}) : into;`;

/**
 * Fast bodies: `$rt.fastView` never throws; it returns a DataView as it is, and for anything but a DataView
 * or Uint8Array it gives an empty view, so every access is out of bounds and the body hands over to the
 * detailed one.  (The DataView test is inside it, not here: V8 inlines it all the same, and every fast body
 * is that much smaller; see CODECS.md on V8's inlining limit.)
 */
export function fastPrologue(direction: Direction): string[] {
  return [`const v = $rt.fastView(${viewed[direction]});`, "const o = offset;"];
}

/**
 * Fast bodies with lanes: leave for the detailed body unless the target's byte order is the host's, the
 * view starts 8-aligned, `o` is an 8-aligned index and the whole struct lies within the lanes (so no
 * access below can be out of bounds).
 */
export function lanePrologue(plan: Plan, used: ReadonlySet<LaneArray>): string[] {
  return [
    `const w = $rt.${plan.abi.endian === "little" ? "lanesAtLE" : "lanesAtBE"}(v, o, ${plan.size});`,
    "if (w === null) break ok;",
    ...(used.has("wu") ? ["const wu = w.u;"] : []),
    ...(used.has("ws") ? ["const ws = w.s;"] : []),
    ...(used.has("wu32") ? ["const wu32 = w.u32;"] : []),
    ...(used.has("wu") || used.has("ws") ? ["const wi = o >>> 3;"] : []),
    ...(used.has("wu32") ? ["const wi32 = o >>> 2;"] : []),
  ];
}

/**
 * Detailed bodies: the view (a CodecError naming the struct for anything but a DataView or Uint8Array)
 * and the bounds check.
 */
export function detailedPrologue(plan: Plan, direction: Direction): string[] {
  const struct = JSON.stringify(plan.name);
  return [
    `const v = $rt.viewFor(${viewed[direction]}, ${struct}${direction === "encode" ? ", true" : ""});`,
    `const o = offset;`,
    // typeof first: a bigint offset must not reach `>>>` (TypeError).  lengthOf is 0 for a detached buffer.
    `if (typeof o !== "number" || (o >>> 0) !== o || o + ${plan.size} > $rt.lengthOf(v)) ` +
      `$rt.truncated(${struct}, ${plan.size}, o, $rt.lengthOf(v));`,
  ];
}
