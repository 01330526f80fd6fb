/*
 * Nothing lost: `uapi generate` as a user runs it, against output folders
 * shared with other specs and with the user's own files, planted links,
 * damaged manifests, write failures and kill -9 at random instants.  Every
 * expectation is a snapshot of the folder taken before the run, or of a
 * clean generation into a fresh folder: never a list taken from the writer.
 */
import test from "ava";
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  cpSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { scratchDir, snapshotTree } from "./header-support.js";

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "cli", "main.js");

function uapi(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    encoding: "utf8",
    env: { ...process.env, ...opts.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A small spec whose interfaces each give a header, asserts, a codec, shims and report files. */
function specText(name: string, ifaces: string[], value: number): string {
  const body = ifaces
    .map(
      (i, n) => `  - name: ${i}
    doc: interface ${i}
    header: linux/${i}.h
    constants:
      - { name: ${i.toUpperCase()}_VERSION, value: ${value} }
    structs:
      - name: ${i}_arg
        doc: argument
        fields:
          - { name: a, type: __u32 }
          - { name: b, type: __u32 }
          - { name: v, type: __u64, array: ${value} }
    commands:
      - { name: ${i.toUpperCase()}_GET, doc: get, magic: ${0x40 + n}, nr: 1, dir: read, arg: struct ${i}_arg }
`,
    )
    .join("");
  return `name: ${name}\ndoc: test spec ${name}\ninterfaces:\n${body}`;
}

function writeSpec(dir: string, file: string, text: string): string {
  const p = path.join(dir, file);
  writeFileSync(p, text);
  return p;
}

/** The user-visible files (state folder excluded) with their text. */
function visible(dir: string): Map<string, string> {
  if (!existsSync(dir)) return new Map();
  const tree = snapshotTree(dir);
  return new Map([...tree].filter(([p]) => !p.startsWith(".uapi/")).map(([p, f]) => [p, f.content]));
}

function sameTree(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([p, c]) => b.get(p) === c);
}

/** What a clean generation of `spec` into a fresh folder holds: the expected "wholly new" tree. */
function cleanGeneration(spec: string): Map<string, string> {
  const dir = path.join(scratchDir("clean"), "out");
  const r = uapi(["generate", spec, "--out", dir]);
  if (r.code !== 0) throw new Error(r.stderr);
  return visible(dir);
}

test("two specs share one folder: generating one never removes or changes the other's files", (t) => {
  const dir = scratchDir("share");
  const a = writeSpec(dir, "a.yaml", specText("alpha", ["a0", "a1"], 1));
  const b = writeSpec(dir, "b.yaml", specText("beta", ["b0", "b1"], 1));
  t.is(uapi(["generate", a], { cwd: dir }).code, 0);
  const afterA = visible(path.join(dir, "out"));
  const r = uapi(["generate", b], { cwd: dir });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, / 0 removed/);
  const both = visible(path.join(dir, "out"));
  for (const [p, c] of afterA) t.is(both.get(p), c, `${p} of alpha changed when beta was generated`);
  // Dropping an interface from alpha removes alpha's files of it, and nothing of beta's.
  writeSpec(dir, "a.yaml", specText("alpha", ["a0"], 1));
  t.is(uapi(["generate", a], { cwd: dir }).code, 0);
  const after = visible(path.join(dir, "out"));
  t.false(
    [...after.keys()].some((p) => p.includes("a1")),
    "alpha's dropped interface left files",
  );
  for (const [p, c] of both) if (!p.includes("a1") && !p.includes("alpha")) t.is(after.get(p), c, `${p} changed`);
  t.true([...after.keys()].filter((p) => p.includes("b0") || p.includes("b1")).length >= 8, "beta's files are gone");
});

test("a user's spec generated inside a checkout keeps every file of the bundled specs", (t) => {
  const repo = scratchDir("checkout");
  const out = path.join(repo, "out");
  t.is(uapi(["generate", "--out", out]).code, 0); // the bundled specs
  const bundled = visible(out);
  const spec = writeSpec(repo, "my-driver.yaml", specText("my_driver", ["mydrv"], 1));
  const r = uapi(["generate", spec], { cwd: repo });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, / 0 removed/);
  const now = visible(out);
  for (const [p, c] of bundled) t.is(now.get(p), c, `${p} was lost`);
});

