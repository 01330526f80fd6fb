#!/usr/bin/env node
/*
 * `npm run build:web [-- OUT]`: the live page as static files (default out/web/), with a copy of the
 * WebAssembly clang when @yowasp/clang is installed, for any static host.
 */
import path from "node:path";
import { buildPage } from "./build.js";
import { clangFilesDir } from "./clang-files.js";

const outDir = path.resolve(process.argv[2] ?? "out/web");
const clangDir = clangFilesDir();
const written = await buildPage(outDir, clangDir ? { clangDir } : {});
process.stdout.write(
  `wrote ${written.length} files to ${path.relative(process.cwd(), outDir) || "."}` +
    (clangDir ? "" : " (no @yowasp/clang installed: the page's verify button will say so)") +
    "\n",
);
