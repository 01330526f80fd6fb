/*
 * Self-check of spec/abis.ts against the research note.  Expected values are
 * parsed at run time from ../shared/reference/abi-facts.md (§1.1 tables)
 * and abi-probe/measured.tsv -- never copied from abis.ts.
 */

import test from "ava";
import { existsSync, readFileSync } from "node:fs";

import { ABIS, ABI_IDS, abiById } from "../spec/abis.js";
import { ABI_FACTS, FACT_ROWS, MEASURED_TSV, col, parseSA, tableAfter } from "./reference.js";
import type { AbiEntry, AbiId, ScalarClass, SizeAlign } from "../spec/abi.js";

const FACTS = ABI_FACTS;
const MEASURED = MEASURED_TSV;

const ALL_IDS: readonly AbiId[] = [
  "x86_64",
  "i386",
  "x32",
  "arm",
  "armeb",
  "arm-oabi",
  "aarch64",
  "aarch64_be",
  "mips",
  "mipsel",
  "mipsn32",
  "mipsn32el",
  "mips64",
  "mips64el",
  "ppc",
  "ppc64",
  "ppc64le",
  "s390",
  "s390x",
  "sparc",
  "sparc64",
  "riscv32",
  "riscv64",
  "m68k",
  "loongarch64",
  "csky",
  "alpha",
  "parisc",
  "sh",
  "arc",
  "hexagon",
  "xtensa",
  "microblaze",
  "openrisc",
  "nios2",
];

function parseSigned(cell: string): boolean {
  const w = cell.split(/\s+/)[0];
  if (w === "signed") return true;
  if (w === "unsigned") return false;
  throw new Error(`not a char signedness cell: ${cell}`);
}

function parseEndian(cell: string): "little" | "big" | undefined {
  if (/^LE\b/.test(cell)) return "little";
  if (/^BE\b/.test(cell)) return "big";
  return undefined; // e.g. xtensa "per core config"
}

function mustAbi(id: AbiId): AbiEntry {
  const a = abiById(id);
  if (!a) throw new Error(`no ABI row for ${id}`);
  return a;
}

/** What the table says the probe `enum {0, 1}` occupies (short enums shrink it to 1 byte). */
function probeEnum(a: AbiEntry): SizeAlign {
  return a.shortEnums ? { size: 1, align: 1 } : a.scalars.enum;
}

const MEASURED_ROWS = FACT_ROWS;

/** Source-only table; `null` = row deliberately not an ABI of ours. */
const SOURCE_ROWS: Readonly<Record<string, AbiId | null>> = {
  microblaze: "microblaze",
  "openrisc (or1k)": "openrisc",
  nios2: "nios2",
  xtensa: "xtensa",
  "aarch64 ILP32": null, // "never merged into mainline Linux"
};

const md = readFileSync(FACTS, "utf8");

/* ---------------- tests ---------------- */

test("every ABI id is present, in order, and unique", (t) => {
  t.deepEqual([...ABI_IDS], [...ALL_IDS]);
  t.deepEqual(
    ABIS.map((a) => a.id),
    [...ALL_IDS],
  );
  t.is(new Set(ABIS.map((a) => a.id)).size, ABIS.length);
  for (const id of ALL_IDS) t.is(abiById(id)?.id, id);
  t.is(abiById("vax"), undefined);
});

test("§1.1 measured scalar table agrees with ABIS", (t) => {
  const tab = tableAfter(md, "### 1.1");
  const c = {
    abi: col(tab, "ABI"),
    endian: col(tab, "endian"),
    char: col(tab, "char"),
    long: col(tab, "long"),
    ptr: col(tab, "ptr"),
    int: col(tab, "int"),
    llong: col(tab, "long long, __u64"),
    double: col(tab, "double"),
    ldouble: col(tab, "long double"),
    enum: col(tab, "enum"),
    minStruct: col(tab, "min struct size/align"),
  };
  const sizeCols: [ScalarClass, number][] = [
    ["long", c.long],
    ["ptr", c.ptr],
    ["int", c.int],
    ["llong", c.llong],
    ["double", c.double],
    ["ldouble", c.ldouble],
  ];
  const seen = new Set<AbiId>();
  t.true(tab.rows.length >= 28, `parsed only ${tab.rows.length} rows`);
  for (const row of tab.rows) {
    const title = row[c.abi]!;
    const targets = MEASURED_ROWS[title];
    t.truthy(targets, `§1.1 row "${title}" is not mapped to an ABI id in this test`);
    if (!targets) continue;
    for (const { id, endianOverride } of targets) {
      seen.add(id);
      const a = mustAbi(id);
      const expEndian = endianOverride ?? parseEndian(row[c.endian]!);
      t.is<string | undefined, string | undefined>(a.endian, expEndian, `${id} endian`);
      t.is(a.charSigned, parseSigned(row[c.char]!), `${id} char signedness`);
      for (const [cls, i] of sizeCols) t.deepEqual(a.scalars[cls], parseSA(row[i]!), `${id} ${cls}`);
      t.deepEqual(probeEnum(a), parseSA(row[c.enum]!), `${id} enum {0,1}`);
      const ms = parseSA(row[c.minStruct]!);
      t.is(a.structSizeGranule, ms.size, `${id} struct{char} size granule`);
      t.is(a.minStructAlign, ms.align, `${id} min struct align`);
      t.is<number, number>(a.wordBits, a.scalars.ptr.size * 8, `${id} wordBits`);
    }
  }
  // The measured table covers all ids except the four source-only ABIs.
  for (const id of ALL_IDS) {
    if (!["xtensa", "microblaze", "openrisc", "nios2"].includes(id)) t.true(seen.has(id), `${id} not covered by §1.1`);
  }
});

