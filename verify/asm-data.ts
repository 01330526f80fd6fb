/*
 * Reading initialised data back out of GCC assembly (`-S`): the bytes each
 * label's data directives produce.  GCC spells data differently per target
 * (.long/.word/.4byte, .zero/.space/.skip, and `.word` is 2 bytes on some
 * targets and 4 on others), so every probe carries CALIBRATION_SOURCE: two
 * constants (0x0102, 0x01020304) and a packed struct with unaligned members
 * that tell which directive is which size on this target.
 */
import { cInteger, toolName } from "../core/c-writer.js";

const CAL16 = toolName("cal16");
const CAL32 = toolName("cal32");
const CALU = toolName("calu");

/** The calibration data a probe must define for dataReader. */
export const CALIBRATION_SOURCE = [
  `const unsigned short ${CAL16} = 0x0102;`,
  `const unsigned int ${CAL32} = 0x01020304;`,
  `const struct __attribute__((packed)) { char c; unsigned short h; unsigned int w; unsigned long long q; } ${CALU} =`,
  `\t{ 1, 0x0102, 0x01020304, ${cInteger(0x0102030405060708n)} };`,
].join("\n");

const FIXED: Record<string, number> = {
  ".byte": 1,
  ".1byte": 1,
  ".short": 2,
  ".half": 2,
  ".hword": 2,
  ".value": 2,
  ".2byte": 2,
  ".long": 4,
  ".int": 4,
  ".4byte": 4,
  ".quad": 8,
  ".8byte": 8,
  ".dword": 8,
  ".xword": 8,
};
const FILL = new Set([".zero", ".space", ".skip"]);
/** `.stringz` is the PA-RISC assembler's NUL-terminated string (GCC for hppa writes data ending in 0 with it). */
const STRING = new Set([".ascii", ".string", ".asciz", ".stringz"]);
/** Directives the reader passes over: alignment, symbol attributes, sections, common symbols, .ident/.file/.loc. */
const SKIPPED = new Set([
  ".align",
  ".p2align",
  ".balign",
  ".type",
  ".size",
  ".globl",
  ".global",
  ".local",
  ".section",
  ".data",
  ".text",
  ".bss",
  ".previous",
  ".weak",
  ".hidden",
  ".comm",
  ".lcomm",
  ".ident",
  ".file",
  ".loc",
]);

interface Directive {
  name: string;
  args: string;
}

/** Data directives following each label, up to the next label. */
export function labelledDirectives(asm: string): Map<string, Directive[]> {
  const out = new Map<string, Directive[]>();
  let current: Directive[] | undefined;
  for (const raw of asm.split("\n")) {
    const line = raw.replace(/\s[#!;|@]\s.*$/, "").trimEnd();
    const label = /^([A-Za-z_.$][\w.$]*):/.exec(line);
    if (label) {
      current = [];
      out.set(label[1]!, current);
      continue;
    }
    const d = /^\s+(\.[A-Za-z0-9_]+)\s*(.*)$/.exec(line);
    if (d && current) current.push({ name: d[1]!, args: d[2]!.trim() });
  }
  return out;
}

function parseNumber(s: string): bigint {
  const t = s.trim();
  if (/^-?0x[0-9a-f]+$/i.test(t)) return t.startsWith("-") ? -BigInt(t.slice(1)) : BigInt(t);
  if (/^-?\d+$/.test(t)) return BigInt(t);
  throw new Error(`cannot read assembler operand '${s}'`);
}

function splitArgs(args: string): string[] {
  return args
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);
}

function unquote(s: string): number[] {
  const body = /^"(.*)"$/.exec(s.trim());
  if (!body) throw new Error(`cannot read string operand ${s}`);
  const out: number[] = [];
  const text = body[1]!;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "\\") {
      out.push(text.charCodeAt(i));
      continue;
    }
    const oct = /^[0-7]{1,3}/.exec(text.slice(i + 1));
    if (oct) {
      out.push(parseInt(oct[0], 8));
      i += oct[0].length;
      continue;
    }
    const esc = text[++i]!;
    out.push(
      ({ n: 10, t: 9, r: 13, b: 8, f: 12, '"': 34, "\\": 92 } as Record<string, number>)[esc] ?? esc.charCodeAt(0),
    );
  }
  return out;
}

