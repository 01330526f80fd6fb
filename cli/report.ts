/* Printing diagnostics and spec errors: compiler-style text, or JSON for machines. */
import { formatLoc, type Diagnostic, type SpecError } from "../core/diagnostic.js";
import { paint, type Io } from "./io.js";

export function formatSpecErrors(io: Io, errors: SpecError[]): string {
  return errors
    .map(
      (e) =>
        `${formatLoc(e.loc)}: ${paint(io, "red", "error")}: ${e.message}\n` +
        `    ${paint(io, "cyan", "hint")}: ${e.hint}\n`,
    )
    .join("");
}

const SEVERITY_STYLE = { error: "red", warning: "yellow", info: "blue" } as const;

/** Text findings are wrapped to this many columns (JSON is never wrapped). */
export const TEXT_WIDTH = 100;
const MESSAGE_INDENT = "    ";
const HINT_LABEL = "    hint: ";
const HINT_INDENT = " ".repeat(HINT_LABEL.length);

/**
 * The text's words, with a `code span` kept as one unit when it fits on a line (so a YAML snippet is not split);
 * a longer span falls back to its words.
 */
function wrapUnits(text: string, room: number): string[] {
  const units: string[] = [];
  let open: string[] | undefined;
  let ticks = 0; // backticks in the words of `open`, counted per word: joining them for each word is quadratic
  for (const word of text.split(/\s+/)) {
    if (!word) continue;
    if (open) open.push(word);
    else open = [word];
    for (let i = word.indexOf("`"); i >= 0; i = word.indexOf("`", i + 1)) ticks++;
    // An odd number of backticks so far: still inside a code span.
    if (ticks % 2 === 1) continue;
    const unit = open.length === 1 ? word : open.join(" ");
    if (open.length > 1 && unit.length > room) units.push(...open);
    else units.push(unit);
    open = undefined;
    ticks = 0;
  }
  if (open) units.push(...open);
  return units;
}

/**
 * Greedy wrapping at spaces only, so no word or file:line:col is ever broken: the first line has `first`
 * columns, the others `rest`.  A unit longer than its line stands alone on it.
 */
export function wrapText(text: string, first: number, rest: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const unit of wrapUnits(text, rest)) {
    const room = lines.length ? rest : first;
    if (line && line.length + 1 + unit.length > room) {
      lines.push(line);
      line = unit;
    } else line = line ? `${line} ${unit}` : unit;
  }
  lines.push(line);
  return lines;
}

export function formatDiagnostic(io: Io, d: Diagnostic): string {
  // Laid out on the plain text, painted afterwards: colour codes take no columns.
  const lead = `${formatLoc(d.loc)}: ${d.severity} [${d.rule}] `;
  const message = wrapText(d.message, Math.max(TEXT_WIDTH - lead.length, 1), TEXT_WIDTH - MESSAGE_INDENT.length);
  let out =
    `${formatLoc(d.loc)}: ${paint(io, SEVERITY_STYLE[d.severity], d.severity)} [${d.rule}] ` +
    message.join(`\n${MESSAGE_INDENT}`) +
    "\n";
  if (d.hint) {
    const hint = wrapText(d.hint, TEXT_WIDTH - HINT_LABEL.length, TEXT_WIDTH - HINT_INDENT.length);
    out += `    ${paint(io, "cyan", "hint")}: ${hint.join(`\n${HINT_INDENT}`)}\n`;
  }
  return out;
}

export function diagnosticJson(d: Diagnostic) {
  return {
    rule: d.rule,
    severity: d.severity,
    interface: d.interface,
    subject: d.subject,
    message: d.message,
    file: d.loc.file,
    line: d.loc.line,
    col: d.loc.col,
    abis: d.abis,
    hint: d.hint,
  };
}
