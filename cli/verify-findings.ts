/*
 * `uapi verify`'s verdicts as tool-neutral findings (cli/formats/finding.ts): each mismatch at the spec
 * position of its record or member, unverified ABIs and records as notes, typedef mismatches and compiler
 * failures as errors.  Also the text lines `uapi verify` prints for mismatches.
 */
import type { Loc } from "../core/diagnostic.js";
import { recordName, type FieldModel, type RecordType } from "../core/model.js";
import type { TypedefMismatch } from "../verify/libc-types.js";
import type { AbiVerdict, Mismatch, ProbeUnit } from "../verify/verify.js";
import { ruleName, type Finding, type FindingLevel, type RuleInfo } from "./formats/finding.js";

const rule = (id: string, level: FindingLevel, short: string, full: string): RuleInfo => ({
  id,
  name: ruleName(id),
  short,
  full,
  level,
});

export const VERIFY_RULES: readonly RuleInfo[] = [
  rule(
    "verify/mismatch",
    "error",
    "a compiler lays out a struct differently from the engine",
    "A real compiler's sizeof, _Alignof, offsetof or bit-field position of a struct or member differs from the " +
      "workbench's layout engine on an ABI: the generated header, codecs and checks are wrong there.",
  ),
  rule(
    "verify/typedef",
    "error",
    "the ABI table's typedef disagrees with the target's headers",
    "A kernel or C library typedef (time_t, __kernel_long_t, ...) has a different size, alignment or " +
      "signedness in the target's own sysroot headers than in the workbench's ABI table.",
  ),
  rule(
    "verify/unverified",
    "note",
    "an ABI or record no compiler could check",
    "No usable compiler checked this ABI or record here (no cross compiler installed, or a compiler limit); " +
      "the reason says what to install.",
  ),
  rule(
    "verify/error",
    "error",
    "a compiler failed unexpectedly",
    "A compiler run failed for another reason than a layout mismatch; its output is in the message.",
  ),
];

const KIND_TEXT: Record<Mismatch["kind"], string> = {
  size: "sizeof",
  align: "_Alignof",
  offset: "offsetof",
  "bit-offset": "bit offset of",
  "bit-width": "bit width of",
};

export function describeMismatch(m: Mismatch): string {
  const subject = m.member ? `${m.record.replace(/^.*: /, "")}.${m.member}` : m.record.replace(/^.*: /, "");
  return (
    `${m.record}${m.member ? ` member ${m.member}` : ""}: ${KIND_TEXT[m.kind]} ${subject}: ` +
    `engine ${m.engine}, ${m.compilerName} ${m.compiler ?? "(not read back)"}`
  );
}

export function describeTypedefMismatch(m: TypedefMismatch, compiler: string): string {
  const sa = (x: TypedefMismatch["table"]) => `${x.size}/${x.align} ${x.signed ? "signed" : "unsigned"}`;
  return (
    `typedef ${m.typedef}: ABI table ${sa(m.table)} (size/align), ` +
    `${compiler} with the target's headers ${sa(m.sysroot)}`
  );
}

/** A named field of `record`, looked for through anonymous members as C does, with the record declaring it. */
function namedField(record: RecordType, name: string): { field: FieldModel; owner: RecordType } | undefined {
  for (const field of record.fields) {
    if (field.name === name) return { field, owner: record };
    if (field.name === undefined && field.type.kind === "record") {
      const inner = namedField(field.type.record, name);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** Where a record, or a member path of it ("msg.type", as verify/facts.ts writes it), is declared. */
export function memberLoc(record: RecordType, member: string): Loc | undefined {
  if (!member) return record.locate?.(record.path);
  let current = record;
  let found: { field: FieldModel; owner: RecordType } | undefined;
  for (const name of member.split(".")) {
    found = namedField(current, name);
    if (!found) return record.locate?.(record.path);
    if (found.field.type.kind === "record") current = found.field.type.record;
  }
  return found!.owner.locate?.(found!.field.path);
}

interface RecordEntry {
  record: RecordType;
  /** The interface's header path, e.g. "linux/bus1.h": names it without the spec's file path. */
  header: string;
}

/** The compiler without its version, so a compiler upgrade keeps the fingerprint. */
const compilerFamily = (name: string) => name.split(/\s+/)[0] ?? name;

export function verifyFindings(verdicts: readonly AbiVerdict[], units: readonly ProbeUnit[]): Finding[] {
  const records = new Map<string, RecordEntry>();
  for (const u of units) for (const r of u.records) records.set(r.label, { record: r.record, header: u.header });
  const subjectOf = (label: string) => {
    const e = records.get(label);
    return e ? `${e.header}\u0000${recordName(e.record)}` : label.replace(/^.*: /, "");
  };
  const out: Finding[] = [];
  for (const v of verdicts) {
    for (const run of v.runs) {
      for (const m of run.mismatches) {
        const entry = records.get(m.record);
        const loc = entry ? memberLoc(entry.record, m.member) : undefined;
        out.push({
          ruleId: "verify/mismatch",
          level: "error",
          message: `[${v.abi}] ${describeMismatch(m)}`,
          ...(loc ? { loc } : {}),
          abis: [v.abi],
          identity: [subjectOf(m.record), m.member, m.kind, v.abi, compilerFamily(m.compilerName)].join("\u0000"),
        });
      }
      if (run.error)
        out.push({
          ruleId: "verify/error",
          level: "error",
          message: `[${v.abi}] ${run.compiler}: ${run.error}`,
          abis: [v.abi],
          identity: `${v.abi}\u0000${compilerFamily(run.compiler)}`,
        });
    }
    if (v.typedefs.status === "checked")
      for (const m of v.typedefs.mismatches)
        out.push({
          ruleId: "verify/typedef",
          level: "error",
          message: `[${v.abi}] ${describeTypedefMismatch(m, v.typedefs.compiler)}`,
          abis: [v.abi],
          identity: `${v.abi}\u0000${m.typedef}`,
        });
    if (v.status === "unverified")
      out.push({
        ruleId: "verify/unverified",
        level: "note",
        message: `[${v.abi}] unverified: ${v.reason ?? "no compiler checked it"}`,
        abis: [v.abi],
        identity: v.abi,
      });
    for (const u of v.unverified) {
      const entry = records.get(u.record);
      const loc = entry ? memberLoc(entry.record, "") : undefined;
      out.push({
        ruleId: "verify/unverified",
        level: "note",
        message: `[${v.abi}] ${u.record} not checked: ${u.reason}`,
        ...(loc ? { loc } : {}),
        abis: [v.abi],
        identity: `${subjectOf(u.record)}\u0000${v.abi}`,
      });
    }
  }
  return out;
}
