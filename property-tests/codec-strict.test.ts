/*
 * Strictness of the generated codecs, rule by rule, and lenient mode.  Offsets
 * and flag bits come from the kernel-side reference (seed-uapi.md:
 * struct iio_buffer_block is 32 bytes, flags the fifth __u32 at offset 16,
 * timestamp at 24, IIO_BUFFER_BLOCK_FLAG_TIMESTAMP_VALID (1 << 0) and
 * IIO_BUFFER_BLOCK_FLAG_CYCLIC (1 << 1) in v1, bit 0 RESERVED in v3/v4;
 * BUS1_MSG_* types 0..3) or from C's own alignment rules for small inline
 * specs, never from the codec's output.
 */
import test from "ava";
import { readFileSync } from "node:fs";
import path from "node:path";
import { abiById } from "../spec/abis.js";
import { exampleSpecFiles, loadSpecFiles } from "../spec/load.js";
import { oneStructSpec } from "./codec-support.js";
import { compileInterface, compileCodec } from "../generators/codec-compile.js";
import { codecGenerator } from "../generators/codecs.js";
import { CodecError, type Codec, type CodecErrorKind, type CodecWarning } from "../runtime/index.js";
import { OUT_DIR } from "../core/paths.js";

const x86_64 = abiById("x86_64")!;
const i386 = abiById("i386")!;
const models = loadSpecFiles(exampleSpecFiles());
const ifcNamed = (name: string) => models.flatMap((m) => m.interfaces).find((i) => i.spec.name === name)!;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const codecOf = (ifc: string, struct: string, abi = x86_64): Codec<any> =>
  compileInterface(ifcNamed(ifc), [abi]).structs.get(struct)!.abis[abi.id]!;

function rejects(t: import("ava").ExecutionContext, fn: () => unknown, kind: CodecErrorKind, field?: string) {
  const e = t.throws(fn, { instanceOf: CodecError }) as CodecError | undefined;
  t.is(e?.kind, kind, e?.message);
  if (field !== undefined) t.is(e?.field, field, e?.message);
  return e;
}

/** struct iio_buffer_block bytes with the given flags word (little-endian). */
function block(flags: number, size = 32): Uint8Array {
  const b = new Uint8Array(size);
  new DataView(b.buffer).setUint32(16, flags, true);
  return b;
}

test("truncated buffers throw CodecError, in strict and lenient mode, and never read out of bounds", (t) => {
  const c = codecOf("iio_buffer_mmap", "iio_buffer_block");
  t.is(c.size, 32);
  rejects(t, () => c.decode(new Uint8Array(31)), "truncated");
  rejects(t, () => c.decode(new Uint8Array(31), 0, []), "truncated");
  rejects(t, () => c.decode(new Uint8Array(40), 9), "truncated");
  rejects(t, () => c.decode(new Uint8Array(64), -1), "truncated");
  rejects(t, () => c.decode(new Uint8Array(64), 1.5), "truncated");
  // A view onto the middle of a larger buffer must not see the bytes around it.
  const big = new Uint8Array(100);
  rejects(t, () => c.decode(big.subarray(10, 41)), "truncated");
  t.notThrows(() => c.decode(big.subarray(10, 42)));
  rejects(
    t,
    () =>
      c.encode(
        { id: 0, size: 0, bytes_used: 0, type: 0, flags: 0, data: { offset: 0 }, timestamp: 0n },
        new Uint8Array(16),
      ),
    "truncated",
  );
});

test("unknown flag bits are rejected where the spec declares the flag set; reserved bits count as unknown", (t) => {
  const v1 = codecOf("iio_buffer_mmap", "iio_buffer_block");
  t.notThrows(() => v1.decode(block(0b11)));
  rejects(t, () => v1.decode(block(0b100)), "flags", "flags");
  rejects(t, () => v1.decode(block(0x80000000)), "flags", "flags");
  const v4 = codecOf("iio_buffer_mmap_v4", "iio_buffer_block");
  t.notThrows(() => v4.decode(block(0b10)));
  rejects(t, () => v4.decode(block(0b01)), "flags", "flags");
  const value = { id: 1, size: 2, bytes_used: 3, type: 0, flags: 4, data: { offset: 0 }, timestamp: 0n };
  rejects(t, () => v1.encode(value), "flags", "flags");
  // 64-bit flags: bus1_send_flags declares bits 0 and 1 only.
  const send = codecOf("bus1", "bus1_cmd_send");
  const bytes = new Uint8Array(80);
  new DataView(bytes.buffer).setUint32(4, 1, true); // bit 32
  rejects(t, () => send.decode(bytes), "flags", "flags");
});

