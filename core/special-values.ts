/*
 * Special values (`special:` on a field, `fd: {special: [...]}`) as the
 * header defines them: every use in an interface, what each value is in its
 * field's C type on every ABI, and the literal that spells it exactly.  The
 * lint (spec/lint.ts) rejects what cannot become one define; the header
 * generator (generators/header.ts) writes one `#define NAME ((T)L)` per name.
 * Pure; works on the spec document, so the lint can use it before resolution.
 */
import type { DocPath } from "./diagnostic.js";
import { layoutType } from "./layout.js";
import { parseInteger, withoutQualifiers, type CType } from "./model.js";
import { scalarByName, signedOn } from "./scalars.js";
import type { AbiEntry } from "../spec/abi.js";
import type { ConstantSpec, EnumSpec, FieldSpec, InterfaceSpec, NamedValue } from "../spec/types.js";

/** One special value written on one field. */
export interface SpecialUse {
  special: NamedValue;
  /** Where the named value is written (`...special.j` or `...fd.special.j`). */
  path: DocPath;
  /** The member as C names it, for docs and messages: `bus1_cmd_recv.msg.uid`. */
  member: string;
  /** The field's type expression (the element type of an array); undefined for an inline struct or union. */
  type?: string;
  /** The bit-field width, if the field is one. */
  bits?: number;
}

/**
 * Every special value of the interface's emitted structs (external ones are defined elsewhere), in spec order:
 * struct by struct, member by member (inline records depth-first), `special` before `fd.special`.
 */
