/*
 * decodeSized: the codec of a struct that may grow reads a caller's buffer of any size as the kernel side does,
 * copy_struct_from_user() (include/linux/uaccess.h) behind its callers' guards (kernel-rules.md §5.4 rules 52-53).
 * Every expected outcome comes from an oracle written here over bytes -- the rules in the order runtime/README.md
 * states them, struct sizes from C's layout rules and minimum sizes from the spec text below, never from the code
 * under test -- and a decoded value is compared with `decode` of the oracle's zero-filled buffer (decode itself is
 * tested elsewhere).  The seeded spec has one extensible struct per way the size travels (member, argument, ioctl)
 * with versions, flags, an enum, reserved members and padding; the bundled openat2/clone3 structs run through the
 * committed modules in out/codecs/.
 */
import test, { type ExecutionContext } from "ava";
import fc from "fast-check";
import { deepStrictEqual, strictEqual } from "node:assert";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { OUT_DIR } from "../core/paths.js";
import type { Plan } from "../generators/codec-plan.js";
import { compileInterface, type AnyValue } from "../generators/codec-compile.js";
import { codecGenerator } from "../generators/codecs.js";
import { produceFiles } from "../generators/write-out.js";
import { abiById } from "../spec/abis.js";
import { exampleSpecFiles, loadSpecFiles, loadSpecText } from "../spec/load.js";
import type { Bytes, Codec, CodecWarning } from "../runtime/index.js";
import { rng, valueFor } from "./codec-support.js";
import { scratchDir, writeTree } from "./header-support.js";

/** Property runs per codec flavour. */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 100) * 20;
/** The kernel's guard: callers refuse sizes above a page (sched_setattr, clone3, openat2 use PAGE_SIZE). */
const PAGE = 4096;

const SPEC = `name: ext
doc: seeded extensible structs
interfaces:
  - name: ext
    doc: seeded
    header: linux/ext.h
    flags:
      - name: ext_flags
        width: 32
        doc: d
        bits:
          - { name: EXT_A, bit: 0, doc: d }
          - { name: EXT_B, bit: 1, doc: d }
          - { name: EXT_C, bit: 2, doc: d, reserved: true }
    enums:
      - name: ext_mode
        doc: d
        values:
          - { name: EXT_MODE_X, value: 0, doc: d }
          - { name: EXT_MODE_Y, value: 1, doc: d }
          - { name: EXT_MODE_Z, value: 2, doc: d }
    structs:
      - name: ext_member
        doc: d
        extensible:
          size: member
          member: size
          versions:
            - { name: EXT_MEMBER_SIZE_VER0, size: 16 }
            - { name: EXT_MEMBER_SIZE_VER1, size: 24 }
        fields:
          - { name: size, type: __u32, doc: d }
          - { name: flags, type: __u32, flags: ext_flags, doc: d }
          - { name: handle, type: __aligned_u64, doc: d }
          - { name: mode, type: __u32, enum: ext_mode, doc: d }
          - { name: reserved, type: __u32, reserved: true, doc: d }
          - { name: extra, type: __aligned_u64, doc: d }
      - name: ext_member64
        doc: d
        extensible:
          size: member
          member: size
          versions:
            - { name: EXT_MEMBER64_SIZE_VER0, size: 16 }
        fields:
          - { name: size, type: __aligned_u64, doc: d }
          - { name: flags, type: __u32, flags: ext_flags, doc: d }
          - { name: pad, type: __u32, padding: true, doc: d }
          - { name: data, type: __aligned_u64, doc: d }
      - name: ext_arg
        doc: d
        extensible:
          size: argument
          versions:
            - { name: EXT_ARG_SIZE_VER0, size: 8 }
            - { name: EXT_ARG_SIZE_VER1, size: 16 }
        fields:
          - { name: flags, type: __u32, flags: ext_flags, doc: d }
          - name: unchecked
            type: __u32
            reserved: true
            mustBeZero: false
            doc: d
            special: [{ name: EXT_UNCHECKED_LEGACY, value: 7, doc: d }]
          - { name: value, type: __aligned_u64, doc: d }
          - { name: tail, type: __u8, array: 8, reserved: true, doc: d }
      - name: ext_ioctl
        doc: d
        extensible: { size: ioctl }
        fields:
          - { name: a, type: __u16, doc: d }
          - { name: b, type: __u32, doc: d }
          - { name: c, type: unsigned long, doc: d }
      - name: ext_fixed
        doc: d
        extensible: { size: none }
        fields:
          - { name: a, type: __u32, doc: d }
      - name: ext_plain
        doc: d
        fields:
          - { name: a, type: __u32, doc: d }
`;

