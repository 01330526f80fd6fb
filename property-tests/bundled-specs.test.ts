/*
 * The bundled specs reproduce the sizes, offsets and ioctl numbers that
 * seed-uapi.md records (computed there by compiling the real declarations),
 * and their values on the alpha/mips/powerpc/sparc family are what the
 * kernel's encoding rules (abi-facts §2.2) give for the same commands.
 */
import test from "ava";
import { commandNumber } from "../core/ioctl-numbers.js";
import { flattenMembers, layoutRecord } from "../core/layout.js";
import type { CommandModel, InterfaceModel, SpecModel } from "../core/model.js";
import { abiById } from "../spec/abis.js";
import { exampleSpecFiles, loadSpecFiles } from "../spec/load.js";
import { ABI_FACTS, SEED_UAPI, cBlocks, col, readReference, tableAfter } from "./reference.js";

const models: SpecModel[] = loadSpecFiles(exampleSpecFiles());
const interfaces = new Map<string, InterfaceModel>(
  models.flatMap((m) => m.interfaces.map((i) => [i.spec.name, i] as const)),
);

/** Which of our interfaces models each section of seed-uapi.md (the sections we do not model are left out). */
const SECTION_INTERFACES: Record<string, string[]> = {
  "### 1.4": ["bus1"],
  "### 2.3": ["iio_events"],
  "### 2.4": ["iio_buffer"],
  "### 2.5": ["iio_buffer"],
  "#### 2.6.2": ["iio_buffer_mmap", "iio_buffer_mmap_v4"],
  "#### 2.6.3": ["iio_buffer_dmabuf_v1"],
  "#### 2.6.4": ["iio_buffer_ioctl_data"],
};

