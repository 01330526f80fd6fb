/*
 * The resolved model: a validated spec document with every type expression
 * turned into a CType, every struct reference bound to its definition, and
 * every path kept so findings can point back at the spec.
 */
import type { DocPath, Loc, SpecError } from "./diagnostic.js";
import { scalarByName, SCALAR_NAMES, type ScalarInfo } from "./scalars.js";
import type {
  CommandSpec,
  ConstantSpec,
  EnumSpec,
  FieldSpec,
  FlagSetSpec,
  InlineComposite,
  InterfaceSpec,
  SpecDocument,
  StructSpec,
} from "../spec/types.js";

export type CType =
  | { kind: "scalar"; scalar: ScalarInfo }
  | { kind: "pointer"; target: string }
  | { kind: "enum"; name: string; spec: EnumSpec }
  | { kind: "record"; record: RecordType }
  | { kind: "array"; element: CType; length: number | "flexible" };

export interface FieldModel {
  name?: string;
  type: CType;
  bits?: number;
  aligned?: number;
  packed: boolean;
  /** For a user pointer carried in an integer: the pointed-to element type. */
  pointee?: CType;
  spec: FieldSpec;
  path: DocPath;
}

export interface RecordType {
  kind: "struct" | "union";
  /** The C tag; undefined for an anonymous inline struct/union. */
  tag?: string;
  fields: FieldModel[];
  aligned?: number;
  packed: boolean;
  external?: { header: string };
  doc?: string;
  inline: boolean;
  path: DocPath;
  spec: StructSpec | InlineComposite;
  /** Where paths in this record's spec are (set by the resolver; lets the layout engine report located errors). */
  locate?: (path: DocPath) => Loc;
}

/** How deep inline (anonymous) structs/unions may nest inside one another. */
export const MAX_INLINE_DEPTH = 64;

export interface CommandModel {
  spec: CommandSpec;
  path: DocPath;
  /** The ioctl type byte. */
  magic: number;
  /** The argument type encoded in the request number. */
  arg?: CType;
}

export interface InterfaceModel {
  spec: InterfaceSpec;
  path: DocPath;
  /** Named structs and unions in declaration order. */
  records: RecordType[];
  commands: CommandModel[];
  enums: Map<string, EnumSpec>;
  flagSets: Map<string, FlagSetSpec>;
  constants: Map<string, ConstantSpec>;
}

export interface SpecModel {
  file: string;
  doc: SpecDocument;
  interfaces: InterfaceModel[];
  locate(path: DocPath): Loc;
}

/** "struct foo" / "union foo" / "struct <anonymous>" */
export function recordName(r: RecordType): string {
  return `${r.kind} ${r.tag ?? "<anonymous>"}`;
}

/** How a CType is spelled in C (without the declarator). */
export function typeName(t: CType): string {
  switch (t.kind) {
    case "scalar":
      return t.scalar.name;
    case "pointer":
      return `${t.target} *`;
    case "enum":
      return `enum ${t.name}`;
    case "record":
      return recordName(t.record);
    case "array":
      return `${typeName(t.element)}[${t.length === "flexible" ? "" : t.length}]`;
  }
}

/** Parse a C integer spelled in a spec ("0x96", "-1", "'i'"); undefined when it is not a plain integer. */
export function parseInteger(v: number | string): bigint | undefined {
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : undefined;
  const s = v.trim();
  const ch = /^'(.)'$/.exec(s);
  if (ch) return BigInt(ch[1]!.charCodeAt(0));
  const m = /^(-)?(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)[uUlL]*$/i.exec(s);
  if (!m) return undefined;
  const body = m[2]!;
  const n = body.length > 1 && body.startsWith("0") && !/^0x/i.test(body) ? BigInt("0o" + body.slice(1)) : BigInt(body);
  return m[1] ? -n : n;
}

/**
 * Work left for "did you mean" suggestions in this resolution, in edit-distance
 * cells: thousands of misspelt names against thousands of structs must not
 * take minutes, so past the budget errors simply carry no suggestion.
 */
let suggestionBudget = 0;
const SUGGESTION_BUDGET = 20_000_000;

