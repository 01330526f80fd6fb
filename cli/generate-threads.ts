/*
 * `uapi generate` on two threads: the worker runs the codec generator (about
 * half of the generators' time, `npm run bench -- scale`) while this thread
 * runs the others and the checks.  Every generator is pure, so its files are
 * the same on either thread; one the worker could not produce is run here.
 */
import type { SpecModel } from "../core/model.js";
import type { GenerateOptions, Generator, OutputFile } from "../generators/generator.js";
import { runGenerator } from "../generators/write-out.js";
import { startWorker, type RunningWorker } from "./threads.js";

/** The generators the worker runs. */
export const WORKER_GENERATORS: readonly string[] = ["codecs"];

/** Start the worker's share; await `collect` once this thread's share is done. */
export function startGeneratorWorker(files: string[], options: GenerateOptions): RunningWorker {
  return startWorker({ kind: "generate", files, generators: [...WORKER_GENERATORS], options });
}

/**
 * Each named generator's files for every model, by generator name.  A generator that fails on some model is
 * left out, so the caller runs it again and reports the failure as one thread would.
 */
export function produceShare(
  models: readonly SpecModel[],
  generators: readonly Generator[],
  options: GenerateOptions,
): Map<string, OutputFile[][]> {
  const produced = new Map<string, OutputFile[][]>();
  for (const g of generators) {
    try {
      produced.set(
        g.name,
        models.map((m) => runGenerator(g, m, options)),
      );
    } catch {
      // Run again by produceSets, where the error is reported.
    }
  }
  return produced;
}
