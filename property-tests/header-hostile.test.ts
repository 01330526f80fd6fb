/*
 * A hostile spec cannot inject C: text that would end a comment, a name that
 * is a keyword, a trigraph, a constant expression spanning lines are all
 * rejected by `uapi generate` with exit 2 and a file:line:col, and nothing
 * is written.  Tricky but legal input (`??` that forms no trigraph, backslashes, handlebars and HTML
 * syntax, odd magic characters, C90 extensions) yields a header that still
 * compiles as C90, C++ and on i386, and whose layout asserts hold.
 */
import test from "ava";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { main } from "../cli/main.js";
import { bufferIo, EXIT } from "../cli/io.js";
import { assertsGenerator } from "../generators/asserts.js";
import { headerGenerator } from "../generators/header.js";
import { produceFiles } from "../generators/write-out.js";
import { loadSpecText } from "../spec/load.js";
import { C11_FLAGS, C90_FLAGS, CXX_FLAGS, M32_ISYSTEM, cc, haveM32, scratchDir, writeTree } from "./header-support.js";

const BASE = (ifc: string) => `name: evil
doc: A spec written to break the generator.
interfaces:
  - name: evil
    header: linux/evil.h
    doc: Evil interface.
${ifc}`;

async function generateSpec(text: string, tag: string) {
  const dir = scratchDir(tag);
  const spec = path.join(dir, "evil.yaml");
  writeFileSync(spec, text);
  const out = path.join(dir, "out");
  const io = bufferIo();
  const code = await main(["generate", spec, "--out", out], io);
  return { code, io, out, spec };
}

/** `at`: text on the offending line; the expected line number is found in the spec text, not taken from the loader. */
const HOSTILE: { title: string; ifc: string; message: RegExp; at: string }[] = [
  {
    title: "a doc containing '*/ #include ...'",
    ifc: `    structs:
      - name: s
        doc: ok
        fields:
          - name: a
            type: __u32
            doc: "closes early */ #include <stdio.h> /*"
`,
    message: /would end or nest a C comment/,
    at: "closes early",
  },
  {
    title: "a field named like a C keyword",
    ifc: `    structs:
      - name: s
        doc: ok
        fields:
          - name: int
            type: __u32
`,
    message: /'int' is a C or C\+\+ keyword/,
    at: "name: int",
  },
  {
    title: "a struct named like a C++ keyword",
    ifc: `    structs:
      - name: class
        doc: ok
        fields:
          - name: a
            type: __u32
`,
    message: /'class' is a C or C\+\+ keyword/,
    at: "name: class",
  },
  {
    title: "a doc containing a trigraph (??/ splices lines in C90)",
    ifc: `    structs:
      - name: s
        doc: "splice ??/"
        fields:
          - name: a
            type: __u32
`,
    message: /trigraph '\?\?\/'/,
    at: "splice",
  },
  {
    title: "a constant expression with a newline",
    ifc: `    constants:
      - name: EVIL
        value: "1\\n#include <stdio.h>"
`,
    message: /not a single-line C constant expression/,
    at: "#include <stdio.h>",
  },
  {
    title: "a constant expression with a line comment",
    ifc: `    constants:
      - name: EVIL
        value: "1 // comment"
`,
    message: /not a single-line C constant expression/,
    at: "// comment",
  },
];

for (const h of HOSTILE) {
  test(`rejected with exit 2 and file:line:col: ${h.title}`, async (t) => {
    const text = BASE(h.ifc);
    const line = text.split("\n").findIndex((l) => l.includes(h.at)) + 1;
    t.true(line > 0);
    const { code, io, out, spec } = await generateSpec(text, "hostile");
    t.is(code, EXIT.BAD_INPUT, io.stdout + io.stderr);
    t.regex(io.stderr, h.message);
    // The position names the spec file and the offending line.
    const m = new RegExp(`${path.basename(spec).replace(".", "\\.")}:(\\d+):(\\d+): error`).exec(io.stderr);
    t.truthy(m, io.stderr);
    t.is(Number(m![1]), line, io.stderr);
    t.false(existsSync(out), "nothing may be written for bad input");
  });
}

