/* PLACEHOLDER (to be replaced by the CodeMirror editor): a textarea with the SpecEditor contract. */
export interface EditorProblem {
  line: number;
  col: number;
  severity: "error" | "warning" | "info";
  message: string;
  hint?: string;
}

export interface SpecEditor {
  text(): string;
  setText(text: string): void;
  showProblems(problems: readonly EditorProblem[]): void;
  /** Put the cursor at a 1-based line and column and focus the editor. */
  reveal(line: number, col: number): void;
  focus(): void;
}

export function createSpecEditor(
  parent: HTMLElement,
  options: { text: string; label: string; onChange(text: string): void },
): SpecEditor {
  const area = document.createElement("textarea");
  area.value = options.text;
  area.setAttribute("aria-label", options.label);
  area.spellcheck = false;
  area.addEventListener("input", () => options.onChange(area.value));
  parent.append(area);
  return {
    text: () => area.value,
    setText: (t) => void (area.value = t),
    showProblems: () => {},
    reveal: () => area.focus(),
    focus: () => area.focus(),
  };
}
