/*
 * Emit straight-line decode/encode function bodies from a codec plan.  The
 * bodies are plain JavaScript that also type-checks as TypeScript, so the
 * static modules (out/codecs/*.ts) and the run-time compiler wrap the very
 * same text.  The runtime is reached as `$rt` ('$' never occurs in a C
 * identifier, so nothing a spec names can clash with it).
 */
import type { Chunk, Node, Plan, PlanField, Rule } from "./codec-plan.js";
import { INHERITED_KEYS } from "../runtime/objects.js";

/**
 * Reading member `key` of the object in `obj`.  A key that ordinary objects
 * inherit (`constructor`, `toString`, `__proto__`, ...) is read as an own
 * property only, so a missing member is `undefined`, never Object.prototype's.
 */
const member = (obj: string, key: string) => (INHERITED_KEYS.has(key) ? `$rt.own(${obj}, ${JSON.stringify(key)})` : `${obj}[${JSON.stringify(key)}]`);
/** A property in an object literal: `__proto__` must be computed, or the literal would set the prototype. */
export const literalKey = (key: string) => (key === "__proto__" ? `[${JSON.stringify(key)}]` : JSON.stringify(key));

/** Module-level constants a body refers to (Sets for long enum lists, padding tables). */
export class Consts {
  readonly lines: string[] = [];
  private readonly byInit = new Map<string, string>();
  add(init: string): string {
    let name = this.byInit.get(init);
    if (!name) {
      name = `$k${this.byInit.size}`;
      this.byInit.set(init, name);
      this.lines.push(`const ${name} = ${init};`);
    }
    return name;
  }
}

/**
 * Bodies take these parameters: decode(bytes, offset, lenient), encode(value, into, offset).
 * The fast bodies are small enough for V8 to inline: on any violation they
 * hand over to the detailed bodies (`$slow(...)`, bound by the wrapper),
 * which redo the work and say exactly what is wrong.
 */
export interface Bodies {
  decode: string;
  encode: string;
  decodeDetail: string;
  encodeDetail: string;
}

/** The token fast bodies use to call their detailed twin; wrappers replace it with a function name. */
export const SLOW = "$slow";

const hex = (n: number | bigint) => `0x${n.toString(16)}`;
const big = (n: bigint) => (n < 0n ? `-${hex(-n)}n` : `${hex(n)}n`);
const at = (base: string, off: number) => (off === 0 ? base : `${base} + ${off}`);

/** Running state while emitting one body. */
class Emitter {
  private n = 0;
  readonly structLit: string;
  /** Set in fast bodies: the statement that hands over to the detailed body. */
  readonly handOver?: string;
  /** Fast encode: leave out object-shape checks (a TypeError falls through to the detailed body). */
  readonly lean: boolean;
  /** Fast bodies of structs with aligned 64-bit fields: those go through the 64-bit lanes `wu`/`ws` at word `wi`. */
  readonly lanes: boolean;
  constructor(readonly plan: Plan, readonly consts: Consts, handOver?: string, lean = false, lanes = false) {
    this.handOver = handOver;
    this.lean = lean;
    this.lanes = lanes;
    this.structLit = JSON.stringify(plan.name);
  }
  local(prefix = "x"): string {
    return `${prefix}${this.n++}`;
  }
}

/** The path of a member as a JS expression; "[]" markers take the loop indices in order. */
function pathExpr(path: string, indices: string[]): string {
  const parts = path.split("[]");
  if (parts.length === 1) return JSON.stringify(path);
  let out = JSON.stringify(parts[0]);
  for (let i = 1; i < parts.length; i++) out += ` + "[" + ${indices[i - 1] ?? "0"} + "]" + ${JSON.stringify(parts[i])}`;
  return out.replace(/ \+ ""/g, "");
}

const offExpr = (base: string, off: number) => (base === "o" ? String(off) : `${at(base, off)} - o`);

function knownText(rule: Rule): string {
  if (rule.kind === "flags") return hex(rule.known);
  if (rule.kind === "enum") return rule.values.map(String).join(", ");
  return "0";
}

const sortNum = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** A boolean JS expression that is true when number `x` breaks the rule (specials excluded). */
function numberViolation(x: string, rule: Rule, e: Emitter): string {
  const specials = rule.kind === "zero" ? [] : rule.specials.map((s) => ` && ${x} !== ${Number(s)}`).join("");
  switch (rule.kind) {
    case "zero": return `${x} !== 0`;
    case "flags": return `(${x} & ${hex(~rule.lo >>> 0)}) !== 0${specials}`;
    case "enum": return `(${enumTest(x, rule.values.map(Number), e)})${specials}`;
  }
}

