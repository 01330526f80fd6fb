/*
 * The generated kernel side (generators/kernel-handlers.ts, kernel/<interface>.c), judged by a compiler and by
 * the TypeScript decoder:
 *   - every committed out/kernel/*.c, a fresh generation of each bundled interface and the seeded spec
 *     (fixtures/kernel-handlers.yaml) compile with gcc -Wall -Wextra -Werror (W=1 style) against the stand-in
 *     kernel headers of fixtures/kernel-stubs/, natively and with -m32;
 *   - parity: a harness links each interface's .c with the stubs' user memory and driver functions that
 *     succeed, and calls the dispatcher on thousands of fast-check cases per interface (all-zero, mostly zero
 *     with a few random bytes, fully random, and encoded valid values with a few bytes changed; short and long
 *     buffers).  For every command that copies a struct in, the handler returns 0 exactly when the x86_64
 *     decoder accepts the bytes as the command reads them (a broken rule in a member the command only
 *     writes, `flow: out`, does not count: the kernel never reads it), and otherwise the errno the decoder's
 *     error kind stands for (truncated: -EFAULT, too-big: -E2BIG, every broken rule: -EINVAL).  A read-only
 *     command returns 0 exactly when the whole struct can be written (copy_to_user), else -EFAULT.  Unknown
 *     numbers give -ENOTTY (Documentation/driver-api/ioctl.rst);
 *   - the parity check can fail: a handler with its validator call, padding test or a flags test cut out, or
 *     one that checks members its command only writes, disagrees with the decoder.
 * Extensible structs (`size: member` / `size: ioctl`) are compared with the codec's decodeSized(), which follows
 * copy_struct_from_user() and its callers' guards.
 */
import test from "ava";
import fc from "fast-check";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { growthContract, minimumCallerSize } from "../core/contract.js";
import {
  elementType,
  type CommandModel,
  type CType,
  type FieldModel,
  type InterfaceModel,
  type RecordType,
  type SpecModel,
} from "../core/model.js";
import { OUT_DIR } from "../core/paths.js";
import { abiById } from "../spec/abis.js";
import { loadSpecFile } from "../spec/load.js";
import type { ExtensionContract, Flow } from "../spec/types.js";
import { compileInterface, type AnyValue } from "../generators/codec-compile.js";
import type { Plan } from "../generators/codec-plan.js";
import { headerGenerator, headerIncludeDir } from "../generators/header.js";
import { kernelHandlersGenerator, kernelHandlersOutputPath } from "../generators/kernel-handlers.js";
import { produceFiles } from "../generators/write-out.js";
import { CodecError, type Codec, type CodecWarning } from "../runtime/index.js";
import { rng, valueFor } from "./codec-support.js";
import { have, haveM32, loadBundled, M32_ISYSTEM, scratchDir, writeTree } from "./header-support.js";
import { buildHarness, compileKernelSide, harnessSource, runHarness, type HarnessCase } from "./kernel-harness.js";

const FIXTURE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "property-tests",
  "fixtures",
  "kernel-handlers.yaml",
);
const x86_64 = abiById("x86_64")!;
const gcc = have("gcc");
const m32 = gcc && haveM32();
const native = process.arch === "x64" && process.platform === "linux";
const noGcc = "(skipped: gcc not installed)";

const bundled = loadBundled();
const seeded = [loadSpecFile(FIXTURE)];
const withCommands = (models: SpecModel[]) => models.flatMap((m) => m.interfaces.filter((i) => i.commands.length));

// The uapi errnos (include/uapi/asm-generic/errno-base.h).
const EFAULT = -14;
const EINVAL = -22;
const E2BIG = -7;
const ENOTTY = -25;

/** Each interface's header and kernel side, generated into one scratch folder (as out/ lays them out). */
function generate(models: SpecModel[], tag: string): string {
  const dir = scratchDir(tag);
  writeTree(dir, produceFiles(models, [headerGenerator, kernelHandlersGenerator]));
  return dir;
}
const bundledDir = generate(bundled, "kh-bundled");
const seededDir = generate(seeded, "kh-seeded");

/* ------------------------------------------------------------------ */
/* It compiles                                                         */
/* ------------------------------------------------------------------ */

test("out/kernel/ holds one file per bundled interface with commands, and nothing else", (t) => {
  const expected = withCommands(bundled).map(kernelHandlersOutputPath).sort();
  const committed = readdirSync(path.join(OUT_DIR, "kernel"))
    .map((f) => `kernel/${f}`)
    .sort();
  t.true(expected.length > 0);
  t.deepEqual(committed, expected);
});

