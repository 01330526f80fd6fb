/*
 * Array lengths written as C integer constant expressions: integers, the
 * interface's constants and `sizeof(TYPE)`, with `+ - * / % << >> & | ^ ~`
 * and parentheses (C11 6.6).  Parsed once at load time (names bound, types
 * resolved); evaluated per ABI, because `sizeof(long)` or
 * `sizeof(struct foo)` differs between them.
 *
 * Evaluation follows C's integer rules exactly (C11 6.4.4.1 literal types,
 * 6.3.1.8 usual arithmetic conversions, 6.5.5-6.5.7 operators): unsigned
 * results wrap at their width, `sizeof` is size_t (unsigned long on every
 * Linux ABI), and what C leaves undefined -- signed overflow, division by
 * zero, shifts by a negative count or past the width, left shifts of
 * negative values -- is an error rather than a guess.  Pure.
 */
import type { AbiEntry } from "../spec/abi.js";
import type { CType } from "./model.js";

export type BinaryOp = "*" | "/" | "%" | "+" | "-" | "<<" | ">>" | "&" | "^" | "|";

export type Expr =
  | { k: "int"; value: bigint; suffix: { unsigned: boolean; longs: 0 | 1 | 2 }; decimal: boolean }
  | { k: "constant"; name: string; expr: Expr }
  | { k: "sizeof"; type: CType }
  | { k: "unary"; op: "+" | "-" | "~"; a: Expr }
  | { k: "binary"; op: BinaryOp; a: Expr; b: Expr };

/** A located problem: `at` is the character offset in the expression's text. */
export interface ExprProblem {
  message: string;
  hint: string;
  at?: number;
}

/** What the parser asks its caller: constants and sizeof's types, both resolved by the model. */
export interface ExprScope {
  /** A constant's parsed value, or why it cannot be used; undefined when there is no such name. */
  constant(name: string): Expr | ExprProblem | undefined;
  /** A type inside sizeof(...), or why it is not one. */
  type(text: string): CType | ExprProblem;
}

/** Tokens an expression may have; more is refused (the header spells the expression on one line). */
export const MAX_EXPR_TOKENS = 256;
const MAX_DEPTH = 64;

const OPERATORS_HINT = "write integers, constants' names and sizeof(TYPE) with + - * / % << >> & | ^ ~ and ( )";

type Token =
  | { t: "num"; text: string; at: number }
  | { t: "id"; text: string; at: number }
  | { t: "op"; text: string; at: number };

const TOKEN = /(0[xX][0-9a-fA-F]+|[0-9]+)([uUlL]*)|([A-Za-z_][A-Za-z0-9_]*)|(<<|>>|[-+*/%&|^~()])/y;

function tokenize(text: string): Token[] | ExprProblem {
  const out: Token[] = [];
  let at = 0;
  for (;;) {
    while (at < text.length && /\s/.test(text[at]!)) at++;
    if (at >= text.length) return out;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) return { message: `unexpected character '${text[at]}'`, hint: OPERATORS_HINT, at };
    if (m[1] !== undefined) {
      // Letters glued to a number ("4abc", "1e3") make no integer C knows.
      if (/^[A-Za-z0-9_]/.test(text.slice(TOKEN.lastIndex)))
        return { message: `'${text.slice(at, TOKEN.lastIndex + 1)}...' is not an integer`, hint: OPERATORS_HINT, at };
      out.push({ t: "num", text: m[0], at });
    } else if (m[3] !== undefined) out.push({ t: "id", text: m[0], at });
    else out.push({ t: "op", text: m[0], at });
    if (out.length > MAX_EXPR_TOKENS)
      return { message: `more than ${MAX_EXPR_TOKENS} tokens`, hint: "define parts of it as constants", at };
    at = TOKEN.lastIndex;
  }
}

class Fail extends Error {
  constructor(readonly problem: ExprProblem) {
    super(problem.message);
  }
}

