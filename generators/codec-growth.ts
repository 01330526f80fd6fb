/*
 * decodeSized for a struct with a growth contract (core/contract.ts `growthContract`): the codec's growth facts on
 * one layout, and the function that hands the caller's bytes to `$rt.callerBytes` (runtime/extensible.ts, the
 * kernel's copy_struct_from_user() and its callers' guards) and decodes what comes back with the codec's own decode
 * body.  The static modules (codecs.ts) and the run-time compiler (codec-compile.ts) wrap this same text; a struct
 * without a growth contract gets none of it.
 */
import { growthContract, MAX_EXTENSIBLE_SIZE, minimumCallerSize } from "../core/contract.js";
import type { Plan } from "./codec-plan.js";
import { literalKey } from "./codec-source.js";
import type { Typed } from "./module-text.js";

/** What decodeSized needs to know about one layout of a struct that may grow. */
export interface CodecGrowth {
  size: "member" | "argument" | "ioctl";
  /** With `size: member`: the member's name, and where and how its value is read (undefined: not an integer here). */
  member?: string;
  read?: { off: number; width: number; le: boolean };
  minimum: number;
  versions: { name: string; size: number }[];
}

/** The growth facts of a plan's struct, or undefined when it has no growth contract. */
export function growthOf(plan: Plan): CodecGrowth | undefined {
  const contract = growthContract(plan.record.spec);
  if (!contract || contract.size === "none") return undefined;
  const versions = (contract.versions ?? []).map((v) => ({ name: v.name, size: v.size }));
  const growth: CodecGrowth = { size: contract.size, minimum: minimumCallerSize(contract, plan.size), versions };
  if (contract.size === "member" && contract.member !== undefined) {
    growth.member = contract.member;
    // The spec's lint makes it a top-level scalar; only an integer one on this ABI can be read as the size (else
    // decodeSized needs the caller's usize, as with `argument`).
    const node = plan.root.fields.find((f) => f.key === contract.member)?.node;
    if (node?.k === "int") growth.read = { off: node.off, width: node.size, le: node.le };
  }
  return growth;
}

/** The name of codec `$c<n>`'s decodeSized function. */
const sizedName = (n: string) => `$d${n}s`;

/**
 * Codec `$c<n>`'s decodeSized function, beside its decode `$d<n>`, as module-private code (`typed` spells the
 * TypeScript types, or nothing for JavaScript); `T` is the value type.
 */
export function sizedDecodeFunction(plan: Plan, growth: CodecGrowth, n: string, T: string, typed: Typed): string {
  const args = [JSON.stringify(plan.name), plan.size, growth.minimum, MAX_EXTENSIBLE_SIZE];
  if (growth.member !== undefined && growth.read)
    args.push(JSON.stringify(growth.member), growth.read.off, growth.read.width, growth.read.le ? "true" : "false");
  return [
    `function ${sizedName(n)}(bytes${typed(": $rt.Bytes")}, usize${typed("?: number")}, offset = 0, ` +
      `lenient${typed("?: $rt.CodecWarning[]")})${typed(`: ${T}`)} {`,
    `  const b = $rt.callerBytes(bytes, usize, offset, lenient, ${args.join(", ")});`,
    `  return $d${n}(b, b === bytes ? offset : 0, lenient);`,
    "}",
  ].join("\n");
}

/** The codec object's extra properties (after its `encode`), from `, growth: ...`. */
export function sizedCodecProperties(growth: CodecGrowth, n: string, typed: Typed): string {
  const versions = growth.versions.map((v) => `${literalKey(v.name)}: ${v.size}`).join(", ");
  const fields = [
    `size: ${JSON.stringify(growth.size)}`,
    ...(growth.member !== undefined ? [`member: ${JSON.stringify(growth.member)}`] : []),
    `minimum: ${growth.minimum}`,
    `versions: $rt.table({${versions ? ` ${versions} ` : ""}})`,
  ];
  return `, growth: $rt.table${typed("<$rt.Growth>")}({ ${fields.join(", ")} }), decodeSized: ${sizedName(n)}`;
}
