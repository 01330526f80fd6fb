/*
 * The ABI table's kernel and C library typedefs (spec/abis.ts) against each target's own headers
 * (verify/sysroots.ts, verify/libc-types.ts).  Expected values come from the compilers: besides
 * checkTypedefs' reading of the assembly, every figure is put to the same GCC with the same
 * sysroot as `_Static_assert(sizeof(T) == n)` / `offsetof` / `(T)-1 < 0`, and the compiler's
 * verdict decides.  Specs that name the typedefs as member types are laid out, encoded, checked
 * and turned into headers, and judged by the same compilers with the real kernel headers (real
 * kernel structs too: struct ipc_perm, shmid_ds, sockaddr_un).  An ABI whose compiler or sysroot
 * is missing here is skipped, with the reason.
 */
import test from "ava";
import { gccCannotCompile, yowaspInstalled } from "../verify/backends.js";
import { readFileSync } from "node:fs";
import path from "node:path";

import type { AbiEntry, AbiId, SizeAlign, TypedefName } from "../spec/abi.js";
import { ABIS, KERNEL_TYPEDEF_NAMES, TYPEDEF_BASES, TYPEDEF_NAMES, abiById } from "../spec/abis.js";
import { REPO_ROOT } from "../core/paths.js";
import { scalarByName } from "../core/scalars.js";
import { layoutRecord, type RecordLayout } from "../core/layout.js";
import type { RecordType, SpecModel } from "../core/model.js";
import { runChecks } from "../core/checks/index.js";
import { loadSpecText } from "../spec/load.js";
import { headerIncludeDir, headerOutputPath, renderHeader } from "../generators/header.js";
import { compileCodec } from "../generators/codec-compile.js";
import { CALIBRATION_SOURCE, dataReader } from "../verify/asm-data.js";
import { compilersFor } from "../verify/compilers.js";
import { checkTypedefs, type TypedefVerdict } from "../verify/libc-types.js";
import { SYSROOTS, SYSROOT_PACKAGES, sysrootFor } from "../verify/sysroots.js";
import { compileSource, haveProgram } from "../verify/system-cc.js";
import { unitsOfModels, verifyLayouts } from "../verify/verify.js";

/** Size, in-struct alignment and signedness: what the compiler is asked about a typedef. */
type Figures = SizeAlign & { signed: boolean };

/* ---------------- the compiler as the judge ---------------- */

// The headers that declare the typedefs: the C library's, then the kernel's (linux/socket.h: __kernel_sa_family_t,
// linux/fs.h: __kernel_rwf_t; linux/types.h brings in linux/posix_types.h and asm/posix_types.h).
const HEADERS = [
  "stddef.h",
  "sys/types.h",
  "sys/time.h",
  "time.h",
  "linux/types.h",
  "linux/posix_types.h",
  "linux/socket.h",
  "linux/fs.h",
];

/** The ABI's GCC command line with its sysroot (only for ABIs whose verdict is "checked"). */
function gccFor(abiId: AbiId): { command: string; flags: string[] } {
  const gcc = compilersFor(abiId).gcc!;
  return { command: gcc.command, flags: [...gcc.flags, ...sysrootFor(abiId)!.flags] };
}

/**
 * Ask the ABI's GCC, with its sysroot's headers, whether each typedef has the given size, in-struct
 * alignment and signedness.  Returns the claims it rejects (empty: all hold).
 */
function rejectedByCompiler(abiId: AbiId, claims: Partial<Record<TypedefName, Partial<Figures>>>): string[] {
  const gcc = gccFor(abiId);
  const entries = Object.entries(claims) as [TypedefName, Partial<Figures>][];
  const source = [
    ...HEADERS.map((h) => `#include <${h}>`),
    ...entries.flatMap(([name, { size, align, signed }], i) => [
      `struct judge${i} { char c; ${name} x; };`,
      ...(size === undefined ? [] : [`_Static_assert(sizeof(${name}) == ${size}, "claim ${name} size ${size}");`]),
      ...(align === undefined
        ? []
        : [`_Static_assert(offsetof(struct judge${i}, x) == ${align}, "claim ${name} align ${align}");`]),
      ...(signed === undefined
        ? []
        : [`_Static_assert(((${name})-1 < (${name})0) == ${+signed}, "claim ${name} signed ${+signed}");`]),
    ]),
    "",
  ].join("\n");
  const r = compileSource({ compiler: gcc.command, args: [...gcc.flags, "-fsyntax-only"], source });
  if (r.ok) return [];
  const rejected = [...r.stderr.matchAll(/claim (\S+ \S+ \d+)/g)].map((m) => m[1]!);
  // A failure that is no rejected claim is a broken judge, never a pass.
  return rejected.length > 0 ? rejected : [`compile failed: ${r.stderr.trim().split("\n")[0]}`];
}

