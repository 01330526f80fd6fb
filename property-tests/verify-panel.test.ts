/*
 * The page's verify panel: what a verdict looks like in it (pure, in Node), and the panel itself in headless
 * Chromium, mounted on a bare harness page and served as `uapi serve` serves it, running @yowasp/clang in its
 * worker.  The browser's verdicts must equal `uapi verify --compiler yowasp` on the same ABIs, and an engine made
 * wrong on purpose (i386 `int` 8-aligned, in the bundle only) must show as a mismatch with clang's values.
 */
import test, { type ExecutionContext } from "ava";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Plugin } from "esbuild";
import { SPEC_DIR } from "../core/paths.js";
import { ABIS, abiById } from "../spec/abis.js";
import { loadSpecFile } from "../spec/load.js";
import type { AbiVerdict } from "../verify/verdict.js";
import { unitsOfModels, verifyLayouts } from "../verify/verify.js";
import { buildPage } from "../web/build.js";
import { clangFilesDir } from "../web/clang-files.js";
import { startServer } from "../web/serve.js";
import { abiResultOf, CLANG_ABIS } from "../web/page/verify-protocol.js";
import { compilingText, loadingText, mismatchRows, resultCells, revisionText } from "../web/page/verify-view.js";
import { findChromium, launchChromium } from "./chromium.js";
import { ROOT } from "./web-support.js";

const BUS1 = path.join(SPEC_DIR, "bus1.yaml");
const CLANG = "clang 21.1.4 (@yowasp/clang) --target=i386-linux-gnu";

const mismatchVerdict: AbiVerdict = {
  abi: "i386",
  status: "mismatch",
  records: 3,
  unverified: [],
  typedefs: { status: "table-only", abi: "i386", reason: "test" },
  runs: [
    {
      compiler: CLANG,
      records: 3,
      facts: 20,
      ms: 1234,
      skipped: [],
      headers: "table",
      mismatches: [
        { record: "a.yaml: struct s", member: "", kind: "size", engine: 48, compiler: 32, compilerName: CLANG },
        {
          record: "a.yaml: struct s",
          member: "m.x",
          kind: "offset",
          engine: 24,
          compiler: undefined,
          compilerName: CLANG,
        },
      ],
    },
  ],
};

test("a mismatch verdict as the panel shows it: counts, the compiler, and every differing fact", (t) => {
  const r = abiResultOf(mismatchVerdict);
  t.deepEqual(
    { records: r.records, checked: r.checked, facts: r.facts, compiler: r.compiler, ms: r.ms },
    { records: 3, checked: 3, facts: 20, compiler: CLANG, ms: 1234 },
  );
  t.deepEqual(resultCells(r), {
    abi: "i386",
    status: "mismatch",
    compiler: "clang 21.1.4 (yowasp)",
    records: "3/3",
    facts: "20",
    time: "1.2 s",
    note: "2 facts differ",
  });
  t.deepEqual(mismatchRows(r), [
    ["a.yaml: struct s", "(the record itself)", "size", "48", "32"],
    ["a.yaml: struct s", "m.x", "offset", "24", "not read back"],
  ]);
  // It crosses to the page by structured clone: plain data only.
  t.deepEqual(structuredClone(r), r);
});

test("an ABI no compiler judged shows why, with no compiler, facts or time", (t) => {
  const r = abiResultOf({ ...mismatchVerdict, status: "unverified", runs: [], reason: "no records to verify" });
  t.like(resultCells(r), { compiler: "-", records: "0/3", facts: "-", time: "-", note: "no records to verify" });
});

test("progress and revision texts", (t) => {
  t.is(loadingText(34_500_000, 102_337_718), "Loading clang: 34 of 102 MB");
  t.is(compilingText("i386", 2, 2), "Compiling for i386 (2 of 2)");
  const at = new Date(2024, 0, 1, 14, 32, 5);
  const done = { asked: 2, judged: 2, running: false };
  t.is(revisionText("bus1.yaml", at, done, false), "Verified bus1.yaml as of 14:32:05");
  t.regex(revisionText("bus1.yaml", at, done, true), /as of 14:32:05; the spec has changed since: .*stale/);
  t.regex(revisionText("bus1.yaml", at, { ...done, judged: 1 }, false), /on 1 of 2 ABIs \(the run stopped\)$/);
  t.regex(revisionText("bus1.yaml", at, { ...done, judged: 0, running: true }, false), /^Verifying bus1\.yaml/);
});

