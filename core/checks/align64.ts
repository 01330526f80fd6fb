/*
 * align64/offset, align64/size: every 8-byte scalar sits at a multiple of 8
 * on every ABI, and a struct holding one is a multiple of 8 long (kernel
 * ioctl.rst: "x86-32 aligns 64-bit members to 4"; botching-up-ioctls: "pad
 * the entire struct to a multiple of 64 bits").
 */
import { flattenMembers, layoutRecord, layoutType } from "../layout.js";
import type { CType } from "../model.js";
import { groupAbis, nameAbis, recordsToCheck, reporter, type Check } from "./context.js";

const elementOf = (t: CType): CType => (t.kind === "array" ? elementOf(t.element) : t);

export const checkAlign64: Check = (ctx) =>
  ctx.model.interfaces.flatMap((ifc) => {
    const report = reporter(ctx, ifc);
    return recordsToCheck(ifc).filter(({ record }) => !record.inline).flatMap(({ record, name }) => {
      const out = [];
      let holds64 = false;
      const first = layoutRecord(record, ctx.abis[0]!);
      for (const fm of flattenMembers(first)) {
        const el = elementOf(fm.member.field.type);
        if (fm.bits !== undefined || el.kind === "record" || el.kind === "pointer") continue;
        if (layoutType(el, ctx.abis[0]!).size !== 8) continue;
        holds64 = true;
        const offsets = groupAbis(ctx.abis, (abi) => flattenMembers(layoutRecord(record, abi)).find((m) => m.name === fm.name)?.offset ?? -1);
        const bad = [...offsets].filter(([off]) => off % 8 !== 0);
        if (bad.length === 0) continue;
        const ids = bad.flatMap(([, g]) => g);
        out.push(report("align64/offset", "error", fm.member.field.path, `${name}.${fm.name}`,
          `${name}: 64-bit member '${fm.name}' is at ${bad.map(([off, g]) => `offset ${off} on ${nameAbis(g, ctx.abis)}`).join("; ")}, not a multiple of 8`,
          ids, `move it to an offset that is a multiple of 8 with explicit padding before it, or declare it __aligned_u64`));
      }
      if (holds64) {
        const sizes = [...groupAbis(ctx.abis, (abi) => layoutRecord(record, abi).size)].filter(([size]) => size % 8 !== 0);
        if (sizes.length) {
          out.push(report("align64/size", "error", record.path, name,
            `${name} holds a 64-bit member but its size is ${sizes.map(([s, g]) => `${s} on ${nameAbis(g, ctx.abis)}`).join("; ")}, not a multiple of 8`,
            sizes.flatMap(([, g]) => g), "add explicit padding at the end so the size is a multiple of 8 on every ABI, or use aligned: 8"));
        }
      }
      return out;
    });
  });
