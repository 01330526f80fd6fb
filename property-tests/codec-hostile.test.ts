/*
 * Hostile input to the codecs, the codec runtime and the codec commands:
 * every failure of a codec is a CodecError naming
 * struct, member and offset; unsafe integers are kept exact or refused;
 * a union value gives exactly one member; hex is parsed strictly; @FILE and
 * stdin are capped; huge structs and deep JSON do not exhaust the stack;
 * `__proto__` and `constructor` are ordinary names; `uapi ioctl` refuses
 * malformed numbers with exit 2.
 *
 * Expected values are written by hand, never computed by the code under
 * test: struct iio_buffer_block's layout is seed-uapi.md's (__u32 id, size,
 * bytes_used, type, flags at 0..16; union { __u32 offset; } data at 20;
 * __u64 timestamp at 24; flags bits 0 and 1 in v1), small inline structs
 * follow C's alignment rules, byte images and request numbers are written
 * out in the test, offsets in hex strings are counted in the test's own
 * input.
 */
import test from "ava";
import fc from "fast-check";
import ts from "typescript";
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { main } from "../cli/main.js";
import { bufferIo } from "../cli/io.js";
import { abiById } from "../spec/abis.js";
import { exampleSpecFiles, loadSpecFiles, loadSpecText } from "../spec/load.js";
import { oneStructSpec } from "./codec-support.js";
import { compileCodec, compileInterface } from "../generators/codec-compile.js";
import { codecGenerator } from "../generators/codecs.js";
import { RUNTIME_IMPORT } from "../generators/codec-runtime.js";
import { CodecError, fromHex, IOC_FAMILIES, iocDecode, readScalar, writeScalar, type Codec } from "../runtime/index.js";
import { iio_buffer_block as staticBlock, CODECS as IIO_CODECS } from "../out/codecs/iio_buffer_mmap.js";
import { CODECS as BUS1_CODECS, IOCTLS as BUS1_IOCTLS, bus1_cmd_send } from "../out/codecs/bus1.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(HERE, "..", "cli", "main.js");
const x86_64 = abiById("x86_64")!;
const ppc64 = abiById("ppc64")!;
const models = loadSpecFiles(exampleSpecFiles());
const ifcNamed = (name: string) => models.flatMap((m) => m.interfaces).find((i) => i.spec.name === name)!;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCodec = Codec<any>;
const blockOn = (abi = x86_64): AnyCodec =>
  compileInterface(ifcNamed("iio_buffer_mmap"), [abi]).structs.get("iio_buffer_block")!.abis[abi.id]!;

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

/** The CLI in a child process (for inputs that would hang or exhaust a test worker), with a hard timeout. */
function runChild(argv: string[], options: { stdin?: number; timeout?: number } = {}) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...argv], {
    stdio: [options.stdin ?? "ignore", "pipe", "pipe"],
    timeout: options.timeout ?? 30_000,
    maxBuffer: 16 << 20,
    encoding: "utf8",
  });
  return { code: r.status, signal: r.signal, out: r.stdout ?? "", err: r.stderr ?? "", ms: Date.now() - t0 };
}

function isCodecError(
  t: import("ava").ExecutionContext,
  fn: () => unknown,
  want: { struct?: string; field?: string; offset?: number; kind?: string } = {},
): CodecError | undefined {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (!(thrown instanceof CodecError)) {
    const got =
      thrown === undefined ? "no exception" : `${(thrown as Error)?.constructor?.name}: ${(thrown as Error)?.message}`;
    t.fail(`expected a CodecError, got ${got}`);
    return undefined;
  }
  if (want.struct !== undefined) t.is(thrown.struct, want.struct, thrown.message);
  if (want.field !== undefined) t.is(thrown.field, want.field, thrown.message);
  if (want.offset !== undefined) t.is(thrown.offset, want.offset, thrown.message);
  if (want.kind !== undefined) t.is(thrown.kind as string, want.kind, thrown.message);
  return thrown;
}

const OK_BLOCK = { id: 1, size: 2, bytes_used: 3, type: 0, flags: 0, data: { offset: 0 }, timestamp: 0n };
const BLOCK = "struct iio_buffer_block";

/* ------------------------------------------------------------------ */
/* Family 4: only CodecError, with struct, member and offset           */
/* ------------------------------------------------------------------ */

