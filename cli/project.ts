/*
 * The user's project, as every spec-reading command sees it: the
 * configuration named by --config, or the nearest uapi.config.json (or
 * package.json "uapi" key) in or above the working directory.  Named SPECs
 * win over the configured ones; with neither, the command has nothing to run
 * on and says how to start.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { SpecModel } from "../core/model.js";
import type { AbiEntry } from "../spec/abi.js";
import { CONFIG_FILE_NAME, findProjectConfig, loadProjectConfig, PACKAGE_KEY, type Project } from "../spec/config.js";
import { loadSpecFiles } from "../spec/load.js";
import { selectAbis, type Values } from "./args.js";
import { UsageError } from "./io.js";

export { PROJECT_OPTIONS } from "./args.js";

export function openProject(values: Values): Project | undefined {
  const named = values.config as string | undefined;
  if (named !== undefined) {
    const file = path.resolve(named);
    if (!existsSync(file)) throw new UsageError(`--config ${named}: no such file`);
    return loadProjectConfig(file);
  }
  const found = findProjectConfig(process.cwd());
  return found ? loadProjectConfig(found) : undefined;
}

/** The spec files a command runs on: those named, else the project's. */
export function specFilesOf(named: readonly string[], project: Project | undefined): string[] {
  if (named.length) return named.map((f) => path.resolve(f));
  if (project) return project.specs;
  throw new UsageError(
    `no SPEC named, and no ${CONFIG_FILE_NAME} (or package.json "${PACKAGE_KEY}" key) in this folder or above it; ` +
      `name a spec file, or run 'uapi init' to start a spec and its configuration`,
  );
}

export function loadProjectSpecs(named: readonly string[], project: Project | undefined): SpecModel[] {
  return loadSpecFiles(specFilesOf(named, project));
}

/** `--abi` when given, else the project's ABIs, else every ABI. */
export function projectAbis(abiOption: string[] | string | undefined, project: Project | undefined): AbiEntry[] {
  return selectAbis(abiOption ?? project?.abis);
}
