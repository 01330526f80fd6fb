/*
 * The "ioctl vs syscall" tab: per interface, each command beside its syscall form (and each declared
 * syscall beside its ioctl form): prototypes, the request, the argument count, the slot count per syscall
 * class against the six-argument limit, and the remedies when it does not fit.
 */
import type { AbiId } from "../../spec/abi.js";
import type { CommandReport, InterfaceReport, SpecReport } from "../../syscall/report-data.js";
import { abiListText } from "../abi-list.js";
import { slotRows, verdictWords } from "../slot-rows.js";
import { columnHeads, el, NodeCache, syncChildren, type Child } from "./dom.js";

type Classes = SpecReport["classes"];

export interface CommandsView {
  render(report: SpecReport): void;
}

export function createCommandsView(root: HTMLElement): CommandsView {
  const body = el("div", { class: "commands" });
  root.append(
    el("p", { class: "view-intro" }, [
      "Slots count 32-bit argument registers after 64-bit splitting and pair alignment; ",
      "the limit is six (MIPS o32 takes eight through the stack).",
    ]),
    body,
  );
  const sections = new NodeCache<{ ifc: InterfaceReport; classes: Classes; total: number }>((x) =>
    interfaceSection(x.ifc, x.classes, x.total),
  );
  const empty = el("p", { class: "empty" }, "This spec has no ioctl commands and declares no syscalls.");
  return {
    render(report) {
      const total = report.abis.length;
      const shown = report.interfaces.filter((ifc) => ifc.commands.length || ifc.syscalls.length);
      const nodes = sections.take(
        shown.map((ifc) => ({ ifc, classes: report.classes, total })),
        (x) => JSON.stringify([x.ifc.name, x.ifc.header, x.ifc.variant, x.ifc.commands, x.ifc.syscalls, x.classes]),
      );
      syncChildren(body, nodes.length ? nodes : [empty]);
    },
  };
}

const code = (s: string) => el("code", {}, s);

function verdictText(c: CommandReport, total: number): string {
  if (c.fits) return `fits in six on every ABI (worst ${c.worstSlots} slots)`;
  const over = c.exceedsOn.length === total ? "every ABI" : abiListText(c.exceedsOn, total, 6).short;
  const o32 = c.o32Only.length ? " (o32 only through the stack)" : "";
  return `exceeds six on ${over}${o32}; worst ${c.worstSlots} slots`;
}

function remedyText(c: CommandReport): string {
  const r = c.remedies.find((x) => x.chosen);
  return r ? `${r.kind}, ${r.slots} slots` : c.fits ? "-" : "none fits";
}

function interfaceSection(ifc: InterfaceReport, classes: Classes, total: number): HTMLElement {
  const all = [...ifc.commands, ...ifc.syscalls];
  return el("section", { class: "interface", "data-interface": ifc.name, "aria-label": `interface ${ifc.name}` }, [
    el("h2", {}, [`${ifc.name} `, el("small", {}, `(${ifc.header}${ifc.variant ? `, variant ${ifc.variant}` : ""})`)]),
    summaryTable(all, total),
    ...all.map((c) => commandCard(c, classes, total)),
  ]);
}

function summaryTable(all: readonly CommandReport[], total: number): HTMLElement {
  return el("table", { class: "command-summary" }, [
    el("caption", {}, "Summary"),
    columnHeads("command", "args", "worst slots", "fits in six", "remedy"),
    el(
      "tbody",
      {},
      all.map((c) =>
        el("tr", { class: c.fits ? "fits" : "exceeds", "data-command": c.command }, [
          el("th", { scope: "row" }, c.origin === "ioctl" ? c.command : `${c.syscall.name}()`),
          el("td", { class: "num" }, String(c.argCount)),
          el("td", { class: "num" }, String(c.worstSlots)),
          el("td", {}, c.fits ? "yes" : `no (${abiListText(c.exceedsOn, total, 3).short})`),
          el("td", {}, remedyText(c)),
        ]),
      ),
    ),
  ]);
}