test(
  "a bigint given for a 32-bit (or narrower) field is a CodecError " +
    "naming struct, member and offset, on every path",
  (t) => {
    // seed-uapi.md: id at 0, size at 4, flags at 16, data.offset at 20.
    for (const codec of [blockOn(x86_64), blockOn(ppc64), staticBlock.x86_64!, staticBlock.ppc64!]) {
      isCodecError(t, () => codec.encode({ ...OK_BLOCK, id: 5n }), {
        struct: BLOCK,
        field: "id",
        offset: 0,
        kind: "type",
      });
      isCodecError(t, () => codec.encode({ ...OK_BLOCK, size: 0n }), {
        struct: BLOCK,
        field: "size",
        offset: 4,
        kind: "type",
      });
      isCodecError(t, () => codec.encode({ ...OK_BLOCK, flags: 1n }), {
        struct: BLOCK,
        field: "flags",
        offset: 16,
        kind: "type",
      });
      isCodecError(t, () => codec.encode({ ...OK_BLOCK, data: { offset: 1n } }), {
        struct: BLOCK,
        field: "data.offset",
        offset: 20,
        kind: "type",
      });
      // The other way round: a number where a bigint goes.
      isCodecError(t, () => codec.encode({ ...OK_BLOCK, timestamp: 1 }), {
        struct: BLOCK,
        field: "timestamp",
        offset: 24,
        kind: "type",
      });
    }
    // struct { __u8 a; __s8 b; __u16 c; __s32 d; }: offsets 0, 1, 2, 4 by C's alignment rules.
    const m = oneStructSpec(
      [
        "          - { name: a, type: __u8 }",
        "          - { name: b, type: __s8 }",
        "          - { name: c, type: __u16 }",
        "          - { name: d, type: __s32 }",
        "",
      ].join("\n"),
    );
    const c = compileCodec(m.interfaces[0]!.records[0]!, x86_64, m.interfaces[0]);
    const ok = { a: 1, b: -1, c: 2, d: -3 };
    t.notThrows(() => c.encode(ok));
    for (const [field, offset] of [
      ["a", 0],
      ["b", 1],
      ["c", 2],
      ["d", 4],
    ] as const) {
      isCodecError(t, () => c.encode({ ...ok, [field]: 7n }), { struct: "struct s", field, offset, kind: "type" });
    }
  },
);

