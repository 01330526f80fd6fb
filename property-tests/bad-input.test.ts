/*
 * Bad input gets a clear error naming file:line:col and saying what to do,
 * exit 2, and no output on stdout.  The expected line is found in the
 * fixture text itself (the line holding the offending token).
 */
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../core/paths.js";

const CLI = path.join(REPO_ROOT, "dist", "cli", "main.js");
const dir = mkdtempSync(path.join(tmpdir(), "uapi-bad-"));

const HEAD = `$schema: ./schema.json
name: t
doc: a spec with one mistake
interfaces:
  - name: t
    doc: d
    header: linux/t.h
`;

function run(name: string, body: string) {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, HEAD + body);
  const r = spawnSync(process.execPath, [CLI, "check", file], { encoding: "utf8" });
  return { ...r, file, text: HEAD + body };
}

/** Line (1-based) of the first line of `text` containing `marker`. */
const lineOf = (text: string, marker: string) => text.split("\n").findIndex((l) => l.includes(marker)) + 1;

function expectError(
  t: import("ava").ExecutionContext,
  name: string,
  body: string,
  marker: string,
  message: RegExp,
  hint?: RegExp,
) {
  const r = run(name, body);
  t.is(r.status, 2, r.stderr);
  t.is(r.stdout, "", "nothing on stdout");
  const m = new RegExp(`^${r.file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+):(\\d+): error: (.*)$`, "m").exec(
    r.stderr,
  );
  t.truthy(m, `an error naming file:line:col in:\n${r.stderr}`);
  t.is(Number(m![1]), lineOf(r.text, marker), `line of '${marker}'\n${r.stderr}`);
  const col = r.text.split("\n")[Number(m![1]) - 1]!.indexOf(marker.trim()) + 1;
  t.true(Number(m![2]) >= 1 && Number(m![2]) <= Math.max(col, 1) + marker.length, `column ${m![2]} near '${marker}'`);
  t.regex(r.stderr, message);
  t.regex(r.stderr, hint ?? /hint: \S/);
}

test("YAML syntax: a repeated key", (t) =>
  expectError(
    t,
    "yaml-dup",
    `    header: linux/again.h\n`,
    "header: linux/again.h",
    /YAML: Map keys must be unique/,
    /hint: remove or rename the repeated key/,
  ));

test("YAML syntax: an unterminated flow sequence is reported, not crashed on", (t) => {
  const r = run("yaml-flow", `    structs: [ { name: s, doc: d, fields: [] }\n`);
  t.is(r.status, 2);
  t.regex(r.stderr, /:\d+:\d+: error: YAML: /);
});

test("schema: a missing required property", (t) =>
  expectError(
    t,
    "schema-required",
    `    structs:\n      - name: s\n        fields: [ { name: a, type: __u32 } ]\n`,
    "- name: s",
    /missing required property 'doc'/,
    /hint: add 'doc:' here/,
  ));

test("schema: an unknown property names the allowed ones", (t) =>
  expectError(
    t,
    "schema-unknown",
    [
      "    structs:",
      "      - name: s",
      "        doc: d",
      "        colour: red",
      "        fields: [ { name: a, type: __u32 } ]",
      "",
    ].join("\n"),
    "colour: red",
    /unknown property 'colour'/,
    /allowed here: .*fields/,
  ));

test("schema: a value outside an enumeration lists the allowed values", (t) =>
  expectError(
    t,
    "schema-enum",
    `    commands:\n      - { name: C, doc: d, magic: 0x42, nr: 1, dir: sideways }\n`,
    "dir: sideways",
    /not allowed/,
    /"readwrite"/,
  ));

test("unknown type with a suggestion", (t) =>
  expectError(
    t,
    "unknown-type",
    `    structs:\n      - name: s\n        doc: d\n        fields:\n          - { name: a, type: __u33 }\n`,
    "type: __u33",
    /unknown type '__u33'/,
    /did you mean '__u32'/,
  ));

test("recursive struct definitions", (t) =>
  expectError(
    t,
    "recursive",
    [
      "    structs:",
      "      - name: a",
      "        doc: d",
      "        fields: [ { name: b, type: struct b } ]",
      "      - name: b",
      "        doc: d",
      "        fields: [ { name: a, type: struct a } ]",
      "",
    ].join("\n"),
    "- name: a",
    /recursive struct definition: struct a -> struct b -> struct a/,
  ));

test("duplicate names", (t) =>
  expectError(
    t,
    "duplicate",
    [
      "    structs:",
      "      - name: s",
      "        doc: d",
      "        fields:",
      "          - { name: a, type: __u32 }",
      "          - { name: a, type: __u32, doc: again }",
      "",
    ].join("\n"),
    "doc: again",
    /duplicate field name 'a'/,
  ));

