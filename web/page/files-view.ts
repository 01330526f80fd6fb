/*
 * The Header and Codec tabs: a picker over the generated files of one kind and the chosen file's text.
 * The caller hands over files only while the tab shows (a codec runs to ~100 KB); the text is replaced only
 * when it changed, so an edit elsewhere in the spec costs no relayout here.
 */
import type { ShownFile } from "../analyse.js";
import { el, syncChildren } from "./dom.js";

export interface FilesView {
  render(files: readonly ShownFile[]): void;
  /** The files could not be generated: say why instead of showing old text. */
  failed(message: string): void;
  /** The spec changed and new files are on their way: mark the text shown as out of date. */
  pending(): void;
}

export function createFilesView(root: HTMLElement, kind: ShownFile["kind"], label: string): FilesView {
  const selectId = `${kind}-file`;
  const picker = el("select", { id: selectId });
  const size = el("span", { class: "file-size" });
  const download = el("button", { type: "button", class: "download", "data-download": kind }, "Download this file");
  const codeNode = el("code", {});
  const pre = el("pre", { class: "generated", tabindex: 0, "aria-label": `${label} text` }, codeNode);
  const problem = el("p", { class: "file-error", role: "alert", hidden: true });
  root.append(
    el("div", { class: "file-bar" }, [el("label", { for: selectId }, `${label} file`), picker, size, download]),
    problem,
    pre,
  );
  let shown: readonly ShownFile[] = [];
  const show = () => {
    const f = shown.find((x) => x.path === picker.value) ?? shown[0];
    const content = f?.content ?? "";
    // Comparing first is cheap next to a relayout of ~100 KB of text.
    if (codeNode.textContent !== content) codeNode.textContent = content;
    size.textContent = f ? `${(new TextEncoder().encode(content).length / 1024).toFixed(1)} KB` : "";
    download.disabled = !f;
  };
  picker.addEventListener("change", show);
  download.addEventListener("click", () => {
    const f = shown.find((x) => x.path === picker.value);
    if (!f) return;
    const url = URL.createObjectURL(new Blob([f.content], { type: "text/plain" }));
    const a = el("a", { href: url, download: f.path.split("/").pop() ?? "file" });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  });
  return {
    pending() {
      root.classList.add("updating");
      size.textContent = "updating after the edit…";
    },
    failed(message) {
      problem.textContent = message;
      problem.hidden = false;
      this.render([]);
    },
    render(files) {
      root.classList.remove("updating");
      if (files.length) problem.hidden = true;
      shown = files;
      const keep = picker.value;
      const paths = files.map((f) => f.path);
      const current = [...picker.options].map((o) => o.value);
      if (JSON.stringify(paths) !== JSON.stringify(current))
        syncChildren(
          picker,
          paths.map((p) => el("option", { value: p }, p)),
        );
      picker.value = paths.includes(keep) ? keep : (paths[0] ?? "");
      picker.disabled = !files.length;
      pre.hidden = !files.length;
      show();
    },
  };
}
