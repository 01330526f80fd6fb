/*
 * Named values everywhere: special values become `#define`s of the header,
 * `uapi encode` takes flag, enum and special names, `uapi decode` prints the
 * names beside the numbers, and negative values print alike at every width.
 * Expected values come from the spec text parsed here with the yaml package
 * (never through the loader), from the kernel's numbers in seed-uapi.md,
 * and from gcc, which prints each define's size, signedness and value next
 * to those of the field it belongs to.
 */
import test, { type ExecutionContext } from "ava";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { bufferIo } from "../cli/io.js";
import { main } from "../cli/main.js";
import { SpecInputError } from "../core/diagnostic.js";
import { REPO_ROOT } from "../core/paths.js";
import { headerGenerator } from "../generators/header.js";
import { loadSpecText } from "../spec/load.js";
import { cc, have, haveM32, loadBundled, M32_ISYSTEM, scratchDir, writeTree } from "./header-support.js";
import { readReference, SEED_UAPI } from "./reference.js";

const gcc = have("gcc");
const withGcc = gcc ? test : test.skip;
const noGcc = gcc ? "" : " (skipped: gcc not found)";

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

/* ------------------------------------------------------------------ */
/* The spec text, read here                                            */
/* ------------------------------------------------------------------ */

/* eslint-disable @typescript-eslint/no-explicit-any -- the spec text as the yaml package gives it */
type Yaml = any;

/** An integer as a spec writes it: a number, or a decimal or 0x string with an optional minus. */
function specInteger(v: number | string): bigint {
  if (typeof v === "number") return BigInt(v);
  const t = v.trim();
  return t.startsWith("-") ? -BigInt(t.slice(1)) : BigInt(t);
}

interface SpecialInText {
  name: string;
  value: bigint;
  struct: string;
  /** The C member access below the struct: `msg.uid`. */
  member: string;
  bits?: number;
}

/** Every special value (`special:` and `fd.special:`) of the non-external structs of one interface. */
function specialsInText(ifc: Yaml): SpecialInText[] {
  const out: SpecialInText[] = [];
  const walk = (struct: string, fields: Yaml[], prefix: string) => {
    for (const f of fields) {
      const member = f.name === undefined ? prefix : prefix ? `${prefix}.${f.name}` : f.name;
      const specials = [...(f.special ?? []), ...(typeof f.fd === "object" ? (f.fd.special ?? []) : [])];
      for (const s of specials) out.push({ name: s.name, value: specInteger(s.value), struct, member, bits: f.bits });
      if (typeof f.type === "object") walk(struct, f.type.fields, member);
    }
  };
  for (const s of ifc.structs ?? []) if (!s.external) walk(s.name, s.fields, "");
  return out;
}

const bundledText = (file: string): Yaml => parse(readFileSync(path.join(REPO_ROOT, "spec", file), "utf8"));
const BUNDLED = ["bus1.yaml", "iio.yaml", "mhi-uci.yaml"].map(bundledText);

function interfaceText(name: string): Yaml {
  const ifc = BUNDLED.flatMap((d) => d.interfaces).find((i: Yaml) => i.name === name);
  if (!ifc) throw new Error(`no interface ${name} in the bundled specs`);
  return ifc;
}

/** A flag set's bits by name, from the spec text. */
function flagBits(ifc: string, set: string): Map<string, number> {
  const s = interfaceText(ifc).flags.find((f: Yaml) => f.name === set);
  return new Map(s.bits.map((b: Yaml) => [b.name, b.bit]));
}

/* ------------------------------------------------------------------ */
/* The header: one define per special, exactly the field's value       */
/* ------------------------------------------------------------------ */

/** A C probe printing, per use of a special, the define's and the field's size and signedness and both values. */
function probeSource(header: string, uses: SpecialInText[]): string {
  const lines = uses.map((u, i) => {
    const obj = `s${i}`;
    const field = `${obj}.${u.member}`;
    // A bit-field has no sizeof or typeof: only the round trip says what it reads.
    const fieldFacts = u.bits === undefined ? `(int)sizeof(${field}), ((__typeof__(${field}))-1) < 0` : "0, 0";
    return (
      `\t{ struct ${u.struct} ${obj}; memset(&${obj}, 0, sizeof ${obj}); ${field} = ${u.name};\n` +
      `\t  printf("%d %d %d %d %llu %d\\n", (int)sizeof(${u.name}), ((__typeof__(${u.name}))-1) < 0, ` +
      `${fieldFacts}, (unsigned long long)(${u.name}), ${field} == ${u.name}); }`
    );
  });
  const includes = `#include <stdio.h>\n#include <string.h>\n#include <${header}>\n`;
  return `${includes}int main(void)\n{\n${lines.join("\n")}\n\treturn 0;\n}\n`;
}

