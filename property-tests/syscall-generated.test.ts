/*
 * The generated sides of declared syscalls (generators/syscall-*.ts), judged
 * by real compilers:
 *   - syscalls/<interface>-kernel.c compiles with gcc -Wall -Wextra -Werror
 *     -std=gnu11 against the stand-in kernel headers of
 *     fixtures/syscall-stubs/kernel/ (modelled on include/linux/syscalls.h,
 *     include/linux/compat.h and include/asm-generic/compat.h), with no
 *     CONFIG_ guard and with every guard the file names, natively, with -m32
 *     and with each cross GCC found;
 *   - syscalls/<interface>-wrappers.h compiles with -std=c99 -Wall -Wextra
 *     -Werror natively, with -m32/-mx32 and with each cross GCC;
 *   - a harness includes the wrappers with `syscall` defined as a recording
 *     function taking seven fixed parameters, calls each wrapper with
 *     distinctive values and checks that the recorded slots reassemble every
 *     64-bit argument as the kernel reads it.  Natively the program runs; for
 *     an ABI this machine cannot run, it is compiled with -O2 -S and every
 *     failed check calls an undefined uapi_reassembly_failed(), which GCC
 *     folds away when all checks hold, so the check passes only when the
 *     symbol is absent from the assembly; a harness expecting the halves
 *     swapped must show it.
 * The expected slots are written below from abi-facts §3.2-§3.4 (the per-ABI
 * pair rules and sync_file_range2's order), not from the code under test.
 * The table lines are checked for the kernel's format and for naming only
 * entries the kernel file defines.  Every bundled spec with `syscalls:` gets
 * the compile checks too.
 */
import test from "ava";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";

import { REPO_ROOT } from "../core/paths.js";
import type { SpecModel } from "../core/model.js";
import { exampleSpecFiles, loadSpecFile, loadSpecText } from "../spec/load.js";
import { syscallKernelGenerator } from "../generators/syscall-kernel.js";
import { syscallTableGenerator } from "../generators/syscall-table.js";
import { syscallWrapperGenerator } from "../generators/syscall-wrappers.js";
import type { OutputFile } from "../generators/generator.js";
import { haveProgram } from "../verify/system-cc.js";

const STUBS = path.join(REPO_ROOT, "property-tests", "fixtures", "syscall-stubs");
const KERNEL_STUBS = path.join(STUBS, "kernel");
const LIBC_STUBS = path.join(STUBS, "libc");
const WARN = ["-Wall", "-Wextra", "-Werror"];

const SPEC = `
name: sysgen_test
doc: Declared syscalls for property-tests/syscall-generated.test.ts.
interfaces:
  - name: sgt
    doc: A 64-bit offset, a prototype over six slots, a signed long, a struct pointer, an unnumbered call.
    header: linux/sgt.h
    structs:
      - name: sgt_info
        doc: A __u32 then a __u64, 12 bytes on i386 and 16 on x86_64.
        fields:
          - { name: a, type: __u32, doc: First. }
          - { name: b, type: __u64, doc: Second. }
    syscalls:
      - name: pread64
        doc: Read from a file at an offset.
        number: 17
        args:
          - { name: fd, type: unsigned int, fd: true }
          - { name: buf, type: char *, pointer: { count: count, access: out } }
          - { name: count, type: size_t }
          - { name: pos, type: loff_t }
      - name: sync_file_range
        doc: Sync a file range; seven slots on the even-pair ABIs as declared.
        remedy: reorder
        args:
          - { name: fd, type: int, fd: true }
          - { name: offset, type: loff_t }
          - { name: nbytes, type: loff_t }
          - { name: flags, type: unsigned int }
      - name: sgt_adjust
        doc: Adjust by a signed amount.
        args:
          - { name: fd, type: int, fd: true }
          - { name: delta, type: long }
      - name: sgt_query
        doc: Query info.
        args:
          - { name: fd, type: int, fd: true }
          - { name: info, type: struct sgt_info *, pointer: { access: out } }
      - name: sgt_none
        doc: A call no C library defines a number for.
        args:
          - { name: fd, type: int, fd: true }
  - name: sgm
    doc: The other remedies, no arguments, and argument names the generated code itself uses.
    header: linux/sgm.h
    enums:
      - name: sgm_mode
        doc: Modes.
        values:
          - { name: SGM_A, value: 0, doc: A. }
          - { name: SGM_B, value: 1, doc: B. }
    syscalls:
      - name: sgm_many
        doc: Too many arguments, grouped in a struct.
        remedy: struct-pointer
        args:
          - { name: fd, type: int, fd: true }
          - { name: a, type: __u64 }
          - { name: b, type: __u64 }
          - { name: c, type: __u64 }
          - { name: p, type: const char *, pointer: { access: in } }
          - { name: flags, type: unsigned int }
      - name: sgm_ext
        doc: Too many arguments, in an extensible struct.
        remedy: extensible-struct
        args:
          - { name: fd, type: int, fd: true }
          - { name: a, type: __u64 }
          - { name: b, type: __u64 }
          - { name: c, type: __u64 }
          - { name: d, type: unsigned int }
      - name: sgm_split
        doc: Too many arguments, split.
        remedy: split
        args:
          - { name: fd, type: int, fd: true }
          - { name: a, type: __u64 }
          - { name: b, type: __u64 }
          - { name: c, type: __u64 }
          - { name: flags, type: unsigned int }
      - name: sgm_none
        doc: No arguments.
        args: []
      - name: sgm_odd
        doc: Names the generated code uses, and an enum.
        args:
          - { name: syscall, type: int }
          - { name: ENOSYS, type: int }
          - { name: mode, type: enum sgm_mode, enum: sgm_mode }
          - { name: dummy, type: loff_t }
      - name: sgm_helper
        doc: An argument named as another syscall's helper.
        args:
          - { name: do_sgm_none, type: int }
  - name: sgc
    doc: Entry names that clash with other syscalls' names.
    header: linux/sgc.h
    syscalls:
      - name: sgc_foo
        doc: Needs a parisc entry, sys_parisc_sgc_foo.
        args:
          - { name: fd, type: int }
          - { name: a, type: __u64 }
      - name: parisc_sgc_foo
        doc: Declared with the name of sgc_foo's parisc entry.
        args:
          - { name: fd, type: int }
      - name: sgc_bar
        doc: Split into sgc_bar_1, sgc_bar_2 and sgc_bar_3.
        remedy: split
        args:
          - { name: fd, type: int, fd: true }
          - { name: a, type: __u64 }
          - { name: b, type: __u64 }
          - { name: c, type: __u64 }
          - { name: flags, type: unsigned int }
      - name: sgc_bar_1
        doc: Declared with the name of sgc_bar's first part.
        args:
          - { name: x, type: int }
`;

