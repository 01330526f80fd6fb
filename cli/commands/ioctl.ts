/* `uapi ioctl`: take a raw ioctl request number apart on every encoding family and name the command it is. */
import path from "node:path";
import { commandNumber, hex32 } from "../../core/ioctl-numbers.js";
import { ABIS } from "../../spec/abis.js";
import { IOC_FAMILIES, iocDecode, iocMacro, type IocFamilyName } from "../../runtime/ioc.js";
import { oneOf, parse, PROJECT_OPTIONS } from "../args.js";
import type { Command } from "../command.js";
import { findProjectConfig } from "../../spec/config-find.js";
import { EXIT, paint, UsageError, type Io } from "../io.js";

const HELP = `usage: uapi ioctl NUMBER [SPEC...] [--format text|json] [--config FILE]

Decode an ioctl request number (hex such as 0xC0509640, or decimal; also
0b binary, 0o or C-style leading-0 octal, '_' between digits) the way
_IOC_DIR/_IOC_TYPE/_IOC_NR/_IOC_SIZE would on each _IOC encoding family
(generic; alpha/mips/powerpc/sparc; parisc), and name every command of the
loaded specs whose number it is, with the ABIs on which it is.  With no
SPEC, the specs of the project configuration (uapi.config.json) are
searched; with neither, the number is only taken apart.

In JSON: {"number", "families":[{"family","abis","dir","type","nr","size",
"valid","macro"}], "matches":[{"command","interface","spec","abis"}]}.

options:
  --format FMT   text (default) or json
  --config FILE  the project configuration (default: the nearest uapi.config.json,
                 or package.json "uapi" key, in or above the working directory)
  -h, --help     this help

exit codes: 0 a command matches (or no spec was searched), 1 no command of
the specs has this number,
2 bad input (not a 32-bit number, bad spec), 3 internal error
`;

/** The forms of a request number, one named group per base; c8 is C's octal with a leading 0. */
const REQUEST_NUMBER = new RegExp(
  "^(" +
    [
      "0[xX](?<hex>[0-9a-fA-F_]+)",
      "0[bB](?<bin>[01_]+)",
      "0[oO](?<oct>[0-7_]+)",
      "(?<c8>0[0-7_]+)",
      "(?<dec>[1-9][0-9_]*|0)",
    ].join("|") +
    ")$",
);

/**
 * A request number exactly as written: hex (0x...), binary (0b...), octal
 * (0o... or a leading 0, as in C) or decimal, '_' allowed between digits,
 * optional surrounding whitespace.  Parsed as a bigint, so nothing is
 * rounded: anything outside 0..0xFFFFFFFF, a sign, a fraction, an exponent
 * or a stray character is refused with a message saying which.
 */
export function parseRequestNumber(text: string): number {
  const t = text.trim();
  const bad = (why: string) =>
    new UsageError(
      `'${text.length > 60 ? `${text.slice(0, 57)}...` : text}' is not a request number: ${why}; ` +
        "give an unsigned 32-bit number in hex (0xC0509640) or decimal (3226506816)",
    );
  if (t === "") throw bad("it is empty");
  if (t.startsWith("-")) throw bad("it is negative");
  if (t.startsWith("+")) throw bad("no sign is allowed");
  const m = REQUEST_NUMBER.exec(t);
  if (!m?.groups) {
    if (/^0[xXbBoO]$/.test(t)) throw bad(`'${t}' needs digits after it`);
    if (/^0[0-9_]+$/.test(t)) throw bad("a leading 0 means octal (as in C), and 8 and 9 are no octal digits");
    if (/^[0-9_]*[.eE]/.test(t)) throw bad("fraction and exponent notation is not accepted");
    const i = [...t].findIndex(
      (ch, k) => !/[0-9a-fA-F_]/.test(ch) && !(k === 1 && /[xXbBoO]/.test(ch) && t[0] === "0"),
    );
    throw bad(
      i >= 0 ? `${JSON.stringify([...t][i])} at offset ${i} does not belong in a number` : "it is not a number",
    );
  }
  const g = m.groups;
  const digits = (g.hex ?? g.bin ?? g.oct ?? g.c8 ?? g.dec)!;
  if (/^_|_$|__/.test(digits)) throw bad("'_' may only separate digits");
  const clean = digits.replace(/_/g, "");
  if (clean.length > 64) throw bad("far more than 32 bits");
  const value =
    g.hex !== undefined
      ? BigInt(`0x${clean}`)
      : g.bin !== undefined
        ? BigInt(`0b${clean}`)
        : g.oct !== undefined || g.c8 !== undefined
          ? BigInt(`0o${clean}`)
          : BigInt(clean);
  if (value > 0xffffffffn) throw bad(`${value} is more than 32 bits (largest 0xFFFFFFFF = 4294967295)`);
  return Number(value);
}

