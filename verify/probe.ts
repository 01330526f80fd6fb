/*
 * The probe: one C translation unit per ABI that includes the generated
 * uapi headers themselves -- the exact text `uapi generate` writes
 * (generators/header.ts) -- and pins the engine's layout of every struct
 * with _Static_asserts (generators/layout-asserts.ts), plus what a backend
 * needs to read the compiler's own values back:
 *   - `__uapi_values[]`: sizeof/_Alignof/offsetof of every fact, in fact order
 *     (read from GCC's assembly; clang's record-layout dump gives them too);
 *   - one static object per named bit-field with only that field set to all
 *     ones (GCC's assembly then shows which bits it occupies);
 *   - calibration constants that reveal the assembler's directive sizes.
 * The asserts sit under `#ifndef __uapi_measure_only`, so a second pass can
 * still measure when the compiler rejects them.
 *
 * Headers that would clash in one translation unit (variants of one
 * interface, random documents reusing tags) go to separate probes
 * (groupUnits).  All C is written through core/c-writer.ts.
 */
import type { AbiEntry } from "../spec/abi.js";
import type { InterfaceModel, RecordType, SpecModel } from "../core/model.js";
import { eachRecordInnermostFirst, layoutDependencies } from "../core/layout.js";
import { includeLine, lineComment, staticAssert, toolName } from "../core/c-writer.js";
import { renderHeader } from "../generators/header.js";
import { layoutAsserts } from "../generators/layout-asserts.js";
import { factsOf, type Fact } from "./facts.js";
import { standIns } from "./stand-ins.js";
import { CALIBRATION_SOURCE } from "./asm-data.js";

export interface ProbeRecord {
  record: RecordType;
  /** How reports name it, e.g. "bus1.yaml: struct bus1_cmd_send". */
  label: string;
}

/** One generated header and the structs it declares or includes. */
export interface ProbeUnit {
  /** The path the header is included by, e.g. "linux/bus1.h". */
  header: string;
  /** The header's text, exactly as `uapi generate` writes it. */
  text: string;
  records: ProbeRecord[];
  /** Names the header defines (tags, macros, its include guard): two units defining one name cannot share a probe. */
  defines: ReadonlySet<string>;
  /** Identifiers the header's text mentions. */
  mentions: ReadonlySet<string>;
  /** External structs it uses, "struct tag" -> their description (one probe holds one description of each). */
  externals: ReadonlyMap<string, string>;
}

export interface ProbeEntry extends ProbeRecord {
  /** The record's spelling in the probe ("struct foo"). */
  cname: string;
  facts: Fact[];
  /** Index of each size/align/offset fact in __uapi_values[], by fact index. */
  valueIndex: Map<number, number>;
  /** Name of the bit-field object for each bit-offset and bit-width fact, by fact index. */
  bitObject: Map<number, string>;
}

export interface Probe {
  source: string;
  /** Headers under the include directory: path -> text (the generated headers). */
  headers: Record<string, string>;
  /** Stand-in kernel headers (verify/stand-ins.ts), searched after the system's. */
  standIns: Record<string, string>;
  entries: ProbeEntry[];
  /** Number of __uapi_values[] entries. */
  valueCount: number;
}

export const MEASURE_ONLY = toolName("measure_only");
export const VALUES = toolName("values");

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;

