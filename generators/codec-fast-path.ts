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
import { DECODE_LANES, ENCODE_LANES, hasLane64 } from "./codec-lanes.js";
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
  const lanes = hasLane64(plan);
  const e = new Emitter(plan, consts, handOver, false, lanes ? DECODE_LANES : []);
  const body = decodeStatements(e);
  if (lanes) {
    // Bounds (and the offset's type) are checked against the lanes up front and nothing else can throw:
    // no try/catch.
    return [
      "ok: {",
      ...indented([...fastPrologue("decode"), ...lanePrologue(plan, e.lanesUsed), ...body], "  "),
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
  // Lanes for any struct with a 64-bit member they can take, and then for its 32-bit members too: a lane
  // store is about 10 bytes of bytecode where a DataView call is about 27, which keeps the body under V8's
  // inlining limit, and setBigUint64 is a builtin call (iio_buffer_block: 0.45x baseline (b) with DataView
  // calls throughout, about 0.55x with a 64-bit lane alone, 1.1x with 32-bit lanes as well; CODECS.md).
  const lanes = hasLane64(plan);
  // No object-shape checks (lean): a TypeError or RangeError from the missing checks lands in the detailed body.
  const e = new Emitter(plan, consts, handOver, true, lanes ? ENCODE_LANES : []);
  const body = encodeStatements(e);
  // A getter on the value could detach or shrink the buffer, after which lane stores are silently dropped:
  // the lanes' extent is re-checked (through `wu`, which every body with lanes has) before reporting success.
  if (lanes) e.lanesUsed.add("wu");
  const prologue = [encodeTarget(plan), ...fastPrologue("encode"), ...(lanes ? lanePrologue(plan, e.lanesUsed) : [])];
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
