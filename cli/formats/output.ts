/* The --format choices of the commands that report findings, and their SARIF as this tool writes it. */
import { ownPackage } from "../../core/paths.js";
import { oneOf, type Values } from "../args.js";
import type { Finding, RuleInfo } from "./finding.js";
import { sarifLog } from "./sarif.js";

export const FINDING_FORMATS = ["text", "json", "sarif", "github"] as const;
export type FindingFormat = (typeof FINDING_FORMATS)[number];

export function findingFormat(values: Values): FindingFormat {
  return oneOf("format", values.format as string | undefined, FINDING_FORMATS, "text");
}

/** The SARIF log as `uapi` prints it: this package as the tool, paths relative to the working directory. */
export function sarifText(findings: readonly Finding[], rules: readonly RuleInfo[]): string {
  const log = sarifLog(findings, rules, {
    toolName: "uapi",
    toolVersion: ownPackage().version,
    baseDir: process.cwd(),
  });
  return JSON.stringify(log, null, 2) + "\n";
}
