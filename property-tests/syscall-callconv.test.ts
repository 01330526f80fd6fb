/*
 * The slot model (syscall/slots.ts `countSlots(...).placement`) against real GCCs: for each ABI with a
 * compiler here, kernel syscall prototypes are compiled in one GCC run and the C argument words each
 * parameter takes are read from GCC's RTL (property-tests/callconv-measure.ts).  On most ports the syscall
 * entry hands the user registers straight to the C handler (abi-facts §3.2), so the C words are the syscall
 * slots; where the two conventions differ, the difference is asserted as such, with its source.
 *
 * Expected values come from the compiler only; the test's own width of a C type (below) is what it hands
 * the tool.  An ABI with no compiler here is a skipped test saying why.
 */
import test from "ava";

import { ABIS } from "../spec/abis.js";
import type { AbiEntry, AbiId } from "../spec/abi.js";
import { countSlots, type ArgWidth } from "../syscall/slots.js";
import {
  CALLCONV_COMPILERS,
  NO_CALLCONV_COMPILER,
  compilerLabel,
  measure,
  probeCompiler,
  whereText,
  type Measurement,
  type ParamWords,
  type Prototype,
} from "./callconv-measure.js";

/* ------------------------------------------------------------------ */
/* Prototypes                                                          */
/* ------------------------------------------------------------------ */

/* The kernel's parameter types: loff_t is `long long`, size_t `unsigned long`, pid_t `int`, user pointers real
 * pointer types.  Sources: include/linux/syscalls.h unless named (arch files as in abi-facts §3.3). */
const PROTOTYPES: readonly Prototype[] = [
  // sys_pread64(unsigned int fd, char __user *buf, size_t count, loff_t pos)
  { name: "pread64", params: ["unsigned int", "char *", "unsigned long", "long long"] },
  // sys_pwrite64(unsigned int fd, const char __user *buf, size_t count, loff_t pos)
  { name: "pwrite64", params: ["unsigned int", "const char *", "unsigned long", "long long"] },
  // sys_sync_file_range(int fd, loff_t offset, loff_t nbytes, unsigned int flags)
  { name: "sync_file_range", params: ["int", "long long", "long long", "unsigned int"] },
  // sys_sync_file_range2(int fd, unsigned int flags, loff_t offset, loff_t nbytes)
  { name: "sync_file_range2", params: ["int", "unsigned int", "long long", "long long"] },
  // sys_fadvise64_64(int fd, loff_t offset, loff_t len, int advice)
  { name: "fadvise64_64", params: ["int", "long long", "long long", "int"] },
  // arch/arm/kernel/sys_arm.c: sys_arm_fadvise64_64(int fd, int advice, loff_t offset, loff_t len)
  { name: "arm_fadvise64_64", params: ["int", "int", "long long", "long long"] },
  // sys_fallocate(int fd, int mode, loff_t offset, loff_t len)
  { name: "fallocate", params: ["int", "int", "long long", "long long"] },
  // sys_readahead(int fd, loff_t offset, size_t count)
  { name: "readahead", params: ["int", "long long", "unsigned long"] },
  // sys_ftruncate64(unsigned int fd, loff_t length)
  { name: "ftruncate64", params: ["unsigned int", "long long"] },
  // sys_openat2(int dfd, const char __user *filename, struct open_how __user *how, size_t size)
  { name: "openat2", params: ["int", "const char *", "struct open_how *", "unsigned long"] },
  // sys_clone3(struct clone_args __user *uargs, size_t size)
  { name: "clone3", params: ["struct clone_args *", "unsigned long"] },
  // mmap2 is sys_mmap_pgoff(unsigned long addr, len, prot, flags, fd, pgoff) (arch/arm/kernel/entry-common.S)
  { name: "mmap2", params: Array<string>(6).fill("unsigned long") },
  // sys_splice(int fd_in, loff_t __user *off_in, int fd_out, loff_t __user *off_out, size_t len, unsigned int flags)
  { name: "splice", params: ["int", "long long *", "int", "long long *", "unsigned long", "unsigned int"] },
  // sys_process_vm_readv(pid_t pid, const struct iovec __user *lvec, unsigned long liovcnt,
  //                      const struct iovec __user *rvec, unsigned long riovcnt, unsigned long flags)
  {
    name: "process_vm_readv",
    params: ["int", "const struct iovec *", "unsigned long", "const struct iovec *", "unsigned long", "unsigned long"],
  },
  // Made up: 7 slots with even pairs (fd, a, b, pad, off, flags), 8 with two pads (fd, pad, a, b, pad, c).
  { name: "made_up_7", params: ["int", "unsigned int", "unsigned int", "long long", "unsigned int"] },
  { name: "made_up_8", params: ["int", "long long", "unsigned int", "long long"] },
];