/** Little- and big-endian, LP64 and ILP32, and m68k's 2-byte alignment. */
const ABIS = ["x86_64", "ppc64", "i386", "m68k"] as const;
type Abi = (typeof ABIS)[number];
const LITTLE: Record<Abi, boolean> = { x86_64: true, ppc64: false, i386: true, m68k: false };
const every = (n: number): Record<Abi, number> => ({ x86_64: n, ppc64: n, i386: n, m68k: n });

/** What the test knows about a struct, from C's layout rules and the spec text. */
interface Facts {
  size: "member" | "argument" | "ioctl";
  /** sizeof on each ABI. */
  ksize: Record<Abi, number>;
  /** The smallest caller's size the kernel takes: the first version's, or sizeof when none is published. */
  minimum: Record<Abi, number>;
  versions: Record<string, number>;
  /** With `size: member`: where the member is (an unsigned integer in the ABI's byte order). */
  member?: { name: string; at: number; width: 4 | 8 };
}

const FACTS: Record<string, Facts> = {
  // __u32 size, __u32 flags, __aligned_u64 handle at 8, __u32 mode at 16, __u32 reserved at 20, __aligned_u64
  // extra at 24: 32 bytes everywhere.
  ext_member: {
    size: "member",
    ksize: every(32),
    minimum: every(16),
    versions: { EXT_MEMBER_SIZE_VER0: 16, EXT_MEMBER_SIZE_VER1: 24 },
    member: { name: "size", at: 0, width: 4 },
  },
  // __aligned_u64 size, __u32 flags at 8, __u32 pad at 12, __aligned_u64 data at 16: 24 bytes everywhere.
  ext_member64: {
    size: "member",
    ksize: every(24),
    minimum: every(16),
    versions: { EXT_MEMBER64_SIZE_VER0: 16 },
    member: { name: "size", at: 0, width: 8 },
  },
  // __u32 flags, __u32 unchecked, __aligned_u64 value at 8, __u8 tail[8] at 16: 24 bytes everywhere.
  ext_arg: {
    size: "argument",
    ksize: every(24),
    minimum: every(8),
    versions: { EXT_ARG_SIZE_VER0: 8, EXT_ARG_SIZE_VER1: 16 },
  },
  // __u16 a; __u32 b at 4 (2 on m68k, which aligns it to 2); unsigned long c at 8 (8 bytes on LP64, 4 on i386),
  // at 6 on m68k: 16, 16, 12 and 10 bytes, and no published version, so the minimum is sizeof itself.
  ext_ioctl: {
    size: "ioctl",
    ksize: { x86_64: 16, ppc64: 16, i386: 12, m68k: 10 },
    minimum: { x86_64: 16, ppc64: 16, i386: 12, m68k: 10 },
    versions: {},
  },
};

const model = loadSpecText("ext.yaml", SPEC);
const ifc = model.interfaces[0]!;
const compiled = compileInterface(
  ifc,
  ABIS.map((a) => abiById(a)!),
);
type AnyCodec = Codec<AnyValue>;
const compiledCodec = (tag: string, abi: Abi): AnyCodec => compiled.structs.get(tag)!.abis[abi]!;
const planOf = (tag: string, abi: Abi): Plan => compiled.structs.get(tag)!.plans[abi]!;

/** The seeded spec's static modules (JavaScript, with a copy of the runtime), imported as a project would. */
async function staticModule(): Promise<Record<string, Record<string, Record<string, AnyCodec>>>> {
  const dir = scratchDir("codec-extensible");
  writeTree(dir, produceFiles([model], [codecGenerator], { runtime: "vendor", codecs: "js" }));
  writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
  return import(pathToFileURL(path.join(dir, "codecs", "ext.mjs")).href);
}

/* ------------------------------------------------------------------ */
/* The oracle                                                          */
/* ------------------------------------------------------------------ */

/** A finding as the test expects it: kind, member and offset. */
interface Finding {
  kind: string;
  field: string;
  offset: number;
}

type Expected = { error: Finding } | { bytes: Uint8Array; warnings: Finding[] };

/**
 * copy_struct_from_user() and its callers' guards, over the caller's bytes `buf` at `offset`: the error, or the
 * ksize bytes the kernel would see (short buffers zero-extended) and, lenient, the findings it would have refused.
 */
