/*
 * The spec language's additions for real uapi headers (issue 12), each
 * against what real compilers make of the same struct written by hand in C,
 * the way kernel headers write it:
 *   - members under `when:` (linux/ip.h's iphdr bit-fields per byte order, a
 *     member only 64-bit ABIs have) and attributes under `when:`
 *     (EPOLL_PACKED: struct epoll_event is packed on x86_64 and x32 only);
 *   - GNU zero-length arrays anywhere in a struct or union, multi-dimensional
 *     arrays, flexible arrays of arrays;
 *   - array lengths written as constant expressions over constants and
 *     sizeof, evaluated per ABI;
 *   - const and volatile qualifiers (laid out as the unqualified type,
 *     spelled in the header, coded as the unqualified type);
 *   - pointers to structs the spec does not declare.
 * The hand-written C tests the compilers' own macros (__BYTE_ORDER__,
 * __SIZEOF_LONG__, __x86_64__), not what the generated header includes.
 * Judges: gcc on x86_64, gcc -m32 (i386) and -mx32 (x32) where multilib is
 * installed, @yowasp/clang on ppc (big-endian, 32-bit) and s390x (big-endian,
 * 64-bit).  Then: the generated header compiles (C90 -pedantic, C++, -m32)
 * and `uapi verify` finds it equal to the engine; bad expressions and
 * conditions are located load errors with a hint.
 */
import test from "ava";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { AbiId } from "../spec/abi.js";
import type { SpecDocument } from "../spec/types.js";
import { ABIS, abiById } from "../spec/abis.js";
import { loadSpecText } from "../spec/load.js";
import type { RecordType, SpecModel } from "../core/model.js";
import { SpecInputError } from "../core/diagnostic.js";
import { factsOf, type Fact } from "../verify/facts.js";
import { CALIBRATION_SOURCE, dataReader, setBits } from "../verify/asm-data.js";
import { compileSource, haveProgram } from "../verify/system-cc.js";
import { runYowasp, yowaspInstalled } from "../verify/backends.js";
import { compilersFor } from "../verify/compilers.js";
import { parseRecordDump, type DumpNode } from "../verify/record-dump.js";
import { unitsOfModels, verifyLayouts } from "../verify/verify.js";
import { describeMismatch } from "../cli/commands/verify.js";
import { headerGenerator, headerIncludeDir, renderHeader } from "../generators/header.js";
import { assertsGenerator } from "../generators/asserts.js";
import { produceFiles } from "../generators/write-out.js";
import { compileCodec } from "../generators/codec-compile.js";
import { shimGenerator } from "../generators/shims.js";
import { deriveForm } from "../syscall/derive.js";
import { C11_FLAGS, C90_FLAGS, CXX_FLAGS, M32_ISYSTEM, cc, have, scratchDir, writeTree } from "./header-support.js";
import { judges } from "./verify-helpers.js";

/* ------------------------------------------------------------ the cases */

interface Case {
  title: string;
  /** The interface's `constants:` and `structs:`, as YAML indented for an interface. */
  yaml: string;
  /** The same structs written by hand, as uapi headers write them. */
  c: string;
  /** The structs to compare (the others are helpers). */
  structs: string[];
}

