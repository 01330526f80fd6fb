/*
 * One spec from the same headers compiled for several ABIs.  What the
 * preprocessor chose per ABI (`#if defined(__BIG_ENDIAN_BITFIELD)` in iphdr,
 * `#ifdef __x86_64__` for EPOLL_PACKED) shows as members and attributes that
 * only some of the compiles have; they get `when:` conditions.  The condition
 * is the simplest one that separates the ABIs that have it from the ones that
 * do not among those compiled: byte order, then word size, then the list of
 * ABIs.  Pure.
 */
import type { AbiEntry, AbiId } from "../spec/abi.js";
import { ABIS } from "../spec/abis.js";
import type { AbiCondition, FieldSpec, InlineComposite, InterfaceSpec, StructSpec } from "../spec/types.js";

/** One ABI's conversion of the headers. */
export interface AbiVariant {
  abi: AbiEntry;
  interfaces: InterfaceSpec[];
}

/**
 * The `#if` text around a member in its header, when known: it says which property the header tests.  With
 * "file", every condition the member's header tests (an attribute's condition sits where its macro is defined,
 * as EPOLL_PACKED's does).
 */
export type ConditionText = (f: FieldSpec, scope?: "enclosing" | "file") => string | undefined;

const TESTS_BYTE_ORDER = /ENDIAN/;
const TESTS_WORD_SIZE = /BITS_PER_LONG|__LP64__|_ILP32|__SIZEOF_LONG__|__WORDSIZE/;

/**
 * The condition that holds on exactly `have` among `all`; undefined when `have` is all of them.  The header's own
 * `#if` text, when given, decides which property is meant (a test of byte order, of word size, or of an
 * architecture, which only the list of ABIs says).
 */
export function separatingCondition(
  have: readonly AbiEntry[],
  all: readonly AbiEntry[],
  text?: string,
): AbiCondition | undefined {
  if (have.length === all.length) return undefined;
  const rest = all.filter((a) => !have.includes(a));
  const shared = <K extends "endian" | "wordBits">(key: K) =>
    have.every((a) => a[key] === have[0]![key]) && rest.every((a) => a[key] !== have[0]![key]);
  const byteOrder = text === undefined || TESTS_BYTE_ORDER.test(text);
  const wordSize = text === undefined || TESTS_WORD_SIZE.test(text);
  if (byteOrder && shared("endian")) return { byteOrder: have[0]!.endian };
  if (wordSize && shared("wordBits")) return { wordBits: have[0]!.wordBits };
  return { abi: (text !== undefined && archAbis(text, have, rest)) || have.map((a) => a.id) };
}

/**
 * The ABIs an architecture test holds on, from the table's `predefined` conditions: `#ifdef __x86_64__` is true
 * on x32 too (EPOLL_PACKED), whichever ABIs were compiled.  Undefined unless one macro tested explains the
 * compiles exactly.
 */
