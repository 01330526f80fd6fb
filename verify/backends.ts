/*
 * The compilers that judge a probe, each returning its own value for every
 * fact.  Two ways of reading values back:
 *   - clang (@yowasp/clang in WebAssembly, or a `clang` on PATH):
 *     `-fsyntax-only -Xclang -fdump-record-layouts`; the dump holds sizes,
 *     alignments, offsets and bit-field positions.  One invocation.
 *   - GCC: `-S`; the assembly holds __uapi_values[] and the bit-field objects.
 *     When the compiler rejects the _Static_asserts there is no assembly, so
 *     a second pass with -DUAPI_PROBE_MEASURE_ONLY measures.
 * Either way the compiler's verdict on the asserts is kept, and a backend
 * whose verdict disagrees with its own measured values reports an error
 * rather than a result.  What clang is asked and how its output is read is
 * clang-judge.ts (pure, for the browser); this module runs the compilers.
 */
import type { AbiEntry, AbiId } from "../spec/abi.js";
import { ownPackage } from "../core/paths.js";
import { sysrootFor } from "./sysroots.js";
import { toolName } from "../core/c-writer.js";
import { dataReader, setBits } from "./asm-data.js";
import {
  clangArgs,
  clangResult,
  clangTargetText,
  classifyErrors,
  COMMON_FLAGS,
  type BackendRun,
  type ClangTree,
} from "./clang-judge.js";
import { runYowaspProbe, YOWASP_PACKAGE, yowaspInstallFor, type YowaspModule } from "./yowasp-clang.js";
import type { ClangTarget, GccTarget } from "./compilers.js";
import { MEASURE_ONLY, VALUES, type Probe } from "./probe.js";
import { compileSource, compileSourceAsync } from "./system-cc.js";
import type { HeaderSource } from "./clang-judge.js";

export type { BackendRun } from "./clang-judge.js";
export type { HeaderSource } from "./clang-judge.js";

export { YOWASP_PACKAGE } from "./yowasp-clang.js";

/** How to install @yowasp/clang, with the version range this package's peerDependencies names. */
export function yowaspInstallCommand(): string {
  return yowaspInstallFor(ownPackage());
}

