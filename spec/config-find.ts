/*
 * Finding the project configuration, apart from reading it (config.ts): a command that may run without a
 * project (`uapi ioctl NUMBER`) looks for one without loading the validator and the spec loader.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { readCapped } from "./read-capped.js";

export const CONFIG_FILE_NAME = "uapi.config.json";
/** The key of package.json that may hold the configuration instead. */
export const PACKAGE_KEY = "uapi";
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** The configuration file that governs `dir`: the nearest one in it or above it. */
export function findProjectConfig(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const own = path.join(d, CONFIG_FILE_NAME);
    if (existsSync(own)) return own;
    const pkg = path.join(d, "package.json");
    if (existsSync(pkg) && packageHasKey(pkg)) return pkg;
    if (path.dirname(d) === d) return undefined;
  }
}

/** A package.json configures uapi only through its key; one that does not parse is npm's business, not ours. */
function packageHasKey(file: string): boolean {
  try {
    const value: unknown = JSON.parse(readCapped(file, MAX_CONFIG_BYTES)?.toString("utf8") ?? "null");
    return typeof value === "object" && value !== null && PACKAGE_KEY in value;
  } catch {
    return false;
  }
}
