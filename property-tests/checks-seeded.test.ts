/*
 * Seeded defects: each classic uapi mistake is found by the rule made for
 * it, on the ABIs the reference says it affects; clean structs pass.
 */
import test from "ava";
import { runChecks } from "../core/checks/index.js";
import type { Diagnostic } from "../core/diagnostic.js";
import { ABIS } from "../spec/abis.js";
import { loadSpecText } from "../spec/load.js";
import { specText } from "./seeded-spec.js";

function check(structsYaml: string, commandsYaml = ""): Diagnostic[] {
  const text = specText(structsYaml, commandsYaml);
  return runChecks(loadSpecText("seeded.yaml", text), ABIS).filter((d) => d.severity !== "info");
}

const rules = (ds: Diagnostic[]) => [...new Set(ds.map((d) => d.rule))].sort();
const abisOf = (ds: Diagnostic[], rule: string) =>
  ds
    .filter((d) => d.rule === rule)
    .flatMap((d) => d.abis)
    .sort();

// ABIs where __u64 is 4- or 2-aligned in structs, per abi-facts §0 rule 2 (i386, OABI, sh, arc, csky,
// microblaze, openrisc, nios2 cap at 4; m68k at 2).
const U64_UNDERALIGNED = ["i386", "arm-oabi", "sh", "arc", "csky", "microblaze", "openrisc", "nios2", "m68k"].sort();

test("a __u64 after a __u32: hole on 8-aligning ABIs, misaligned on the others, compat layout differs", (t) => {
  const structs = `      - name: s
        doc: d
        fields:
          - { name: a, type: __u32 }
          - { name: b, type: __u64 }`;
  const ds = check(structs);
  t.deepEqual(rules(ds), ["align64/offset", "align64/size", "compat/layout", "padding/hole"]);
  t.deepEqual(abisOf(ds, "align64/offset"), U64_UNDERALIGNED);
  const holeAbis = abisOf(ds, "padding/hole");
  t.deepEqual(
    holeAbis,
    ABIS.map((a) => a.id)
      .filter((id) => !U64_UNDERALIGNED.includes(id))
      .sort(),
  );
  const hole = ds.find((d) => d.rule === "padding/hole")!;
  t.regex(hole.message, /4-byte implicit hole at offset 4 between 'a' and 'b'/);
  t.regex(hole.hint, /`- \{ name: __pad0, type: __u32, padding: true \}` after 'a'/);
  t.regex(hole.hint, /__u32 __pad0;/);
  const lineOfB =
    specText(structs)
      .split("\n")
      .findIndex((l) => l.includes("name: b")) + 1;
  t.deepEqual([hole.loc.file, hole.loc.line], ["seeded.yaml", lineOfB], "points at member b");
});

const TRAILING_U32 =
  "a trailing __u32 after a __u64: tail padding where __u64 is 8-aligned, size not a multiple of 8 elsewhere";
test(TRAILING_U32, (t) => {
  const ds = check(`      - name: s
        doc: d
        fields:
          - { name: a, type: __u64 }
          - { name: b, type: __u32 }`);
  t.deepEqual(rules(ds), ["align64/size", "compat/layout", "padding/tail"]);
  t.deepEqual(abisOf(ds, "align64/size"), U64_UNDERALIGNED);
  t.regex(
    ds.find((d) => d.rule === "padding/tail")!.hint,
    /`- \{ name: __pad0, type: __u32, padding: true \}` as the last member \(C: `__u32 __pad0;`/,
  );
});

test("a pointer member is ABI-dependent and changes the layout between ILP32 and LP64", (t) => {
  const ds = check(`      - name: s
        doc: d
        fields:
          - { name: p, type: void * }
          - { name: n, type: __u64 }`);
  t.true(ds.some((d) => d.rule === "types/abi-dependent" && d.severity === "error" && /pointer/.test(d.message)));
  t.true(ds.some((d) => d.rule === "compat/layout"));
});

test("a long member is ABI-dependent", (t) => {
  const ds = check(`      - name: s
        doc: d
        fields:
          - { name: l, type: long }
          - { name: m, type: long }`);
  t.true(ds.some((d) => d.rule === "types/abi-dependent" && /'long'/.test(d.message)));
  t.true(ds.some((d) => d.rule === "compat/layout"));
});

test("a duplicate nr within an interface is found, as in the IIO mmap proposal's 0x93", (t) => {
  const ds = check(
    `      - name: blk
        doc: d
        fields:
          - { name: id, type: __u32 }
          - { name: size, type: __u32 }`,
    `      - { name: FREE, doc: d, magic: "i", nr: 0x93, dir: none }
      - { name: QUERY, doc: d, magic: "i", nr: 0x93, dir: readwrite, arg: struct blk }`,
  );
  const dup = ds.filter((d) => d.rule === "ioctl/duplicate-nr");
  t.is(dup.length, 1);
  t.regex(dup[0]!.message, /QUERY uses magic 0x69 nr 0x93, already taken by FREE/);
});

const IOCTL_MISUSE =
  "_IO with an argument, a direction that contradicts the data flow, and an oversized argument are each found";
test(IOCTL_MISUSE, (t) => {
  const ds = check(
    `      - name: big
        doc: d
        fields:
          - { name: data, type: __u8, array: 9000, flow: out }`,
    `      - { name: A, doc: d, magic: 0x42, nr: 1, dir: none, arg: struct big }
      - { name: B, doc: d, magic: 0x42, nr: 2, dir: write, arg: struct big }`,
  );
  t.true(ds.some((d) => d.rule === "ioctl/io-with-arg" && d.subject === "A"));
  t.true(ds.some((d) => d.rule === "ioctl/direction" && d.subject === "B" && d.severity === "error"));
  // 9000 bytes fit 14 bits (generic, parisc) but not 13 (alpha, mips, powerpc, sparc): abi-facts §2.2.
  const big = ds.find((d) => d.rule === "ioctl/size-limit" && d.subject === "B")!;
  t.deepEqual(
    big.abis.sort(),
    ABIS.filter((a) => /^(alpha|mips|ppc|sparc)/.test(a.id))
      .map((a) => a.id)
      .sort(),
  );
});

test("clean structs pass: natural alignment, explicit padding, __aligned_u64", (t) => {
  const ds = check(
    `      - name: clean
        doc: d
        fields:
          - { name: a, type: __u32 }
          - { name: pad, type: __u32, padding: true }
          - { name: b, type: __u64 }
          - { name: c, type: __aligned_u64 }
      - name: clean2
        doc: d
        fields:
          - { name: x, type: __u16 }
          - { name: y, type: __u16 }`,
    // 0xE9: a type byte no row of ioctl-number.rst lists ('B', 0x42, is cciss_ioctl.h's and pmu.h's), so the
    // registry has only its info to say, which check() leaves out.
    `      - { name: C, doc: d, magic: 0xE9, nr: 1, dir: write, arg: struct clean }`,
  );
  t.deepEqual(ds, []);
});
