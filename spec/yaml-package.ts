/*
 * The `yaml` package, loaded only when the fast reader (spec/yaml-fast.ts) declines a document: it is some 60
 * files of CommonJS, and loading them would cost every command ~70 ms of its start.  The web page's bundle
 * swaps this module for web/shims/yaml-package.ts, which imports the package directly (no `require` there).
 */
import { createRequire } from "node:module";

let loaded: typeof import("yaml") | undefined;

export function yamlPackage(): typeof import("yaml") {
  return (loaded ??= createRequire(import.meta.url)("yaml") as typeof import("yaml"));
}