test(
  "decode of anything but bytes, and a short buffer, " +
    "is a CodecError naming the struct (also as the very first call)",
  (t) => {
    // The very first decode(undefined) of a fresh process (the one-entry view cache starts empty).
    const mod = pathToFileURL(path.join(HERE, "..", "out", "codecs", "iio_buffer_mmap.js")).href;
    const script = `const m = await import(${JSON.stringify(mod)});
const out = [];
for (const arg of [undefined, null, "str"]) {
  try { m.iio_buffer_block.x86_64.decode(arg); out.push("no error"); } catch (e) { out.push(e.name + "|" + e.struct); }
}
console.log(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
    t.is(r.status, 0, r.stderr);
    t.deepEqual(JSON.parse(r.stdout), [`CodecError|${BLOCK}`, `CodecError|${BLOCK}`, `CodecError|${BLOCK}`]);

    for (const codec of [blockOn(x86_64), blockOn(ppc64), staticBlock.x86_64!]) {
      for (const bytes of [
        undefined,
        null,
        "str",
        42,
        42n,
        {},
        [1, 2, 3],
        new Uint16Array(16),
        new ArrayBuffer(32),
        Symbol("s"),
      ]) {
        isCodecError(t, () => codec.decode(bytes as never), { struct: BLOCK, kind: "type" });
        isCodecError(t, () => codec.decode(bytes as never, 0, []), { struct: BLOCK, kind: "type" });
      }
      for (const len of [0, 1, 31])
        isCodecError(t, () => codec.decode(new Uint8Array(len)), { struct: BLOCK, kind: "truncated" });
      isCodecError(t, () => codec.decode(new DataView(new ArrayBuffer(8))), { struct: BLOCK, kind: "truncated" });
      for (const offset of [0n, "0", -1, 1.5, NaN, Infinity, 2 ** 32, 2 ** 53, null, {}]) {
        isCodecError(t, () => codec.decode(new Uint8Array(64), offset as never), { struct: BLOCK, kind: "truncated" });
        isCodecError(t, () => codec.encode(OK_BLOCK, new Uint8Array(64), offset as never), {
          struct: BLOCK,
          kind: "truncated",
        });
      }
      // A detached buffer has no bytes: truncated, not a TypeError from byteLength.
      const buf = new ArrayBuffer(32);
      const view = new DataView(buf);
      const u8 = new Uint8Array(buf);
      structuredClone(buf, { transfer: [buf] });
      isCodecError(t, () => codec.decode(view), { struct: BLOCK, kind: "truncated" });
      isCodecError(t, () => codec.decode(u8), { struct: BLOCK, kind: "truncated" });
      isCodecError(t, () => codec.encode(OK_BLOCK, view), { struct: BLOCK, kind: "truncated" });
      // The target of encode: anything but a DataView or a Uint8Array.
      for (const into of [null, "str", {}, [0, 0], new Uint32Array(8)])
        isCodecError(t, () => codec.encode(OK_BLOCK, into as never), { struct: BLOCK, kind: "type" });
      // Anything but an array as `lenient` means strict, never a TypeError from push.
      const bad = new Uint8Array(32);
      bad[16] = 0x80; // flags bit 7: no such IIO_BUFFER_BLOCK_FLAG_*
      for (const lenient of [true, 1, "yes", {}])
        isCodecError(t, () => codec.decode(bad, 0, lenient as never), {
          struct: BLOCK,
          field: "flags",
          offset: 16,
          kind: "flags",
        });
    }
  },
);

test("a getter that detaches the target while encoding is reported as truncated", (t) => {
  for (const codec of [blockOn(x86_64), blockOn(ppc64)]) {
    const buf = new ArrayBuffer(32);
    const value = {
      ...OK_BLOCK,
      get type() {
        structuredClone(buf, { transfer: [buf] });
        return 0;
      },
    };
    isCodecError(t, () => codec.encode(value, new DataView(buf)), { struct: BLOCK, kind: "truncated" });
  }
});

/**
 * What the kernel's rule says about `v` in field `name` of iio_buffer_block v1, written out here:
 * undefined = valid, else the kind.
 */
function expectedKind(name: string, v: unknown): string | undefined {
  // `type` is reserved (and not checked for zero by the IIO core): like every reserved member it may be left out.
  if (name === "type" && v === undefined) return undefined;
  if (name === "timestamp") return typeof v !== "bigint" ? "type" : v < 0n || v >= 1n << 64n ? "range" : undefined;
  if (typeof v !== "number") return "type";
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) return "range";
  if (name === "flags" && (v & ~3) !== 0) return "flags";
  return undefined;
}

test(
  "property: one hostile member in an otherwise valid value " +
    "is accepted or refused exactly as the rule says, naming that member and its offset",
  (t) => {
    const offsets: Record<string, number> = { id: 0, size: 4, bytes_used: 8, type: 12, flags: 16, timestamp: 24 };
    const codecs = [blockOn(x86_64), blockOn(ppc64), staticBlock.x86_64!, staticBlock.i386!];
    const hostile = fc.oneof(
      fc.anything(),
      fc.bigInt(),
      fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }),
      fc.double(),
      fc.integer({ min: -(2 ** 33), max: 2 ** 33 }),
      fc.constantFrom(
        2 ** 53,
        2 ** 53 + 2,
        -0,
        NaN,
        Infinity,
        0xffffffff,
        0x100000000,
        1n << 64n,
        (1n << 64n) - 1n,
        -1n,
        3,
        4,
        "1",
        true,
        null,
        undefined,
        [],
        {},
        () => 0,
      ),
    );
    fc.assert(
      fc.property(fc.constantFrom(...codecs), fc.constantFrom(...Object.keys(offsets)), hostile, (codec, name, v) => {
        const value = { ...OK_BLOCK, [name]: v };
        const want = expectedKind(name, v);
        let thrown: unknown;
        let bytes: Uint8Array | undefined;
        try {
          bytes = codec.encode(value) as Uint8Array;
        } catch (e) {
          thrown = e;
        }
        if (want === undefined) {
          if (thrown !== undefined) throw new Error(`${name} = ${String(v)} refused: ${(thrown as Error).message}`);
          const back = codec.decode(bytes!);
          if (v === undefined && back[name] === 0) return; // left out, written as zero
          if (back[name] !== v && !(name !== "timestamp" && Object.is(v, -0) && back[name] === 0))
            throw new Error(`${name}: ${String(v)} came back as ${String(back[name])}`);
          return;
        }
        if (!(thrown instanceof CodecError)) {
          const got = thrown === undefined ? "success" : (thrown as Error).name + ": " + (thrown as Error).message;
          throw new Error(`${name} = ${typeof v} ${String(v)}: expected CodecError, got ${got}`);
        }
        if (
          thrown.struct !== BLOCK ||
          thrown.field !== name ||
          thrown.offset !== offsets[name] ||
          thrown.kind !== want
        ) {
          const got = `${thrown.struct}/${thrown.field}/${thrown.offset}/${thrown.kind}`;
          throw new Error(`${name} = ${String(v)}: got ${got}, want ${BLOCK}/${name}/${offsets[name]}/${want}`);
        }
      }),
      { numRuns: 2000 },
    );
    t.pass();
  },
);

test("arguments whose own conversion throws ({ toString: 0 }, a throwing Symbol.toPrimitive) give CodecError", (t) => {
  // fc.anything() found { toString: 0 } as an offset: the error message's String(offset) threw a TypeError.
  const throwing = [
    { toString: 0 },
    { valueOf: 0, toString: 0 },
    {
      [Symbol.toPrimitive]() {
        throw new Error("no");
      },
    },
    Object.create(null),
  ];
  const codecs = [blockOn(x86_64), blockOn(ppc64), staticBlock.x86_64!, bus1_cmd_send.s390x!];
  const refused = (call: () => unknown) => {
    try {
      call();
      return "returned";
    } catch (e) {
      return e instanceof CodecError ? "CodecError" : `${(e as Error)?.name}: ${(e as Error)?.message}`;
    }
  };
  for (const h of throwing)
    for (const codec of codecs) {
      t.is(
        refused(() => codec.decode(new Uint8Array(0), h as never)),
        "CodecError",
      );
      t.is(
        refused(() => codec.decode(new Uint8Array(64), h as never)),
        "CodecError",
      );
      t.is(
        refused(() => codec.encode(OK_BLOCK as never, new Uint8Array(64), h as never)),
        "CodecError",
      );
      t.is(
        refused(() => readScalar(new DataView(new ArrayBuffer(8)), h as never, "__u32", true)),
        "CodecError",
      );
      t.is(
        refused(() => readScalar(new DataView(new ArrayBuffer(8)), 0, h as never, true)),
        "CodecError",
      );
      t.is(
        refused(() => writeScalar(new DataView(new ArrayBuffer(8)), 0, "__u32", h as never, true)),
        "CodecError",
      );
    }
  t.throws(() => iocDecode(IOC_FAMILIES.generic, throwing[0] as never), { instanceOf: RangeError });
});

test("property: decode and encode with arbitrary arguments return or throw CodecError, nothing else", (t) => {
  const codecs = [blockOn(x86_64), blockOn(ppc64), staticBlock.x86_64!, bus1_cmd_send.x86_64!, bus1_cmd_send.s390x!];
  const bytesArb = fc.oneof(
    fc.anything(),
    fc.uint8Array({ maxLength: 100 }),
    fc.constant(undefined),
    fc.constant(null),
  );
  const offsetArb = fc.oneof(
    fc.anything(),
    fc.integer({ min: -8, max: 80 }),
    fc.bigInt({ min: -8n, max: 80n }),
    fc.double(),
  );
  fc.assert(
    fc.property(
      fc.constantFrom(...codecs),
      bytesArb,
      offsetArb,
      fc.anything(),
      fc.anything(),
      (codec, bytes, offset, lenient, value) => {
        for (const call of [
          () => codec.decode(bytes as never, offset as never, lenient as never),
          () => codec.encode(value as never, bytes as never, offset as never),
          () => codec.encode(value as never),
        ]) {
          try {
            call();
          } catch (e) {
            if (!(e instanceof CodecError))
              throw new Error(`${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
          }
        }
      },
    ),
    { numRuns: 1500 },
  );
  t.pass();
});

