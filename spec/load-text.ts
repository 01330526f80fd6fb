/*
 * Loading spec text: parse, validate against the schema, lint, resolve.
 * Every stage reports all of its errors with positions; the first stage that
 * fails stops the load, so later stages only ever see well-formed input.
 * No file system here: the CLI reads files (spec/load.ts), the web page
 * passes the editor's text (web/).
 */
import { SpecInputError } from "../core/diagnostic.js";
import { checkRecordSizes } from "../core/layout.js";
import { resolveDocument, type SpecModel } from "../core/model.js";
import { ABIS } from "./abis.js";
import { lintDocument, lintModel } from "./lint.js";
import { parseSource } from "./source.js";
import { validateDocument } from "./validate.js";

/** The largest spec file read (16 MiB): the bundled specs are under 100 KiB. */
export const MAX_SPEC_BYTES = 16 * 1024 * 1024;
export const MIB = (n: number) => `${n / (1024 * 1024)} MiB`;

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