function section(md: string, heading: string): string {
  const start = md.split("\n").findIndex((l) => l.startsWith(heading));
  const lines = md.split("\n").slice(start + 1);
  const end = lines.findIndex((l) => /^#{2,4} /.test(l));
  return lines.slice(0, end < 0 ? undefined : end).join("\n");
}

const x86_64 = abiById("x86_64")!;
const i386 = abiById("i386")!;

function command(ifc: string, name: string): CommandModel {
  const c = interfaces.get(ifc)?.commands.find((x) => x.spec.name === name);
  if (!c) throw new Error(`${ifc} has no command ${name}`);
  return c;
}

test("struct sizes and stated offsets match seed-uapi.md on x86_64 and i386", (t) => {
  const md = readReference(SEED_UAPI);
  let checked = 0;
  for (const [heading, ifcs] of Object.entries(SECTION_INTERFACES)) {
    for (const block of cBlocks(section(md, heading))) {
      for (const m of block.matchAll(/struct (\w+)\s*\{[^\n]*?(\d+) bytes([^\n]*)/g)) {
        const [, name, size, rest] = m as unknown as [string, string, string, string];
        for (const ifc of ifcs) {
          const record = interfaces.get(ifc)!.records.find((r) => r.tag === name);
          t.truthy(record, `${ifc} should define struct ${name} (${heading})`);
          for (const abi of [x86_64, i386]) {
            const layout = layoutRecord(record!, abi);
            t.is(layout.size, Number(size), `${ifc}: sizeof(struct ${name}) on ${abi.id}`);
            for (const o of rest.matchAll(/(\w+) at offset (\d+)/g)) {
              t.is(
                flattenMembers(layout).find((f) => f.name === o[1])?.offset,
                Number(o[2]),
                `${ifc}: ${name}.${o[1]} on ${abi.id}`,
              );
            }
            checked++;
          }
        }
      }
    }
  }
  t.log(`${checked} struct layouts checked`);
  t.true(checked >= 20);
});

/**
 * (interface, macro, generic value) from the seed:
 * the bus1 §1.5 table and the commented #defines of the IIO sections.
 */
function seedNumbers(): { ifc: string; name: string; value: number }[] {
  const md = readReference(SEED_UAPI);
  const out: { ifc: string; name: string; value: number }[] = [];
  const table = tableAfter(md, "### 1.5");
  for (const row of table.rows)
    out.push({
      ifc: "bus1",
      name: row[col(table, "Macro")]!.replace(/`/g, ""),
      value: Number(row[col(table, "cmd value")]!.replace(/`/g, "")),
    });
  for (const [heading, ifcs] of Object.entries(SECTION_INTERFACES)) {
    for (const block of cBlocks(section(md, heading))) {
      for (const m of block.matchAll(/#define (\w+)\s+_IO[RW]*\([^\n]*\/\* (0x[0-9A-Fa-f]{8})/g)) {
        for (const ifc of ifcs) out.push({ ifc, name: m[1]!, value: Number(m[2]) });
      }
    }
  }
  return out;
}

const hex = (n: number) => "0x" + n.toString(16).toUpperCase().padStart(8, "0");

test("ioctl numbers on the generic family match seed-uapi.md (x86_64 and i386)", (t) => {
  const expected = seedNumbers();
  for (const { ifc, name, value } of expected) {
    const cmd = command(ifc, name);
    for (const abi of [x86_64, i386])
      t.is(hex(commandNumber(cmd, abi).value!), hex(value), `${ifc} ${name} on ${abi.id}`);
  }
  t.log(`${expected.length} command numbers checked`);
  t.true(expected.length >= 20);
  // The two the issue names.
  t.is(hex(commandNumber(command("bus1", "BUS1_CMD_RECV"), x86_64).value!), "0xC0609650");
  t.is(hex(commandNumber(command("iio_buffer", "IIO_BUFFER_DMABUF_ENQUEUE_IOCTL"), x86_64).value!), "0x40106994");
});

/** The kernel's encoding parameters for one row of abi-facts §2.2. */
function iocParams(rowTitle: RegExp) {
  const table = tableAfter(readReference(ABI_FACTS), "### 2.2");
  const row = table.rows.find((r) => rowTitle.test(r[0]!))!;
  const field = (name: string) => {
    const [bits, shift] = row[col(table, name)]!.split(/\s/)[0]!.split("@").map(Number) as [number, number];
    return { bits, shift };
  };
  return {
    nr: field("nr"),
    type: field("type"),
    size: field("size"),
    dir: field("dir"),
    none: Number(row[col(table, "NONE")]),
    read: Number(row[col(table, "READ")]!.replace(/\*/g, "")),
    write: Number(row[col(table, "WRITE")]!.replace(/\*/g, "")),
  };
}

test("ioctl numbers on the alpha/mips/powerpc/sparc family follow the kernel's encoding of the same commands", (t) => {
  const generic = iocParams(/^generic/);
  const mips = iocParams(/^mips/);
  const get = (v: number, f: { bits: number; shift: number }) => Math.floor(v / 2 ** f.shift) % 2 ** f.bits;
  for (const { ifc, name, value } of seedNumbers()) {
    // Take the seed's generic number apart and rebuild it with the mips parameters.
    const dirBits = get(value, generic.dir);
    const read = (dirBits & generic.read) !== 0;
    const write = (dirBits & generic.write) !== 0;
    const dir = (read ? mips.read : 0) | (write ? mips.write : 0) || mips.none;
    const expected =
      dir * 2 ** mips.dir.shift +
      get(value, generic.size) * 2 ** mips.size.shift +
      get(value, generic.type) * 2 ** mips.type.shift +
      get(value, generic.nr) * 2 ** mips.nr.shift;
    for (const abiId of ["mips", "mipsel", "mips64", "ppc", "ppc64le", "alpha", "sparc", "sparc64"]) {
      t.is(hex(commandNumber(command(ifc, name), abiById(abiId)!).value!), hex(expected), `${ifc} ${name} on ${abiId}`);
    }
  }
});

test("bus1 and the IIO specs declare every command and struct the seed inventory lists", (t) => {
  const md = readReference(SEED_UAPI);
  const checklist = section(md, "## 4.");
  const bus1Structs = [
    "bus1_cmd_peer_reset",
    "bus1_cmd_handle_transfer",
    "bus1_cmd_nodes_destroy",
    "bus1_cmd_send",
    "bus1_cmd_recv",
  ];
  for (const s of bus1Structs)
    t.true(checklist.includes(s) && interfaces.get("bus1")!.records.some((r) => r.tag === s), s);
  t.is(interfaces.get("bus1")!.commands.length, 9);
  const mmap = interfaces.get("iio_buffer_mmap")!;
  t.is(mmap.commands.filter((c) => /BLOCK/.test(c.spec.name)).length, 5, "five block ioctls in the mmap proposal");
  t.is(interfaces.get("mhi_uci")!.commands.length, 0, "MHI UCI has no ioctls");
  t.true(
    (interfaces.get("mhi_uci")!.spec.devices ?? []).some(
      (d) => d.fops.some((f) => f.op === "open") && d.fops.some((f) => f.op === "release"),
    ),
  );
});