/** The probe unit of one interface: its generated header and its named structs. */
export function unitOfInterface(model: SpecModel, ifc: InterfaceModel, label: string): ProbeUnit {
  const text = renderHeader(model, ifc);
  const defines = new Set<string>();
  const guard = /#ifndef (\S+)/.exec(text)?.[1];
  if (guard) defines.add(guard);
  for (const m of text.matchAll(/^#define ([A-Za-z_][A-Za-z0-9_]*)/gm)) defines.add(m[1]!);
  const addTags = (r: RecordType) => {
    if (r.tag) defines.add(`${r.kind} ${r.tag}`);
    for (const f of r.fields) if (f.type.kind === "record" && f.type.record.inline) addTags(f.type.record);
  };
  ifc.records.forEach(addTags);
  for (const e of ifc.enums.values()) {
    defines.add(`enum ${e.name}`);
    for (const v of e.values) defines.add(v.name);
  }
  const records = ifc.records
    .filter((r) => r.tag && !r.inline)
    .map((record) => ({ record, label: `${label}: ${record.kind} ${record.tag}` }));
  const externals = new Map(
    records
      .flatMap((r) => externalRecords(r.record))
      .map((r) => [`${r.kind} ${r.tag}`, JSON.stringify(r.fields.map((f) => f.spec))]),
  );
  return { header: ifc.spec.header, text, records, defines, mentions: new Set(text.match(IDENT) ?? []), externals };
}

/** Every interface of the models as a probe unit, labelled "file: struct tag (variant)". */
export function unitsOfModels(models: readonly SpecModel[]): ProbeUnit[] {
  return models.flatMap((m) =>
    m.interfaces.map((ifc) => unitOfInterface(m, ifc, `${m.file}${ifc.spec.variant ? ` (${ifc.spec.variant})` : ""}`)),
  );
}

const macroName = (d: string) => !d.includes(" ");

/** A probe under construction: everything its headers define and mention, for the clash test. */
class ProbeGroup {
  readonly units: ProbeUnit[] = [];
  records = 0;
  private readonly headers = new Set<string>();
  private readonly defines = new Set<string>();
  private readonly macros = new Set<string>();
  private readonly mentions = new Set<string>();
  private readonly externals = new Map<string, string>();

  /**
   * Whether `u`'s header can join: no name defined twice, no macro of one header in another's text, one
   * description per external struct.
   */
  accepts(u: ProbeUnit): boolean {
    if (this.headers.has(u.header)) return false;
    for (const d of u.defines) if (this.defines.has(d) || (macroName(d) && this.mentions.has(d))) return false;
    for (const m of u.mentions) if (this.macros.has(m)) return false;
    for (const [tag, text] of u.externals) if ((this.externals.get(tag) ?? text) !== text) return false;
    return true;
  }

  add(u: ProbeUnit): void {
    this.units.push(u);
    this.records += u.records.length;
    this.headers.add(u.header);
    for (const d of u.defines) {
      this.defines.add(d);
      if (macroName(d)) this.macros.add(d);
    }
    for (const m of u.mentions) this.mentions.add(m);
    for (const [tag, text] of u.externals) this.externals.set(tag, text);
  }
}

/** Units in groups that can share a probe, each of at most `maxRecords` records (a larger unit stands alone). */
export function groupUnits(units: readonly ProbeUnit[], maxRecords: number): ProbeUnit[][] {
  const groups: ProbeGroup[] = [];
  for (const u of units) {
    let g = groups.find((g) => g.records + u.records.length <= maxRecords && g.accepts(u));
    if (!g) groups.push((g = new ProbeGroup()));
    g.add(u);
  }
  return groups.map((g) => g.units);
}

/** Build the probe for the units of one group on `abi`. */
export function buildProbe(
  units: readonly ProbeUnit[],
  abi: AbiEntry,
  asked: (r: RecordType) => boolean = () => true,
): Probe {
  const asserts: string[] = [];
  const values: string[] = [];
  const objects: string[] = [];
  const records = units.flatMap((u) => u.records).filter((r) => asked(r.record));
  const entries: ProbeEntry[] = records.map((pr, ri) => {
    const cname = `${pr.record.kind} ${pr.record.tag}`;
    for (const a of layoutAsserts(pr.record, abi))
      asserts.push(staticAssert(a.expr, a.expected, `${abi.id}: ${a.expr} == ${a.expected}`));
    const facts = factsOf(pr.record, abi);
    const valueIndex = new Map<number, number>();
    const bitObject = new Map<number, string>();
    facts.forEach((f, fi) => {
      const expr =
        f.kind === "size"
          ? `sizeof(${cname})`
          : f.kind === "align"
            ? `_Alignof(${cname})`
            : f.kind === "offset"
              ? `offsetof(${cname}, ${f.member})`
              : undefined;
      if (expr) {
        valueIndex.set(fi, values.length);
        values.push(`\t${expr},`);
      } else if (f.kind === "bit-offset") {
        const name = toolName(`bf_${ri}_${fi}`);
        // The bit-width fact always follows its bit-offset fact; both read the same object.
        bitObject.set(fi, name);
        bitObject.set(fi + 1, name);
        objects.push(`${cname} ${name} = { .${f.member} = -1 };`);
      }
    });
    return { ...pr, cname, facts, valueIndex, bitObject };
  });
  const headers: Record<string, string> = {};
  for (const u of units) headers[u.header] = u.text;
  // One description per external struct: groupUnits only groups headers that agree on it.
  const externals = [
    ...new Map(
      units
        .flatMap((u) => u.records)
        .flatMap((r) => externalRecords(r.record))
        .map((r) => [`${r.kind} ${r.tag}`, r]),
    ).values(),
  ];
  const source = [
    lineComment(
      `uapi verify probe: ${units.length} generated header(s), ${records.length} records on ${abi.id} (${abi.title})`,
    ),
    includeLine("stddef.h"),
    ...units.map((u) => includeLine(u.header)),
    // A struct the spec declares external is pinned too; the header includes its header only when it holds it by value.
    ...[...new Set(externals.map((r) => r.external!.header))].sort().map((h) => includeLine(h)),
    `#ifndef ${MEASURE_ONLY}`,
    ...asserts,
    "#endif",
    CALIBRATION_SOURCE,
    `const unsigned int ${VALUES}[] = {`,
    ...values,
    "};",
    ...objects,
    "",
  ].join("\n");
  return { source, headers, standIns: standIns(abi, externals), entries, valueCount: values.length };
}

/**
 * External structs a record is, holds by value, or takes the size of in an array length (their headers are
 * included, not generated).
 */
function externalRecords(r: RecordType): RecordType[] {
  if (r.external) return [r];
  const seen = new Set<RecordType>();
  const out = new Set<RecordType>();
  // An external struct is collected, not entered: its header, not ours, declares what it holds.
  const done = (c: RecordType) => (c.external ? (out.add(c), true) : seen.has(c));
  eachRecordInnermostFirst(r, done, (c) => seen.add(c), layoutDependencies);
  return [...out];
}