const model = loadSpecText("sysgen-test.yaml", SPEC);

function generate(m: SpecModel): OutputFile[] {
  return [syscallKernelGenerator, syscallTableGenerator, syscallWrapperGenerator].flatMap((g) => g.generate([m]));
}

function writeFiles(dir: string, files: readonly OutputFile[]): void {
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.content);
  }
}

function withDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-sysgen-"));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(cc: string, args: string[], cwd: string): { ok: boolean; out: string; first: string } {
  const r = spawnSync(cc, args, { cwd, encoding: "utf8", maxBuffer: 64 << 20 });
  const err = `${r.stderr ?? ""}${r.error ?? ""}`;
  // The diagnostic that says why, for a skip reason: the first "error" line, else the first line.
  const lines = err
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const first = (lines.find((l) => /error/.test(l)) ?? lines[0] ?? `exit status ${r.status}`).replace(/[()]/g, "");
  return { ok: r.status === 0, out: `${cc} ${args.join(" ")}\n${r.stdout ?? ""}${err}`, first };
}

/* ------------------------------------------------------------------ */
/* Compilers and what each can do here                                 */
/* ------------------------------------------------------------------ */

/**
 * How 64-bit arguments travel (abi-facts §3.2 measured, §3.3 table): one register; two slots anywhere, low or high
 * half first; an even-slot pair (a padding slot before an odd start); sh (a pair never split between r7 and the
 * stack, so slot 3 stays empty before it); parisc's shims (high, low, no padding).
 */
type Rule = "one" | "lo-hi" | "hi-lo" | "even-lo-hi" | "even-hi-lo" | "sh" | "parisc";

interface Target {
  /** Title text. */
  label: string;
  cc: string;
  flags: string[];
  rule: Rule;
}

/** Each configuration with the pair rule abi-facts gives its ABI. */
const CROSS: Target[] = [
  { label: "arm EABI", cc: "arm-linux-gnueabi-gcc-12", flags: [], rule: "even-lo-hi" },
  { label: "armeb EABI", cc: "arm-linux-gnueabi-gcc-12", flags: ["-mbig-endian"], rule: "even-hi-lo" },
  { label: "arm OABI", cc: "arm-linux-gnueabi-gcc-12", flags: ["-mabi=apcs-gnu"], rule: "lo-hi" },
  { label: "ppc32", cc: "powerpc-linux-gnu-gcc-12", flags: [], rule: "even-hi-lo" },
  { label: "mips o32 (big-endian)", cc: "mips-linux-gnu-gcc-12", flags: [], rule: "even-hi-lo" },
  { label: "mips o32 (little-endian)", cc: "mipsel-linux-gnu-gcc-12", flags: [], rule: "even-lo-hi" },
  { label: "sh4", cc: "sh4-linux-gnu-gcc-12", flags: [], rule: "sh" },
  { label: "parisc", cc: "hppa-linux-gnu-gcc-12", flags: [], rule: "parisc" },
  { label: "m68k", cc: "m68k-linux-gnu-gcc-12", flags: [], rule: "hi-lo" },
  { label: "arc", cc: "arc-linux-gnu-gcc-12", flags: [], rule: "lo-hi" },
  { label: "s390 31-bit", cc: "s390x-linux-gnu-gcc-12", flags: ["-m31"], rule: "hi-lo" },
  { label: "sparc32", cc: "sparc64-linux-gnu-gcc-12", flags: ["-m32"], rule: "hi-lo" },
  { label: "aarch64", cc: "aarch64-linux-gnu-gcc-12", flags: [], rule: "one" },
  { label: "ppc64le", cc: "powerpc64le-linux-gnu-gcc-12", flags: [], rule: "one" },
  { label: "riscv64", cc: "riscv64-linux-gnu-gcc-12", flags: [], rule: "one" },
  { label: "s390x", cc: "s390x-linux-gnu-gcc-12", flags: [], rule: "one" },
  { label: "mips64el n64", cc: "mips64el-linux-gnuabi64-gcc-12", flags: [], rule: "one" },
];