/** The test's own width of a C parameter type. */
function widthOf(type: string): ArgWidth {
  if (type.includes("*") || /^(unsigned )?long$/.test(type)) return "ptr"; // pointer, long, size_t
  if (/^(unsigned )?long long$/.test(type)) return "64"; // loff_t
  return "32"; // int, unsigned int, pid_t
}
const widths = (p: Prototype): ArgWidth[] => p.params.map(widthOf);

/**
 * The same call as a shim with explicit 32-bit halves: every 64-bit parameter becomes two `unsigned int`
 * (parisc's `parisc_pread64(fd, buf, count, high, low)`, s390's `s390_fallocate(fd, mode, offhigh, offlow, lenhigh,
 * lenlow)`).
 */
const shimOf = (p: Prototype): Prototype => ({
  name: `${p.name}_shim`,
  params: p.params.flatMap((t) => (widthOf(t) === "64" ? ["unsigned int", "unsigned int"] : [t])),
});

/** The shim's words folded back onto the original parameters (a 64-bit one gets both halves'). */
function foldShim(p: Prototype, shim: readonly ParamWords[]): number[][] {
  let i = 0;
  return p.params.map((t) => {
    const words = widthOf(t) === "64" ? [...shim[i]!.words, ...shim[i + 1]!.words] : shim[i]!.words;
    i += widthOf(t) === "64" ? 2 : 1;
    return [...words].sort((a, b) => a - b);
  });
}

/* ------------------------------------------------------------------ */
/* Which ABIs compare how                                              */
/* ------------------------------------------------------------------ */

/*
 * ABIs whose syscall ABI takes 64-bit values as explicit (high, low) u32 shim arguments, so the tool's slots
 * are compared with the shim prototype's C words:
 * - parisc: arch/parisc/kernel/sys_parisc.c (parisc_pread64(fd, buf, count, high, low), parisc_fallocate(fd,
 *   mode, offhi, offlo, lenhi, lenlo), ...; abi-facts §3.3 row parisc).
 * - s390 31-bit: arch/s390/kernel/compat_linux.c (s390_fallocate(fd, mode, offhigh, offlow, lenhigh, lenlow),
 *   s390_sync_file_range(fd, offhigh, offlow, nhigh, nlow, flags), ...; abi-facts §3.3 row s390 31-bit).
 */
const SHIM_ABIS: ReadonlySet<AbiId> = new Set(["parisc", "s390"]);

/*
 * sh: GCC never splits a 64-bit value between r7 and the stack, and back-fills r7 with the next 32-bit
 * argument (abi-facts §3.2 row sh4; the accident that kernel commit 30766f1105d6 "sh: rework
 * sync_file_range ABI" fixed).  The main comparison covers it: sync_file_range, fadvise64_64 and made_up_7
 * have a back-filled r7.
 */

/* ------------------------------------------------------------------ */
/* Measuring (one GCC run per ABI, shared by its tests)                */
/* ------------------------------------------------------------------ */

const probes = new Map<AbiId, string | undefined>(
  await Promise.all(
    ABIS.map(async (abi): Promise<[AbiId, string | undefined]> => {
      const c = CALLCONV_COMPILERS[abi.id];
      if (!c)
        return [abi.id, `no GCC for ${abi.id} here: ${NO_CALLCONV_COMPILER[abi.id] ?? "no CALLCONV_COMPILERS row"}`];
      return [abi.id, await probeCompiler(c)];
    }),
  ),
);

