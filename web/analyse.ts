/*
 * Everything the live page shows about one spec text, computed by the same modules the CLI runs: the loader's
 * errors, or the checks' findings, the ioctl-vs-syscall report (with each struct's byte map per ABI class) and
 * the generated header and codec files.  Pure: the page calls it on every edit, the bench calls it in Node to
 * compare.
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

export type Analysis =
  | { ok: false; file: string; errors: SpecError[] }
  | {
      ok: true;
      file: string;
      model: SpecModel;
      findings: Diagnostic[];
      report: SpecReport;
      files: ShownFile[];
    };

/** What the page computes for `text`; `file` names the spec in positions and generated comments. */
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
  const files: ShownFile[] = [
    ...headerGenerator.generate([model]).map((f) => ({ ...f, kind: "header" as const })),
    ...codecGenerator
      .generate([model], { runtime: "package", codecs: "ts" })
      .map((f) => ({ ...f, kind: "codec" as const })),
  ];
  return { ok: true, file, model, findings, report, files };
}
