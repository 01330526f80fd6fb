/* What `uapi decode` and `uapi encode` share: finding the struct, the ABI and the input, and compiling the codec. */
import { statSync } from "node:fs";
import { readCapped } from "../../spec/read-capped.js";
import type { InterfaceModel, RecordType, SpecModel } from "../../core/model.js";
import { abiById, ABIS } from "../../spec/abis.js";
import type { AbiEntry } from "../../spec/abi.js";
import { compileStruct } from "../../generators/codec-compile.js";
import { layoutRecord } from "../../core/layout.js";
import type { Codec } from "../../runtime/index.js";
import type { Plan } from "../../generators/codec-plan.js";
import type { Project } from "../../spec/config.js";
import { loadProjectSpecs } from "../project.js";
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

/** Split `[SPEC] STRUCT DATA` (SPEC optional: the project's specs when it is left out). */
export function splitPositionals(
  positionals: string[],
  command: string,
): { specFiles: string[]; struct: string; data: string } {
  const specFiles = isSpecFile(positionals[0]) ? [positionals[0]!] : [];
  const rest = positionals.slice(specFiles.length);
  if (rest.length !== 2)
    throw new UsageError(`${command} takes [SPEC] STRUCT ${command === "decode" ? "HEX|@FILE" : "JSON|@FILE"}`);
  return { specFiles, struct: rest[0]!, data: rest[1]! };
}

export function oneAbi(value: unknown): AbiEntry {
  if (typeof value !== "string" || !value)
    throw new UsageError(`give the ABI with --abi (one of ${ABIS.map((a) => a.id).join(", ")})`);
  const abi = abiById(value as never);
  if (!abi) throw new UsageError(`unknown ABI '${value}'; known: ${ABIS.map((a) => a.id).join(", ")}`);
  return abi;
}

export function findTarget(
  specFiles: string[],
  wanted: string,
  abi: AbiEntry,
  ifcName: string | undefined,
  project: Project | undefined,
): Target {
  const models = loadProjectSpecs(specFiles, project);
  const tag = wanted.replace(/^(struct|union)\s+/, "");
  const hits = models.flatMap((model) =>
    model.interfaces.flatMap((ifc) =>
      ifc.records.filter((r) => r.tag === tag).map((record) => ({ model, ifc, record })),
    ),
  );
  const chosen = ifcName ? hits.filter((h) => h.ifc.spec.name === ifcName) : hits;
  if (!chosen.length) {
    if (hits.length)
      throw new UsageError(
        `'${wanted}' is not in interface '${ifcName}'; it is in ${hits.map((h) => h.ifc.spec.name).join(", ")}`,
      );
    const known = [...new Set(models.flatMap((m) => m.interfaces.flatMap((i) => i.records.map((r) => r.tag))))];
    throw new UsageError(
      `no struct or union '${wanted}' in ${models.map((m) => m.file).join(", ")}; known: ${known.join(", ")}`,
    );
  }
  // The primary (non-variant) interface wins when the same tag appears in several.
  const pick = chosen.find((h) => !h.ifc.spec.variant) ?? chosen[0]!;
  // Planning a codec costs time and memory in proportion to the struct's size; no input or output
  // of these commands can exceed the input cap, so a bigger struct is refused before that.
  const size = layoutRecord(pick.record, abi).size;
  if (size > INPUT_CAP)
    throw new UsageError(
      `${wanted} is ${size} bytes on ${abi.id}, ` +
        `more than the ${INPUT_CAP / 1048576} MiB that uapi decode/encode handle`,
    );
  const compiled = compileStruct(pick.record, [abi], pick.ifc);
  const note =
    chosen.length > 1
      ? `note: ${wanted} is defined in interfaces ${chosen.map((h) => h.ifc.spec.name).join(", ")}; ` +
        `using ${pick.ifc.spec.name} (choose with --interface)\n`
      : undefined;
  const plan = compiled.plans[abi.id]!;
  return { ...pick, abi, codec: compiled.abis[abi.id]!, plan, note };
}

/** The most `@FILE` / `@-` input a codec command reads: 64 MiB. */
export const INPUT_CAP = 64 * 1024 * 1024;

const mib = (n: number) => `${n / (1024 * 1024)} MiB`;
/** A whole file, or stdin for "-", refused with a UsageError (exit 2) naming the cap once it passes `cap` bytes. */
export function readInput(file: string, cap = INPUT_CAP): Buffer {
  const name = file === "-" ? "stdin" : file;
  let buf: Buffer | undefined;
  try {
    buf = readCapped(file === "-" ? 0 : file, cap);
  } catch (e) {
    throw new UsageError(`cannot read ${name}: ${(e as Error).message}`);
  }
  if (buf === undefined) {
    const size = file === "-" ? undefined : statSync(file, { throwIfNoEntry: false });
    const what = size?.isFile() ? `is ${size.size} bytes, more than` : "goes on past";
    throw new UsageError(`${name} ${what} the input cap of ${mib(cap)} (${cap} bytes); nothing past it was read`);
  }
  return buf;
}

/** The text of DATA, or of the file named by @FILE (@- for stdin), capped at INPUT_CAP. */
export function readArg(data: string, binary: true): Uint8Array;
export function readArg(data: string, binary: false): string;
export function readArg(data: string, binary: boolean): Uint8Array | string {
  if (!data.startsWith("@")) return data;
  const buf = readInput(data.slice(1));
  return binary ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : buf.toString("utf8");
}

export const CODEC_OPTIONS = {
  abi: { type: "string" },
  interface: { type: "string" },
  format: { type: "string" },
  config: { type: "string" },
} as const;
