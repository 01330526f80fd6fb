/*
 * The round-trip proof (import/round-trip.ts): a spec is layout-equal to the kernel header it
 * describes when the original and the header generated from the spec, compiled in one
 * translation unit, agree on every size, alignment, offset and value.  The judges are the
 * compilers: GCC for x86_64, i386 and x32, and the bundled @yowasp/clang on x86_64, s390x (big
 * endian) and arm (32-bit); both sides of every comparison are the compiler's, and the values a
 * test expects come from programs GCC builds here, never from the code under test.
 *
 *   - hand-written specs of four real headers (property-tests/fixtures/round-trip/, and
 *     spec/iio.yaml's events.h) are equal on every target;
 *   - 46 real headers imported with `uapi import` are equal, each its own test;
 *   - the proof can fail: a member moved, or a 64-bit member aligned where the kernel's is not,
 *     is a difference naming the struct, the member, the ABI and both offsets;
 *   - an ABI whose headers are missing here is reported as skipped, never as equal.
 */
import test from "ava";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AbiId } from "../spec/abi.js";
import type { SpecModel } from "../core/model.js";
import { loadSpecFile, loadSpecText } from "../spec/load.js";
import { compilersFor } from "../verify/compilers.js";
import { gccCannotCompile, yowaspInstalled } from "../verify/backends.js";
import { compileSource } from "../verify/system-cc.js";
import { CALIBRATION_SOURCE, dataReader } from "../verify/asm-data.js";
import { runCorpus, type CorpusHeader } from "../import/corpus.js";
import { formatRoundTrip, roundTripMany, type RoundTripReport } from "../import/round-trip.js";
import { resolveTargets, type ResolvedTargets } from "../import/round-trip-targets.js";
import { DEFAULT_USR_INCLUDE } from "../import/round-trip-headers.js";
import { scratchDir } from "./header-support.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "property-tests", "fixtures");
const SPEC_DIR = path.join(FIXTURES, "..", "..", "spec");
const USR_INCLUDE = DEFAULT_USR_INCLUDE;

/** Real headers with structs and ioctls that compile on their own; imported and round-tripped one by one. */
const HEADERS = [
  "a.out",
  "auto_dev-ioctl",
  "auto_fs",
  "blkzoned",
  "cec",
  "counter",
  "dm-ioctl",
  "dma-buf",
  "dma-heap",
  "fs",
  "fscrypt",
  "fsverity",
  "gpio",
  "hiddev",
  "hpet",
  "hidraw",
  "if_tun",
  "iio/events",
  "input",
  "ipmi",
  "isst_if",
  "joystick",
  "kcov",
  "loop",
  "media",
  "mei",
  "nbd",
  "nsfs",
  "nilfs2_api",
  "nitro_enclaves",
  "nvme_ioctl",
  "phantom",
  "pps",
  "pr",
  "ptp_clock",
  "rfkill",
  "rose",
  "rtc",
  "seccomp",
  "sync_file",
  "tee",
  "udmabuf",
  "uinput",
  "userfaultfd",
  "vhost",
  "watchdog",
].map((h) => `linux/${h}.h`);

/** GCC on the x86 ABIs where it compiles here; clang on x86_64, one big-endian and one 32-bit ABI. */
const ABIS: AbiId[] = ["x86_64", "i386", "x32", "s390x", "arm"];
const CLANG_ABIS: AbiId[] = ["x86_64", "s390x", "arm"];

const missing = !existsSync(path.join(USR_INCLUDE, "linux"))
  ? `${USR_INCLUDE}/linux is not installed (linux-libc-dev)`
  : !(await yowaspInstalled())
    ? "@yowasp/clang is not installed"
    : undefined;
const maybe = missing ? test.skip : test;
const skipNote = missing ? ` (skipped: ${missing})` : "";

async function targets(extra: AbiId[] = []): Promise<ResolvedTargets> {
  const all = await resolveTargets({ abis: [...ABIS, ...extra] });
  return {
    targets: all.targets.filter((t) => t.compiler === "gcc" || [...CLANG_ABIS, ...extra].includes(t.abi.id)),
    skipped: all.skipped,
  };
}

const fixture = (name: string): SpecModel => loadSpecFile(path.join(FIXTURES, "round-trip", `${name}.yaml`));

/** The ABIs every target ran on and found equal: each of the round trip's targets, by the report's own runs. */
function ranEqual(r: RoundTripReport): string[] {
  return r.targets.filter((t) => t.status === "equal").map((t) => `${t.abi} ${t.compiler}`);
}

/**
 * A constant expression over the kernel's own header as GCC computes it: compiled to assembly and
 * read back from the data (verify/asm-data.ts), since an i386 program cannot always run here.
 */
