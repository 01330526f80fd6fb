/*
 * The live page's pure helpers (web/*.ts beside web/page/): byte maps cut into lines, classes compared with
 * x86_64's, findings grouped, slot rows per syscall class, ABI lists shortened.  Expected values are written
 * by hand from the inputs, or checked as properties of every random input; one test edits a bundled spec the
 * way the page's user would (a 64-bit member made 32-bit before another 64-bit one) and finds the hole.
 */
import test from "ava";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import path from "node:path";

import type { Diagnostic } from "../core/diagnostic.js";
import { SPEC_DIR } from "../core/paths.js";
import type { ByteSegment, StructMap } from "../syscall/report-data.js";
import { abiListText } from "../web/abi-list.js";
import { analyseSpec, generatedFiles } from "../web/analyse.js";
import { byteLines, LINE_BYTES } from "../web/byte-lines.js";
import { countBySeverity } from "../core/diagnostic.js";
import { countsText, groupFindings } from "../web/findings-groups.js";
import { compareWithReference } from "../web/layout-compare.js";
import { slotRows, verdictWords } from "../web/slot-rows.js";

/** Segments tiling `size` bytes in order, as the report lists them (sizes >= 1). */
const arbTiling = fc
  .array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 })
  .map((sizes): { segments: ByteSegment[]; size: number } => {
    let at = 0;
    const segments = sizes.map((size, i): ByteSegment => {
      const s: ByteSegment = { offset: at, size, kind: i % 3 === 2 ? "hole" : "member", name: `m${i}` };
      at += size;
      return s;
    });
    return { segments, size: at };
  });

test("byteLines: every byte of every segment lands on exactly one piece, in its own line's columns", (t) => {
  fc.assert(
    fc.property(arbTiling, fc.constantFrom(8, 16, 32), ({ segments, size }, perLine) => {
      const lines = byteLines(segments, size, perLine);
      t.is(lines.length, Math.ceil(size / perLine));
      const owner: (string | undefined)[] = [];
      for (const line of lines) {
        t.is(line.start % perLine, 0);
        for (const p of line.pieces) {
          t.true(p.from >= 0 && p.from < p.to && p.to <= line.bytes);
          for (let b = line.start + p.from; b < line.start + p.to; b++) {
            t.is(owner[b], undefined);
            owner[b] = p.segment.name;
          }
          t.is(p.first, line.start + p.from === p.segment.offset);
        }
      }
      for (const s of segments) for (let b = s.offset; b < s.offset + s.size; b++) t.is(owner[b], s.name);
    }),
    { numRuns: 200 },
  );
});

test("byteLines: a 12-byte member at 28 is cut at the line end, its second piece not first", (t) => {
  const seg: ByteSegment = { offset: 28, size: 12, kind: "member", name: "x" };
  const lines = byteLines([seg], 40, LINE_BYTES);
  t.deepEqual(
    lines.map((l) => [l.start, l.bytes, l.pieces.map((p) => [p.from, p.to, p.first])]),
    [
      [0, 32, [[28, 32, true]]],
      [32, 8, [[0, 8, false]]],
    ],
  );
});

const cls = (abis: string[], size: number, align: number, members: [string, number, number][]) => ({
  abis: abis as StructMap["classes"][number]["abis"],
  size,
  align,
  segments: members.map(([name, offset, sz]): ByteSegment => ({ offset, size: sz, kind: "member", name })),
});

test("compareWithReference: x86_64's class is the reference wherever it is listed", (t) => {
  const map: StructMap = {
    name: "struct s",
    classes: [
      cls(["i386"], 12, 4, [
        ["a", 0, 4],
        ["b", 4, 8],
      ]),
      cls(["x86_64", "aarch64"], 16, 8, [
        ["a", 0, 4],
        ["b", 8, 8],
      ]),
      cls(["m68k"], 16, 2, [
        ["a", 0, 4],
        ["b", 8, 8],
      ]),
    ],
  };
  const [i386, x86, m68k] = compareWithReference(map);
  t.true(x86!.reference);
  t.deepEqual(x86!.differences, []);
  t.false(i386!.reference);
  t.deepEqual(i386!.differences, ["size 12 (x86_64: 16)", "align 4 (x86_64: 8)", "1 member placed differently"]);
  t.deepEqual([...i386!.placedDifferently], ["b"]);
  t.deepEqual(m68k!.differences, ["align 2 (x86_64: 8)"]);
});

test("compareWithReference: without x86_64 the first class is the reference, named by its first ABI", (t) => {
  const map: StructMap = {
    name: "struct s",
    classes: [cls(["arm"], 8, 4, [["a", 0, 8]]), cls(["i386"], 4, 4, [["b", 0, 4]])],
  };
  const [, other] = compareWithReference(map);
  t.deepEqual(other!.differences, ["size 4 (arm: 8)", "1 member placed differently", "1 member of arm absent"]);
});

