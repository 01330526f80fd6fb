/*
 * `uapi import`: what it reads from a header, what it refuses and where, and the IIO headers against the spec
 * written by hand.  Expectations come from the C text of the fixtures (written for these tests) and from gcc,
 * which judges every size and offset the engine gives the imported spec.
 */
import test, { type ExecutionContext } from "ava";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { layoutRecord } from "../core/layout.js";
import { parseInteger } from "../core/model.js";
import { commandNumber } from "../core/ioctl-numbers.js";
import type { RecordType } from "../core/model.js";
import { importHeaders } from "../import/import.js";
import { abiById } from "../spec/abis.js";
import { loadSpecFile, loadSpecText } from "../spec/load.js";
import type { FieldSpec, InlineComposite, SpecDocument, StructSpec } from "../spec/types.js";
import { yowaspInstalled } from "../verify/backends.js";
import { sysrootFor } from "../verify/sysroots.js";
import { enclosingConditions, separatingCondition } from "../import/merge-abis.js";
import { stringify } from "yaml";
import fc from "fast-check";
import { cc, have, M32_ISYSTEM, scratchDir, writeTree } from "./header-support.js";
import { spawnSync } from "node:child_process";

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.join(here, "..", "..", "property-tests", "fixtures", "import");
const CONSTRUCTS = path.join(FIXTURES, "constructs.h");
const REPO = path.join(here, "..", "..");
const X86_64 = abiById("x86_64")!;
const CLI = path.join(REPO, "dist", "cli", "main.js");

function runCli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const clangMissing = (await yowaspInstalled()) ? undefined : "@yowasp/clang is not installed";
const headersMissing = existsSync("/usr/include/linux/types.h")
  ? undefined
  : "no kernel headers in /usr/include (Debian's linux-libc-dev)";
const why = clangMissing ?? headersMissing;
const t$ = (title: string, fn: (t: ExecutionContext) => Promise<void> | void) =>
  (why ? test.skip : test)(`${title}${why ? ` (skipped: ${why})` : ""}`, fn);
const gccWhy = have("gcc") ? undefined : "gcc is not installed";

let constructs: ReturnType<typeof importHeaders> | undefined;
const importConstructs = () =>
  (constructs ??= importHeaders({ headers: [CONSTRUCTS], includeDirs: [], abi: "x86_64" }));

const struct = (doc: SpecDocument, name: string): StructSpec => {
  const s = doc.interfaces.flatMap((i) => i.structs ?? []).find((x) => x.name === name);
  if (!s) throw new Error(`struct ${name} was not imported`);
  return s;
};
const field = (fields: FieldSpec[], name: string) => fields.find((f) => f.name === name);

