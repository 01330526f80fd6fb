/*
 * What a compiler says about two versions of a spec, for the diff tests: each version's generated
 * header compiled by GCC per ABI, and its sizes, alignments, member offsets and sizes, bit-field
 * positions, request numbers and named values read back from `-S` data (an i386 program cannot
 * always run here).  The names come from the spec's own fields; every number comes from GCC.
 */
import type { SpecModel } from "../core/model.js";
import type { AbiId } from "../spec/abi.js";
import type { FieldSpec, InlineComposite } from "../spec/types.js";
import { renderHeader } from "../generators/header.js";
import { CALIBRATION_SOURCE, dataReader, setBits } from "../verify/asm-data.js";
import { compileSource, haveProgram } from "../verify/system-cc.js";
import { M32_ISYSTEM } from "./header-support.js";

export interface GccTarget {
  abi: AbiId;
  flags: string[];
  /** Why it cannot compile here. */
  missing?: string;
}

const CANDIDATES: readonly GccTarget[] = [
  { abi: "x86_64", flags: ["-m64"] },
  { abi: "i386", flags: ["-m32"] },
  { abi: "x32", flags: ["-mx32"] },
];

/** The host GCC's x86 ABIs, each with why it cannot run when it cannot. */
export function gccTargets(): GccTarget[] {
  const gcc = haveProgram("gcc");
  return CANDIDATES.map((t) => {
    if (!gcc) return { ...t, missing: "gcc is not installed" };
    const r = compileSource({
      compiler: "gcc",
      args: [...t.flags, ...M32_ISYSTEM, "-S", "-o", "-", "-xc"],
      source: "#include <linux/types.h>\n#include <linux/ioctl.h>\nint x;\n",
    });
    return r.ok ? t : { ...t, missing: `gcc ${t.flags[0]} cannot compile here (apt-get install gcc-12-multilib)` };
  });
}

/** fact key -> value, e.g. "offset|struct a|b", "size|struct a", "value|CMD", "bit|struct a|f". */
export type Facts = Map<string, number>;

interface Probe {
  key: string;
  expr: string;
}

/** Named members at every depth of inline records (anonymous ones add no prefix), with whether each is a bit-field. */
function memberPaths(fields: readonly FieldSpec[], prefix = ""): { path: string; bits: boolean }[] {
  const out: { path: string; bits: boolean }[] = [];
  for (const f of fields) {
    const path = f.name === undefined ? undefined : `${prefix}${f.name}`;
    if (path !== undefined) out.push({ path, bits: f.bits !== undefined });
    if (typeof f.type === "object" && f.array === undefined)
      out.push(...memberPaths((f.type as InlineComposite).fields, path === undefined ? prefix : `${path}.`));
  }
  return out;
}

function probesOf(model: SpecModel): { values: Probe[]; bitObjects: { key: string; decl: string; label: string }[] } {
  const values: Probe[] = [];
  const bitObjects: { key: string; decl: string; label: string }[] = [];
  const ifc = model.interfaces[0]!;
  for (const s of ifc.spec.structs ?? []) {
    if (s.external) continue;
    const t = `${s.kind ?? "struct"} ${s.name}`;
    values.push({ key: `size|${t}`, expr: `sizeof(${t})` }, { key: `align|${t}`, expr: `_Alignof(${t})` });
    for (const m of memberPaths(s.fields)) {
      if (!m.bits) {
        values.push(
          { key: `offset|${t}|${m.path}`, expr: `__builtin_offsetof(${t}, ${m.path})` },
          { key: `msize|${t}|${m.path}`, expr: `sizeof(((${t} *)0)->${m.path})` },
        );
        continue;
      }
      const label = `diff_bf_${bitObjects.length}`;
      bitObjects.push({ key: `${t}|${m.path}`, label, decl: `const ${t} ${label} = { .${m.path} = -1 };` });
    }
  }
  for (const c of ifc.spec.commands ?? []) values.push({ key: `value|${c.name}`, expr: `(unsigned int)(${c.name})` });
  for (const e of ifc.spec.enums ?? [])
    for (const v of e.values) values.push({ key: `value|${v.name}`, expr: `(unsigned int)(${v.name})` });
  for (const f of ifc.spec.flags ?? [])
    for (const b of f.bits) values.push({ key: `value|${b.name}`, expr: `(unsigned int)(${b.name})` });
  for (const c of ifc.spec.constants ?? []) values.push({ key: `value|${c.name}`, expr: `(unsigned int)(${c.name})` });
  return { values, bitObjects };
}

/** Compile the spec's generated header for one target and read every fact back. */
export function compiledFacts(model: SpecModel, target: GccTarget): Facts {
  const header = renderHeader(model, model.interfaces[0]!);
  const { values, bitObjects } = probesOf(model);
  const source = [
    header,
    CALIBRATION_SOURCE,
    "const unsigned int diff_values[] = {",
    ...values.map((p) => `\t${p.expr},`),
    "\t0 };",
    ...bitObjects.map((b) => b.decl),
    "",
  ].join("\n");
  const r = compileSource({
    compiler: "gcc",
    args: [...target.flags, ...M32_ISYSTEM, "-std=gnu11", "-w", "-S", "-o", "-", "-xc"],
    source,
  });
  if (!r.ok) throw new Error(`gcc ${target.flags.join(" ")} rejected the generated header:\n${r.stderr}\n${source}`);
  const data = dataReader(r.stdout, "little");
  const words = data.words32("diff_values");
  const facts: Facts = new Map(values.map((p, i) => [p.key, words[i]!]));
  for (const b of bitObjects) {
    const bits = setBits(data.bytes(b.label), "little");
    facts.set(`bit|${b.key}`, bits[0]!);
    facts.set(`bitwidth|${b.key}`, bits.length);
  }
  return facts;
}

/** Keys whose value differs between two versions, or that only one version has. */
export function differingKeys(a: Facts, b: Facts): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of a) if (b.get(k) !== v) out.add(k);
  for (const k of b.keys()) if (!a.has(k)) out.add(k);
  return out;
}
