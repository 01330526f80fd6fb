/*
 * fast-check properties of the generated codecs: round trips for every
 * bundled struct on every ABI, byte images, random bytes, random structs
 * from the spec arbitrary on random ABIs, and the bytes encode writes
 * through lanes.
 */
import test from "ava";
import fc from "fast-check";
import { ABIS, abiById } from "../spec/abis.js";
import { exampleSpecFiles, loadSpecFiles } from "../spec/load.js";
import { compileCodec, compileInterface, compileStruct, type CompiledStruct } from "../generators/codec-compile.js";
import { CodecError, toHex, type CodecWarning } from "../runtime/index.js";
import { contains, oneStructSpec, project, rng, valueFor } from "./codec-support.js";
import { arbStructDoc, docToYaml, modelOf, topRecord } from "./arbitraries.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

const bundled: { label: string; struct: CompiledStruct }[] = loadSpecFiles(exampleSpecFiles()).flatMap((m) =>
  m.interfaces.flatMap((ifc) =>
    [...compileInterface(ifc).structs.values()].map((struct) => ({
      label: `${ifc.spec.name}.${struct.record.tag}`,
      struct,
    })),
  ),
);
const cases = bundled.flatMap(({ label, struct }) =>
  ABIS.map((abi) => ({ label: `${label} on ${abi.id}`, codec: struct.abis[abi.id]!, plan: struct.plans[abi.id]! })),
);
const arbCase = fc.constantFrom(...cases);

test("decode(encode(v)) == v for random valid values of every bundled struct on every ABI", (t) => {
  t.true(bundled.length >= 10);
  fc.assert(
    fc.property(arbCase, fc.integer(), (c, seed) => {
      const v = valueFor(c.plan.root, rng(seed));
      const bytes = c.codec.encode(v);
      if (bytes.length !== c.codec.size) throw new Error(`${c.label}: encode gave ${bytes.length} bytes`);
      const diff = contains(c.codec.decode(bytes), v);
      if (diff) throw new Error(`${c.label}: ${diff}`);
    }),
    { numRuns: RUNS * 10 },
  );
  t.pass();
});

/** Random bytes made valid: padding bits cleared, then every ruled field given a valid value. */
function validImage(c: (typeof cases)[number], noise: Uint8Array, seed: number): Uint8Array {
  const bytes = new Uint8Array(c.codec.size);
  for (let i = 0; i < bytes.length; i++) bytes[i] = noise[i % Math.max(1, noise.length)]! & c.plan.used[i]!;
  // Ruled fields (flags, enums, reserved) take a valid value: encode one and copy those fields' bytes over.
  const valid = c.codec.encode(valueFor(c.plan.root, rng(seed)));
  const lenient: CodecWarning[] = [];
  c.codec.decode(bytes, 0, lenient);
  for (const w of lenient) {
    const end = Math.min(bytes.length, w.offset + 8);
    for (let i = w.offset; i < end; i++) bytes[i] = valid[i]!;
  }
  return bytes;
}

test("encode(decode(b)) == b for random valid byte images of every bundled struct on every ABI", (t) => {
  let checked = 0;
  fc.assert(
    fc.property(arbCase, fc.uint8Array({ minLength: 1, maxLength: 128 }), fc.integer(), (c, noise, seed) => {
      const b = validImage(c, noise, seed);
      let v: unknown;
      try {
        v = c.codec.decode(b);
      } catch (e) {
        if (e instanceof CodecError) return;
        throw e;
      }
      checked++;
      const again = c.codec.encode(v);
      if (toHex(again) !== toHex(b)) throw new Error(`${c.label}: ${toHex(b)} -> ${toHex(again)}`);
    }),
    { numRuns: RUNS * 10 },
  );
  t.true(checked > RUNS, `only ${checked} images were valid`);
});

const RANDOM_BYTES =
  "random bytes, lengths and offsets never crash the decoder: a value or a CodecError, in strict and lenient mode";
test(RANDOM_BYTES, (t) => {
  fc.assert(
    fc.property(
      arbCase,
      fc.uint8Array({ maxLength: 160 }),
      fc.oneof(fc.integer({ min: -4, max: 200 }), fc.double(), fc.constant(undefined)),
      fc.boolean(),
      (c, bytes, offset, lenient) => {
        const sliced = bytes.subarray(bytes.length > 3 ? 3 : 0);
        for (const input of [bytes, sliced, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)]) {
          try {
            const v = c.codec.decode(input, offset as number, lenient ? [] : undefined);
            if (typeof v !== "object" || v === null) throw new Error("decode returned a non-object");
          } catch (e) {
            if (!(e instanceof CodecError)) throw e;
          }
        }
      },
    ),
    { numRuns: RUNS * 10 },
  );
  t.pass();
});

