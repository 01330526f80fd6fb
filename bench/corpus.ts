/*
 * `uapi check` over the imported kernel uapi corpus (out/corpus/specs/, written by `npm run corpus`) on every
 * ABI: load, layout and every check, against the baseline of gcc compiling the same headers once
 * (`gcc -fsyntax-only`, one process for all of them), measured in the same run.  Target: under 5 s.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runChecks } from "../core/checks/index.js";
import { REPO_ROOT } from "../core/paths.js";
import { ABIS } from "../spec/abis.js";
import { loadSpecFile } from "../spec/load.js";
import type { SpecModel } from "../core/model.js";

const SPECS = path.join(REPO_ROOT, "out", "corpus", "specs");
const TARGET_SECONDS = 5;

function specFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".yaml"))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** Seconds gcc takes to compile `#include <H>` for every header, one translation unit each, in one process. */
function gccSeconds(headers: string[]): number | undefined {
  if (spawnSync("gcc", ["--version"]).status !== 0) return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-bench-corpus-"));
  try {
    const units = headers.map((h, i) => {
      const unit = path.join(dir, `u${i}.c`);
      writeFileSync(unit, `#include <${h}>\n`);
      return unit;
    });
    const started = performance.now();
    const r = spawnSync("gcc", ["-fsyntax-only", ...units], { encoding: "utf8", maxBuffer: 64 << 20 });
    const seconds = (performance.now() - started) / 1000;
    return r.status === 0 ? seconds : undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const files = specFiles(SPECS);
  if (!files.length) {
    console.log(`no corpus at ${path.relative(process.cwd(), SPECS)}: run 'npm run corpus' first`);
    return;
  }
  const started = performance.now();
  const models: SpecModel[] = files.map((f) => loadSpecFile(f));
  const loaded = performance.now();
  let findings = 0;
  for (const m of models) findings += runChecks(m, ABIS).length;
  const checked = performance.now();
  const seconds = (checked - started) / 1000;
  const structs = models.reduce((n, m) => n + m.interfaces.reduce((k, i) => k + i.records.length, 0), 0);
  const commands = models.reduce((n, m) => n + m.interfaces.reduce((k, i) => k + i.commands.length, 0), 0);
  console.log(
    `uapi check of the corpus: ${files.length} headers, ${structs} structs and unions, ${commands} commands ` +
      `x ${ABIS.length} ABIs: load ${((loaded - started) / 1000).toFixed(2)} s + layout and checks ` +
      `${((checked - loaded) / 1000).toFixed(2)} s = ${seconds.toFixed(2)} s ` +
      `(target < ${TARGET_SECONDS} s${seconds < TARGET_SECONDS ? ", met" : ", MISSED"}); ${findings} findings`,
  );
  const headers = models.flatMap((m) => m.interfaces.map((i) => i.spec.header));
  const gcc = gccSeconds(headers);
  console.log(
    gcc === undefined
      ? "  baseline: gcc could not compile the same headers here (no gcc, or a header needs another machine's)"
      : `  baseline gcc -fsyntax-only of the same ${headers.length} headers, once, for x86_64: ` +
          `${gcc.toFixed(2)} s; ratio check/gcc ${(seconds / gcc).toFixed(2)}x (for ${ABIS.length} ABIs)`,
  );
}
