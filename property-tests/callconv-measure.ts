/*
 * Where a real GCC puts each C argument, read from GCC's own RTL (`-fdump-rtl-expand`), for
 * property-tests/syscall-callconv.test.ts.
 *
 * Why the expand dump: before the first statement of a function body (NOTE_INSN_FUNCTION_BEG),
 * GCC copies every parameter from where the caller left it: `(set (reg/v:DI 115 [ arg1 ]) (reg:DI 2 r2
 * [ arg1 ]))` for a register (hard register number 2, named r2, in DImode), `(set (reg/v:DI 116 [ arg2 ])
 * (mem/c:DI (plus:SI (reg/f:SI 107 virtual-incoming-args) (const_int 8)) [2 arg2+0 S8 A64]))` for a stack
 * word.  That is the same text on every target, so one reader serves every architecture: no per-arch
 * assembly syntax, register spelling or instruction set is parsed.
 *
 * Numbering: each C argument word gets the index the psABI gives it, measured, not assumed.  A calibration
 * function of sixteen `long` parameters gives the C argument registers in order (hard register number ->
 * index) and the first stack word's offset from virtual-incoming-args and the stack word size (upwards or
 * downwards, parisc's grow down).  A register argument word is its register's index; a stack word is the
 * register count plus its stack word number.  A second calibration of sixteen `long long` parameters gives
 * how many registers one takes (one on 64-bit registers, two on 32-bit ones), which turns a multi-word
 * hard register into its consecutive hard registers.
 *
 * A value split between the last register and the stack (ARM OABI) is stored by GCC into the words just
 * below the caller's stack arguments (the "pretend" area), from that register, which makes the function's
 * virtual-incoming-args start that many bytes lower; those stores are read as the register words, and the
 * stack offsets of the function are shifted by their size.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import type { AbiId } from "../spec/abi.js";

/* ------------------------------------------------------------------ */
/* Compilers                                                           */
/* ------------------------------------------------------------------ */

export interface CallconvCompiler {
  /** The executable (looked up on PATH). */
  command: string;
  flags: readonly string[];
  /** Where this way of getting the ABI out of that compiler comes from. */
  source: string;
}

const S14 = "abi-facts §1.4 (triples and flags); ";
const gcc = (command: string, flags: string[], source: string): CallconvCompiler => ({ command, flags, source });

/**
 * ABI id -> a GCC that compiles for it with `-S`.  Host and cross compilers of .ci/run (Debian 12 gcc-12
 * packages); the flags are those of verify/compilers.ts and abi-facts §1.4 where they list the ABI, otherwise
 * the GCC manual's option for the ABI (the MIPS options -mabi=n32, -EB; AArch64 and ARM -mbig-endian; RISC-V
 * -march/-mabi; RS/6000 -mbig-endian, -mabi=elfv1, the ABI of big-endian Linux ppc64 user space).
 */
