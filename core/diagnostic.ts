/* What the workbench says about a spec: positions, bad-input errors and findings. */
import type { AbiId } from "../spec/abi.js";

/** A position in a spec file, 1-based. */
export interface Loc {
  file: string;
  line: number;
  col: number;
}

/** A path into the parsed document, as keys and indices from the root. */
export type DocPath = readonly (string | number)[];

/** The spec is not usable: syntax, schema or meaning.  Always exit 2. */
export interface SpecError {
  loc: Loc;
  message: string;
  /** What to do about it. */
  hint: string;
}

export type Severity = "error" | "warning" | "info";

/** A finding of the checks on a valid spec. */
export interface Diagnostic {
  /** Stable rule id, e.g. "padding/hole". */
  rule: string;
  severity: Severity;
  /** The interface the finding belongs to. */
  interface: string;
  /** What it is about: "struct foo", "struct foo.bar", "BUS1_CMD_SEND". */
  subject: string;
  message: string;
  loc: Loc;
  /** The ABIs concerned (empty when the finding does not depend on the ABI). */
  abis: AbiId[];
  hint: string;
}

/** How many findings there are of each severity. */
export function countBySeverity(findings: readonly Diagnostic[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const d of findings) counts[d.severity]++;
  return counts;
}

export function formatLoc(loc: Loc): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/** Thrown by loaders when input is unusable; carries every error found, not only the first. */
export class SpecInputError extends Error {
  constructor(readonly errors: SpecError[]) {
    super(errors.map((e) => `${formatLoc(e.loc)}: ${e.message}`).join("\n"));
    this.name = "SpecInputError";
  }
}
