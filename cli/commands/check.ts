/* `uapi check`: run every check over the specs and print the findings. */
import { runChecks } from "../../core/checks/index.js";
import { ALL_CHECKS } from "../../syscall/checks.js";
import type { Diagnostic } from "../../core/diagnostic.js";
import { oneOf, parse } from "../args.js";
import type { Command } from "../command.js";
import { loadProjectSpecs, openProject, projectAbis, PROJECT_OPTIONS } from "../project.js";
import { EXIT } from "../io.js";
import { countBySeverity, diagnosticJson, formatDiagnostic } from "../report.js";

const HELP = `usage: uapi check [SPEC...] [--abi ID,...] [--format text|json] [--fail-on error|warning|never] [--quiet]

Check every struct and command of the specs on every ABI:
  padding/hole, padding/tail      implicit padding on any ABI (with the explicit field to add)
  align64/offset, align64/size    8-byte members at multiples of 8; such structs sized in multiples of 8
  compat/layout                   size or offsets differ between ABIs (needs compat_ioctl)
  compat/pointee                  a user pointer to an ABI-dependent element type
  types/abi-dependent             long, pointers, size_t, time_t, enums, bit-fields, plain char
  ioctl/numbers                   (info) the request number on each _IOC family
  ioctl/duplicate-nr              two commands on one (magic, nr)
  ioctl/size-limit                argument over the 13-bit size field of alpha/mips/powerpc/sparc
  ioctl/direction                 _IO/_IOR/_IOW/_IOWR contradicts the fields' data flow
  ioctl/direction-unchecked       (info) no 'flow:' declared, so the direction was not checked
  ioctl/io-with-arg               _IO declared with an argument type
  ioctl/number-varies             the number changes between ABIs with the argument's size
  syscall/six-args                the syscall form needs more than six argument slots on some ABI
                                  (info for an ioctl, error for a command declared 'kind: syscall')

With no SPEC, the specs of the project configuration (uapi.config.json) are checked;
--abi and --fail-on default to its 'abis' and 'failOn'.

options:
  --abi ID,...      only these ABIs (default: all; see uapi abis)
  --format FMT      text (default) or json
  --fail-on LEVEL   exit 1 when a finding of this severity or worse exists: error (default), warning, never
  --quiet           text: leave out info findings
  --config FILE     the project configuration (default: the nearest uapi.config.json,
                    or package.json "uapi" key, in or above the working directory)
  -h, --help        this help

exit codes: 0 clean, 1 findings at --fail-on level, 2 bad input (the spec errors name file:line:col)
`;

export const checkCommand: Command = {
  name: "check",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      abi: { type: "string", multiple: true },
      format: { type: "string" },
      "fail-on": { type: "string" },
      quiet: { type: "boolean" },
      ...PROJECT_OPTIONS,
    });
    if (values.help) return (io.out(HELP), EXIT.OK);
    const format = oneOf("format", values.format as string | undefined, ["text", "json"] as const, "text");
    const project = openProject(values);
    const failOn = oneOf(
      "fail-on",
      values["fail-on"] as string | undefined,
      ["error", "warning", "never"] as const,
      project?.failOn ?? "error",
    );
    const abis = projectAbis(values.abi as string[] | undefined, project);
    const models = loadProjectSpecs(positionals, project);
    const diagnostics: Diagnostic[] = models.flatMap((m) => runChecks(m, abis, ALL_CHECKS));
    const counts = countBySeverity(diagnostics);
    if (format === "json") {
      io.out(
        JSON.stringify(
          {
            abis: abis.map((a) => a.id),
            specs: models.map((m) => m.file),
            summary: counts,
            diagnostics: diagnostics.map(diagnosticJson),
          },
          null,
          2,
        ) + "\n",
      );
    } else {
      for (const d of diagnostics) if (!(values.quiet && d.severity === "info")) io.out(formatDiagnostic(io, d));
      io.out(
        `${models.length} spec${models.length === 1 ? "" : "s"}, ${abis.length} ABIs: ` +
          `${counts.error} errors, ${counts.warning} warnings, ${counts.info} info\n`,
      );
    }
    const failing = failOn === "never" ? 0 : failOn === "warning" ? counts.error + counts.warning : counts.error;
    return failing > 0 ? EXIT.FINDINGS : EXIT.OK;
  },
};
