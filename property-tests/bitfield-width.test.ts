/*
 * Bit-field widths: a bit-field may be at most as wide as its type on every ABI of the table, because
 * the generated header is one text for all of them (`long x : 40` compiles on LP64 and nowhere else).
 *
 * What is expected comes from real compilers, never from spec/lint.ts: one probe per compiler holds a
 * struct per (type, width, named) case, one per line, and the lines it reports errors on are the cases
 * it rejects.  Compilers: @yowasp/clang for an LP64 ABI (x86_64), ILP32 ABIs (i386, x32) and hexagon,
 * whose enums are short (spec/abis.ts), plus the host gcc with -m64 and -m32 when it runs.  Triples
 * and the spelling of time_t come from verify/compilers.ts.  The probe spells the kernel types as the
 * kernel's uapi headers define them (see prelude()).
 */
import test, { type ExecutionContext } from "ava";
import fc from "fast-check";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SpecInputError, type SpecError } from "../core/diagnostic.js";
import { REPO_ROOT } from "../core/paths.js";
import type { AbiId } from "../spec/abi.js";
import { ABIS } from "../spec/abis.js";
import { loadSpecText } from "../spec/load.js";
import { compilersFor, timeTSpelling } from "../verify/compilers.js";
import { compileSourceAsync } from "../verify/system-cc.js";

const CLI = path.join(REPO_ROOT, "dist", "cli", "main.js");
const RUNS = Number(process.env.BITFIELD_RUNS ?? 60);
const dir = mkdtempSync(path.join(tmpdir(), "uapi-bitfield-"));

/* ------------------------------------------------------------------ */
/* Spec documents                                                      */
/* ------------------------------------------------------------------ */

/** Enums of three sizes under -fshort-enums (1, 2 and 4 bytes); 4 bytes everywhere else. */
const ENUMS: readonly { name: string; values: readonly [string, number][] }[] = [
  {
    name: "small",
    values: [
      ["SMALL_0", 0],
      ["SMALL_1", 1],
    ],
  },
  {
    name: "mid",
    values: [
      ["MID_0", 0],
      ["MID_1", 0x100],
    ],
  },
  {
    name: "neg",
    values: [
      ["NEG_0", -1],
      ["NEG_1", 0x10000],
    ],
  },
];

const enumLine = (e: (typeof ENUMS)[number]) =>
  `      - {name: ${e.name}, doc: d, values: [${e.values.map(([n, v]) => `{name: ${n}, value: ${v}}`).join(", ")}]}`;

const HEAD = `name: t
doc: bit-field widths
interfaces:
  - name: t
    doc: d
    header: linux/t.h
    enums:
${ENUMS.map(enumLine).join("\n")}
    structs:
      - name: s
        doc: d
        fields:
          - {name: ok, type: __u32}
`;

interface Case {
  /** The type as a spec writes it. */
  type: string;
  bits: number;
  named: boolean;
}

/** A spec whose struct holds a named __u32 and then one field per case, each on its own line. */
function specText(cases: readonly Case[]): string {
  const line = (c: Case, i: number) =>
    `          - {${c.named ? `name: f${i}, ` : ""}type: ${c.type}, bits: ${c.bits}}\n`;
  return HEAD + cases.map(line).join("");
}

/** 1-based line and column of the `bits:` key of case `i` in specText's text (where the loader points). */
function bitsAt(text: string, i: number): { line: number; col: number } {
  const line = HEAD.split("\n").length + i;
  return { line, col: text.split("\n")[line - 1]!.indexOf("bits:") + 1 };
}

function load(text: string, file = "bits.yaml"): SpecError[] | undefined {
  try {
    loadSpecText(file, text);
    return undefined;
  } catch (e) {
    if (e instanceof SpecInputError) return e.errors;
    throw e;
  }
}

/* ------------------------------------------------------------------ */
/* The compilers' verdicts                                             */
/* ------------------------------------------------------------------ */

