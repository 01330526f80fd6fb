/*
 * Reading the reference material at test time, so that expected values come
 * from the measured facts and the kernel's numbers, never from the code under
 * test.  The files are vendored copies in fixtures/reference/ (see its
 * README for where they come from), so a clone anywhere can run the suite.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../core/paths.js";
import type { AbiId, SizeAlign } from "../spec/abi.js";

export const REFERENCE_DIR = path.join(REPO_ROOT, "property-tests", "fixtures", "reference");
export const ABI_FACTS = path.join(REFERENCE_DIR, "abi-facts.md");
export const SEED_UAPI = path.join(REFERENCE_DIR, "seed-uapi.md");
export const MEASURED_TSV = path.join(REFERENCE_DIR, "measured.tsv");
export const KERNEL_RULES = path.join(REFERENCE_DIR, "kernel-rules.md");

export const readReference = (file: string) => readFileSync(file, "utf8");

export interface MdTable {
  header: string[];
  rows: string[][];
}

export function splitRow(line: string): string[] {
  const cells = line
    .trim()
    .split("|")
    .map((c) => c.trim());
  return cells.slice(1, cells.length - 1);
}

/** The first markdown table after the first line that starts with `marker`. */
export function tableAfter(md: string, marker: string): MdTable {
  const lines = md.split("\n");
  const start = lines.findIndex((l) => l.startsWith(marker));
  if (start < 0) throw new Error(`marker not found: ${marker}`);
  let i = start + 1;
  while (i < lines.length && !lines[i]!.trimStart().startsWith("|")) i++;
  const block: string[] = [];
  while (i < lines.length && lines[i]!.trimStart().startsWith("|")) block.push(lines[i++]!);
  if (block.length < 3) throw new Error(`no table after ${marker}`);
  return { header: splitRow(block[0]!), rows: block.slice(2).map(splitRow) };
}

export function col(t: MdTable, name: string): number {
  const i = t.header.findIndex((h) => h === name || h.startsWith(name));
  if (i < 0) throw new Error(`column "${name}" not found; header: ${t.header.join(" | ")}`);
  return i;
}

/** "8/4" or "8/4 (`BIGGEST_ALIGNMENT 32`)" -> {size: 8, align: 4}. */
export function parseSA(cell: string): SizeAlign {
  const m = /^(\d+)\s*\/\s*(\d+)/.exec(cell);
  if (!m) throw new Error(`not a size/align cell: ${cell}`);
  return { size: Number(m[1]), align: Number(m[2]) };
}

/** "4/5/1" -> [4, 5, 1]; where a cell gives clang's value and "GCC by source", GCC is the Linux ABI. */
export function parseNumbers(cell: string): number[] {
  const gcc = /GCC by source:\s*([\d/]+)/.exec(cell);
  const text = gcc ? gcc[1]! : cell;
  return text.split(/\s/)[0]!.split("/").map(Number);
}

/**
 * Row titles of the per-ABI tables in abi-facts §1 -> our ABI ids.  A row
 * shown for big-endian MIPS stands for its little-endian twin as well (the
 * note says they differ only in byte and bit order).
 */
export const FACT_ROWS: Readonly<Record<string, readonly { id: AbiId; endianOverride?: "little" }[]>> = {
  x86_64: [{ id: "x86_64" }],
  i386: [{ id: "i386" }],
  x32: [{ id: "x32" }],
  "arm EABI (LE, armel/armhf)": [{ id: "arm" }],
  "arm EABI BE (armeb)": [{ id: "armeb" }],
  "arm OABI (legacy)": [{ id: "arm-oabi" }],
  aarch64: [{ id: "aarch64" }],
  aarch64_be: [{ id: "aarch64_be" }],
  "mips o32 (shown BE; mipsel same but LE)": [{ id: "mips" }, { id: "mipsel", endianOverride: "little" }],
  "mips n32 (BE shown)": [{ id: "mipsn32" }, { id: "mipsn32el", endianOverride: "little" }],
  "mips n32": [{ id: "mipsn32" }, { id: "mipsn32el", endianOverride: "little" }],
  "mips n64 (BE shown)": [{ id: "mips64" }, { id: "mips64el", endianOverride: "little" }],
  "mips n64": [{ id: "mips64" }, { id: "mips64el", endianOverride: "little" }],
  "powerpc (32)": [{ id: "ppc" }],
  "powerpc64 BE": [{ id: "ppc64" }],
  "powerpc64 LE": [{ id: "ppc64le" }],
  s390x: [{ id: "s390x" }],
  "s390 (31-bit)": [{ id: "s390" }],
  "sparc (32)": [{ id: "sparc" }],
  sparc64: [{ id: "sparc64" }],
  riscv32: [{ id: "riscv32" }],
  riscv64: [{ id: "riscv64" }],
  m68k: [{ id: "m68k" }],
  loongarch64: [{ id: "loongarch64" }],
  "csky (abiv2)": [{ id: "csky" }],
  alpha: [{ id: "alpha" }],
  "parisc/hppa (32)": [{ id: "parisc" }],
  sh4: [{ id: "sh" }],
  "arc (ARCv2/HS)": [{ id: "arc" }],
  hexagon: [{ id: "hexagon" }],
};

/** The C code blocks of a markdown file. */
export function cBlocks(md: string): string[] {
  return [...md.matchAll(/```c\n([\s\S]*?)```/g)].map((m) => m[1]!);
}
