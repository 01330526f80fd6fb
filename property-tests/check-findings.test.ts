/*
 * The findings `uapi check` promises beyond the layout rules: syscall/six-args (slot counts derived here from
 * abi-facts §3.4's algorithm text, not from syscall/slots.ts), ioctl/direction-unchecked, one finding per
 * (rule, place, message), and text output wrapped at TEXT_WIDTH while JSON stays one line per message.
 */
import test from "ava";
import fc from "fast-check";
import { readdirSync } from "node:fs";
import path from "node:path";

import { runChecks } from "../core/checks/index.js";
import type { Check } from "../core/checks/context.js";
import { formatLoc, type Diagnostic } from "../core/diagnostic.js";
import { SPEC_DIR } from "../core/paths.js";
import { bufferIo } from "../cli/io.js";
import { diagnosticJson, formatDiagnostic, TEXT_WIDTH } from "../cli/report.js";
import type { AbiId } from "../spec/abi.js";
import { ABIS } from "../spec/abis.js";
import { loadSpecFile, loadSpecText } from "../spec/load.js";
import type { SpecDocument } from "../spec/types.js";
import { ALL_CHECKS } from "../syscall/checks.js";
import { arbStructDoc, docToYaml, modelOf } from "./arbitraries.js";
import { specText } from "./seeded-spec.js";

const ALL_IDS = ABIS.map((a) => a.id);

const check = (text: string) => runChecks(loadSpecText("seeded.yaml", text), ABIS, ALL_CHECKS);
const ofRule = (ds: Diagnostic[], rule: string) => ds.filter((d) => d.rule === rule);
const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

/* ------------------------------------------------------------ six-args */

/** A struct of input members of one type: each becomes one argument of the flat syscall form. */
const membersOf = (type: string, n: number) =>
  `      - name: s
        doc: d
        fields:
${Array.from({ length: n }, (_, i) => `          - { name: m${i}, type: ${type}, flow: in }`).join("\n")}`;

const command = (extra = "") =>
  `      - { name: T_SET, doc: d, magic: 0x77, nr: 1, dir: write, arg: struct s${extra} }`;