test("a name that is not a C identifier", (t) =>
  expectError(
    t,
    "ident",
    `    structs:\n      - name: 2fast\n        doc: d\n        fields: [ { name: a, type: __u32 } ]\n`,
    "name: 2fast",
    /'2fast' is not a valid C identifier/,
  ));

test("a name that is a C keyword", (t) =>
  expectError(
    t,
    "keyword",
    `    structs:\n      - name: s\n        doc: d\n        fields: [ { name: int, type: __u32 } ]\n`,
    "name: int",
    /'int' is a C or C\+\+ keyword/,
  ));

test("doc text that tries to close a C comment", (t) =>
  expectError(
    t,
    "comment",
    [
      "    structs:",
      "      - name: s",
      '        doc: "ends here */ #include <evil.h>"',
      "        fields: [ { name: a, type: __u32 } ]",
      "",
    ].join("\n"),
    'doc: "ends here',
    /contains '\*\/'/,
  ));

test("a constant expression with a newline", (t) =>
  expectError(
    t,
    "newline",
    `    constants:\n      - { name: C, value: "1\\n#include <evil.h>" }\n`,
    'value: "1',
    /not a single-line C constant expression/,
  ));

test("out-of-range numbers: an nr over 255", (t) =>
  expectError(
    t,
    "nr-range",
    `    commands:\n      - { name: C, doc: d, magic: 0x42, nr: 300, dir: none }\n`,
    "nr: 300",
    /out of range/,
    /<= 255/,
  ));

test("out-of-range numbers: a flag bit beyond its word", (t) =>
  expectError(
    t,
    "bit-range",
    [
      "    flags:",
      "      - name: f",
      "        doc: d",
      "        width: 32",
      "        bits:",
      "          - { name: F_HIGH, bit: 40 }",
      "",
    ].join("\n"),
    "bit: 40",
    /bit 40 does not fit in a 32-bit flags word/,
  ));

test("out-of-range numbers: a bit-field wider than its type on some ABIs (long is 32 bits on ILP32)", (t) =>
  expectError(
    t,
    "bitfield-width",
    `    structs:\n      - name: s\n        doc: d\n        fields:\n          - { name: a, type: long, bits: 40 }\n`,
    "bits: 40",
    /bit-field 'a' is 40 bits wide, which exceeds the 32 bits of 'long' on i386, /,
    /hint: .*__u64 or __s64/,
  ));

// A zero-length array is GNU C (`__u32 a[0]`), which the language takes; a negative length is nothing.
test("out-of-range numbers: a negative array length", (t) =>
  expectError(
    t,
    "array-range",
    `    structs:\n      - name: s\n        doc: d\n        fields: [ { name: a, type: __u32, array: -1 } ]\n`,
    "array: -1",
    /out of range|>= 0/,
  ));

test("every error of a document is reported, not only the first", (t) => {
  const r = run(
    "many",
    [
      "    structs:",
      "      - name: int",
      "        doc: d",
      "        fields:",
      "          - { name: a, type: __u33 }",
      "          - { name: 2b, type: __u32 }",
      "",
    ].join("\n"),
  );
  t.is(r.status, 2);
  t.true((r.stderr.match(/: error: /g) ?? []).length >= 2, r.stderr);
});

/* ------------------------------------------------------- declared syscalls */

const syscall = (args: string) => `    syscalls:\n      - name: frob\n        doc: d\n        args:\n${args}`;

test("syscalls: sizeOf names an argument that does not exist", (t) =>
  expectError(
    t,
    "syscall-sizeof",
    syscall(`          - { name: how, type: struct how * }\n          - { name: size, type: size_t, sizeOf: hwo }\n`),
    "sizeOf: hwo",
    /sizeOf names 'hwo', which is not another argument of frob/,
  ));

test("syscalls: a pointer annotation on an argument that is not a pointer", (t) =>
  expectError(
    t,
    "syscall-pointer",
    syscall(`          - { name: buf, type: __u64, pointer: { access: out } }\n`),
    "pointer: { access: out }",
    /is annotated as a pointer but its type '__u64' is not one/,
  ));

test("syscalls: two arguments with one name", (t) =>
  expectError(
    t,
    "syscall-dup-arg",
    syscall(`          - { name: fd, type: int }\n          - { name: fd, type: unsigned int, doc: again }\n`),
    "doc: again",
    /duplicate argument name 'fd'/,
  ));

test("syscalls: an argument type that is no type", (t) =>
  expectError(
    t,
    "syscall-type",
    syscall(`          - { name: off, type: loff_tt }\n`),
    "type: loff_tt",
    /unknown type 'loff_tt'/,
  ));