test("a declared special value is accepted even where it is no combination of flag bits", (t) => {
  // bus1_cmd_peer_reset.peer_flags: (u64)-1 means "unchanged" (BUS1_PEER_FLAGS_UNCHANGED).
  const c = codecOf("bus1", "bus1_cmd_peer_reset");
  const bytes = new Uint8Array(32);
  new DataView(bytes.buffer).setBigUint64(8, 0xffffffffffffffffn, true);
  t.is(c.decode(bytes).peer_flags, 0xffffffffffffffffn);
  new DataView(bytes.buffer).setBigUint64(8, 0xfffffffffffffffen, true);
  rejects(t, () => c.decode(bytes), "flags", "peer_flags");
});

test("unknown enum values are rejected", (t) => {
  const c = codecOf("bus1", "bus1_cmd_recv");
  const bytes = new Uint8Array(96);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(16, 3n, true); // BUS1_MSG_NODE_RELEASE
  t.is(c.decode(bytes).msg.type, 3n);
  view.setBigUint64(16, 4n, true);
  rejects(t, () => c.decode(bytes), "enum", "msg.type");
  view.setBigUint64(16, 1n << 32n, true);
  rejects(t, () => c.decode(bytes), "enum", "msg.type");
});

test("non-zero padding is rejected: holes between members, tail padding, unnamed bit-fields", (t) => {
  // struct { __u8 a; __u32 b; }: C aligns b to 4, leaving bytes 1..3 as padding.
  const hole = oneStructSpec("          - { name: a, type: __u8 }\n          - { name: b, type: __u32 }\n");
  const c = compileCodec(hole.interfaces[0]!.records[0]!, x86_64, hole.interfaces[0]);
  t.is(c.size, 8);
  const bytes = new Uint8Array(8);
  t.notThrows(() => c.decode(bytes));
  for (const at of [1, 2, 3]) {
    bytes.fill(0);
    bytes[at] = 0x10;
    const e = rejects(t, () => c.decode(bytes), "padding");
    t.true(e!.offset <= at && at < e!.offset + 3);
  }
  // struct { __u32 a; __u8 b; }: size 8, bytes 5..7 are tail padding.
  const tail = oneStructSpec("          - { name: a, type: __u32 }\n          - { name: b, type: __u8 }\n");
  const ct = compileCodec(tail.interfaces[0]!.records[0]!, x86_64);
  const tb = new Uint8Array(8);
  tb[7] = 1;
  rejects(t, () => ct.decode(tb), "padding");
  // struct { __u32 a:3; __u32 :5; __u32 b:8; }: bits 3..7 of byte 0 belong to no member (x86 fills from bit 0).
  const bits = oneStructSpec(
    [
      "          - { name: a, type: __u32, bits: 3 }",
      "          - { type: __u32, bits: 5 }",
      "          - { name: b, type: __u32, bits: 8 }",
      "",
    ].join("\n"),
  );
  const cb = compileCodec(bits.interfaces[0]!.records[0]!, x86_64);
  const bb = new Uint8Array(cb.size);
  bb[0] = 0b111;
  bb[1] = 0xff;
  t.deepEqual(cb.decode(bb), { a: 7, b: 255 });
  bb[0] = 0b1000;
  rejects(t, () => cb.decode(bb), "padding");
  // Encode writes padding as zero whatever the target held.
  const target = new Uint8Array(8).fill(0xff);
  c.encode({ a: 1, b: 2 }, target);
  t.deepEqual([...target], [1, 0, 0, 0, 2, 0, 0, 0]);
});

test("reserved fields must be zero on both sides, and may be left out on encode", (t) => {
  const c = codecOf("iio_buffer_dmabuf_v1", "iio_dmabuf_alloc_req");
  const bytes = new Uint8Array(16);
  bytes[8] = 1;
  rejects(t, () => c.decode(bytes), "reserved", "resv");
  rejects(t, () => c.encode({ size: 4096n, resv: 1n }), "reserved", "resv");
  const out = c.encode({ size: 4096n });
  t.deepEqual([...out.subarray(8)], [0, 0, 0, 0, 0, 0, 0, 0]);
});

