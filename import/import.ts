/*
 * `uapi import`: C headers -> a spec that `uapi check` accepts.
 *
 * 1. clang preprocesses the headers (every macro, located) and dumps their
 *    AST with each candidate macro's value (import/clang-front.ts);
 * 2. the header's own declarations become structs and enums
 *    (import/ast-to-spec.ts), its macros constants and commands
 *    (import/macros-to-spec.ts), one interface per header;
 * 3. the document is put through the loader's own stages (lint, resolve,
 *    size check); an item they refuse is left out and reported at its
 *    header position, until the whole document loads.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { stringify } from "yaml";
import type { DocPath, Loc, SpecError } from "../core/diagnostic.js";
import { checkRecordSizes, layoutType } from "../core/layout.js";
import { resolveDocument } from "../core/model.js";
import type { AbiEntry, AbiId } from "../spec/abi.js";
import { abiById, ABIS } from "../spec/abis.js";
import { lintDocument, lintModel, nameProblem } from "../spec/lint.js";
import { loadSpecText } from "../spec/load.js";
import type { FieldSpec, InterfaceSpec, SpecDocument, StructSpec } from "../spec/types.js";
import { locateNodes, type AstNode } from "./ast-locations.js";
import { convertInterface, type Origin } from "./ast-to-spec.js";
import { dumpAst, preprocess, resolveHeaders, systemIncludeDirs, UNIT, type HeaderRef } from "./clang-front.js";
import { macroProbeName, probeError, readProbe, type MacroValue } from "./macro-probes.js";
import { parseIocCall, parseMacroDefinitions, type MacroDef } from "./macros.js";
import { convertMacros } from "./macros-to-spec.js";
import { allConditions, enclosingConditions, mergeVariants } from "./merge-abis.js";
import type { ImportOptions, ImportProblem, ImportResult } from "./types.js";

export async function importHeaders(opts: ImportOptions): Promise<ImportResult> {
  const abiIds = [opts.abi, ...(opts.alsoAbis ?? []).filter((a) => a !== opts.abi)];
  const compiles: AbiCompile[] = [];
  // One compile at a time: the WebAssembly clang runs on this thread.
  for (const id of abiIds) compiles.push(await compileFor(opts, id));
  const primary = compiles[0]!;
  const positions = new Map(compiles.flatMap((c) => [...c.fieldPositions]));
  const interfaces =
    compiles.length === 1
      ? primary.interfaces
      : mergeVariants(compiles, (f, scope) => {
          const at = positions.get(f);
          const text = at && readText(at.file);
          if (text === undefined) return undefined;
          return scope === "file" ? allConditions(text) : enclosingConditions(text, at!.offset);
        });
  const { refs, problems, origins, fallbacks } = primary;
  const doc: SpecDocument = {
    name: opts.name ?? identifierOf(refs[0]!.spelling),
    doc:
      `Imported by uapi import from ${refs.map((r) => `<${r.spelling}>`).join(", ")} ` +
      `(${compiles.map((c) => c.abi.id).join(", ")}).`,
    names: "kernel",
    interfaces,
  };
  accept(doc, origins, fallbacks, problems);
  const yaml = stringify(doc, { lineWidth: 0 });
  // The proof that the output is a spec: the loader, as `uapi check` runs it.
  loadSpecText(`${doc.name}.yaml`, yaml);
  return {
    doc,
    yaml,
    headerPositions: headerPositions(doc, origins, primary.fieldPositions),
    problems: problems.map(located(refs)),
    counts: {
      structs: count(interfaces, (i) => (i.structs ?? []).filter((s) => s.kind !== "union" && !s.external).length),
      unions: count(interfaces, (i) => (i.structs ?? []).filter((s) => s.kind === "union" && !s.external).length),
      enums: count(interfaces, (i) => i.enums?.length ?? 0),
      constants: count(interfaces, (i) => i.constants?.length ?? 0),
      commands: count(interfaces, (i) => i.commands?.length ?? 0),
    },
  };
}

/** The headers compiled for one ABI and converted: one interface per header. */
interface AbiCompile {
  abi: AbiEntry;
  refs: HeaderRef[];
  interfaces: InterfaceSpec[];
  problems: ImportProblem[];
  origins: Map<string, Origin | Loc>;
  fallbacks: Map<FieldSpec, FieldSpec["array"]>;
  fieldPositions: Map<FieldSpec, Origin>;
}

