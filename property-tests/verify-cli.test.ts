/*
 * `uapi verify` and its parts: the bundled specs verify on every ABI (or are
 * unverified with a reason), a deliberately wrong ABI row is caught with
 * both values, the compiler table follows abi-facts §1.4, and the two
 * readers (GCC assembly, clang's layout dump) read what compilers print.
 */
import test from "ava";
import type { AbiEntry } from "../spec/abi.js";
import { ABIS, ABI_IDS, abiById } from "../spec/abis.js";
import { main } from "../cli/main.js";
import { bufferIo } from "../cli/io.js";
import { exampleSpecFiles, loadSpecFiles } from "../spec/load.js";
import { compilersFor, COMPILERS } from "../verify/compilers.js";
import { unitsOfModels, verifyLayouts } from "../verify/verify.js";
import { dataReader, setBits } from "../verify/asm-data.js";
import { parseRecordDump } from "../verify/record-dump.js";
import { compileSource } from "../verify/system-cc.js";
import { describeMismatch } from "../cli/commands/verify.js";

test("every ABI has a compiler row; clang never judges m68k, arc, arm OABI or s390 (abi-facts §1.4)", (t) => {
  t.deepEqual(COMPILERS.map((c) => c.abi).sort(), [...ABI_IDS].sort());
  for (const id of ["m68k", "arc", "arm-oabi", "s390"] as const) t.is(compilersFor(id).clang, undefined, id);
  t.deepEqual(compilersFor("csky").clang?.flags, ["-funsigned-char"]);
  t.is(compilersFor("hexagon").clang?.triple, "hexagon-unknown-linux-musl");
  t.is(compilersFor("mipsn32").clang?.triple, "mips64-linux-gnuabin32");
  t.is(compilersFor("x32").clang?.triple, "x86_64-linux-gnux32");
  t.deepEqual(compilersFor("arm-oabi").gcc?.flags, ["-mabi=apcs-gnu"]);
});

test("uapi verify on the bundled specs: every ABI verified or unverified with a reason, zero mismatches", async (t) => {
  const io = bufferIo();
  const code = await main(["verify", "--format", "json"], io);
  t.is(code, 0, io.stderr + io.stdout.slice(0, 2000));
  const report = JSON.parse(io.stdout) as {
    ok: boolean;
    abis: { abi: string; status: string; reason?: string; mismatches: unknown[]; compilers: string[] }[];
  };
  t.true(report.ok);
  t.deepEqual(
    report.abis.map((a) => a.abi),
    [...ABI_IDS],
  );
  for (const a of report.abis) {
    t.deepEqual(a.mismatches, [], a.abi);
    if (a.status === "unverified") t.truthy(a.reason, `${a.abi} unverified without a reason`);
    else t.is(a.status, "verified", `${a.abi}: ${a.status} ${a.reason ?? ""}`);
    t.log(`${a.abi}: ${a.status} ${a.compilers.join(" + ") || a.reason}`);
  }
  // @yowasp/clang alone verifies every ABI whose row has a clang target.
  for (const row of COMPILERS.filter((c) => c.clang))
    t.is(report.abis.find((a) => a.abi === row.abi)!.status, "verified", row.abi);
});

test("uapi verify prints a summary table and exits 0; progress only on a terminal", async (t) => {
  const io = bufferIo();
  t.is(await main(["verify", "--abi", "x86_64,xtensa", "--compiler", "yowasp"], io), 0, io.stderr);
  t.regex(io.stdout, /^ABI\s+result\s+compiler/m);
  t.regex(io.stdout, /^x86_64\s+verified\s+clang 21/m);
  t.regex(io.stdout, /^xtensa\s+unverified\s+-.*no compiler/m);
  // clang alone has no target sysroot: the report says which types it could only take from the table.
  t.regex(io.stdout, /^x86_64\s+verified\s+clang 21.*\btable\b/m);
  t.regex(io.stdout, /typedefs of 2 ABI\(s\) were judged only against the ABI table/);
  t.is(io.stderr, "");
});

test("uapi verify rejects a bad --compiler with exit 2", async (t) => {
  const io = bufferIo();
  t.is(await main(["verify", "--compiler", "tcc"], io), 2);
  t.regex(io.stderr, /--compiler must be one of auto, yowasp, system/);
});

