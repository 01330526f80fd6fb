/*
 * One interface's codecs before they are wrapped: for each struct, its TS
 * value type and one pair of function bodies per distinct layout (ABIs whose
 * generated code is identical -- same offsets, sizes, byte order and
 * signedness -- share a codec).  Both the static generator (TypeScript
 * modules) and the run-time compiler (new Function) wrap these same bodies.
 */
import type { AbiEntry, AbiId } from "../spec/abi.js";
import { ABIS } from "../spec/abis.js";
import { commandNumber } from "../core/ioctl-numbers.js";
import { recordName, typeName, type InterfaceModel, type RecordType } from "../core/model.js";
import type { IocDir } from "../runtime/ioc.js";
import { Consts, emitBodies, typeText, type Bodies } from "./codec-emit.js";
import { growthOf, type CodecGrowth } from "./codec-growth.js";
import { planRecord, tsName, type Plan } from "./codec-plan.js";
import { mergeObjects } from "./codec-types.js";

export interface UnitCodec {
  /** `$c<N>`, unique in the unit. */
  id: string;
  size: number;
  align: number;
  bodies: Bodies;
  abis: AbiId[];
  plan: Plan;
  /** For a struct with a growth contract: what its decodeSized needs (codec-growth.ts). */
  growth?: CodecGrowth;
}

export interface UnitStruct {
  record: RecordType;
  /** The exported name (the C tag, renamed only if it clashes with a JS/TS word). */
  name: string;
  /** `{ ... }` body of the value interface. */
  typeBody: string;
  codecs: UnitCodec[];
  byAbi: Map<AbiId, UnitCodec>;
}

export interface UnitIoctl {
  name: string;
  dir: IocDir;
  type: number;
  nr: number;
  arg?: string;
  numbers: [AbiId, number | null][];
}

export interface CodecUnit {
  consts: Consts;
  structs: UnitStruct[];
  ioctls: UnitIoctl[];
}

export function buildStruct(
  record: RecordType,
  abis: readonly AbiEntry[],
  ifc: InterfaceModel | undefined,
  consts: Consts,
  counter: { n: number },
): UnitStruct {
  const codecs: UnitCodec[] = [];
  const byKey = new Map<string, UnitCodec>();
  const byAbi = new Map<AbiId, UnitCodec>();
  const roots: Plan["root"][] = [];
  for (const abi of abis) {
    const plan = planRecord(record, abi, ifc);
    roots.push(plan.root);
    // Bodies are emitted into a scratch constant pool first so identical layouts compare equal.
    const bodies = emitBodies(plan, consts);
    const key = `${plan.size}/${plan.align}\n${bodies.decode}\n${bodies.encode}`;
    let codec = byKey.get(key);
    if (!codec) {
      const growth = growthOf(plan);
      codec = { id: `$c${counter.n++}`, size: plan.size, align: plan.align, bodies, abis: [], plan };
      if (growth) codec.growth = growth;
      byKey.set(key, codec);
      codecs.push(codec);
    }
    codec.abis.push(abi.id);
    byAbi.set(abi.id, codec);
  }
  // One value type for every ABI: members that `when:` leaves out somewhere are optional in it.
  const typeBody = roots.length ? typeText(mergeObjects(roots), "", true) : "{}";
  return { record, name: tsName(record.tag ?? "anonymous"), typeBody, codecs, byAbi };
}

export function buildUnit(ifc: InterfaceModel, abis: readonly AbiEntry[] = ABIS): CodecUnit {
  const consts = new Consts();
  const counter = { n: 0 };
  const structs = ifc.records.map((r) => buildStruct(r, abis, ifc, consts, counter));
  const ioctls = ifc.commands.map((cmd) => ({
    name: cmd.spec.name,
    dir: cmd.spec.dir,
    type: cmd.magic,
    nr: cmd.spec.nr,
    arg: cmd.arg ? (cmd.arg.kind === "record" ? recordName(cmd.arg.record) : typeName(cmd.arg)) : undefined,
    numbers: abis.map((abi): [AbiId, number | null] => [abi.id, commandNumber(cmd, abi).value ?? null]),
  }));
  return { consts, structs, ioctls };
}
