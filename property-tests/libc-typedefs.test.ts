/*
 * The ABI table's kernel and C library typedefs (spec/abis.ts) against each target's own headers
 * (verify/sysroots.ts, verify/libc-types.ts).  Expected values come from the compilers: besides
 * checkTypedefs' reading of the assembly, every figure is put to the same GCC with the same
 * sysroot as `_Static_assert(sizeof(T) == n)` / `offsetof`, and the compiler's verdict decides.
 * An ABI whose compiler or sysroot is missing here is skipped, with the reason.
 */
import test from "ava";
import { gccCannotCompile } from "../verify/backends.js";
import { readFileSync } from "node:fs";
import path from "node:path";

import type { AbiEntry, AbiId, SizeAlign, TypedefName } from "../spec/abi.js";
import { ABIS, TYPEDEF_NAMES, abiById } from "../spec/abis.js";
import { REPO_ROOT } from "../core/paths.js";
import { scalarByName } from "../core/scalars.js";
import { compilersFor } from "../verify/compilers.js";
import { checkTypedefs, type TypedefVerdict } from "../verify/libc-types.js";
import { SYSROOTS, SYSROOT_PACKAGES, sysrootFor } from "../verify/sysroots.js";
import { compileSource, haveProgram } from "../verify/system-cc.js";

/* ---------------- the compiler as the judge ---------------- */

const HEADERS = ["stddef.h", "sys/types.h", "sys/time.h", "time.h", "linux/types.h", "linux/posix_types.h"];

/**
 * Ask the ABI's GCC, with its sysroot's headers, whether each typedef has the given size and
 * in-struct alignment.  Returns the claims it rejects (empty: all hold).
 */
function rejectedByCompiler(abiId: AbiId, claims: Partial<Record<TypedefName, SizeAlign>>): string[] {
  const gcc = compilersFor(abiId).gcc!;
  const sysroot = sysrootFor(abiId)!;
  const entries = Object.entries(claims) as [TypedefName, SizeAlign][];
  const source = [
    ...HEADERS.map((h) => `#include <${h}>`),
    ...entries.flatMap(([name, { size, align }], i) => [
      `struct judge${i} { char c; ${name} x; };`,
      `_Static_assert(sizeof(${name}) == ${size}, "claim ${name} size ${size}");`,
      `_Static_assert(offsetof(struct judge${i}, x) == ${align}, "claim ${name} align ${align}");`,
    ]),
    "",
  ].join("\n");
  const r = compileSource({ compiler: gcc.command, args: [...gcc.flags, ...sysroot.flags, "-fsyntax-only"], source });
  if (r.ok) return [];
  const rejected = [...r.stderr.matchAll(/claim (\S+ \S+ \d+)/g)].map((m) => m[1]!);
  // A failure that is no rejected claim is a broken judge, never a pass.
  return rejected.length > 0 ? rejected : [`compile failed: ${r.stderr.trim().split("\n")[0]}`];
}

/** The row with some typedef facts replaced (a deliberately wrong row). */
function withFacts(abi: AbiEntry, wrong: Partial<Record<TypedefName, SizeAlign>>): AbiEntry {
  const facts = { ...abi.typedefs.facts };
  for (const [name, sa] of Object.entries(wrong) as [TypedefName, SizeAlign][]) {
    facts[name] = { ...sa, source: "deliberately wrong (test)" };
  }
  return { ...abi, typedefs: { ...abi.typedefs, facts } };
}

const mustAbi = (id: AbiId): AbiEntry => {
  const a = abiById(id);
  if (!a) throw new Error(`no ABI row ${id}`);
  return a;
};

/** The row's typedef figures without their sources. */
function factsOf(abi: AbiEntry): Record<TypedefName, SizeAlign> {
  const out = {} as Record<TypedefName, SizeAlign>;
  for (const n of TYPEDEF_NAMES) out[n] = { size: abi.typedefs.facts[n].size, align: abi.typedefs.facts[n].align };
  return out;
}

/* ---------------- (a) every ABI with a sysroot here agrees with the table ---------------- */

// Decided at load, so a missing compiler or sysroot is a skip that names what is missing.
const VERDICTS = new Map<AbiId, TypedefVerdict>(ABIS.map((a) => [a.id, checkTypedefs(a)]));

for (const abi of ABIS) {
  const v = VERDICTS.get(abi.id)!;
  if (v.status === "table-only") {
    test.skip(`${abi.id}: typedefs == its sysroot's (skipped: ${v.reason})`, () => {});
    continue;
  }
  test(`${abi.id}: typedefs == its sysroot's (${v.compiler}; ${v.packages.join(", ")})`, (t) => {
    t.deepEqual(v.mismatches, [], `${abi.id}: the table disagrees with ${v.packages.join(", ")}`);
    t.deepEqual(Object.keys(v.measured), [...TYPEDEF_NAMES]);
    // (c) The compiler itself accepts every figure of the row, with no reader in between.
    t.deepEqual(rejectedByCompiler(abi.id, factsOf(abi)), [], `${abi.id}: ${v.compiler} rejects the table's figures`);
  });
}

