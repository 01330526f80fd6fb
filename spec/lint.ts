/*
 * Rules a schema cannot express, applied at load time so that every string
 * of a spec that reaches generated C, C++ or TypeScript is known to be safe
 * there; spec/c-names.ts holds the tables, this module is the one place that
 * applies them.  Two passes:
 *
 * - lintDocument, on the validated document:
 *   - every name is a C identifier that is no C or C++ keyword, no macro a
 *     compiler predefines (`linux`, `unix`), not reserved (`__x`, `_X`; `_x`
 *     at file scope), no kernel type name, and no name the headers our files
 *     include (or the generators themselves) already use;
 *   - C's one tag namespace (struct, union and enum tags, inline tags at any
 *     depth) and one macro namespace hold each name once, and no macro name
 *     is used for anything else (it would be replaced everywhere); a special
 *     value is a macro too, with one value per name (lintSpecials);
 *   - every text is free of comment delimiters, trigraphs, control, bidi and
 *     invisible characters, and of newlines where it is emitted on one line;
 *   - include paths, errno names, type expressions, member paths, magics,
 *     constant expressions and array lengths have their strict forms;
 *     bit-fields fit their type on every ABI of the table where they exist
 *     (the header is one text for all of them);
 *   - a member name is used once per scope on every ABI (twice only under
 *     `when:` conditions that never hold together), and every condition holds
 *     on some ABI where its member exists.
 * - lintModel, on the resolved model: what only the derivation knows -- the
 *   syscall names and argument names of every command's shim, and the tags
 *   the shims give anonymous members.
 */
import type { DocPath, Loc, SpecError } from "../core/diagnostic.js";
import { layoutType, MAX_ARRAY_LENGTH } from "../core/layout.js";
import { parseInteger, withoutQualifiers, type CType, type InterfaceModel, type SpecModel } from "../core/model.js";
import {
  constantPerAbi,
  fitsForm,
  integerForms,
  specialUses,
  valuePerAbi,
  type IntegerForm,
  type SpecialUse,
} from "../core/special-values.js";
import { flagMaskName } from "../core/contract.js";
import { scalarByName } from "../core/scalars.js";
import { deriveForm } from "../syscall/derive.js";
import {
  C_KEYWORDS,
  CXX_KEYWORDS,
  ERRNO_NAME,
  FORBIDDEN_CHAR,
  GENERATED_NAMES,
  IDENTIFIER,
  INCLUDE_PATH,
  KERNEL_PADDING_MEMBER,
  KERNEL_TYPE_NAMES,
  LIBC_MACROS,
  MEMBER_PATH,
  PREDEFINED_MACROS,
  PRINTABLE_ASCII,
  RESERVED_ANYWHERE,
  RESERVED_FILE_SCOPE,
  SHIM_CALLS,
  SYSTEM_MACROS,
  SYSTEM_ORDINARY,
  SYSTEM_TAGS,
  SYSTEM_TYPEDEFS,
  TRIGRAPH,
  TYPE_EXPR,
} from "./c-names.js";
import type { AbiEntry, AbiId } from "./abi.js";
import { ABIS } from "./abis.js";
import type {
  AbiCondition,
  CommandSpec,
  EnumSpec,
  FieldSpec,
  InterfaceSpec,
  SpecDocument,
  StructSpec,
  SyscallArgSpec,
  SyscallSpec,
} from "./types.js";
import { conditionHolds, describeCondition } from "../core/abi-condition.js";

const C_KEYWORD_SET = new Set(C_KEYWORDS);
const CXX_KEYWORD_SET = new Set(CXX_KEYWORDS);

/**
 * Where a name ends up in C, which decides what it may not be:
 * - macro: a `#define` or an enumerator (constants, flag bits, masks, enum values, commands, special values);
 * - tag: a struct, union or enum tag;
 * - member: a struct or union member;
 * - param: an argument of a generated shim function;
 * - function: a shim function (a command's syscall name);
 * - plain: only in file names and comments (document and interface names).
 */
export type NameRole = "macro" | "tag" | "member" | "param" | "function" | "plain";

/** A document's `names:` policy (spec/types.ts): whether names reserved to the C implementation are accepted. */
export type NamePolicy = "strict" | "kernel";

/** Why `name` cannot be used as a `role`, or undefined when it can. */
export function nameProblem(
  name: string,
  role: NameRole,
  policy: NamePolicy = "strict",
): { message: string; hint: string } | undefined {
  const fileScope = role === "macro" || role === "tag" || role === "function";
  const reservedOk = policy === "kernel" && !name.startsWith("__uapi");
  if (!IDENTIFIER.test(name))
    return {
      message: "is not a valid C identifier",
      hint: "use letters, digits and '_' only, not starting with a digit",
    };
  if (C_KEYWORD_SET.has(name) || CXX_KEYWORD_SET.has(name))
    return {
      message: "is a C or C++ keyword",
      hint: `rename it (e.g. '${name}_'); uapi headers are compiled as C and C++`,
    };
  if (role === "plain") return undefined;
  const predefined = PREDEFINED_MACROS.get(name);
  if (predefined)
    return {
      message: `is a macro the compiler predefines (${predefined}), so it would become '1'`,
      hint: `rename it (e.g. '${name}_')`,
    };
  if (KERNEL_TYPE_NAMES.has(name) && (RESERVED_ANYWHERE.test(name) || role !== "member"))
    return { message: "is the name of a kernel type", hint: "choose a name of your own" };
  if (RESERVED_ANYWHERE.test(name) && !reservedOk && !(role === "member" && KERNEL_PADDING_MEMBER.test(name)))
    return {
      message: "is reserved to the compiler and C library (it starts with '__' or '_' and a capital letter)",
      hint:
        `drop the leading underscores (e.g. '${name.replace(/^_+/, "") || "x"}'); ` +
        "a spec of an existing kernel header's names says 'names: kernel'",
    };
  if (fileScope && RESERVED_FILE_SCOPE.test(name) && !reservedOk)
    return {
      message: "starts with '_', which is reserved at file scope",
      hint: `drop the leading underscore (e.g. '${name.replace(/^_+/, "") || "x"}')`,
    };
  const generated = GENERATED_NAMES.get(name);
  // The shims' macro is everywhere; `main` is special at file scope;
  // their locals and `fd` clash with macros (and locals with arguments).
  if (
    generated &&
    (name === "UAPI_SHIM_INLINE" ||
      role === "macro" ||
      (name === "main" ? role === "function" : name !== "fd" && role === "param"))
  )
    return { message: `is ${generated}`, hint: `rename it (e.g. '${name}_')` };
  const libc = LIBC_MACROS.get(name);
  if (libc)
    return {
      message: `is a macro of ${libc}, which users include next to a uapi header`,
      hint: `rename it (e.g. '${name}_')`,
    };
  const macro = SYSTEM_MACROS.get(name);
  // A function-like macro only replaces a name followed by '(': a macro's own name, or a function's.
  if (macro && (role === "macro" || role === "function" || !macro[0]))
    return {
      message: `is a macro of the system headers that ${macro[1]} include`,
      hint: `rename it (e.g. '${name}_'), or prefix it with the subsystem's name`,
    };
  const ordinary = SYSTEM_ORDINARY.get(name);
  if (ordinary && (role === "macro" || role === "function"))
    return {
      message: `is declared by the system headers that ${ordinary} include`,
      hint: `rename it, e.g. with the subsystem's prefix`,
    };
  if (role === "param" && SYSTEM_TYPEDEFS.has(name))
    return {
      message: "is a type name of the system headers the shims include, which an argument of that name would hide",
      hint: "rename the argument with syscall.rename",
    };
  if (role === "param" && SHIM_CALLS.includes(name))
    return {
      message: `would hide the function ${name}() the shim calls`,
      hint: `rename the argument with syscall.rename`,
    };
  return undefined;
}