export interface DataReader {
  /** The bytes emitted under `label`. */
  bytes(label: string): Uint8Array;
  /** Little-endian or big-endian unsigned 32-bit words under `label`. */
  words32(label: string): number[];
}

/** A reader for one assembly file; `endian` orders the bytes of multi-byte directives. */
export function dataReader(asm: string, endian: "little" | "big"): DataReader {
  const labels = labelledDirectives(asm);
  const sizes: Record<string, number> = { ...FIXED };
  // Calibrate: the directive that holds 0x0102 is 2 bytes wide, 0x01020304 4, 0x0102030405060708 8.  Covers
  // `.word` (2 or 4 bytes by target) and the unaligned ones GCC uses in packed data (.uahalf/.uaword/.uaxword on
  // sparc, .uaword/.ualong/.uaquad on sh -- where `.uaword` is 2 bytes, on sparc 4).
  const MARKS = new Map<bigint, number>([
    [0x0102n, 2],
    [0x01020304n, 4],
    [0x0102030405060708n, 8],
  ]);
  for (const label of [CAL16, CAL32, CALU]) {
    for (const d of labels.get(label) ?? []) {
      if (FILL.has(d.name) || STRING.has(d.name)) continue;
      for (const a of splitArgs(d.args)) {
        const size = /^-?(0x[0-9a-f]+|\d+)$/i.test(a) ? MARKS.get(parseNumber(a)) : undefined;
        if (size !== undefined) sizes[d.name] = size;
      }
    }
  }
  const bytes = (label: string): Uint8Array => {
    const ds = labels.get(label);
    if (!ds) throw new Error(`no data for '${label}' in the assembly`);
    const out: number[] = [];
    for (const d of ds) {
      if (FILL.has(d.name)) {
        const [n, fill] = splitArgs(d.args).map(parseNumber);
        for (let i = 0n; i < n!; i++) out.push(Number(fill ?? 0n) & 0xff);
      } else if (STRING.has(d.name)) {
        out.push(...unquote(d.args));
        if (d.name !== ".ascii") out.push(0);
      } else if (sizes[d.name] !== undefined) {
        const size = sizes[d.name]!;
        for (const a of splitArgs(d.args)) {
          let v = BigInt.asUintN(size * 8, parseNumber(a));
          const le: number[] = [];
          for (let i = 0; i < size; i++, v >>= 8n) le.push(Number(v & 0xffn));
          out.push(...(endian === "little" ? le : le.reverse()));
        }
      } else if (SKIPPED.has(d.name)) {
        continue;
      } else {
        throw new Error(`unknown data directive '${d.name}' under '${label}'`);
      }
    }
    return Uint8Array.from(out);
  };
  return {
    bytes,
    words32(label) {
      const b = bytes(label);
      const out: number[] = [];
      for (let i = 0; i + 4 <= b.length; i += 4) {
        const w =
          endian === "little"
            ? b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)
            : (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
        out.push(w >>> 0);
      }
      return out;
    },
  };
}

/**
 * Which bits are set in a byte image, as allocation-order bit indices: on a
 * little-endian ABI bit k of byte n is n*8+k (LSB first), on a big-endian one
 * n*8+(7-k) (MSB first) -- the order GCC allocates bit-fields in (abi-facts §0 rule 6).
 */
export function setBits(image: Uint8Array, endian: "little" | "big"): number[] {
  const out: number[] = [];
  image.forEach((byte, n) => {
    for (let k = 0; k < 8; k++) if (byte & (1 << k)) out.push(n * 8 + (endian === "little" ? k : 7 - k));
  });
  return out.sort((a, b) => a - b);
}
