/*
 * The `predefined` condition of each ABI row (which guards that ABI's block
 * in out/asserts/*.c) asked of real compilers: preprocessing a probe with one
 * line per ABI condition must leave exactly the configuration's own ABI.
 *
 * Configurations: the host and Debian cross GCCs (.ci/run installs them),
 * and every clang target of verify/compilers.ts run in @yowasp/clang (an npm
 * dependency).  `-E` runs the preprocessor only, so a configuration needs its
 * compiler proper and nothing else (no multilib, sysroot or libc): the probe
 * for a compiler is preprocessing an empty file.  The configuration's own
 * flags are not probed, because a compiler that rejects them must fail the
 * test, not skip it.  An ABI that no configuration here can check gets a
 * skipped test of its own saying why.
 */
import test from "ava";
import { ABIS } from "../spec/abis.js";
import { COMPILERS } from "../verify/compilers.js";
import { cc, scratchDir, type CcResult } from "./header-support.js";
import { writeFileSync } from "node:fs";
import path from "node:path";

interface Config {
  abi: string;
  /** What the test title shows. */
  label: string;
  /** The program whose presence decides whether the configuration runs. */
  compiler: string;
  /** Preprocess probe.c of `dir` with the configuration's flags. */
  preprocess: (dir: string) => Promise<CcResult>;
}

const YOWASP = "@yowasp/clang";

const gccConfig = (abi: string, compiler: string, flags: string[]): Config => ({
  abi,
  compiler,
  label: `${compiler}${flags.length ? " " + flags.join(" ") : ""}`,
  preprocess: async (dir) => cc(compiler, [...flags, "-E", "-P", "probe.c"], dir),
});

/* The GCC rows of verify/compilers.ts, plus GCC spellings the table does not list (armeb with -mbig-endian, ppc64
 * and ppc64le from the 32-bit powerpc cross compiler), which check the same conditions from another compiler. */
const GCC_CONFIGS: Config[] = [
  gccConfig("x86_64", "gcc", ["-m64"]),
  gccConfig("i386", "gcc", ["-m32"]),
  gccConfig("x32", "gcc", ["-mx32"]),
  gccConfig("arm", "arm-linux-gnueabi-gcc-12", []),
  gccConfig("armeb", "arm-linux-gnueabi-gcc-12", ["-mbig-endian"]),
  gccConfig("arm-oabi", "arm-linux-gnueabi-gcc-12", ["-mabi=apcs-gnu"]),
  gccConfig("m68k", "m68k-linux-gnu-gcc-12", []),
  gccConfig("sh", "sh4-linux-gnu-gcc-12", []),
  gccConfig("arc", "arc-linux-gnu-gcc-12", []),
  gccConfig("alpha", "alpha-linux-gnu-gcc-12", []),
  gccConfig("parisc", "hppa-linux-gnu-gcc-12", []),
  gccConfig("s390x", "s390x-linux-gnu-gcc-12", []),
  gccConfig("s390", "s390x-linux-gnu-gcc-12", ["-m31"]),
  gccConfig("sparc64", "sparc64-linux-gnu-gcc-12", []),
  gccConfig("sparc", "sparc64-linux-gnu-gcc-12", ["-m32"]),
  gccConfig("ppc", "powerpc-linux-gnu-gcc-12", []),
  gccConfig("ppc64", "powerpc-linux-gnu-gcc-12", ["-m64"]),
  gccConfig("ppc64le", "powerpc-linux-gnu-gcc-12", ["-m64", "-mlittle"]),
];

/* @yowasp/clang 21.1.4-3 lib/api.d.ts: `commands.clang(args, files, options)` runs clang on a virtual file tree
 * and rejects with `Exit` on a non-zero status. */
type Yowasp = typeof import("@yowasp/clang");
const bytes = (parts: Uint8Array[]) => Buffer.concat(parts.map((p) => Buffer.from(p))).toString("utf8");

async function runYowasp(mod: Yowasp, args: string[], files: Record<string, string>): Promise<CcResult> {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  let ok = true;
  try {
    await mod.commands.clang(args, files, {
      stdout: (b) => void (b && out.push(b)),
      stderr: (b) => void (b && err.push(b)),
      fetchProgress: () => {},
    });
  } catch (e) {
    if (!(e instanceof mod.Exit)) throw e;
    ok = false;
  }
  return { ok, output: `clang ${args.join(" ")}\n${bytes(err)}${bytes(out)}` };
}

