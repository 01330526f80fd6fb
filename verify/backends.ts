/*
 * The compilers that judge a probe, each returning its own value for every
 * fact.  Two ways of reading values back:
 *   - clang (@yowasp/clang in WebAssembly, or a `clang` on PATH):
 *     `-fsyntax-only -Xclang -fdump-record-layouts`; the dump holds sizes,
 *     alignments, offsets and bit-field positions.  One invocation.
 *   - GCC: `-S`; the assembly holds uapi_values[] and the bit-field objects.
 *     When the compiler rejects the _Static_asserts there is no assembly, so
 *     a second pass with -DUAPI_PROBE_MEASURE_ONLY measures.
 * Either way the compiler's verdict on the asserts is kept, and a backend
 * whose verdict disagrees with its own measured values reports an error
 * rather than a result.
 */
import type { AbiEntry } from "../spec/abi.js";
import { layoutRecord } from "../core/layout.js";
import { dataReader, setBits } from "./asm-data.js";
import type { ClangTarget, GccTarget } from "./compilers.js";
import { visitMembers, type MemberVisit } from "./facts.js";
import { MEASURE_ONLY, type Probe, type ProbeEntry } from "./probe.js";
import { parseRecordDump, type DumpNode, type DumpedRecord } from "./record-dump.js";
import { compileSourceAsync } from "./system-cc.js";

export interface BackendRun {
  /** Display name, e.g. "clang 21.1.4 (@yowasp/clang) --target=mips-linux-gnu". */
  compiler: string;
  /** The compiler's value for each fact of each entry (undefined: not measured). */
  measured: (number | undefined)[][];
  /** How many _Static_asserts the compiler rejected. */
  assertFailures: number;
  /** Set when the compiler could not be run or said something other than assert failures. */
  error?: string;
  ms: number;
}

const COMMON = ["-std=gnu11", "-ffreestanding", "-w"];

/* ---------------------------------------------------------------- clang */

function measureFromDump(entry: ProbeEntry, abi: AbiEntry, dumped: DumpedRecord | undefined): (number | undefined)[] {
  const got = new Map<string, number>();
  if (dumped) {
    got.set("size|", dumped.size);
    got.set("align|", dumped.align);
    const walk = (visits: MemberVisit[], nodes: DumpNode[]) => {
      // clang prints every field (anonymous ones and unnamed bit-fields too) in declaration order.
      if (visits.length !== nodes.length) return;
      visits.forEach((v, i) => {
        const n = nodes[i]!;
        if (v.member.bits !== undefined) {
          if (v.path && n.bitOffset !== undefined) {
            got.set(`bit-offset|${v.path}`, n.bitOffset);
            got.set(`bit-width|${v.path}`, n.bits!);
          }
          return;
        }
        if (v.path) got.set(`offset|${v.path}`, n.offset);
        if (v.children) walk(v.children, n.children);
      });
    };
    walk(visitMembers(layoutRecord(entry.record, abi)), dumped.members);
  }
  return entry.facts.map((f) => got.get(`${f.kind}|${f.member}`));
}

const ERROR_LINE = /(?:^|\n)[^\n]*?\berror: ([^\n]*)/g;

/** Error messages that are not rejected _Static_asserts, and how many asserts were rejected. */
function classifyErrors(stderr: string): { asserts: number; other: string[] } {
  let asserts = 0;
  const other: string[] = [];
  for (const m of stderr.matchAll(ERROR_LINE)) {
    if (/static assert(ion)? failed/i.test(m[1]!)) asserts++;
    else other.push(m[0]!.trim());
  }
  return { asserts, other };
}

function clangArgs(target: ClangTarget): string[] {
  return [`--target=${target.triple}`, ...target.flags, ...COMMON, "-fsyntax-only", "-ferror-limit=0", "-fno-caret-diagnostics", "-fno-color-diagnostics", "-Xclang", "-fdump-record-layouts"];
}

function clangResult(compiler: string, probe: Probe, abi: AbiEntry, stdout: string, stderr: string, started: number): BackendRun {
  const { asserts, other } = classifyErrors(stderr);
  const dumps = parseRecordDump(stdout);
  const measured = probe.entries.map((e) => measureFromDump(e, abi, dumps.get(e.cname)));
  const run: BackendRun = { compiler, measured, assertFailures: asserts, ms: performance.now() - started };
  if (other.length) run.error = `${compiler} rejected the probe: ${other.slice(0, 3).join(" | ")}`;
  return run;
}

/* lib/api.d.ts of @yowasp/clang 21.1.4-3 declares runLLVM and commands but not runClang, which the bundle exports (README "API reference"). */
type Output = ((bytes: Uint8Array | null) => void) | null;
interface YowaspModule {
  runClang(args: string[] | null, files?: Record<string, unknown>, options?: { stdout?: Output; stderr?: Output; fetchProgress?: (e: unknown) => void }): Promise<Record<string, unknown>>;
  runLLVM(args: string[] | null, files?: Record<string, unknown>, options?: { stdout?: Output; stderr?: Output; fetchProgress?: (e: unknown) => void }): Promise<Record<string, unknown>>;
  Exit: new (...a: never[]) => Error;
  version?: string;
}
let yowasp: Promise<YowaspModule> | undefined;
/** Load the module and its 100 MB of WebAssembly once, quietly (the first run would print fetch progress). */
const loadYowasp = () =>
  (yowasp ??= import("@yowasp/clang").then(async (m) => {
    const mod = m as unknown as YowaspModule;
    const quiet = () => {};
    await mod.runLLVM(["clang", "--version"], {}, { stdout: quiet, stderr: quiet, fetchProgress: quiet });
    return mod;
  }));

