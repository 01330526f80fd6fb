/*
 * The Findings tab: the checks' findings by severity, then by interface, each with its rule, subject,
 * message, hint and position.  Activating one (click, or Enter on its button) shows it in the editor.
 */
import { formatLoc, type Diagnostic, type Loc, type Severity } from "../../core/diagnostic.js";
import { abiListText } from "../abi-list.js";
import { groupFindings, type FindingGroup } from "../findings-groups.js";
import { el, NodeCache, prose, syncChildren } from "./dom.js";

const HEADINGS: Record<Severity, string> = { error: "Errors", warning: "Warnings", info: "Notes (info)" };

export interface FindingsView {
  render(findings: readonly Diagnostic[], abiCount: number): void;
}

export function createFindingsView(root: HTMLElement, reveal: (loc: Loc) => void): FindingsView {
  const body = el("div", { class: "findings" });
  root.append(body);
  let abiTotal = 0;
  const items = new NodeCache<Diagnostic>((d) => findingItem(d, abiTotal));
  const groups = new NodeCache<FindingGroup>((g) => groupSection(g.severity));
  const locOf = new WeakMap<Element, Loc>();
  root.addEventListener("click", (e) => {
    // Selecting a message's text to copy it is not a request to jump.
    if (!(getSelection()?.isCollapsed ?? true)) return;
    const item = e.target instanceof Element ? e.target.closest("li.finding") : null;
    const loc = item && locOf.get(item);
    if (loc) reveal(loc);
  });
  const empty = el("p", { class: "empty" }, "No findings: the checks pass on every ABI.");
  return {
    render(findings, abiCount) {
      abiTotal = abiCount;
      const grouped = groupFindings(findings);
      const ordered = grouped.flatMap((g) => g.interfaces.flatMap((ifc) => ifc.findings));
      const nodes = items.take(ordered, (d) => `${abiCount}\u0000${JSON.stringify(d)}`);
      nodes.forEach((n, i) => locOf.set(n, ordered[i]!.loc));
      const sections = groups.take(grouped, (g) => g.severity);
      let next = 0;
      sections.forEach((section, i) => {
        const g = grouped[i]!;
        section.querySelector(".count")!.textContent = `(${g.count})`;
        const blocks = g.interfaces.map((ifc) =>
          interfaceBlock(section, ifc.name, nodes.slice(next, (next += ifc.findings.length))),
        );
        syncChildren(section.querySelector(".finding-groups")!, blocks);
      });
      syncChildren(body, sections.length ? sections : [empty]);
    },
  };
}

function groupSection(severity: Severity): HTMLElement {
  return el("section", { class: `severity sev-${severity}`, "data-severity": severity }, [
    el("h2", {}, [HEADINGS[severity], " ", el("span", { class: "count" })]),
    el("div", { class: "finding-groups" }),
  ]);
}

/** One interface's block inside a severity section, reused by interface name. */
function interfaceBlock(section: HTMLElement, name: string, nodes: readonly HTMLElement[]): HTMLElement {
  const existing = [...section.querySelectorAll<HTMLElement>(".finding-interface")].find(
    (n) => n.dataset.interface === name,
  );
  const block =
    existing ??
    el("div", { class: "finding-interface", "data-interface": name }, [
      el("h3", {}, `interface ${name}`),
      el("ul", { class: "finding-list" }),
    ]);
  syncChildren(block.querySelector("ul")!, nodes);
  return block;
}

function findingItem(d: Diagnostic, abiTotal: number): HTMLElement {
  const abis = d.abis.length ? abiListText(d.abis, abiTotal, 6) : undefined;
  return el("li", { class: `finding sev-${d.severity}`, "data-rule": d.rule, "data-severity": d.severity }, [
    el("button", { type: "button", class: "finding-head", title: "Show in the editor" }, [
      el("span", { class: "rule" }, d.rule),
      el("span", { class: "subject" }, d.subject),
      el("span", { class: "loc" }, formatLoc(d.loc)),
    ]),
    el("p", { class: "message" }, prose(d.message)),
    d.hint ? el("p", { class: "hint" }, [el("span", { class: "hint-label" }, "Hint: "), ...prose(d.hint)]) : null,
    abis ? el("p", { class: "finding-abis", title: abis.full }, `ABIs: ${abis.short}`) : null,
  ]);
}