test("§1.1 source-only table agrees with ABIS", (t) => {
  const tab = tableAfter(md, "**ABIs with no compiler available here");
  const c = {
    abi: col(tab, "ABI"),
    endian: col(tab, "endian"),
    char: col(tab, "char"),
    longPtr: col(tab, "long/ptr"),
    eight: col(tab, "long long, double (size/align)"),
    ldouble: col(tab, "long double"),
    bitfields: col(tab, "bit-fields"),
  };
  let mapped = 0;
  for (const row of tab.rows) {
    const title = row[c.abi]!;
    t.true(title in SOURCE_ROWS, `source-only row "${title}" is not mapped in this test`);
    const id = SOURCE_ROWS[title];
    if (!id) continue;
    mapped++;
    const a = mustAbi(id);
    const endian = parseEndian(row[c.endian]!);
    if (endian) t.is(a.endian, endian, `${id} endian`);
    t.is(a.charSigned, parseSigned(row[c.char]!), `${id} char`);
    const lp = parseSA(row[c.longPtr]!);
    t.deepEqual(a.scalars.long, lp, `${id} long`);
    t.deepEqual(a.scalars.ptr, lp, `${id} ptr`);
    const eight = parseSA(row[c.eight]!);
    t.deepEqual(a.scalars.llong, eight, `${id} long long`);
    t.deepEqual(a.scalars.double, eight, `${id} double`);
    t.is(a.scalars.ldouble.size, Number(/^\d+/.exec(row[c.ldouble]!)?.[0]), `${id} long double size`);
    // Alignment of long double is not stated; GCC caps it like the other 8-byte types.
    t.is(a.scalars.ldouble.align, Math.min(a.scalars.ldouble.size, eight.align), `${id} long double align`);
    if (/type.matters|TYPE_MATTERS 1/i.test(row[c.bitfields]!)) t.true(a.bitfields.typeMatters, `${id} typeMatters`);
  }
  t.is(mapped, 4);
});

/* measured.tsv: rows = probes, columns = ABI/compiler.  Column chosen per id:
 * GCC where clang is documented as wrong (§1.4) or where it is the only compiler. */
const TSV_COLUMN: Readonly<Partial<Record<AbiId, string>>> = {
  x86_64: "x86_64/gcc",
  i386: "i386/gcc",
  x32: "x32/gcc",
  arm: "arm_eabi/gcc",
  armeb: "armeb_eabi/clang",
  "arm-oabi": "arm_oabi/gcc",
  aarch64: "aarch64/clang",
  aarch64_be: "aarch64_be/clang",
  mips: "mips_o32/clang",
  mipsel: "mipsel_o32/clang",
  mipsn32: "mips_n32/clang",
  mipsn32el: "mipsel_n32/clang",
  mips64: "mips_n64/clang",
  mips64el: "mipsel_n64/clang",
  ppc: "ppc32/gcc",
  ppc64: "ppc64/clang",
  ppc64le: "ppc64le/clang",
  s390: "s390/gcc",
  s390x: "s390x/gcc",
  sparc: "sparc/gcc",
  sparc64: "sparc64/gcc",
  riscv32: "riscv32/clang",
  riscv64: "riscv64/clang",
  m68k: "m68k/gcc",
  loongarch64: "loongarch64/clang",
  csky: "csky/clang",
  alpha: "alpha/gcc",
  parisc: "hppa/gcc",
  sh: "sh4/gcc",
  arc: "arc/gcc",
  hexagon: "hexagon/clang",
};