const texts = new Map<string, string | undefined>();
/** A header's text, read once per process (positions and kernel-doc are looked up in it). */
function readText(file: string): string | undefined {
  if (!texts.has(file))
    try {
      texts.set(file, readFileSync(file, "utf8"));
    } catch {
      texts.set(file, undefined);
    }
  return texts.get(file);
}

async function compileFor(opts: ImportOptions, abiId: AbiId): Promise<AbiCompile> {
  const abi = abiById(abiId);
  if (!abi) throw new Error(`unknown ABI ${abiId}`);
  const { refs, includeDirs } = resolveHeaders({ headers: opts.headers, includeDirs: opts.includeDirs, abi: abiId });
  const macros = parseMacroDefinitions(await preprocess(refs, includeDirs, abiId));
  const ownFiles = new Set(refs.map((r) => r.path));
  const candidates = macros.filter((m) => ownFiles.has(m.file) && !m.params && m.body !== "");
  const run = await dumpAst(
    refs,
    includeDirs,
    abiId,
    candidates.map((m) => m.name),
  );
  const root = run.ast as AstNode;
  const positions = locateNodes(root);
  const values = macroValues(root, candidates, run.diagnostics, run.probeLine);
  const searchDirs = [...includeDirs, ...systemIncludeDirs(abiId)];
  const spelling = (file: string) => {
    const dir = searchDirs.find((d) => file.startsWith(`${d}/`));
    return dir ? relative(dir, file) : file;
  };
  const constantNames = new Set(candidates.filter((m) => typeof values.get(m.name) === "object").map((m) => m.name));

  const problems: ImportProblem[] = [];
  const origins = new Map<string, Origin | Loc>();
  const fallbacks = new Map<FieldSpec, FieldSpec["array"]>();
  const fieldPositions = new Map<FieldSpec, Origin>();
  const interfaces: InterfaceSpec[] = refs.map((ref) => {
    const own = new Set([ref.path]);
    const mine = macros.filter((m) => m.file === ref.path);
    const argTags = mine.flatMap((m) => {
      const t = parseIocCall(m.body)?.args[2]?.trim().replace(/\s+/g, " ");
      return t && /^(struct|union) \w+$/.test(t) ? [t] : [];
    });
    const converted = convertInterface({ root, positions, text: readText, spelling, constantNames }, own, argTags);
    const sizes = structSizes(converted.structs, abi);
    const fromMacros = convertMacros(mine, own, values, converted.structs, (n) => sizes.get(n), abi, readText);
    problems.push(...converted.problems, ...fromMacros.problems);
    converted.evaluatedArrays.forEach((v, k) => fallbacks.set(k, v));
    converted.fieldPositions.forEach((v, k) => fieldPositions.set(k, v));
    const name = identifierOf(ref.spelling);
    for (const [k, v] of converted.origins) origins.set(`${name}:${k}`, v);
    for (const [k, v] of fromMacros.origins) origins.set(`${name}:${k}`, v);
    return {
      name,
      doc: `Imported from <${ref.spelling}>.`,
      header: ref.spelling,
      ...(fromMacros.constants.length ? { constants: fromMacros.constants } : {}),
      ...(converted.enums.length ? { enums: converted.enums } : {}),
      ...(converted.structs.length ? { structs: converted.structs } : {}),
      ...(fromMacros.commands.length ? { commands: fromMacros.commands } : {}),
    };
  });
  return { abi, refs, interfaces, problems, origins, fallbacks, fieldPositions };
}

