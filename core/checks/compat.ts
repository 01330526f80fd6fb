/*
 * compat/layout: one layout on every ABI, or the driver needs a compat_ioctl
 * translation.  compat/pointee: a user pointer to an ABI-dependent element
 * type (bus1's ptr_vecs -> struct iovec) needs in_compat_syscall() handling.
 */
import type { AbiEntry, AbiId } from "../../spec/abi.js";
import { flattenMembers, layoutRecord, layoutType } from "../layout.js";
import { typeName, type CType, type FieldModel, type InterfaceModel, type RecordType } from "../model.js";
import { groupAbis, nameAbis, recordsToCheck, reporter, type Check } from "./context.js";

const signature = (r: RecordType, abi: AbiEntry) => {
  const l = layoutRecord(r, abi);
  return `${l.size}|${flattenMembers(l).map((m) => `${m.name}@${m.offset}+${m.size}/${m.bitOffset ?? ""}`).join(",")}`;
};

function commandsUsing(ifc: InterfaceModel, r: RecordType): string[] {
  return ifc.commands.filter((c) => c.arg?.kind === "record" && c.arg.record === r).map((c) => c.spec.name);
}

export const checkCompat: Check = (ctx) =>
  ctx.model.interfaces.flatMap((ifc) => {
    const report = reporter(ctx, ifc);
    const out = [];
    for (const { record, name } of recordsToCheck(ifc).filter((x) => !x.record.inline)) {
      const groups = groupAbis(ctx.abis, (abi) => signature(record, abi));
      if (groups.size <= 1) continue;
      const reps = [...groups.values()].map((ids) => ({ ids, layout: layoutRecord(record, ctx.abis.find((a) => a.id === ids[0])!) }));
      const names = flattenMembers(reps[0]!.layout).map((m) => m.name);
      const moves: string[] = [];
      for (const n of names) {
        const per = reps.map((r) => flattenMembers(r.layout).find((m) => m.name === n));
        const distinct = new Set(per.map((m) => `${m?.offset}+${m?.size}`));
        if (distinct.size > 1) moves.push(`'${n}' ${describeGroups(reps.map((r, i) => ({ ids: r.ids, text: `@${per[i]?.offset} (${per[i]?.size} B)` })), ctx.abis)}`);
      }
      const sizes = describeGroups(reps.map((r) => ({ ids: r.ids, text: `${r.layout.size}` })), ctx.abis);
      const cmds = commandsUsing(ifc, record);
      out.push(report("compat/layout", "error", record.path, name,
        `${name} has ${groups.size} different layouts: size ${sizes}${moves.length ? `; members that move: ${moves.join("; ")}` : ""}`,
        reps.slice(1).flatMap((r) => r.ids),
        `use fixed-width types (__u32/__u64, __aligned_u64) and explicit padding so every ABI agrees; otherwise ${cmds.length ? `${cmds.join(", ")} need${cmds.length === 1 ? "s" : ""}` : "every command using it needs"} a compat_ioctl translation`));
    }
    for (const { record, name } of recordsToCheck(ifc)) {
      for (const f of record.fields) out.push(...pointeeFinding(f, name, ctx.abis, report));
    }
    return out;
  });

function pointeeFinding(f: FieldModel, owner: string, abis: readonly AbiEntry[], report: ReturnType<typeof reporter>) {
  if (!f.pointee) return [];
  const t: CType = f.pointee;
  const groups = groupAbis(abis, (abi) => (t.kind === "record" ? signature(t.record, abi) : `${layoutType(t, abi).size}`));
  if (groups.size <= 1) return [];
  const text = [...groups.values()].map((ids) => ({ ids, text: `${layoutType(t, abis.find((a) => a.id === ids[0])!).size} B` }));
  return [report("compat/pointee", "warning", f.path, `${owner}.${f.name}`,
    `${owner}.${f.name} points to '${typeName(t)}', whose layout depends on the ABI: ${describeGroups(text, abis)} per element`,
    ([...groups.values()].slice(1).flat() as AbiId[]),
    `the kernel must read the array in the caller's layout (in_compat_syscall(), e.g. compat_iovec); or point to a fixed-width element struct instead`)];
}

function describeGroups(groups: { ids: readonly AbiId[]; text: string }[], all: readonly AbiEntry[]): string {
  return groups.map((g) => `${g.text} on ${nameAbis(g.ids, all)}`).join(", ");
}
