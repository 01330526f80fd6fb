/*
 * The syscall model against the reference and against an independent count.
 * - abi-facts §3.4's worked table is parsed at run time; every number in it
 *   must come out of the model for every ABI its column names.
 * - bus1: the argument counts of Arnd Bergmann's hand analysis
 *   (../shared/seeds/003_*.txt), typed in here from that text.
 * - fast-check: random commands on random ABIs; the slot count equals a
 *   simple counter written from §3.4's algorithm text; "fits" never means
 *   more than six; every proposed remedy fits.
 */
import test from "ava";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import path from "node:path";

import { SPEC_DIR } from "../core/paths.js";
import { ABI_FACTS } from "./reference.js";
import { ABIS, abiById } from "../spec/abis.js";
import type { AbiEntry, AbiId } from "../spec/abi.js";
import { loadSpecFile, loadSpecText } from "../spec/load.js";
import { countSlots, type ArgWidth } from "../syscall/slots.js";
import { analyseCommand } from "../syscall/analyse.js";
import { deriveForm } from "../syscall/derive.js";

const FACTS = readFileSync(ABI_FACTS, "utf8");

/** The markdown table right after a heading. */
function tableAfter(heading: string): string[][] {
  const start = FACTS.indexOf(heading);
  if (start < 0) throw new Error(`no '${heading}' in abi-facts.md`);
  const lines = FACTS.slice(start).split("\n").slice(1);
  const first = lines.findIndex((l) => l.startsWith("|"));
  const rows: string[][] = [];
  for (const l of lines.slice(first)) {
    if (!l.startsWith("|")) break;
    rows.push(
      l
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows.filter((r) => !r.every((c) => /^-+$/.test(c)));
}

/** Reference names in §3.4's column headers -> ABI ids (both endiannesses where the table has them). */
const NAME_TO_IDS: Record<string, AbiId[]> = {
  i386: ["i386"],
  sparc32: ["sparc"],
  m68k: ["m68k"],
  riscv32: ["riscv32"],
  s390: ["s390"],
  "ARM EABI": ["arm", "armeb"],
  ppc32: ["ppc"],
  xtensa: ["xtensa"],
  hexagon: ["hexagon"],
  "MIPS o32": ["mips", "mipsel"],
};

function columnAbis(header: string): AbiId[] {
  const names = header
    .replace(/\(.*?\)/g, "")
    .split(/[/,]/)
    .map((s) => s.trim())
    .filter(Boolean);
  return names.flatMap((n) => {
    const ids = NAME_TO_IDS[n];
    if (!ids) throw new Error(`§3.4 column names '${n}', which this test cannot map to an ABI`);
    return ids;
  });
}

/** `pread64(fd, buf, count, loff_t pos)` -> widths: loff_t is 64-bit, buf a pointer, the rest 32-bit. */
function callWidths(call: string): { name: string; widths: ArgWidth[] } {
  const m = /`(\w+)\((.*)\)`/.exec(call);
  if (!m) throw new Error(`cannot parse call '${call}'`);
  const widths = m[2]!.split(",").map((a): ArgWidth => {
    const s = a.trim();
    if (/^loff_t\b/.test(s)) return "64";
    if (/^(buf|path)$/.test(s)) return "ptr";
    return "32";
  });
  return { name: m[1]!, widths };
}

const rows = tableAfter("### 3.4 Worked slot counts");
const header = rows[0]!;

test("§3.4 has the expected shape (calls and ABI columns)", (t) => {
  const calls = rows.slice(1).map((r) => callWidths(r[0]!).name);
  for (const c of ["pread64", "truncate64", "readahead", "fallocate", "fadvise64_64", "sync_file_range"])
    t.true(calls.includes(c), `row ${c}`);
  t.is(header.length, 5);
});

for (const row of rows.slice(1)) {
  const { name, widths } = callWidths(row[0]!);
  test(`§3.4 ${name}: the model reproduces every column`, (t) => {
    for (let col = 1; col <= 3; col++) {
      const expected = Number(/^\**(\d+)/.exec(row[col]!)?.[1]);
      t.false(Number.isNaN(expected), `cell '${row[col]}'`);
      for (const id of columnAbis(header[col]!)) {
        const abi = abiById(id)!;
        t.is(countSlots(widths, abi.syscall).slots, expected, `${name} on ${id} (column '${header[col]}')`);
      }
    }
  });
}

test("§3.4: MIPS o32's 7 is tolerated, other 7s are not", (t) => {
  const sfr: ArgWidth[] = ["32", "64", "64", "32"];
  t.is(countSlots(sfr, abiById("mips")!.syscall).verdict, "o32-only");
  t.is(countSlots(sfr, abiById("arm")!.syscall).verdict, "exceeds");
  t.is(countSlots(sfr, abiById("i386")!.syscall).verdict, "fits");
  // §3.3 row sh: sys_pread_wrapper(fd, buf, count, long dummy, loff_t pos) -- the pair moves from slot 3 to 4-5.
  t.deepEqual(countSlots(["32", "ptr", "32", "64"], abiById("sh")!.syscall).placement[3], [4, 5]);
});

/* ------------------------------------------------------------- bus1 */

const bus1 = loadSpecFile(path.join(SPEC_DIR, "bus1.yaml"));
const rfc = bus1.interfaces.find((i) => i.spec.name === "bus1")!;
const analyse = (name: string, abis: readonly AbiEntry[] = ABIS) => {
  const cmd = rfc.commands.find((c) => c.spec.name === name)!;
  return analyseCommand(cmd, rfc, abis);
};

// Expected numbers from Arnd Bergmann's message (../shared/seeds/003_*.txt): handle_transfer 5 arguments with the fd,
// nodes_destroy 4, peer_reset 7 (3 with his struct pointer), send "a total of 11 arguments (including the first fd)",
// and receive "fairly straightforward".
test("bus1: argument counts of Arnd Bergmann's analysis", (t) => {
  t.is(analyse("BUS1_CMD_HANDLE_TRANSFER").argCount, 5);
  t.is(analyse("BUS1_CMD_NODES_DESTROY").argCount, 4);
  const reset = analyse("BUS1_CMD_PEER_RESET");
  t.is(reset.argCount, 7);
  t.false(reset.fits);
  const chosen = reset.remedies.find((r) => r.chosen)!;
  t.is(chosen.kind, "struct-pointer");
  t.is(chosen.forms[0]!.args.length, 3);
  t.is(chosen.slots, 3);
  const send = analyse("BUS1_CMD_SEND");
  t.is(send.argCount, 11);
  t.false(send.fits);
  t.true(send.remedies.length > 0);
  t.true(analyse("BUS1_CMD_RECV").fits);
});

test("bus1: the derived forms have Arnd's arguments", (t) => {
  const names = (cmd: string) => analyse(cmd).form.args.map((a) => `${a.type} ${a.name}`);
  t.deepEqual(names("BUS1_CMD_NODES_DESTROY"), [
    "int fd",
    "const __u64 * ptr_nodes",
    "size_t n_nodes",
    "unsigned int flags",
  ]);
  t.deepEqual(names("BUS1_CMD_HANDLE_TRANSFER"), [
    "int fd",
    "__u64 handle",
    "int dst_fd",
    "__u64 * dst_handle",
    "unsigned int flags",
  ]);
});

test("bus1 on i386 and arm EABI: 64-bit members take pairs", (t) => {
  const i386 = abiById("i386")!;
  const arm = abiById("arm")!;
  const x86_64 = abiById("x86_64")!;
  // handle_transfer: (fd, u64 handle, dst_fd, *dst_handle, flags).
  // One extra slot for the u64 on i386; on arm it also needs a pad.
  const ht = analyse("BUS1_CMD_HANDLE_TRANSFER", [x86_64, i386, arm]);
  t.is(ht.perAbi.x86_64!.slots, 5);
  t.is(ht.perAbi.i386!.slots, 6);
  t.is(ht.perAbi.arm!.slots, 7);
  t.deepEqual(ht.exceedsOn, ["arm"]);
  const reorder = ht.remedies.find((r) => r.kind === "reorder")!;
  t.truthy(reorder);
  t.is(
    countSlots(
      reorder.forms[0]!.args.map((a) => a.width),
      arm.syscall,
    ).slots,
    6,
  );
  // recv: (fd, u64 max_offset, *msg, flags): 4 / 5 / 6 with the pad on arm.
  const recv = analyse("BUS1_CMD_RECV", [x86_64, i386, arm]);
  t.deepEqual([recv.perAbi.x86_64!.slots, recv.perAbi.i386!.slots, recv.perAbi.arm!.slots], [4, 5, 6]);
  t.is(recv.perAbi.arm!.padding, 1);
});

/* ------------------------------------------------------ property tests */

/** Independent counter, written from the §3.4 algorithm paragraph, keyed on the ABI's pair rule. */
function referenceCount(widths: readonly ArgWidth[], abi: AbiEntry): number {
  let slot = 0;
  // §3.2's sh4 row: flags "back-filled" into r7 when a pair skipped it.
  let hole = false;
  for (const w of widths) {
    if (w === "64" && abi.syscall.pairs !== "one-register") {
      if (abi.syscall.pairs === "even" && slot % 2 === 1) slot += 1;
      if (abi.syscall.pairs === "sh" && slot === 3) {
        slot = 4;
        hole = true;
      }
      slot += 2;
    } else if (hole) hole = false;
    else slot += 1;
  }
  return slot;
}

const FIELD_TYPES = [
  "__u8",
  "__u16",
  "__u32",
  "__u64",
  "__s32",
  "__s64",
  "int",
  "unsigned int",
  "long",
  "size_t",
  "__aligned_u64",
];
const WIDTH_OF: Record<string, ArgWidth> = {
  __u8: "32",
  __u16: "32",
  __u32: "32",
  __u64: "64",
  __s32: "32",
  __s64: "64",
  int: "32",
  "unsigned int": "32",
  long: "ptr",
  size_t: "ptr",
  __aligned_u64: "64",
};

interface RandomField {
  type: string;
  semantics: "plain" | "fd" | "flags-lo" | "flags-hi" | "out" | "inout" | "reserved" | "pointer";
}
const fieldArb = fc.record({
  type: fc.constantFrom(...FIELD_TYPES),
  semantics: fc.constantFrom<RandomField["semantics"]>(
    "plain",
    "plain",
    "fd",
    "flags-lo",
    "flags-hi",
    "out",
    "inout",
    "reserved",
    "pointer",
  ),
});

/** A spec with one struct of random fields and one command using it. */
function specFor(fields: RandomField[]): string {
  const lines = [
    "name: rnd",
    "doc: random",
    "interfaces:",
    "  - name: rnd",
    "    header: linux/rnd.h",
    "    doc: random",
    "    flags:",
    "      - {name: lo_flags, width: 64, doc: low, bits: [{name: RND_LO, bit: 3}]}",
    "      - {name: hi_flags, width: 64, doc: high, bits: [{name: RND_HI, bit: 40}]}",
    "    structs:",
    "      - name: rnd_args",
    "        doc: random",
    "        fields:",
  ];
  fields.forEach((f, i) => {
    const sem =
      f.semantics === "fd"
        ? ", fd: true"
        : f.semantics === "flags-lo"
          ? ", flags: lo_flags"
          : f.semantics === "flags-hi"
            ? ", flags: hi_flags"
            : f.semantics === "out"
              ? ", flow: out"
              : f.semantics === "inout"
                ? ", flow: inout"
                : f.semantics === "reserved"
                  ? ", reserved: true"
                  : f.semantics === "pointer"
                    ? ", pointer: {to: __u32}"
                    : "";
    lines.push(
      `          - {name: f${i}, type: "${f.type}", flow: in${sem}}`.replace(/flow: in, flow: (out|inout)/, "flow: $1"),
    );
  });
  lines.push(
    "    commands:",
    "      - {name: RND_CMD, doc: random, magic: 0x42, nr: 1, dir: write, arg: struct rnd_args}",
  );
  return lines.join("\n") + "\n";
}

const abiArb = fc.subarray([...ABIS], { minLength: 1 });

test("property: derived slot count equals the independent count; fits means <= six; every remedy fits", (t) => {
  fc.assert(
    fc.property(fc.array(fieldArb, { minLength: 1, maxLength: 12 }), abiArb, (fields, abis) => {
      const model = loadSpecText("rnd.yaml", specFor(fields));
      const ifc = model.interfaces[0]!;
      const cmd = ifc.commands[0]!;
      const form = deriveForm(cmd, ifc);
      // Independent expectation of each argument's width from the random field, in derivation order.
      const expectedWidth = (field: string | undefined): ArgWidth => {
        if (field === undefined) return "32"; // fd
        const f = fields[Number(field.slice(1))]!;
        if (f.semantics === "fd" || f.semantics === "flags-lo") return "32";
        if (f.semantics === "out" || f.semantics === "inout" || f.semantics === "pointer") return "ptr";
        return WIDTH_OF[f.type]!;
      };
      const widths = form.args.map((a) => expectedWidth(a.field));
      // Reserved members vanish; every other member is an argument.
      if (form.args.length !== 1 + fields.filter((f) => f.semantics !== "reserved").length) return false;
      const a = analyseCommand(cmd, ifc, abis);
      for (const abi of abis) {
        const slots = a.perAbi[abi.id]!.slots;
        if (slots !== referenceCount(widths, abi)) return false;
        if (a.perAbi[abi.id]!.verdict === "fits" && slots > 6) return false;
      }
      if (a.fits && abis.some((abi) => referenceCount(widths, abi) > 6)) return false;
      for (const r of a.remedies) {
        for (const f of r.forms)
          for (const abi of abis)
            if (
              referenceCount(
                f.args.map((x) => x.width),
                abi,
              ) > 6
            )
              return false;
      }
      // Something always fits: grouping into a struct pointer is at most three arguments.
      if (!a.fits && a.remedies.length === 0) return false;
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test("property: the slot model equals the independent counter on raw width lists", (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom<ArgWidth>("32", "64", "ptr"), { maxLength: 10 }),
      fc.constantFrom(...ABIS),
      (widths, abi) => {
        const c = countSlots(widths, abi.syscall);
        return c.slots === referenceCount(widths, abi) && (c.verdict === "fits") === c.slots <= 6;
      },
    ),
    { numRuns: 1000 },
  );
  t.pass();
});
