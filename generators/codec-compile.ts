/*
 * Codecs for a spec loaded at run time, compiled on the fly the way Ajv
 * compiles schemas: the generator's function bodies wrapped as JavaScript
 * and turned into functions with `new Function`.  Same bodies as the
 * committed modules in out/codecs/, so the two cannot disagree.
 */
import type { AbiEntry, AbiId } from "../spec/abi.js";
import { ABIS } from "../spec/abis.js";
import type { InterfaceModel, RecordType } from "../core/model.js";
import * as runtime from "../runtime/index.js";
import type { Codec, IoctlInfo } from "../runtime/index.js";
import { Consts, SLOW } from "./codec-emit.js";
import { sizedCodecProperties, sizedDecodeFunction } from "./codec-growth.js";
import { buildStruct, buildUnit, type UnitCodec, type UnitStruct } from "./codec-unit.js";
import type { Plan } from "./codec-plan.js";

/** A value as decoded: objects, numbers, bigints, booleans, Uint8Arrays, arrays. */
export type AnyValue = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface CompiledStruct {
  name: string;
  record: RecordType;
  abis: Record<string, Codec<AnyValue>>;
  /** The plan behind each ABI's codec (for dumps and JSON conversion). */
  plans: Record<string, Plan>;
}

export interface CompiledInterface {
  structs: Map<string, CompiledStruct>;
  ioctls: Map<string, IoctlInfo>;
}

/** Type syntax in the generated JavaScript: none. */
const untyped = () => "";

/** JavaScript source that evaluates (given `$rt`) to { id: codec } for these codecs. */
function jsSource(consts: Consts, codecs: UnitCodec[], names: Map<UnitCodec, string>): string {
  const parts = [...consts.lines];
  for (const c of codecs) {
    const n = c.id.slice(2);
    parts.push(
      `function $d${n}(bytes, offset = 0, lenient) {\n${c.bodies.decode.replaceAll(`${SLOW}(`, `$d${n}x(`)}\n}`,
      `function $d${n}x(bytes, offset, lenient) {\n${c.bodies.decodeDetail}\n}`,
      `function $e${n}(value, into, offset = 0) {\n${c.bodies.encode.replaceAll(`${SLOW}(`, `$e${n}x(`)}\n}`,
      `function $e${n}x(value, into, offset) {\n${c.bodies.encodeDetail}\n}`,
      ...(c.growth ? [sizedDecodeFunction(c.plan, c.growth, n, "", untyped)] : []),
      `const ${c.id} = { name: ${JSON.stringify(names.get(c))}, size: ${c.size}, align: ${c.align}, ` +
        `decode: $d${n}, encode: $e${n}${c.growth ? sizedCodecProperties(c.growth, n, untyped) : ""} };`,
    );
  }
  parts.push(`return { ${codecs.map((c) => `${JSON.stringify(c.id)}: ${c.id}`).join(", ")} };`);
  return parts.join("\n");
}

function instantiate(consts: Consts, structs: UnitStruct[]): Map<UnitCodec, Codec<AnyValue>> {
  const all = structs.flatMap((s) => s.codecs);
  const names = new Map(all.map((c) => [c.id, c] as const));
  const label = new Map(structs.flatMap((s) => s.codecs.map((c) => [c, c.plan.name] as const)));
  // An implied eval on purpose (see the top of this file): the body is jsSource's generated text, and a
  // `new Function` body sees the global scope and its `$rt` parameter, not this module's scope.
  const made = new Function("$rt", jsSource(consts, all, label))(runtime) as Record<string, Codec<AnyValue>>;
  return new Map([...names].map(([id, c]) => [c, made[id]!]));
}

function wrap(s: UnitStruct, made: Map<UnitCodec, Codec<AnyValue>>): CompiledStruct {
  // Maps that inherit nothing, like the generated modules' ($rt.table): "constructor" finds no codec.
  const abis: Record<string, Codec<AnyValue>> = {};
  const plans: Record<string, Plan> = {};
  for (const [abi, c] of s.byAbi) {
    abis[abi] = made.get(c)!;
    plans[abi] = c.plan;
  }
  return { name: s.name, record: s.record, abis: runtime.table(abis), plans: runtime.table(plans) };
}

/** Every struct of an interface on the given ABIs (default: all), plus its ioctl numbers. */
export function compileInterface(ifc: InterfaceModel, abis: readonly AbiEntry[] = ABIS): CompiledInterface {
  const unit = buildUnit(ifc, abis);
  const made = instantiate(unit.consts, unit.structs);
  const structs = new Map(unit.structs.map((s) => [s.record.tag ?? s.name, wrap(s, made)]));
  const ioctls = new Map(
    unit.ioctls.map((i) => [
      i.name,
      {
        dir: i.dir,
        type: i.type,
        nr: i.nr,
        ...(i.arg ? { arg: i.arg } : {}),
        numbers: runtime.table(Object.fromEntries(i.numbers)),
      } satisfies IoctlInfo,
    ]),
  );
  return { structs, ioctls };
}

/** One struct on some ABIs; `ifc` supplies flag sets and enums for the value rules. */
export function compileStruct(record: RecordType, abis: readonly AbiEntry[], ifc?: InterfaceModel): CompiledStruct {
  const consts = new Consts();
  const s = buildStruct(record, abis, ifc, consts, { n: 0 });
  return wrap(s, instantiate(consts, [s]));
}

/** One struct on one ABI. */
export function compileCodec(record: RecordType, abi: AbiEntry, ifc?: InterfaceModel): Codec<AnyValue> {
  return compileStruct(record, [abi], ifc).abis[abi.id as AbiId]!;
}
