/*
 * The header's object-like macros -> spec constants and ioctl commands.
 * Values are the compiler's (import/clang-front.ts evaluates each macro);
 * a command's magic, nr, direction and argument type are read from its
 * `_IO*()` text where it has one, else decoded from the value.
 */
import type { AbiEntry } from "../spec/abi.js";
import type { CommandSpec, ConstantSpec, StructSpec } from "../spec/types.js";
import { IOC_FAMILIES, iocDecode } from "../runtime/ioc.js";
import { parseInteger } from "../core/model.js";
import { scalarByName } from "../core/scalars.js";
import { kernelDocBefore } from "./kernel-doc.js";
import { buildsIoctlNumber, parseIocCall, type IocMacro, type MacroDef } from "./macros.js";
import { splitArrayType, splitPointer, stripQualifiers, tagOf } from "./c-types.js";
import type { MacroValue } from "./macro-probes.js";
import type { ImportProblem } from "./types.js";

export interface ConvertedMacros {
  constants: ConstantSpec[];
  commands: CommandSpec[];
  /** Where each constant and command is defined, by name. */
  origins: Map<string, { file: string; line: number; col: number }>;
  problems: ImportProblem[];
}

const DIR: Record<IocMacro, CommandSpec["dir"]> = { _IO: "none", _IOR: "read", _IOW: "write", _IOWR: "readwrite" };

/** An include guard: defined empty, named like the file. */
const isIncludeGuard = (m: MacroDef) => m.body === "" && /_H_*$|^_+[A-Z0-9_]*_H[A-Z0-9_]*$/.test(m.name);

/** A literal suffix that gives an integer constant the C type clang gave the macro. */
function literal(value: bigint, cType: string, hex: boolean): string {
  // A value of a type narrower than int is an int in any expression (C11 6.3.1.1).
  const unsigned = /unsigned/.test(cType) && !/char|short/.test(cType);
  const suffix = /long long/.test(cType) ? "LL" : /long/.test(cType) ? "L" : "";
  const digits = hex && value >= 0n ? `0x${value.toString(16)}` : value.toString();
  return `${digits}${unsigned ? "U" : ""}${suffix}`;
}