export const CALLCONV_COMPILERS: Partial<Record<AbiId, CallconvCompiler>> = {
  x86_64: gcc("gcc", ["-m64"], `${S14}verify/compilers.ts`),
  i386: gcc("gcc", ["-m32"], `${S14}verify/compilers.ts (gcc-12-multilib)`),
  x32: gcc("gcc", ["-mx32"], `${S14}verify/compilers.ts (gcc-12-multilib)`),
  arm: gcc("arm-linux-gnueabi-gcc-12", [], `${S14}verify/compilers.ts`),
  armeb: gcc("arm-linux-gnueabi-gcc-12", ["-mbig-endian"], "GCC manual, ARM Options: -mbig-endian"),
  "arm-oabi": gcc("arm-linux-gnueabi-gcc-12", ["-mabi=apcs-gnu"], `${S14}§3.2 (ARM OABI row), verify/compilers.ts`),
  aarch64: gcc("aarch64-linux-gnu-gcc-12", [], "Debian gcc-12-aarch64-linux-gnu"),
  aarch64_be: gcc("aarch64-linux-gnu-gcc-12", ["-mbig-endian"], "GCC manual, AArch64 Options: -mbig-endian"),
  mips: gcc("mips-linux-gnu-gcc-12", [], "Debian gcc-12-mips-linux-gnu (o32)"),
  mipsel: gcc("mipsel-linux-gnu-gcc-12", [], "Debian gcc-12-mipsel-linux-gnu (o32)"),
  mipsn32: gcc("mips64el-linux-gnuabi64-gcc-12", ["-mabi=n32", "-EB"], "GCC manual, MIPS Options: -mabi=n32, -EB"),
  mipsn32el: gcc("mips64el-linux-gnuabi64-gcc-12", ["-mabi=n32"], "GCC manual, MIPS Options: -mabi=n32"),
  mips64: gcc("mips64el-linux-gnuabi64-gcc-12", ["-EB"], "GCC manual, MIPS Options: -EB (n64 is the default)"),
  mips64el: gcc("mips64el-linux-gnuabi64-gcc-12", [], "Debian gcc-12-mips64el-linux-gnuabi64 (n64)"),
  ppc: gcc("powerpc-linux-gnu-gcc-12", [], `${S14}verify/compilers.ts`),
  ppc64: gcc(
    "powerpc64le-linux-gnu-gcc-12",
    ["-mbig-endian", "-mabi=elfv1"],
    "GCC manual, RS/6000 and PowerPC Options: -mbig-endian, -mabi=elfv1 (big-endian Linux ppc64 is ELFv1)",
  ),
  ppc64le: gcc("powerpc64le-linux-gnu-gcc-12", [], "Debian gcc-12-powerpc64le-linux-gnu"),
  s390: gcc("s390x-linux-gnu-gcc-12", ["-m31"], `${S14}verify/compilers.ts`),
  s390x: gcc("s390x-linux-gnu-gcc-12", ["-m64"], `${S14}verify/compilers.ts`),
  sparc: gcc("sparc64-linux-gnu-gcc-12", ["-m32"], `${S14}verify/compilers.ts`),
  sparc64: gcc("sparc64-linux-gnu-gcc-12", ["-m64"], `${S14}verify/compilers.ts`),
  riscv32: gcc(
    "riscv64-linux-gnu-gcc-12",
    ["-march=rv32gc", "-mabi=ilp32d"],
    "GCC manual, RISC-V Options: -march=rv32gc -mabi=ilp32d (glibc's rv32 ABI)",
  ),
  riscv64: gcc("riscv64-linux-gnu-gcc-12", [], "Debian gcc-12-riscv64-linux-gnu"),
  m68k: gcc("m68k-linux-gnu-gcc-12", [], `${S14}verify/compilers.ts`),
  alpha: gcc("alpha-linux-gnu-gcc-12", [], `${S14}verify/compilers.ts`),
  parisc: gcc("hppa-linux-gnu-gcc-12", [], `${S14}verify/compilers.ts`),
  sh: gcc("sh4-linux-gnu-gcc-12", [], `${S14}verify/compilers.ts`),
  arc: gcc("arc-linux-gnu-gcc-12", [], `${S14}verify/compilers.ts`),
};

/** Why an ABI has no row above (`apt-cache search` on Debian 12 finds no Linux GCC for it). */
export const NO_CALLCONV_COMPILER: Partial<Record<AbiId, string>> = {
  loongarch64: "Debian 12 has no loongarch64 cross GCC",
  csky: "Debian 12 has no csky cross GCC",
  hexagon: "Debian 12 has no hexagon cross GCC (clang is hexagon's compiler)",
  microblaze: "Debian 12 has no microblaze cross GCC",
  nios2: "Debian 12 has no nios2 cross GCC",
  openrisc: "Debian 12 has only the bare-metal gcc-or1k-elf, no Linux or1k GCC",
  xtensa: "Debian 12 has only gcc-xtensa-lx106 (ESP8266, call0 ABI), no Linux xtensa GCC",
};

export const compilerLabel = (c: CallconvCompiler): string => [c.command, ...c.flags].join(" ");

interface RunResult {
  ok: boolean;
  stderr: string;
  /** The spawn error's code (ENOENT) or the exit status. */
  code?: string | number | null;
}

function run(command: string, args: readonly string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, [...args], { cwd, encoding: "utf8", maxBuffer: 64 << 20 }, (error, _stdout, stderr) =>
      resolve({ ok: !error, stderr, code: error?.code }),
    );
  });
}