test("random structs from the spec arbitrary round-trip on random ABIs (value and bytes)", (t) => {
  fc.assert(
    fc.property(arbStructDoc({ floats: true }), fc.constantFrom(...ABIS), fc.integer(), (doc, abi, seed) => {
      const model = modelOf(doc);
      const record = topRecord(model);
      const s = compileStruct(record, [abi], model.interfaces[0]);
      const codec = s.abis[abi.id]!;
      const v = valueFor(s.plans[abi.id]!.root, rng(seed));
      const bytes = codec.encode(v);
      const back = codec.decode(bytes);
      const diff = contains(back, v);
      if (diff) throw new Error(`${abi.id}: ${diff}\n${docToYaml(doc)}`);
      // Re-encode what decode gave, cut down to the union members v named (encode takes exactly one per union).
      const again = codec.encode(project(back, v));
      if (toHex(again) !== toHex(bytes))
        throw new Error(`${abi.id}: re-encode differs ${toHex(bytes)} vs ${toHex(again)}\n${docToYaml(doc)}`);
      // Encoding at an offset inside a larger buffer writes the same bytes there and nothing else.
      const big = new Uint8Array(codec.size + 7).fill(0xa5);
      codec.encode(v, big, 3);
      if (toHex(big.subarray(3, 3 + codec.size)) !== toHex(bytes) || big[2] !== 0xa5 || big[3 + codec.size] !== 0xa5)
        throw new Error(`${abi.id}: encode at offset 3 differs`);
    }),
    { numRuns: RUNS * 3 },
  );
  t.pass();
});

test("encode through lanes writes signed 32-bit members and ILP32 longs in two's complement, as DataView does", (t) => {
  // struct s { __s64 a; __s32 b; int c; long d; }: a at 0, b at 8, c at 12, d at 16 (C's alignment rules), d
  // 8 bytes on x86_64 and 4 on i386 and arm.  The __s64 gives the fast encode its lanes (CODECS.md, "Lanes"),
  // and with them the 32-bit members go through a Uint32Array.
  const m = oneStructSpec(
    [
      "          - { name: a, type: __s64 }",
      "          - { name: b, type: __s32 }",
      "          - { name: c, type: int }",
      "          - { name: d, type: long }",
      "",
    ].join("\n"),
  );
  for (const [id, longSize] of [
    ["x86_64", 8],
    ["i386", 4],
    ["arm", 4],
  ] as const) {
    const codec = compileCodec(m.interfaces[0]!.records[0]!, abiById(id)!, m.interfaces[0]);
    t.regex(String(codec.encode), /wu32\[wi32 \+ 2\] = /, `${id}: b is stored through the 32-bit lane`);
    const long = longSize === 8 ? 63n : 31n;
    fc.assert(
      fc.property(
        fc.bigInt(-(1n << 63n), (1n << 63n) - 1n),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.bigInt(-(1n << long), (1n << long) - 1n),
        // 8-aligned offsets take the lanes; 4 hands over to the detailed body, which must agree.
        fc.constantFrom(0, 4, 8, 16),
        (a, b, c, d, at) => {
          const want = new Uint8Array(codec.size + 24);
          const w = new DataView(want.buffer);
          w.setBigInt64(at, a, true);
          w.setInt32(at + 8, b, true);
          w.setInt32(at + 12, c, true);
          if (longSize === 8) w.setBigInt64(at + 16, d, true);
          else w.setInt32(at + 16, Number(d), true);
          const into = new Uint8Array(codec.size + 24);
          codec.encode({ a, b, c, d }, into, at);
          const view = new DataView(new ArrayBuffer(codec.size + 24));
          codec.encode({ a, b, c, d }, view, at);
          for (const got of [into, new Uint8Array(view.buffer)])
            if (toHex(got) !== toHex(want)) throw new Error(`${id} at ${at}: ${toHex(got)}, want ${toHex(want)}`);
        },
      ),
      { numRuns: RUNS * 3 },
    );
  }
});
