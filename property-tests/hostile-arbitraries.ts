/*
 * Random spec documents from the schema's shapes, and hostile strings to
 * plant in them (loader-fuzz.test.ts, hostile-names.test.ts).
 */
import fc from "fast-check";
import { parse, stringify } from "yaml";
import type { CommandSpec, FieldSpec, SpecDocument, StructSpec } from "../spec/types.js";
import { arbStructDoc } from "./arbitraries.js";

/* ------------------------------------------------------------------ */
/* Hostile strings                                                      */
/* ------------------------------------------------------------------ */

/** Names that must be rejected or must work everywhere. */
export const HOSTILE_NAMES = [
  "int",
  "class",
  "and",
  "not",
  "typename",
  "asm",
  "typeof",
  "_Bool",
  "linux",
  "unix",
  "i386",
  "mips",
  "sparc",
  "__u32",
  "__proto__",
  "_Foo",
  "_lower",
  "__attribute__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "isPrototypeOf",
  "ioctl",
  "memcpy",
  "memset",
  "NULL",
  "offsetof",
  "iovec",
  "winsize",
  "size_t",
  "TIOCGWINSZ",
  "IOC_IN",
  "errno",
  "uapi_arg",
  "uapi_ret",
  "UAPI_SHIM_INLINE",
  "fd",
  "arg",
  "arg_fd",
  "main",
  "Set",
  "Record",
  "Object",
  "Object_",
  "CODECS",
  "CODECS_",
  "Array",
  "Readonly",
  "Uint8Array",
  "FD_SET",
  "be16toh",
  "timespec",
  "uint",
  "u32",
  "stdin",
  "_mips",
  "R3000",
  "powerpc",
  "mc68000",
  "main",
  'evil(void) { return system("id"); } int x',
  "a b",
  "x;y",
  "",
  "9lives",
  "é",
];

/** Texts: comment breakers, trigraphs, line breaks, control, bidi and invisible characters, and legal oddities. */
export const HOSTILE_TEXTS = [
  "ends */ #include <stdio.h> /*",
  "opens /* a comment",
  "splice ??/",
  "hash ??= brace ??<",
  "???=",
  "line\n#include <stdio.h>\n",
  "cr\rhere",
  "tab\there",
  "trailing backslash \\",
  "\\",
  "rtl \u202e gnp.exe",
  "isolate \u2066x\u2069",
  "zero\u200bwidth",
  "bom\ufeff",
  "ls\u2028ps\u2029",
  "nul\u0000",
  "nel\u0085",
  "del\u007f",
  "soft\u00adhyphen",
  "lone \ud800 surrogate",
  "emoji 😀",
  "quotes \" and ' and `back`",
  "{{handlebars}}",
  "<script>alert(1)</script>",
  "a & b < c",
  "%s %n",
  "$rt ${x}",
  "// line comment",
  "é ü 中文",
];

export const HOSTILE_PATHS = [
  "../x.h",
  "/etc/passwd.h",
  "linux/x.h>\n#define __u32 int\n#include <y.h",
  "linux/.h",
  "linux//x.h",
  'x.h"',
  "-x.h",
  "linux/x.c",
  "linux/x y.h",
  "linux/\u202ex.h",
];

export const HOSTILE_TYPES = [
  "__u32; int x",
  "int*",
  "void **",
  "__u32\u00a0",
  "unsigned  long",
  "struct",
  "struct x y",
  "__u64 *",
  "char",
];

/* ------------------------------------------------------------------ */
/* Documents from the schema's shapes                                  */
/* ------------------------------------------------------------------ */

const goodText = fc.constantFrom(
  "A doc.",
  "Two sentences. The second, e.g. an abbreviation.",
  "Multi\n\nparagraph doc.",
  "Legal oddities: ?? ?, \\ backslash, {{x}}, <b>&amp;</b>, é.",
  "d",
);

/** Top-level member names of a struct, through anonymous struct members (what a syscall form takes apart). */
function topMembers(fields: FieldSpec[]): FieldSpec[] {
  return fields.flatMap((f) =>
    f.name === undefined && typeof f.type !== "string" && f.type.kind === "struct"
      ? topMembers(f.type.fields)
      : f.name !== undefined
        ? [f]
        : [],
  );
}