function gccMeasure(header: string, expr: string, flags: string[]): number | undefined {
  const r = compileSource({
    compiler: "gcc",
    args: [...flags, "-std=gnu11", "-S", "-o", "-"],
    source: `${CALIBRATION_SOURCE}\n#include <${header}>\nconst unsigned int measured = (${expr});\n`,
  });
  return r.ok ? dataReader(r.stdout, "little").words32("measured")[0] : undefined;
}

maybe(
  `hand-written specs of watchdog.h, rfkill.h, gpio.h and iio/events.h equal the kernel's headers${skipNote}`,
  async (t) => {
    const resolved = await targets();
    const iio = loadSpecFile(path.join(SPEC_DIR, "iio.yaml"));
    const reports = await roundTripMany(
      [
        { original: "linux/watchdog.h", spec: fixture("watchdog") },
        { original: "linux/rfkill.h", spec: fixture("rfkill") },
        { original: "linux/gpio.h", spec: fixture("gpio") },
        { original: "linux/iio/events.h", spec: iio },
      ],
      { resolved },
    );
    for (const r of reports) {
      t.is(r.status, "equal", formatRoundTrip(r));
      // Every target compiled and compared: nothing was skipped or counted without running.
      t.is(ranEqual(r).length, resolved.targets.length, formatRoundTrip(r));
      t.true(r.compared.records + r.compared.values > 0);
    }
    // Every ABI a target ran on (gcc -m32/-mx32 may be missing: then clang's ABIs only).
    const abisRun = [...new Set(resolved.targets.map((x) => x.abi.id))].sort();
    for (const r of reports) t.deepEqual([...r.equalOn].sort(), abisRun, formatRoundTrip(r));
  },
);

/* ------------------------------------------------ 40 imported headers */

const corpus = missing
  ? undefined
  : (async () => {
      const result = await runCorpus({
        usrInclude: USR_INCLUDE,
        headers: HEADERS,
        resolved: await targets(),
        chunk: 10,
      });
      return new Map(result.headers.map((h) => [h.header, h]));
    })();

function describe(h: CorpusHeader): string {
  const rt = h.roundTrip;
  const lines = [`${h.header}: ${h.status}${h.reason ? ` (${h.reason})` : ""}`];
  for (const g of rt?.differences ?? [])
    lines.push(
      `  ${g.subject}${g.member ? `.${g.member}` : ""}: ${g.aspect} vs ${g.against}: ${g.kind}` +
        `${g.original !== undefined ? ` (original ${g.original}, ${g.against} ${g.other})` : ""}` +
        `${g.message ? ` ${g.message}` : ""} on ${g.abis.join(", ")}`,
    );
  for (const n of rt?.notRun ?? []) lines.push(`  not run on ${n.abis.join(", ")}: ${n.status}: ${n.reason}`);
  return lines.join("\n");
}

for (const header of HEADERS)
  maybe(`${header}: the spec \`uapi import\` makes of it equals it on every target${skipNote}`, async (t) => {
    const h = (await corpus!).get(header)!;
    t.is(h.status, "equal", describe(h));
    t.true(h.roundTrip?.equalOn.includes("x86_64"), describe(h));
  });

/* ------------------------------------------------ the proof can fail */

const IDENTITY = "          - { name: identity, type: __u8, array: 32 }\n";
const OPTIONS = "          - { name: options, type: __u32, flags: wdiof }\n";

maybe(
  `a member moved in the spec is a difference naming the struct, the member and both offsets${skipNote}`,
  async (t) => {
    const text = readFileSync(path.join(FIXTURES, "round-trip", "watchdog.yaml"), "utf8");
    // identity, the last member, moved to the front.
    const moved = text.replace(IDENTITY, "").replace(OPTIONS, IDENTITY + OPTIONS);
    t.not(moved, text, "the fixture changed: the mutation no longer applies");
    const spec = loadSpecText("watchdog-moved.yaml", moved);
    const resolved = await targets();
    const [r] = await roundTripMany([{ original: "linux/watchdog.h", spec }], { resolved });
    t.is(r!.status, "different", formatRoundTrip(r!));
    const kernel = gccMeasure("linux/watchdog.h", "__builtin_offsetof(struct watchdog_info, identity)", ["-m64"]);
    t.truthy(kernel, "gcc could not compile the measuring unit");
    for (const target of resolved.targets) {
      const d = r!.differences.find(
        (x) =>
          x.abi === target.abi.id &&
          x.compiler === target.label &&
          x.subject === "struct watchdog_info" &&
          x.member === "identity" &&
          x.aspect === "offset" &&
          x.against === "generated",
      );
      t.truthy(d, `no difference for watchdog_info.identity on ${target.label}:\n${formatRoundTrip(r!)}`);
      t.is(d?.kind, "differs");
      // Every ABI here lays watchdog_info out alike; GCC's own figure for the kernel's header is the expectation.
      t.is(d?.original, String(kernel), target.label);
      t.not(d?.other, d?.original);
    }
  },
);

const noM32 = missing ?? gccCannotCompile(compilersFor("i386").gcc!);

