/*
 * Shared by the codec tests: a deterministic generator of valid struct
 * values (one seed gives the same value on the TS and the C side), a
 * "decoded contains expected" comparison for unions, and C source that
 * declares a spec's structs and fills them with designated initialisers.
 * The C declarations come from the spec model, not from our codecs.
 */
import { parseInteger, type InterfaceModel } from "../core/model.js";
import { cInteger, declarationOrder, recordDefinition, SPEC_SPELLING, type CSpelling } from "../core/c-writer.js";
import type { Node, PlanField } from "../generators/codec-plan.js";
import { loadSpecText } from "../spec/load.js";

/** xorshift32: tiny, deterministic, good enough for test values. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function randomBits(r: () => number, bits: number, signed: boolean): bigint {
  // Bias towards edge values, which is where codecs break.
  const pick = r() % 8;
  const max = (1n << BigInt(bits)) - 1n;
  let u: bigint;
  if (pick === 0) u = 0n;
  else if (pick === 1) u = max;
  else if (pick === 2) u = 1n << BigInt(bits - 1);
  else if (pick === 3) u = BigInt(r() % 256) & max;
  else {
    u = 0n;
    for (let b = 0; b < bits; b += 32) u = (u << 32n) | BigInt(r());
    u &= max;
  }
  return signed ? BigInt.asIntN(bits, u) : u;
}

/** A valid value for a plan node: in range, zero where reserved, known flag bits only, a declared enum value. */
export function valueFor(node: Node, r: () => number): unknown {
  switch (node.k) {
    case "int":
    case "bits": {
      const bits = node.k === "int" ? node.size * 8 : node.width;
      let v: bigint;
      const rule = node.rule;
      // A _Bool viewed as a raw integer (inside a union) can only hold what C stores there: 0 or 1.
      if (node.ctype === "_Bool") v = BigInt(r() % 2);
      else if (rule?.kind === "zero") v = 0n;
      else if (rule?.kind === "flags") {
        if (rule.specials.length && r() % 5 === 0) v = rule.specials[r() % rule.specials.length]!;
        else v = rule.known & randomBits(r, 64, false);
        v = node.signed ? BigInt.asIntN(bits, v) : v;
      } else if (rule?.kind === "enum") {
        const all = [...rule.values, ...rule.specials];
        v = all.length ? all[r() % all.length]! : 0n;
      } else v = randomBits(r, bits, node.signed);
      return node.repr === "bigint" ? v : Number(v);
    }
    case "bool":
      return r() % 2 === 1;
    case "float": {
      const x = ((r() % 2000001) - 1000000) / 64;
      return node.size === 4 ? Math.fround(x) : x;
    }
    case "bytes": {
      const b = new Uint8Array(node.len);
      if (node.rule?.kind !== "zero") for (let i = 0; i < b.length; i++) b[i] = r() & 0xff;
      return b;
    }
    case "array":
      return Array.from({ length: node.count }, () => valueFor(node.elem, r));
    case "object": {
      const out: Record<string, unknown> = {};
      const fill = (fields: PlanField[]) => {
        for (const f of fields) {
          if (f.key === undefined) {
            if (f.node.k === "object") Object.assign(out, valueFor(f.node, r));
          } else out[f.key] = valueFor(f.node, r);
        }
      };
      const union = node.union && node.fields.some((f) => f.optional);
      if (union) {
        // A union value names one member (the codec decodes every member's view of the bytes).
        const candidates = node.fields.filter(
          (f) => f.key !== undefined || (f.node.k === "object" && f.node.fields.length),
        );
        if (candidates.length) fill([candidates[r() % candidates.length]!]);
      } else fill(node.fields);
      return out;
    }
  }
}

