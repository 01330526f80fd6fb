/*
 * Does every file `uapi generate` writes for a model still parse where it is
 * used?  Shared by hostile-names.test.ts and loader-fuzz.test.ts.  The judges
 * are the real tools, never the code under test:
 *   - each uapi header: gcc -std=c90 -pedantic and -std=c11, and g++, with -Wall -Wextra -Werror;
 *   - each layout-asserts file: gcc -std=c11 (its own contract);
 *   - each syscall shim header: gcc -std=c11 -pedantic -Wall -Wextra -Werror;
 *   - the hypothetical kernel side (not meant to compile): gcc's comment
 *     stripping must accept it (no comment ends early, none is unterminated);
 *   - each codec module: the TypeScript parser (its .ts and .mjs), then one
 *     type-check of all collected .ts, .d.ts and .d.mts modules against the real
 *     runtime (typecheckCodecs);
 *   - every text file: no control, bidi or invisible character; the HTML
 *     report: no markup that the spec could have injected.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import type { SpecModel } from "../core/model.js";
import { REPO_ROOT } from "../core/paths.js";
import { headerIncludeDir, headerOutputPath } from "../generators/header.js";
import { RUNTIME_IMPORT } from "../generators/codec-runtime.js";
import { GENERATORS } from "../generators/index.js";
import { produceFiles } from "../generators/write-out.js";
import { scratchDir, writeTree } from "./header-support.js";

export const WARN = ["-Wall", "-Wextra", "-Werror"];

export function haveCompilers(): boolean {
  const ok = (p: string) => spawnSync(p, ["--version"], { encoding: "utf8" }).status === 0;
  return ok("gcc") && ok("g++");
}

function run(program: string, args: string[], cwd: string): { ok: boolean; output: string } {
  const r = spawnSync(program, args, { cwd, encoding: "utf8", maxBuffer: 64 << 20 });
  return {
    ok: r.status === 0,
    output: `${program} ${args.join(" ")}\n${r.stderr ?? ""}${r.error ? String(r.error) : ""}`,
  };
}

/** Characters that no generated text file may hold (tab and newline are fine). */
const BAD_CHAR = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;

export interface ArtefactResult {
  problems: string[];
  /** Codec modules by output path, for typecheckCodecs. */
  codecs: Map<string, string>;
  files: number;
}