interface Printed {
  macroSize: number;
  macroSigned: boolean;
  fieldSize: number;
  fieldSigned: boolean;
  value: bigint;
  roundTrip: boolean;
}

/** Compile and run the probe; one Printed per use, or the compiler's output on failure. */
function runProbe(dir: string, include: string, source: string, flags: string[] = []): Printed[] | string {
  writeFileSync(path.join(dir, "probe.c"), source);
  const built = cc("gcc", ["-std=gnu11", "-Wall", "-Werror", ...flags, "-I", include, "probe.c", "-o", "probe"], dir);
  if (!built.ok) return built.output;
  const ran = cc(path.join(dir, "probe"), [], dir);
  if (!ran.ok) return ran.output;
  const out = ran.output.split("\n").slice(1).join("\n").trim();
  return out.split("\n").map((l) => {
    const [ms, msg, fs, fsg, v, rt] = l.trim().split(" ");
    return {
      macroSize: Number(ms),
      macroSigned: msg === "1",
      fieldSize: Number(fs),
      fieldSigned: fsg === "1",
      value: BigInt(v!),
      roundTrip: rt === "1",
    };
  });
}

/** The value a field of `bits` bits reads back after storing `v`, as unsigned long long prints it. */
const asPrinted = (v: bigint, bits: number, signed: boolean) =>
  BigInt.asUintN(64, signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v));

/**
 * Check every use against what gcc printed: the define has the type of the first field that names it (later fields
 * of that name may be wider) and, in every field, exactly the value the field reads; bit-fields are judged by their
 * round trip and `bits`.
 */
function judge(t: ExecutionContext, uses: SpecialInText[], printed: Printed[], fieldSignedness?: Map<string, boolean>) {
  t.is(printed.length, uses.length);
  const named = new Set<string>();
  uses.forEach((u, i) => {
    const p = printed[i]!;
    const what = `${u.name} on ${u.struct}.${u.member}`;
    t.true(p.roundTrip, `${what}: the field holds the define's value exactly`);
    const first = !named.has(u.name);
    named.add(u.name);
    if (u.bits === undefined) {
      if (first) {
        t.is(p.macroSize, p.fieldSize, `${what}: the define has the field's size`);
        t.is(p.macroSigned, p.fieldSigned, `${what}: the define has the field's signedness`);
      }
      t.is(p.value, asPrinted(u.value, p.fieldSize * 8, p.fieldSigned), `${what}: value`);
    } else {
      const signed = fieldSignedness?.get(`${u.struct}.${u.member}`) ?? false;
      t.is(BigInt.asUintN(u.bits, p.value), BigInt.asUintN(u.bits, u.value), `${what}: low ${u.bits} bits`);
      t.is(p.value, asPrinted(u.value, u.bits, signed), `${what}: the value the bit-field reads`);
    }
  });
}

/** How often `#define NAME ` appears in a header. */
const defineCount = (header: string, name: string) =>
  header.split("\n").filter((l) => new RegExp(`^#define ${name}\\s`).test(l)).length;

const bundledHeaders = gcc ? headerGenerator.generate(loadBundled()) : [];

withGcc(
  `every special value of the bundled specs is #defined once per header, with its field's type and value${noGcc}`,
  (t) => {
    const dir = scratchDir("named-bundled");
    writeTree(dir, bundledHeaders);
    let checked = 0;
    for (const ifc of BUNDLED.flatMap((d) => d.interfaces)) {
      const uses = specialsInText(ifc);
      if (!uses.length) continue;
      const base = ifc.variant ? `variants/${ifc.variant}/include/uapi` : "include/uapi";
      const text = readFileSync(path.join(dir, base, ifc.header), "utf8");
      for (const name of new Set(uses.map((u) => u.name)))
        t.is(defineCount(text, name), 1, `${ifc.name}: ${name} is defined once`);
      const printed = runProbe(dir, path.join(dir, base), probeSource(ifc.header, uses));
      if (typeof printed === "string") {
        t.fail(printed);
        continue;
      }
      judge(t, uses, printed);
      checked += uses.length;
    }
    // bus1 alone has 12 uses in the RFC and 6 in the 2016-11 revision.
    t.true(checked >= 18, `${checked} uses checked`);
  },
);