/** The module when it loads and preprocesses an empty file, else why not. */
async function probeYowasp(): Promise<Yowasp | string> {
  try {
    const mod = await import("@yowasp/clang");
    const r = await runYowasp(mod, ["-E", "-P", "empty.c"], { "empty.c": "" });
    // Reasons become test titles: the first line of what went wrong, no more.
    return r.ok ? mod : `${YOWASP} does not preprocess an empty file`;
  } catch (e) {
    return `${YOWASP} does not load (npm ci installs it): ${String((e as Error).message).split("\n")[0]}`;
  }
}

const dir = scratchDir("predef");
// One line per ABI that survives preprocessing only if that ABI's condition holds
// (the id quoted: `i386` and `sparc` are macros).
const probe =
  ABIS.filter((a) => a.predefined)
    .map((a) => `#if ${a.predefined}\nMATCH "${a.id}"\n#endif`)
    .join("\n") + "\n";
writeFileSync(path.join(dir, "probe.c"), probe);
writeFileSync(path.join(dir, "empty.c"), "");

const yowasp = await probeYowasp();
const CLANG_CONFIGS: Config[] = COMPILERS.flatMap((row) => {
  if (!row.clang) return [];
  const args = [`--target=${row.clang.triple}`, ...row.clang.flags];
  return [
    {
      abi: row.abi,
      compiler: YOWASP,
      label: `clang ${args.join(" ")} (${YOWASP})`,
      preprocess: async () => {
        if (typeof yowasp === "string") throw new Error(yowasp);
        return runYowasp(yowasp, [...args, "-E", "-P", "probe.c"], { "probe.c": probe });
      },
    },
  ];
});
const CONFIGS = [...GCC_CONFIGS, ...CLANG_CONFIGS];

/** Why each compiler cannot preprocess here; absent when it can. */
const missing = new Map<string, string>();
if (typeof yowasp === "string") missing.set(YOWASP, yowasp);
for (const c of new Set(GCC_CONFIGS.map((g) => g.compiler))) {
  const r = cc(c, ["-E", "-P", "empty.c"], dir);
  if (!r.ok) missing.set(c, `${c} is missing or cannot preprocess (CI installs it: .ci/run)`);
}

test("every ABI row has a predefined-macro condition", (t) => {
  t.deepEqual(
    ABIS.filter((a) => !a.predefined).map((a) => a.id),
    [],
  );
});

/* Conditions known not to hold for a configuration, as `test.failing` entries (none at present). */
const KNOWN_DEFECTS = new Map<string, string>();

for (const c of CONFIGS) {
  const why = missing.get(c.compiler);
  const defect = KNOWN_DEFECTS.get(`${c.compiler} ${c.abi}`);
  // One @yowasp/clang instance at a time: each holds its own copy of a 100 MB WebAssembly module.
  const register = why ? test.skip : c.compiler === YOWASP ? (defect ? test.serial.failing : test.serial) : test;
  const note = why ? ` (skipped: ${why})` : defect ? ` (known defect, expected to fail: ${defect})` : "";
  register(`${c.label} matches exactly ABI ${c.abi}${note}`, async (t) => {
    const r = await c.preprocess(dir);
    t.true(r.ok, r.output);
    const matched = r.output
      .split("\n")
      .filter((l) => l.startsWith("MATCH "))
      .map((l) => l.slice(6).trim().replace(/^"|"$/g, ""));
    t.deepEqual(matched, [c.abi], r.output);
  });
}

test("the ABIs no configuration here covers are exactly those verify/compilers.ts gives no compiler", (t) => {
  const covered = new Set(CONFIGS.map((c) => c.abi));
  t.deepEqual(
    ABIS.filter((a) => !covered.has(a.id)).map((a) => a.id),
    COMPILERS.filter((row) => !row.clang && !row.gcc).map((row) => row.abi),
  );
});

// Each ABI whose condition no compiler here checks: a skipped test naming the reason, so a run shows the gap.
for (const abi of ABIS) {
  const configs = CONFIGS.filter((c) => c.abi === abi.id);
  if (configs.some((c) => !missing.has(c.compiler))) continue;
  const note = COMPILERS.find((row) => row.abi === abi.id)?.note?.replace(/^no compiler: /, "");
  const reasons = [...new Set(configs.map((c) => missing.get(c.compiler)))];
  const why = configs.length ? reasons.join("; ") : (note ?? "verify/compilers.ts lists none");
  test.skip(`ABI ${abi.id}: predefined condition (skipped: no compiler for ${abi.id} installed; ${why})`, () => {});
}