async function inScratch<T>(job: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "uapi-callconv-"));
  try {
    return await job(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Can this compiler, with these flags, compile a tiny function to assembly?  Undefined when it can, else
 * why not (the test's skip reason).
 */
export async function probeCompiler(c: CallconvCompiler): Promise<string | undefined> {
  return inScratch(async (dir) => {
    await writeFile(path.join(dir, "probe.c"), "int callconv_probe(int x) { return x; }\n");
    const r = await run(c.command, [...c.flags, "-O2", "-S", "-o", "probe.s", "probe.c"], dir);
    if (r.ok) return undefined;
    if (r.code === "ENOENT") return `${c.command} is not installed`;
    const first = r.stderr.split("\n").find((l) => l.trim()) ?? `exit status ${String(r.code)}`;
    return `\`${compilerLabel(c)} -S\` cannot compile a tiny function: ${first.trim()}`;
  });
}

/* ------------------------------------------------------------------ */
/* Measurement                                                         */
/* ------------------------------------------------------------------ */

/** A C prototype: a name (a C identifier is not needed) and its parameters' C types. */
export interface Prototype {
  name: string;
  params: readonly string[];
}

/** One C argument word: in a register, or in the caller's stack words. */
export type Where = { reg: string } | { stackWord: number; offset: number };

export interface ParamWords {
  /** The C argument words the parameter takes, ascending: register index, or register count + stack word. */
  words: number[];
  /** Where each word is, in the order of `words`. */
  where: Where[];
}

/** `r5`, `stack word 0 (offset 16)`: stack offsets are from GCC's virtual-incoming-args. */
export const whereText = (w: Where): string => ("reg" in w ? w.reg : `stack word ${w.stackWord} (offset ${w.offset})`);

export interface Measurement {
  /** The C argument registers in the psABI's order, as GCC names them (x86-64: di si dx cx r8 r9). */
  registers: string[];
  /** Offset of the first stack argument word from GCC's virtual-incoming-args (MIPS o32: 16, after a0-a3's). */
  firstStackOffset: number;
  /** Bytes from one stack argument word to the next: negative where arguments grow downwards (parisc). */
  stackStride: number;
  /** Registers one `long long` takes. */
  regsPerLongLong: number;
  /** Per prototype name, per parameter. */
  prototypes: Map<string, ParamWords[]>;
}

const CALIBRATION = 16;
const CAL_LONG = "cc_cal_long";
const CAL_LLONG = "cc_cal_llong";

/** A header-free C file: one function per prototype whose body stores every parameter into a volatile global. */
export function callconvSource(prototypes: readonly Prototype[]): string {
  const fn = (name: string, params: readonly string[]): string => {
    const decl = params.map((t, i) => `${t} arg${i}`).join(", ") || "void";
    const body = params.map((t, i) => `  extern ${t} volatile ${name}_${i};\n  ${name}_${i} = arg${i};\n`).join("");
    return `void ${name}(${decl})\n{\n${body}}\n`;
  };
  const tags = new Set<string>();
  for (const p of prototypes)
    for (const t of p.params) for (const m of t.matchAll(/\bstruct\s+(\w+)/g)) tags.add(m[1]!);
  return [
    "/* property-tests/callconv-measure.ts: where does GCC put each argument? */",
    ...[...tags].map((t) => `struct ${t};`),
    fn(CAL_LONG, Array<string>(CALIBRATION).fill("long")),
    fn(CAL_LLONG, Array<string>(CALIBRATION).fill("long long")),
    ...prototypes.map((p, i) => `/* ${p.name} */\n${fn(`cc_p${i}`, p.params)}`),
  ].join("\n");
}

/**
 * Compile all prototypes in one GCC run (`-O2 -S -fdump-rtl-expand`) and read where each parameter arrives.
 * Throws when the compiler fails or the dump says something this reader does not understand.
 */
export async function measure(c: CallconvCompiler, prototypes: readonly Prototype[]): Promise<Measurement> {
  const source = callconvSource(prototypes);
  const dump = await inScratch(async (dir) => {
    await writeFile(path.join(dir, "cc.c"), source);
    const r = await run(c.command, [...c.flags, "-O2", "-S", "-fdump-rtl-expand", "-o", "cc.s", "cc.c"], dir);
    if (!r.ok) throw new Error(`${compilerLabel(c)} failed:\n${r.stderr}`);
    const name = (await readdir(dir)).find((f) => f.endsWith(".expand"));
    if (!name) throw new Error(`${compilerLabel(c)} wrote no -fdump-rtl-expand file`);
    return readFile(path.join(dir, name), "utf8");
  });
  const fns = incomingByFunction(dump);
  const get = (name: string): Incoming => {
    const f = fns.get(name);
    if (!f) throw new Error(`no function ${name} in the expand dump of ${compilerLabel(c)}`);
    return f;
  };

  // Calibration 1: sixteen longs.  Registers first, in the psABI's order, then equally spaced stack words.
  const cal = get(CAL_LONG);
  const registers: string[] = [];
  const regIndex = new Map<number, number>();
  let n = 0;
  for (; n < CALIBRATION; n++) {
    const p = cal.params[n]!;
    if (p.regs.length === 0) break;
    if (p.regs.length !== 1 || p.mems.length !== 0) throw new Error(`calibration: long arg${n} is ${describe(p)}`);
    registers.push(p.regs[0]!.name);
    regIndex.set(p.regs[0]!.regno, n);
  }
  const stackOffsets = cal.params.slice(n).map((p, i) => {
    if (p.regs.length !== 0 || p.mems.length !== 1) throw new Error(`calibration: long arg${n + i} is ${describe(p)}`);
    return p.mems[0]!.offset;
  });
  if (stackOffsets.length < 2) throw new Error("calibration: fewer than two stack words");
  const stackStride = stackOffsets[1]! - stackOffsets[0]!;
  // A long narrower than a stack word (n32) sits at the word's end on a big-endian ABI: the word starts lower.
  const firstStackOffset = stackOffsets[0]! - mod(stackOffsets[0]!, Math.abs(stackStride));
  if (![4, 8].includes(Math.abs(stackStride)) || cal.pretend !== 0)
    throw new Error(`calibration: stack words ${stackOffsets.join(", ")}`);
  stackOffsets.forEach((o, i) => {
    if (o !== stackOffsets[0]! + i * stackStride)
      throw new Error(`calibration: stack words ${stackOffsets.join(", ")}`);
  });

  // Calibration 2: sixteen long longs.  One register each on 64-bit registers, else two.
  const llong = get(CAL_LLONG);
  const inRegs = llong.params.filter((p) => p.regs.length > 0 && p.mems.length === 0).length;
  const regsPerLongLong = n === 0 || inRegs === n ? 1 : 2;

  const wordsOf = (f: Incoming, p: IncomingParam, what: string): ParamWords => {
    const found: { word: number; where: Where }[] = [];
    for (const r of p.regs) {
      const count = r.bytes > 4 && regsPerLongLong === 2 ? Math.ceil(r.bytes / 4) : 1;
      for (let k = 0; k < count; k++) {
        const index = regIndex.get(r.regno + k);
        if (index === undefined) throw new Error(`${what}: hard register ${r.regno + k} is not an argument register`);
        found.push({ word: index, where: { reg: k === 0 ? r.name : `${r.name}+${k}` } });
      }
    }
    if (f.pretend !== 0 && stackStride < 0) throw new Error(`${what}: a split argument on a downward stack`);
    const stackWords = new Set<number>();
    for (const m of p.mems) {
      for (let b = m.offset; b < m.offset + m.bytes; b++) {
        if (f.pretendBytes.has(b)) continue; // filled from a register (counted above)
        const k = Math.sign(stackStride) * Math.floor((b - f.pretend - firstStackOffset) / Math.abs(stackStride));
        if (k < 0) throw new Error(`${what}: byte ${b} of virtual-incoming-args is not a stack argument`);
        stackWords.add(k);
      }
    }
    for (const k of stackWords) {
      const offset = firstStackOffset + f.pretend + k * stackStride;
      found.push({ word: registers.length + k, where: { stackWord: k, offset } });
    }
    found.sort((a, b) => a.word - b.word);
    if (found.length === 0) throw new Error(`${what}: no incoming location`);
    return { words: found.map((w) => w.word), where: found.map((w) => w.where) };
  };

  // The long longs in registers must then take argument words 0, 1, 2... in steps of regsPerLongLong.
  llong.params.slice(0, inRegs).forEach((p, j) => {
    const words = wordsOf(llong, p, `calibration: long long arg${j}`).words;
    const want = Array.from({ length: regsPerLongLong }, (_, k) => j * regsPerLongLong + k);
    if (words.join() !== want.join()) throw new Error(`calibration: long long arg${j} takes words ${words.join()}`);
  });

  const measured = new Map<string, ParamWords[]>();
  prototypes.forEach((proto, i) => {
    const f = get(`cc_p${i}`);
    if (f.params.length !== proto.params.length)
      throw new Error(`${proto.name}: ${f.params.length} parameters in the dump, ${proto.params.length} declared`);
    measured.set(
      proto.name,
      f.params.map((p, j) => wordsOf(f, p, `${proto.name} arg${j} (${proto.params[j]})`)),
    );
  });
  return { registers, firstStackOffset, stackStride, regsPerLongLong, prototypes: measured };
}

const mod = (a: number, m: number) => ((a % m) + m) % m;

/* ------------------------------------------------------------------ */
/* Reading the expand dump                                             */
/* ------------------------------------------------------------------ */

interface RegLoc {
  regno: number;
  name: string;
  /** The mode's size in bytes. */
  bytes: number;
}
interface MemLoc {
  /** Offset from virtual-incoming-args (before any pretend shift). */
  offset: number;
  bytes: number;
}
interface IncomingParam {
  regs: RegLoc[];
  mems: MemLoc[];
}
interface Incoming {
  params: IncomingParam[];
  /** Bytes stored from registers into the incoming-arguments area (a split argument's register part). */
  pretend: number;
  pretendBytes: Set<number>;
}

function describe(p: IncomingParam): string {
  const r = p.regs.map((x) => `${x.name}(${x.bytes})`);
  const m = p.mems.map((x) => `mem ${x.offset}(${x.bytes})`);
  return [...r, ...m].join(" + ") || "nowhere";
}

type Sexp = string | SexpList;
interface SexpList {
  open: "(" | "[";
  items: Sexp[];
}

/** Tokens of RTL text: parentheses, brackets, strings, and atoms. */
function parseSexps(text: string): Sexp[] {
  const top: Sexp[] = [];
  const stack: SexpList[] = [];
  const push = (s: Sexp) => (stack.length ? stack[stack.length - 1]!.items.push(s) : top.push(s));
  const re = /\s+|([([])|([)\]])|("(?:[^"\\]|\\.)*")|([^\s()[\]"]+)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text))) {
    if (m[1]) stack.push({ open: m[1] as "(" | "[", items: [] });
    else if (m[2]) {
      const done = stack.pop();
      if (!done) throw new Error("unbalanced RTL dump");
      push(done);
    } else if (m[3] || m[4]) push((m[3] ?? m[4])!);
  }
  if (stack.length) throw new Error("unbalanced RTL dump");
  return top;
}

