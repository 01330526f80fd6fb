#!/usr/bin/env node
/*
 * Builds the live page as static files.
 *   node dist/web/build-main.js OUT [--no-clang]
 * `npm run build` writes dist/page/ (what `uapi serve` serves; clang comes from the installed @yowasp/clang);
 * `npm run build:web` writes out/web/ for any static host: the page, the example specs, and a copy of the
 * WebAssembly clang when @yowasp/clang is installed.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { exampleSpecFiles } from "../spec/load.js";
import { buildPage, FolderRefused } from "./build.js";
import { clangFilesDir } from "./clang-files.js";

const { values, positionals } = parseArgs({ options: { "no-clang": { type: "boolean" } }, allowPositionals: true });
if (positionals.length !== 1) {
  process.stderr.write("usage: node dist/web/build-main.js OUT [--no-clang]\n");
  process.exit(2);
}
const outDir = path.resolve(positionals[0]!);
const clangDir = values["no-clang"] ? undefined : clangFilesDir();
const specs = exampleSpecFiles().map((f) => ({ name: path.basename(f), text: readFileSync(f, "utf8") }));
try {
  const written = await buildPage(outDir, { specs, ...(clangDir ? { clangDir } : {}) });
  const missing = values["no-clang"] || clangDir ? "" : " (@yowasp/clang is not installed: the verify tab will say so)";
  process.stdout.write(`wrote ${written.length} files to ${path.relative(process.cwd(), outDir) || "."}${missing}\n`);
} catch (e) {
  process.stderr.write(`build-main: ${(e as Error).message}\n`);
  process.exit(e instanceof FolderRefused ? 2 : 3);
}
