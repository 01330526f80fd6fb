/* `uapi compare`: the ioctl-vs-syscall ergonomics report for each spec. */
import { buildReport } from "../../syscall/report-data.js";
import { renderHtml, renderJson, renderMarkdown } from "../../generators/report.js";
import { oneOf, parse } from "../args.js";
import type { Command } from "../command.js";
import { loadProjectSpecs, openProject, projectAbis, PROJECT_OPTIONS } from "../project.js";
import { EXIT } from "../io.js";

const HELP = `usage: uapi compare [SPEC...] [--format md|html|json] [--abi ID,...] [--config FILE]

For every ioctl command, side by side: the ioctl form and its syscall form
(C prototypes), argument slots per ABI class (64-bit values take two slots,
even-aligned on arm EABI, mips o32, powerpc32, xtensa, hexagon), whether it
fits in six and the remedy when not (reorder, struct pointer, extensible
struct, split), compat needs, user-memory copies, type safety,
extensibility and what strace shows.  For every syscall declared under
\`syscalls:\`, the same the other way round: the declared prototype beside
the ioctl form derived from it (a struct of its arguments, the interface's
magic, the next free nr, the direction from the flows).  For both, the
register each argument lands in on every ABI and the ABIs that need an entry
point of their own (compat or arch-specific), and why.

With no SPEC, the specs of the project configuration (uapi.config.json) are
used, and --abi defaults to its 'abis'.  \`uapi generate\` writes the same
report to out/report/<spec>.{md,html,json}.

options:
  --format FMT      md (default), html (one self-contained page) or json
  --abi ID,...      only these ABIs (default: all)
  --config FILE     the project configuration (default: the nearest uapi.config.json,
                    or package.json "uapi" key, in or above the working directory)
  -h, --help        this help

exit codes: 0 ok, 2 bad input (bad spec, unknown ABI or format), 3 internal error
`;

export const compareCommand: Command = {
  name: "compare",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      format: { type: "string" },
      abi: { type: "string", multiple: true },
      ...PROJECT_OPTIONS,
    });
    if (values.help) return (io.out(HELP), EXIT.OK);
    const format = oneOf("format", values.format as string | undefined, ["md", "html", "json"] as const, "md");
    const project = openProject(values);
    const abis = projectAbis(values.abi as string[] | undefined, project);
    const reports = loadProjectSpecs(positionals, project).map((m) => buildReport(m, abis));
    if (format === "json") io.out(renderJson(reports.length === 1 ? reports[0]! : reports));
    else if (format === "html") io.out(reports.map(renderHtml).join(""));
    else io.out(reports.map(renderMarkdown).join("\n"));
    return EXIT.OK;
  },
};
