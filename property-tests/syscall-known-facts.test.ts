/*
 * The kernel's own syscall-ABI accidents, predicted from the prototypes alone.
 * Each expectation is a fact of the kernel or its C libraries, typed in here
 * with its source; none comes from the code under test.  The prototypes are
 * those of include/linux/syscalls.h and the arch files named beside them.
 * Also: the ABI table's syscall registers against abi-facts §3.3's "arg 1-6"
 * column, parsed at run time.
 */
import test from "ava";
import { readFileSync } from "node:fs";

import { ABI_FACTS } from "./reference.js";
import { ABIS, abiById } from "../spec/abis.js";
import type { AbiId } from "../spec/abi.js";
import { loadSpecText } from "../spec/load.js";
import type { InterfaceModel } from "../core/model.js";
import { analyseForm } from "../syscall/analyse.js";
import { callingOn, entryPoints } from "../syscall/calling.js";
import { formOfSyscall } from "../syscall/declared.js";
import type { SyscallForm } from "../syscall/derive.js";

const SPEC = `
name: facts
doc: Prototypes of include/linux/syscalls.h and the arch sys_ files.
interfaces:
  - name: facts
    doc: Real syscalls.
    header: linux/facts.h
    syscalls:
      - name: pread64
        doc: fs/read_write.c
        args:
          - { name: fd, type: unsigned int, fd: true }
          - { name: buf, type: char *, pointer: { count: count, access: out } }
          - { name: count, type: size_t }
          - { name: pos, type: loff_t }
      - name: sync_file_range
        doc: fs/sync.c
        args:
          - { name: fd, type: int, fd: true }
          - { name: offset, type: loff_t }
          - { name: nbytes, type: loff_t }
          - { name: flags, type: unsigned int }
      - name: sync_file_range2
        doc: fs/sync.c
        args:
          - { name: fd, type: int, fd: true }
          - { name: flags, type: unsigned int }
          - { name: offset, type: loff_t }
          - { name: nbytes, type: loff_t }
      - name: fadvise64_64
        doc: mm/fadvise.c
        args:
          - { name: fd, type: int, fd: true }
          - { name: offset, type: loff_t }
          - { name: len, type: loff_t }
          - { name: advice, type: int }
      - name: arm_fadvise64_64
        doc: arch/arm/kernel/sys_arm.c
        args:
          - { name: fd, type: int, fd: true }
          - { name: advice, type: int }
          - { name: offset, type: loff_t }
          - { name: len, type: loff_t }
      - name: fallocate
        doc: fs/open.c
        args:
          - { name: fd, type: int, fd: true }
          - { name: mode, type: int }
          - { name: offset, type: loff_t }
          - { name: len, type: loff_t }
`;

const IFC: InterfaceModel = loadSpecText("facts.yaml", SPEC).interfaces[0]!;
const form = (name: string): SyscallForm =>
  formOfSyscall(
    IFC.syscalls.find((d) => d.spec.name === name)!,
    IFC,
  );
const slotsOn = (name: string, abi: AbiId) => callingOn(form(name), abiById(abi)!);
const EVEN_PAIR_ABIS: AbiId[] = ["arm", "ppc"];

test("sync_file_range exceeds six slots on arm EABI and ppc32; sync_file_range2's order fits", (t) => {
  // sync_file_range(2) NOTES: "Some architectures (e.g., PowerPC, ARM) need 64-bit arguments to be aligned in a
  // suitable pair of registers ... would force a register to be wasted as padding between fd and offset"; hence
  // SYSCALL_DEFINE4(sync_file_range2, int, fd, unsigned int, flags, loff_t, offset, loff_t, nbytes) in fs/sync.c.
  for (const abi of EVEN_PAIR_ABIS) {
    const c = slotsOn("sync_file_range", abi);
    t.is(c.slots, 7, abi);
    t.is(c.verdict, "exceeds", abi);
    t.deepEqual(
      c.padding.map((p) => p.slot),
      [1],
      `${abi}: the wasted register sits between fd and offset`,
    );
    t.is(slotsOn("sync_file_range2", abi).slots, 6, abi);
    t.is(slotsOn("sync_file_range2", abi).padding.length, 0, abi);
  }
  t.true(analyseForm(form("sync_file_range2"), ABIS).fits);
  // i386 takes it in six: fd, lo, hi, lo, hi, flags (abi-facts §3.3 row i386).
  t.is(slotsOn("sync_file_range", "i386").slots, 6);
});

test("the reorder repair of sync_file_range is sync_file_range2's order", (t) => {
  const a = analyseForm(form("sync_file_range"), ABIS);
  const reorder = a.remedies.find((r) => r.kind === "reorder");
  t.truthy(reorder, "a reorder that fits everywhere exists");
  t.deepEqual(
    reorder!.forms[0]!.args.map((x) => x.name),
    ["fd", "flags", "offset", "nbytes"],
  );
});