const isList = (s: Sexp | undefined): s is SexpList => typeof s === "object";
/** `reg/v:DI` -> { code: "reg", mode: "DI" }. */
function head(s: Sexp | undefined): { code: string; mode: string } {
  if (!isList(s) || s.open !== "(" || typeof s.items[0] !== "string") return { code: "", mode: "" };
  const [codeFlags, mode = ""] = s.items[0].split(":");
  return { code: codeFlags!.split("/")[0]!, mode };
}

const MODE_BYTES: Record<string, number> = { QI: 1, HI: 2, SI: 4, DI: 8, TI: 16 };

/** The hard register of `(reg:M N name ...)`; undefined for a pseudo (no name) or virtual register. */
function hardReg(s: Sexp): RegLoc | undefined {
  const h = head(s);
  if (h.code !== "reg" || !isList(s)) return undefined;
  const [, num, name] = s.items;
  if (typeof num !== "string" || typeof name !== "string" || name.startsWith("virtual-")) return undefined;
  const bytes = MODE_BYTES[h.mode];
  if (bytes === undefined) throw new Error(`register mode ${h.mode}`);
  return { regno: Number(num), name, bytes };
}

/**
 * The parameter a register or memory reference's attributes name: `[ arg3 ]`, `[ arg3+4 ]`, `[2 arg3+0 S8 A64]`,
 * `[ arg3+-4 ]` (an int promoted to a 64-bit register on a big-endian ABI).
 */