/** Spec spelling -> C spelling in the probe: every scalar the language names, some aliases, enums, a pointer. */
const TYPES: readonly [string, string][] = [
  ...[
    "__u8",
    "__s8",
    "__u16",
    "__s16",
    "__u32",
    "__s32",
    "__u64",
    "__s64",
    "__be16",
    "__be32",
    "__be64",
    "__le16",
    "__le32",
    "__le64",
    "__aligned_u64",
    "__aligned_be64",
    "__aligned_le64",
  ].map((t): [string, string] => [t, t]),
  ...[
    "char",
    "signed char",
    "unsigned char",
    "short",
    "unsigned short",
    "int",
    "unsigned int",
    "long",
    "unsigned long",
    "long long",
    "unsigned long long",
    "_Bool",
    "float",
    "double",
    "long double",
  ].map((t): [string, string] => [t, t]),
  ["size_t", "__kernel_size_t"],
  ["ssize_t", "__kernel_ssize_t"],
  ["time_t", "__kernel_time_t"],
  ["bool", "_Bool"],
  ["long int", "long int"],
  ["unsigned", "unsigned"],
  ["signed short int", "signed short int"],
  ["void *", "void *"],
  ...ENUMS.map((e): [string, string] => [`enum ${e.name}`, `enum ${e.name}`]),
];
const C_SPELLING = new Map(TYPES);
const MAX_WIDTH = 65; // one past the schema's maximum

/**
 * The kernel's definitions: include/uapi/asm-generic/int-ll64.h (__u8..__s64), include/uapi/linux/types.h
 * (__le*, __be* are the __u* types outside sparse; __aligned_* are macros adding aligned(8)), and
 * include/uapi/asm-generic/posix_types.h (__kernel_size_t and __kernel_ssize_t are the pointer-sized
 * unsigned/signed integers; __kernel_time_t is __kernel_long_t, long long on x32).
 */
function prelude(timeT: string): string[] {
  return [
    "typedef unsigned char __u8;",
    "typedef signed char __s8;",
    "typedef unsigned short __u16;",
    "typedef signed short __s16;",
    "typedef unsigned int __u32;",
    "typedef signed int __s32;",
    "__extension__ typedef unsigned long long __u64;",
    "__extension__ typedef signed long long __s64;",
    "typedef __u16 __le16;",
    "typedef __u16 __be16;",
    "typedef __u32 __le32;",
    "typedef __u32 __be32;",
    "typedef __u64 __le64;",
    "typedef __u64 __be64;",
    "#define __aligned_u64 __u64 __attribute__((aligned(8)))",
    "#define __aligned_be64 __be64 __attribute__((aligned(8)))",
    "#define __aligned_le64 __le64 __attribute__((aligned(8)))",
    "typedef __SIZE_TYPE__ __kernel_size_t;",
    "typedef __PTRDIFF_TYPE__ __kernel_ssize_t;",
    `typedef ${timeT} __kernel_time_t;`,
    ...ENUMS.map((e) => `enum ${e.name} { ${e.values.map(([n, v]) => `${n} = ${v}`).join(", ")} };`),
  ];
}

const ALL_CASES: readonly Case[] = TYPES.flatMap(([type]) =>
  Array.from({ length: MAX_WIDTH + 1 }, (_, bits) => [true, false].map((named) => ({ type, bits, named }))).flat(),
);
const key = (c: Case) => `${c.type}|${c.bits}|${c.named ? "named" : "unnamed"}`;

/** The probe: the prelude, then one struct per case on its own line. */
function probe(timeT: string): { source: string; first: number } {
  const head = prelude(timeT);
  const lines = ALL_CASES.map(
    (c, i) => `struct s${i} { __u32 ok; ${C_SPELLING.get(c.type)} ${c.named ? "x " : ""}: ${c.bits}; };`,
  );
  return { source: [...head, ...lines].join("\n") + "\n", first: head.length + 1 };
}

interface Judge {
  name: string;
  /** stderr of one compile of `source`, or undefined when the compiler cannot run at all. */
  run(source: string): Promise<string | undefined>;
}

/* lib/api.d.ts of @yowasp/clang declares runLLVM but not runClang, which the bundle exports (its README). */
interface Yowasp {
  runClang(args: string[], files: Record<string, string>, options: Record<string, unknown>): Promise<unknown>;
  runLLVM(args: string[], files: Record<string, string>, options: Record<string, unknown>): Promise<unknown>;
  Exit: new (...a: never[]) => Error;
}
const quiet = () => {};
const yowasp: Yowasp | string = await import("@yowasp/clang").then(
  async (m) => {
    const mod = m as unknown as Yowasp;
    await mod.runLLVM(["clang", "--version"], {}, { stdout: quiet, stderr: quiet, fetchProgress: quiet });
    return mod;
  },
  (e: Error) => `@yowasp/clang cannot be loaded (${e.message}); npm ci installs it`,
);