const compileCases: { label: string; ifc: InterfaceModel; dir: string }[] = [
  ...withCommands(bundled).map((ifc) => ({ label: `committed out/kernel: ${ifc.spec.name}`, ifc, dir: OUT_DIR })),
  ...withCommands(bundled).map((ifc) => ({ label: `fresh generation: ${ifc.spec.name}`, ifc, dir: bundledDir })),
  ...withCommands(seeded).map((ifc) => ({ label: `seeded spec: ${ifc.spec.name}`, ifc, dir: seededDir })),
];

for (const { label, ifc, dir } of compileCases) {
  const file = path.join(dir, kernelHandlersOutputPath(ifc));
  const include = path.join(dir, headerIncludeDir(ifc));
  (gcc ? test : test.skip)(
    `gcc -Wall -Wextra -Werror -c against the kernel stubs${gcc ? "" : ` ${noGcc}`}: ${label}`,
    (t) => {
      const r = compileKernelSide(dir, file, include);
      t.true(r.ok, r.output);
    },
  );
  (m32 ? test : test.skip)(
    `gcc -m32 -Wall -Wextra -Werror -c${m32 ? "" : " (skipped: gcc -m32 multilib not installed)"}: ${label}`,
    (t) => {
      const r = compileKernelSide(dir, file, include, ["-m32", ...M32_ISYSTEM]);
      t.true(r.ok, r.output);
    },
  );
}

(gcc ? test : test.skip)(
  `the compile check is live: a handler naming an undeclared variable fails${gcc ? "" : ` ${noGcc}`}`,
  (t) => {
    const ifc = withCommands(seeded)[0]!;
    const dir = scratchDir("kh-broken");
    const text = readFileSync(path.join(seededDir, kernelHandlersOutputPath(ifc)), "utf8");
    t.true(text.includes("sizeof(karg)"));
    writeFileSync(path.join(dir, "broken.c"), text.replace("sizeof(karg)", "sizeof(kargs)"));
    t.false(compileKernelSide(dir, "broken.c", path.join(seededDir, headerIncludeDir(ifc))).ok);
  },
);

/* ------------------------------------------------------------------ */
/* Parity with the decoder                                             */
/* ------------------------------------------------------------------ */

/** What the test knows of a command with a struct argument, on x86_64. */
interface Subject {
  cmd: CommandModel;
  codec: Codec<AnyValue>;
  plan: Plan;
  /** The kernel reads the struct (not `_IOR`, which only writes it). */
  copyIn: boolean;
  growth?: ExtensionContract;
}

type SizedCodec = Codec<AnyValue> & {
  decodeSized?(bytes: Uint8Array, usize?: number, offset?: number, lenient?: CodecWarning[]): AnyValue;
};

/** Commands of an interface whose argument is a struct or union, with the decoder for it. */
function subjects(ifc: InterfaceModel): Subject[] {
  const compiled = compileInterface(ifc, [x86_64]);
  return ifc.commands.flatMap((cmd) => {
    if (cmd.arg?.kind !== "record" || !cmd.arg.record.tag) return [];
    const s = compiled.structs.get(cmd.arg.record.tag)!;
    const growth = cmd.arg.record.inline ? undefined : growthContract(cmd.arg.record.spec);
    return [
      {
        cmd,
        codec: s.abis.x86_64!,
        plan: s.plans.x86_64!,
        copyIn: cmd.spec.dir !== "read",
        ...(growth ? { growth } : {}),
      },
    ];
  });
}

/** The errno a decoder error kind stands for (truncated: the copy faults; too-big: copy_struct_from_user). */
function errnoOf(err: unknown): number {
  if (!(err instanceof CodecError)) throw err;
  const kind: string = err.kind;
  return kind === "truncated" ? EFAULT : kind === "too-big" ? E2BIG : EINVAL;
}

const NOT_FOUND = Symbol("not found");

/**
 * The flow of the member at a decoder's path (`msg.type`, `list[1].tag`) for the command, resolved as the spec
 * defines it (spec/types.ts CommandSpec.flow, FieldSpec.flow): the command's map, else the member's own, else
 * its parent's; anonymous members are looked through.
 */
