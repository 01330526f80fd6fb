/*
 * The layout engine against the measured struct and bit-field facts of
 * abi-facts.md §1.2 and §1.3, on every ABI those tables cover.  Each column
 * header names a probe struct; the probe is written here in the spec
 * language, and the expected numbers are parsed from the table at run time.
 */
import test from "ava";
import { layoutRecord, type RecordLayout } from "../core/layout.js";
import { loadSpecText } from "../spec/load.js";
import { abiById } from "../spec/abis.js";
import type { FieldSpec, StructSpec } from "../spec/types.js";
import { ABI_FACTS, FACT_ROWS, parseNumbers, readReference, tableAfter } from "./reference.js";

const F = (name: string | undefined, type: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  ...(name ? { name } : {}),
  type,
  ...extra,
});

interface Probe {
  /** The column header in abi-facts.md, as printed. */
  column: string;
  struct: Omit<StructSpec, "name" | "doc">;
  /** What the column reports, read from the layout in the order the header lists it. */
  measure(l: RecordLayout): number[];
}

const off = (l: RecordLayout, name: string) => l.members.find((m) => m.field.name === name)!.offset;

const STRUCT_PROBES: Probe[] = [
  {
    column: "`{u32;u64}` off/size/align",
    struct: { fields: [F("a", "__u32"), F("b", "__u64")] },
    measure: (l) => [off(l, "b"), l.size, l.align],
  },
  { column: "`{u64;u32}` size", struct: { fields: [F("a", "__u64"), F("b", "__u32")] }, measure: (l) => [l.size] },
  {
    column: "`{u32; u64 __aligned(8)}` off/size",
    struct: { fields: [F("a", "__u32"), F("b", "__u64", { aligned: 8 })] },
    measure: (l) => [off(l, "b"), l.size],
  },
  {
    column: "packed `{char;u32;u64}` size/align",
    struct: { packed: true, fields: [F("a", "char"), F("b", "__u32"), F("c", "__u64")] },
    measure: (l) => [l.size, l.align],
  },
  {
    column: "packed,aligned(4) `{u32;u64;u8}` size/align",
    struct: { packed: true, aligned: 4, fields: [F("a", "__u32"), F("b", "__u64"), F("c", "__u8")] },
    measure: (l) => [l.size, l.align],
  },
  {
    column: "`{char; u64 l __packed}` off/size/align",
    struct: { fields: [F("c", "char"), F("l", "__u64", { packed: true })] },
    measure: (l) => [off(l, "l"), l.size, l.align],
  },
  { column: "`{char c[3]}` size", struct: { fields: [F("c", "char", { array: 3 })] }, measure: (l) => [l.size] },
  {
    column: "`{char; struct{char}}` off",
    struct: { fields: [F("a", "char"), { name: "s", type: { kind: "struct", fields: [F("c", "char")] } }] },
    measure: (l) => [off(l, "s")],
  },
];

const BITFIELD_PROBES: Probe[] = [
  {
    column: "`{char a:3; int b:5}` size/align",
    struct: { fields: [F("a", "char", { bits: 3 }), F("b", "int", { bits: 5 })] },
    measure: (l) => [l.size, l.align],
  },
  {
    column: "`{char a; int :0; char b}` off(b)/size/align",
    struct: { fields: [F("a", "char"), F(undefined, "int", { bits: 0 }), F("b", "char")] },
    measure: (l) => [off(l, "b"), l.size, l.align],
  },
  {
    column: "`{char a; char :0; char b}` off(b)",
    struct: { fields: [F("a", "char"), F(undefined, "char", { bits: 0 }), F("b", "char")] },
    measure: (l) => [off(l, "b")],
  },
  {
    column: "`{char a; int :4}` size/align",
    struct: { fields: [F("a", "char"), F(undefined, "int", { bits: 4 })] },
    measure: (l) => [l.size, l.align],
  },
  {
    column: "`{char a; int b:8}` size",
    struct: { fields: [F("a", "char"), F("b", "int", { bits: 8 })] },
    measure: (l) => [l.size],
  },
  {
    column: "`{u64 a:1}` size/align",
    struct: { fields: [F("a", "__u64", { bits: 1 })] },
    measure: (l) => [l.size, l.align],
  },
  {
    column: "`{u32 a:30; u32 b:4}` size",
    struct: { fields: [F("a", "__u32", { bits: 30 }), F("b", "__u32", { bits: 4 })] },
    measure: (l) => [l.size],
  },
  {
    column: "`{u32 a; u64 b:40}` size",
    struct: { fields: [F("a", "__u32"), F("b", "__u64", { bits: 40 })] },
    measure: (l) => [l.size],
  },
  {
    column: "`{char a[3]; int b:16; char c}` off(c)",
    struct: { fields: [F("a", "char", { array: 3 }), F("b", "int", { bits: 16 }), F("c", "char")] },
    measure: (l) => [off(l, "c")],
  },
];

