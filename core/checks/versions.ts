/*
 * The published sizes of an extensible struct (`extensible: {versions: [...]}`), checked on every ABI against
 * the copy_struct_from_user() contract (include/linux/uaccess.h; adding-syscalls.rst "a size field"):
 *   contract/version-boundary      a version ends inside a member, or past the struct
 *   contract/version-align         a version's size is not a multiple of 8 (botching-up-ioctls.rst)
 *   contract/version-order         the sizes do not strictly grow
 *   contract/version-padding       implicit padding inside a version on some ABI
 *   contract/version-latest        the struct is larger than its newest version on some ABI
 *   contract/size-member           the size member lies past the first version, so old callers do not carry it
 */
import type { AbiEntry, AbiId } from "../../spec/abi.js";
import type { StructVersion } from "../../spec/types.js";
import { growthContract } from "../contract.js";
import type { Diagnostic } from "../diagnostic.js";
import { flattenHoles, layoutRecord, type RecordLayout } from "../layout.js";
import { groupAbis, nameAbis, reporter, type Check } from "./context.js";

/** How a version's size sits in one ABI's layout: undefined when it ends exactly between members. */
function cutMember(layout: RecordLayout, size: number): string | undefined {
  if (size > layout.size) return `past the end of the struct (${layout.size} bytes)`;
  const m = layout.members.find((x) => x.offset < size && size < x.offset + x.size);
  return m && `inside ${m.field.name ?? "an anonymous member"} (bytes ${m.offset}..${m.offset + m.size - 1})`;
}

/** Implicit padding bytes at any depth below `size`, as "n bytes at offset o" phrases. */
function paddingBelow(layout: RecordLayout, size: number): string | undefined {
  const holes = flattenHoles(layout).filter((h) => h.offset < size);
  if (!holes.length) return undefined;
  return holes.map((h) => `${Math.min(h.size, size - h.offset)} bytes at offset ${h.offset}`).join(", ");
}

const YAML_VERSION = (v: StructVersion, size: number) => `{ name: ${v.name}, size: ${size} }`;

