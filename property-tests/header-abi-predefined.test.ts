/*
 * The `predefined` condition of each ABI row (which guards that ABI's block
 * in out/asserts/*.c) asked of the real compilers installed here: for each
 * compiler configuration, exactly its own ABI's condition must hold and no
 * other.  Configurations whose compiler is missing are skipped with the
 * reason; ABIs with no compiler here are listed in the log.
 */
import test from "ava";
import { ABIS } from "../spec/abis.js";
import { cc, have, scratchDir } from "./header-support.js";
import { writeFileSync } from "node:fs";
import path from "node:path";

const CONFIGS: { abi: string; compiler: string; flags: string[] }[] = [
  { abi: "x86_64", compiler: "gcc", flags: ["-m64"] },
  { abi: "i386", compiler: "gcc", flags: ["-m32"] },
  { abi: "x32", compiler: "gcc", flags: ["-mx32"] },
  { abi: "arm", compiler: "arm-linux-gnueabi-gcc-12", flags: [] },
  { abi: "armeb", compiler: "arm-linux-gnueabi-gcc-12", flags: ["-mbig-endian"] },
  { abi: "arm-oabi", compiler: "arm-linux-gnueabi-gcc-12", flags: ["-mabi=apcs-gnu"] },
  { abi: "m68k", compiler: "m68k-linux-gnu-gcc-12", flags: [] },
  { abi: "sh", compiler: "sh4-linux-gnu-gcc-12", flags: [] },
  { abi: "arc", compiler: "arc-linux-gnu-gcc-12", flags: [] },
  { abi: "alpha", compiler: "alpha-linux-gnu-gcc-12", flags: [] },
  { abi: "parisc", compiler: "hppa-linux-gnu-gcc-12", flags: [] },
  { abi: "s390x", compiler: "s390x-linux-gnu-gcc-12", flags: [] },
  { abi: "s390", compiler: "s390x-linux-gnu-gcc-12", flags: ["-m31"] },
  { abi: "sparc64", compiler: "sparc64-linux-gnu-gcc-12", flags: [] },
  { abi: "sparc", compiler: "sparc64-linux-gnu-gcc-12", flags: ["-m32"] },
  { abi: "ppc", compiler: "powerpc-linux-gnu-gcc-12", flags: [] },
  { abi: "ppc64", compiler: "powerpc-linux-gnu-gcc-12", flags: ["-m64"] },
  { abi: "ppc64le", compiler: "powerpc-linux-gnu-gcc-12", flags: ["-m64", "-mlittle"] },
];

const dir = scratchDir("predef");
// One line per ABI that survives preprocessing only if that ABI's condition holds (the id quoted: `i386` and `sparc` are macros).
const probe = ABIS.filter((a) => a.predefined).map((a) => `#if ${a.predefined}\nMATCH "${a.id}"\n#endif`).join("\n") + "\n";
writeFileSync(path.join(dir, "probe.c"), probe);

test("every ABI row has a predefined-macro condition", (t) => {
  t.deepEqual(ABIS.filter((a) => !a.predefined).map((a) => a.id), []);
});

const available = new Map<string, boolean>();
for (const c of CONFIGS) {
  if (!available.has(c.compiler)) available.set(c.compiler, have(c.compiler));
  const ok = available.get(c.compiler)!;
  (ok ? test : test.skip)(`${c.compiler} ${c.flags.join(" ")} matches exactly ABI ${c.abi}${ok ? "" : ` (skipped: ${c.compiler} not installed)`}`, (t) => {
    const r = cc(c.compiler, [...c.flags, "-E", "-P", "probe.c"], dir);
    t.true(r.ok, r.output);
    const matched = r.output.split("\n").filter((l) => l.startsWith("MATCH ")).map((l) => l.slice(6).trim().replace(/^"|"$/g, ""));
    t.deepEqual(matched, [c.abi], r.output);
  });
}

test("ABIs whose condition no installed compiler checks are listed", (t) => {
  const checked = new Set(CONFIGS.filter((c) => available.get(c.compiler)).map((c) => c.abi));
  const unchecked = ABIS.filter((a) => !checked.has(a.id)).map((a) => a.id);
  t.log(`conditions not verified by a compiler here: ${unchecked.join(", ") || "none"}`);
  t.pass();
});
