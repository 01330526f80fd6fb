/* `uapi ioctl`: take a raw ioctl request number apart on every encoding family and name the command it is. */
import path from "node:path";
import { commandNumber, hex32 } from "../../core/ioctl-numbers.js";
import { ABIS } from "../../spec/abis.js";
import { IOC_FAMILIES, iocDecode, iocMacro, type IocFamilyName } from "../../runtime/ioc.js";
import { oneOf, parse } from "../args.js";
import { loadSpecs, type Command } from "../command.js";
import { EXIT, paint, UsageError, type Io } from "../io.js";

const HELP = `usage: uapi ioctl NUMBER [SPEC...] [--format text|json]

Decode an ioctl request number (hex such as 0xC0509640, or decimal) the way
_IOC_DIR/_IOC_TYPE/_IOC_NR/_IOC_SIZE would on each _IOC encoding family
(generic; alpha/mips/powerpc/sparc; parisc), and name every command of the
loaded specs whose number it is, with the ABIs on which it is.  With no
SPEC, the bundled specs in spec/ are searched.

In JSON: {"number", "families":[{"family","abis","dir","type","nr","size",
"valid","macro"}], "matches":[{"command","interface","spec","abis"}]}.

options:
  --format FMT   text (default) or json
  -h, --help     this help

exit codes: 0 a command matches, 1 no command of the specs has this number,
2 bad input (not a 32-bit number, bad spec), 3 internal error
`;

function parseNumber(text: string): number {
  const t = text.trim().replace(/_/g, "");
  if (!/^(0x[0-9a-f]+|0o?[0-7]+|0b[01]+|[1-9][0-9]*|0)$/i.test(t)) throw new UsageError(`'${text}' is not a number; give hex (0xC0509640) or decimal`);
  const n = Number(/^0[0-7]+$/.test(t) ? `0o${t.slice(1)}` : t);
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) throw new UsageError(`'${text}' does not fit in 32 bits`);
  return n;
}

const charOf = (type: number) => (type >= 0x20 && type < 0x7f && type !== 0x27 && type !== 0x5c ? `'${String.fromCharCode(type)}'` : `0x${type.toString(16).toUpperCase()}`);

export const ioctlCommand: Command = {
  name: "ioctl",
  summary: "decode a raw ioctl request number and name its command",
  help: HELP,
  async run(argv, io: Io) {
    const { values, positionals } = parse(argv, { format: { type: "string" } });
    if (values.help) return io.out(HELP), EXIT.OK;
    const format = oneOf("format", values.format as string | undefined, ["text", "json"] as const, "text");
    if (positionals.length < 1) throw new UsageError("give the request NUMBER");
    const number = parseNumber(positionals[0]!);
    const models = loadSpecs(positionals.slice(1));

    const families = (Object.keys(IOC_FAMILIES) as IocFamilyName[]).map((family) => {
      const f = iocDecode(IOC_FAMILIES[family], number);
      return {
        family, abis: ABIS.filter((a) => a.ioc === family).map((a) => a.id), ...f,
        macro: f.dir === "none" && f.size === 0 ? `_IO(${charOf(f.type)}, 0x${f.nr.toString(16).toUpperCase()})` : `_IOC(${f.dir}, ${charOf(f.type)}, 0x${f.nr.toString(16).toUpperCase()}, ${f.size}) = ${iocMacro(f.dir)}(${charOf(f.type)}, 0x${f.nr.toString(16).toUpperCase()}, <${f.size}-byte type>)`,
      };
    });
    const matches = models.flatMap((model) => model.interfaces.flatMap((ifc) => ifc.commands.flatMap((cmd) => {
      const abis = ABIS.filter((abi) => commandNumber(cmd, abi).value === number).map((a) => a.id);
      return abis.length ? [{ command: cmd.spec.name, interface: ifc.spec.name, ...(ifc.spec.variant ? { variant: ifc.spec.variant } : {}), spec: path.basename(model.file), abis }] : [];
    })));

    if (format === "json") {
      io.out(JSON.stringify({ number: hex32(number), families, matches }, null, 2) + "\n");
    } else {
      let out = `${paint(io, "bold", hex32(number))}\n`;
      for (const f of families) {
        out += `  ${f.family.padEnd(20)}  dir=${f.dir.padEnd(9)} type=${charOf(f.type).padEnd(4)} nr=0x${f.nr.toString(16).toUpperCase().padStart(2, "0")} size=${String(f.size).padEnd(5)}${f.valid ? "" : " (dir bits no _IO* macro produces)"}  ${f.macro}\n`;
        out += `  ${"".padEnd(20)}  on ${f.abis.join(", ")}\n`;
      }
      if (matches.length === 0) out += `no command of ${models.map((m) => path.basename(m.file)).join(", ")} has this number on any ABI\n`;
      for (const m of matches) {
        const all = m.abis.length === ABIS.length ? `all ${ABIS.length} ABIs` : m.abis.join(", ");
        out += `${paint(io, "green", m.command)}  (interface ${m.interface}${"variant" in m ? `, variant ${m.variant}` : ""}, ${m.spec}) on ${all}\n`;
      }
      io.out(out);
    }
    return matches.length ? EXIT.OK : EXIT.FINDINGS;
  },
};