/**
 * A copy of an ABI row with `long long`/`__u64` alignment changed:
 * the engine is then wrong and a compiler must say so.
 */
function wrongRow(id: string, llongAlign: number): AbiEntry {
  const row = abiById(id)!;
  return { ...row, scalars: { ...row.scalars, llong: { ...row.scalars.llong, align: llongAlign } } };
}

test("a wrong ABI row (x86_64 with 4-aligned __u64) is reported as a mismatch with both values (clang)", async (t) => {
  const records = unitsOfModels(loadSpecFiles(exampleSpecFiles()));
  const [v] = await verifyLayouts(records, [wrongRow("x86_64", 4)], { compiler: "yowasp" });
  t.is(v!.status, "mismatch");
  const ms = v!.runs.flatMap((r) => r.mismatches);
  t.true(ms.length > 0);
  for (const m of ms) {
    t.true(Number.isInteger(m.engine) && Number.isInteger(m.compiler), describeMismatch(m));
    t.not(m.engine, m.compiler);
  }
  t.log(ms.slice(0, 3).map(describeMismatch).join("\n"));
});

/*
 * What the GCC tests below need is a compiler proper that turns C into assembly (`-S`), so that is the probe: a
 * driver alone passes `--version` without cc1.  The ABI flags are not probed: a compiler that rejects them must
 * fail a test, not skip it.
 */
const compilesToAssembly = (gcc: string) =>
  compileSource({ compiler: gcc, args: ["-S", "-o", "-"], source: "int x;\n" }).ok;

const crossGcc = compilesToAssembly("m68k-linux-gnu-gcc-12");
const crossGccSkip = crossGcc ? "" : " (skipped: m68k-linux-gnu-gcc-12 -S does not work here; CI installs it: .ci/run)";
const crossGccTitle = "a wrong ABI row (m68k with 4-aligned long long) is reported as a mismatch by GCC";
(crossGcc ? test : test.skip)(`${crossGccTitle}${crossGccSkip}`, async (t) => {
  const records = unitsOfModels(loadSpecFiles(exampleSpecFiles()));
  const [v] = await verifyLayouts(records, [wrongRow("m68k", 4)], { compiler: "system" });
  t.is(v!.status, "mismatch", v!.reason);
  const m = v!.runs[0]!.mismatches[0]!;
  t.true(m.compilerName.startsWith("m68k-linux-gnu-gcc-12"));
  t.true(Number.isInteger(m.compiler) && m.compiler !== m.engine, describeMismatch(m));
});

test("--compiler system never counts clang for m68k; with no GCC an ABI is unverified, never verified", async (t) => {
  const records = unitsOfModels(loadSpecFiles(exampleSpecFiles()));
  const [v] = await verifyLayouts(records, [abiById("m68k")!], { compiler: "yowasp" });
  t.is(v!.status, "unverified");
  t.regex(v!.reason!, /m68k/);
});

const hostGcc = compilesToAssembly("gcc");
const hostGccSkip = hostGcc ? "" : " (skipped: gcc -S does not work here)";
(hostGcc ? test : test.skip)(`the assembly reader decodes GCC's data directives (host gcc)${hostGccSkip}`, (t) => {
  const src = [
    "const unsigned short uapi_cal16 = 0x0102;",
    "const unsigned int uapi_cal32 = 0x01020304;",
    "const unsigned int uapi_values[] = { 7, 65536, 4000000000u };",
    "struct b { char c; unsigned x : 5; unsigned y : 11; } uapi_b = { .y = 2047 };",
    "",
  ].join("\n");
  const r = compileSource({ compiler: "gcc", args: ["-S", "-o", "-"], source: src });
  t.true(r.ok, r.stderr);
  const reader = dataReader(r.stdout, "little");
  t.deepEqual(reader.words32("uapi_values"), [7, 65536, 4000000000]);
  // C's rules on x86-64: c is byte 0; x takes bits 8..12, y the 11 bits after it.
  t.deepEqual(
    setBits(reader.bytes("uapi_b"), "little"),
    Array.from({ length: 11 }, (_, i) => 13 + i),
  );
});