/**
 * Every struct and union has a named member of its own
 * (C90 counts no anonymous members; ISO C leaves a struct without any undefined).
 */
function named(fields: FieldSpec[]): boolean {
  return (
    fields.some((f) => f.name !== undefined) && fields.every((f) => typeof f.type === "string" || named(f.type.fields))
  );
}

/**
 * A valid document with constants, flags, enums, structs, commands, devices
 * and statuses.  Its structs leave out `packed:` and `aligned:`, and each
 * struct and union has a named member of its own: GCC's
 * -Wpacked-not-aligned, -Wattributes and C90 -pedantic judge those layout
 * choices, not the names and texts this generator is for.
 */
export function arbFullDoc(): fc.Arbitrary<SpecDocument> {
  return fc
    .tuple(
      arbStructDoc({ maxHelpers: 2, maxFields: 5, packed: false, aligned: false }).filter((d) =>
        (d.interfaces[0]!.structs ?? []).every((s) => named(s.fields)),
      ),
      fc.array(
        fc.record({
          dir: fc.constantFrom<CommandSpec["dir"]>("none", "read", "write", "readwrite"),
          target: fc.nat(3),
          magic: fc.constantFrom<number | string>(0x42, "b", "T_MAGIC", "0x43", "'"),
          syscallName: fc.option(fc.constantFrom("t_do", "t_other"), { freq: 3 }),
          rename: fc.boolean(),
          order: fc.boolean(),
          flow: fc.boolean(),
          argConvention: fc.option(fc.constantFrom("value, must be 0", "pointer to int"), { freq: 4 }),
          remedy: fc.option(
            fc.constantFrom<"struct-pointer" | "extensible-struct" | "reorder" | "split">(
              "struct-pointer",
              "extensible-struct",
              "reorder",
              "split",
            ),
            { freq: 4 },
          ),
          doc: goodText,
        }),
        { minLength: 0, maxLength: 3 },
      ),
      goodText,
      fc.boolean(),
    )
    .map(([generated, cmds, text, device]) => {
      const base = structuredClone(generated);
      const ifc = base.interfaces[0]!;
      const structs = ifc.structs as StructSpec[];
      ifc.constants = [
        { name: "T_MAGIC", value: "'t'", doc: text },
        { name: "T_LIMIT", value: "(1 << 4)" },
      ];
      ifc.flags = [
        {
          name: "t_flags",
          doc: text,
          width: 32,
          mask: "T_FLAGS_MASK",
          bits: [
            { name: "T_F_A", bit: 0, doc: text },
            { name: "T_F_B", bit: 3 },
          ],
        },
      ];
      ifc.status = { state: "proposed", source: "lore 1234@example.org", version: "RFC v1" };
      if (device)
        ifc.devices = [
          {
            node: "/dev/t",
            doc: text,
            naming: [{ format: "t%d", example: "t0" }],
            fops: [{ op: "ioctl", semantics: text, errors: [{ errno: "ENOTTY", doc: "Unknown command." }] }],
          },
        ];
      const targets = ["int", ...structs.map((s) => `${s.kind ?? "struct"} ${s.name}`)];
      ifc.commands = cmds.map((c, i) => {
        const arg = targets[c.target % targets.length]!;
        const cmd: CommandSpec = {
          name: `T_CMD_${i}`,
          doc: c.doc,
          magic: c.magic,
          nr: i,
          dir: c.dir,
          errors: [{ errno: "EINVAL", doc: "Bad argument." }],
          returns: { kind: "zero" },
          status: { state: "idea", source: "here" },
        };
        if (c.dir !== "none") cmd.arg = arg;
        if (c.argConvention && arg === "int") cmd.argConvention = c.argConvention;
        const s = structs.find((x) => `${x.kind ?? "struct"} ${x.name}` === arg);
        const members = s ? topMembers(s.fields) : [];
        const syscall: NonNullable<CommandSpec["syscall"]> = {};
        if (c.syscallName) syscall.name = `${c.syscallName}_${i}`;
        if (c.rename && members[0] && c.dir !== "none")
          syscall.rename = { [members[0].name!]: `${members[0].name}_arg` };
        if (c.order && members.length > 1) syscall.order = [members[members.length - 1]!.name!, "fd"];
        if (c.flow && members[0]) cmd.flow = { [members[0].name!]: "inout" };
        if (c.remedy) syscall.remedy = c.remedy;
        if (Object.keys(syscall).length) cmd.syscall = { ...syscall, doc: c.doc };
        return cmd;
      });
      return base;
    });
}