test("one interface name in two specs is a spec error at its position, exit 2, nothing written", (t) => {
  const dir = scratchDir("clash");
  const a = writeSpec(dir, "a.yaml", specText("alpha", ["same"], 1));
  const b = writeSpec(dir, "b.yaml", specText("beta", ["same"], 1));
  const r = uapi(["generate", a, b, "--out", path.join(dir, "out")]);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /b\.yaml:\d+:\d+: error: .*also written by the spec named 'alpha'/);
  t.false(existsSync(path.join(dir, "out")));
  // The same clash across two runs: the second spec may not take the first's files.
  t.is(uapi(["generate", a, "--out", path.join(dir, "out")]).code, 0);
  const before = snapshotTree(path.join(dir, "out"));
  const r2 = uapi(["generate", b, "--out", path.join(dir, "out")]);
  t.is(r2.code, 2, r2.stderr);
  t.regex(r2.stderr, /belongs to the spec named 'alpha'/);
  t.deepEqual(snapshotTree(path.join(dir, "out")), before);
});

test("a header that is also a folder, and two specs of one name, are spec errors with positions", (t) => {
  const dir = scratchDir("dirfile");
  const a = writeSpec(
    dir,
    "a.yaml",
    [
      "name: alpha",
      "doc: d",
      "interfaces:",
      "  - { name: x, doc: d, header: linux/t.h }",
      "  - { name: y, doc: d, header: linux/t.h/u.h }",
      "",
    ].join("\n"),
  );
  const r = uapi(["generate", a, "--out", path.join(dir, "out")]);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /a\.yaml:\d+:\d+: error: .*linux\/t\.h.* folder/);
  const b = writeSpec(dir, "b.yaml", specText("alpha", ["other"], 1));
  const c = writeSpec(dir, "c.yaml", specText("alpha", ["third"], 1));
  const r2 = uapi(["generate", b, c, "--out", path.join(dir, "out")]);
  t.is(r2.code, 2, r2.stderr);
  t.regex(r2.stderr, /c\.yaml:\d+:\d+: error: two specs are named 'alpha'/);
  t.false(existsSync(path.join(dir, "out")));
});

test(
  "links are never followed: a planted link plus a manifest line cannot remove a file outside, " +
    "a linked subfolder is refused",
  (t) => {
    const dir = scratchDir("links");
    const out = path.join(dir, "out");
    const spec = writeSpec(dir, "s.yaml", specText("alpha", ["a0", "a1"], 1));
    t.is(uapi(["generate", spec, "--out", out]).code, 0);
    const outside = path.join(dir, "outside");
    mkdirSync(outside);
    writeFileSync(path.join(outside, "precious.c"), "keep me\n");
    symlinkSync(outside, path.join(out, "evil"));
    const manifest = path.join(out, ".uapi", "alpha.manifest");
    writeFileSync(manifest, readFileSync(manifest, "utf8") + "evil/precious.c\n");
    let r = uapi(["generate", spec, "--out", out]);
    t.is(r.code, 0, r.stderr);
    t.is(readFileSync(path.join(outside, "precious.c"), "utf8"), "keep me\n");
    // out/include replaced by a link to a folder outside: refused, nothing written there.
    const inc = path.join(out, "include");
    const elsewhere = path.join(dir, "elsewhere");
    cpSync(inc, elsewhere, { recursive: true });
    rmSync(inc, { recursive: true });
    symlinkSync(elsewhere, inc);
    writeSpec(dir, "s.yaml", specText("alpha", ["a0", "a1"], 2));
    const before = snapshotTree(elsewhere);
    r = uapi(["generate", spec, "--out", out]);
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, /include is a symbolic link/);
    t.deepEqual(snapshotTree(elsewhere), before);
    // A generated file replaced by a link is refused too, and the link's target is untouched.
    rmSync(inc);
    cpSync(elsewhere, inc, { recursive: true });
    const asserts = path.join(out, "asserts", "a0.c");
    rmSync(asserts);
    symlinkSync(path.join(outside, "precious.c"), asserts);
    r = uapi(["generate", spec, "--out", out]);
    t.is(r.code, 2, r.stderr);
    t.is(readFileSync(path.join(outside, "precious.c"), "utf8"), "keep me\n");
  },
);

