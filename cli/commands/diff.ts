/* `uapi diff`: did this change break the ABI?  Two versions compared on every ABI, each change with a verdict. */
import path from "node:path";
import { CHANGE_KINDS, countByVerdict, diffInterfaces, pairInterfaces, type Change } from "../../core/diff/index.js";
import { formatLoc } from "../../core/diagnostic.js";
import type { SpecModel } from "../../core/model.js";
import { oneOf, parse } from "../args.js";
import type { Command } from "../command.js";
import { loadSide, parseSideRef, type HeaderImporter, type SideRef } from "../diff-sides.js";
import { changeFinding, changeRules } from "../formats/diff-findings.js";
import { githubCommands } from "../formats/github.js";
import { findingFormat, sarifText } from "../formats/output.js";
import { EXIT, paint, UsageError, type Io } from "../io.js";
import { TEXT_WIDTH, wrapText } from "../report.js";
import { openProject, projectAbis, specFilesOf, PROJECT_OPTIONS } from "../project.js";

const KIND_LINES = Object.entries(CHANGE_KINDS)
  .map(([k, v]) => `  ${k.padEnd(22)}${v.title}`)
  .join("\n");

const HELP = `usage: uapi diff OLD NEW [--abi ID,...] [--format text|json|sarif|github]
                 [--fail-on breaking|source|any|never]
       uapi diff --base REV [SPEC...]

Compare two versions of a uapi on every ABI and give each change a verdict:
  breaking      a binary built against OLD misbehaves with NEW
  source-only   binaries are unaffected; sources may no longer build
  compatible    nothing built against OLD notices

OLD and NEW are each a spec (.yaml/.json), a C header (.h, read through
'uapi import' with the bundled clang), or either at a git revision:
  git:REF:PATH           the file at a revision, PATH relative to the working directory
  PATH#NAME[,NAME...]    only these interfaces (one on each side is compared
                         whatever their names: a variant against its base)
With --base REV, each SPEC (default: the project's specs) is compared with
itself at REV: what a CI job runs against the target branch.

Verdicts come from what the specs declare, never from member names:
'reserved: true' (must be zero, the kernel rejects non-zero) makes giving
the member a meaning compatible; 'padding: true' does not; a flag bit
declared reserved may be given a meaning; a struct that declares
'extensible' may grow at its end unless an ioctl number encodes its size.

Kinds:
${KIND_LINES}

options:
  --abi ID,...       only these ABIs (default: all, or the project's 'abis')
  --format FMT       text (default), json, sarif (SARIF 2.1.0 for code scanning: a
                     breaking change is an error, source-only a warning, compatible
                     a note, the old position a related location) or github
                     (GitHub Actions annotations)
  --fail-on LEVEL    exit 1 when a change at this level or worse exists:
                     breaking (default), source, any, never
  -I DIR             an include directory for headers (repeatable)
  --config FILE      the project configuration (for --base without SPEC, and 'abis')
  -h, --help         this help

exit codes: 0 no change at --fail-on level, 1 such a change, 2 bad input
(a spec error names file:line:col; an unknown revision or interface),
3 internal error
`;

const FAIL_ON = ["breaking", "source", "any", "never"] as const;
const VERDICT_STYLE = { breaking: "red", "source-only": "yellow", compatible: "green" } as const;

interface Comparison {
  old: SideRef;
  new: SideRef;
}

