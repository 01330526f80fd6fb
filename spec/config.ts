/*
 * The project configuration: found by walking up from the working directory
 * to the first folder that has `uapi.config.json` or a package.json with a
 * `uapi` key, validated like a spec (positions and advice), and resolved to
 * absolute paths.  A command that names no spec runs on the configured ones;
 * with no configuration it runs on nothing (cli/project.ts says what to do).
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { SpecInputError, type DocPath, type SpecError } from "../core/diagnostic.js";
import type { AbiId } from "./abi.js";
import { ABIS } from "./abis.js";
import type { ProjectConfig } from "./config-types.js";
import { displayPath, specFilesIn } from "./load.js";
import { readCapped } from "./read-capped.js";
import { parseSource, type ParsedSource } from "./source.js";
import { validateConfig } from "./validate.js";

export { CONFIG_FILE_NAME, findProjectConfig, PACKAGE_KEY } from "./config-find.js";
import { CONFIG_FILE_NAME, MAX_CONFIG_BYTES, PACKAGE_KEY } from "./config-find.js";

/** A configuration with every path absolute; what it leaves out, each command defaults. */
export interface Project {
  /** The file it was read from: uapi.config.json, or a package.json. */
  file: string;
  /** The folder its paths are relative to. */
  dir: string;
  specs: string[];
  out: string;
  /** Undefined: every ABI. */
  abis?: AbiId[];
  failOn?: ProjectConfig["failOn"];
  runtime?: ProjectConfig["runtime"];
  codecs?: ProjectConfig["codecs"];
}

/** Read, validate and resolve one configuration file; bad content is a SpecInputError with positions. */
export function loadProjectConfig(file: string): Project {
  const shown = displayPath(file);
  const inPackage = path.basename(file) === "package.json";
  const fail = (errors: SpecError[]): never => {
    throw new SpecInputError(errors);
  };
  let bytes: Buffer | undefined;
  try {
    bytes = readCapped(file, MAX_CONFIG_BYTES);
  } catch (e) {
    return fail([
      {
        loc: { file: shown, line: 1, col: 1 },
        message: `cannot read: ${(e as Error).message}`,
        hint: "check the path and its permissions",
      },
    ]);
  }
  if (!bytes)
    return fail([
      { loc: { file: shown, line: 1, col: 1 }, message: "larger than 1 MiB", hint: "a configuration is a few lines" },
    ]);
  const parsed = parseSource(shown, bytes.toString("utf8"));
  if (!parsed.source) return fail(parsed.errors);
  const source = inPackage ? packageSection(parsed.source) : parsed.source;
  const dir = path.dirname(file);
  if (inPackage && existsSync(path.join(dir, CONFIG_FILE_NAME)))
    fail([
      {
        loc: source.locate([]),
        message: `both ${CONFIG_FILE_NAME} and this '${PACKAGE_KEY}' key configure uapi in this folder`,
        hint: `keep one of them`,
      },
    ]);
  const { doc, errors } = validateConfig(source);
  if (!doc) return fail(errors);
  const specs = resolveSpecs(doc.specs, dir, source);
  if (specs.errors.length) fail(specs.errors);
  if (doc.out !== undefined && doc.out.trim() === "")
    fail([
      {
        loc: source.locate(["out"]),
        message: "'out' is empty",
        hint: 'name a folder, e.g. "out" (an empty one would write into the project folder itself)',
      },
    ]);
  const abis = doc.abis && !doc.abis.includes("all") ? ABIS.filter((a) => doc.abis!.includes(a.id)) : undefined;
  return {
    file,
    dir,
    specs: specs.files,
    out: path.resolve(dir, doc.out ?? "out"),
    ...(abis ? { abis: abis.map((a) => a.id) } : {}),
    ...(doc.failOn ? { failOn: doc.failOn } : {}),
    ...(doc.runtime ? { runtime: doc.runtime } : {}),
    ...(doc.codecs ? { codecs: doc.codecs } : {}),
  };
}

/** The `uapi` key of a package.json, seen as a document of its own (positions still point into package.json). */
function packageSection(source: ParsedSource): ParsedSource {
  const value = (source.value as Record<string, unknown>)[PACKAGE_KEY];
  return { file: source.file, value, locate: (p: DocPath) => source.locate([PACKAGE_KEY, ...p]) };
}

/** Each entry as absolute files: a file as itself, a folder as its spec files; a missing path is a located error. */
function resolveSpecs(
  entries: readonly string[],
  dir: string,
  source: ParsedSource,
): { files: string[]; errors: SpecError[] } {
  const files: string[] = [];
  const errors: SpecError[] = [];
  entries.forEach((entry, i) => {
    const full = path.resolve(dir, entry);
    const at = source.locate(["specs", i]);
    let isDir: boolean;
    try {
      isDir = statSync(full).isDirectory();
    } catch {
      errors.push({
        loc: at,
        message: `no such spec: ${entry}`,
        hint: `fix the path (relative to the folder of ${displayPath(source.file)}), or remove the entry`,
      });
      return;
    }
    const found = isDir ? specFilesIn(full) : [full];
    if (found.length === 0)
      errors.push({
        loc: at,
        message: `${entry} holds no .yaml or .yml file`,
        hint: "name spec files or a folder of them",
      });
    for (const f of found) if (!files.includes(f)) files.push(f);
  });
  return { files, errors };
}