const measurements = new Map<AbiId, Promise<Measurement>>();
function measured(abi: AbiEntry): Promise<Measurement> {
  let m = measurements.get(abi.id);
  if (!m) {
    const needsShim = SHIM_ABIS.has(abi.id);
    m = measure(CALLCONV_COMPILERS[abi.id]!, [...PROTOTYPES, ...(needsShim ? PROTOTYPES.map(shimOf) : [])]);
    measurements.set(abi.id, m);
  }
  return m;
}

const wordsOf = (m: Measurement, name: string): ParamWords[] => {
  const w = m.prototypes.get(name);
  if (!w) throw new Error(`no measurement of ${name}`);
  return w;
};
const show = (p: Prototype, w: readonly ParamWords[]) =>
  `${p.name}(${p.params.join(", ")}): ${w.map((x) => x.where.map(whereText).join(" + ")).join(", ")}`;

/** The C words the tool's slots are compared with: the prototype's own, or its shim's on SHIM_ABIS. */
function syscallWords(abi: AbiEntry, m: Measurement, p: Prototype): number[][] {
  if (SHIM_ABIS.has(abi.id)) return foldShim(p, wordsOf(m, shimOf(p).name));
  return wordsOf(m, p.name).map((w) => w.words);
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */
/* ------------------------------------------------------------------ */

for (const abi of ABIS) {
  const why = probes.get(abi.id);
  if (why !== undefined) {
    test.skip(`callconv ${abi.id}: GCC's argument words are the tool's slots (skipped: ${why})`, () => {});
    continue;
  }
  const c = CALLCONV_COMPILERS[abi.id]!;
  const compared = PROTOTYPES;
  const how = SHIM_ABIS.has(abi.id) ? "the (high, low) shims' C words" : "the C words";

  const what = `${how} of ${compared.length} prototypes are the tool's slots`;
  test(`callconv ${abi.id} (${compilerLabel(c)}): ${what}`, async (t) => {
    const m = await measured(abi);
    for (const p of compared) {
      const placement = countSlots(widths(p), abi.syscall).placement;
      const measuredAs = SHIM_ABIS.has(abi.id) ? shimOf(p) : p;
      t.deepEqual(syscallWords(abi, m, p), placement, `${abi.id} ${show(measuredAs, wordsOf(m, measuredAs.name))}`);
    }
  });

  // The documented differences between the C convention and the syscall convention.
  if (abi.id === "x86_64" || abi.id === "x32") {
    // AMD64 psABI §3.2.3: C passes integer arguments in rdi, rsi, rdx, rcx, r8, r9; §A.2.1 (and syscall(2)): the
    // kernel takes rdi, rsi, rdx, r10, r8, r9, because `syscall` overwrites rcx.  Only the 4th register
    // differs, not its index, so C's word index is the syscall slot (GCC names rdi... di, si, dx, cx, r8, r9).
    test(`callconv ${abi.id}: C's 4th argument is in rcx where the syscall's is in r10, the same slot`, async (t) => {
      const m = await measured(abi);
      t.deepEqual(m.registers, ["di", "si", "dx", "cx", "r8", "r9"]);
    });
  }
  if (abi.id === "i386" || abi.id === "m68k") {
    // i386 and m68k psABIs: C passes every argument on the stack; the syscall takes registers (syscall(2):
    // ebx ecx edx esi edi ebp; d1-d5, a0) in the same order, so stack word K is slot K.
    test(`callconv ${abi.id}: C passes everything on the stack (slot = stack word)`, async (t) => {
      const m = await measured(abi);
      t.deepEqual(m.registers, []);
      t.is(m.stackStride, 4);
      for (const p of PROTOTYPES)
        for (const w of wordsOf(m, p.name))
          w.where.forEach((x, i) => t.true("stackWord" in x && x.stackWord === w.words[i], show(p, [w])));
    });
  }
  if (abi.id === "mips" || abi.id === "mipsel") {
    // MIPS o32 psABI: a0-a3, then the caller's stack from offset 16 (o32 reserves a 16-byte home area for
    // a0-a3), so slot = offset / 4; the kernel copies arguments 5-8 from the user stack
    // (arch/mips/kernel/scall32-o32.S; abi-facts §3.1).  7 and 8 slots exist only through these stack words.
    test(`callconv ${abi.id}: o32 slots 4-7 are the caller's stack words at offset = 4 * slot`, async (t) => {
      const m = await measured(abi);
      t.deepEqual(m.registers, ["$4", "$5", "$6", "$7"]);
      t.is(m.firstStackOffset, 16);
      let beyondSix = 0;
      for (const p of PROTOTYPES) {
        const ws = wordsOf(m, p.name);
        for (const w of ws)
          w.where.forEach((x, i) => {
            if ("stackWord" in x) t.is(x.offset, 4 * w.words[i]!, show(p, [w]));
          });
        const slots = Math.max(...ws.flatMap((w) => w.words)) + 1;
        if (slots > 6) {
          beyondSix++;
          t.true(slots <= 8, show(p, ws));
          t.is(countSlots(widths(p), abi.syscall).verdict, "o32-only", show(p, ws));
        }
      }
      t.true(beyondSix >= 2, "the 7- and 8-slot prototypes need o32's stack words");
    });
  }
  if (abi.id === "s390") {
    // s390 ELF ABI: C has only r2-r6 for arguments, so a 6th word goes on the stack, while the syscall takes
    // r2-r7 (syscall(2)): stack word 0 is slot 5.  A 64-bit value that would start at r6 goes whole onto the
    // stack and r6 stays unused (measured: GCC never splits r6/stack); the kernel's compat shims take the
    // halves as separate u32s instead, so the flat C prototype is one word further from there on.
    test("callconv s390: C has only r2-r6; a 6th word and a pair at r6 go on the stack", async (t) => {
      const m = await measured(abi);
      t.deepEqual(m.registers, ["%r2", "%r3", "%r4", "%r5", "%r6"]);
      for (const p of PROTOTYPES) {
        const shim = foldShim(p, wordsOf(m, shimOf(p).name));
        let shift = 0;
        const expected = shim.map((w, i) => {
          if (widthOf(p.params[i]!) === "64" && w[0] === 4) shift += 1; // r6 left empty
          return w.map((x) => x + shift);
        });
        t.deepEqual(
          wordsOf(m, p.name).map((w) => w.words),
          expected,
          show(p, wordsOf(m, p.name)),
        );
        for (const w of wordsOf(m, shimOf(p).name))
          if (w.words[0] === 5) t.deepEqual(w.where, [{ stackWord: 0, offset: m.firstStackOffset }]);
      }
    });
  }
  if (abi.id === "parisc") {
    // parisc's C ABI puts 64-bit values in even pairs of argument words (abi-facts §3.2), but its syscall ABI is
    // the explicit (high, low) shims compared above.  The flat prototypes measure even pairs: a walk that
    // starts a 64-bit value at the next even word.
    test("callconv parisc: the flat C prototypes measure even pairs", async (t) => {
      const m = await measured(abi);
      for (const p of PROTOTYPES) {
        let next = 0;
        const even = widths(p).map((w) => {
          if (w !== "64") return [next++];
          next += next % 2;
          next += 2;
          return [next - 2, next - 1];
        });
        t.deepEqual(
          wordsOf(m, p.name).map((w) => w.words),
          even,
          show(p, wordsOf(m, p.name)),
        );
      }
    });
  }
  if (abi.id === "sh") {
    // The back-fill itself, from GCC: sync_file_range(fd, off, n, flags) has flags in r7 (slot 3), before n at
    // 4-5 (abi-facts §3.2 row sh4; commit 30766f1105d6 "sh: rework sync_file_range ABI").
    test("callconv sh: GCC back-fills r7 with the argument after a pair that would straddle r7/stack", async (t) => {
      const m = await measured(abi);
      const sfr = wordsOf(m, "sync_file_range");
      t.deepEqual(
        sfr.map((w) => w.words),
        [[0], [1, 2], [4, 5], [3]],
      );
      t.deepEqual(sfr[3]!.where, [{ reg: "r7" }]);
    });
  }
}
