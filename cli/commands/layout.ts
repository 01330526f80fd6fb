/* `uapi layout`: pahole-like layouts, side by side across ABIs, or JSON. */
import type { AbiEntry, AbiId } from "../../spec/abi.js";
import { formatLoc } from "../../core/diagnostic.js";
import { flattenHoles, flattenMembers, layoutRecord, type RecordLayout } from "../../core/layout.js";
import { recordName, typeName, type RecordType, type SpecModel } from "../../core/model.js";
import { groupAbis } from "../../core/checks/context.js";
import { oneOf, parse } from "../args.js";
import type { Command } from "../command.js";
import { loadProjectSpecs, openProject, projectAbis, PROJECT_OPTIONS } from "../project.js";
import { EXIT, paint, UsageError, type Io } from "../io.js";

const HELP =
  `usage: uapi layout [SPEC] [STRUCT] [--abi ID,...] [--format text|json] [--config FILE]

Show where every member of each struct lands on each ABI: offsets, sizes,
bit-fields, holes and tail padding.  In text, ABIs with the same layout share
a column and rows where the columns differ are marked '!'.  In JSON:
  {"structs":[{"name", "abis":{"<abi>":{"size","align",` +
  `"fields":[{"name","offset","size"}],"holes":[{"offset","size"}]}}}]}
where a nested member is named outer.inner.

With no SPEC, the specs of the project configuration (uapi.config.json) are
used, and --abi defaults to its 'abis'.  STRUCT limits the output to one
struct or union (written "foo" or "struct foo").

options:
  --abi ID,...      only these ABIs (default: all)
  --format FMT      text (default) or json
  --config FILE     the project configuration (default: the nearest uapi.config.json,
                    or package.json "uapi" key, in or above the working directory)
  -h, --help        this help

exit codes: 0 ok, 2 bad input (unknown struct, bad spec)
`;

export function layoutJson(layout: RecordLayout) {
  return {
    size: layout.size,
    align: layout.align,
    fields: flattenMembers(layout).map((m) => ({
      name: m.name,
      offset: m.offset,
      size: m.size,
      ...(m.bits !== undefined ? { bitOffset: m.bitOffset, bits: m.bits } : {}),
    })),
    holes: flattenHoles(layout).map((h) => ({
      offset: h.offset,
      size: h.size,
      ...(h.tailPadding ? { tail: true } : {}),
      ...(h.within ? { within: h.within } : {}),
    })),
  };
}

function findRecords(models: SpecModel[], wanted: string | undefined): { model: SpecModel; record: RecordType }[] {
  const all = models.flatMap((model) =>
    model.interfaces.flatMap((ifc) => ifc.records.map((record) => ({ model, record }))),
  );
  if (!wanted) return all;
  const name = wanted.replace(/^(struct|union)\s+/, "");
  const hits = all.filter(({ record }) => record.tag === name);
  if (!hits.length)
    throw new UsageError(
      `no struct or union '${wanted}' in ${models.map((m) => m.file).join(", ")}; ` +
        `known: ${[...new Set(all.map((r) => r.record.tag))].join(", ")}`,
    );
  return hits;
}

