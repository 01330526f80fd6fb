/*
 * What a round trip asks the compiler, for one spec on one ABI: one comparison per fact, each
 * becoming one `_Static_assert` line.  The original header's declarations are compared
 *   - with the declarations generated from the spec (every name prefixed, so both coexist):
 *     size, alignment, every non-bit-field member's offset and size, the signedness of integer
 *     members, and the value (and its sign) of every command, constant, enumerator, flag and
 *     special value;
 *   - with the layout engine's figures for the ABI (core/layout.ts): size, alignment, member
 *     offsets and sizes, also of the external structs the spec describes, and command numbers.
 * Both sides of an original-vs-generated comparison are the compiler's; neither side of any
 * comparison is computed from the other.  Pure.
 */
import type { AbiEntry } from "../spec/abi.js";
import { cIdentifier, cInteger, cStringLiteral } from "../core/c-writer.js";
import { commandNumber } from "../core/ioctl-numbers.js";
import { eachRecordInnermostFirst, flattenMembers, layoutRecord, type RecordLayout } from "../core/layout.js";
import type { InterfaceModel, RecordType } from "../core/model.js";
import { specialUses } from "../core/special-values.js";
import { recordUses } from "../verify/facts.js";
import type { Limit } from "../verify/compilers.js";

/** What the original is compared with. */
export type Against = "generated" | "engine";

export type Aspect = "size" | "align" | "offset" | "member size" | "signedness" | "value";

export interface Comparison {
  /** The original header, as included ("linux/iio/buffer.h"). */
  header: string;
  /** "struct iio_event_data", or a macro/enumerator name. */
  subject: string;
  /** Member path as C writes it ("a.b"); "" for the record itself or a value. */
  member: string;
  aspect: Aspect;
  against: Against;
  /** The original's side, a C expression. */
  original: string;
  /** The other side: the generated declaration's expression, or the engine's number. */
  other: string;
  /** The engine's figure, when against is "engine". */
  engine?: bigint;
  /** The assert's message: names the subject, the member and the comparison. */
  message: string;
  /**
   * Both sides must also agree in sign: C's `==` converts `-1` to `0xffffffffU` before comparing,
   * and a macro that is -1 is not one that is 4294967295.
   */
  sameSign?: boolean;
}

export interface CompareOptions {
  /** The prefix of every generated name (the generator's `prefix` option). */
  prefix: string;
  /** Features the target compiler lays out unlike Linux on this ABI (verify/compilers.ts): no engine comparison. */
  limits?: readonly Limit[];
  /** Records the original header names only by a typedef of an untagged record: spelled `x`, not `struct x`. */
  typedefNamed?: ReadonlySet<string>;
}

/** C's name for a record ("struct foo"), with the tag checked. */
const recordC = (r: RecordType, prefix = "") => `${r.kind} ${cIdentifier(prefix + r.tag!)}`;

/** A member designator "a.b.c", every part checked to be an identifier. */
const designator = (member: string) => member.split(".").map(cIdentifier).join(".");

/** Does a nested record get its own comparisons (named, declared by this header), rather than a walk inside it? */
const comparedOnItsOwn = (nested: RecordLayout) =>
  Boolean(nested.record.tag) && !nested.record.inline && !nested.record.external;

function usesLimit(record: RecordType, limits: readonly Limit[]): boolean {
  return limits.some((limit) =>
    recordUses(record, (t, bits, named) =>
      limit === "long-double" ? t.kind === "scalar" && t.scalar.cls === "ldouble" : bits !== undefined && !named,
    ),
  );
}