/** Parse `text` in `scope`: the expression, or the first problem with where it is. */
export function parseExpr(text: string, scope: ExprScope): Expr | ExprProblem {
  const tokens = tokenize(text);
  if (!Array.isArray(tokens)) return tokens;
  let i = 0;
  const peek = () => tokens[i];
  const end = () => (tokens.length ? tokens[tokens.length - 1]!.at + tokens[tokens.length - 1]!.text.length : 0);
  const expect = (op: string) => {
    const tok = peek();
    if (tok?.t !== "op" || tok.text !== op)
      throw new Fail({
        message: tok ? `expected '${op}' before '${tok.text}'` : `expected '${op}' at the end`,
        hint: "balance the parentheses",
        at: tok?.at ?? end(),
      });
    i++;
  };
  const LEVELS: BinaryOp[][] = [["|"], ["^"], ["&"], ["<<", ">>"], ["+", "-"], ["*", "/", "%"]];
  const binary = (level: number, depth: number): Expr => {
    if (level === LEVELS.length) return unary(depth);
    let a = binary(level + 1, depth);
    for (;;) {
      const tok = peek();
      if (tok?.t !== "op" || !(LEVELS[level] as string[]).includes(tok.text)) return a;
      i++;
      a = { k: "binary", op: tok.text as BinaryOp, a, b: binary(level + 1, depth) };
    }
  };
  const unary = (depth: number): Expr => {
    if (depth > MAX_DEPTH)
      throw new Fail({ message: `nested deeper than ${MAX_DEPTH} levels`, hint: "simplify it", at: peek()?.at });
    const tok = peek();
    if (tok?.t === "op" && (tok.text === "-" || tok.text === "+" || tok.text === "~")) {
      i++;
      return { k: "unary", op: tok.text, a: unary(depth + 1) };
    }
    return primary(depth);
  };
  const primary = (depth: number): Expr => {
    const tok = peek();
    if (!tok) throw new Fail({ message: "the expression ends too early", hint: OPERATORS_HINT, at: end() });
    i++;
    if (tok.t === "num") return literal(tok);
    if (tok.t === "op") {
      if (tok.text !== "(") throw new Fail({ message: `unexpected '${tok.text}'`, hint: OPERATORS_HINT, at: tok.at });
      const e = binary(0, depth + 1);
      expect(")");
      return e;
    }
    if (tok.text === "sizeof") return sizeofOperand(tok);
    const c = scope.constant(tok.text);
    if (c === undefined)
      throw new Fail({
        message: `'${tok.text}' is not a constant of this interface`,
        hint: "declare it under 'constants:', or write the number",
        at: tok.at,
      });
    if ("message" in c) throw new Fail({ ...c, at: tok.at });
    return { k: "constant", name: tok.text, expr: c };
  };
  const sizeofOperand = (tok: Token): Expr => {
    expect("(");
    const from = i;
    while (peek() && !(peek()!.t === "op" && peek()!.text === ")")) {
      const x = peek()!;
      if (x.t === "num" || (x.t === "op" && x.text !== "*"))
        throw new Fail({
          message: "sizeof takes a type here, e.g. sizeof(struct foo)",
          hint: OPERATORS_HINT,
          at: x.at,
        });
      i++;
    }
    const words = tokens.slice(from, i).map((x) => x.text);
    expect(")");
    if (!words.length) throw new Fail({ message: "sizeof() names no type", hint: "write sizeof(TYPE)", at: tok.at });
    const type = scope.type(words.join(" ").replace(/ \*/g, " *"));
    if ("message" in type) throw new Fail({ ...type, at: tokens[from]!.at });
    return { k: "sizeof", type };
  };
  try {
    const e = binary(0, 0);
    const rest = peek();
    if (rest) return { message: `unexpected '${rest.text}'`, hint: OPERATORS_HINT, at: rest.at };
    return e;
  } catch (err) {
    if (err instanceof Fail) return err.problem;
    throw err;
  }
}

function literal(tok: Token): Expr {
  const m = /^(0[xX][0-9a-fA-F]+|[0-9]+)([uUlL]*)$/.exec(tok.text)!;
  const body = m[1]!;
  const suffix = m[2]!;
  const s = /^(?:[uU]?(?:l|L|ll|LL)?|(?:l|L|ll|LL)[uU])$/.exec(suffix);
  if (!s)
    throw new Fail({
      message: `'${tok.text}' has a suffix C does not know`,
      hint: "use U, L, UL, LL or ULL",
      at: tok.at,
    });
  const octal = body.length > 1 && body.startsWith("0") && !/^0[xX]/.test(body);
  if (octal && /[89]/.test(body))
    throw new Fail({ message: `'${tok.text}' is not an octal number`, hint: "leave out the leading 0", at: tok.at });
  const value = octal ? BigInt(`0o${body.slice(1)}`) : BigInt(body);
  const longs = (suffix.match(/l/gi) ?? []).length as 0 | 1 | 2;
  return { k: "int", value, suffix: { unsigned: /u/i.test(suffix), longs }, decimal: !/^0/.test(body) || body === "0" };
}

/* ------------------------------------------------------------ evaluation */

/** A C integer type: rank 1 int, 2 long, 3 long long. */
interface IntType {
  rank: 1 | 2 | 3;
  unsigned: boolean;
}

interface Value {
  v: bigint;
  type: IntType;
}

const bitsOf = (t: IntType, abi: AbiEntry) => (t.rank === 1 ? 32 : t.rank === 2 ? abi.wordBits : 64);

function fits(v: bigint, t: IntType, abi: AbiEntry): boolean {
  const bits = BigInt(bitsOf(t, abi));
  return t.unsigned ? v >= 0n && v < 1n << bits : v >= -(1n << (bits - 1n)) && v < 1n << (bits - 1n);
}