/** Why text `v` cannot go into a generated file; `multiLine` when it is a paragraph text (docs). */
export function textProblem(v: string, multiLine: boolean): { message: string; hint: string } | undefined {
  if (v.includes("*/") || v.includes("/*"))
    return {
      message:
        `text contains '${v.includes("*/") ? "*/" : "/*"}', ` +
        "which would end or nest a C comment in the generated header",
      hint: "rephrase it, e.g. write '* /' or use words",
    };
  for (const ch of v) {
    if (ch === "\t" || (ch === "\n" && multiLine)) continue;
    if (ch === "\n" || ch === "\r")
      return {
        message: "text contains a line break, but it is written on one line of a generated file",
        hint: "write it on one line (in YAML a plain or quoted scalar, or '>-' for a folded block)",
      };
    if (FORBIDDEN_CHAR.test(ch))
      return {
        message: `text contains ${describeChar(ch)}`,
        hint: "remove it: generated files may not carry control, direction-changing or invisible characters",
      };
  }
  const tri = TRIGRAPH.exec(v);
  if (tri)
    return {
      message: `text contains the trigraph '${tri[0]}', which C90 compilers read as '${TRIGRAPH_MEANING[tri[0]![2]!]}'`,
      hint: "separate the question marks, e.g. '? ?'",
    };
  return undefined;
}

