/* What `uapi decode` and `uapi encode` share: finding the struct, the ABI and the input, and compiling the codec. */
import { readFileSync } from "node:fs";
import type { InterfaceModel, RecordType, SpecModel } from "../../core/model.js";
import { abiById, ABIS } from "../../spec/abis.js";
import type { AbiEntry } from "../../spec/abi.js";
import { compileStruct } from "../../generators/codec-compile.js";
import type { Codec } from "../../runtime/index.js";
import type { Plan } from "../../generators/codec-plan.js";
import { loadSpecs } from "../command.js";
import { UsageError } from "../io.js";

export interface Target {
  model: SpecModel;
  ifc: InterfaceModel;
  record: RecordType;
  abi: AbiEntry;
  codec: Codec<unknown>;
  plan: Plan;
  /** Set when the struct exists in several interfaces and one was picked. */
  note?: string;
}

const isSpecFile = (p: string | undefined) => p !== undefined && /\.(ya?ml|json)$/i.test(p);

/** Split `[SPEC] STRUCT DATA` (SPEC optional: the bundled specs when it is left out). */
export function splitPositionals(positionals: string[], command: string): { specFiles: string[]; struct: string; data: string } {
  const specFiles = isSpecFile(positionals[0]) ? [positionals[0]!] : [];
  const rest = positionals.slice(specFiles.length);
  if (rest.length !== 2) throw new UsageError(`${command} takes [SPEC] STRUCT ${command === "decode" ? "HEX|@FILE" : "JSON|@FILE"}`);
  return { specFiles, struct: rest[0]!, data: rest[1]! };
}

export function oneAbi(value: unknown): AbiEntry {
  if (typeof value !== "string" || !value) throw new UsageError(`give the ABI with --abi (one of ${ABIS.map((a) => a.id).join(", ")})`);
  const abi = abiById(value as never);
  if (!abi) throw new UsageError(`unknown ABI '${value}'; known: ${ABIS.map((a) => a.id).join(", ")}`);
  return abi;
}

export function findTarget(specFiles: string[], wanted: string, abi: AbiEntry, ifcName: string | undefined): Target {
  const models = loadSpecs(specFiles);
  const tag = wanted.replace(/^(struct|union)\s+/, "");
  const hits = models.flatMap((model) => model.interfaces.flatMap((ifc) => ifc.records.filter((r) => r.tag === tag).map((record) => ({ model, ifc, record }))));
  const chosen = ifcName ? hits.filter((h) => h.ifc.spec.name === ifcName) : hits;
  if (!chosen.length) {
    if (hits.length) throw new UsageError(`'${wanted}' is not in interface '${ifcName}'; it is in ${hits.map((h) => h.ifc.spec.name).join(", ")}`);
    const known = [...new Set(models.flatMap((m) => m.interfaces.flatMap((i) => i.records.map((r) => r.tag))))];
    throw new UsageError(`no struct or union '${wanted}' in ${models.map((m) => m.file).join(", ")}; known: ${known.join(", ")}`);
  }
  // The primary (non-variant) interface wins when the same tag appears in several.
  const pick = chosen.find((h) => !h.ifc.spec.variant) ?? chosen[0]!;
  const compiled = compileStruct(pick.record, [abi], pick.ifc);
  const note = chosen.length > 1 ? `note: ${wanted} is defined in interfaces ${chosen.map((h) => h.ifc.spec.name).join(", ")}; using ${pick.ifc.spec.name} (choose with --interface)\n` : undefined;
  return { ...pick, abi, codec: compiled.abis[abi.id]!, plan: compiled.plans[abi.id]!, note };
}

/** The text of DATA, or of the file named by @FILE. */
export function readArg(data: string, binary: true): Uint8Array;
export function readArg(data: string, binary: false): string;
export function readArg(data: string, binary: boolean): Uint8Array | string {
  if (!data.startsWith("@")) return data;
  const file = data.slice(1);
  try {
    const buf = readFileSync(file === "-" ? 0 : file);
    return binary ? new Uint8Array(buf) : buf.toString("utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

export const CODEC_OPTIONS = {
  abi: { type: "string" },
  interface: { type: "string" },
  format: { type: "string" },
} as const;
