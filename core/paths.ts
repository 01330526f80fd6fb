/* Where the package's own files are, seen from compiled code in dist/, and what its package.json says. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

/** The package root: this checkout, or the installed package (this file runs as dist/core/paths.js). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The spec language and the example specs. */
export const SPEC_DIR = path.join(REPO_ROOT, "spec");
/** This checkout's committed artefacts (tests compare with it; the CLI writes where the user's project says). */
export const OUT_DIR = path.join(REPO_ROOT, "out");
export const SCHEMA_FILE = path.join(SPEC_DIR, "schema.json");
export const CONFIG_SCHEMA_FILE = path.join(SPEC_DIR, "config.schema.json");

/** What the tool reads of its own package.json: the name users install and import, the version, peer ranges. */
export interface PackageInfo {
  name: string;
  version: string;
  peerDependencies?: Record<string, string>;
}

let packageInfo: PackageInfo | undefined;
/** This package's package.json, read once. */
export function ownPackage(): PackageInfo {
  return (packageInfo ??= JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as PackageInfo);
}