/** -m32/-mx32 find the x86 asm/ headers in the multiarch folder (as syscall-shims.test.ts). */
const X86_MULTI = ["-isystem", "/usr/include/x86_64-linux-gnu"];
const NATIVE: Target = { label: "x86_64", cc: "gcc", flags: [], rule: "one" };
const I386: Target = { label: "i386", cc: "gcc", flags: ["-m32", ...X86_MULTI], rule: "lo-hi" };
const X32: Target = { label: "x32", cc: "gcc", flags: ["-mx32", ...X86_MULTI], rule: "one" };

const probeCache = new Map<string, string>();
/** The reason `target` cannot `what` here, or "" when it can; each probe runs once. */
function cannot(target: Target, what: "compile" | "libc" | "build" | "run"): string {
  const key = `${target.cc} ${target.flags.join(" ")} ${what}`;
  const hit = probeCache.get(key);
  if (hit !== undefined) return hit;
  const reason = withDir((dir): string => {
    const spelled = `${target.cc}${target.flags
      .filter((f) => f.startsWith("-m"))
      .map((f) => ` ${f}`)
      .join("")}`;
    if (!haveProgram(target.cc)) return `${target.cc} not found on PATH`;
    writeFileSync(path.join(dir, "e.c"), "int uapi_probe;\n");
    const asm = run(target.cc, [...target.flags, "-S", "-o", "e.s", "e.c"], dir);
    if (!asm.ok) return `${spelled} cannot compile to assembly here: ${asm.first}`;
    if (what === "compile") return "";
    writeFileSync(
      path.join(dir, "l.c"),
      ["errno.h", "stddef.h", "unistd.h", "sys/syscall.h", "linux/types.h"].map((h) => `#include <${h}>\n`).join(""),
    );
    const libc = run(target.cc, ["-std=c99", ...target.flags, "-fsyntax-only", "l.c"], dir);
    if (!libc.ok) return `${spelled} has no C library headers here: ${libc.first}`;
    if (what === "libc") return "";
    writeFileSync(path.join(dir, "p.c"), '#include <stdio.h>\nint main(void) { puts("ok"); return 0; }\n');
    const build = run(target.cc, [...target.flags, "p.c", "-o", "p"], dir);
    if (!build.ok) return `${spelled} cannot build a program here: ${build.first}`;
    if (what === "build") return "";
    const r = spawnSync(path.join(dir, "p"), [], { encoding: "utf8" });
    return r.status === 0 && r.stdout === "ok\n"
      ? ""
      : `this kernel cannot execute ${target.label} programs: ` +
          (r.error?.message ?? `exit status ${r.status}`).replace(/[()]/g, "");
  });
  probeCache.set(key, reason);
  return reason;
}

/** Flags for compiling the wrappers: the target's C library headers, else fixtures/syscall-stubs/libc's stand-ins. */
function libcFlags(target: Target): string[] {
  if (!cannot(target, "libc")) return [];
  const own = spawnSync(target.cc, [...target.flags, "-print-file-name=include"], { encoding: "utf8" }).stdout.trim();
  return ["-nostdinc", "-isystem", own, "-isystem", LIBC_STUBS];
}

const skipped = (reason: string) => (reason ? ` (skipped: ${reason})` : "");

/* ------------------------------------------------------------------ */
/* The kernel file                                                     */
/* ------------------------------------------------------------------ */

/** Every CONFIG_ symbol the file's guards name, as -D flags. */
function allConfigs(kernel: string): string[] {
  return [...new Set(kernel.match(/\bCONFIG_[A-Z0-9_]+/g) ?? [])].sort().map((c) => `-D${c}`);
}

function compileKernel(t: { true(v: boolean, m?: string): void }, m: SpecModel, target: Target): void {
  withDir((dir) => {
    const files = generate(m);
    writeFiles(dir, files);
    for (const f of files.filter((x) => x.path.endsWith("-kernel.c"))) {
      for (const configs of [[], allConfigs(f.content)]) {
        const out = target === NATIVE || target === I386 ? ["-c", "-o", "k.o"] : ["-S", "-o", "k.s"];
        const r = run(
          target.cc,
          ["-std=gnu11", ...WARN, ...target.flags, "-nostdinc", "-I", KERNEL_STUBS, ...configs, ...out, f.path],
          dir,
        );
        t.true(r.ok, r.out);
      }
    }
  });
}

