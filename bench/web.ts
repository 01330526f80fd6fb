/*
 * The live page: time from a keystroke in the editor to the updated view, in Debian's Chromium, against the
 * same work in Node in the same run: analyseSpec on the same texts (load, checks, the report with its byte
 * maps), which is what the page recomputes per key (the generated files only for the Header and Codec tabs).
 * The page measures itself (web/page/main.ts `uapiLastUpdate.inputToViewMs`: from the editor's change to the
 * frame after the views are rebuilt); the bench reads that after each key, 20 keys per bundled spec.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { exampleSpecFiles } from "../spec/load.js";
import { analyseSpec } from "../web/analyse.js";
import { startServer } from "../web/serve.js";
import { PAGE_DIR } from "../cli/commands/serve.js";
import { findChromium, launchChromium } from "../property-tests/chromium.js";
import { record, type Target } from "./targets.js";

const KEYS = 20;
/** The goal for the bundled specs. */
const GOAL_MS = 100;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface PageUpdate {
  revision: number;
  inputToViewMs: number;
  analyseMs: number;
  renderMs: number;
}

/** The same texts the page will see: the spec with one more character of a trailing comment per key. */
const typedTexts = (text: string) =>
  Array.from({ length: KEYS }, (_, i) => `${text.endsWith("\n") ? text : text + "\n"}#${"x".repeat(i + 1)}`);

function nodeMs(name: string, text: string): number {
  analyseSpec(name, text); // warm: the page is warm too after loading the spec
  return median(
    typedTexts(text).map((t) => {
      const started = performance.now();
      analyseSpec(name, t);
      return performance.now() - started;
    }),
  );
}

async function typeKeys(page: Page): Promise<PageUpdate[]> {
  await page.locator("#editor .cm-content").click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\n#", { delay: 0 });
  const updates: PageUpdate[] = [];
  for (let i = 0; i < KEYS; i++) {
    const before = Number(await page.evaluate(() => document.body.dataset.revision ?? "0"));
    await page.keyboard.press("x");
    await page.waitForFunction((r) => Number(document.body.dataset.revision ?? "0") > r, before);
    // Let the idle-time work of this key finish before the next one, so keys are timed one by one.
    await page.waitForTimeout(150);
    updates.push(await page.evaluate(() => (window as unknown as { uapiLastUpdate: PageUpdate }).uapiLastUpdate));
  }
  return updates;
}

export async function run(): Promise<Target[]> {
  const chromium = findChromium();
  if (!chromium.path) {
    console.log(`skipped: ${chromium.why}`);
    return [];
  }
  const specs = exampleSpecFiles().map((file) => ({ name: path.basename(file), file }));
  const server = await startServer({ pageDir: PAGE_DIR, specs, host: "127.0.0.1", port: 0 });
  const browser = await launchChromium(chromium.path);
  const targets: Target[] = [];
  try {
    console.log(
      "spec                 keystroke->view in the page (median of 20)       analyse in Node   ratios: view/Node, " +
        "analyse page/Node",
    );
    for (const spec of specs) {
      const page = await browser.context.newPage();
      await page.goto(server.url);
      await page.selectOption("#spec-select", spec.name);
      await page.waitForFunction(() => document.body.dataset.revision !== undefined);
      const updates = await typeKeys(page);
      await page.close();
      const inPage = median(updates.map((u) => u.inputToViewMs));
      const analyse = median(updates.map((u) => u.analyseMs));
      const node = nodeMs(spec.name, readFileSync(spec.file, "utf8"));
      console.log(
        `${spec.name.padEnd(20)} ${inPage.toFixed(1).padStart(7)} ms (analyse ${analyse.toFixed(1)}, ` +
          `render ${median(updates.map((u) => u.renderMs)).toFixed(1)})      ${node.toFixed(1).padStart(7)} ms` +
          `        ${(inPage / node).toFixed(2)}x, ${(analyse / node).toFixed(2)}x`,
      );
      targets.push(record(`page: keystroke to view, ${spec.name}`, inPage, "ms", "<", GOAL_MS));
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return targets;
}
