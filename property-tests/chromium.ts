/*
 * Debian's Chromium for the browser tests and the page bench, through playwright-core: found on PATH and
 * probed for the exact capability (it starts headless and renders a page), or the reason it cannot be used.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext } from "playwright-core";

/** The first `chromium` on PATH that starts headless and renders a page, or why there is none. */
export function findChromium(): { path?: string; why: string } {
  const found = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter(Boolean)
    .map((d) => path.join(d, "chromium"))
    .find((p) => existsSync(p));
  if (!found) return { why: "no chromium on PATH; apt-get install chromium" };
  const r = spawnSync(
    found,
    ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "data:text/html,<p>ok</p>"],
    { encoding: "utf8", timeout: 60_000 },
  );
  return r.status === 0 && r.stdout.includes("<p>ok</p>")
    ? { path: found, why: "" }
    : { why: `${found} does not start headless (exit ${r.status}${r.error ? `, ${r.error.message}` : ""})` };
}

/** A headless Chromium with a throwaway profile; `close()` removes the profile too. */
export async function launchChromium(
  executablePath: string,
  viewport = { width: 1366, height: 768 },
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(path.join(tmpdir(), "uapi-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