const CASES: Case[] = [
  {
    title: "iphdr-style bit-fields declared per byte order (when: byteOrder)",
    yaml: `
    structs:
      - name: lat_iphdr
        doc: linux/ip.h's iphdr, abridged
        fields:
          - { name: ihl, type: __u8, bits: 4, when: { byteOrder: little } }
          - { name: version, type: __u8, bits: 4, when: { byteOrder: little } }
          - { name: version, type: __u8, bits: 4, when: { byteOrder: big } }
          - { name: ihl, type: __u8, bits: 4, when: { byteOrder: big } }
          - { name: tos, type: __u8 }
          - { name: tot_len, type: __be16 }
          - { name: saddr, type: __be32 }
`,
    c: `
struct lat_iphdr {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	unsigned char ihl:4, version:4;
#else
	unsigned char version:4, ihl:4;
#endif
	unsigned char tos;
	unsigned short tot_len;
	unsigned int saddr;
};`,
    structs: ["lat_iphdr"],
  },
  {
    title: "epoll_event packed on x86_64 and x32 only (packed: {when: abi})",
    yaml: `
    structs:
      - name: lat_epoll_event
        doc: linux/eventpoll.h's epoll_event and its EPOLL_PACKED
        packed: { when: { abi: [x86_64, x32] } }
        fields:
          - { name: events, type: __u32 }
          - { name: data, type: __u64 }
`,
    c: `
#ifdef __x86_64__
#define LAT_EPOLL_PACKED __attribute__((packed))
#else
#define LAT_EPOLL_PACKED
#endif
struct lat_epoll_event {
	unsigned int events;
	unsigned long long data;
} LAT_EPOLL_PACKED;`,
    structs: ["lat_epoll_event"],
  },
  {
    title: "members and attributes by word size and byte order (when: wordBits, byteOrder; notAbi)",
    yaml: `
    structs:
      - name: lat_word
        doc: d
        fields:
          - { name: flags, type: __u32 }
          - { name: pad, type: __u32, when: { wordBits: 64 } }
          - { name: ptr, type: void * }
          - { name: tail, type: __u16, aligned: { value: 8, when: { wordBits: 32 } } }
          - { name: c, type: __u8 }
          - { name: be, type: __u64, packed: { when: { byteOrder: big } } }
          - type:
              kind: struct
              packed: { when: { notAbi: [x86_64] } }
              fields:
                - { name: k, type: __u8 }
                - { name: w, type: __u32 }
            when: { notAbi: [ppc] }
`,
    c: `
struct lat_word {
	unsigned int flags;
#if __SIZEOF_LONG__ == 8
	unsigned int pad;
#endif
	void *ptr;
#if __SIZEOF_LONG__ == 4
	unsigned short tail __attribute__((aligned(8)));
#else
	unsigned short tail;
#endif
	unsigned char c;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	unsigned long long be __attribute__((packed));
#else
	unsigned long long be;
#endif
#if !defined(__powerpc__) || defined(__powerpc64__)
#if defined(__x86_64__) && defined(__LP64__)
	struct { unsigned char k; unsigned int w; };
#else
	struct { unsigned char k; unsigned int w; } __attribute__((packed));
#endif
#endif
};`,
    structs: ["lat_word"],
  },
  {
    title: "zero-length arrays in the middle, at the end and in a union (array: 0)",
    yaml: `
    structs:
      - name: lat_zero
        doc: d
        fields:
          - { name: c, type: __u8 }
          - { name: z, type: __u32, array: 0 }
          - { name: d, type: __u8 }
          - { name: q, type: long long, array: 0 }
          - { name: e, type: __u8 }
          - { name: end, type: __u16, array: 0 }
      - name: lat_zero_union
        kind: union
        doc: d
        fields:
          - { name: a, type: __u8, array: 0 }
          - { name: b, type: __u64, array: 0 }
`,
    c: `
struct lat_zero {
	unsigned char c;
	unsigned int z[0];
	unsigned char d;
	long long q[0];
	unsigned char e;
	unsigned short end[0];
};
union lat_zero_union {
	unsigned char a[0];
	unsigned long long b[0];
};`,
    structs: ["lat_zero", "lat_zero_union"],
  },
  {
    title: "multi-dimensional arrays, of scalars and structs, zero and flexible first dimensions (array: [2, 3])",
    yaml: `
    structs:
      - name: lat_cell
        doc: d
        fields:
          - { name: a, type: __u8 }
          - { name: b, type: __u16 }
      - name: lat_multi
        doc: d
        fields:
          - { name: m, type: __u16, array: [2, 3] }
          - { name: c, type: __u8 }
          - { name: cells, type: struct lat_cell, array: [2, 2] }
          - { name: z, type: __u32, array: [3, 0] }
          - { name: x, type: __u8 }
          - { name: cube, type: __u8, array: [2, 1, 3] }
          - { name: rest, type: long long, array: [flexible, 3] }
`,
    c: `
struct lat_cell {
	unsigned char a;
	unsigned short b;
};
struct lat_multi {
	unsigned short m[2][3];
	unsigned char c;
	struct lat_cell cells[2][2];
	unsigned int z[3][0];
	unsigned char x;
	unsigned char cube[2][1][3];
	long long rest[][3];
};`,
    structs: ["lat_cell", "lat_multi"],
  },
  {
    title: "array lengths as constant expressions over constants and sizeof, per ABI",
    yaml: `
    constants:
      - { name: LAT_WORDS, value: 4 }
      - { name: LAT_BYTES, value: "(LAT_WORDS * sizeof(__u32))" }
      - { name: LAT_LONGS, value: "(64 / sizeof(long))" }
    structs:
      - name: lat_hdr
        doc: d
        fields:
          - { name: len, type: __u32 }
          - { name: ptr, type: void * }
      - name: lat_expr
        doc: d
        fields:
          - { name: a, type: __u8, array: "LAT_BYTES + 1" }
          - { name: l, type: long, array: LAT_LONGS }
          - { name: h, type: __u8, array: "sizeof(struct lat_hdr) * 2 - 1" }
          - { name: s, type: __u16, array: ["sizeof(long) / 2", "LAT_WORDS % 3 + (1 << 2)"] }
          - { name: x, type: __u8, array: "~0U & 7" }
          - { name: y, type: __u8, array: "sizeof(size_t) ^ 0x1" }
          - { name: t, type: __u8, array: "-(-5) - 010 + 8" }
`,
    c: `
struct lat_hdr {
	unsigned int len;
	void *ptr;
};
struct lat_expr {
	unsigned char a[4 * sizeof(unsigned int) + 1];
	long l[(64 / sizeof(long))];
	unsigned char h[sizeof(struct lat_hdr) * 2 - 1];
	unsigned short s[sizeof(long) / 2][4 % 3 + (1 << 2)];
	unsigned char x[~0U & 7];
	unsigned char y[sizeof(__SIZE_TYPE__) ^ 0x1];
	unsigned char t[-(-5) - 010 + 8];
};`,
    structs: ["lat_hdr", "lat_expr"],
  },
  {
    title: "const and volatile qualifiers (laid out as the unqualified type)",
    yaml: `
    structs:
      - name: lat_const
        doc: d
        fields:
          - { name: name, type: const char * }
          - { name: p, type: char * const }
          - { name: n, type: const __u32 }
          - { name: v, type: volatile __u16 }
          - { name: cv, type: const volatile __u8, array: 3 }
          - { name: pp, type: "const void * const *" }
          - { name: bf, type: const __u32, bits: 5 }
`,
    c: `
struct lat_const {
	const char *name;
	char *const p;
	const unsigned int n;
	volatile unsigned short v;
	const volatile unsigned char cv[3];
	const void *const *pp;
	const unsigned int bf : 5;
};`,
    structs: ["lat_const"],
  },
  {
    title: "pointers to structs and unions the spec does not declare",
    yaml: `
    structs:
      - name: lat_incomplete
        doc: d
        fields:
          - { name: next, type: struct lat_nowhere * }
          - { name: u, type: union lat_elsewhere * }
          - { name: c, type: __u8 }
          - { name: pp, type: struct lat_nowhere ** }
`,
    c: `
struct lat_incomplete {
	struct lat_nowhere *next;
	union lat_elsewhere *u;
	unsigned char c;
	struct lat_nowhere **pp;
};`,
    structs: ["lat_incomplete"],
  },
];