function flowAt(cmd: CommandModel, r: RecordType, names: string[], prefix = "", inherited?: Flow): Flow | undefined {
  const found = lookup(r.fields, inherited);
  return found === NOT_FOUND ? inherited : found;

  function lookup(fields: FieldModel[], from: Flow | undefined): Flow | undefined | typeof NOT_FOUND {
    for (const f of fields) {
      const t = elementType(f.type);
      if (f.name === undefined) {
        const inner = t.kind === "record" ? lookup(t.record.fields, f.spec.flow ?? from) : NOT_FOUND;
        if (inner !== NOT_FOUND) return inner;
      } else if (f.name === names[0]) {
        const path = prefix ? `${prefix}.${f.name}` : f.name;
        const map = cmd.spec.flow;
        const flow = (map && Object.hasOwn(map, path) ? map[path] : undefined) ?? f.spec.flow ?? from;
        if (names.length === 1 || t.kind !== "record") return flow;
        return flowAt(cmd, t.record, names.slice(1), path, flow);
      }
    }
    return NOT_FOUND;
  }
}

/**
 * The decoder's verdict as the kernel reads the struct for this command: every rule it finds broken counts
 * (collected with `lenient`), except in a member the command only writes (flow `out`), which the kernel never
 * reads; padding always counts.
 */
function readVerdict(s: Subject, decode: (lenient: CodecWarning[]) => unknown): number {
  const warnings: CodecWarning[] = [];
  let thrown: unknown;
  try {
    decode(warnings);
  } catch (err) {
    thrown = err;
  }
  // The handler refuses a caller's size before it reads the struct; decodeSized lists size findings first.
  const size = warnings.find((w) => w.kind === "too-small" || w.kind === "too-big");
  if (size) return size.kind === "too-big" ? E2BIG : EINVAL;
  if (thrown !== undefined) return errnoOf(thrown);
  const record = (s.cmd.arg as CType & { kind: "record" }).record;
  const read = warnings.filter(
    (w) => w.kind === "padding" || flowAt(s.cmd, record, w.field.replace(/\[\d*\]/g, "").split(".")) !== "out",
  );
  return read.length ? EINVAL : 0;
}

/** What the kernel must return for a case, by the decoder (or copy_to_user's rule for a read-only command). */
function expected(s: Subject, c: HarnessCase): number {
  const size = s.codec.size;
  if (!s.copyIn && !s.growth) return c.bytes.length >= size ? 0 : EFAULT;
  if (!s.growth) return readVerdict(s, (lenient) => s.codec.decode(c.bytes, 0, lenient));
  const sized = s.codec as SizedCodec;
  let usize = c.usize;
  if (s.growth.size === "member") {
    // The handler reads the size member first (get_user): a buffer that ends before it faults.
    const m = s.plan.root.fields.find((f) => f.key === s.growth!.member)!.node as { off: number; size: number };
    if (c.bytes.length < m.off + m.size) return EFAULT;
    usize = readUnsigned(c.bytes, m);
  }
  return readVerdict(s, (lenient) => sized.decodeSized!(c.bytes, usize, 0, lenient));
}

/** An unsigned little-endian member (x86_64) of 1, 2, 4 or 8 bytes; above 2^53 it stays above any size. */
function readUnsigned(bytes: Uint8Array, m: { off: number; size: number }): number {
  let v = 0;
  for (let i = m.size - 1; i >= 0; i--) v = v * 256 + bytes[m.off + i]!;
  return v;
}

function writeUnsigned(bytes: Uint8Array, m: { off: number; size: number }, value: number): void {
  for (let i = 0, v = value; i < m.size; i++, v = Math.floor(v / 256)) bytes[m.off + i] = v % 256;
}

/* Case generation: fast-check arbitraries of the bytes a caller may pass. */

/** n bytes: zero, mostly zero, random, or a valid value encoded, with a few bytes poked (so acceptances are common). */
function contentArb(s: Subject, n: number): fc.Arbitrary<Uint8Array> {
  const pokes = (max: number) =>
    fc.array(fc.tuple(fc.nat({ max: Math.max(0, n - 1) }), fc.integer({ min: 1, max: 255 })), { maxLength: max });
  const poked = (b: Uint8Array, list: [number, number][]) => {
    for (const [at, v] of list) if (at < b.length) b[at] = v;
    return b;
  };
  const valid = (seed: number) => {
    const b = new Uint8Array(n);
    try {
      b.set(s.codec.encode(valueFor(s.plan.root, rng(seed))).subarray(0, n));
    } catch {
      // A value the encoder refuses: zeros instead.
    }
    return b;
  };
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(null).map(() => new Uint8Array(n)) },
    { weight: 4, arbitrary: pokes(3).map((list) => poked(new Uint8Array(n), list)) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: n, maxLength: n }) },
    { weight: 4, arbitrary: fc.tuple(fc.integer(), pokes(2)).map(([seed, list]) => poked(valid(seed), list)) },
  );
}

