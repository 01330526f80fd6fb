/*
 * The importer's front end: the bundled clang (WebAssembly) compiles a
 * translation unit that includes the headers, twice.
 *
 * - `-E -dD` lists every macro with the file and line that defines it;
 * - `-ast-dump=json` gives the declarations, and the value of every candidate
 *   macro: each becomes a declaration whose type spells its value and C type
 *   (import/macro-probes.ts).  A macro that is no integer constant is an error
 *   at its own line of the translation unit, and the dump is still written.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { AbiId } from "../spec/abi.js";
import { compilersFor } from "../verify/compilers.js";
import { runYowaspCompile } from "../verify/backends.js";
import { includeDirTree, mountAt, UAPI_INCLUDE_SUBDIRS, type FileTree } from "../verify/clang-files.js";
import { sysrootFor } from "../verify/sysroots.js";
import { macroProbe } from "./macro-probes.js";

/** Where the kernel uapi headers of the machine are (Debian's linux-libc-dev). */
export const SYSTEM_INCLUDE = "/usr/include";

export interface FrontEndInput {
  headers: string[];
  includeDirs: string[];
  abi: AbiId;
}

/** One header as the translation unit includes it, and where its text is on disk. */
export interface HeaderRef {
  /** As written in `#include <...>`. */
  spelling: string;
  /** The path clang reports for it (its virtual path, which is also its path on disk). */
  path: string;
}

/** A compiler diagnostic, located. */
export interface ClangDiagnostic {
  file: string;
  line: number;
  col: number;
  severity: "error" | "warning" | "note" | "fatal error";
  message: string;
}

export class FrontEndError extends Error {
  constructor(
    message: string,
    readonly diagnostics: ClangDiagnostic[] = [],
  ) {
    super(message);
    this.name = "FrontEndError";
  }
}

/** The translation unit's name in the virtual file system. */
export const UNIT = "/uapi-import/unit.c";

/**
 * Host folders are mounted below this one: the WebAssembly clang keeps its own resource headers at /usr, which a
 * mount at /usr/include would hide.  Paths in clang's output are mapped back to the host's.
 */
const HOST = "/host";
const onHost = (dir: string) => HOST + dir;
const fromHost = (text: string) => text.split(HOST + "/").join("/");

/** Resolve header arguments: an existing file is included through its -I directory (or its own folder). */
export function resolveHeaders(input: FrontEndInput): { refs: HeaderRef[]; includeDirs: string[] } {
  const includeDirs = input.includeDirs.map((d) => resolve(d));
  const refs = input.headers.map((h) => {
    if (existsSync(h) && statSync(h).isFile()) {
      const file = resolve(h);
      const under = includeDirs.find((d) => file.startsWith(d + sep));
      if (under) return { spelling: relative(under, file).split(sep).join("/"), path: file };
      const dir = dirname(file);
      if (!includeDirs.includes(dir)) includeDirs.push(dir);
      return { spelling: relative(dir, file), path: file };
    }
    if (isAbsolute(h)) throw new FrontEndError(`${h}: no such header file`);
    const found = [...includeDirs, ...systemIncludeDirs(input.abi)].find((d) => existsSync(`${d}/${h}`));
    if (!found) throw new FrontEndError(`${h}: not found in ${[...includeDirs, SYSTEM_INCLUDE].join(", ")}`);
    return { spelling: h, path: `${found}/${h}` };
  });
  return { refs, includeDirs };
}

/** The system directories searched for an ABI: the host's for x86_64, the Debian cross sysroot's for the others. */
export function systemIncludeDirs(abi: AbiId): string[] {
  if (abi === "x86_64") return [`${SYSTEM_INCLUDE}/x86_64-linux-gnu`, SYSTEM_INCLUDE];
  return [...(sysrootFor(abi)?.includeDirs ?? []), SYSTEM_INCLUDE];
}