function oracle(
  facts: Facts,
  abi: Abi,
  buf: Uint8Array,
  offset: number,
  usize: number | undefined,
  lenient: boolean,
): Expected {
  const ksize = facts.ksize[abi];
  let size: number;
  let field = "";
  let where = 0;
  if (usize !== undefined) size = usize;
  else if (facts.member) {
    const m = facts.member;
    if (offset + m.at + m.width > buf.length) return { error: { kind: "truncated", field: m.name, offset: m.at } };
    const b = Array.from({ length: m.width }, (_, i) => buf[offset + m.at + i]!);
    const ordered = LITTLE[abi] ? b.reverse() : b;
    size = ordered.reduce((acc, x) => acc * 256 + x, 0);
    field = m.name;
    where = m.at;
  } else return { error: { kind: "type", field: "", offset: 0 } };
  const warnings: Finding[] = [];
  if (size < facts.minimum[abi]) {
    const f = { kind: "too-small", field, offset: where };
    if (!lenient) return { error: f };
    warnings.push(f);
  }
  if (size > PAGE) {
    const f = { kind: "too-big", field, offset: where };
    if (!lenient) return { error: f };
    warnings.push(f);
  }
  // check_zeroed_user() reads the tail before the struct is copied: a non-zero byte inside the caller's buffer is
  // -E2BIG before the copy can fault on a buffer shorter than usize.
  for (let i = ksize; i < size && offset + i < buf.length; i++) {
    if (buf[offset + i] !== 0) {
      const f = { kind: "too-big", field: "", offset: i };
      if (!lenient) return { error: f };
      warnings.push(f);
      break;
    }
  }
  if (offset + size > buf.length) return { error: { kind: "truncated", field: "", offset: 0 } };
  const bytes = new Uint8Array(ksize);
  for (let i = 0; i < Math.min(size, ksize); i++) bytes[i] = buf[offset + i]!;
  return { bytes, warnings };
}

/** What a call did, comparable across two copies of the runtime (their CodecError classes differ). */
function outcome(run: () => unknown): { value: unknown } | { error: Finding & { name: unknown; message: unknown } } {
  try {
    return { value: run() };
  } catch (e) {
    const x = e as Record<string, unknown>;
    return {
      error: {
        name: x.name,
        message: x.message,
        kind: x.kind as string,
        field: x.field as string,
        offset: x.offset as number,
      },
    };
  }
}

const finding = (w: CodecWarning | Finding): Finding => ({ kind: w.kind, field: w.field, offset: w.offset });

/** A finding for the tally: "too-big" split into the size's (above a page) and the tail's (a non-zero byte). */
const label = (f: Finding, ksize: number) =>
  f.kind !== "too-big" ? f.kind : f.field === "" && f.offset >= ksize ? "too-big: tail" : "too-big: size";

/** One call of decodeSized against the oracle; returns what happened, as tags for the tally. */
function compare(
  codec: AnyCodec,
  facts: Facts,
  abi: Abi,
  input: Bytes,
  buf: Uint8Array,
  offset: number,
  usize: number | undefined,
  lenient: boolean,
): string[] {
  const expected = oracle(facts, abi, buf, offset, usize, lenient);
  const warnings: CodecWarning[] = [];
  const got = outcome(() => codec.decodeSized!(input, usize, offset, lenient ? warnings : undefined));
  if ("error" in expected) {
    deepStrictEqual("error" in got ? finding(got.error) : got, expected.error);
    strictEqual((got as { error: { name: unknown } }).error.name, "CodecError");
    return [label(expected.error, facts.ksize[abi])];
  }
  const decodeWarnings: CodecWarning[] = [];
  const want = outcome(() => codec.decode(expected.bytes, 0, lenient ? decodeWarnings : undefined));
  deepStrictEqual(got, want);
  deepStrictEqual(warnings.slice(0, expected.warnings.length).map(finding), expected.warnings);
  deepStrictEqual(warnings.slice(expected.warnings.length), decodeWarnings);
  const tags = ["error" in want ? `rule: ${want.error.kind}` : "decoded"];
  if (buf.length - offset < facts.ksize[abi] || (usize ?? facts.ksize[abi]) < facts.ksize[abi]) tags.push("short");
  if (buf.length - offset > facts.ksize[abi]) tags.push("long");
  for (const w of expected.warnings) tags.push(`warning: ${label(w, facts.ksize[abi])}`);
  for (const w of decodeWarnings) tags.push(`warning: ${w.kind}`);
  return tags;
}