/** Every string of a document (values and the keys of free-form maps), as paths. */
function stringSlots(doc: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    if (typeof v === "string") out.push(p);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (p[p.length - 1] === "rename" || p[p.length - 1] === "flow")
          out.push([...p, { key: k } as unknown as string]);
        walk(x, [...p, k]);
      }
    }
  };
  walk(doc, []);
  return out;
}

function plant(doc: SpecDocument, slot: (string | number)[], value: string, mode: "replace" | "append"): void {
  let o = doc as unknown as Record<string | number, unknown>;
  for (const k of slot.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const last = slot[slot.length - 1]!;
  if (typeof last === "object") {
    // A map key: move the entry to the hostile key.
    const old = (last as { key: string }).key;
    const v = o[old];
    delete o[old];
    Object.defineProperty(o, value, { value: v, enumerable: true, writable: true, configurable: true });
    return;
  }
  o[last] = mode === "append" ? `${o[last] as string}${value}` : value;
}

const nameKey = (slot: (string | number)[]) =>
  ["name", "tag", "mask", "flags", "enum", "count", "errno", "magic"].includes(String(slot[slot.length - 1])) ||
  slot.includes("rename") ||
  slot.includes("order");
const pathKey = (slot: (string | number)[]) => slot[slot.length - 1] === "header";
const typeKey = (slot: (string | number)[]) => ["type", "to", "arg"].includes(String(slot[slot.length - 1]));

/** A document with 0..3 hostile strings planted; `names` also reuses names of the document itself (clashes). */
export function arbHostileDoc(): fc.Arbitrary<{ doc: SpecDocument; planted: string[] }> {
  return fc
    .tuple(
      arbFullDoc(),
      fc.array(
        fc.tuple(fc.nat(), fc.nat(), fc.constantFrom<"replace" | "append">("replace", "replace", "append"), fc.nat(9)),
        { maxLength: 3 },
      ),
    )
    .map(([base, muts]) => {
      // Plant into a copy: fast-check reuses the generated values while shrinking.
      const doc = structuredClone(base);
      const planted: string[] = [];
      for (const [slotPick, valuePick, mode, kind] of muts) {
        const slots = stringSlots(doc);
        if (!slots.length) break;
        const slot = slots[slotPick % slots.length]!;
        const own = slots
          .filter(nameKey)
          .map((s) =>
            s.reduce<unknown>(
              (o, k) =>
                typeof k === "object" ? (k as { key: string }).key : (o as Record<string, unknown>)[k as string],
              doc,
            ),
          )
          .filter((x): x is string => typeof x === "string");
        const pool =
          kind < 2 && own.length
            ? own
            : nameKey(slot)
              ? kind < 7
                ? HOSTILE_NAMES
                : HOSTILE_TEXTS
              : pathKey(slot)
                ? kind < 7
                  ? HOSTILE_PATHS
                  : HOSTILE_TEXTS
                : typeKey(slot)
                  ? kind < 6
                    ? HOSTILE_TYPES
                    : [...HOSTILE_NAMES.map((n) => `struct ${n}`), ...HOSTILE_TEXTS]
                  : HOSTILE_TEXTS;
        const value = pool[valuePick % pool.length]!;
        plant(doc, slot, value, nameKey(slot) ? "replace" : mode);
        const where = slot.map((k) => (typeof k === "object" ? `{key ${(k as { key: string }).key}}` : k));
        planted.push(`${where.join(".")} <- ${JSON.stringify(value)}`);
      }
      return { doc, planted };
    });
}

/** YAML text for a document (falls back to JSON, itself YAML, when a string does not survive the round trip). */
export function toText(doc: SpecDocument): string {
  const yaml = stringify(doc, { lineWidth: 0 });
  try {
    if (JSON.stringify(parse(yaml)) === JSON.stringify(doc)) return yaml;
  } catch {
    /* fall through */
  }
  return JSON.stringify(doc, null, 1);
}
