/* `uapi decode`: bytes to a struct value (JSON) or an annotated byte dump, with the kernel's strictness rules. */
import { CodecError, fromHex, HexError, type CodecWarning } from "../../runtime/index.js";
import { dumpLines, namesToJson, valueToJson } from "../../generators/codec-json.js";
import { oneOf, parse } from "../args.js";
import type { Command } from "../command.js";
import { EXIT, paint, UsageError, type Io } from "../io.js";
import { openProject } from "../project.js";
import { CODEC_OPTIONS, findTarget, INPUT_CAP, oneAbi, readArg, splitPositionals } from "./codec-shared.js";

const HELP = `usage: uapi decode [SPEC] STRUCT --abi ABI HEX|@FILE [--format json|dump] [--lenient]
                   [--config FILE]

Decode the bytes of STRUCT as laid out on ABI, with the codec generated from
the spec.  HEX is two hex digits per byte; whitespace may separate bytes
(never split one), and the whole input may start with one 0x.  Anything
else (':', a 0x further on, an odd digit count) is refused with its offset.
@FILE reads raw bytes from FILE (@- for stdin), at most ${INPUT_CAP / 1048576} MiB.
Bytes after the struct are ignored.

Strict by default, like the kernel: a short buffer, non-zero padding or
reserved bytes, unknown flag bits and unknown enum values are errors.
--lenient reports them as warnings and decodes anyway (a short buffer is
still an error).

In JSON, 64-bit and ABI-sized integers are decimal strings and byte arrays
are hex strings; "names" gives, per member path ("msg.type",
"vecs[2].flags"), the names of flag, enum and special values:
{"kind": "flags"|"enum"|"special", "names": [...], "unknown": "0x8"}
("unknown": flag bits no name covers, or an enum value without a name).
--format dump prints one line per member and per padding run: offset,
size, bytes, member, C type and value, with the names after "=":
  5 (0x5) = BUS1_RECV_FLAG_PEEK | BUS1_RECV_FLAG_INSTALL_FDS
Integers are decimal (signed members negative), then their bits in hex at
the member's own width: -1 is (0xff) in a __s8, (0x1f) in a 5-bit field.

With no SPEC, the specs of the project configuration (uapi.config.json) are
searched; when STRUCT is in several interfaces the primary one is used
unless --interface names one.

options:
  --abi ABI           the ABI the bytes come from (required), e.g. x86_64, i386
  --interface NAME    the interface holding STRUCT
  --format FMT        json (default) or dump
  --lenient           report rule violations as warnings instead of failing
  --config FILE       the project configuration (default: the nearest uapi.config.json,
                      or package.json "uapi" key, in or above the working directory)
  -h, --help          this help

exit codes: 0 decoded, 1 the bytes break a rule or are too short,
2 bad input (usage, unknown struct/ABI, bad hex, bad spec), 3 internal error
`;

export const decodeCommand: Command = {
  name: "decode",
  help: HELP,
  async run(argv, io: Io) {
    const { values, positionals } = parse(argv, { ...CODEC_OPTIONS, lenient: { type: "boolean" } });
    if (values.help) return (io.out(HELP), EXIT.OK);
    const format = oneOf("format", values.format as string | undefined, ["json", "dump"] as const, "json");
    const { specFiles, struct, data } = splitPositionals(positionals, "decode");
    const abi = oneAbi(values.abi);
    let bytes: Uint8Array;
    if (data.startsWith("@")) bytes = readArg(data, true);
    else {
      try {
        bytes = fromHex(data);
      } catch (e) {
        if (e instanceof HexError)
          throw new UsageError(
            `bad hex: ${e.message}; ` +
              "give two hex digits per byte (whitespace between bytes and one leading 0x allowed) or @FILE",
          );
        throw e;
      }
    }
    const target = findTarget(specFiles, struct, abi, values.interface as string | undefined, openProject(values));
    if (target.note) io.err(target.note);
    const warnings: CodecWarning[] = [];
    let value: unknown;
    try {
      value = target.codec.decode(bytes, 0, values.lenient ? warnings : undefined);
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      io.err(`uapi decode: ${e.message}\n`);
      if (e.kind !== "truncated") io.err(`(use --lenient to decode anyway)\n`);
      return EXIT.FINDINGS;
    }
    for (const w of warnings)
      io.err(
        `${paint(io, "yellow", "warning")}: ${w.struct}${w.field ? `, ${w.field}` : ""} ` +
          `at offset ${w.offset}: ${w.reason}\n`,
      );
    if (format === "json") {
      io.out(
        JSON.stringify(
          {
            struct: target.codec.name,
            abi: abi.id,
            interface: target.ifc.spec.name,
            size: target.codec.size,
            value: valueToJson(value, target.plan.root),
            names: namesToJson(target.plan, value),
            warnings,
          },
          null,
          2,
        ) + "\n",
      );
    } else {
      const lines = dumpLines(target.plan, value, bytes.subarray(0, target.codec.size));
      // Plain loops, no Math.max(...spread): a struct can have a million lines.
      let [wn, wt, wh] = [0, 0, 0];
      for (const l of lines) {
        wn = Math.max(wn, l.name.length);
        wt = Math.max(wt, l.ctype.length);
        wh = Math.max(wh, Math.min(l.hex.length, 24));
      }
      const parts: string[] = [
        `${target.codec.name} on ${abi.id}: ${target.codec.size} bytes, align ${target.codec.align}\n`,
      ];
      parts.push(
        `  ${"off".padStart(4)} ${"size".padStart(4)}  ` +
          `${"bytes".padEnd(wh)}  ${"member".padEnd(wn)}  ${"type".padEnd(wt)}  value\n`,
      );
      for (const l of lines) {
        const hex = l.hex.length > 24 || l.size * 2 > l.hex.length ? l.hex.slice(0, 21) + "..." : l.hex;
        const flag = l.value === "NON-ZERO" ? paint(io, "red", l.value) : l.value;
        parts.push(
          `  ${String(l.offset).padStart(4)} ${String(l.size).padStart(4)}  ` +
            `${hex.padEnd(wh)}  ${l.name.padEnd(wn)}  ${l.ctype.padEnd(wt)}  ` +
            `${flag}${l.names ? ` = ${l.names}` : ""}${l.bits ? `  /* ${l.bits} */` : ""}\n`,
        );
      }
      for (const f of target.plan.flexible)
        parts.push(`  (flexible array ${f.path}: elements of ${f.elementSize} bytes follow the struct; not decoded)\n`);
      if (warnings.length) parts.push(`  ${warnings.length} warning${warnings.length === 1 ? "" : "s"}\n`);
      io.out(parts.join(""));
    }
    return EXIT.OK;
  },
};
