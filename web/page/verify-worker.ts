/*
 * The verify worker: clang built to WebAssembly (@yowasp/clang, from the clang/ folder beside the page) judges the
 * spec on each ABI asked for, through the probes, passes and verdicts `uapi verify --compiler yowasp` uses.  clang
 * is fetched (~100 MB) on the first run and stays loaded for every later run of this worker.
 */
import { SpecInputError } from "../../core/diagnostic.js";
import type { SpecModel } from "../../core/model.js";
import type { AbiEntry } from "../../spec/abi.js";
import { loadSpecText } from "../../spec/load-text.js";
import { CLANG_HEADERS } from "../../verify/clang-judge.js";
import { compilerPass, limiter, PROBE_CHUNK } from "../../verify/compiler-pass.js";
import { compilersFor } from "../../verify/compilers.js";
import { groupUnits, unitsOfModels, type ProbeRecord, type ProbeUnit } from "../../verify/probe.js";
import { abiVerdict, noRecordsVerdict, tableOnlyTypedefs, type AbiVerdict } from "../../verify/verdict.js";
import { runYowaspProbe, type FetchProgress, type YowaspModule } from "../../verify/yowasp-clang.js";
import { abiResultOf, CLANG_ABIS, type VerifyReply, type VerifyRequest } from "./verify-protocol.js";

/** The part of a dedicated worker's global scope used here (the DOM typings describe a window). */
interface WorkerScope {
  location: { href: string };
  postMessage(message: VerifyReply): void;
  addEventListener(type: "message", listener: (e: MessageEvent<VerifyRequest>) => void): void;
}
const scope = self as unknown as WorkerScope;

/** Where clang's bundle is: beside this script, as `uapi serve` and `npm run build:web` put it. */
const CLANG_BUNDLE = new URL("clang/bundle.js", scope.location.href).href;

/** A run stopped with a message for the panel. */
class RunStopped extends Error {
  constructor(
    message: string,
    readonly clangMissing = false,
  ) {
    super(message);
  }
}

let clang: Promise<YowaspModule> | undefined;

/** clang, fetched and compiled once; a failed load is forgotten so the next run tries again. */
function loadClang(onFetch: (p: FetchProgress) => void): Promise<YowaspModule> {
  clang ??= (async () => {
    let mod: YowaspModule;
    try {
      // A computed specifier: the bundler leaves it alone and the browser fetches clang's own bundle at run time.
      mod = (await import(/* @vite-ignore */ CLANG_BUNDLE)) as YowaspModule;
    } catch (e) {
      const absent = await fetch(CLANG_BUNDLE, { method: "HEAD" }).then(
        (r) => r.status === 404,
        () => false,
      );
      throw new RunStopped(`cannot load clang from ${CLANG_BUNDLE}: ${(e as Error).message}`, absent);
    }
    try {
      // No arguments: fetch the WebAssembly and the resources only, reporting progress.
      await mod.runClang(null, {}, { fetchProgress: onFetch });
    } catch (e) {
      throw new RunStopped(`cannot fetch clang's WebAssembly and resources: ${(e as Error).message}`);
    }
    return mod;
  })();
  clang.catch(() => (clang = undefined));
  return clang;
}

/** Progress while clang is fetched: at most one message per tenth of a second, and always the last. */
function fetchReporter(run: number): (p: FetchProgress) => void {
  let last = 0;
  return ({ doneLength, totalLength }) => {
    const now = performance.now();
    if (now - last < 100 && doneLength < totalLength) return;
    last = now;
    scope.postMessage({ run, phase: "loading", done: doneLength, total: totalLength });
  };
}

function loadModel(file: string, text: string): SpecModel {
  try {
    return loadSpecText(file, text);
  } catch (e) {
    if (!(e instanceof SpecInputError)) throw e;
    const n = e.errors.length;
    throw new RunStopped(
      `the spec has ${n} error${n === 1 ? "" : "s"} (see the editor); first: ${e.message.split("\n")[0]}`,
    );
  }
}

/** One WebAssembly clang at a time: it runs on this thread. */
const clangSlot = limiter(1);

/** The typedefs: clang runs without a target sysroot, so they are the ABI table's. */
const TYPEDEFS_WHY = "clang in the browser runs without a target sysroot: typedefs judged against the ABI table only";

/** One ABI's verdict from clang's pass, as `uapi verify --compiler yowasp` reaches it. */
async function verdictOn(
  mod: YowaspModule,
  abi: AbiEntry,
  records: readonly ProbeRecord[],
  groups: readonly ProbeUnit[][],
): Promise<AbiVerdict> {
  const row = compilersFor(abi.id);
  const target = row.clang!;
  const pass = compilerPass(records, groups, abi, {
    limits: target.limits,
    slot: clangSlot,
    judge: (probe) => runYowaspProbe(mod, probe, abi, target),
    headers: CLANG_HEADERS,
  });
  const runs = pass.run ? [await pass.run] : [];
  const why = row.gcc ? [`GCC (${row.gcc.command}) runs only in the CLI: uapi verify`] : [];
  return abiVerdict(abi.id, records.length, runs, [pass.skipped], tableOnlyTypedefs(abi.id, TYPEDEFS_WHY), why);
}

async function verify(req: VerifyRequest): Promise<void> {
  const started = performance.now();
  const post = scope.postMessage.bind(scope);
  const model = loadModel(req.file, req.text);
  const abis = CLANG_ABIS.filter((a) => req.abis.includes(a.id));
  const units = unitsOfModels([model]);
  const records = units.flatMap((u) => u.records);
  const groups = groupUnits(units, PROBE_CHUNK);
  const mod = records.length ? await loadClang(fetchReporter(req.run)) : undefined;
  for (const [i, abi] of abis.entries()) {
    post({ run: req.run, phase: "compiling", abi: abi.id, index: i + 1, count: abis.length });
    const verdict = mod ? await verdictOn(mod, abi, records, groups) : noRecordsVerdict(abi.id);
    post({ run: req.run, phase: "verdict", verdict: abiResultOf(verdict) });
  }
  post({ run: req.run, phase: "done", ms: performance.now() - started });
}

// Runs one after another: clang runs on this thread, and the first run's load serves the rest.
let queue = Promise.resolve();
scope.addEventListener("message", (e) => {
  const req = e.data;
  queue = queue.then(() =>
    verify(req).catch((err: unknown) => {
      const stopped = err instanceof RunStopped;
      const message = stopped ? err.message : `the verify worker failed: ${(err as Error)?.stack ?? String(err)}`;
      scope.postMessage({
        run: req.run,
        phase: "error",
        message,
        ...(stopped && err.clangMissing ? { clangMissing: true } : {}),
      });
    }),
  );
});