function clangJudge(y: Yowasp, abi: AbiId): Judge {
  const target = compilersFor(abi).clang!;
  const args = [
    `--target=${target.triple}`,
    ...target.flags,
    "-std=gnu11",
    "-ffreestanding",
    "-w",
    "-fsyntax-only",
    "-ferror-limit=0",
    "-fno-caret-diagnostics",
    "-fno-color-diagnostics",
    "probe.c",
  ];
  return {
    name: `clang --target=${target.triple} (${abi})`,
    async run(source) {
      const err: Buffer[] = [];
      try {
        const stderr = (b: Uint8Array | null) => void (b && err.push(Buffer.from(b)));
        await y.runClang(["clang", ...args], { "probe.c": source }, { stdout: quiet, stderr, fetchProgress: quiet });
      } catch (e) {
        if (!(e instanceof y.Exit)) throw e; // a non-zero exit: the errors are on stderr
      }
      return Buffer.concat(err).toString("utf8");
    },
  };
}

function gccJudge(flag: "-m64" | "-m32", abi: AbiId): Judge {
  return {
    name: `gcc ${flag} (${abi})`,
    async run(source) {
      const args = [flag, "-std=gnu11", "-ffreestanding", "-w", "-fsyntax-only", "-fmax-errors=0"];
      const r = await compileSourceAsync({ compiler: "gcc", args, source });
      return r.status === null ? undefined : r.stderr;
    },
  };
}

/** Host gcc judges only when it compiles a trivial file for that mode (-m32 needs a 32-bit cc1 mode). */
function gccRuns(flag: string): boolean {
  const file = path.join(dir, "empty.c");
  writeFileSync(file, "int x;\n");
  return spawnSync("gcc", [flag, "-fsyntax-only", file], { encoding: "utf8" }).status === 0;
}

interface Oracle {
  judges: string[];
  /** Per case key: the judges that reject it. */
  rejectedBy: Map<string, string[]>;
}

let oracle: Promise<Oracle> | undefined;
/** Every case through every compiler, once per test process: one compile per compiler. */
function compilerVerdicts(y: Yowasp): Promise<Oracle> {
  return (oracle ??= (async () => {
    const clangAbis = ["x86_64", "i386", "x32", "hexagon"] as const;
    const judges: [Judge, AbiId][] = clangAbis.map((abi) => [clangJudge(y, abi), abi]);
    if (gccRuns("-m64")) judges.push([gccJudge("-m64", "x86_64"), "x86_64"]);
    if (gccRuns("-m32")) judges.push([gccJudge("-m32", "i386"), "i386"]);
    const rejectedBy = new Map<string, string[]>(ALL_CASES.map((c) => [key(c), []]));
    for (const [judge, abi] of judges) {
      const { source, first } = probe(timeTSpelling(abi));
      const stderr = await judge.run(source);
      if (stderr === undefined) throw new Error(`${judge.name} did not run`);
      const lines = new Set([...stderr.matchAll(/probe\.c:(\d+):\d+: error:/g)].map((m) => Number(m[1])));
      const inPrelude = [...lines].filter((l) => l < first);
      if (inPrelude.length) {
        throw new Error(`${judge.name} rejects the prelude (lines ${inPrelude.join(", ")}):\n${stderr.slice(0, 2000)}`);
      }
      ALL_CASES.forEach((c, i) => {
        if (lines.has(first + i)) rejectedBy.get(key(c))!.push(judge.name);
      });
    }
    return { judges: judges.map(([j]) => j.name), rejectedBy };
  })());
}

const withClang = typeof yowasp === "string" ? test.skip : test;
const skipNote = typeof yowasp === "string" ? ` (skipped: ${yowasp})` : "";

/* ------------------------------------------------------------------ */
/* Located errors                                                      */
/* ------------------------------------------------------------------ */

const ILP32 = ABIS.filter((a) => a.wordBits === 32).map((a) => a.id);

function expectLocated(t: ExecutionContext, c: Case, message: RegExp, hint: RegExp): void {
  const text = specText([c]);
  const at = bitsAt(text, 0);
  // Through the loader API.
  const errors = load(text);
  t.truthy(errors, `${key(c)} is rejected`);
  const e = errors?.find((x) => message.test(x.message));
  t.truthy(e, `an error matching ${message} in ${JSON.stringify(errors)}`);
  if (e) {
    t.deepEqual([e.loc.file, e.loc.line, e.loc.col], ["bits.yaml", at.line, at.col], "at the `bits` of the field");
    t.regex(e.hint, hint);
  }
  // Through the CLI.
  const file = path.join(dir, `${key(c).replace(/[^A-Za-z0-9_]+/g, "-")}.yaml`);
  writeFileSync(file, text);
  const r = spawnSync(process.execPath, [CLI, "check", file], { encoding: "utf8", cwd: REPO_ROOT });
  t.is(r.status, 2, r.stderr);
  t.is(r.stdout, "", "nothing on stdout");
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  t.regex(r.stderr, new RegExp(`^${escaped}:${at.line}:${at.col}: error: ${message.source}`, "m"));
  t.regex(r.stderr, new RegExp(`hint: .*${hint.source}`));
}