const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/** A fixed-size argument: mostly the exact size, sometimes cut short, sometimes with bytes after it. */
function fixedArb(s: Subject, index: number): fc.Arbitrary<HarnessCase> {
  const size = s.codec.size;
  const bytes = fc.oneof(
    { weight: 8, arbitrary: contentArb(s, size) },
    { weight: 1, arbitrary: fc.tuple(contentArb(s, size), fc.nat({ max: size - 1 })).map(([b, k]) => b.slice(0, k)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(contentArb(s, size), fc.uint8Array({ minLength: 1, maxLength: 16 }))
        .map(([b, more]) => concat(b, more)),
    },
  );
  return bytes.map((b) => ({ index, usize: 0, bytes: b }));
}

/**
 * An extensible argument: a caller's size around the published ones, the struct's bytes cut or zero-extended to
 * it (sometimes a non-zero byte past the kernel's struct), the size member set to it (mostly), and the mapped
 * bytes mostly exactly that long.
 */
function sizedArb(s: Subject, growth: ExtensionContract, index: number): fc.Arbitrary<HarnessCase> {
  const ksize = s.codec.size;
  const min = minimumCallerSize(growth, ksize);
  const usual = [...(growth.versions ?? []).map((v) => v.size), ksize, ksize + 8, ksize + 64, min - 1, 4096, 4097];
  const usize = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...usual.filter((u) => u >= 0)) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 5000 }) },
  );
  const member =
    growth.size === "member"
      ? (s.plan.root.fields.find((f) => f.key === growth.member)!.node as { off: number; size: number })
      : undefined;
  return fc
    .tuple(
      usize,
      contentArb(s, ksize),
      fc.option(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { freq: 4 }),
      fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      fc.oneof(
        { weight: 8, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.integer({ min: -64, max: -1 }) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 16 }) },
      ),
    )
    .map(([u, content, tail, keepMember, lengthDelta]) => {
      const bytes = new Uint8Array(Math.max(0, u + lengthDelta));
      bytes.set(content.subarray(0, Math.min(ksize, bytes.length)));
      if (tail && bytes.length > ksize) bytes[ksize + (tail[0] % (bytes.length - ksize))] = tail[1];
      if (member && keepMember && member.off + member.size <= bytes.length) writeUnsigned(bytes, member, u);
      return { index, usize: growth.size === "ioctl" ? u : 0, bytes };
    });
}

/** The cases of one command, drawn by fast-check with a fixed seed (the same cases every run). */
function casesFor(s: Subject, index: number, runs: number, seed: number): HarnessCase[] {
  const arb = s.growth ? sizedArb(s, s.growth, index) : fixedArb(s, index);
  return fc.sample(arb, { numRuns: runs, seed });
}

const dispatcherName = (ifc: InterfaceModel) => `${ifc.spec.name}_ioctl`;

/** Build the harness for an interface from the kernel side in `dir`. */
function harnessFor(ifc: InterfaceModel, dir: string, kernelText?: string) {
  const work = scratchDir(`kh-${ifc.spec.name}`);
  const kernelFile = path.join(work, "kernel.c");
  const text = kernelText ?? readFileSync(path.join(dir, kernelHandlersOutputPath(ifc)), "utf8");
  writeFileSync(kernelFile, text);
  const sized = (c: CommandModel) =>
    c.arg?.kind === "record" && !c.arg.record.inline && growthContract(c.arg.record.spec)?.size === "ioctl";
  const source = harnessSource(ifc, ifc.commands, text, dispatcherName(ifc), sized);
  return buildHarness(work, source, kernelFile, path.join(dir, headerIncludeDir(ifc)));
}

const parityTargets = [
  ...withCommands(bundled).map((ifc) => ({ ifc, dir: bundledDir, runs: 400 })),
  ...withCommands(seeded).map((ifc) => ({ ifc, dir: seededDir, runs: 1500 })),
];

const runnable = gcc && native;
const why = !gcc ? noGcc : !native ? "(skipped: the harness runs the x86_64 codec natively)" : "";

