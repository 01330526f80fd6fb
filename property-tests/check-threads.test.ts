/*
 * `uapi check --jobs 2`: the interfaces split between two threads (cli/check-threads.ts) give exactly the
 * findings of one thread, on a seeded spec of several interfaces, the bundled specs and a spec with errors.
 */
import test from "ava";
import fc from "fast-check";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadAndCheck, shareInterfaces } from "../cli/check-threads.js";
import type { SpecModel } from "../core/model.js";
import { REPO_ROOT } from "../core/paths.js";
import { ABIS } from "../spec/abis.js";
import { exampleSpecFiles } from "../spec/load.js";
import { scaleSpec } from "../bench/scale-spec.js";

const CLI = path.join(REPO_ROOT, "dist", "cli", "main.js");
const uapi = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd, maxBuffer: 256 << 20 });

/** A stand-in model with the given interfaces' sizes: shareInterfaces reads only the counts. */
const modelOf = (sizes: number[]): SpecModel =>
  ({ interfaces: sizes.map((n) => ({ records: new Array(n), commands: [] })) }) as unknown as SpecModel;

test("shareInterfaces: every interface of every spec in exactly one share, shares within one item's work", (t) => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.nat(50), { maxLength: 8 }), { maxLength: 6 }), (specs) => {
      const models = specs.map(modelOf);
      const [a, b] = shareInterfaces(models, 2);
      let biggest = 0;
      const work = [0, 0];
      for (const [spec, m] of models.entries()) {
        const both = [...a![spec]!, ...b![spec]!].sort((x, y) => x - y);
        if (JSON.stringify(both) !== JSON.stringify(m.interfaces.map((_, i) => i))) return false;
        for (const [s, share] of [a!, b!].entries())
          for (const i of share[spec]!) {
            const cost = 1 + m.interfaces[i]!.records.length;
            work[s]! += cost;
            biggest = Math.max(biggest, cost);
          }
      }
      return Math.abs(work[0]! - work[1]!) <= biggest;
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test("two threads find exactly what one finds: a seeded spec of 3 interfaces, the bundled specs", async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-threads-"));
  try {
    const file = path.join(dir, "scale.yaml");
    writeFileSync(file, scaleSpec(450, 7));
    const files = [file, ...exampleSpecFiles()];
    const one = await loadAndCheck(files, ABIS, 1);
    const two = await loadAndCheck(files, ABIS, 2);
    t.is(one.threads, 1);
    t.is(two.threads, 2, "the worker's share was used, not checked again here");
    t.true(one.findings[0]!.length > 1000, "the seeded spec has findings in every interface");
    t.deepEqual(two.findings, one.findings);
    // The command line: the same bytes with --jobs 1 and --jobs 2.
    const [a, b] = ["1", "2"].map((j) => uapi(dir, "check", "--format", "json", "--jobs", j, "scale.yaml"));
    t.is(a!.status, 1);
    t.is(b!.status, 1);
    t.is(b!.stdout, a!.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--jobs 2 on a spec with errors reports them as one thread does; a bad --jobs is a usage error", (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-threads-"));
  try {
    writeFileSync(path.join(dir, "bad.yaml"), scaleSpec(20).replace("name: rec3\n", "name: s8\n"));
    const [a, b] = ["1", "2"].map((j) => uapi(dir, "check", "--jobs", j, "bad.yaml"));
    t.is(a!.status, 2);
    t.is(b!.status, 2);
    t.regex(b!.stderr, /bad\.yaml:\d+:\d+: error: struct name 's8' is the name of a kernel type/);
    t.is(b!.stderr, a!.stderr);
    const usage = uapi(dir, "check", "--jobs", "many", "bad.yaml");
    t.is(usage.status, 2);
    t.regex(usage.stderr, /--jobs must be a positive number or 'auto'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