const count = (ifcs: InterfaceSpec[], f: (i: InterfaceSpec) => number) => ifcs.reduce((n, i) => n + f(i), 0);

/** A spec identifier from an include path: `linux/iio/buffer.h` -> `iio_buffer`. */
export function identifierOf(spelling: string): string {
  const stem = spelling.replace(/\.h$/, "").replace(/^linux\//, "");
  const id =
    stem
      .replace(/[^A-Za-z0-9_]/g, "_")
      .replace(/^_+/, "")
      .replace(/^(\d)/, "h$1") || "imported";
  // `linux/const.h` is no name for a spec: a keyword, a predefined macro (`linux/unix.h`) take a suffix.
  return nameProblem(id, "macro") ? `${id}_h` : id;
}

/** Positions in the translation unit's own text are the macro's; the rest stay as clang reported them. */
function located(refs: HeaderRef[]) {
  return (p: ImportProblem): ImportProblem =>
    p.loc.file === UNIT ? { ...p, loc: { ...p.loc, file: refs[0]!.spelling } } : p;
}

/** Each candidate macro's value from its probe declaration, or the compiler's reason it has none. */
function macroValues(
  root: AstNode,
  candidates: MacroDef[],
  diagnostics: { file: string; line: number; severity: string; message: string }[],
  probeLine: (i: number) => number,
): Map<string, MacroValue | string> {
  const values = new Map<string, MacroValue | string>();
  const errorsAt = new Map<number, string>();
  for (const d of diagnostics)
    if (d.file === UNIT && d.severity.endsWith("error") && !errorsAt.has(d.line))
      errorsAt.set(d.line, probeError(d.message));
  const probes = new Map<string, string>();
  for (const d of root.inner ?? [])
    if (d.kind === "VarDecl" && d.name) probes.set(d.name, (d.type as { qualType?: string })?.qualType ?? "");
  candidates.forEach((m, i) => {
    const error = errorsAt.get(probeLine(i));
    const probed = error ?? readProbe(probes.get(macroProbeName(i)) ?? "");
    if (probed !== undefined) values.set(m.name, probed);
  });
  return values;
}

function structSizes(structs: StructSpec[], abi: AbiEntry): Map<string, number> {
  const sizes = new Map<string, number>();
  const doc: SpecDocument = {
    name: "sizes",
    doc: "",
    interfaces: [{ name: "sizes", doc: "", header: "x.h", structs }],
  };
  const resolved = resolveDocument("sizes", doc, () => ({ file: "", line: 1, col: 1 }));
  for (const r of resolved.model?.interfaces[0]?.records ?? [])
    try {
      sizes.set(r.tag!, layoutType({ kind: "record", record: r }, abi).size);
    } catch {
      // a record too large for an ABI has no size to match commands by
    }
  return sizes;
}

/* --------------------------------------------------------- acceptance */

const PATH_FILE = "\0path:";
const pathLocate = (p: DocPath): Loc => ({ file: PATH_FILE + JSON.stringify(p), line: 1, col: 1 });
const pathOf = (e: SpecError): DocPath | undefined =>
  e.loc.file.startsWith(PATH_FILE) ? (JSON.parse(e.loc.file.slice(PATH_FILE.length)) as DocPath) : undefined;

const SECTIONS = ["structs", "enums", "constants", "commands"] as const;
type Section = (typeof SECTIONS)[number];

/**
 * Put the document through the loader's stages until it passes: each error names a path; an array length written
 * as an expression falls back to the numbers clang computed, anything else leaves out the item the path is in.
 */
function accept(
  doc: SpecDocument,
  origins: Map<string, Origin | Loc>,
  fallbacks: Map<FieldSpec, FieldSpec["array"]>,
  problems: ImportProblem[],
): void {
  for (let round = 0; round < 1000; round++) {
    const errors = stageErrors(doc);
    if (!errors.length) return;
    const drops = new Map<string, { i: number; section: Section; j: number; e: SpecError }>();
    for (const e of errors) {
      const path = pathOf(e);
      if (!path || path[0] !== "interfaces" || !SECTIONS.includes(path[2] as Section)) {
        throw new Error(`internal error: the imported spec is refused as a whole: ${e.message}`);
      }
      const field = arrayField(doc, path);
      if (field && fallbacks.has(field)) {
        field.array = fallbacks.get(field)!;
        fallbacks.delete(field);
        continue;
      }
      const [, i, section, j] = path as [string, number, Section, number];
      const key = `${i}/${section}/${j}`;
      if (!drops.has(key)) drops.set(key, { i, section, j, e });
    }
    // Remove from the end so earlier indices stay valid.
    for (const { i, section, j, e } of [...drops.values()].sort((a, b) => b.j - a.j)) {
      const ifc = doc.interfaces[i]!;
      const list = ifc[section] as { name: string }[];
      const item = list[j]!;
      const what = section === "structs" ? `${(item as StructSpec).kind ?? "struct"} ${item.name}` : item.name;
      const at = origins.get(`${ifc.name}:${section === "enums" ? `enum ${item.name}` : item.name}`);
      problems.push({
        loc: at ? { file: at.file, line: at.line, col: at.col } : { file: ifc.header, line: 1, col: 1 },
        severity: "warning",
        message: `${what} is not imported: ${e.message}`,
        ...(e.hint ? { hint: e.hint } : {}),
      });
      list.splice(j, 1);
      if (!list.length) delete ifc[section];
    }
  }
  throw new Error("internal error: the imported spec did not settle");
}

function stageErrors(doc: SpecDocument): SpecError[] {
  const lint = lintDocument(doc, pathLocate);
  if (lint.length) return lint;
  const resolved = resolveDocument("import", doc, pathLocate);
  if (!resolved.model) return resolved.errors;
  const sizes = checkRecordSizes(resolved.model, ABIS);
  if (sizes.length) return sizes;
  return lintModel(resolved.model);
}

/** The field a path ending in `array` points at, if any. */
function arrayField(doc: SpecDocument, path: DocPath): FieldSpec | undefined {
  const i = path.lastIndexOf("array");
  if (i < 0) return undefined;
  let node: unknown = doc;
  for (const key of path.slice(0, i)) node = (node as Record<string | number, unknown>)?.[key];
  return node && typeof node === "object" && "type" in node ? (node as FieldSpec) : undefined;
}

/**
 * Each item of the imported spec mapped to where the header declares it, keyed by its path in the
 * document joined with '/' ("interfaces/0/structs/2/fields/1"): a diff of headers points at header lines.
 */
function headerPositions(
  doc: SpecDocument,
  origins: ReadonlyMap<string, Origin | Loc>,
  fields: ReadonlyMap<FieldSpec, Origin>,
): Map<string, Loc> {
  const out = new Map<string, Loc>();
  const put = (path: (string | number)[], at: Origin | Loc | undefined) => {
    if (at) out.set(path.join("/"), { file: at.file, line: at.line, col: at.col });
  };
  const walkFields = (fs: readonly FieldSpec[], path: (string | number)[]) =>
    fs.forEach((f, k) => {
      put([...path, k], fields.get(f));
      if (typeof f.type === "object") walkFields(f.type.fields, [...path, k, "type", "fields"]);
    });
  doc.interfaces.forEach((ifc, i) => {
    const at = (key: string) => origins.get(`${ifc.name}:${key}`);
    (ifc.structs ?? []).forEach((s, j) => {
      put(["interfaces", i, "structs", j], at(s.name));
      walkFields(s.fields, ["interfaces", i, "structs", j, "fields"]);
    });
    (ifc.enums ?? []).forEach((e, j) => put(["interfaces", i, "enums", j], at(`enum ${e.name}`)));
    (ifc.constants ?? []).forEach((c, j) => put(["interfaces", i, "constants", j], at(c.name)));
    (ifc.commands ?? []).forEach((c, j) => put(["interfaces", i, "commands", j], at(c.name)));
  });
  return out;
}