/** The comparisons of one interface of a spec, whose original is `header`, on `abi`. */
export function interfaceComparisons(
  header: string,
  ifc: InterfaceModel,
  abi: AbiEntry,
  opts: CompareOptions,
): Comparison[] {
  const out: Comparison[] = [];
  const say = (subject: string, member: string, aspect: Aspect, against: Against) =>
    `${header}: ${subject}${member ? `, member ${member}` : ""}: ${aspect}: original != ${against} (${abi.id})`;
  const add = (c: Omit<Comparison, "header" | "message">) =>
    out.push({ ...c, header, message: say(c.subject, c.member, c.aspect, c.against) });
  const engine = (c: Omit<Comparison, "header" | "message" | "against" | "other">, value: number | bigint) =>
    add({ ...c, against: "engine", other: cInteger(value), engine: BigInt(value) });

  const limited = (r: RecordType) => usesLimit(r, opts.limits ?? []);
  const own = ifc.records.filter((r) => !r.external && r.tag);
  for (const r of own) {
    const subject = `${r.kind} ${r.tag}`;
    const o = opts.typedefNamed?.has(r.tag!) ? cIdentifier(r.tag!) : recordC(r);
    const g = recordC(r, opts.prefix);
    const layout = layoutRecord(r, abi);
    const withEngine = !limited(r);
    add({ subject, member: "", aspect: "size", against: "generated", original: `sizeof(${o})`, other: `sizeof(${g})` });
    if (withEngine) engine({ subject, member: "", aspect: "size", original: `sizeof(${o})` }, layout.size);
    add({
      subject,
      member: "",
      aspect: "align",
      against: "generated",
      original: `_Alignof(${o})`,
      other: `_Alignof(${g})`,
    });
    if (withEngine) engine({ subject, member: "", aspect: "align", original: `_Alignof(${o})` }, layout.align);
    for (const m of flattenMembers(layout, 0, "", 0, (n) => !comparedOnItsOwn(n))) {
      if (m.bits !== undefined || m.name.includes("<")) continue;
      const d = designator(m.name);
      const offset = (rec: string) => `__builtin_offsetof(${rec}, ${d})`;
      add({ subject, member: m.name, aspect: "offset", against: "generated", original: offset(o), other: offset(g) });
      if (withEngine) engine({ subject, member: m.name, aspect: "offset", original: offset(o) }, m.offset);
      const t = m.member.field.type;
      if (t.kind === "array" && t.length === "flexible") continue;
      const size = (rec: string) => `sizeof(((${rec} *)0)->${d})`;
      add({ subject, member: m.name, aspect: "member size", against: "generated", original: size(o), other: size(g) });
      if (withEngine) engine({ subject, member: m.name, aspect: "member size", original: size(o) }, m.size);
      const integral = t.kind === "enum" || (t.kind === "scalar" && t.scalar.integer);
      if (integral) {
        // (int): clang states the two sides of a failed `==` of ints, not of truth values.
        const negative = (rec: string) => `(int)((__typeof__(((${rec} *)0)->${d}))-1 < 0)`;
        add({
          subject,
          member: m.name,
          aspect: "signedness",
          against: "generated",
          original: negative(o),
          other: negative(g),
        });
      }
    }
  }

  // External structs are the original headers' own; the spec's description of them is checked against the engine.
  const args = ifc.commands.flatMap((c) => (c.arg?.kind === "record" && c.spec.dir !== "none" ? [c.arg.record] : []));
  for (const r of externalsOf([...own, ...args])) {
    if (limited(r)) continue;
    const subject = `${r.kind} ${r.tag} (external)`;
    const o = recordC(r);
    const layout = layoutRecord(r, abi);
    engine({ subject, member: "", aspect: "size", original: `sizeof(${o})` }, layout.size);
    engine({ subject, member: "", aspect: "align", original: `_Alignof(${o})` }, layout.align);
    for (const m of flattenMembers(layout, 0, "", 0, (n) => !comparedOnItsOwn(n))) {
      if (m.bits !== undefined || m.name.includes("<")) continue;
      const original = `__builtin_offsetof(${o}, ${designator(m.name)})`;
      engine({ subject, member: m.name, aspect: "offset", original }, m.offset);
    }
  }

  const value = (name: string) =>
    add({
      subject: name,
      member: "",
      aspect: "value",
      against: "generated",
      original: `(${cIdentifier(name)})`,
      other: `(${cIdentifier(opts.prefix + name)})`,
      sameSign: true,
    });
  for (const c of ifc.commands) {
    value(c.spec.name);
    const n = commandNumber(c, abi).value;
    const argLimited = c.arg?.kind === "record" && limited(c.arg.record);
    if (n !== undefined && !argLimited)
      engine({ subject: c.spec.name, member: "", aspect: "value", original: `(${cIdentifier(c.spec.name)})` }, n);
  }
  for (const name of ifc.constants.keys()) value(name);
  for (const e of ifc.enums.values()) e.values.forEach((v) => value(v.name));
  for (const f of ifc.flagSets.values()) {
    f.bits.forEach((b) => value(b.name));
    if (f.mask) value(f.mask);
  }
  const specials = new Set(specialUses(ifc.spec, ifc.path).map((u) => u.special.name));
  for (const name of specials) if (!ifc.constants.has(name)) value(name);
  return out;
}

/** The external structs the header's own records hold by value, once each, innermost first. */
function externalsOf(records: readonly RecordType[]): RecordType[] {
  const seen = new Set<RecordType>();
  const out: RecordType[] = [];
  for (const r of records)
    eachRecordInnermostFirst(
      r,
      (c) => seen.has(c),
      (c) => {
        seen.add(c);
        if (c.external && c.tag) out.push(c);
      },
    );
  return out;
}

/** The comparison as one line of C. */
export function assertLine(c: Comparison): string {
  const sign = c.sameSign ? ` && (${c.original} < 0) == (${c.other} < 0)` : "";
  return `_Static_assert(${c.original} == ${c.other}${sign}, ${cStringLiteral(c.message)});`;
}
