/*
 * clang's spelling of a type (`qualType` in the JSON AST) taken apart into
 * what a spec says: a type expression, array dimensions outermost first, and
 * whether it is something the spec language has no words for (a function
 * pointer, a pointer to an array).
 */

export interface SplitType {
  /** The element type as clang spells it: `__u64`, `const char *`, `struct foo`. */
  base: string;
  /** Array dimensions, outermost first; "flexible" for `[]`. */
  dims: (number | "flexible")[];
}

const TRAILING_DIM = /\s*\[(\d*)\]$/;

/** "__u64[2][3]" -> { base: "__u64", dims: [2, 3] }; "char *[4]" -> { base: "char *", dims: [4] }. */
export function splitArrayType(qualType: string): SplitType {
  let base = qualType.trim();
  const dims: (number | "flexible")[] = [];
  for (let m = TRAILING_DIM.exec(base); m; m = TRAILING_DIM.exec(base)) {
    dims.unshift(m[1] === "" ? "flexible" : Number(m[1]));
    base = base.slice(0, m.index).trim();
  }
  return { base, dims };
}

/** A function pointer or a pointer to an array: laid out as a data pointer on every Linux ABI. */
export const isComplexDeclarator = (base: string) => /\(\s*\*/.test(base);

/** `const char *` -> target `const char`, no qualifiers; `char *const` -> target `char`, qualifiers `const`. */
export function splitPointer(base: string): { target: string; qualifiers: string } | undefined {
  const m = /^(.*?)\s*\*\s*((?:const|volatile|restrict|\s)*)$/.exec(base);
  return m ? { target: m[1]!.trim(), qualifiers: m[2]!.trim() } : undefined;
}

/** Leading `const`/`volatile` taken off a non-pointer type. */
export function stripQualifiers(base: string): { type: string; qualifiers: string[] } {
  const qualifiers: string[] = [];
  let type = base.trim();
  for (let m = /^(const|volatile)\s+/.exec(type); m; m = /^(const|volatile)\s+/.exec(type)) {
    qualifiers.push(m[1]!);
    type = type.slice(m[0].length);
  }
  return { type, qualifiers };
}

/** `struct foo` / `union foo` / `enum foo`, or undefined. */
export function tagOf(type: string): { kind: "struct" | "union" | "enum"; name: string } | undefined {
  const m = /^(struct|union|enum)\s+([A-Za-z_]\w*)$/.exec(type);
  return m ? { kind: m[1] as "struct" | "union" | "enum", name: m[2]! } : undefined;
}

/** The source position an anonymous record's spelling names: `struct (unnamed struct at f.h:5:3)`. */
export function anonymousRecordAt(type: string): string | undefined {
  const m = /\((?:anonymous|unnamed)(?: struct| union)? at (.+:\d+:\d+)\)$/.exec(type);
  return m ? m[1] : undefined;
}

/**
 * The names a header gives untagged records by typedef (`typedef struct { ... } guid_t;`): C knows them as
 * `guid_t` only, while a spec (and the header it generates) says `struct guid_t`.  Comments are skipped.
 */
export function untaggedTypedefNames(text: string): Set<string> {
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, " ");
  const names = new Set<string>();
  for (const m of code.matchAll(/\btypedef\s+(?:struct|union)\s*(?:__attribute__\s*\(\([^)]*\)\)\s*)?\{/g)) {
    let depth = 0;
    let i = m.index + m[0].length - 1;
    for (; i < code.length; i++) {
      if (code[i] === "{") depth++;
      else if (code[i] === "}" && --depth === 0) break;
    }
    const name = /^\}\s*(?:__attribute__\s*\(\([^)]*\)\)\s*)?([A-Za-z_]\w*)\s*[;,[]/.exec(code.slice(i));
    if (name) names.add(name[1]!);
  }
  return names;
}
