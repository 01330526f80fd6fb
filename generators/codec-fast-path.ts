/*
 * The fast bodies: the member statements inside a labelled block `ok`.  On
 * any violation, TypeError or RangeError they leave it (`break ok`) and call
 * their detailed twin, which redoes the work and says what is wrong.  A
 * one-instruction jump per check keeps them small enough for V8 to inline
 * (generators/CODECS.md, "Fast path / detailed path").
 */
import type { Plan } from "./codec-plan.js";
import { decodeStatements } from "./codec-decode.js";
import { encodeStatements } from "./codec-encode.js";
import { Emitter, type DecodeFailures, type EncodeFailures } from "./codec-emitter.js";
import { lanesUsed } from "./codec-lanes.js";
import { encodeTarget, fastPrologue, lanePrologue } from "./codec-prologue.js";
import { indented, type Consts } from "./codec-source.js";

/** The token fast bodies call their detailed twin by; the wrappers replace it with that function's name. */
export const SLOW = "$slow";

const LEAVE = "break ok;";

const handOver: DecodeFailures & EncodeFailures = {
  broken: () => LEAVE,
  badValue: () => LEAVE,
  paddingTable: (table) => `if ($rt.paddingAt(v, o, ${table}, 0) !== -1) ${LEAVE}`,
};

export function fastDecode(plan: Plan, consts: Consts): string {
  const slow = `return ${SLOW}(bytes, offset, lenient);`;
  // A struct of no bytes reads nothing, so a fast body could not notice bad arguments: only the detailed body.
  if (plan.size === 0) return slow;
  const used = lanesUsed(plan, true);
  const lanes = used.u || used.s;
  const body = decodeStatements(new Emitter(plan, consts, handOver, false, lanes));
  if (lanes) {
    // Bounds (and the offset's type) are checked against the lanes up front and nothing else can throw:
    // no try/catch.
    return [
      "ok: {",
      ...indented([...fastPrologue("decode"), ...lanePrologue(plan, used), ...body], "  "),
      "}",
      slow,
    ].join("\n");
  }
  // DataView's own bounds check catches a short buffer (reading byteLength is a call in V8 11); the offset
  // check sits inside the try, where a bigint's TypeError from `>>>` is caught too.
  return [
    "ok: {",
    ...indented(fastPrologue("decode"), "  "),
    "  try {",
    "    if ((o >>> 0) !== o) break ok;",
    ...indented(body, "    "),
    "  } catch {",
    "    break ok;",
    "  }",
    "}",
    slow,
  ].join("\n");
}

export function fastEncode(plan: Plan, consts: Consts): string {
  const slow = `return ${SLOW}(value, into, offset);`;
  if (plan.size === 0) return slow;
  const used = lanesUsed(plan, false);
  // With a single 64-bit field the lanes' prologue and extent re-check cost more than the one store saves
  // (measured on iio_buffer_block: 0.54x vs 0.75x baseline (b)).
  const lanes = used.n >= 2;
  // No object-shape checks (lean): a TypeError or RangeError from the missing checks lands in the detailed body.
  const body = encodeStatements(new Emitter(plan, consts, handOver, true, lanes));
  const prologue = [encodeTarget(plan), ...fastPrologue("encode"), ...(lanes ? lanePrologue(plan, used) : [])];
  // A getter on the value could detach or shrink the buffer, after which lane stores are silently dropped:
  // the lanes' extent is re-checked before reporting success.
  const tail = lanes ? [`if (o + ${plan.size} > wu.length * 8) break ok;`] : [];
  return [
    "ok: {",
    ...indented(prologue, "  "),
    "  try {",
    ...(lanes ? [] : ["    if ((o >>> 0) !== o) break ok;"]),
    ...indented([...body, ...tail, "return out;"], "    "),
    "  } catch {",
    "    break ok;",
    "  }",
    "}",
    slow,
  ].join("\n");
}
