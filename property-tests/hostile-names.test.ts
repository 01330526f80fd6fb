/*
 * Spec strings that reach generated C (and TypeScript) are checked at load
 * time.  One test (or table) per sub-family:
 *   identifiers  -- syscall names and renames, keywords, predefined macros,
 *                   reserved names, names the included headers own, macro clashes;
 *   texts        -- comment breakers, line breaks in one-line texts, trigraphs,
 *                   control, bidi and invisible characters, errno names;
 *   include paths, tag namespaces, bit-field widths;
 *   prototype names -- `constructor`, `toString`, ... work everywhere, and
 *                   `__proto__` (rejected as reserved) works below the loader.
 * What is expected comes from gcc and g++ themselves (which names they
 * predefine, which declarations they reject, how wide a bit-field may be),
 * never from spec/c-names.ts.  Accepted specs go through artefact-check.ts.
 */
import test, { type ExecutionContext } from "ava";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { bufferIo, EXIT } from "../cli/io.js";
import { main } from "../cli/main.js";
import { SpecInputError } from "../core/diagnostic.js";
import { resolveDocument, type SpecModel } from "../core/model.js";
import { headerGenerator } from "../generators/header.js";
import { compileInterface } from "../generators/codec-compile.js";
import { shimGenerator } from "../generators/shims.js";
import { ABIS } from "../spec/abis.js";
import { loadSpecText } from "../spec/load.js";
import type { SpecDocument } from "../spec/types.js";
import { deriveForm } from "../syscall/derive.js";
import { checkArtefacts, haveCompilers, typecheckCodecs } from "./artefact-check.js";
import { cc, scratchDir } from "./header-support.js";

const compilers = haveCompilers();
/** Tests that ask gcc/g++ skip, saying why, when the compilers are missing. */
const withCc = compilers ? test : test.skip;
const skipNote = compilers ? "" : " (skipped: gcc/g++ not found)";

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/** A YAML double-quoted scalar with everything outside printable ASCII escaped. */
const q = (s: string) => {
  const escape = (c: string) =>
    c === '"' ? '\\"' : c === "\\" ? "\\\\" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  return `"${s.replace(/[^\x20-\x7e]|["\\]/g, escape)}"`;
};

const doc = (body: string) => `name: hostile
doc: A spec written to break the generators.
interfaces:
  - name: hostile
    header: linux/hostile.h
    doc: Hostile interface.
${body}`;

/** A struct `s` with the given field lines, and a command on it. */
const structWith = (fields: string, extra = "") =>
  doc(`    structs:
      - name: s
        doc: d
        fields:
${fields}
${extra}`);

const lineOf = (text: string, marker: string) => text.split("\n").findIndex((l) => l.includes(marker)) + 1;

/** The spec is rejected, and one error matching `message` points at the line holding `marker`. */
function rejected(t: ExecutionContext, text: string, marker: string, message: RegExp, what = ""): void {
  const line = lineOf(text, marker);
  t.true(line > 0, `marker ${JSON.stringify(marker)} is in the text`);
  try {
    loadSpecText("hostile.yaml", text);
    t.fail(`accepted ${what}: ${JSON.stringify(marker)}`);
  } catch (e) {
    if (!(e instanceof SpecInputError)) throw e;
    const hit = e.errors.find((x) => message.test(x.message));
    t.truthy(hit, `${what}: an error matching ${message} in:\n${e.message}`);
    if (hit) {
      t.is(hit.loc.file, "hostile.yaml");
      t.is(hit.loc.line, line, `${what}: line of ${JSON.stringify(marker)}: ${e.message}`);
      t.true(hit.loc.col >= 1 && hit.hint.length > 0);
    }
  }
}

/** The spec loads and every artefact passes the compilers (and, with `typecheck`, the TypeScript checker). */
function accepted(t: ExecutionContext, text: string, what = "", typecheck = false): SpecModel | undefined {
  let model: SpecModel;
  try {
    model = loadSpecText("hostile.yaml", text);
  } catch (e) {
    t.fail(`${what} rejected: ${(e as Error).message}`);
    return undefined;
  }
  if (compilers) {
    const r = checkArtefacts(model, "hostile");
    t.deepEqual(r.problems, [], what);
    if (typecheck)
      t.deepEqual(
        typecheckCodecs(new Map([...r.codecs].map(([p, s]) => [`r/${p}`, s]))),
        [],
        `${what}: codecs type-check`,
      );
  }
  return model;
}

/** Does gcc (or g++) accept `src`, with -Werror? */
function compiles(src: string, cxx = false, std = cxx ? "c++20" : "c11"): boolean {
  const dir = scratchDir("probe");
  const file = cxx ? "p.cc" : "p.c";
  writeFileSync(path.join(dir, file), src);
  return cc(cxx ? "g++" : "gcc", [`-std=${std}`, "-Wall", "-Wextra", "-Werror", "-fsyntax-only", file], dir).ok;
}

