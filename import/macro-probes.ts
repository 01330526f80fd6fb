/*
 * How the importer asks clang for a macro's value and C type without dumping the expression.
 *
 * An enumerator `enum { P = (NAME) };` would carry the value in the AST dump, but under it the whole expanded
 * expression: an `_IOWR(...)` is some 35 KB of JSON, and the WebAssembly clang writes its unbuffered stdout a few
 * bytes per call into JavaScript.  Instead each macro becomes one declaration whose *type* spells the answer:
 *
 *     extern char (*(*(*(*P[TYPE])[C3])[C2])[C1])[C0];
 *
 * TYPE is the expression's C type picked by `_Generic`, Ck is 16-bit chunk k of the value converted to
 * `unsigned long long`, plus one (a bound must be positive).  The pointers keep the object size small whatever the
 * bounds.  A VarDecl's JSON carries its type as a string and no tree under it, so a probe costs a few hundred bytes.
 * A macro that is no integer constant fails on its own line (a variable-length array at file scope, a syntax
 * error) or selects no integer type.
 */
import { cIdentifier, toolName } from "../core/c-writer.js";

/** The C types a macro's value can have, as `_Generic` picks them; the code is the index plus one. */
const INTEGER_TYPES = [
  "int",
  "unsigned int",
  "long",
  "unsigned long",
  "long long",
  "unsigned long long",
  "char",
  "signed char",
  "unsigned char",
  "short",
  "unsigned short",
  "_Bool",
] as const;
const SIGNED = new Set(["int", "long", "long long", "signed char", "short"]);
/** `_Generic`'s pick for anything else (a pointer, a floating constant). */
const NOT_INTEGER = INTEGER_TYPES.length + 1;

/** The declaration that carries macro number `i`'s value. */
export const macroProbeName = (i: number) => toolName(`m_${i}`);

/** One line of C: the probe for the object-like macro `name`. */
export function macroProbe(name: string, i: number): string {
  const value = `(${cIdentifier(name)})`;
  const types = INTEGER_TYPES.map((t, k) => `${t}: ${k + 1}`).join(", ");
  const chunk = (k: number) => `(((unsigned long long)${value} >> ${16 * k}) & 0xffff) + 1`;
  return (
    `extern char (*(*(*(*${macroProbeName(i)}[_Generic(${value}, ${types}, default: ${NOT_INTEGER})])` +
    `[${chunk(3)}])[${chunk(2)}])[${chunk(1)}])[${chunk(0)}];`
  );
}

/** A macro's value and the C type clang gave its expression. */
export interface MacroValue {
  value: bigint;
  cType: string;
}

/**
 * The value a probe's declared type spells (`char (*(*(*(*[1])[1])[1])[1])[6]` is the int 5), a reason when it is
 * not an integer, or undefined when the type is not a probe's.
 */
export function readProbe(qualType: string): MacroValue | string | undefined {
  const bounds = Array.from(qualType.matchAll(/\[(\d+)\]/g), (m) => BigInt(m[1]!));
  if (bounds.length !== 5) return undefined;
  const [code, ...chunks] = bounds as [bigint, ...bigint[]];
  const cType = INTEGER_TYPES[Number(code) - 1];
  if (!cType) return "its value is not of an integer type";
  const bits = chunks.reduce((v, c) => (v << 16n) | (c - 1n), 0n);
  return { value: SIGNED.has(cType) ? BigInt.asIntN(64, bits) : bits, cType };
}

/** Clang's complaint about a probe's line, said of the macro (a bound that is not constant is the probe's word). */
export function probeError(message: string): string {
  return /variabl[ey] (length array|modified type)/.test(message) ? "clang cannot fold it to an integer" : message;
}
