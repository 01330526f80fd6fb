/*
 * Real kernel structs whose 32/64-bit layouts differ (abi-facts.md §4),
 * described in the spec language (fixtures/kernel-structs.yaml):
 *   - the engine against §4's measured sizes (the table is parsed here);
 *   - the engine against the compilers on every ABI that has one;
 *   - the engine against the real uapi headers on x86_64/i386/x32 (host gcc);
 *   - the checker reports compat/layout for each that differs, none for fanotify.
 */
import test from "ava";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { AbiId } from "../spec/abi.js";
import { ABIS, abiById } from "../spec/abis.js";
import { loadSpecFile } from "../spec/load.js";
import { runChecks } from "../core/checks/index.js";
import { layoutRecord } from "../core/layout.js";
import { REPO_ROOT } from "../core/paths.js";
import { ABI_FACTS } from "./reference.js";
import { factsOf } from "../verify/facts.js";
import { dataReader } from "../verify/asm-data.js";
import { compileSource, haveProgram } from "../verify/system-cc.js";
import { unitsOfModels, verifyLayouts } from "../verify/verify.js";
import { describeMismatch } from "../cli/commands/verify.js";

const model = loadSpecFile(path.join(REPO_ROOT, "property-tests/fixtures/kernel-structs.yaml"));
const records = model.interfaces[0]!.records;
const recordByTag = (tag: string) => records.find((r) => r.tag === tag)!;
const SUBJECTS = [
  "flock64",
  "blkpg_partition",
  "v4l2_event_ctrl",
  "ff_effect",
  "epoll_event",
  "fanotify_event_metadata",
];
// EPOLL_PACKED is __attribute__((packed)) only #ifdef __x86_64__ (so on x86_64 and x32, §4):
// our description leaves it out.
const PACKED_IN_REAL_HEADER: Partial<Record<string, AbiId[]>> = { epoll_event: ["x86_64", "x32"] };

/** abi-facts.md §4's size table: struct -> ABI -> bytes. */
function section4(): Map<string, Map<AbiId, number>> {
  const text = readFileSync(ABI_FACTS, "utf8");
  const body = text.slice(text.indexOf("## 4."), text.indexOf("## 5."));
  const lines = body.split("\n").filter((l) => l.startsWith("|"));
  const header = lines[0]!.split("|").map((c) => c.trim());
  const COLUMN: Record<string, AbiId> = {
    i386: "i386",
    x86_64: "x86_64",
    x32: "x32",
    "ARM EABI": "arm",
    "ARM OABI": "arm-oabi",
    aarch64: "aarch64",
  };
  const out = new Map<string, Map<AbiId, number>>();
  for (const line of lines.slice(2)) {
    const cells = line.split("|").map((c) => c.trim());
    const name = /`struct (\w+)`/.exec(cells[1] ?? "")?.[1];
    if (!name) continue;
    const sizes = new Map<AbiId, number>();
    header.forEach((h, i) => {
      const abi = COLUMN[h];
      const n = Number((cells[i] ?? "").replaceAll("*", ""));
      if (abi && Number.isInteger(n) && n > 0) sizes.set(abi, n);
    });
    out.set(name, sizes);
  }
  return out;
}

test("engine sizes equal abi-facts §4's measured sizes", (t) => {
  const table = section4();
  let compared = 0;
  for (const name of SUBJECTS) {
    const sizes = table.get(name);
    if (!sizes) return t.fail(`§4 has no row for struct ${name}`);
    for (const [abi, size] of sizes) {
      if (PACKED_IN_REAL_HEADER[name]?.includes(abi)) continue;
      t.is(layoutRecord(recordByTag(name), abiById(abi)!).size, size, `struct ${name} on ${abi}`);
      compared++;
    }
  }
  t.true(compared >= 30, `compared ${compared} cells`);
});

test("the checker reports compat/layout for each struct that differs, and none for fanotify_event_metadata", (t) => {
  const subjects = new Set(
    runChecks(model, ABIS)
      .filter((d) => d.rule === "compat/layout")
      .map((d) => d.subject),
  );
  for (const name of ["flock64", "blkpg_partition", "v4l2_event_ctrl", "ff_effect", "epoll_event"])
    t.true(subjects.has(`struct ${name}`), `no compat/layout for struct ${name}`);
  t.false(subjects.has("struct fanotify_event_metadata"));
});

