/*
 * The Layouts tab: per interface, per struct, one byte map per ABI class.  Members are labelled blocks on a
 * byte grid cut into lines of whole 64-bit words; holes and tail padding are hatched and labelled; classes
 * laid out otherwise than x86_64's carry a badge.  Pointing at or focusing a member highlights it on every
 * row of its struct and spells out where it sits on each.
 */
import type { ByteSegment, InterfaceReport, SpecReport, StructMap } from "../../syscall/report-data.js";
import { abiListText } from "../abi-list.js";
import { byteLines, LINE_BYTES, WORD_BYTES, type SegmentPiece } from "../byte-lines.js";
import { compareWithReference, REFERENCE_ABI, type ClassComparison } from "../layout-compare.js";
import { el, NodeCache, syncChildren } from "./dom.js";

type MapClass = StructMap["classes"][number];

/** Member colours (.c0 ...): enough that neighbours rarely share one. */
const MEMBER_COLOURS = 8;

/** The line under a struct that spells out where the lit member sits; blank (but kept) when none is. */
const DETAIL_IDLE = "";

export interface LayoutsView {
  render(report: SpecReport): void;
}

export function createLayoutsView(root: HTMLElement): LayoutsView {
  const body = el("div", { class: "layouts" });
  root.append(
    el("p", { class: "view-intro" }, [
      "Each struct's bytes per ABI class (ABIs with the same layout share a row). ",
      "Lines hold whole 64-bit words; the notches on the edges mark every 8 bytes. ",
      "Point at or focus a member (arrow keys move between them) to see where it sits on every row.",
    ]),
    legend(),
    body,
  );
  const interfaces = new NodeCache<{ ifc: InterfaceReport; total: number }>(({ ifc }) => interfaceSection(ifc));
  const structCaches = new WeakMap<HTMLElement, NodeCache<{ map: StructMap; total: number }>>();
  const empty = el("p", { class: "empty" }, "This spec defines no structs.");
  listenForHighlights(root);
  return {
    render(report) {
      const total = report.abis.length;
      const withStructs = report.interfaces.filter((ifc) => ifc.structs.length);
      const sections = interfaces.take(
        withStructs.map((ifc) => ({ ifc, total })),
        ({ ifc }) => JSON.stringify([ifc.name, ifc.header, ifc.variant ?? ""]),
      );
      sections.forEach((section, i) => {
        let cache = structCaches.get(section);
        if (!cache) structCaches.set(section, (cache = new NodeCache((x) => structSection(x.map, x.total))));
        const list = section.querySelector(".struct-list")!;
        syncChildren(
          list,
          cache.take(
            withStructs[i]!.structs.map((map) => ({ map, total })),
            (x) => `${x.total}\u0000${JSON.stringify(x.map)}`,
          ),
        );
      });
      syncChildren(body, sections.length ? sections : [empty]);
    },
  };
}

function legend(): HTMLElement {
  const sample = (cls: string, label: string) =>
    el("li", {}, [el("span", { class: `legend-swatch ${cls}`, "aria-hidden": "true" }), label]);
  return el("ul", { class: "legend", "aria-label": "Legend" }, [
    sample("seg member c0", "member"),
    sample("seg hole", "hole (padding between members)"),
    sample("seg tail", "tail padding"),
    sample("seg member c1 moved", "moves between ABI classes"),
    sample("seg member c2 elsewhere", "\u2260 placed differently from x86_64"),
    el("li", {}, [el("span", { class: "badge badge-differs" }, "differs from x86_64"), " layout unlike x86_64's"]),
  ]);
}

function interfaceSection(ifc: InterfaceReport): HTMLElement {
  return el("section", { class: "interface", "data-interface": ifc.name, "aria-label": `interface ${ifc.name}` }, [
    el("h2", {}, [`${ifc.name} `, el("small", {}, `(${ifc.header}${ifc.variant ? `, variant ${ifc.variant}` : ""})`)]),
    el("div", { class: "struct-list" }),
  ]);
}