test("an interface header path clash is bad input, reported at the second interface", async (t) => {
  const text = `name: clash
doc: Two interfaces, one header.
interfaces:
  - name: one
    header: linux/clash.h
    doc: First.
  - name: two
    header: linux/clash.h
    doc: Second.
`;
  const { code, io, out } = await generateSpec(text, "clash");
  t.is(code, EXIT.BAD_INPUT, io.stderr);
  t.regex(io.stderr, /evil\.yaml:8:\d+: error: interfaces 'one' and 'two' both write include\/uapi\/linux\/clash\.h/);
  t.false(existsSync(out));
});

/*
 * Two of TRICKY's YAML lines, too long to write inline.  AWKWARD_DOC is a YAML double-quoted scalar: YAML reads
 * `\\` as a backslash, `\"` as a quote, `\t` as a tab and `\u00e9` as an e with an acute accent.
 */
const AWKWARD_DOC = [
  String.raw`"Used by value below; declared after its user in the spec.`,
  String.raw`Legal text that is awkward in C: ?? / near-trigraphs, a trailing backslash \\, quotes \" and ',`,
  String.raw`{{handlebars}} {{{triple}}}, <b>&amp;</b>, tabs\tand\u00e9 UTF-8."`,
].join(" ");
const CONST_MAGIC_COMMAND =
  "{ name: TRICKY_CONST, magic: TRICKY_MAGIC, nr: 3, dir: readwrite, arg: struct tricky_tagged, " +
  'doc: "Magic named by constant." }';

/* Legal but awkward input: everything a naive generator gets wrong. */
const TRICKY = `name: tricky
doc: A spec with awkward but legal text.
interfaces:
  - name: tricky
    header: linux/tricky.h
    doc: "Awkward doc ?? /"
    constants:
      - name: TRICKY_MAGIC
        value: "'m'"
        doc: "A char literal magic ???"
      - name: TRICKY_BACKSLASH
        value: "'\\\\\\\\'"
        doc: "A backslash char literal"
      - name: TRICKY_NEG
        value: -5
      - name: TRICKY_EXPR
        value: "((TRICKY_NEG) + 1)"
    flags:
      - name: tricky_flags
        width: 64
        asEnum: true
        doc: "Flags with a bit above 31, so the anonymous enum falls back to #defines ?? ="
        mask: TRICKY_FLAGS_MASK
        bits:
          - { name: TRICKY_LOW, bit: 0, doc: "low ?? /" }
          - { name: TRICKY_HIGH, bit: 63, doc: "high" }
          - { name: TRICKY_RSVD, bit: 5, reserved: true }
      - name: tricky_small
        width: 32
        asEnum: true
        doc: small
        bits:
          - { name: TRICKY_SMALL_A, bit: 3 }
    enums:
      - name: tricky_kind
        doc: An enum type used by a field.
        values:
          - { name: TRICKY_KIND_A, value: 0 }
          - { name: TRICKY_KIND_B, value: "0x7fffffff" }
      - name: tricky_big
        emit: anonymous-enum
        doc: Too big for int, must become defines.
        values:
          - { name: TRICKY_BIG, value: "0xffffffffffffffff" }
          - { name: TRICKY_NEGV, value: "-1" }
    structs:
      - name: tricky_inner
        doc: ${AWKWARD_DOC}
        aligned: 16
        fields:
          - { name: x, type: __u64, doc: "ends with a backslash \\\\" }
      - name: tricky
        doc: "A struct with C90 extensions. Second sentence, e.g. an abbreviation."
        fields:
          - { name: a, type: __u8, doc: "*\\\\/ not a comment end" }
          - { name: bf, type: __u8, bits: 3 }
          - { type: __u8, bits: 5 }
          - name: u
            type:
              kind: union
              fields:
                - { name: ll, type: long long }
                - { name: b, type: _Bool }
          - type:
              kind: struct
              packed: true
              fields:
                - { name: anon_a, type: __u16, doc: "member of an unnamed struct" }
                - { name: anon_b, type: __u32, aligned: 2 }
          - { name: sz, type: size_t }
          - { name: c, type: char }
          - { name: unal, type: __u32, packed: true, doc: "A packed member at an odd offset." }
          - { name: kind, type: enum tricky_kind }
          - { name: inner, type: struct tricky_inner }
          - { name: pad, type: __u8, array: 3, padding: true }
          - { name: tail, type: __u32, array: flexible }
      - name: tricky_tagged
        doc: An inline struct with a tag.
        fields:
          - name: t
            type:
              kind: struct
              tag: tricky_nested_tag
              fields:
                - { name: v, type: __s32 }
    commands:
      - { name: TRICKY_QUOTE, magic: "'", nr: 1, dir: none, doc: "Magic is a quote character." }
      - { name: TRICKY_BSLASH, magic: "\\\\", nr: 2, dir: read, arg: int, doc: "Magic is a backslash." }
      - ${CONST_MAGIC_COMMAND}
      - { name: TRICKY_NUM, magic: 200, nr: 255, dir: write, arg: struct tricky, doc: "Numeric magic." }
`;