/** A spec string quoted for a message: line breaks, controls and invisible characters shown as escapes. */
export function show(v: string): string {
  const escaped = JSON.stringify(v).slice(1, -1).replace(/\\"/g, '"');
  const visible = escaped.replace(
    new RegExp(FORBIDDEN_CHAR.source, "gu"),
    (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`,
  );
  return `'${visible}'`;
}

const TRIGRAPH_MEANING: Record<string, string> = {
  "=": "#",
  "(": "[",
  "/": "\\",
  ")": "]",
  "'": "^",
  "<": "{",
  "!": "|",
  ">": "}",
  "-": "~",
};

function describeChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  if (cp === 0) return "a NUL character";
  if (
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069) ||
    cp === 0x200e ||
    cp === 0x200f ||
    cp === 0x061c
  )
    return `the bidirectional control character ${hex}`;
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return `the control character ${hex}`;
  if (cp >= 0xd800 && cp <= 0xdfff) return `a lone surrogate ${hex} (not valid UTF-8)`;
  if (cp === 0x2028 || cp === 0x2029) return `the line or paragraph separator ${hex}`;
  return `the invisible character ${hex}`;
}

/**
 * Texts that are paragraphs (wrapped into comments, newlines allowed):
 * the `doc` of everything but an errno, and fops `semantics`.
 */
function isParagraph(path: DocPath): boolean {
  const key = path[path.length - 1];
  if (key === "semantics") return true;
  if (key !== "doc") return false;
  return path[path.length - 3] !== "errors";
}

/**
 * A constant's C expression: numbers, identifiers, operators, parentheses, spaces and tabs, or printable char literals.
 */
const SAFE_EXPR = /^(?:[A-Za-z0-9_ \t()+\-*/%<>&|^~!?:,.]|'(?:[\x20-\x26\x28-\x5b\x5d-\x7e]|\\[0-7nrt\\'])')*$/;

type Fail = ((path: DocPath, message: string, hint: string) => void) & {
  /** Where a path is, for naming the other party of a clash: "line 12:9". */
  where(path: DocPath): string;
};

function failer(errors: SpecError[], locate: (p: DocPath) => Loc): Fail {
  const fail = (path: DocPath, message: string, hint: string) => {
    errors.push({ loc: locate(path), message, hint });
  };
  return Object.assign(fail, {
    where: (path: DocPath) => {
      const l = locate(path);
      return `line ${l.line}:${l.col}`;
    },
  });
}

/** `abis`: the ABIs a bit-field must fit on (the whole table unless a caller narrows it). */
export function lintDocument(
  doc: SpecDocument,
  locate: (p: DocPath) => Loc,
  abis: readonly AbiEntry[] = ABIS,
): SpecError[] {
  const errors: SpecError[] = [];
  const fail = failer(errors, locate);

  // Every string ends up in a C comment, a C token or a TypeScript literal.
  const walkStrings = (v: unknown, path: (string | number)[]) => {
    if (typeof v === "string") {
      const p = textProblem(v, isParagraph(path));
      if (p) fail(path, p.message, p.hint);
    } else if (Array.isArray(v)) v.forEach((x, i) => walkStrings(x, [...path, i]));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walkStrings(x, [...path, k]);
  };
  walkStrings(doc, []);

  const plain = (name: string, path: DocPath, what: string) => {
    const p = nameProblem(name, "plain");
    if (p) fail(path, `${what} ${show(name)} ${p.message}`, p.hint);
  };
  plain(doc.name, ["name"], "document name");
  const ifaceNames = new Map<string, DocPath>();
  const guards = new Map<string, { header: string; path: DocPath }>();
  doc.interfaces.forEach((ifc, i) => {
    const p: DocPath = ["interfaces", i];
    plain(ifc.name, [...p, "name"], "interface name");
    unique(ifaceNames, ifc.name, [...p, "name"], "interface", fail);
    if (!INCLUDE_PATH.test(ifc.header))
      fail(
        [...p, "header"],
        `header path ${show(ifc.header)} is not a plain relative path to a .h file`,
        "write it as below include/uapi, e.g. linux/foo.h (letters, digits, '_', '.', '+', '-' and single '/')",
      );
    else if (!ifc.variant) {
      // Headers of one document may be included together: their include guards must differ.
      const guard = ifc.header.toUpperCase().replace(/[^A-Z0-9]/g, "_");
      const seen = guards.get(guard);
      if (seen && seen.header !== ifc.header)
        fail(
          [...p, "header"],
          `header paths ${show(seen.header)} and ${show(ifc.header)} give the same include guard`,
          `rename one of them; the other is at ${fail.where(seen.path)}`,
        );
      else guards.set(guard, { header: ifc.header, path: [...p, "header"] });
    }
    if (ifc.variant !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(ifc.variant))
      fail(
        [...p, "variant"],
        `variant ${show(ifc.variant)} is not a plain name`,
        "use letters, digits, '-', '_' and '.'",
      );
    lintInterface(ifc, p, fail, abis, doc.names ?? "strict");
  });
  return errors;
}

function unique(seen: Map<string, DocPath>, name: string, path: DocPath, what: string, fail: Fail): void {
  if (seen.has(name))
    fail(
      path,
      `duplicate ${what} name ${show(name)}`,
      `rename one of them; the other is at ${fail.where(seen.get(name)!)}`,
    );
  else seen.set(name, path);
}

/** Every name an interface gives C, by namespace, with where it was written. */
interface Names {
  /** Macros and enumerators (one namespace after preprocessing). */
  macros: Map<string, DocPath>;
  /** struct, union and enum tags: C has one tag namespace. */
  tags: Map<string, { path: DocPath; what: string }>;
  /** Member names of emitted structs, any depth. */
  members: Map<string, DocPath>;
}

function lintInterface(
  ifc: InterfaceSpec,
  p: DocPath,
  fail: Fail,
  abis: readonly AbiEntry[],
  policy: NamePolicy,
): void {
  const names: Names = { macros: new Map(), tags: new Map(), members: new Map() };
  const bitField = bitFieldChecker(ifc, abis, fail);
  const sets = new Map<string, DocPath>();
  const check = (name: string | undefined, path: DocPath, role: NameRole, what: string) => {
    if (name === undefined) return false;
    const problem = nameProblem(name, role, policy);
    if (problem) fail(path, `${what} ${show(name)} ${problem.message}`, problem.hint);
    return !problem;
  };
  const macro = (name: string, path: DocPath, what: string) => {
    check(name, path, "macro", what);
    unique(names.macros, name, path, "constant", fail);
  };
  const tag = (name: string, path: DocPath, what: string, external: boolean) => {
    if (check(name, path, "tag", what) && !external) {
      const sys = SYSTEM_TAGS.get(name);
      if (sys)
        fail(
          path,
          `${what} ${show(name)} is already a tag of the system headers that ${sys} include`,
          `rename it, or declare it with 'external: {header: ...}' if it is that type`,
        );
    }
    const seen = names.tags.get(name);
    if (seen)
      fail(
        path,
        `${what} ${show(name)} is also the tag of the ${seen.what.replace(/ (name|tag)$/, "")} ` +
          `at ${fail.where(seen.path)}`,
        "C has one namespace for struct, union and enum tags (inline tags included): rename one of them",
      );
    else names.tags.set(name, { path, what });
  };

  (ifc.constants ?? []).forEach((c, i) => {
    const cp = [...p, "constants", i];
    macro(c.name, [...cp, "name"], "constant name");
    if (typeof c.value === "number" && (!Number.isFinite(c.value) || !Number.isSafeInteger(c.value)))
      fail(
        [...cp, "value"],
        `constant value ${c.value} is not an exact integer`,
        'write large values as a string, e.g. "0xffffffffffffffff"',
      );
    if (
      typeof c.value === "string" &&
      (!SAFE_EXPR.test(c.value) ||
        c.value.includes("//") ||
        c.value.trim() === "" ||
        !balanced(c.value) ||
        TRIGRAPH.test(c.value))
    )
      fail(
        [...cp, "value"],
        `constant value ${show(c.value)} is not a single-line C constant expression`,
        "use numbers, identifiers, operators and balanced parentheses only",
      );
  });
  (ifc.flags ?? []).forEach((f, i) => {
    const fp = [...p, "flags", i];
    check(f.name, [...fp, "name"], "plain", "flag set name");
    unique(sets, f.name, [...fp, "name"], "flag set or enum", fail);
    macro(flagMaskName(f), f.mask ? [...fp, "mask"] : [...fp, "name"], f.mask ? "mask name" : "mask (<NAME>_ALL)");
    const bits = new Map<number, string>();
    f.bits.forEach((b, j) => {
      macro(b.name, [...fp, "bits", j, "name"], "flag name");
      if (b.bit >= f.width)
        fail(
          [...fp, "bits", j, "bit"],
          `bit ${b.bit} does not fit in a ${f.width}-bit flags word`,
          `use a bit below ${f.width}, or widen the set`,
        );
      if (bits.has(b.bit))
        fail(
          [...fp, "bits", j, "bit"],
          `bit ${b.bit} is already used by ${bits.get(b.bit)}`,
          "give each flag its own bit",
        );
      bits.set(b.bit, b.name);
    });
  });
  (ifc.enums ?? []).forEach((e, i) => {
    const ep = [...p, "enums", i];
    unique(sets, e.name, [...ep, "name"], "flag set or enum", fail);
    // The header may emit any enum as `enum NAME { ... }`: its name is a tag.
    tag(e.name, [...ep, "name"], "enum name", false);
    e.values.forEach((v, j) => {
      macro(v.name, [...ep, "values", j, "name"], "enumerator name");
      checkValue(v.value, [...ep, "values", j, "value"], fail);
    });
  });
  (ifc.structs ?? []).forEach((s, i) => {
    const sp = [...p, "structs", i];
    const external = s.external !== undefined;
    tag(s.name, [...sp, "name"], `${s.kind ?? "struct"} name`, external);
    if (s.external && !INCLUDE_PATH.test(s.external.header))
      fail(
        [...sp, "external", "header"],
        `header path ${show(s.external.header)} is not a plain relative path to a .h file`,
        "write it as in #include <...>, e.g. linux/uio.h (letters, digits, '_', '.', '+', '-' and single '/')",
      );
    const on = new Set(ABIS.map((a) => a.id));
    attributeConditions(s, sp, on, fail);
    lintFields(s.fields, [...sp, "fields"], new Map(), s.name, external, names, check, tag, bitField, fail, on);
    if (s.extensible) {
      extensionContract(s, [...sp, "extensible"], fail);
      (s.extensible.versions ?? []).forEach((v, j) =>
        macro(v.name, [...sp, "extensible", "versions", j, "name"], "version size name"),
      );
    }
  });
  (ifc.commands ?? []).forEach((c, i) => {
    const cp = [...p, "commands", i];
    macro(c.name, [...cp, "name"], "command name");
    if (typeof c.magic === "number" && (!Number.isInteger(c.magic) || c.magic < 0 || c.magic > 255))
      fail([...cp, "magic"], `ioctl magic ${c.magic} does not fit in 8 bits`, "use a value from 0 to 255");
    if (
      typeof c.magic === "string" &&
      !(c.magic.length === 1 && PRINTABLE_ASCII.test(c.magic)) &&
      !IDENTIFIER.test(c.magic) &&
      !/^(0x[0-9a-f]+|[0-9]+)$/i.test(c.magic)
    )
      fail(
        [...cp, "magic"],
        `ioctl magic ${show(c.magic)} is not a printable character, a constant's name or a number`,
        'use a number 0..255, a one-character string such as "i", or the name of a constant',
      );
    if (c.arg !== undefined) typeExpr(c.arg, [...cp, "arg"], fail);
    lintCommandStrings(c, cp, fail);
  });
  const syscallNames = new Map<string, DocPath>();
  (ifc.syscalls ?? []).forEach((sc, i) => {
    const sp = [...p, "syscalls", i];
    // Only ever spelled inside generated names (sys_NAME, __NR_NAME, NAME_wrapper), never declared alone.
    check(sc.name, [...sp, "name"], "param", "syscall name");
    unique(syscallNames, sc.name, [...sp, "name"], "syscall", fail);
    lintSyscallArgs(sc, sp, ifc, check, fail);
    (sc.errors ?? []).forEach((e, k) => errno(e.errno, [...sp, "errors", k, "errno"], fail));
    if (sc.ioctl?.name !== undefined) macro(sc.ioctl.name, [...sp, "ioctl", "name"], "command name");
  });
  if (
    typeof ifc.magic === "string" &&
    !(ifc.magic.length === 1 && PRINTABLE_ASCII.test(ifc.magic)) &&
    !IDENTIFIER.test(ifc.magic)
  )
    fail(
      [...p, "magic"],
      `ioctl magic ${show(ifc.magic)} is not a printable character or a constant's name`,
      'use a number 0..255, a one-character string such as "i", or the name of a constant',
    );
  (ifc.devices ?? []).forEach((d, i) =>
    (d.fops ?? []).forEach((op, j) =>
      (op.errors ?? []).forEach((e, k) => errno(e.errno, [...p, "devices", i, "fops", j, "errors", k, "errno"], fail)),
    ),
  );

  lintSpecials(ifc, p, names, fail, abis);

  // A macro is replaced wherever its name appears: no tag (enums included) or member may share it.
  for (const [name, path] of names.macros) {
    const other = names.tags.get(name)?.path ?? names.members.get(name);
    if (other)
      fail(
        path,
        `${show(name)} is defined as a macro here ` +
          `and also names a ${names.tags.has(name) ? "tag" : "member"} at ${fail.where(other)}`,
        "the macro would replace that name in the header: rename one of them",
      );
  }
}