test("a linked .uapi state folder is refused before anything is written through it", (t) => {
  const dir = scratchDir("statelink");
  const out = path.join(dir, "out");
  const elsewhere = path.join(dir, "elsewhere");
  mkdirSync(out);
  mkdirSync(elsewhere);
  symlinkSync(elsewhere, path.join(out, ".uapi"));
  const spec = writeSpec(dir, "s.yaml", specText("alpha", ["a0"], 1));
  const r = uapi(["generate", spec, "--out", out]);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /\.uapi is a symbolic link/);
  t.deepEqual(readdirSync(elsewhere), []);
  t.deepEqual(readdirSync(out), [".uapi"]);
});

test("a manifest entry that leaves the folder is refused with its line, and nothing is written", (t) => {
  const dir = scratchDir("escape");
  const out = path.join(dir, "out");
  const spec = writeSpec(dir, "s.yaml", specText("alpha", ["a0"], 1));
  t.is(uapi(["generate", spec, "--out", out]).code, 0);
  writeFileSync(path.join(dir, "escape.txt"), "mine\n");
  const manifest = path.join(out, ".uapi", "alpha.manifest");
  const lines = readFileSync(manifest, "utf8").split("\n").length;
  writeFileSync(manifest, readFileSync(manifest, "utf8") + "../escape.txt\n");
  writeSpec(dir, "s.yaml", specText("alpha", ["a0"], 2));
  const before = snapshotTree(out);
  const r = uapi(["generate", spec, "--out", out]);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, new RegExp(`alpha\\.manifest:${lines}: entry '\\.\\./escape\\.txt'`));
  t.deepEqual(snapshotTree(out), before);
  t.is(readFileSync(path.join(dir, "escape.txt"), "utf8"), "mine\n");
});

test("a file nobody's manifest lists is never overwritten; an identical one is adopted", (t) => {
  const dir = scratchDir("foreign");
  const out = path.join(dir, "out");
  const spec = writeSpec(dir, "s.yaml", specText("alpha", ["a0"], 1));
  mkdirSync(path.join(out, "include", "uapi", "linux"), { recursive: true });
  writeFileSync(path.join(out, "include", "uapi", "linux", "a0.h"), "/* the user's own header */\n");
  const r = uapi(["generate", spec, "--out", out]);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, /a0\.h exists and no uapi manifest lists it/);
  t.is(readFileSync(path.join(out, "include", "uapi", "linux", "a0.h"), "utf8"), "/* the user's own header */\n");
  t.deepEqual(readdirSync(out).sort(), ["include"]);
  // With the exact bytes already there, the run adopts the file.
  const clean = cleanGeneration(spec);
  writeFileSync(path.join(out, "include", "uapi", "linux", "a0.h"), clean.get("include/uapi/linux/a0.h")!);
  t.is(uapi(["generate", spec, "--out", out]).code, 0);
  t.true(sameTree(visible(out), clean));
});

test("--out with an empty name is a usage error, not the current directory", (t) => {
  const dir = scratchDir("emptyout");
  const spec = writeSpec(dir, "s.yaml", specText("alpha", ["a0"], 1));
  const before = readdirSync(dir).sort();
  for (const arg of ["--out=", "--out= "]) {
    const r = uapi(["generate", spec, arg], { cwd: dir });
    t.is(r.code, 2, arg);
    t.regex(r.stderr, /--out needs a folder name/);
  }
  t.deepEqual(readdirSync(dir).sort(), before);
});

test("a write failure at any step puts every previous file back", (t) => {
  const dir = scratchDir("fail");
  const out = path.join(dir, "out");
  const spec = writeSpec(dir, "s.yaml", specText("alpha", ["a0", "a1", "a2"], 1));
  t.is(uapi(["generate", spec, "--out", out]).code, 0);
  writeSpec(dir, "s.yaml", specText("alpha", ["a0", "a1", "a3"], 2));
  const old = snapshotTree(out);
  let failures = 0;
  for (let n = 1; n <= 60; n += 3) {
    const r = uapi(["generate", spec, "--out", out], { env: { UAPI_TEST_FAIL_AT_STEP: String(n) } });
    if (r.code === 0) break; // n is past the last step: the run completed
    failures++;
    t.is(r.code, 3, r.stderr);
    t.regex(r.stderr, /injected write failure/);
    const now = snapshotTree(out);
    t.deepEqual([...now.keys()], [...old.keys()], `step ${n}: the file list changed`);
    for (const [p, f] of old) t.is(now.get(p)?.content, f.content, `step ${n}: ${p}`);
  }
  t.true(failures >= 10, `only ${failures} failing steps were exercised`);
  t.log(`${failures} injected failures, each left the folder as it was`);
});