export function specialUses(ifc: InterfaceSpec, at: DocPath): SpecialUse[] {
  const uses: SpecialUse[] = [];
  type Item = { fields: FieldSpec[]; path: DocPath; member: string; next: number };
  (ifc.structs ?? []).forEach((s, i) => {
    if (s.external) return;
    // An explicit stack: inline records nest up to 64 deep and are walked in member order.
    const stack: Item[] = [{ fields: s.fields, path: [...at, "structs", i, "fields"], member: s.name, next: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const j = top.next++;
      const f = top.fields[j];
      if (f === undefined) {
        stack.pop();
        continue;
      }
      const fp = [...top.path, j];
      const member = f.name === undefined ? top.member : `${top.member}.${f.name}`;
      // A const member's values are its unqualified type's: the header casts to that.
      const type = typeof f.type === "string" ? withoutQualifiers(f.type) : undefined;
      const add = (list: NamedValue[] | undefined, where: DocPath) =>
        (list ?? []).forEach((special, k) =>
          uses.push({ special, path: [...fp, ...where, k], member, type, bits: f.bits }),
        );
      add(f.special, ["special"]);
      if (typeof f.fd === "object") add(f.fd.special, ["fd", "special"]);
      if (typeof f.type !== "string")
        stack.push({ fields: f.type.fields, path: [...fp, "type", "fields"], member, next: 0 });
    }
  });
  return uses;
}

/** How a field holds an integer on a group of ABIs: its width in bits and signedness, and its C type's width. */
export interface IntegerForm {
  bits: number;
  signed: boolean;
  /** The width of the declared type (differs from `bits` for a bit-field). */
  typeBits: number;
  abis: AbiEntry[];
}

/**
 * The integer forms of a field of type `type` (bit-field width `bits`) over `abis`, or undefined when the type is
 * not an integer that a special value can name: not an integer scalar (or `_Bool`) and no enum of `enums`.
 * Signedness follows the codecs (generators/codec-plan.ts): plain char per ABI, an enum is signed when a value is
 * negative.
 */
export function integerForms(
  type: string,
  bits: number | undefined,
  enums: ReadonlyMap<string, EnumSpec>,
  abis: readonly AbiEntry[],
): IntegerForm[] | undefined {
  const ctype = integerType(type, enums);
  if (!ctype) return undefined;
  const forms: IntegerForm[] = [];
  for (const abi of abis) {
    const typeBits = layoutType(ctype, abi).size * 8;
    const signed =
      ctype.kind === "enum"
        ? ctype.spec.values.some((v) => (parseInteger(v.value) ?? 0n) < 0n)
        : ctype.kind === "scalar" && signedOn(ctype.scalar, abi);
    const width = bits ?? typeBits;
    const same = forms.find((f) => f.bits === width && f.signed === signed && f.typeBits === typeBits);
    if (same) same.abis.push(abi);
    else forms.push({ bits: width, signed, typeBits, abis: [abi] });
  }
  return forms;
}

function integerType(type: string, enums: ReadonlyMap<string, EnumSpec>): CType | undefined {
  const text = type.trim().replace(/\s+/g, " ");
  const e = /^enum ([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (e) {
    const spec = enums.get(e[1]!);
    return spec ? { kind: "enum", name: e[1]!, spec } : undefined;
  }
  const scalar = scalarByName(text);
  return scalar?.integer && scalar.cls !== "bool" ? { kind: "scalar", scalar } : undefined;
}

/** `v` as a field of this form reads it back (two's complement wrap to the width and signedness). */
export function asField(v: bigint, form: { bits: number; signed: boolean }): bigint {
  return form.signed ? BigInt.asIntN(form.bits, v) : BigInt.asUintN(form.bits, v);
}

/** Whether `v` fits the form's bits read either way (`-1` and `0xffffffff` both fit 32 bits). */
export function fitsForm(v: bigint, form: { bits: number }): boolean {
  return v >= -(1n << BigInt(form.bits - 1)) && v < 1n << BigInt(form.bits);
}

/**
 * The value on each ABI of `abis`, in that order, as the field reads it; `v` is one value, or one per ABI in the
 * same order (a constant whose cast type varies).
 */
export function valuePerAbi(
  v: bigint | readonly bigint[],
  forms: readonly IntegerForm[],
  abis: readonly AbiEntry[],
): bigint[] {
  const formOf = new Map<string, IntegerForm>();
  for (const f of forms) for (const a of f.abis) formOf.set(a.id, f);
  return abis.map((a, i) => asField(typeof v === "bigint" ? v : v[i]!, formOf.get(a.id)!));
}

const INT_MIN = -(1n << 31n);
const INT_MAX = (1n << 31n) - 1n;
const fitsInt = (v: bigint) => v >= INT_MIN && v <= INT_MAX;

/**
 * The integer to cast to the field's type so that the cast gives exactly the value the field reads on every ABI:
 * that value when all ABIs agree (as a small negative number when that is the same bits: `(__u64)-1`), otherwise
 * the value as written (the cast then wraps it per ABI, as the field does).
 */
export function castOperand(v: bigint, forms: readonly IntegerForm[]): bigint {
  const values = new Set(forms.map((f) => asField(v, f)));
  if (values.size !== 1) return v;
  const n = [...values][0]!;
  if (fitsInt(n)) return n;
  const typeBits = new Set(forms.map((f) => f.typeBits));
  if (typeBits.size === 1) {
    const asSigned = BigInt.asIntN([...typeBits][0]!, n);
    if (fitsInt(asSigned)) return asSigned;
  }
  return n;
}

/**
 * A constant's value when it is a plain integer, optionally cast and parenthesised (`256`, `(256)`, `'i'`,
 * `((__u64)-1)`), as that type reads it on each ABI; undefined for any other expression.
 */
export function constantPerAbi(c: ConstantSpec, abis: readonly AbiEntry[]): bigint[] | undefined {
  let text = String(c.value).trim();
  for (let m; (m = /^\((.*)\)$/.exec(text));) text = m[1]!.trim();
  const cast = /^\(\s*([A-Za-z_][A-Za-z0-9_ ]*)\)\s*(.*)$/.exec(text);
  const v = parseInteger(cast ? cast[2]!.replace(/^\((.*)\)$/, "$1") : text);
  if (v === undefined) return undefined;
  if (!cast) return abis.map(() => v);
  const forms = integerForms(cast[1]!, undefined, new Map(), abis);
  return forms ? valuePerAbi(v, forms, abis) : undefined;
}
