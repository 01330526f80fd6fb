/*
 * The names of a codec's values, for the CLI: `uapi encode` takes a flag
 * bit, enumerator or special value by name, `uapi decode` prints the names
 * beside the numbers.  The plan builder (codec-plan.ts) attaches them to
 * each int and bit-field node, with the same precedence as the codec's
 * rules (`ruleFor`): must-be-zero members (core/contract.ts `isMustBeZero`:
 * reserved and padding ones unless `mustBeZero: false`) have none, a flag
 * set wins over an enum.  Values are normalised to the member's width and
 * signedness, as decoded.
 */
import { isMustBeZero } from "../core/contract.js";
import { parseInteger, type CType, type FieldModel, type InterfaceModel } from "../core/model.js";
import { asField } from "../core/special-values.js";
import type { NamedValue } from "../spec/types.js";

/** A named value of a member; `short` is the name without its group's common prefix (`PEEK`). */
export interface NamedNumber {
  name: string;
  short: string;
  value: bigint;
}

/** A group of names sharing a prefix: a flag set (values are bit masks) or an enum. */
export interface NameGroup {
  /** The flag set's or enum's name in the spec. */
  name: string;
  /** What the short names leave out, e.g. `BUS1_RECV_FLAG_` ("" when the names share none). */
  prefix: string;
  values: NamedNumber[];
}

/** The names one member's values may have. */
export interface MemberNames {
  /** The member's width in bits and signedness (a bit-field's own width). */
  bits: number;
  signed: boolean;
  /** The flag set of a flags word: its non-reserved bits (reserved ones are unknown bits, as to the codec). */
  flags?: NameGroup;
  enumeration?: NameGroup;
  /** `special:` and `fd: {special:}` values; full names only. */
  specials: { name: string; value: bigint }[];
}

/**
 * The names one integer member's values may have, or undefined when it has none.  Called by the plan builder
 * (codec-plan.ts) for each int and bit-field node, with the field, its element type and the node's width.
 */
export function memberNames(
  f: FieldModel,
  type: CType,
  ifc: InterfaceModel | undefined,
  bits: number,
  signed: boolean,
): MemberNames | undefined {
  const s = f.spec;
  // A member that must be zero has no names to give (its rule is "zero"); a reserved one the kernel leaves
  // unchecked (`mustBeZero: false`) keeps its flag set's, enum's and special values' names, as its rules.
  if (isMustBeZero(s)) return undefined;
  const named = (list: NamedValue[] | undefined) =>
    (list ?? []).flatMap((n) => {
      const v = parseInteger(n.value);
      return v === undefined ? [] : [{ name: n.name, value: asField(v, { bits, signed }) }];
    });
  const specials = [...named(s.special), ...named(typeof s.fd === "object" ? s.fd.special : undefined)];
  const set = s.flags ? ifc?.flagSets.get(s.flags) : undefined;
  const e = set ? undefined : s.enum ? ifc?.enums.get(s.enum) : type.kind === "enum" ? type.spec : undefined;
  const names: MemberNames = { bits, signed, specials };
  if (set) {
    const bitsOf = set.bits.filter((b) => !b.reserved);
    names.flags = group(
      set.name,
      set.bits.map((b) => b.name),
      bitsOf.map((b) => ({ name: b.name, value: 1n << BigInt(b.bit) })),
    );
  } else if (e)
    names.enumeration = group(
      e.name,
      e.values.map((v) => v.name),
      named(e.values),
    );
  return names.flags || names.enumeration || specials.length ? names : undefined;
}

function group(name: string, allNames: string[], values: { name: string; value: bigint }[]): NameGroup {
  const prefix = commonPrefix(allNames, name);
  return { name, prefix, values: values.map((v) => ({ ...v, short: v.name.slice(prefix.length) })) };
}

/**
 * The `_`-separated words every name of a group starts with (`BUS1_RECV_FLAG_`), leaving each name at least one
 * word that starts with a letter (so a short name is never read as a number).  A group of one name has no
 * others to compare with, so the group's own name stands in, a trailing S aside: set `bus1_peer_flags` gives
 * `BUS1_PEER_FLAG_WANT_SECCTX` the prefix `BUS1_PEER_FLAG_`.
 */
