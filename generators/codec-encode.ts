/*
 * Encode statements, shared by the fast and the detailed body: zero the
 * bytes that no value covers, then check and write every member with its
 * own DataView call or lane store at a constant offset.  The view is `v`,
 * the struct's offset `o` (set up by codec-prologue.ts), the value `value`.
 */
import type { Chunk, Node, PlanField, Rule } from "./codec-plan.js";
import { bigViolation, int64Violation, numberViolation, ruleKind, ruleReason } from "./codec-rules.js";
import { at, big, hex, member, offExpr, pathExpr, splitRun } from "./codec-source.js";
import type { EncodeEmitter, Site } from "./codec-emitter.js";

/** The encode statements of the plan's struct (no `return`: the paths decide what follows). */
export function encodeStatements(e: EncodeEmitter): string[] {
  return [...zeroFill(e), ...encodeFields(e.plan.root, "value", "o", [], e)];
}

/** Zero the bytes encode must clear before writing (padding, bit-field bytes, unions, omittable fields). */
function zeroFill(e: EncodeEmitter): string[] {
  const plan = e.plan;
  const runs: [number, number][] = [];
  for (let i = 0; i < plan.size; i++) {
    if (!plan.zeroFirst[i]) continue;
    const last = runs[runs.length - 1];
    if (last && last[0] + last[1] === i) last[1]++;
    else runs.push([i, 1]);
  }
  if (runs.length > 48) return [`$rt.zeroRuns(v, o, ${e.consts.add(`[${runs.flat().join(", ")}]`)});`];
  const zero = (p: number, size: number) => {
    const lane = size === 4 ? e.laneAt32(p) : undefined;
    return lane ? `${lane} = 0;` : `v.setUint${size * 8}(${at("o", p)}, 0);`;
  };
  return runs.flatMap(([off, len]) =>
    len > 32 ? [`$rt.zero(v, ${at("o", off)}, ${len});`] : splitRun(off, len).map(([p, size]) => zero(p, size)),
  );
}

/** A member's checks: `if (test)` then the failure, reported with its value `x` and where it is. */
interface Checks {
  broken(test: string, kind: string, reason: string): string;
  rule(test: string, rule: Rule): string;
  type(test: string, expected: string): string;
}

/** Statements writing `x` (a JS expression already bound to a local) as `node`. */
function encodeNode(node: Node, x: string, base: string, idx: string[], e: EncodeEmitter): string[] {
  const site = (): Site => ({ path: pathExpr(node.path, idx), off: offExpr(base, node.off) });
  const check: Checks = {
    broken: (test, kind, reason) => `if (${test}) ${e.fail.broken(site(), kind, reason)}`,
    rule: (test, rule) => check.broken(test, ruleKind(rule), ruleReason(rule, x)),
    type: (test, expected) => `if (${test}) ${e.fail.badValue(site(), x, expected)}`,
  };
  switch (node.k) {
    case "int":
      return encodeInt(node, x, base, e, check);
    case "bool": {
      const p = at(base, node.off);
      const set =
        node.size === 1
          ? `setUint8(${p}, ${x} ? 1 : 0)`
          : `setUint${node.size * 8}(${p}, ${x} ? 1 : 0${e.plan.abi.endian === "little" ? ", true" : ""})`;
      return [check.type(`typeof ${x} !== "boolean"`, "_Bool (a boolean)"), `v.${set};`];
    }
    case "float":
      return [
        check.type(`typeof ${x} !== "number"`, `${node.ctype} (a number)`),
        `v.setFloat${node.size * 8}(${at(base, node.off)}, ${x}${node.le ? ", true" : ""});`,
      ];
    case "bytes": {
      const p = at(base, node.off);
      const out = [
        check.type(
          `!(${x} instanceof Uint8Array) || ${x}.length !== ${node.len}`,
          `${node.ctype} (a Uint8Array of ${node.len})`,
        ),
        `new Uint8Array(v.buffer, v.byteOffset + ${p}, ${node.len}).set(${x});`,
      ];
      if (node.rule?.kind === "zero") {
        const test = `$rt.firstNonZero(v, ${p}, ${node.len}) !== -1`;
        out.push(check.broken(test, "reserved", `"reserved bytes must be zero"`));
      }
      return out;
    }
    case "bits":
      return encodeBits(node, x, base, e, check);
    case "array": {
      const i = e.local("i");
      const p = e.local("p");
      const el = e.local("e");
      return [
        check.type(`!Array.isArray(${x}) || ${x}.length !== ${node.count}`, `an array of ${node.count}`),
        `for (let ${i} = 0; ${i} < ${node.count}; ${i}++) {`,
        `  const ${p} = ${at(base, node.off)} + ${i} * ${node.stride};`,
        `  const ${el} = ${x}[${i}];`,
        ...encodeNode(node.elem, el, p, [...idx, i], e).map((s) => `  ${s}`),
        `}`,
      ];
    }
    case "object": {
      const out = e.lean ? [] : [check.type(`typeof ${x} !== "object" || ${x} === null`, `${node.ctype} (an object)`)];
      out.push(...encodeFields(node, x, base, idx, e));
      return out;
    }
  }
}