function commandCard(c: CommandReport, classes: Classes, total: number): HTMLElement {
  const title = c.origin === "ioctl" ? c.command : `${c.syscall.name}() (declared syscall)`;
  const narrowed = c.syscall.args.filter((a) => a.narrowed);
  const facts: [string, Child | Child[]][] = [
    ["ioctl", code(c.ioctl.prototype)],
    ["request", `${c.ioctl.request} on ${c.ioctl.requestAbi}`],
    ["syscall", code(c.syscall.prototype)],
    ["arguments", `${c.argCount}${c.origin === "ioctl" ? " including the fd" : ""}`],
    ["verdict", verdictText(c, total)],
  ];
  if (c.syscall.dropped.length)
    facts.push(["dropped", c.syscall.dropped.map((d) => `${d.field} (${d.why})`).join("; ")]);
  if (narrowed.length)
    facts.push(["narrowed", narrowed.map((a) => `${a.name} → ${a.type} (${a.narrowed})`).join("; ")]);
  if (c.status)
    facts.push([
      "status",
      `${c.status.state}${c.status.version ? ` (${c.status.version})` : ""}; source: ${c.status.source}`,
    ]);
  return el(
    "article",
    { class: `command ${c.fits ? "fits" : "exceeds"}`, "data-command": c.command, "data-origin": c.origin },
    [
      el("h3", {}, title),
      c.doc ? el("p", { class: "doc" }, c.doc) : null,
      el(
        "dl",
        { class: "facts" },
        facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]),
      ),
      slotTable(`Argument slots of ${c.syscall.name}() per syscall class`, classes, c.slots, total),
      remedies(c, classes, total),
      callingDetails(c, total),
      ...c.notes.map((n) => el("p", { class: "note" }, `Note: ${n}`)),
    ],
  );
}

function slotTable(caption: string, classes: Classes, groups: CommandReport["slots"], total: number): HTMLElement {
  return el("table", { class: "slots" }, [
    el("caption", {}, caption),
    columnHeads("class", "ABIs", "slots", "verdict"),
    el(
      "tbody",
      {},
      slotRows(classes, groups).map((r) => {
        const abis = abiListText(r.abis, total);
        return el("tr", { class: `verdict-${r.verdict ?? "none"}`, "data-class": r.label }, [
          el("th", { scope: "row" }, r.label),
          el("td", { title: abis.full }, abis.short),
          el(
            "td",
            { class: "num" },
            r.slots === undefined ? "-" : `${r.slots}${r.padding ? ` (${r.padding} pad)` : ""}`,
          ),
          el("td", { class: "verdict" }, verdictWords(r.verdict)),
        ]);
      }),
    ),
  ]);
}

function remedies(c: CommandReport, classes: Classes, total: number): HTMLElement | null {
  if (!c.remedies.length) return c.fits ? null : el("p", { class: "note" }, "No standard remedy fits on every ABI.");
  return el("section", { class: "remedies", "aria-label": `remedies for ${c.command}` }, [
    el("h4", {}, "Remedies (each fits on every ABI)"),
    el(
      "ul",
      {},
      c.remedies.map((r) =>
        el("li", { class: r.chosen ? "remedy chosen" : "remedy", "data-remedy": r.kind, "data-slots": r.slots }, [
          r.chosen ? el("span", { class: "badge badge-chosen" }, "chosen") : null,
          el("strong", {}, r.kind),
          ` (${r.slots} slots): ${r.summary}.`,
          el(
            "ul",
            { class: "prototypes" },
            r.prototypes.map((p) => el("li", {}, code(p))),
          ),
          el("details", {}, [
            el("summary", {}, "slots per class"),
            slotTable(`Slots of the ${r.kind} remedy per syscall class`, classes, r.slotsByAbi, total),
          ]),
        ]),
      ),
    ),
  ]);
}

function abiCell(abis: readonly AbiId[], total: number): HTMLElement {
  const t = abiListText(abis, total);
  return el("td", { title: t.full }, t.short);
}

/** Where each argument travels per ABI, and which ABIs need an entry point of their own: folded by default. */
function callingDetails(c: CommandReport, total: number): HTMLElement {
  return el("details", { class: "calling" }, [
    el("summary", {}, "Registers per ABI and entry points"),
    el("table", { class: "calling-table" }, [
      columnHeads("ABIs", "slots", "arguments (register, halves)", "padding", "verdict"),
      el(
        "tbody",
        {},
        c.calling.map((row) =>
          el("tr", {}, [
            abiCell(row.abis, total),
            el("td", { class: "num" }, String(row.slots)),
            el("td", {}, row.args.join(", ")),
            el("td", {}, row.padding.join(", ") || "-"),
            el("td", {}, verdictWords(row.verdict) + (row.reordered ? ", out of prototype order" : "")),
          ]),
        ),
      ),
    ]),
    c.entryPoints.length
      ? el(
          "ul",
          { class: "entries" },
          c.entryPoints.map((p) =>
            el(
              "li",
              {},
              `${p.abi} (${p.compatOn ? `compat entry on ${p.compatOn}` : "its own entry"}): ` +
                p.needs.map((n) => n.why).join("; "),
            ),
          ),
        )
      : el("p", { class: "note" }, "No ABI needs an entry point of its own."),
  ]);
}
