/*
 * Codec values as JSON and as an annotated byte dump, driven by the codec
 * plan (the CLI's `uapi decode/encode`).  JSON cannot hold a bigint, so
 * 64-bit and ABI-sized integers travel as decimal strings; byte arrays as
 * hex strings.  Input also accepts numbers and "0x..." strings for integers.
 */
import { toHex, fromHex } from "../runtime/bytes.js";
import type { Node, Plan, PlanField } from "./codec-plan.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A decoded value as JSON. */
export function valueToJson(value: unknown, node: Node): Json {
  switch (node.k) {
    case "int": case "bits": return typeof value === "bigint" ? value.toString() : (value as number);
    case "bool": return value as boolean;
    case "float": return Number.isFinite(value as number) ? (value as number) : String(value);
    case "bytes": return toHex(value as Uint8Array);
    case "array": return (value as unknown[]).map((x) => valueToJson(x, node.elem));
    case "object": {
      const out: { [k: string]: Json } = {};
      const walk = (fields: PlanField[]) => {
        for (const f of fields) {
          if (f.key === undefined) { if (f.node.k === "object") walk(f.node.fields); continue; }
          const v = (value as Record<string, unknown>)[f.key];
          if (v !== undefined) out[f.key] = valueToJson(v, f.node);
        }
      };
      walk(node.fields);
      return out;
    }
  }
}

/** Thrown for JSON that does not fit the struct's shape; `path` names the member. */
export class JsonShapeError extends Error {
  constructor(readonly path: string, message: string) {
    super(`${path || "<value>"}: ${message}`);
  }
}

function integer(json: unknown, path: string): bigint {
  if (typeof json === "number" && Number.isInteger(json)) return BigInt(json);
  if (typeof json === "string" && /^-?(0x[0-9a-f]+|0b[01]+|0o[0-7]+|\d+)$/i.test(json.trim())) {
    const t = json.trim();
    return t.startsWith("-") ? -BigInt(t.slice(1)) : BigInt(t);
  }
  throw new JsonShapeError(path, `expected an integer (a number, or a string such as "42" or "0xff"), got ${JSON.stringify(json)}`);
}

/** JSON (as a user writes it) to a value the codec accepts.  Range checks are left to the codec. */
export function jsonToValue(json: unknown, node: Node, path = ""): unknown {
  switch (node.k) {
    case "int": case "bits": {
      const n = integer(json, path);
      return node.repr === "bigint" ? n : Number(n);
    }
    case "bool":
      if (typeof json === "boolean") return json;
      if (json === 0 || json === 1) return json === 1;
      throw new JsonShapeError(path, `expected true or false, got ${JSON.stringify(json)}`);
    case "float":
      if (typeof json === "number") return json;
      if (typeof json === "string" && !Number.isNaN(Number(json))) return Number(json);
      throw new JsonShapeError(path, `expected a number, got ${JSON.stringify(json)}`);
    case "bytes":
      if (typeof json === "string") {
        try { return fromHex(json); } catch (e) { throw new JsonShapeError(path, (e as Error).message); }
      }
      if (Array.isArray(json) && json.every((b) => Number.isInteger(b) && b >= -128 && b <= 255)) return Uint8Array.from(json as number[]);
      throw new JsonShapeError(path, `expected a hex string or an array of bytes, got ${JSON.stringify(json)}`);
    case "array":
      if (!Array.isArray(json)) throw new JsonShapeError(path, `expected an array of ${node.count}, got ${JSON.stringify(json)}`);
      return json.map((x, i) => jsonToValue(x, node.elem, `${path}[${i}]`));
    case "object": {
      if (typeof json !== "object" || json === null || Array.isArray(json)) throw new JsonShapeError(path, `expected an object, got ${JSON.stringify(json)}`);
      const out: Record<string, unknown> = {};
      const known = new Set<string>();
      const walk = (fields: PlanField[]) => {
        for (const f of fields) {
          if (f.key === undefined) { if (f.node.k === "object") walk(f.node.fields); continue; }
          known.add(f.key);
          const v = (json as Record<string, unknown>)[f.key];
          if (v !== undefined) out[f.key] = jsonToValue(v, f.node, path ? `${path}.${f.key}` : f.key);
        }
      };
      walk(node.fields);
      for (const k of Object.keys(json)) if (!known.has(k)) throw new JsonShapeError(path, `unknown member '${k}' (members: ${[...known].join(", ") || "none"})`);
      return out;
    }
  }
}

