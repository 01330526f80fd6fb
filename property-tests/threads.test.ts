/*
 * Two threads (cli/threads.ts): `uapi check --jobs 2` splits the interfaces (cli/check-threads.ts) and
 * `uapi generate --jobs 2` the generators (cli/generate-threads.ts); either gives exactly what one thread
 * gives, on a seeded spec of several interfaces, the bundled specs and a spec with errors.
 */
import test from "ava";
import fc from "fast-check";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadAndCheck, shareInterfaces } from "../cli/check-threads.js";
import { runGenerate } from "../cli/commands/generate.js";
import { produceShare } from "../cli/generate-threads.js";
import { bufferIo, EXIT } from "../cli/io.js";
import type { Generator } from "../generators/generator.js";
import { GENERATORS } from "../generators/index.js";
import type { SpecModel } from "../core/model.js";
import { REPO_ROOT } from "../core/paths.js";
import { ABIS } from "../spec/abis.js";
import { exampleSpecFiles, loadSpecFiles } from "../spec/load.js";
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

/** Every file below `dir` with its text, by relative path. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile())
      out[path.relative(dir, path.join(e.parentPath, e.name))] = readFileSync(path.join(e.parentPath, e.name), "utf8");
  return out;
}

test("generate --jobs 2 writes the same files as --jobs 1, for a seeded spec and the bundled specs", (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-threads-"));
  try {
    writeFileSync(path.join(dir, "scale.yaml"), scaleSpec(450, 7));
    const specs = ["scale.yaml", ...exampleSpecFiles()];
    for (const j of ["1", "2"]) {
      const r = uapi(dir, "generate", "--jobs", j, "--out", `out${j}`, ...specs);
      t.is(r.status, 0, r.stderr);
    }
    const one = tree(path.join(dir, "out1"));
    t.true(
      Object.keys(one).some((f) => f.startsWith("codecs/scale")),
      "the worker's generator wrote codecs",
    );
    t.deepEqual(tree(path.join(dir, "out2")), one);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("files produced on another thread are used, not made again; a failing generator is left to report", (t) => {
  const models = loadSpecFiles(exampleSpecFiles());
  const boom: Generator = {
    name: "boom",
    generate: () => {
      throw new Error("injected failure");
    },
  };
  t.deepEqual([...produceShare(models, [boom], { runtime: "package", codecs: "both" }).keys()], []);
  // Given its files, the failing generator is not run: the run succeeds and writes them.
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-threads-"));
  try {
    const produced = new Map([["boom", models.map((_, i) => [{ path: `boom/${i}.txt`, content: `${i}\n` }])]]);
    const io = bufferIo();
    const code = runGenerate({
      models,
      outDir: dir,
      check: false,
      format: "text",
      io,
      generators: [...GENERATORS, boom],
      produced,
    });
    t.is(code, EXIT.OK, io.stderr);
    t.is(readFileSync(path.join(dir, "boom", "0.txt"), "utf8"), "0\n");
    // Without them it is run, and its failure reported as one thread reports it.
    const again = bufferIo();
    t.is(
      runGenerate({ models, outDir: dir, check: false, format: "text", io: again, generators: [boom] }),
      EXIT.INTERNAL,
    );
    t.regex(again.stderr, /generator 'boom' failed: injected failure/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
