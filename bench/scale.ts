/*
 * Scale: seeded random specs of 10, 100, 1,000 and 10,000 structs (bench/scale-spec.ts) on all 35 ABIs.
 * Each size runs in its own process (scale-child.ts) and is timed per stage: the load's parse, schema
 * validation, lint, resolve and size bound, then layout, checks and each generator.  Printed: ms per stage,
 * µs per struct, and the growth from 1,000 to 10,000 structs (per-struct time at 10,000 over that at 1,000:
 * ~1x is linear), with the heap after checking.  Baseline, measured in the same run: gcc -fsyntax-only of
 * the same structs' layout asserts (the generated header and asserts files), once, x86_64 only, one process.
 * Then the CLI as a user meets it: `uapi check` of the 1,000-struct spec, and the start of `uapi --help` and
 * `uapi ioctl` against `node -e 0`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ScaleSample } from "./scale-child.js";
import { scaleSpec } from "./scale-spec.js";
import { record, type Target } from "./targets.js";

const SIZES = [10, 100, 1000, 10_000];
const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(HERE, "scale-child.js");
const CLI = path.join(HERE, "..", "cli", "main.js");
const LOAD_STAGES = ["parse", "validate", "lint", "resolve", "sizes"];
const RUNS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function sample(structs: number, dir: string): ScaleSample {
  const r = spawnSync(process.execPath, ["--expose-gc", CHILD, String(structs), dir], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`scale child for ${structs} structs failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ScaleSample;
}

/** Milliseconds a command takes, median of `runs`, or the reason it could not run. */
function commandMs(cmd: string, args: string[], cwd: string, ok = (s: number | null): boolean => s === 0, runs = RUNS) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 256 << 20 });
    times.push(performance.now() - t0);
    if (!ok(r.status)) return `${cmd} exited ${r.status ?? r.signal}: ${(r.stderr ?? "").split("\n")[0]}`;
  }
  return median(times);
}

const fmt = (x: number | undefined) =>
  x === undefined || Number.isNaN(x) ? "-" : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
const ratio = (x: number, base: number) => `${(x / base).toFixed(2)}x`;
const mib = (bytes: number) => `${(bytes / (1 << 20)).toFixed(0)} MiB`;

function stageRows(samples: ScaleSample[]): [string, number[]][] {
  const stages = Object.keys(samples[0]!.ms);
  const sum = (s: ScaleSample, names: string[]) => names.reduce((t, k) => t + (s.ms[k] ?? 0), 0);
  const checked = [...LOAD_STAGES, "layout", "checks"];
  const generate = stages.filter((k) => k.startsWith("generate"));
  return [
    // A generator that refused a size (over its limit) has no time there: NaN, printed "-".
    ...stages.map((k): [string, number[]] => [k, samples.map((s) => s.ms[k] ?? NaN)]),
    ["load + layout + checks", samples.map((s) => sum(s, checked))],
    ["generate (all)", samples.map((s) => sum(s, generate))],
  ];
}

function printGrowth(samples: ScaleSample[]): void {
  const sizes = samples.map((s) => s.structs.toLocaleString("en"));
  console.log(`ms per stage at ${sizes.join(" / ")} structs, µs per struct, growth 1,000 -> 10,000 (1x is linear)`);
  for (const [label, ms] of stageRows(samples)) {
    const perStruct = ms.map((x, i) => (x * 1000) / samples[i]!.structs);
    const growth = perStruct.at(-1)! / perStruct.at(-2)!;
    console.log(
      `  ${label.padEnd(24)}${ms.map((x) => fmt(x).padStart(9)).join("")} ms  ` +
        `${perStruct.map((x) => fmt(x).padStart(7)).join("")} µs  ${growth.toFixed(2).padStart(5)}x`,
    );
  }
  const heap = samples.map((s) => s.heapUsed / s.structs);
  console.log(
    `  heap after checks       ${samples.map((s) => mib(s.heapUsed).padStart(9)).join("")}      ` +
      `${heap.map((x) => `${(x / 1024).toFixed(1)}K`.padStart(7)).join("")} /struct  ` +
      `${(heap.at(-1)! / heap.at(-2)!).toFixed(2).padStart(5)}x`,
  );
  console.log(`  peak RSS                ${samples.map((s) => mib(s.maxRss).padStart(9)).join("")}`);
  console.log(`  findings                ${samples.map((s) => String(s.findings).padStart(9)).join("")}`);
  for (const s of samples)
    for (const why of s.refused) console.log(`  refused at ${s.structs.toLocaleString("en")} structs: ${why}`);
}

/** gcc -fsyntax-only of every asserts file of one size, once, in one process: the baseline. */
function gccMs(dir: string, units: string[]): number | string {
  if (spawnSync("gcc", ["--version"]).status !== 0) return "no gcc here";
  return commandMs("gcc", ["-std=c11", "-fsyntax-only", "-I", "include/uapi", ...units], dir, undefined, 1);
}