test("out-of-range numbers on encode are rejected: negative in __u32, over 64 bits, wrong JS types", (t) => {
  const c = codecOf("iio_buffer_mmap", "iio_buffer_block");
  const ok = { id: 1, size: 2, bytes_used: 3, type: 0, flags: 0, data: { offset: 0 }, timestamp: 0n };
  t.notThrows(() => c.encode(ok));
  rejects(t, () => c.encode({ ...ok, id: -1 }), "range", "id");
  rejects(t, () => c.encode({ ...ok, id: 2 ** 32 }), "range", "id");
  rejects(t, () => c.encode({ ...ok, id: 1.5 }), "range", "id");
  rejects(t, () => c.encode({ ...ok, timestamp: 1n << 64n }), "range", "timestamp");
  rejects(t, () => c.encode({ ...ok, timestamp: -1n }), "range", "timestamp");
  rejects(t, () => c.encode({ ...ok, timestamp: 5 }), "type", "timestamp");
  rejects(t, () => c.encode({ ...ok, id: "1" }), "type", "id");
  rejects(t, () => c.encode({ ...ok, data: null }), "type", "data");
  rejects(t, () => c.encode(null), "type");
  // __s64 takes negatives down to -2^63 and no further.
  const ev = codecOf("iio_events", "iio_event_data");
  t.notThrows(() => ev.encode({ id: 0n, timestamp: -(1n << 63n) }));
  rejects(t, () => ev.encode({ id: 0n, timestamp: -(1n << 63n) - 1n }), "range", "timestamp");
  // long is 32 bits on i386: a pointer-sized value above 2^32 does not fit there.
  const iov = compileInterface(ifcNamed("bus1"), [i386]).structs.get("iovec")!.abis.i386!;
  rejects(t, () => iov.encode({ iov_base: 1n << 32n, iov_len: 0n }), "range", "iov_base");
});

test("lenient mode decodes anyway and reports each violation as a warning", (t) => {
  const c = codecOf("iio_buffer_mmap", "iio_buffer_block");
  const warnings: CodecWarning[] = [];
  const v = c.decode(block(0b101), 0, warnings);
  t.is(v.flags, 0b101);
  t.is(warnings.length, 1);
  t.is(warnings[0]!.kind, "flags");
  t.is(warnings[0]!.field, "flags");
  t.is(warnings[0]!.offset, 16);
  const r = codecOf("bus1", "bus1_cmd_recv");
  const bytes = new Uint8Array(96);
  bytes[0] = 0x80;
  bytes[16] = 9;
  const w2: CodecWarning[] = [];
  r.decode(bytes, 0, w2);
  t.deepEqual(
    w2.map((w) => `${w.kind}:${w.field}`),
    ["flags:flags", "enum:msg.type"],
  );
});

test("the committed out/codecs/ modules are exactly what the generator produces", (t) => {
  const files = codecGenerator.generate(models);
  t.true(files.length > 3);
  for (const f of files) {
    let committed = "";
    try {
      committed = readFileSync(path.join(OUT_DIR, f.path), "utf8");
    } catch {
      /* missing: reported below */
    }
    t.true(committed === f.content, `out/${f.path} is stale or missing; run 'uapi generate'`);
  }
});

test("the static modules and the run-time compiler agree (same bodies, same bytes)", async (t) => {
  const mod = await import("../out/codecs/bus1.js");
  const dyn = codecOf("bus1", "bus1_cmd_send", i386);
  const value = {
    flags: 2n,
    ptr_destinations: 1n,
    ptr_errors: 2n,
    n_destinations: 3n,
    ptr_vecs: 4n,
    n_vecs: 5n,
    ptr_handles: 6n,
    n_handles: 7n,
    ptr_fds: 8n,
    n_fds: 9n,
  };
  t.deepEqual([...mod.bus1_cmd_send.i386!.encode(value)], [...dyn.encode(value)]);
  t.is(mod.IOCTLS.BUS1_CMD_SEND!.numbers.x86_64, 0xc0509640); // seed-uapi.md: BUS1_CMD_SEND = 0xC0509640
});
