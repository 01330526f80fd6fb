/*
 * `uapi serve` and the page build, without a browser: what is served, under which policy, and what is refused.
 * The browser itself is in web-page.test.ts.
 */
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { RUN_TIME_CODE } from "./run-time-code.js";
import { CLI, ROOT, startServe } from "./web-support.js";
import { PAGE_CSP, PAGE_CSP_META } from "../web/page-policy.js";
import { BUILD_MANIFEST, buildPage, FolderRefused } from "../web/build.js";
import { clangFilesDir } from "../web/clang-files.js";

const uapi = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8" });

test("serve --help, and bad arguments are usage errors (exit 2)", (t) => {
  const help = uapi(["serve", "--help"]);
  t.is(help.status, 0);
  t.regex(help.stdout, /usage: uapi serve/);
  t.regex(help.stdout, /exit codes/);
  for (const bad of [["--port", "70000"], ["--port", "x"], ["--format", "yaml"], ["--bogus"]]) {
    const r = uapi(["serve", ...bad]);
    t.is(r.status, 2, `${bad.join(" ")}: ${r.stderr}`);
  }
});

test("serve: the page with its policy, the named specs as they are on disk, clang, and nothing else", async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-serve-"));
  const spec = path.join(dir, "mine.yaml");
  writeFileSync(spec, "name: first\n");
  const served = await startServe([spec]);
  try {
    const page = await fetch(served.url);
    t.is(page.status, 200);
    t.is(page.headers.get("content-security-policy"), PAGE_CSP);
    t.is(page.headers.get("x-content-type-options"), "nosniff");
    const html = await page.text();
    t.true(html.includes(`content="${PAGE_CSP_META}"`), "index.html repeats the policy for static hosts");
    for (const script of html.matchAll(/src="([^"]+)"/g)) t.is((await fetch(served.url + script[1])).status, 200);
    // specs.json is read from disk on each request: an edit shows on the next load.
    const first = (await (await fetch(served.url + "specs.json")).json()) as { name: string; text: string }[];
    t.deepEqual(first, [{ name: first[0]!.name, text: "name: first\n" }]);
    t.is(path.basename(first[0]!.name), "mine.yaml");
    writeFileSync(spec, "name: second\n");
    const second = (await (await fetch(served.url + "specs.json")).json()) as { text: string }[];
    t.is(second[0]!.text, "name: second\n");
    // Only the page's own files: no traversal, no listing, no writes.
    for (const probe of ["../package.json", "%2e%2e/package.json", "dist/page/main.js", "clang/", "spec/bus1.yaml"])
      t.is((await fetch(served.url + probe)).status, 404, probe);
    t.is((await fetch(served.url, { method: "POST", body: "x" })).status, 405);
    const clang = clangFilesDir();
    t.is(served.announced.clang, clang !== undefined);
    if (clang) {
      const wasm = await fetch(served.url + "clang/bundle.js");
      t.is(wasm.status, 200);
      t.is(await wasm.text(), readFileSync(path.join(clang, "bundle.js"), "utf8"));
    }
  } finally {
    const stopped = await served.stop();
    t.is(stopped.code, 0, `SIGTERM stops it with exit 0: ${stopped.stderr}`);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("serve: a port in use is a usage error naming the port", async (t) => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
  const port = (blocker.address() as { port: number }).port;
  try {
    const r = spawnSync(process.execPath, [CLI, "serve", "--port", String(port)], { cwd: ROOT, encoding: "utf8" });
    t.is(r.status, 2);
    t.regex(r.stderr, new RegExp(`port ${port} is in use`));
  } finally {
    blocker.close();
  }
});

test("serve with no SPEC and no configuration offers the bundled examples", async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-serve-"));
  const served = await startServe([], dir);
  try {
    const specs = readdirSync(path.join(ROOT, "spec")).filter((f) => /\.ya?ml$/.test(f));
    t.deepEqual(served.announced.specs.map((s) => path.basename(s)).sort(), specs.sort());
  } finally {
    await served.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("page build: deterministic, removes only its own files, refuses a folder it does not own", async (t) => {
  const base = mkdtempSync(path.join(tmpdir(), "uapi-page-"));
  try {
    const out = path.join(base, "page");
    const first = await buildPage(out, { specs: [{ name: "a.yaml", text: "x" }] });
    const bytes = (files: string[]) => files.map((f) => readFileSync(path.join(out, f)).toString("base64"));
    const before = bytes(first);
    const second = await buildPage(out, { specs: [{ name: "a.yaml", text: "x" }] });
    t.deepEqual(second, first);
    t.deepEqual(bytes(second), before, "byte-identical from run to run");
    t.deepEqual(readFileSync(path.join(out, BUILD_MANIFEST), "utf8").trim().split("\n"), first);
    // A file someone else put beside the build survives a rebuild.
    writeFileSync(path.join(out, "notes.txt"), "mine");
    await buildPage(out);
    t.is(readFileSync(path.join(out, "notes.txt"), "utf8"), "mine");
    t.false(existsSync(path.join(out, "specs.json")), "the earlier build's specs.json was its own: removed");
    // A folder with files and no manifest is not ours.
    const foreign = path.join(base, "foreign");
    mkdirSync(foreign);
    writeFileSync(path.join(foreign, "index.html"), "theirs");
    await t.throwsAsync(buildPage(foreign), { instanceOf: FolderRefused });
    t.is(readFileSync(path.join(foreign, "index.html"), "utf8"), "theirs");
    // A manifest naming a path outside the folder is refused, and nothing is removed.
    writeFileSync(path.join(base, "victim"), "keep");
    writeFileSync(path.join(out, BUILD_MANIFEST), "../victim\n");
    await t.throwsAsync(buildPage(out), { instanceOf: FolderRefused });
    t.is(readFileSync(path.join(base, "victim"), "utf8"), "keep");
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test("the page's scripts hold no run-time code generation (the policy forbids it)", (t) => {
  for (const script of ["main.js", "verify-worker.js"]) {
    const text = readFileSync(path.join(ROOT, "dist", "page", script), "utf8");
    const hit = RUN_TIME_CODE.exec(text);
    t.is(hit && text.slice(Math.max(0, hit.index - 60), hit.index + 40), null, `${script} would need 'unsafe-eval'`);
  }
});