function fileSystem(includeDirs: string[], abi: AbiId, unit: string): FileTree {
  const root: FileTree = {};
  for (const dir of systemIncludeDirs(abi).reverse()) {
    if (!existsSync(dir)) continue;
    mountAt(root, onHost(dir), includeDirTree(dir, dir === SYSTEM_INCLUDE ? UAPI_INCLUDE_SUBDIRS : undefined));
  }
  for (const dir of includeDirs) mountAt(root, onHost(dir), includeDirTree(dir));
  mountAt(root, dirname(UNIT), { [UNIT.split("/").pop()!]: unit });
  return root;
}

function clangArgs(abi: AbiId, includeDirs: string[]): string[] {
  const target = compilersFor(abi).clang;
  if (!target) throw new FrontEndError(`clang has no target for ABI ${abi}; import for another ABI`);
  const search = [
    ...includeDirs.flatMap((d) => ["-I", onHost(d)]),
    ...systemIncludeDirs(abi).flatMap((d) => ["-isystem", onHost(d)]),
  ];
  return [
    `--target=${target.triple}`,
    ...target.flags,
    "-nostdlibinc",
    ...search,
    "-std=gnu11",
    "-ferror-limit=0",
    "-fno-caret-diagnostics",
    "-fno-color-diagnostics",
    "-Wno-everything",
  ];
}

const DIAGNOSTIC = /^(.*?):(\d+):(\d+): (error|warning|note|fatal error): (.*)$/;

export function parseDiagnostics(stderr: string): ClangDiagnostic[] {
  return stderr.split("\n").flatMap((line) => {
    const m = DIAGNOSTIC.exec(line);
    return m
      ? [{ file: m[1]!, line: +m[2]!, col: +m[3]!, severity: m[4] as ClangDiagnostic["severity"], message: m[5]! }]
      : [];
  });
}

const includeLines = (refs: HeaderRef[]) => refs.map((r) => `#include <${r.spelling}>\n`).join("");

/** Pass 1: the preprocessor's view, with every macro definition (`-dD`) and line markers. */
export async function preprocess(refs: HeaderRef[], includeDirs: string[], abi: AbiId): Promise<string> {
  const unit = includeLines(refs);
  const run = await runYowaspCompile(
    [...clangArgs(abi, includeDirs), "-E", "-dD", UNIT],
    fileSystem(includeDirs, abi, unit),
  );
  const errors = parseDiagnostics(fromHost(run.stderr)).filter((d) => d.severity.endsWith("error"));
  if (run.exitCode !== 0 || errors.length) throw new FrontEndError(`the headers do not preprocess for ${abi}`, errors);
  return fromHost(run.stdout);
}

export interface AstRun {
  ast: unknown;
  /** Diagnostics, with the translation unit's own lines mapped to the macro probed there. */
  diagnostics: ClangDiagnostic[];
  /** Line of the translation unit where macro probe i sits. */
  probeLine: (i: number) => number;
}

/** Pass 2: the JSON AST of the headers plus one probe declaration per candidate macro. */
export async function dumpAst(
  refs: HeaderRef[],
  includeDirs: string[],
  abi: AbiId,
  macroNames: readonly string[],
): Promise<AstRun> {
  const head = includeLines(refs);
  const firstProbeLine = refs.length + 1;
  const probes = macroNames.map((name, i) => `${macroProbe(name, i)}\n`).join("");
  // Function bodies (static inline helpers) say nothing about layout and would fill most of the dump.
  const dump = ["-fsyntax-only", "-Xclang", "-ast-dump=json", "-Xclang", "-skip-function-bodies"];
  const args = [...clangArgs(abi, includeDirs), ...dump, UNIT];
  const run = await runYowaspCompile(args, fileSystem(includeDirs, abi, head + probes));
  const diagnostics = parseDiagnostics(fromHost(run.stderr));
  const fatal = diagnostics.filter((d) => d.severity.endsWith("error") && d.file !== UNIT);
  if (fatal.length) throw new FrontEndError(`the headers do not compile for ${abi}`, fatal);
  if (!run.stdout.trim()) throw new FrontEndError(`clang wrote no AST for ${abi}`, diagnostics);
  return { ast: JSON.parse(fromHost(run.stdout)), diagnostics, probeLine: (i) => firstProbeLine + i };
}