const charOf = (type: number) =>
  type >= 0x20 && type < 0x7f && type !== 0x27 && type !== 0x5c
    ? `'${String.fromCharCode(type)}'`
    : `0x${type.toString(16).toUpperCase()}`;

export const ioctlCommand: Command = {
  name: "ioctl",
  help: HELP,
  async run(argv, io: Io) {
    // `uapi ioctl -1` would otherwise read as an unknown option: say what is wrong with the number.
    const negative = argv.find((a) => /^-[0-9.]/.test(a));
    if (negative !== undefined) parseRequestNumber(negative);
    const { values, positionals } = parse(argv, { format: { type: "string" }, ...PROJECT_OPTIONS });
    if (values.help) return (io.out(HELP), EXIT.OK);
    const format = oneOf("format", values.format as string | undefined, ["text", "json"] as const, "text");
    if (positionals.length < 1) throw new UsageError("give the request NUMBER");
    const number = parseRequestNumber(positionals[0]!);
    const named = positionals.slice(1);
    // The spec loader is loaded only when there are specs to search: taking a number apart needs none of it.
    const searched = named.length > 0 || values.config !== undefined || findProjectConfig(process.cwd()) !== undefined;
    const { openProject, loadProjectSpecs } = searched ? await import("../project.js") : {};
    const project = openProject?.(values);
    const models = loadProjectSpecs && (named.length || project) ? loadProjectSpecs(named, project) : [];

    const families = (Object.keys(IOC_FAMILIES) as IocFamilyName[]).map((family) => {
      const f = iocDecode(IOC_FAMILIES[family], number);
      return {
        family,
        abis: ABIS.filter((a) => a.ioc === family).map((a) => a.id),
        ...f,
        macro:
          f.dir === "none" && f.size === 0
            ? `_IO(${charOf(f.type)}, 0x${f.nr.toString(16).toUpperCase()})`
            : `_IOC(${f.dir}, ${charOf(f.type)}, 0x${f.nr.toString(16).toUpperCase()}, ${f.size}) = ` +
              `${iocMacro(f.dir)}(${charOf(f.type)}, 0x${f.nr.toString(16).toUpperCase()}, <${f.size}-byte type>)`,
      };
    });
    const matches = models.flatMap((model) =>
      model.interfaces.flatMap((ifc) =>
        ifc.commands.flatMap((cmd) => {
          const abis = ABIS.filter((abi) => commandNumber(cmd, abi).value === number).map((a) => a.id);
          return abis.length
            ? [
                {
                  command: cmd.spec.name,
                  interface: ifc.spec.name,
                  ...(ifc.spec.variant ? { variant: ifc.spec.variant } : {}),
                  spec: path.basename(model.file),
                  abis,
                },
              ]
            : [];
        }),
      ),
    );

    if (format === "json") {
      io.out(JSON.stringify({ number: hex32(number), families, matches }, null, 2) + "\n");
    } else {
      let out = `${paint(io, "bold", hex32(number))}\n`;
      for (const f of families) {
        out +=
          `  ${f.family.padEnd(20)}  dir=${f.dir.padEnd(9)} type=${charOf(f.type).padEnd(4)} ` +
          `nr=0x${f.nr.toString(16).toUpperCase().padStart(2, "0")} size=${String(f.size).padEnd(5)}` +
          `${f.valid ? "" : " (dir bits no _IO* macro produces)"}  ${f.macro}\n`;
        out += `  ${"".padEnd(20)}  on ${f.abis.join(", ")}\n`;
      }
      if (models.length === 0) out += "no spec searched: name one, or run in a project with uapi.config.json\n";
      else if (matches.length === 0)
        out += `no command of ${models.map((m) => path.basename(m.file)).join(", ")} has this number on any ABI\n`;
      for (const m of matches) {
        const all = m.abis.length === ABIS.length ? `all ${ABIS.length} ABIs` : m.abis.join(", ");
        out +=
          `${paint(io, "green", m.command)}  ` +
          `(interface ${m.interface}${"variant" in m ? `, variant ${m.variant}` : ""}, ${m.spec}) on ${all}\n`;
      }
      io.out(out);
    }
    return matches.length || models.length === 0 ? EXIT.OK : EXIT.FINDINGS;
  },
};
