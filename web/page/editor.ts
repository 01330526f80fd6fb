/*
 * The spec editor: CodeMirror 6 with YAML highlighting, schema completion and the page's problems as lint
 * marks.  Tab keeps CodeMirror's default (it moves focus, it does not indent), so keyboard users are never
 * trapped; indentation is two spaces (YAML allows no tabs).
 */
import { basicSetup, EditorView } from "codemirror";
import { yaml } from "@codemirror/lang-yaml";
import { indentService, indentUnit } from "@codemirror/language";
import { lintGutter, setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { indentAfter } from "../yaml-indent.js";
import { specCompletion } from "./completion.js";
import { problemRange } from "./problem-range.js";

export interface EditorProblem {
  line: number;
  col: number;
  severity: "error" | "warning" | "info";
  message: string;
  hint?: string;
}

export interface SpecEditor {
  text(): string;
  /** Replace the whole text (an undoable change; `onChange` is called as for any change). */
  setText(text: string): void;
  showProblems(problems: readonly EditorProblem[]): void;
  /** Put the cursor at a 1-based line and column and focus the editor. */
  reveal(line: number, col: number): void;
  focus(): void;
}

/** Lint marks drawn with CSS alone: CodeMirror's own are data: images, which a CSP with `img-src 'self'` blocks. */
const lintMarks = (colour: string, fill: string, shape: string) => ({
  [`.cm-lintRange-${colour}`]: { backgroundImage: "none", textDecoration: `underline wavy ${fill}` },
  [`.cm-lint-marker-${colour}`]: { content: "normal", background: fill, clipPath: shape },
});

const editorTheme = EditorView.theme({
  // Fills a parent that has a height, and scrolls inside it.
  "&": { height: "100%" },
  ".cm-scroller": { overflow: "auto" },
  ".cm-problem-hint": { marginTop: "0.25em", opacity: "0.8" },
  ".cm-lintRange": { textDecorationSkipInk: "none", textUnderlineOffset: "3px" },
  ...lintMarks("error", "#e33", "circle(45%)"),
  ...lintMarks("warning", "#e90", "polygon(50% 5%, 95% 90%, 5% 90%)"),
  ...lintMarks("info", "#88c", "inset(12%)"),
});

/** Block YAML's indentation after `key:` and `- ` lines; elsewhere the YAML language's (or the line above's). */
const yamlIndent = indentService.of((context, pos) => {
  // The line above `pos`: with Enter, the part of the cursor's line before the break CodeMirror simulates there.
  let above = context.lineAt(pos, -1);
  if (above.from === pos) {
    if (pos === 0) return undefined;
    above = context.lineAt(pos - 1, -1);
  }
  return indentAfter(above.text, context.unit);
});

function toDiagnostic(state: EditorState, problem: EditorProblem): Diagnostic {
  const { from, to } = problemRange(state.doc, problem.line, problem.col);
  const { message, hint } = problem;
  return {
    from,
    to,
    severity: problem.severity,
    message: hint ? `${message}\n${hint}` : message,
    renderMessage: () => {
      const box = document.createElement("div");
      box.append(message);
      if (hint) {
        const h = document.createElement("div");
        h.className = "cm-problem-hint";
        h.textContent = hint;
        box.append(h);
      }
      return box;
    },
  };
}

export function createSpecEditor(
  parent: HTMLElement,
  options: { text: string; label: string; onChange(text: string): void },
): SpecEditor {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.text,
      extensions: [
        basicSetup,
        yaml(),
        specCompletion(),
        lintGutter(),
        indentUnit.of("  "),
        yamlIndent,
        EditorState.tabSize.of(2),
        EditorView.contentAttributes.of({ "aria-label": options.label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString());
        }),
        editorTheme,
      ],
    }),
  });

  const offsetOf = (line: number, col: number) => problemRange(view.state.doc, line, col).from;

  return {
    text: () => view.state.doc.toString(),
    setText(text) {
      if (text === view.state.doc.toString()) return;
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: text },
        selection: { anchor: 0 },
        scrollIntoView: true,
      });
    },
    showProblems(problems) {
      view.dispatch(
        setDiagnostics(
          view.state,
          problems.map((p) => toDiagnostic(view.state, p)),
        ),
      );
    },
    reveal(line, col) {
      const pos = offsetOf(line, col);
      view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: "center" }) });
      view.focus();
    },
    focus: () => view.focus(),
  };
}