/** The non-reserved macros a compiler invocation predefines (reserved: `__x`, `_X`). */
function predefined(program: string, args: string[]): string[] {
  const dir = scratchDir("predef");
  writeFileSync(path.join(dir, "e.c"), "");
  const r = cc(program, [...args, "-dM", "-E", "e.c"], dir);
  if (!r.ok) return [];
  return [...r.output.matchAll(/^#define ([A-Za-z_][A-Za-z0-9_]*)/gm)]
    .map((m) => m[1]!)
    .filter((n) => !/^(?:__|_[A-Z])/.test(n));
}

/* ------------------------------------------------------------------ */
/* Identifiers                                                         */
/* ------------------------------------------------------------------ */

async function generate(text: string) {
  const dir = scratchDir("hostile-cli");
  const spec = path.join(dir, "evil.yaml");
  writeFileSync(spec, text);
  const out = path.join(dir, "out");
  const io = bufferIo();
  const code = await main(["generate", spec, "--out", out], io);
  return { code, io, out };
}

test("identifiers: a syscall name that injects a function is exit 2 at its line, nothing written", async (t) => {
  const text = structWith(
    "          - {name: a, type: __u32}",
    `    commands:
      - name: HOSTILE_SET
        doc: d
        magic: 0x42
        nr: 1
        dir: write
        arg: struct s
        syscall:
          name: ${q('evil(void) { return system("id"); } int x')}
`,
  );
  const { code, io, out } = await generate(text);
  t.is(code, EXIT.BAD_INPUT, io.stderr);
  t.regex(
    io.stderr,
    new RegExp(`evil\\.yaml:${lineOf(text, "return system")}:\\d+: error: syscall name .* is not a valid C identifier`),
  );
  t.false(existsSync(out));
});

test("identifiers: syscall.rename values and keys are checked", (t) => {
  const cmd = (rename: string) =>
    structWith(
      "          - {name: a, type: __u32}\n          - {name: b, type: __u32}",
      `    commands:
      - {name: HOSTILE_SET, doc: d, magic: 0x42, nr: 1, dir: write, arg: struct s, syscall: {rename: ${rename}}}
`,
    );
  rejected(
    t,
    cmd(`{a: ${q('x); system("id"); (void')}}`),
    "HOSTILE_SET",
    /argument .* is not a valid C identifier/,
    "injection",
  );
  rejected(t, cmd("{a: fd}"), "HOSTILE_SET", /argument 'fd' .* is given twice/, "rename to fd");
  rejected(
    t,
    cmd("{a: b}"),
    "name: b",
    /argument 'b' .* is given twice/,
    "two arguments one name (reported at the second)",
  );
  rejected(t, cmd("{a: memcpy}"), "HOSTILE_SET", /would hide the function memcpy/, "memcpy");
  rejected(t, cmd("{a: size_t}"), "HOSTILE_SET", /type name of the system headers/, "size_t");
  rejected(t, cmd("{a: uapi_arg}"), "HOSTILE_SET", /local variable of the generated syscall shims/, "uapi_arg");
  rejected(t, cmd("{nosuch: x}"), "HOSTILE_SET", /syscall\.rename names 'nosuch', which is no argument/, "unknown key");
  rejected(t, cmd(`{${q("a b")}: x}`), "HOSTILE_SET", /rename key 'a b' is not a member name/, "key");
  accepted(t, cmd("{a: the_a}"), "a plain rename");
});

test("identifiers: derived syscall names may not clash, nor be system functions", (t) => {
  const two = doc(`    commands:
      - {name: HOSTILE_CMD_PING, doc: d, magic: 0x42, nr: 1, dir: none}
      - {name: HOSTILE_PING, doc: d, magic: 0x42, nr: 2, dir: none}
`);
  rejected(t, two, "HOSTILE_PING,", /syscall name 'hostile_ping' .* is also the syscall name of HOSTILE_CMD_PING/);
  rejected(
    t,
    doc(`    commands:
      - {name: IOCTL, doc: d, magic: 0x42, nr: 1, dir: none}
`),
    "IOCTL",
    /syscall name 'ioctl' .* is declared by the system headers/,
  );
  rejected(
    t,
    doc(`    constants:
      - {name: hostile_go, value: 1}
    commands:
      - {name: HOSTILE_GO, doc: d, magic: 0x42, nr: 1, dir: none}
`),
    "HOSTILE_GO",
    /also a macro or enumerator/,
  );
});

withCc(`identifiers: C23 and C++ keywords gcc and g++ reject as names are rejected${skipNote}`, (t) => {
  const words = [
    "and",
    "or",
    "not",
    "xor",
    "bitand",
    "compl",
    "not_eq",
    "char8_t",
    "co_await",
    "constinit",
    "concept",
    "requires",
    "nullptr",
    "constexpr",
    "thread_local",
    "alignas",
  ];
  for (const w of words) {
    const keyword = !compiles(`int ${w};\n`, true) || !compiles(`int ${w};\n`, false, "c2x");
    t.true(keyword, `the compilers treat '${w}' as a keyword`);
    rejected(t, structWith(`          - {name: ${w}, type: __u32}`), `name: ${w}`, /is a C or C\+\+ keyword/, w);
  }
});

withCc(`identifiers: every macro gcc and g++ predefine outside the reserved namespace is rejected${skipNote}`, (t) => {
  const names = new Set([
    ...predefined("gcc", []),
    ...predefined("g++", ["-x", "c++"]),
    ...predefined("gcc", ["-m32"]),
    ...predefined("gcc", ["-mx32"]),
  ]);
  t.true(names.has("linux") && names.has("unix"), [...names].join(" "));
  t.log(`predefined: ${[...names].sort().join(" ")}`);
  for (const n of names) {
    rejected(
      t,
      doc(`    constants:\n      - {name: ${n}, value: 1}\n`),
      `name: ${n}`,
      /predefines|reserved/,
      `constant ${n}`,
    );
    rejected(t, structWith(`          - {name: ${n}, type: __u32}`), `name: ${n}`, /predefines|reserved/, `field ${n}`);
  }
});

withCc(`identifiers: macros of the headers the generated header includes are rejected${skipNote}`, (t) => {
  const base = new Set(predefined("gcc", []));
  const dir = scratchDir("inc");
  writeFileSync(path.join(dir, "i.c"), "#include <linux/ioctl.h>\n#include <linux/types.h>\n#include <stddef.h>\n");
  const r = cc("gcc", ["-dM", "-E", "i.c"], dir);
  const names = [...r.output.matchAll(/^#define ([A-Za-z_][A-Za-z0-9_]*)/gm)]
    .map((m) => m[1]!)
    .filter((n) => !/^(?:__|_[A-Z])/.test(n) && !base.has(n));
  t.true(names.includes("IOC_IN") && names.includes("NULL"), names.join(" "));
  for (const n of names)
    rejected(t, doc(`    constants:\n      - {name: "${n}", value: 7}\n`), `"${n}"`, /macro of the system headers/, n);
});

test("identifiers: reserved names, and `_lower` only at file scope", (t) => {
  rejected(t, structWith("          - {name: __attribute__, type: __u32}"), "__attribute__", /reserved/);
  rejected(t, doc("    constants:\n      - {name: __u32, value: 1}\n"), "__u32", /kernel type|reserved/);
  rejected(
    t,
    doc("    structs:\n      - {name: _Foo, doc: d, fields: [{name: a, type: __u32}]}\n"),
    "_Foo",
    /reserved/,
  );
  rejected(t, doc("    constants:\n      - {name: _lower, value: 1}\n"), "_lower", /reserved at file scope/);
  accepted(t, structWith("          - {name: _lower, type: __u32}"), "a member may start with '_' and a small letter");
  // The kernel's padding idiom (include/uapi/linux/perf_event.h `__reserved_1`, io_uring.h `__pad2`)
  // stays legal for members only.
  for (const n of ["__pad", "__pad0", "__reserved", "__reserved_1", "__resv2", "__rsvd", "__spare"])
    accepted(t, structWith(`          - {name: ${n}, type: __u32}`), `member ${n}`);
  rejected(t, doc(`    constants:\n      - {name: __pad0, value: 1}\n`), "__pad0", /reserved/);
  rejected(t, structWith("          - {name: __unused, type: __u32}"), "__unused", /reserved/);
});

withCc(`identifiers: a macro may not share its name with a member or a tag${skipNote}`, (t) => {
  t.false(compiles("#define a 1\nstruct s { int a; };\n"), "gcc rejects a member that a macro replaces");
  rejected(
    t,
    doc(`    constants:
      - {name: a, value: 1}
    structs:
      - {name: s, doc: d, fields: [{name: a, type: __u32}]}
`),
    "name: a, value",
    /defined as a macro here and also names a member/,
  );
  rejected(
    t,
    doc(`    constants:
      - {name: s, value: 1}
    structs:
      - {name: s, doc: d, fields: [{name: a, type: __u32}]}
`),
    "name: s, value",
    /defined as a macro here and also names a tag/,
  );
});

withCc(`identifiers: C++ rejects a member of an anonymous union named like its struct${skipNote}`, (t) => {
  t.false(compiles("struct x { union { int x; int y; }; };\n", true), "g++ rejects it");
  t.true(compiles("struct x { int x; };\n", true), "g++ accepts a direct member of that name");
  rejected(
    t,
    doc(`    structs:
      - name: x
        doc: d
        fields:
          - type: {kind: union, fields: [{name: x, type: __u32}, {name: y, type: __u32}]}
`),
    "name: x, type",
    /anonymous member has the name of its enclosing struct/,
  );
});

withCc(`identifiers: tags the shims' system headers own, unless declared external${skipNote}`, (t) => {
  t.false(compiles("#include <sys/ioctl.h>\nstruct winsize { int x; };\n"), "gcc: struct winsize is taken");
  rejected(
    t,
    doc("    structs:\n      - {name: winsize, doc: d, fields: [{name: a, type: __u32}]}\n"),
    "winsize",
    /already a tag of the system headers/,
  );
  accepted(
    t,
    doc(
      [
        "    structs:",
        "      - {name: iovec, doc: d, external: {header: linux/uio.h}, " +
          "fields: [{name: iov_base, type: void *}, {name: iov_len, type: size_t}]}",
        "      - {name: s, doc: d, " +
          "fields: [{name: v, type: __u64, pointer: {to: struct iovec, count: n}}, {name: n, type: __u32}]}",
        "    commands:",
        "      - {name: HOSTILE_V, doc: d, magic: 0x42, nr: 1, dir: write, arg: struct s}",
        "",
      ].join("\n"),
    ),
    "external struct iovec",
  );
});

/* ------------------------------------------------------------------ */
/* Texts                                                               */
/* ------------------------------------------------------------------ */

test("texts: a line break in an errno doc (one kernel-doc line) is rejected, in a member doc it is fine", (t) => {
  const errnoDoc = doc(`    commands:
      - name: HOSTILE_GO
        doc: d
        magic: 0x42
        nr: 1
        dir: none
        errors:
          - errno: EINVAL
            doc: ${q("first line\n * @evil: injected")}
`);
  rejected(t, errnoDoc, "first line", /line break/);
  accepted(
    t,
    structWith(`          - {name: a, type: __u32, doc: ${q("First paragraph.\n\nSecond paragraph,\nwrapped.")}}`),
    "multi-line member doc",
  );
});

withCc(`texts: bidi control characters, which gcc -Werror rejects in a header, are rejected${skipNote}`, (t) => {
  t.false(compiles("/* \u202e evil */\nint x;\n"), "gcc -Wall -Werror rejects U+202E in a comment");
  rejected(
    t,
    structWith(`          - {name: a, type: __u32, doc: ${q("access \u202e; nimda")}}`),
    "access",
    /bidirectional control character U\+202E/,
  );
});

test("texts: control, bidi and invisible characters are rejected in every text", (t) => {
  const bad = [
    "\u0000",
    "\u0007",
    "\r",
    "\u001b",
    "\u007f",
    "\u0085",
    "\u009b",
    "\u00ad",
    "\u061c",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2060",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\ud800",
    "\uffff",
  ];
  for (const ch of bad) {
    const code = `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
    rejected(
      t,
      structWith(`          - {name: a, type: __u32, doc: ${q(`x${ch}y`)}}`),
      "name: a",
      /text contains/,
      `${code} in a doc`,
    );
    rejected(
      t,
      doc(`    status: {state: proposed, source: ${q(`lore ${ch}`)}}\n`),
      "source:",
      /text contains/,
      `${code} in status.source`,
    );
  }
  accepted(
    t,
    structWith(`          - {name: a, type: __u32, doc: ${q("tab\there, é, 中文, 😀, <b>&amp;</b>, {{x}}, ? ?")}}`),
    "legal text",
  );
});

test("texts: trigraphs and comment delimiters are rejected", (t) => {
  for (const tri of ["??=", "??(", "??/", "??)", "??'", "??<", "??!", "??>", "??-"]) {
    rejected(t, structWith(`          - {name: a, type: __u32, doc: ${q(`x ${tri} y`)}}`), "name: a", /trigraph/, tri);
  }
  rejected(
    t,
    doc(`    status: {state: proposed, source: ${q("a */ b")}}\n`),
    "source:",
    /would end or nest a C comment/,
  );
  rejected(
    t,
    doc(`    constants:\n      - {name: C, value: ${q("1 ??/")}}\n`),
    "name: C",
    /single-line C constant expression/,
  );
  rejected(
    t,
    doc(`    constants:\n      - {name: C, value: ${q("1\u000b")}}\n`),
    "name: C",
    /single-line C constant expression|text contains/,
  );
});

test("texts: texts written on one line reject line breaks (status, devices, argConvention, on, errno docs)", (t) => {
  const nl = q("one\ntwo");
  rejected(t, doc(`    status: {state: proposed, source: ${nl}}\n`), "source:", /line break/, "status.source");
  rejected(
    t,
    doc(`    status: {state: proposed, source: s, version: ${nl}}\n`),
    "version:",
    /line break/,
    "status.version",
  );
  rejected(
    t,
    doc(`    devices:\n      - {node: ${nl}, fops: [{op: open, semantics: s}]}\n`),
    "node:",
    /line break/,
    "device node",
  );
  rejected(
    t,
    doc(`    devices:\n      - {node: /dev/x, naming: [{format: ${nl}}], fops: [{op: open, semantics: s}]}\n`),
    "format:",
    /line break/,
    "naming.format",
  );
  rejected(
    t,
    doc(
      `    devices:\n      - {node: /dev/x, fops: [{op: open, semantics: s, errors: [{errno: EBUSY, doc: ${nl}}]}]}\n`,
    ),
    "EBUSY",
    /line break/,
    "fops errno doc",
  );
  rejected(
    t,
    doc(
      [
        "    commands:",
        `      - {name: HOSTILE_GO, doc: d, magic: 0x42, nr: 1, dir: write, arg: int, argConvention: ${nl}}`,
        "",
      ].join("\n"),
    ),
    "argConvention",
    /line break/,
    "argConvention",
  );
  rejected(
    t,
    doc(`    commands:\n      - {name: HOSTILE_GO, doc: d, magic: 0x42, nr: 1, dir: write, arg: int, on: ${nl}}\n`),
    "on:",
    /line break/,
    "on",
  );
  accepted(
    t,
    doc(`    devices:\n      - {node: /dev/x, fops: [{op: open, semantics: ${q("Opens.\n\nTwice fails.")}}]}\n`),
    "multi-line semantics",
  );
});

test("texts: errno names are E followed by capitals and digits", (t) => {
  for (const bad of ["einval", "EINVAL */", "E\n#include <stdio.h>", "EINVAL,EPERM", "E"]) {
    rejected(
      t,
      doc(
        [
          "    commands:",
          `      - {name: HOSTILE_GO, doc: d, magic: 0x42, nr: 1, dir: none, errors: [{errno: ${q(bad)}}]}`,
          "",
        ].join("\n"),
      ),
      "HOSTILE_GO",
      /not an errno name|text contains|line break|would end/,
      bad,
    );
  }
  accepted(
    t,
    doc(
      [
        "    commands:",
        "      - {name: HOSTILE_GO, doc: d, magic: 0x42, nr: 1, dir: none, errors: [{errno: EINVAL}, {errno: E2BIG}]}",
        "",
      ].join("\n"),
    ),
    "EINVAL, E2BIG",
  );
});

test("texts: type expressions, member paths and magics have strict forms", (t) => {
  rejected(t, structWith(`          - {name: a, type: ${q("__u32; int x")}}`), "name: a", /not a C type expression/);
  rejected(
    t,
    structWith(`          - {name: a, type: __u64, pointer: {to: ${q("__u32\u00a0")}}}`),
    "name: a",
    /not a C type expression/,
  );
  rejected(
    t,
    structWith(
      "          - {name: a, type: __u32}",
      [
        "    commands:",
        `      - {name: HOSTILE_GO, doc: d, magic: 0x42, nr: 1, dir: write, arg: struct s, flow: {${q("a; b")}: in}}`,
        "",
      ].join("\n"),
    ),
    "HOSTILE_GO",
    /flow key .* is not a member path/,
  );
  rejected(
    t,
    structWith(
      "          - {name: a, type: __u32}",
      [
        "    commands:",
        "      - {name: HOSTILE_GO, doc: d, magic: 0x42, nr: 1, dir: write, arg: struct s, " +
          `syscall: {order: [${q("a</script>")}]}}`,
        "",
      ].join("\n"),
    ),
    "HOSTILE_GO",
    /order entry .* is not a member name/,
  );
  rejected(
    t,
    doc(`    commands:\n      - {name: HOSTILE_GO, doc: d, magic: ${q("\u00e9")}, nr: 1, dir: none}\n`),
    "HOSTILE_GO",
    /magic .* is not a printable character/,
  );
  accepted(
    t,
    structWith(
      [
        `          - {name: a, type: ${q("unsigned   long")}}`,
        `          - {name: p, type: __u64, pointer: {to: ${q("__aligned_u64")}, count: a}}`,
      ].join("\n"),
      `    commands:\n      - {name: HOSTILE_GO, doc: d, magic: "'", nr: 1, dir: write, arg: struct s}\n`,
    ),
    "odd but legal spellings",
  );
});

/* ------------------------------------------------------------------ */
/* Include paths                                                       */
/* ------------------------------------------------------------------ */

test("include paths: an external header that injects a #define is exit 2 at its line, nothing written", async (t) => {
  const text = doc(`    structs:
      - name: iovec
        doc: d
        external:
          header: ${q("linux/uio.h>\n#define __u32 int\n#include <x.h")}
        fields: [{name: a, type: __u32}]
      - {name: s, doc: d, fields: [{name: v, type: struct iovec}]}
`);
  const { code, io, out } = await generate(text);
  t.is(code, EXIT.BAD_INPUT, io.stderr);
  t.regex(io.stderr, new RegExp(`evil\\.yaml:${lineOf(text, "#define __u32")}:\\d+: error: .*`));
  t.regex(
    io.stderr,
    /header path 'linux\/uio\.h>\\n#define __u32 int\\n#include <x\.h' is not a plain relative path/,
    "the message shows the line breaks as escapes",
  );
  t.false(existsSync(out));
});

test("include paths: only plain relative paths to .h files", (t) => {
  const bad = [
    "../x.h",
    "/etc/x.h",
    "linux//x.h",
    "linux/.x.h",
    ".h",
    "linux/x.c",
    "linux/x y.h",
    'linux/x.h"',
    "-x.h",
    "linux/x.h>",
    "linux\\x.h",
    "linux/\u202ex.h",
  ];
  for (const h of bad) {
    rejected(
      t,
      doc(`    structs:\n      - {name: ext, doc: d, external: {header: ${q(h)}}, fields: [{name: a, type: __u32}]}\n`),
      "name: ext",
      /not a plain relative path|text contains/,
      `external ${h}`,
    );
    rejected(
      t,
      `name: hostile\ndoc: d\ninterfaces:\n  - name: hostile\n    header: ${q(h)}\n    doc: d\n`,
      "header:",
      /not a plain relative path|text contains/,
      `interface ${h}`,
    );
  }
  accepted(
    t,
    doc(
      [
        "    structs:",
        "      - {name: timespec_like, doc: d, external: {header: linux/time_types.h}, " +
          "fields: [{name: a, type: __u32}]}",
        "",
      ].join("\n"),
    ),
    "linux/time_types.h",
  );
  rejected(
    t,
    [
      "name: hostile",
      "doc: d",
      "interfaces:",
      "  - {name: one, header: linux/a-b.h, doc: d}",
      "  - {name: two, header: linux/a_b.h, doc: d}",
      "",
    ].join("\n"),
    "name: two",
    /same include guard/,
  );
});

/* ------------------------------------------------------------------ */
/* Tag namespaces                                                      */
/* ------------------------------------------------------------------ */

withCc(`tag namespaces: struct, union and enum tags, inline ones at any depth, share one namespace${skipNote}`, (t) => {
  t.false(compiles("struct x { int a; };\nunion x { int a; };\n"), "gcc: struct x and union x clash");
  t.false(compiles("struct e { int a; };\nenum e { E0 };\n"), "gcc: struct e and enum e clash");
  t.false(
    compiles("struct t { int a; };\nstruct s { struct t { int b; } m; };\n"),
    "gcc: an inline tag is a file-scope tag",
  );
  rejected(
    t,
    doc(`    structs:
      - {name: x, doc: d, fields: [{name: a, type: __u32}]}
      - {name: x, kind: union, doc: d, fields: [{name: a, type: __u32}]}
`),
    "kind: union",
    /union name 'x' is also the tag of the struct/,
    "struct x, union x",
  );
  rejected(
    t,
    doc(`    enums:
      - {name: e, doc: d, values: [{name: E0, value: 0}]}
    structs:
      - {name: e, doc: d, fields: [{name: a, type: __u32}]}
`),
    "fields: [{name: a",
    /struct name 'e' is also the tag of the enum/,
    "struct e, enum e",
  );
  rejected(
    t,
    doc(`    structs:
      - {name: t, doc: d, fields: [{name: a, type: __u32}]}
      - name: s
        doc: d
        fields:
          - name: m
            type:
              kind: struct
              fields:
                - name: deep
                  type: {kind: struct, tag: t, fields: [{name: b, type: __u32}]}
`),
    "tag: t",
    /inline struct tag 't' is also the tag of the struct/,
    "inline tag at depth 2",
  );
  rejected(
    t,
    structWith(
      [
        "          - {name: a, type: __u32}",
        "          - {name: m, type: {kind: struct, tag: s, fields: [{name: b, type: __u32}]}}",
      ].join("\n"),
    ),
    "tag: s",
    /also the tag/,
    "inline tag equal to its own struct",
  );
  rejected(
    t,
    doc(`    structs:
      - {name: s, doc: d, fields: [{name: m, type: {kind: union, fields: [{name: u, type: __u32}]}}]}
      - {name: dox_m, doc: d, fields: [{name: a, type: __u32}]}
    commands:
      - {name: HOSTILE_SET, doc: d, magic: 0x42, nr: 1, dir: write, arg: struct s, syscall: {name: dox}}
`),
    "fields: [{name: m",
    /the shim names the anonymous member m 'dox_m', which is already a tag/,
    "shim-invented tag",
  );
});

/* ------------------------------------------------------------------ */
/* Bit-field widths                                                    */
/* ------------------------------------------------------------------ */

// Types whose width is the same on every Linux ABI; `long`, `size_t` and enums (short on hexagon) are judged
// against every ABI's compiler in bitfield-width.test.ts.
withCc(
  `bit-field widths: the widest bit-field gcc accepts for each type is accepted, one more bit is not${skipNote}`,
  (t) => {
    const types = [
      "char",
      "signed char",
      "unsigned char",
      "short",
      "unsigned short",
      "int",
      "unsigned int",
      "long long",
      "unsigned long long",
      "_Bool",
      "__u8",
      "__s16",
      "__u32",
      "__u64",
    ];
    for (const type of types) {
      // gcc's own limit: one struct per width, one line each; the lines it rejects tell.
      const dir = scratchDir("bits");
      const head = ["#include <linux/types.h>", "enum e { E0, E1 };"];
      writeFileSync(
        path.join(dir, "b.c"),
        [...head, ...Array.from({ length: 65 }, (_, i) => `struct s${i + 1} { ${type} x : ${i + 1}; };`)].join("\n") +
          "\n",
      );
      const r = cc("gcc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", "-fmax-errors=0", "b.c"], dir);
      const bad = new Set([...r.output.matchAll(/^b\.c:(\d+):\d+: error/gm)].map((m) => Number(m[1]) - head.length));
      const max =
        Array.from({ length: 65 }, (_, i) => i + 1)
          .filter((n) => !bad.has(n))
          .pop() ?? 0;
      t.true(max >= 1, `${type}: gcc accepts some width`);
      const spec = (bits: number) =>
        doc(
          [
            "    enums:",
            "      - {name: e, doc: d, values: [{name: E0, value: 0}, {name: E1, value: 1}]}",
            "    structs:",
            `      - {name: s, doc: d, fields: [{name: ok, type: __u32}, {name: x, type: ${type}, bits: ${bits}}]}`,
            "",
          ].join("\n"),
        );
      accepted(t, spec(max), `${type}:${max}`);
      if (max < 64) rejected(t, spec(max + 1), `bits: ${max + 1}`, /exceeds the \d+ bits?/, `${type}:${max + 1}`);
    }
  },
);

/* ------------------------------------------------------------------ */
/* Names from JavaScript's Object.prototype                           */
/* ------------------------------------------------------------------ */

const PROTO = ["constructor", "toString", "hasOwnProperty", "valueOf"];

function protoSpec(n: string): string {
  return doc(`    structs:
      - name: ${n}
        doc: d
        fields:
          - {name: ${n}, type: __u32}
          - {name: other, type: __u32}
          - {name: m, type: {kind: union, fields: [{name: ${n}_u, type: __u32}]}}
    commands:
      - name: ${n}_cmd
        doc: d
        magic: 0x42
        nr: 1
        dir: readwrite
        arg: struct ${n}
        flow: {other: out}
        syscall: {name: ${n}_sys, rename: {other: other_arg}}
`);
}

test(
  "__proto__ names: constructor, toString, hasOwnProperty and valueOf work as struct, member, " +
    "command, syscall and rename names",
  (t) => {
    for (const n of PROTO) {
      const model = accepted(t, protoSpec(n), n, true);
      if (!model) continue;
      const ifc = model.interfaces[0]!;
      const form = deriveForm(ifc.commands[0]!, ifc);
      // The member is in neither `rename` nor `flow`: a lookup through Object.prototype would find a function there.
      t.deepEqual(
        form.args.map((a) => `${a.name}:${a.flow}`),
        ["fd:in", `${n}:inout`, "other_arg:out", `m:inout`],
        `${n}: arguments named and flowing as the spec says`,
      );
      const shims = shimGenerator
        .generate([model])
        .map((f) => f.content)
        .join("\n");
      t.false(/\[object Object\]|function \w*\(/.test(shims), `${n}: no JavaScript value leaks into the shims`);
      t.regex(shims, new RegExp(`int ${n}_sys\\(int fd, __u32 \\*${n}, __u32 \\*other_arg, `));
      const header = headerGenerator.generate([model])[0]!.content;
      t.regex(header, new RegExp(`struct ${n} \\{\\n\\t__u32 ${n};`));
      // The codec: the member is an own property of what decode returns, and encode reads it.
      const codec = compileInterface(
        ifc,
        ABIS.filter((a) => a.id === "x86_64"),
      ).structs.get(n)!.abis["x86_64"]!;
      const bytes = new Uint8Array(12);
      bytes[0] = 7;
      const value = codec.decode(bytes);
      t.true(Object.hasOwn(value, n), `${n}: decoded as an own property`);
      t.is(value[n], 7);
      t.deepEqual([...codec.encode({ [n]: 9, other: 1, m: { [`${n}_u`]: 2 } })], [9, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0]);
    }
  },
);

test("__proto__ names: `__proto__` is rejected as a reserved name wherever a name goes", (t) => {
  rejected(t, structWith("          - {name: __proto__, type: __u32}"), "name: __proto__", /reserved/, "field");
  rejected(
    t,
    doc("    structs:\n      - {name: __proto__, doc: d, fields: [{name: a, type: __u32}]}\n"),
    "__proto__",
    /reserved/,
    "struct",
  );
  rejected(
    t,
    structWith(
      "          - {name: a, type: __u32}",
      [
        "    commands:",
        "      - {name: HOSTILE_SET, doc: d, magic: 0x42, nr: 1, dir: write, arg: struct s, " +
          "syscall: {rename: {a: __proto__}}}",
        "",
      ].join("\n"),
    ),
    "HOSTILE_SET",
    /reserved/,
    "rename value",
  );
  rejected(
    t,
    structWith(
      "          - {name: a, type: __u32}",
      [
        "    commands:",
        "      - {name: HOSTILE_SET, doc: d, magic: 0x42, nr: 1, dir: write, arg: struct s, " +
          "syscall: {rename: {__proto__: b}}}",
        "",
      ].join("\n"),
    ),
    "HOSTILE_SET",
    /syscall\.rename names '__proto__', which is no argument/,
    "rename key",
  );
});

test("__proto__ names: below the loader, `__proto__` is an ordinary name for the derivation and the codecs", (t) => {
  // The lint stops `__proto__` at load time; this checks that nothing behind it treats the name specially.
  const text = protoSpec("__proto__");
  const value = parse(text) as SpecDocument;
  t.true(
    Object.hasOwn(value.interfaces[0]!.structs![0]!, "name") && value.interfaces[0]!.structs![0]!.name === "__proto__",
  );
  const resolved = resolveDocument("proto.yaml", value, () => ({ file: "proto.yaml", line: 1, col: 1 }));
  t.deepEqual(resolved.errors, []);
  const ifc = resolved.model!.interfaces[0]!;
  const form = deriveForm(ifc.commands[0]!, ifc);
  t.deepEqual(
    form.args.map((a) => `${a.name}:${a.flow}`),
    ["fd:in", "__proto__:inout", "other_arg:out", "m:inout"],
    "not '[object Object]'",
  );
  const codec = compileInterface(
    ifc,
    ABIS.filter((a) => a.id === "x86_64"),
  ).structs.get("__proto__")!.abis["x86_64"]!;
  const decoded = codec.decode(new Uint8Array([5, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]));
  t.true(Object.hasOwn(decoded, "__proto__"), "a property, not the prototype");
  t.is(Object.getOwnPropertyDescriptor(decoded, "__proto__")?.value, 5);
});

withCc(`__proto__ names: generated TypeScript names never shadow what the modules use${skipNote}`, (t) => {
  const names = ["Set", "Record", "Object", "Object_", "CODECS", "CODECS_", "Array", "Readonly", "constructor"];
  accepted(
    t,
    doc(
      [
        "    enums:",
        "      - {name: kind, doc: d, values: [{name: K0, value: 0}, {name: K1, value: 2}, {name: K2, value: 5}, " +
          "{name: K3, value: 9}, {name: K4, value: 11}, {name: K5, value: 13}, {name: K6, value: 17}]}",
        "    structs:",
        ...names.map(
          (n) => `      - {name: ${n}, doc: d, fields: [{name: a, type: __u32, enum: kind}, {name: b, type: __u32}]}`,
        ),
        "",
      ].join("\n"),
    ),
    "structs named after JavaScript globals",
    true,
  );
});

test(
  "identifiers: an anonymous union of a command's struct gets an argument name, " +
    "and __aligned_u64 arguments compile",
  (t) => {
    // The anonymous union needs a type and an argument name of its own (not `const union x_ *` with an empty name),
    // and an __aligned_u64 output is passed as `__u64 *`: `__aligned_u64 *p` is a gcc error.
    const model = accepted(
      t,
      doc(`    structs:
      - name: s
        doc: d
        fields:
          - {name: kind, type: __u32}
          - type: {kind: union, fields: [{name: ptr, type: __aligned_u64}, {name: val, type: __u32}]}
          - {name: out, type: __aligned_u64, flow: out}
    commands:
      - {name: HOSTILE_SET, doc: d, magic: 0x42, nr: 1, dir: readwrite, arg: struct s, syscall: {name: hostile_set}}
`),
      "anonymous union, __aligned_u64 output",
    );
    if (!model) return;
    const form = deriveForm(model.interfaces[0]!.commands[0]!, model.interfaces[0]!);
    t.deepEqual(
      form.args.map((a) => `${a.type}|${a.name}`),
      ["int|fd", "__u32 *|kind", "union hostile_set_ptr_or_val *|ptr_or_val", "__u64 *|out"],
    );
    t.is(form.noShim, undefined);
  },
);

test("__proto__ names: `uapi decode` and `uapi encode` keep a member named constructor", async (t) => {
  const dir = scratchDir("proto-cli");
  const spec = path.join(dir, "proto.yaml");
  writeFileSync(spec, protoSpec("constructor"));
  const dec = bufferIo();
  t.is(
    await main(["decode", spec, "constructor", "--abi", "x86_64", "070000000800000009000000"], dec),
    EXIT.OK,
    dec.stderr,
  );
  const value = (JSON.parse(dec.stdout) as { value: Record<string, unknown> }).value;
  t.true(Object.hasOwn(value, "constructor"), dec.stdout);
  t.deepEqual(value, JSON.parse('{"constructor": 7, "other": 8, "m": {"constructor_u": 9}}'));
  const enc = bufferIo();
  t.is(
    await main(
      ["encode", spec, "constructor", "--abi", "x86_64", '{"constructor": 7, "other": 8, "m": {"constructor_u": 9}}'],
      enc,
    ),
    EXIT.OK,
    enc.stderr,
  );
  t.regex(enc.stdout, /^07000000 ?08000000 ?09000000\s*$|^070000000800000009000000\s*$/);
});