test("engine == compilers for the kernel structs on every ABI with a compiler", async (t) => {
  const verdicts = await verifyLayouts(unitsOfModels([model]), ABIS);
  for (const v of verdicts) {
    const compilers = v.runs.length ? ` (${v.runs.map((r) => r.compiler).join(" + ")})` : "";
    t.log(`${v.abi}: ${v.status}${compilers}${v.reason ? ` -- ${v.reason}` : ""}`);
    const mismatches = v.runs.flatMap((r) => r.mismatches).map(describeMismatch);
    t.deepEqual(mismatches, [], v.abi);
    t.true(
      v.status === "verified" || (v.status === "unverified" && Boolean(v.reason)),
      `${v.abi}: ${v.status} ${v.reason ?? ""}`,
    );
  }
  t.true(verdicts.filter((v) => v.status === "verified").length >= 20);
});

const HOST: [AbiId, string][] = [
  ["x86_64", "-m64"],
  ["i386", "-m32"],
  ["x32", "-mx32"],
];
const HEADERS = [
  "linux/fcntl.h",
  "linux/blkpg.h",
  "linux/videodev2.h",
  "linux/input.h",
  "linux/eventpoll.h",
  "linux/fanotify.h",
];

for (const [abiId, flag] of HOST) {
  // The exact capability: these headers compile for this ABI (-m32/-mx32 need the multilib C library headers).
  const usable =
    haveProgram("gcc") &&
    HEADERS.every((h) => readable(`/usr/include/${h}`)) &&
    compileSource({
      compiler: "gcc",
      args: [flag, "-isystem", "/usr/include/x86_64-linux-gnu", "-fsyntax-only", "-xc"],
      source: HEADERS.map((h) => `#include <${h}>\n`).join(""),
    }).ok;
  if (!usable) {
    test.skip(
      `real uapi headers on ${abiId} (skipped: gcc ${flag} cannot compile ${HEADERS.join(", ")} here;` +
        " for -m32/-mx32 apt-get install gcc-12-multilib)",
      () => {},
    );
    continue;
  }
  test(`engine == the real uapi headers on ${abiId} (gcc ${flag}, /usr/include/linux)`, (t) => {
    const abi = abiById(abiId)!;
    const exprs: { label: string; expr: string; engine: number }[] = [];
    for (const name of SUBJECTS) {
      if (PACKED_IN_REAL_HEADER[name]?.includes(abiId)) continue;
      for (const f of factsOf(recordByTag(name), abi)) {
        if (f.kind === "size")
          exprs.push({ label: `sizeof(struct ${name})`, expr: `sizeof(struct ${name})`, engine: f.engine });
        if (f.kind === "align")
          exprs.push({ label: `_Alignof(struct ${name})`, expr: `_Alignof(struct ${name})`, engine: f.engine });
        if (f.kind === "offset")
          exprs.push({
            label: `offsetof(struct ${name}, ${f.member})`,
            expr: `__builtin_offsetof(struct ${name}, ${f.member})`,
            engine: f.engine,
          });
      }
    }
    const source = [
      HEADERS.map((h) => `#include <${h}>`).join("\n"),
      "const unsigned int uapi_values[] = {",
      exprs.map((e) => `  ${e.expr},`).join("\n"),
      "};",
      "const unsigned short uapi_cal16 = 0x0102;",
      "const unsigned int uapi_cal32 = 0x01020304;",
      "",
    ].join("\n");
    const r = compileSource({
      compiler: "gcc",
      args: [flag, "-isystem", "/usr/include/x86_64-linux-gnu", "-S", "-o", "-", "-w"],
      source,
    });
    if (!r.ok) return t.fail(r.stderr);
    const got = dataReader(r.stdout, "little").words32("uapi_values");
    t.is(got.length, exprs.length);
    exprs.forEach((e, i) => t.is(e.engine, got[i], `${abiId}: ${e.label}`));
  });
}

function readable(file: string): boolean {
  try {
    readFileSync(file);
    return true;
  } catch {
    return false;
  }
}