/**
 * Kill `generate` at random instants; the folder is wholly old, wholly new,
 * or holds a committed journal the next run finishes.
 */
test("kill -9 at random instants: wholly old or wholly new, and the next run leaves no staging", async (t) => {
  const iterations = Number(process.env.KILL_RUNS) || 20;
  const dir = scratchDir("kill");
  const oldSpec = writeSpec(dir, "old.yaml", specText("alpha", ["a0", "a1", "a2", "a3"], 1));
  const newSpec = writeSpec(dir, "new.yaml", specText("alpha", ["a0", "a1", "a2", "a4"], 2));
  const oldTree = cleanGeneration(oldSpec);
  const newTree = cleanGeneration(newSpec);
  const states = { old: 0, new: 0, journal: 0 };
  for (let i = 0; i < iterations; i++) {
    const out = path.join(dir, `out${i}`);
    const first = uapi(["generate", oldSpec, "--out", out]);
    t.is(first.code, 0, first.stderr);
    // Wait until the run starts staging, then kill it within the ~90 steps of 4 ms each
    // that staging, commit and apply take.
    const child = spawn(process.execPath, [CLI, "generate", newSpec, "--out", out], {
      env: { ...process.env, UAPI_TEST_STEP_DELAY_MS: "4" },
      stdio: "ignore",
    });
    let exited = false;
    child.on("exit", () => (exited = true));
    const stateDir = path.join(out, ".uapi");
    for (
      let waited = 0;
      waited < 20000 && !exited && !readdirSync(stateDir).some((n) => n.startsWith("txn-"));
      waited += 2
    )
      await new Promise((r) => setTimeout(r, 2));
    const delay = Math.floor(Math.random() * 500);
    await new Promise((r) => setTimeout(r, delay));
    child.kill("SIGKILL");
    if (!exited) await new Promise((r) => child.on("exit", r));
    const now = visible(out);
    const journal = existsSync(path.join(out, ".uapi", "journal"));
    if (sameTree(now, oldTree)) states.old++;
    else if (sameTree(now, newTree)) states.new++;
    else {
      t.true(journal, `iteration ${i} (killed after ${delay} ms): a mixed folder with no committed journal`);
      states.journal++;
    }
    const check = uapi(["generate", newSpec, "--out", out, "--check"]);
    t.is(
      check.code,
      sameTree(now, newTree) && !journal && readdirSync(path.join(out, ".uapi")).every((n) => n.endsWith(".manifest"))
        ? 0
        : 1,
      check.stdout,
    );
    const next = uapi(["generate", newSpec, "--out", out]);
    t.is(next.code, 0, next.stderr);
    t.true(sameTree(visible(out), newTree), `iteration ${i}: not wholly new after the next run`);
    t.deepEqual(
      readdirSync(path.join(out, ".uapi")).filter((n) => !n.endsWith(".manifest")),
      [],
      `iteration ${i}: leftovers in .uapi`,
    );
    rmSync(out, { recursive: true });
  }
  t.log(
    `${iterations} kills: ${states.old} wholly old, ${states.new} wholly new, ` +
      `${states.journal} committed and finished by the next run`,
  );
  t.true(states.old + states.new + states.journal === iterations);
});