t$("every construct of the fixture header is read as the C text says", async (t) => {
  const { doc, problems } = await importConstructs();
  const bits = struct(doc, "fix_bits");
  t.deepEqual(
    bits.fields.map((f) => [f.name ?? null, f.type, f.bits ?? null]),
    [
      ["lo", "__u8", 4],
      ["hi", "__u8", 4],
      [null, "__u32", 0],
      ["word", "__u32", null],
    ],
  );
  t.is(bits.doc, "bit-fields and an unnamed member");
  t.is(field(bits.fields, "word")?.doc, "a whole word after a zero-width bit-field");

  const all = struct(doc, "fix_all");
  t.is(field(all.fields, "name")?.array, "FIX_NAME_LEN", "a length written with a constant keeps it");
  t.deepEqual(field(all.fields, "grid")?.array, [2, 3]);
  t.is(field(all.fields, "tail")?.array, 0);
  t.is(field(all.fields, "label")?.type, "const char *");
  t.is(field(all.fields, "opaque")?.type, "struct fix_opaque *");
  t.is(field(all.fields, "callback")?.type, "void *");
  t.is(field(all.fields, "odd")?.aligned, 8);
  const anonymous = all.fields.find((f) => f.name === undefined)!.type as InlineComposite;
  t.is(anonymous.kind, "union");
  t.deepEqual(
    anonymous.fields.map((f) => f.name),
    ["as_u32", "as_bytes"],
  );
  const inner = field(all.fields, "inner")!.type as InlineComposite;
  t.deepEqual(
    inner.fields.map((f) => [f.name, f.type]),
    [
      ["x", "__s32"],
      ["y", "__s32"],
    ],
  );
  t.true(struct(doc, "fix_packed").packed);
  t.deepEqual(
    struct(doc, "fix_versioned").fields.map((f) => f.type),
    ["struct fix_version_t", "__u32"],
    "a typedef of an anonymous struct names the struct",
  );

  const ifc = doc.interfaces[0]!;
  t.deepEqual(
    ifc.enums?.[0]?.values.map((v) => [v.name, v.value]),
    [
      ["FIX_IDLE", 0],
      ["FIX_RUNNING", 5],
      ["FIX_STOPPED", 6],
    ],
  );
  t.deepEqual(
    ifc.commands?.map((c) => [c.name, c.magic, c.nr, c.dir, c.arg ?? null]),
    [
      ["FIX_IOC_GET", "FIX_MAGIC", 1, "read", "struct fix_all"],
      ["FIX_IOC_SET", "F", 2, "write", "struct fix_packed"],
      ["FIX_IOC_RESET", "F", 3, "none", null],
      ["FIX_IOC_BITS", "F", 4, "readwrite", "struct fix_bits"],
    ],
  );
  const constants = new Map(ifc.constants?.map((c) => [c.name, c.value]));
  t.is(constants.get("FIX_NAME_LEN"), 16);
  t.true(constants.has("FIX_FLAGS_ALL"));
  t.false(constants.has("FIX_STRING"));

  // Left out, each at its own line of the header.
  const lines = readFileSync(CONSTRUCTS, "utf8").split("\n");
  const lineOf = (text: string) => lines.findIndex((l) => l.includes(text)) + 1;
  const at = (needle: string, line: number) =>
    problems.some((p) => p.message.includes(needle) && p.loc.line === line && p.loc.file === CONSTRUCTS);
  t.true(at("FIX_STRING", lineOf("#define FIX_STRING")), "a string macro is reported where it is defined");
  t.true(at("FIX_TYPE", lineOf("#define FIX_TYPE")), "a type macro is reported where it is defined");
  t.true(at("FIX_SHIFT", lineOf("#define FIX_SHIFT")), "a function-like macro is reported where it is defined");
  t.true(at("callback", lineOf("(*callback)")), "a function pointer is reported at the member");
});

const fixtureGccWhy = why ?? gccWhy;
(fixtureGccWhy ? test.skip : test)(
  "gcc agrees with every size, alignment and offset of the imported fixture" +
    (fixtureGccWhy ? ` (skipped: ${fixtureGccWhy})` : ""),
  async (t) => {
    const { yaml } = await importConstructs();
    const model = loadSpecText("constructs.yaml", yaml);
    const asserts: string[] = [];
    // The fixture names one struct by a typedef only; the spec calls it `struct fix_version_t`.
    const spelled = (r: RecordType) => (r.tag === "fix_version_t" ? r.tag : `${r.kind} ${r.tag}`);
    for (const r of model.interfaces.flatMap((i) => i.records)) assertRecord(r, spelled(r), asserts);
    const dir = scratchDir("import-gcc");
    writeTree(dir, [
      { path: "t.c", content: `#include <stddef.h>\n#include "constructs.h"\n${asserts.join("\n")}\n` },
      { path: "constructs.h", content: readFileSync(CONSTRUCTS, "utf8") },
    ]);
    t.true(asserts.length > 20, "the asserts cover the fixture");
    const r = cc("gcc", ["-std=gnu11", "-fsyntax-only", "t.c"], dir);
    t.true(r.ok, r.output);
  },
);

/** _Static_asserts of the engine's x86_64 figures for a record and its named, non-bit-field members. */
function assertRecord(r: RecordType, c: string, out: string[]): void {
  if (!r.tag) return;
  const l = layoutRecord(r, X86_64);
  out.push(`_Static_assert(sizeof(${c}) == ${l.size}, "size of ${c}");`);
  out.push(`_Static_assert(_Alignof(${c}) == ${l.align}, "alignment of ${c}");`);
  for (const m of l.members)
    if (m.field.name && m.bits === undefined)
      out.push(`_Static_assert(offsetof(${c}, ${m.field.name}) == ${m.offset}, "offset of ${c}.${m.field.name}");`);
}

