/*
 * One size of the scale suite, in a process of its own so that no size
 * inherits another's heap or JIT state: `node scale-child.js N DIR`.
 * Times each stage of load, then layout of every record on every ABI, then
 * every check, then each generator in memory; writes the header and asserts
 * files into DIR for the gcc baseline; prints one JSON line.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runChecks } from "../core/checks/index.js";
import { layoutRecord } from "../core/layout.js";
import type { SpecModel } from "../core/model.js";
import { SpecInputError } from "../core/diagnostic.js";
import type { OutputFile } from "../generators/generator.js";
import { GENERATORS } from "../generators/index.js";
import { ABIS } from "../spec/abis.js";
import { loadSpecText, type LoadTimings } from "../spec/load.js";
import { ALL_CHECKS } from "../syscall/checks.js";
import { scaleSpec } from "./scale-spec.js";

export interface ScaleSample {
  structs: number;
  /** Milliseconds per stage. */
  ms: Record<string, number>;
  findings: number;
  /** Bytes: the heap after load, layout and checks (after a full GC when --expose-gc is on), and the peak RSS. */
  heapUsed: number;
  maxRss: number;
  /** The files gcc compiles for the baseline, relative to DIR, and the include folder. */
  units: string[];
  /** Generators that refused the spec (over a limit), with their message; their time is the time to refuse. */
  refused: string[];
}

const gc = (globalThis as { gc?: () => void }).gc;

function timed<T>(ms: Record<string, number>, name: string, work: () => T): T {
  const t0 = performance.now();
  const result = work();
  ms[name] = (ms[name] ?? 0) + performance.now() - t0;
  return result;
}

function layoutAll(model: SpecModel): void {
  for (const ifc of model.interfaces) for (const r of ifc.records) for (const abi of ABIS) layoutRecord(r, abi);
}

function warmUp(): void {
  for (let seed = 1; seed <= 3; seed++) {
    const model = loadSpecText("warm.yaml", scaleSpec(50, seed));
    layoutAll(model);
    runChecks(model, ABIS, ALL_CHECKS);
    for (const g of GENERATORS) g.generate([model]);
  }
}

function main(structs: number, dir: string): ScaleSample {
  const text = scaleSpec(structs);
  warmUp();
  gc?.();
  const ms: Record<string, number> = {};
  const load: LoadTimings = { parse: 0, validate: 0, lint: 0, resolve: 0, sizes: 0 };
  const model = loadSpecText(`scale${structs}.yaml`, text, load);
  Object.assign(ms, load);
  timed(ms, "layout", () => layoutAll(model));
  const findings = timed(ms, "checks", () => runChecks(model, ABIS, ALL_CHECKS)).length;
  gc?.();
  const heapUsed = process.memoryUsage().heapUsed;
  const units: string[] = [];
  const refused: string[] = [];
  for (const g of GENERATORS) {
    let files: OutputFile[];
    try {
      files = timed(ms, `generate: ${g.name}`, () => g.generate([model]));
    } catch (e) {
      // A located limit (generators/codec-budget.ts): `uapi generate` exits 2 with it, so it is a result here.
      if (!(e instanceof SpecInputError)) throw e;
      refused.push(`${g.name}: ${e.errors[0]!.message}`);
      continue;
    }
    for (const f of files) {
      if (g.name !== "header" && g.name !== "asserts") continue;
      const file = path.join(dir, f.path);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, f.content);
      if (g.name === "asserts") units.push(f.path);
    }
  }
  return { structs, ms, findings, heapUsed, maxRss: process.resourceUsage().maxRSS * 1024, units, refused };
}

const [n, dir] = process.argv.slice(2);
console.log(JSON.stringify(main(Number(n), dir!)));