/** An extensible struct names the member that carries its size exactly when the size travels in a member. */
function extensionContract(s: StructSpec, path: DocPath, fail: Fail): void {
  const { size, member, versions } = s.extensible!;
  if (size === "none" && versions !== undefined)
    fail(
      [...path, "versions"],
      "a struct that never grows ('size: none') has no published versions",
      "leave out 'versions', or say how the caller's size travels ('size: member', 'argument' or 'ioctl')",
    );
  if (size !== "member") {
    if (member !== undefined)
      fail(
        [...path, "member"],
        `a size that travels ${size === "none" ? "nowhere" : `in the ${size}`} has no member`,
        "leave out 'member', or write 'size: member'",
      );
    return;
  }
  const field = s.fields.find((f) => f.name === member);
  if (member === undefined || !field || typeof field.type !== "string" || field.array !== undefined)
    fail(
      [...path, member === undefined ? "size" : "member"],
      member === undefined
        ? "'size: member' needs the member that holds the size"
        : `${show(member)} is not a top-level scalar member of ${s.name}`,
      "name the top-level integer member the caller sets to sizeof the struct, e.g. 'member: size'",
    );
}

function errno(name: string, path: DocPath, fail: Fail): void {
  if (!ERRNO_NAME.test(name))
    fail(
      path,
      `errno ${show(name)} is not an errno name`,
      "write it as in <errno.h>: E followed by capitals and digits, e.g. EINVAL",
    );
}

function typeExpr(text: string, path: DocPath, fail: Fail): void {
  if (!TYPE_EXPR.test(text))
    fail(
      path,
      `type ${show(text)} is not a C type expression`,
      "write a type as in C: __u32, unsigned long, struct NAME, enum NAME, void * " +
        "(letters, digits, '_', spaces and '*' only)",
    );
}

/** The strings of a command that name members, errnos or the syscall form. */
function lintCommandStrings(c: CommandSpec, cp: DocPath, fail: Fail): void {
  for (const key of Object.keys(c.flow ?? {})) {
    if (!MEMBER_PATH.test(key))
      fail(
        [...cp, "flow", key],
        `flow key ${show(key)} is not a member path`,
        "name a member of the argument, e.g. 'flags' or 'msg.type'",
      );
  }
  (c.errors ?? []).forEach((e, k) => errno(e.errno, [...cp, "errors", k, "errno"], fail));
  const s = c.syscall;
  if (!s) return;
  (s.order ?? []).forEach((o, k) => {
    if (!MEMBER_PATH.test(o))
      fail(
        [...cp, "syscall", "order", k],
        `syscall.order entry ${show(o)} is not a member name`,
        "list members of the argument by name ('fd' for the file descriptor)",
      );
  });
  for (const key of Object.keys(s.rename ?? {})) {
    if (!MEMBER_PATH.test(key))
      fail(
        [...cp, "syscall", "rename", key],
        `syscall.rename key ${show(key)} is not a member name`,
        "rename members by their name ('arg' for a scalar argument)",
      );
  }
  // syscall.name and the renamed arguments are checked on the derived form (lintModel).
}