t$("the real IIO headers give spec/iio.yaml's commands and structs", async (t) => {
  const { doc } = await importHeaders({
    headers: ["linux/iio/buffer.h", "linux/iio/events.h"],
    includeDirs: [],
    abi: "x86_64",
  });
  const written = loadSpecFile(path.join(REPO, "spec", "iio.yaml")).doc;
  const mine = new Map(
    written.interfaces
      .filter((i) => !i.variant)
      .flatMap((i) => (i.commands ?? []).map((c) => [c.name, [c.magic, c.nr, c.dir, c.arg ?? null]] as const)),
  );
  const imported = doc.interfaces.flatMap((i) => i.commands ?? []);
  t.true(imported.length >= 2);
  for (const c of imported) t.deepEqual([c.magic, c.nr, c.dir, c.arg ?? null], mine.get(c.name), c.name);
  const event = (d: SpecDocument) =>
    d.interfaces
      .flatMap((i) => i.structs ?? [])
      .find((s) => s.name === "iio_event_data")!
      .fields.map((f) => [f.name, f.type]);
  t.deepEqual(event(doc), event(written));
});

t$("the generated IIO buffer header imports back to spec/iio.yaml's commands, numbers included", async (t) => {
  const out = scratchDir("import-iio");
  const gen = runCli(["generate", "--out", out, path.join(REPO, "spec", "iio.yaml")], REPO);
  t.is(gen.code, 0, gen.err);
  const include = path.join(out, "include", "uapi");
  const header = path.join(include, "linux", "iio", "buffer.h");
  const { yaml } = await importHeaders({ headers: [header], includeDirs: [include], abi: "x86_64" });
  const imported = loadSpecText("buffer.yaml", yaml);
  const written = loadSpecFile(path.join(REPO, "spec", "iio.yaml"));
  const numbers = (cmds: (typeof imported.interfaces)[number]["commands"]) =>
    Object.fromEntries(cmds.map((c) => [c.spec.name, commandNumber(c, X86_64).value]));
  const original = written.interfaces.find((i) => i.spec.name === "iio_buffer")!;
  t.deepEqual(numbers(imported.interfaces[0]!.commands), numbers(original.commands));
});

/* ------------------------------------------------------------- macro values */

/** x86_64's integer types, each with the width and signedness C gives it there (abi-facts.md, LP64). */
const CAST_TYPES: [string, number, boolean][] = [
  ["signed char", 8, true],
  ["unsigned char", 8, false],
  ["short", 16, true],
  ["unsigned short", 16, false],
  ["int", 32, true],
  ["unsigned int", 32, false],
  ["long", 64, true],
  ["unsigned long", 64, false],
  ["long long", 64, true],
  ["unsigned long long", 64, false],
];

t$(
  "every macro value comes back as C converts it: sign, width and type suffix, over random 64-bit values",
  async (t) => {
    const cases = fc.sample(
      fc.tuple(fc.constantFrom(...CAST_TYPES), fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n })),
      { numRuns: 120, seed: 12 },
    );
    const defines = cases.map(([[type], v], i) => `#define V${i} ((${type})${v < 0n ? `(${v}LL)` : `${v}ULL`})`);
    const dir = scratchDir("import-values");
    // C reads a leading 0 as octal (C11 6.4.4.1): 0407 is 263, a.out's OMAGIC.
    writeFileSync(path.join(dir, "values.h"), `${defines.join("\n")}\n#define OCTAL 0407\n`);
    const { doc, yaml } = await importHeaders({
      headers: [path.join(dir, "values.h")],
      includeDirs: [],
      abi: "x86_64",
    });
    const octal = loadSpecText("values.yaml", yaml).interfaces[0]!.constants.get("OCTAL")?.value;
    t.is(parseInteger(octal ?? ""), BigInt(0o407), `OCTAL is ${JSON.stringify(octal)} in the spec`);
    const constants = new Map((doc.interfaces[0]!.constants ?? []).map((c) => [c.name, String(c.value)]));
    cases.forEach(([[type, bits, signed], v], i) => {
      const expected = signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
      const text = constants.get(`V${i}`);
      t.truthy(text, `V${i} imported`);
      const m = /^(-?(?:0x[0-9a-f]+|\d+))(U?)(L*)$/i.exec(text!)!;
      t.truthy(m, `V${i} = ${text} is a C integer literal`);
      t.is(BigInt(m[1]!), expected, `V${i}: (${type})${v}`);
      // Integer promotion: a cast to a type narrower than int gives an int (C11 6.3.1.1).
      const promoted = bits < 32 ? "int" : type;
      t.is(m[2] === "U", promoted.startsWith("unsigned"), `V${i}: the sign of ${promoted}`);
    });
  },
);

