/*
 * Small builders of JavaScript source text shared by the codec body emitters
 * and the module wrappers: literals, member access, member paths for
 * messages, byte runs, and the pool of module-level constants.
 */
import { INHERITED_KEYS } from "../runtime/objects.js";

export const hex = (n: number | bigint) => `0x${n.toString(16)}`;
export const big = (n: bigint) => (n < 0n ? `-${hex(-n)}n` : `${hex(n)}n`);
/** `base + off`, or `base` alone at offset 0. */
export const at = (base: string, off: number) => (off === 0 ? base : `${base} + ${off}`);

/**
 * Reading member `key` of the object in `obj`.  A key that ordinary objects
 * inherit (`constructor`, `toString`, `__proto__`, ...) is read as an own
 * property only, so a missing member is `undefined`, never Object.prototype's.
 */
export const member = (obj: string, key: string) =>
  INHERITED_KEYS.has(key) ? `$rt.own(${obj}, ${JSON.stringify(key)})` : `${obj}[${JSON.stringify(key)}]`;

/** A property in an object literal: `__proto__` must be computed, or the literal would set the prototype. */
export const literalKey = (key: string) => (key === "__proto__" ? `[${JSON.stringify(key)}]` : JSON.stringify(key));

/** The path of a member as a JS expression; each "[]" marker takes the next loop index. */
export function pathExpr(path: string, indices: string[]): string {
  const [head, ...rest] = path.split("[]");
  const terms = [JSON.stringify(head)];
  rest.forEach((part, i) => {
    terms.push(`"["`, indices[i] ?? "0", `"]"`);
    if (part) terms.push(JSON.stringify(part));
  });
  return terms.join(" + ");
}

/** A member's offset within the struct as a JS expression, given its offset from `base` (`o` is the struct's). */
export const offExpr = (base: string, off: number) => (base === "o" ? String(off) : `${at(base, off)} - o`);

/** A byte run as the widest naturally-sized pieces (4, 2, 1): [offset, size] pairs. */
export function splitRun(off: number, len: number): [number, number][] {
  const out: [number, number][] = [];
  let i = off;
  const end = off + len;
  while (i < end) {
    const size = end - i >= 4 ? 4 : end - i >= 2 ? 2 : 1;
    out.push([i, size]);
    i += size;
  }
  return out;
}

export const indented = (lines: string[], by: string) => lines.map((l) => `${by}${l}`);

/** Module-level constants the bodies refer to (Sets for long enum lists, padding and zeroing tables). */
export class Consts {
  readonly lines: string[] = [];
  private readonly byInit = new Map<string, string>();
  add(init: string): string {
    let name = this.byInit.get(init);
    if (!name) {
      name = `$k${this.byInit.size}`;
      this.byInit.set(init, name);
      this.lines.push(`const ${name} = ${init};`);
    }
    return name;
  }
}