/** Deep equality of the parts `expected` names (decode returns every view of a union; a value names one). */
export function contains(actual: unknown, expected: unknown, path = ""): string | undefined {
  if (typeof expected === "bigint" || typeof expected === "number" || typeof expected === "boolean") {
    return Object.is(actual, expected) || actual === expected
      ? undefined
      : `${path}: ${String(actual)} !== ${String(expected)}`;
  }
  if (expected instanceof Uint8Array) {
    return actual instanceof Uint8Array &&
      actual.length === expected.length &&
      actual.every((b, i) => b === expected[i])
      ? undefined
      : `${path}: bytes differ`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return `${path}: array length`;
    for (let i = 0; i < expected.length; i++) {
      const d = contains(actual[i], expected[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof actual !== "object" || actual === null) return `${path}: not an object`;
    for (const [k, v] of Object.entries(expected)) {
      const d = contains((actual as Record<string, unknown>)[k], v, path ? `${path}.${k}` : k);
      if (d) return d;
    }
    return undefined;
  }
  return actual === expected ? undefined : `${path}: ${String(actual)} !== ${String(expected)}`;
}

/**
 * `actual` cut down to the keys `expected` has, recursively: a decoded value
 * holds every member's view of a union, while encode takes exactly one, so a
 * decoded value is re-encoded as the member the original value named.
 */
export function project(actual: unknown, expected: unknown): unknown {
  if (expected === null || typeof expected !== "object" || expected instanceof Uint8Array) return actual;
  if (Array.isArray(expected)) return Array.isArray(actual) ? actual.map((x, i) => project(x, expected[i])) : actual;
  if (actual === null || typeof actual !== "object") return actual;
  const out = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(expected))
    out[k] = project((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]);
  return out;
}

/* ------------------------------------------------------------------ */
/* C source from the spec model                                        */
/* ------------------------------------------------------------------ */

// The kernel's uapi types (include/uapi/linux/types.h): __aligned_u64 and friends are macros there, so their
// attribute sits on the member and `packed` cannot lower it.
const C_PRELUDE = `#include <stdio.h>
typedef unsigned char __u8; typedef signed char __s8;
typedef unsigned short __u16; typedef signed short __s16;
typedef unsigned int __u32; typedef signed int __s32;
typedef unsigned long long __u64; typedef signed long long __s64;
typedef __u16 __be16; typedef __u32 __be32; typedef __u64 __be64;
typedef __u16 __le16; typedef __u32 __le32; typedef __u64 __le64;
#define __aligned_u64 __u64 __attribute__((aligned(8)))
#define __aligned_be64 __be64 __attribute__((aligned(8)))
#define __aligned_le64 __le64 __attribute__((aligned(8)))
typedef __SIZE_TYPE__ size_t; typedef __PTRDIFF_TYPE__ ssize_t; typedef long time_t;
`;

/** Declarations of the interface's enums and records (through the one C writer), records in dependency order. */
export function cDeclarations(ifc: InterfaceModel): string {
  const out: string[] = [C_PRELUDE];
  for (const e of ifc.enums.values())
    out.push(
      `enum ${e.name} { ${e.values.map((v) => `${v.name} = ${cInteger(parseInteger(v.value) ?? 0n)}`).join(", ")} };`,
    );
  const spelling: CSpelling = { ...SPEC_SPELLING, taggedInline: "define" };
  for (const r of declarationOrder(ifc.records)) out.push(recordDefinition(r, spelling).join("\n"));
  return out.join("\n") + "\n";
}

function intLiteral(v: bigint): string {
  if (v === -(1n << 63n)) return "(-0x7fffffffffffffffLL - 1)";
  return v < 0n ? `(-0x${(-v).toString(16)}LL)` : `0x${v.toString(16)}ULL`;
}

/** A designated initialiser for `value` following the plan's shape (so C and TS use the same value). */
export function cInitializer(node: Node, value: unknown, hostLittle = true): string {
  switch (node.k) {
    case "int": {
      const v = typeof value === "bigint" ? value : BigInt(value as number);
      const lit = intLiteral(v);
      if (node.ctype.endsWith("*")) return `(${node.ctype})${lit}`;
      // __be*/__le* fields hold the other byte order than the host's: swap, as cpu_to_be*() would.
      if (node.le !== hostLittle && node.size > 1) {
        const unsigned = node.size === 8 ? "__u64" : node.size === 4 ? "__u32" : "__u16";
        return `__builtin_bswap${node.size * 8}((${unsigned})${lit})`;
      }
      return lit;
    }
    case "bits":
      return intLiteral(typeof value === "bigint" ? value : BigInt(value as number));
    case "bool":
      return value ? "1" : "0";
    case "float":
      return `${value as number}`;
    case "bytes":
      return `{ ${[...(value as Uint8Array)].map((b) => `0x${b.toString(16)}`).join(", ")} }`;
    case "array":
      return `{ ${(value as unknown[]).map((x) => cInitializer(node.elem, x, hostLittle)).join(", ")} }`;
    case "object": {
      const parts: string[] = [];
      const walk = (fields: PlanField[]) => {
        for (const f of fields) {
          if (f.key === undefined) {
            if (f.node.k === "object") walk(f.node.fields);
            continue;
          }
          const v = (value as Record<string, unknown>)[f.key];
          if (v !== undefined) parts.push(`.${f.key} = ${cInitializer(f.node, v, hostLittle)}`);
        }
      };
      walk(node.fields);
      return `{ ${parts.join(", ")} }`;
    }
  }
}

/** A one-struct spec `struct s` with the given field lines (and anything after them), loaded. */
export const oneStructSpec = (fields: string, extra = "") =>
  loadSpecText(
    "inline.yaml",
    `name: t
doc: d
interfaces:
  - name: t
    doc: d
    header: linux/t.h
    structs:
      - name: s
        doc: d
        fields:
${fields}${extra}`,
  );
