/* The toolbar: the bundled specs to switch to, and opening, saving and sharing the current one. */
import { el, syncChildren } from "./dom.js";
import type { SharedSpec } from "./share.js";

export interface ToolbarActions {
  pick(spec: SharedSpec): void;
  open(): void;
  save(): void;
  share(): void;
}

export interface SpecToolbar {
  setBundled(specs: readonly SharedSpec[]): void;
  /** The current spec's name: its bundled entry is selected, or it is listed on its own. */
  setCurrent(name: string): void;
}

export function createSpecToolbar(host: HTMLElement, actions: ToolbarActions): SpecToolbar {
  const select = el("select", { id: "spec-select" });
  const button = (id: string, label: string, act: () => void) => {
    const b = el("button", { type: "button", id }, label);
    b.addEventListener("click", act);
    return b;
  };
  host.append(
    el("span", { class: "field" }, [el("label", { for: "spec-select" }, "Spec"), select]),
    button("open-file", "Open file…", actions.open),
    button("save-file", "Save file", actions.save),
    button("share-link", "Copy share link", actions.share),
  );
  let bundled: readonly SharedSpec[] = [];
  let current = "";
  const fill = () => {
    const at = bundled.findIndex((s) => s.name === current);
    const options = bundled.map((s, i) => el("option", { value: String(i) }, s.name));
    // A spec from a link, local storage or a file is listed too, so the control always names what is shown.
    if (at < 0) options.unshift(el("option", { value: "" }, `${current || "untitled"} (not bundled)`));
    syncChildren(select, options);
    select.value = at < 0 ? "" : String(at);
  };
  select.addEventListener("change", () => {
    const spec = bundled[Number(select.value)];
    if (select.value !== "" && spec) actions.pick(spec);
  });
  return {
    setBundled(specs) {
      bundled = specs;
      fill();
    },
    setCurrent(name) {
      current = name;
      fill();
    },
  };
}