const AWKWARD = `name: awkward
doc: Special values on awkward types.
interfaces:
  - name: awkward
    header: linux/awkward.h
    doc: Awkward.
    enums:
      - name: awk_color
        doc: Colours.
        values:
          - { name: AWK_RED, value: 0 }
          - { name: AWK_GREEN, value: 1 }
    structs:
      - name: awk
        doc: Every kind of field a special value may sit on.
        fields:
          - { name: a, type: __s8, special: [{ name: AWK_A_ALL, value: 0xff }] }
          - { name: b, type: unsigned long, special: [{ name: AWK_B_ALL, value: -1 }] }
          - { name: c, type: __u64, special: [{ name: AWK_C_TOP, value: "0x8000000000000000" }] }
          - { name: d, type: __s64, special: [{ name: AWK_D_MIN, value: "-9223372036854775808" }] }
          - { name: e, type: __u32, bits: 4, special: [{ name: AWK_E_TOP, value: 15 }] }
          - { name: f, type: __s32, bits: 4, special: [{ name: AWK_F_ALL, value: 15 }] }
          - { name: g, type: __u32, enum: awk_color, special: [{ name: AWK_G_NONE, value: 0xffffffff }] }
          - { name: h, type: __u32, special: [{ name: AWK_SAME, value: 0xffffffff }] }
          - { name: i, type: __u64, special: [{ name: AWK_SAME, value: 0xffffffff }] }
          - { name: j, type: int, fd: { special: [{ name: AWK_SELF, value: -1 }] } }
          - { name: k, type: long, special: [{ name: AWK_K_BIG, value: 2147483648 }] }
          - name: nested
            type:
              kind: struct
              fields:
                - { name: x, type: __u16, special: [{ name: AWK_X_ALL, value: -1 }] }
`;

/** The bit-fields of AWKWARD and whether their declared type is signed (read off the text above). */
const AWKWARD_BITFIELD_SIGNED = new Map([
  ["awk.e", false],
  ["awk.f", true],
]);

function awkwardSetup(): { dir: string; uses: SpecialInText[]; header: string } {
  const model = loadSpecText("awkward.yaml", AWKWARD);
  const dir = scratchDir("named-awkward");
  const files = headerGenerator.generate([model]);
  writeTree(dir, files);
  return { dir, uses: specialsInText(parse(AWKWARD).interfaces[0]), header: files[0]!.content };
}

withGcc(
  `special values on awkward types: signed bytes, long, 2^63, INT64_MIN, bit-fields, shared names${noGcc}`,
  (t) => {
    const { dir, uses, header } = awkwardSetup();
    for (const name of new Set(uses.map((u) => u.name))) t.is(defineCount(header, name), 1, `${name} is defined once`);
    const printed = runProbe(dir, path.join(dir, "include/uapi"), probeSource("linux/awkward.h", uses));
    if (typeof printed === "string") return void t.fail(printed);
    judge(t, uses, printed, AWKWARD_BITFIELD_SIGNED);
    // The header with its defines still compiles as C90 and C++.
    writeFileSync(path.join(dir, "tu.c"), "#include <linux/awkward.h>\n");
    const c90 = cc(
      "gcc",
      ["-std=c90", "-pedantic", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", "-I", "include/uapi", "tu.c"],
      dir,
    );
    t.true(c90.ok, c90.output);
  },
);

/** Whether gcc with `flags` builds a program that runs here (an i386 one needs multilib and a kernel that runs it). */
function buildsAndRuns(flags: string[]): boolean {
  if (!gcc || !haveM32()) return false;
  const dir = scratchDir("named-run");
  writeFileSync(path.join(dir, "ok.c"), '#include <stdio.h>\nint main(void) { return puts("ok") < 0; }\n');
  if (!cc("gcc", [...flags, "ok.c", "-o", "ok"], dir).ok) return false;
  const ran = cc(path.join(dir, "ok"), [], dir);
  return ran.ok && /\nok\n/.test(ran.output);
}

const I386 = ["-m32", ...M32_ISYSTEM];
const i386 = buildsAndRuns(I386);
(i386 ? test : test.skip)(
  "special values on awkward types hold on i386 too (unsigned long is 32 bits there)" +
    (i386 ? "" : " (skipped: gcc -m32 cannot build and run a program here)"),
  (t) => {
    const { dir, uses } = awkwardSetup();
    const printed = runProbe(dir, path.join(dir, "include/uapi"), probeSource("linux/awkward.h", uses), I386);
    if (typeof printed === "string") return void t.fail(printed);
    judge(t, uses, printed, AWKWARD_BITFIELD_SIGNED);
    const b = printed[uses.findIndex((u) => u.name === "AWK_B_ALL")]!;
    t.is(b.value, 0xffffffffn, "(unsigned long)-1 is 2^32-1 on i386");
  },
);

/* ------------------------------------------------------------------ */
/* The lint: one value per name, no clash with other macros            */
/* ------------------------------------------------------------------ */

const clashDoc = (extra: string, fields: string) => `name: clash
doc: Clashing special values.
interfaces:
  - name: clash
    header: linux/clash.h
    doc: Clash.
${extra}    structs:
      - name: clash_s
        doc: A struct.
        fields:
${fields}`;

/** A field with one special value; the value is quoted, so 0xffffffffffffffff stays exact. */
const special = (field: string, type: string, name: string, value: string) => `          - name: ${field}
            type: ${type}
            special:
              - name: ${name}
                value: "${value}"
`;

/** Line and column (1-based) of the first `key:` on the first line holding `marker` (errors point at keys). */
function position(text: string, marker: string, key: string): { line: number; col: number } {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`marker ${marker} not in the text`);
  return { line: i + 1, col: lines[i]!.indexOf(`${key}:`) + 1 };
}

