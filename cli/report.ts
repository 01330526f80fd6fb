/* Printing diagnostics and spec errors: compiler-style text, or JSON for machines. */
import { formatLoc, type Diagnostic, type SpecError } from "../core/diagnostic.js";
import { paint, type Io } from "./io.js";

export function formatSpecErrors(io: Io, errors: SpecError[]): string {
  return errors
    .map(
      (e) =>
        `${formatLoc(e.loc)}: ${paint(io, "red", "error")}: ${e.message}\n` +
        `    ${paint(io, "cyan", "hint")}: ${e.hint}\n`,
    )
    .join("");
}

const SEVERITY_STYLE = { error: "red", warning: "yellow", info: "blue" } as const;

export function formatDiagnostic(io: Io, d: Diagnostic): string {
  const head = `${formatLoc(d.loc)}: ${paint(io, SEVERITY_STYLE[d.severity], d.severity)} [${d.rule}] ${d.message}\n`;
  return d.severity === "info" ? head : `${head}    ${paint(io, "cyan", "hint")}: ${d.hint}\n`;
}

export function countBySeverity(ds: Diagnostic[]): Record<"error" | "warning" | "info", number> {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const d of ds) counts[d.severity]++;
  return counts;
}

export function diagnosticJson(d: Diagnostic) {
  return {
    rule: d.rule,
    severity: d.severity,
    interface: d.interface,
    subject: d.subject,
    message: d.message,
    file: d.loc.file,
    line: d.loc.line,
    col: d.loc.col,
    abis: d.abis,
    hint: d.hint,
  };
}
