/*
 * examples/ci/ runs: the GitHub workflow's `run:` steps and the GitLab job's script, read out of
 * the YAML files themselves, are executed in order on a small driver repository made with git in
 * the system's temporary folder, once per pull request:
 *
 *   breaking    a member inserted in the middle of the ioctl's struct: the members after it move
 *               and the size _IOW encodes grows, so a binary built against main passes the kernel
 *               a struct it misreads, under a request number the kernel no longer knows;
 *   compatible  a flag bit and a command added: nothing a binary built against main does changes;
 *   unpadded    a new command whose struct has a hole: `uapi check` fails, the change itself is
 *               compatible, and both reports must still be written and uploaded.
 *
 * The expected verdicts are the kernel's rules, written here; the exit codes are what the example
 * files promise in their comments. Only this mapping stands between the files and the shell:
 *
 *   `npx uapi`              -> this checkout's built CLI (what `npm ci` installs in an adopter's
 *                              repository: the package's `bin`), run by the same node, cwd = the
 *                              repository, as cli-core.test.ts runs it (adopter-e2e packs and
 *                              installs the tarball; doing so again would test npm, not the files)
 *   `npm ci`                -> skipped, for the same reason
 *   `${{ github.base_ref }}` -> main; $CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main in the environment
 *   actions/checkout        -> `git clone` of the "hosted" repository, so origin/main is real
 */
import test, { type ExecutionContext } from "ava";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../core/paths.js";
import { scratchDir } from "./header-support.js";

const CLI = path.join(REPO_ROOT, "dist", "cli", "main.js");
const GITHUB = path.join(REPO_ROOT, "examples", "ci", "github-workflow.yml");
const GITLAB = path.join(REPO_ROOT, "examples", "ci", "gitlab-ci.yml");
const BASE = "main";
const SPEC = "spec/acme.yaml";

const has = (tool: string) => !spawnSync(tool, ["--version"], { encoding: "utf8" }).error;
const missing = ["git", "bash"].filter((tool) => !has(tool));
const skipNote = missing.length ? ` (skipped: ${missing.join(" and ")} not installed)` : "";
const ci = missing.length ? test.serial.skip : test.serial;

/** git and the CLI without the user's configuration: no signing, no hooks, a fixed author. */
const ENV: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|GIT_)/i.test(k))),
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: process.platform === "win32" ? "NUL" : "/dev/null",
  GIT_AUTHOR_NAME: "Driver Developer",
  GIT_AUTHOR_EMAIL: "dev@example.org",
  GIT_COMMITTER_NAME: "Driver Developer",
  GIT_COMMITTER_EMAIL: "dev@example.org",
  UAPI_NODE: process.execPath,
  UAPI_CLI: CLI,
};

