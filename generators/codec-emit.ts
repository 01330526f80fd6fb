/*
 * Plan -> codec source: the function bodies of one struct on one ABI, each
 * built from pieces by its own module and joined as text.  The bodies are
 * plain JavaScript that also type-checks as
 * TypeScript, so the static modules (codecs.ts) and the run-time compiler
 * (codec-compile.ts) wrap the very same text.  The runtime is reached as
 * `$rt` ('$' never occurs in a C identifier, so nothing a spec names can
 * clash with it).
 *
 *   codec-fast-path.ts       the small bodies that hand over on any violation
 *   codec-detailed-path.ts   their twins, which report struct, member, offset and reason
 *   codec-prologue.ts        the first statements of both: view, offset, encode target, lanes
 *   codec-decode.ts, codec-encode.ts   the member statements both paths share
 *   codec-types.ts           the TypeScript value type
 */
import type { Plan } from "./codec-plan.js";
import { detailedDecode, detailedEncode } from "./codec-detailed-path.js";
import { fastDecode, fastEncode } from "./codec-fast-path.js";
import type { Consts } from "./codec-source.js";

/* What the wrappers (codec-unit.ts, codecs.ts, codec-compile.ts) take from the emitter. */
export { SLOW } from "./codec-fast-path.js";
export { Consts, literalKey } from "./codec-source.js";
export { typeText } from "./codec-types.js";

/**
 * Bodies take these parameters: decode(bytes, offset, lenient), encode(value, into, offset).  The fast
 * bodies call their detailed twins as `$slow(...)` (SLOW), which the wrapper binds.
 */
export interface Bodies {
  decode: string;
  encode: string;
  decodeDetail: string;
  encodeDetail: string;
}

export function emitBodies(plan: Plan, consts: Consts): Bodies {
  // In this order: constants are numbered as the bodies first use them.
  const decode = fastDecode(plan, consts);
  const encode = fastEncode(plan, consts);
  const decodeDetail = detailedDecode(plan, consts);
  const encodeDetail = detailedEncode(plan, consts);
  return { decode, encode, decodeDetail, encodeDetail };
}