/* ------------------------------------------------------------- hostile headers */

const HOSTILE: { title: string; files: Record<string, string>; line: number }[] = [
  { title: "#error", files: { "h.h": "#define A 1\n#error this header is not for you\n" }, line: 2 },
  { title: "a syntax error", files: { "h.h": "struct a {\n  int x;\n  no_such_type y;\n};\n" }, line: 3 },
  { title: "a recursive include", files: { "h.h": '#include "h.h"\nstruct a { int x; };\n' }, line: 1 },
  { title: "a missing include", files: { "h.h": "#include <no/such/header.h>\n" }, line: 1 },
];

for (const h of HOSTILE)
  t$(`a header with ${h.title} is a located error, exit 2, nothing written`, (t) => {
    const dir = scratchDir("import-hostile");
    writeTree(
      dir,
      Object.entries(h.files).map(([p, content]) => ({ path: p, content })),
    );
    const r = runCli(["import", "h.h", "-o", "out.yaml"], dir);
    t.is(r.code, 2, r.err);
    t.regex(r.err, new RegExp(`h\\.h:${h.line}:\\d+: error`), r.err);
    t.false(existsSync(path.join(dir, "out.yaml")));
  });

t$("-o never replaces a file without --force; --format json reports the problems with positions", (t) => {
  const dir = scratchDir("import-out");
  writeFileSync(path.join(dir, "h.h"), '#define GOOD 3\n#define BAD "text"\nstruct s { int a; };\n');
  writeFileSync(path.join(dir, "spec.yaml"), "mine\n");
  const refused = runCli(["import", "h.h", "-o", "spec.yaml"], dir);
  t.is(refused.code, 2);
  t.is(readFileSync(path.join(dir, "spec.yaml"), "utf8"), "mine\n");
  const forced = runCli(["import", "h.h", "-o", "spec.yaml", "--force", "--format", "json"], dir);
  t.is(forced.code, 0, forced.err);
  const report = JSON.parse(forced.out) as { problems: { file: string; line: number; message: string }[] };
  t.true(report.problems.some((p) => p.line === 2 && p.message.includes("BAD")));
  const model = loadSpecFile(path.join(dir, "spec.yaml"));
  t.deepEqual(model.interfaces[0]!.constants.get("GOOD")?.value, 3);
  const check = runCli(["check", "spec.yaml", "--fail-on", "never"], dir);
  t.is(check.code, 0, check.err);
});

/* ------------------------------------------------------------- several ABIs */

const MERGE_ABIS = ["x86_64", "i386", "s390x"] as const;
const sysrootMissing = MERGE_ABIS.slice(1).find(
  (id) => !existsSync(`${sysrootFor(id)?.includeDirs[0] ?? "/nonexistent"}/asm/byteorder.h`),
);
const mergeWhy = why ?? (sysrootMissing ? `no Debian sysroot with kernel headers for ${sysrootMissing}` : undefined);

let merged: Promise<SpecDocument> | undefined;
const importMerged = () =>
  (merged ??= importHeaders({
    headers: ["linux/ip.h", "linux/eventpoll.h"],
    includeDirs: [],
    abi: MERGE_ABIS[0],
    alsoAbis: [...MERGE_ABIS.slice(1)],
  }).then((r) => r.doc));

(mergeWhy ? test.skip : test)(
  `compiled for x86_64, i386 and s390x, iphdr's bit-fields follow the byte order as linux/ip.h's #if says` +
    (mergeWhy ? ` (skipped: ${mergeWhy})` : ""),
  async (t) => {
    const model = loadSpecText("merged.yaml", stringify(await importMerged()));
    const iphdr = model.interfaces.flatMap((i) => i.records).find((r) => r.tag === "iphdr")!;
    const firstTwo = (id: string) =>
      layoutRecord(iphdr, abiById(id)!)
        .members.slice(0, 2)
        .map((m) => m.field.name);
    // linux/ip.h: `#if defined(__LITTLE_ENDIAN_BITFIELD) __u8 ihl:4, version:4; #elif ... __u8 version:4, ihl:4;`
    t.deepEqual(firstTwo("x86_64"), ["ihl", "version"]);
    t.deepEqual(firstTwo("arm"), ["ihl", "version"], "any little-endian ABI, not only those compiled");
    t.deepEqual(firstTwo("s390x"), ["version", "ihl"]);
    t.deepEqual(firstTwo("ppc64"), ["version", "ihl"], "any big-endian ABI, not only those compiled");
  },
);