test("`__u8 : 9` is a located error (loader and `uapi check`, exit 2) naming the 8 bits of __u8", (t) => {
  expectLocated(
    t,
    { type: "__u8", bits: 9, named: true },
    /bit-field 'f0' is 9 bits wide, which exceeds the 8 bits of '__u8'$/,
    /narrow it to at most 8 bits, or use a fixed-width type that holds 9 bits on every ABI \(__u16 or __s16\)/,
  );
});

test("`long : 40` is a located error naming the ILP32 ABIs where long is 32 bits", (t) => {
  t.true(ILP32.length > 4 && ILP32.includes("i386"), "the table has ILP32 ABIs");
  expectLocated(
    t,
    { type: "long", bits: 40, named: true },
    new RegExp(
      `bit-field 'f0' is 40 bits wide, which exceeds the 32 bits of 'long' ` +
        `on ${ILP32.slice(0, 4).join(", ")}, \\.\\.\\. \\(${ILP32.length} ABIs\\)`,
    ),
    /narrow it to at most 32 bits, or use a fixed-width type that holds 40 bits on every ABI \(__u64 or __s64\)/,
  );
});

test("an unnamed bit-field is held to the same widths; `_Bool` holds 1 bit", (t) => {
  expectLocated(
    t,
    { type: "unsigned long", bits: 33, named: false },
    /an unnamed bit-field is 33 bits wide, which exceeds the 32 bits of 'unsigned long' on /,
    /__u64 or __s64/,
  );
  expectLocated(
    t,
    { type: "_Bool", bits: 2, named: true },
    /bit-field 'f0' is 2 bits wide, which exceeds the 1 bit of '_Bool'$/,
    /narrow it to at most 1 bit\b/,
  );
});

test("an enum bit-field fits the enum's size on every ABI, -fshort-enums ones included", (t) => {
  const shortEnums = ABIS.filter((a) => a.shortEnums).map((a) => a.id);
  t.true(shortEnums.length > 0, "the table has a short-enum ABI");
  expectLocated(
    t,
    { type: "enum small", bits: 9, named: true },
    new RegExp(`bit-field 'f0' is 9 bits wide, which exceeds the 8 bits of 'enum small' on ${shortEnums.join(", ")};`),
    /narrow it to at most 8 bits, or use a fixed-width type .* \(__u16 or __s16\) with 'enum: small'/,
  );
  t.is(load(specText([{ type: "enum mid", bits: 9, named: true }])), undefined, "a 2-byte short enum holds 9 bits");
});

test("a named zero-width bit-field is a located error; an unnamed one is accepted", (t) => {
  const text = specText([{ type: "__u32", bits: 0, named: true }]);
  const errors = load(text);
  const e = errors?.find((x) => /zero-width bit-field cannot have a name/.test(x.message));
  t.truthy(e, JSON.stringify(errors));
  t.deepEqual(e && [e.loc.line, e.loc.col], [bitsAt(text, 0).line, bitsAt(text, 0).col]);
  t.is(
    load(
      specText([
        { type: "__u32", bits: 0, named: false },
        { type: "long", bits: 32, named: true },
      ]),
    ),
    undefined,
  );
});

/* ------------------------------------------------------------------ */
/* The loader against the compilers                                    */
/* ------------------------------------------------------------------ */

/** Widths near every boundary are drawn often; the rest uniformly. */
const arbCase: fc.Arbitrary<Case> = fc.record({
  type: fc.constantFrom(...TYPES.map(([t]) => t)),
  bits: fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: MAX_WIDTH }), weight: 1 },
    { arbitrary: fc.integer({ min: 1, max: 8 }), weight: 1 },
    { arbitrary: fc.constantFrom(0, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40, 63, 64, 65), weight: 2 },
  ),
  named: fc.boolean(),
});

