/* The checks' findings as the page lists them: by severity (errors first), then by interface. */
import type { Diagnostic, Severity } from "../core/diagnostic.js";

export const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];

export interface FindingGroup {
  severity: Severity;
  interfaces: { name: string; findings: Diagnostic[] }[];
  count: number;
}

/** Severity groups in SEVERITIES order (empty ones left out); interfaces in first-seen order. */
export function groupFindings(findings: readonly Diagnostic[]): FindingGroup[] {
  return SEVERITIES.map((severity) => {
    const byInterface = new Map<string, Diagnostic[]>();
    for (const d of findings) {
      if (d.severity !== severity) continue;
      const list = byInterface.get(d.interface);
      if (list) list.push(d);
      else byInterface.set(d.interface, [d]);
    }
    const interfaces = [...byInterface].map(([name, list]) => ({ name, findings: list }));
    return { severity, interfaces, count: interfaces.reduce((n, i) => n + i.findings.length, 0) };
  }).filter((g) => g.count > 0);
}

/** "2 errors, 1 warning, 3 info" with the zero counts left out; "no findings" when all are zero. */
export function countsText(counts: Record<Severity, number>): string {
  const parts: string[] = [];
  if (counts.error) parts.push(`${counts.error} error${counts.error === 1 ? "" : "s"}`);
  if (counts.warning) parts.push(`${counts.warning} warning${counts.warning === 1 ? "" : "s"}`);
  if (counts.info) parts.push(`${counts.info} info`);
  return parts.length ? parts.join(", ") : "no findings";
}
