/*
 * `uapi check` on two threads when the specs are large.  The checks look at
 * one interface at a time (core/checks/index.ts checkParts), so the
 * interfaces are split into two shares of about equal work: this thread
 * checks one while a worker (check-worker.ts) loads the same files and checks
 * the other.  The parts put together in order are exactly the findings of one
 * thread, so the output does not depend on how the work was split.
 */
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { checkParts, orderFindings, type FindingsPart } from "../core/checks/index.js";
import type { Diagnostic } from "../core/diagnostic.js";
import type { SpecModel } from "../core/model.js";
import type { AbiEntry } from "../spec/abi.js";
import { loadSpecFiles } from "../spec/load.js";
import { ALL_CHECKS } from "../syscall/checks.js";

/**
 * Below this much spec text one thread is faster: a worker costs its start and a second load of the specs.
 * `npm run bench -- scale` measures both ways at each size (the crossover lies between 100 and 1,000 structs,
 * about 44 KB and 437 KB of YAML).
 */
export const THREADS_MIN_SPEC_BYTES = 200 * 1024;

/** What the worker is asked: the files and ABIs as the command line gave them, and which share is its own. */
export interface CheckShareRequest {
  files: string[];
  abis: string[];
  share: number;
  shares: number;
}

/** The worker's answer: per spec file, the parts of its share. */
export type CheckShareReply = { parts: FindingsPart[][] } | { error: string };

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
export function checkShare(models: readonly SpecModel[], abis: readonly AbiEntry[], share: number[][]): FindingsPart[][] {
  return models.map((m, i) => checkParts(m, abis, ALL_CHECKS, share[i]!));
}

/** How many threads `--jobs auto` uses for these files: two when there are two cores and enough text. */
export function autoJobs(files: readonly string[]): number {
  if (availableParallelism() < 2) return 1;
  let bytes = 0;
  for (const f of files) {
    try {
      bytes += statSync(f).size;
    } catch {
      return 1; // the loader reports the unreadable file
    }
  }
  return bytes >= THREADS_MIN_SPEC_BYTES ? 2 : 1;
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
    return { models, findings: models.map((m) => orderFindings(checkParts(m, abis, ALL_CHECKS), abis)), threads: 1 };
  }
  const request: CheckShareRequest = { files, abis: abis.map((a) => a.id), share: 1, shares: 2 };
  const worker = new Worker(new URL("./check-worker.js", import.meta.url), { workerData: request });
  const reply = new Promise<CheckShareReply>((resolve) => {
    worker.once("message", resolve);
    worker.once("error", (e) => resolve({ error: e.message }));
    worker.once("exit", (code) => resolve({ error: `the worker exited with ${code}` }));
  });
  let models: SpecModel[];
  try {
    models = loadSpecFiles(files);
  } catch (e) {
    await worker.terminate();
    throw e;
  }
  const shares = shareInterfaces(models, 2);
  const mine = checkShare(models, abis, shares[0]!);
  const answer = await reply;
  await worker.terminate();
  // A worker that failed costs time, not findings: its share is checked here.
  const theirs = "parts" in answer ? answer.parts : checkShare(models, abis, shares[1]!);
  return {
    models,
    findings: models.map((_, i) => orderFindings([...mine[i]!, ...theirs[i]!], abis)),
    threads: "parts" in answer ? 2 : 1,
  };
}