/* ---------------- (b) deliberately wrong rows are reported ---------------- */

const WRONG: { abi: AbiId; why: string; wrong: Partial<Record<TypedefName, SizeAlign>> }[] = [
  { abi: "arm", why: "a 64-bit kernel time_t on arm", wrong: { __kernel_time_t: { size: 8, align: 8 } } },
  { abi: "arc", why: "glibc arc's time_t taken for the kernel's 4 bytes", wrong: { time_t: { size: 4, align: 4 } } },
  {
    abi: "x32",
    why: "x32's __kernel_long_t taken for its 4-byte long",
    wrong: { __kernel_long_t: { size: 4, align: 4 } },
  },
  {
    abi: "sparc64",
    why: "sparc64's suseconds_t taken for a long",
    wrong: { __kernel_suseconds_t: { size: 8, align: 8 }, suseconds_t: { size: 8, align: 8 } },
  },
  { abi: "m68k", why: "an off_t 4-aligned on m68k", wrong: { off_t: { size: 4, align: 4 } } },
];

for (const { abi: id, why, wrong } of WRONG) {
  const abi = mustAbi(id);
  const right = VERDICTS.get(id)!;
  if (right.status === "table-only") {
    test.skip(`a wrong ${id} row is reported: ${why} (skipped: ${right.reason})`, () => {});
    continue;
  }
  test(`a wrong ${id} row is reported: ${why}`, (t) => {
    const v = checkTypedefs(withFacts(abi, wrong));
    if (v.status !== "checked") return t.fail(`${id}: ${v.reason}`);
    t.deepEqual(v.mismatches.map((m) => m.typedef).sort(), Object.keys(wrong).sort());
    for (const m of v.mismatches) {
      t.deepEqual(m.table, wrong[m.typedef]);
      // (c) What checkTypedefs reports as the sysroot's figure is what the compiler accepts, and the
      // wrong figure is what it rejects.
      const what = `${id} ${m.typedef}`;
      const reported = { [m.typedef]: m.sysroot };
      t.deepEqual(rejectedByCompiler(id, reported), [], `${what}: reported ${JSON.stringify(m.sysroot)}`);
      const claimed = { [m.typedef]: m.table };
      t.true(rejectedByCompiler(id, claimed).length > 0, `${what}: the compiler accepts the wrong figure`);
    }
  });
}

/* ---------------- the capability probe says what is missing ---------------- */

test("an ABI with no GCC here is table-only, naming the missing compiler", (t) => {
  const v = checkTypedefs(mustAbi("aarch64"));
  t.is(v.status, "table-only");
  if (v.status === "table-only") t.regex(v.reason, /^no cross compiler for aarch64 here: .*no GCC/);
});

test("a GCC that is not installed gives table-only, naming it", (t) => {
  const v = checkTypedefs(mustAbi("arm"), { gcc: { command: "uapi-workbench-no-such-gcc", flags: [] } });
  t.is(v.status, "table-only");
  if (v.status === "table-only") t.regex(v.reason, /^no cross compiler for arm here: uapi-workbench-no-such-gcc /);
});

test("an ABI with no sysroot row is table-only, naming the missing sysroot", (t) => {
  const v = checkTypedefs(mustAbi("arm"), { sysroot: null });
  t.is(v.status, "table-only");
  if (v.status === "table-only") t.regex(v.reason, /^no sysroot for arm here/);
});

const armUsable = VERDICTS.get("arm")!.status === "checked";
(armUsable ? test : test.skip)(
  `headers read from outside the sysroot do not count${armUsable ? "" : " (skipped: no arm sysroot here)"}`,
  (t) => {
    const real = sysrootFor("arm")!;
    const elsewhere = { ...real, includeDirs: [path.join(REPO_ROOT, "no-such-sysroot")] };
    const v = checkTypedefs(mustAbi("arm"), { sysroot: elsewhere });
    t.is(v.status, "table-only");
    if (v.status === "table-only") {
      t.regex(v.reason, /^no sysroot for arm here: .* read \/.*, outside .*apt-get install libc6-dev-armel-cross/);
    }
  },
);

