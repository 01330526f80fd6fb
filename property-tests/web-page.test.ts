/*
 * The live page in a real browser (Debian's Chromium via playwright-core), as a user drives it: `uapi init` a
 * project, `uapi serve` it, type a change that opens a hole, see the finding and the byte map change, share the
 * link and open it in a fresh browser, run verify with the WebAssembly clang on x86_64 and i386, and check the
 * page's keyboard use, labels and contrast.  The hole's place is asked of gcc, not of the engine.  Screenshots
 * are written to test-artefacts/web-page/ (or $UAPI_ARTEFACTS/web-page/).
 */
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { findChromium, launchChromium } from "./chromium.js";
import { CLI, ROOT, startServe, type Served } from "./web-support.js";
import { clangFilesDir } from "../web/clang-files.js";

const CHROMIUM = findChromium();
const ARTEFACTS = path.join(process.env.UAPI_ARTEFACTS ?? path.join(ROOT, "test-artefacts"), "web-page");
const NAME = "demo";
const STRUCT = `struct ${NAME}_config`;
/** The starter spec's second member, as `uapi init` writes it; the test narrows it to open a hole. */
const MEMBER_LINE = "{ name: buffer_size, type: __u32";

/** Where gcc puts the hole once buffer_size is 16 bits: the bytes between it and `buffer`, on this host. */
function gccHole(): { offset: number; size: number } | { why: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-hole-"));
  try {
    writeFileSync(
      path.join(dir, "hole.c"),
      `#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
struct s { __u32 flags; __u16 buffer_size; __u64 buffer; __u64 reserved; };
int main(void) {
  size_t end = offsetof(struct s, buffer_size) + sizeof(__u16);
  printf("%zu %zu\\n", end, offsetof(struct s, buffer) - end);
  return 0;
}
`,
    );
    const cc = spawnSync("gcc", ["-o", path.join(dir, "hole"), path.join(dir, "hole.c")], { encoding: "utf8" });
    if (cc.status !== 0) return { why: `gcc cannot build a probe: ${cc.stderr || cc.error?.message}` };
    const [offset, size] = spawnSync(path.join(dir, "hole"), { encoding: "utf8" }).stdout.trim().split(" ").map(Number);
    return { offset: offset!, size: size! };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const skip = CHROMIUM.path ? "" : ` (skipped: ${CHROMIUM.why})`;
const browserTest = CHROMIUM.path ? test.serial : test.serial.skip;

let project = "";
let served: Served | undefined;
let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
let sharedUrl = "";
let editedText = "";

test.before(async () => {
  if (!CHROMIUM.path) return;
  mkdirSync(ARTEFACTS, { recursive: true });
  project = mkdtempSync(path.join(tmpdir(), "uapi-page-"));
  const init = spawnSync(process.execPath, [CLI, "init", NAME], { cwd: project, encoding: "utf8" });
  if (init.status !== 0) throw new Error(`uapi init failed: ${init.stderr}`);
  served = await startServe([], project);
  browser = await launchChromium(CHROMIUM.path);
});

test.after.always(async () => {
  await browser?.close();
  await served?.stop();
  if (project) rmSync(project, { recursive: true, force: true });
});

/** A page of the workbench that records script errors and policy violations. */
async function openPage(url: string, context = browser!.context): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.revision !== undefined, null, { timeout: 30_000 });
  return { page, problems };
}

const revision = (page: Page) => page.evaluate(() => Number(document.body.dataset.revision));
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTEFACTS, `${name}.png`) });

