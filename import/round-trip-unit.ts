/*
 * One round-trip translation unit: the original headers, then the headers generated from their
 * specs with every name prefixed (generators/header.ts, the text `uapi generate` writes but for
 * the prefix), then one `_Static_assert` per comparison, each on a line of its own so a
 * compiler's diagnostic names the comparison by its line.  Pure; all C through core/c-writer.ts.
 */
import type { AbiEntry } from "../spec/abi.js";
import type { InterfaceModel, SpecModel } from "../core/model.js";
import { cInteger, includeLine, lineComment, toolName } from "../core/c-writer.js";
import { renderHeader } from "../generators/header.js";
import { CALIBRATION_SOURCE } from "../verify/asm-data.js";
import type { Limit } from "../verify/compilers.js";
import { assertLine, interfaceComparisons, type Comparison } from "./round-trip-compare.js";

/** The prefix of every generated name: `__uapi_` names are the tool's own, so no spec or kernel name has it. */
export const PREFIX = toolName("rt_");

/** Where the generated headers live, below the folder passed with -I. */
const GENERATED_DIR = toolName("rt");

/** The translation unit's file name. */
export const UNIT_FILE = `${toolName("rt")}.c`;

/** The label of the values array in the measuring unit's assembly. */
export const VALUES = toolName("rt_values");

/** One original header and the spec interfaces that describe it. */
export interface UnitItem {
  /** The original, as included ("linux/iio/buffer.h"). */
  original: string;
  model: SpecModel;
  interfaces: readonly InterfaceModel[];
  /** Records the original names only by a typedef of an untagged record (`typedef struct {...} x;`). */
  typedefNamed?: ReadonlySet<string>;
}

export interface Unit {
  source: string;
  /** The generated headers, by path below the -I folder. */
  generated: Record<string, string>;
  /** The comparison asserted on each line (1-based). */
  asserts: Map<number, Comparison>;
  /** The item each assert line belongs to. */
  assertItems: Map<number, number>;
  /** Which item each line's #include of an original (or of a generated header) belongs to. */
  originalLines: Map<number, number>;
  generatedLines: Map<number, number>;
  /** Which item each generated header path belongs to. */
  generatedItems: Map<string, number>;
}

export interface UnitOptions {
  limits?: readonly Limit[];
}

const rendered = new WeakMap<InterfaceModel, string>();

/** The header generated from one interface, prefixed (the same on every ABI, so rendered once). */
function generatedText(model: SpecModel, ifc: InterfaceModel): string {
  let text = rendered.get(ifc);
  if (text === undefined) {
    text = renderHeader(model, ifc, { prefix: PREFIX });
    assertAllPrefixed(text, ifc);
    rendered.set(ifc, text);
  }
  return text;
}

/** The generated header of each interface of each item, with its path below the -I folder. */
function generatedHeaders(items: readonly UnitItem[]): { path: string; text: string; item: number }[] {
  return items.flatMap((it, i) =>
    it.interfaces.map((ifc, j) => ({
      path: `${GENERATED_DIR}/${i}.${j}/${ifc.spec.header}`,
      text: generatedText(it.model, ifc),
      item: i,
    })),
  );
}

/**
 * The generator's prefix must reach every name the header defines, or the two sets of
 * declarations would not be independent; a name it missed is an internal error, not a result.
 */
function assertAllPrefixed(text: string, ifc: InterfaceModel): void {
  const guard = `_UAPI_${PREFIX.toUpperCase()}`;
  const code = text.replace(/\/\*[\s\S]*?\*\//g, " ");
  const names = [
    ...[...code.matchAll(/^#\s*define\s+([A-Za-z_]\w*)/gm)].map((m) => m[1]!),
    ...[...code.matchAll(/\b(?:struct|union|enum)\s+([A-Za-z_]\w*)\s*\{/g)].map((m) => m[1]!),
  ];
  const bare = names.filter((n) => !n.startsWith(PREFIX) && !n.startsWith(guard));
  if (bare.length)
    throw new Error(`internal error: the header generated for ${ifc.spec.name} defines ${bare.join(", ")} unprefixed`);
}

/** Build the unit of `items` on `abi`. */
export function buildUnit(items: readonly UnitItem[], abi: AbiEntry, opts: UnitOptions = {}): Unit {
  const lines: string[] = [];
  const asserts = new Map<number, Comparison>();
  const assertItems = new Map<number, number>();
  const originalLines = new Map<number, number>();
  const generatedLines = new Map<number, number>();
  const push = (text: string) => lines.push(text);
  push(lineComment(`uapi round trip on ${abi.id}: ${items.length} original header(s) and their specs`));
  items.forEach((it, i) => {
    push(includeLine(it.original));
    originalLines.set(lines.length, i);
  });
  const generated = generatedHeaders(items);
  for (const g of generated) {
    push(includeLine(g.path));
    generatedLines.set(lines.length, g.item);
  }
  items.forEach((it, i) => {
    for (const ifc of it.interfaces)
      for (const c of interfaceComparisons(it.original, ifc, abi, {
        prefix: PREFIX,
        limits: opts.limits,
        typedefNamed: it.typedefNamed,
      })) {
        push(assertLine(c));
        asserts.set(lines.length, c);
        assertItems.set(lines.length, i);
      }
  });
  push("");
  return {
    source: lines.join("\n"),
    generated: Object.fromEntries(generated.map((g) => [g.path, g.text])),
    asserts,
    assertItems,
    originalLines,
    generatedLines,
    generatedItems: new Map(generated.map((g) => [g.path, g.item])),
  };
}

/**
 * A unit that measures instead of asserting: the same includes, then both sides of each given
 * comparison as `long long` data a GCC `-S` run leaves in the assembly (verify/asm-data.ts).
 */
export function measuringSource(unit: Unit, comparisons: readonly Comparison[]): string {
  const includes = unit.source.split("\n").filter((l) => l.startsWith("#include"));
  const values = comparisons.flatMap((c) => [`\t(long long)${c.original},`, `\t(long long)(${c.other}),`]);
  return [
    lineComment("uapi round trip: the values of the comparisons that failed"),
    ...includes,
    CALIBRATION_SOURCE,
    `const long long ${VALUES}[] = {`,
    ...values,
    `\t${cInteger(0)}`,
    "};",
    "",
  ].join("\n");
}
