/*
 * Completion for spec text from the spec's JSON Schema (spec/schema.json): at a key, the properties the schema
 * allows there that the mapping does not have yet; at a value, the schema's enum, const and boolean values,
 * and for the C-type slots (a member's `type:`, a command's `arg:`, a pointer's `to:`) the scalar type names
 * and the document's own structs, unions and C enums.  No DOM: the page's CodeMirror glue
 * (web/page/completion.ts) and the Node tests call the same function.
 */
import { SCALAR_NAMES } from "../core/scalars.js";
import { blockEntries, locateCursor, type YamlPath } from "./yaml-cursor.js";

/** The part of JSON Schema (draft-07) spec/schema.json uses. */
export interface JsonSchema {
  $ref?: string;
  description?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema | JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  required?: string[];
  definitions?: Record<string, JsonSchema>;
}

export interface SpecCompletion {
  label: string;
  /** The text that replaces the completed range. */
  apply: string;
  kind: "key" | "value" | "type";
  /** The schema's description of the property or value. */
  info?: string;
  /** A property the mapping must have. */
  required?: boolean;
}

export interface SpecCompletions {
  /** The range a chosen option replaces. */
  from: number;
  to: number;
  place: "key" | "value";
  /** Path of the mapping (at a key) or of the value being completed. */
  path: YamlPath;
  options: SpecCompletion[];
}

/** A schema node after `$ref`, with the definition it came from (where a slot's meaning depends on it). */
interface Resolved {
  node: JsonSchema;
  definition?: string;
}

/** Value slots that hold a C type, a flag set's name or an enumeration's name: schema definition -> keys. */
const TYPE_SLOTS: Record<string, readonly string[]> = {
  FieldSpec: ["type"],
  SyscallArgSpec: ["type"],
  CommandSpec: ["arg"],
  UserPointerSemantics: ["to"],
};
const FLAG_SET_SLOTS: Record<string, readonly string[]> = { FieldSpec: ["flags"], SyscallArgSpec: ["flags"] };
const ENUM_SLOTS: Record<string, readonly string[]> = { FieldSpec: ["enum"], SyscallArgSpec: ["enum"] };

/** Every alternative a node stands for: `$ref` followed, `anyOf`/`oneOf`/`allOf` opened (cycles cut). */
function alternatives(root: JsonSchema, node: JsonSchema, definition?: string, seen = new Set<JsonSchema>()) {
  const out: Resolved[] = [];
  if (seen.has(node)) return out;
  seen.add(node);
  if (node.$ref) {
    const name = /^#\/definitions\/(.+)$/.exec(node.$ref)?.[1];
    const target = name === undefined ? undefined : root.definitions?.[decodeURIComponent(name)];
    if (target) out.push(...alternatives(root, target, name, seen));
  } else {
    out.push({ node, definition });
  }
  for (const sub of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])])
    out.push(...alternatives(root, sub, undefined, seen));
  return out;
}

/** The schema nodes that may describe the value at `path`, each with its alternatives opened. */
export function schemasAt(root: JsonSchema, path: YamlPath): Resolved[] {
  let here = alternatives(root, root);
  for (const step of path) {
    const next: JsonSchema[] = [];
    for (const { node } of here) {
      if (typeof step === "string") {
        const p = node.properties && Object.hasOwn(node.properties, step) ? node.properties[step] : undefined;
        if (p) next.push(p);
        else if (typeof node.additionalProperties === "object") next.push(node.additionalProperties);
      } else if (Array.isArray(node.items)) {
        if (node.items[step]) next.push(node.items[step]);
      } else if (node.items) {
        next.push(node.items);
      }
    }
    here = next.flatMap((n) => alternatives(root, n));
  }
  return here;
}

const isScalarType = (t: string) => t !== "object" && t !== "array";

/** How a property's key is written so that typing can go on at its value. */
function keyText(root: JsonSchema, name: string, property: JsonSchema, column: number, flow: boolean): string {
  if (flow) return `${name}: `;
  const alts = alternatives(root, property).map((a) => a.node);
  const types = alts.flatMap((n) => (n.type === undefined ? [] : [n.type].flat()));
  const scalar = alts.some((n) => n.enum || n.const !== undefined) || types.some(isScalarType) || !types.length;
  if (scalar) return `${name}: `;
  const indent = " ".repeat(column + 2);
  return types.every((t) => t === "array") ? `${name}:\n${indent}- ` : `${name}:\n${indent}`;
}

function keyOptions(root: JsonSchema, at: Resolved[], present: ReadonlySet<string>, column: number, flow: boolean) {
  const options = new Map<string, SpecCompletion>();
  for (const { node } of at) {
    for (const [name, property] of Object.entries(node.properties ?? {})) {
      if (present.has(name) || options.has(name)) continue;
      const info =
        property.description ?? alternatives(root, property).find((a) => a.node.description)?.node.description;
      options.set(name, {
        label: name,
        apply: keyText(root, name, property, column, flow),
        kind: "key",
        ...(info ? { info } : {}),
        ...(node.required?.includes(name) ? { required: true } : {}),
      });
    }
  }
  return [...options.values()];
}