const DIFFERENTIAL =
  "the loader accepts a struct of random bit-fields iff every compiler accepts each field" + ` (${RUNS} runs)`;
withClang(`${DIFFERENTIAL}${skipNote}`, async (t) => {
  const { judges, rejectedBy } = await compilerVerdicts(yowasp as Yowasp);
  t.log(`judges: ${judges.join("; ")}`);
  let rejected = 0;
  fc.assert(
    fc.property(fc.array(arbCase, { minLength: 1, maxLength: 3 }), (cases) => {
      const bad = cases.map((c) => rejectedBy.get(key(c))!);
      // Each field alone: accepted iff no compiler rejects it.
      cases.forEach((c, i) => {
        const alone = load(specText([c]));
        if (alone && !bad[i]!.length)
          throw new Error(`${key(c)} rejected; all compilers take it: ${alone[0]!.message}`);
        if (!alone && bad[i]!.length) throw new Error(`${key(c)} accepted, though ${bad[i]!.join(", ")} reject it`);
      });
      // All together: accepted iff every field is, and every error is at the `bits` of a field some compiler rejects.
      const text = specText(cases);
      const errors = load(text);
      const at = cases.map((_, i) => bitsAt(text, i));
      const badLines = new Map(at.filter((_, i) => bad[i]!.length).map((a) => [a.line, a.col]));
      if (!badLines.size && errors) {
        throw new Error(`rejected, though every compiler accepts every field:\n${text}\n${JSON.stringify(errors)}`);
      }
      if (badLines.size && !errors) {
        const i = bad.findIndex((b) => b.length);
        throw new Error(`accepted, though ${bad[i]!.join(", ")} reject ${key(cases[i]!)}:\n${text}`);
      }
      // Every error points at the `bits` of a field some compiler rejects.
      for (const e of errors ?? []) {
        if (badLines.get(e.loc.line) !== e.loc.col) {
          throw new Error(`error at ${e.loc.line}:${e.loc.col} is at no rejected field's bits: ${e.message}\n${text}`);
        }
      }
      if (errors) rejected++;
    }),
    { numRuns: RUNS },
  );
  t.log(`${RUNS} documents, ${rejected} rejected`);
  t.pass();
});

withClang(`for every type the loader's widest accepted bit-field is the compilers' widest${skipNote}`, async (t) => {
  const { rejectedBy } = await compilerVerdicts(yowasp as Yowasp);
  const widest = (type: string) => {
    let w = -1;
    for (let bits = 1; bits <= MAX_WIDTH && !rejectedBy.get(key({ type, bits, named: true }))!.length; bits++) w = bits;
    return w;
  };
  const facts: string[] = [];
  for (const [type] of TYPES) {
    const max = widest(type);
    facts.push(`${type}:${max < 0 ? "none" : max}`);
    if (max >= 1) t.is(load(specText([{ type, bits: max, named: true }])), undefined, `${type} : ${max} is accepted`);
    const over = Math.max(max, 0) + 1;
    const errors = load(specText([{ type, bits: over, named: true }]));
    const by = rejectedBy.get(key({ type, bits: over, named: true }))!;
    t.truthy(errors, `${type} : ${over} is rejected (${by.join(", ")} reject it)`);
  }
  t.log(`widest width every compiler accepts: ${facts.join(", ")}`);
});

const FACTS = "the compilers' facts: long is 64 bits on x86_64, 32 on i386; enums are short on hexagon";
withClang(`${FACTS}${skipNote}`, async (t) => {
  const { judges, rejectedBy } = await compilerVerdicts(yowasp as Yowasp);
  const by = (type: string, bits: number, named = true) => rejectedBy.get(key({ type, bits, named }))!;
  const x64 = judges.find((j) => j.includes("(x86_64)"))!;
  const i386 = judges.find((j) => j.includes("(i386)"))!;
  const hexagon = judges.find((j) => j.includes("(hexagon)"))!;
  // These facts are what the differential tests above rely on to have any over-wide case that only some ABIs reject.
  t.false(by("long", 40).includes(x64));
  t.true(by("long", 40).includes(i386));
  t.true(by("enum small", 9).includes(hexagon));
  t.false(by("enum small", 9).includes(x64));
  t.true(by("__u8", 9).length === judges.length, "every compiler rejects __u8 : 9");
  t.true(by("__u32", 0).length === judges.length, "every compiler rejects a named zero-width bit-field");
  t.deepEqual(by("__u32", 0, false), [], "no compiler rejects an unnamed one");
});
