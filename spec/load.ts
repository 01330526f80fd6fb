/*
 * Loading spec files: read (capped) and hand the text to spec/load-text.ts;
 * finding the spec files of a folder.
 */
import { existsSync, readdirSync } from "node:fs";
import { readCapped } from "./read-capped.js";
import path from "node:path";
import { SpecInputError, type SpecError } from "../core/diagnostic.js";
import type { SpecModel } from "../core/model.js";
import { SPEC_DIR } from "../core/paths.js";
import { loadSpecText, MAX_SPEC_BYTES, MIB } from "./load-text.js";

export { loadSpecText, MAX_SPEC_BYTES, type LoadTimings } from "./load-text.js";

export function loadSpecFile(file: string): SpecModel {
  const shown = displayPath(file);
  const fail = (message: string, hint: string): never => {
    throw new SpecInputError([{ loc: { file: shown, line: 1, col: 1 }, message, hint }]);
  };
  let bytes: Buffer | undefined;
  try {
    bytes = readCapped(file, MAX_SPEC_BYTES);
  } catch (e) {
    return fail(`cannot read spec: ${(e as Error).message}`, "check the path");
  }
  if (!bytes)
    return fail(
      `the spec is larger than the limit of ${MIB(MAX_SPEC_BYTES)} (${MAX_SPEC_BYTES} bytes); reading stopped there`,
      "a spec is a text file of a few hundred KiB at most; " +
        "check that the path names a spec, not a device, a pipe or a data file",
    );
  return loadSpecText(shown, bytes.toString("utf8"));
}

/** Paths in messages are relative to the working directory when that is shorter. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") ? rel : file;
}

/**
 * The example specs shipped in spec/ (bus1, IIO, MHI UCI).  This checkout's uapi.config.json names them; the CLI
 * never falls back to them in someone else's project.
 */
export function exampleSpecFiles(): string[] {
  return specFilesIn(SPEC_DIR);
}

/** The spec files directly in a folder: its visible .yaml and .yml files, sorted. */
export function specFilesIn(folder: string): string[] {
  return readdirSync(folder)
    .filter((f) => /\.ya?ml$/.test(f) && !f.startsWith("."))
    .sort()
    .map((f) => path.join(folder, f));
}

/** The spec files in a folder and every folder below it, sorted by path; none when the folder is missing. */
export function specFilesBelow(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name) && !e.name.startsWith("."))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** Load several files, collecting the errors of all of them. */
export function loadSpecFiles(files: string[]): SpecModel[] {
  const models: SpecModel[] = [];
  const errors: SpecError[] = [];
  for (const f of files) {
    try {
      models.push(loadSpecFile(f));
    } catch (e) {
      if (e instanceof SpecInputError) errors.push(...e.errors);
      else throw e;
    }
  }
  if (errors.length) throw new SpecInputError(errors);
  return models;
}
