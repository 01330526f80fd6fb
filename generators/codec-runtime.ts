/*
 * How generated codecs reach their runtime (runtime/): by the package's name, which resolves in any project that
 * depends on uapi-workbench, or through a copy written beside each spec's codecs, which needs nothing installed.
 * The copy is the package's own shipped files, byte for byte: runtime/*.ts beside TypeScript codecs, the compiled
 * dist/runtime/*.js and *.d.ts beside JavaScript ones.  Reading them is I/O at the edge, as templates.ts reads its
 * templates: the same package version always gives the same copy.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ownPackage, REPO_ROOT } from "../core/paths.js";
import type { GenerateOptions, OutputFile } from "./generator.js";

/** The npm name of this package (package.json "name"). */
export const RUNTIME_PACKAGE = ownPackage().name;

/** How codecs import the runtime by package name (package.json "exports" maps it to dist/runtime/). */
export const RUNTIME_IMPORT = `${RUNTIME_PACKAGE}/runtime`;

/**
 * The folder of a spec's runtime copy, beside its codec modules.  One per spec: each spec owns the files it writes
 * and two specs may never write the same path (write-out.ts outputClashes), so specs that share codecs/ cannot share
 * one copy; `<spec>.runtime` never meets a module name, since interface names have no dot.
 */
export const vendoredRuntimeDir = (specName: string) => `codecs/${specName}.runtime`;

/** The specifier a codec module of `specName` (in codecs/) imports the runtime by. */
export function runtimeImport(specName: string, options: GenerateOptions): string {
  if (options.runtime === "package") return RUNTIME_IMPORT;
  return `./${path.posix.basename(vendoredRuntimeDir(specName))}/index.js`;
}

/** The runtime files a codec flavour needs: TypeScript sources, or compiled JavaScript with its declarations. */
type RuntimeFlavour = "ts" | "js";

/** Where each flavour's files are, and the extensions every runtime module has there. */
const SOURCES: Record<RuntimeFlavour, { dir: string; extensions: string[] }> = {
  ts: { dir: path.join(REPO_ROOT, "runtime"), extensions: [".ts"] },
  js: { dir: path.join(REPO_ROOT, "dist", "runtime"), extensions: [".js", ".d.ts"] },
};

/** A file name's module name and extension: "bytes.d.ts" -> ["bytes", ".d.ts"]. */
const splitName = (name: string) => /^(.*?)((?:\.d)?\.[jt]s)$/.exec(name)?.slice(1) ?? [name, ""];

/** Every module specifier in a file: `from "x"`, `import "x"`, `import("x")`, `require("x")`. */
const SPECIFIER = /\b(?:from|import|require)\s*\(?\s*["']([^"'\n]+)["']/g;

const cache = new Map<RuntimeFlavour, OutputFile[]>();

/** The shipped runtime files of one flavour, by file name, sorted; each checked to import only its siblings. */
function runtimeFiles(flavour: RuntimeFlavour): OutputFile[] {
  const known = cache.get(flavour);
  if (known) return known;
  const { dir, extensions } = SOURCES[flavour];
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => extensions.includes(splitName(n)[1]!))
      .sort();
  } catch (e) {
    throw new Error(`cannot read the runtime to copy from ${dir} (is the package built?)`, { cause: e });
  }
  const stems = new Set(names.map((n) => splitName(n)[0]!));
  if (!stems.has("index")) throw new Error(`no runtime index module in ${dir}`);
  for (const stem of stems)
    for (const ext of extensions)
      if (!names.includes(stem + ext)) throw new Error(`the runtime in ${dir} has no ${stem}${ext} (is it built?)`);
  const files = names.map((name) => ({ path: name, content: readFileSync(path.join(dir, name), "utf8") }));
  for (const f of files) {
    for (const [, specifier] of f.content.matchAll(SPECIFIER)) {
      const sibling = /^\.\/([A-Za-z0-9_-]+)\.js$/.exec(specifier!);
      // The copy must work where nothing is installed: the runtime may import only its own files.
      if (!sibling || !stems.has(sibling[1]!))
        throw new Error(`the runtime file ${path.join(dir, f.path)} imports '${specifier}', which a copy cannot carry`);
    }
  }
  cache.set(flavour, files);
  return files;
}

/**
 * Marks the copy's folder as ES modules: its `.js` files keep the package's names and bytes, and a project whose
 * package.json says `"type": "commonjs"` (what `npm init` writes) would otherwise load them as CommonJS.
 */
const ESM_FOLDER: OutputFile = { path: "package.json", content: '{ "type": "module" }\n' };

/** The runtime copy a spec's codecs import with `runtime: "vendor"` (nothing with "package"). */
export function vendoredRuntime(specName: string, options: GenerateOptions): OutputFile[] {
  if (options.runtime !== "vendor") return [];
  const flavours: RuntimeFlavour[] = options.codecs === "both" ? ["ts", "js"] : [options.codecs];
  const dir = vendoredRuntimeDir(specName);
  const files = [ESM_FOLDER, ...flavours.flatMap((f) => runtimeFiles(f))];
  return files.map((file) => ({ ...file, path: `${dir}/${file.path}` }));
}