/** One random call: a valid struct value encoded, then cut, extended, corrupted and placed as a caller would. */
interface Call {
  abi: Abi;
  seed: number;
  corrupt: number;
  corruptAt: number;
  corruptBits: number;
  usize: number;
  tail: number | null;
  tailByte: number;
  garbage: boolean;
  slack: number;
  offset: number;
  view: boolean;
  lenient: boolean;
  /** `size: member`: the member holds usize ("match"), usize is passed ("explicit"), or the member is random. */
  memberMode: "match" | "explicit" | "random";
}

const call = (abis: readonly Abi[]): fc.Arbitrary<Call> =>
  fc.record({
    abi: fc.constantFrom(...abis),
    seed: fc.integer(),
    corrupt: fc.nat(1),
    corruptAt: fc.nat(),
    corruptBits: fc.integer({ min: 1, max: 255 }),
    usize: fc.oneof(
      { weight: 5, arbitrary: fc.nat(100) },
      { weight: 2, arbitrary: fc.nat(5000) },
      { weight: 1, arbitrary: fc.constantFrom(0, PAGE - 1, PAGE, PAGE + 1, 5000) },
    ),
    tail: fc.option(fc.nat(), { nil: null }),
    tailByte: fc.integer({ min: 1, max: 255 }),
    garbage: fc.boolean(),
    slack: fc.oneof({ weight: 5, arbitrary: fc.nat(8) }, { weight: 1, arbitrary: fc.integer({ min: -4, max: -1 }) }),
    offset: fc.nat(9),
    view: fc.boolean(),
    lenient: fc.boolean(),
    memberMode: fc.constantFrom("match", "explicit", "random"),
  });

/** Builds the caller's buffer for `c` and compares decodeSized with the oracle on it. */
function runCall(codec: AnyCodec, plan: Plan, facts: Facts, c: Call): string[] {
  const ksize = facts.ksize[c.abi];
  const region = new Uint8Array(Math.max(ksize, c.usize) + 8);
  region.set(codec.encode<Uint8Array>(valueFor(plan.root, rng(c.seed))));
  // Half the time one byte of the struct is wrong (a flag, an enum value, a reserved or padding byte, or harmless).
  if (c.corrupt === 0) region[c.corruptAt % ksize] ^= c.corruptBits;
  const m = facts.member;
  if (m && c.memberMode === "match") {
    if (m.width === 4) new DataView(region.buffer).setUint32(m.at, c.usize, LITTLE[c.abi]);
    else new DataView(region.buffer).setBigUint64(m.at, BigInt(c.usize), LITTLE[c.abi]);
  }
  if (c.tail !== null && c.usize > ksize) region[ksize + (c.tail % (c.usize - ksize))] = c.tailByte;
  // Bytes past the caller's size (a short caller's included) are none of the kernel's business.
  if (c.garbage) region.fill(0xa5, c.usize);
  // The caller's bytes at `offset` in a buffer that itself starts 3 bytes into its ArrayBuffer, cut at usize + slack.
  const backing = new Uint8Array(3 + c.offset + region.length);
  backing.fill(0x5a);
  backing.set(region, 3 + c.offset);
  const buf = backing.subarray(3, 3 + Math.max(0, c.offset + c.usize + c.slack));
  const input = c.view ? new DataView(buf.buffer, buf.byteOffset, buf.byteLength) : buf;
  const usize = m && c.memberMode !== "explicit" ? undefined : c.usize;
  return compare(codec, facts, c.abi, input, buf, c.offset, usize, c.lenient);
}

/** Every outcome a property must have met, so a generator that stopped reaching one fails the test. */
const OUTCOMES = [
  "too-small",
  "too-big: size",
  "too-big: tail",
  "truncated",
  "decoded",
  "short",
  "long",
  "warning: too-small",
  "warning: too-big: size",
  "warning: too-big: tail",
  "rule: flags | warning: flags",
];

