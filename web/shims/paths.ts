/*
 * core/paths.ts for the page: there is no package folder to read in a browser, so the package facts the
 * generators print (its name, for the codecs' runtime import) are put in by the bundler (web/build.ts).
 */
import type { PackageInfo } from "../../core/paths.js";

declare const UAPI_PACKAGE_INFO: PackageInfo;

/** The page's specs live at the root of a virtual tree: generated comments name them by their file name. */
export const REPO_ROOT = "/";
export const SPEC_DIR = "/spec";
export const OUT_DIR = "/out";
export const SCHEMA_FILE = "/spec/schema.json";
export const CONFIG_SCHEMA_FILE = "/spec/config.schema.json";

export function ownPackage(): PackageInfo {
  return UAPI_PACKAGE_INFO;
}
