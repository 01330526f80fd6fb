/*
 * Running @yowasp/clang on a probe, given the loaded module, pure (no node:*, Buffer or process): `uapi verify`
 * loads the module from node_modules (backends.ts), the page's verify worker from the server's /clang/bundle.js,
 * and both judge a probe with this one function.
 */
import type { AbiEntry } from "../spec/abi.js";
import type { PackageInfo } from "../core/paths.js";
import {
  clangResult,
  failedRun,
  yowaspCompilerName,
  yowaspProbeRun,
  type BackendRun,
  type ClangTree,
} from "./clang-judge.js";
import type { ClangTarget } from "./compilers.js";
import type { Probe } from "./probe.js";

/** clang as WebAssembly: an optional peer dependency (~100 MB), needed only by verify. */
export const YOWASP_PACKAGE = "@yowasp/clang";

/** How to install it: the version range package.json's peerDependencies names, so the two never disagree. */
export function yowaspInstallFor(pkg: PackageInfo): string {
  return `npm install --save-dev ${YOWASP_PACKAGE}@${pkg.peerDependencies?.[YOWASP_PACKAGE] ?? "latest"}`;
}

/** What @yowasp/clang's runtime reports while it fetches its WebAssembly and resources (bytes). */
export interface FetchProgress {
  totalLength: number;
  doneLength: number;
}

type Output = ((bytes: Uint8Array | null) => void) | null;
interface RunOptions {
  stdout?: Output;
  stderr?: Output;
  fetchProgress?: (e: FetchProgress) => void;
  decodeASCII?: boolean;
}

/*
 * lib/api.d.ts of @yowasp/clang 21.1.4-3 declares runLLVM and commands but not runClang, which the bundle exports
 * (README "API reference").
 */
export interface YowaspModule {
  /** `args` null: only fetch the WebAssembly and resources, run nothing. */
  runClang(args: string[] | null, files?: ClangTree, options?: RunOptions): Promise<Record<string, unknown>>;
  runLLVM(
    args: string[] | null,
    files?: Record<string, unknown>,
    options?: RunOptions,
  ): Promise<Record<string, unknown>>;
  /** Thrown for a non-zero exit. */
  Exit: new (...a: never[]) => Error;
  version?: string;
}

/** Bytes written in chunks, as one UTF-8 text (Buffer's decoding: a BOM is kept, bad bytes become U+FFFD). */
function utf8(parts: readonly Uint8Array[]): string {
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
}

/** Judge `probe` on `abi` with the loaded WebAssembly clang, as the compiler's value for every fact. */
export async function runYowaspProbe(
  mod: YowaspModule,
  probe: Probe,
  abi: AbiEntry,
  target: ClangTarget,
): Promise<BackendRun> {
  const started = performance.now();
  const compiler = yowaspCompilerName(mod.version ?? "?", target);
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  try {
    const { args, files } = yowaspProbeRun(probe, target);
    await mod.runClang(args, files, {
      stdout: (b) => void (b && out.push(b)),
      stderr: (b) => void (b && err.push(b)),
      fetchProgress: () => {},
    });
  } catch (e) {
    // A non-zero exit (rejected asserts) is an Exit; anything else is a broken runtime.
    if (!(e instanceof mod.Exit))
      return failedRun(compiler, probe, `@yowasp/clang failed: ${(e as Error).message}`, started);
  }
  return clangResult(compiler, probe, abi, utf8(out), utf8(err), started);
}