test("fadvise64_64 wastes a register on arm; arm_fadvise64_64's order fits, and is the reorder repair", (t) => {
  // arch/arm/kernel/sys_arm.c: "Since loff_t is a 64 bit type we avoid a lot of ABI hassle with a different
  // argument ordering": sys_arm_fadvise64_64(int fd, int advice, loff_t offset, loff_t len).
  const arm = slotsOn("fadvise64_64", "arm");
  t.is(arm.padding.length, 1);
  t.is(arm.slots, 7);
  const fixed = slotsOn("arm_fadvise64_64", "arm");
  t.is(fixed.slots, 6);
  t.is(fixed.padding.length, 0);
  const reorder = analyseForm(form("fadvise64_64"), ABIS).remedies.find((r) => r.kind === "reorder");
  t.deepEqual(
    reorder?.forms[0]!.args.map((x) => x.name),
    ["fd", "advice", "offset", "len"],
  );
});

test("pread64 takes a padding slot on arm EABI (r3), and arm64's compat entry takes it as u32 __pad", (t) => {
  // abi-facts §3.3 row ARM EABI: pread64(fd, buf, count, 0, pos) = 6; arch/arm64/kernel/sys32.c:
  // aarch32_pread64(fd, buf, count, u32 __pad, arg_u32p(pos)).
  const c = slotsOn("pread64", "arm");
  t.is(c.slots, 6);
  t.deepEqual(c.padding, [{ slot: 3, where: "r3" }]);
  t.deepEqual(c.args[3]!.where, ["r4", "r5"]);
  t.deepEqual(c.args[3]!.halves, ["lo", "hi"], "little-endian: low word first (abi-facts §3.2)");
  const entries = entryPoints(form("pread64"), ABIS);
  const padded = entries.filter((e) => e.needs.some((n) => n.reason === "padded-pair")).map((e) => e.abi);
  // The kernel's padded compat entries: arm64 aarch32_pread64 (__pad), powerpc compat_sys_pread64 (u32 reg6),
  // mips 32_pread (unused) -- abi-facts §3.5.  x86 ia32_pread64, sparc and s390 take no pad.
  for (const abi of ["arm", "ppc", "mips", "mipsel"] as AbiId[]) t.true(padded.includes(abi), abi);
  for (const abi of ["i386", "sparc", "s390", "riscv32"] as AbiId[]) t.false(padded.includes(abi), abi);
  // arch/x86/kernel/sys_ia32.c: ia32_pread64(fd, buf, count, u32 poslo, u32 poshi).
  const i386 = slotsOn("pread64", "i386");
  t.deepEqual(i386.args[3]!.halves, ["lo", "hi"]);
  t.deepEqual(i386.args[3]!.slots, [3, 4]);
});

test("arm OABI places pread64's pos one register earlier than EABI: an entry of its own (sys_oabi_pread64)", (t) => {
  // arch/arm/kernel/sys_oabi-compat.c: sys_oabi_pread64(fd, buf, count, u32 pad, loff_t pos) under OABI_COMPAT.
  t.deepEqual(slotsOn("pread64", "arm-oabi").args[3]!.slots, [3, 4]);
  const oabi = entryPoints(form("pread64"), ABIS).find((e) => e.abi === "arm-oabi");
  t.is(oabi?.compatOn, "arm");
  t.true(oabi!.needs.some((n) => n.reason === "pair-placement"));
});

test("MIPS o32: a 7-slot syscall fits only through the stack arguments", (t) => {
  // abi-facts §3.1: arch/mips/kernel/scall32-o32.S copies arguments 5-8 from the user stack;
  // sync_file_range(fd, pad, off, off, n, n, flags) is 7 words on o32.
  for (const abi of ["mips", "mipsel"] as AbiId[]) {
    const c = slotsOn("sync_file_range", abi);
    t.is(c.slots, 7);
    t.is(c.verdict, "o32-only");
    t.deepEqual(c.args[3]!.where, ["sp+24"], `${abi}: flags is the 7th word, on the stack`);
  }
  const a = analyseForm(form("sync_file_range"), ABIS);
  t.deepEqual(a.o32Only, ["mips", "mipsel"]);
  t.false(a.fits, "o32's stack tolerance never counts as fitting");
});

test("sh: GCC back-fills r7, so sync_file_range's flags arrive before nbytes", (t) => {
  // abi-facts §3.2 row sh4 (gcc): f(int fd, ll off, ll n, unsigned flags) puts flags in r7; commit
  // 30766f1105d6 ("sh: rework sync_file_range ABI") added sh_sync_file_range6 for it.  pread64's pos moves
  // past r7 (sys_pread_wrapper's dummy).
  const c = slotsOn("sync_file_range", "sh");
  t.true(c.reordered);
  t.deepEqual(c.args[3]!.where, ["r7"]);
  t.deepEqual(c.args[2]!.where, ["r0", "r1"]);
  t.deepEqual(slotsOn("pread64", "sh").args[3]!.where, ["r0", "r1"]);
  t.true(entryPoints(form("sync_file_range"), ABIS).some((e) => e.abi === "sh" && !e.compatOn));
});