export const checkVersions: Check = (ctx) =>
  ctx.model.interfaces.flatMap((ifc) => {
    const report = reporter(ctx, ifc);
    const out: Diagnostic[] = [];
    for (const record of ifc.records) {
      const contract = growthContract(record.spec);
      if (record.external || !contract) continue;
      const versions = contract.versions ?? [];
      const name = `${record.kind} ${record.tag}`;
      const vpath = (j: number) => [...record.path, "extensible", "versions", j, "size"];
      const layouts = new Map<AbiId, RecordLayout>(ctx.abis.map((abi) => [abi.id, layoutRecord(record, abi)]));
      const layoutOf = (abi: AbiEntry) => layouts.get(abi.id)!;

      versions.forEach((v, j) => {
        const cuts = [...groupAbis(ctx.abis, (abi) => cutMember(layoutOf(abi), v.size) ?? "")].filter(([c]) => c);
        if (cuts.length)
          out.push(
            report(
              "contract/version-boundary",
              "error",
              vpath(j),
              name,
              `${v.name} = ${v.size} ends ` +
                `${cuts.map(([c, ids]) => `${c} on ${nameAbis(ids, ctx.abis)}`).join("; ")}: ` +
                `a caller of that version passes part of a member`,
              cuts.flatMap(([, ids]) => ids),
              `a version is the struct as it was published: its size is the end of a member on every ABI, ` +
                `e.g. ${YAML_VERSION(v, boundaryNear(layoutOf(ctx.abis[0]!), v.size))}`,
            ),
          );
        if (v.size % 8 !== 0)
          out.push(
            report(
              "contract/version-align",
              "error",
              vpath(j),
              name,
              `${v.name} = ${v.size} is not a multiple of 8, so an array or an embedding of that version lays out ` +
                `differently between 32- and 64-bit ABIs (botching-up-ioctls.rst)`,
              ctx.abis.map((a) => a.id),
              `pad the struct with an explicit reserved member up to ` +
                `${YAML_VERSION(v, v.size + 8 - (v.size % 8))}: - { name: __reserved, type: __u32, reserved: true }`,
            ),
          );
        const before = versions[j - 1];
        if (before && v.size <= before.size)
          out.push(
            report(
              "contract/version-order",
              "error",
              vpath(j),
              name,
              `${v.name} = ${v.size} does not grow past ${before.name} = ${before.size}: members are only ever ` +
                `appended, so each version is larger than the one before`,
              ctx.abis.map((a) => a.id),
              `list the versions oldest first, each with a larger size (${before.name}, then ${v.name})`,
            ),
          );
        const padding = [...groupAbis(ctx.abis, (abi) => paddingBelow(layoutOf(abi), v.size) ?? "")].filter(([p]) => p);
        if (padding.length)
          out.push(
            report(
              "contract/version-padding",
              "error",
              vpath(j),
              name,
              `${v.name} (${v.size} bytes) holds implicit padding: ` +
                `${padding.map(([p, ids]) => `${p} on ${nameAbis(ids, ctx.abis)}`).join("; ")}; ` +
                `a caller of that version cannot be told apart from one that left garbage there`,
              padding.flatMap(([, ids]) => ids),
              "make every byte of each version a member: add explicit members with 'reserved: true' " +
                "(`uapi check` lists them under padding/hole)",
            ),
          );
      });

      const last = versions[versions.length - 1];
      if (last) {
        const larger = [...groupAbis(ctx.abis, (abi) => layoutOf(abi).size)].filter(([size]) => size > last.size);
        if (larger.length)
          out.push(
            report(
              "contract/version-latest",
              "warning",
              [...record.path, "extensible", "versions", versions.length - 1, "name"],
              name,
              `${name} is ${larger.map(([s, ids]) => `${s} bytes on ${nameAbis(ids, ctx.abis)}`).join("; ")}, ` +
                `larger than its newest version ${last.name} = ${last.size}: the members after it are unpublished`,
              larger.flatMap(([, ids]) => ids),
              `publish the struct's size as the next version: - ${YAML_VERSION(
                { name: nextVersionName(last.name, versions.length), size: larger[0]![0] },
                larger[0]![0],
              )}`,
            ),
          );
      }

      const first = versions[0];
      if (contract.size === "member" && contract.member !== undefined && first) {
        const late = [
          ...groupAbis(ctx.abis, (abi) => {
            const m = layoutOf(abi).members.find((x) => x.field.name === contract.member);
            return m && m.offset + m.size > first.size ? m.offset + m.size : 0;
          }),
        ].filter(([end]) => end > 0);
        if (late.length)
          out.push(
            report(
              "contract/size-member",
              "error",
              [...record.path, "extensible", "member"],
              name,
              `the size member ${contract.member} ends at byte ` +
                `${late.map(([end, ids]) => `${end} on ${nameAbis(ids, ctx.abis)}`).join("; ")}, past ` +
                `${first.name} = ${first.size}: a caller of the first version does not carry its size`,
              late.flatMap(([, ids]) => ids),
              `move ${contract.member} to the start of the struct (VFIO's argsz, perf_event_attr's size are ` +
                `among the first members)`,
            ),
          );
      }
    }
    return out;
  });

/** The nearest member end at or below `size`: the version boundary a hint proposes. */
function boundaryNear(layout: RecordLayout, size: number): number {
  let best = 0;
  for (const m of layout.members) if (m.offset + m.size <= size) best = Math.max(best, m.offset + m.size);
  return best || layout.size;
}

/** `FOO_SIZE_VER1` after `FOO_SIZE_VER0`; else the name with the version count appended. */
function nextVersionName(last: string, count: number): string {
  const m = /^(.*?)(\d+)$/.exec(last);
  return m ? `${m[1]}${Number(m[2]) + 1}` : `${last}_${count}`;
}