test("the panel offers exactly the ABIs with a clang target", (t) => {
  t.true(CLANG_ABIS.length > 0 && CLANG_ABIS.length < ABIS.length);
  for (const id of ["x86_64", "i386", "aarch64"]) t.true(CLANG_ABIS.includes(abiById(id)!), id);
  for (const id of ["m68k", "arc", "arm-oabi", "s390"]) t.false(CLANG_ABIS.includes(abiById(id)!), id);
});

/** The panel on a page of its own: a text area holding bus1.yaml, and the panel verifying it. */
const HARNESS = (panel: string) => `
import { mountVerifyPanel } from ${JSON.stringify(panel)};
const spec = document.createElement("textarea");
spec.id = "spec";
const panel = document.createElement("section");
document.body.append(spec, panel);
spec.value = (await (await fetch("specs.json")).json())[0].text;
mountVerifyPanel(panel, () => ({ file: "bus1.yaml", text: spec.value }));
document.body.dataset.ready = "1";
`;

/** An engine wrong on i386 on purpose, in the bundle only: 8-aligned `int`. */
function wrongI386Int(): Plugin {
  return {
    name: "wrong-i386-int",
    setup(build) {
      build.onLoad({ filter: /[\\/]spec[\\/]abis\.ts$/ }, (args) => {
        const text = readFileSync(args.path, "utf8");
        const row = "scalars: { ...ILP32_U64A4, ldouble: sa(12, 4) },";
        if (!text.includes(row)) throw new Error(`spec/abis.ts has no i386 row '${row}' to make wrong`);
        const wrong = text.replace(row, "scalars: { ...ILP32_U64A4, int: sa(4, 8), ldouble: sa(12, 4) },");
        return { contents: wrong, loader: "ts" };
      });
    },
  };
}