(noM32 ? test.skip : test)(
  `__aligned_u64 where the kernel has __u64 is a difference on i386 only: the alignment gcc -m32 gives` +
    (noM32 ? ` (skipped: ${noM32})` : ""),
  async (t) => {
    const text = readFileSync(path.join(FIXTURES, "round-trip", "gpio.yaml"), "utf8");
    const aligned = text.replace("- { name: timestamp, type: __u64 }", "- { name: timestamp, type: __aligned_u64 }");
    t.not(aligned, text, "the fixture changed: the mutation no longer applies");
    const resolved = await targets();
    const [r] = await roundTripMany([{ original: "linux/gpio.h", spec: loadSpecText("gpio-aligned.yaml", aligned) }], {
      resolved,
    });
    t.is(r!.status, "different", formatRoundTrip(r!));
    t.deepEqual(
      [...new Set(r!.differences.map((d) => d.abi))],
      ["i386"],
      `of these ABIs only i386 aligns __u64 to 4:\n${formatRoundTrip(r!)}`,
    );
    // clang runs on x86_64, s390x and arm here, so i386's judge is GCC.
    const d = r!.differences.find(
      (x) =>
        x.compiler.startsWith("gcc") &&
        x.subject === "struct gpioline_info_changed" &&
        x.aspect === "align" &&
        x.against === "generated",
    );
    t.truthy(d, formatRoundTrip(r!));
    const kernel = gccMeasure("linux/gpio.h", "_Alignof(struct gpioline_info_changed)", [
      "-m32",
      "-isystem",
      path.join(USR_INCLUDE, "x86_64-linux-gnu"),
    ]);
    t.truthy(kernel, "gcc -m32 could not compile the measuring unit");
    t.is(d?.original, String(kernel));
    t.not(d?.other, d?.original);
    t.true(r!.equalOn.includes("x86_64") && r!.equalOn.includes("s390x") && r!.equalOn.includes("arm"));
  },
);

maybe(
  `a header that needs asm/ or C library headers an ABI lacks here is skipped there, never equal${skipNote}`,
  async (t) => {
    // linux/if.h includes <sys/socket.h> and <asm/sockios.h>; aarch64 has neither here (no Debian sysroot).
    const spec = loadSpecText(
      "if.yaml",
      `name: ifnames
doc: One constant of linux/if.h.
interfaces:
  - name: ifnames
    header: linux/if.h
    doc: Interface names.
    constants:
      - { name: IFNAMSIZ, value: 16 }
`,
    );
    const resolved = await targets(["aarch64"]);
    const [r] = await roundTripMany([{ original: "linux/if.h", spec }], { resolved });
    const aarch64 = r!.targets.filter((x) => x.abi === "aarch64");
    t.true(aarch64.length > 0);
    for (const x of aarch64) {
      t.is(x.status, "skipped", formatRoundTrip(r!));
      t.regex(x.reason ?? "", /no (asm|C library) headers for ABI aarch64/);
    }
    t.false(r!.equalOn.includes("aarch64"));
    t.true(r!.equalOn.includes("x86_64"), formatRoundTrip(r!));
  },
);

/* ------------------------------------------------ npm run corpus writes specs/, and only its own */

const CORPUS_MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "import", "corpus-main.js");
const corpusMain = (args: string[]) =>
  spawnSync(process.execPath, [CORPUS_MAIN, "--quiet", ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
const gccMissing = spawnSync("gcc", ["--version"]).status === 0 ? undefined : "gcc is not installed";
const corpusWhy = missing ?? gccMissing;

(corpusWhy ? test.skip : test)(
  "npm run corpus writes every imported spec below specs/, loadable, and never replaces a specs/ it did not write" +
    (corpusWhy ? ` (skipped: ${corpusWhy})` : ""),
  (t) => {
    const out = scratchDir("corpus-out");
    const only = ["--only", "^linux/(watchdog|rfkill)\\.h$", "--gcc", "none", "--no-clang"];
    const first = corpusMain([...only, "--out", out]);
    t.is(first.status, 0, first.stderr);
    for (const h of ["watchdog", "rfkill"]) {
      const model = loadSpecFile(path.join(out, "specs", "linux", `${h}.yaml`));
      t.is(model.interfaces[0]!.spec.header, `linux/${h}.h`);
    }
    t.is(corpusMain([...only, "--out", out]).status, 0, "an earlier run's specs/ is replaced");

    const foreign = scratchDir("corpus-foreign");
    mkdirSync(path.join(foreign, "specs"));
    writeFileSync(path.join(foreign, "specs", "mine.yaml"), "mine\n");
    const refused = corpusMain([...only, "--out", foreign]);
    t.is(refused.status, 2, refused.stderr);
    t.regex(refused.stderr, /not an earlier run's/);
    t.is(readFileSync(path.join(foreign, "specs", "mine.yaml"), "utf8"), "mine\n");
  },
);
