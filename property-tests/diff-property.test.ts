/*
 * uapi diff against GCC on random specs and random edits: the diff reports a change a binary
 * could notice (a kind whose CHANGE_KINDS entry is `binary`) exactly when GCC, compiling both
 * versions' generated headers, finds some size, alignment, member offset or size, bit-field
 * position or request number different on one of the ABIs it can compile for.
 */
import test from "ava";
import fc from "fast-check";
import { CHANGE_KINDS, diffInterfaces, pairInterfaces } from "../core/diff/index.js";
import type { SpecModel } from "../core/model.js";
import { ABIS } from "../spec/abis.js";
import type { FieldSpec, SpecDocument } from "../spec/types.js";
import { arbStructDoc, docToYaml, FIXED_SCALARS, modelOf } from "./arbitraries.js";
import { compiledFacts, differingKeys, gccTargets } from "./diff-support.js";

const RUNS = Number(process.env.DIFF_RUNS ?? 60);

type Edit =
  | { op: "retype"; at: number; type: string }
  | { op: "insert"; at: number; type: string }
  | { op: "remove"; at: number }
  | { op: "swap"; at: number; with: number }
  | { op: "resize"; at: number; length: number }
  | { op: "renumber"; nr: number }
  | { op: "redirect"; dir: "read" | "write" | "readwrite" }
  | { op: "none" };

const arbEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant("retype" as const), at: fc.nat(), type: fc.constantFrom(...FIXED_SCALARS) }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), type: fc.constantFrom(...FIXED_SCALARS) }),
  fc.record({ op: fc.constant("remove" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("swap" as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ op: fc.constant("resize" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant("renumber" as const), nr: fc.integer({ min: 1, max: 3 }) }),
  fc.record({
    op: fc.constant("redirect" as const),
    dir: fc.constantFrom("read" as const, "write" as const, "readwrite" as const),
  }),
  fc.constant({ op: "none" as const }),
);

/** The random document with one ioctl on `top`, so request numbers are part of what changes. */
function withCommand(doc: SpecDocument): SpecDocument {
  const d = structuredClone(doc);
  d.interfaces[0]!.commands = [{ name: "T_CMD", doc: "d", magic: "T", nr: 1, dir: "readwrite", arg: "struct top" }];
  return d;
}

function applyEdit(doc: SpecDocument, e: Edit): SpecDocument {
  const d = structuredClone(doc);
  const top = d.interfaces[0]!.structs!.find((s) => s.name === "top")!;
  const fs = top.fields;
  const pick = (n: number) => n % fs.length;
  // Only named, plain members are edited: bit-fields and inline records keep their own rules.
  const plain = (f: FieldSpec | undefined) =>
    f !== undefined && f.name !== undefined && f.bits === undefined && typeof f.type === "string";
  switch (e.op) {
    case "retype":
      if (plain(fs[pick(e.at)]) && !fs[pick(e.at)]!.type.toString().startsWith("struct")) fs[pick(e.at)]!.type = e.type;
      break;
    case "insert":
      fs.splice(e.at % (fs.length + 1), 0, { name: "inserted", doc: "d", type: e.type });
      break;
    case "remove":
      if (fs.length > 1) fs.splice(pick(e.at), 1);
      break;
    case "swap": {
      const [i, j] = [pick(e.at), pick(e.with)];
      [fs[i], fs[j]] = [fs[j]!, fs[i]!];
      break;
    }
    case "resize":
      if (plain(fs[pick(e.at)])) fs[pick(e.at)]!.array = e.length;
      break;
    case "renumber":
      d.interfaces[0]!.commands![0]!.nr = e.nr;
      break;
    case "redirect":
      d.interfaces[0]!.commands![0]!.dir = e.dir;
      break;
    case "none":
      break;
  }
  return d;
}

const targets = gccTargets();
const available = targets.filter((t) => !t.missing);
const abis = ABIS.filter((a) => available.some((t) => t.abi === a.id));
const skipped = targets.filter((t) => t.missing).map((t) => `${t.abi}: ${t.missing}`);
const title =
  `diff: a binary change is reported exactly when GCC measures one, on random specs and edits (${RUNS} runs)` +
  (skipped.length ? ` (not measured: ${skipped.join("; ")})` : "");

const loads = (doc: SpecDocument): SpecModel | undefined => {
  try {
    return modelOf(doc, "edited.yaml");
  } catch {
    return undefined; // an edit may make the spec invalid (a struct grown past a limit): nothing to compare
  }
};

(available.length ? test : test.skip)(
  available.length ? title : `${title} (skipped: no gcc can compile for any x86 ABI here)`,
  (t) => {
    let changed = 0;
    let same = 0;
    fc.assert(
      fc.property(
        arbStructDoc({ scalars: "fixed", bitfields: true, arrays: true, nested: true, unions: true, aligned: true }),
        arbEdit,
        (doc, edit) => {
          const before = withCommand(doc);
          const after = applyEdit(before, edit);
          const [oldM, newM] = [loads(before), loads(after)];
          if (!oldM || !newM) return true;
          const side = (m: SpecModel) => [{ model: m, ifc: m.interfaces[0]! }];
          const changes = diffInterfaces(pairInterfaces(side(oldM), side(newM)), abis);
          const reported = changes.filter((c) => CHANGE_KINDS[c.kind].binary);
          const measured = available.flatMap((target) =>
            [...differingKeys(compiledFacts(oldM, target), compiledFacts(newM, target))].map(
              (k) => `${target.abi} ${k}`,
            ),
          );
          if (measured.length) changed++;
          else same++;
          const why =
            `edit ${JSON.stringify(edit)}\nGCC: ${measured.join(", ") || "no difference"}\n` +
            `diff: ${reported.map((c) => `${c.kind}: ${c.message}`).join("\n      ") || "no binary change"}\n` +
            `before:\n${docToYaml(before)}\nafter:\n${docToYaml(after)}`;
          if (reported.length > 0 !== measured.length > 0) throw new Error(why);
          return true;
        },
      ),
      { numRuns: RUNS, seed: 13 },
    );
    t.log(`${changed} edits GCC measured as changes, ${same} as none`);
    // Both sides of the equivalence must be exercised, or the property says nothing.
    t.true(changed > 0 && same > 0, `changed ${changed}, unchanged ${same}`);
  },
);