/** Double-click the word `word` inside the editor line holding `line`: the editor selects it, as for a user. */
async function selectWordInLine(page: Page, line: string, word: string): Promise<void> {
  const box = await page.evaluate(
    ([lineText, wordText]) => {
      for (const el of document.querySelectorAll("#editor .cm-line")) {
        if (!el.textContent?.includes(lineText!)) continue;
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const at = n.textContent!.indexOf(wordText!);
          if (at < 0) continue;
          const range = document.createRange();
          range.setStart(n, at);
          range.setEnd(n, at + wordText!.length);
          const r = range.getBoundingClientRect();
          return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
        }
      }
      return undefined;
    },
    [line, word],
  );
  if (!box) throw new Error(`no editor line holds '${line}' with '${word}'`);
  await page.mouse.dblclick(box.x, box.y);
}

browserTest(`type a change that opens a hole: the finding and the byte map follow${skip}`, async (t) => {
  const hole = gccHole();
  if ("why" in hole) return t.fail(hole.why);
  const { page, problems } = await openPage(served!.url);
  const map = page.locator(`section.struct-map[data-struct="${STRUCT}"]`);
  const holeFindings = page.locator(`li.finding[data-rule="padding/hole"]`, { hasText: `${NAME}_config` });
  t.is(await page.evaluate(() => document.body.dataset.state), "ok");
  t.is(await map.locator('[data-kind="hole"]').count(), 0, "the starter struct has no hole");
  await page.click("#tab-findings");
  t.is(await holeFindings.count(), 0);
  await page.click("#tab-layouts");
  await shot(page, "1-starter-layouts");

  const before = await revision(page);
  await selectWordInLine(page, MEMBER_LINE, "__u32");
  await page.keyboard.type("__u16");
  await page.waitForFunction((r) => Number(document.body.dataset.revision) > r, before);
  await page.waitForFunction(() => document.body.dataset.state === "ok");
  const x86 = map.locator('[data-abis~="x86_64"]');
  const holes = x86.locator('[data-kind="hole"][data-first]');
  t.is(await holes.count(), 1, "one hole on x86_64");
  t.is(Number(await holes.getAttribute("data-offset")), hole.offset, "where gcc leaves it");
  t.is(Number(await holes.getAttribute("data-size")), hole.size, "as large as gcc's");
  t.regex(await holes.innerText(), new RegExp(`hole ${hole.size}`));
  await shot(page, "2-hole-layouts");
  await page.click("#tab-findings");
  t.true((await holeFindings.count()) >= 1, "a padding/hole finding names the struct");
  t.regex(await holeFindings.first().innerText(), /buffer/);
  await shot(page, "3-hole-findings");
  for (const name of ["1-starter-layouts", "2-hole-layouts", "3-hole-findings"])
    t.true(statSync(path.join(ARTEFACTS, `${name}.png`)).size > 10_000, `${name}.png written`);
  editedText = await page.locator("#editor .cm-content").innerText();
  t.true(editedText.includes("type: __u16"));

  await page.click("#share-link");
  await page.waitForFunction(() => location.hash.length > 1);
  sharedUrl = page.url();
  t.deepEqual(problems, [], "no script errors, no policy violations");
  await page.close();
});

browserTest(`the share link carries the edited spec into a fresh browser${skip}`, async (t) => {
  if (!sharedUrl) return t.fail("the previous test made no link");
  t.true(sharedUrl.length < editedText.length, `compressed: ${sharedUrl.length} < ${editedText.length} characters`);
  // A second browser with its own profile: nothing in local storage, so the spec can only come from the link.
  const other = await launchChromium(CHROMIUM.path!);
  try {
    const { page, problems } = await openPage(sharedUrl, other.context);
    t.is(await page.locator("#editor .cm-content").innerText(), editedText);
    t.is(
      (await page
        .locator(`section.struct-map[data-struct="${STRUCT}"] [data-abis~="x86_64"] [data-kind="hole"]`)
        .count()) > 0,
      true,
    );
    await shot(page, "4-shared-link");
    t.deepEqual(problems, []);
  } finally {
    await other.close();
  }
  // The browser the edit was made in keeps it in local storage: the page without a link opens it again.
  const { page, problems } = await openPage(new URL(sharedUrl).origin + "/");
  t.is(await page.locator("#editor .cm-content").innerText(), editedText, "kept in local storage");
  t.deepEqual(problems, []);
  await page.close();
});

