/* `uapi check`: run every check over the specs and print the findings. */
import { CHECK_RULES, checkRulesHelp } from "../../core/checks/rules.js";
import type { Diagnostic } from "../../core/diagnostic.js";
import { jobsOption, oneOf, parse } from "../args.js";
import type { Command } from "../command.js";
import { loadAndCheck } from "../check-threads.js";
import { autoJobs } from "../threads.js";
import { openProject, projectAbis, specFilesOf, PROJECT_OPTIONS } from "../project.js";
import { EXIT } from "../io.js";
import { countBySeverity } from "../../core/diagnostic.js";
import { diagnosticJson, formatDiagnostic } from "../report.js";
import { diagnosticFinding, findingLevel, ruleName, type RuleInfo } from "../formats/finding.js";
import { findingFormat, sarifText } from "../formats/output.js";
import { githubCommands } from "../formats/github.js";

/** The check rules as SARIF describes them. */
export function checkRuleInfos(): RuleInfo[] {
  return CHECK_RULES.map((r) => ({
    id: r.id,
    name: ruleName(r.id),
    short: r.summary,
    full: r.description,
    level: findingLevel(r.severity),
  }));
}

const HELP = `usage: uapi check [SPEC...] [--abi ID,...] [--format text|json|sarif|github]
                  [--fail-on error|warning|never] [--quiet]

Check every struct and command of the specs on every ABI:
${checkRulesHelp()}
With no SPEC, the specs of the project configuration (uapi.config.json) are checked;
--abi and --fail-on default to its 'abis' and 'failOn'.

options:
  --abi ID,...      only these ABIs (default: all; see uapi abis)
  --format FMT      text (default); json; sarif (SARIF 2.1.0 for code scanning: every finding, info as
                    "note", paths relative to the working directory); github (one GitHub Actions
                    ::error/::warning/::notice command per finding, the summary on stderr)
  --fail-on LEVEL   exit 1 when a finding of this severity or worse exists: error (default), warning, never
  --quiet           text and github: leave out info findings
  --jobs N|auto     threads: 2 checks half of the interfaces on a worker thread; auto (default) uses
                    one, which the bench measured faster at every size; the findings are the same either way
  --config FILE     the project configuration (default: the nearest uapi.config.json,
                    or package.json "uapi" key, in or above the working directory)
  -h, --help        this help

exit codes: 0 clean, 1 findings at --fail-on level (in every format), 2 bad input (the spec errors
name file:line:col)
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
      jobs: { type: "string" },
      ...PROJECT_OPTIONS,
    });
    if (values.help) return (io.out(HELP), EXIT.OK);
    const format = findingFormat(values);
    const project = openProject(values);
    const failOn = oneOf(
      "fail-on",
      values["fail-on"] as string | undefined,
      ["error", "warning", "never"] as const,
      project?.failOn ?? "error",
    );
    const abis = projectAbis(values.abi as string[] | undefined, project);
    const files = specFilesOf(positionals, project);
    const jobs = jobsOption(values.jobs as string | undefined) ?? autoJobs("check", files);
    const { models, findings } = await loadAndCheck(files, abis, jobs);
    const diagnostics: Diagnostic[] = findings.flat();
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
    } else if (format === "sarif") {
      io.out(sarifText(diagnostics.map(diagnosticFinding), checkRuleInfos()));
    } else if (format === "github") {
      const shown = diagnostics.filter((d) => !(values.quiet && d.severity === "info"));
      io.out(githubCommands(shown.map(diagnosticFinding), process.cwd()));
      // stdout holds only workflow commands; the human summary goes beside it.
      io.err(summaryLine(models.length, abis.length, counts));
    } else {
      // One write: a write per finding costs more than the checks at 10,000 findings.
      const lines = diagnostics
        .filter((d) => !(values.quiet && d.severity === "info"))
        .map((d) => formatDiagnostic(io, d));
      io.out(lines.join("") + summaryLine(models.length, abis.length, counts));
    }
    const failing = failOn === "never" ? 0 : failOn === "warning" ? counts.error + counts.warning : counts.error;
    return failing > 0 ? EXIT.FINDINGS : EXIT.OK;
  },
};

function summaryLine(specs: number, abis: number, counts: ReturnType<typeof countBySeverity>): string {
  return (
    `${specs} spec${specs === 1 ? "" : "s"}, ${abis} ABIs: ` +
    `${counts.error} errors, ${counts.warning} warnings, ${counts.info} info\n`
  );
}