/** C11 6.4.4.1p5: the first type of the literal's list that holds its value. */
function literalType(e: Expr & { k: "int" }, abi: AbiEntry): IntType | undefined {
  const candidates: IntType[] = [];
  for (const rank of [1, 2, 3] as const) {
    if (rank <= e.suffix.longs) continue;
    if (!e.suffix.unsigned) candidates.push({ rank, unsigned: false });
    if (e.suffix.unsigned || !e.decimal) candidates.push({ rank, unsigned: true });
  }
  return candidates.find((t) => fits(e.value, t, abi));
}

/** C11 6.3.1.8: the common type of two operands (both int or wider already). */
function common(a: IntType, b: IntType, abi: AbiEntry): IntType {
  if (a.unsigned === b.unsigned) return a.rank >= b.rank ? a : b;
  const [u, s] = a.unsigned ? [a, b] : [b, a];
  if (u.rank >= s.rank) return u;
  if (bitsOf(s, abi) > bitsOf(u, abi)) return s;
  return { rank: s.rank, unsigned: true };
}

/** Why an expression has no value on an ABI. */
export class ExprError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/**
 * The value of `e` on `abi`, with `sizeOf` giving the size of a type there.  Throws ExprError for what C leaves
 * undefined or the literal types cannot hold.
 */
export function evaluate(e: Expr, abi: AbiEntry, sizeOf: (t: CType) => number): bigint {
  return value(e, abi, sizeOf).v;
}

function value(e: Expr, abi: AbiEntry, sizeOf: (t: CType) => number): Value {
  const wrap = (v: bigint, t: IntType): Value => {
    if (t.unsigned) return { v: BigInt.asUintN(bitsOf(t, abi), v), type: t };
    if (!fits(v, t, abi))
      throw new ExprError(
        `overflows ${t.rank === 1 ? "int" : t.rank === 2 ? "long" : "long long"} on ${abi.id} ` +
          "(signed overflow is undefined in C)",
        "use smaller numbers, or unsigned ones (a U suffix)",
      );
    return { v, type: t };
  };
  switch (e.k) {
    case "int": {
      const type = literalType(e, abi);
      if (!type) throw new ExprError(`the integer ${e.value} does not fit in 64 bits`, "use a smaller number");
      return { v: e.value, type };
    }
    case "constant":
      return value(e.expr, abi, sizeOf);
    case "sizeof":
      return { v: BigInt(sizeOf(e.type)), type: { rank: 2, unsigned: true } };
    case "unary": {
      const a = value(e.a, abi, sizeOf);
      if (e.op === "+") return a;
      if (e.op === "-") return wrap(-a.v, a.type);
      return wrap(a.type.unsigned ? (1n << BigInt(bitsOf(a.type, abi))) - 1n - a.v : -a.v - 1n, a.type);
    }
    case "binary": {
      const a = value(e.a, abi, sizeOf);
      const b = value(e.b, abi, sizeOf);
      if (e.op === "<<" || e.op === ">>") {
        // C11 6.5.7: the result has the left operand's type; the count must be below its width.
        const width = bitsOf(a.type, abi);
        if (b.v < 0n || b.v >= BigInt(width))
          throw new ExprError(
            `shifts a ${width}-bit value by ${b.v} on ${abi.id} (undefined in C)`,
            `shift by 0 to ${width - 1}`,
          );
        if (e.op === ">>") return { v: a.v >> b.v, type: a.type };
        if (!a.type.unsigned && a.v < 0n)
          throw new ExprError("shifts a negative value left (undefined in C)", "shift a non-negative value");
        return wrap(a.v << b.v, a.type);
      }
      const t = common(a.type, b.type, abi);
      const bits = bitsOf(t, abi);
      const x = t.unsigned ? BigInt.asUintN(bits, a.v) : a.v;
      const y = t.unsigned ? BigInt.asUintN(bits, b.v) : b.v;
      switch (e.op) {
        case "+":
          return wrap(x + y, t);
        case "-":
          return wrap(x - y, t);
        case "*":
          return wrap(x * y, t);
        case "/":
        case "%":
          if (y === 0n) throw new ExprError(`divides by zero on ${abi.id}`, "make sure the divisor is never 0");
          // BigInt division truncates towards zero and the remainder takes the dividend's sign, as C99 does.
          return wrap(e.op === "/" ? x / y : x % y, t);
        // Two's complement operands in range give a result in range (BigInt's bitwise operators are two's complement).
        case "&":
          return wrap(x & y, t);
        case "|":
          return wrap(x | y, t);
        case "^":
          return wrap(x ^ y, t);
      }
    }
  }
}

/** The types an expression takes the size of (through constants too). */
export function sizeofTypes(e: Expr): CType[] {
  const out: CType[] = [];
  const stack: Expr[] = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.k === "sizeof") out.push(x.type);
    else if (x.k === "constant") stack.push(x.expr);
    else if (x.k === "unary") stack.push(x.a);
    else if (x.k === "binary") stack.push(x.a, x.b);
  }
  return out;
}
