/*
 * Every generated header compiles for real: gcc -std=c90 -pedantic -Werror,
 * g++, and gcc -m32, each in a translation unit that includes only the
 * header.  The asserts companions compile as C11 on x86_64 and i386 (and x32),
 * which makes gcc check the layout engine's numbers; a mutated companion
 * must fail, so the guarded block is known to be live.
 */
import test from "ava";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { assertsGenerator } from "../generators/asserts.js";
import { headerGenerator, headerIncludeDir } from "../generators/header.js";
import { produceFiles } from "../generators/write-out.js";
import {
  C11_FLAGS,
  C90_FLAGS,
  CXX_FLAGS,
  M32_ISYSTEM,
  cc,
  have,
  haveM32,
  loadBundled,
  scratchDir,
  writeTree,
} from "./header-support.js";

const models = loadBundled();
const files = produceFiles(models, [headerGenerator, assertsGenerator]);
const dir = scratchDir("hdr");
writeTree(dir, files);
const interfaces = models.flatMap((m) => m.interfaces);
const headers = files.filter((f) => f.path.endsWith(".h"));
const m32 = haveM32();
const gxx = have("g++");

test("every bundled interface produced a header", (t) => {
  t.true(interfaces.length > 0);
  t.is(headers.length, interfaces.length);
});

/** A TU that includes only the header, the way a user would (<linux/...> via -I). */
function standalone(includeDir: string, header: string, ext: "c" | "cc"): { file: string; inc: string } {
  const file = `tu-${header.replace(/[^A-Za-z0-9]/g, "_")}-${includeDir.replace(/[^A-Za-z0-9]/g, "_")}.${ext}`;
  writeFileSync(path.join(dir, file), `#include <${header}>\n`);
  return { file, inc: path.join(dir, includeDir) };
}

for (const ifc of interfaces) {
  const label = `${ifc.spec.header}${ifc.spec.variant ? ` (${ifc.spec.variant})` : ""}`;
  const inc = headerIncludeDir(ifc);

  test(`gcc -std=c90 -pedantic -Werror: ${label}`, (t) => {
    const tu = standalone(inc, ifc.spec.header, "c");
    const r = cc("gcc", [...C90_FLAGS, "-I", tu.inc, tu.file], dir);
    t.true(r.ok, r.output);
  });

  const cxx = gxx ? test : test.skip;
  cxx(`g++ -fsyntax-only -pedantic -Werror${gxx ? "" : " (skipped: g++ not installed)"}: ${label}`, (t) => {
    const tu = standalone(inc, ifc.spec.header, "cc");
    const r = cc("g++", [...CXX_FLAGS, "-I", tu.inc, tu.file], dir);
    t.true(r.ok, r.output);
  });

  const i386 = m32 ? test : test.skip;
  i386(
    `gcc -m32 -std=c90 -pedantic -Werror${m32 ? "" : " (skipped: gcc -m32 multilib not installed)"}: ${label}`,
    (t) => {
      const tu = standalone(inc, ifc.spec.header, "c");
      const r = cc("gcc", ["-m32", ...M32_ISYSTEM, ...C90_FLAGS, "-I", tu.inc, tu.file], dir);
      t.true(r.ok, r.output);
    },
  );
}

const companions = files.filter((f) => f.path.startsWith("asserts/"));

test("an asserts companion exists for every interface with structs", (t) => {
  const withRecords = interfaces.filter((i) => i.records.some((r) => !r.external));
  t.deepEqual(companions.map((f) => f.path).sort(), withRecords.map((i) => `asserts/${i.spec.name}.c`).sort());
});

const TARGETS = [
  { abi: "x86_64", flags: ["-m64"], available: true },
  { abi: "i386", flags: ["-m32", ...M32_ISYSTEM], available: m32 },
  { abi: "x32", flags: ["-mx32", ...M32_ISYSTEM], available: m32 },
];

for (const f of companions) {
  const ifc = interfaces.find((i) => f.path === `asserts/${i.spec.name}.c`)!;
  for (const target of TARGETS) {
    const run = target.available ? test : test.skip;
    run(
      `asserts companion compiles (gcc -std=c11 ${target.flags[0]}): ${f.path}` +
        (target.available ? "" : " (skipped: no multilib)"),
      (t) => {
        const r = cc(
          "gcc",
          [...target.flags, ...C11_FLAGS, "-I", path.join(dir, headerIncludeDir(ifc)), path.join(dir, f.path)],
          dir,
        );
        t.true(r.ok, r.output);
      },
    );
    // The same file with one number changed in this ABI's block must be rejected: the block is really compiled.
    run(
      `asserts companion with a wrong number fails (gcc ${target.flags[0]}): ${f.path}` +
        (target.available ? "" : " (skipped: no multilib)"),
      (t) => {
        const marker = `/* ${target.abi}: `;
        const start = f.content.indexOf(marker);
        t.true(start > 0, `no ${target.abi} block`);
        const at = f.content.indexOf(" == ", start);
        const end = f.content.indexOf(",", at);
        const value = Number(f.content.slice(at + 4, end));
        const mutated = f.content.slice(0, at + 4) + String(value + 1) + f.content.slice(end);
        const file = path.join(dir, `mutated-${target.abi}-${path.basename(f.path)}`);
        writeFileSync(file, mutated);
        const r = cc("gcc", [...target.flags, ...C11_FLAGS, "-I", path.join(dir, headerIncludeDir(ifc)), file], dir);
        t.false(r.ok, "the mutated assert was not rejected; is the ABI block guarded off?");
        t.regex(r.output, /static assertion failed/);
      },
    );
  }
}