test("six-args: seven __u32 members make eight slots everywhere: info for an ioctl, error for a syscall", (t) => {
  // §3.4: a 32-bit value takes one slot on every ABI, so fd + 7 members = 8 slots, over six everywhere
  // (MIPS o32's stack tolerance is still reported: "flag anything > 6").
  const asIoctl = ofRule(check(specText(membersOf("__u32", 7), command())), "syscall/six-args");
  t.is(asIoctl.length, 1);
  t.is(asIoctl[0]!.severity, "info");
  t.deepEqual(asIoctl[0]!.abis, ALL_IDS);
  t.regex(asIoctl[0]!.message, /8 arguments/);
  t.regex(asIoctl[0]!.message, /8 slots on 33 ABIs .*; 8 slots on mips, mipsel \(only through o32's stack/);
  t.regex(asIoctl[0]!.message, /ioctl today/);

  const text = specText(membersOf("__u32", 7), command(", kind: syscall"));
  const asSyscall = ofRule(check(text), "syscall/six-args");
  t.is(asSyscall.length, 1);
  t.is(asSyscall[0]!.severity, "error");
  t.deepEqual(asSyscall[0]!.abis, ALL_IDS);
  t.is(asSyscall[0]!.loc.line, lineOf(text, "kind: syscall"), "points at the command");
  t.regex(asSyscall[0]!.hint, /six register slots/);
  t.regex(asSyscall[0]!.hint, /struct-pointer/);
});

test("six-args: five __u32 members (six slots with the fd) are no finding, ioctl or syscall", (t) => {
  t.deepEqual(ofRule(check(specText(membersOf("__u32", 5), command())), "syscall/six-args"), []);
  t.deepEqual(ofRule(check(specText(membersOf("__u32", 5), command(", kind: syscall"))), "syscall/six-args"), []);
});

test("six-args: three __u64 members fit in 64-bit registers and exceed six on the register-pair ABIs", (t) => {
  // §3.4: a 64-bit value takes one slot on "all LP64 ABIs, x32, MIPS n32", else two (even-pair ABIs first
  // skip to an even slot).  fd + 3 x __u64: 4 slots there; i386 (consecutive) 1 + 3*2 = 7; arm (even pairs)
  // fd in 0, padding 1, then 2-3, 4-5, 6-7 = 8.
  const oneRegister = new Set<AbiId>([
    ...ABIS.filter((a) => a.wordBits === 64).map((a) => a.id),
    "x32",
    "mipsn32",
    "mipsn32el",
  ]);
  const expected = ALL_IDS.filter((id) => !oneRegister.has(id));
  const [d, ...more] = ofRule(check(specText(membersOf("__u64", 3), command())), "syscall/six-args");
  t.is(more.length, 0);
  t.deepEqual(d!.abis, expected);
  t.true(d!.abis.includes("i386") && d!.abis.includes("arm") && !d!.abis.includes("x86_64"));
  t.regex(d!.message, /7 slots on [^;]*\bi386\b/);
  t.regex(d!.message, /8 slots \(1 of them pair padding\) on [^;]*\barm\b/);
  t.regex(d!.message, /it fits on /);
});

test("six-args: bus1's BUS1_CMD_SEND takes 11 slots on every ABI, as Arnd Bergmann counted", (t) => {
  // LKML 2016-10-27: "a total of 11 arguments (including the first fd)", every one a pointer, a size or a
  // 32-bit flags word, so one slot each on every ABI.
  const model = loadSpecFile(path.join(SPEC_DIR, "bus1.yaml"));
  const sends = runChecks(model, ABIS, ALL_CHECKS).filter(
    (d) => d.rule === "syscall/six-args" && d.subject === "BUS1_CMD_SEND" && d.interface === "bus1",
  );
  t.is(sends.length, 1);
  t.is(sends[0]!.severity, "info");
  t.deepEqual(sends[0]!.abis, ALL_IDS);
  t.regex(sends[0]!.message, /11 arguments, needs more than six argument slots: 11 slots on all 35 ABIs/);
  t.regex(sends[0]!.hint, /struct-pointer, 3 slots at most: long bus1_send\(int fd, /);
});

/* ------------------------------------------------- direction-unchecked */

const pair = (flowA = "", flowB = "") => `      - name: s
        doc: d
        fields:
          - { name: a, type: __u32${flowA} }
          - { name: b, type: __u32${flowB} }`;

test("direction-unchecked: said when nothing declares a flow, with the YAML to add", (t) => {
  const [d, ...more] = ofRule(check(specText(pair(), command())), "ioctl/direction-unchecked");
  t.is(more.length, 0);
  t.is(d!.severity, "info");
  t.regex(d!.message, /_IOW direction was not checked/);
  t.regex(d!.hint, /`- \{ name: a, type: __u32, flow: in \}`/);
  t.regex(d!.hint, /`flow: \{ a: in \}`/);
  // A scalar argument without argFlow is unchecked too.
  const scalar = ofRule(
    check(specText(pair(), "      - { name: T_GET, doc: d, magic: 0x77, nr: 2, dir: read, arg: int }")),
    "ioctl/direction-unchecked",
  );
  t.is(scalar.length, 1);
  t.regex(scalar[0]!.hint, /`argFlow: out`/);
});

test("direction-unchecked: absent when one member, a nested struct's member or the command declares a flow", (t) => {
  t.deepEqual(ofRule(check(specText(pair(", flow: in"), command())), "ioctl/direction-unchecked"), []);
  const mapped = `      - { name: T_SET, doc: d, magic: 0x77, nr: 1, dir: write, arg: struct s, flow: { b: in } }`;
  t.deepEqual(ofRule(check(specText(pair(), mapped)), "ioctl/direction-unchecked"), []);
  // The flow sits one named struct down: it is found, and the direction check then runs on it.
  const nested = `      - name: inner
        doc: d
        fields:
          - { name: x, type: __u32, flow: out }
      - name: s
        doc: d
        fields:
          - { name: a, type: __u32 }
          - { name: i, type: struct inner }`;
  const ds = check(specText(nested, command()));
  t.deepEqual(ofRule(ds, "ioctl/direction-unchecked"), []);
  t.is(ofRule(ds, "ioctl/direction").length, 1, "_IOW with data flowing out");
});

/* -------------------------------------------------------------- dedupe */

const keyOf = (d: Diagnostic) => `${d.rule}|${formatLoc(d.loc)}|${d.message}`;
const repeated = (ds: Diagnostic[]) => ds.map(keyOf).filter((k, i, all) => all.indexOf(k) !== i);

test("dedupe: one hole two ABI groups share is one finding with both groups' ABIs", (t) => {
  // {__u8 a; __u32 b; __u8 c; __u64 d}: the hole before b is the same 3 bytes wherever __u32 is 4-aligned
  // (everywhere but m68k, which aligns everything to 2), though the holes before d differ between them.
  const ds = check(
    specText(
      `      - name: s
        doc: d
        fields:
          - { name: a, type: __u8 }
          - { name: b, type: __u32 }
          - { name: c, type: __u8 }
          - { name: d, type: __u64 }`,
      command(),
    ),
  );
  const holes = ofRule(ds, "padding/hole").filter((d) => /hole at offset 1 /.test(d.message));
  t.deepEqual(
    holes.map((d) => d.message.replace(/ on .*/, "")),
    [
      "struct s: 3-byte implicit hole at offset 1 between 'a' and 'b'",
      "struct s: 1-byte implicit hole at offset 1 between 'a' and 'b'",
    ],
  );
  t.deepEqual(
    holes[0]!.abis,
    ALL_IDS.filter((id) => id !== "m68k"),
  );
  t.deepEqual(repeated(ds), []);
});

test("dedupe: runChecks merges repeated findings, ABIs united in table order", (t) => {
  const model = loadSpecText("seeded.yaml", specText(pair(", flow: in"), command()));
  const at = model.locate(["interfaces", 0, "structs", 0]);
  const finding = (abis: AbiId[]): Diagnostic => ({
    rule: "test/repeat",
    severity: "warning",
    interface: "t",
    subject: "struct s",
    message: "the same words",
    loc: at,
    abis,
    hint: "h",
  });
  const twice: Check = () => [finding(["m68k", "arm"]), finding(["i386", "arm"])];
  const ds = runChecks(model, ABIS, [twice]);
  t.is(ds.length, 1);
  const order = (ids: AbiId[]) => [...ids].sort((x, y) => ALL_IDS.indexOf(x) - ALL_IDS.indexOf(y));
  t.deepEqual(ds[0]!.abis, order(["m68k", "arm", "i386"]));
});

test("dedupe: no repeated (rule, place, message) on the bundled specs", (t) => {
  const specs = readdirSync(SPEC_DIR).filter((f) => f.endsWith(".yaml"));
  t.true(specs.length >= 3);
  for (const f of specs)
    t.deepEqual(repeated(runChecks(loadSpecFile(path.join(SPEC_DIR, f)), ABIS, ALL_CHECKS)), [], f);
});

/** The random document with two commands taking its top struct (a struct several commands use). */
function withCommands(doc: SpecDocument): SpecDocument {
  const ifc = doc.interfaces[0]!;
  const arg = `${ifc.structs!.at(-1)!.kind ?? "struct"} top`;
  ifc.commands = [
    { name: "T_A", doc: "d", magic: 0x77, nr: 1, dir: "write", arg },
    { name: "T_B", doc: "d", magic: 0x77, nr: 2, dir: "readwrite", arg },
  ];
  return doc;
}

test("dedupe: no repeated (rule, place, message) on random specs", (t) => {
  fc.assert(
    fc.property(arbStructDoc({ scalars: "all", nested: true, arrays: true, unions: true, bitfields: true }), (doc) => {
      const ds = runChecks(modelOf(withCommands(doc)), ABIS, ALL_CHECKS);
      if (repeated(ds).length) throw new Error(`${repeated(ds).join("\n")}\n${docToYaml(doc)}`);
    }),
    { numRuns: 60 },
  );
  t.pass();
});

/* ------------------------------------------------------------ wrapping */

/** Lines longer than the width that are more than one word. */
function overlong(text: string): string[] {
  return text.split("\n").filter((l) => l.length > TEXT_WIDTH && l.trim().split(/\s+/).length > 1);
}

const wordsOf = (s: string) => s.split(/\s+/).filter(Boolean);

test("wrapping: text findings fit the width, lose no word, and JSON keeps each message on one line", (t) => {
  const ds = readdirSync(SPEC_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) => runChecks(loadSpecFile(path.join(SPEC_DIR, f)), ABIS, ALL_CHECKS));
  const io = bufferIo();
  let longest = 0;
  for (const d of ds) {
    const text = formatDiagnostic(io, d);
    t.deepEqual(overlong(text), [], d.rule);
    longest = Math.max(longest, d.message.length);
    // The words, in order: the location, severity and rule, the message, then "hint:" and the hint.
    const expected = [`${formatLoc(d.loc)}:`, d.severity, `[${d.rule}]`, ...wordsOf(d.message)];
    if (d.hint) expected.push("hint:", ...wordsOf(d.hint));
    t.deepEqual(wordsOf(text), expected);
    const json = diagnosticJson(d);
    t.is(json.message, d.message);
    t.false(json.message.includes("\n"));
  }
  t.true(longest > TEXT_WIDTH, "some message needed wrapping");
});

test("wrapping: a token longer than the width stands alone; a location is never split", (t) => {
  const long = "x".repeat(TEXT_WIDTH + 20);
  const model = loadSpecText("seeded.yaml", specText(pair(", flow: in"), command()));
  const d: Diagnostic = {
    rule: "test/long",
    severity: "error",
    interface: "t",
    subject: "s",
    message: `see ${"spec/some/deeply/nested/file.yaml:123:45 ".repeat(6)}and ${long} then more words`,
    loc: model.locate(["interfaces", 0]),
    abis: [],
    hint: `write \`- { name: __pad0, type: __u32, padding: true }\` ${"word ".repeat(40)}`,
  };
  const text = formatDiagnostic(bufferIo(), d);
  t.deepEqual(overlong(text), []);
  t.true(text.split("\n").some((l) => l.trim() === long));
  for (const l of text.split("\n")) t.notRegex(l, /file\.yaml:\d*$|^\s*\d+:\d+/, "no split location");
  t.regex(text, /`- \{ name: __pad0, type: __u32, padding: true \}`/, "the YAML snippet stays on one line");
});