const range = (offset: number, size: number) =>
  size <= 1 ? `byte ${offset}` : `bytes ${offset}\u2013${offset + size - 1}`;

function paddingText(c: MapClass): string {
  const pads = c.segments.filter((s) => s.kind !== "member");
  if (!pads.length) return "no padding";
  const bytes = pads.reduce((n, s) => n + s.size, 0);
  return `${bytes} byte${bytes === 1 ? "" : "s"} of padding`;
}

function structSection(map: StructMap, total: number): HTMLElement {
  const compared = compareWithReference(map);
  const colour = memberColours(map);
  const perLine = LINE_BYTES;
  const ref = map.classes[compared.findIndex((c) => c.reference)];
  const only = map.classes.length === 1 ? map.classes[0] : undefined;
  const meta = only
    ? `${only.size} bytes, align ${only.align}, on all ${total} ABIs; ${paddingText(only)}`
    : `${map.classes.length} layouts over ${total} ABIs` +
      (ref ? `; on ${REFERENCE_ABI}: ${ref.size} bytes, ${paddingText(ref)}` : "");
  return el("section", { class: "struct-map", "data-struct": map.name, "aria-label": map.name }, [
    el("h3", {}, map.name),
    el("p", { class: "struct-meta" }, meta),
    map.classes.some((c) => !c.summary) ? ruler(perLine) : null,
    ...map.classes.map((c, i) => classRow(map, c, compared[i]!, perLine, colour, total)),
    // One row says it all already; with several, the line compares the lit member's places.
    map.classes.length > 1 ? el("p", { class: "member-detail" }, DETAIL_IDLE) : null,
  ]);
}

/** Member path -> colour index, in order of first appearance, so a member has one colour on every row. */
function memberColours(map: StructMap): Map<string, number> {
  const colours = new Map<string, number>();
  for (const c of map.classes)
    for (const s of c.segments)
      if (s.kind === "member" && !colours.has(s.name)) colours.set(s.name, colours.size % MEMBER_COLOURS);
  return colours;
}

function ruler(perLine: number): HTMLElement {
  const track = el("div", { class: "ruler-track" });
  track.style.gridTemplateColumns = `repeat(${perLine}, minmax(0, 1fr))`;
  for (let at = 0; at < perLine; at += WORD_BYTES) {
    const tick = el("span", { class: "ruler-tick" }, `+${at}`);
    tick.style.gridColumn = `${at + 1} / span ${WORD_BYTES}`;
    track.append(tick);
  }
  const row = el("div", { class: "ruler", "aria-hidden": "true" }, [el("span", { class: "line-offset" }), track]);
  row.style.minWidth = minWidth(perLine);
  return row;
}

/** Narrower than this and 4-byte members lose their labels: the panel scrolls instead. */
const minWidth = (perLine: number) => `${perLine * 1.15 + 3}rem`;

function classRow(
  map: StructMap,
  c: MapClass,
  cmp: ClassComparison,
  perLine: number,
  colour: Map<string, number>,
  total: number,
): HTMLElement {
  const abis = abiListText(c.abis, total);
  const differs = !cmp.reference;
  const head = el("div", { class: "class-head" }, [
    el("span", { class: "class-abis", title: abis.full }, abis.short),
    el("span", { class: "class-size" }, `${c.size} bytes, align ${c.align}`),
    differs
      ? el("span", { class: "badge badge-differs" }, `differs from ${REFERENCE_ABI}: ${cmp.differences.join(", ")}`)
      : map.classes.length > 1
        ? el("span", { class: "badge badge-reference" }, `${REFERENCE_ABI}'s layout`)
        : null,
  ]);
  const row = el(
    "div",
    {
      class: `abi-class${differs ? " differs" : ""}`,
      "data-abis": c.abis.join(" "),
      role: "group",
      "aria-label":
        `${map.name} on ${abis.full}: ${c.size} bytes, align ${c.align}` + (differs ? ", differs from x86_64" : ""),
    },
    head,
  );
  row.append(c.summary ? summaryTable(c) : drawnLines(c, cmp, perLine, colour));
  return row;
}

