/* Where the installed @yowasp/clang keeps the files its browser build fetches (bundle.js, *.wasm, resources). */
import { createRequire } from "node:module";
import path from "node:path";

/** The folder, below the page, that holds the clang files the verify worker loads. */
export const CLANG_FOLDER = "clang";

/** The folder of @yowasp/clang's bundle, or undefined when the optional peer dependency is not installed. */
export function clangFilesDir(): string | undefined {
  try {
    return path.dirname(createRequire(import.meta.url).resolve("@yowasp/clang"));
  } catch {
    return undefined;
  }
}
