/*
 * One generated module, written once and rendered as TypeScript, as plain JavaScript or as its declaration file,
 * so the three cannot drift apart.  Code is written through a switch that keeps its type syntax for TypeScript and
 * drops it for JavaScript; the declaration file keeps the type declarations and each export with its declared type,
 * and no code.
 */

/** What one module can become: TypeScript, JavaScript, or the JavaScript's declarations. */
export type Flavour = "ts" | "js" | "d.ts";

/**
 * Each flavour's file extension.  The JavaScript is `.mjs` (its declarations `.d.mts`) so Node loads it as an ES
 * module in any project: `npm init` writes `"type": "commonjs"`, under which a `.js` with `import` fails.
 */
export const FLAVOUR_EXTENSION: Record<Flavour, string> = { ts: ".ts", js: ".mjs", "d.ts": ".d.mts" };

/** How a module of each flavour imports a sibling module: TypeScript's `.js` finds the `.ts`; the others the `.mjs`. */
export const SIBLING_EXTENSION: Record<Flavour, string> = { ts: ".js", js: ".mjs", "d.ts": ".mjs" };

/** `typed(": T")` in code: the text in TypeScript, nothing in JavaScript. */
export type Typed = (typeSyntax: string) => string;

const KEEP: Typed = (text) => text;
const DROP: Typed = () => "";

type Part =
  /** Comments, imports and re-exports: in every flavour; `write` is given the flavour's sibling extension. */
  | { kind: "text"; write: (siblingExtension: string) => string }
  /** Type declarations (interfaces): TypeScript and the declaration file. */
  | { kind: "types"; text: string }
  /** Module-private code: TypeScript and JavaScript. */
  | { kind: "code"; write: (typed: Typed) => string }
  /** `export const name: type = init`: everywhere, as `export declare const name: type` in the declaration file. */
  | { kind: "export"; doc: string; name: string; type: string; init: (typed: Typed) => string };

export class ModuleText {
  private readonly parts: Part[] = [];

  /** Text every flavour carries; a function of the extension that names a sibling module (`./x.js`, `./x.mjs`). */
  text(text: string | ((siblingExtension: string) => string)): this {
    this.parts.push({ kind: "text", write: typeof text === "string" ? () => text : text });
    return this;
  }

  /** Type declarations, left out of the JavaScript. */
  types(text: string): this {
    this.parts.push({ kind: "types", text });
    return this;
  }

  /** Code that exports nothing, left out of the declaration file; `write` spells its types with `typed`. */
  code(write: (typed: Typed) => string): this {
    this.parts.push({ kind: "code", write });
    return this;
  }

  /** An exported constant with its declared type; `doc` is a comment line above it (or ""). */
  exportConst(doc: string, name: string, type: string, init: (typed: Typed) => string): this {
    this.parts.push({ kind: "export", doc, name, type, init });
    return this;
  }

  /** The module in one flavour: its parts in order, separated by a blank line. */
  render(flavour: Flavour): string {
    const blocks: string[] = [];
    for (const p of this.parts) {
      const block = renderPart(p, flavour);
      if (block !== undefined) blocks.push(block);
    }
    return `${blocks.join("\n\n")}\n`;
  }
}

function renderPart(p: Part, flavour: Flavour): string | undefined {
  const typed = flavour === "ts" ? KEEP : DROP;
  switch (p.kind) {
    case "text":
      return p.write(SIBLING_EXTENSION[flavour]);
    case "types":
      return flavour === "js" ? undefined : p.text;
    case "code":
      return flavour === "d.ts" ? undefined : p.write(typed);
    case "export": {
      const doc = p.doc ? `${p.doc}\n` : "";
      if (flavour === "d.ts") return `${doc}export declare const ${p.name}: ${p.type};`;
      return `${doc}export const ${p.name}${typed(`: ${p.type}`)} = ${p.init(typed)};`;
    }
  }
}