function layoutProbe(probe: Probe, abiId: string): RecordLayout {
  const doc = {
    name: "probe",
    doc: "d",
    interfaces: [
      { name: "probe", doc: "d", header: "linux/probe.h", structs: [{ name: "p", doc: "d", ...probe.struct }] },
    ],
  };
  const model = loadSpecText("<probe>", JSON.stringify(doc));
  return layoutRecord(model.interfaces[0]!.records[0]!, abiById(abiId)!);
}

function tableTest(title: string, marker: string, probes: Probe[]) {
  test(title, (t) => {
    const table = tableAfter(readReference(ABI_FACTS), marker);
    let checked = 0;
    for (const probe of probes) {
      const c = table.header.indexOf(probe.column);
      t.true(c >= 0, `column ${probe.column} not in the table: ${table.header.join(" | ")}`);
      for (const row of table.rows) {
        const targets = FACT_ROWS[row[0]!];
        t.truthy(targets, `row "${row[0]}" is not mapped to an ABI id`);
        for (const { id } of targets!) {
          const expected = parseNumbers(row[c]!);
          t.deepEqual(
            probe.measure(layoutProbe(probe, id)),
            expected,
            `${id}: ${probe.column} (table cell "${row[c]}")`,
          );
          checked++;
        }
      }
    }
    t.log(`${checked} facts checked`);
    t.true(checked >= probes.length * 28);
  });
}

tableTest("§1.2 struct, aligned and packed facts hold on every measured ABI", "### 1.2", STRUCT_PROBES);
tableTest("§1.3 bit-field facts hold on every measured ABI", "### 1.3", BITFIELD_PROBES);

test("§1.3 bit order follows the table on every measured ABI", (t) => {
  const table = tableAfter(readReference(ABI_FACTS), "### 1.3");
  const c = table.header.indexOf("bit order");
  for (const row of table.rows) {
    for (const { id } of FACT_ROWS[row[0]!]!) {
      // The table shows MIPS as big-endian; the little-endian twins allocate LSB-first (§0 rule 6).
      const expected =
        id.endsWith("el") && id.startsWith("mips") ? "lsb-first" : row[c] === "LSB-first" ? "lsb-first" : "msb-first";
      t.is(abiById(id)!.bitfields.order, expected, id);
    }
  }
});

test("§1.2 prose facts: aligned struct, over-aligned member, unions, double and pointer tails", (t) => {
  const facts = readReference(ABI_FACTS);
  // The sentence these come from; if it changes, re-read it before trusting the numbers below.
  t.true(facts.includes("`struct __attribute__((aligned(8)))\n{char c;}` is 8/8"));
  t.true(facts.includes("puts\n`x` at 16, size 32"));
  const probe = (struct: Probe["struct"]): Probe => ({ column: "", struct, measure: () => [] });
  const u64Align = new Map([
    ["i386", 4],
    ["arm-oabi", 4],
    ["sh", 4],
    ["arc", 4],
    ["csky", 4],
    ["m68k", 2],
  ]);
  for (const rows of Object.values(FACT_ROWS)) {
    for (const { id } of rows) {
      const a8 = layoutProbe(probe({ aligned: 8, fields: [F("c", "char")] }), id);
      t.deepEqual([a8.size, a8.align], [8, 8], `${id} aligned(8) {char}`);
      const x16 = layoutProbe(probe({ fields: [F("c", "char"), F("x", "int", { aligned: 16 })] }), id);
      t.deepEqual([off(x16, "x"), x16.size], [16, 32], `${id} {char; int x aligned(16)}`);
      const u = layoutProbe(probe({ kind: "union", fields: [F("a", "__u32"), F("b", "__u64")] }), id);
      t.deepEqual([u.size, u.align], [8, u64Align.get(id) ?? 8], `${id} union {u32; u64}`);
      const d = layoutProbe(probe({ fields: [F("a", "__u32"), F("d", "double")] }), id);
      t.is(d.size, u64Align.has(id) ? 12 : 16, `${id} {u32; double}`);
      const p = layoutProbe(probe({ fields: [F("p", "void *"), F("a", "__u32")] }), id);
      t.is(p.size, abiById(id)!.wordBits === 64 ? 16 : 8, `${id} {void *p; u32 a}`);
    }
  }
});