test("runtime helpers refuse hostile arguments with CodecError/RangeError, never a TypeError", (t) => {
  const view = new DataView(new ArrayBuffer(8));
  isCodecError(t, () => readScalar(view, 0, "constructor" as never, true), { kind: "type" });
  isCodecError(t, () => readScalar(view, 6, "__u32", true), { kind: "truncated" });
  isCodecError(t, () => writeScalar(view, 0, "__u32", 1n as never, true), { kind: "range" });
  isCodecError(t, () => writeScalar(view, -1, "__u8", 1, true), { kind: "truncated" });
  const generic = IOC_FAMILIES.generic;
  t.is(iocDecode(generic, 0xc0509640).size, 80); // seed-uapi.md: BUS1_CMD_SEND, 80 bytes
  for (const bad of [-1, 2 ** 32, 1.5, NaN, Infinity, 5n, "0xC0509640"])
    t.throws(() => iocDecode(generic, bad as never), { instanceOf: RangeError });
});

/* ------------------------------------------------------------------ */
/* Family 5: wrong acceptance                                          */
/* ------------------------------------------------------------------ */

const UNION_SPEC = `          - { name: tag, type: __u32 }
          - name: u
            doc: d
            type:
              kind: union
              fields:
                - { name: a, type: __u32 }
                - { name: b, type: __u16 }
          - doc: d
            type:
              kind: union
              fields:
                - { name: x, type: __u32 }
                - { name: y, type: __u32 }
`;

test("a union value gives exactly one member: two (or none) is a CodecError at the union's path and offset", (t) => {
  // struct s { __u32 tag; union { __u32 a; __u16 b; } u; union { __u32 x; __u32 y; }; }:
  // u at 4, the anonymous union at 8.
  const m = oneStructSpec(UNION_SPEC);
  for (const abi of [x86_64, ppc64]) {
    const c = compileCodec(m.interfaces[0]!.records[0]!, abi, m.interfaces[0]);
    t.is(c.size, 12);
    t.notThrows(() => c.encode({ tag: 1, u: { a: 2 }, x: 3 }));
    t.notThrows(() => c.encode({ tag: 1, u: { b: 2 }, y: 3 }));
    isCodecError(t, () => c.encode({ tag: 1, u: { a: 2, b: 2 }, x: 3 }), {
      struct: "struct s",
      field: "u",
      offset: 4,
      kind: "type",
    });
    isCodecError(t, () => c.encode({ tag: 1, u: { a: 2, b: 3 }, x: 3 }), {
      struct: "struct s",
      field: "u",
      offset: 4,
      kind: "type",
    });
    isCodecError(t, () => c.encode({ tag: 1, u: {}, x: 3 }), {
      struct: "struct s",
      field: "u",
      offset: 4,
      kind: "type",
    });
    const e = isCodecError(t, () => c.encode({ tag: 1, u: { a: 2 }, x: 3, y: 4 }), {
      struct: "struct s",
      field: "",
      offset: 8,
      kind: "type",
    });
    t.regex(e?.message ?? "", /x.*y/);
  }
});