function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  const limit = Math.max(2, name.length / 3);
  for (const c of candidates) {
    // A length difference alone past the limit rules a candidate out (the distance is at least that).
    if (Math.abs(c.length - name.length) > limit) continue;
    suggestionBudget -= (name.length + 1) * (c.length + 1);
    if (suggestionBudget < 0) return undefined;
    const d = editDistance(name, c);
    if (d < bestScore) {
      bestScore = d;
      best = c;
    }
  }
  return bestScore <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** Resolve a validated, linted document.  Collects every error rather than stopping at the first. */
export function resolveDocument(
  file: string,
  doc: SpecDocument,
  locate: (p: DocPath) => Loc,
): { model?: SpecModel; errors: SpecError[] } {
  const errors: SpecError[] = [];
  suggestionBudget = SUGGESTION_BUDGET;
  const fail = (path: DocPath, message: string, hint: string) => errors.push({ loc: locate(path), message, hint });
  const interfaces = doc.interfaces.map((ifc, i) => resolveInterface(ifc, ["interfaces", i], fail, locate));
  if (errors.length > 0) return { errors };
  return { model: { file, doc, interfaces, locate }, errors };
}

type Fail = (path: DocPath, message: string, hint: string) => void;

function resolveInterface(spec: InterfaceSpec, path: DocPath, fail: Fail, locate: (p: DocPath) => Loc): InterfaceModel {
  const enums = new Map((spec.enums ?? []).map((e) => [e.name, e]));
  const flagSets = new Map((spec.flags ?? []).map((f) => [f.name, f]));
  const constants = new Map((spec.constants ?? []).map((c) => [c.name, c]));
  const byTag = new Map<string, RecordType>();
  const records: RecordType[] = [];

  // Declare every named record first so references may point forward.
  (spec.structs ?? []).forEach((s, i) => {
    const r: RecordType = {
      kind: s.kind ?? "struct",
      tag: s.name,
      fields: [],
      aligned: s.aligned,
      packed: s.packed ?? false,
      external: s.external,
      doc: s.doc,
      inline: false,
      path: [...path, "structs", i],
      spec: s,
      locate,
    };
    byTag.set(s.name, r);
    records.push(r);
  });

  let typeCandidates: string[] | undefined;
  const resolveExpr = (expr: string, at: DocPath): CType | undefined => {
    const text = expr.trim().replace(/\s+/g, " ");
    if (text.endsWith("*")) {
      const target = text.slice(0, -1).trim();
      // The pointed-to type with every '*' removed: checked once, without recursing per '*'.
      const base = target.replace(/[\s*]+$/, "");
      if (base !== "void" && !resolveExpr(base, at)) return undefined;
      return { kind: "pointer", target };
    }
    const composite = /^(struct|union|enum) ([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
    if (composite) {
      const [, kw, name] = composite as unknown as [string, "struct" | "union" | "enum", string];
      if (kw === "enum") {
        const e = enums.get(name);
        if (!e) {
          fail(
            at,
            `unknown type 'enum ${name}'`,
            `declare it under 'enums:' in this interface${hintFrom(name, enums.keys())}`,
          );
          return undefined;
        }
        return { kind: "enum", name, spec: e };
      }
      const r = byTag.get(name);
      if (!r) {
        fail(
          at,
          `unknown type '${kw} ${name}'`,
          `declare it under 'structs:' in this interface${hintFrom(name, byTag.keys())}`,
        );
        return undefined;
      }
      if (r.kind !== kw) {
        fail(at, `'${name}' is a ${r.kind}, not a ${kw}`, `write '${r.kind} ${name}'`);
        return undefined;
      }
      return { kind: "record", record: r };
    }
    const scalar = scalarByName(text);
    if (scalar) return { kind: "scalar", scalar };
    const guess = closest(text, (typeCandidates ??= [...SCALAR_NAMES, ...[...byTag.keys()].map((t) => `struct ${t}`)]));
    fail(
      at,
      `unknown type '${expr}'`,
      guess
        ? `did you mean '${guess}'?`
        : `use a kernel type such as __u32/__u64, a C type, 'struct NAME' or 'enum NAME'`,
    );
    return undefined;
  };

  const resolveFields = (fields: FieldSpec[], at: DocPath, kind: "struct" | "union", depth: number): FieldModel[] =>
    fields.flatMap((f, i) => {
      const fp = [...at, i];
      let base: CType | undefined;
      if (typeof f.type === "string") base = resolveExpr(f.type, [...fp, "type"]);
      else {
        if (depth >= MAX_INLINE_DEPTH) {
          fail(
            [...fp, "type"],
            `inline ${f.type.kind}s nest deeper than ${MAX_INLINE_DEPTH} levels here`,
            "declare the inner ones as named structs under 'structs:' and refer to them as 'struct NAME'",
          );
          return [];
        }
        const r: RecordType = {
          kind: f.type.kind,
          tag: f.type.tag,
          fields: [],
          aligned: f.type.aligned,
          packed: f.type.packed ?? false,
          doc: f.type.doc,
          inline: true,
          path: [...fp, "type"],
          spec: f.type,
          locate,
        };
        r.fields = resolveFields(f.type.fields, [...fp, "type", "fields"], f.type.kind, depth + 1);
        base = { kind: "record", record: r };
      }
      if (!base) return [];
      if (f.bits !== undefined) {
        const integral = base.kind === "enum" || (base.kind === "scalar" && base.scalar.integer);
        if (!integral || f.array !== undefined) {
          fail(
            [...fp, "bits"],
            `a bit-field needs an integer type, not '${typeName(base)}'${f.array !== undefined ? " array" : ""}`,
            "use an integer type such as __u32, or drop 'bits:'",
          );
          return [];
        }
        const width =
          base.kind === "scalar" && base.scalar.fixedSize
            ? base.scalar.fixedSize * 8
            : base.kind === "scalar" && base.scalar.cls === "llong"
              ? 64
              : 32;
        if (
          f.bits > width &&
          !(base.kind === "scalar" && ["long", "char", "short", "bool"].includes(base.scalar.cls) && f.bits <= 64)
        ) {
          fail(
            [...fp, "bits"],
            `bit-field width ${f.bits} exceeds its type's ${width} bits`,
            `use at most ${width} bits or a wider type`,
          );
          return [];
        }
        if (f.bits === 0 && f.name) {
          fail([...fp, "bits"], `a zero-width bit-field cannot have a name`, "remove 'name:' or give it a width");
          return [];
        }
      }
      if (f.aligned !== undefined && (f.aligned & (f.aligned - 1)) !== 0)
        fail([...fp, "aligned"], `aligned(${f.aligned}) is not a power of two`, "use 1, 2, 4, 8, 16, ...");
      if (f.array === "flexible" && (i !== fields.length - 1 || kind === "union"))
        fail(
          [...fp, "array"],
          "a flexible array member must be the last member of a struct",
          "move it to the end, or give it a fixed length",
        );
      if (!f.name && f.bits === undefined && !(base.kind === "record" && typeof f.type !== "string"))
        fail(fp, "only anonymous structs/unions and unnamed bit-fields may leave out 'name'", "add 'name:'");
      const type: CType = f.array !== undefined ? { kind: "array", element: base, length: f.array } : base;
      const pointee = f.pointer ? resolveExpr(f.pointer.to, [...fp, "pointer", "to"]) : undefined;
      return [
        { name: f.name, type, bits: f.bits, aligned: f.aligned, packed: f.packed ?? false, pointee, spec: f, path: fp },
      ];
    });

  records.forEach((r) => {
    const s = r.spec as StructSpec;
    if (s.aligned !== undefined && (s.aligned & (s.aligned - 1)) !== 0)
      fail([...r.path, "aligned"], `aligned(${s.aligned}) is not a power of two`, "use 1, 2, 4, 8, 16, ...");
    r.fields = resolveFields(s.fields, [...r.path, "fields"], r.kind, 0);
  });

  checkRecursion(records, fail);
  checkReferences(records, enums, flagSets, fail);

  const commands: CommandModel[] = (spec.commands ?? []).flatMap((c, i) => {
    const cp = [...path, "commands", i];
    const magic = resolveMagic(c.magic, constants);
    if (magic === undefined) {
      fail(
        [...cp, "magic"],
        `ioctl magic '${c.magic}' is not a number, a character or a declared constant`,
        "use a number 0..255, a one-character string such as \"i\", or the name of a constant under 'constants:'",
      );
      return [];
    }
    if (magic < 0 || magic > 255) {
      fail([...cp, "magic"], `ioctl magic ${magic} does not fit in 8 bits`, "use a value from 0 to 255");
      return [];
    }
    let arg: CType | undefined;
    if (c.arg !== undefined) {
      arg = resolveExpr(c.arg, [...cp, "arg"]);
      if (!arg) return [];
    }
    return [{ spec: c, path: cp, magic, arg }];
  });

  return { spec, path, records, commands, enums, flagSets, constants };
}

function hintFrom(name: string, names: Iterable<string>): string {
  const g = closest(name, names);
  return g ? ` (did you mean '${g}'?)` : "";
}

function resolveMagic(magic: number | string, constants: Map<string, ConstantSpec>): number | undefined {
  if (typeof magic === "number") return Number.isInteger(magic) ? magic : undefined;
  if (magic.length === 1) return magic.charCodeAt(0);
  const c = constants.get(magic);
  const v = c ? parseInteger(String(c.value).replace(/^\((.*)\)$/, "$1")) : parseInteger(magic);
  return v === undefined ? undefined : Number(v);
}

/** The named records a record contains by value (through arrays and inline records), in field order. */
function containedNamed(r: RecordType): RecordType[] {
  const out: RecordType[] = [];
  const walk = (fields: FieldModel[]) => {
    for (const f of fields) {
      let t = f.type;
      while (t.kind === "array") t = t.element;
      if (t.kind === "record") {
        if (t.record.inline)
          walk(t.record.fields); // depth bounded by MAX_INLINE_DEPTH
        else out.push(t.record);
      }
    }
  };
  walk(r.fields);
  return out;
}

/** "struct a -> struct b -> struct a", with the middle of a very long cycle left out. */
function cycleText(cycle: RecordType[]): string {
  const names =
    cycle.length <= 16
      ? cycle.map(recordName)
      : [...cycle.slice(0, 8).map(recordName), `... (${cycle.length - 16} more)`, ...cycle.slice(-8).map(recordName)];
  return names.join(" -> ");
}

/** Recursion errors reported per interface before the rest are left out. */
const MAX_CYCLE_ERRORS = 20;

/**
 * A struct may not contain itself by value, directly or through others.
 * Depth-first over the containment graph with an explicit stack, so a chain
 * of 10,000 structs each containing the previous one costs no call stack.
 */
function checkRecursion(records: RecordType[], fail: Fail): void {
  const state = new Map<RecordType, "visiting" | "done">();
  const onStack = new Map<RecordType, number>();
  const stack: { r: RecordType; deps: RecordType[]; i: number }[] = [];
  let reported = 0;
  for (const root of records) {
    if (state.has(root)) continue;
    state.set(root, "visiting");
    onStack.set(root, 0);
    stack.push({ r: root, deps: containedNamed(root), i: 0 });
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.i < top.deps.length) {
        const c = top.deps[top.i++]!;
        const st = state.get(c);
        if (st === "done") continue;
        if (st === "visiting") {
          if (reported++ < MAX_CYCLE_ERRORS) {
            const cycle = [...stack.slice(onStack.get(c)!).map((x) => x.r), c];
            fail(
              c.path,
              `recursive struct definition: ${cycleText(cycle)}`,
              "a struct cannot contain itself by value; refer to it through a user pointer (__u64 with 'pointer:')",
            );
          }
          continue;
        }
        state.set(c, "visiting");
        onStack.set(c, stack.length);
        stack.push({ r: c, deps: containedNamed(c), i: 0 });
      } else {
        state.set(top.r, "done");
        onStack.delete(top.r);
        stack.pop();
      }
    }
  }
}

function checkReferences(
  records: RecordType[],
  enums: Map<string, EnumSpec>,
  flagSets: Map<string, FlagSetSpec>,
  fail: Fail,
): void {
  const walk = (fields: FieldModel[]) => {
    const siblings = new Set(fields.map((f) => f.name).filter(Boolean));
    for (const f of fields) {
      const s = f.spec;
      if (s.flags && !flagSets.has(s.flags))
        fail(
          [...f.path, "flags"],
          `unknown flag set '${s.flags}'`,
          `declare it under 'flags:'${hintFrom(s.flags, flagSets.keys())}`,
        );
      if (s.enum && !enums.has(s.enum))
        fail(
          [...f.path, "enum"],
          `unknown enumeration '${s.enum}'`,
          `declare it under 'enums:'${hintFrom(s.enum, enums.keys())}`,
        );
      if (s.pointer?.count && !siblings.has(s.pointer.count))
        fail(
          [...f.path, "pointer", "count"],
          `count field '${s.pointer.count}' is not a member of the same struct`,
          "name the sibling field that holds the element count",
        );
      if (f.type.kind === "record" && f.type.record.inline) walk(f.type.record.fields);
    }
  };
  records.forEach((r) => walk(r.fields));
}