test("abiListText: all, short and shortened lists", (t) => {
  t.deepEqual(abiListText(["x86_64", "i386"], 2), { short: "all 2 ABIs", full: "x86_64, i386" });
  t.is(abiListText(["x86_64", "i386"], 35).short, "x86_64, i386");
  t.is(abiListText(["x86_64", "i386", "arm", "m68k", "sh"], 35).short, "x86_64, i386, arm +2");
});

const finding = (severity: Diagnostic["severity"], iface: string, rule: string): Diagnostic => ({
  rule,
  severity,
  interface: iface,
  subject: "s",
  message: "m",
  loc: { file: "f.yaml", line: 1, col: 1 },
  abis: [],
  hint: "",
});

test("groupFindings: errors first, then warnings, then info; interfaces in the order first seen", (t) => {
  const list = [
    finding("info", "b", "r1"),
    finding("warning", "a", "r2"),
    finding("error", "b", "r3"),
    finding("warning", "b", "r4"),
    finding("warning", "a", "r5"),
  ];
  const groups = groupFindings(list);
  t.deepEqual(
    groups.map((g) => [g.severity, g.count, g.interfaces.map((i) => [i.name, i.findings.map((d) => d.rule)])]),
    [
      ["error", 1, [["b", ["r3"]]]],
      [
        "warning",
        3,
        [
          ["a", ["r2", "r5"]],
          ["b", ["r4"]],
        ],
      ],
      ["info", 1, [["b", ["r1"]]]],
    ],
  );
  t.is(countsText(countBySeverity(list)), "1 error, 3 warnings, 1 info");
  t.is(countsText(countBySeverity([])), "no findings");
});

test("slotRows: one row per class, from the group that lists it", (t) => {
  const rows = slotRows(
    [
      { label: "64-bit registers", abis: ["x86_64"] },
      { label: "even pairs", abis: ["arm"] },
      { label: "sh pairs", abis: ["sh"] },
    ],
    [
      { abis: ["x86_64"], classes: ["64-bit registers"], slots: 4, padding: 0, verdict: "fits" },
      { abis: ["arm"], classes: ["even pairs"], slots: 7, padding: 1, verdict: "exceeds" },
    ],
  );
  t.deepEqual(
    rows.map((r) => [r.label, r.slots, r.padding, verdictWords(r.verdict)]),
    [
      ["64-bit registers", 4, 0, "fits"],
      ["even pairs", 7, 1, "over six"],
      ["sh pairs", undefined, undefined, "-"],
    ],
  );
});

test("bus1 edited as on the page: flags made __u32 opens a 4-byte hole at 4 on x86_64, and the finding", (t) => {
  const text = readFileSync(path.join(SPEC_DIR, "bus1.yaml"), "utf8");
  const start = text.indexOf("name: bus1_cmd_handle_transfer");
  const at = text.indexOf("__u64", start);
  const edited = text.slice(0, at) + "__u32" + text.slice(at + 5);
  const a = analyseSpec("bus1.yaml", edited);
  if (!a.ok) return t.fail(a.errors.map((e) => e.message).join("; "));
  const map = a.report.interfaces[0]!.structs.find((s) => s.name === "struct bus1_cmd_handle_transfer")!;
  const x86 = map.classes.find((c) => c.abis.includes("x86_64"))!;
  t.deepEqual(
    x86.segments.filter((s) => s.kind !== "member").map((s) => [s.kind, s.offset, s.size]),
    [["hole", 4, 4]],
  );
  t.true(a.findings.some((d) => d.rule === "padding/hole" && d.subject === "struct bus1_cmd_handle_transfer"));
  // Unedited, the struct has no padding anywhere.
  const before = analyseSpec("bus1.yaml", text);
  if (!before.ok) return t.fail("bus1.yaml does not load");
  const clean = before.report.interfaces[0]!.structs.find((s) => s.name === "struct bus1_cmd_handle_transfer")!;
  t.true(clean.classes.every((c) => c.segments.every((s) => s.kind === "member")));
});

test("generatedFiles: the page's headers and codecs name the spec by its file name", (t) => {
  const a = analyseSpec("mhi-uci.yaml", readFileSync(path.join(SPEC_DIR, "mhi-uci.yaml"), "utf8"));
  if (!a.ok) return t.fail("mhi-uci.yaml does not load");
  const header = generatedFiles(a.model, "header");
  const codec = generatedFiles(a.model, "codec");
  t.deepEqual(
    header.map((f) => [f.kind, f.path]),
    [["header", "include/uapi/linux/mhi_uci.h"]],
  );
  t.regex(header[0]!.content, /from mhi-uci\.yaml/);
  t.true(codec.length > 0 && codec.every((f) => f.kind === "codec" && f.path.startsWith("codecs/")));
});