/** Generate every artefact of `model` and judge each one; `problems` is empty when all pass. */
export function checkArtefacts(model: SpecModel, tag = "fuzz"): ArtefactResult {
  const problems: string[] = [];
  let files;
  try {
    files = produceFiles([model], GENERATORS);
  } catch (e) {
    return { problems: [`a generator threw: ${(e as Error).stack ?? e}`], codecs: new Map(), files: 0 };
  }
  const dir = scratchDir(tag);
  writeTree(dir, files);
  const codecs = new Map<string, string>();
  for (const f of files) {
    const lines = f.content.split("\n");
    const bad = lines.findIndex((l) => BAD_CHAR.test(l.replace(/\t/g, "")));
    if (bad >= 0)
      problems.push(
        `${f.path}:${bad + 1}: holds a control, bidi or invisible character: ${JSON.stringify(lines[bad])}`,
      );
    if (
      f.path.endsWith(".html") &&
      /<(?:script|iframe|img|object|embed|style(?!>))\b|\son\w+=/i.test(f.content.replace(/<style>[^]*?<\/style>/, ""))
    )
      problems.push(`${f.path}: holds markup from the spec`);
    // Declaration files are judged by typecheckCodecs alone; TypeScript and JavaScript modules are parsed here too.
    if (f.path.startsWith("codecs/") && /\.(ts|d\.mts)$/.test(f.path)) codecs.set(f.path, f.content);
    if (f.path.startsWith("codecs/") && /(?<!\.d)\.(ts|mjs)$/.test(f.path)) {
      const out = ts.transpileModule(f.content, {
        fileName: f.path,
        reportDiagnostics: true,
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      });
      for (const d of out.diagnostics ?? [])
        problems.push(`${f.path}: TypeScript: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    }
  }
  const have = new Set(files.map((f) => f.path));
  for (const ifc of model.interfaces) {
    const inc = ["-I", headerIncludeDir(ifc)];
    const hdr = headerOutputPath(ifc);
    if (!have.has(hdr)) {
      problems.push(`no header ${hdr}`);
      continue;
    }
    const tu = `tu-${ifc.spec.name}`;
    writeFileSync(path.join(dir, `${tu}.c`), `#include <${ifc.spec.header}>\n`);
    writeFileSync(path.join(dir, `${tu}.cc`), `#include <${ifc.spec.header}>\n`);
    const judged = [
      run("gcc", ["-std=c90", "-pedantic", ...WARN, "-fsyntax-only", ...inc, `${tu}.c`], dir),
      run("gcc", ["-std=c11", ...WARN, "-fsyntax-only", ...inc, `${tu}.c`], dir),
      run("g++", ["-pedantic", ...WARN, "-fsyntax-only", ...inc, `${tu}.cc`], dir),
    ];
    const asserts = `asserts/${ifc.spec.name}.c`;
    if (have.has(asserts)) judged.push(run("gcc", ["-std=c11", ...WARN, "-fsyntax-only", ...inc, asserts], dir));
    const shim = `shims/${ifc.spec.name}-syscall.h`;
    if (have.has(shim)) {
      writeFileSync(path.join(dir, `${tu}-shim.c`), `#include "${shim}"\n`);
      judged.push(
        run("gcc", ["-std=c11", "-pedantic", ...WARN, "-fsyntax-only", "-I", ".", ...inc, `${tu}-shim.c`], dir),
      );
    }
    const kernel = `shims/${ifc.spec.name}-syscalls.c`;
    if (have.has(kernel)) {
      const r = run("gcc", ["-fpreprocessed", "-E", ...WARN, "-o", "/dev/null", kernel], dir);
      judged.push(r);
      const text = readFileSync(path.join(dir, kernel), "utf8");
      if (/^\s*#\s*include/m.test(text)) problems.push(`${kernel}: holds an #include`);
    }
    for (const j of judged) if (!j.ok) problems.push(j.output);
  }
  return { problems, codecs, files: files.length };
}

/**
 * TypeScript diagnostics that say a name is wrong -- syntax, redeclared or
 * duplicate names, a name used before its declaration, a shadowed global
 * (not generic, not constructable, a type used as a value) -- as opposed to
 * the typing of a codec body.
 */
export const NAME_DIAGNOSTICS = (code: number) =>
  code < 2000 ||
  [
    2300, 2304, 2308, 2315, 2323, 2349, 2351, 2395, 2440, 2448, 2449, 2450, 2451, 2454, 2484, 2552, 2693, 2717, 2749,
  ].includes(code);

/**
 * Type-check generated codec modules against the repository's runtime/
 * sources (each module imports the runtime by package name, which is mapped
 * to runtime/index.ts here).  Modules are given as virtual files keyed
 * `<run>/codecs/<name>.ts` (or `.d.mts`, `.d.ts`); returns the diagnostics.
 */
export function typecheckCodecs(modules: Map<string, string>, only?: (code: number) => boolean): string[] {
  const root = "/virtual-uapi-out";
  const virtual = new Map<string, string>();
  for (const [p, text] of modules) virtual.set(path.posix.join(root, p), text);
  // Not strict: this judges names (redeclarations, shadowed globals, use before declaration), which every mode reports;
  // strictness of the bodies is the codec tests' business.
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: false,
    noEmit: true,
    // Check the generated .d.ts files, not the standard library's.
    skipLibCheck: false,
    skipDefaultLibCheck: true,
    types: [],
    // The virtual folder has no package.json to resolve the package's own name by.
    paths: { [RUNTIME_IMPORT]: [path.join(REPO_ROOT, "runtime", "index.ts")] },
  };
  const host = ts.createCompilerHost(options);
  const base = {
    fileExists: host.fileExists.bind(host),
    readFile: host.readFile.bind(host),
    getSourceFile: host.getSourceFile.bind(host),
  };
  host.fileExists = (f) => virtual.has(f) || base.fileExists(f);
  host.readFile = (f) => virtual.get(f) ?? base.readFile(f);
  host.getSourceFile = (f, lang, onError, create) => {
    const text = virtual.get(f);
    if (text !== undefined) return ts.createSourceFile(f, text, lang, true);
    return base.getSourceFile(f, lang, onError, create);
  };
  host.directoryExists = (d) => d === root || d.startsWith(`${root}/`) || ts.sys.directoryExists(d);
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && virtual.has(d.file.fileName) && (!only || only(d.code)))
    .map((d) => {
      const file = d.file!.fileName.slice(root.length + 1);
      const line = d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line + 1;
      return `${file}:${line}: TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
}
