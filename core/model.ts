/*
 * The resolved model: a validated spec document with every type expression
 * turned into a CType, every struct reference bound to its definition, and
 * every path kept so findings can point back at the spec.
 */
import type { DocPath, Loc, SpecError } from "./diagnostic.js";
import { scalarByName, SCALAR_NAMES, type ScalarInfo } from "./scalars.js";
import { parseExpr, sizeofTypes, type Expr, type ExprProblem, type ExprScope } from "./const-expr.js";
import type {
  AbiCondition,
  ArrayDimension,
  CommandSpec,
  ConstantSpec,
  EnumSpec,
  FieldSpec,
  FlagSetSpec,
  Flow,
  InlineComposite,
  InterfaceSpec,
  SpecDocument,
  StructSpec,
  SyscallArgSpec,
  SyscallSpec,
} from "../spec/types.js";

export type CType =
  | { kind: "scalar"; scalar: ScalarInfo }
  /** `target`: the pointed-to type as written, qualifiers included ("const char", "struct foo"). */
  | { kind: "pointer"; target: string }
  | { kind: "enum"; name: string; spec: EnumSpec }
  | { kind: "record"; record: RecordType }
  /** A multi-dimensional array is an array of arrays, outermost first (`x[2][3]`: 2 arrays of 3). */
  | { kind: "array"; element: CType; length: ArrayLength };

/**
 * An array's length: a number (0 is GNU C's zero-length array), a flexible array member, or a constant
 * expression whose value may differ per ABI (core/layout.ts `arrayLength` evaluates it).
 */
export type ArrayLength = number | "flexible" | LengthExpr;

export interface LengthExpr {
  kind: "expr";
  /** The expression as written (whitespace runs made one space): the header spells it so. */
  text: string;
  expr: Expr;
  /** Named records it takes the size of, directly or through constants: laid out and declared first. */
  records: RecordType[];
  /** Where it is written, for errors found when it is evaluated on an ABI. */
  path: DocPath;
  loc: Loc;
}