function encodeInt(node: Node & { k: "int" }, x: string, base: string, e: EncodeEmitter, check: Checks): string[] {
  const p = at(base, node.off);
  const le = node.le ? ", true" : "";
  const bits = node.size * 8;
  const rule = node.rule;
  const wrap = `BigInt.${node.signed ? "asIntN" : "asUintN"}(${bits}, ${x})`;
  const bigintType = `${node.ctype} (a bigint)`;
  if (node.size === 8) {
    // BigInt.asUintN(64, x) compiles to a plain 64-bit truncation; comparing with x is the cheapest range check
    // measured.  Fast bodies skip the typeof: asUintN throws on a number, and is !== any non-bigint it accepts.
    const typeTest = e.lean ? "" : `typeof ${x} !== "bigint" || `;
    // A lane store (through BigUint64Array) writes the two's complement of a negative value, as setBigInt64 does.
    const lane = e.laneOf(node, base);
    const out = [
      check.type(`${typeTest}${wrap} !== ${x}`, bigintType),
      lane ? `${lane} = ${x};` : `v.${node.signed ? "setBigInt64" : "setBigUint64"}(${p}, ${x}${le});`,
    ];
    // Checked on the halves just written: no bigint arithmetic on the hot path.
    if (rule) out.push(check.rule(int64Violation(node, base, x, rule), rule));
    return out;
  }
  let n = x;
  const out: string[] = [];
  if (node.repr === "bigint") {
    out.push(check.type(`typeof ${x} !== "bigint" || ${wrap} !== ${x}`, bigintType));
    n = e.local("n");
    out.push(`const ${n} = Number(${x});`);
  } else {
    // Fast bodies: a bigint makes the range test throw TypeError, which lands in the detailed body; that one
    // checks the type first.
    const typeTest = e.lean ? "" : `typeof ${x} !== "number" || `;
    out.push(check.type(`${typeTest}${rangeTest(x, bits, node.signed)}`, node.ctype));
  }
  if (rule) out.push(check.rule(numberViolation(n, rule, e.consts), rule));
  // A 32-bit lane store (through Uint32Array) writes the two's complement of a negative value, as setInt32 does.
  const lane = e.laneOf(node, base);
  if (lane) out.push(`${lane} = ${n};`);
  else out.push(`v.${node.signed ? "setInt" : "setUint"}${bits}(${p}, ${n}${node.size > 1 ? le : ""});`);
  return out;
}

/** The JS keys an anonymous member contributes to its parent's object. */
function keysOf(fields: PlanField[]): string[] {
  return fields.flatMap((f) => (f.key !== undefined ? [f.key] : f.node.k === "object" ? keysOf(f.node.fields) : []));
}

type ObjectNode = Node & { k: "object" };