export interface DumpLine {
  offset: number;
  size: number;
  /** Hex of the bytes the line covers. */
  hex: string;
  /** Member path, or "<padding>". */
  name: string;
  /** C type, or "" for padding. */
  ctype: string;
  /** The decoded value, as text. */
  value: string;
  /** For a bit-field: "bits 3..5 of these bytes". */
  bits?: string;
}

/** A pahole-like listing: one line per value leaf (arrays expanded) and per padding run, in offset order. */
export function dumpLines(plan: Plan, value: unknown, bytes: Uint8Array): DumpLine[] {
  const lines: DumpLine[] = [];
  const hexAt = (off: number, size: number) => toHex(bytes.subarray(off, off + size));
  const show = (v: unknown): string => (typeof v === "bigint" ? `${v} (0x${v.toString(16)})` : typeof v === "number" && Number.isInteger(v) ? `${v} (0x${(v >>> 0).toString(16)})` : v instanceof Uint8Array ? `"${toHex(v)}"` : String(v));
  const visit = (node: Node, v: unknown, base: number, path: string) => {
    switch (node.k) {
      case "object": {
        const walk = (fields: PlanField[]) => {
          for (const f of fields) {
            if (f.key === undefined) { if (f.node.k === "object") walk(f.node.fields); continue; }
            visit(f.node, (v as Record<string, unknown>)?.[f.key], base, path ? `${path}.${f.key}` : f.key);
          }
        };
        walk(node.fields);
        return;
      }
      case "array":
        for (let i = 0; i < node.count; i++) visit(node.elem, (v as unknown[])?.[i], base + node.off + i * node.stride, `${path}[${i}]`);
        return;
      case "bits": {
        const first = base + node.chunks[0]!.byte;
        const last = base + node.chunks[node.chunks.length - 1]!.byte;
        const lo = Math.min(...node.chunks.map((c) => c.byte));
        const start = base + lo;
        const size = Math.max(first, last) - start + 1;
        lines.push({ offset: start, size, hex: hexAt(start, size), name: path, ctype: node.ctype, value: show(v), bits: `${node.width} bit${node.width === 1 ? "" : "s"} from byte ${base + node.chunks[0]!.byte} bit ${node.chunks[0]!.shift}` });
        return;
      }
      default: {
        const size = node.k === "bytes" ? node.len : node.size;
        lines.push({ offset: base + node.off, size, hex: hexAt(base + node.off, size), name: path, ctype: node.ctype, value: show(v) });
      }
    }
  };
  visit(plan.root, value, 0, "");
  for (let i = 0; i < plan.size; ) {
    if (plan.used[i] === 0xff) { i++; continue; }
    let j = i;
    while (j < plan.size && plan.used[j] === 0) j++;
    if (j === i) { lines.push({ offset: i, size: 1, hex: hexAt(i, 1), name: "<padding bits>", ctype: "", value: `mask 0x${(~plan.used[i]! & 0xff).toString(16)}` }); i++; continue; }
    lines.push({ offset: i, size: j - i, hex: hexAt(i, j - i), name: "<padding>", ctype: "", value: bytes.subarray(i, j).every((b) => b === 0) ? "zero" : "NON-ZERO" });
    i = j;
  }
  return lines.sort((a, b) => a.offset - b.offset || a.name.localeCompare(b.name));
}