for (const { ifc, dir, runs } of parityTargets) {
  const checked = subjects(ifc);
  if (checked.length) {
    const total = checked.length * runs;
    (runnable ? test : test.skip)(
      `parity ${ifc.spec.name}: ${checked.length} commands x ${runs} cases (${total}), the handler returns 0 exactly ` +
        `when the x86_64 decoder accepts, else its errno${why ? ` ${why}` : ""}`,
      (t) => {
        const h = harnessFor(ifc, dir);
        t.true(h.ok, h.output);
        const cases = checked.flatMap((s, k) => casesFor(s, ifc.commands.indexOf(s.cmd), runs, 0x15 + k));
        const got = runHarness(h.exe, cases);
        const bySubject = new Map(checked.map((s) => [ifc.commands.indexOf(s.cmd), s]));
        const tally = new Map<string, Map<number, number>>();
        const wrong: string[] = [];
        cases.forEach((c, i) => {
          const s = bySubject.get(c.index)!;
          const want = expected(s, c);
          const per = tally.get(s.cmd.spec.name) ?? new Map<number, number>();
          per.set(got[i]!, (per.get(got[i]!) ?? 0) + 1);
          tally.set(s.cmd.spec.name, per);
          if (got[i] !== want && wrong.length < 10)
            wrong.push(
              `${s.cmd.spec.name} usize ${c.usize} bytes ${Buffer.from(c.bytes).toString("hex")}: ` +
                `handler ${got[i]}, decoder ${want}`,
            );
        });
        for (const [name, per] of tally)
          t.log(
            `${name}: ${[...per]
              .sort((a, b) => b[0] - a[0])
              .map(([r, n]) => `${r}: ${n}`)
              .join(", ")}`,
          );
        t.deepEqual(wrong, []);
        // Both outcomes occur for every command, or the comparison says little.
        for (const [name, per] of tally) {
          t.true((per.get(0) ?? 0) > 0, `${name}: no case accepted`);
          t.true(
            [...per.keys()].some((r) => r !== 0),
            `${name}: no case rejected`,
          );
        }
      },
    );
  }
}

(runnable ? test : test.skip)(`an unknown request number is -ENOTTY${why ? ` ${why}` : ""}`, (t) => {
  for (const { ifc, dir } of parityTargets) {
    const h = harnessFor(ifc, dir);
    t.true(h.ok, h.output);
    const unknown = { index: ifc.commands.length, usize: 0, bytes: new Uint8Array(64) };
    t.deepEqual(runHarness(h.exe, [unknown]), [ENOTTY], ifc.spec.name);
  }
});

/** Handlers with one thing cut or changed, and the command whose cases must then disagree with the decoder. */
const MUTANTS = [
  {
    what: "without its validator call",
    command: "KH_SET",
    from: "\tif (!kh_set_arg_is_valid(&karg))\n\t\treturn -EINVAL;\n",
    to: "",
  },
  {
    what: "without its padding test",
    command: "KH_SET",
    from: "\tif (memchr_inv(&rest, 0, sizeof(rest)))\n\t\treturn false;\n",
    to: "",
  },
  {
    what: "without its flags test",
    command: "KH_SET",
    from: "\tif (arg->wide & ~(__u64)KH_WIDE_ALL)\n\t\treturn false;\n",
    to: "",
  },
  {
    what: "checking members the command only writes",
    command: "KH_QUERY",
    from: "if (!kh_query_arg_is_valid(&karg))",
    to: "if (!kh_set_arg_is_valid(&karg))",
  },
];

for (const { what, command, from, to } of MUTANTS)
  (runnable ? test : test.skip)(
    `the parity check can fail: a handler ${what} disagrees${why ? ` ${why}` : ""}`,
    (t) => {
      const ifc = withCommands(seeded).find((i) => i.spec.name === "kh")!;
      const text = readFileSync(path.join(seededDir, kernelHandlersOutputPath(ifc)), "utf8");
      t.true(text.includes(from));
      const h = harnessFor(ifc, seededDir, text.replaceAll(from, to));
      t.true(h.ok, h.output);
      const s = subjects(ifc).find((x) => x.cmd.spec.name === command)!;
      const cases = casesFor(s, ifc.commands.indexOf(s.cmd), 1500, 0x15);
      const got = runHarness(h.exe, cases);
      const disagreements = cases.filter((c, i) => got[i] !== expected(s, c)).length;
      t.log(`${disagreements} of ${cases.length} cases disagree`);
      t.true(disagreements > 0);
    },
  );
