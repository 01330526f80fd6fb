/*
 * `uapi decode`, `uapi encode` and `uapi ioctl` through the CLI entry point.
 * Expected numbers come from ../shared/reference/seed-uapi.md
 * (BUS1_CMD_SEND = _IOWR(0x96, 0x40, 80 bytes) = 0xC0509640;
 * IIO_BUFFER_DMABUF_ENQUEUE_IOCTL = _IOW('i', 0x94, 16 bytes) = 0x40106994),
 * byte images are written by hand from the struct layouts given there.
 */
import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { main } from "../cli/main.js";
import { bufferIo } from "../cli/io.js";

async function run(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

test("uapi ioctl 0xC0509640 is BUS1_CMD_SEND: _IOWR, type 0x96, nr 0x40, size 80", async (t) => {
  const r = await run("ioctl", "0xC0509640", "--format", "json");
  t.is(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  const generic = j.families.find((f: { family: string }) => f.family === "generic");
  t.like(generic, { dir: "readwrite", type: 0x96, nr: 0x40, size: 80, valid: true });
  // The RFC and its 2016-11 revision both have SEND, unchanged (commit 8de3f9bc11f3 renumbered only RECV).
  t.deepEqual(
    j.matches.map((m: { command: string; interface: string }) => `${m.interface} ${m.command}`),
    ["bus1 BUS1_CMD_SEND", "bus1_2016_11 BUS1_CMD_SEND"],
  );
  t.true(j.matches[0].abis.includes("x86_64") && j.matches[0].abis.includes("i386"));
  const text = await run("ioctl", "0xC0509640");
  t.regex(text.out, /BUS1_CMD_SEND/);
});

const DMABUF_ENQUEUE =
  "uapi ioctl 0x40106994 is IIO_BUFFER_DMABUF_ENQUEUE_IOCTL: _IOW('i', 0x94, 16 bytes) on generic ABIs";
test(DMABUF_ENQUEUE, async (t) => {
  const r = await run("ioctl", "0x40106994", "--format", "json");
  t.is(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  t.like(
    j.families.find((f: { family: string }) => f.family === "generic"),
    { dir: "write", type: 0x69, nr: 0x94, size: 16 },
  );
  const m = j.matches.find((x: { command: string }) => x.command === "IIO_BUFFER_DMABUF_ENQUEUE_IOCTL");
  t.truthy(m, r.out);
  t.true(m.abis.includes("x86_64"));
  // On powerpc _IOC_WRITE is 4 (3 dir bits), so the same command has another number there.
  t.false(m.abis.includes("ppc64"));
});

test("uapi ioctl: an unknown number exits 1, a malformed one 2", async (t) => {
  t.is((await run("ioctl", "0x12345678")).code, 1);
  t.is((await run("ioctl", "banana")).code, 2);
  t.is((await run("ioctl", "0x123456789")).code, 2);
  t.is((await run("ioctl", "--help")).code, 0);
});

// struct iio_buffer_block (seed-uapi.md):
// __u32 id, size, bytes_used, type, flags; union { __u32 offset; } data; __u64 timestamp.
const BLOCK_HEX = "07000000" + "00100000" + "e8030000" + "00000000" + "01000000" + "00200000" + "cb04fb711f010000";

test("uapi decode prints the value as JSON (64-bit values as strings) and as a byte dump", async (t) => {
  const r = await run("decode", "iio_buffer_block", "--abi", "x86_64", BLOCK_HEX);
  t.is(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  t.deepEqual(j.value, {
    id: 7,
    size: 4096,
    bytes_used: 1000,
    type: 0,
    flags: 1,
    data: { offset: 8192 },
    timestamp: "1234567890123",
  });
  t.is(j.size, 32);
  const d = await run("decode", "iio_buffer_block", "--abi", "i386", BLOCK_HEX, "--format", "dump");
  t.is(d.code, 0, d.err);
  t.regex(d.out, /24\s+8\s+cb04fb711f010000\s+timestamp\s+__u64\s+1234567890123/);
  t.regex(d.out, /20\s+4\s+00200000\s+data\.offset/);
});

test("uapi decode: rule violations exit 1 unless --lenient; short input exits 1; bad hex exits 2", async (t) => {
  const bad = BLOCK_HEX.slice(0, 32) + "04000000" + BLOCK_HEX.slice(40);
  const strict = await run("decode", "iio_buffer_block", "--abi", "x86_64", bad);
  t.is(strict.code, 1);
  t.regex(strict.err, /flags/);
  const lenient = await run("decode", "iio_buffer_block", "--abi", "x86_64", bad, "--lenient");
  t.is(lenient.code, 0);
  t.regex(lenient.err, /warning/);
  t.is(JSON.parse(lenient.out).value.flags, 4);
  t.is((await run("decode", "iio_buffer_block", "--abi", "x86_64", BLOCK_HEX.slice(0, 62))).code, 1);
  t.is((await run("decode", "iio_buffer_block", "--abi", "x86_64", "zz")).code, 2);
  t.is((await run("decode", "iio_buffer_block", BLOCK_HEX)).code, 2, "no --abi");
  t.is((await run("decode", "no_such_struct", "--abi", "x86_64", BLOCK_HEX)).code, 2);
});

test("uapi decode @file reads raw bytes; uapi encode round-trips what decode printed", async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-codec-cli-"));
  try {
    const file = path.join(dir, "block.bin");
    writeFileSync(file, Buffer.from(BLOCK_HEX, "hex"));
    const d = await run("decode", "iio_buffer_block", "--abi", "x86_64", `@${file}`);
    t.is(d.code, 0, d.err);
    const value = JSON.parse(d.out).value;
    const e = await run("encode", "iio_buffer_block", "--abi", "x86_64", JSON.stringify(value));
    t.is(e.code, 0, e.err);
    t.is(e.out.trim(), BLOCK_HEX);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("uapi encode: bus1_cmd_send bytes, and refusals exit 2", async (t) => {
  const value = {
    flags: 1,
    ptr_destinations: "0x1000",
    ptr_errors: 0,
    n_destinations: 1,
    ptr_vecs: 0,
    n_vecs: 0,
    ptr_handles: 0,
    n_handles: 0,
    ptr_fds: 0,
    n_fds: 0,
  };
  const r = await run("encode", "bus1_cmd_send", "--abi", "i386", JSON.stringify(value), "--format", "json");
  t.is(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  t.is(j.size, 80);
  // Ten little-endian __u64: flags=1, ptr_destinations=0x1000, n_destinations=1, the rest 0.
  t.is(j.hex, "0100000000000000" + "0010000000000000" + "0".repeat(16) + "0100000000000000" + "0".repeat(16 * 6));
  t.is((await run("encode", "bus1_cmd_send", "--abi", "x86_64", JSON.stringify({ ...value, flags: 8 }))).code, 2);
  t.is((await run("encode", "bus1_cmd_send", "--abi", "x86_64", JSON.stringify({ ...value, n_fds: -1 }))).code, 2);
  t.is((await run("encode", "bus1_cmd_send", "--abi", "x86_64", JSON.stringify({ ...value, bogus: 1 }))).code, 2);
  t.is((await run("encode", "bus1_cmd_send", "--abi", "x86_64", "{not json")).code, 2);
  t.is((await run("encode", "--help")).code, 0);
});
