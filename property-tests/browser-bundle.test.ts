/*
 * The modules a browser page bundles (esbuild) and runs under a Content-Security-Policy without 'unsafe-eval':
 * the templates' renderer, clang's judge of a probe, the verdict, running the WebAssembly clang on a probe and the
 * verify panel's texts.  Each bundles for the browser (no node:* module anywhere among its imports) and the bundle
 * generates no code and touches no Node global.
 */
import test from "ava";
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { RUN_TIME_CODE } from "./run-time-code.js";

const BROWSER_MODULES = [
  "generators/templates.js",
  "verify/clang-judge.js",
  "verify/verdict.js",
  "verify/yowasp-clang.js",
  "web/page/verify-view.js",
];

for (const module of BROWSER_MODULES) {
  test(`${module} bundles for the browser, with no code generated at run time and no Node global`, async (t) => {
    const entry = fileURLToPath(new URL(`../${module}`, import.meta.url));
    let text: string;
    try {
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        platform: "browser",
        format: "esm",
        write: false,
        logLevel: "silent",
      });
      text = result.outputFiles[0]!.text;
    } catch (e) {
      // esbuild fails the build on a Node built-in module: the browser has none.
      const errors = (e as { errors?: { text: string }[] }).errors ?? [{ text: String(e) }];
      return t.fail(`esbuild: ${errors.map((x) => x.text).join("; ")}`);
    }
    t.notRegex(text, RUN_TIME_CODE);
    t.notRegex(text, /\b(?:Buffer|process|require)\s*[.([]/);
  });
}