/** The page build with its main script replaced by the harness; `wrong` bundles a wrong engine into the worker. */
async function buildHarness(dir: string, wrong: boolean): Promise<void> {
  const source = mkdtempSync(path.join(tmpdir(), "uapi-verify-harness-"));
  const harness = path.join(source, "harness.ts");
  writeFileSync(harness, HARNESS(path.join(ROOT, "web", "page", "verify-panel.ts")));
  try {
    await buildPage(dir, {
      specs: [{ name: "bus1.yaml", text: readFileSync(BUS1, "utf8") }],
      minify: false,
      mainScript: harness,
      plugins: wrong ? [wrongI386Int()] : [],
    });
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
}

interface PageRow {
  abi: string;
  status: string;
  cells: string[];
  mismatches: string[][];
}

/** Serve the harness, tick `abis`, verify twice; the rows, statuses seen, clang fetches and policy violations. */
async function verifyInChromium(t: ExecutionContext, chromiumPath: string, clangDir: string, wrong: boolean) {
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-verify-panel-"));
  await buildHarness(dir, wrong);
  const server = await startServer({
    pageDir: dir,
    specs: [{ name: "bus1.yaml", file: BUS1 }],
    clangDir,
    host: "127.0.0.1",
    port: 0,
  });
  const browser = await launchChromium(chromiumPath);
  try {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    const clangFetches: string[] = [];
    page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
    page.on("console", (m) => {
      // Chromium asks for /favicon.ico on its own; the harness page has none.
      if (m.type() === "error" && !m.location().url.endsWith("/favicon.ico")) errors.push(`page: ${m.text()}`);
    });
    page.on("worker", (w) => w.on("console", (m) => m.type() === "error" && errors.push(`worker: ${m.text()}`)));
    page.on("request", (r) => r.url().includes("/clang/") && clangFetches.push(r.url()));
    await page.addInitScript(() => {
      const seen: string[] = ((window as unknown as { cspViolations: string[] }).cspViolations = []);
      document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(server.url);
    await page.waitForSelector("body[data-ready='1']", { state: "attached" });
    t.deepEqual(
      await page.$$eval("input[name=verify-abi]:checked", (boxes) => boxes.map((b) => (b as HTMLInputElement).value)),
      ["x86_64", "i386"],
      "x86_64 and i386 are ticked to begin with",
    );
    const runOnce = async () => {
      const seen = new Set<string>();
      await page.click("#verify-run");
      const started = Date.now();
      while (await page.$eval("#verify-run", (b) => (b as HTMLButtonElement).disabled)) {
        seen.add((await page.textContent("#verify-status")) ?? "");
        await page.waitForTimeout(50);
      }
      const rows: PageRow[] = await page.$$eval("#verify-results > tbody > tr", (trs) =>
        trs.map((tr) => ({
          abi: (tr as HTMLElement).dataset.abi!,
          status: (tr as HTMLElement).dataset.status!,
          cells: [...tr.children].map((c) => c.firstChild?.textContent ?? ""),
          mismatches: [...tr.querySelectorAll(".verify-mismatches tbody tr")].map((m) =>
            [...m.children].map((c) => c.textContent ?? ""),
          ),
        })),
      );
      return { rows, seen: [...seen], ms: Date.now() - started, status: await page.textContent("#verify-status") };
    };
    const first = await runOnce();
    const fetchedFirst = clangFetches.length;
    const second = await runOnce();
    const revision = await page.textContent("#verify-revision");
    const violations = await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    return {
      first,
      second,
      fetchedFirst,
      fetchedSecond: clangFetches.length - fetchedFirst,
      revision,
      errors,
      violations,
    };
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const CHROMIUM = findChromium();
const CLANG_DIR = clangFilesDir();
const browserSkip = !CHROMIUM.path ? CHROMIUM.why : !CLANG_DIR ? "@yowasp/clang is not installed" : "";
const browserTest = browserSkip ? test.skip : test.serial;
const skipNote = browserSkip ? ` (skipped: ${browserSkip})` : "";

browserTest(
  `browser: bus1 verified on x86_64 and i386 as uapi verify says; clang loaded once${skipNote}`,
  async (t) => {
    const got = await verifyInChromium(t, CHROMIUM.path!, CLANG_DIR!, false);
    const cli = await verifyLayouts(unitsOfModels([loadSpecFile(BUS1)]), [abiById("x86_64")!, abiById("i386")!], {
      compiler: "yowasp",
    });
    for (const run of [got.first, got.second]) {
      t.deepEqual(
        run.rows.map((r) => [r.abi, r.status, r.cells[3], r.cells[4]]),
        cli.map((v) => [v.abi, v.status, `${v.records}/${v.records}`, String(v.runs[0]!.facts)]),
      );
      t.regex(run.status ?? "", /^2 ABIs in .*: 2 verified, 0 mismatch, 0 unverified, 0 error$/);
    }
    t.true(
      got.first.seen.some((s) => /^Loading clang: \d+ of \d+ MB$/.test(s)),
      "the first run shows clang loading",
    );
    t.true(got.first.seen.includes("Compiling for i386 (2 of 2)") || got.first.ms < 1000);
    t.false(
      got.second.seen.some((s) => s.startsWith("Loading clang")),
      "the second run does not load clang again",
    );
    t.true(got.fetchedFirst > 0);
    t.is(got.fetchedSecond, 0, "the second run fetches nothing of clang's");
    t.regex(got.revision ?? "", /^Verified bus1\.yaml as of \d\d:\d\d:\d\d$/);
    t.deepEqual(got.errors, []);
    t.deepEqual(got.violations, []);
    t.log(`first run ${got.first.ms} ms (clang fetched and compiled), second ${got.second.ms} ms`);
  },
);

browserTest(`browser: an engine wrong on i386 shows as a mismatch with clang's values${skipNote}`, async (t) => {
  const got = await verifyInChromium(t, CHROMIUM.path!, CLANG_DIR!, true);
  const [x86, i386] = got.first.rows;
  t.is(x86?.status, "verified");
  t.is(i386?.status, "mismatch");
  t.true(i386!.mismatches.length > 0);
  // struct bus1_cmd_peer_reset: __u32 members followed by __u64s move when int is 8-aligned; clang keeps i386's 4.
  t.true(
    i386!.mismatches.some(
      ([record, member, kind, engine, clang]) =>
        record!.endsWith("struct bus1_cmd_peer_reset") &&
        member === "(the record itself)" &&
        kind === "size" &&
        Number(engine) > Number(clang),
    ),
    JSON.stringify(i386!.mismatches.slice(0, 3)),
  );
  t.deepEqual(got.errors, []);
  t.deepEqual(got.violations, []);
});
