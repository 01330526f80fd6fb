/*
 * Bundles the live page with esbuild from the same modules the CLI runs.  Node-only modules on the page's
 * import graph are swapped for browser ones (MODULE_SWAPS); everything else is bundled as it is.  The output
 * is a folder of static files: index.html, the page and worker scripts, the stylesheet, and optionally a copy
 * of the WebAssembly clang for hosts that do not run `uapi serve`.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Plugin } from "esbuild";
import { ownPackage, REPO_ROOT } from "../core/paths.js";
import { CLANG_FOLDER } from "./clang-files.js";
import { PAGE_CSP_META } from "./page-policy.js";

const PAGE_SOURCE = path.join(REPO_ROOT, "web", "page");

/** Files copied as they are from web/page/ (index.html gets the policy put in). */
export const STATIC_FILES = ["style.css"] as const;

/** Scripts bundled from web/page/: the page and the verify worker. */
export const SCRIPT_ENTRIES = { main: "main.ts", "verify-worker": "verify-worker.ts" } as const;

/** Module (resolved source path, relative to the package root, without extension) -> its browser stand-in. */
const MODULE_SWAPS: Record<string, string> = {
  "core/paths": "web/shims/paths.ts",
  "spec/yaml-package": "web/shims/yaml-package.ts",
};

/** Node built-ins the bundled modules import -> what the page gets instead. */
const BUILTIN_SWAPS: Record<string, string> = {
  "node:path": "web/shims/path.ts",
  "node:fs": "web/shims/no-fs.ts",
};

function browserModules(): Plugin {
  return {
    name: "uapi-browser-modules",
    setup(build) {
      build.onResolve({ filter: /^node:/ }, async (args) => {
        const swap = BUILTIN_SWAPS[args.path];
        if (!swap) return { errors: [{ text: `${args.path} has no browser stand-in (web/build.ts BUILTIN_SWAPS)` }] };
        return { path: path.join(REPO_ROOT, swap) };
      });
      build.onResolve({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(".")) return undefined;
        const target = path.relative(REPO_ROOT, path.resolve(args.resolveDir, args.path)).replace(/\.js$/, "");
        const swap = MODULE_SWAPS[target.split(path.sep).join("/")];
        return swap ? { path: path.join(REPO_ROOT, swap) } : undefined;
      });
    },
  };
}

/** index.html with the page's policy in its CSP <meta> (web/page-policy.ts is the one place it is spelled). */
function withPolicy(html: string): string {
  const meta = /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")[^"]*(")/;
  if (!meta.test(html)) throw new Error("web/page/index.html has no Content-Security-Policy <meta>");
  return html.replace(meta, `$1${PAGE_CSP_META}$2`);
}

/** The files a build wrote, listed in its folder: the next build removes exactly those and nothing else. */
export const BUILD_MANIFEST = ".uapi-page-files";

/** A manifest line: a file of the page or of its clang folder, never a path that leaves the folder. */
const OWN_FILE = /^(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*\/)?[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** The output folder holds files the builder does not own: it refuses rather than remove them. */
export class FolderRefused extends Error {}

function removePreviousBuild(outDir: string): void {
  if (!existsSync(outDir)) return;
  const manifest = path.join(outDir, BUILD_MANIFEST);
  if (!existsSync(manifest)) {
    if (readdirSync(outDir).length)
      throw new FolderRefused(
        `${outDir} holds files an earlier page build did not write; build into a new or empty folder`,
      );
    return;
  }
  const owned = readFileSync(manifest, "utf8").split("\n").filter(Boolean);
  const foreign = owned.find((f) => !OWN_FILE.test(f));
  if (foreign)
    throw new FolderRefused(`${manifest} lists '${foreign}', which is not a file of a page build; remove it by hand`);
  for (const f of owned) rmSync(path.join(outDir, f), { force: true });
  const clang = path.join(outDir, CLANG_FOLDER);
  if (existsSync(clang) && readdirSync(clang).length === 0) rmSync(clang, { recursive: true });
  rmSync(manifest);
}

export interface BuildOptions {
  /** Written as specs.json, the specs the page offers when it opens (a static host has no server to list them). */
  specs?: readonly { name: string; text: string }[];
  /** Copy @yowasp/clang's files into <out>/clang/ (a static host has no `uapi serve` to hand them out). */
  clangDir?: string;
  minify?: boolean;
  /** Bundle this script as main.js instead of web/page/main.ts (a test's harness page). */
  mainScript?: string;
  /** esbuild plugins that run before the browser stand-ins (a test's deliberately wrong engine). */
  plugins?: Plugin[];
}

/** Build the page into `outDir`, replacing what an earlier build left there. Returns the files written. */
export async function buildPage(outDir: string, options: BuildOptions = {}): Promise<string[]> {
  const esbuild = await import("esbuild");
  const { name, version, peerDependencies } = ownPackage();
  const result = await esbuild.build({
    entryPoints: Object.entries(SCRIPT_ENTRIES).map(([out, src]) => ({
      out,
      in: out === "main" && options.mainScript ? options.mainScript : path.join(PAGE_SOURCE, src),
    })),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outdir: outDir,
    write: false,
    minify: options.minify ?? true,
    legalComments: "linked",
    logLevel: "silent",
    define: { UAPI_PACKAGE_INFO: JSON.stringify({ name, version, peerDependencies }) },
    plugins: [...(options.plugins ?? []), browserModules()],
  });
  const files = new Map<string, string | Uint8Array>();
  for (const f of result.outputFiles) files.set(path.relative(outDir, f.path), f.contents);
  for (const f of STATIC_FILES) files.set(f, readFileSync(path.join(PAGE_SOURCE, f)));
  files.set("index.html", withPolicy(readFileSync(path.join(PAGE_SOURCE, "index.html"), "utf8")));
  if (options.specs) files.set("specs.json", JSON.stringify(options.specs));
  removePreviousBuild(outDir);
  mkdirSync(outDir, { recursive: true });
  for (const [rel, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1)))
    writeFileSync(path.join(outDir, rel), content);
  const written = [...files.keys()].sort();
  if (options.clangDir) {
    mkdirSync(path.join(outDir, CLANG_FOLDER));
    for (const f of readdirSync(options.clangDir).sort()) {
      copyFileSync(path.join(options.clangDir, f), path.join(outDir, CLANG_FOLDER, f));
      written.push(`${CLANG_FOLDER}/${f}`);
    }
  }
  writeFileSync(path.join(outDir, BUILD_MANIFEST), written.join("\n") + "\n");
  return written;
}