test("kernel file: gcc -Wall -Wextra -Werror -std=gnu11 -c (x86_64), without and with every CONFIG_ guard", (t) => {
  if (!haveProgram("gcc")) return t.fail("gcc is needed");
  compileKernel(t, model, NATIVE);
});

{
  const why = cannot(I386, "compile");
  (why ? test.skip : test)(`kernel file: gcc -m32 -Wall -Wextra -Werror -std=gnu11 -c${skipped(why)}`, (t) => {
    compileKernel(t, model, I386);
  });
}

for (const target of CROSS) {
  const why = cannot(target, "compile");
  const title = `kernel file: ${target.cc} ${target.flags.join(" ")} -S (${target.label})`.replace("  ", " ");
  (why ? test.skip : test)(`${title}${skipped(why)}`, (t) => compileKernel(t, model, target));
}

test("kernel file: a stub that leaves a parameter unused fails -Wextra (the stand-ins catch it)", (t) => {
  if (!haveProgram("gcc")) return t.fail("gcc is needed");
  withDir((dir) => {
    const kernel = generate(model).find((f) => f.path.endsWith("-kernel.c"))!;
    const broken = kernel.content.replace("\t(void)__pad;\n", "");
    t.not(broken, kernel.content, "the kernel file has a padding parameter to discard");
    writeFileSync(path.join(dir, "k.c"), broken);
    const r = run(
      "gcc",
      ["-std=gnu11", ...WARN, "-nostdinc", "-I", KERNEL_STUBS, ...allConfigs(broken), "-c", "k.c"],
      dir,
    );
    t.false(r.ok, "gcc accepted an unused parameter");
    t.regex(r.out, /unused parameter/);
  });
});

/* ------------------------------------------------------------------ */
/* The tables                                                          */
/* ------------------------------------------------------------------ */

/** The symbols a kernel file's SYSCALL_DEFINEn and COMPAT_SYSCALL_DEFINEn define. */
function definedEntries(kernel: string): Set<string> {
  const defined = new Set<string>();
  for (const m of kernel.matchAll(/^(COMPAT_)?SYSCALL_DEFINE\d\((\w+)/gm))
    defined.add(`${m[1] ? "compat_sys_" : "sys_"}${m[2]}`);
  return defined;
}

/** <number> <abi> <name> <entry point> [<compat entry point>], tab-separated (s390 pads the number with blanks). */
const TABLE_LINE = /^(\d+|<nr>)(?:\t| +)(\w+)\t+(\w+)\t+(\w+)(?:\t+(\w+))?$/;

test("tables: every line in the kernel's format, naming only entry points the kernel file defines", (t) => {
  const files = generate(model);
  const table = files.find((f) => f.path === "syscalls/sgt.tbl")!.content;
  const kernel = files.find((f) => f.path === "syscalls/sgt-kernel.c")!.content;
  const defined = definedEntries(kernel);
  const lines = table.split("\n").filter((l) => l && !l.startsWith("#"));
  t.true(lines.length > 0);
  const paths: string[] = [];
  for (const l of table.split("\n")) {
    const m = /^# ([\w/.-]+\.tbl): /.exec(l);
    if (m) paths.push(m[1]!);
  }
  for (const p of [
    "scripts/syscall.tbl",
    "arch/x86/entry/syscalls/syscall_32.tbl",
    "arch/arm/tools/syscall.tbl",
    "arch/powerpc/kernel/syscalls/syscall.tbl",
    "arch/mips/kernel/syscalls/syscall_o32.tbl",
    "arch/parisc/kernel/syscalls/syscall.tbl",
    "arch/sh/kernel/syscalls/syscall.tbl",
  ])
    t.true(paths.includes(p), `a block for ${p}`);
  for (const l of lines) {
    const m = TABLE_LINE.exec(l);
    t.truthy(m, `format: ${JSON.stringify(l)}`);
    if (!m) continue;
    t.true(m[1] === "<nr>" || (m[3] === "pread64" && m[1] === "17"), `number: ${l}`);
    for (const entry of [m[4]!, ...(m[5] ? [m[5]] : [])]) t.true(defined.has(entry), `${entry} is defined: ${l}`);
  }
  // The entries abi-facts §3.3/§3.5 leads one to expect for pread64.
  const has = (re: RegExp) => t.regex(table, re);
  has(/^17\tcommon\tpread64\t+sys_pread64\t+compat_sys_pread64$/m);
  has(/^17\ti386\tpread64\t+sys_pread64\t+compat_sys_pread64$/m);
  has(/^17\tcommon\tpread64\t+sys_pread64\t+sys_oabi_pread64$/m);
  has(/^17\tcommon\tpread64\t+sys_pread64\t+compat_sys_aarch32_pread64$/m);
  has(/^17\t32\tpread64\t+sys_ppc_pread64\t+compat_sys_ppc_pread64$/m);
  has(/^17\t32\tpread64\t+sys_parisc_pread64$/m);
  has(/^17\tcommon\tpread64\t+sys_sh_pread64$/m);
  has(/^<nr>\ti386\tsgt_adjust\t+sys_sgt_adjust\t+compat_sys_sgt_adjust$/m);
  t.regex(kernel, /COMPAT_SYSCALL_DEFINE2\(sgt_adjust, int, fd, compat_long_t, delta\)/);
  t.regex(kernel, /COMPAT_SYSCALL_DEFINE6\(aarch32_pread64, [^)]*u32, __pad, compat_arg_u64_dual\(pos\)\)/);
  t.regex(kernel, /SYSCALL_DEFINE5\(parisc_pread64, [^)]*u32, pos_hi, u32, pos_lo\)/);
  t.regex(kernel, /SYSCALL_DEFINE5\(sh_pread64, [^)]*long, dummy, loff_t, pos\)/);
  t.notRegex(kernel, /SYSCALL_DEFINE4\(sync_file_range, int, fd, loff_t/, "no flat sync_file_range");
});

