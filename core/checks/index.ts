/* All checks, run over every struct and command on the chosen ABIs, in a stable order. */
import type { AbiEntry } from "../../spec/abi.js";
import type { Diagnostic } from "../diagnostic.js";
import type { SpecModel } from "../model.js";
import { checkAlign64 } from "./align64.js";
import { checkCompat } from "./compat.js";
import type { Check } from "./context.js";
import { checkIoctl } from "./ioctl.js";
import { checkPadding } from "./padding.js";
import { checkTypes } from "./types.js";

export const CHECKS: readonly Check[] = [checkPadding, checkAlign64, checkCompat, checkTypes, checkIoctl];

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

export function runChecks(model: SpecModel, abis: readonly AbiEntry[]): Diagnostic[] {
  const found = CHECKS.flatMap((check) => check({ model, abis }));
  // Position order within a file reads like a compiler's output; ties keep check order.
  return found
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        a.d.loc.line - b.d.loc.line ||
        a.d.loc.col - b.d.loc.col ||
        SEVERITY_ORDER[a.d.severity] - SEVERITY_ORDER[b.d.severity] ||
        a.i - b.i,
    )
    .map(({ d }) => d);
}