const m32Why = haveProgram("gcc") ? gccCannotCompile({ command: "gcc", flags: ["-m32"] }) : "no gcc";
const m32Title = `gcc -m32 without the i386 sysroot is table-only${m32Why ? ` (skipped: ${m32Why})` : ""}`;
(m32Why ? test.skip : test)(m32Title, (t) => {
  // Plain `gcc -m32` does not search /usr/include/x86_64-linux-gnu, where the host's asm/ headers are.
  const v = checkTypedefs(mustAbi("i386"), { sysroot: { ...sysrootFor("i386")!, flags: [] } });
  t.is(v.status, "table-only");
  if (v.status === "table-only") t.regex(v.reason, /^no sysroot for i386 here: gcc -m32 /);
});

/* ---------------- the table's typedef facts, self-consistent (pure) ---------------- */

test("every row has every typedef fact, each with a plausible figure and a source", (t) => {
  for (const a of ABIS) {
    t.deepEqual(Object.keys(a.typedefs.facts).sort(), [...TYPEDEF_NAMES].sort(), a.id);
    t.true(a.typedefs.source.length > 0, `${a.id} typedefs.source`);
    for (const n of TYPEDEF_NAMES) {
      const f = a.typedefs.facts[n];
      t.true([4, 8].includes(f.size), `${a.id} ${n} size ${f.size}`);
      t.true(f.align >= 1 && f.align <= f.size && (f.align & (f.align - 1)) === 0, `${a.id} ${n} align ${f.align}`);
      t.true(f.source.length > 0, `${a.id} ${n} source`);
    }
  }
});

// generators/header.ts spells these spec scalars as the kernel's typedefs; the engine lays them out by class.
const KERNEL_SPELLING: [string, TypedefName][] = [
  ["time_t", "__kernel_time_t"],
  ["size_t", "__kernel_size_t"],
  ["ssize_t", "__kernel_ssize_t"],
];

test("the layout engine's scalar classes are the kernel typedefs the headers spell", (t) => {
  for (const a of ABIS) {
    for (const [spelling, typedef] of KERNEL_SPELLING) {
      const cls = scalarByName(spelling)!.cls;
      const { size, align } = a.typedefs.facts[typedef];
      t.deepEqual(a.scalars[cls], { size, align }, `${a.id}: ${spelling} (class ${cls}) vs ${typedef}`);
    }
    t.deepEqual(a.scalars.time_t, factsOf(a).__kernel_time_t, `${a.id}: the time_t class is __kernel_time_t`);
  }
});

test("kernel and C library facts hang together", (t) => {
  for (const a of ABIS) {
    const f = factsOf(a);
    t.deepEqual(f.__kernel_ulong_t, f.__kernel_long_t, `${a.id} __kernel_ulong_t`);
    t.deepEqual(f.__kernel_time_t, f.__kernel_long_t, `${a.id} __kernel_time_t`);
    t.deepEqual(f.__kernel_off_t, f.__kernel_long_t, `${a.id} __kernel_off_t`);
    t.deepEqual(f.size_t, f.__kernel_size_t, `${a.id} size_t`);
    t.deepEqual(f.ssize_t, f.__kernel_ssize_t, `${a.id} ssize_t`);
    t.deepEqual(f.__kernel_size_t, a.scalars.long, `${a.id} __kernel_size_t is long-sized`);
    // A C library whose time_t is not the kernel's has 64-bit time: time_t, off_t, suseconds_t are long long.
    if (f.time_t.size !== f.__kernel_time_t.size) {
      for (const n of ["time_t", "off_t", "suseconds_t"] as const) t.deepEqual(f[n], a.scalars.llong, `${a.id} ${n}`);
    }
  }
});

test("every sysroot belongs to an ABI with a GCC, and every ABI with a GCC has a sysroot", (t) => {
  for (const s of SYSROOTS) {
    t.truthy(compilersFor(s.abi).gcc, `${s.abi}: a sysroot but no GCC in verify/compilers.ts`);
    t.true(s.packages.length >= 2 && s.includeDirs.length >= 1, `${s.abi}: packages and include dirs`);
    // The table names the packages its facts are compiled against.
    const named = mustAbi(s.abi).typedefs.source;
    for (const p of s.packages) t.true(named.includes(p), `${s.abi}: typedefs.source names ${p}`);
  }
  for (const a of ABIS) if (compilersFor(a.id).gcc) t.truthy(sysrootFor(a.id), `${a.id}: a GCC but no sysroot row`);
});

test(".ci/run installs every sysroot package", (t) => {
  const script = readFileSync(path.join(REPO_ROOT, ".ci/run"), "utf8").replace(/\\\n/g, " ");
  const installed = new Set(
    script
      .split("\n")
      .filter((l) => /apt-get install/.test(l))
      .flatMap((l) => l.split(/\s+/)),
  );
  for (const p of SYSROOT_PACKAGES) t.true(installed.has(p), `.ci/run does not install ${p}`);
});
