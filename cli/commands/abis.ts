/* `uapi abis`: the ABI table, as text or JSON. */
import { ABIS } from "../../spec/abis.js";
import { parse, oneOf, selectAbis } from "../args.js";
import type { Command } from "../command.js";
import { EXIT } from "../io.js";

const HELP = `usage: uapi abis [--abi ID,...] [--format text|json]

List the Linux ABIs the workbench models, with their facts: byte order,
char signedness, size/alignment of every C scalar class, struct granule,
bit-field rules, _IOC encoding family and syscall argument model, and where
each figure comes from.

options:
  --abi ID,...      only these ABIs (default: all ${ABIS.length})
  --format FMT      text (default) or json
  -h, --help        this help

exit codes: 0 ok, 2 bad arguments
`;

export const abisCommand: Command = {
  name: "abis",
  help: HELP,
  async run(argv, io) {
    const { values } = parse(argv, { abi: { type: "string", multiple: true }, format: { type: "string" } });
    if (values.help) return (io.out(HELP), EXIT.OK);
    const format = oneOf("format", values.format as string | undefined, ["text", "json"] as const, "text");
    const abis = selectAbis(values.abi as string[] | undefined);
    if (format === "json") {
      io.out(JSON.stringify({ abis }, null, 2) + "\n");
      return EXIT.OK;
    }
    const sa = (x: { size: number; align: number }) => `${x.size}/${x.align}`;
    const rows = abis.map((a) => [
      a.id,
      a.endian === "little" ? "LE" : "BE",
      a.charSigned ? "signed" : "unsigned",
      sa(a.scalars.long),
      sa(a.scalars.ptr),
      sa(a.scalars.llong),
      sa(a.scalars.double),
      sa(a.scalars.ldouble),
      `${a.minStructAlign}`,
      a.bitfields.typeMatters ? "typed" : "packed",
      a.ioc,
      `${a.syscall.pairs}${a.syscall.maxSlots > a.syscall.slots ? ` (<=${a.syscall.maxSlots})` : ""}`,
    ]);
    const head = [
      "abi",
      "endian",
      "char",
      "long",
      "ptr",
      "u64",
      "double",
      "ldouble",
      "min-align",
      "bitfields",
      "_IOC family",
      "64-bit syscall args",
    ];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd() + "\n";
    io.out(
      line(head) +
        rows.map(line).join("") +
        '\nsize/align in bytes; align is the in-struct alignment. Sources: uapi abis --format json (field "source").\n',
    );
    return EXIT.OK;
  },
};
