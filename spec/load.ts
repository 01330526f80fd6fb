/*
 * Loading a spec: read, parse, validate against the schema, lint, resolve.
 * Every stage reports all of its errors with positions; the first stage that
 * fails stops the load, so later stages only ever see well-formed input.
 */
import { existsSync, readdirSync } from "node:fs";
import { readCapped } from "./read-capped.js";
import path from "node:path";
import { SpecInputError, type SpecError } from "../core/diagnostic.js";
import { checkRecordSizes } from "../core/layout.js";
import { resolveDocument, type SpecModel } from "../core/model.js";
import { SPEC_DIR } from "../core/paths.js";
import { ABIS } from "./abis.js";
import { lintDocument, lintModel } from "./lint.js";
import { parseSource } from "./source.js";
import { validateDocument } from "./validate.js";

/** The largest spec file read (16 MiB): the bundled specs are under 100 KiB. */
export const MAX_SPEC_BYTES = 16 * 1024 * 1024;
const MIB = (n: number) => `${n / (1024 * 1024)} MiB`;

/** Milliseconds per loading stage, added to when given (bench/scale.ts times each stage of a real load). */
export interface LoadTimings {
  parse: number;
  validate: number;
  lint: number;
  resolve: number;
  /** The load-time bound on every record's size (core/layout.ts checkRecordSizes). */
  sizes: number;
}

/** Parse and resolve spec text; `file` is only used in positions. */
export function loadSpecText(file: string, text: string, timings?: LoadTimings): SpecModel {
  let t0 = performance.now();
  const stage = (name: keyof LoadTimings) => {
    if (!timings) return;
    const now = performance.now();
    timings[name] += now - t0;
    t0 = now;
  };
  if (text.length > MAX_SPEC_BYTES)
    throw new SpecInputError([
      {
        loc: { file, line: 1, col: 1 },
        message: `the spec is larger than the limit of ${MIB(MAX_SPEC_BYTES)}`,
        hint: "split it into several spec files",
      },
    ]);
  const parsed = parseSource(file, text);
  if (!parsed.source) throw new SpecInputError(parsed.errors);
  const source = parsed.source;
  stage("parse");
  const validated = validateDocument(source);
  if (!validated.doc) throw new SpecInputError(validated.errors);
  stage("validate");
  const lintErrors = lintDocument(validated.doc, source.locate);
  if (lintErrors.length) throw new SpecInputError(lintErrors);
  stage("lint");
  const resolved = resolveDocument(file, validated.doc, source.locate);
  if (!resolved.model) throw new SpecInputError(resolved.errors);
  stage("resolve");
  // Every record on every ABI: the layouts are memoised, so the checks and generators reuse them.
  const sizeErrors = checkRecordSizes(resolved.model, ABIS);
  if (sizeErrors.length) throw new SpecInputError(sizeErrors);
  stage("sizes");
  // What the generators derive from the model (the shims' function and argument names) must be valid C too.
  const modelErrors = lintModel(resolved.model);
  if (modelErrors.length) throw new SpecInputError(modelErrors);
  stage("lint");
  return resolved.model;
}

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
