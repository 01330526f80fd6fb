/*
 * Rules a schema cannot express: names must be C identifiers and not
 * keywords, nothing may end a C comment early, constant expressions must be
 * single, harmless C expressions, and names must be unique where C needs it.
 */
import type { DocPath, SpecError } from "../core/diagnostic.js";
import type { FieldSpec, InterfaceSpec, SpecDocument } from "./types.js";

/** C90..C23 and C++ keywords: uapi headers are compiled as both. */
const KEYWORDS = new Set(`auto break case char const continue default do double else enum extern float for goto if inline int long
register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while _Alignas _Alignof
_Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert _Thread_local alignas alignof bool constexpr false nullptr
static_assert thread_local true typeof typeof_unqual asm catch class const_cast delete dynamic_cast explicit export friend mutable
namespace new noexcept operator private protected public reinterpret_cast static_cast template this throw try typeid typename
using virtual wchar_t char8_t char16_t char32_t concept consteval constinit co_await co_return co_yield decltype requires`.split(/\s+/));

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A constant's C expression: numbers, identifiers, operators and parentheses, or one char literal. */
const SAFE_EXPR = /^(?:[A-Za-z0-9_\s()+\-*/%<>&|^~!?:,.]|'(?:[^'\\\n]|\\[0-7nrt\\'])')*$/;

export function lintDocument(doc: SpecDocument, locate: (p: DocPath) => import("../core/diagnostic.js").Loc): SpecError[] {
  const errors: SpecError[] = [];
  const fail = (path: DocPath, message: string, hint: string) => errors.push({ loc: locate(path), message, hint });

  const checkName = (name: string | undefined, path: DocPath, what: string) => {
    if (name === undefined) return;
    if (!IDENT.test(name)) fail(path, `${what} '${name}' is not a valid C identifier`, "use letters, digits and '_' only, not starting with a digit");
    else if (KEYWORDS.has(name)) fail(path, `${what} '${name}' is a C or C++ keyword`, `rename it (e.g. '${name}_')`);
  };

  // Every string ends up in a C comment or a C token: none may open or close a comment.
  const walkStrings = (v: unknown, path: (string | number)[]) => {
    if (typeof v === "string") {
      if (v.includes("*/") || v.includes("/*")) fail(path, `text contains '${v.includes("*/") ? "*/" : "/*"}', which would end or nest a C comment in the generated header`, "rephrase it, e.g. write '* /' or use words");
      if (v.includes("\u0000")) fail(path, "text contains a NUL character", "remove it");
    } else if (Array.isArray(v)) v.forEach((x, i) => walkStrings(x, [...path, i]));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walkStrings(x, [...path, k]);
  };
  walkStrings(doc, []);

  checkName(doc.name, ["name"], "document name");
  const ifaceNames = new Map<string, DocPath>();
  doc.interfaces.forEach((ifc, i) => {
    const p: DocPath = ["interfaces", i];
    checkName(ifc.name, [...p, "name"], "interface name");
    unique(ifaceNames, ifc.name, [...p, "name"], "interface", fail);
    if (!/^[A-Za-z0-9_][A-Za-z0-9_./-]*\.h$/.test(ifc.header) || ifc.header.includes("..")) fail([...p, "header"], `header path '${ifc.header}' is not a plain relative path to a .h file`, "write it as below include/uapi, e.g. linux/foo.h");
    if (ifc.variant !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(ifc.variant)) fail([...p, "variant"], `variant '${ifc.variant}' is not a plain name`, "use letters, digits, '-', '_' and '.'");
    lintInterface(ifc, p, checkName, fail);
  });
  return errors;
}

type Fail = (path: DocPath, message: string, hint: string) => void;

function unique(seen: Map<string, DocPath>, name: string, path: DocPath, what: string, fail: Fail): void {
  if (seen.has(name)) fail(path, `duplicate ${what} name '${name}'`, `rename one of them; the other is at ${seen.get(name)!.join(".")}`);
  else seen.set(name, path);
}