function namedParam(s: Sexp): number | undefined {
  if (!isList(s)) return undefined;
  const h = head(s);
  if (h.code === "reg" || h.code === "mem") {
    for (const item of s.items) {
      if (!isList(item) || item.open !== "[") continue;
      for (const a of item.items) {
        const m = typeof a === "string" ? /^arg(\d+)(?:\+-?\d+)?$/.exec(a) : null;
        if (m) return Number(m[1]);
      }
    }
  }
  for (const item of s.items.slice(1)) {
    const p = isList(item) && item.open === "(" ? namedParam(item) : undefined;
    if (p !== undefined) return p;
  }
  return undefined;
}

/** Size from a mem's attributes (`S8`), else from its mode. */
function memBytes(s: Sexp): number {
  if (isList(s))
    for (const item of s.items)
      if (isList(item) && item.open === "[")
        for (const a of item.items) if (typeof a === "string" && /^S\d+$/.test(a)) return Number(a.slice(1));
  const b = MODE_BYTES[head(s).mode];
  if (b === undefined) throw new Error(`memory mode ${head(s).mode}`);
  return b;
}

/** Offset from virtual-incoming-args of an address, following pseudo registers set earlier in the function. */
function incomingOffset(addr: Sexp, defs: Map<string, Sexp>): number | undefined {
  if (!isList(addr)) return undefined;
  const h = head(addr);
  if (h.code === "reg") {
    const [, num, name] = addr.items;
    if (name === "virtual-incoming-args") return 0;
    const def = typeof num === "string" ? defs.get(num) : undefined;
    return def ? incomingOffset(def, defs) : undefined;
  }
  if (h.code === "plus") {
    const [, a, k] = addr.items;
    const base = a === undefined ? undefined : incomingOffset(a, defs);
    const kk = isList(k) && head(k).code === "const_int" ? Number(k.items[1]) : undefined;
    return base === undefined || kk === undefined ? undefined : base + kk;
  }
  return undefined;
}

