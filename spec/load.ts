/*
 * Loading a spec: read, parse, validate against the schema, lint, resolve.
 * Every stage reports all of its errors with positions; the first stage that
 * fails stops the load, so later stages only ever see well-formed input.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { SpecInputError, type SpecError } from "../core/diagnostic.js";
import { resolveDocument, type SpecModel } from "../core/model.js";
import { SPEC_DIR } from "../core/paths.js";
import { lintDocument } from "./lint.js";
import { parseSource } from "./source.js";
import { validateDocument } from "./validate.js";

/** Parse and resolve spec text; `file` is only used in positions. */
export function loadSpecText(file: string, text: string): SpecModel {
  const parsed = parseSource(file, text);
  if (!parsed.source) throw new SpecInputError(parsed.errors);
  const source = parsed.source;
  const validated = validateDocument(source);
  if (!validated.doc) throw new SpecInputError(validated.errors);
  const lintErrors = lintDocument(validated.doc, source.locate);
  if (lintErrors.length) throw new SpecInputError(lintErrors);
  const resolved = resolveDocument(file, validated.doc, source.locate);
  if (!resolved.model) throw new SpecInputError(resolved.errors);
  return resolved.model;
}

export function loadSpecFile(file: string): SpecModel {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const err: SpecError = { loc: { file, line: 1, col: 1 }, message: `cannot read spec: ${(e as Error).message}`, hint: "check the path" };
    throw new SpecInputError([err]);
  }
  return loadSpecText(displayPath(file), text);
}

/** Paths in messages are relative to the working directory when that is shorter. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") ? rel : file;
}

/** The bundled specs: every .yaml/.yml/.json in spec/ except the schema. */
export function bundledSpecFiles(): string[] {
  return readdirSync(SPEC_DIR)
    .filter((f) => /\.(ya?ml|json)$/.test(f) && f !== "schema.json" && !f.startsWith("."))
    .sort()
    .map((f) => path.join(SPEC_DIR, f));
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