export interface FieldModel {
  name?: string;
  type: CType;
  /** `const`/`volatile` on the member itself ("const", "volatile", "const volatile"): spelled, never laid out. */
  qualifiers?: string;
  bits?: number;
  /** `aligned` on every ABI; alignedWhen: only where its condition holds (core/abi-condition.ts alignedOn). */
  aligned?: number;
  alignedWhen?: { value: number; when: AbiCondition };
  /** `packed` on every ABI; packedWhen: only where its condition holds (core/abi-condition.ts packedOn). */
  packed: boolean;
  packedWhen?: AbiCondition;
  /** The member exists only on the ABIs where this holds. */
  when?: AbiCondition;
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
  alignedWhen?: { value: number; when: AbiCondition };
  packed: boolean;
  packedWhen?: AbiCondition;
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

/** One argument of a declared syscall. */
export interface SyscallArgModel {
  name: string;
  type: CType;
  /** The type as written, blanks made single spaces (`loff_t`, `const char *`): the prototypes spell it so. */
  spelled: string;
  spec: SyscallArgSpec;
  path: DocPath;
}

/** A syscall declared under `syscalls:`. */
export interface SyscallDecl {
  spec: SyscallSpec;
  path: DocPath;
  args: SyscallArgModel[];
}

/**
 * Names syscall prototypes use for kernel typedefs (include/linux/types.h); a spec's arguments may use them,
 * and they take the typedef's size on each ABI.
 */
export const SYSCALL_TYPE_ALIASES: Readonly<Record<string, string>> = {
  loff_t: "__kernel_loff_t",
  pid_t: "__kernel_pid_t",
  off_t: "__kernel_off_t",
  uid_t: "__kernel_uid32_t",
  gid_t: "__kernel_gid32_t",
  umode_t: "unsigned short",
  u8: "__u8",
  u16: "__u16",
  u32: "__u32",
  u64: "__u64",
  s32: "__s32",
  s64: "__s64",
};

/** A prototype's type text with those names as the uapi typedefs they are (`loff_t *` -> `__kernel_loff_t *`). */
export function withTypedefNames(text: string): string {
  return text.replace(/\b[a-z0-9_]+\b/g, (w) =>
    Object.hasOwn(SYSCALL_TYPE_ALIASES, w) ? SYSCALL_TYPE_ALIASES[w]! : w,
  );
}

export interface InterfaceModel {
  spec: InterfaceSpec;
  path: DocPath;
  /** Named structs and unions in declaration order. */
  records: RecordType[];
  commands: CommandModel[];
  syscalls: SyscallDecl[];
  /** The ioctl type byte for commands derived from syscalls: `magic:`, else the one all commands share. */
  magic?: number;
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

/**
 * A member's data flow for one command: the command's `flow:` map at the member's path (`msg.type`), else the
 * member's own `flow:`, else the flow inherited from its parent.  Own entries only: a member named `constructor`
 * must not find Object.prototype's.
 */
export function memberFlowFor(cmd: CommandModel, f: FieldModel, path: string, inherited?: Flow): Flow | undefined {
  const map = cmd.spec.flow;
  const mapped = f.name !== undefined && map && Object.hasOwn(map, path) ? map[path] : undefined;
  return mapped ?? f.spec.flow ?? inherited;
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
      return pointerText(t.target);
    case "enum":
      return `enum ${t.name}`;
    case "record":
      return recordName(t.record);
    case "array": {
      const { element, dims } = arrayDims(t);
      return `${typeName(element)}${dims.map((d) => `[${lengthText(d)}]`).join("")}`;
    }
  }
}

/** A pointer to `target` as C spells it: `char *`, `const void *const *`, `struct foo **`. */
export function pointerText(target: string): string {
  return target.endsWith("*") ? `${target}*` : `${target} *`;
}

/** An array type's innermost element and its dimensions, outermost first (the order C declares them in). */
export function arrayDims(t: CType): { element: CType; dims: ArrayLength[] } {
  const dims: ArrayLength[] = [];
  while (t.kind === "array") {
    dims.push(t.length);
    t = t.element;
  }
  return { element: t, dims };
}

/** A length as written between brackets: the number, nothing for a flexible array, or the expression's text. */
export function lengthText(len: ArrayLength): string {
  return len === "flexible" ? "" : typeof len === "number" ? String(len) : len.text;
}

/** A type expression without its `const`/`volatile` ("const __u32" -> "__u32"); C lays the two out alike. */
export function withoutQualifiers(text: string): string {
  return text
    .replace(/\b(?:const|volatile)\b/g, " ")
    .trim()
    .replace(/\s+/g, " ");
}

/** The type without its arrays. */
export function elementType(t: CType): CType {
  while (t.kind === "array") t = t.element;
  return t;
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
      ...attributesOf(s),
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
  /** A struct, union, enum or scalar named without qualifiers or '*'. */
  const resolveBase = (text: string, written: string): CType | ExprProblem => {
    const composite = /^(struct|union|enum) ([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
    if (composite) {
      const [, kw, name] = composite as unknown as [string, "struct" | "union" | "enum", string];
      if (kw === "enum") {
        const e = enums.get(name);
        if (!e)
          return {
            message: `unknown type 'enum ${name}'`,
            hint: `declare it under 'enums:' in this interface${hintFrom(name, enums.keys())}`,
          };
        return { kind: "enum", name, spec: e };
      }
      const r = byTag.get(name);
      if (!r)
        return {
          message: `unknown type '${kw} ${name}'`,
          hint: `declare it under 'structs:' in this interface${hintFrom(name, byTag.keys())}`,
        };
      if (r.kind !== kw) return { message: `'${name}' is a ${r.kind}, not a ${kw}`, hint: `write '${r.kind} ${name}'` };
      return { kind: "record", record: r };
    }
    const scalar = scalarByName(text);
    if (scalar) return { kind: "scalar", scalar };
    const guess = closest(text, (typeCandidates ??= [...SCALAR_NAMES, ...[...byTag.keys()].map((t) => `struct ${t}`)]));
    return {
      message: `unknown type '${written}'`,
      hint: guess
        ? `did you mean '${guess}'?`
        : `use a kernel type such as __u32/__u64, a C type, 'struct NAME' or 'enum NAME'`,
    };
  };

  /**
   * A type expression: `const`/`volatile` where C allows them, any number of '*'.  The pointed-to type of a
   * pointer may be a struct or union the spec does not declare (an incomplete type, as C allows); its
   * qualifiers stay in the pointer's target text, the member's own ones are returned apart.
   */
  const resolveType = (expr: string): { type: CType; qualifiers?: string } | ExprProblem => {
    const written = expr.trim().replace(/\s+/g, " ");
    const segments = written
      .replace(/\*/g, " * ")
      .trim()
      .split(/\s+/)
      .reduce<string[][]>((acc, w) => (w === "*" ? [...acc, []] : (acc[acc.length - 1]!.push(w), acc)), [[]]);
    const unknown = { message: `unknown type '${written}'`, hint: "write a type as in C, e.g. 'const char *'" };
    if (segments.slice(1).some((seg) => seg.some((w) => !QUALIFIERS.has(w)))) return unknown;
    const base = segments[0]!.filter((w) => !QUALIFIERS.has(w)).join(" ");
    if (!base) return unknown;
    const own = qualifierText(segments[segments.length - 1]!);
    if (segments.length === 1) {
      const t = resolveBase(base, written);
      return "kind" in t ? { type: t, ...(own ? { qualifiers: own } : {}) } : t;
    }
    const target = segments
      .slice(0, -1)
      .map((seg, k) => (k === 0 ? normalSegment(seg) : `*${qualifierText(seg)}`))
      .join(" ");
    const incomplete = /^(struct|union) ([A-Za-z_][A-Za-z0-9_]*)$/.exec(base);
    if (incomplete && !byTag.has(incomplete[2]!)) {
      if (enums.has(incomplete[2]!))
        return {
          message: `'${incomplete[2]}' is an enum, not a ${incomplete[1]}`,
          hint: "C has one namespace for tags: rename one of them",
        };
    } else if (base !== "void") {
      const t = resolveBase(base, written);
      if (!("kind" in t)) return t;
    }
    return { type: { kind: "pointer", target }, ...(own ? { qualifiers: own } : {}) };
  };
  const resolveExpr = (expr: string, at: DocPath): CType | undefined => {
    const r = resolveType(expr);
    if ("type" in r) return r.type;
    fail(at, r.message, r.hint);
    return undefined;
  };

  // Constants as array lengths: parsed on first use, each once; a cycle or a chain too long is a problem.
  const constantExprs = new Map<string, Expr | ExprProblem>();
  const parsing = new Set<string>();
  const scope: ExprScope = {
    constant(name) {
      const c = constants.get(name);
      if (!c) return undefined;
      const hit = constantExprs.get(name);
      if (hit) return hit;
      if (parsing.has(name))
        return { message: `constant '${name}' is defined in terms of itself`, hint: "break the cycle of constants" };
      if (parsing.size >= MAX_CONSTANT_CHAIN)
        return {
          message: `constants refer to constants more than ${MAX_CONSTANT_CHAIN} deep here`,
          hint: "write some of them as numbers",
        };
      parsing.add(name);
      const e = constantExpr(c, scope);
      parsing.delete(name);
      constantExprs.set(name, e);
      return e;
    },
    type(text) {
      const r = resolveType(text);
      return "type" in r ? r.type : r;
    },
  };

  const resolveLength = (dim: ArrayDimension, at: DocPath): ArrayLength | undefined => {
    if (typeof dim === "number" || dim === "flexible") return dim;
    const text = dim.trim().replace(/\s+/g, " ");
    const e = parseExpr(text, scope);
    if (!("k" in e)) {
      const where = e.at === undefined ? "" : ` (at character ${e.at + 1})`;
      fail(at, `array length '${text}': ${e.message}${where}`, e.hint);
      return undefined;
    }
    const records = sizeofTypes(e).flatMap((t) => (t.kind === "record" && !t.record.inline ? [t.record] : []));
    return { kind: "expr", text, expr: e, records: [...new Set(records)], path: at, loc: locate(at) };
  };

  const resolveFields = (fields: FieldSpec[], at: DocPath, kind: "struct" | "union", depth: number): FieldModel[] =>
    fields.flatMap((f, i) => {
      const fp = [...at, i];
      let base: CType | undefined;
      let qualifiers: string | undefined;
      if (typeof f.type === "string") {
        const r = resolveType(f.type);
        if ("type" in r) ({ type: base, qualifiers } = r);
        else fail([...fp, "type"], r.message, r.hint);
      } else {
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
          ...attributesOf(f.type),
          doc: f.type.doc,
          inline: true,
          path: [...fp, "type"],
          spec: f.type,
          locate,
        };
        checkAligned(f.type.aligned, [...fp, "type", "aligned"], fail);
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
      checkAligned(f.aligned, [...fp, "aligned"], fail);
      if (!f.name && f.bits === undefined && !(base.kind === "record" && typeof f.type !== "string"))
        fail(fp, "only anonymous structs/unions and unnamed bit-fields may leave out 'name'", "add 'name:'");
      else if (!f.name && f.array !== undefined)
        fail([...fp, "array"], "an anonymous struct or union member cannot be an array", "add 'name:'");
      let type: CType = base;
      if (f.array !== undefined) {
        const dims = Array.isArray(f.array) ? f.array : [f.array];
        const lengths: ArrayLength[] = [];
        dims.forEach((d, k) => {
          const dp = Array.isArray(f.array) ? [...fp, "array", k] : [...fp, "array"];
          if (d === "flexible" && k > 0)
            fail(dp, "only the first dimension of an array can be flexible", "give this dimension a length");
          else if (d === "flexible" && (i !== fields.length - 1 || kind === "union"))
            fail(
              dp,
              "a flexible array member must be the last member of a struct",
              "move it to the end, or give it a fixed length",
            );
          const len = resolveLength(d, dp);
          if (len !== undefined) lengths.push(len);
        });
        if (lengths.length !== dims.length) return [];
        for (const len of lengths.reverse()) type = { kind: "array", element: type, length: len };
      }
      const pointee = f.pointer ? resolveExpr(f.pointer.to, [...fp, "pointer", "to"]) : undefined;
      return [
        {
          name: f.name,
          type,
          ...(qualifiers ? { qualifiers } : {}),
          bits: f.bits,
          ...attributesOf(f),
          ...(f.when ? { when: f.when } : {}),
          pointee,
          spec: f,
          path: fp,
        },
      ];
    });

  records.forEach((r) => {
    const s = r.spec as StructSpec;
    checkAligned(s.aligned, [...r.path, "aligned"], fail);
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

  const syscalls: SyscallDecl[] = (spec.syscalls ?? []).map((sc, i) => {
    const sp = [...path, "syscalls", i];
    const args = sc.args.flatMap((a, k): SyscallArgModel[] => {
      const ap = [...sp, "args", k];
      const spelled = a.type.trim().replace(/\s+/g, " ");
      const type = resolveExpr(withTypedefNames(spelled), [...ap, "type"]);
      return type ? [{ name: a.name, type, spelled, spec: a, path: ap }] : [];
    });
    return { spec: sc, path: sp, args };
  });

  let magic: number | undefined;
  if (spec.magic !== undefined) {
    magic = resolveMagic(spec.magic, constants);
    if (magic === undefined || magic < 0 || magic > 255) {
      fail(
        [...path, "magic"],
        `ioctl magic '${spec.magic}' is not a number 0..255, a character or a declared constant`,
        "use a number 0..255, a one-character string such as \"i\", or the name of a constant under 'constants:'",
      );
      magic = undefined;
    }
  } else if (commands.length && commands.every((c) => c.magic === commands[0]!.magic)) {
    magic = commands[0]!.magic;
  }

  return {
    spec,
    path,
    records,
    commands,
    syscalls,
    ...(magic !== undefined ? { magic } : {}),
    enums,
    flagSets,
    constants,
  };
}

const QUALIFIERS = new Set(["const", "volatile"]);

/** Qualifiers in C's usual order, once each ("const volatile"), or "" for none. */
function qualifierText(words: readonly string[]): string {
  return ["const", "volatile"].filter((q) => words.includes(q)).join(" ");
}

/** One level of a type written with '*'s: its qualifiers first, once each ("char const" -> "const char"). */
function normalSegment(words: readonly string[]): string {
  const q = qualifierText(words);
  const rest = words.filter((w) => !QUALIFIERS.has(w)).join(" ");
  return q && rest ? `${q} ${rest}` : q || rest;
}

/** How many constants deep a length may look through other constants. */
const MAX_CONSTANT_CHAIN = 64;

/** A constant's value as an expression, or why it cannot be one. */
function constantExpr(c: ConstantSpec, scope: ExprScope): Expr | ExprProblem {
  if (typeof c.value === "number") {
    if (!Number.isSafeInteger(c.value))
      return { message: `constant '${c.name}' is not an exact integer`, hint: "write it as an integer" };
    const lit: Expr = {
      k: "int",
      value: BigInt(Math.abs(c.value)),
      suffix: { unsigned: false, longs: 0 },
      decimal: true,
    };
    return c.value < 0 ? { k: "unary", op: "-", a: lit } : lit;
  }
  const e = parseExpr(c.value, scope);
  // The header defines the constant as written, and C substitutes the text: `#define N 2 + 2` makes `N * 3` 8.
  // A binary operator at the top must be in parentheses for the expression to mean what its parse does.
  if ("k" in e && e.k === "binary" && !parenthesized(c.value))
    return {
      message:
        `constant '${c.name}' = '${c.value.trim()}' is not in parentheses, ` +
        "so C reads it differently inside a length",
      hint: `write it as '(${c.value.trim()})'`,
    };
  if ("k" in e) return e;
  return {
    message:
      `constant '${c.name}' = '${c.value.trim()}' is no integer constant expression this tool reads: ` + e.message,
    hint: e.hint,
  };
}

/** Whether the whole of `text` is one parenthesised expression: "(a + b)", not "(a) + (b)". */
function parenthesized(text: string): boolean {
  const t = text.trim();
  if (!t.startsWith("(")) return false;
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === "(") depth++;
    else if (t[i] === ")" && --depth === 0) return i === t.length - 1;
  }
  return false;
}

/** The model's packed/aligned attributes of a spec's struct, inline record or member. */
function attributesOf(s: {
  packed?: boolean | { when: AbiCondition };
  aligned?: number | { value: number; when: AbiCondition };
}): Pick<FieldModel, "packed" | "packedWhen" | "aligned" | "alignedWhen"> {
  return {
    packed: s.packed === true,
    ...(typeof s.packed === "object" ? { packedWhen: s.packed.when } : {}),
    ...(typeof s.aligned === "number" ? { aligned: s.aligned } : {}),
    ...(typeof s.aligned === "object" ? { alignedWhen: { value: s.aligned.value, when: s.aligned.when } } : {}),
  };
}

function checkAligned(aligned: number | { value: number } | undefined, at: DocPath, fail: Fail): void {
  const n = typeof aligned === "object" ? aligned.value : aligned;
  if (n !== undefined && (n & (n - 1)) !== 0)
    fail(
      typeof aligned === "object" ? [...at, "value"] : at,
      `aligned(${n}) is not a power of two`,
      "use 1, 2, 4, 8, 16, ...",
    );
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

/**
 * The named records a record contains by value (through arrays and inline records), and those its array
 * lengths take the size of: C needs each complete first, so none may lead back to the record.
 */
function containedNamed(r: RecordType): RecordType[] {
  const out: RecordType[] = [];
  const walk = (fields: FieldModel[]) => {
    for (const f of fields) {
      let t = f.type;
      while (t.kind === "array") {
        if (typeof t.length === "object") out.push(...t.length.records);
        t = t.element;
      }
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