/** Per function (by name), where each parameter comes from, read from the insns before NOTE_INSN_FUNCTION_BEG. */
function incomingByFunction(dump: string): Map<string, Incoming> {
  const out = new Map<string, Incoming>();
  const sections = dump.split(/^;; Function /m).slice(1);
  for (const sec of sections) {
    const name = /^(\S+)/.exec(sec)![1]!;
    const start = sec.indexOf("\n(");
    const beg = sec.search(/^\(note [^\n]*NOTE_INSN_FUNCTION_BEG\)/m);
    if (start < 0 || beg < 0) throw new Error(`${name}: no RTL up to NOTE_INSN_FUNCTION_BEG in the expand dump`);
    const insns = parseSexps(sec.slice(start, beg));
    const params: IncomingParam[] = [];
    const param = (i: number) => (params[i] ??= { regs: [], mems: [] });
    const defs = new Map<string, Sexp>();
    const inc: Incoming = { params, pretend: 0, pretendBytes: new Set() };
    for (const insn of insns) {
      if (!isList(insn) || insn.items[0] !== "insn") continue;
      const pattern = insn.items.find((x) => isList(x) && x.open === "(");
      if (!isList(pattern) || head(pattern).code !== "set") continue;
      const [, dest, extended] = pattern.items as [Sexp, Sexp, Sexp];
      // A narrow stack argument is loaded with an extension on 64-bit ABIs: `(sign_extend:DI (mem:SI ...))`.
      const src = ["sign_extend", "zero_extend"].includes(head(extended).code)
        ? (extended as SexpList).items[1]!
        : extended;
      const reg = hardReg(src);
      if (reg) {
        const p = namedParam(src) ?? namedParam(dest);
        if (p === undefined) throw new Error(`${name}: incoming ${reg.name} copied to no parameter`);
        param(p).regs.push(reg);
        if (head(dest).code === "mem" && isList(dest)) {
          // A split argument's register part stored below the caller's stack words.
          const off = incomingOffset(dest.items[1]!, defs);
          if (off === undefined) throw new Error(`${name}: ${reg.name} stored outside the incoming arguments`);
          for (let b = off; b < off + reg.bytes; b++) inc.pretendBytes.add(b);
          inc.pretend += reg.bytes;
        }
        continue;
      }
      if (head(src).code === "mem" && isList(src)) {
        const p = namedParam(src) ?? namedParam(dest);
        if (p === undefined) continue;
        let offset = incomingOffset(src.items[1]!, defs);
        if (offset === undefined) {
          // Else the REG_EQUIV note's canonical address.
          const note = insn.items.find((x) => isList(x) && x.items[0] === "expr_list:REG_EQUIV");
          const mem = isList(note) ? note.items[1] : undefined;
          offset = mem && isList(mem) && head(mem).code === "mem" ? incomingOffset(mem.items[1]!, defs) : undefined;
        }
        if (offset === undefined) throw new Error(`${name}: arg${p} loaded from an address not read`);
        param(p).mems.push({ offset, bytes: memBytes(src) });
        continue;
      }
      if (head(dest).code === "reg" && isList(dest) && typeof dest.items[1] === "string") defs.set(dest.items[1], src);
    }
    for (let i = 0; i < params.length; i++) param(i);
    out.set(name, inc);
  }
  return out;
}
