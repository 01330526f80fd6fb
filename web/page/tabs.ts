/*
 * The views' tabs, after the WAI-ARIA tabs pattern: one tab stop for the tab list (roving tabindex), arrow
 * keys, Home and End move between tabs and show them, each tab labels its panel.
 */
import { el } from "./dom.js";

export interface TabSpec {
  /** `tab-<id>` is the tab's element id, `panel-<id>` its panel's. */
  id: string;
  label: string;
}

export interface Tabs {
  selected(): string;
  select(id: string, focus?: boolean): void;
  /** The tab's visible label (a count, say); `spoken` when the screen-reader name should read differently. */
  setLabel(id: string, label: string, spoken?: string): void;
  panel(id: string): HTMLElement;
}

export function createTabs(
  list: HTMLElement,
  panels: HTMLElement,
  specs: readonly TabSpec[],
  onShow: (id: string) => void,
): Tabs {
  list.setAttribute("role", "tablist");
  const tabs = new Map<string, HTMLButtonElement>();
  const panelOf = new Map<string, HTMLElement>();
  for (const s of specs) {
    const tab = el(
      "button",
      { type: "button", role: "tab", id: `tab-${s.id}`, "aria-controls": `panel-${s.id}`, "data-tab": s.id },
      s.label,
    );
    const panel = el("div", { role: "tabpanel", id: `panel-${s.id}`, "aria-labelledby": `tab-${s.id}`, tabindex: 0 });
    tabs.set(s.id, tab);
    panelOf.set(s.id, panel);
    list.append(tab);
    panels.append(panel);
  }
  let current = "";
  let notify = false;
  const select = (id: string, focus = false) => {
    if (!tabs.has(id)) return;
    const changed = id !== current;
    current = id;
    for (const [tid, tab] of tabs) {
      const on = tid === id;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      panelOf.get(tid)!.hidden = !on;
    }
    if (focus) tabs.get(id)!.focus();
    if (changed && notify) onShow(id);
  };
  list.addEventListener("click", (e) => {
    const tab = (e.target as Element).closest<HTMLElement>("[role=tab]");
    if (tab?.dataset.tab) select(tab.dataset.tab);
  });
  list.addEventListener("keydown", (e) => {
    const ids = specs.map((s) => s.id);
    const at = ids.indexOf(current);
    const to =
      e.key === "ArrowRight"
        ? (at + 1) % ids.length
        : e.key === "ArrowLeft"
          ? (at - 1 + ids.length) % ids.length
          : e.key === "Home"
            ? 0
            : e.key === "End"
              ? ids.length - 1
              : -1;
    if (to < 0) return;
    e.preventDefault();
    select(ids[to]!, true);
  });
  // The first tab is shown without a call: the caller is still being set up.
  select(specs[0]!.id);
  notify = true;
  return {
    selected: () => current,
    select,
    setLabel(id, label, spoken) {
      const tab = tabs.get(id);
      if (!tab) return;
      if (tab.textContent !== label) tab.textContent = label;
      if (spoken) tab.setAttribute("aria-label", spoken);
      else tab.removeAttribute("aria-label");
    },
    panel: (id) => panelOf.get(id)!,
  };
}