function drawnLines(c: MapClass, cmp: ClassComparison, perLine: number, colour: Map<string, number>): HTMLElement {
  const box = el("div", { class: "byte-lines" });
  box.style.minWidth = minWidth(perLine);
  for (const line of byteLines(c.segments, c.size, perLine)) {
    const track = el("div", { class: "line-track" });
    track.style.gridTemplateColumns = `repeat(${line.bytes}, minmax(0, 1fr))`;
    track.style.width = `${(100 * line.bytes) / perLine}%`;
    track.style.setProperty("--word", `${(100 * WORD_BYTES) / line.bytes}%`);
    for (const piece of line.pieces) track.append(segmentPiece(piece, cmp, colour));
    box.append(
      el("div", { class: "byte-line" }, [
        el("span", { class: "line-offset", "aria-hidden": "true" }, String(line.start)),
        el("div", { class: "track-box" }, track),
      ]),
    );
  }
  return box;
}

function segmentWords(s: ByteSegment): { label: string; spoken: string } {
  if (s.kind === "member") return { label: s.name, spoken: `member ${s.name}` };
  if (s.kind === "tail") return { label: `tail ${s.size}`, spoken: `tail padding, ${s.size} bytes` };
  return { label: `hole ${s.size}`, spoken: `${s.name}, ${s.size} byte${s.size === 1 ? "" : "s"}` };
}

function segmentPiece(p: SegmentPiece, cmp: ClassComparison, colour: Map<string, number>) {
  const s = p.segment;
  const elsewhere = s.kind === "member" && cmp.placedDifferently.has(s.name);
  const cls = ["seg", s.kind];
  if (s.kind === "member") cls.push(`c${colour.get(s.name) ?? 0}`);
  if (s.moved) cls.push("moved");
  if (elsewhere) cls.push("elsewhere");
  if (!p.first) cls.push("cont");
  const words = segmentWords(s);
  const notes = [
    elsewhere ? `placed differently from ${REFERENCE_ABI}` : "",
    s.moved ? "moves between ABI classes" : "",
  ].filter(Boolean);
  const spoken = `${words.spoken}, ${range(s.offset, s.size)}${notes.length ? `, ${notes.join(", ")}` : ""}`;
  const node = el(
    "div",
    {
      class: cls.join(" "),
      "data-kind": s.kind,
      "data-member": s.name,
      "data-offset": s.offset,
      "data-size": s.size,
      title: spoken,
      // One tab stop per segment: its continuation on the next line is the same block.
      ...(p.first ? { tabindex: 0, "aria-label": spoken, "data-first": true } : { "aria-hidden": "true" }),
    },
    [
      el("span", { class: "seg-name" }, `${elsewhere ? "\u2260 " : ""}${p.first ? "" : "\u2026"}${words.label}`),
      el("span", { class: "seg-place" }, s.kind === "member" ? `${s.size} B @${s.offset}` : `@${s.offset}`),
    ],
  );
  node.style.gridColumn = `${p.from + 1} / ${p.to + 1}`;
  return node;
}

/** A class too big to draw: the totals, and the segments the report lists (top-level members and holes). */
function summaryTable(c: MapClass): HTMLElement {
  const sum = c.summary!;
  const listed =
    sum.listed === "none"
      ? ""
      : ` Below: ${sum.listed === "top-level" ? "its top-level" : `the first ${c.segments.length} top-level`} ` +
        "members and holes (nested structs whole).";
  const box = el("div", { class: "map-summary" }, [
    el(
      "p",
      {},
      `${sum.members} member${sum.members === 1 ? "" : "s"}, ${sum.holes} padding gap${sum.holes === 1 ? "" : "s"} ` +
        `(${sum.paddingBytes} bytes): too big to draw byte by byte.${listed}`,
    ),
  ]);
  if (c.segments.length)
    box.append(
      el("table", { class: "segments" }, [
        el("thead", {}, el("tr", {}, [el("th", {}, "offset"), el("th", {}, "size"), el("th", {}, "member")])),
        el(
          "tbody",
          {},
          c.segments.map((s) =>
            el(
              "tr",
              {
                class: `seg-row ${s.kind}${s.moved ? " moved" : ""}`,
                "data-kind": s.kind,
                "data-member": s.name,
                "data-offset": s.offset,
                "data-size": s.size,
                "data-first": true,
                tabindex: 0,
              },
              [
                el("td", { class: "num" }, String(s.offset)),
                el("td", { class: "num" }, String(s.size)),
                el("td", {}, s.name),
              ],
            ),
          ),
        ),
      ]),
    );
  return box;
}