/** The text substitutions between the example files and bash; see the list at the top. */
function mapped(script: string): string {
  const s = script.replace(/\$\{\{ github\.base_ref \}\}/g, BASE).replace(/\bnpx uapi\b/g, '"$UAPI_NODE" "$UAPI_CLI"');
  if (/\$\{\{|\bnpx\b|\bnpm\b/.test(s)) throw new Error(`the test has no mapping for part of:\n${s}`);
  return s;
}

function sh(script: string, cwd: string, env: NodeJS.ProcessEnv = ENV) {
  // What GitHub runs for `shell: bash` and GitLab's runner sets: a failing command fails the script.
  const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
    cwd,
    env,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  return { code: r.status, out: r.stdout ?? "", err: `${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", ["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", ...args], {
    cwd,
    env: ENV,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}${r.error ?? ""}`);
  return r.stdout;
}

// ---- the driver repository ----------------------------------------------------------------------

const BASE_SPEC = `name: acme
doc: An example driver's user-space API.
interfaces:
  - name: acme
    doc: The acme character device.
    header: linux/acme.h
    flags:
      - name: acme_flags
        doc: Bits of acme_config.flags; the driver rejects the others with EINVAL.
        width: 32
        bits:
          - { name: ACME_ENABLE, bit: 0, doc: Start the device. }
    structs:
      - name: acme_config
        doc: The device configuration.
        fields:
          - { name: flags, type: __u32, flags: acme_flags, doc: ACME_* bits. }
          - { name: buffer_size, type: __u32, doc: Size of the buffer. }
          - { name: buffer, type: __u64, doc: The buffer (a user pointer). }
    commands:
      - name: ACME_SET_CONFIG
        doc: Replace the configuration.
        magic: 0xBB
        nr: 0x01
        dir: write
        arg: struct acme_config
`;
const BUFFER_LINE = "          - { name: buffer, type: __u64, doc: The buffer (a user pointer). }\n";
const COMMANDS_LINE = "    commands:\n";

/** Each pull request: its spec, and where its first change sits. */
const BRANCHES = {
  breaking: BASE_SPEC.replace(
    BUFFER_LINE,
    `          - { name: timeout, type: __u64, doc: Inserted before buffer. }\n${BUFFER_LINE}`,
  ),
  compatible:
    BASE_SPEC.replace(
      "          - { name: ACME_ENABLE, bit: 0, doc: Start the device. }\n",
      "          - { name: ACME_ENABLE, bit: 0, doc: Start the device. }\n" +
        "          - { name: ACME_NONBLOCK, bit: 1, doc: Never sleep. }\n",
    ) +
    `      - name: ACME_GET_CONFIG
        doc: Read the configuration.
        magic: 0xBB
        nr: 0x02
        dir: read
        arg: struct acme_config
`,
  unpadded:
    BASE_SPEC.replace(
      COMMANDS_LINE,
      `      - name: acme_stats
        doc: Counters; a __u64 after a __u32 leaves a hole on x86_64 and none on i386.
        fields:
          - { name: count, type: __u32, doc: Transfers. }
          - { name: bytes, type: __u64, doc: Bytes moved. }
${COMMANDS_LINE}`,
    ) +
    `      - name: ACME_GET_STATS
        doc: Read the counters.
        magic: 0xBB
        nr: 0x03
        dir: read
        arg: struct acme_stats
`,
};
type Branch = keyof typeof BRANCHES;

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split("\n").length;

let hosted = "";
/** The "hosted" repository: main, and one branch per pull request made from it. */
function hostedRepository(): string {
  if (hosted) return hosted;
  const dir = scratchDir("ci-hosted");
  git(dir, "init", "-q");
  git(dir, "symbolic-ref", "HEAD", `refs/heads/${BASE}`);
  mkdirSync(path.join(dir, "spec"));
  // Three ABIs keep the run short and cover both 64-bit alignments of __u64 (8 on x86_64 and
  // aarch64, 4 on i386).
  writeFileSync(
    path.join(dir, "uapi.config.json"),
    JSON.stringify({ specs: [SPEC], abis: ["x86_64", "i386", "aarch64"] }, null, 2) + "\n",
  );
  writeFileSync(path.join(dir, SPEC), BASE_SPEC);
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "acme: the first uapi");
  for (const [branch, text] of Object.entries(BRANCHES)) {
    git(dir, "checkout", "-q", "-b", branch, BASE);
    writeFileSync(path.join(dir, SPEC), text);
    git(dir, "commit", "-q", "-a", "-m", `acme: ${branch}`);
  }
  git(dir, "checkout", "-q", BASE);
  return (hosted = dir);
}

/** actions/checkout of a pull request: a clone (origin/main exists) with the branch checked out. */
function checkout(branch: Branch): string {
  const dir = path.join(scratchDir(`ci-${branch}`), "repo");
  git(path.dirname(dir), "clone", "-q", hostedRepository(), dir);
  git(dir, "checkout", "-q", branch);
  return dir;
}

// ---- GitHub Actions -------------------------------------------------------------------------------

interface Step {
  name?: string;
  id?: string;
  if?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}

interface StepRun {
  name: string;
  script?: string;
  outcome: "success" | "failure" | "skipped";
  code?: number | null;
  out: string;
  err: string;
}

interface JobRun {
  failed: boolean;
  steps: StepRun[];
  uploads: { file: string; category: string; text: string }[];
}

function workflow(): { on: unknown; permissions: Record<string, string>; defaults?: unknown; steps: Step[] } {
  const doc = parse(readFileSync(GITHUB, "utf8")) as {
    on: unknown;
    permissions: Record<string, string>;
    defaults?: { run?: { shell?: string } };
    jobs: Record<string, { steps: Step[] }>;
  };
  const jobs = Object.values(doc.jobs);
  if (jobs.length !== 1) throw new Error("the example workflow has one job");
  return { on: doc.on, permissions: doc.permissions, defaults: doc.defaults, steps: jobs[0]!.steps };
}

/** A step's `if:`, for the few functions the example uses; anything else stops the test. */
function runs(condition: string | undefined, failed: boolean, outcomes: Map<string, string>, cwd: string): boolean {
  if (condition === undefined) return !failed; // success()
  const expr = condition.replace(/^\$\{\{\s*|\s*\}\}$/g, "");
  return expr.split("&&").every((part) => {
    const term = part.trim();
    if (term === "always()") return true;
    if (term === "!cancelled()") return true; // nothing is cancelled here
    if (term === "success()") return !failed;
    if (term === "failure()") return failed;
    let m = /^steps\.([\w-]+)\.outcome == '(\w+)'$/.exec(term);
    if (m) return outcomes.get(m[1]!) === m[2];
    m = /^hashFiles\('([^']+)'\) != ''$/.exec(term);
    if (m) return existsSync(path.join(cwd, m[1]!));
    throw new Error(`the test cannot evaluate '${term}' in ${condition}: teach runs() about it`);
  });
}

