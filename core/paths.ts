/* Where the repository's own files are, seen from compiled code in dist/. */
import { fileURLToPath } from "node:url";
import path from "node:path";

/** The repository root (this file runs as dist/core/paths.js). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export const SPEC_DIR = path.join(REPO_ROOT, "spec");
export const OUT_DIR = path.join(REPO_ROOT, "out");
export const SCHEMA_FILE = path.join(SPEC_DIR, "schema.json");
