/* `uapi encode`: a struct value (JSON) to the bytes it has on an ABI, refusing what the kernel would reject. */
import { CodecError, toHex } from "../../runtime/index.js";
import {
  JSON_MAX_DEPTH,
  jsonToValue,
  JsonShapeError,
  JsonSyntaxError,
  parseJson,
  type JsonValue,
} from "../../generators/codec-json.js";
import { oneOf, parse } from "../args.js";
import type { Command } from "../command.js";
import { EXIT, UsageError, type Io } from "../io.js";
import { openProject } from "../project.js";
import { CODEC_OPTIONS, findTarget, INPUT_CAP, oneAbi, readArg, splitPositionals } from "./codec-shared.js";

const HELP = `usage: uapi encode [SPEC] STRUCT --abi ABI JSON|@FILE [--format hex|json] [--config FILE]

Encode a value of STRUCT as it is laid out on ABI and print its bytes as
hex.  JSON is an object with the struct's members (as 'uapi decode' prints
them): integers as numbers or strings ("42", "0xff", "-1"), byte arrays as
hex strings, nested structs as objects.  Integer numbers are taken exactly,
also beyond 2^53 (9007199254740993 stays 9007199254740993).  @FILE reads
the JSON from FILE (@- for stdin), at most ${INPUT_CAP / 1048576} MiB.  The JSON is read
strictly: duplicate members and nesting deeper than ${JSON_MAX_DEPTH} levels are
errors, reported with line and column.

Members with a flag set, an enum or special values also take names:
  flags   one name, or an array of names and numbers OR'd together:
          "flags": ["PEEK", "BUS1_RECV_FLAG_INSTALL_FDS", 8]
  enum    the enumerator: "type": "BUS1_MSG_DATA" (or "DATA")
  special the special value's name: "max_slices": "BUS1_LIMIT_UNCHANGED"
A flag or enumerator is named in full or without the prefix its set
shares (BUS1_RECV_FLAG_PEEK or PEEK); a full name wins over a short one.
An unknown name is an error naming the member and what it accepts.

Padding and reserved bytes are written as zero.  Values the kernel would
reject are refused: a number that does not fit its field (a negative value
in a __u32, more than 64 bits), unknown flag bits, unknown enum values,
non-zero reserved fields, unknown member names.  A union value gives exactly
one of its members (decode shows every member's view; keep one of them);
reserved members may be left out (they are zero).

With no SPEC, STRUCT is looked up in the specs of the project configuration
(uapi.config.json); --interface picks one when several interfaces have it.

options:
  --abi ABI           the ABI to lay the struct out for (required)
  --interface NAME    the interface holding STRUCT
  --format FMT        hex (default) or json ({"struct","abi","size","hex"})
  --config FILE       the project configuration (default: the nearest uapi.config.json,
                      or package.json "uapi" key, in or above the working directory)
  -h, --help          this help

exit codes: 0 encoded, 2 bad input (a value the kernel would reject, bad
JSON, unknown struct/ABI, bad spec), 3 internal error
`;

export const encodeCommand: Command = {
  name: "encode",
  help: HELP,
  async run(argv, io: Io) {
    const { values, positionals } = parse(argv, CODEC_OPTIONS);
    if (values.help) return (io.out(HELP), EXIT.OK);
    const format = oneOf("format", values.format as string | undefined, ["hex", "json"] as const, "hex");
    const { specFiles, struct, data } = splitPositionals(positionals, "encode");
    const abi = oneAbi(values.abi);
    const text = readArg(data, false);
    let json: JsonValue;
    try {
      json = parseJson(text);
    } catch (e) {
      if (e instanceof JsonSyntaxError) throw new UsageError(`the value is not valid JSON: ${e.message}`);
      throw e;
    }
    const target = findTarget(specFiles, struct, abi, values.interface as string | undefined, openProject(values));
    if (target.note) io.err(target.note);
    let bytes: Uint8Array;
    try {
      bytes = target.codec.encode(jsonToValue(json, target.plan.root));
    } catch (e) {
      if (e instanceof JsonShapeError || e instanceof CodecError) {
        io.err(`uapi encode: ${e.message}\n`);
        return EXIT.BAD_INPUT;
      }
      throw e;
    }
    io.out(
      format === "hex"
        ? `${toHex(bytes)}\n`
        : JSON.stringify({ struct: target.codec.name, abi: abi.id, size: bytes.length, hex: toHex(bytes) }, null, 2) +
            "\n",
    );
    return EXIT.OK;
  },
};