function encodeFields(node: ObjectNode, obj: string, base: string, idx: string[], e: EncodeEmitter): string[] {
  const out: string[] = [];
  const given = (keys: string[]) => keys.map((k) => `${member(obj, k)} !== undefined`).join(" || ");
  if (node.union && node.fields.some((f) => f.optional)) {
    // A union value gives exactly one member (an anonymous struct member counts once, whichever of its keys
    // are given).
    const members = node.fields
      .map((f) => (f.key !== undefined ? [f.key] : f.node.k === "object" ? keysOf(f.node.fields) : []))
      .filter((keys) => keys.length > 0);
    if (members.length > 0) {
      const count = members.map((keys) => `(${given(keys)} ? 1 : 0)`).join(" + ");
      const site = { path: pathExpr(node.path, idx), off: offExpr(base, node.off) };
      const reason = `$rt.why.union(${obj}, ${JSON.stringify(members)})`;
      out.push(`if (${count} !== 1) ${e.fail.broken(site, "type", reason)}`);
    }
  }
  for (const f of node.fields) {
    if (f.key === undefined) {
      if (f.node.k !== "object") continue;
      const inner = encodeFields(f.node, obj, base, idx, e);
      const keys = keysOf(f.node.fields);
      // An anonymous member of a union is written when any of its keys is given.
      if (f.optional && keys.length) out.push(`if (${given(keys)}) {`, ...inner.map((s) => `  ${s}`), `}`);
      else out.push(...inner);
      continue;
    }
    const x = e.local();
    out.push(`const ${x} = ${member(obj, f.key)};`);
    const body = encodeNode(f.node, x, base, idx, e);
    if (f.optional) out.push(`if (${x} !== undefined) {`, ...body.map((s) => `  ${s}`), `}`);
    else out.push(...body);
  }
  return out;
}

/** True when number `x` is not an integer that fits `bits` (8, 16 or 32) bits of the given signedness. */
function rangeTest(x: string, bits: number, signed: boolean): string {
  switch (`${signed ? "s" : "u"}${bits}`) {
    case "u8":
      return `(${x} & 0xff) !== ${x}`;
    case "s8":
      return `((${x} << 24) >> 24) !== ${x}`;
    case "u16":
      return `(${x} & 0xffff) !== ${x}`;
    case "s16":
      return `((${x} << 16) >> 16) !== ${x}`;
    case "u32":
      return `(${x} >>> 0) !== ${x}`;
    default:
      return `(${x} | 0) !== ${x}`;
  }
}

/** A bit-field OR'd into its (zeroed) bytes chunk by chunk; widths above 32 are split through a scratch DataView. */
function encodeBits(node: Node & { k: "bits" }, x: string, base: string, e: EncodeEmitter, check: Checks): string[] {
  const w = node.width;
  const rule = node.rule;
  const out: string[] = [];
  const or = (c: Chunk, part: string) => {
    const p = at(base, c.byte);
    const shifted = c.shift ? `(${part} << ${c.shift})` : part;
    out.push(`v.setUint8(${p}, v.getUint8(${p}) | ${shifted});`);
  };
  const m = (len: number) => 2 ** len - 1;
  if (node.repr === "number") {
    const [min, max] = node.signed ? [-(2 ** (w - 1)), 2 ** (w - 1) - 1] : [0, 2 ** w - 1];
    out.push(check.type(`!Number.isInteger(${x}) || ${x} < ${min} || ${x} > ${max}`, `${node.ctype} (a number)`));
    if (rule) out.push(check.rule(numberViolation(x, rule, e.consts), rule));
    const u = e.local("u");
    out.push(`const ${u} = ${w === 32 ? `${x} >>> 0` : `${x} & ${hex(m(w))}`};`);
    for (const c of node.chunks) or(c, `((${u} >>> ${c.j0}) & ${m(c.len)})`);
    return out;
  }
  const [min, max] = node.signed ? [-(1n << BigInt(w - 1)), (1n << BigInt(w - 1)) - 1n] : [0n, (1n << BigInt(w)) - 1n];
  const outside = `${x} < ${big(min)} || ${x} > ${big(max)}`;
  out.push(check.type(`typeof ${x} !== "bigint" || ${outside}`, `${node.ctype} (a bigint)`));
  if (rule) out.push(check.rule(bigViolation(x, rule), rule));
  const lo = e.local("lo");
  const hi = e.local("hi");
  out.push(
    `$rt.scratch64.${node.signed ? "setBigInt64" : "setBigUint64"}(0, ${x}, true);`,
    `const ${lo} = $rt.scratch64.getUint32(0, true);`,
    `const ${hi} = $rt.scratch64.getUint32(4, true);`,
  );
  for (const c of node.chunks) {
    if (c.j0 + c.len <= 32) or(c, `((${lo} >>> ${c.j0}) & ${m(c.len)})`);
    else if (c.j0 >= 32) or(c, `((${hi} >>> ${c.j0 - 32}) & ${m(c.len)})`);
    else or(c, `(((${lo} >>> ${c.j0}) | (${hi} << ${32 - c.j0})) & ${m(c.len)})`);
  }
  return out;
}