/** Runs the property `runs` times over random calls, tallying the outcomes; each of `must` must have happened. */
function property(
  t: ExecutionContext,
  what: string,
  calls: fc.Arbitrary<[string, Call]>,
  run: (tag: string, c: Call) => string[],
  must: readonly string[],
): void {
  const tally = new Map<string, number>();
  fc.assert(
    fc.property(calls, ([tag, c]) => {
      for (const o of run(tag, c)) tally.set(o, (tally.get(o) ?? 0) + 1);
    }),
    { numRuns: RUNS },
  );
  const counts = [...tally].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k} ${n}`);
  t.log(`${what}, ${RUNS} runs: ${counts.join(", ")}`);
  // "a | b": one of them.  Rare outcomes need enough runs to be met for sure (PROPERTY_RUNS=50 and up).
  if (RUNS < 1000) return;
  for (const o of must)
    t.true(
      o.split(" | ").some((x) => (tally.get(x) ?? 0) > 0),
      `${what}: no run ended "${o}"`,
    );
}

/** The property over the seeded structs, for one way of building the codecs. */
function seededProperty(t: ExecutionContext, what: string, codecOf: (tag: string, abi: Abi) => AnyCodec): void {
  property(
    t,
    what,
    fc.tuple(fc.constantFrom(...Object.keys(FACTS)), call(ABIS)),
    (tag, c) => runCall(codecOf(tag, c.abi), planOf(tag, c.abi), FACTS[tag]!, c),
    [
      ...OUTCOMES,
      "rule: reserved | warning: reserved",
      "rule: enum | warning: enum",
      "rule: padding | warning: padding",
    ],
  );
}

test(`decodeSized follows copy_struct_from_user() on random callers, run-time compiled codecs (${RUNS} runs)`, (t) => {
  seededProperty(t, "compiled", compiledCodec);
  t.pass();
});

test(`decodeSized follows copy_struct_from_user() on random callers, static .mjs modules (${RUNS} runs)`, async (t) => {
  const mod = await staticModule();
  t.deepEqual(Object.keys(mod.CODECS!).sort(), [
    "ext_arg",
    "ext_fixed",
    "ext_ioctl",
    "ext_member",
    "ext_member64",
    "ext_plain",
  ]);
  seededProperty(t, "static", (tag, abi) => mod.CODECS![tag]![abi]!);
  t.pass();
});

/* ------------------------------------------------------------------ */
/* The bundled openat2 and clone3 structs, through out/codecs/           */
/* ------------------------------------------------------------------ */

const bundled = loadSpecFiles(exampleSpecFiles());
const syscalls = bundled.flatMap((m) => m.interfaces).find((i) => i.spec.name === "linux_syscalls")!;
const bundledPlans = compileInterface(
  syscalls,
  ABIS.map((a) => abiById(a)!),
);

/**
 * openat2's struct open_how is 24 bytes (OPEN_HOW_SIZE_VER0, include/uapi/linux/openat2.h), clone3's clone_args
 * 88 (CLONE_ARGS_SIZE_VER2, include/uapi/linux/sched.h), on every ABI; the minimum is the first version the spec
 * publishes, or sizeof while it publishes none.
 */
function bundledFacts(tag: "open_how" | "clone_args"): Facts {
  const ksize = tag === "open_how" ? 24 : 88;
  const spec = syscalls.records.find((r) => r.tag === tag)!.spec as { extensible?: { versions?: { size: number }[] } };
  const first = spec.extensible?.versions?.[0]?.size;
  return { size: "argument", ksize: every(ksize), minimum: every(first ?? ksize), versions: {} };
}

test(`out/codecs/linux_syscalls.mjs and tsc's .js: open_how and clone_args sized (${RUNS} runs each)`, async (t) => {
  const mjs = await import(pathToFileURL(path.join(OUT_DIR, "codecs", "linux_syscalls.mjs")).href);
  const js = await import("../out/codecs/linux_syscalls.js");
  // Typed: a struct with a growth contract has decodeSized, no `!` needed.
  const typed: (b: Uint8Array, usize: number) => { resolve: bigint } = (b, usize) =>
    js.open_how.x86_64!.decodeSized(b, usize);
  t.is(typed(new Uint8Array(32), 32).resolve, 0n);
  for (const [name, mod] of [
    ["mjs", mjs],
    ["js", js],
  ] as const) {
    for (const tag of ["open_how", "clone_args"] as const) {
      const facts = bundledFacts(tag);
      const codecs = (mod.CODECS as Record<string, Record<string, AnyCodec>>)[tag]!;
      for (const abi of ABIS) t.is(codecs[abi]!.growth?.size, "argument", `${name} ${tag} ${abi}`);
      property(
        t,
        `${name} ${tag}`,
        fc.tuple(fc.constant(tag), call(ABIS)),
        (_, c) => runCall(codecs[c.abi]!, bundledPlans.structs.get(tag)!.plans[c.abi]!, facts, c),
        // open_how's resolve word has a flag set; clone_args has no rule a corrupted byte could break.
        OUTCOMES.filter((o) => tag === "open_how" || !o.includes("flags")),
      );
    }
  }
});