function archAbis(text: string, have: readonly AbiEntry[], rest: readonly AbiEntry[]): AbiId[] | undefined {
  for (const m of text.matchAll(/(?:defined\s*\(?\s*|ifn?def\s+)(__\w+__)/g)) {
    const positive = new RegExp(`(?<!!)defined\\(${m[1]}\\)`);
    const on = ABIS.filter((a) => a.predefined !== undefined && positive.test(a.predefined));
    if (have.every((a) => on.includes(a)) && rest.every((a) => !on.includes(a))) return on.map((a) => a.id);
  }
  return undefined;
}

/** Every `#if`/`#ifdef`/`#elif` condition a header tests, joined. */
export function allConditions(text: string): string | undefined {
  const tests = text
    .split("\n")
    .flatMap((line) => /^\s*#\s*((?:if|ifdef|ifndef|elif)\b.*)$/.exec(line)?.[1] ?? [])
    .filter((t) => !/^ifndef\s+_*[A-Z0-9_]*_H_*\s*$/.test(t.trim()));
  return tests.length ? tests.join(" || ") : undefined;
}

/** The conditions of the `#if`/`#ifdef`/`#elif`/`#else` blocks open at `offset` of a header, joined. */
export function enclosingConditions(text: string, offset: number): string | undefined {
  const open: string[] = [];
  for (const line of text.slice(0, offset).split("\n")) {
    const d = /^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$/.exec(line);
    if (!d) continue;
    const [, kind, rest] = d as unknown as [string, string, string];
    if (kind === "endif") open.pop();
    else if (kind === "elif" || kind === "else") open[open.length - 1] = `${open[open.length - 1] ?? ""} ${rest}`;
    else open.push(`${kind} ${rest}`);
  }
  // The include guard is open around everything; it says nothing about ABIs.
  const inner = open.filter((c) => !/^ifndef\s+_*[A-Z0-9_]*_H_*\s*$/.test(c.trim()));
  return inner.length ? inner.join(" && ") : undefined;
}

/** Interfaces of the first variant, with every member and attribute that differs made conditional. */
export function mergeVariants(variants: readonly AbiVariant[], conditionText: ConditionText): InterfaceSpec[] {
  const all = variants.map((v) => v.abi);
  const [primary] = variants;
  if (!primary) return [];
  return primary.interfaces.map((ifc, i) => {
    const structs = (ifc.structs ?? []).map((s) => {
      const versions = variants.flatMap((v) => {
        const found = v.interfaces[i]?.structs?.find((x) => x.name === s.name);
        return found ? [{ abi: v.abi, record: found }] : [];
      });
      // A struct some compiles lack cannot be made conditional; the first compile's stands.
      return versions.length === variants.length ? mergeStruct(versions, all, conditionText) : s;
    });
    return { ...ifc, ...(structs.length ? { structs } : {}) };
  });
}

interface Version<T> {
  abi: AbiEntry;
  record: T;
}

function mergeStruct(versions: Version<StructSpec>[], all: readonly AbiEntry[], text: ConditionText): StructSpec {
  const first = versions[0]!.record;
  return {
    ...first,
    fields: mergeFields(
      versions.map((v) => ({ abi: v.abi, record: v.record.fields })),
      all,
      text,
    ),
    ...attributes(versions, all, text(first.fields[0]!, "file")),
  };
}

/** packed and aligned: plain when every compile agrees, conditional when only some have them. */
function attributes(versions: Version<StructSpec | InlineComposite>[], all: readonly AbiEntry[], text?: string) {
  const out: Pick<StructSpec, "packed" | "aligned"> = {};
  const packedOn = versions.filter((v) => v.record.packed === true).map((v) => v.abi);
  if (packedOn.length) {
    const when = separatingCondition(packedOn, all, text);
    out.packed = when ? { when } : true;
  }
  const alignedValues = new Set(versions.map((v) => v.record.aligned).filter((a) => typeof a === "number"));
  if (alignedValues.size === 1) {
    const value = [...alignedValues][0] as number;
    const when = separatingCondition(
      versions.filter((v) => v.record.aligned === value).map((v) => v.abi),
      all,
      text,
    );
    out.aligned = when ? { value, when } : value;
  } else if (alignedValues.size > 1) out.aligned = versions[0]!.record.aligned;
  return out;
}

/** A member's identity across compiles: everything but its doc and condition. */
function memberKey(f: FieldSpec): string {
  // Docs at any depth and the member's own condition say nothing about its layout.
  return JSON.stringify({ ...f, when: undefined }, (k, v: unknown) => (k === "doc" ? undefined : v));
}

/**
 * The members of every compile in one order: each compile's members keep their order, and a member only some
 * compiles have goes after the member it follows there.  A member not in every compile gets `when:`; one that
 * comes in another order (iphdr's `ihl` and `version`) is two members, each under its own condition.
 */
function mergeFields(versions: Version<FieldSpec[]>[], all: readonly AbiEntry[], text: ConditionText): FieldSpec[] {
  const merged: { key: string; field: FieldSpec; abis: AbiEntry[]; variants: Version<FieldSpec>[] }[] = [];
  for (const v of versions) {
    let cursor = -1;
    const seen = new Map<string, number>();
    for (const f of v.record) {
      // The same member twice in one compile (two unnamed bit-fields) is told apart by its count.
      const base = memberKey(plain(f));
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      let key = `${base}#${n}`;
      let at = merged.findIndex((m) => m.key === key);
      // Found before a member this compile already placed: the order differs (bit-fields by byte order), so this
      // is a member of its own, placed where this compile has it.
      if (at >= 0 && at <= cursor) {
        key = `${key}@${v.abi.id}`;
        at = merged.findIndex((m) => m.key === key);
      }
      if (at >= 0) {
        merged[at]!.abis.push(v.abi);
        merged[at]!.variants.push({ abi: v.abi, record: f });
        cursor = at;
      } else {
        merged.splice(cursor + 1, 0, { key, field: f, abis: [v.abi], variants: [{ abi: v.abi, record: f }] });
        cursor++;
      }
    }
  }
  return merged.map((m) => {
    const when = separatingCondition(m.abis, all, text(m.field));
    const field = inlineMerged(m.field, m.variants, m.abis, text);
    return when ? { ...field, when } : field;
  });
}

/** A member with its inline struct's attributes taken out of its identity (they are merged like a struct's). */
function plain(f: FieldSpec): FieldSpec {
  if (typeof f.type === "string") return f;
  return { ...f, type: { ...f.type, packed: undefined, aligned: undefined } };
}

/** An inline struct or union present on several compiles, its own members and attributes merged among them. */
function inlineMerged(f: FieldSpec, variants: Version<FieldSpec>[], abis: AbiEntry[], text: ConditionText): FieldSpec {
  if (typeof f.type === "string") return f;
  const inner = variants.map((v) => ({ abi: v.abi, record: v.record.type as InlineComposite }));
  const type: InlineComposite = {
    ...f.type,
    fields: mergeFields(
      inner.map((v) => ({ abi: v.abi, record: v.record.fields })),
      abis,
      text,
    ),
    ...attributes(inner, abis, text(f, "file")),
  };
  return { ...f, type };
}
