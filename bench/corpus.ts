/*
 * `uapi check` over the imported kernel uapi corpus (out/corpus/specs/, written by `npm run corpus`) on every
 * ABI, as a user runs it (the CLI, one process for every spec), against the baseline of gcc compiling the same
 * headers once (`gcc -fsyntax-only`, one process for all of them), both measured in this run, median of RUNS.
 * Target: under 5 s.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../core/paths.js";
import { ABIS } from "../spec/abis.js";
import { loadSpecFile, specFilesBelow } from "../spec/load.js";

const SPECS = path.join(REPO_ROOT, "out", "corpus", "specs");
const CLI = path.join(REPO_ROOT, "dist", "cli", "main.js");
const TARGET_SECONDS = 5;
const RUNS = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Seconds a command takes, median of RUNS; undefined (with the reason) when it fails. */
function timed(cmd: string, args: string[], ok: (status: number | null) => boolean): number | string {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 256 << 20 });
    times.push((performance.now() - started) / 1000);
    if (!ok(r.status)) return `${cmd} exited ${r.status ?? r.signal}: ${(r.stderr ?? "").split("\n")[0]}`;
  }
  return median(times);
}

/** gcc compiling `#include <H>` for every header, one translation unit each, in one process. */
function gccSeconds(headers: string[]): number | string {
  if (spawnSync("gcc", ["--version"]).status !== 0) return "no gcc here";
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-bench-corpus-"));
  try {
    const units = headers.map((h, i) => {
      const unit = path.join(dir, `u${i}.c`);
      writeFileSync(unit, `#include <${h}>\n`);
      return unit;
    });
    return timed("gcc", ["-fsyntax-only", ...units], (s) => s === 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const files = specFilesBelow(SPECS);
  if (!files.length) {
    console.log(`no corpus at ${path.relative(process.cwd(), SPECS)}: run 'npm run corpus' first`);
    return;
  }
  const models = files.map((f) => loadSpecFile(f));
  const structs = models.reduce((n, m) => n + m.interfaces.reduce((k, i) => k + i.records.length, 0), 0);
  const commands = models.reduce((n, m) => n + m.interfaces.reduce((k, i) => k + i.commands.length, 0), 0);
  // Exit 1 is "findings at --fail-on level"; with never, anything but 0 is a failure.
  const check = timed(
    process.execPath,
    [CLI, "check", "--format", "json", "--fail-on", "never", ...files],
    (s) => s === 0,
  );
  const headers = models.flatMap((m) => m.interfaces.map((i) => i.spec.header));
  const gcc = gccSeconds(headers);
  if (typeof check === "string") {
    console.log(`uapi check of the corpus failed: ${check}`);
    return;
  }
  console.log(
    `uapi check of the corpus (the CLI, ${files.length} specs: ${structs} structs and unions, ${commands} commands, ` +
      `${ABIS.length} ABIs): ${check.toFixed(2)} s, median of ${RUNS} ` +
      `(target < ${TARGET_SECONDS} s${check < TARGET_SECONDS ? ", met" : ", MISSED"})`,
  );
  console.log(
    typeof gcc === "string"
      ? `  baseline: gcc -fsyntax-only of the same headers did not run (${gcc})`
      : `  baseline gcc -fsyntax-only of the same ${headers.length} headers, once, x86_64 only: ` +
          `${gcc.toFixed(2)} s; ratio check/gcc ${(check / gcc).toFixed(2)}x (check covers ${ABIS.length} ABIs)`,
  );
}