/** A syscall's arguments: C names, unique, and every annotation naming an argument or set that exists. */
function lintSyscallArgs(
  sc: SyscallSpec,
  sp: DocPath,
  ifc: InterfaceSpec,
  check: (name: string, path: DocPath, role: NameRole, what: string) => boolean,
  fail: Fail,
): void {
  const argNames = new Map<string, DocPath>();
  const byName = new Map(sc.args.map((a) => [a.name, a]));
  const isPointer = (a: SyscallArgSpec) => a.type.includes("*");
  sc.args.forEach((a, k) => {
    const ap = [...sp, "args", k];
    check(a.name, [...ap, "name"], "param", "argument name");
    unique(argNames, a.name, [...ap, "name"], "argument", fail);
    typeExpr(a.type, [...ap, "type"], fail);
    if (a.pointer && !isPointer(a))
      fail(
        [...ap, "pointer"],
        `argument ${show(a.name)} is annotated as a pointer but its type ${show(a.type)} is not one`,
        "give it a pointer type such as 'const char *', or leave out 'pointer'",
      );
    const names: [string | undefined, DocPath, string][] = [
      [a.pointer?.count, [...ap, "pointer", "count"], "pointer.count"],
      [a.sizeOf, [...ap, "sizeOf"], "sizeOf"],
    ];
    for (const [ref, at, key] of names) {
      if (ref === undefined) continue;
      const target = byName.get(ref);
      if (!target || ref === a.name)
        fail(at, `${key} names ${show(ref)}, which is not another argument of ${sc.name}`, "name one of its arguments");
      else if (key === "sizeOf" && !isPointer(target))
        fail(
          at,
          `sizeOf names ${show(ref)}, which is not a pointer`,
          "name the pointer argument whose pointee it sizes",
        );
    }
    if (a.flags !== undefined && !(ifc.flags ?? []).some((f) => f.name === a.flags))
      fail([...ap, "flags"], `no flag set ${show(a.flags)} under 'flags:'`, "declare the set, or name one that exists");
    if (a.enum !== undefined && !(ifc.enums ?? []).some((e) => e.name === a.enum))
      fail([...ap, "enum"], `no enum ${show(a.enum)} under 'enums:'`, "declare the enum, or name one that exists");
  });
}

/** ABIs named in a message before the rest are only counted. */
const ABIS_SHOWN = 4;

function abiList(ids: readonly AbiId[]): string {
  return ids.length <= ABIS_SHOWN ? ids.join(", ") : `${ids.slice(0, ABIS_SHOWN).join(", ")}, ... (${ids.length} ABIs)`;
}

/**
 * The width in bits a bit-field of `type` may have on each ABI, grouped: width -> ABIs; undefined when
 * the type is no integer scalar and no enum of this interface (the resolver reports those).
 *
 * C11 6.7.2.1p4: the width "shall not exceed the width of an object of the type" the bit-field is
 * declared with.  Sizes come from the ABI table through the layout engine, so `long`, `size_t` and
 * `time_t` are 32 bits on the ILP32 ABIs and enums follow -fshort-enums where the table says so
 * (hexagon).  `_Bool` is 1 bit wide on every ABI: GCC and clang reject `_Bool x : 2` ("exceeds its
 * type" / "exceeds the width of its type (1 bit)").
 */
function bitFieldWidths(
  type: string,
  enums: ReadonlyMap<string, EnumSpec>,
  abis: readonly AbiEntry[],
): Map<number, AbiId[]> | undefined {
  const t = type.trim().replace(/\s+/g, " ");
  let ctype: CType | undefined;
  const e = /^enum ([A-Za-z_][A-Za-z0-9_]*)$/.exec(t);
  if (e) {
    const spec = enums.get(e[1]!);
    if (spec) ctype = { kind: "enum", name: e[1]!, spec };
  } else {
    const scalar = scalarByName(t);
    if (scalar?.integer) ctype = { kind: "scalar", scalar };
  }
  if (!ctype) return undefined;
  const widths = new Map<number, AbiId[]>();
  for (const abi of abis) {
    const bits = ctype.kind === "scalar" && ctype.scalar.cls === "bool" ? 1 : layoutType(ctype, abi).size * 8;
    const ids = widths.get(bits);
    if (ids) ids.push(abi.id);
    else widths.set(bits, [abi.id]);
  }
  return widths;
}

/** The fixed-width kernel types (unsigned, signed) that hold `bits` bits, or undefined past 64. */
function fixedWidthFor(bits: number): string | undefined {
  const n = [8, 16, 32, 64].find((w) => w >= bits);
  return n === undefined ? undefined : `__u${n} or __s${n}`;
}

/**
 * Checks that a bit-field's width fits its type on every ABI: the header is one text for all of them,
 * so a width that only LP64 ABIs accept (`long x : 40`) yields a header that does not compile on the
 * others.  Widths per type are computed once per interface.
 */
function bitFieldChecker(
  ifc: InterfaceSpec,
  abis: readonly AbiEntry[],
  fail: Fail,
): (f: FieldSpec, fp: DocPath, on: ReadonlySet<AbiId>) => void {
  const enums = new Map<string, EnumSpec>();
  for (const e of ifc.enums ?? []) if (!enums.has(e.name)) enums.set(e.name, e);
  const cache = new Map<string, Map<number, AbiId[]> | undefined>();
  return (f, fp, on) => {
    if (f.bits === undefined || typeof f.type !== "string") return;
    // Qualifiers do not change the width (C11 6.2.5p26: qualified types have the same representation).
    const key = withoutQualifiers(f.type);
    if (!cache.has(key)) cache.set(key, bitFieldWidths(key, enums, abis));
    const all = cache.get(key);
    if (!all) return;
    // A member under `when:` needs to fit only where it exists (`long x : 40` under `wordBits: 64`).
    const widths = new Map<number, AbiId[]>();
    for (const [w, ids] of all) {
      const here = ids.filter((id) => on.has(id));
      if (here.length) widths.set(w, here);
    }
    const present = abis.filter((a) => on.has(a.id)).length;
    const bits = f.bits;
    const tooNarrow = [...widths].filter(([w]) => w < bits).sort(([a], [b]) => a - b);
    if (!tooNarrow.length) return;
    const what = f.name !== undefined ? `bit-field ${show(f.name)}` : "an unnamed bit-field";
    // One clause per width, narrowest first; a width that holds on every ABI names none.
    const everywhere = tooNarrow.reduce((n, [, ids]) => n + ids.length, 0) === present;
    const clauses = tooNarrow.map(([w, ids], i) => {
      const rest = everywhere && i > 0 && i === tooNarrow.length - 1;
      const where = ids.length === present ? "" : rest ? " on every other ABI" : ` on ${abiList(ids)}`;
      return `${i === 0 ? `the ${w} bit${w === 1 ? "" : "s"} of ${show(key)}` : `its ${w} bits`}${where}`;
    });
    const narrowest = tooNarrow[0]![0];
    const fixed = fixedWidthFor(bits);
    const varies = widths.size > 1;
    const wider = fixed ? `, or use a fixed-width type that holds ${bits} bits on every ABI (${fixed})` : "";
    const keepEnum = fixed && key.startsWith("enum ") ? ` with 'enum: ${key.slice(5)}' to keep the values named` : "";
    fail(
      [...fp, "bits"],
      `${what} is ${bits} bit${bits === 1 ? "" : "s"} wide, which exceeds ${clauses.join(" and ")}` +
        (varies ? "; the one header must compile on every ABI" : ""),
      `narrow it to at most ${narrowest} bit${narrowest === 1 ? "" : "s"}${wider}${keepEnum}`,
    );
  };
}