test("--check notices what an interrupted run left: a journal, staging, a stale lock", (t) => {
  const dir = scratchDir("leftover");
  const out = path.join(dir, "out");
  const spec = writeSpec(dir, "s.yaml", specText("alpha", ["a0"], 1));
  t.is(uapi(["generate", spec, "--out", out]).code, 0);
  t.is(uapi(["generate", spec, "--out", out, "--check"]).code, 0);
  const leftovers: [string, () => void][] = [
    ["staging", () => mkdirSync(path.join(out, ".uapi", "txn-abc123", "new"), { recursive: true })],
    [
      "journal",
      () =>
        writeFileSync(
          path.join(out, ".uapi", "journal"),
          JSON.stringify({ version: 1, staging: "txn-gone", mkdirs: [], puts: [], removes: [] }),
        ),
    ],
    ["lock", () => writeFileSync(path.join(out, ".uapi", "lock"), "999999999\n")],
  ];
  for (const [what, make] of leftovers) {
    make();
    const r = uapi(["generate", spec, "--out", out, "--check"]);
    t.is(r.code, 1, `${what}: ${r.stdout}`);
    t.regex(r.stdout, /interrupted|no longer running/);
    const fix = uapi(["generate", spec, "--out", out]);
    t.is(fix.code, 0, fix.stderr);
    t.is(uapi(["generate", spec, "--out", out, "--check"]).code, 0, `${what} was not cleaned up`);
  }
});

test("a lock held by a live process is respected: exit 2, nothing written", (t) => {
  const dir = scratchDir("lock");
  const out = path.join(dir, "out");
  const spec = writeSpec(dir, "s.yaml", specText("alpha", ["a0"], 1));
  t.is(uapi(["generate", spec, "--out", out]).code, 0);
  writeSpec(dir, "s.yaml", specText("alpha", ["a0"], 2));
  writeFileSync(path.join(out, ".uapi", "lock"), `${process.pid}\n`); // this test process: alive
  const before = snapshotTree(out);
  const r = uapi(["generate", spec, "--out", out]);
  t.is(r.code, 2, r.stderr);
  t.regex(r.stderr, new RegExp(`another uapi generate \\(pid ${process.pid}\\)`));
  t.deepEqual(snapshotTree(out), before);
});

const linkDevice = (() => {
  try {
    return statSync("/dev/shm").dev !== statSync(scratchDir("dev")).dev;
  } catch {
    return false;
  }
})();
(linkDevice ? test : test.skip)(
  "--out through a link to another file system stages beside the real target" +
    (linkDevice ? "" : " (skipped: /dev/shm is missing or on the same file system as the scratch folder)"),
  (t) => {
    const dir = scratchDir("exdev");
    const target = path.join("/dev/shm", path.basename(dir));
    mkdirSync(target);
    t.teardown(() => rmSync(target, { recursive: true, force: true }));
    symlinkSync(target, path.join(dir, "out"));
    const spec = writeSpec(dir, "s.yaml", specText("alpha", ["a0"], 1));
    let r = uapi(["generate", spec], { cwd: dir });
    t.is(r.code, 0, r.stderr);
    writeSpec(dir, "s.yaml", specText("alpha", ["a0"], 2));
    r = uapi(["generate", spec], { cwd: dir });
    t.is(r.code, 0, r.stderr);
    t.true(sameTree(visible(target), cleanGeneration(spec)));
  },
);

const LOOKALIKE_PATHS =
  "output paths that only look different, and an interface named like a generated index, are handled at the spec";
test(LOOKALIKE_PATHS, (t) => {
  const dir = scratchDir("paths");
  for (const header of ["linux/./t.h", "linux//t.h", "./linux/t.h", "linux/t.h/"]) {
    const spec = writeSpec(
      dir,
      "p.yaml",
      `name: alpha\ndoc: d\ninterfaces:\n  - { name: x, doc: d, header: "${header}" }\n`,
    );
    const r = uapi(["generate", spec, "--out", path.join(dir, "out")]);
    t.is(r.code, 2, `${header}: ${r.stderr}`);
    t.regex(r.stderr, /p\.yaml:4:\d+: error/, header);
  }
  t.false(existsSync(path.join(dir, "out")));
  const spec = writeSpec(dir, "i.yaml", specText("alpha", ["index", "alpha"], 1));
  const r = uapi(["generate", spec, "--out", path.join(dir, "out")]);
  t.is(r.code, 0, r.stderr);
  t.true(
    existsSync(path.join(dir, "out", "codecs", "index.ts")) &&
      existsSync(path.join(dir, "out", "codecs", "alpha.index.ts")),
  );
});