/* ------------------------------------------------------------ highlighting */

function listenForHighlights(root: HTMLElement): void {
  let lit: { section: Element; member: string } | undefined;
  const clear = () => {
    if (!lit) return;
    for (const n of lit.section.querySelectorAll(".lit")) n.classList.remove("lit");
    const detail = lit.section.querySelector(".member-detail");
    if (detail) detail.textContent = DETAIL_IDLE;
    lit = undefined;
  };
  const light = (target: EventTarget | null) => {
    const seg = target instanceof Element ? target.closest<HTMLElement>("[data-member]") : null;
    const section = seg?.closest("section.struct-map");
    if (!seg || !section) return clear();
    const member = seg.dataset.member!;
    if (lit && lit.section === section && lit.member === member) return;
    clear();
    lit = { section, member };
    // Compared by value, not by a selector built from the name: member names come from the spec.
    for (const n of section.querySelectorAll<HTMLElement>("[data-member]"))
      if (n.dataset.member === member) n.classList.add("lit");
    const detail = section.querySelector(".member-detail");
    if (detail) detail.textContent = placesText(section, member);
  };
  root.addEventListener("mouseover", (e) => light(e.target));
  root.addEventListener("mouseleave", clear);
  root.addEventListener("focusin", (e) => light(e.target));
  root.addEventListener("focusout", (e) => {
    if (!(e.relatedTarget instanceof Element && root.contains(e.relatedTarget))) clear();
  });
  root.addEventListener("keydown", (e) => moveFocus(e));
}

/** "flags: bytes 0–7 on x86_64, …; bytes 0–3 on i386 …; absent on …" for the lit member's rows. */
function placesText(section: Element, member: string): string {
  const parts: string[] = [];
  for (const row of section.querySelectorAll<HTMLElement>(".abi-class")) {
    const abis = row.querySelector(".class-abis")?.textContent ?? "";
    const first = [...row.querySelectorAll<HTMLElement>("[data-first]")].find((n) => n.dataset.member === member);
    parts.push(
      first ? `${range(Number(first.dataset.offset), Number(first.dataset.size))} on ${abis}` : `absent on ${abis}`,
    );
  }
  return `${member}: ${parts.join("; ")}`;
}

/** Arrow keys within a struct: left/right along a row, up/down to the same member on the next row. */
function moveFocus(e: KeyboardEvent): void {
  if (!["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"].includes(e.key)) return;
  const seg = e.target instanceof HTMLElement ? e.target.closest<HTMLElement>("[data-first]") : null;
  const row = seg?.closest(".abi-class");
  const section = row?.closest("section.struct-map");
  if (!seg || !row || !section) return;
  let next: HTMLElement | undefined;
  if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
    const segs = [...row.querySelectorAll<HTMLElement>("[data-first]")];
    next = segs[segs.indexOf(seg) + (e.key === "ArrowRight" ? 1 : -1)];
  } else {
    const rows = [...section.querySelectorAll<HTMLElement>(".abi-class")];
    const other = rows[rows.indexOf(row as HTMLElement) + (e.key === "ArrowDown" ? 1 : -1)];
    const segs = other ? [...other.querySelectorAll<HTMLElement>("[data-first]")] : [];
    next = segs.find((n) => n.dataset.member === seg.dataset.member) ?? segs[0];
  }
  if (next) {
    e.preventDefault();
    next.focus();
  }
}