test("remedies: struct, extensible struct and split forms, no arguments, names the generated code uses", (t) => {
  const files = generate(model);
  const kernel = files.find((f) => f.path === "syscalls/sgm-kernel.c")!.content;
  const wrappers = files.find((f) => f.path === "syscalls/sgm-wrappers.h")!.content;
  const table = files.find((f) => f.path === "syscalls/sgm.tbl")!.content;
  t.regex(kernel, /^struct sgm_many_args \{\n(\t__aligned_u64 \w+;.*\n){4}\};$/m);
  t.regex(
    kernel,
    /SYSCALL_DEFINE3\(sgm_many, int, fd, const struct sgm_many_args __user \*, args,\s+unsigned int, flags\)/,
  );
  t.regex(kernel, /^#define SGM_EXT_ARGS_SIZE_VER0 32$/m);
  t.regex(kernel, /SYSCALL_DEFINE3\(sgm_ext, int, fd, struct sgm_ext_args __user \*, args,\s+size_t, size\)/);
  for (const part of ["sgm_split_1", "sgm_split_2", "sgm_split_3"])
    t.regex(kernel, new RegExp(`SYSCALL_DEFINE3\\(${part}, `));
  t.regex(kernel, /SYSCALL_DEFINE0\(sgm_none\)/);
  t.regex(kernel, /static long do_sgm_none\(void\)/);
  // Arguments named like what the generated code calls or expands get a name of their own there.
  t.regex(kernel, /SYSCALL_DEFINE4\(sgm_odd, int, syscall_arg, int, ENOSYS_arg, int, mode,\s+loff_t, dummy\)/);
  t.regex(kernel, /SYSCALL_DEFINE5\(sh_sgm_odd, [^)]*long, dummy2, loff_t, dummy\)/);
  t.regex(kernel, /SYSCALL_DEFINE1\(sgm_helper, int, do_sgm_none_arg\)/);
  t.regex(wrappers, /sgm_odd_wrapper\(int syscall_arg, int ENOSYS_arg, int mode,\s+__kernel_loff_t dummy\)/);
  t.regex(wrappers, /sgm_many_wrapper\(int fd, __u64 a, __u64 b, __u64 c,\s+const char \*p, unsigned int flags\)/);
  t.regex(wrappers, /syscall\(__NR_sgm_many, \(long\)fd,\s+\(long\)\(unsigned long\)&__uapi_args, \(long\)flags/);
  t.regex(
    wrappers,
    /syscall\(__NR_sgm_ext, \(long\)fd,\s+\(long\)\(unsigned long\)&__uapi_args, \(long\)sizeof\(__uapi_args\)/,
  );
  const defined = definedEntries(kernel);
  for (const l of table.split("\n").filter((x) => x && !x.startsWith("#"))) {
    const m = TABLE_LINE.exec(l);
    t.truthy(m, `format: ${JSON.stringify(l)}`);
    for (const entry of m ? [m[4]!, ...(m[5] ? [m[5]] : [])] : []) t.true(defined.has(entry), `${entry}: ${l}`);
  }
});

test("names: an entry or a split part named like another declared syscall gets a name of its own", (t) => {
  const files = generate(model);
  const kernel = files.find((f) => f.path === "syscalls/sgc-kernel.c")!.content;
  const table = files.find((f) => f.path === "syscalls/sgc.tbl")!.content;
  const defines = [...kernel.matchAll(/^(?:COMPAT_)?SYSCALL_DEFINE\d\((\w+)/gm)].map((m) => m[0]);
  t.is(new Set(defines).size, defines.length, "no entry is defined twice");
  t.regex(kernel, /^SYSCALL_DEFINE1\(parisc_sgc_foo, int, fd\)$/m);
  t.regex(kernel, /^SYSCALL_DEFINE3\(parisc_sgc_foo_2, int, fd, u32, a_hi, u32, a_lo\)$/m);
  t.regex(table, /^<nr>\t32\tsgc_foo\t+sys_parisc_sgc_foo_2$/m);
  t.regex(kernel, /^SYSCALL_DEFINE1\(sgc_bar_1, int, x\)$/m);
  t.regex(kernel, /^SYSCALL_DEFINE3\(sgc_bar_1_2, int, fd, u64, a, unsigned int, flags\)$/m);
});

test("output: deterministic, one kernel file, table and wrapper header per interface with syscalls", (t) => {
  const a = generate(model);
  const b = generate(loadSpecText("sysgen-test.yaml", SPEC));
  t.deepEqual(a, b);
  t.deepEqual(a.map((f) => f.path).sort(), [
    "syscalls/sgc-kernel.c",
    "syscalls/sgc-wrappers.h",
    "syscalls/sgc.tbl",
    "syscalls/sgm-kernel.c",
    "syscalls/sgm-wrappers.h",
    "syscalls/sgm.tbl",
    "syscalls/sgt-kernel.c",
    "syscalls/sgt-wrappers.h",
    "syscalls/sgt.tbl",
  ]);
  for (const f of a) t.notRegex(f.content, /[\p{Cc}](?<![\t\n])/u, `${f.path}: no control characters`);
});

/* ------------------------------------------------------------------ */
/* The wrappers                                                        */
/* ------------------------------------------------------------------ */

function compileWrappers(t: { true(v: boolean, m?: string): void }, m: SpecModel, target: Target): void {
  withDir((dir) => {
    const files = generate(m);
    writeFiles(dir, files);
    for (const f of files.filter((x) => x.path.endsWith("-wrappers.h"))) {
      writeFileSync(path.join(dir, "w.c"), `#include "${f.path}"\nint main(void) { return 0; }\n`);
      const r = run(
        target.cc,
        ["-std=c99", ...WARN, ...target.flags, ...libcFlags(target), "-I", dir, "-S", "-o", "w.s", "w.c"],
        dir,
      );
      t.true(r.ok, r.out);
    }
  });
}

for (const target of [NATIVE, I386, X32, ...CROSS]) {
  const why = cannot(target, "compile");
  const flags = target.flags.filter((f) => f.startsWith("-m")).join(" ");
  const title = `wrappers: ${target.cc}${flags ? ` ${flags}` : ""} -std=c99 -Wall -Wextra -Werror (${target.label})`;
  (why ? test.skip : test)(`${title}${skipped(why)}`, (t) => compileWrappers(t, model, target));
}

/* ------------------------------------------------------------------ */
/* The harness                                                         */
/* ------------------------------------------------------------------ */

/** A slot's expected content: a value, a 64-bit value in one register, a half of a pair, or 0. */
type Expect = { v: string } | { whole: string } | { lo: string } | { hi: string } | 0;

interface Call {
  /** The wrapper call. */
  call: string;
  nr: string;
  slots: Record<Rule, Expect[]>;
}

const POS = "0x1122334455667788ULL";
const OFF = "0x0102030405060708ULL";
const NB = "0x8877665544332211ULL";
const BUF = "0x1000UL";
const INFO = "0x2008UL";

/** The same list for every rule. */
const every = (slots: Expect[]): Record<Rule, Expect[]> => ({
  one: slots,
  "lo-hi": slots,
  "hi-lo": slots,
  "even-lo-hi": slots,
  "even-hi-lo": slots,
  sh: slots,
  parisc: slots,
});

/*
 * abi-facts §3.3/§3.4: pread64(fd, buf, count, pos) takes pos in one register, or in slots 3-4 without alignment,
 * or after a padding slot at 4-5 on even-pair ABIs (arm's pread64(fd, buf, count, 0, pos)) and on sh
 * (sys_pread_wrapper's dummy), or as (high, low) on parisc (parisc_pread64).  sync_file_range exceeds six slots
 * on the even-pair ABIs as declared; the reorder remedy is sync_file_range2's (fd, flags, offset, nbytes), which
 * takes six everywhere and no padding.
 */
const CALLS: Call[] = [
  {
    call: `pread64_wrapper(3, (char *)${BUF}, 0x20, (__kernel_loff_t)${POS})`,
    nr: "__NR_pread64",
    slots: {
      one: [{ v: "3" }, { v: BUF }, { v: "0x20" }, { whole: POS }, 0, 0],
      "lo-hi": [{ v: "3" }, { v: BUF }, { v: "0x20" }, { lo: POS }, { hi: POS }, 0],
      "hi-lo": [{ v: "3" }, { v: BUF }, { v: "0x20" }, { hi: POS }, { lo: POS }, 0],
      "even-lo-hi": [{ v: "3" }, { v: BUF }, { v: "0x20" }, 0, { lo: POS }, { hi: POS }],
      "even-hi-lo": [{ v: "3" }, { v: BUF }, { v: "0x20" }, 0, { hi: POS }, { lo: POS }],
      sh: [{ v: "3" }, { v: BUF }, { v: "0x20" }, 0, { lo: POS }, { hi: POS }],
      parisc: [{ v: "3" }, { v: BUF }, { v: "0x20" }, { hi: POS }, { lo: POS }, 0],
    },
  },
  {
    call: `sync_file_range_wrapper(5, (__kernel_loff_t)${OFF}, (__kernel_loff_t)${NB}, 2)`,
    nr: "__NR_sync_file_range",
    slots: (() => {
      const loHi: Expect[] = [{ v: "5" }, { v: "2" }, { lo: OFF }, { hi: OFF }, { lo: NB }, { hi: NB }];
      const hiLo: Expect[] = [{ v: "5" }, { v: "2" }, { hi: OFF }, { lo: OFF }, { hi: NB }, { lo: NB }];
      return {
        one: [{ v: "5" }, { v: "2" }, { whole: OFF }, { whole: NB }, 0, 0],
        "lo-hi": loHi,
        "hi-lo": hiLo,
        "even-lo-hi": loHi,
        "even-hi-lo": hiLo,
        sh: loHi,
        parisc: hiLo,
      };
    })(),
  },
  { call: "sgt_adjust_wrapper(7, -5L)", nr: "__NR_sgt_adjust", slots: every([{ v: "7" }, { v: "-5L" }, 0, 0, 0, 0]) },
  {
    call: `sgt_query_wrapper(9, (struct sgt_info *)${INFO})`,
    nr: "__NR_sgt_query",
    slots: every([{ v: "9" }, { v: INFO }, 0, 0, 0, 0]),
  },
];

/** The expectation with the halves of the first 64-bit argument swapped (one register: off by one). */
function perturbed(slots: Expect[]): Expect[] {
  const lo = slots.findIndex((s) => typeof s === "object" && "lo" in s);
  const hi = slots.findIndex((s) => typeof s === "object" && "hi" in s);
  if (lo >= 0 && hi >= 0) {
    const out = [...slots];
    [out[lo], out[hi]] = [slots[hi]!, slots[lo]!];
    return out;
  }
  return slots.map((s) => (typeof s === "object" && "whole" in s ? { whole: `(${s.whole} ^ 1)` } : s));
}

/** C checks of one call's recorded slots. */
function checks(c: Call, slots: Expect[]): string[] {
  const out = [`CHECK(uapi_rec[0] == ${c.nr}, "${c.nr}");`];
  const r = (i: number) => `uapi_rec[${i + 1}]`;
  const half = (i: number) => `(unsigned long long)(unsigned long)${r(i)}`;
  slots.forEach((s, i) => {
    const what = `${c.nr} slot ${i}`;
    if (s === 0) out.push(`CHECK(${r(i)} == 0, "${what} is 0");`);
    else if ("v" in s) out.push(`CHECK((unsigned long)${r(i)} == (unsigned long)(${s.v}), "${what}");`);
    else if ("whole" in s) out.push(`CHECK((unsigned long long)${r(i)} == ${s.whole}, "${what} holds all 64 bits");`);
    else if ("lo" in s) {
      const j = slots.findIndex((x) => typeof x === "object" && "hi" in x && x.hi === s.lo);
      out.push(
        `CHECK(((${half(j)} << 32) | ${half(i)}) == ${s.lo}, "${what} and slot ${j} reassemble ${s.lo}");`,
        `CHECK((unsigned long long)(unsigned long)${r(i)} <= 0xffffffffULL, "${what} is a 32-bit half");`,
      );
    }
  });
  return out;
}

function harness(mode: "run" | "fold", rule: Rule, perturb = false): string {
  const check =
    mode === "run"
      ? 'if (cond) printf("ok %s\\n", what); else { printf("FAIL %s\\n", what); uapi_failures++; }'
      : "if (!(cond)) uapi_reassembly_failed();";
  const body = CALLS.flatMap((c) => [
    `\t${c.call};`,
    ...checks(c, perturb ? perturbed(c.slots[rule]) : c.slots[rule]).map((l) => `\t${l}`),
  ]);
  const numbers = CALLS.map((c, i) => `#ifndef ${c.nr}\n#define ${c.nr} ${9001 + i}\n#endif`);
  return [
    "#include <errno.h>",
    "#include <stddef.h>",
    ...(mode === "run" ? ["#include <stdio.h>"] : []),
    "#include <unistd.h>",
    "#include <sys/syscall.h>",
    "#include <linux/types.h>",
    ...numbers,
    "static long long uapi_rec[7];",
    "static int uapi_failures;",
    "void uapi_reassembly_failed(void);",
    "static inline long uapi_record_syscall(long nr, long long a1, long long a2, long long a3, long long a4,",
    "\tlong long a5, long long a6)",
    "{",
    "\tuapi_rec[0] = nr; uapi_rec[1] = a1; uapi_rec[2] = a2; uapi_rec[3] = a3;",
    "\tuapi_rec[4] = a4; uapi_rec[5] = a5; uapi_rec[6] = a6;",
    "\treturn 0;",
    "}",
    "#define syscall uapi_record_syscall",
    '#include "syscalls/sgt-wrappers.h"',
    `#define CHECK(cond, what) do { ${check} } while (0)`,
    mode === "run" ? "int main(void)" : "void uapi_check(void)",
    "{",
    ...body,
    ...(mode === "run"
      ? [
          "\terrno = 0;",
          '\tCHECK(sgt_none_wrapper(1) == -1 && errno == ENOSYS, "sgt_none fails with ENOSYS without __NR_sgt_none");',
          '\tprintf("%d failures\\n", uapi_failures);',
          "\treturn uapi_failures != 0;",
        ]
      : ["\t(void)uapi_failures;"]),
    "}",
    "",
  ].join("\n");
}

/** Compile the fold harness to assembly; true when uapi_reassembly_failed() is left in it. */
function foldLeavesFailure(t: { true(v: boolean, m?: string): void }, target: Target, perturb: boolean): boolean {
  return withDir((dir) => {
    writeFiles(dir, generate(model));
    writeFileSync(path.join(dir, "h.c"), harness("fold", target.rule, perturb));
    const r = run(
      target.cc,
      ["-std=c99", "-O2", ...WARN, ...target.flags, ...libcFlags(target), "-I", dir, "-S", "-o", "h.s", "h.c"],
      dir,
    );
    t.true(r.ok, r.out);
    return /uapi_reassembly_failed/.test(readFileSync(path.join(dir, "h.s"), "utf8"));
  });
}

function foldTest(target: Target, note = ""): void {
  const why = cannot(target, "compile");
  const flags = target.flags.filter((f) => f.startsWith("-m")).join(" ");
  const title =
    `harness: ${target.label} slots reassemble (${target.cc}${flags ? ` ${flags}` : ""} -O2 -S, ` +
    `no uapi_reassembly_failed; swapped halves leave it${note})`;
  (why ? test.skip : test)(`${title}${skipped(why)}`, (t) => {
    t.false(foldLeavesFailure(t, target, false), `${target.label}: a check failed (or GCC did not fold it)`);
    t.true(foldLeavesFailure(t, target, true), `${target.label}: the perturbed expectation went unnoticed`);
  });
}

{
  const why = cannot(NATIVE, "run");
  (why ? test.skip : test)(
    `harness: x86_64 program run: each 64-bit argument in one register; ENOSYS without __NR_${skipped(why)}`,
    (t) => {
      withDir((dir) => {
        writeFiles(dir, generate(model));
        for (const perturb of [false, true]) {
          writeFileSync(path.join(dir, "h.c"), harness("run", "one", perturb));
          const cc = run("gcc", ["-std=c99", ...WARN, "-I", dir, "h.c", "-o", "h"], dir);
          t.true(cc.ok, cc.out);
          const r = spawnSync(path.join(dir, "h"), [], { encoding: "utf8" });
          if (perturb) t.regex(r.stdout, /^FAIL __NR_pread64 slot 3/m, "the perturbed expectation fails");
          else {
            t.is(r.status, 0, r.stdout);
            t.regex(r.stdout, /^0 failures$/m);
          }
        }
      });
    },
  );
}

// i386: run the program where this kernel executes i386 programs, else the compile-time check.
{
  const noRun = cannot(I386, "run");
  if (!noRun)
    test("harness: i386 program run (gcc -m32): each 64-bit argument in two slots, low half first", (t) => {
      withDir((dir) => {
        writeFiles(dir, generate(model));
        writeFileSync(path.join(dir, "h.c"), harness("run", "lo-hi"));
        const cc = run("gcc", ["-std=c99", ...WARN, ...I386.flags, "-I", dir, "h.c", "-o", "h"], dir);
        t.true(cc.ok, cc.out);
        const r = spawnSync(path.join(dir, "h"), [], { encoding: "utf8" });
        t.is(r.status, 0, r.stdout);
      });
    });
  else foldTest(I386, "; not run: this kernel cannot execute i386 programs");
}

foldTest(X32);
for (const target of CROSS) foldTest(target);

/* ------------------------------------------------------------------ */
/* Bundled specs                                                       */
/* ------------------------------------------------------------------ */

const bundled = exampleSpecFiles()
  .map((file) => ({ file, model: loadSpecFile(file) }))
  .filter((x) => x.model.interfaces.some((i) => i.syscalls.length > 0));

const BUNDLED = "kernel file (gcc -std=gnu11, every CONFIG_ guard) and wrappers (gcc -std=c99) compile";
if (!bundled.length)
  test.skip(`bundled specs with syscalls: ${BUNDLED} (skipped: no bundled spec declares syscalls)`, () => {});
for (const { file, model: m } of bundled) {
  const name = path.basename(file);
  const title = `bundled ${name}: ${BUNDLED}`;
  test(title, (t) => {
    if (!haveProgram("gcc")) return t.fail("gcc is needed");
    compileKernel(t, m, NATIVE);
    compileWrappers(t, m, NATIVE);
    t.pass();
  });
}