export async function run(): Promise<Target[]> {
  const targets: Target[] = [];
  const samples: ScaleSample[] = [];
  const baseline = new Map<number, number | string>();
  for (const n of SIZES) {
    const dir = mkdtempSync(path.join(tmpdir(), "uapi-bench-scale-"));
    try {
      const s = sample(n, dir);
      samples.push(s);
      baseline.set(n, gccMs(dir, s.units));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`${SIZES.length} seeded specs (bench/scale-spec.ts), 35 ABIs, each size in its own process`);
  printGrowth(samples);
  const checkedMs = (s: ScaleSample) => [...LOAD_STAGES, "layout", "checks"].reduce((t, k) => t + s.ms[k]!, 0);
  console.log("baseline: gcc -std=c11 -fsyntax-only of the same structs' header and asserts, once, x86_64 only");
  for (const s of samples) {
    const gcc = baseline.get(s.structs)!;
    console.log(
      `  ${s.structs.toLocaleString("en").padStart(6)} structs: ` +
        (typeof gcc === "string"
          ? `not run (${gcc})`
          : `gcc ${fmt(gcc)} ms; load + layout + checks on 35 ABIs / gcc = ${(checkedMs(s) / gcc).toFixed(2)}x`),
    );
  }
  const at = (n: number) => samples.find((s) => s.structs === n)!;
  targets.push(record("1,000 structs x 35 ABIs: load + layout + checks", checkedMs(at(1000)) / 1000, "s", "<", 1));
  targets.push(record("10,000 structs x 35 ABIs: load + layout + checks", checkedMs(at(10_000)) / 1000, "s", "<", 10));
  const heap = (n: number) => at(n).heapUsed / n;
  targets.push(record("heap per struct, 10,000 vs 1,000 (linear memory)", heap(10_000) / heap(1000), "x", "<", 1.25));

  const dir = mkdtempSync(path.join(tmpdir(), "uapi-bench-cli-"));
  try {
    for (const n of SIZES) writeFileSync(path.join(dir, `scale${n}.yaml`), scaleSpec(n));
    const node = commandMs(process.execPath, ["-e", "0"], dir) as number;
    const found = (s: number | null) => s === 0 || s === 1;
    const uapi = (args: string[], runs = RUNS) => commandMs(process.execPath, [CLI, ...args], dir, found, runs);
    const help = uapi(["--help"]);
    const bare = uapi(["ioctl", "0xc0106990"]);
    const ioctl = uapi(["ioctl", "0xc0106990", "scale10.yaml"]);
    console.log(`the CLI, median of ${RUNS} runs (1 at 10,000 structs); baseline node -e 0: ${fmt(node)} ms`);
    for (const [label, ms] of [
      ["uapi --help", help],
      ["uapi ioctl NUMBER", bare],
      ["uapi ioctl NUMBER scale10.yaml", ioctl],
    ] as const)
      console.log(
        `  ${label.padEnd(34)}${typeof ms === "string" ? ms : `${fmt(ms).padStart(8)} ms  ${ratio(ms, node)} node`}`,
      );
    if (typeof help === "number") targets.push(record("uapi --help start", help, "ms", "<", 150));
    if (typeof bare === "number") targets.push(record("uapi ioctl start (no spec)", bare, "ms", "<", 150));
    // One thread against two (--jobs): THREADS_MIN_SPEC_BYTES (cli/threads.ts) follows the crossover seen here.
    console.log(`  ${"".padEnd(34)}${"--jobs 1".padStart(11)}${"--jobs 2".padStart(11)}   2 vs 1`);
    const checkMs = new Map<number, number>();
    for (const [command, sizes] of [
      ["check", SIZES],
      ["generate", SIZES.slice(0, -1)],
    ] as const)
      for (const n of sizes) {
        const runs = n >= 1000 && command === "generate" ? 1 : n >= 10_000 ? 1 : RUNS;
        const out = command === "generate" ? ["--out", "out"] : [];
        const [one, two] = ["1", "2"].map((j) => uapi([command, `scale${n}.yaml`, "--jobs", j, ...out], runs));
        const row = `uapi ${command} ${n.toLocaleString("en")} structs`;
        console.log(
          `  ${row.padEnd(34)}` +
            (typeof one === "string" || typeof two === "string"
              ? `failed: ${typeof one === "string" ? one : two}`
              : `${fmt(one).padStart(8)} ms${fmt(two).padStart(8)} ms   ${(two / one).toFixed(2)}x`),
        );
        if (command === "check" && typeof one === "number") checkMs.set(n, one);
      }
    const [small, big] = [checkMs.get(10), checkMs.get(1000)];
    // What the issue measured first: how much more a user waits for 1,000 structs than for 10 (findings printed).
    if (small !== undefined && big !== undefined)
      console.log(`  uapi check, 1,000 structs over 10 structs, one thread: +${fmt(big - small)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return targets;
}