export const diffCommand: Command = {
  name: "diff",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      abi: { type: "string", multiple: true },
      format: { type: "string" },
      "fail-on": { type: "string" },
      base: { type: "string" },
      I: { type: "string", short: "I", multiple: true },
      ...PROJECT_OPTIONS,
    });
    if (values.help) return (io.out(HELP), EXIT.OK);
    const format = findingFormat(values);
    const failOn = oneOf("fail-on", values["fail-on"] as string | undefined, FAIL_ON, "breaking");
    const base = values.base as string | undefined;
    const project = base === undefined && positionals.length === 2 && !values.config ? undefined : openProject(values);
    const abis = projectAbis(values.abi as string[] | undefined, project);
    const comparisons = plan(positionals, base, () => specFilesOf([], project));
    const importHeader = headerImporter((values.I as string[] | undefined) ?? []);

    const changes: Change[] = [];
    for (const c of comparisons) {
      const [olds, news] = [await loadSide(c.old, importHeader), await loadSide(c.new, importHeader)];
      changes.push(...diffInterfaces(pairInterfaces(olds, news), abis));
    }
    const counts = countByVerdict(changes);
    if (format === "json")
      io.out(
        JSON.stringify(
          {
            abis: abis.map((a) => a.id),
            compared: comparisons.map((c) => ({ old: c.old.text, new: c.new.text })),
            summary: counts,
            changes: changes.map(changeJson),
          },
          null,
          2,
        ) + "\n",
      );
    else if (format === "sarif") {
      io.out(sarifText(changes.map(changeFinding), changeRules()));
    } else if (format === "github") {
      io.out(githubCommands(changes.map(changeFinding), process.cwd()));
      // stdout holds only workflow commands; the human summary goes beside it.
      io.err(summaryLine(changes, abis.length));
    } else {
      for (const ch of changes) io.out(formatChange(io, ch));
      io.out(summaryLine(changes, abis.length));
    }
    const failing =
      failOn === "never"
        ? 0
        : failOn === "breaking"
          ? counts.breaking
          : failOn === "source"
            ? counts.breaking + counts["source-only"]
            : changes.length;
    return failing > 0 ? EXIT.FINDINGS : EXIT.OK;
  },
};

function summaryLine(changes: readonly Change[], abis: number): string {
  const counts = countByVerdict(changes);
  return changes.length
    ? `${changes.length} change${changes.length === 1 ? "" : "s"}: ${counts.breaking} breaking, ` +
        `${counts["source-only"]} source-only, ${counts.compatible} compatible (${abis} ABIs)\n`
    : `no change (${abis} ABIs)\n`;
}

function plan(positionals: string[], base: string | undefined, projectSpecs: () => string[]): Comparison[] {
  if (base === undefined) {
    if (positionals.length !== 2) throw new UsageError("name OLD and NEW, or give --base REV");
    return [{ old: parseSideRef(positionals[0]!), new: parseSideRef(positionals[1]!) }];
  }
  if (base.startsWith("git:")) throw new UsageError("--base takes a revision (origin/main), not git:REF:PATH");
  const files = positionals.length ? positionals : projectSpecs().map((f) => path.relative(process.cwd(), f));
  return files.map((f) => {
    const now = parseSideRef(f);
    if (now.revision !== undefined) throw new UsageError(`with --base, name files as they are now, not '${f}'`);
    return { old: { ...now, text: `git:${base}:${now.file}`, revision: base }, new: now };
  });
}

/** Headers go through the importer, loaded only when a side is a header (it brings clang). */
function headerImporter(includeDirs: string[]): HeaderImporter {
  return async (file, shownAs): Promise<SpecModel> => {
    const { importHeaderModel } = await import("./diff-import.js");
    return importHeaderModel(file, shownAs, includeDirs);
  };
}

export function changeJson(c: Change) {
  return {
    kind: c.kind,
    verdict: c.verdict,
    interface: c.interface,
    subject: c.subject,
    message: c.message,
    abis: c.abis,
    old: c.old ?? null,
    new: c.new ?? null,
  };
}

/** As `check` prints a finding: wrapped at TEXT_WIDTH on the plain text, painted afterwards. */
export function formatChange(io: Io, c: Change): string {
  const at = formatLoc(c.new ?? c.old!);
  const lead = `${at}: ${c.verdict} [${c.kind}] `;
  const message = wrapText(c.message, Math.max(TEXT_WIDTH - lead.length, 1), TEXT_WIDTH - 4);
  const head = `${at}: ${paint(io, VERDICT_STYLE[c.verdict], c.verdict)} [${c.kind}] ${message.join("\n    ")}\n`;
  return c.old && c.new ? `${head}    ${paint(io, "dim", "was")}: ${formatLoc(c.old)}\n` : head;
}