function lintInterface(ifc: InterfaceSpec, p: DocPath, checkName: (n: string | undefined, p: DocPath, w: string) => void, fail: Fail): void {
  // Macros and enumerators share one C namespace; tags have their own.
  const macros = new Map<string, DocPath>();
  const tags = new Map<string, DocPath>();
  const sets = new Map<string, DocPath>();

  (ifc.constants ?? []).forEach((c, i) => {
    const cp = [...p, "constants", i];
    checkName(c.name, [...cp, "name"], "constant name");
    unique(macros, c.name, [...cp, "name"], "constant", fail);
    if (typeof c.value === "number" && (!Number.isFinite(c.value) || !Number.isSafeInteger(c.value))) fail([...cp, "value"], `constant value ${c.value} is not an exact integer`, "write large values as a string, e.g. \"0xffffffffffffffff\"");
    if (typeof c.value === "string" && (!SAFE_EXPR.test(c.value) || c.value.includes("\n") || c.value.includes("//") || c.value.trim() === "" || !balanced(c.value)))
      fail([...cp, "value"], `constant value ${JSON.stringify(c.value)} is not a single-line C constant expression`, "use numbers, identifiers, operators and balanced parentheses only");
  });
  (ifc.flags ?? []).forEach((f, i) => {
    const fp = [...p, "flags", i];
    checkName(f.name, [...fp, "name"], "flag set name");
    unique(sets, f.name, [...fp, "name"], "flag set or enum", fail);
    if (f.mask) { checkName(f.mask, [...fp, "mask"], "mask name"); unique(macros, f.mask, [...fp, "mask"], "constant", fail); }
    const bits = new Map<number, string>();
    f.bits.forEach((b, j) => {
      checkName(b.name, [...fp, "bits", j, "name"], "flag name");
      unique(macros, b.name, [...fp, "bits", j, "name"], "constant", fail);
      if (b.bit >= f.width) fail([...fp, "bits", j, "bit"], `bit ${b.bit} does not fit in a ${f.width}-bit flags word`, `use a bit below ${f.width}, or widen the set`);
      if (bits.has(b.bit)) fail([...fp, "bits", j, "bit"], `bit ${b.bit} is already used by ${bits.get(b.bit)}`, "give each flag its own bit");
      bits.set(b.bit, b.name);
    });
  });
  (ifc.enums ?? []).forEach((e, i) => {
    const ep = [...p, "enums", i];
    checkName(e.name, [...ep, "name"], "enum name");
    unique(sets, e.name, [...ep, "name"], "flag set or enum", fail);
    if (e.emit === "enum") unique(tags, `enum ${e.name}`, [...ep, "name"], "tag", fail);
    e.values.forEach((v, j) => {
      checkName(v.name, [...ep, "values", j, "name"], "enumerator name");
      unique(macros, v.name, [...ep, "values", j, "name"], "constant", fail);
      checkValue(v.value, [...ep, "values", j, "value"], fail);
    });
  });
  (ifc.structs ?? []).forEach((s, i) => {
    const sp = [...p, "structs", i];
    checkName(s.name, [...sp, "name"], "struct name");
    unique(tags, `${s.kind ?? "struct"} ${s.name}`, [...sp, "name"], "struct/union", fail);
    lintFields(s.fields, [...sp, "fields"], new Map(), checkName, fail);
  });
  (ifc.commands ?? []).forEach((c, i) => {
    const cp = [...p, "commands", i];
    checkName(c.name, [...cp, "name"], "command name");
    unique(macros, c.name, [...cp, "name"], "constant", fail);
    if (typeof c.magic === "number" && (!Number.isInteger(c.magic) || c.magic < 0 || c.magic > 255)) fail([...cp, "magic"], `ioctl magic ${c.magic} does not fit in 8 bits`, "use a value from 0 to 255");
    if (c.dir === "none" && c.arg !== undefined && c.argConvention === undefined) void 0; // reported by the ioctl checks, not an input error
  });
}

function lintFields(fields: FieldSpec[], p: DocPath, names: Map<string, DocPath>, checkName: (n: string | undefined, p: DocPath, w: string) => void, fail: Fail): void {
  fields.forEach((f, i) => {
    const fp = [...p, i];
    checkName(f.name, [...fp, "name"], "field name");
    if (f.name) unique(names, f.name, [...fp, "name"], "field", fail);
    (f.special ?? []).forEach((v, j) => checkValue(v.value, [...fp, "special", j, "value"], fail));
    if (typeof f.array === "number" && (!Number.isInteger(f.array) || f.array < 1 || f.array > 1 << 20))
      fail([...fp, "array"], `array length ${f.array} is out of range`, "use a whole number from 1 to 1048576, or \"flexible\" for a flexible array member");
    if (typeof f.type !== "string") {
      if (f.type.tag) checkName(f.type.tag, [...fp, "type", "tag"], "struct tag");
      // Members of an anonymous struct/union share the enclosing namespace.
      lintFields(f.type.fields, [...fp, "type", "fields"], f.name ? new Map() : names, checkName, fail);
    }
  });
}

function checkValue(v: number | string, path: DocPath, fail: Fail): void {
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) fail(path, `value ${v} is not an exact integer`, "write large values as a string, e.g. \"0xffffffffffffffff\"");
    return;
  }
  const m = /^(-)?(0x[0-9a-f]+|[0-9]+)$/i.exec(v.trim());
  if (!m) { fail(path, `value ${JSON.stringify(v)} is not an integer`, "write a decimal or 0x-prefixed hex integer"); return; }
  const n = BigInt(m[2]!) * (m[1] ? -1n : 1n);
  if (n < -(1n << 63n) || n >= 1n << 64n) fail(path, `value ${v} does not fit in 64 bits`, "use a value from -2^63 to 2^64-1");
}

function balanced(expr: string): boolean {
  let depth = 0;
  for (const ch of expr.replace(/'(?:[^'\\]|\\.)'/g, "")) {
    if (ch === "(") depth++;
    else if (ch === ")" && --depth < 0) return false;
  }
  return depth === 0;
}
