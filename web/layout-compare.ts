/*
 * How each ABI class of a struct's byte map differs from the reference ABI's class (x86_64, the ABI most
 * readers know): size, alignment and which members sit elsewhere.  The report's own `moved` flag says a
 * member moves between any two classes; this says where against the one the reader compares with.
 */
import type { AbiId } from "../spec/abi.js";
import type { StructMap } from "../syscall/report-data.js";

export const REFERENCE_ABI: AbiId = "x86_64";

export interface ClassComparison {
  /** This class holds the reference ABI (or, when no class does, is the first one). */
  reference: boolean;
  /** Short phrases: "size 24 (x86_64: 32)", "align 4 (x86_64: 8)", "2 members placed differently". */
  differences: string[];
  /** Members (by path) at another offset or size than in the reference class, or absent there. */
  placedDifferently: Set<string>;
}

type MapClass = StructMap["classes"][number];

function memberPlaces(c: MapClass): Map<string, string> {
  const at = new Map<string, string>();
  for (const s of c.segments) if (s.kind === "member" && !at.has(s.name)) at.set(s.name, `${s.offset}+${s.size}`);
  return at;
}

export function compareWithReference(map: StructMap, referenceAbi: AbiId = REFERENCE_ABI): ClassComparison[] {
  const refIndex = Math.max(
    0,
    map.classes.findIndex((c) => c.abis.includes(referenceAbi)),
  );
  const ref = map.classes[refIndex];
  if (!ref) return [];
  const refName = ref.abis.includes(referenceAbi) ? referenceAbi : ref.abis[0]!;
  const refPlaces = memberPlaces(ref);
  return map.classes.map((c, i) => {
    if (i === refIndex) return { reference: true, differences: [], placedDifferently: new Set<string>() };
    const differences: string[] = [];
    if (c.size !== ref.size) differences.push(`size ${c.size} (${refName}: ${ref.size})`);
    if (c.align !== ref.align) differences.push(`align ${c.align} (${refName}: ${ref.align})`);
    const places = memberPlaces(c);
    const placedDifferently = new Set<string>();
    for (const [name, place] of places) if (refPlaces.get(name) !== place) placedDifferently.add(name);
    if (placedDifferently.size)
      differences.push(`${placedDifferently.size} member${placedDifferently.size === 1 ? "" : "s"} placed differently`);
    const missing = [...refPlaces.keys()].filter((n) => !places.has(n)).length;
    if (missing) differences.push(`${missing} member${missing === 1 ? "" : "s"} of ${refName} absent`);
    // Classes are split on the layout signature, which also covers nested records' inner placement.
    if (!differences.length) differences.push("nested layout differs");
    return { reference: false, differences, placedDifferently };
  });
}
