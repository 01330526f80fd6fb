/*
 * Value rules (flags, enum, must-be-zero) as JavaScript tests and reasons:
 * each test is a boolean expression that is true when the value breaks the
 * rule, special values excluded.  Rules come from the plan (codec-plan.ts `Rule`).
 */
import type { Node, Rule } from "./codec-plan.js";
import { at, big, hex, type Consts } from "./codec-source.js";

/** The kind a broken rule is reported as (runtime `CodecError.kind`). */
export const ruleKind = (rule: Rule) => (rule.kind === "zero" ? "reserved" : rule.kind);

/** The reason a broken rule is reported with, for the value in `x`. */
export function ruleReason(rule: Rule, x: string): string {
  if (rule.kind === "zero") return `$rt.why.zero(${x})`;
  if (rule.kind === "flags") return `$rt.why.flags(${x}, ${JSON.stringify(hex(rule.known))})`;
  return `$rt.why.enumValue(${x}, ${JSON.stringify(rule.values.map(String).join(", "))})`;
}

const specialsClause = (x: string, rule: Rule, asBig: boolean) =>
  rule.kind === "zero" ? "" : rule.specials.map((s) => ` && ${x} !== ${asBig ? big(s) : Number(s)}`).join("");

/** For number `x`; enum lists too long to compare one by one become a Set constant in `consts`. */
export function numberViolation(x: string, rule: Rule, consts: Consts): string {
  switch (rule.kind) {
    case "zero":
      return `${x} !== 0`;
    case "flags":
      return `(${x} & ${hex(~rule.lo >>> 0)}) !== 0${specialsClause(x, rule, false)}`;
    case "enum":
      return `(${enumTest(x, rule.values.map(Number), consts)})${specialsClause(x, rule, false)}`;
  }
}

function enumTest(x: string, values: number[], consts: Consts): string {
  if (values.length === 0) return "true";
  const min = values[0]!;
  const max = values[values.length - 1]!;
  if (max - min + 1 === values.length) {
    return min === 0 && values.every((v) => v >= 0) ? `${x} > ${max} || ${x} < 0` : `${x} < ${min} || ${x} > ${max}`;
  }
  if (values.length <= 6) return values.map((v) => `${x} !== ${v}`).join(" && ");
  return `!${consts.add(`new Set([${values.join(", ")}])`)}.has(${x})`;
}

/** For bigint `x`. */
export function bigViolation(x: string, rule: Rule): string {
  switch (rule.kind) {
    case "zero":
      return `${x} !== 0n`;
    case "flags":
      return `(${x} & ${big(~rule.known)}) !== 0n${specialsClause(x, rule, true)}`;
    case "enum": {
      const test = rule.values.length ? rule.values.map((v) => `${x} !== ${big(v)}`).join(" && ") : "true";
      return `(${test})${specialsClause(x, rule, true)}`;
    }
  }
}

/**
 * For a 64-bit integer member (bigint `x`) whose bytes are in view `v` at `base`: tested on the two 32-bit
 * halves, so the hot path does no bigint arithmetic, unless an enum value needs more than 32 bits.
 */
export function int64Violation(node: Node & { k: "int" }, base: string, x: string, rule: Rule): string {
  const le = node.le ? ", true" : "";
  const lo = `v.getUint32(${at(base, node.le ? node.off : node.off + 4)}${le})`;
  const hi = `v.getUint32(${at(base, node.le ? node.off + 4 : node.off)}${le})`;
  const halves = halvesViolation(lo, hi, rule);
  return halves ? `${halves}${specialsClause(x, rule, true)}` : bigViolation(x, rule);
}

function halvesViolation(lo: string, hi: string, rule: Rule): string | undefined {
  switch (rule.kind) {
    case "zero":
      return `(${lo} | ${hi}) !== 0`;
    case "flags": {
      const l = rule.lo === 0 ? lo : rule.lo === 0xffffffff ? "0" : `(${lo} & ${hex(~rule.lo >>> 0)})`;
      const h = rule.hi === 0 ? hi : rule.hi === 0xffffffff ? "0" : `(${hi} & ${hex(~rule.hi >>> 0)})`;
      return `(${l} | ${h}) !== 0`;
    }
    case "enum": {
      if (!rule.values.every((v) => v >= 0n && v < 1n << 32n)) return undefined;
      const values = rule.values.map(Number);
      if (values.length === 0) return "true";
      const max = values[values.length - 1]!;
      if (values[0] === 0 && max === values.length - 1) return `(${hi} | 0) !== 0 || ${lo} > ${max}`;
      return `${hi} !== 0 || ${values.map((v) => `${lo} !== ${v}`).join(" && ")}`;
    }
  }
}
