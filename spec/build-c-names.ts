/*
 * `node dist/spec/build-c-names.js`: regenerate spec/c-names-system.ts, the
 * names that the C headers our generated files include already declare.
 * The compiler is asked, not a list copied by hand:
 *   - macros: `gcc -dM -E` of a translation unit with those includes, minus
 *     the compiler's own predefined macros;
 *   - ordinary identifiers (functions, typedefs, variables, enumerators):
 *     every identifier of the preprocessed text is declared once more as a
 *     variable of a fresh struct type; the lines gcc rejects name one;
 *   - tags: likewise, each identifier is defined as a struct tag.
 * Reserved names (`__x`, `_X`) are left out: the lint rejects those anyway.
 * The shim translation unit defines _GNU_SOURCE, the widest set glibc offers.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SPEC_DIR } from "../core/paths.js";
import { C_KEYWORDS, CXX_KEYWORDS } from "./c-names.js";

interface Unit {
  /** What includes these headers. */
  who: string;
  includes: string[];
  defines: string[];
}

const UNITS: Unit[] = [
  { who: "the uapi header", includes: ["linux/ioctl.h", "linux/types.h"], defines: [] },
  { who: "the layout asserts", includes: ["linux/ioctl.h", "linux/types.h", "stddef.h"], defines: [] },
  {
    who: "the syscall shims",
    includes: ["stddef.h", "string.h", "sys/ioctl.h", "sys/uio.h", "linux/ioctl.h", "linux/types.h"],
    defines: ["-D_GNU_SOURCE"],
  },
];

const RESERVED = /^(?:__|_[A-Z])/;
const KEYWORDS = new Set([...C_KEYWORDS, ...CXX_KEYWORDS]);

function gcc(args: string[], dir: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("gcc", args, { cwd: dir, encoding: "utf8", maxBuffer: 256 << 20 });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

function macroNames(text: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const line of text.split("\n")) {
    const m = /^#define ([A-Za-z_][A-Za-z0-9_]*)(\()?/.exec(line);
    if (m) out.set(m[1]!, m[2] !== undefined);
  }
  return out;
}

/** The identifiers on which `probe(name)` (one line each, appended to the unit) makes gcc report an error. */
function rejected(dir: string, unit: Unit, candidates: string[], probe: (name: string) => string): Set<string> {
  const head = unit.includes.map((h) => `#include <${h}>`);
  const text = [...head, ...candidates.map(probe)].join("\n") + "\n";
  writeFileSync(path.join(dir, "probe.c"), text);
  const r = gcc([...unit.defines, "-fsyntax-only", "-fmax-errors=0", "-w", "probe.c"], dir);
  const bad = new Set<string>();
  for (const m of r.stderr.matchAll(/^probe\.c:(\d+):\d+: error/gm)) {
    const i = Number(m[1]) - head.length - 1;
    if (i >= 0 && i < candidates.length) bad.add(candidates[i]!);
  }
  return bad;
}

export interface SystemNames {
  macros: Map<string, { functionLike: boolean; who: Set<string> }>;
  ordinary: Map<string, Set<string>>;
  /** The ordinary identifiers that are typedef names. */
  typedefs: Set<string>;
  tags: Map<string, Set<string>>;
}

export function measureSystemNames(): SystemNames {
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-c-names-"));
  try {
    const out: SystemNames = { macros: new Map(), ordinary: new Map(), typedefs: new Set(), tags: new Map() };
    writeFileSync(path.join(dir, "empty.c"), "");
    for (const unit of UNITS) {
      const predefined = macroNames(gcc([...unit.defines, "-dM", "-E", "empty.c"], dir).stdout);
      writeFileSync(path.join(dir, "unit.c"), unit.includes.map((h) => `#include <${h}>`).join("\n") + "\n");
      for (const [name, fn] of macroNames(gcc([...unit.defines, "-dM", "-E", "unit.c"], dir).stdout)) {
        if (predefined.has(name) || RESERVED.test(name)) continue;
        const e = out.macros.get(name) ?? { functionLike: fn, who: new Set<string>() };
        e.who.add(unit.who);
        out.macros.set(name, e);
      }
      const pre = gcc([...unit.defines, "-E", "-P", "unit.c"], dir).stdout;
      const candidates = [...new Set(pre.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])]
        .filter((n) => !RESERVED.test(n) && !KEYWORDS.has(n) && !out.macros.has(n))
        .sort();
      for (const n of rejected(dir, unit, candidates, (n) => `struct uapi_probe_${n}_ { int m; } ${n};`))
        (out.ordinary.get(n) ?? out.ordinary.set(n, new Set()).get(n)!).add(unit.who);
      // A typedef name declares a pointer here; any other name makes `NAME * p` an expression with an undeclared p.
      const ordinary = candidates.filter((n) => out.ordinary.get(n)?.has(unit.who));
      const notTypes = rejected(
        dir,
        unit,
        ordinary,
        (n) => `void uapi_probe_${n}_(void) { ${n} *uapi_probe_p; (void)uapi_probe_p; }`,
      );
      for (const n of ordinary) if (!notTypes.has(n)) out.typedefs.add(n);
      for (const n of rejected(dir, unit, candidates, (n) => `struct ${n} { int uapi_probe_member_; };`))
        (out.tags.get(n) ?? out.tags.set(n, new Set()).get(n)!).add(unit.who);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function render(names: SystemNames, gccVersion: string): string {
  const lines = [
    "/*",
    " * GENERATED by spec/build-c-names.ts (`node dist/spec/build-c-names.js`); do not edit.",
    ` * Measured with ${gccVersion} and this machine's glibc and kernel headers.`,
    " * Names the headers our generated C includes already declare, with what includes them.",
    " */",
    "",
    "/** Macros: name -> [function-like, who includes the header that defines it]. */",
    "export const SYSTEM_MACROS: ReadonlyMap<string, readonly [boolean, string]> = new Map([",
    ...[...names.macros]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([n, e]) => `  [${JSON.stringify(n)}, [${e.functionLike}, ${JSON.stringify([...e.who].join(", "))}]],`),
    "]);",
    "",
    "/** File-scope ordinary identifiers (functions, typedefs, variables, enumerators): name -> who. */",
    "export const SYSTEM_ORDINARY: ReadonlyMap<string, string> = new Map([",
    ...[...names.ordinary]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([n, w]) => `  [${JSON.stringify(n)}, ${JSON.stringify([...w].join(", "))}],`),
    "]);",
    "",
    "/** The typedef names among SYSTEM_ORDINARY (a shim parameter of that name would hide the type). */",
    "export const SYSTEM_TYPEDEFS: ReadonlySet<string> = new Set([",
    ...[...names.typedefs].sort().map((n) => `  ${JSON.stringify(n)},`),
    "]);",
    "",
    "/** struct/union/enum tags: name -> who. */",
    "export const SYSTEM_TAGS: ReadonlyMap<string, string> = new Map([",
    ...[...names.tags]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([n, w]) => `  [${JSON.stringify(n)}, ${JSON.stringify([...w].join(", "))}],`),
    "]);",
    "",
  ];
  return lines.join("\n");
}

if (
  process.argv[1] &&
  path.resolve(process.argv[1]) === path.resolve(SPEC_DIR, "..", "dist", "spec", "build-c-names.js")
) {
  const version = spawnSync("gcc", ["-dumpfullversion"], { encoding: "utf8" }).stdout.trim();
  const file = path.join(SPEC_DIR, "c-names-system.ts");
  writeFileSync(file, render(measureSystemNames(), `gcc ${version}`));
  console.log(`wrote ${file}`);
}
