/*
 * GCC for round trips.  GCC reads the disk, so the ABI's headers are put together as a folder
 * of links (the kernel's folders and the ABI's asm/, or the table stand-ins written out), and
 * the compiler is told to search exactly that, its own folder and the ABI's C library folders
 * (-nostdinc): a header missing for the target can never come from the host by accident.
 * A unit whose asserts fail is compiled once more to assembly with the failing comparisons'
 * two sides as data (verify/asm-data.ts), so the report can show both numbers.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AbiEntry } from "../spec/abi.js";
import type { GccTarget } from "../verify/compilers.js";
import { dataReader } from "../verify/asm-data.js";
import { compileSourceAsync } from "../verify/system-cc.js";
import type { Comparison } from "./round-trip-compare.js";
import type { AbiHeaders } from "./round-trip-headers.js";
import { measuringSource, UNIT_FILE, VALUES, type Unit } from "./round-trip-unit.js";

const overlays = new Map<string, string>();
process.on("exit", () => {
  for (const dir of overlays.values()) rmSync(dir, { recursive: true, force: true });
});

/** A folder with the kernel's folders and the ABI's asm/ as links (stand-ins as files), made once per process. */
export function headerOverlay(headers: AbiHeaders): string {
  const key = [headers.abi, ...headers.kernel.flat(), headers.asmDir ?? "stand-ins"].join("|");
  let dir = overlays.get(key);
  if (!dir) {
    dir = mkdtempSync(path.join(tmpdir(), `uapi-rt-${headers.abi}-`));
    for (const [name, target] of headers.kernel) symlinkSync(target, path.join(dir, name));
    if (headers.asmDir) symlinkSync(headers.asmDir, path.join(dir, "asm"));
    for (const [rel, text] of Object.entries(headers.standIns ?? {})) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    }
    overlays.set(key, dir);
  }
  return dir;
}

const ownIncludes = new Map<string, string>();

/** GCC's own header folder (stddef.h, stdint.h) for these flags. */
function gccOwnInclude(target: GccTarget): string {
  const key = [target.command, ...target.flags].join(" ");
  let dir = ownIncludes.get(key);
  if (dir === undefined) {
    const r = spawnSync(target.command, [...target.flags, "-print-file-name=include"], { encoding: "utf8" });
    dir = r.status === 0 ? r.stdout.trim() : "";
    ownIncludes.set(key, dir);
  }
  return dir;
}

/** Where GCC searches: its own folder, the overlay, the C library; `{dir}/g` holds the generated headers. */
export function gccSearchFlags(target: GccTarget, headers: AbiHeaders): string[] {
  const own = gccOwnInclude(target);
  return [
    "-nostdinc",
    ...(own ? ["-isystem", own] : []),
    "-isystem",
    headerOverlay(headers),
    ...headers.libcDirs.flatMap((d) => ["-isystem", d]),
    "-I{dir}/g",
  ];
}

/** Paths as the unit included them: the scratch, overlay and C library folders dropped. */
function relativise(stderr: string, headers: AbiHeaders): string {
  // GCC may name a file reached through one of the overlay's links by the link's target.
  const targets: [string, string][] = headers.kernel.map(([name, dir]) => [`${dir}/`, `${name}/`]);
  if (headers.asmDir) targets.push([`${headers.asmDir}/`, "asm/"]);
  const roots: [string, string][] = [headerOverlay(headers), ...headers.libcDirs].map((d) => [`${d}/`, ""]);
  let text = stderr.replace(/(^|\s)\S*\/(?=__uapi_rt)/gm, "$1");
  for (const [from, to] of [...targets, ...roots].sort((a, b) => b[0].length - a[0].length))
    text = text.split(from).join(to);
  return text;
}

const extraFiles = (unit: Unit) => Object.fromEntries(Object.entries(unit.generated).map(([p, t]) => [`g/${p}`, t]));

export interface GccReply {
  stderr: string;
  exitCode: number;
  ms: number;
  /** The compiler could not be run at all. */
  error?: string;
}

export async function runGccUnit(target: GccTarget, headers: AbiHeaders, unit: Unit): Promise<GccReply> {
  const started = performance.now();
  const args = [
    ...target.flags,
    "-std=gnu11",
    "-fsyntax-only",
    ...gccSearchFlags(target, headers),
    "-fmax-errors=0",
    "-fdiagnostics-plain-output",
    "-w",
  ];
  const r = await compileSourceAsync({
    compiler: target.command,
    args,
    source: unit.source,
    fileName: UNIT_FILE,
    extraFiles: extraFiles(unit),
  });
  const error = r.status === null ? `${target.command} could not be run: ${r.stderr.trim()}` : undefined;
  return { stderr: relativise(r.stderr, headers), exitCode: r.status ?? -1, ms: performance.now() - started, error };
}

/** Both sides of each comparison as GCC computes them, in order; undefined when the assembly cannot be read. */
export async function measureGcc(
  target: GccTarget,
  headers: AbiHeaders,
  unit: Unit,
  abi: AbiEntry,
  comparisons: readonly Comparison[],
): Promise<[bigint, bigint][] | undefined> {
  const args = [...target.flags, "-std=gnu11", "-S", "-o", "-", ...gccSearchFlags(target, headers), "-w"];
  const r = await compileSourceAsync({
    compiler: target.command,
    args,
    source: measuringSource(unit, comparisons),
    fileName: UNIT_FILE,
    extraFiles: extraFiles(unit),
  });
  if (!r.ok) return undefined;
  try {
    const bytes = dataReader(r.stdout, abi.endian).bytes(VALUES);
    const word = (i: number) => {
      let v = 0n;
      for (let b = 0; b < 8; b++) {
        const byte = BigInt(bytes[i * 8 + (abi.endian === "little" ? 7 - b : b)]!);
        v = (v << 8n) | byte;
      }
      return BigInt.asIntN(64, v);
    };
    return comparisons.map((_, i) => [word(2 * i), word(2 * i + 1)]);
  } catch {
    return undefined;
  }
}
