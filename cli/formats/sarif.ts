/*
 * SARIF 2.1.0 (OASIS) for code-scanning services: one run, the rules as reportingDescriptors, one result
 * per finding.  Deterministic: no timestamps, rules sorted by id, results in the findings' order.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Loc } from "../../core/diagnostic.js";
import { genericRule, type Finding, type FindingLevel, type RuleInfo } from "./finding.js";

export const SARIF_VERSION = "2.1.0";
/** The OASIS standard's own schema (property-tests/fixtures/sarif holds a copy). */
export const SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json";
/** uriBaseId of every relative artifact URI: the folder the paths are relative to. */
export const SRCROOT = "%SRCROOT%";
/** partialFingerprints key; bump the version if the identity scheme ever changes. */
export const FINGERPRINT_KEY = "uapiFinding/v1";

export interface SarifOptions {
  toolName: string;
  toolVersion: string;
  informationUri?: string;
  /** Artifact URIs are relative to this folder (absolute `file://` URIs for files outside it). */
  baseDir: string;
}

export interface SarifMessage {
  text: string;
}

export interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

export interface SarifPhysicalLocation {
  artifactLocation: SarifArtifactLocation;
  region?: { startLine: number; startColumn?: number };
}

export interface SarifLocation {
  id?: number;
  physicalLocation: SarifPhysicalLocation;
  message?: SarifMessage;
}

export interface SarifReportingDescriptor {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: SarifMessage;
  defaultConfiguration: { level: FindingLevel };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: FindingLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
  partialFingerprints: Record<string, string>;
  properties: { abis: string[] };
}

export interface SarifLog {
  $schema: string;
  version: typeof SARIF_VERSION;
  runs: [
    {
      tool: {
        driver: {
          name: string;
          version: string;
          informationUri?: string;
          rules: SarifReportingDescriptor[];
        };
      };
      originalUriBaseIds: Record<string, { uri: string }>;
      results: SarifResult[];
    },
  ];
}

/** A spec path as SARIF wants it: relative to baseDir with forward slashes, or an absolute file:// URI. */
export function artifactLocation(file: string, baseDir: string): SarifArtifactLocation {
  const absolute = path.resolve(file);
  const relative = path.relative(path.resolve(baseDir), absolute);
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative))
    return { uri: pathToFileURL(absolute).href };
  return { uri: relative.split(path.sep).map(encodeURIComponent).join("/"), uriBaseId: SRCROOT };
}

function physicalLocation(loc: Loc, baseDir: string): SarifPhysicalLocation {
  const out: SarifPhysicalLocation = { artifactLocation: artifactLocation(loc.file, baseDir) };
  // SARIF lines and columns start at 1; a position the loader could not give is left out, not invented.
  if (Number.isInteger(loc.line) && loc.line >= 1)
    out.region = {
      startLine: loc.line,
      ...(Number.isInteger(loc.col) && loc.col >= 1 ? { startColumn: loc.col } : {}),
    };
  return out;
}

/** sha256 hex of ruleId NUL identity: the same defect keeps its fingerprint however the file's lines move. */
export function findingFingerprint(ruleId: string, identity: string): string {
  return createHash("sha256").update(`${ruleId}\u0000${identity}`).digest("hex");
}

export function messageText(f: Finding): string {
  return f.hint ? `${f.message}\nhint: ${f.hint}` : f.message;
}

/**
 * The rules table of the run: every rule given (so a consumer sees what was checked, findings or not) plus a
 * generic descriptor for any rule a finding names that the table lacks, sorted by id.
 */
function runRules(findings: readonly Finding[], rules: readonly RuleInfo[]): RuleInfo[] {
  const byId = new Map<string, RuleInfo>();
  for (const r of rules) if (!byId.has(r.id)) byId.set(r.id, r);
  for (const f of findings) if (!byId.has(f.ruleId)) byId.set(f.ruleId, genericRule(f.ruleId, f.level));
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function descriptor(r: RuleInfo): SarifReportingDescriptor {
  return {
    id: r.id,
    name: r.name,
    shortDescription: { text: r.short },
    fullDescription: { text: r.full },
    help: { text: `${r.full}\n\n(uapi rule ${r.id})` },
    defaultConfiguration: { level: r.level },
  };
}

export function sarifLog(findings: readonly Finding[], rules: readonly RuleInfo[], opts: SarifOptions): SarifLog {
  const table = runRules(findings, rules);
  const index = new Map(table.map((r, i) => [r.id, i]));
  const seen = new Map<string, number>();
  const results = findings.map((f): SarifResult => {
    const hash = findingFingerprint(f.ruleId, f.identity);
    // Findings sharing an identity are numbered in output order, so each keeps a distinct, stable print.
    const occurrence = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, occurrence);
    const result: SarifResult = {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId)!,
      level: f.level,
      message: { text: messageText(f) },
      locations: f.loc ? [{ physicalLocation: physicalLocation(f.loc, opts.baseDir) }] : [],
      partialFingerprints: { [FINGERPRINT_KEY]: `${hash}:${occurrence}` },
      properties: { abis: [...f.abis] },
    };
    if (f.related?.length)
      result.relatedLocations = f.related.map((r, i) => ({
        id: i + 1,
        physicalLocation: physicalLocation(r.loc, opts.baseDir),
        ...(r.message ? { message: { text: r.message } } : {}),
      }));
    return result;
  });
  return {
    $schema: SARIF_SCHEMA_URI,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: opts.toolName,
            version: opts.toolVersion,
            ...(opts.informationUri ? { informationUri: opts.informationUri } : {}),
            rules: table.map(descriptor),
          },
        },
        // SARIF wants a base URI ending in "/" so relative URIs resolve below it, not beside it.
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(path.resolve(opts.baseDir)).href.replace(/\/?$/, "/") } },
        results,
      },
    ],
  };
}
