/*
 * `uapi check` on two threads.  The checks look at one interface at a time
 * (core/checks/index.ts checkParts), so the interfaces are split into two
 * shares of about equal work: this thread checks one while the worker checks
 * the other.  The parts put together in order are exactly the findings of one
 * thread, so the output does not depend on how the work was split.
 */
import { checkParts, orderFindings, runChecks, type FindingsPart } from "../core/checks/index.js";
import type { Diagnostic } from "../core/diagnostic.js";
import type { SpecModel } from "../core/model.js";
import type { AbiEntry } from "../spec/abi.js";
import { loadSpecFiles } from "../spec/load.js";
import { ALL_CHECKS } from "../syscall/checks.js";
import { loadBeside, startWorker } from "./threads.js";

/** Split every (spec, interface) of the models into `shares` lists of about equal work; deterministic. */
export function shareInterfaces(models: readonly SpecModel[], shares: number): number[][][] {
  const items = models.flatMap((m, spec) =>
    m.interfaces.map((ifc, iface) => ({ spec, iface, cost: 1 + ifc.records.length + ifc.commands.length })),
  );
  // Largest first into the least loaded share (ties: the lower index), so shares differ by at most one item's work.
  items.sort((a, b) => b.cost - a.cost || a.spec - b.spec || a.iface - b.iface);
  const load = new Array<number>(shares).fill(0);
  const out = Array.from({ length: shares }, () => models.map((): number[] => []));
  for (const it of items) {
    const s = load.indexOf(Math.min(...load));
    load[s] += it.cost;
    out[s]![it.spec]!.push(it.iface);
  }
  for (const share of out) for (const ifaces of share) ifaces.sort((a, b) => a - b);
  return out;
}

/** The parts of one share, per model. */
export function checkShare(
  models: readonly SpecModel[],
  abis: readonly AbiEntry[],
  share: number[][],
): FindingsPart[][] {
  return models.map((m, i) => checkParts(m, abis, ALL_CHECKS, share[i]!));
}

/**
 * Load and check the files: the models, each one's findings, and the threads whose findings were used
 * (`jobs`, 1 or 2, unless the worker failed and its share was checked here).
 */
export async function loadAndCheck(
  files: string[],
  abis: readonly AbiEntry[],
  jobs: number,
): Promise<{ models: SpecModel[]; findings: Diagnostic[][]; threads: number }> {
  if (jobs < 2) {
    const models = loadSpecFiles(files);
    return { models, findings: models.map((m) => runChecks(m, abis, ALL_CHECKS)), threads: 1 };
  }
  const worker = startWorker({ kind: "check", files, abis: abis.map((a) => a.id), share: 1, shares: 2 });
  const models = await loadBeside(worker, files);
  const shares = shareInterfaces(models, 2);
  const mine = checkShare(models, abis, shares[0]!);
  const answer = await worker.reply;
  const theirs = answer.kind === "check" ? answer.parts : checkShare(models, abis, shares[1]!);
  return {
    models,
    findings: models.map((_, i) => orderFindings([...mine[i]!, ...theirs[i]!], abis)),
    threads: answer.kind === "check" ? 2 : 1,
  };
}
