/*
 * uapi diff, kind by kind: one baseline spec and, per kind of change, a mutated copy.  Each row
 * says which kind and verdict the kernel's rules give the change (Documentation/driver-api/ioctl.rst,
 * "botching up ioctls": moved offsets and new request numbers break binaries; must-be-zero fields and
 * flags may be given a meaning; a size-versioned struct may grow).  Which ABIs a change affects is
 * not written down: GCC measures both versions' generated headers, and the ABIs where the row's
 * facts differ are the ones the diff must name.
 */
import test from "ava";
import { parse } from "yaml";
import { diffInterfaces, pairInterfaces, type Change, type ChangeKind, type Verdict } from "../core/diff/index.js";
import type { SpecModel } from "../core/model.js";
import { ABIS } from "../spec/abis.js";
import type { SpecDocument } from "../spec/types.js";
import { modelOf } from "./arbitraries.js";
import { compiledFacts, differingKeys, gccTargets, type Facts } from "./diff-support.js";

const BASELINE = `
name: demo
doc: the diff baseline
interfaces:
  - name: demo
    doc: d
    header: linux/demo.h
    constants:
      - { name: DEMO_MAX, value: 16 }
      - { name: DEMO_MIN, value: 1 }
    enums:
      - name: demo_mode
        doc: d
        values: [{ name: DEMO_MODE_A, value: 0 }, { name: DEMO_MODE_B, value: 1 }]
    flags:
      - name: demo_flags
        doc: d
        width: 32
        bits:
          - { name: DEMO_F0, bit: 0 }
          - { name: DEMO_F1, bit: 1 }
          - { name: DEMO_R2, bit: 2, reserved: true }
    structs:
      - name: demo_args
        doc: d
        fields:
          - { name: flags, type: __u32, flags: demo_flags }
          - { name: reserved, type: __u32, reserved: true }
          - { name: addr, type: __u64 }
          - { name: len, type: __u32 }
          - { name: pad, type: __u32, padding: true }
          - { name: rsv, type: __u32, array: 4, reserved: true }
      - name: demo_ext
        doc: d
        extensible: { size: member, member: size }
        fields:
          - { name: size, type: __u32 }
          - { name: a, type: __u32 }
      - name: demo_plain
        doc: d
        fields:
          - { name: x, type: __u32 }
          - { name: y2, type: __u32 }
          - { name: y, type: __aligned_u64 }
      - name: demo_bits
        doc: d
        fields:
          - { name: a, type: __u32, bits: 3 }
          - { name: b, type: __u32, bits: 5 }
          - { name: c, type: __u32 }
      - name: demo_u
        kind: union
        doc: d
        fields:
          - { name: a, type: __u64 }
          - { name: b, type: __u32 }
    commands:
      - { name: DEMO_SET, doc: d, magic: "D", nr: 1, dir: write, arg: struct demo_args }
      - { name: DEMO_GET, doc: d, magic: "D", nr: 2, dir: read, arg: struct demo_args }
      - { name: DEMO_RESET, doc: d, magic: "D", nr: 3, dir: none }
`;

type Doc = SpecDocument;
const ifc = (d: Doc) => d.interfaces[0]!;
const struct = (d: Doc, name: string) => ifc(d).structs!.find((s) => s.name === name)!;
const field = (d: Doc, s: string, f: string) => struct(d, s).fields.find((x) => x.name === f)!;
const command = (d: Doc, name: string) => ifc(d).commands!.find((c) => c.name === name)!;
const fieldIndex = (d: Doc, s: string, f: string) => struct(d, s).fields.findIndex((x) => x.name === f);

interface Row {
  what: string;
  mutate(d: Doc): void;
  kind: ChangeKind;
  verdict: Verdict;
  /** Part of the change's subject, when several changes share a kind. */
  subject?: string;
  /**
   * Compiled facts the change is about: the diff must name exactly the ABIs where one of them differs.
   * Left out for a change no layout or number shows: then every layout fact must stay equal.
   */
  facts?: string[];
  /** A fact of the old version that the new version has under another key, with the same value. */
  same?: [string, string];
}

