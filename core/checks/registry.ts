/*
 * The interface's ioctl numbers against the kernel's registry (core/ioctl-registry.ts, the table of
 * Documentation/userspace-api/ioctl/ioctl-number.rst):
 *   ioctl/registry      warning: commands on a (magic, nr) the registry gives to another header
 *   ioctl/unregistered  info: commands on a (magic, nr) no row of the registry lists
 * One finding per (interface, magic, rule), at the first command on that magic.  Only `commands:` count: the
 * ioctl forms derived from `syscalls:` are a design aid, not numbers anyone would register.
 */
import { IOCTL_REGISTRY, type IoctlRegistryRow } from "../ioctl-registry.js";
import type { CommandModel, InterfaceModel } from "../model.js";
import { reporter, type Check } from "./context.js";

const RST = "Documentation/userspace-api/ioctl/ioctl-number.rst";

/**
 * A header path as it sits below include/uapi/: the table writes the same header as `linux/stm.h`,
 * `uapi/linux/stm.h`, `include/uapi/linux/stm.h`, `<linux/stm.h>` or `arch/s390/include/asm/dasd.h`.
 */
export function normaliseHeader(path: string): string {
  return path
    .replace(/^[`<]+|[`>]+$/g, "")
    .replace(/^(?:.*\/)?uapi\//, "")
    .replace(/^(?:arch\/[^/]+\/)?include\//, "");
}

/** The paths an Include File cell names (it may list several, with commas, `and` or bare words between). */
export function registryPaths(include: string): string[] {
  return include
    .split(/[\s,]+/)
    .map(normaliseHeader)
    .filter((t) => t.includes("/") || /\.[ch]$/.test(t));
}

/** `*` matches within one path segment, as in the table's `linux/iio/*.h`. */
function globMatches(pattern: string, path: string): boolean {
  const re = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*");
  return new RegExp(`^${re}$`).test(path);
}

/** The row names this header (either side may be a glob). */
export function rowOwnsHeader(row: IoctlRegistryRow, header: string): boolean {
  const own = normaliseHeader(header);
  return registryPaths(row.include).some((p) => globMatches(p, own) || globMatches(own, p));
}

const hex2 = (n: number) => `0x${n.toString(16).padStart(2, "0")}`;

/** The magic as the table writes it ('i' for a printable character) and as a number. */
function magicText(code: number): string {
  return code > 0x20 && code < 0x7f ? `'${String.fromCharCode(code)}' (${hex2(code)})` : hex2(code);
}

const rangeText = (first: number, last: number) => (first === last ? hex2(first) : `${hex2(first)}-${hex2(last)}`);

/** Sorted nrs as ranges: "0x00-0x02, 0x10, 0x20-0x21". */
function nrsText(nrs: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < nrs.length;) {
    let j = i;
    while (j + 1 < nrs.length && nrs[j + 1] === nrs[j]! + 1) j++;
    parts.push(rangeText(nrs[i]!, nrs[j]!));
    i = j + 1;
  }
  return parts.join(", ");
}

function ownerText(row: IoctlRegistryRow): string {
  const include = row.include.replace(/`/g, "");
  if (!include) return row.comments ?? "no header named";
  return row.comments ? `${include} (${row.comments})` : include;
}

const overlaps = (row: IoctlRegistryRow, first: number, last: number) => row.first <= last && first <= row.last;

/**
 * The smallest aligned block of 32 to 256 nrs (a power of two) around first..last, the room to grow that
 * ioctl-number.rst asks for; undefined when a row of the registry already claims part of it.
 */
function freeBlockAround(code: number, first: number, last: number): { first: number; last: number } | undefined {
  let size = 32;
  while (size < 256 && Math.floor(first / size) !== Math.floor(last / size)) size *= 2;
  const start = Math.floor(first / size) * size;
  const block = { first: start, last: start + size - 1 };
  return IOCTL_REGISTRY.some((r) => r.code === code && overlaps(r, block.first, block.last)) ? undefined : block;
}

/** The first block of `size` nrs on this magic no row claims, else on the first magic with no row at all. */
function freeBlock(code: number, size: number): { code: number; first: number; last: number } | undefined {
  const rows = IOCTL_REGISTRY.filter((r) => r.code === code);
  for (let start = 0; start + size <= 256; start += size)
    if (!rows.some((r) => overlaps(r, start, start + size - 1))) return { code, first: start, last: start + size - 1 };
  for (let c = 1; c < 256; c++)
    if (!IOCTL_REGISTRY.some((r) => r.code === c)) return { code: c, first: 0, last: size - 1 };
  return undefined;
}

/** The line ioctl-number.rst would gain: Code, Seq# and Include File as the table spells them. */
function rstRow(code: number, first: number, last: number, header: string): string {
  const codeText =
    code > 0x20 && code < 0x7f ? `'${String.fromCharCode(code)}'` : `0x${hex2(code).slice(2).toUpperCase()}`;
  const seq = (n: number) => n.toString(16).padStart(2, "0").toUpperCase();
  const seqText = first === 0 && last === 0xff ? "all" : first === last ? seq(first) : `${seq(first)}-${seq(last)}`;
  return `${codeText}  ${seqText}  ${header}`;
}

/** The commands of an interface grouped by magic, in order of first use. */
function byMagic(ifc: InterfaceModel): Map<number, CommandModel[]> {
  const groups = new Map<number, CommandModel[]>();
  for (const cmd of ifc.commands) {
    const g = groups.get(cmd.magic);
    if (g) g.push(cmd);
    else groups.set(cmd.magic, [cmd]);
  }
  return groups;
}

export const checkRegistry: Check = (ctx) =>
  ctx.model.interfaces.flatMap((ifc) => {
    const report = reporter(ctx, ifc);
    const header = ifc.spec.header;
    const merged = ifc.spec.status?.state === "merged";
    return [...byMagic(ifc)].flatMap(([magic, cmds]) => {
      const nrs = [...new Set(cmds.map((c) => c.spec.nr))].sort((a, b) => a - b);
      const lo = nrs[0]!;
      const hi = nrs[nrs.length - 1]!;
      const rows = IOCTL_REGISTRY.filter((r) => r.code === magic && nrs.some((nr) => r.first <= nr && nr <= r.last));
      const others = rows.filter((r) => !rowOwnsHeader(r, header));
      const unlisted = nrs.filter((nr) => !rows.some((r) => r.first <= nr && nr <= r.last));
      const at = [...cmds[0]!.path, "magic"];
      const subject = `magic ${magicText(magic)}`;
      const uses = `${ifc.spec.name}'s commands on magic ${magicText(magic)} use nr ${nrsText(nrs)}`;
      const out = [];

      if (others.length) {
        const size = Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(hi - lo + 1))));
        const free = freeBlock(magic, size);
        out.push(
          report(
            "ioctl/registry",
            "warning",
            at,
            subject,
            `${uses}, where ${RST} registers ` +
              others.map((r) => `${rangeText(r.first, r.last)} to ${ownerText(r)}`).join("; ") +
              (merged ? ": the overlap is already in mainline (the interface is merged)" : ""),
            [],
            merged
              ? "merged numbers are ABI and stay: make sure ioctl-number.rst lists the interface's block too, " +
                  "marked conflict!, so the next driver does not take the same numbers"
              : "pick a free block with room to grow (32 to 256 commands)" +
                  (free ? `, e.g. \`${rstRow(free.code, free.first, free.last, header)}\`,` : "") +
                  ` and register it by patching ${RST}; then set the commands' \`magic:\` and \`nr:\``,
          ),
        );
      }

      if (unlisted.length) {
        const block = freeBlockAround(magic, unlisted[0]!, unlisted[unlisted.length - 1]!);
        const partly = unlisted.length < nrs.length;
        out.push(
          report(
            "ioctl/unregistered",
            "info",
            at,
            subject,
            partly
              ? `${uses}; no row of ${RST} lists nr ${nrsText(unlisted)}`
              : `${uses}, which no row of ${RST} lists`,
            [],
            `register the block by patching ${RST}` +
              (block
                ? ` with the row \`${rstRow(magic, block.first, block.last, header)}\`` +
                  " (room to grow: 32 to 256 commands)"
                : ` with a row for ${header} that covers nr ${nrsText(unlisted)}`) +
              "; the table is incomplete by its own account, so search the tree for other users of the magic too",
          ),
        );
      }
      return out;
    });
  });