let yowaspLoadable: Promise<boolean> | undefined;
/** Whether @yowasp/clang is installed where this package can import it (any other load failure is thrown). */
export function yowaspInstalled(): Promise<boolean> {
  return (yowaspLoadable ??= import("@yowasp/clang").then(
    () => true,
    (e: NodeJS.ErrnoException) => {
      if (e?.code === "ERR_MODULE_NOT_FOUND" && String(e.message).includes(YOWASP_PACKAGE)) return false;
      throw e;
    },
  ));
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

/** What one @yowasp/clang run printed, and its exit status. */
export interface YowaspRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Run the WebAssembly clang once with `args` over the virtual file system `files` (a tree of folders, files as
 * text or bytes; see verify/clang-files.ts for host include directories).  A non-zero exit is a result, not an
 * error; anything else thrown is the runtime's own failure.
 */
export async function runYowasp(
  args: string[],
  files: Record<string, unknown>,
  tool: "clang" | "llvm" = "clang",
): Promise<YowaspRun> {
  const mod = await loadYowasp();
  const out = new ByteSink();
  const err = new ByteSink();
  let exitCode = 0;
  // The WASI glue reads process.env.JCO_DEBUG on every call, and clang writes its output a few bytes per call:
  // a plain copy of the environment for the run makes that read cheap (Node's process.env calls into C++).
  const env = process.env;
  process.env = { ...env };
  try {
    await (tool === "clang" ? mod.runClang : mod.runLLVM)(
      tool === "clang" ? ["clang", ...args] : args,
      files as ClangTree,
      {
        stdout: (b: Uint8Array | null) => void (b && out.push(b)),
        stderr: (b: Uint8Array | null) => void (b && err.push(b)),
        fetchProgress: () => {},
        // The file system handed back is not read: skip decoding every mounted header.
        decodeASCII: false,
      },
    );
  } catch (e) {
    if (!(e instanceof mod.Exit)) throw e;
    exitCode = (e as Error & { code?: number }).code ?? 1;
  } finally {
    process.env = env;
  }
  return { stdout: out.text(), stderr: err.text(), exitCode };
}

/**
 * The cc1 command the clang driver runs for these arguments, asked once (`-###`) and reused: the driver
 * re-instantiates the whole WebAssembly module to run cc1, so going to cc1 directly halves a run.
 * Undefined when the driver plans anything but one cc1 run.
 */
const cc1Commands = new Map<string, Promise<string[] | undefined>>();

function cc1Command(args: string[], files: Record<string, unknown>): Promise<string[] | undefined> {
  const key = args.join("\0");
  let cmd = cc1Commands.get(key);
  if (!cmd) {
    cmd = runYowasp([...args, "-###"], files).then((plan) => {
      const lines = `${plan.stdout}${plan.stderr}`.split("\n").filter((l) => l.startsWith(' "'));
      const argv = (line: string) =>
        Array.from(line.matchAll(/ (?:([^ "]+)|"((?:[^"\\$]|\\["\\$])+)")/g), (m) =>
          m[1] !== undefined ? m[1] : m[2]!.replace(/\\(["\\$])/g, "$1"),
        );
      const found = plan.exitCode === 0 && lines.length === 1 ? argv(lines[0]!) : undefined;
      return found && found[1] === "-cc1" ? found : undefined;
    });
    cc1Commands.set(key, cmd);
  }
  return cmd;
}

/** One compile with the WebAssembly clang: straight to cc1 when the driver's plan for these arguments is known. */
export async function runYowaspCompile(args: string[], files: Record<string, unknown>): Promise<YowaspRun> {
  const cc1 = await cc1Command(args, files);
  return cc1 ? runYowasp(cc1, files, "llvm") : runYowasp(args, files);
}

/** Bytes written a few at a time, collected in one growing buffer (a chunk list would hold millions of views). */
class ByteSink {
  private bytes = new Uint8Array(1 << 16);
  private length = 0;
  push(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.bytes.length) {
      const bigger = new Uint8Array(Math.max(this.bytes.length * 2, this.length + chunk.length));
      bigger.set(this.bytes.subarray(0, this.length));
      this.bytes = bigger;
    }
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }
  text(): string {
    return Buffer.from(this.bytes.buffer, 0, this.length).toString("utf8");
  }
}

/**
 * @yowasp/clang: clang compiled to WebAssembly; a virtual file system holds the probe, the generated headers and the
 * stand-ins.
 */
export async function runYowaspClang(probe: Probe, abi: AbiEntry, target: ClangTarget): Promise<BackendRun> {
  return runYowaspProbe(await loadYowasp(), probe, abi, target);
}

/** A `clang` (or clang-NN) executable on PATH. */
export async function runSystemClang(
  probe: Probe,
  abi: AbiEntry,
  target: ClangTarget,
  program: string,
): Promise<BackendRun> {
  const started = performance.now();
  const args = [...clangArgs(target), "-I{dir}/include", "-I{dir}/stand-ins"];
  const r = await compileSourceAsync({ compiler: program, args, source: probe.source, extraFiles: probeFiles(probe) });
  return clangResult(`${program} ${clangTargetText(target)}`, probe, abi, r.stdout, r.stderr, started);
}

/** The generated headers under include/ and the stand-ins under stand-ins/, for a compiler on disk. */
function probeFiles(probe: Probe): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, text] of Object.entries(probe.headers)) files[`include/${name}`] = text;
  for (const [name, text] of Object.entries(probe.standIns)) files[`stand-ins/${name}`] = text;
  return files;
}

/* ------------------------------------------------------------------ GCC */

const SYSROOT_PROBE = `#include <linux/types.h>
#include <linux/ioctl.h>
__kernel_time_t ${toolName("time")}; unsigned int ${toolName("ioc")} = _IOR('x', 1, int);
`;
const targetChecks = new Map<string, string | undefined>();

/**
 * Why `target` cannot compile for its ABI here (`gcc -m32` without multilib, a broken cross compiler), or
 * undefined when it can: the exact capability a GCC run needs, asked once per compiler and flags.
 */
export function gccCannotCompile(target: GccTarget): string | undefined {
  const key = [target.command, ...target.flags].join(" ");
  if (!targetChecks.has(key)) {
    const r = compileSource({
      compiler: target.command,
      args: [...target.flags, ...COMMON_FLAGS, "-S", "-o", "-"],
      source: "int x;\n",
    });
    targetChecks.set(key, r.ok ? undefined : `${key} cannot compile here (${firstError(r.stderr)})`);
  }
  return targetChecks.get(key);
}

const headerSources = new Map<string, HeaderSource>();

/**
 * Whether `target` compiles the target's real kernel headers here, with the sysroot flags of verify/sysroots.ts
 * (asked once per compiler and flags; one tiny compile, so synchronous).
 */
export function gccHeaderSource(abi: AbiId, target: GccTarget): HeaderSource {
  const sysroot = sysrootFor(abi)?.flags ?? [];
  const key = [target.command, ...target.flags, ...sysroot].join(" ");
  let known = headerSources.get(key);
  if (!known) {
    const r = compileSource({
      compiler: target.command,
      args: [...target.flags, ...sysroot, ...COMMON_FLAGS, "-fsyntax-only"],
      source: SYSROOT_PROBE,
    });
    known = r.ok
      ? { kind: "sysroot", flags: [...sysroot, "-idirafter", "{dir}/stand-ins"] }
      : {
          kind: "table",
          flags: ["-I{dir}/stand-ins"],
          why: `${key} has no target kernel headers (${firstError(r.stderr)})`,
        };
    headerSources.set(key, known);
  }
  return known;
}

function firstError(stderr: string): string {
  return /(?:fatal )?error: ([^\n]*)/.exec(stderr)?.[1]?.trim() ?? stderr.trim().split("\n")[0] ?? "";
}

function measureFromAsm(probe: Probe, abi: AbiEntry, asm: string): (number | undefined)[][] {
  const reader = dataReader(asm, abi.endian);
  const values = reader.words32(VALUES);
  if (values.length !== probe.valueCount)
    throw new Error(`read ${values.length} of ${probe.valueCount} values from the assembly`);
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
  const headers = gccHeaderSource(abi.id, target);
  const args = [
    ...target.flags,
    ...COMMON_FLAGS,
    "-I{dir}/include",
    ...headers.flags,
    "-S",
    "-o",
    "-",
    "-fno-common",
    "-fmax-errors=0",
  ];
  const extraFiles = probeFiles(probe);
  const first = await compileSourceAsync({ compiler: target.command, args, source: probe.source, extraFiles });
  const none = () => probe.entries.map((en) => en.facts.map(() => undefined));
  let assertFailures = 0;
  let asm = first.stdout;
  if (!first.ok) {
    const { asserts, other } = classifyErrors(first.stderr);
    if (other.length || asserts === 0)
      return {
        compiler,
        measured: none(),
        assertFailures: asserts,
        error:
          `${compiler} rejected the probe: ` +
          `${(other.length ? other : [first.stderr.trim()]).slice(0, 3).join(" | ")}`,
        ms: performance.now() - started,
      };
    assertFailures = asserts;
    const second = await compileSourceAsync({
      compiler: target.command,
      args: [...args, `-D${MEASURE_ONLY}`],
      source: probe.source,
      extraFiles,
    });
    if (!second.ok)
      return {
        compiler,
        measured: none(),
        assertFailures,
        error: `${compiler} rejected the measuring probe: ${second.stderr.trim().split("\n").slice(0, 3).join(" | ")}`,
        ms: performance.now() - started,
      };
    asm = second.stdout;
  }
  try {
    return { compiler, measured: measureFromAsm(probe, abi, asm), assertFailures, ms: performance.now() - started };
  } catch (e) {
    return {
      compiler,
      measured: none(),
      assertFailures,
      error: `cannot read ${compiler}'s assembly: ${(e as Error).message}`,
      ms: performance.now() - started,
    };
  }
}