/** gcc for an ABI of the merge test, when it compiles here. */
const mergeCompilers: [string, string, string[]][] = [
  ["x86_64", "gcc", ["-m64"]],
  ["i386", "gcc", ["-m32", ...M32_ISYSTEM]],
  ["s390x", "s390x-linux-gnu-gcc-12", []],
];
for (const [abiId, gcc, flags] of mergeCompilers) {
  const kernelHeaders = "#include <linux/ip.h>\n#include <linux/eventpoll.h>\n";
  const probeDir = scratchDir("import-merge-probe");
  writeFileSync(path.join(probeDir, "p.c"), kernelHeaders);
  const gccMissing = !have(gcc)
    ? `${gcc} is not installed`
    : !cc(gcc, [...flags, "-fsyntax-only", "p.c"], probeDir).ok
      ? `${gcc} ${flags.join(" ")} cannot compile the kernel headers here`
      : undefined;
  const skip = mergeWhy ?? gccMissing;
  (skip ? test.skip : test)(
    `the merged epoll_event (packed on x86_64 only) has ${gcc} ${flags[0] ?? ""}'s size on ${abiId}` +
      (skip ? ` (skipped: ${skip})` : ""),
    async (t) => {
      const model = loadSpecText("merged.yaml", stringify(await importMerged()));
      const abi = abiById(abiId)!;
      const asserts: string[] = [];
      for (const r of model.interfaces.flatMap((i) => i.records))
        if (r.tag === "epoll_event" || r.tag === "iphdr") {
          const l = layoutRecord(r, abi);
          asserts.push(`_Static_assert(sizeof(struct ${r.tag}) == ${l.size}, "size of ${r.tag}");`);
          asserts.push(`_Static_assert(_Alignof(struct ${r.tag}) == ${l.align}, "alignment of ${r.tag}");`);
        }
      const dir = scratchDir("import-merge");
      writeTree(dir, [{ path: "t.c", content: `${kernelHeaders}${asserts.join("\n")}\n` }]);
      const r = cc(gcc, [...flags, "-std=gnu11", "-fsyntax-only", "t.c"], dir);
      t.true(r.ok, r.output);
    },
  );
}

test("the condition chosen separates exactly the ABIs that have a member, as the header's #if says", (t) => {
  const [x86, i386, s390x, ppc] = (["x86_64", "i386", "s390x", "ppc"] as const).map((id) => abiById(id)!);
  const all = [x86!, i386!, s390x!, ppc!];
  t.deepEqual(separatingCondition([x86!, i386!], all, "if defined(__LITTLE_ENDIAN_BITFIELD)"), {
    byteOrder: "little",
  });
  t.deepEqual(separatingCondition([x86!, s390x!], all, "if __BITS_PER_LONG == 64"), { wordBits: 64 });
  t.deepEqual(separatingCondition([s390x!], all, "ifdef __s390x__"), { abi: ["s390x"] }, "an architecture test");
  // gcc and clang define __x86_64__ for x32 too (header-abi-predefined.test.ts checks the table says so).
  t.deepEqual(separatingCondition([x86!], all, "ifdef __x86_64__"), { abi: ["x86_64", "x32"] });
  t.is(separatingCondition(all, all, undefined), undefined);
  const text = "#ifndef _X_H\n#define _X_H\n#ifdef __x86_64__\nint a;\n#else\nint b;\n#endif\nint c;\n#endif\n";
  t.is(enclosingConditions(text, text.indexOf("int a")), "ifdef  __x86_64__");
  t.regex(enclosingConditions(text, text.indexOf("int b")) ?? "", /__x86_64__/);
  t.is(enclosingConditions(text, text.indexOf("int c")), undefined, "the include guard says nothing");
});
