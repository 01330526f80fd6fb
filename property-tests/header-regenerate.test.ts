/*
 * The regeneration gate and the atomic writer: output is byte-identical run
 * to run and equal to the committed out/ (every file the generators own, so
 * the gate covers codecs, shims and the report once they land); --check
 * catches a hand edit and writes nothing; unchanged files keep their mtime;
 * a generator that throws midway leaves the directory exactly as it was.
 */
import test from "ava";
import fc from "fast-check";
import { cpSync, existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { main } from "../cli/main.js";
import { bufferIo, EXIT } from "../cli/io.js";
import { runGenerate } from "../cli/commands/generate.js";
import { OUT_DIR } from "../core/paths.js";
import type { Generator } from "../generators/generator.js";
import { GENERATORS } from "../generators/index.js";
import { planDiff, planOutput, produceFiles, produceSets } from "../generators/write-out.js";
import { manifestPath } from "../generators/out-owners.js";
import { unifiedDiff } from "../generators/unified-diff.js";
import { loadBundled, scratchDir, snapshotTree } from "./header-support.js";

const models = loadBundled();

test("two runs of every generator give identical bytes", (t) => {
  const a = produceFiles(models, GENERATORS);
  const b = produceFiles(loadBundled(), GENERATORS);
  t.true(a.length > 0);
  t.deepEqual(
    b.map((f) => f.path),
    a.map((f) => f.path),
  );
  for (let i = 0; i < a.length; i++) t.true(a[i]!.content === b[i]!.content, `${a[i]!.path} differs between runs`);
});

test("committed out/ equals what the generators produce (run 'uapi generate' if this fails)", (t) => {
  const plan = planOutput(OUT_DIR, produceSets(models, GENERATORS));
  const diff = planDiff(plan);
  t.is(diff, "", `out/ is stale:\n${diff.slice(0, 20000)}`);
  t.deepEqual(
    plan.changed.map((c) => c.path),
    [],
  );
  t.deepEqual(
    plan.removed.map((r) => r.path),
    [],
  );
});

test("`uapi generate --check` on the committed out/ exits 0", async (t) => {
  const io = bufferIo();
  const code = await main(["generate", "--check"], io);
  t.is(code, EXIT.OK, io.stdout + io.stderr);
  t.regex(io.stdout, /up to date/);
});

function copyOfOut(tag: string): string {
  const dir = path.join(scratchDir(tag), "out");
  // Generate fresh rather than copy, so this test does not depend on the committed tree being current.
  const io = bufferIo();
  runGenerate({ models, outDir: dir, check: false, format: "text", io });
  return dir;
}

test("--check detects a hand edit, prints a diff naming the file, and writes nothing", async (t) => {
  const dir = path.join(scratchDir("check"), "out");
  cpSync(OUT_DIR, dir, { recursive: true });
  const victim = "include/uapi/linux/bus1.h";
  const file = path.join(dir, victim);
  writeFileSync(file, readFileSync(file, "utf8").replace("#define BUS1_FD_MAX 256", "#define BUS1_FD_MAX 512"));
  const before = snapshotTree(dir);
  const io = bufferIo();
  const code = await main(["generate", "--out", dir, "--check"], io);
  t.is(code, EXIT.FINDINGS, io.stdout + io.stderr);
  t.true(io.stdout.includes(`--- a/${victim}`), io.stdout);
  t.true(io.stdout.includes(`+++ b/${victim}`), io.stdout);
  t.true(io.stdout.includes("-#define BUS1_FD_MAX 512"), io.stdout);
  t.true(io.stdout.includes("+#define BUS1_FD_MAX 256"), io.stdout);
  t.deepEqual(snapshotTree(dir), before, "--check changed the directory");
});

test("--check reports a missing file and a file the manifest says is no longer generated", async (t) => {
  const dir = copyOfOut("check2");
  const gone = "asserts/bus1.c";
  const { rmSync } = await import("node:fs");
  rmSync(path.join(dir, gone));
  writeFileSync(path.join(dir, "asserts/old_interface.c"), "/* from an earlier run */\n");
  const manifest = path.join(dir, manifestPath("bus1"));
  writeFileSync(manifest, readFileSync(manifest, "utf8") + "asserts/old_interface.c\n");
  const io = bufferIo();
  const code = await main(["generate", "--out", dir, "--check", "--format", "json"], io);
  t.is(code, EXIT.FINDINGS);
  const report = JSON.parse(io.stdout);
  t.true(report.stale);
  t.true(report.diff.includes(`--- /dev/null\n+++ b/${gone}`));
  t.true(report.diff.includes("--- a/asserts/old_interface.c\n+++ /dev/null"));
});

test("regenerating leaves unchanged files untouched (mtime) and rewrites only the edited one", async (t) => {
  const dir = copyOfOut("mtime");
  const old = new Date(2000, 0, 1);
  const before = snapshotTree(dir);
  for (const p of before.keys()) utimesSync(path.join(dir, p), old, old);
  const edited = "include/uapi/linux/bus1.h";
  writeFileSync(path.join(dir, edited), "hand edit\n");
  utimesSync(path.join(dir, edited), old, old);
  const io = bufferIo();
  t.is(await main(["generate", "--out", dir], io), EXIT.OK, io.stderr);
  t.regex(io.stdout, /1 written/);
  const after = snapshotTree(dir);
  for (const [p, f] of after) {
    t.is(f.content, before.get(p)!.content, `${p} content`);
    if (p === edited) t.not(f.mtimeMs, old.getTime(), `${p} should have been rewritten`);
    else t.is(f.mtimeMs, old.getTime(), `${p} was touched although unchanged`);
  }
});

test("files listed in the manifest but no longer generated are removed; unlisted files are kept", async (t) => {
  const dir = copyOfOut("manifest");
  writeFileSync(path.join(dir, "asserts/old_interface.c"), "stale\n");
  writeFileSync(path.join(dir, "NOTES.txt"), "mine\n");
  const manifest = path.join(dir, manifestPath("bus1"));
  writeFileSync(manifest, readFileSync(manifest, "utf8") + "asserts/old_interface.c\n");
  const io = bufferIo();
  t.is(await main(["generate", "--out", dir], io), EXIT.OK, io.stderr);
  t.false(existsSync(path.join(dir, "asserts/old_interface.c")));
  t.true(existsSync(path.join(dir, "NOTES.txt")));
  t.false(readFileSync(manifest, "utf8").includes("old_interface"));
});

test("a generator that throws after others produced files leaves out/ exactly as it was", (t) => {
  const dir = copyOfOut("fail");
  // Make the directory stale so that a successful run would have to write.
  writeFileSync(path.join(dir, "include/uapi/linux/bus1.h"), "stale\n");
  const before = snapshotTree(dir);
  const parentBefore = readdirSync(path.dirname(dir)).sort();
  let produced = 0;
  const counting = (g: Generator): Generator => ({
    name: g.name,
    generate: (m) => {
      const f = g.generate(m);
      produced += f.length;
      return f;
    },
  });
  const boom: Generator = {
    name: "boom",
    generate: () => {
      throw new Error("injected failure");
    },
  };
  const io = bufferIo();
  const code = runGenerate({
    models,
    outDir: dir,
    check: false,
    format: "text",
    io,
    generators: [...GENERATORS.map(counting), boom],
  });
  t.is(code, EXIT.INTERNAL);
  t.regex(io.stderr, /generator 'boom' failed: injected failure/);
  t.regex(io.stderr, /nothing was written/);
  t.true(produced > 0, "the generators before the failing one produced files");
  t.deepEqual(snapshotTree(dir), before);
  t.deepEqual(readdirSync(path.dirname(dir)).sort(), parentBefore, "a staging directory was left behind");
  t.deepEqual(
    readdirSync(path.join(dir, ".uapi")).filter((n) => !n.endsWith(".manifest")),
    [],
    "staging or a lock was left in .uapi/",
  );
});

test("a generator returning an unsafe path is refused before anything is written", (t) => {
  const dir = copyOfOut("unsafe");
  const before = snapshotTree(dir);
  const evil: Generator = { name: "evil", generate: () => [{ path: "../outside.h", content: "x" }] };
  const io = bufferIo();
  t.is(
    runGenerate({ models, outDir: dir, check: false, format: "text", io, generators: [...GENERATORS, evil] }),
    EXIT.INTERNAL,
  );
  t.deepEqual(snapshotTree(dir), before);
  t.false(existsSync(path.join(path.dirname(dir), "outside.h")));
});

const havePatch = spawnSync("patch", ["--version"]).status === 0;
(havePatch ? test : test.skip)(
  "the unified diff applies with patch(1) and reproduces the new text" +
    (havePatch ? "" : " (skipped: patch not installed)"),
  (t) => {
    const dir = scratchDir("diff");
    const lines = fc.array(fc.constantFrom("a", "b", "c", "d", "#define X 1", ""), { maxLength: 25 });
    const text = fc.tuple(lines, fc.boolean()).map(([ls, nl]) => ls.join("\n") + (nl && ls.length ? "\n" : ""));
    fc.assert(
      fc.property(text, text, (a, b) => {
        const diff = unifiedDiff(a, b, "a/f", "b/f");
        if (a === b) return diff === "";
        writeFileSync(path.join(dir, "f"), a);
        writeFileSync(path.join(dir, "p.diff"), diff);
        const r = spawnSync("patch", ["-s", "-p1", "-i", "p.diff", "f"], { cwd: dir, encoding: "utf8" });
        return r.status === 0 && readFileSync(path.join(dir, "f"), "utf8") === b;
      }),
      { numRuns: 150 },
    );
    t.pass();
  },
);
