/*
 * `when:` conditions: a member or attribute that only some ABIs get, as uapi
 * headers write them with the preprocessor -- iphdr's bit-fields under
 * `#if defined(__LITTLE_ENDIAN_BITFIELD)`, EPOLL_PACKED under `#ifdef __x86_64__`.
 * One meaning (does it hold on this ABI row?) and one C spelling (the `#if`
 * the header writes), so the layout engine, the lint and the header cannot
 * disagree.  Pure.
 */
import type { AbiEntry, AbiId } from "../spec/abi.js";
import type { AbiCondition } from "../spec/types.js";

/**
 * The kernel headers that define what a condition's C spelling tests: `__LITTLE_ENDIAN_BITFIELD` /
 * `__BIG_ENDIAN_BITFIELD` (include/uapi/linux/byteorder/{little,big}_endian.h, which asm/byteorder.h picks
 * per architecture) and `__BITS_PER_LONG` (include/uapi/asm-generic/bitsperlong.h).
 */
export const BYTE_ORDER_HEADER = "asm/byteorder.h";
export const BITS_PER_LONG_HEADER = "asm/bitsperlong.h";

/** Whether `cond` holds on `abi`; no condition always holds. */
export function conditionHolds(cond: AbiCondition | undefined, abi: AbiEntry): boolean {
  if (!cond) return true;
  if (cond.byteOrder !== undefined && cond.byteOrder !== abi.endian) return false;
  if (cond.wordBits !== undefined && cond.wordBits !== abi.wordBits) return false;
  if (cond.abi !== undefined && !cond.abi.includes(abi.id)) return false;
  if (cond.notAbi !== undefined && cond.notAbi.includes(abi.id)) return false;
  return true;
}

/** The ABIs of `abis` on which every condition of `conds` holds. */
export function abisWhere(conds: readonly (AbiCondition | undefined)[], abis: readonly AbiEntry[]): AbiEntry[] {
  return abis.filter((abi) => conds.every((c) => conditionHolds(c, abi)));
}

/**
 * Whether the preprocessor tests of two conditions can never both hold, whatever the compiler: they test byte order
 * or word size differently, or one names ABIs the other excludes.  (`#elif` is then exactly a second `#if`.)
 */
export function plainlyDisjoint(a: AbiCondition | undefined, b: AbiCondition | undefined): boolean {
  if (!a || !b) return false;
  if (a.byteOrder !== undefined && b.byteOrder !== undefined && a.byteOrder !== b.byteOrder) return true;
  if (a.wordBits !== undefined && b.wordBits !== undefined && a.wordBits !== b.wordBits) return true;
  const excludes = (x: AbiCondition, y: AbiCondition) =>
    !!x.abi && !!y.notAbi && x.abi.every((id) => y.notAbi!.includes(id));
  return excludes(a, b) || excludes(b, a);
}

/** Two conditions are the same test. */
export function sameCondition(a: AbiCondition | undefined, b: AbiCondition | undefined): boolean {
  return conditionKey(a) === conditionKey(b);
}

function conditionKey(c: AbiCondition | undefined): string {
  if (!c) return "";
  const ids = (l: AbiId[] | undefined) => (l ? [...new Set(l)].sort().join(",") : "");
  return `${c.byteOrder ?? ""}|${c.wordBits ?? ""}|${ids(c.abi)}|${ids(c.notAbi)}`;
}

/**
 * The `#if` expression of a condition, as kernel uapi headers spell it: byte order by the bit-field macros
 * (`defined(__BIG_ENDIAN_BITFIELD)`, as linux/ip.h and linux/tcp.h do), word size by `__BITS_PER_LONG`, ABIs by
 * each row's `predefined` condition.  `table` is the ABI table the ids refer to.
 */
export function conditionC(cond: AbiCondition, table: readonly AbiEntry[]): string {
  const parts: string[] = [];
  if (cond.byteOrder !== undefined)
    parts.push(`defined(${cond.byteOrder === "little" ? "__LITTLE_ENDIAN_BITFIELD" : "__BIG_ENDIAN_BITFIELD"})`);
  if (cond.wordBits !== undefined) parts.push(`__BITS_PER_LONG == ${cond.wordBits}`);
  if (cond.abi !== undefined) parts.push(anyOf(cond.abi, table));
  if (cond.notAbi !== undefined) parts.push(`!${group(anyOf(cond.notAbi, table))}`);
  if (parts.length === 0) throw new Error("internal error: an empty ABI condition");
  return parts.length === 1 ? parts[0]! : parts.map(group).join(" && ");
}

/** The headers a condition's C spelling needs. */
export function conditionHeaders(cond: AbiCondition): string[] {
  return [
    ...(cond.byteOrder !== undefined ? [BYTE_ORDER_HEADER] : []),
    ...(cond.wordBits !== undefined ? [BITS_PER_LONG_HEADER] : []),
  ];
}

/** A condition in words, for messages: "big-endian, 64-bit ABIs among x86_64, aarch64". */
export function describeCondition(cond: AbiCondition): string {
  const parts: string[] = [];
  if (cond.byteOrder !== undefined) parts.push(`${cond.byteOrder}-endian`);
  if (cond.wordBits !== undefined) parts.push(`${cond.wordBits}-bit`);
  let text = `${parts.length ? `${parts.join(", ")} ` : ""}ABIs`;
  if (cond.abi !== undefined) text += ` among ${cond.abi.join(", ")}`;
  if (cond.notAbi !== undefined) text += ` other than ${cond.notAbi.join(", ")}`;
  return text;
}

function anyOf(ids: readonly AbiId[], table: readonly AbiEntry[]): string {
  const tests = [...new Set(ids)].map((id) => {
    const abi = table.find((a) => a.id === id);
    if (!abi?.predefined) throw new Error(`internal error: ABI ${id} has no predefined condition`);
    return abi.predefined;
  });
  return tests.length === 1 ? tests[0]! : tests.map(group).join(" || ");
}

/** `text` in parentheses unless it is one operand already. */
function group(text: string): string {
  return /^(?:defined\([A-Za-z0-9_]+\)|[A-Za-z0-9_]+)$/.test(text) ? text : `(${text})`;
}

/* ------------------------------------------------ conditional attributes */

/** What carries a packed attribute in the model: on every ABI, or only where `packedWhen` holds. */
export interface PackedAttribute {
  packed: boolean;
  packedWhen?: AbiCondition;
}

/** What carries an aligned attribute in the model: on every ABI, or only where `alignedWhen.when` holds. */
export interface AlignedAttribute {
  aligned?: number;
  alignedWhen?: { value: number; when: AbiCondition };
}

export const packedOn = (x: PackedAttribute, abi: AbiEntry): boolean =>
  x.packed || (x.packedWhen !== undefined && conditionHolds(x.packedWhen, abi));

export const alignedOn = (x: AlignedAttribute, abi: AbiEntry): number | undefined =>
  x.aligned ?? (x.alignedWhen && conditionHolds(x.alignedWhen.when, abi) ? x.alignedWhen.value : undefined);

/** The largest alignment the attribute asks for on any ABI (for bounds that hold everywhere). */
export const alignedAnywhere = (x: AlignedAttribute): number | undefined => x.aligned ?? x.alignedWhen?.value;