/** The names a document declares, per interface, for the slots that name them. */
interface DeclaredNames {
  types: string[];
  flagSets: string[];
  enums: string[];
}

/** The keys that declare and qualify a struct, an enumeration or a flag set. */
const DECLARING_KEYS = new Set(["name", "kind", "emit"]);

let lastNames: { text: string; names: DeclaredNames[] } | undefined;

/** A struct, enumeration or flag set item: `interfaces[i].<list>[j]`. */
const isDeclaration = (path: YamlPath) =>
  path.length === 4 && path[0] === "interfaces" && typeof path[1] === "number" && typeof path[3] === "number";

/**
 * Read from the lines as the cursor is (web/yaml-cursor.ts): a half-typed document still declares most of its
 * names, and a parser would refuse it, or take a tenth of a second on a large spec at every key typed.
 */
function declaredNames(text: string): DeclaredNames[] {
  if (lastNames?.text === text) return lastNames.names;
  const { values, anchors, aliases } = blockEntries(text, DECLARING_KEYS);
  const items = new Map<string, { path: YamlPath; keys: Map<string, string> }>();
  const itemAt = (path: YamlPath) => {
    const id = JSON.stringify(path);
    if (!items.has(id)) items.set(id, { path, keys: new Map() });
    return items.get(id)!;
  };
  for (const { path, key, value } of values) if (isDeclaration(path)) itemAt(path).keys.set(key, value);
  // An alias (`- *rfc_struct_iovec`) declares again what its anchored item, list or interface holds.
  for (const alias of aliases) {
    const target = anchors.get(alias.anchor);
    if (!target) continue;
    for (const item of [...items.values()]) {
      const path = [...alias.path, ...item.path.slice(target.length)];
      if (!target.every((step, i) => item.path[i] === step) || !isDeclaration(path)) continue;
      const copy = itemAt(path);
      for (const [k, v] of item.keys) copy.keys.set(k, v);
    }
  }
  const names: DeclaredNames[] = [];
  for (const { path, keys } of items.values()) {
    const [, iface, list] = path;
    const name = keys.get("name");
    if (!name) continue;
    const d = (names[iface as number] ??= { types: [], flagSets: [], enums: [] });
    if (list === "structs") d.types.push(`${keys.get("kind") === "union" ? "union" : "struct"} ${name}`);
    if (list === "enums" && keys.get("emit") === "enum") d.types.push(`enum ${name}`);
    if (list === "enums") d.enums.push(name);
    if (list === "flags") d.flagSets.push(name);
  }
  lastNames = { text, names };
  return names;
}

function valueOptions(root: JsonSchema, text: string, path: YamlPath): SpecCompletion[] {
  const options = new Map<string, SpecCompletion>();
  const add = (label: string, kind: SpecCompletion["kind"], info?: string) => {
    if (!options.has(label)) options.set(label, { label, apply: label, kind, ...(info ? { info } : {}) });
  };
  for (const { node } of schemasAt(root, path)) {
    for (const v of node.enum ?? []) if (typeof v !== "object") add(String(v), "value", node.description);
    if (node.const !== undefined && typeof node.const !== "object") add(String(node.const), "value");
    if ([node.type].flat().includes("boolean")) for (const b of ["true", "false"]) add(b, "value");
  }
  const key = path[path.length - 1];
  if (typeof key !== "string") return [...options.values()];
  const parents = schemasAt(root, path.slice(0, -1)).map((r) => r.definition);
  const slot = (table: Record<string, readonly string[]>) => parents.some((d) => d && table[d]?.includes(key));
  const inInterface = path[0] === "interfaces" && typeof path[1] === "number" ? path[1] : undefined;
  const declared = () => {
    const all = declaredNames(text);
    return (inInterface === undefined ? all : [all[inInterface]]).filter((d) => d !== undefined);
  };
  if (slot(TYPE_SLOTS)) {
    for (const t of declared().flatMap((d) => d.types)) add(t, "type");
    for (const t of SCALAR_NAMES) add(t, "type");
  }
  if (slot(FLAG_SET_SLOTS)) for (const f of declared().flatMap((d) => d.flagSets)) add(f, "value");
  if (slot(ENUM_SLOTS)) for (const e of declared().flatMap((d) => d.enums)) add(e, "value");
  return [...options.values()];
}

/** What may be typed at `offset` in spec text; undefined where the schema has nothing to offer. */
export function completeSpec(schema: JsonSchema, text: string, offset: number): SpecCompletions | undefined {
  const place = locateCursor(text, offset);
  if (!place) return undefined;
  const { from, to, path } = place;
  if (place.place === "value") {
    const options = valueOptions(schema, text, path);
    return options.length ? { from, to, place: "value", path, options } : undefined;
  }
  const present = new Set(place.present);
  const keys = keyOptions(schema, schemasAt(schema, path), present, place.column, place.flow);
  const options = place.hasColon ? keys.map((k) => ({ ...k, apply: k.label })) : keys;
  if (place.orItem) options.push(...valueOptions(schema, text, path));
  return options.length ? { from, to, place: "key", path, options } : undefined;
}
