/*
 * A small DOM builder for the page.  Text always goes in as text nodes and attributes through setAttribute:
 * spec names and docs are hostile input, so nothing here parses HTML.
 */
export type Attrs = Record<string, string | number | boolean | undefined | null>;
export type Child = Node | string | number | null | undefined | false;

/** `<tag attrs>children</tag>`; `false`/`null`/`undefined` attributes and children are left out. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  children: Child | readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    // Handlers are attached with addEventListener: an on* attribute would be an inline script under the CSP.
    if (/^on/i.test(name)) throw new Error(`el(): event handler attribute ${name}`);
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

export function append(parent: Node, children: Child | readonly Child[]): void {
  for (const c of Array.isArray(children) ? children : [children])
    if (c !== null && c !== undefined && c !== false) parent.appendChild(typeof c === "object" ? c : text(String(c)));
}

export const text = (s: string): Text => document.createTextNode(s);

/** A table's head row: one column header per name. */
export const columnHeads = (...names: string[]): HTMLElement =>
  el(
    "thead",
    {},
    el(
      "tr",
      {},
      names.map((n) => el("th", { scope: "col" }, n)),
    ),
  );

/** Prose from the checks, where `backticks` mark code (spec fragments, C): those parts become <code>. */
export function prose(s: string): Child[] {
  const parts = s.split("`");
  // An unpaired backtick is shown as it is.
  if (parts.length % 2 === 0) return [s];
  return parts.map((p, i) => (i % 2 ? el("code", {}, p) : p)).filter((p) => p !== "");
}

/** Make `parent`'s children exactly `wanted`, moving only the nodes that are out of place. */
export function syncChildren(parent: Node, wanted: readonly Node[]): void {
  let cur = parent.firstChild;
  for (const n of wanted) {
    if (n === cur) cur = cur.nextSibling;
    else parent.insertBefore(n, cur);
  }
  while (cur) {
    const next = cur.nextSibling;
    parent.removeChild(cur);
    cur = next;
  }
}

/**
 * Nodes rendered from data, kept between renders under a key that captures everything they show: an item
 * whose key is unchanged gets its old node back, so an edit rebuilds only what it changed.
 */
export class NodeCache<T> {
  private nodes = new Map<string, HTMLElement>();

  constructor(private readonly render: (item: T) => HTMLElement) {}

  take(items: readonly T[], keyOf: (item: T) => string): HTMLElement[] {
    const next = new Map<string, HTMLElement>();
    const seen = new Map<string, number>();
    const out = items.map((item) => {
      const base = keyOf(item);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      const key = n ? `${base}\u0000${n}` : base;
      const node = this.nodes.get(key) ?? this.render(item);
      next.set(key, node);
      return node;
    });
    this.nodes = next;
    return out;
  }
}

/** Set a node's text only when it changes (a live region would announce a rewrite of the same words). */
export function setText(node: Node, s: string): void {
  if (node.textContent !== s) node.textContent = s;
}
