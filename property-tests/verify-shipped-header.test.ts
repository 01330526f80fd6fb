/*
 * `uapi verify` judges the header users get: its probe includes the text
 * `uapi generate` writes, compiled against the target's own kernel headers
 * where a sysroot is installed (verify/sysroots.ts), so a wrong ABI-table
 * fact about a kernel type shows up as a mismatch.  Expected values come from
 * the compilers, never from the engine.
 */
import test from "ava";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { abiById } from "../spec/abis.js";
import type { AbiEntry } from "../spec/abi.js";
import { loadSpecText } from "../spec/load.js";
import { bufferIo, EXIT } from "../cli/io.js";
import { main } from "../cli/main.js";
import { buildProbe, unitsOfModels } from "../verify/probe.js";
import { verifyLayouts } from "../verify/verify.js";
import { compilersFor } from "../verify/compilers.js";
import { gccHeaderSource } from "../verify/backends.js";
import { compileSource, haveProgramCached } from "../verify/system-cc.js";
import { layoutRecord } from "../core/layout.js";

const SPEC = `name: stamp
doc: A time stamp and a packed 64-bit value.
interfaces:
  - name: stamp
    doc: Stamps.
    header: linux/stamp.h
    structs:
      - name: stamp_time
        doc: A time stamp.
        fields:
          - { name: sec, type: time_t, doc: Seconds. }
          - { name: flags, type: __u32, doc: Flags. }
      - name: stamp_packed
        doc: A packed struct holding an __aligned_u64.
        packed: true
        fields:
          - { name: tag, type: __u8, doc: Tag. }
          - { name: value, type: __aligned_u64, doc: Value. }
`;

const model = () => loadSpecText("stamp.yaml", SPEC);

/** Whether the ABI's GCC is installed and finds the target's kernel headers; otherwise why not. */
function sysrootGcc(abi: AbiEntry): string | undefined {
  const gcc = compilersFor(abi.id).gcc;
  if (!gcc) return `no GCC for ${abi.id} in verify/compilers.ts`;
  if (!haveProgramCached(gcc.command)) return `${gcc.command} is not installed`;
  const source = gccHeaderSource(abi.id, gcc);
  return source.kind === "sysroot" ? undefined : source.why;
}

test("the probe includes the generated header byte for byte as `uapi generate` writes it", async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "uapi-shipped-"));
  try {
    const spec = path.join(dir, "stamp.yaml");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(spec, SPEC);
    const io = bufferIo();
    t.is(await main(["generate", spec, "--out", path.join(dir, "out")], io), EXIT.OK, io.stderr);
    const shipped = readFileSync(path.join(dir, "out/include/uapi/linux/stamp.h"), "utf8");
    const probe = buildProbe(unitsOfModels([model()]), abiById("x86_64")!);
    t.is(probe.headers["linux/stamp.h"], shipped);
    t.regex(probe.source, /^#include <linux\/stamp\.h>$/m);
    t.notRegex(probe.source, /struct stamp_time \{/, "the probe declares nothing itself");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const arm = abiById("arm")!;
// Wrong in both places the table states the kernel's time_t: the time_t class and the __kernel_time_t fact (which
// the stand-ins spell).
const wrongArm: AbiEntry = {
  ...arm,
  scalars: { ...arm.scalars, time_t: { size: 8, align: 8 } },
  typedefs: {
    ...arm.typedefs,
    facts: {
      ...arm.typedefs.facts,
      __kernel_time_t: { ...arm.typedefs.facts.__kernel_time_t, size: 8, align: 8, type: "long long" },
    },
  },
};

const armWhy = sysrootGcc(arm);
(armWhy ? test.skip : test)(
  "a row that is wrong about time_t is a mismatch where the target's headers are installed" +
    (armWhy ? ` (skipped: ${armWhy})` : ""),
  async (t) => {
    const [v] = await verifyLayouts(unitsOfModels([model()]), [wrongArm], { compiler: "system" });
    t.is(v!.status, "mismatch");
    const gccRun = v!.runs.find((r) => r.headers === "sysroot")!;
    t.truthy(gccRun, "the GCC run used the sysroot");
    t.true(
      gccRun.mismatches.some((m) => m.record.endsWith("struct stamp_time") && m.kind === "size"),
      JSON.stringify(gccRun.mismatches),
    );
  },
);

test("clang judges kernel typedefs only against the table, and says so", async (t) => {
  if (!compilersFor("arm").clang) return t.fail("arm has a clang row");
  const [v] = await verifyLayouts(unitsOfModels([model()]), [wrongArm], { compiler: "yowasp" });
  const run = v!.runs[0]!;
  t.is(run.headers, "table");
  t.regex(run.headersWhy ?? "", /ABI table/);
  t.deepEqual(run.mismatches, [], "the stand-ins follow the (wrong) table, so clang cannot see it");
  t.is(v!.typedefs.status, "table-only");
});

const x64Why = sysrootGcc(abiById("x86_64")!);
(x64Why ? test.skip : test)(
  "packed __aligned_u64: the engine agrees with gcc and the host's own linux/types.h" +
    (x64Why ? ` (skipped: ${x64Why})` : ""),
  async (t) => {
    const layout = layoutRecord(
      model().interfaces[0]!.records.find((r) => r.tag === "stamp_packed")!,
      abiById("x86_64")!,
    );
    const c = compileSource({
      compiler: "gcc",
      args: ["-fsyntax-only"],
      source: `#include <linux/types.h>
struct s { __u8 tag; __aligned_u64 value; } __attribute__((packed));
_Static_assert(sizeof(struct s) == ${layout.size}, "size");
_Static_assert(__builtin_offsetof(struct s, value) == ${layout.members[1]!.offset}, "offset");
`,
    });
    t.true(c.ok, c.stderr);
    const [v] = await verifyLayouts(unitsOfModels([model()]), [abiById("x86_64")!], { compiler: "system" });
    t.is(v!.status, "verified", JSON.stringify(v!.runs.map((r) => r.mismatches)));
  },
);