test("uapi encode: a union value with two members exits 2", async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-hostile-"));
  try {
    const file = path.join(dir, "u.yaml");
    writeFileSync(
      file,
      [
        "name: t",
        "doc: d",
        "interfaces:",
        "  - name: t",
        "    doc: d",
        "    header: linux/t.h",
        "    structs:",
        "      - name: s",
        "        doc: d",
        "        fields:",
        UNION_SPEC,
      ].join("\n"),
    );
    const good = await run("encode", file, "s", "--abi", "x86_64", JSON.stringify({ tag: 1, u: { a: 2 }, x: 3 }));
    t.is(good.code, 0, good.err);
    t.is(good.out.trim(), "01000000" + "02000000" + "03000000");
    const two = await run("encode", file, "s", "--abi", "x86_64", JSON.stringify({ tag: 1, u: { a: 2, b: 2 }, x: 3 }));
    t.is(two.code, 2, two.err);
    t.regex(two.err, /union/);
    t.is(two.out, "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const SEND_ZERO = {
  flags: 0,
  ptr_destinations: 0,
  ptr_errors: 0,
  n_destinations: 0,
  ptr_vecs: 0,
  n_vecs: 0,
  ptr_handles: 0,
  n_handles: 0,
  ptr_fds: 0,
  n_fds: 0,
};
const sendJson = (ptrDestinations: string) =>
  JSON.stringify(SEND_ZERO).replace('"ptr_destinations":0', `"ptr_destinations":${ptrDestinations}`);

test("uapi encode keeps integers beyond 2^53 exact, and refuses the ones it cannot hold", async (t) => {
  // 2^53 + 1 = 0x20000000000001: bus1_cmd_send.ptr_destinations is the __u64 at offset 8 (little-endian on x86_64).
  const r = await run("encode", "bus1_cmd_send", "--abi", "x86_64", sendJson("9007199254740993"));
  t.is(r.code, 0, r.err);
  t.is(r.out.trim().slice(16, 32), "0100000000002000");
  // 2^64 - 1, the largest __u64, as a plain JSON number.
  const max = await run("encode", "bus1_cmd_send", "--abi", "x86_64", sendJson("18446744073709551615"));
  t.is(max.code, 0, max.err);
  t.is(max.out.trim().slice(16, 32), "ffffffffffffffff");
  // Written with an exponent but an exact integer: 1e19 = 0x8AC7230489E80000.
  const e19 = await run("encode", "bus1_cmd_send", "--abi", "x86_64", sendJson("1e19"));
  t.is(e19.code, 0, e19.err);
  t.is(e19.out.trim().slice(16, 32), "0000e8890423c78a");
  // Refused, exit 2 and nothing on stdout: one more than a __u64, beyond a double, not an integer, a __u32 beyond 2^53.
  for (const bad of ["18446744073709551616", "1e400", "9007199254740993.5", "-1"]) {
    const x = await run("encode", "bus1_cmd_send", "--abi", "x86_64", sendJson(bad));
    t.is(x.code, 2, `${bad}: ${x.err}`);
    t.is(x.out, "", bad);
  }
  const u32 = await run(
    "encode",
    "iio_buffer_block",
    "--abi",
    "x86_64",
    JSON.stringify({ ...OK_BLOCK, timestamp: "0" }).replace('"id":1', '"id":9007199254740993'),
  );
  t.is(u32.code, 2, u32.err);
  t.regex(u32.err, /9007199254740993/);
  // Duplicate members are ambiguous: refused with their position.
  const dup = await run("encode", "iio_buffer_block", "--abi", "x86_64", '{"id":1,"id":2}');
  t.is(dup.code, 2);
  t.regex(dup.err, /duplicate/);
  t.regex(dup.err, /line 1, column 9/);
});

/** Hex with one defect and where it is, counted in the text itself. */
const HEX_32 = "07000000" + "00100000" + "e8030000" + "00000000" + "01000000" + "00200000" + "cb04fb711f010000";
const badHex: [string, string, number][] = [
  ["0x in the middle", HEX_32.slice(0, 20) + "0x" + HEX_32.slice(20), 21],
  ["0x before a later group", "0x" + HEX_32.slice(0, 24) + " 0x" + HEX_32.slice(24), 28],
  ["odd digit count", HEX_32 + "0", 64],
  ["a lone digit between bytes", HEX_32.slice(0, 8) + " 0 " + HEX_32.slice(8), 9],
  ["whitespace inside a byte", HEX_32.slice(0, 9) + " " + HEX_32.slice(9), 8],
  ["a non-hex letter", HEX_32.slice(0, 30) + "g" + HEX_32.slice(31), 30],
  ["a colon", HEX_32.slice(0, 2) + ":" + HEX_32.slice(2), 2],
  ["a second 0x at the start", "0x0x" + HEX_32, 3],
  ["a minus sign", "-" + HEX_32, 0],
];

test("runtime fromHex: strict, with the offset of the offending character", (t) => {
  t.deepEqual([...fromHex("0a0B ff\n\t10 ")], [0x0a, 0x0b, 0xff, 0x10]);
  t.deepEqual([...fromHex(" 0X0a 0b")], [0x0a, 0x0b]);
  t.deepEqual([...fromHex("")], []);
  for (const [what, text, offset] of badHex) {
    const e = t.throws(() => fromHex(text), { instanceOf: RangeError }, what) as RangeError & { offset?: number };
    t.is(e?.offset, offset, `${what}: ${e?.message}`);
    t.true(e?.message.includes(String(offset)), `${what}: ${e?.message}`);
  }
});

const MALFORMED_HEX =
  "uapi decode: malformed hex exits 2 naming the offset; a leading 0x and whitespace between bytes are fine";
test(MALFORMED_HEX, async (t) => {
  const plain = await run("decode", "iio_buffer_block", "--abi", "x86_64", HEX_32);
  t.is(plain.code, 0, plain.err);
  const spaced = await run("decode", "iio_buffer_block", "--abi", "x86_64", ` 0x${HEX_32.match(/.{8}/g)!.join(" ")}\n`);
  t.is(spaced.code, 0, spaced.err);
  t.deepEqual(JSON.parse(spaced.out).value, JSON.parse(plain.out).value);
  // (A text starting with '-' would be taken for an option on the command line: fromHex's own test has it.)
  for (const [what, text, offset] of badHex.filter(([, text]) => !text.startsWith("-"))) {
    const r = await run("decode", "iio_buffer_block", "--abi", "x86_64", text);
    t.is(r.code, 2, `${what}: ${r.err}`);
    t.is(r.out, "", what);
    t.true(r.err.includes(`offset ${offset}`), `${what}: ${r.err}`);
  }
});

/* ------------------------------------------------------------------ */
/* Family 3: resource exhaustion                                       */
/* ------------------------------------------------------------------ */

const INPUT_CAP =
  "uapi decode/encode @/dev/zero and an endless stdin stop at the input cap: exit 2 quickly, naming the cap";
test(INPUT_CAP, (t) => {
  for (const argv of [
    ["decode", "iio_buffer_block", "--abi", "x86_64", "@/dev/zero"],
    ["encode", "iio_buffer_block", "--abi", "x86_64", "@/dev/zero"],
  ]) {
    const r = runChild(argv);
    t.is(r.signal, null, `${argv[0]} @/dev/zero was still reading after ${r.ms} ms`);
    t.is(r.code, 2, r.err);
    t.regex(r.err, /64 MiB/);
    t.true(r.ms < 20_000, `${r.ms} ms`);
  }
  const zero = openSync("/dev/zero", "r");
  try {
    const r = runChild(["decode", "iio_buffer_block", "--abi", "x86_64", "@-"], { stdin: zero });
    t.is(r.signal, null, `@- from /dev/zero was still reading after ${r.ms} ms`);
    t.is(r.code, 2, r.err);
    t.regex(r.err, /64 MiB/);
  } finally {
    closeSync(zero);
  }
});

test("uapi decode @FILE: a file beyond the cap is refused before reading; a directory is exit 2", async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-hostile-"));
  try {
    const big = path.join(dir, "big.bin");
    writeFileSync(big, "");
    truncateSync(big, 64 * 1024 * 1024 + 1); // sparse: no disk space used
    const r = await run("decode", "iio_buffer_block", "--abi", "x86_64", `@${big}`);
    t.is(r.code, 2, r.err);
    t.regex(r.err, /67108865 bytes/);
    t.regex(r.err, /64 MiB/);
    mkdirSync(path.join(dir, "d"));
    t.is((await run("decode", "iio_buffer_block", "--abi", "x86_64", `@${path.join(dir, "d")}`)).code, 2);
    t.is((await run("encode", "iio_buffer_block", "--abi", "x86_64", `@${path.join(dir, "missing.json")}`)).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const HUGE_DUMP =
  "uapi decode --format dump of a 1 MiB struct (a quarter of a million members) does not overflow the stack";
test(HUGE_DUMP, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-hostile-"));
  try {
    const spec = path.join(dir, "big.yaml");
    writeFileSync(
      spec,
      [
        "name: big",
        "doc: d",
        "interfaces:",
        "  - name: big",
        "    doc: d",
        "    header: linux/big.h",
        "    structs:",
        "      - name: big",
        "        doc: d",
        "        fields:",
        "          - { name: a, type: __u32, array: 262144 }",
        "",
      ].join("\n"),
    );
    const bin = path.join(dir, "big.bin");
    const bytes = new Uint8Array(1 << 20);
    new DataView(bytes.buffer).setUint32(1048572, 0xdeadbeef, true); // the last element, a[262143]
    writeFileSync(bin, bytes);
    const r = await run("decode", spec, "big", "--abi", "x86_64", `@${bin}`, "--format", "dump");
    t.is(r.code, 0, r.err.slice(0, 500));
    const lines = r.out.trimEnd().split("\n");
    t.is(lines.length, 2 + 262144); // title, column heads, one line per element
    t.regex(lines[lines.length - 1]!, /^\s*1048572\s+4\s+efbeadde\s+a\[262143\]\s+__u32\s+3735928559 \(0xdeadbeef\)/);
    const json = await run("decode", spec, "big", "--abi", "x86_64", `@${bin}`);
    t.is(json.code, 0, json.err.slice(0, 500));
    t.is(JSON.parse(json.out).value.a[262143], 0xdeadbeef);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("uapi decode/encode refuse a struct larger than the input cap before planning its codec", async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-hostile-"));
  try {
    // struct huge { struct big b[65]; }, struct big { __u32 a[262144]; }: 65 MiB.
    const spec = path.join(dir, "huge.yaml");
    writeFileSync(
      spec,
      [
        "name: huge",
        "doc: d",
        "interfaces:",
        "  - name: huge",
        "    doc: d",
        "    header: linux/huge.h",
        "    structs:",
        "      - name: big",
        "        doc: d",
        "        fields:",
        "          - { name: a, type: __u32, array: 262144 }",
        "      - name: huge",
        "        doc: d",
        "        fields:",
        "          - { name: b, type: struct big, array: 65 }",
        "",
      ].join("\n"),
    );
    for (const argv of [
      ["decode", spec, "huge", "--abi", "x86_64", "00"],
      ["encode", spec, "huge", "--abi", "x86_64", "{}"],
    ]) {
      const t0 = Date.now();
      const r = await run(...argv);
      t.is(r.code, 2, r.err);
      t.regex(r.err, /68157440 bytes/); // 65 * 262144 * 4
      t.regex(r.err, /64 MiB/);
      t.true(Date.now() - t0 < 20_000);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("uapi encode: JSON nested 100,000 levels deep exits 2 with a position, not 3", async (t) => {
  const deep = 100_000;
  for (const text of [
    "[".repeat(deep) + "]".repeat(deep),
    `{"id":${"[".repeat(deep)}${"]".repeat(deep)}}`,
    "[".repeat(deep),
    `{"data":${'{"offset":'.repeat(deep)}1${"}".repeat(deep)}}`,
  ]) {
    const r = await run("encode", "iio_buffer_block", "--abi", "x86_64", text);
    t.is(r.code, 2, r.err.slice(0, 300));
    t.regex(r.err, /line 1, column \d+/);
    t.false(r.err.includes("internal error"));
  }
});

/* ------------------------------------------------------------------ */
/* __proto__ and constructor as names                                  */
/* ------------------------------------------------------------------ */

/*
 * Names an ordinary object inherits.  The spec linter refuses `__proto__`
 * (it starts with "__", reserved to the compiler), so the CLI tests use
 * `constructor`, `toString`, `valueOf`, ...; the codec layer is tested with
 * `__proto__` as well, on a model whose names are changed after loading.
 */
const NAMES_SPEC = (proto: string) => `name: names
doc: d
interfaces:
  - name: names
    doc: d
    header: linux/names.h
    structs:
      - name: ${proto}
        doc: d
        fields:
          - { name: ${proto}, type: __u32 }
          - { name: constructor, type: __u32 }
          - { name: toString, type: __u64 }
      - name: constructor
        doc: d
        fields:
          - { name: hasOwnProperty, type: __u32 }
          - { name: u, type: union uu }
      - name: uu
        kind: union
        doc: d
        fields:
          - { name: ${proto}, type: __u32 }
          - { name: toLocaleString, type: __u16 }
`;
const ownValue = (o: unknown, k: string) => Object.getOwnPropertyDescriptor(o, k)?.value;

/** The names spec with `__proto__` for every "zzproto" (struct tag and members), past the linter. */
function protoModel() {
  const model = loadSpecText("names.yaml", NAMES_SPEC("zzproto"));
  for (const r of model.interfaces[0]!.records) {
    if (r.tag === "zzproto") r.tag = "__proto__";
    for (const f of r.fields) if (f.name === "zzproto") f.name = "__proto__";
  }
  return model;
}

test("members named constructor, toString, valueOf round-trip through uapi decode and encode", async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-hostile-"));
  try {
    const spec = path.join(dir, "names.yaml");
    writeFileSync(spec, NAMES_SPEC("valueOf"));
    // struct valueOf { __u32 valueOf; __u32 constructor; __u64 toString; }: 16 bytes, little-endian.
    const hex = "01000000" + "02000000" + "0300000000000000";
    const d = await run("decode", spec, "valueOf", "--abi", "x86_64", hex);
    t.is(d.code, 0, d.err);
    const value = JSON.parse(d.out).value;
    t.deepEqual(Object.keys(value), ["valueOf", "constructor", "toString"]);
    t.is(ownValue(value, "valueOf"), 1);
    t.is(ownValue(value, "constructor"), 2);
    t.is(ownValue(value, "toString"), "3");
    const e = await run("encode", spec, "valueOf", "--abi", "x86_64", JSON.stringify(value));
    t.is(e.code, 0, e.err);
    t.is(e.out.trim(), hex);
    // A missing "constructor" is missing, not Object.prototype.constructor.
    const missing = await run("encode", spec, "valueOf", "--abi", "x86_64", '{"valueOf": 1, "toString": "3"}');
    t.is(missing.code, 2);
    t.regex(missing.err, /constructor.*missing/);
    // struct constructor { __u32 hasOwnProperty; union uu { __u32 valueOf; __u16 toLocaleString; } u; }
    const d2 = await run("decode", spec, "constructor", "--abi", "x86_64", "07000000" + "05000000");
    t.is(d2.code, 0, d2.err);
    const v2 = JSON.parse(d2.out).value;
    t.is(ownValue(v2, "hasOwnProperty"), 7);
    t.is(ownValue(v2.u, "valueOf"), 5);
    t.is(ownValue(v2.u, "toLocaleString"), 5);
    // One member of the union given: the other (an inherited name) is not taken as given.
    const e2 = await run(
      "encode",
      spec,
      "constructor",
      "--abi",
      "x86_64",
      '{"hasOwnProperty": 7, "u": {"valueOf": 5}}',
    );
    t.is(e2.code, 0, e2.err);
    t.is(e2.out.trim(), "07000000" + "05000000");
    const e3 = await run(
      "encode",
      spec,
      "constructor",
      "--abi",
      "x86_64",
      '{"hasOwnProperty": 7, "u": {"toLocaleString": 5}}',
    );
    t.is(e3.code, 0, e3.err);
    t.is(e3.out.trim(), "07000000" + "05000000");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const PROTO_MEMBER =
  "__proto__ as struct and member name: the codecs keep it as an own member, and it appears in the codec maps";
test(PROTO_MEMBER, async (t) => {
  const model = protoModel();
  const compiled = compileInterface(model.interfaces[0]!, [x86_64]);
  t.deepEqual([...compiled.structs.keys()].sort(), ["__proto__", "constructor", "uu"]);
  const c = compiled.structs.get("__proto__")!.abis.x86_64!;
  const v = c.decode(Uint8Array.from([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0]));
  t.deepEqual(Object.keys(v), ["__proto__", "constructor", "toString"]);
  t.is(ownValue(v, "__proto__"), 1);
  t.is(Object.getPrototypeOf(v), Object.prototype); // the member did not replace the prototype
  t.deepEqual([...c.encode(v)], [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0]);
  // An object without an own __proto__ member is missing it (not Object.prototype).
  isCodecError(t, () => c.encode({ constructor: 2, toString: 3n }), {
    struct: "struct __proto__",
    field: "__proto__",
    offset: 0,
    kind: "type",
  });
  const u = compiled.structs.get("constructor")!.abis.x86_64!;
  t.deepEqual([...u.encode({ hasOwnProperty: 7, u: { ["__proto__"]: 5 } })], [7, 0, 0, 0, 5, 0, 0, 0]);
  isCodecError(t, () => u.encode({ hasOwnProperty: 7, u: { ["__proto__"]: 5, toLocaleString: 5 } }), {
    struct: "struct constructor",
    field: "u",
    offset: 4,
    kind: "type",
  });
  t.is(compiled.structs.get("__proto__")!.abis["constructor"] as unknown, undefined);

  // The generated module, transpiled, its runtime import pointed at the compiled runtime.
  const file = codecGenerator.generate([model]).find((f) => f.path === "codecs/names.ts")!;
  const js = ts.transpileModule(file.content, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-hostile-"));
  try {
    const target = path.join(dir, "names.mjs");
    writeFileSync(
      target,
      js.replaceAll(
        `"${RUNTIME_IMPORT}"`,
        JSON.stringify(pathToFileURL(path.join(HERE, "..", "runtime", "index.js")).href),
      ),
    );
    const mod = await import(pathToFileURL(target).href);
    t.deepEqual(Object.keys(mod.CODECS), ["__proto__", "constructor", "uu"]);
    t.is(Object.getPrototypeOf(mod.CODECS), null);
    const codec = mod.CODECS["__proto__"].x86_64 as AnyCodec;
    t.is(codec.name, "struct __proto__");
    t.is(mod.CODECS["constructor"].x86_64.name, "struct constructor");
    const bytes = codec.encode({ ["__proto__"]: 9, constructor: 8, toString: 7n });
    t.deepEqual([...bytes], [9, 0, 0, 0, 8, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0]);
    t.is(ownValue(codec.decode(bytes), "__proto__"), 9);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // The committed modules: nothing inherited answers a lookup.
  for (const map of [
    IIO_CODECS,
    BUS1_CODECS,
    BUS1_IOCTLS,
    bus1_cmd_send,
    staticBlock,
    BUS1_IOCTLS.BUS1_CMD_SEND!.numbers,
  ].map((m) => m as unknown as Record<string, unknown>)) {
    for (const k of ["constructor", "toString", "hasOwnProperty", "__proto__", "valueOf"]) t.is(map[k], undefined, k);
    t.true(Object.isFrozen(map));
  }
  t.is(BUS1_IOCTLS.BUS1_CMD_SEND!.numbers.x86_64, 0xc0509640); // seed-uapi.md
});

/* ------------------------------------------------------------------ */
/* uapi ioctl with hostile numbers                                     */
/* ------------------------------------------------------------------ */

test("uapi ioctl: hostile request numbers exit 2 with a message saying what is wrong", async (t) => {
  const cases: [string, RegExp][] = [
    ["-1", /negative/],
    ["-0x1", /negative/],
    ["4294967296", /32 bits/],
    ["0x100000000", /32 bits/],
    ["99999999999999999999999", /32 bits/],
    ["1e309", /exponent/],
    ["1e3", /exponent/],
    ["3.0", /fraction/],
    ["0x1zz", /"z" at offset 3/],
    ["0xC0509640junk", /"j" at offset 10/],
    ["", /empty/],
    ["0x", /digits/],
    ["+5", /sign/],
    ["08", /octal/],
    ["1__0", /_/],
    ["NaN", /not a request number/],
    ["Infinity", /not a request number/],
  ];
  for (const [arg, why] of cases) {
    const r = await run("ioctl", arg);
    t.is(r.code, 2, `${JSON.stringify(arg)}: ${r.err}`);
    t.regex(r.err, why, JSON.stringify(arg));
    t.true(r.err.includes("not a request number"), r.err);
    t.is(r.out, "", arg);
  }
  // Still accepted: hex with either case, surrounding whitespace, '_' between digits, decimal
  // (seed-uapi.md: BUS1_CMD_SEND = 0xC0509640).
  for (const arg of ["0xC0509640", "0xc0509640", " 0xC050_9640 ", "3226506816"]) {
    const r = await run("ioctl", arg, "--format", "json");
    t.is(r.code, 0, `${arg}: ${r.err}`);
    // Both bus1 revisions keep SEND's number (the 2016-11 one renumbered only RECV).
    t.deepEqual(
      JSON.parse(r.out).matches.map((m: { command: string }) => m.command),
      ["BUS1_CMD_SEND", "BUS1_CMD_SEND"],
    );
  }
});