test("the record-dump reader reads clang's nested layout dump", (t) => {
  const dump = `
*** Dumping AST Record Layout
         0 | struct s
         0 |   char c
         8 |   union s::(anonymous at p.c:2:20) 
         8 |     int i
         8 |     struct s::(unnamed at p.c:2:35) st
         8 |       char a
        16 |       long long q
    36:3-7 |   unsigned int a
      40:- |   int 
           | [sizeof=48, align=16]
`;
  const s = parseRecordDump(dump).get("struct s")!;
  t.is(s.size, 48);
  t.is(s.align, 16);
  t.deepEqual(
    s.members.map((m) => m.name),
    ["c", "", "a", ""],
  );
  t.deepEqual(
    s.members[1]!.children[1]!.children.map((m) => [m.name, m.offset]),
    [
      ["a", 8],
      ["q", 16],
    ],
  );
  t.deepEqual([s.members[2]!.bitOffset, s.members[2]!.bits], [36 * 8 + 3, 5]);
  t.deepEqual([s.members[3]!.bitOffset, s.members[3]!.bits], [320, 0]);
});

void ABIS;

/*
 * Regressions found by the long differential run and the default one; each failed before its fix.
 *  - m68k: a bit-field as wide as an integer mode, on that mode's alignment, raises struct alignment (core/layout.ts);
 *  - arm OABI: unnamed bit-fields do not raise alignment in packed structs (spec/abis.ts);
 *  - sparc/sh: GCC spells packed data with .uaword/.uaxword/.ualong (verify/asm-data.ts calibration).
 */
const REGRESSIONS = `
name: regressions
doc: d
interfaces:
  - name: regressions
    doc: d
    header: linux/regressions.h
    structs:
      - name: m68k_mode_bitfield
        doc: d
        fields:
          - { doc: d, type: int, bits: 16 }
      - name: m68k_outer
        doc: d
        fields:
          - { name: f0, type: struct m68k_mode_bitfield }
          - { name: f1, type: int, bits: 32 }
          - { name: f2, type: char }
          - { name: f3, type: int, bits: 16 }
      - name: oabi_packed_zero_width
        doc: d
        packed: true
        fields:
          - { name: a, type: char }
          - { doc: d, type: short, bits: 0 }
          - { name: b, type: char }
      - name: unaligned_packed
        doc: d
        packed: true
        fields:
          - { name: c, type: char }
          - { name: w, type: __u32 }
          - { name: q, type: __u64 }
          - { name: bf, type: __u32, bits: 11 }
          - { name: h, type: __u16 }
`;

const REGRESSION_ABIS = (["m68k", "arm-oabi", "sparc", "sparc64", "sh", "x86_64"] as const).map((id) => abiById(id)!);
/** Why an ABI's GCC cannot run here (each regression is a GCC finding, so its GCC is what the test needs). */
const gccMissing = new Map(
  REGRESSION_ABIS.flatMap((abi) => {
    const gcc = compilersFor(abi.id).gcc;
    if (!gcc) return [[abi.id, "verify/compilers.ts lists no GCC"]];
    if (compilesToAssembly(gcc.command)) return [];
    return [[abi.id, `${gcc.command} -S does not work here (CI installs it: .ci/run)`]];
  }),
);
let regressionVerdicts: ReturnType<typeof verifyLayouts> | undefined;

for (const abi of REGRESSION_ABIS) {
  const why = gccMissing.get(abi.id);
  const title = `regressions verify on ${abi.id} with GCC (and clang where it applies)`;
  (why ? test.skip : test)(`${title}${why ? ` (skipped: ${why})` : ""}`, async (t) => {
    // One verifyLayouts call for every ABI whose GCC is here, shared by their tests.
    regressionVerdicts ??= (async () => {
      const { loadSpecText } = await import("../spec/load.js");
      const records = unitsOfModels([loadSpecText("regressions.yaml", REGRESSIONS)]);
      return verifyLayouts(
        records,
        REGRESSION_ABIS.filter((a) => !gccMissing.has(a.id)),
      );
    })();
    const v = (await regressionVerdicts).find((x) => x.abi === abi.id)!;
    t.deepEqual(v.runs.flatMap((r) => r.mismatches).map(describeMismatch), [], v.abi);
    t.is(v.status, "verified", `${v.abi}: ${v.reason ?? ""}`);
  });
}
