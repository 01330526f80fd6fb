/*
 * Cross-language vectors: C built from the spec's own struct declarations
 * fills every struct of the bundled specs with values from a shared
 * deterministic generator (designated initialisers, static storage so
 * padding is zero), gcc compiles it natively (x86_64) and with -m32 (i386),
 * and the bytes it writes must equal our codec's encode byte for byte, and
 * decode back to the value.  Also run on random structs from the spec
 * arbitrary (bit-fields, unions, packed/aligned, arrays).  One test per
 * target and source of structs.
 */
import test, { type ExecutionContext } from "ava";
import fc from "fast-check";
import { abiById } from "../spec/abis.js";
import type { AbiEntry } from "../spec/abi.js";
import type { InterfaceModel } from "../core/model.js";
import { exampleSpecFiles, loadSpecFiles } from "../spec/load.js";
import { compileInterface, type CompiledStruct } from "../generators/codec-compile.js";
import { compileSource } from "../verify/system-cc.js";
import { toHex } from "../runtime/index.js";
import { cDeclarations, cInitializer, contains, rng, valueFor } from "./codec-support.js";
import { arbStructDoc, modelOf } from "./arbitraries.js";

const SEEDS = [1, 2, 3, 0xdeadbeef, 42];
const TARGETS: [AbiEntry, string[]][] = [
  [abiById("x86_64")!, []],
  [abiById("i386")!, ["-m32"]],
];

interface Vector {
  struct: CompiledStruct;
  value: unknown;
}

/** Compile and run C that writes (u32 sizeof, bytes) for each vector; returns the chunks. */
function runC(
  ifc: InterfaceModel,
  vectors: Vector[],
  abi: AbiEntry,
  flags: string[],
): { size: number; bytes: Uint8Array }[] {
  const objs = vectors.map((v, i) => {
    const init = cInitializer(v.struct.plans[abi.id]!.root, v.value);
    return `static const ${v.struct.record.kind} ${v.struct.record.tag} v${i} = ${init};`;
  });
  const writes = vectors.map(
    (_, i) => `  n = sizeof v${i}; fwrite(&n, 4, 1, stdout); fwrite(&v${i}, sizeof v${i}, 1, stdout);`,
  );
  const source = [
    cDeclarations(ifc),
    objs.join("\n"),
    "int main(void) {",
    "  unsigned int n;",
    writes.join("\n"),
    "  return 0;",
    "}",
    "",
  ].join("\n");
  const r = compileSource({ compiler: "gcc", args: ["-std=gnu11", "-O0", "-w", ...flags], source, run: true });
  if (!r.ok || !r.runResult?.ok)
    throw new Error(`gcc ${flags.join(" ")} failed: ${r.stderr}${r.runResult?.stderr ?? ""}\n${source}`);
  const out = new Uint8Array(r.runResult.stdoutBytes);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const chunks: { size: number; bytes: Uint8Array }[] = [];
  for (let p = 0; p < out.length;) {
    const size = view.getUint32(p, true);
    chunks.push({ size, bytes: out.subarray(p + 4, p + 4 + size) });
    p += 4 + size;
  }
  return chunks;
}

/*
 * Each test compiles C with gcc, runs it on this machine and reads the bytes it writes, so the capability it needs
 * is building and running a program for the target ABI: for x86_64 a host gcc and libc on an x86_64 machine, for
 * i386 also the -m32 multilib runtime (gcc-12-multilib), which a gcc can lack while `gcc -m32 -fsyntax-only`
 * works.  The probe is such a program, refusing to build unless the ABI's predefined-macro condition holds
 * (header-abi-predefined.test.ts checks those conditions); a target whose probe fails is skipped with the reason.
 */
/** Why a program for `abi` cannot be built and run here with `gcc flags`, or undefined when it can. */
function cannotBuildAndRun(abi: AbiEntry, flags: string[]): string | undefined {
  const gcc = ["gcc", ...flags].join(" ");
  const guard = `#if !(${abi.predefined})\n#error not ${abi.id}\n#endif\n`;
  const source = `#include <stdio.h>\n${guard}int main(void) { return puts("ok") < 0; }\n`;
  const r = compileSource({ compiler: "gcc", args: flags, source, run: true });
  // Reasons become test titles, so they carry no temporary paths from the compiler's or the shell's messages.
  if (!r.ok) return `${gcc} cannot build a program for ${abi.id} here${MULTILIB_HINT[abi.id] ?? ""}`;
  if (!r.runResult?.ok) return `a program ${gcc} builds for ${abi.id} does not run here (exit ${r.runResult?.status})`;
  return undefined;
}
const MULTILIB_HINT: Record<string, string> = { i386: " (apt-get install gcc-12-multilib)" };

function check(
  t: ExecutionContext,
  ifc: InterfaceModel,
  structs: CompiledStruct[],
  seeds: number[],
  label: string,
  abi: AbiEntry,
  flags: string[],
) {
  const vectors = structs.flatMap((struct) =>
    seeds.map((seed) => ({ struct, value: valueFor(struct.plans[abi.id]!.root, rng(seed)) })),
  );
  const chunks = runC(ifc, vectors, abi, flags);
  t.is(chunks.length, vectors.length);
  vectors.forEach((v, i) => {
    const codec = v.struct.abis[abi.id]!;
    const c = chunks[i]!;
    const where = `${label} ${v.struct.record.tag} on ${abi.id}`;
    t.is(c.size, codec.size, `${where}: sizeof`);
    const ours = codec.encode(v.value);
    t.is(toHex(ours), toHex(c.bytes), `${where}: bytes`);
    const back = codec.decode(c.bytes);
    const diff = contains(back, v.value);
    t.is(diff, undefined, `${where}: decode round trip`);
  });
}

for (const [abi, flags] of TARGETS) {
  const why = cannotBuildAndRun(abi, flags);
  const register = why ? test.skip : test;
  const gcc = ["gcc", ...flags].join(" ");
  const skipped = why ? ` (skipped: ${why})` : "";

  register(`bundled structs: ${gcc}'s bytes equal the codec's encode on ${abi.id}, and decode back${skipped}`, (t) => {
    const models = loadSpecFiles(exampleSpecFiles());
    let n = 0;
    for (const m of models) {
      for (const ifc of m.interfaces) {
        const structs = [...compileInterface(ifc, [abi]).structs.values()];
        if (!structs.length) continue;
        check(t, ifc, structs, SEEDS, ifc.spec.name, abi, flags);
        n += structs.length;
      }
    }
    t.true(n >= 10, `expected the bundled specs to hold at least 10 structs, found ${n}`);
  });

  const random = "random structs (bit-fields, unions, packed, aligned, arrays)";
  register(`${random}: ${gcc}'s bytes equal the codec's on ${abi.id}${skipped}`, (t) => {
    const runs = Number(process.env.CODEC_C_RUNS ?? 25);
    const docs = fc.sample(arbStructDoc({ floats: false }), { numRuns: runs, seed: 20240517 });
    for (const [i, doc] of docs.entries()) {
      const ifc = modelOf(doc).interfaces[0]!;
      check(t, ifc, [...compileInterface(ifc, [abi]).structs.values()], [i + 1, i + 1000], `random#${i}`, abi, flags);
    }
  });
}