const specText = (c: Case) =>
  `name: lat\ndoc: language additions\ninterfaces:\n  - name: lat\n    doc: d\n    header: linux/lat.h\n${c.yaml}`;

const modelOf = (c: Case): SpecModel => loadSpecText(`${c.structs[0]}.yaml`, specText(c));
const recordOf = (m: SpecModel, tag: string): RecordType => m.interfaces[0]!.records.find((r) => r.tag === tag)!;

/* ---------------------------------------------------- the compilers' view */

/** What a compiler says about one struct: keyed like the engine's facts, `kind|member`. */
type Measured = Map<string, number>;

interface Judge {
  abi: AbiId;
  compiler: string;
  /** Why it cannot run here (the test is skipped with this reason). */
  missing?: string;
  measure(source: string, facts: Map<string, Fact[]>): Promise<Map<string, Measured>>;
}

/** A designated initializer path for a member path: `.a.b`. */
const designator = (member: string) => `.${member}`;

/** GCC: values from `-S` (sizeof, _Alignof, offsetof in an array), bit-fields from objects with one field all ones. */
function gccJudge(abi: AbiId, flags: string[]): Judge {
  const compiler = `gcc ${flags.join(" ")}`;
  const probe = haveProgram("gcc")
    ? compileSource({ compiler: "gcc", args: [...flags, ...M32_ISYSTEM, "-S", "-o", "-", "-xc"], source: "int x;\n" })
    : undefined;
  return {
    abi,
    compiler,
    missing: !probe
      ? "gcc is not installed"
      : probe.ok
        ? undefined
        : `${compiler} cannot compile here (apt-get install gcc-12-multilib)`,
    async measure(source, factsBy) {
      const values: string[] = [];
      const objects: string[] = [];
      const keys: [string, string][] = [];
      const bitObjects: [string, string, string][] = [];
      for (const [tag, facts] of factsBy) {
        const cname = kindOf(source, tag);
        for (const f of facts) {
          if (f.kind === "size") values.push(`sizeof(${cname})`);
          else if (f.kind === "align") values.push(`_Alignof(${cname})`);
          else if (f.kind === "offset") values.push(`__builtin_offsetof(${cname}, ${f.member})`);
          else if (f.kind === "bit-offset") {
            const obj = `lat_bf_${bitObjects.length}`;
            bitObjects.push([tag, f.member, obj]);
            objects.push(`const ${cname} ${obj} = { ${designator(f.member)} = -1 };`);
            continue;
          } else continue;
          keys.push([tag, `${f.kind}|${f.member}`]);
        }
      }
      const text = [source, CALIBRATION_SOURCE, `const unsigned int lat_values[] = {`, ...values.map((v) => `\t${v},`)]
        .concat(["};", ...objects, ""])
        .join("\n");
      const r = compileSource({
        compiler: "gcc",
        args: [...flags, ...M32_ISYSTEM, "-std=gnu11", "-w", "-S", "-o", "-", "-xc"],
        source: text,
      });
      if (!r.ok) throw new Error(`${compiler} rejected the hand-written C:\n${r.stderr}\n${text}`);
      const endian = abiById(abi)!.endian;
      const data = dataReader(r.stdout, endian);
      const words = data.words32("lat_values");
      const out = new Map<string, Measured>();
      const at = (tag: string) => out.get(tag) ?? out.set(tag, new Map()).get(tag)!;
      keys.forEach(([tag, key], i) => at(tag).set(key, words[i]!));
      for (const [tag, member, obj] of bitObjects) {
        const bits = setBits(data.bytes(obj), endian);
        at(tag).set(`bit-offset|${member}`, bits[0]!);
        at(tag).set(`bit-width|${member}`, bits.length);
      }
      return out;
    },
  };
}