/** The spec is rejected with an error matching `message` at exactly the line and column of `key`. */
function rejectedAt(t: ExecutionContext, text: string, marker: string, key: string, message: RegExp) {
  const want = position(text, marker, key);
  try {
    loadSpecText("clash.yaml", text);
    t.fail(`accepted: ${marker}`);
  } catch (e) {
    if (!(e instanceof SpecInputError)) throw e;
    const hit = e.errors.find((x) => message.test(x.message));
    t.truthy(hit, `an error matching ${message} in:\n${e.message}`);
    if (!hit) return;
    t.deepEqual({ line: hit.loc.line, col: hit.loc.col }, want, `${e.message}`);
    t.true(hit.hint.length > 0);
  }
}

test("a special name used with two values is rejected at the second value, naming the first", (t) => {
  const text = clashDoc(
    "",
    special("a", "__u32", "CLASH_LIMIT", "0xffffffff") + special("b", "__u64", "CLASH_LIMIT", "-1"),
  );
  // Both are "-1", but a __u32 reads 2^32-1 and a __u64 2^64-1: two values.
  rejectedAt(t, text, 'value: "-1"', "value", /CLASH_LIMIT.*18446744073709551615.*4294967295.*line \d+:\d+/);
});

test("a special name used with one value on several fields loads and gives one define", (t) => {
  const text = clashDoc(
    "",
    special("a", "__u32", "CLASH_LIMIT", "0xffffffff") + special("b", "__u64", "CLASH_LIMIT", "4294967295"),
  );
  const header = headerGenerator.generate([loadSpecText("clash.yaml", text)])[0]!.content;
  t.is(defineCount(header, "CLASH_LIMIT"), 1);
});

const OTHER_MACROS: { what: string; extra: string; name: string }[] = [
  {
    what: "a constant of another value",
    extra: "    constants:\n      - { name: CLASH_X, value: 7 }\n",
    name: "CLASH_X",
  },
  {
    what: "a constant that is no plain integer",
    extra: '    constants:\n      - { name: CLASH_X, value: "1 << 3" }\n',
    name: "CLASH_X",
  },
  {
    what: "a flag bit",
    extra:
      "    flags:\n      - name: clash_flags\n        doc: d\n        width: 32\n" +
      "        bits:\n          - { name: CLASH_X, bit: 0 }\n",
    name: "CLASH_X",
  },
  {
    what: "a flag mask",
    extra:
      "    flags:\n      - name: clash_flags\n        doc: d\n        width: 32\n        mask: CLASH_X\n" +
      "        bits:\n          - { name: CLASH_F, bit: 0 }\n",
    name: "CLASH_X",
  },
  {
    what: "an enumerator",
    extra:
      "    enums:\n      - name: clash_e\n        doc: d\n        values:\n          - { name: CLASH_X, value: 1 }\n",
    name: "CLASH_X",
  },
  {
    what: "an ioctl command",
    extra: "    commands:\n      - { name: CLASH_X, doc: d, magic: 0x42, nr: 1, dir: none }\n",
    name: "CLASH_X",
  },
];