function lintFields(
  fields: FieldSpec[],
  p: DocPath,
  scope: MemberScope,
  enclosingTag: string | undefined,
  external: boolean,
  names: Names,
  check: (n: string | undefined, p: DocPath, role: NameRole, w: string) => boolean,
  tag: (name: string, path: DocPath, what: string, external: boolean) => void,
  bitField: (f: FieldSpec, fp: DocPath, on: ReadonlySet<AbiId>) => void,
  fail: Fail,
  enclosingOn: ReadonlySet<AbiId>,
  anonymous = false,
): void {
  fields.forEach((f, i) => {
    const fp = [...p, i];
    const on = f.when ? condition(f.when, [...fp, "when"], enclosingOn, "the member", fail) : enclosingOn;
    attributeConditions(f, fp, on, fail);
    if (typeof f.type !== "string") attributeConditions(f.type, [...fp, "type"], on, fail);
    if (f.name !== undefined) {
      check(f.name, [...fp, "name"], "member", "field name");
      uniqueMember(scope, f.name, [...fp, "name"], on, fail);
      if (!external && !names.members.has(f.name)) names.members.set(f.name, [...fp, "name"]);
      // C++: a member of an anonymous struct or union may not carry the name of the enclosing class.
      if (anonymous && f.name === enclosingTag)
        fail(
          [...fp, "name"],
          `field ${show(f.name)} of an anonymous member has the name of its enclosing struct`,
          "C++ rejects that: rename the field",
        );
    }
    // The header defines the specials of emitted structs as macros; lintSpecials checks them as a whole.
    const specialRole = external ? "plain" : "macro";
    (f.special ?? []).forEach((v, j) => {
      check(v.name, [...fp, "special", j, "name"], specialRole, "special value name");
      checkValue(v.value, [...fp, "special", j, "value"], fail);
    });
    if (typeof f.fd === "object")
      (f.fd.special ?? []).forEach((v, j) => {
        check(v.name, [...fp, "fd", "special", j, "name"], specialRole, "special fd name");
        checkValue(v.value, [...fp, "fd", "special", j, "value"], fail);
      });
    if (f.array !== undefined) arrayDimensions(f.array, [...fp, "array"], fail);
    if (f.pointer) {
      typeExpr(f.pointer.to, [...fp, "pointer", "to"], fail);
      if (f.pointer.count !== undefined && !IDENTIFIER.test(f.pointer.count))
        fail(
          [...fp, "pointer", "count"],
          `count field ${show(f.pointer.count)} is not a member name`,
          "name the sibling field that holds the element count",
        );
    }
    for (const key of ["flags", "enum"] as const) {
      const ref = f[key];
      if (ref !== undefined && !IDENTIFIER.test(ref))
        fail(
          [...fp, key],
          `${key} ${show(ref)} is not a name`,
          `name a set declared under '${key === "flags" ? "flags" : "enums"}:'`,
        );
    }
    if (f.mustBeZero === true && !(typeof f.type === "string" && scalarByName(withoutQualifiers(f.type))?.integer))
      fail(
        [...fp, "mustBeZero"],
        "only an integer member (or an array of one) can be declared must-be-zero",
        "declare the members inside it must-be-zero instead, or mark it 'reserved: true'",
      );
    if (typeof f.type === "string") {
      typeExpr(f.type, [...fp, "type"], fail);
      bitField(f, fp, on);
    } else {
      if (f.type.tag !== undefined) tag(f.type.tag, [...fp, "type", "tag"], `inline ${f.type.kind} tag`, external);
      // Members of an anonymous struct/union share the enclosing namespace.
      const named = f.name !== undefined;
      const innerScope: MemberScope = named ? new Map() : scope;
      const innerTag = named ? f.type.tag : enclosingTag;
      lintFields(
        f.type.fields,
        [...fp, "type", "fields"],
        innerScope,
        innerTag,
        external,
        names,
        check,
        tag,
        bitField,
        fail,
        on,
        !named,
      );
    }
  });
}

/** The members of one C scope by name, each with the ABIs it exists on. */
type MemberScope = Map<string, { path: DocPath; on: ReadonlySet<AbiId> }[]>;

/**
 * A member name is used once per scope on every ABI: the same name twice is fine under conditions that never
 * hold together (iphdr's `ihl` under each byte order), as the preprocessor keeps only one of them.
 */
function uniqueMember(scope: MemberScope, name: string, path: DocPath, on: ReadonlySet<AbiId>, fail: Fail): void {
  const seen = scope.get(name) ?? [];
  const clash = seen.find((s) => [...on].some((id) => s.on.has(id)));
  if (clash) {
    const both = [...on].filter((id) => clash.on.has(id));
    const where = both.length === ABIS.length ? "" : ` on ${abiList(both)}`;
    fail(
      path,
      `duplicate field name ${show(name)}${where}`,
      `rename one of them, or give them conditions ('when:') that never hold together; ` +
        `the other is at ${fail.where(clash.path)}`,
    );
  }
  scope.set(name, [...seen, { path, on }]);
}

/**
 * The ABIs where `when` holds among `on` (those where the enclosing member exists); a condition that holds on none
 * of them is an error, and so is an ABI the header could not test for.
 */
function condition(
  when: AbiCondition,
  path: DocPath,
  on: ReadonlySet<AbiId>,
  what: string,
  fail: Fail,
): ReadonlySet<AbiId> {
  for (const key of ["abi", "notAbi"] as const)
    (when[key] ?? []).forEach((id, k) => {
      if (!ABIS.find((a) => a.id === id)?.predefined)
        fail(
          [...path, key, k],
          `ABI ${show(id)} has no preprocessor condition in the ABI table, so the header cannot test for it`,
          "name ABIs that `uapi abis` lists with a predefined condition",
        );
    });
  const holds = new Set(ABIS.filter((a) => on.has(a.id) && conditionHolds(when, a)).map((a) => a.id));
  if (!holds.size)
    fail(
      path,
      `${what} exists on no ABI: its condition (${describeCondition(when)}) holds on none ` +
        `where its enclosing member exists`,
      "fix the condition, or remove the member",
    );
  return holds;
}

/** `packed: {when}` and `aligned: {value, when}` of a struct, inline record or member. */
function attributeConditions(
  x: { packed?: FieldSpec["packed"]; aligned?: FieldSpec["aligned"] },
  path: DocPath,
  on: ReadonlySet<AbiId>,
  fail: Fail,
): void {
  if (typeof x.packed === "object") condition(x.packed.when, [...path, "packed", "when"], on, "'packed'", fail);
  if (typeof x.aligned === "object") condition(x.aligned.when, [...path, "aligned", "when"], on, "'aligned'", fail);
}