/** `struct tag` or `union tag`, as the hand-written C declares it. */
function kindOf(source: string, tag: string): string {
  return new RegExp(`\\bunion ${tag}\\s*\\{`).test(source) ? `union ${tag}` : `struct ${tag}`;
}

/** @yowasp/clang: `-fdump-record-layouts` (it has no code generator for other targets, so no -S). */
function clangJudge(abi: AbiId, available: boolean): Judge {
  const target = compilersFor(abi).clang;
  return {
    abi,
    compiler: `clang (@yowasp/clang) --target=${target?.triple}`,
    missing: !target
      ? `no clang target for ${abi}`
      : available
        ? undefined
        : "@yowasp/clang is not installed (npm install)",
    async measure(source, factsBy) {
      const uses = [...factsBy.keys()].map((tag) => `\tsizeof(${kindOf(source, tag)}),`);
      const text = `${source}\nconst unsigned long lat_uses[] = {\n${uses.join("\n")}\n};\n`;
      const r = await runYowasp(
        [
          `--target=${target!.triple}`,
          ...target!.flags,
          "-std=gnu11",
          "-ffreestanding",
          "-w",
          "-fsyntax-only",
          "-Xclang",
          "-fdump-record-layouts",
          "lat.c",
        ],
        { "lat.c": text },
      );
      if (r.exitCode !== 0) throw new Error(`clang rejected the hand-written C:\n${r.stderr}\n${text}`);
      const dumps = parseRecordDump(r.stdout);
      const out = new Map<string, Measured>();
      for (const tag of factsBy.keys()) {
        const d = dumps.get(kindOf(source, tag));
        if (!d) throw new Error(`clang dumped no layout of ${tag}`);
        const m: Measured = new Map([
          ["size|", d.size],
          ["align|", d.align],
        ]);
        const walk = (nodes: DumpNode[], prefix: string) => {
          for (const n of nodes) {
            const name = n.name ? `${prefix}${n.name}` : "";
            if (n.bitOffset !== undefined) {
              if (name) m.set(`bit-offset|${name}`, n.bitOffset).set(`bit-width|${name}`, n.bits!);
              continue;
            }
            if (name) m.set(`offset|${name}`, n.offset);
            // Members of anonymous structs are named without a prefix, as in C; array elements are not entered.
            if (!/\[/.test(n.type)) walk(n.children, name ? `${name}.` : prefix);
          }
        };
        walk(d.members, "");
        out.set(tag, m);
      }
      return out;
    },
  };
}

const hasYowasp = await yowaspInstalled();
const JUDGES: Judge[] = [
  gccJudge("x86_64", ["-m64"]),
  gccJudge("i386", ["-m32"]),
  gccJudge("x32", ["-mx32"]),
  clangJudge("ppc", hasYowasp),
  clangJudge("s390x", hasYowasp),
];

for (const c of CASES) {
  for (const j of JUDGES) {
    const title = `${c.title}: engine == ${j.compiler} on ${j.abi}`;
    if (j.missing) {
      test.skip(`${title} (skipped: ${j.missing})`, () => {});
      continue;
    }
    test(title, async (t) => {
      const model = modelOf(c);
      const abi = abiById(j.abi)!;
      const factsBy = new Map(c.structs.map((tag) => [tag, factsOf(recordOf(model, tag), abi)]));
      const measured = await j.measure(c.c, factsBy);
      let compared = 0;
      for (const [tag, facts] of factsBy) {
        const got = measured.get(tag)!;
        for (const f of facts) {
          const key = `${f.kind}|${f.member}`;
          t.is<number | undefined, number | undefined>(f.engine, got.get(key), `${j.abi}: ${tag} ${key}`);
          compared++;
        }
        // Every member the compiler has, the engine has: none missing, none extra.
        const engineKeys = new Set(facts.map((f) => `${f.kind}|${f.member}`));
        t.deepEqual(
          [...got.keys()].filter((k) => !engineKeys.has(k)),
          [],
          `${j.abi}: ${tag} members the engine lacks`,
        );
      }
      t.true(compared >= 2 * c.structs.length);
    });
  }
}

/* ------------------------------------------ physical placement, by hand */

test("iphdr: ihl is the low nibble of byte 0 and version the high one on every ABI of the table", (t) => {
  // Allocation order follows the byte order (abi-facts §0 rule 6): LSB first on little-endian ABIs, MSB first on
  // big-endian ones, so the declaration order flips with it and the bits stay where the wire format puts them.
  const record = recordOf(modelOf(CASES[0]!), "lat_iphdr");
  for (const abi of ABIS) {
    const facts = factsOf(record, abi);
    const at = (m: string) => facts.find((f) => f.kind === "bit-offset" && f.member === m)!.engine;
    const physical = (bit: number) => (abi.endian === "little" ? bit : 7 - bit - 3);
    t.is(physical(at("ihl")), 0, `${abi.id}: ihl`);
    t.is(physical(at("version")), 4, `${abi.id}: version`);
  }
});

/* --------------------------------------------------- the generated header */

// Every case in one interface: one header for the compile and verify tests below.
const all = (() => {
  const parts = CASES.map((c) => (parseYaml(specText(c)) as SpecDocument).interfaces[0]!);
  const doc: SpecDocument = {
    name: "lat",
    doc: "language additions",
    interfaces: [
      {
        ...parts[0]!,
        constants: parts.flatMap((p) => p.constants ?? []),
        structs: parts.flatMap((p) => p.structs ?? []),
        commands: [
          { name: "LAT_SET_IPHDR", doc: "d", magic: 0x4c, nr: 1, dir: "write", arg: "struct lat_iphdr" },
          { name: "LAT_SET_WORD", doc: "d", magic: 0x4c, nr: 2, dir: "write", arg: "struct lat_word" },
          { name: "LAT_SET_CONST", doc: "d", magic: 0x4c, nr: 3, dir: "write", arg: "struct lat_const" },
          { name: "LAT_SET_EXPR", doc: "d", magic: 0x4c, nr: 4, dir: "readwrite", arg: "struct lat_expr" },
        ],
      },
    ],
  };
  return loadSpecText("lat.yaml", JSON.stringify(doc));
})();

test("the combined spec declares every case's structs", (t) => {
  const tags = all.interfaces[0]!.records.map((r) => r.tag);
  for (const c of CASES) for (const s of c.structs) t.true(tags.includes(s), s);
});

test("the header spells conditions kernel style, lengths as written, qualifiers and incomplete types", (t) => {
  const h = renderHeader(all, all.interfaces[0]!);
  for (const line of [
    "#include <asm/byteorder.h>",
    "#include <asm/bitsperlong.h>",
    "#if defined(__LITTLE_ENDIAN_BITFIELD)",
    "#elif defined(__BIG_ENDIAN_BITFIELD)",
    "#if __BITS_PER_LONG == 64",
    "#if (defined(__x86_64__) && defined(__LP64__)) || (defined(__x86_64__) && defined(__ILP32__))",
    "#if !(defined(__powerpc__) && !defined(__powerpc64__))",
    "__attribute__((__packed__))",
    "__extension__ __u32 z[0];",
    "__u16 m[2][3];",
    "__extension__ long long rest[][3];",
    "__u8 a[LAT_BYTES + 1];",
    "__u8 h[sizeof(struct lat_hdr) * 2 - 1];",
    "__u16 s[sizeof(long) / 2][LAT_WORDS % 3 + (1 << 2)];",
    "__u8 y[sizeof(__kernel_size_t) ^ 0x1];",
    "#define LAT_BYTES (LAT_WORDS * sizeof(__u32))",
    "const char *name;",
    "char *const p;",
    "const __u32 n;",
    "volatile __u16 v;",
    "const volatile __u8 cv[3];",
    "const void *const *pp;",
    "struct lat_nowhere *next;",
    "union lat_elsewhere *u;",
  ])
    t.true(h.includes(line), `header lacks: ${line}\n${h}`);
  // struct lat_hdr is complete before the length that takes its size.
  t.true(h.indexOf("struct lat_hdr {") < h.indexOf("sizeof(struct lat_hdr)"));
});

test("syscall forms: one argument per name per condition; no shim where members differ per ABI or are const", (t) => {
  const ifc = all.interfaces[0]!;
  const form = (name: string) =>
    deriveForm(
      ifc.commands.find((c) => c.spec.name === name)!,
      ifc,
    );
  const iphdr = form("LAT_SET_IPHDR");
  t.deepEqual(
    iphdr.args.map((a) => a.name),
    ["fd", "ihl", "version", "tos", "tot_len", "saddr"],
  );
  t.is(iphdr.noShim, undefined);
  t.regex(form("LAT_SET_WORD").noShim ?? "", /member pad exists only on some ABIs/);
  t.regex(form("LAT_SET_CONST").noShim ?? "", /const members/);
  const expr = form("LAT_SET_EXPR");
  t.is(expr.noShim, undefined);
  // A multi-dimensional array is passed through a pointer to its innermost element.
  t.is(expr.args.find((a) => a.field === "s")?.type, "__u16 *");
});

const files = produceFiles([all], [headerGenerator, assertsGenerator, shimGenerator]);
const dir = scratchDir("lat");
writeTree(dir, files);
const inc = path.join(dir, headerIncludeDir(all.interfaces[0]!));
const m32 = haveProgram("gcc") && cc("gcc", ["-m32", ...M32_ISYSTEM, "-fsyntax-only", "-xc", "/dev/null"], dir).ok;
// The shims include the C library's <string.h>: gcc -m32 can have the multilib compiler but no i386 libc headers.
writeFileSync(path.join(dir, "m32-libc-probe.c"), "#include <string.h>\n#include <stdint.h>\n");
const m32Libc = m32 && cc("gcc", ["-m32", ...M32_ISYSTEM, "-fsyntax-only", "m32-libc-probe.c"], dir).ok;

for (const [label, compiler, flags, usable] of [
  ["gcc -std=c90 -pedantic -Werror", "gcc", [...C90_FLAGS, "-xc"], haveProgram("gcc")],
  ["g++ -pedantic -Werror", "g++", [...CXX_FLAGS, "-xc++"], have("g++")],
  ["gcc -m32 -std=c90 -pedantic -Werror", "gcc", ["-m32", ...M32_ISYSTEM, ...C90_FLAGS, "-xc"], m32],
] as const) {
  const title = `the generated header compiles: ${label}`;
  if (!usable) {
    test.skip(`${title} (skipped: ${compiler}${label.includes("m32") ? " -m32" : ""} cannot compile here)`, () => {});
    continue;
  }
  test(title, (t) => {
    writeFileSync(path.join(dir, "tu.c"), "#include <linux/lat.h>\n");
    const r = cc(compiler, [...flags, "-I", inc, "tu.c"], dir);
    t.true(r.ok, r.output);
  });
}

for (const [abi, flags, usable] of [
  ["x86_64", ["-m64"], haveProgram("gcc")],
  ["i386", ["-m32", ...M32_ISYSTEM], m32Libc],
] as const) {
  const title = `the syscall shims compile against the header: gcc -std=c99 -Werror on ${abi}`;
  if (!usable) {
    const why = `gcc ${flags[0]} cannot compile <string.h> here (apt-get install gcc-12-multilib)`;
    test.skip(`${title} (skipped: ${why})`, () => {});
    continue;
  }
  test(title, (t) => {
    writeFileSync(path.join(dir, "shim.c"), '#include "shims/lat-syscall.h"\nint main(void) { return 0; }\n');
    const r = cc(
      "gcc",
      [...flags, "-std=c99", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", "-I", inc, "shim.c"],
      dir,
    );
    t.true(r.ok, r.output);
  });
}

for (const [abi, flags, usable] of [
  ["x86_64", ["-m64"], haveProgram("gcc")],
  ["i386", ["-m32", ...M32_ISYSTEM], m32],
] as const) {
  const title = `the asserts companion (the engine's numbers) compiles against the header: gcc on ${abi}`;
  if (!usable) {
    test.skip(`${title} (skipped: gcc ${flags[0]} cannot compile here)`, () => {});
    continue;
  }
  test(title, (t) => {
    const r = cc("gcc", [...flags, ...C11_FLAGS, "-I", inc, "asserts/lat.c"], dir);
    t.true(r.ok, r.output);
  });
}

const VERIFIED: AbiId[] = ["x86_64", "i386", "x32", "arm", "aarch64_be", "ppc", "s390x", "mips64", "m68k", "sparc"];
test(`uapi verify: the generated header == the engine on ${VERIFIED.join(", ")} (those with a compiler)`, async (t) => {
  const here = judges(ABIS.filter((a) => VERIFIED.includes(a.id)));
  const abis = here.filter((j) => j.compilers.length).map((j) => j.abi);
  if (!abis.length) return t.pass("no compiler for any of these ABIs here");
  const verdicts = await verifyLayouts(unitsOfModels([all]), abis);
  for (const v of verdicts) {
    t.log(`${v.abi}: ${v.status} (${v.runs.map((r) => r.compiler).join(" + ")})`);
    t.deepEqual(v.runs.flatMap((r) => r.mismatches).map(describeMismatch), [], v.abi);
    t.is(v.status, "verified", `${v.abi}: ${v.reason ?? ""}`);
  }
});

/* ---------------------------------------------------------------- codecs */

const CODEC_SPEC = `name: latc
doc: d
interfaces:
  - name: latc
    doc: d
    header: linux/latc.h
    structs:
      - name: lat_codec
        doc: d
        fields:
          - { name: n, type: const __u32 }
          - { name: v, type: volatile __u16 }
          - { name: m, type: __u8, array: [2, 3] }
          - { name: only64, type: __u32, when: { wordBits: 64 } }
          - { name: e, type: __u16, array: "sizeof(long) / 2" }
          - { name: w, type: __s16, array: [2, 2] }
`;
const CODEC_C = `
struct lat_codec {
	const unsigned int n;
	volatile unsigned short v;
	unsigned char m[2][3];
#if __SIZEOF_LONG__ == 8
	unsigned int only64;
#endif
	unsigned short e[sizeof(long) / 2];
	short w[2][2];
};
const struct lat_codec lat_value = {
	.n = 0x01020304, .v = 0x0506, .m = { { 1, 2, 3 }, { 4, 5, 6 } },
#if __SIZEOF_LONG__ == 8
	.only64 = 0x0a0b0c0d,
#endif
	.e = { 7, 8 }, .w = { { -1, 2 }, { -3, 4 } },
};
`;

for (const [abiId, flags, usable] of [
  ["x86_64", ["-m64"], haveProgram("gcc")],
  ["i386", ["-m32", ...M32_ISYSTEM], m32],
] as const) {
  const title = `codec: const, multi-dimensional, conditional and computed-length members give gcc's bytes on ${abiId}`;
  if (!usable) {
    test.skip(`${title} (skipped: gcc ${flags[0]} cannot compile here)`, () => {});
    continue;
  }
  test(title, (t) => {
    const model = loadSpecText("latc.yaml", CODEC_SPEC);
    const abi = abiById(abiId)!;
    const codec = compileCodec(model.interfaces[0]!.records[0]!, abi, model.interfaces[0]!);
    const longs = abi.wordBits / 16;
    const value = {
      n: 0x01020304,
      v: 0x0506,
      m: [Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5, 6)],
      ...(abi.wordBits === 64 ? { only64: 0x0a0b0c0d } : {}),
      e: [7, 8, ...Array<number>(longs - 2).fill(0)],
      w: [
        [-1, 2],
        [-3, 4],
      ],
    };
    const r = compileSource({
      compiler: "gcc",
      args: [...flags, "-std=gnu11", "-w", "-S", "-o", "-", "-xc"],
      source: `${CODEC_C}\n${CALIBRATION_SOURCE}\n`,
    });
    if (!r.ok) return t.fail(r.stderr);
    const want = dataReader(r.stdout, "little").bytes("lat_value");
    const got = codec.encode(value);
    t.deepEqual([...got], [...want], "encode");
    t.deepEqual(codec.decode(want), value, "decode");
  });
}

/* ------------------------------------------------------- located errors */

interface BadCase {
  title: string;
  yaml: string;
  /** The text on the line the error must point at. */
  at: string;
  message: RegExp;
}

const struct = (fields: string, extra = "") =>
  `${extra}    structs:\n      - name: lat_bad\n        doc: d\n        fields:\n${fields}`;

const BAD: BadCase[] = [
  {
    title: "an unknown name in a length",
    yaml: struct(`          - { name: a, type: __u8, array: "LAT_NOPE + 1" }\n`),
    at: "LAT_NOPE + 1",
    message: /'LAT_NOPE' is not a constant/,
  },
  {
    title: "a length that divides by zero on the ILP32 ABIs",
    yaml: struct(`          - { name: a, type: __u8, array: "8 / (sizeof(long) - 4)" }\n`),
    at: "8 / (sizeof(long) - 4)",
    message: /divides by zero on i386/,
  },
  {
    title: "a negative length",
    yaml: struct(`          - { name: a, type: __u8, array: "2 - 3" }\n`),
    at: '"2 - 3"',
    message: /is -1 on x86_64, a negative length/,
  },
  {
    title: "a length that wraps around in size_t arithmetic",
    yaml: struct(`          - { name: a, type: __u8, array: "sizeof(int) - 8" }\n`),
    at: "sizeof(int) - 8",
    message: /over the limit of 1048576 elements/,
  },
  {
    title: "a constant that is no integer constant expression",
    yaml: struct(
      `          - { name: a, type: __u8, array: LAT_CAST }\n`,
      `    constants:\n      - { name: LAT_CAST, value: "((__u64)-1)" }\n`,
    ),
    at: "array: LAT_CAST",
    message: /constant 'LAT_CAST' = '\(\(__u64\)-1\)' is no integer constant expression/,
  },
  {
    title: "a constant whose operators C would regroup where the length uses it",
    yaml: struct(
      `          - { name: a, type: __u8, array: "LAT_SUM * 3" }\n`,
      `    constants:\n      - { name: LAT_SUM, value: "2 + 2" }\n`,
    ),
    at: "LAT_SUM * 3",
    message: /constant 'LAT_SUM' = '2 \+ 2' is not in parentheses/,
  },
  {
    title: "constants defined in terms of each other",
    yaml: struct(
      `          - { name: a, type: __u8, array: LAT_A }\n`,
      `    constants:\n      - { name: LAT_A, value: "LAT_B + 1" }\n      - { name: LAT_B, value: "LAT_A" }\n`,
    ),
    at: "array: LAT_A",
    message: /defined in terms of itself/,
  },
  {
    title: "a length that ends too early",
    yaml: struct(`          - { name: a, type: __u8, array: "4 +" }\n`),
    at: '"4 +"',
    message: /ends too early/,
  },
  {
    title: "sizeof of an undeclared struct",
    yaml: struct(`          - { name: a, type: __u8, array: "sizeof(struct lat_nope)" }\n`),
    at: "sizeof(struct lat_nope)",
    message: /unknown type 'struct lat_nope'/,
  },
  {
    title: "a struct whose length takes its own size",
    yaml: struct(`          - { name: a, type: __u8, array: "sizeof(struct lat_bad)" }\n`),
    at: "- name: lat_bad",
    message: /recursive struct definition: struct lat_bad -> struct lat_bad/,
  },
  {
    title: "a condition that holds on no ABI",
    yaml: struct(`          - { name: a, type: __u8, when: { byteOrder: big, abi: [x86_64] } }\n`),
    at: "when: { byteOrder: big",
    message: /exists on no ABI: its condition \(big-endian ABIs among x86_64\) holds on none/,
  },
  {
    title: "one name twice where both conditions hold",
    yaml: struct(
      `          - { name: a, type: __u8, when: { wordBits: 64 } }\n` +
        `          - { name: a, type: __u16, when: { notAbi: [i386] } }\n`,
    ),
    at: "name: a, type: __u16",
    message: /duplicate field name 'a' on x86_64, aarch64, aarch64_be, mips64, \.\.\. /,
  },
  {
    title: "an ABI the table does not have",
    yaml: struct(`          - { name: a, type: __u8, when: { abi: [vax] } }\n`),
    at: "abi: [vax]",
    message: /not allowed|must be equal to one of/,
  },
  {
    title: "a flexible second dimension",
    yaml: struct(`          - { name: a, type: __u8, array: [2, flexible] }\n`),
    at: "array: [2, flexible]",
    message: /only the first dimension of an array can be flexible/,
  },
  {
    title: "an anonymous struct member that is an array",
    yaml: struct(
      `          - { name: b, type: __u8 }\n` +
        `          - { type: { kind: struct, fields: [ { name: a, type: __u8 } ] }, array: 2 }\n`,
    ),
    at: "array: 2 }",
    message: /anonymous struct or union member cannot be an array/,
  },
  {
    title: "a pointer to a struct whose tag names an enum",
    yaml: struct(
      `          - { name: a, type: struct lat_e * }\n`,
      `    enums:\n      - { name: lat_e, doc: d, values: [ { name: LAT_E0, value: 0 } ] }\n`,
    ),
    at: "type: struct lat_e *",
    message: /'lat_e' is an enum, not a struct/,
  },
];

for (const b of BAD) {
  test(`located load error: ${b.title}`, (t) => {
    const text = `name: lat\ndoc: d\ninterfaces:\n  - name: lat\n    doc: d\n    header: linux/lat.h\n${b.yaml}`;
    const line = text.split("\n").findIndex((l) => l.includes(b.at)) + 1;
    t.true(line > 0, `the case's marker is in its text: ${b.at}`);
    const err = t.throws(() => loadSpecText("bad.yaml", text), { instanceOf: SpecInputError });
    const hit = err?.errors.find((e) => b.message.test(e.message));
    t.truthy(hit, `no error matching ${b.message}: ${err?.message}`);
    t.is(hit?.loc.file, "bad.yaml");
    t.is(hit?.loc.line, line, `${hit?.message} is at line ${hit?.loc.line}, not ${line}`);
    t.true((hit?.loc.col ?? 0) >= 1);
    t.true((hit?.hint ?? "").length > 0, "a hint");
  });
}

test("the CLI reports a bad length at file:line:col with its hint, exit 2, nothing written", (t) => {
  const d = scratchDir("lat-cli");
  const file = path.join(d, "bad.yaml");
  const yaml = struct(`          - { name: a, type: __u8, array: "8 / (sizeof(long) - 4)" }\n`);
  writeFileSync(file, `name: lat\ndoc: d\ninterfaces:\n  - name: lat\n    doc: d\n    header: linux/lat.h\n${yaml}`);
  const r = spawnSync(
    process.execPath,
    [path.resolve("dist/cli/main.js"), "generate", file, "--out", path.join(d, "out")],
    { encoding: "utf8" },
  );
  t.is(r.status, 2, r.stderr);
  const line =
    readFileSync(file, "utf8")
      .split("\n")
      .findIndex((l) => l.includes("sizeof(long) - 4")) + 1;
  t.regex(
    r.stderr,
    new RegExp(`bad\\.yaml:${line}:\\d+: .*array length '8 / \\(sizeof\\(long\\) - 4\\)' divides by zero on i386`),
  );
  t.regex(r.stderr, /never 0/);
  t.false(existsSync(path.join(d, "out")), "nothing written");
});
