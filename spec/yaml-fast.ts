/*
 * The fast path of spec/source.ts: js-yaml reads a plain document some ten times faster than the `yaml`
 * package (856 imported kernel headers, 5 MB: 0.3 s against 2.5 s), and its listener reports where every node
 * starts, from which the same path -> position index is built.
 *
 * It answers only for documents it can read exactly as the `yaml` package would (YAML 1.2, core schema) and
 * returns undefined for anything else, which the `yaml` package then reads, with its errors and limits:
 *   - anchors, aliases, tags and directives (the alias limit is the `yaml` package's), and several documents;
 *   - anything js-yaml refuses (duplicate keys included);
 *   - a node without an event (an empty sequence entry), or nesting deeper than MAX_YAML_DEPTH.
 * property-tests/yaml-fast.test.ts holds both readers to the same values and positions.
 */
import jsyaml from "js-yaml";
import type { DocPath } from "../core/diagnostic.js";

/** A scalar type of YAML 1.2's core schema (yaml.org/spec/1.2.2 10.3.2), resolved as the `yaml` package does. */
const scalar = (tag: string, test: RegExp, construct: (s: string) => unknown) =>
  new jsyaml.Type(`tag:yaml.org,2002:${tag}`, {
    kind: "scalar",
    resolve: (s: string | null) => test.test(s ?? ""),
    construct: (s: string | null) => construct(s ?? ""),
  });

const CORE_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    scalar("null", /^(?:~|[Nn]ull|NULL)?$/, () => null),
    scalar("bool", /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => /^[Tt]/.test(s)),
    scalar("int", /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/, (s) =>
      s.startsWith("0o") ? parseInt(s.slice(2), 8) : s.startsWith("0x") ? parseInt(s.slice(2), 16) : parseInt(s, 10),
    ),
    scalar(
      "float",
      /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
      (s) => (/nan/i.test(s) ? NaN : /inf/i.test(s) ? (s.startsWith("-") ? -Infinity : Infinity) : parseFloat(s)),
    ),
  ],
});

/**
 * Anchors (&), aliases (*) and tags (!) where a node may begin -- at a line's first character, after `- `, `? `,
 * `: `, `[`, `{` or `,` -- directives (%) and document markers.  Inside a scalar (`void *`) they are text.
 */
const NOT_PLAIN = /(?:^[ \t]*|[-?:][ \t]+|[[{,][ \t]*)[&*!]|^%|^(?:---|\.\.\.)(?:\s|$)/m;

interface Frame {
  start: number;
  result?: unknown;
  children: Frame[];
}

export interface FastDocument {
  value: unknown;
  /** The offset where the node at `path` starts, as spec/source.ts's index has it; undefined when absent. */
  offsetOf(path: DocPath): number | undefined;
}

/** Read `text` with js-yaml, or undefined when the `yaml` package must (see above). */
export function readPlainYaml(text: string, maxDepth: number): FastDocument | undefined {
  if (NOT_PLAIN.test(text)) return undefined;
  const stack: Frame[] = [{ start: 0, children: [] }];
  let plain = true;
  let value: unknown;
  try {
    value = jsyaml.load(text, {
      schema: CORE_SCHEMA,
      listener(event, state) {
        if (event === "open") {
          stack.push({ start: state.position, children: [] });
          // Paths count collections only; the stack also holds keys and the doubled events below.
          if (stack.length > 2 * maxDepth + 8) plain = false;
          return;
        }
        const frame = stack.pop()!;
        frame.result = state.result;
        // js-yaml composes a sequence entry or an explicit key twice, nested: keep the inner event.
        const only = frame.children.length === 1 ? frame.children[0]! : undefined;
        const node = only && only.result === frame.result ? only : frame;
        if (node === frame && !eventsMatch(frame)) plain = false;
        stack[stack.length - 1]!.children.push(node);
      },
    });
  } catch {
    return undefined;
  }
  const root = stack[0]!.children;
  if (!plain || value === undefined || root.length !== 1) return undefined;
  if (depthOf(root[0]!) > maxDepth) return undefined;
  return { value, offsetOf: (path) => offsetOf(root[0]!, path, text) };
}

/** Whether a collection has one event per item (two per pair), and its keys are scalars: else no index. */
function eventsMatch(frame: Frame): boolean {
  const v = frame.result;
  if (v === null || typeof v !== "object") return true;
  if (Array.isArray(v)) return frame.children.length === v.length;
  let pairs = 0;
  for (const k in v) if (Object.hasOwn(v, k)) pairs++;
  if (frame.children.length !== 2 * pairs) return false;
  for (let i = 0; i < frame.children.length; i += 2) {
    const k = frame.children[i]!.result;
    if (typeof k !== "string" && typeof k !== "number" && typeof k !== "boolean") return false;
  }
  return true;
}

/** Collections nested in the deepest path (the `yaml` package's depth limit counts these). */
function depthOf(top: Frame): number {
  let max = 0;
  const work: [Frame, number][] = [[top, 0]];
  while (work.length) {
    const [f, d] = work.pop()!;
    if (f.result === null || typeof f.result !== "object") continue;
    max = Math.max(max, d + 1);
    const step = Array.isArray(f.result) ? 1 : 2;
    for (let i = step - 1; i < f.children.length; i += step) work.push([f.children[i]!, d + 1]);
  }
  return max;
}

/** Skip blanks and comments: where the `yaml` package says a node starts. */
function contentStart(text: string, at: number): number {
  let i = at;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text[i] !== "#") return i;
    while (i < text.length && text[i] !== "\n") i++;
  }
}

/**
 * Where spec/source.ts's index puts `path`: a sequence item at the item, a property at its key unless its value
 * is a collection (then at the collection's start).
 */
function offsetOf(root: Frame, path: DocPath, text: string): number | undefined {
  let frame = root;
  let at = root.start;
  for (const step of path) {
    const v = frame.result;
    if (v === null || typeof v !== "object") return undefined;
    const kids = frame.children;
    if (Array.isArray(v)) {
      const item = typeof step === "number" ? kids[step] : undefined;
      if (!item) return undefined;
      frame = item;
      at = item.start;
      continue;
    }
    let found: Frame | undefined;
    for (let i = 0; i < kids.length && !found; i += 2) {
      if (String(kids[i]!.result) !== String(step)) continue;
      const val = kids[i + 1]!;
      found = val;
      at = val.result !== null && typeof val.result === "object" ? val.start : kids[i]!.start;
    }
    if (!found) return undefined;
    frame = found;
  }
  return contentStart(text, at);
}
