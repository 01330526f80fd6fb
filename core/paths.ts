/* Where the package's own files are, seen from compiled code in dist/. */
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