function trickyModel() {
  return loadSpecText("tricky.yaml", TRICKY);
}

/** The generated files in a scratch directory, with a C and a C++ translation unit that include the header. */
function writeTricky(files: { path: string; content: string }[], tag: string): { dir: string; inc: string[] } {
  const dir = scratchDir(tag);
  writeTree(dir, files);
  writeFileSync(path.join(dir, "tu.c"), "#include <linux/tricky.h>\n");
  writeFileSync(path.join(dir, "tu.cc"), "#include <linux/tricky.h>\n");
  return { dir, inc: ["-I", path.join(dir, "include/uapi")] };
}

test("tricky but legal text: the header and its asserts compile, verbatim text survives", (t) => {
  const model = trickyModel();
  const files = produceFiles([model], [headerGenerator, assertsGenerator]);
  const header = files.find((f) => f.path === "include/uapi/linux/tricky.h")!;
  t.truthy(header);
  const text = header.content;
  t.log(text);
  // No HTML escaping, no handlebars evaluation of spec text.
  t.true(text.includes("{{handlebars}} {{{triple}}}, <b>&amp;</b>"));
  t.false(text.includes("&lt;"));
  // Trigraph-forming text is split, a comment never ends early, no line ends in a backslash.
  t.false(text.includes("??"));
  for (const line of text.split("\n")) t.false(line.endsWith("\\"), line);
  t.is(text.split("*/").length, text.split("/*").length, "comment delimiters are balanced");
  t.regex(text, /#define TRICKY_HIGH \(1ULL << 63\)/);
  t.regex(text, /'\\\\'/);
  t.regex(text, /__extension__ __u32 tail\[\];/);
  // Struct dependency order: tricky_inner is declared before struct tricky uses it.
  t.true(text.indexOf("struct tricky_inner {") < text.indexOf("struct tricky {"));

  const { dir, inc } = writeTricky(files, "tricky");
  const c90 = cc("gcc", [...C90_FLAGS, ...inc, "tu.c"], dir);
  t.true(c90.ok, c90.output);
  const cxx = cc("g++", [...CXX_FLAGS, ...inc, "tu.cc"], dir);
  t.true(cxx.ok, cxx.output);
  const asserts = files.find((f) => f.path === "asserts/tricky.c")!;
  const a64 = cc("gcc", ["-m64", ...C11_FLAGS, ...inc, "asserts/tricky.c"], dir);
  t.true(a64.ok, a64.output);
  t.truthy(asserts);
});

const m32 = haveM32();
(m32 ? test : test.skip)(
  "tricky but legal text on i386: the header compiles as C90 and its asserts hold (gcc -m32)" +
    (m32 ? "" : " (skipped: gcc -m32 cannot compile <linux/types.h> here: no gcc or no multilib)"),
  (t) => {
    const files = produceFiles([trickyModel()], [headerGenerator, assertsGenerator]);
    const { dir, inc } = writeTricky(files, "tricky-m32");
    const c90 = cc("gcc", ["-m32", ...M32_ISYSTEM, ...C90_FLAGS, ...inc, "tu.c"], dir);
    t.true(c90.ok, c90.output);
    const a32 = cc("gcc", ["-m32", ...M32_ISYSTEM, ...C11_FLAGS, ...inc, "asserts/tricky.c"], dir);
    t.true(a32.ok, a32.output);
  },
);

test("generating the tricky spec twice gives identical bytes", (t) => {
  const a = produceFiles([trickyModel()], [headerGenerator, assertsGenerator]);
  const b = produceFiles([trickyModel()], [headerGenerator, assertsGenerator]);
  t.deepEqual(a, b);
});