export function commonPrefix(names: readonly string[], groupName: string): string {
  if (!names.length) return "";
  const words = names.map((n) => n.split("_"));
  const stand = names.length === 1 ? groupName.toUpperCase().split("_") : undefined;
  const first = words[0]!;
  // Word i joins the prefix when every name has it and keeps a word after it.
  const shared = (i: number) =>
    words.every((w) => w.length > i + 1 && w[i] === first[i] && /^[A-Za-z]/.test(w[i + 1]!)) &&
    (!stand || (stand.length > i && (stand[i] === first[i] || stand[i] === `${first[i]}S`)));
  let k = 0;
  while (shared(k)) k++;
  return k ? `${first.slice(0, k).join("_")}_` : "";
}

/* ------------------------------------------------------------------ */
/* Names to numbers (encode)                                           */
/* ------------------------------------------------------------------ */

export type NameKind = "flags" | "enum" | "special";

/** The value `name` stands for in this member: full names first, then short names; undefined when unknown. */
export function lookUpName(name: string, m: MemberNames): { kind: NameKind; value: bigint } | undefined {
  const special = m.specials.find((s) => s.name === name);
  if (special) return { kind: "special", value: special.value };
  const groups: [NameKind, NameGroup | undefined][] = [
    ["flags", m.flags],
    ["enum", m.enumeration],
  ];
  for (const key of ["name", "short"] as const)
    for (const [kind, g] of groups) {
      const hit = g?.values.find((v) => v[key] === name);
      if (hit) return { kind, value: hit.value };
    }
  return undefined;
}

/** How many names a message lists before it only counts the rest. */
const NAMES_SHOWN = 16;

function listed(names: string[]): string {
  if (names.length <= NAMES_SHOWN) return names.join(", ");
  return `${names.slice(0, NAMES_SHOWN).join(", ")}, ... (${names.length} in all)`;
}

/** What a member takes besides numbers, for error messages. */
export function acceptedNames(m: MemberNames): string {
  const parts: string[] = [];
  const groupText = (what: string, g: NameGroup) =>
    `${what} ${g.name}: ${listed(g.values.map((v) => v.short))}` +
    (g.prefix ? ` (also with the prefix ${g.prefix})` : "");
  if (m.flags) parts.push(groupText("a flag of", m.flags) + "; several as an array of names and numbers");
  if (m.enumeration) parts.push(groupText("a value of", m.enumeration));
  if (m.specials.length)
    parts.push(`the special value${m.specials.length > 1 ? "s" : ""} ${listed(m.specials.map((s) => s.name))}`);
  parts.push("or a number");
  return parts.join("; ");
}

/* ------------------------------------------------------------------ */
/* Numbers to names (decode)                                           */
/* ------------------------------------------------------------------ */

/** The names of a decoded value: a special's, the set flags', or the enumerator's; `unknown` what none names. */
export interface ValueName {
  kind: NameKind;
  names: string[];
  /** Flags: the set bits no name covers; enum: the value when no enumerator has it. */
  unknown?: bigint;
}

/** The names of `value` (as decoded) in this member; undefined when it has none to give (a plain number). */
export function nameValue(value: number | bigint, m: MemberNames): ValueName | undefined {
  const v = BigInt(value);
  const special = m.specials.find((s) => s.value === v);
  if (special) return { kind: "special", names: [special.name] };
  if (m.flags) {
    const bits = BigInt.asUintN(m.bits, v);
    let rest = bits;
    const names: string[] = [];
    for (const f of [...m.flags.values].sort((a, b) => (a.value < b.value ? -1 : 1)))
      if ((bits & f.value) !== 0n) {
        names.push(f.name);
        rest &= ~f.value;
      }
    return rest ? { kind: "flags", names, unknown: rest } : { kind: "flags", names };
  }
  if (m.enumeration) {
    const hit = m.enumeration.values.find((e) => e.value === v);
    return hit ? { kind: "enum", names: [hit.name] } : { kind: "enum", names: [], unknown: v };
  }
  return undefined;
}