const ROWS: Row[] = [
  {
    what: "a member appended to a struct with no extension contract",
    mutate: (d) => struct(d, "demo_plain").fields.push({ name: "z", type: "__u64" }),
    kind: "member-added-end",
    verdict: "breaking",
    facts: ["offset|struct demo_plain|z"],
  },
  {
    what: "the size of a struct with no extension contract",
    mutate: (d) => struct(d, "demo_plain").fields.push({ name: "z", type: "__u64" }),
    kind: "struct-size",
    verdict: "breaking",
    facts: ["size|struct demo_plain"],
  },
  {
    what: "a member appended to an extensible struct",
    mutate: (d) => struct(d, "demo_ext").fields.push({ name: "b", type: "__u32" }),
    kind: "member-added-end",
    verdict: "compatible",
    facts: ["offset|struct demo_ext|b"],
  },
  {
    what: "the size of an extensible struct grown at its end",
    mutate: (d) => struct(d, "demo_ext").fields.push({ name: "b", type: "__u32" }),
    kind: "struct-size",
    verdict: "compatible",
    facts: ["size|struct demo_ext"],
  },
  {
    what: "a member appended to an extensible struct whose size an ioctl number encodes",
    mutate: (d) => {
      struct(d, "demo_args").extensible = { size: "argument" };
      struct(d, "demo_args").fields.push({ name: "more", type: "__u64" });
    },
    kind: "member-added-end",
    verdict: "breaking",
    facts: ["offset|struct demo_args|more"],
  },
  {
    what: "the request number of a command whose argument grew",
    mutate: (d) => struct(d, "demo_args").fields.push({ name: "more", type: "__u64" }),
    kind: "ioctl-size",
    verdict: "breaking",
    subject: "DEMO_SET",
    facts: ["value|DEMO_SET"],
  },
  {
    what: "a member inserted before others",
    mutate: (d) => struct(d, "demo_args").fields.splice(2, 0, { name: "inserted", type: "__u64" }),
    kind: "member-added-middle",
    verdict: "breaking",
    facts: ["offset|struct demo_args|inserted"],
  },
  {
    what: "the members after an inserted one",
    mutate: (d) => struct(d, "demo_args").fields.splice(2, 0, { name: "inserted", type: "__u64" }),
    kind: "member-offset",
    verdict: "breaking",
    subject: "demo_args.addr",
    facts: ["offset|struct demo_args|addr"],
  },
  {
    what: "a member removed",
    mutate: (d) => struct(d, "demo_plain").fields.splice(0, 1),
    kind: "member-removed",
    verdict: "breaking",
    facts: ["offset|struct demo_plain|x"],
  },
  {
    what: "a member widened",
    mutate: (d) => (field(d, "demo_bits", "c").type = "__u64"),
    kind: "member-width",
    verdict: "breaking",
    facts: ["msize|struct demo_bits|c"],
  },
  {
    what: "a member's signedness, same bytes",
    mutate: (d) => (field(d, "demo_args", "len").type = "__s32"),
    kind: "member-type",
    verdict: "source-only",
  },
  {
    what: "a member renamed, same bytes",
    mutate: (d) => (field(d, "demo_args", "len").name = "length"),
    kind: "member-renamed",
    verdict: "source-only",
  },
  {
    what: "padding renamed",
    mutate: (d) => (field(d, "demo_args", "pad").name = "pad0"),
    kind: "padding-renamed",
    verdict: "compatible",
  },
  {
    what: "a reserved (must-be-zero, checked) member given a meaning",
    mutate: (d) => Object.assign(field(d, "demo_args", "reserved"), { name: "timeout", reserved: undefined }),
    kind: "reserved-used",
    verdict: "compatible",
  },
  {
    what: "a padding member (never declared checked) given a meaning",
    mutate: (d) => Object.assign(field(d, "demo_args", "pad"), { name: "count", padding: undefined }),
    kind: "reserved-used",
    verdict: "breaking",
  },
  {
    what: "a member carved out of a reserved array",
    mutate: (d) => {
      const i = fieldIndex(d, "demo_args", "rsv");
      struct(d, "demo_args").fields.splice(
        i,
        1,
        { name: "cookie", type: "__u32" },
        {
          name: "rsv",
          type: "__u32",
          array: 3,
          reserved: true,
        },
      );
    },
    kind: "reserved-used",
    verdict: "compatible",
  },
  {
    what: "bit-fields swapped",
    mutate: (d) => {
      const f = struct(d, "demo_bits").fields;
      [f[0], f[1]] = [f[1]!, f[0]!];
    },
    kind: "bitfield-moved",
    verdict: "breaking",
    subject: "demo_bits.b",
    facts: ["bit|struct demo_bits|b"],
  },
  {
    what: "a union arm that keeps the union's size",
    mutate: (d) => struct(d, "demo_u").fields.push({ name: "c", type: "__u16" }),
    kind: "union-arm-added",
    verdict: "compatible",
  },
  {
    what: "a union arm that grows the union",
    mutate: (d) => struct(d, "demo_u").fields.push({ name: "d", type: "__u8", array: 16 }),
    kind: "union-arm-added",
    verdict: "breaking",
    facts: ["size|struct demo_u", "size|union demo_u"],
  },
  {
    what: "a union arm removed",
    mutate: (d) => struct(d, "demo_u").fields.splice(1, 1),
    kind: "union-arm-removed",
    verdict: "breaking",
    facts: ["offset|union demo_u|b"],
  },
  {
    what: "a struct's alignment",
    mutate: (d) => (struct(d, "demo_plain").aligned = 16),
    kind: "struct-align",
    verdict: "breaking",
    facts: ["align|struct demo_plain"],
  },
  {
    what: "a layout that starts to differ between 64-bit and compat",
    mutate: (d) => {
      struct(d, "demo_plain").fields.splice(1, 1);
      field(d, "demo_plain", "y").type = "__u64";
    },
    kind: "abi-dependent",
    verdict: "breaking",
  },
  {
    what: "a command's nr",
    mutate: (d) => (command(d, "DEMO_GET").nr = 9),
    kind: "ioctl-number",
    verdict: "breaking",
    facts: ["value|DEMO_GET"],
  },
  {
    what: "a command's direction",
    mutate: (d) => (command(d, "DEMO_SET").dir = "readwrite"),
    kind: "ioctl-direction",
    verdict: "breaking",
    facts: ["value|DEMO_SET"],
  },
  {
    what: "a removed command's (type, nr) given to a new one",
    mutate: (d) => Object.assign(command(d, "DEMO_RESET"), { name: "DEMO_FLUSH" }),
    kind: "ioctl-reused",
    verdict: "breaking",
    facts: ["value|DEMO_FLUSH"],
    same: ["value|DEMO_RESET", "value|DEMO_FLUSH"],
  },
  {
    what: "a command removed",
    mutate: (d) => ifc(d).commands!.splice(2, 1),
    kind: "command-removed",
    verdict: "breaking",
    facts: ["value|DEMO_RESET"],
  },
  {
    what: "a command added",
    mutate: (d) => ifc(d).commands!.push({ name: "DEMO_NEW", doc: "d", magic: "D", nr: 4, dir: "none" }),
    kind: "command-added",
    verdict: "compatible",
    facts: ["value|DEMO_NEW"],
  },
  {
    what: "an enumerator's value",
    mutate: (d) => (ifc(d).enums![0]!.values[1]!.value = 2),
    kind: "enum-value-changed",
    verdict: "breaking",
    facts: ["value|DEMO_MODE_B"],
  },
  {
    what: "an enumerator removed",
    mutate: (d) => ifc(d).enums![0]!.values.splice(1, 1),
    kind: "enum-value-removed",
    verdict: "breaking",
    facts: ["value|DEMO_MODE_B"],
  },
  {
    what: "an enumerator added",
    mutate: (d) => ifc(d).enums![0]!.values.push({ name: "DEMO_MODE_C", value: 2 }),
    kind: "enum-value-added",
    verdict: "compatible",
    facts: ["value|DEMO_MODE_C"],
  },
  {
    what: "a flag bit moved",
    mutate: (d) => (ifc(d).flags![0]!.bits[1]!.bit = 5),
    kind: "flag-changed",
    verdict: "breaking",
    facts: ["value|DEMO_F1"],
  },
  {
    what: "a flag removed",
    mutate: (d) => ifc(d).flags![0]!.bits.splice(1, 1),
    kind: "flag-removed",
    verdict: "breaking",
    facts: ["value|DEMO_F1"],
  },
  {
    what: "a flag added",
    mutate: (d) => ifc(d).flags![0]!.bits.push({ name: "DEMO_F3", bit: 3 }),
    kind: "flag-added",
    verdict: "compatible",
    facts: ["value|DEMO_F3"],
  },
  {
    what: "a reserved flag bit given a meaning",
    mutate: (d) => Object.assign(ifc(d).flags![0]!.bits[2]!, { name: "DEMO_F2", reserved: undefined }),
    kind: "flag-reserved-used",
    verdict: "compatible",
  },
  {
    what: "a used flag bit made reserved",
    mutate: (d) => Object.assign(ifc(d).flags![0]!.bits[1]!, { name: "DEMO_R1", reserved: true }),
    kind: "flag-withdrawn",
    verdict: "breaking",
  },
  {
    what: "a constant's value",
    mutate: (d) => (ifc(d).constants![0]!.value = 32),
    kind: "constant-changed",
    verdict: "breaking",
    facts: ["value|DEMO_MAX"],
  },
  {
    what: "a constant removed",
    mutate: (d) => ifc(d).constants!.splice(1, 1),
    kind: "constant-removed",
    verdict: "source-only",
  },
];