for (const c of OTHER_MACROS)
  test(`a special value named like ${c.what} is rejected at the special's name`, (t) => {
    const text = clashDoc(c.extra, special("a", "__u32", c.name, "0xffffffff"));
    rejectedAt(t, text, `- name: ${c.name}`, "name", new RegExp(`special value '${c.name}' is also the name of`));
  });

test("a special value named like a member or a struct is rejected (the macro would replace it)", (t) => {
  const member = clashDoc("", special("a", "__u32", "a", "1"));
  rejectedAt(t, member, "              - name: a", "name", /defined as a macro here/);
  const tag = clashDoc("", special("a", "__u32", "clash_s", "1"));
  rejectedAt(t, tag, "              - name: clash_s", "name", /defined as a macro here/);
});

test("a special value named like a constant of the same value is that constant: accepted, defined once", (t) => {
  const text = clashDoc(
    '    constants:\n      - { name: CLASH_INVALID, value: "((__u64)-1)" }\n',
    special("a", "__u64", "CLASH_INVALID", "0xffffffffffffffff"),
  );
  const header = headerGenerator.generate([loadSpecText("clash.yaml", text)])[0]!.content;
  t.is(defineCount(header, "CLASH_INVALID"), 1);
  t.regex(header, /^#define CLASH_INVALID \(\(__u64\)-1\)$/m, "the constant's own define");
});

test("a special value must fit its field, sit on an integer field and have a macro name", (t) => {
  rejectedAt(t, clashDoc("", special("a", "__u8", "CLASH_BIG", "0x100")), 'value: "0x100"', "value", /does not fit/);
  const inline = `          - name: a
            type:
              kind: struct
              fields:
                - { name: x, type: __u32 }
            special:
              - name: CLASH_REC
                value: 1
`;
  rejectedAt(t, clashDoc("", inline), "- name: CLASH_REC", "name", /no integer field/);
  // `linux` is predefined by gcc (hostile-names.test.ts asks gcc); as a macro it would read 1.
  rejectedAt(t, clashDoc("", special("a", "__u32", "linux", "1")), "- name: linux", "name", /predefines/);
});

test("uapi check prints a special value clash as file:line:col with a hint, exit 2", async (t) => {
  const dir = scratchDir("named-clash");
  const file = path.join(dir, "clash.yaml");
  const text = clashDoc(
    "    constants:\n      - { name: CLASH_X, value: 7 }\n",
    special("a", "__u32", "CLASH_X", "0xffffffff"),
  );
  writeFileSync(file, text);
  const r = await run("check", file);
  t.is(r.code, 2, r.err);
  const { line, col } = position(text, "- name: CLASH_X", "name");
  t.true(r.err.includes(`${file}:${line}:${col}`), r.err);
  t.regex(r.err, /hint: /);
});

/* ------------------------------------------------------------------ */
/* uapi encode: names give the bytes the numbers give                  */
/* ------------------------------------------------------------------ */

const seed = readReference(SEED_UAPI);

/** A bit number the kernel's header gives a flag: `NAME = 1ULL << n` (bus1) or `#define NAME (1 << n)` (IIO). */
function kernelBit(name: string): bigint {
  const m = new RegExp(`${name}\\s*=\\s*1ULL\\s*<<\\s*(\\d+)|#define ${name}\\s+\\(1 << (\\d+)\\)`).exec(seed);
  if (!m) throw new Error(`${name} not in seed-uapi.md`);
  return 1n << BigInt(m[1] ?? m[2]!);
}

/** The value of a bus1 message type, from the enumerator comments of seed-uapi.md (`BUS1_MSG_DATA, /* 1 *\/`). */
function kernelMsgType(name: string): bigint {
  const m = new RegExp(`${name},\\s*/\\* (\\d+)`).exec(seed);
  if (!m) throw new Error(`${name} not in seed-uapi.md`);
  return BigInt(m[1]!);
}

async function encoded(t: ExecutionContext, struct: string, ifc: string, value: object): Promise<string> {
  const r = await run("encode", struct, "--abi", "x86_64", "--interface", ifc, JSON.stringify(value));
  t.is(r.code, 0, `${JSON.stringify(value)}: ${r.err}`);
  return r.out.trim();
}

const MSG = {
  type: 0,
  flags: 0,
  destination: 0,
  uid: 0,
  gid: 0,
  pid: 0,
  tid: 0,
  offset: 0,
  n_bytes: 0,
  n_handles: 0,
  n_fds: 0,
  n_secctx: 0,
};

test("uapi encode: flag names (short, full, mixed with numbers) give the kernel's bits", async (t) => {
  const want = kernelBit("BUS1_RECV_FLAG_PEEK") | kernelBit("BUS1_RECV_FLAG_INSTALL_FDS");
  const byNumber = await encoded(t, "bus1_cmd_recv", "bus1", { flags: `${want}`, max_offset: 0, msg: MSG });
  for (const flags of [
    ["PEEK", "INSTALL_FDS"],
    ["BUS1_RECV_FLAG_PEEK", "BUS1_RECV_FLAG_INSTALL_FDS"],
    ["INSTALL_FDS", `${kernelBit("BUS1_RECV_FLAG_PEEK")}`],
    [Number(kernelBit("BUS1_RECV_FLAG_PEEK")), "BUS1_RECV_FLAG_INSTALL_FDS", "PEEK"],
  ])
    t.is(
      await encoded(t, "bus1_cmd_recv", "bus1", { flags, max_offset: 0, msg: MSG }),
      byNumber,
      JSON.stringify(flags),
    );
  // One name alone, without an array; and a single-bit set (IIO DMABUF: CYCLIC).
  const seedOnly = await encoded(t, "bus1_cmd_recv", "bus1", { flags: "SEED", max_offset: 0, msg: MSG });
  t.is(
    seedOnly,
    await encoded(t, "bus1_cmd_recv", "bus1", {
      flags: `${kernelBit("BUS1_RECV_FLAG_SEED")}`,
      max_offset: 0,
      msg: MSG,
    }),
  );
  const dmabuf = { fd: 3, bytes_used: 4096 };
  t.is(
    await encoded(t, "iio_dmabuf", "iio_buffer", { ...dmabuf, flags: ["CYCLIC"] }),
    await encoded(t, "iio_dmabuf", "iio_buffer", { ...dmabuf, flags: Number(kernelBit("IIO_BUFFER_DMABUF_CYCLIC")) }),
  );
});

test("uapi encode: enumerator and special names give the numbers the kernel and the spec give", async (t) => {
  const type = kernelMsgType("BUS1_MSG_NODE_DESTROY");
  const byNumber = await encoded(t, "bus1_cmd_recv", "bus1", {
    flags: 0,
    max_offset: 0,
    msg: { ...MSG, type: `${type}` },
  });
  for (const name of ["BUS1_MSG_NODE_DESTROY", "NODE_DESTROY"])
    t.is(await encoded(t, "bus1_cmd_recv", "bus1", { flags: 0, max_offset: 0, msg: { ...MSG, type: name } }), byNumber);

  // Special values, with the numbers the spec text gives them.
  const specials = new Map(specialsInText(interfaceText("bus1")).map((s) => [`${s.struct}.${s.member}`, s]));
  const reset = (v: object) => ({
    flags: 0,
    peer_flags: 0,
    max_slices: 0,
    max_handles: 0,
    max_inflight_bytes: 0,
    max_inflight_fds: 0,
    ...v,
  });
  for (const member of ["peer_flags", "max_slices", "max_handles", "max_inflight_bytes", "max_inflight_fds"]) {
    const s = specials.get(`bus1_cmd_peer_reset.${member}`)!;
    const width = member === "peer_flags" ? 64 : 32;
    t.is(
      await encoded(t, "bus1_cmd_peer_reset", "bus1", reset({ [member]: s.name })),
      await encoded(t, "bus1_cmd_peer_reset", "bus1", reset({ [member]: `${BigInt.asUintN(width, s.value)}` })),
      `${member} = ${s.name}`,
    );
  }
  // BUS1_SELF is written -1 on a __u64: (u64)-1, as seed-uapi.md says of dst_fd.
  const transfer = { flags: 0, src_handle: 1, dst_handle: "0xffffffffffffffff" };
  t.is(
    await encoded(t, "bus1_cmd_handle_transfer", "bus1", { ...transfer, dst_fd: "BUS1_SELF" }),
    await encoded(t, "bus1_cmd_handle_transfer", "bus1", { ...transfer, dst_fd: "18446744073709551615" }),
  );
  // The flags word with a special of its own: the special wins over the flags it is no combination of.
  const bits = flagBits("bus1", "bus1_peer_reset_flags");
  t.is(
    await encoded(t, "bus1_cmd_peer_reset", "bus1", reset({ flags: ["FLUSH", "FLUSH_SEED"] })),
    await encoded(
      t,
      "bus1_cmd_peer_reset",
      "bus1",
      reset({ flags: [...bits.values()].reduce((a, b) => a | (1 << b), 0) }),
    ),
  );
});

test("uapi encode: an unknown name is exit 2 naming the member's path and what it accepts", async (t) => {
  const r = await run(
    "encode",
    "bus1_cmd_recv",
    "--abi",
    "x86_64",
    "--interface",
    "bus1",
    JSON.stringify({ flags: 0, max_offset: 0, msg: { ...MSG, type: "NODE_DESTROYED" } }),
  );
  t.is(r.code, 2);
  t.regex(r.err, /msg\.type: unknown name "NODE_DESTROYED"/);
  const enumerators = interfaceText("bus1").enums.find((e: Yaml) => e.name === "bus1_msg_type").values;
  for (const v of enumerators) t.true(r.err.includes(v.name.replace(/^BUS1_MSG_/, "")), `${v.name} listed: ${r.err}`);

  const flags = await run(
    "encode",
    "bus1_cmd_recv",
    "--abi",
    "x86_64",
    "--interface",
    "bus1",
    JSON.stringify({ flags: ["PEEK", "PEK"], max_offset: 0, msg: MSG }),
  );
  t.is(flags.code, 2);
  t.regex(flags.err, /flags\[1\]: unknown name "PEK"/);
  for (const name of flagBits("bus1", "bus1_recv_flags").keys())
    t.true(flags.err.includes(name.replace(/^BUS1_RECV_FLAG_/, "")), `${name} listed: ${flags.err}`);

  // A special value is a whole value, not a flag to OR in.
  const whole = await run(
    "encode",
    "bus1_cmd_peer_reset",
    "--abi",
    "x86_64",
    "--interface",
    "bus1",
    JSON.stringify({
      flags: 0,
      peer_flags: ["BUS1_PEER_FLAGS_UNCHANGED"],
      max_slices: 0,
      max_handles: 0,
      max_inflight_bytes: 0,
      max_inflight_fds: 0,
    }),
  );
  t.is(whole.code, 2);
  t.regex(whole.err, /peer_flags\[0\]: BUS1_PEER_FLAGS_UNCHANGED is a whole value/);
});

/* ------------------------------------------------------------------ */
/* uapi decode: names beside the numbers                               */
/* ------------------------------------------------------------------ */

/** bus1_cmd_recv on x86_64 (seed-uapi.md §1.4: msg at 16, type 16, flags 24, uid 40, offset 56; 96 bytes). */
function recvBytes(flags: bigint, type: bigint, uid: number, offset: bigint): string {
  const b = Buffer.alloc(96);
  b.writeBigUInt64LE(flags, 0);
  b.writeBigUInt64LE(type, 16);
  b.writeUInt32LE(uid, 40);
  b.writeBigUInt64LE(offset, 56);
  return b.toString("hex");
}

test("uapi decode: JSON names every set flag, the enumerator and the special value; unknown bits apart", async (t) => {
  const bits = flagBits("bus1", "bus1_recv_flags");
  const all = [...bits.values()].reduce((a, b) => a | (1n << BigInt(b)), 0n);
  const unknownBit = 1n << 40n;
  const type = kernelMsgType("BUS1_MSG_NODE_RELEASE");
  const hex = recvBytes(all | unknownBit, type, 0xffffffff, 0n);
  const r = await run("decode", "bus1_cmd_recv", "--abi", "x86_64", "--interface", "bus1", hex, "--lenient");
  t.is(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  t.is(j.value.flags, `${all | unknownBit}`, "value stays the number");
  const byBit = [...bits].sort((a, b) => a[1] - b[1]).map(([name]) => name);
  t.deepEqual(j.names.flags, { kind: "flags", names: byBit, unknown: `0x${unknownBit.toString(16)}` });
  t.deepEqual(j.names["msg.type"], { kind: "enum", names: ["BUS1_MSG_NODE_RELEASE"] });
  const uid = specialsInText(interfaceText("bus1")).find((s) => s.member === "msg.uid")!;
  t.is(BigInt.asUintN(32, uid.value), 0xffffffffn);
  t.deepEqual(j.names["msg.uid"], { kind: "special", names: [uid.name] });
  t.deepEqual(j.names["msg.flags"], { kind: "flags", names: [] }, "flags of 0: no names");
  t.false("msg.gid" in j.names, "0 is no special value of gid: no entry");
  t.false("max_offset" in j.names, "a plain number has no entry");

  const dump = await run(
    "decode",
    "bus1_cmd_recv",
    "--abi",
    "x86_64",
    "--interface",
    "bus1",
    hex,
    "--lenient",
    "--format",
    "dump",
  );
  t.is(dump.code, 0, dump.err);
  const line = (member: string) =>
    dump.out.split("\n").find((l) => new RegExp(`\\s${member.replace(".", "\\.")}\\s`).test(l)) ?? "";
  t.true(line("flags").includes(`= ${byBit.join(" | ")} | 0x${unknownBit.toString(16)} (unknown)`), line("flags"));
  t.true(line("msg.type").endsWith("= BUS1_MSG_NODE_RELEASE"), line("msg.type"));
  t.true(line("msg.uid").endsWith(`= ${uid.name}`), line("msg.uid"));
});

test("uapi decode: what decode names, encode takes back (names and the unknown bits)", async (t) => {
  const hex = recvBytes(kernelBit("BUS1_RECV_FLAG_SEED"), kernelMsgType("BUS1_MSG_DATA"), 0xffffffff, (1n << 64n) - 1n);
  const d = JSON.parse((await run("decode", "bus1_cmd_recv", "--abi", "x86_64", "--interface", "bus1", hex)).out);
  const value = structuredClone(d.value);
  for (const [p, n] of Object.entries(d.names as Record<string, { names: string[]; unknown?: string }>)) {
    const keys = p.split(".");
    const owner = keys.slice(0, -1).reduce((o, k) => o[k], value);
    owner[keys[keys.length - 1]!] = p.endsWith("flags") ? [...n.names, ...(n.unknown ? [n.unknown] : [])] : n.names[0];
  }
  t.is(value.msg.offset, "BUS1_OFFSET_INVALID");
  t.is(await encoded(t, "bus1_cmd_recv", "bus1", value), hex);
});

/* ------------------------------------------------------------------ */
/* Negative values: one way at every width                             */
/* ------------------------------------------------------------------ */

const SIGNED = `name: sgn
doc: Signed members of every width.
interfaces:
  - name: sgn
    header: linux/sgn.h
    doc: Signed.
    structs:
      - name: sgn
        doc: Signed members.
        fields:
          - { name: a, type: __s8 }
          - { name: pad, type: __u8, padding: true }
          - { name: b, type: __s16 }
          - { name: c, type: __s32 }
          - { name: d, type: __s64 }
          - { name: e, type: __s32, bits: 5 }
          - { name: f, type: __s64, bits: 40 }
`;

test("uapi decode prints -1 alike at every width: decimal, then the member's own bits in hex", async (t) => {
  const dir = scratchDir("named-signed");
  const file = path.join(dir, "sgn.yaml");
  writeFileSync(file, SIGNED);
  // x86_64: a@0 pad@1 b@2 c@4 d@8, e bits 0..4 and f bits 5..44 from byte 16; every value bit set.
  const bytes = Buffer.alloc(24);
  bytes.fill(0xff, 0, 1);
  bytes.fill(0xff, 2, 21);
  bytes[21] = 0x1f;
  const hex = bytes.toString("hex");
  const widths = new Map(
    (parse(SIGNED).interfaces[0].structs[0].fields as Yaml[])
      .filter((f) => !f.padding)
      .map((f) => [f.name, f.bits ?? Number(/\d+/.exec(f.type)![0])]),
  );
  const dump = await run("decode", file, "sgn", "--abi", "x86_64", hex, "--format", "dump");
  t.is(dump.code, 0, dump.err);
  for (const [name, bits] of widths) {
    const line = dump.out.split("\n").find((l) => new RegExp(`\\s${name}\\s`).test(l)) ?? "";
    t.true(line.includes(`-1 (0x${((1n << BigInt(bits)) - 1n).toString(16)})`), `${name} (${bits} bits): ${line}`);
  }
  const json = JSON.parse((await run("decode", file, "sgn", "--abi", "x86_64", hex)).out);
  for (const name of widths.keys()) t.is(`${json.value[name]}`, "-1", `${name} in JSON`);
  const back = await run("encode", file, "sgn", "--abi", "x86_64", JSON.stringify(json.value));
  t.is(back.out.trim(), hex);
});