function enumTest(x: string, values: number[], e: Emitter): string {
  if (values.length === 0) return "true";
  const min = values[0]!;
  const max = values[values.length - 1]!;
  if (max - min + 1 === values.length) return min === 0 && values.every((v) => v >= 0) ? `${x} > ${max} || ${x} < 0` : `${x} < ${min} || ${x} > ${max}`;
  if (values.length <= 6) return values.map((v) => `${x} !== ${v}`).join(" && ");
  return `!${e.consts.add(`new Set([${values.join(", ")}])`)}.has(${x})`;
}

/** For a 64-bit field: a violation test on its two 32-bit halves (no bigint arithmetic), or undefined when the rule needs bigint compares. */
function halvesViolation(lo: string, hi: string, rule: Rule): string | undefined {
  switch (rule.kind) {
    case "zero": return `(${lo} | ${hi}) !== 0`;
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

function bigViolation(x: string, rule: Rule): string {
  const specials = rule.kind === "zero" ? "" : rule.specials.map((s) => ` && ${x} !== ${big(s)}`).join("");
  switch (rule.kind) {
    case "zero": return `${x} !== 0n`;
    case "flags": return `(${x} & ${big(~rule.known)}) !== 0n${specials}`;
    case "enum": return `(${rule.values.length ? rule.values.map((v) => `${x} !== ${big(v)}`).join(" && ") : "true"})${specials}`;
  }
}

const ruleKind = (rule: Rule) => (rule.kind === "zero" ? "reserved" : rule.kind);
function ruleReason(rule: Rule, x: string): string {
  if (rule.kind === "zero") return `$rt.why.zero(${x})`;
  if (rule.kind === "flags") return `$rt.why.flags(${x}, ${JSON.stringify(knownText(rule))})`;
  return `$rt.why.enumValue(${x}, ${JSON.stringify(knownText(rule))})`;
}

const specialsClause = (x: string, rule: Rule, asBig: boolean) =>
  rule.kind === "zero" ? "" : rule.specials.map((s) => ` && ${x} !== ${asBig ? big(s) : Number(s)}`).join("");

/* ------------------------------------------------------------------ */
/* 64-bit lanes                                                        */
/* ------------------------------------------------------------------ */

/** A 64-bit integer in the ABI's own byte order (not `__be64` on a little-endian ABI) at an 8-aligned offset of the struct itself (not inside an array loop). */
const laneable = (node: Node, base: string, plan: Plan): boolean =>
  node.k === "int" && node.size === 8 && base === "o" && node.off % 8 === 0 && node.le === (plan.abi.endian === "little");
const onLane = (node: Node, base: string, e: Emitter) => e.lanes && laneable(node, base, e.plan);
const lane = (node: Node) => (node.off === 0 ? "wi" : `wi + ${node.off / 8}`);

/** Which lanes (unsigned for encode; per signedness for decode) a plan's fast body would use. */
function lanesUsed(plan: Plan, decode: boolean): { u: boolean; s: boolean; n: number } {
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

/**
 * Fast-body prologue for lanes: leave for the detailed body unless the
 * target's byte order is the host's, the view starts 8-aligned, `o` is an
 * 8-aligned index and the whole struct lies within the lanes (so no access
 * below can be out of bounds).
 */
function lanePrologue(plan: Plan, used: { u: boolean; s: boolean }): string[] {
  return [
    `const w = $rt.${plan.abi.endian === "little" ? "lanesAtLE" : "lanesAtBE"}(v, o, ${plan.size});`,
    "if (w === null) break ok;",
    ...(used.u ? ["const wu = w.u;"] : []),
    ...(used.s ? ["const ws = w.s;"] : []),
    "const wi = o >>> 3;",
  ];
}

/* ------------------------------------------------------------------ */
/* Decode                                                              */
/* ------------------------------------------------------------------ */

interface Piece {
  stmts: string[];
  expr: string;
}

function decodeNode(node: Node, base: string, idx: string[], e: Emitter): Piece {
  const path = () => pathExpr(node.path, idx);
  const report = (off: number, kind: string, reason: string) => e.handOver ?? `$rt.bad(lenient, ${e.structLit}, ${path()}, ${offExpr(base, off)}, "${kind}", ${reason});`;
  switch (node.k) {
    case "int": {
      const x = e.local();
      const p = at(base, node.off);
      const le = node.le ? ", true" : "";
      const stmts: string[] = [];
      if (node.size === 8) {
        if (onLane(node, base, e)) stmts.push(`const ${x} = ${node.signed ? "ws" : "wu"}[${lane(node)}];`);
        else stmts.push(`const ${x} = v.${node.signed ? "getBigInt64" : "getBigUint64"}(${p}${le});`);
        if (node.rule) {
          const loOff = node.le ? node.off : node.off + 4;
          const hiOff = node.le ? node.off + 4 : node.off;
          const halves = halvesViolation(`v.getUint32(${at(base, loOff)}${le})`, `v.getUint32(${at(base, hiOff)}${le})`, node.rule);
          const test = halves ? `${halves}${specialsClause(x, node.rule, true)}` : bigViolation(x, node.rule);
          stmts.push(`if (${test}) ${report(node.off, ruleKind(node.rule), ruleReason(node.rule, x))}`);
        }
        return { stmts, expr: x };
      }
      const get = `${node.signed ? "getInt" : "getUint"}${node.size * 8}`;
      stmts.push(`const ${x} = v.${get}(${p}${node.size > 1 ? le : ""});`);
      if (node.rule) stmts.push(`if (${numberViolation(x, node.rule, e)}) ${report(node.off, ruleKind(node.rule), ruleReason(node.rule, x))}`);
      return { stmts, expr: node.repr === "bigint" ? `BigInt(${x})` : x };
    }
    case "bool": {
      const x = e.local();
      const get = node.size === 1 ? `getUint8(${at(base, node.off)})` : `getUint${node.size * 8}(${at(base, node.off)}${e.plan.abi.endian === "little" ? ", true" : ""})`;
      return { stmts: [`const ${x} = v.${get};`, `if (${x} > 1) ${report(node.off, "range", `$rt.why.bool(${x})`)}`], expr: `${x} !== 0` };
    }
    case "float": {
      const x = e.local();
      return { stmts: [`const ${x} = v.getFloat${node.size * 8}(${at(base, node.off)}${node.le ? ", true" : ""});`], expr: x };
    }
    case "bytes": {
      const x = e.local();
      const stmts = [`const ${x} = new Uint8Array(v.buffer, v.byteOffset + ${at(base, node.off)}, ${node.len}).slice();`];
      if (node.rule?.kind === "zero") stmts.push(`if ($rt.firstNonZero(v, ${at(base, node.off)}, ${node.len}) !== -1) ${report(node.off, "reserved", `"reserved bytes must be zero"`)}`);
      return { stmts, expr: x };
    }
    case "bits": return decodeBits(node, base, e, report);
    case "array": {
      const a = e.local("a");
      const i = e.local("i");
      const p = e.local("p");
      const inner = decodeNode(node.elem, p, [...idx, i], e);
      return {
        stmts: [
          `const ${a} = new Array(${node.count});`,
          `for (let ${i} = 0; ${i} < ${node.count}; ${i}++) {`,
          `  const ${p} = ${at(base, node.off)} + ${i} * ${node.stride};`,
          ...inner.stmts.map((s) => `  ${s}`),
          `  ${a}[${i}] = ${inner.expr};`,
          `}`,
        ],
        expr: a,
      };
    }
    case "object": {
      const stmts: string[] = [];
      const props: string[] = [];
      const walk = (fields: PlanField[]) => {
        for (const f of fields) {
          const piece = decodeNode(f.node, base, idx, e);
          stmts.push(...piece.stmts);
          if (f.key === undefined && f.node.k === "object") props.push(...spliced(piece.expr));
          else props.push(`${literalKey(f.key!)}: ${piece.expr}`);
        }
      };
      walk(node.fields);
      return { stmts, expr: `{ ${props.join(", ")} }` };
    }
  }
}

/** An anonymous member's literal, spread into its parent's literal property by property. */
function spliced(literal: string): string[] {
  const inner = literal.slice(2, -2).trim();
  return inner ? [inner] : [];
}

function chunkRead(c: Chunk, base: string): string {
  const byte = `v.getUint8(${at(base, c.byte)})`;
  const shifted = c.shift ? `(${byte} >>> ${c.shift})` : byte;
  return c.len === 8 ? shifted : `(${shifted} & ${(1 << c.len) - 1})`;
}

function decodeBits(node: Node & { k: "bits" }, base: string, e: Emitter, report: (off: number, kind: string, reason: string) => string): Piece {
  const lo: string[] = [];
  const hi: string[] = [];
  for (const c of node.chunks) {
    const part = chunkRead(c, base);
    if (c.j0 + c.len <= 32) lo.push(c.j0 === 0 ? part : `${part} * ${2 ** c.j0}`);
    else if (c.j0 >= 32) hi.push(c.j0 === 32 ? part : `${part} * ${2 ** (c.j0 - 32)}`);
    else {
      const lowBits = 32 - c.j0;
      lo.push(`(${part} & ${2 ** lowBits - 1}) * ${2 ** c.j0}`);
      hi.push(`(${part} >>> ${lowBits})`);
    }
  }
  const x = e.local();
  const stmts: string[] = [];
  const w = node.width;
  if (node.repr === "number") {
    const raw = lo.join(" + ") || "0";
    const value = !node.signed ? raw : w === 32 ? `(${raw}) | 0` : `((${raw}) << ${32 - w}) >> ${32 - w}`;
    stmts.push(`const ${x} = ${value};`);
    if (node.rule) stmts.push(`if (${numberViolation(x, node.rule, e)}) ${report(node.off, ruleKind(node.rule), ruleReason(node.rule, x))}`);
  } else {
    const composed = `$rt.u64FromHalves(${lo.join(" + ") || "0"}, ${hi.join(" + ") || "0"})`;
    stmts.push(`const ${x} = ${node.signed ? `BigInt.asIntN(${w}, ${composed})` : composed};`);
    if (node.rule) stmts.push(`if (${bigViolation(x, node.rule)}) ${report(node.off, ruleKind(node.rule), ruleReason(node.rule, x))}`);
  }
  return { stmts, expr: x };
}

/** Checks that every padding bit is zero, merged into runs; a table walk when there are very many. */
function paddingChecks(plan: Plan, e: Emitter): string[] {
  const runs: { off: number; len: number; mask: number }[] = [];
  for (let i = 0; i < plan.size; i++) {
    const pad = ~plan.used[i]! & 0xff;
    if (pad === 0) continue;
    const last = runs[runs.length - 1];
    if (pad === 0xff && last && last.mask === 0xff && last.off + last.len === i) last.len++;
    else runs.push({ off: i, len: 1, mask: pad });
  }
  if (runs.length > 48) {
    const table = e.consts.add(`[${runs.flatMap((r) => [r.off, r.len, r.mask]).join(", ")}]`);
    const bad = e.local("b");
    if (e.handOver) return [`if ($rt.paddingAt(v, o, ${table}, 0) !== -1) ${e.handOver}`];
    return [`for (let ${bad} = $rt.paddingAt(v, o, ${table}, 0); ${bad} !== -1; ${bad} = $rt.paddingAt(v, o, ${table}, ${bad} + 1)) $rt.bad(lenient, ${e.structLit}, "<padding>", ${bad}, "padding", $rt.why.padding(1));`];
  }
  return runs.map((r) => {
    if (r.mask !== 0xff) return `if ((v.getUint8(${at("o", r.off)}) & ${hex(r.mask)}) !== 0) ${e.handOver ?? `$rt.bad(lenient, ${e.structLit}, "<padding>", ${r.off}, "padding", $rt.why.padding(1));`}`;
    const reads = splitRun(r.off, r.len).map(([off, size]) => `v.getUint${size * 8}(${at("o", off)})`);
    const test = reads.length > 12 ? `$rt.firstNonZero(v, ${at("o", r.off)}, ${r.len}) !== -1` : reads.length === 1 ? `${reads[0]} !== 0` : `(${reads.join(" | ")}) !== 0`;
    if (e.handOver) return `if (${test}) ${e.handOver}`;
    return `if (${test}) $rt.bad(lenient, ${e.structLit}, "<padding>", ${r.off}, "padding", $rt.why.padding(${r.len}));`;
  });
}

/** A byte run as the widest naturally-sized pieces (4, 2, 1). */
function splitRun(off: number, len: number): [number, number][] {
  const out: [number, number][] = [];
  let i = off;
  const end = off + len;
  while (i < end) {
    const size = end - i >= 4 ? 4 : end - i >= 2 ? 2 : 1;
    out.push([i, size]);
    i += size;
  }
  return out;
}

/** The detailed bodies' prologue: the view (CodecError naming the struct for anything but a DataView or Uint8Array) and the bounds check. */
function detailedPrologue(plan: Plan, e: Emitter, bytes: string): string[] {
  return [
    `const v = $rt.viewFor(${bytes}, ${e.structLit}${bytes === "out" ? ", true" : ""});`,
    `const o = offset;`,
    // typeof first: a bigint offset must not reach `>>>` (TypeError).  lengthOf is 0 for a detached buffer.
    `if (typeof o !== "number" || (o >>> 0) !== o || o + ${plan.size} > $rt.lengthOf(v)) $rt.truncated(${e.structLit}, ${plan.size}, o, $rt.lengthOf(v));`,
  ];
}

export function decodeBody(plan: Plan, consts: Consts, fast = false): string {
  // A struct of no bytes reads nothing, so a fast body could not notice bad arguments: only the detailed body.
  if (fast && plan.size === 0) return `return ${SLOW}(bytes, offset, lenient);`;
  const used = lanesUsed(plan, true);
  const lanes = fast && (used.u || used.s);
  // Fast bodies leave their labelled block on any violation (a one-instruction jump keeps them small enough to inline).
  const e = new Emitter(plan, consts, fast ? "break ok;" : undefined, false, lanes);
  const root = decodeNode(plan.root, "o", [], e);
  const body = [...paddingChecks(plan, e), ...root.stmts, `return ${root.expr};`];
  if (!fast) return [...detailedPrologue(plan, e, "bytes"), ...body].join("\n");
  // fastView never throws: for anything but a DataView or Uint8Array it gives an empty view, so the body hands over.
  if (lanes) {
    // Bounds (and the offset's type) are checked against the lanes up front and nothing else can throw: no try/catch.
    return [
      "ok: {",
      "  const v = bytes instanceof DataView ? bytes : $rt.fastView(bytes);",
      "  const o = offset;",
      ...lanePrologue(plan, used).map((l) => `  ${l}`),
      ...body.map((l) => `  ${l}`),
      "}",
      `return ${SLOW}(bytes, offset, lenient);`,
    ].join("\n");
  }
  // The fast body lets DataView's own bounds check catch a short buffer (reading byteLength is a call in V8 11);
  // the offset check sits inside the try, where a bigint's TypeError from `>>>` is caught too.
  return [
    "ok: {",
    "  const v = bytes instanceof DataView ? bytes : $rt.fastView(bytes);",
    "  const o = offset;",
    "  try {",
    "    if ((o >>> 0) !== o) break ok;",
    ...body.map((l) => `    ${l}`),
    "  } catch {",
    "    break ok;",
    "  }",
    "}",
    `return ${SLOW}(bytes, offset, lenient);`,
  ].join("\n");
}

/* ------------------------------------------------------------------ */
/* Encode                                                              */
/* ------------------------------------------------------------------ */

/** Statements writing `x` (a JS expression already bound to a local) as `node`. */
function encodeNode(node: Node, x: string, base: string, idx: string[], e: Emitter): string[] {
  const path = () => pathExpr(node.path, idx);
  const off = (o: number) => offExpr(base, o);
  const failWith = (o: number, kind: string, reason: string) => e.handOver ?? `$rt.fail(${e.structLit}, ${path()}, ${off(o)}, "${kind}", ${reason});`;
  const badValue = (o: number, expected: string) => e.handOver ?? `$rt.badValue(${e.structLit}, ${path()}, ${off(o)}, ${x}, ${JSON.stringify(expected)});`;
  switch (node.k) {
    case "int": {
      const p = at(base, node.off);
      const le = node.le ? ", true" : "";
      const bits = node.size * 8;
      if (node.size === 8) {
        // BigInt.asUintN(64, x) compiles to a plain 64-bit truncation; comparing with x is the cheapest range check measured.
        const out = [
          // (Fast bodies skip the typeof: asUintN throws on a number, and is !== any non-bigint it accepts.)
          `if (${e.lean ? "" : `typeof ${x} !== "bigint" || `}BigInt.${node.signed ? "asIntN" : "asUintN"}(64, ${x}) !== ${x}) ${badValue(node.off, `${node.ctype} (a bigint)`)}`,
          // A lane store writes the two's complement of a negative value, as setBigInt64 does.
          onLane(node, base, e) ? `wu[${lane(node)}] = ${x};` : `v.${node.signed ? "setBigInt64" : "setBigUint64"}(${p}, ${x}${le});`,
        ];
        if (node.rule) {
          // Checked on the halves just written: no bigint arithmetic on the hot path.
          const loOff = node.le ? node.off : node.off + 4;
          const hiOff = node.le ? node.off + 4 : node.off;
          const halves = halvesViolation(`v.getUint32(${at(base, loOff)}${le})`, `v.getUint32(${at(base, hiOff)}${le})`, node.rule);
          const test = halves ? `${halves}${specialsClause(x, node.rule, true)}` : bigViolation(x, node.rule);
          out.push(`if (${test}) ${failWith(node.off, ruleKind(node.rule), ruleReason(node.rule, x))}`);
        }
        return out;
      }
      const setter = `${node.signed ? "setInt" : "setUint"}${bits}`;
      const le2 = node.size > 1 ? le : "";
      let n = x;
      const out: string[] = [];
      if (node.repr === "bigint") {
        out.push(`if (typeof ${x} !== "bigint" || BigInt.${node.signed ? "asIntN" : "asUintN"}(${bits}, ${x}) !== ${x}) ${badValue(node.off, `${node.ctype} (a bigint)`)}`);
        n = e.local("n");
        out.push(`const ${n} = Number(${x});`);
      } else {
        // Fast bodies: a bigint makes the range test throw TypeError, which lands in the detailed body; that one checks the type first.
        out.push(`if (${e.lean ? "" : `typeof ${x} !== "number" || `}${rangeTest(x, bits, node.signed)}) ${badValue(node.off, node.ctype)}`);
      }
      if (node.rule) out.push(`if (${numberViolation(n, node.rule, e)}) ${failWith(node.off, ruleKind(node.rule), ruleReason(node.rule, x))}`);
      out.push(`v.${setter}(${p}, ${n}${le2});`);
      return out;
    }
    case "bool": {
      const p = at(base, node.off);
      const set = node.size === 1 ? `setUint8(${p}, ${x} ? 1 : 0)` : `setUint${node.size * 8}(${p}, ${x} ? 1 : 0${e.plan.abi.endian === "little" ? ", true" : ""})`;
      return [`if (typeof ${x} !== "boolean") ${badValue(node.off, "_Bool (a boolean)")}`, `v.${set};`];
    }
    case "float":
      return [`if (typeof ${x} !== "number") ${badValue(node.off, `${node.ctype} (a number)`)}`, `v.setFloat${node.size * 8}(${at(base, node.off)}, ${x}${node.le ? ", true" : ""});`];
    case "bytes": {
      const out = [
        `if (!(${x} instanceof Uint8Array) || ${x}.length !== ${node.len}) ${badValue(node.off, `${node.ctype} (a Uint8Array of ${node.len})`)}`,
        `new Uint8Array(v.buffer, v.byteOffset + ${at(base, node.off)}, ${node.len}).set(${x});`,
      ];
      if (node.rule?.kind === "zero") out.push(`if ($rt.firstNonZero(v, ${at(base, node.off)}, ${node.len}) !== -1) ${failWith(node.off, "reserved", `"reserved bytes must be zero"`)}`);
      return out;
    }
    case "bits": return encodeBits(node, x, base, e, badValue, failWith);
    case "array": {
      const i = e.local("i");
      const p = e.local("p");
      const el = e.local("e");
      return [
        `if (!Array.isArray(${x}) || ${x}.length !== ${node.count}) ${badValue(node.off, `an array of ${node.count}`)}`,
        `for (let ${i} = 0; ${i} < ${node.count}; ${i}++) {`,
        `  const ${p} = ${at(base, node.off)} + ${i} * ${node.stride};`,
        `  const ${el} = ${x}[${i}];`,
        ...encodeNode(node.elem, el, p, [...idx, i], e).map((s) => `  ${s}`),
        `}`,
      ];
    }
    case "object": {
      const out = e.lean ? [] : [`if (typeof ${x} !== "object" || ${x} === null) ${badValue(node.off, `${node.ctype} (an object)`)}`];
      out.push(...encodeFields(node, x, base, idx, e));
      return out;
    }
  }
}

/** The JS keys an anonymous member contributes to its parent's object. */
function keysOf(fields: PlanField[]): string[] {
  return fields.flatMap((f) => (f.key !== undefined ? [f.key] : f.node.k === "object" ? keysOf(f.node.fields) : []));
}

function encodeFields(node: Node & { k: "object" }, obj: string, base: string, idx: string[], e: Emitter): string[] {
  const out: string[] = [];
  if (node.union && node.fields.some((f) => f.optional)) {
    // A union value gives exactly one member (an anonymous struct member counts once, whichever of its keys are given).
    const members = node.fields.map((f) => (f.key !== undefined ? [f.key] : f.node.k === "object" ? keysOf(f.node.fields) : [])).filter((keys) => keys.length > 0);
    if (members.length > 0) {
      const given = members.map((keys) => `(${keys.map((k) => `${member(obj, k)} !== undefined`).join(" || ")} ? 1 : 0)`);
      const reason = `$rt.why.union(${obj}, ${JSON.stringify(members)})`;
      out.push(`if (${given.join(" + ")} !== 1) ${e.handOver ?? `$rt.fail(${e.structLit}, ${pathExpr(node.path, idx)}, ${offExpr(base, node.off)}, "type", ${reason});`}`);
    }
  }
  for (const f of node.fields) {
    if (f.key === undefined) {
      if (f.node.k !== "object") continue;
      const inner = encodeFields(f.node, obj, base, idx, e);
      const keys = keysOf(f.node.fields);
      // An anonymous member of a union is written when any of its keys is given.
      if (f.optional && keys.length) out.push(`if (${keys.map((k) => `${member(obj, k)} !== undefined`).join(" || ")}) {`, ...inner.map((s) => `  ${s}`), `}`);
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

function rangeTest(x: string, bits: number, signed: boolean): string {
  switch (`${signed ? "s" : "u"}${bits}`) {
    case "u8": return `(${x} & 0xff) !== ${x}`;
    case "s8": return `((${x} << 24) >> 24) !== ${x}`;
    case "u16": return `(${x} & 0xffff) !== ${x}`;
    case "s16": return `((${x} << 16) >> 16) !== ${x}`;
    case "u32": return `(${x} >>> 0) !== ${x}`;
    default: return `(${x} | 0) !== ${x}`;
  }
}

function encodeBits(node: Node & { k: "bits" }, x: string, base: string, e: Emitter, badValue: (o: number, expected: string) => string, failWith: (o: number, kind: string, reason: string) => string): string[] {
  const w = node.width;
  const out: string[] = [];
  const or = (c: Chunk, part: string) => {
    const p = at(base, c.byte);
    const shifted = c.shift ? `(${part} << ${c.shift})` : part;
    out.push(`v.setUint8(${p}, v.getUint8(${p}) | ${shifted});`);
  };
  const m = (len: number) => 2 ** len - 1;
  if (node.repr === "number") {
    const [min, max] = node.signed ? [-(2 ** (w - 1)), 2 ** (w - 1) - 1] : [0, 2 ** w - 1];
    out.push(`if (!Number.isInteger(${x}) || ${x} < ${min} || ${x} > ${max}) ${badValue(node.off, `${node.ctype} (a number)`)}`);
    if (node.rule) out.push(`if (${numberViolation(x, node.rule, e)}) ${failWith(node.off, ruleKind(node.rule), ruleReason(node.rule, x))}`);
    const u = e.local("u");
    out.push(`const ${u} = ${w === 32 ? `${x} >>> 0` : `${x} & ${hex(m(w))}`};`);
    for (const c of node.chunks) or(c, `((${u} >>> ${c.j0}) & ${m(c.len)})`);
    return out;
  }
  const [min, max] = node.signed ? [-(1n << BigInt(w - 1)), (1n << BigInt(w - 1)) - 1n] : [0n, (1n << BigInt(w)) - 1n];
  out.push(`if (typeof ${x} !== "bigint" || ${x} < ${big(min)} || ${x} > ${big(max)}) ${badValue(node.off, `${node.ctype} (a bigint)`)}`);
  if (node.rule) out.push(`if (${bigViolation(x, node.rule)}) ${failWith(node.off, ruleKind(node.rule), ruleReason(node.rule, x))}`);
  // Split through memory, not bigint arithmetic.
  const lo = e.local("lo");
  const hi = e.local("hi");
  out.push(`$rt.scratch64.${node.signed ? "setBigInt64" : "setBigUint64"}(0, ${x}, true);`, `const ${lo} = $rt.scratch64.getUint32(0, true);`, `const ${hi} = $rt.scratch64.getUint32(4, true);`);
  for (const c of node.chunks) {
    if (c.j0 + c.len <= 32) or(c, `((${lo} >>> ${c.j0}) & ${m(c.len)})`);
    else if (c.j0 >= 32) or(c, `((${hi} >>> ${c.j0 - 32}) & ${m(c.len)})`);
    else or(c, `(((${lo} >>> ${c.j0}) | (${hi} << ${32 - c.j0})) & ${m(c.len)})`);
  }
  return out;
}

/** Zero the bytes encode must clear before writing (padding, bit-field bytes, unions, omittable fields). */
function zeroFill(plan: Plan, e: Emitter): string[] {
  const runs: [number, number][] = [];
  for (let i = 0; i < plan.size; i++) {
    if (!plan.zeroFirst[i]) continue;
    const last = runs[runs.length - 1];
    if (last && last[0] + last[1] === i) last[1]++;
    else runs.push([i, 1]);
  }
  if (runs.length > 48) return [`$rt.zeroRuns(v, o, ${e.consts.add(`[${runs.flat().join(", ")}]`)});`];
  return runs.flatMap(([off, len]) => (len > 32 ? [`$rt.zero(v, ${at("o", off)}, ${len});`] : splitRun(off, len).map(([p, size]) => `v.setUint${size * 8}(${at("o", p)}, 0);`)));
}

export function encodeBody(plan: Plan, consts: Consts, fast = false): string {
  if (fast && plan.size === 0) return `return ${SLOW}(value, into, offset);`;
  const used = lanesUsed(plan, false);
  // With a single 64-bit field the lanes' prologue and extent re-check cost more than the one store saves
  // (measured on iio_buffer_block: 0.54x vs 0.75x baseline (b)).
  const lanes = fast && used.n >= 2;
  const e = new Emitter(plan, consts, fast ? "break ok;" : undefined, fast, lanes);
  const body = [...zeroFill(plan, e), ...encodeFields(plan.root, "value", "o", [], e)];
  if (!fast) {
    return [
      `if (typeof value !== "object" || value === null) $rt.badValue(${e.structLit}, "", 0, value, ${JSON.stringify(`${plan.name} (an object)`)});`,
      `const out = into === undefined ? new Uint8Array(${plan.size}) : into;`,
      ...detailedPrologue(plan, e, "out"),
      // The value's getters run between the writes: one that detaches or shrinks the target is reported as truncated.
      "try {",
      ...body.map((l) => `  ${l}`),
      "} catch (err) {",
      `  throw $rt.encodeFailure(err, ${e.structLit}, ${plan.size}, o, $rt.lengthOf(v));`,
      "}",
      `if (o + ${plan.size} > $rt.lengthOf(v)) $rt.truncated(${e.structLit}, ${plan.size}, o, $rt.lengthOf(v));`,
      `return out;`,
    ].join("\n");
  }
  if (lanes) {
    // A getter on the value could detach or shrink the buffer, after which lane stores are silently dropped:
    // re-check the lanes' extent before reporting success.
    return [
      "ok: {",
      `  const out = into === undefined ? new Uint8Array(${plan.size}) : into;`,
      "  const v = out instanceof DataView ? out : $rt.fastView(out);",
      "  const o = offset;",
      ...lanePrologue(plan, used).map((l) => `  ${l}`),
      "  try {",
      ...body.map((l) => `    ${l}`),
      `    if (o + ${plan.size} > wu.length * 8) break ok;`,
      "    return out;",
      "  } catch {",
      "    break ok;",
      "  }",
      "}",
      `return ${SLOW}(value, into, offset);`,
    ].join("\n");
  }
  // Fast body: no object-shape or byteLength checks -- a TypeError or RangeError from them lands in the detailed body.
  return [
    "ok: {",
    `  const out = into === undefined ? new Uint8Array(${plan.size}) : into;`,
    "  const v = out instanceof DataView ? out : $rt.fastView(out);",
    "  const o = offset;",
    "  try {",
    "    if ((o >>> 0) !== o) break ok;",
    ...body.map((l) => `    ${l}`),
    "    return out;",
    "  } catch {",
    "    break ok;",
    "  }",
    "}",
    `return ${SLOW}(value, into, offset);`,
  ].join("\n");
}

export function emitBodies(plan: Plan, consts: Consts): Bodies {
  return { decode: decodeBody(plan, consts, true), encode: encodeBody(plan, consts, true), decodeDetail: decodeBody(plan, consts), encodeDetail: encodeBody(plan, consts) };
}

/* ------------------------------------------------------------------ */
/* TypeScript value types                                              */
/* ------------------------------------------------------------------ */

/** The TS type of a node; named records are referred to by name unless `expand` is set (the record's own declaration). */
export function typeText(node: Node, indent: string, expand = false): string {
  switch (node.k) {
    case "int": case "bits": return node.repr;
    case "bool": return "boolean";
    case "float": return "number";
    case "bytes": return "Uint8Array";
    case "array": {
      const el = typeText(node.elem, indent);
      return /^[\w$]+$/.test(el) ? `${el}[]` : `Array<${el}>`;
    }
    case "object": {
      if (node.typeName && !expand) return node.typeName;
      const lines = propLines(node.fields, `${indent}  `);
      return lines.length ? `{\n${lines.join("\n")}\n${indent}}` : "{}";
    }
  }
}

function propLines(fields: PlanField[], indent: string, forceOptional = false): string[] {
  return fields.flatMap((f) => {
    if (f.key === undefined) return f.node.k === "object" ? propLines(f.node.fields, indent, forceOptional || f.optional) : [];
    const doc = f.node.k === "object" || f.node.k === "array" ? "" : ` // ${f.node.ctype}${f.node.k !== "bytes" && f.node.k !== "bool" && f.node.k !== "float" && f.node.rule ? ` (${f.node.rule.kind === "zero" ? "must be zero" : f.node.rule.kind === "flags" ? `flags ${f.node.rule.set}` : `enum ${f.node.rule.name}`})` : ""}`;
    return [`${indent}${JSON.stringify(f.key)}${f.optional || forceOptional ? "?" : ""}: ${typeText(f.node, indent)};${doc}`];
  });
}

export { sortNum };
