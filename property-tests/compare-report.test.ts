/*
 * The ergonomics report in a real browser (Debian chromium via
 * playwright-core): render out the bus1 HTML page, take a screenshot, and
 * assert on what is rendered.  Expected figures come from Arnd Bergmann's
 * bus1 review (../shared/seeds/003_*.txt: peer_reset exceeds six arguments
 * with the fd; his struct-pointer form has 3).  Also
 * checks `uapi compare` formats and determinism.
 */
import test from "ava";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { SPEC_DIR } from "../core/paths.js";
import { ABIS } from "../spec/abis.js";
import { loadSpecFile } from "../spec/load.js";
import { buildReport, type SpecReport } from "../syscall/report-data.js";
import { renderHtml } from "../generators/report.js";
import { reportGenerator } from "../generators/report.js";
import { main } from "../cli/main.js";
import { findChromium, launchChromium } from "./chromium.js";
import { bufferIo } from "../cli/io.js";

const CHROMIUM = findChromium();
const BUS1 = path.join(SPEC_DIR, "bus1.yaml");

test("uapi compare: md, json and html; byte-identical on a second run", async (t) => {
  for (const format of ["md", "json", "html"]) {
    const a = bufferIo();
    const b = bufferIo();
    t.is(await main(["compare", BUS1, "--format", format], a), 0, a.stderr);
    t.is(await main(["compare", BUS1, "--format", format], b), 0);
    t.is(a.stdout, b.stdout);
  }
  const j = bufferIo();
  await main(["compare", BUS1, "--format", "json"], j);
  const report = JSON.parse(j.stdout);
  const reset = report.interfaces[0].commands.find((c: { command: string }) => c.command === "BUS1_CMD_PEER_RESET");
  t.is(reset.argCount, 7);
  t.false(reset.fits);
  const bad = bufferIo();
  t.is(await main(["compare", BUS1, "--format", "pdf"], bad), 2);
  t.regex(bad.stderr, /--format must be one of md, html, json/);
  const help = bufferIo();
  t.is(await main(["compare", "--help"], help), 0);
  t.regex(help.stdout, /exit codes/);
});

test("report generator: md, html and json per bundled spec, self-contained html", (t) => {
  const files = reportGenerator.generate([loadSpecFile(BUS1)]);
  t.deepEqual(
    files.map((f) => f.path),
    ["report/bus1.md", "report/bus1.html", "report/bus1.json"],
  );
  const html = files[1]!.content;
  t.notRegex(html, /<script|<link|src=|https?:\/\//i, "no scripts or external resources");
});

const haveChromium = CHROMIUM.path !== undefined;
(haveChromium ? test : test.skip)(
  `browser: bus1 report renders in headless chromium${haveChromium ? "" : ` (skipped: ${CHROMIUM.why})`}`,
  async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), "uapi-compare-"));
    const file = path.join(dir, "bus1.html");
    writeFileSync(file, renderHtml(buildReport(loadSpecFile(BUS1), ABIS)));
    const browser = await launchChromium(CHROMIUM.path!, { width: 1400, height: 1000 });
    const context = browser.context;
    try {
      const page = await context.newPage();
      const failed: string[] = [];
      page.on("requestfailed", (r) => failed.push(r.url()));
      await page.goto(pathToFileURL(file).href);
      const shot = process.env.UAPI_SCREENSHOT_DIR
        ? path.join(process.env.UAPI_SCREENSHOT_DIR, "bus1-report.png")
        : path.join(dir, "bus1-report.png");
      await page.screenshot({ path: shot, fullPage: false });
      t.true(statSync(shot).size > 10_000, "screenshot written");
      t.log(`screenshot: ${shot}`);

      const row = page.locator('table.summary[data-interface="bus1"] tr[data-command="BUS1_CMD_PEER_RESET"]');
      t.is(await row.locator("td.args").innerText(), "7");
      t.regex(await row.locator("td.verdict").innerText(), /^exceeds/);
      t.regex(await row.locator("td.remedy").innerText(), /struct-pointer, 3 slots/);
      t.is(
        await row.evaluate((el) => getComputedStyle(el).backgroundColor),
        "rgb(253, 226, 225)",
        "over-limit rows are red",
      );
      const send = page.locator('table.summary[data-interface="bus1"] tr[data-command="BUS1_CMD_SEND"] td.args');
      t.is(await send.innerText(), "11");
      const recv = page.locator('table.summary[data-interface="bus1"] tr[data-command="BUS1_CMD_RECV"] td.verdict');
      t.is(await recv.innerText(), "fits");
      // Byte maps: bus1_cmd_recv is 96 bytes, one cell per byte, the same on every ABI.
      const maps = page.locator('section#bus1 .bytes[data-struct="struct bus1_cmd_recv"]');
      t.is(await maps.count(), 1);
      t.is(await maps.locator(".b").count(), 96);
      const box = await maps.boundingBox();
      t.truthy(box && box.width > 300 && box.height > 40, "byte map laid out as a grid");
      t.deepEqual(failed, [], "no external requests");
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test("uapi compare on the bundled syscall spec: per syscall, the registers on every ABI and the repair", async (t) => {
  const io = bufferIo();
  t.is(await main(["compare", path.join(SPEC_DIR, "linux-syscalls.yaml"), "--format", "json"], io), 0, io.stderr);
  const report = JSON.parse(io.stdout) as SpecReport;
  const syscalls = report.interfaces.flatMap((i) => i.syscalls);
  t.true(syscalls.length >= 13, `${syscalls.length} syscalls`);
  for (const s of syscalls) {
    const covered = s.calling.flatMap((row) => row.abis).sort();
    t.deepEqual(covered, ABIS.map((a) => a.id).sort(), `${s.syscall.name}: every ABI in one row`);
    t.true(s.ioctlForm !== undefined, `${s.syscall.name}: an ioctl form`);
  }
  // fs/sync.c: sync_file_range2(fd, flags, offset, nbytes) is the order that fits on arm and powerpc.
  const sfr = syscalls.find((s) => s.syscall.name === "sync_file_range")!;
  t.false(sfr.fits);
  const chosen = sfr.remedies.find((r) => r.chosen)!;
  t.is(chosen.kind, "reorder");
  t.is(chosen.prototypes[0], "long sync_file_range(int fd, unsigned int flags, loff_t offset, loff_t nbytes)");
  const md = bufferIo();
  await main(["compare", path.join(SPEC_DIR, "linux-syscalls.yaml")], md);
  for (const s of syscalls) t.true(md.stdout.includes(`### ${s.syscall.name}() (declared syscall)`), s.syscall.name);
  t.is(md.stdout.split("Where the arguments of").length - 1, syscalls.length);
});