const clangDir = clangFilesDir();
const verifySkip = skip || (clangDir ? "" : " (skipped: @yowasp/clang is not installed)");
(CHROMIUM.path && clangDir ? test.serial : test.serial.skip)(
  `verify runs the WebAssembly clang in a worker on x86_64 and i386, with progress${verifySkip}`,
  async (t) => {
    const { page, problems } = await openPage(served!.url);
    await page.click("#tab-verify");
    for (const abi of ["x86_64", "i386"])
      t.true(await page.locator(`input[name="verify-abi"][value="${abi}"]`).isChecked(), `${abi} chosen`);
    await page.click("#verify-run");
    // The first load takes seconds: the status says so while clang arrives.
    await page.waitForFunction(() => /clang/i.test(document.getElementById("verify-status")?.textContent ?? ""));
    await shot(page, "5-verify-loading");
    for (const abi of ["x86_64", "i386"])
      await page.waitForSelector(`#verify-results tr[data-abi="${abi}"][data-status]`, { timeout: 240_000 });
    for (const abi of ["x86_64", "i386"])
      t.is(await page.locator(`#verify-results tr[data-abi="${abi}"]`).getAttribute("data-status"), "verified", abi);
    await shot(page, "6-verify-done");
    t.deepEqual(problems, []);
  },
);

browserTest(`keyboard, labels and contrast${skip}`, async (t) => {
  const { page } = await openPage(served!.url);
  // Tabs: arrow keys move between them and show the panel.
  await page.focus("#tab-layouts");
  await page.keyboard.press("ArrowRight");
  t.is(await page.evaluate(() => document.activeElement?.id), "tab-findings");
  t.true(await page.locator("#panel-findings").isVisible());
  // Every control has a name a screen reader can say.
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll("button, select, input, textarea, [role=tab], [contenteditable=true]")]
      .filter((e) => (e as HTMLElement).offsetParent !== null)
      .filter((e) => {
        const labelled = e.getAttribute("aria-label") || e.getAttribute("aria-labelledby") || e.getAttribute("title");
        const id = e.id && document.querySelector(`label[for="${e.id}"]`);
        return !labelled && !id && !e.closest("label") && !(e.textContent ?? "").trim();
      })
      .map((e) => e.outerHTML.slice(0, 80)),
  );
  t.deepEqual(unnamed, []);
  // Text contrast: WCAG 2 relative luminance of each visible text's colour against its first opaque background.
  for (const tab of ["layouts", "findings", "commands"]) {
    await page.click(`#tab-${tab}`);
    const low = await page.evaluate(() => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const lum = ([r, g, b]: number[]) =>
        [r!, g!, b!]
          .map((v) => v / 255)
          .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
          .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i]!, 0);
      const background = (e: Element | null): number[] => {
        for (; e; e = e.parentElement) {
          const c = rgb(getComputedStyle(e).backgroundColor);
          if (c.length === 3 || c[3]! > 0.5) return c.slice(0, 3);
        }
        return [255, 255, 255];
      };
      const out: string[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const e = n.parentElement!;
        if (!n.textContent!.trim() || e.offsetParent === null || e.closest("[aria-hidden=true], .visually-hidden"))
          continue;
        const fg = lum(rgb(getComputedStyle(e).color));
        const bg = lum(background(e));
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        if (ratio < 4.5)
          out.push(`${ratio.toFixed(2)}: ${e.tagName}.${e.className} "${n.textContent!.trim().slice(0, 30)}"`);
      }
      return [...new Set(out)].slice(0, 10);
    });
    t.deepEqual(low, [], `text on the ${tab} tab reaches 4.5:1`);
  }
  await shot(page, "7-keyboard-findings");
  await page.close();
});
