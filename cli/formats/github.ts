/*
 * GitHub Actions workflow commands (`::error file=F,line=L,col=C,title=T::MESSAGE`): the runner turns each
 * into an annotation on the pull request.  Escaping follows actions/toolkit's command.ts exactly, so a
 * message with newlines stays one command and a path with ':' or ',' cannot end its property early.
 */
import path from "node:path";
import type { Finding, FindingLevel } from "./finding.js";
import { messageText } from "./sarif.js";

const COMMAND: Record<FindingLevel, "error" | "warning" | "notice"> = {
  error: "error",
  warning: "warning",
  note: "notice",
};

/** actions/toolkit escapeData: the message after the second "::". */
export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** actions/toolkit escapeProperty: a key=value property, where ':' and ',' would end the value. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** A path GitHub resolves from the workspace: relative to the working directory, forward slashes. */
export function githubPath(file: string, cwd: string): string {
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(path.resolve(cwd), absolute);
  const shown = relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? absolute : relative;
  return shown.split(path.sep).join("/");
}

export function githubCommand(f: Finding, cwd: string): string {
  const props: [string, string][] = [];
  if (f.loc) {
    props.push(["file", githubPath(f.loc.file, cwd)]);
    if (f.loc.line >= 1) props.push(["line", String(f.loc.line)]);
    if (f.loc.col >= 1) props.push(["col", String(f.loc.col)]);
  }
  props.push(["title", f.ruleId]);
  const related = (f.related ?? []).map(
    (r) => `\nsee ${githubPath(r.loc.file, cwd)}:${r.loc.line}:${r.loc.col}${r.message ? `: ${r.message}` : ""}`,
  );
  const text = messageText(f) + related.join("");
  const properties = props.map(([k, v]) => `${k}=${escapeProperty(v)}`).join(",");
  return `::${COMMAND[f.level]} ${properties}::${escapeData(text)}`;
}

/** One command per finding, each on its own line, and nothing else. */
export function githubCommands(findings: readonly Finding[], cwd: string): string {
  return findings.map((f) => githubCommand(f, cwd) + "\n").join("");
}
