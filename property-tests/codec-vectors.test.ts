/*
 * Cross-language vectors: C built from the spec's own struct declarations
 * fills every struct of the bundled specs with values from a shared
 * deterministic generator (designated initialisers, static storage so
 * padding is zero), gcc compiles it natively (x86_64) and with -m32 (i386),
 * and the bytes it writes must equal our codec's encode byte for byte, and
 * decode back to the value.  Also run on random structs from the spec
 * arbitrary (bit-fields, unions, packed/aligned, arrays).
 */
import test from "ava";
import fc from "fast-check";
import { abiById } from "../spec/abis.js";
import type { AbiEntry } from "../spec/abi.js";
import type { InterfaceModel } from "../core/model.js";
import { bundledSpecFiles, loadSpecFiles } from "../spec/load.js";
import { compileInterface, type CompiledStruct } from "../generators/codec-compile.js";
import { compileSource, haveProgram } from "../verify/system-cc.js";
import { toHex } from "../runtime/index.js";
import { cDeclarations, cInitializer, contains, rng, valueFor } from "./codec-support.js";
import { arbStructDoc, modelOf } from "./arbitraries.js";

const SEEDS = [1, 2, 3, 0xdeadbeef, 42];
const TARGETS: [AbiEntry, string[]][] = [
  [abiById("x86_64")!, []],
  [abiById("i386")!, ["-m32"]],
];

interface Vector { struct: CompiledStruct; value: unknown }

/** Compile and run C that writes (u32 sizeof, bytes) for each vector; returns the chunks. */
function runC(ifc: InterfaceModel, vectors: Vector[], abi: AbiEntry, flags: string[]): { size: number; bytes: Uint8Array }[] {
  const objs = vectors.map((v, i) => `static const ${v.struct.record.kind} ${v.struct.record.tag} v${i} = ${cInitializer(v.struct.plans[abi.id]!.root, v.value)};`);
  const writes = vectors.map((_, i) => `  n = sizeof v${i}; fwrite(&n, 4, 1, stdout); fwrite(&v${i}, sizeof v${i}, 1, stdout);`);
  const source = `${cDeclarations(ifc)}\n${objs.join("\n")}\nint main(void) {\n  unsigned int n;\n${writes.join("\n")}\n  return 0;\n}\n`;
  const r = compileSource({ compiler: "gcc", args: ["-std=gnu11", "-O0", "-w", ...flags], source, run: true });
  if (!r.ok || !r.runResult?.ok) throw new Error(`gcc ${flags.join(" ")} failed: ${r.stderr}${r.runResult?.stderr ?? ""}\n${source}`);
  const out = new Uint8Array(r.runResult.stdoutBytes);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const chunks: { size: number; bytes: Uint8Array }[] = [];
  for (let p = 0; p < out.length; ) {
    const size = view.getUint32(p, true);
    chunks.push({ size, bytes: out.subarray(p + 4, p + 4 + size) });
    p += 4 + size;
  }
  return chunks;
}

const haveGcc = haveProgram("gcc");
const can32 = haveGcc && compileSource({ compiler: "gcc", args: ["-m32"], source: "#include <stdio.h>\nint main(void){return 0;}\n", run: true }).runResult?.ok === true;

function check(t: import("ava").ExecutionContext, ifc: InterfaceModel, structs: CompiledStruct[], seeds: number[], label: string) {
  for (const [abi, flags] of TARGETS) {
    if (abi.id === "i386" && !can32) { t.log(`skipped i386 for ${label}: gcc -m32 cannot build and run a program here`); continue; }
    const vectors = structs.flatMap((struct) => seeds.map((seed) => ({ struct, value: valueFor(struct.plans[abi.id]!.root, rng(seed)) })));
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
}

test("bundled structs: gcc's bytes equal the codec's encode on x86_64 and i386, and decode back", (t) => {
  if (!haveGcc) return t.log("skipped: no gcc"), t.pass();
  const models = loadSpecFiles(bundledSpecFiles());
  let n = 0;
  for (const m of models) {
    for (const ifc of m.interfaces) {
      const compiled = compileInterface(ifc, TARGETS.map(([a]) => a));
      const structs = [...compiled.structs.values()];
      if (!structs.length) continue;
      check(t, ifc, structs, SEEDS, ifc.spec.name);
      n += structs.length;
    }
  }
  t.true(n >= 10, `expected the bundled specs to hold at least 10 structs, found ${n}`);
});

test("random structs (bit-fields, unions, packed, aligned, arrays): gcc's bytes equal the codec's on x86_64 and i386", (t) => {
  if (!haveGcc) return t.log("skipped: no gcc"), t.pass();
  const docs = fc.sample(arbStructDoc({ floats: false }), { numRuns: Number(process.env.CODEC_C_RUNS ?? 25), seed: 20240517 });
  for (const [i, doc] of docs.entries()) {
    const model = modelOf(doc);
    const ifc = model.interfaces[0]!;
    const compiled = compileInterface(ifc, TARGETS.map(([a]) => a));
    check(t, ifc, [...compiled.structs.values()], [i + 1, i + 1000], `random#${i}`);
  }
});