/** The job of github-workflow.yml on a pull request from `branch` into main. */
function runWorkflow(branch: Branch): JobRun {
  const cwd = checkout(branch);
  const job: JobRun = { failed: false, steps: [], uploads: [] };
  const outcomes = new Map<string, string>();
  for (const step of workflow().steps) {
    const name = step.name ?? step.uses ?? step.run ?? "?";
    let result: StepRun;
    if (!runs(step.if, job.failed, outcomes, cwd)) {
      result = { name, outcome: "skipped", out: "", err: "" };
    } else if (step.uses?.startsWith("actions/checkout@") || step.uses?.startsWith("actions/setup-node@")) {
      result = { name, outcome: "success", out: "", err: "" }; // the clone above; the node running this test
    } else if (step.uses?.startsWith("github/codeql-action/upload-sarif@")) {
      const file = String(step.with?.["sarif_file"]);
      const text = readFileSync(path.join(cwd, file), "utf8");
      job.uploads.push({ file, category: String(step.with?.["category"]), text });
      result = { name, outcome: "success", out: "", err: "" };
    } else if (step.run?.trim() === "npm ci") {
      result = { name, outcome: "success", out: "", err: "" }; // the CLI is this checkout's build
    } else if (step.run !== undefined) {
      const script = mapped(step.run);
      const r = sh(script, cwd);
      result = { name, script, outcome: r.code === 0 ? "success" : "failure", ...r };
    } else throw new Error(`the test does not know the step ${JSON.stringify(step)}`);
    if (step.id) outcomes.set(step.id, result.outcome);
    if (result.outcome === "failure") job.failed = true;
    job.steps.push(result);
  }
  return job;
}

// ---- reading what the commands printed -----------------------------------------------------------

/** One finding or change, from whichever format printed it. */
interface Finding {
  rule?: string;
  /** An error annotation, an error-level SARIF result, an error diagnostic, a breaking change. */
  bad: boolean;
  file?: string;
  line?: number;
  message?: string;
}

function fromSarif(text: string): Finding[] {
  const doc = JSON.parse(text) as {
    version: string;
    runs: {
      results?: {
        ruleId?: string;
        level?: string;
        message?: { text?: string };
        locations?: { physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } } }[];
      }[];
    }[];
  };
  if (doc.version !== "2.1.0") throw new Error(`not SARIF 2.1.0: ${text.slice(0, 200)}`);
  return doc.runs.flatMap((run) =>
    (run.results ?? []).map((r) => {
      const at = r.locations?.[0]?.physicalLocation;
      // A rule id may carry a tool prefix ("diff/member-offset"); the kind is its last part.
      return {
        rule: r.ruleId?.split("/").pop(),
        message: r.message?.text,
        bad: r.level === "error",
        file: at?.artifactLocation?.uri,
        line: at?.region?.startLine,
      };
    }),
  );
}

/** GitHub workflow commands: `::error file=F,line=L,col=C,title=T::message`. */
function fromAnnotations(text: string): Finding[] {
  const found: Finding[] = [];
  for (const line of text.split("\n")) {
    const m = /^::(error|warning|notice) ?(.*?)::(.*)$/.exec(line);
    if (!m) continue;
    const props = new Map(
      m[2]!.split(",").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)] as const),
    );
    const at = props.get("line");
    found.push({ bad: m[1] === "error", file: props.get("file"), line: at ? Number(at) : undefined });
  }
  return found;
}

const annotationsOf = fromAnnotations;
const reportOf = fromSarif;

/** The steps that run `uapi <command>` with `format` ("github" or "sarif"), by the workflow's own text. */
function stepOf(job: JobRun, command: "check" | "diff", format: "github" | "sarif"): StepRun {
  const steps = workflow().steps;
  const i = steps.findIndex((s) => s.run?.includes(`npx uapi ${command} `) && s.run.includes(`--format ${format}`));
  if (i < 0) throw new Error(`the workflow has no step running uapi ${command} --format ${format}`);
  return job.steps[i]!;
}

