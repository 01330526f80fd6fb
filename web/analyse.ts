/*
 * Everything the live page shows about one spec text, computed by the same modules the CLI runs: the loader's
 * errors, or the checks' findings, the ioctl-vs-syscall report (with each struct's byte map per ABI class) and
 * the generated header and codec files.  Pure: the page calls it on every edit, the bench calls it in Node to
 * compare.  The page asks for the generated files separately (generatedFiles), only for the tab it shows: the
 * codecs cost as much as the rest of the analysis.
 */
import { runChecks } from "../core/checks/index.js";
import { SpecInputError, type Diagnostic, type SpecError } from "../core/diagnostic.js";
import { loadSpecText } from "../spec/load-text.js";
import { ABIS } from "../spec/abis.js";
import type { AbiEntry } from "../spec/abi.js";
import { buildReport, type SpecReport } from "../syscall/report-data.js";
import { codecGenerator } from "../generators/codecs.js";
import type { OutputFile } from "../generators/generator.js";
import { headerGenerator } from "../generators/header.js";
import type { SpecModel } from "../core/model.js";

/** A generated file the page shows, with what it is. */
export interface ShownFile extends OutputFile {
  kind: "header" | "codec";
}

/** The analysis without the generated files: what every edit recomputes. */
export type Analysis =
  | { ok: false; file: string; errors: SpecError[] }
  | { ok: true; file: string; model: SpecModel; findings: Diagnostic[]; report: SpecReport };

/** The loader's errors, or the findings and the report for `text`; `file` names the spec in positions. */
export function analyseSpec(file: string, text: string, abis: readonly AbiEntry[] = ABIS): Analysis {
  let model: SpecModel;
  try {
    model = loadSpecText(file, text);
  } catch (e) {
    if (e instanceof SpecInputError) return { ok: false, file, errors: e.errors };
    throw e;
  }
  const findings = runChecks(model, abis);
  const report = buildReport(model, abis, findings);
  return { ok: true, file, model, findings, report };
}

/** The headers or the TypeScript codecs `uapi generate` writes for `model`. */
export function generatedFiles(model: SpecModel, kind: ShownFile["kind"]): ShownFile[] {
  const files =
    kind === "header"
      ? headerGenerator.generate([model])
      : codecGenerator.generate([model], { runtime: "package", codecs: "ts" });
  return files.map((f) => ({ ...f, kind }));
}