/* ------------------------------------------------------------------ */
/* Each rule on its own                                                 */
/* ------------------------------------------------------------------ */

/** ext_member bytes with the size member set, flags EXT_A, handle 0x1122, mode Z, extra 7. */
function memberBytes(abi: Abi, size: number, length = 32): Uint8Array {
  const b = new Uint8Array(length);
  const v = new DataView(b.buffer);
  const le = LITTLE[abi];
  v.setUint32(0, size, le);
  v.setUint32(4, 1, le);
  v.setBigUint64(8, 0x1122n, le);
  v.setUint32(16, 2, le);
  if (length >= 32) v.setBigUint64(24, 7n, le);
  return b;
}

function throwsKind(t: ExecutionContext, run: () => unknown, kind: string, field?: string, offset?: number) {
  const r = outcome(run);
  t.true("error" in r, `expected a ${kind} error, got a value`);
  if (!("error" in r)) return;
  t.is(r.error.name, "CodecError");
  t.is(r.error.kind, kind, String(r.error.message));
  if (field !== undefined) t.is(r.error.field, field, String(r.error.message));
  if (offset !== undefined) t.is(r.error.offset, offset, String(r.error.message));
}

test("size: member -- usize defaults to the member's value in the caller's bytes, in either byte order", (t) => {
  for (const abi of ["x86_64", "ppc64"] as const) {
    const c = compiledCodec("ext_member", abi);
    t.deepEqual(
      { ...c.growth!, versions: { ...c.growth!.versions } },
      {
        size: "member",
        member: "size",
        minimum: 16,
        versions: { EXT_MEMBER_SIZE_VER0: 16, EXT_MEMBER_SIZE_VER1: 24 },
      },
    );
    // The whole struct: every member as written.
    t.deepEqual(c.decodeSized!(memberBytes(abi, 32)), {
      size: 32,
      flags: 1,
      handle: 0x1122n,
      mode: 2,
      reserved: 0,
      extra: 7n,
    });
    // VER0 (16 bytes): mode, reserved and extra are not the caller's, whatever the buffer holds past 16.
    const ver0 = memberBytes(abi, 16);
    ver0.fill(0xff, 16);
    t.deepEqual(c.decodeSized!(ver0), { size: 16, flags: 1, handle: 0x1122n, mode: 0, reserved: 0, extra: 0n });
    // A newer caller's 40 bytes with a zero tail; a non-zero tail byte is -E2BIG at its offset.
    const newer = memberBytes(abi, 40, 40);
    t.is(c.decodeSized!(newer).extra, 7n);
    newer[37] = 1;
    throwsKind(t, () => c.decodeSized!(newer), "too-big", "", 37);
    // The size read is reported at the member: 15 is below VER0; 4097 above a page.
    throwsKind(t, () => c.decodeSized!(memberBytes(abi, 15)), "too-small", "size", 0);
    throwsKind(t, () => c.decodeSized!(memberBytes(abi, PAGE + 1)), "too-big", "size", 0);
    // The member must be inside the bytes given.
    throwsKind(t, () => c.decodeSized!(memberBytes(abi, 32).subarray(0, 3)), "truncated", "size");
    throwsKind(t, () => c.decodeSized!(memberBytes(abi, 32), undefined, 30), "truncated", "size");
    // An explicit usize wins over the member (which is then just a member).
    t.is(c.decodeSized!(memberBytes(abi, 9999), 24).size, 9999);
    t.is(c.decodeSized!(memberBytes(abi, 9999), 24).extra, 0n);
    // At an offset, in a DataView.
    const placed = new Uint8Array(40);
    placed.set(memberBytes(abi, 24), 5);
    t.is(c.decodeSized!(new DataView(placed.buffer), undefined, 5).mode, 2);
    // A __u64 size member: read whole, so a high half that is not zero is far above a page.
    const c64 = compiledCodec("ext_member64", abi);
    const b64 = new Uint8Array(24);
    const v64 = new DataView(b64.buffer);
    v64.setBigUint64(0, 24n, LITTLE[abi]);
    v64.setBigUint64(16, 9n, LITTLE[abi]);
    t.deepEqual(c64.decodeSized!(b64), { size: 24n, flags: 0, pad: 0, data: 9n });
    v64.setBigUint64(0, (1n << 32n) | 24n, LITTLE[abi]);
    throwsKind(t, () => c64.decodeSized!(b64), "too-big", "size", 0);
    v64.setBigUint64(0, 16n, LITTLE[abi]);
    t.is(c64.decodeSized!(b64).data, 0n);
    throwsKind(t, () => c64.decodeSized!(b64.subarray(0, 7)), "truncated", "size");
  }
});

