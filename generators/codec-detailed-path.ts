/*
 * The detailed bodies: the same member statements as the fast ones, but
 * every failed check names the struct, the member path, its offset and the
 * reason.  Decode throws a CodecError (or, given a `lenient` array, records
 * a warning and goes on); encode throws.  The helpers called (`$rt.bad`,
 * `$rt.fail`, `$rt.badValue`, `$rt.truncated`, `$rt.why`) are in runtime/errors.ts.
 */
import type { Plan } from "./codec-plan.js";
import { decodeStatements } from "./codec-decode.js";
import { encodeStatements } from "./codec-encode.js";
import { Emitter, type DecodeFailures, type EncodeFailures } from "./codec-emitter.js";
import { detailedPrologue, encodeTarget } from "./codec-prologue.js";
import { indented, type Consts } from "./codec-source.js";

function decodeFailures(struct: string): DecodeFailures {
  const broken: DecodeFailures["broken"] = (site, kind, reason) =>
    `$rt.bad(lenient, ${struct}, ${site.path}, ${site.off}, "${kind}", ${reason});`;
  return {
    broken,
    // Every nonzero padding byte is reported: a lenient decode warns about each.
    paddingTable: (table, b) => {
      const next = (from: string) => `$rt.paddingAt(v, o, ${table}, ${from})`;
      const report = broken({ path: `"<padding>"`, off: b }, "padding", "$rt.why.padding(1)");
      return `for (let ${b} = ${next("0")}; ${b} !== -1; ${b} = ${next(`${b} + 1`)}) ${report}`;
    },
  };
}

function encodeFailures(struct: string): EncodeFailures {
  return {
    broken: (site, kind, reason) => `$rt.fail(${struct}, ${site.path}, ${site.off}, "${kind}", ${reason});`,
    badValue: (site, x, expected) =>
      `$rt.badValue(${struct}, ${site.path}, ${site.off}, ${x}, ${JSON.stringify(expected)});`,
  };
}

export function detailedDecode(plan: Plan, consts: Consts): string {
  const body = decodeStatements(new Emitter(plan, consts, decodeFailures(JSON.stringify(plan.name))));
  return [...detailedPrologue(plan, "decode"), ...body].join("\n");
}

export function detailedEncode(plan: Plan, consts: Consts): string {
  const struct = JSON.stringify(plan.name);
  const body = encodeStatements(new Emitter(plan, consts, encodeFailures(struct)));
  const expected = JSON.stringify(`${plan.name} (an object)`);
  return [
    `if (typeof value !== "object" || value === null) $rt.badValue(${struct}, "", 0, value, ${expected});`,
    encodeTarget(plan),
    ...detailedPrologue(plan, "encode"),
    // The value's getters run between the writes: one that detaches or shrinks the target is reported as truncated.
    "try {",
    ...indented(body, "  "),
    "} catch (err) {",
    `  throw $rt.encodeFailure(err, ${struct}, ${plan.size}, o, $rt.lengthOf(v));`,
    "}",
    `if (o + ${plan.size} > $rt.lengthOf(v)) $rt.truncated(${struct}, ${plan.size}, o, $rt.lengthOf(v));`,
    `return out;`,
  ].join("\n");
}
