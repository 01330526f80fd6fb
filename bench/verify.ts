/*
 * Verification throughput: structs x ABIs checked per second by @yowasp/clang
 * (one probe per ABI), against the layout engine computing the same layouts
 * in the same run; printed as the ratio engine/compiler.  Two workloads
 * (issue 4's targets): the bundled specs on every clang-supported ABI
 * (< 30 s) and 1,000 random structs on 20 ABIs (< 3 min).
 */
import fc from "fast-check";
import type { AbiEntry } from "../spec/abi.js";
import { ABIS } from "../spec/abis.js";
import { layoutRecord } from "../core/layout.js";
import { exampleSpecFiles, loadSpecFiles } from "../spec/load.js";
import { compilersFor } from "../verify/compilers.js";
import type { ProbeUnit } from "../verify/probe.js";
import { unitsOfModels, verifyLayouts } from "../verify/verify.js";
import { arbVerifyDoc, unitsOfDoc } from "../property-tests/verify-arbitrary.js";

const CLANG_ABIS = ABIS.filter((a) => compilersFor(a.id).clang);

/** Engine: lay out every record on every ABI; fresh ABI copies defeat the per-(record, ABI) memo. */
function engineRate(units: readonly ProbeUnit[], abis: readonly AbiEntry[]): number {
  const records = units.flatMap((u) => u.records);
  let pairs = 0;
  const started = performance.now();
  do {
    for (const abi of abis) {
      const copy = { ...abi };
      for (const r of records) layoutRecord(r.record, copy);
      pairs += records.length;
    }
  } while (performance.now() - started < 1000);
  return pairs / ((performance.now() - started) / 1000);
}

async function compilerRate(
  name: string,
  units: ProbeUnit[],
  abis: readonly AbiEntry[],
  target: number,
): Promise<void> {
  const records = units.flatMap((u) => u.records);
  const started = performance.now();
  const verdicts = await verifyLayouts(units, abis, { compiler: "yowasp" });
  const seconds = (performance.now() - started) / 1000;
  const bad = verdicts.filter((v) => v.status !== "verified");
  const compiler = (records.length * abis.length) / seconds;
  const engine = engineRate(units, abis);
  console.log(
    `${name}: ${records.length} structs x ${abis.length} ABIs with @yowasp/clang in ${seconds.toFixed(1)} s ` +
      `(target < ${target} s${seconds < target ? ", met" : ", MISSED"})` +
      (bad.length ? `; not verified: ${bad.map((v) => `${v.abi}=${v.status}`).join(", ")}` : ""),
  );
  console.log(
    `  compiler ${compiler.toFixed(0)} struct-ABI/s, engine ${engine.toFixed(0)} struct-ABI/s, ` +
      `ratio engine/compiler ${(engine / compiler).toFixed(0)}x`,
  );
}

export async function run(): Promise<void> {
  // Warm-up: the first call loads 100 MB of WebAssembly; measure steady state.
  await verifyLayouts(unitsOfModels(loadSpecFiles(exampleSpecFiles())).slice(0, 1), CLANG_ABIS.slice(0, 1), {
    compiler: "yowasp",
  });

  await compilerRate("bundled specs", unitsOfModels(loadSpecFiles(exampleSpecFiles())), CLANG_ABIS, 30);

  const units: ProbeUnit[] = [];
  const docs = fc.sample(arbVerifyDoc(), { seed: 4, numRuns: 1000 });
  for (let i = 0, n = 0; n < 1000 && i < docs.length; i++) {
    const more = unitsOfDoc(docs[i]!, i);
    units.push(...more);
    n += more.reduce((k, u) => k + u.records.length, 0);
  }
  await compilerRate("random structs", units, CLANG_ABIS.slice(0, 20), 180);
}