/** The row with some typedef facts replaced (a deliberately wrong row). */
function withFacts(abi: AbiEntry, wrong: Partial<Record<TypedefName, Partial<Figures>>>): AbiEntry {
  const facts = { ...abi.typedefs.facts };
  for (const [name, f] of Object.entries(wrong) as [TypedefName, Partial<Figures>][]) {
    facts[name] = { ...facts[name], ...f, source: "deliberately wrong (test)" };
  }
  return { ...abi, typedefs: { ...abi.typedefs, facts } };
}

const mustAbi = (id: AbiId): AbiEntry => {
  const a = abiById(id);
  if (!a) throw new Error(`no ABI row ${id}`);
  return a;
};

/** The row's typedef figures without their sources. */
function factsOf(abi: AbiEntry): Record<TypedefName, Figures> {
  const out = {} as Record<TypedefName, Figures>;
  for (const n of TYPEDEF_NAMES) {
    const { size, align, signed } = abi.typedefs.facts[n];
    out[n] = { size, align, signed };
  }
  return out;
}

/* ---------------- (a) every ABI with a sysroot here agrees with the table ---------------- */

// Decided at load, so a missing compiler or sysroot is a skip that names what is missing.
const haveYowasp = await yowaspInstalled();
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

const WRONG: { abi: AbiId; why: string; wrong: Partial<Record<TypedefName, Partial<Figures>>> }[] = [
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
  {
    abi: "i386",
    why: "asm-generic's unsigned int mode_t taken for x86-32's unsigned short",
    wrong: { __kernel_mode_t: { size: 4, align: 4 } },
  },
  {
    abi: "x86_64",
    why: "x86-64's 16-bit old uid and gid taken for asm-generic's 32 bits",
    wrong: { __kernel_old_uid_t: { size: 4, align: 4 }, __kernel_old_gid_t: { size: 4, align: 4 } },
  },
  {
    abi: "ppc",
    why: "powerpc32's signed short ipc pid taken for the unsigned short of the other 32-bit ABIs",
    wrong: { __kernel_ipc_pid_t: { signed: false } },
  },
  {
    abi: "s390x",
    why: "s390x's unsigned int ino_t taken for asm-generic's unsigned long",
    wrong: { __kernel_ino_t: { size: 8, align: 8 } },
  },
  { abi: "sh", why: "a signed 16-bit uid on sh", wrong: { __kernel_uid_t: { signed: true } } },
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
      t.deepEqual(m.table, { ...factsOf(abi)[m.typedef], ...wrong[m.typedef] });
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
      t.true([2, 4, 8].includes(f.size), `${a.id} ${n} size ${f.size}`);
      t.true(f.align >= 1 && f.align <= f.size && (f.align & (f.align - 1)) === 0, `${a.id} ${n} align ${f.align}`);
      t.is(typeof f.signed, "boolean", `${a.id} ${n} signed`);
      t.true(Object.hasOwn(TYPEDEF_BASES, f.type), `${a.id} ${n} type ${f.type}`);
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

/** Size and alignment only. */
const sa = ({ size, align }: SizeAlign): SizeAlign => ({ size, align });

test("the layout engine's scalar classes are the kernel typedefs the headers spell", (t) => {
  for (const a of ABIS) {
    for (const [spelling, typedef] of KERNEL_SPELLING) {
      const cls = scalarByName(spelling)!.cls;
      const { size, align } = a.typedefs.facts[typedef];
      t.deepEqual(a.scalars[cls], { size, align }, `${a.id}: ${spelling} (class ${cls}) vs ${typedef}`);
    }
    t.deepEqual(a.scalars.time_t, sa(factsOf(a).__kernel_time_t), `${a.id}: the time_t class is __kernel_time_t`);
  }
});

test("kernel and C library facts hang together", (t) => {
  for (const a of ABIS) {
    const f = Object.fromEntries(Object.entries(factsOf(a)).map(([n, x]) => [n, sa(x)])) as Record<
      TypedefName,
      SizeAlign
    >;
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

/* ---------------- specs that name the kernel typedefs ---------------- */

// The typedefs the kernel's uapi headers declare for user space to use in its structs, as this test reads them from
// include/uapi/asm-generic/posix_types.h, linux/posix_types.h, linux/types.h, linux/socket.h and linux/fs.h.
const KERNEL_TYPEDEFS = [
  "__kernel_long_t",
  "__kernel_ulong_t",
  "__kernel_ino_t",
  "__kernel_mode_t",
  "__kernel_pid_t",
  "__kernel_ipc_pid_t",
  "__kernel_uid_t",
  "__kernel_gid_t",
  "__kernel_suseconds_t",
  "__kernel_daddr_t",
  "__kernel_uid32_t",
  "__kernel_gid32_t",
  "__kernel_old_uid_t",
  "__kernel_old_gid_t",
  "__kernel_old_dev_t",
  "__kernel_size_t",
  "__kernel_ssize_t",
  "__kernel_ptrdiff_t",
  "__kernel_off_t",
  "__kernel_loff_t",
  "__kernel_old_time_t",
  "__kernel_time_t",
  "__kernel_time64_t",
  "__kernel_clock_t",
  "__kernel_timer_t",
  "__kernel_clockid_t",
  "__kernel_caddr_t",
  "__kernel_uid16_t",
  "__kernel_gid16_t",
  "__kernel_key_t",
  "__kernel_mqd_t",
  "__sum16",
  "__wsum",
  "__poll_t",
  "__kernel_sa_family_t",
  "__kernel_rwf_t",
];
/** The one that is a pointer (`typedef char * __kernel_caddr_t`). */
const POINTER_TYPEDEF = "__kernel_caddr_t";

test("every kernel typedef is in the table and is a scalar a spec may name", (t) => {
  t.deepEqual([...KERNEL_TYPEDEF_NAMES].sort(), [...KERNEL_TYPEDEFS].sort());
  for (const n of KERNEL_TYPEDEFS) t.is(scalarByName(n)?.typedef as string | undefined, n, n);
});

const field = (name: string, type: string, extra: object = {}) => ({ name, type, ...extra });

/**
 * kt_all: every typedef after a byte (so each lands at its own alignment); kt_mix: a struct as a driver might
 * write it; k_*: the kernel's own struct ipc_perm (linux/ipc.h), shmid_ds (linux/shm.h) and sockaddr_un
 * (linux/un.h) as a spec describes them.
 */
const SPEC = {
  name: "kt",
  doc: "The kernel's uapi typedefs as member types.",
  interfaces: [
    {
      name: "kt",
      doc: "Kernel typedefs.",
      header: "linux/kt_probe.h",
      structs: [
        {
          name: "kt_all",
          doc: "Every kernel typedef after a byte.",
          fields: KERNEL_TYPEDEFS.flatMap((n, i) => [field(`c${i}`, "__u8"), field(`m${i}`, n)]),
        },
        {
          name: "kt_mix",
          doc: "A struct as a driver might write it.",
          fields: [
            field("tag", "__u8"),
            field("mode", "__kernel_mode_t"),
            field("uid", "__kernel_uid_t"),
            field("when", "__kernel_old_time_t"),
            field("events", "__poll_t"),
            field("family", "__kernel_sa_family_t"),
            field("pos", "__kernel_loff_t"),
          ],
        },
        {
          name: "k_ipc_perm",
          doc: "struct ipc_perm of include/uapi/linux/ipc.h.",
          fields: [
            field("key", "__kernel_key_t"),
            field("uid", "__kernel_uid_t"),
            field("gid", "__kernel_gid_t"),
            field("cuid", "__kernel_uid_t"),
            field("cgid", "__kernel_gid_t"),
            field("mode", "__kernel_mode_t"),
            field("seq", "unsigned short"),
          ],
        },
        {
          name: "k_shmid_ds",
          doc: "struct shmid_ds of include/uapi/linux/shm.h.",
          fields: [
            field("shm_perm", "struct k_ipc_perm"),
            field("shm_segsz", "int"),
            field("shm_atime", "__kernel_old_time_t"),
            field("shm_dtime", "__kernel_old_time_t"),
            field("shm_ctime", "__kernel_old_time_t"),
            field("shm_cpid", "__kernel_ipc_pid_t"),
            field("shm_lpid", "__kernel_ipc_pid_t"),
            field("shm_nattch", "unsigned short"),
            field("shm_unused", "unsigned short"),
            field("shm_unused2", "void *"),
            field("shm_unused3", "void *"),
          ],
        },
        {
          name: "k_sockaddr_un",
          doc: "struct sockaddr_un of include/uapi/linux/un.h.",
          fields: [field("sun_family", "__kernel_sa_family_t"), field("sun_path", "char", { array: 108 })],
        },
      ],
    },
  ],
};

const MODEL: SpecModel = loadSpecText("kt.json", JSON.stringify(SPEC));
const recordOf = (tag: string): RecordType => MODEL.interfaces[0]!.records.find((r) => r.tag === tag)!;

/** The kernel's own structs the spec describes: spec tag -> the tag in the real header. */
const REAL: [string, string][] = [
  ["k_ipc_perm", "ipc_perm"],
  ["k_shmid_ds", "shmid_ds"],
  ["k_sockaddr_un", "sockaddr_un"],
];

/** The test's own C for kt_all and kt_mix (not the generator's), and the real headers for the rest. */
const REAL_HEADERS = ["linux/ipc.h", "linux/shm.h", "linux/un.h"];
const C_DECLARATIONS = [
  ...[...HEADERS, ...REAL_HEADERS].map((h) => `#include <${h}>`),
  `struct kt_all { ${KERNEL_TYPEDEFS.map((n, i) => `__u8 c${i}; ${n} m${i};`).join(" ")} };`,
  "struct kt_mix { __u8 tag; __kernel_mode_t mode; __kernel_uid_t uid; __kernel_old_time_t when; __poll_t events; " +
    "__kernel_sa_family_t family; __kernel_loff_t pos; };",
];

/** `_Static_assert`s that the C struct `tag` has the engine's size, in-struct alignment and member offsets. */
function layoutClaims(layout: RecordLayout, tag: string): string[] {
  const claim = (cond: string, what: string) => `_Static_assert(${cond}, "claim ${tag}${what}");`;
  return [
    claim(`sizeof(struct ${tag}) == ${layout.size}`, ` size ${layout.size}`),
    `struct align_${tag} { char c; struct ${tag} x; };`,
    claim(`offsetof(struct align_${tag}, x) == ${layout.align}`, ` align ${layout.align}`),
    ...layout.members.map((m) =>
      claim(`offsetof(struct ${tag}, ${m.field.name}) == ${m.offset}`, `.${m.field.name} offset ${m.offset}`),
    ),
  ];
}

/** The engine's layouts on `abi`, put to the ABI's GCC with the real kernel headers: the claims it rejects. */
function layoutRejected(abi: AbiEntry): string[] {
  const gcc = gccFor(abi.id);
  const claims = [
    ...layoutClaims(layoutRecord(recordOf("kt_all"), abi), "kt_all"),
    ...layoutClaims(layoutRecord(recordOf("kt_mix"), abi), "kt_mix"),
    ...REAL.flatMap(([spec, real]) => layoutClaims(layoutRecord(recordOf(spec), abi), real)),
  ];
  const source = [...C_DECLARATIONS, ...claims, ""].join("\n");
  const r = compileSource({ compiler: gcc.command, args: [...gcc.flags, "-fsyntax-only"], source });
  if (r.ok) return [];
  const rejected = [...r.stderr.matchAll(/claim (\S+ \S+ \d+)/g)].map((m) => m[1]!);
  return rejected.length > 0 ? rejected : [`compile failed: ${r.stderr.trim().split("\n")[0]}`];
}

const skipReason = (a: AbiEntry) => {
  const v = VERDICTS.get(a.id)!;
  return v.status === "table-only" ? v.reason : "";
};

for (const abi of ABIS) {
  const why = skipReason(abi);
  const title = `${abi.id}: kernel typedef structs, the kernel's ipc_perm, shmid_ds, sockaddr_un laid out as gcc does`;
  if (why) {
    test.skip(`${title} (skipped: ${why})`, () => {});
    continue;
  }
  test(`${title} (${[gccFor(abi.id).command, ...gccFor(abi.id).flags].join(" ")})`, (t) => {
    t.deepEqual(layoutRejected(abi), [], `${abi.id}: the compiler rejects the engine's layout`);
  });
}

const i386Why = skipReason(mustAbi("i386"));
(i386Why ? test.skip : test)(
  `a row wrong about __kernel_mode_t gives layouts the compiler rejects${i386Why ? ` (skipped: ${i386Why})` : ""}`,
  (t) => {
    // asm-generic's unsigned int in place of x86-32's unsigned short: ipc_perm's mode and seq move.
    const wrong = withFacts(mustAbi("i386"), {
      __kernel_mode_t: { size: 4, align: 4 },
    });
    const rejected = layoutRejected(wrong);
    t.true(
      rejected.some((c) => c.startsWith("ipc_perm.seq offset")),
      rejected.join("; "),
    );
    t.true(
      rejected.some((c) => c.startsWith("kt_mix.uid offset")),
      rejected.join("; "),
    );
  },
);

/** The unsigned long long values of an array read back from the assembly. */
function u64s(bytes: Uint8Array, endian: "little" | "big"): bigint[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.length / 8 }, (_, i) => view.getBigUint64(8 * i, endian === "little"));
}

for (const abi of ABIS) {
  const why = skipReason(abi);
  const title = `${abi.id}: the codec reads and writes kernel typedef members as gcc stores them`;
  if (why) {
    test.skip(`${title} (skipped: ${why})`, () => {});
    continue;
  }
  test(title, (t) => {
    const gcc = gccFor(abi.id);
    // Every member all ones, every marker byte its index: signedness, size and byte order show in the bytes.
    const init = KERNEL_TYPEDEFS.map((n, i) => `.c${i} = ${i + 1}, .m${i} = (${n})-1`).join(", ");
    // What each member holds, as the compiler converts it (all ones of its size, or -1 when signed); for the
    // pointer, its size.
    const ones = KERNEL_TYPEDEFS.map((n) =>
      n === POINTER_TYPEDEF ? `sizeof(${n})` : `(unsigned long long)(${n})-1`,
    ).join(", ");
    const signs = KERNEL_TYPEDEFS.map((n) => `(${n})-1 < (${n})0`).join(", ");
    const source = [
      ...C_DECLARATIONS,
      // Tells the reader which data directive is which size on this target (verify/asm-data.ts).
      CALIBRATION_SOURCE,
      `const struct kt_all kt_ones = { ${init} };`,
      `const unsigned long long kt_held[] = { ${ones} };`,
      `const unsigned char kt_signed[] = { ${signs}, 2 };`,
      "",
    ].join("\n");
    const r = compileSource({ compiler: gcc.command, args: [...gcc.flags, "-S", "-o", "-"], source });
    if (!r.ok) return t.fail(`${gcc.command}: ${r.stderr.trim().split("\n")[0]}`);
    const data = dataReader(r.stdout, abi.endian);
    const bytes = data.bytes("kt_ones");
    const held = u64s(data.bytes("kt_held"), abi.endian);
    const signed = data.bytes("kt_signed");

    const codec = compileCodec(recordOf("kt_all"), abi);
    t.is(codec.size, bytes.length, "sizeof(struct kt_all)");
    const value = codec.decode(bytes) as Record<string, number | bigint>;
    KERNEL_TYPEDEFS.forEach((n, i) => {
      t.is(value[`c${i}`], i + 1, `c${i}`);
      const want =
        n === POINTER_TYPEDEF ? (1n << (8n * held[i]!)) - 1n : signed[i] ? BigInt.asIntN(64, held[i]!) : held[i]!;
      t.is(BigInt(value[`m${i}`]!), want, `${n} decodes as gcc stores (${n})-1`);
    });
    t.deepEqual([...codec.encode(value)], [...bytes], "encode gives gcc's bytes back");
  });
}

for (const abi of ABIS) {
  const why = skipReason(abi);
  const title = `${abi.id}: the generated header includes what declares each kernel typedef`;
  if (why) {
    test.skip(`${title} (skipped: ${why})`, () => {});
    continue;
  }
  test(title, (t) => {
    const gcc = gccFor(abi.id);
    const ifc = MODEL.interfaces[0]!;
    const dir = headerIncludeDir(ifc);
    const header = path.relative(dir, headerOutputPath(ifc));
    // The header alone, first in the translation unit, C90 with GCC's pedantic errors: nothing else declares
    // __kernel_sa_family_t (linux/socket.h) or __kernel_rwf_t (linux/fs.h) for it.
    const r = compileSource({
      compiler: gcc.command,
      args: [...gcc.flags, "-std=c90", "-pedantic-errors", "-Wall", "-Werror", "-fsyntax-only", "-I{dir}/inc"],
      source: `#include <${header}>\n`,
      extraFiles: { [`inc/${header}`]: renderHeader(MODEL, ifc) },
    });
    t.true(r.ok, r.stderr.trim().split("\n").slice(0, 3).join("\n"));
  });
}

/** What each sysroot's compiler measured, for the ABIs that have one here. */
const MEASURED = [...VERDICTS.values()].flatMap((v) => (v.status === "checked" ? [v.measured] : []));
const fewSysroots = MEASURED.length < 2 ? "fewer than two ABIs with a sysroot here" : "";

(fewSysroots ? test.skip : test)(
  "types/abi-dependent flags the typedefs the sysroots disagree on, and none of the fixed-size ones" +
    (fewSysroots ? ` (skipped: ${fewSysroots})` : ""),
  (t) => {
    const flagged = new Set(
      runChecks(MODEL, ABIS)
        .filter((d) => d.rule === "types/abi-dependent" && d.severity === "error")
        .map((d) => /^struct kt_all\.m(\d+)$/.exec(d.subject)?.[1])
        .filter((i) => i !== undefined)
        .map((i) => KERNEL_TYPEDEFS[Number(i)]),
    );
    for (const n of KERNEL_TYPEDEFS as TypedefName[]) {
      const seen = new Set(MEASURED.map((m) => `${m[n].size} bytes ${m[n].signed ? "signed" : "unsigned"}`));
      if (seen.size > 1) t.true(flagged.has(n), `${n} is ${[...seen].join(" or ")} on the sysroots, but not flagged`);
    }
    // One type on every ABI by their declarations (long long, unsigned int, unsigned short): not ABI-dependent.
    for (const n of ["__kernel_loff_t", "__kernel_time64_t", "__poll_t", "__kernel_sa_family_t", "__kernel_uid32_t"]) {
      t.false(flagged.has(n), `${n} is flagged`);
    }
  },
);

(haveYowasp ? test : test.skip)(
  "clang with the stand-ins (every kernel typedef as the table spells it) lays the structs out as the engine" +
    (haveYowasp ? "" : " (skipped: @yowasp/clang is not installed)"),
  async (t) => {
    const verdicts = await verifyLayouts(unitsOfModels([MODEL]), ABIS, { compiler: "yowasp" });
    const judged = verdicts.filter((v) => v.runs.some((r) => r.headers === "table"));
    t.true(judged.length >= 20, `clang judged ${judged.length} ABIs`);
    for (const v of judged) t.is(v.status, "verified", `${v.abi}: ${JSON.stringify(v.runs.map((r) => r.mismatches))}`);
  },
);