test("measured.tsv probes agree with ABIS", (t) => {
  const lines = readFileSync(MEASURED, "utf8")
    .split("\n")
    .filter((l) => l.length > 0);
  const header = lines[0]!.split("\t");
  const probes = new Map(
    lines.slice(1).map((l) => {
      const cells = l.split("\t");
      return [cells[0]!, cells] as const;
    }),
  );
  const probe = (name: string, ci: number): number => {
    const r = probes.get(name);
    if (!r) throw new Error(`probe ${name} missing from measured.tsv`);
    return Number(r[ci]);
  };
  const scalarProbes: [ScalarClass, string][] = [
    ["char", "char"],
    ["short", "short"],
    ["int", "int"],
    ["long", "long"],
    ["llong", "llong"],
    ["llong", "u64"],
    ["ptr", "ptr"],
    ["float", "float"],
    ["double", "double"],
    ["ldouble", "ldouble"],
  ];
  for (const a of ABIS) {
    const colName = TSV_COLUMN[a.id];
    if (!colName) continue; // source-only ABIs
    const ci = header.indexOf(colName);
    t.true(ci > 0, `measured.tsv has no column ${colName}`);
    if (ci <= 0) continue;
    for (const [cls, p] of scalarProbes) {
      t.deepEqual(
        a.scalars[cls],
        { size: probe(`size_${p}`, ci), align: probe(`inst_${p}`, ci) },
        `${a.id} ${p} (${colName})`,
      );
    }
    t.deepEqual(
      probeEnum(a),
      { size: probe("size_penum", ci), align: probe("inst_penum", ci) },
      `${a.id} enum (${colName})`,
    );
    t.is(a.scalars.bool.size, probe("size_bool", ci), `${a.id} bool`);
    t.is(a.charSigned, probe("char_signed", ci) === 1, `${a.id} char_signed`);
    t.is(a.endian, probe("big_endian", ci) === 1 ? "big" : "little", `${a.id} big_endian`);
    t.is(a.structSizeGranule, probe("size_char1", ci), `${a.id} struct{char} size`);
    t.is(a.minStructAlign, probe("align_char1", ci), `${a.id} struct{char} align`);
  }
});

test("internal consistency: byte order drives bit order and pair half order", (t) => {
  for (const a of ABIS) {
    t.is(a.bitfields.order, a.endian === "big" ? "msb-first" : "lsb-first", `${a.id} bit order`);
    t.is(a.syscall.halfOrder, a.endian === "big" ? "hi-lo" : "lo-hi", `${a.id} half order`);
    t.true(a.syscall.maxSlots >= a.syscall.slots, `${a.id} maxSlots`);
    if (a.wordBits === 64) t.is(a.syscall.pairs, "one-register", `${a.id} 64-bit pairs`);
    t.is(a.scalars.time_t.align <= a.scalars.time_t.size, true, `${a.id} time_t`);
    t.true(a.source.length > 0 && a.syscall.source.length > 0, `${a.id} sources`);
  }
});

/*
 * The typedef facts cite the header line they follow: `[package: ]path:line `spelling``.  Where that header is
 * installed here (the kernel's uapi headers under /usr/include, a Debian sysroot under /usr/<triple>/include),
 * the cited line is read and must declare that typedef with that spelling, so a citation cannot drift from the
 * header it names.  (The figures themselves are the compilers' business: libc-typedefs.test.ts.)
 */
const CITATION = /^(?:[\w.+-]+: )?(\S+):(\d+) `([^`]+)`$/;

/** The file a citation names, as installed here: include/uapi/... is what linux-libc-dev puts in /usr/include. */
const installedPath = (cited: string): string =>
  cited.startsWith("include/uapi/") ? `/usr/include/${cited.slice("include/uapi/".length)}` : cited;

const citations = new Map<string, { name: string; file: string; line: number; written: string; abis: string[] }>();
for (const a of ABIS) {
  for (const [name, fact] of Object.entries(a.typedefs.facts)) {
    const m = CITATION.exec(fact.source);
    if (!m) continue;
    const key = `${name} ${fact.source}`;
    const seen = citations.get(key);
    if (seen) seen.abis.push(a.id);
    else citations.set(key, { name, file: installedPath(m[1]!), line: Number(m[2]), written: m[3]!, abis: [a.id] });
  }
}
const readable = [...citations.values()].filter((c) => c.file.startsWith("/") && existsSync(c.file));
const unreadable = [...new Set([...citations.values()].filter((c) => !readable.includes(c)).map((c) => c.file))];

(readable.length ? test : test.skip)(
  `every cited typedef line is that line of the installed header (${readable.length} citations; ` +
    `not installed here: ${unreadable.join(", ") || "none"})`,
  (t) => {
    const words = (s: string) => s.trim().split(/\s+/).join(" ");
    for (const c of readable) {
      const text = words(readFileSync(c.file, "utf8").split("\n")[c.line - 1] ?? "").replace(/\s*\/\*.*$/, "");
      const what = `${c.abis.join(",")} ${c.name}: ${c.file}:${c.line} says '${text}'`;
      if (text.startsWith("#define")) t.true(text.includes(words(c.written)), what);
      else t.is(text, `typedef ${words(c.written)} ${c.name};`, what);
    }
  },
);