test("size: argument or ioctl -- usize is required, a non-negative integer number", (t) => {
  for (const tag of ["ext_arg", "ext_ioctl"]) {
    const c = compiledCodec(tag, "x86_64");
    t.is(c.growth!.size, FACTS[tag]!.size);
    t.is(c.growth!.member, undefined);
    t.false("member" in c.growth!);
    const bytes = new Uint8Array(64);
    t.notThrows(() => c.decodeSized!(bytes, c.size));
    throwsKind(t, () => c.decodeSized!(bytes), "type", "", 0);
    for (const bad of [-1, 1.5, NaN, Infinity, 8n, "8", null])
      throwsKind(t, () => c.decodeSized!(bytes, bad as number), "type", "", 0);
  }
  // Without versions the minimum is sizeof on that ABI: 16 on x86_64, 10 on m68k.
  const x = compiledCodec("ext_ioctl", "x86_64");
  const m = compiledCodec("ext_ioctl", "m68k");
  t.is(x.growth!.minimum, 16);
  t.is(m.growth!.minimum, 10);
  throwsKind(t, () => x.decodeSized!(new Uint8Array(16), 15), "too-small");
  t.notThrows(() => m.decodeSized!(new Uint8Array(16), 10));
  throwsKind(t, () => m.decodeSized!(new Uint8Array(16), 9), "too-small");
});

test("truncated: fewer than usize bytes at the offset, or a bad offset, throws in strict and lenient mode", (t) => {
  const c = compiledCodec("ext_arg", "i386");
  for (const lenient of [undefined, [] as CodecWarning[]]) {
    throwsKind(t, () => c.decodeSized!(new Uint8Array(15), 16, 0, lenient), "truncated", "", 0);
    throwsKind(t, () => c.decodeSized!(new Uint8Array(40), 33, 8, lenient), "truncated", "", 0);
    // usize < ksize needs only usize bytes; usize > ksize needs all of them.
    t.notThrows(() => c.decodeSized!(new Uint8Array(16), 16, 0, lenient));
    t.notThrows(() => c.decodeSized!(new Uint8Array(40), 32, 8, lenient));
    for (const offset of [-1, 1.5, 2 ** 32, 1n])
      throwsKind(t, () => c.decodeSized!(new Uint8Array(64), 24, offset as number, lenient), "truncated");
    throwsKind(t, () => c.decodeSized!([] as unknown as Uint8Array, 24, 0, lenient), "type");
  }
  // A detached buffer has no bytes.
  const bytes = new Uint8Array(24);
  structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
  throwsKind(t, () => c.decodeSized!(bytes, 24), "truncated");
});

test("lenient mode: size findings are warnings before decode's own, short callers are zero-filled", (t) => {
  const c = compiledCodec("ext_member", "x86_64");
  // Size 12 (below VER0), flags with the reserved bit EXT_C, a non-zero byte in the tail of a 40-byte caller.
  const short = memberBytes("x86_64", 12);
  short[4] = 0b101;
  const w1: CodecWarning[] = [];
  // Bytes 8..11 are the caller's: the low half of handle (little-endian) is kept.
  t.deepEqual(c.decodeSized!(short, undefined, 0, w1), {
    size: 12,
    flags: 5,
    handle: 0x1122n,
    mode: 0,
    reserved: 0,
    extra: 0n,
  });
  t.deepEqual(
    w1.map((w) => [w.kind, w.field, w.offset]),
    [
      ["too-small", "size", 0],
      ["flags", "flags", 4],
    ],
  );
  const long = memberBytes("x86_64", 5000, 5000);
  long[4095] = 9;
  const w2: CodecWarning[] = [];
  t.is(c.decodeSized!(long, undefined, 0, w2).extra, 7n);
  t.deepEqual(
    w2.map((w) => [w.kind, w.field, w.offset]),
    [
      ["too-big", "size", 0],
      ["too-big", "", 4095],
    ],
  );
  t.regex(w2[1]!.reason, /byte 4095 is not/);
  // Strict, the first finding throws.
  throwsKind(t, () => c.decodeSized!(long), "too-big", "size", 0);
  long.subarray(0, 4).set([40, 0, 0, 0]);
  t.notThrows(() => c.decodeSized!(long));
  long[39] = 1;
  throwsKind(t, () => c.decodeSized!(long), "too-big", "", 39);
});