/** A constant expression as an array length: one line of integers, names, sizeof, operators and parentheses. */
const LENGTH_EXPR = /^[A-Za-z0-9_ \t()+\-*/%<>&|^~]+$/;

/**
 * The written form of `array:`: whole lengths from 0 to MAX_ARRAY_LENGTH, "flexible" first only, expressions in
 * characters the header can spell; the resolver parses the expressions and core/layout.ts evaluates them.
 */
function arrayDimensions(array: NonNullable<FieldSpec["array"]>, path: DocPath, fail: Fail): void {
  const dims = Array.isArray(array) ? array : [array];
  dims.forEach((d, k) => {
    const dp = Array.isArray(array) ? [...path, k] : path;
    if (typeof d === "number") {
      if (!Number.isInteger(d) || d < 0 || d > MAX_ARRAY_LENGTH)
        fail(
          dp,
          `array length ${d} is out of range`,
          `use a whole number from 0 to ${MAX_ARRAY_LENGTH}, "flexible" for a flexible array member, ` +
            "or a constant expression",
        );
    } else if (d === "flexible") {
      if (k > 0) fail(dp, "only the first dimension of an array can be flexible", "give this dimension a length");
    } else if (!LENGTH_EXPR.test(d) || d.trim() === "" || !balanced(d) || d.includes("//") || d.includes("/*"))
      fail(
        dp,
        `array length ${show(d)} is not a constant expression`,
        'write a number, "flexible", or an expression of integers, constants, sizeof(TYPE), ' +
          "+ - * / % << >> & | ^ ~ and balanced parentheses",
      );
  });
}

function checkValue(v: number | string, path: DocPath, fail: Fail): void {
  const problem = valueProblem(v);
  if (problem) fail(path, problem.message, problem.hint);
}

/** What is wrong with a named value's value, or undefined: an exact integer, decimal or 0x hex, within 64 bits. */
function valueProblem(v: number | string): { message: string; hint: string } | undefined {
  if (typeof v === "number")
    return Number.isSafeInteger(v)
      ? undefined
      : {
          message: `value ${v} is not an exact integer`,
          hint: 'write large values as a string, e.g. "0xffffffffffffffff"',
        };
  const m = /^[ \t]*(-)?(0x[0-9a-f]+|[0-9]+)[ \t]*$/i.exec(v);
  if (!m) return { message: `value ${show(v)} is not an integer`, hint: "write a decimal or 0x-prefixed hex integer" };
  const n = BigInt(m[2]!) * (m[1] ? -1n : 1n);
  if (n < -(1n << 63n) || n >= 1n << 64n)
    return { message: `value ${v} does not fit in 64 bits`, hint: "use a value from -2^63 to 2^64-1" };
  return undefined;
}

/** A named value's integer when checkValue accepts it (it reports the others), read as the codecs read it. */
const acceptedInteger = (v: number | string): bigint | undefined => (valueProblem(v) ? undefined : parseInteger(v));

/** A value for messages: decimal, with hex beside a large one. */
const shownValue = (v: bigint) => (v > 9n ? `${v} (0x${v.toString(16)})` : `${v}`);

/** What the macro at `path` (a name path inside interface path `p`) is, for messages. */
function macroKind(path: DocPath, p: DocPath): string {
  const section = path[p.length];
  if (section === "constants") return "constant";
  if (section === "flags") return path[p.length + 2] === "mask" ? "flag mask" : "flag";
  if (section === "enums") return "enumerator";
  if (section === "commands") return "ioctl command";
  return "special value";
}

/**
 * Special values become `#define`s of the header (core/special-values.ts): each needs an integer field it fits,
 * one value per name across the interface (on every ABI, as each field reads it), and a name no other macro of
 * the header has -- except a constant of exactly that value, which then is the define.
 */
function lintSpecials(ifc: InterfaceSpec, p: DocPath, names: Names, fail: Fail, abis: readonly AbiEntry[]): void {
  const enums = new Map<string, EnumSpec>();
  for (const e of ifc.enums ?? []) if (!enums.has(e.name)) enums.set(e.name, e);
  const first = new Map<string, { use: SpecialUse; forms: IntegerForm[]; values: bigint[] }>();
  for (const use of specialUses(ifc, p)) {
    const { name } = use.special;
    const raw = acceptedInteger(use.special.value);
    if (nameProblem(name, "macro") || raw === undefined) continue; // reported by lintFields
    const forms = use.type === undefined ? undefined : integerForms(use.type, use.bits, enums, abis);
    if (!forms) {
      fail(
        [...use.path, "name"],
        `special value ${show(name)} is on ${use.member}, which is no integer field`,
        "give special values to integer fields only (__u32, int, enum NAME, ...), or drop 'special:'",
      );
      continue;
    }
    const misfit = forms.find((f) => !fitsForm(raw, f));
    if (misfit) {
      const on = misfit.abis.length === abis.length ? "" : ` on ${abiList(misfit.abis.map((a) => a.id))}`;
      fail(
        [...use.path, "value"],
        `special value ${show(name)} = ${shownValue(raw)} does not fit the ${misfit.bits} bits of ${use.member}${on}`,
        `use a value from -2^${misfit.bits - 1} to 2^${misfit.bits}-1, or a wider field`,
      );
      continue;
    }
    const values = valuePerAbi(raw, forms, abis);
    const seen = first.get(name);
    if (!seen) {
      first.set(name, { use, forms, values });
      continue;
    }
    const at = abis.findIndex((_, i) => values[i] !== seen.values[i]);
    if (at < 0) continue;
    const onAbi = values.every((v, i) => v !== seen.values[i]) ? "" : ` on ${abis[at]!.id}`;
    fail(
      [...use.path, "value"],
      `special value ${show(name)} is ${shownValue(values[at]!)} in ${use.member}${onAbi}, ` +
        `but ${shownValue(seen.values[at]!)} in ${seen.use.member} at ${fail.where([...seen.use.path, "value"])}`,
      "the header defines each name once: give the two values different names, or the same value",
    );
  }
  for (const [name, { use, forms, values }] of first) {
    const other = names.macros.get(name);
    if (!other) {
      names.macros.set(name, [...use.path, "name"]);
      continue;
    }
    const kind = macroKind(other, p);
    const constant = kind === "constant" ? ifc.constants?.[other[p.length + 1] as number] : undefined;
    const constantValues = constant && constantPerAbi(constant, abis);
    if (constantValues && valuePerAbi(constantValues, forms, abis).every((v, i) => v === values[i])) continue;
    fail(
      [...use.path, "name"],
      `special value ${show(name)} is also the name of the ${kind} at ${fail.where(other)}` +
        (constant ? (constantValues ? ", which has another value" : ", whose value is no plain integer") : ""),
      constant
        ? "the header defines each name once: rename the special value, or give it the constant's value " +
            "(a constant written as an integer, or as ((TYPE)integer))"
        : "the header defines each name once: rename the special value",
    );
  }
}