/** What the test saw, for the log: each uapi step's command and exit code, and the annotations. */
function logJob(t: ExecutionContext, job: JobRun): void {
  for (const s of job.steps.filter((s) => s.script !== undefined)) {
    const seen = s.script!.includes(">")
      ? ""
      : s.out
          .split("\n")
          .filter((l) => l.startsWith("::"))
          .join("\n");
    t.log(`$ ${s.script}\n  exit ${s.code}${seen ? `\n${seen}` : ""}`);
  }
  t.log(
    `job ${job.failed ? "failed" : "passed"}; uploaded ` +
      job.uploads.map((u) => `${u.file} (${u.category})`).join(", "),
  );
}

const shown = (s: StepRun) =>
  s.script === undefined
    ? `${s.name}: ${s.outcome}`
    : `${s.script}\nexit ${s.code}\n--- stdout\n${s.out.slice(0, 4000)}\n--- stderr\n${s.err}`;

/** Every uapi step ran, and the SARIF steps, run with --fail-on never, wrote their reports. */
function expectReportsWritten(t: ExecutionContext, job: JobRun): void {
  for (const s of job.steps.filter((s) => s.name.startsWith("uapi ")))
    t.not(s.outcome, "skipped", `${s.name} runs even when an earlier step failed`);
  for (const command of ["check", "diff"] as const)
    t.is(stepOf(job, command, "sarif").code, 0, shown(stepOf(job, command, "sarif")));
  t.deepEqual(job.uploads.map((u) => u.file).sort(), ["uapi-check.sarif", "uapi-diff.sarif"], "both reports uploaded");
  t.is(new Set(job.uploads.map((u) => u.category)).size, 2, "each upload has its own category");
}

// ---- the tests -------------------------------------------------------------------------------------

