/*
 * Decode statements, shared by the fast and the detailed body: read every
 * member with its own DataView call at a constant offset, test its rule,
 * check that padding is zero, and return the value as an object literal.
 * The view is `v`, the struct's offset `o` (set up by codec-prologue.ts).
 */
import type { Chunk, Node, PlanField, Rule } from "./codec-plan.js";
import { bigViolation, int64Violation, numberViolation, ruleKind, ruleReason } from "./codec-rules.js";
import { at, hex, literalKey, offExpr, pathExpr, splitRun } from "./codec-source.js";
import type { DecodeEmitter } from "./codec-emitter.js";

/** Statements that read a member, and the expression of its value. */
interface Piece {
  stmts: string[];
  expr: string;
}

/** Statements that read an object's members, and its literal's properties. */
interface Members {
  stmts: string[];
  props: string[];
}

/** `if (test)` then the failure at the member being read. */
type Check = (test: string, kind: string, reason: string) => string;

const checkRule = (check: Check, test: string, rule: Rule, x: string) =>
  check(test, ruleKind(rule), ruleReason(rule, x));

/** The decode statements of the plan's struct, ending in `return` of its value. */
export function decodeStatements(e: DecodeEmitter): string[] {
  // The members are walked before the padding: they take the first local names.
  const root = decodeNode(e.plan.root, "o", [], e);
  return [...paddingChecks(e), ...root.stmts, `return ${root.expr};`];
}

function decodeNode(node: Node, base: string, idx: string[], e: DecodeEmitter): Piece {
  const check: Check = (test, kind, reason) =>
    `if (${test}) ${e.fail.broken({ path: pathExpr(node.path, idx), off: offExpr(base, node.off) }, kind, reason)}`;
  switch (node.k) {
    case "int": {
      const x = e.local();
      const p = at(base, node.off);
      const le = node.le ? ", true" : "";
      const stmts: string[] = [];
      if (node.size === 8) {
        const lane = e.laneOf(node, base, node.signed);
        if (lane) stmts.push(`const ${x} = ${lane};`);
        else stmts.push(`const ${x} = v.${node.signed ? "getBigInt64" : "getBigUint64"}(${p}${le});`);
        if (node.rule) stmts.push(checkRule(check, int64Violation(node, base, x, node.rule), node.rule, x));
        return { stmts, expr: x };
      }
      const get = `${node.signed ? "getInt" : "getUint"}${node.size * 8}`;
      stmts.push(`const ${x} = v.${get}(${p}${node.size > 1 ? le : ""});`);
      if (node.rule) stmts.push(checkRule(check, numberViolation(x, node.rule, e.consts), node.rule, x));
      return { stmts, expr: node.repr === "bigint" ? `BigInt(${x})` : x };
    }
    case "bool": {
      const x = e.local();
      const p = at(base, node.off);
      const get =
        node.size === 1
          ? `getUint8(${p})`
          : `getUint${node.size * 8}(${p}${e.plan.abi.endian === "little" ? ", true" : ""})`;
      return {
        stmts: [`const ${x} = v.${get};`, check(`${x} > 1`, "range", `$rt.why.bool(${x})`)],
        expr: `${x} !== 0`,
      };
    }
    case "float": {
      const x = e.local();
      return {
        stmts: [`const ${x} = v.getFloat${node.size * 8}(${at(base, node.off)}${node.le ? ", true" : ""});`],
        expr: x,
      };
    }
    case "bytes": {
      const x = e.local();
      const p = at(base, node.off);
      const stmts = [`const ${x} = new Uint8Array(v.buffer, v.byteOffset + ${p}, ${node.len}).slice();`];
      if (node.rule?.kind === "zero") {
        stmts.push(check(`$rt.firstNonZero(v, ${p}, ${node.len}) !== -1`, "reserved", `"reserved bytes must be zero"`));
      }
      return { stmts, expr: x };
    }
    case "bits":
      return decodeBits(node, base, e, check);
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
      const { stmts, props } = decodeFields(node.fields, base, idx, e);
      return { stmts, expr: `{ ${props.join(", ")} }` };
    }
  }
}

/** The statements and literal properties of an object's members; an anonymous member's go to its parent, as in C. */
function decodeFields(fields: PlanField[], base: string, idx: string[], e: DecodeEmitter): Members {
  const stmts: string[] = [];
  const props: string[] = [];
  for (const f of fields) {
    if (f.key === undefined && f.node.k === "object") {
      const inner = decodeFields(f.node.fields, base, idx, e);
      stmts.push(...inner.stmts);
      props.push(...inner.props);
      continue;
    }
    const piece = decodeNode(f.node, base, idx, e);
    stmts.push(...piece.stmts);
    props.push(`${literalKey(f.key!)}: ${piece.expr}`);
  }
  return { stmts, props };
}

function chunkRead(c: Chunk, base: string): string {
  const byte = `v.getUint8(${at(base, c.byte)})`;
  const shifted = c.shift ? `(${byte} >>> ${c.shift})` : byte;
  return c.len === 8 ? shifted : `(${shifted} & ${(1 << c.len) - 1})`;
}

/** A bit-field from its byte chunks: summed as 32-bit halves (a bigint only at the end for widths above 32). */
function decodeBits(node: Node & { k: "bits" }, base: string, e: DecodeEmitter, check: Check): Piece {
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
  const rule = node.rule;
  if (node.repr === "number") {
    const raw = lo.join(" + ") || "0";
    const value = !node.signed ? raw : w === 32 ? `(${raw}) | 0` : `((${raw}) << ${32 - w}) >> ${32 - w}`;
    stmts.push(`const ${x} = ${value};`);
    if (rule) stmts.push(checkRule(check, numberViolation(x, rule, e.consts), rule, x));
  } else {
    const composed = `$rt.u64FromHalves(${lo.join(" + ") || "0"}, ${hi.join(" + ") || "0"})`;
    stmts.push(`const ${x} = ${node.signed ? `BigInt.asIntN(${w}, ${composed})` : composed};`);
    if (rule) stmts.push(checkRule(check, bigViolation(x, rule), rule, x));
  }
  return { stmts, expr: x };
}

/** Checks that every padding bit is zero, merged into runs; a table walk when there are very many. */
function paddingChecks(e: DecodeEmitter): string[] {
  const plan = e.plan;
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
    return [e.fail.paddingTable(table, e.local("b"))];
  }
  return runs.map((r) => {
    const broken = (len: number) =>
      e.fail.broken({ path: `"<padding>"`, off: String(r.off) }, "padding", `$rt.why.padding(${len})`);
    if (r.mask !== 0xff) return `if ((v.getUint8(${at("o", r.off)}) & ${hex(r.mask)}) !== 0) ${broken(1)}`;
    const reads = splitRun(r.off, r.len).map(([off, size]) => `v.getUint${size * 8}(${at("o", off)})`);
    const test =
      reads.length > 12
        ? `$rt.firstNonZero(v, ${at("o", r.off)}, ${r.len}) !== -1`
        : reads.length === 1
          ? `${reads[0]} !== 0`
          : `(${reads.join(" | ")}) !== 0`;
    return `if (${test}) ${broken(r.len)}`;
  });
}