const baseDoc = (): Doc => parse(BASELINE) as Doc;
const targets = gccTargets();
const available = targets.filter((t) => !t.missing);
const skipped = targets.filter((t) => t.missing).map((t) => `${t.abi}: ${t.missing}`);
const baseModel = modelOf(baseDoc(), "base.yaml");
const baseFacts = new Map(available.map((t) => [t.abi, compiledFacts(baseModel, t)]));

function diff(oldM: SpecModel, newM: SpecModel): Change[] {
  const side = (m: SpecModel) => [{ model: m, ifc: m.interfaces[0]! }];
  return diffInterfaces(pairInterfaces(side(oldM), side(newM)), ABIS);
}

const COMMANDS = new Set(ifc(baseDoc()).commands!.map((c) => `value|${c.name}`));

/** What a binary built against a version depends on, names aside: record sizes and alignments, request numbers. */
function binaryFacts(f: Facts): string {
  return [...f]
    .filter(([k]) => k.startsWith("size|") || k.startsWith("align|") || COMMANDS.has(k))
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join("\n");
}

const note = skipped.length ? ` (not measured: ${skipped.join("; ")})` : "";

for (const row of ROWS) {
  const where = row.facts ? ", on the ABIs GCC finds it" : "";
  const title = `diff: ${row.what} is ${row.kind}, ${row.verdict}${where}${note}`;
  const run = available.length ? test : test.skip;
  run(available.length ? title : `${title} (skipped: no gcc can compile for any x86 ABI here)`, (t) => {
    const doc = baseDoc();
    row.mutate(doc);
    const newModel = modelOf(doc, "new.yaml");
    const changes = diff(baseModel, newModel);
    const found = changes.filter((c) => c.kind === row.kind && (!row.subject || c.subject.includes(row.subject)));
    t.is(
      found.length,
      1,
      `expected one ${row.kind}; the diff said:\n${changes.map((c) => `${c.kind} ${c.message}`).join("\n")}`,
    );
    const c = found[0]!;
    t.is(c.verdict, row.verdict, c.message);
    t.true(c.new !== undefined && c.old !== undefined, "both positions");
    for (const target of available) {
      const before = baseFacts.get(target.abi)!;
      const after = compiledFacts(newModel, target);
      const differs = differingKeys(before, after);
      if (row.facts) {
        const measured = row.facts.some((k) => differs.has(k));
        // A change that does not depend on the ABI (an enumerator) lists none and must show on every one.
        if (c.abis.length === 0) t.true(measured, `${target.abi}: GCC sees no change of ${row.facts.join(", ")}`);
        else
          t.is(c.abis.includes(target.abi), measured, `${target.abi}: GCC says ${measured ? "changed" : "unchanged"}`);
      }
      if (row.same) t.is(after.get(row.same[1]), before.get(row.same[0]), `${target.abi}: ${row.same.join(" == ")}`);
      if (!row.facts && row.kind !== "abi-dependent")
        t.is(binaryFacts(after), binaryFacts(before), `${target.abi}: no size, alignment or request number may change`);
    }
    if (row.kind === "abi-dependent" && available.some((a) => a.abi === "i386")) {
      // Before, GCC lays demo_plain out alike on x86_64 and i386; after, y moves on i386 only.
      const f = (m: SpecModel, abi: string) =>
        compiledFacts(
          m,
          available.find((a) => a.abi === abi)!,
        );
      t.is(
        baseFacts.get("x86_64")!.get("offset|struct demo_plain|y"),
        baseFacts.get("i386")!.get("offset|struct demo_plain|y"),
      );
      t.not(
        f(newModel, "x86_64").get("offset|struct demo_plain|y"),
        f(newModel, "i386").get("offset|struct demo_plain|y"),
      );
      t.true(c.abis.includes("i386") && !c.abis.includes("x86_64"));
    }
  });
}

test("diff: a spec against itself has no change", (t) => {
  t.deepEqual(diff(baseModel, modelOf(baseDoc(), "again.yaml")), []);
});
