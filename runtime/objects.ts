/*
 * Objects keyed by names that come from a spec (struct tags, member names,
 * command names) must not meet Object.prototype: a member called
 * `__proto__` would set the prototype instead of a property, and one called
 * `constructor` or `toString` would read an inherited function where the
 * member is missing.  The generated code reads such keys with `own` and
 * builds its exported maps with `table`.
 */

/**
 * Own property `key` of `obj`, or undefined (never an inherited one).
 * Typed `any` like any other member read of generated code.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function own(obj: unknown, key: string): any {
  return Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/**
 * `entries` itself (pass a fresh object literal), frozen and without a
 * prototype, so a lookup by a name such as "constructor" finds nothing
 * inherited.  Made by dropping the prototype of the literal rather than by
 * filling `Object.create(null)`: V8 keeps such a literal's fast properties,
 * while an object created without a prototype starts in slow dictionary
 * mode.  A `__proto__` entry must be written as a computed key
 * (`["__proto__"]: x`), which defines a property instead of the prototype.
 */
export function table<T extends object>(entries: T): T {
  return Object.freeze(Object.setPrototypeOf(entries, null) as T);
}

/** Keys that an ordinary object inherits: a member of one of these names must be read with `own`. */
export const INHERITED_KEYS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));
