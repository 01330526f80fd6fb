/* What every part of the diff gets: both sides, the ABIs, and one way to build a located change. */
import type { AbiEntry, AbiId } from "../../spec/abi.js";
import { groupAbis, nameAbis } from "../checks/context.js";
import type { DocPath } from "../diagnostic.js";
import type { InterfaceModel, SpecModel } from "../model.js";
import type { Change, ChangeKind, Verdict } from "./change.js";

/** One interface on one side of the diff, with the spec it came from (for positions). */
export interface Side {
  model: SpecModel;
  ifc: InterfaceModel;
}

export interface DiffContext {
  old: Side;
  new: Side;
  abis: readonly AbiEntry[];
}

/** What a part of the diff says about one change; `change()` adds the interface and positions. */
export interface ChangeFacts {
  kind: ChangeKind;
  verdict: Verdict;
  subject: string;
  message: string;
  abis?: AbiId[];
  /** The item's path in each document (the enclosing item's when the item is missing on that side). */
  oldPath: DocPath;
  newPath: DocPath;
}

export function change(ctx: DiffContext, facts: ChangeFacts): Change {
  return {
    kind: facts.kind,
    verdict: facts.verdict,
    interface: ctx.new.ifc.spec.name,
    subject: facts.subject,
    message: facts.message,
    abis: facts.abis ?? [],
    old: ctx.old.model.locate(facts.oldPath),
    new: ctx.new.model.locate(facts.newPath),
  };
}

/**
 * ABIs grouped by what a function says about each (undefined: nothing to say), in table order:
 * "8 -> 12 on 24 ABIs (x86_64, …); 4 -> 8 on i386, arm".
 */
export function outcomes(
  abis: readonly AbiEntry[],
  describe: (abi: AbiEntry) => string | undefined,
): { abis: AbiId[]; text: string } | undefined {
  const texts = new Map(abis.map((abi) => [abi, describe(abi)]));
  const said = abis.filter((abi) => texts.get(abi) !== undefined);
  if (!said.length) return undefined;
  const groups = groupAbis(said, (abi) => texts.get(abi)!);
  const hit = said.map((a) => a.id);
  if (groups.size === 1 && hit.length === abis.length) return { abis: hit, text: [...groups.keys()][0]! };
  const text = [...groups].map(([t, ids]) => `${t} on ${nameAbis(ids, abis)}`).join("; ");
  return { abis: hit, text };
}
