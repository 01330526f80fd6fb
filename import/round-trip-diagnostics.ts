/*
 * Reading a compiler's diagnostics on a round-trip unit: which comparisons failed, with the
 * values clang states ("expression evaluates to '8 == 4'"), and which original or generated
 * header failed to compile, through the include chain both GCC and clang print.  Pure.
 */
import type { Comparison } from "./round-trip-compare.js";
import { UNIT_FILE, type Unit } from "./round-trip-unit.js";

export interface Diag {
  file: string;
  line: number;
  severity: "error" | "fatal error" | "warning" | "note";
  message: string;
  /** The unit's line the diagnostic's file was included from (directly or not), if it was. */
  fromUnitLine?: number;
}

const INCLUDED = /^(?:In file included from|\s+from) (.+?):(\d+)[:,]$/;
const LOCATED = /^(.+?):(\d+):(?:\d+:)? (fatal error|error|warning|note): (.*)$/;
const UNLOCATED = /^(?:[\w.+-]+: )?(fatal error|error): (.*)$/;

const isUnit = (file: string) => file === UNIT_FILE || file.endsWith(`/${UNIT_FILE}`);

/** Every diagnostic of a GCC or clang run (`-fno-caret-diagnostics` for clang), with its include chain. */
export function parseDiagnostics(stderr: string): Diag[] {
  const out: Diag[] = [];
  let chain: number | undefined;
  for (const line of stderr.split("\n")) {
    const inc = INCLUDED.exec(line);
    if (inc) {
      if (isUnit(inc[1]!)) chain = Number(inc[2]);
      continue;
    }
    const d = LOCATED.exec(line);
    if (d) {
      const [, file, no, severity, message] = d as unknown as [string, string, string, Diag["severity"], string];
      out.push({ file, line: Number(no), severity, message, fromUnitLine: isUnit(file) ? undefined : chain });
      chain = undefined;
      continue;
    }
    const u = UNLOCATED.exec(line);
    if (u) out.push({ file: "", line: 0, severity: u[1] as Diag["severity"], message: u[2]! });
  }
  return out;
}

export interface FailedComparison {
  comparison: Comparison;
  /** The unit's line that asserts it. */
  line: number;
  /** The compiler rejected the assert (a difference), or could not evaluate it (the message says why). */
  kind: "differs" | "not comparable";
  message: string;
  /** Both sides as the compiler stated or measured them, when known. */
  original?: bigint;
  other?: bigint;
}

export interface ItemFailure {
  item: number;
  side: "original" | "generated";
  message: string;
  /** A header the compiler could not find ("asm/sigcontext.h"). */
  missing?: string;
}

export interface UnitVerdict {
  failed: FailedComparison[];
  items: ItemFailure[];
  /** Errors the unit's layout does not explain (a broken unit or runner). */
  other: string[];
}

const ASSERT_FAILED = /static assert(?:ion)? failed/i;
const EVALUATES = /expression evaluates to '(.+?) == (.+?)'/;
/** clang states no values when both sides are literals; its requirement text then shows them. */
const REQUIREMENT = /due to requirement '\(*(-?\d\w*)\)* == \(*(-?\d\w*)\)*'/;
const NOT_FOUND = /^'?([^':]+?)'?(?::)? (?:file not found|No such file or directory)/;

/** A C integer as clang prints it ("24", "-1", "3221775616U", "18446744073709551615ULL", "true"). */
function cValue(text: string): bigint | undefined {
  const t = text.trim();
  if (t === "true") return 1n;
  if (t === "false") return 0n;
  const m = /^(-)?(0x[0-9a-f]+|\d+)[uUlL]*$/i.exec(t);
  if (!m) return undefined;
  const n = BigInt(m[2]!);
  return m[1] ? -n : n;
}

/** Sort the diagnostics of one run on `unit` into failed comparisons and failed headers. */
export function judgeUnit(unit: Unit, diags: readonly Diag[]): UnitVerdict {
  const failed = new Map<number, FailedComparison>();
  const items = new Map<string, ItemFailure>();
  const other: string[] = [];
  const itemFailure = (f: ItemFailure) => {
    const key = `${f.item}|${f.side}`;
    if (!items.has(key)) items.set(key, f);
  };
  const generatedItem = (file: string) => {
    for (const [p, i] of unit.generatedItems) if (file.endsWith(`/${p}`) || file === p) return i;
    return undefined;
  };
  for (const d of diags) {
    if (d.severity === "warning") continue;
    const missing = d.severity === "fatal error" || d.severity === "error" ? NOT_FOUND.exec(d.message)?.[1] : undefined;
    if (isUnit(d.file)) {
      const c = unit.asserts.get(d.line);
      if (c) {
        const prior = failed.get(d.line);
        if (d.severity === "note") {
          const v = EVALUATES.exec(d.message);
          if (prior && v) {
            prior.original = cValue(v[1]!);
            prior.other = cValue(v[2]!);
          }
        } else if (!prior) {
          const differs = ASSERT_FAILED.test(d.message);
          const f: FailedComparison = {
            comparison: c,
            line: d.line,
            kind: differs ? "differs" : "not comparable",
            message: d.message,
          };
          const literal = REQUIREMENT.exec(d.message);
          if (differs && literal) {
            f.original = cValue(literal[1]!);
            f.other = cValue(literal[2]!);
          }
          failed.set(d.line, f);
        }
        continue;
      }
      if (d.severity === "note") continue;
      const orig = unit.originalLines.get(d.line);
      const gen = unit.generatedLines.get(d.line);
      if (orig !== undefined) itemFailure({ item: orig, side: "original", message: d.message, missing });
      else if (gen !== undefined) itemFailure({ item: gen, side: "generated", message: d.message, missing });
      else other.push(`${d.file}:${d.line}: ${d.message}`);
      continue;
    }
    if (d.severity === "note") continue;
    const gen = generatedItem(d.file);
    const message = `${d.file.replace(/^.*?\/(?=__uapi_rt\/)/, "")}:${d.line}: ${d.message}`;
    if (gen !== undefined) {
      itemFailure({ item: gen, side: "generated", message, missing });
      continue;
    }
    const from = d.fromUnitLine;
    const orig = from === undefined ? undefined : unit.originalLines.get(from);
    const genFrom = from === undefined ? undefined : unit.generatedLines.get(from);
    if (orig !== undefined) itemFailure({ item: orig, side: "original", message, missing });
    else if (genFrom !== undefined) itemFailure({ item: genFrom, side: "generated", message, missing });
    else other.push(d.file ? message : d.message);
  }
  return { failed: [...failed.values()], items: [...items.values()], other };
}