test("mustBeZero: false -- the codec takes any value in a reserved member the kernel leaves unchecked", (t) => {
  for (const abi of ABIS) {
    const c = compiledCodec("ext_arg", abi);
    const le = LITTLE[abi];
    const bytes = new Uint8Array(24);
    new DataView(bytes.buffer).setUint32(4, 0xdeadbeef, le);
    t.is(c.decode(bytes).unchecked, 0xdeadbeef);
    t.is(c.decodeSized!(bytes, 24).unchecked, 0xdeadbeef);
    const w: CodecWarning[] = [];
    c.decode(bytes, 0, w);
    t.deepEqual(w, []);
    // Encode writes it as given, and still takes the value without it (zero).
    const value = { flags: 3, unchecked: 0x12345678, value: 5n, tail: new Uint8Array(8) };
    t.is(new DataView(c.encode(value).buffer).getUint32(4, le), 0x12345678);
    const without = { flags: 3, value: 5n, tail: new Uint8Array(8) };
    const into = new Uint8Array(24).fill(0xee);
    c.encode(without, into);
    t.is(new DataView(into.buffer).getUint32(4, le), 0);
    // Its special value keeps its name for the CLI (a must-be-zero member has none).
    const plan = planOf("ext_arg", abi);
    const node = plan.root.fields.find((f) => f.key === "unchecked")!.node;
    t.deepEqual(node.k === "int" ? node.names?.specials : undefined, [{ name: "EXT_UNCHECKED_LEGACY", value: 7n }]);
    // The default still holds next door: tail[] is reserved (must be zero), as is ext_member.reserved.
    bytes[19] = 1;
    throwsKind(t, () => c.decode(bytes), "reserved", "tail");
    throwsKind(t, () => c.encode({ ...value, tail: new Uint8Array(8).fill(1) }), "reserved", "tail");
    const m = compiledCodec("ext_member", abi);
    const mb = memberBytes(abi, 32);
    mb[21] = 1;
    throwsKind(t, () => m.decode(mb), "reserved", "reserved");
    throwsKind(t, () => m.decodeSized!(mb), "reserved", "reserved");
  }
});

test("only structs with a growth contract have growth and decodeSized (seeded and bundled specs)", async (t) => {
  const mod = await staticModule();
  for (const tag of ["ext_fixed", "ext_plain"]) {
    for (const abi of ABIS) {
      for (const c of [compiledCodec(tag, abi), mod.CODECS![tag]![abi]!]) {
        t.false("growth" in c, `${tag} ${abi}`);
        t.false("decodeSized" in c, `${tag} ${abi}`);
      }
    }
  }
  for (const tag of Object.keys(FACTS))
    for (const abi of ABIS) {
      const growth = mod.CODECS![tag]![abi]!.growth!;
      t.deepEqual(
        { size: growth.size, minimum: growth.minimum, versions: { ...growth.versions } },
        { size: FACTS[tag]!.size, minimum: FACTS[tag]!.minimum[abi], versions: FACTS[tag]!.versions },
      );
      t.true(Object.isFrozen(growth) && Object.getPrototypeOf(growth.versions) === null);
    }
  // Every bundled struct: the property exactly where the spec says the size travels somewhere.
  let sized = 0;
  for (const m of bundled)
    for (const i of m.interfaces) {
      const made = compileInterface(i, [abiById("x86_64")!]);
      for (const r of i.records) {
        const size = (r.spec as { extensible?: { size: string } }).extensible?.size;
        const c = made.structs.get(r.tag ?? "")?.abis.x86_64;
        if (!c) continue;
        const grows = size !== undefined && size !== "none";
        t.is("decodeSized" in c, grows, `${i.spec.name} ${r.tag}`);
        if (grows) sized++;
      }
    }
  t.true(sized >= 2, `${sized} bundled structs with a growth contract (open_how, clone_args)`);
});