test("parisc: 64-bit values as (high, low) shim arguments, no padding", (t) => {
  // arch/parisc/kernel/sys_parisc.c: parisc_pread64(fd, buf, count, unsigned int high, unsigned int low).
  const c = slotsOn("pread64", "parisc");
  t.is(c.padding.length, 0);
  t.deepEqual(c.args[3]!.halves, ["hi", "lo"]);
  t.deepEqual(c.args[3]!.slots, [3, 4]);
});

test("fallocate's pairs are already even: six slots everywhere, no padding", (t) => {
  // abi-facts §3.4: fallocate(fd, mode, off, len) = 6 on every 32-bit ABI ("both pairs already even").
  for (const abi of ["i386", "arm", "ppc", "mips"] as AbiId[]) {
    t.is(slotsOn("fallocate", abi).slots, 6, abi);
    t.is(slotsOn("fallocate", abi).padding.length, 0, abi);
  }
});

/* -------------------------------------------- registers against abi-facts §3.3 */

/** §3.3's rows: ABI name -> the "arg 1-6" cell. */
function registerColumn(): Map<string, string> {
  const text = readFileSync(ABI_FACTS, "utf8");
  const start = text.indexOf("### 3.3 Per-ABI table");
  const rows = text
    .slice(start)
    .split("\n")
    .filter((l) => l.startsWith("| "))
    .map((l) =>
      l
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  const header = rows[0]!;
  const col = header.indexOf("arg 1-6");
  const out = new Map<string, string>();
  for (const r of rows.slice(1)) if (r[0] !== "ABI") out.set(r[0]!, r[col]!);
  return out;
}

/** "r0-r5 (r6)" -> [r0..r5]; "d1-d5, a0" -> [d1..d5, a0]; "a0-a3, then user stack (args 5-8)" -> [a0..a3]. */
function expand(cell: string): string[] {
  const plain = cell.replace(/\(.*?\)/g, "").replace(/, then.*$/, "");
  return plain
    .split(/[\s,]+/)
    .filter(Boolean)
    .flatMap((token) => {
      const range = /^([a-z]+)(\d+)-[a-z]+(\d+)$/.exec(token);
      if (!range) return [token];
      const [, p, a, b] = range;
      return Array.from({ length: Number(b) - Number(a) + 1 }, (_, i) => `${p}${Number(a) + i}`);
    });
}

/** §3.3 row names -> ABI ids. */
const ROW_ABIS: Record<string, AbiId[]> = {
  x86_64: ["x86_64"],
  x32: ["x32"],
  i386: ["i386"],
  "ARM EABI": ["arm", "armeb"],
  "ARM OABI": ["arm-oabi"],
  "MIPS o32": ["mips", "mipsel"],
  "MIPS n32": ["mipsn32", "mipsn32el"],
  "MIPS n64": ["mips64", "mips64el"],
  powerpc32: ["ppc"],
  "ppc64 (BE/LE)": ["ppc64", "ppc64le"],
  s390x: ["s390x"],
  "s390 31-bit": ["s390"],
  sparc32: ["sparc"],
  sparc64: ["sparc64"],
  riscv32: ["riscv32"],
  m68k: ["m68k"],
  "parisc (32)": ["parisc"],
  "sh (32)": ["sh"],
  arc: ["arc"],
  hexagon: ["hexagon"],
  microblaze: ["microblaze"],
  nios2: ["nios2"],
  openrisc: ["openrisc"],
  xtensa: ["xtensa"],
};

test("every ABI's syscall registers are abi-facts §3.3's 'arg 1-6' column", (t) => {
  const column = registerColumn();
  let compared = 0;
  for (const [row, ids] of Object.entries(ROW_ABIS)) {
    const cell = column.get(row);
    if (cell === undefined) return t.fail(`§3.3 has no row '${row}'`);
    for (const id of ids) {
      t.deepEqual(abiById(id)!.syscall.registers.slice(0, expand(cell).length), expand(cell), `${row} -> ${id}`);
      compared++;
    }
  }
  // The combined row "riscv64, loongarch64, alpha, aarch64" lists four register sets in one cell.
  const combined = column
    .get("riscv64, loongarch64, alpha, aarch64")!
    .split(";")
    .map((c) => expand(c.trim()));
  (["riscv64", "loongarch64", "alpha", "aarch64"] as AbiId[]).forEach((id, i) => {
    t.deepEqual(abiById(id)!.syscall.registers, combined[i], id);
    compared++;
  });
  t.true(compared >= 30, `${compared} ABIs compared`);
});

test("MIPS o32 lists its stack words after a0-a3 (user stack offsets 16-28)", (t) => {
  t.deepEqual(abiById("mips")!.syscall.registers.slice(4), ["sp+16", "sp+20", "sp+24", "sp+28"]);
  for (const abi of ABIS) t.is(abi.syscall.registers.length, abi.syscall.maxSlots, abi.id);
});
