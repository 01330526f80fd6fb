/*
 * What the page says about the current text: a one-line status in a polite live region, and, while the spec
 * does not load, its errors above the (dimmed) views, each one a button that shows it in the editor.
 */
import { formatLoc, type Loc, type SpecError } from "../../core/diagnostic.js";
import { el, prose, setText, syncChildren } from "./dom.js";

export interface StatusView {
  ok(summary: string): void;
  errors(errors: readonly SpecError[], hasLastGood: boolean): void;
}

export function createStatusView(line: HTMLElement, box: HTMLElement, reveal: (loc: Loc) => void): StatusView {
  line.setAttribute("role", "status");
  line.setAttribute("aria-live", "polite");
  const heading = el("h2", { id: "load-errors-title" });
  const list = el("ul", { class: "load-error-list" });
  box.setAttribute("aria-labelledby", "load-errors-title");
  box.append(heading, list);
  box.hidden = true;
  const locOf = new WeakMap<Element, Loc>();
  box.addEventListener("click", (e) => {
    const item = e.target instanceof Element ? e.target.closest("li") : null;
    const loc = item && locOf.get(item);
    if (loc) reveal(loc);
  });
  return {
    ok(summary) {
      setText(line, summary);
      line.classList.remove("visually-hidden");
      box.hidden = true;
    },
    errors(errors, hasLastGood) {
      const n = errors.length;
      const what = `The spec does not load: ${n} error${n === 1 ? "" : "s"}`;
      setText(line, what);
      // The box below says it again, visibly; the line stays for screen readers (it is the live region).
      line.classList.add("visually-hidden");
      setText(
        heading,
        hasLastGood
          ? `${what}. The views below are dimmed: they show the last text that loaded.`
          : `${what}. There is nothing to show until it loads.`,
      );
      syncChildren(
        list,
        errors.map((e) => {
          const item = el("li", { class: "load-error" }, [
            el("button", { type: "button", title: "Show in the editor" }, [
              el("span", { class: "loc" }, formatLoc(e.loc)),
              " ",
              el("span", { class: "message" }, prose(e.message)),
            ]),
            e.hint
              ? el("p", { class: "hint" }, [el("span", { class: "hint-label" }, "Hint: "), ...prose(e.hint)])
              : null,
          ]);
          locOf.set(item, e.loc);
          return item;
        }),
      );
      box.hidden = false;
    },
  };
}
