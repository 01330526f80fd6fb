/*
 * A finding as every machine format sees it, whichever command made it: `check` diagnostics, `verify`
 * mismatches, and (later) `diff` changes map onto this one shape, so SARIF and GitHub output are written once.
 */
import type { Diagnostic, Loc } from "../../core/diagnostic.js";

export type FindingLevel = "error" | "warning" | "note";

export interface FindingLocation {
  loc: Loc;
  message?: string;
}

export interface Finding {
  /** "padding/hole", "verify/mismatch", "diff/member-offset". */
  ruleId: string;
  level: FindingLevel;
  message: string;
  /** The primary location. */
  loc?: Loc;
  /** Other places the finding concerns, e.g. the old side of a diff. */
  related?: FindingLocation[];
  abis: readonly string[];
  hint?: string;
  /**
   * What the finding is about, without positions: interface + subject (+ anything that distinguishes two
   * findings of one rule); fingerprints derive from ruleId + identity so they survive lines moving.
   */
  identity: string;
}

export interface RuleInfo {
  id: string;
  /** PascalCase, SARIF reportingDescriptor.name. */
  name: string;
  short: string;
  full: string;
  level: FindingLevel;
}

/** SARIF and GitHub have no "info": it is their "note"/"notice". */
export function findingLevel(severity: Diagnostic["severity"]): FindingLevel {
  return severity === "info" ? "note" : severity;
}

export function diagnosticFinding(d: Diagnostic): Finding {
  return {
    ruleId: d.rule,
    level: findingLevel(d.severity),
    message: d.message,
    loc: d.loc,
    abis: d.abis,
    // An info finding's hint is not printed in text either; keep the formats saying the same.
    ...(d.severity !== "info" && d.hint ? { hint: d.hint } : {}),
    // Not the message: its wording or ABI list may change while the defect stays the same one.
    // Two findings of one rule on one subject are told apart by sarif.ts's occurrence counter.
    identity: `${d.interface}\u0000${d.subject}`,
  };
}

/** "padding/hole" -> "PaddingHole": a SARIF reportingDescriptor.name. */
export function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
}

/** A rule no table knows (a rule added in another branch, a command's new finding): never a crash. */
export function genericRule(id: string, level: FindingLevel = "warning"): RuleInfo {
  const text = `uapi rule ${id}`;
  return { id, name: ruleName(id) || "UnknownRule", short: text, full: text, level };
}