function balanced(expr: string): boolean {
  let depth = 0;
  for (const ch of expr.replace(/'(?:[^'\\]|\\.)'/g, "")) {
    if (ch === "(") depth++;
    else if (ch === ")" && --depth < 0) return false;
  }
  return depth === 0;
}

/* ------------------------------------------------------------------ */
/* On the resolved model: the shims' names                             */
/* ------------------------------------------------------------------ */

/** Every tag an interface's header declares (records at any depth, enums), for clashes with tags the shims invent. */
function interfaceTags(ifc: InterfaceModel): Set<string> {
  const tags = new Set<string>(ifc.enums.keys());
  const visit = (fields: readonly { type: import("../core/model.js").CType }[]) => {
    for (const f of fields) {
      let t = f.type;
      while (t.kind === "array") t = t.element;
      if (t.kind === "record" && t.record.inline) {
        if (t.record.tag) tags.add(t.record.tag);
        visit(t.record.fields);
      }
    }
  };
  for (const r of ifc.records) {
    if (r.tag) tags.add(r.tag);
    visit(r.fields);
  }
  return tags;
}

/** What the derived syscall forms give C: function names, argument names, invented tags. */
export function lintModel(model: SpecModel): SpecError[] {
  const errors: SpecError[] = [];
  const fail = failer(errors, (p) => model.locate(p));
  const policy = model.doc.names ?? "strict";
  for (const ifc of model.interfaces) {
    if (!ifc.commands.length) continue;
    const macros = new Set<string>([...ifc.constants.keys(), ...ifc.commands.map((c) => c.spec.name)]);
    for (const f of ifc.flagSets.values()) {
      f.bits.forEach((b) => macros.add(b.name));
      if (f.mask) macros.add(f.mask);
    }
    for (const e of ifc.enums.values()) e.values.forEach((v) => macros.add(v.name));
    for (const use of specialUses(ifc.spec, ifc.path)) macros.add(use.special.name);
    const tags = interfaceTags(ifc);
    const functions = new Map<string, string>();
    const invented = new Map<string, string>();
    for (const cmd of ifc.commands) {
      const form = deriveForm(cmd, ifc);
      const explicit = cmd.spec.syscall?.name !== undefined;
      const namePath = explicit ? [...cmd.path, "syscall", "name"] : [...cmd.path, "name"];
      const what = explicit
        ? "syscall name"
        : `syscall name ${show(form.name)} (derived from command ${cmd.spec.name})`;
      const hint = explicit ? "" : "; or set syscall.name";
      const problem = nameProblem(form.name, "function", policy);
      if (problem)
        fail(namePath, `${explicit ? `${what} ${show(form.name)}` : what} ${problem.message}`, problem.hint + hint);
      else if (macros.has(form.name))
        fail(
          namePath,
          `${explicit ? `${what} ${show(form.name)}` : what} is also a macro or enumerator of this interface`,
          `rename one of them${hint}`,
        );
      else if (functions.has(form.name))
        fail(
          namePath,
          `${explicit ? `${what} ${show(form.name)}` : what} is also the syscall name of ${functions.get(form.name)}`,
          `give each command its own syscall name${hint}`,
        );
      functions.set(form.name, cmd.spec.name);

      const rename = cmd.spec.syscall?.rename;
      // The key syscall.rename gives an argument by: its member, the joined names of an anonymous union,
      // `arg` for a scalar argument.
      const keyOf = (a: (typeof form.args)[number]) =>
        a.renameKey ?? (a.field === "" && !a.record ? "arg" : (a.field ?? "fd"));
      const keys = new Set(form.args.filter((a) => a.kind !== "fd").map(keyOf));
      for (const k of Object.keys(rename ?? {})) {
        if (!keys.has(k))
          fail(
            [...cmd.path, "syscall", "rename", k],
            `syscall.rename names ${show(k)}, which is no argument of the syscall form of ${cmd.spec.name}`,
            keys.size ? `rename one of: ${[...keys].join(", ")}` : "remove it: the form has no argument besides fd",
          );
      }
      const params = new Map<string, string>();
      for (const a of form.args) {
        const renamed = a.kind !== "fd" && rename !== undefined && Object.hasOwn(rename, keyOf(a));
        const at: DocPath = renamed ? [...cmd.path, "syscall", "rename", keyOf(a)] : (a.specPath ?? cmd.path);
        const label = `argument ${show(a.name)} of the syscall form of ${cmd.spec.name}`;
        if (a.kind !== "fd") {
          const p = nameProblem(a.name, "param", policy);
          if (p) {
            fail(at, `${label} ${p.message}`, `${p.hint}${renamed ? "" : "; or rename it with syscall.rename"}`);
            continue;
          }
          if (macros.has(a.name)) {
            fail(at, `${label} is also a macro or enumerator of this interface`, "rename it with syscall.rename");
            continue;
          }
        }
        const prev = params.get(a.name);
        if (prev !== undefined)
          fail(at, `${label} is given twice (also for ${prev})`, "rename one of them with syscall.rename");
        else params.set(a.name, a.kind === "fd" ? "the file descriptor" : `member ${a.field || "(anonymous)"}`);
      }
      for (const a of form.args) {
        if (a.kind !== "record-pointer" || !a.record || a.record.tag) continue;
        const t = a.type
          .replace(/^const /, "")
          .replace(/ \*$/, "")
          .replace(/^(struct|union) /, "");
        const at = a.specPath ?? cmd.path;
        const p = nameProblem(t, "tag", policy);
        if (p)
          fail(
            at,
            `the shim names the anonymous member ${a.field || a.name} ${show(t)}, which ${p.message}`,
            `rename the syscall (syscall.name) or the member`,
          );
        else if (tags.has(t) || SYSTEM_TAGS.has(t) || macros.has(t))
          fail(
            at,
            `the shim names the anonymous member ${a.field || a.name} ${show(t)}, ` +
              `which is already ${macros.has(t) ? "a macro" : "a tag"} of this interface or the system headers`,
            "rename the syscall (syscall.name), the member or the other tag",
          );
        else if (invented.has(t) && invented.get(t) !== cmd.spec.name)
          fail(
            at,
            `the shim names the anonymous member ${a.field || a.name} ${show(t)}, as it does for ${invented.get(t)}`,
            "give the commands different syscall names",
          );
        invented.set(t, cmd.spec.name);
      }
    }
  }
  return errors;
}
