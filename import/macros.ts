/*
 * Macros from the preprocessor's `-dD` output: every `#define` and `#undef`
 * in order, each placed by the line markers (`# 12 "linux/foo.h"`) that
 * clang writes whenever the output leaves the line it was on.
 */

export interface MacroDef {
  name: string;
  /** Parameter list for a function-like macro. */
  params?: string[];
  body: string;
  file: string;
  line: number;
}

const LINE_MARKER = /^# (\d+) "((?:[^"\\]|\\.)*)"/;
const DEFINE = /^#define ([A-Za-z_][A-Za-z0-9_]*)(\(([^)]*)\))?(?: (.*))?$/;
const UNDEF = /^#undef ([A-Za-z_][A-Za-z0-9_]*)/;

/** Every macro defined at the end of the translation unit, in definition order. */
export function parseMacroDefinitions(preprocessed: string): MacroDef[] {
  const live = new Map<string, MacroDef>();
  let file = "";
  let line = 0;
  for (const text of preprocessed.split("\n")) {
    const marker = LINE_MARKER.exec(text);
    if (marker) {
      line = +marker[1]!;
      file = marker[2]!.replace(/\\(.)/g, "$1");
      continue;
    }
    const def = DEFINE.exec(text);
    if (def) {
      const name = def[1]!;
      live.delete(name); // a redefinition moves it to its new place
      live.set(name, {
        name,
        params:
          def[2] !== undefined
            ? def[3]!
                .split(",")
                .map((p) => p.trim())
                .filter(Boolean)
            : undefined,
        body: (def[4] ?? "").trim(),
        file,
        line,
      });
    } else {
      const undef = UNDEF.exec(text);
      if (undef) live.delete(undef[1]!);
    }
    line++;
  }
  return [...live.values()];
}

/** Split a macro argument list at its top-level commas. */
export function splitArguments(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(" || ch === "[") depth++;
    else if (ch === ")" || ch === "]") depth--;
    else if (ch === "," && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

export type IocMacro = "_IO" | "_IOR" | "_IOW" | "_IOWR";

/** `_IOWR('i', 0x91, int)` (possibly in parentheses) taken apart; undefined for any other text. */
export function parseIocCall(body: string): { macro: IocMacro; args: string[] } | undefined {
  let text = body.trim();
  while (/^\(.*\)$/s.test(text) && balanced(text.slice(1, -1))) text = text.slice(1, -1).trim();
  const m = /^(_IOWR|_IOR|_IOW|_IO)\s*\((.*)\)$/s.exec(text);
  if (!m || !balanced(m[2]!)) return undefined;
  const args = splitArguments(m[2]!);
  const want = m[1] === "_IO" ? 2 : 3;
  return args.length === want ? { macro: m[1] as IocMacro, args } : undefined;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === "(") depth++;
    else if (ch === ")" && --depth < 0) return false;
  }
  return depth === 0;
}

/** Whether a body builds an ioctl number: an `_IO*`/`_IOC` call, directly or through a function-like macro. */
export function buildsIoctlNumber(body: string, macros: ReadonlyMap<string, MacroDef>): boolean {
  const direct = /\b_IO(?:R|W|WR|C)?\s*\(/;
  if (direct.test(body)) return true;
  const call = /^\(?\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(body);
  const callee = call ? macros.get(call[1]!) : undefined;
  return !!callee?.params && direct.test(callee.body);
}