ci(`github-workflow.yml asks for what code scanning needs${skipNote}`, (t) => {
  const w = workflow();
  t.truthy((w.on as Record<string, unknown>)["pull_request"] !== undefined, "on: pull_request");
  t.is(w.permissions["security-events"], "write");
  t.is(w.permissions["contents"], "read");
  const checkoutStep = w.steps.find((s) => s.uses?.startsWith("actions/checkout@"));
  t.is(checkoutStep?.with?.["fetch-depth"], 0, "the whole history, so origin/<base> exists");
  t.is(w.steps.find((s) => s.uses?.startsWith("actions/setup-node@"))?.with?.["node-version"], 20);
  for (const s of w.steps.filter((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@")))
    t.regex(s.if ?? "", /always\(\)/, `${s.name} uploads when the job fails too`);
});

ci(`a member inserted in the middle: diff exits 1, breaking; the reports still upload${skipNote}`, (t) => {
  const job = runWorkflow("breaking");
  logJob(t, job);
  const text = BRANCHES.breaking;
  const inserted = lineOf(text, "name: timeout");

  // The new spec itself is clean: fixed-width members, each 8-byte one at a multiple of 8.
  t.is(stepOf(job, "check", "github").code, 0, shown(stepOf(job, "check", "github")));
  const diff = stepOf(job, "diff", "github");
  t.is(diff.code, 1, shown(diff));
  t.true(job.failed, "the job fails");
  expectReportsWritten(t, job);

  // The kernel's rules: 'buffer' moves from 8 to 16 and sizeof grows from 16 to 24 on every ABI
  // here, so a binary built against main passes 16 bytes the driver now reads as 24, under
  // _IOW(0xBB, 1, 16) = 0x4010BB01 where the driver now answers 0x4018BB01. Each is breaking.
  const expected = ["member-added-middle", "member-offset", "struct-size", "ioctl-size"];
  const report = reportOf(job.uploads.find((u) => u.file === "uapi-diff.sarif")!.text);
  for (const findings of [annotationsOf(diff.out), report]) {
    t.true(findings.length > 0);
    t.true(
      findings.every((f) => f.bad),
      "every change is breaking",
    );
    t.true(
      findings.some((f) => f.file === SPEC && f.line === inserted),
      `one is at the inserted member, ${SPEC}:${inserted}`,
    );
  }
  const rules = new Set(report.map((f) => f.rule));
  for (const kind of expected) t.true(rules.has(kind), `${kind} among ${[...rules].join(", ")}`);
  const ioctl = report.find((f) => f.rule === "ioctl-size")!;
  t.regex(ioctl.message ?? "", /0x4010BB01/i);
  t.regex(ioctl.message ?? "", /0x4018BB01/i);
});

ci(`a flag bit and a command added: every step exits 0, the job passes${skipNote}`, (t) => {
  const job = runWorkflow("compatible");
  logJob(t, job);
  for (const s of job.steps) t.not(s.outcome, "failure", s.script ? shown(s) : s.name);
  t.false(job.failed);
  expectReportsWritten(t, job);
  const diff = stepOf(job, "diff", "github");
  // The kernel's rules: old binaries never set the new bit (the driver rejected unknown bits) and
  // never issue the new command; nothing they do changes meaning.
  for (const findings of [
    annotationsOf(diff.out),
    reportOf(job.uploads.find((u) => u.file === "uapi-diff.sarif")!.text),
  ])
    t.false(
      findings.some((f) => f.bad),
      "nothing breaking",
    );
  const changes = reportOf(job.uploads.find((u) => u.file === "uapi-diff.sarif")!.text);
  t.deepEqual(changes.map((c) => c.rule).sort(), ["command-added", "flag-added"]);
  t.true(changes.some((c) => c.rule === "flag-added" && c.line === lineOf(BRANCHES.compatible, "ACME_NONBLOCK")));
});

ci(`a struct with a hole: check fails the job, diff still runs and both reports upload${skipNote}`, (t) => {
  const job = runWorkflow("unpadded");
  logJob(t, job);
  const check = stepOf(job, "check", "github");
  t.is(check.code, 1, shown(check));
  t.true(job.failed);
  // A new command is compatible, whatever its struct: no binary built against main issues it.
  t.is(stepOf(job, "diff", "github").code, 0, shown(stepOf(job, "diff", "github")));
  expectReportsWritten(t, job);
  // x86_64 and aarch64 align 'bytes' to 8: four bytes between 'count' and it that the kernel would
  // copy to user space uninitialised.
  const hole = lineOf(BRANCHES.unpadded, "name: bytes");
  for (const findings of [
    annotationsOf(check.out),
    reportOf(job.uploads.find((u) => u.file === "uapi-check.sarif")!.text),
  ])
    t.true(
      findings.some((f) => f.bad && f.file === SPEC && f.line === hole),
      `an error at ${SPEC}:${hole}`,
    );
});

// ---- GitLab -----------------------------------------------------------------------------------------

/** gitlab-ci.yml's job script, as the runner runs it: one bash, every line checked. */
function runGitlab(branch: Branch): { code: number | null; out: string; err: string; cwd: string; script: string } {
  const doc = parse(readFileSync(GITLAB, "utf8")) as Record<string, { script?: string[] }>;
  const job = Object.values(doc).find((j) => Array.isArray(j?.script));
  if (!job) throw new Error("gitlab-ci.yml has no job with a script");
  const cwd = checkout(branch);
  const script = mapped(job.script!.filter((line) => line.trim() !== "npm ci").join("\n"));
  return { ...sh(script, cwd, { ...ENV, CI_MERGE_REQUEST_TARGET_BRANCH_NAME: BASE }), cwd, script };
}

ci(`gitlab-ci.yml: exit 1 on a breaking change or check error, else 0; reports written${skipNote}`, (t) => {
  const doc = parse(readFileSync(GITLAB, "utf8")) as Record<
    string,
    { artifacts?: { when?: string; paths?: string[] } }
  >;
  const artifacts = Object.values(doc).find((j) => j?.artifacts)?.artifacts;
  t.is(artifacts?.when, "always", "artifacts kept when the job fails");
  t.deepEqual(artifacts?.paths?.slice().sort(), ["uapi-check.sarif", "uapi-diff.sarif"]);
  for (const [branch, code] of [
    ["breaking", 1],
    ["compatible", 0],
    ["unpadded", 1],
  ] as const) {
    const r = runGitlab(branch);
    t.is(
      r.code,
      code,
      `${branch}:\n${r.script}\nexit ${r.code}\n--- stdout\n${r.out.slice(0, 4000)}\n--- stderr\n${r.err}`,
    );
    for (const file of artifacts?.paths ?? []) {
      t.true(existsSync(path.join(r.cwd, file)), `${branch}: ${file} written`);
      const findings = reportOf(readFileSync(path.join(r.cwd, file), "utf8"));
      if (file === "uapi-diff.sarif")
        t.is(
          findings.some((f) => f.bad),
          branch === "breaking",
          `${branch}: ${file}`,
        );
    }
  }
});