export function convertMacros(
  macros: readonly MacroDef[],
  ownFiles: ReadonlySet<string>,
  values: ReadonlyMap<string, MacroValue | string>,
  structs: readonly StructSpec[],
  structSize: (name: string) => number | undefined,
  abi: AbiEntry,
  text: (file: string) => string | undefined,
): ConvertedMacros {
  const problems: ImportProblem[] = [];
  const origins = new Map<string, { file: string; line: number; col: number }>();
  const constants: ConstantSpec[] = [];
  const commands: CommandSpec[] = [];
  const byName = new Map(macros.map((m) => [m.name, m]));
  const literalConstants = new Set<string>();
  for (const m of macros) {
    if (!ownFiles.has(m.file) || isIncludeGuard(m)) continue;
    const src = text(m.file);
    const lineText = src?.split("\n")[m.line - 1] ?? "";
    const loc = { file: m.file, line: m.line, col: Math.max(1, lineText.indexOf(m.name) + 1) };
    const note = (message: string, hint?: string) =>
      problems.push({ loc, severity: "note", message, ...(hint ? { hint } : {}) });
    if (m.params) {
      note(`function-like macro ${m.name}() is not imported`, "the spec language holds values, not macros");
      continue;
    }
    if (m.body === "") {
      note(`macro ${m.name} defines no value; not imported`);
      continue;
    }
    const v = values.get(m.name);
    if (v === undefined || typeof v === "string") {
      note(
        `macro ${m.name} is not an integer constant${v ? ` (${v})` : ""}; not imported`,
        "a spec constant is an integer",
      );
      continue;
    }
    const docText = src ? kernelDocBefore(src, lineOffset(src, m.line))?.doc : undefined;
    origins.set(m.name, loc);
    if (buildsIoctlNumber(m.body, byName)) {
      const cmd = commandFrom(m, v.value, docText ?? "");
      if (cmd) {
        commands.push(cmd);
        continue;
      }
      problems.push({
        loc,
        severity: "warning",
        message: `${m.name} builds an ioctl number, but its argument type cannot be recovered; imported as a constant`,
        hint: "declare the argument struct in the header, or write the command in the spec by hand",
      });
    }
    const plain = parseInteger(m.body.replace(/^\((.*)\)$/, "$1"));
    const value =
      plain !== undefined ? m.body.replace(/^\((.*)\)$/, "$1") : literal(v.value, v.cType, /0x/i.test(m.body));
    constants.push({ name: m.name, ...(docText ? { doc: docText } : {}), value: numeric(value) });
    if (plain !== undefined) literalConstants.add(m.name);
  }
  return { constants, commands, origins, problems };

  function commandFrom(m: MacroDef, value: bigint, doc: string): CommandSpec | undefined {
    if (value < 0n || value > 0xffffffffn) return undefined;
    const fields = iocDecode(IOC_FAMILIES[abi.ioc], Number(value));
    const call = parseIocCall(m.body);
    const dir = call ? DIR[call.macro] : fields.dir;
    const magicText = call?.args[0]?.trim();
    const charLiteral = magicText && /^'([ -&(-[\]-~])'$/.exec(magicText);
    // A constant's name is kept only when that constant is a plain literal: the spec resolves magics itself.
    const magic: number | string = charLiteral
      ? charLiteral[1]!
      : magicText && literalConstants.has(magicText)
        ? magicText
        : fields.type;
    const base = { name: m.name, doc, magic, nr: fields.nr, dir };
    if (dir === "none") return fields.size === 0 ? base : undefined;
    // A type written in the call is the argument; only a number built some other way is matched by size.
    const arg = call ? (argType(call.args[2]!) ?? integerOfSize(fields.size)) : argBySize(fields.size);
    return arg ? { ...base, arg } : undefined;
  }

  /** The argument type as written (`struct foo`, `int`, `__u32`), when the spec can name it. */
  function argType(written: string): string | undefined {
    const { base, dims } = splitArrayType(written.trim().replace(/\s+/g, " "));
    if (dims.length) return undefined;
    const type = stripQualifiers(base).type;
    // `_IOW('$', 6, char *)` (perf_event.h): the size encoded is a pointer's, 4 or 8 bytes by ABI.
    const pointer = splitPointer(type);
    if (pointer) {
      const target = stripQualifiers(pointer.target).type;
      const targetTag = tagOf(target);
      const known = target === "void" || scalarByName(target) || (targetTag && targetTag.kind !== "enum");
      return known ? `${target} *` : "void *";
    }
    const tag = tagOf(type);
    if (tag && tag.kind !== "enum") return structs.some((s) => s.name === tag.name) ? type : undefined;
    return scalarByName(type) ? type : undefined;
  }

  /** The header's only struct of the encoded size, else a fixed-width integer of that size. */
  function argBySize(size: number): string | undefined {
    const fits = structs.filter((s) => structSize(s.name) === size);
    if (fits.length === 1) return `${fits[0]!.kind ?? "struct"} ${fits[0]!.name}`;
    return integerOfSize(size);
  }
}

function integerOfSize(size: number): string | undefined {
  return ({ 1: "__u8", 2: "__u16", 4: "__u32", 8: "__u64" } as Record<number, string>)[size];
}

function numeric(text: string): number | string {
  // `0407` stays text: as a number it would be 407, and the spec reads a string the way C does (octal).
  return /^-?(0|[1-9]\d*)$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
}

function lineOffset(text: string, line: number): number {
  let offset = 0;
  for (let i = 1; i < line; i++) offset = text.indexOf("\n", offset) + 1;
  return offset;
}