/** The version of the embedded clang, e.g. "21.1.4-3". */
export async function yowaspVersion(): Promise<string> {
  return (await loadYowasp()).version ?? "?";
}

/** @yowasp/clang: clang compiled to WebAssembly; a virtual file system holds the probe. */
export async function runYowaspClang(probe: Probe, abi: AbiEntry, target: ClangTarget): Promise<BackendRun> {
  const started = performance.now();
  const { runClang, Exit } = await loadYowasp();
  const compiler = `clang ${(await yowaspVersion()).replace(/-\d+$/, "")} (@yowasp/clang) --target=${target.triple}${target.flags.length ? " " + target.flags.join(" ") : ""}`;
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const text = (parts: Uint8Array[]) => Buffer.concat(parts.map((p) => Buffer.from(p))).toString("utf8");
  try {
    await runClang(["clang", ...clangArgs(target), "probe.c"], { "probe.c": probe.source }, {
      stdout: (b: Uint8Array | null) => void (b && out.push(b)),
      stderr: (b: Uint8Array | null) => void (b && err.push(b)),
      fetchProgress: () => {},
    });
  } catch (e) {
    // A non-zero exit (rejected asserts) is an Exit; anything else is a broken runtime.
    if (!(e instanceof Exit)) return { compiler, measured: probe.entries.map((en) => en.facts.map(() => undefined)), assertFailures: 0, error: `@yowasp/clang failed: ${(e as Error).message}`, ms: performance.now() - started };
  }
  return clangResult(compiler, probe, abi, text(out), text(err), started);
}

/** A `clang` (or clang-NN) executable on PATH. */
export async function runSystemClang(probe: Probe, abi: AbiEntry, target: ClangTarget, program: string): Promise<BackendRun> {
  const started = performance.now();
  const r = await compileSourceAsync({ compiler: program, args: clangArgs(target), source: probe.source });
  return clangResult(`${program} --target=${target.triple}${target.flags.length ? " " + target.flags.join(" ") : ""}`, probe, abi, r.stdout, r.stderr, started);
}

/* ------------------------------------------------------------------ GCC */

function measureFromAsm(probe: Probe, abi: AbiEntry, asm: string): (number | undefined)[][] {
  const reader = dataReader(asm, abi.endian);
  const values = reader.words32("uapi_values");
  if (values.length !== probe.valueCount) throw new Error(`read ${values.length} of ${probe.valueCount} values from the assembly`);
  return probe.entries.map((e) =>
    e.facts.map((f, fi) => {
      const vi = e.valueIndex.get(fi);
      if (vi !== undefined) return values[vi];
      const obj = e.bitObject.get(fi);
      if (!obj) return undefined;
      const bits = setBits(reader.bytes(obj), abi.endian);
      if (f.kind === "bit-width") return bits.length;
      // Not one contiguous run: no single offset describes it; report where it starts.
      return bits.length ? bits[0] : undefined;
    }),
  );
}

export async function runGcc(probe: Probe, abi: AbiEntry, target: GccTarget): Promise<BackendRun> {
  const started = performance.now();
  const compiler = [target.command, ...target.flags].join(" ");
  const args = [...target.flags, ...COMMON, "-S", "-o", "-", "-fno-common", "-fmax-errors=0"];
  const first = await compileSourceAsync({ compiler: target.command, args, source: probe.source });
  const none = () => probe.entries.map((en) => en.facts.map(() => undefined));
  let assertFailures = 0;
  let asm = first.stdout;
  if (!first.ok) {
    const { asserts, other } = classifyErrors(first.stderr);
    if (other.length || asserts === 0) return { compiler, measured: none(), assertFailures: asserts, error: `${compiler} rejected the probe: ${(other.length ? other : [first.stderr.trim()]).slice(0, 3).join(" | ")}`, ms: performance.now() - started };
    assertFailures = asserts;
    const second = await compileSourceAsync({ compiler: target.command, args: [...args, `-D${MEASURE_ONLY}`], source: probe.source });
    if (!second.ok) return { compiler, measured: none(), assertFailures, error: `${compiler} rejected the measuring probe: ${second.stderr.trim().split("\n").slice(0, 3).join(" | ")}`, ms: performance.now() - started };
    asm = second.stdout;
  }
  try {
    return { compiler, measured: measureFromAsm(probe, abi, asm), assertFailures, ms: performance.now() - started };
  } catch (e) {
    return { compiler, measured: none(), assertFailures, error: `cannot read ${compiler}'s assembly: ${(e as Error).message}`, ms: performance.now() - started };
  }
}