function renderText(io: Io, model: SpecModel, record: RecordType, abis: readonly AbiEntry[]): string {
  const sig = (abi: AbiEntry) => JSON.stringify(layoutJson(layoutRecord(record, abi)));
  const groups = [...groupAbis(abis, sig).values()];
  const layouts = groups.map((ids) =>
    layoutRecord(
      record,
      abis.find((a) => a.id === ids[0])!,
    ),
  );
  const label = (ids: AbiId[]) => (ids.length > 3 ? `${ids.slice(0, 2).join(",")} +${ids.length - 2}` : ids.join(","));
  const lines: string[][] = [];
  const marks: boolean[] = [];
  const flats = layouts.map((l) => ({ members: flattenMembers(l), holes: flattenHoles(l) }));
  const holeAfter = (i: number, key: string) =>
    flats[i]!.holes.filter((h) => !h.tailPadding && `${h.within ? h.within + "." : ""}${h.after}` === key).reduce(
      (n, h) => n + h.size,
      0,
    );
  // One row per member name (the n-th of a name matches the n-th): `when:` conditions may leave members out of
  // some columns ("-") or declare one name per condition (iphdr's ihl under each byte order).
  const keys = flats.map(({ members }) => {
    const seen = new Map<string, number>();
    return members.map((m) => {
      const n = seen.get(m.name) ?? 0;
      seen.set(m.name, n + 1);
      return `${m.name}#${n}`;
    });
  });
  const rows = [...new Set(keys.flat())];
  const at = keys.map((k) => new Map(k.map((key, j) => [key, j])));
  for (const row of rows) {
    const found = flats.map(({ members }, i) => members[at[i]!.get(row) ?? -1]);
    const m = found.find((x) => x !== undefined)!;
    const cells = found.map((x) =>
      !x
        ? "-"
        : x.bits !== undefined
          ? `${x.offset}:${x.bitOffset! - x.offset * 8}+${x.bits}b`
          : `${x.offset}+${x.size}`,
    );
    const type = m.member.field.type;
    const shown = type.kind === "record" && type.record.inline ? recordName(type.record) : typeName(type);
    lines.push([`${"  ".repeat(m.depth)}${shown}`, m.name, ...cells]);
    marks.push(new Set(cells).size > 1);
    const key = m.name;
    const holes = flats.map((_, i) => holeAfter(i, key));
    if (holes.some((h) => h > 0)) {
      lines.push(["", `/* hole */`, ...holes.map((h) => (h ? `${h} B` : "-"))]);
      marks.push(new Set(holes).size > 1);
    }
  }
  const tails = layouts.map((l) => l.tail);
  if (tails.some((t) => t > 0)) {
    lines.push(["", "/* tail padding */", ...tails.map((t) => (t ? `${t} B` : "-"))]);
    marks.push(new Set(tails).size > 1);
  }
  lines.push(["", "size / align", ...layouts.map((l) => `${l.size} / ${l.align}`)]);
  marks.push(new Set(layouts.map((l) => `${l.size}/${l.align}`)).size > 1);
  const head = ["type", "member", ...groups.map(label)];
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[], mark: boolean) =>
    (mark ? paint(io, "yellow", "! ") : "  ") +
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ") +
    "\n";
  let text = `${paint(io, "bold", recordName(record))}  (${formatLoc(model.locate(record.path))})\n`;
  if (groups.length > 1) text += groups.map((ids) => `  [${label(ids)}] = ${ids.join(", ")}\n`).join("");
  else text += `  one layout on all ${abis.length} ABIs${abis.length > 1 ? "" : ` (${abis[0]!.id})`}\n`;
  text += fmt(head, false) + lines.map((l, i) => fmt(l, marks[i]!)).join("");
  return text + "  offsets+sizes in bytes; bit-fields as byte:bit+width; '!' marks rows that differ between ABIs\n";
}

export const layoutCommand: Command = {
  name: "layout",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      abi: { type: "string", multiple: true },
      format: { type: "string" },
      ...PROJECT_OPTIONS,
    });
    if (values.help) return (io.out(HELP), EXIT.OK);
    if (positionals.length > 2) throw new UsageError("layout takes at most one SPEC and one STRUCT");
    const format = oneOf("format", values.format as string | undefined, ["text", "json"] as const, "text");
    const project = openProject(values);
    const abis = projectAbis(values.abi as string[] | undefined, project);
    // One positional that is not a spec file is a struct name in the project's specs.
    const [first, second] = positionals;
    const isSpec = (p: string | undefined) => p !== undefined && /\.(ya?ml|json)$/.test(p);
    const specFiles = isSpec(first) ? [first!] : [];
    const wanted = isSpec(first) ? second : first;
    const models = loadProjectSpecs(specFiles, project);
    const found = findRecords(models, wanted);
    if (format === "json") {
      const structs = found.map(({ record }) => ({
        name: record.tag!,
        kind: record.kind,
        abis: Object.fromEntries(abis.map((abi) => [abi.id, layoutJson(layoutRecord(record, abi))])),
      }));
      io.out(JSON.stringify({ structs }, null, 2) + "\n");
    } else {
      io.out(found.map(({ model, record }) => renderText(io, model, record, abis)).join("\n"));
    }
    return EXIT.OK;
  },
};
