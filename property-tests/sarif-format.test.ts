/*
 * `--format sarif` of `uapi check` and `uapi verify`: valid against the OASIS standard's own schema
 * (fixtures/sarif), one result per finding the json format lists, each at the json's file:line:col,
 * and fingerprints that survive lines moving.
 */
import test from "ava";
import AjvModule from "ajv";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "../core/paths.js";
import { main } from "../cli/main.js";
import { bufferIo } from "../cli/io.js";
import { sarifLog } from "../cli/formats/sarif.js";
import type { Finding } from "../cli/formats/finding.js";
import { verifyFindings } from "../cli/verify-findings.js";
import { loadSpecFiles } from "../spec/load.js";
import { unitsOfModels, type AbiVerdict } from "../verify/verify.js";
import { haveProgram } from "../verify/system-cc.js";

const Ajv = AjvModule.default ?? AjvModule;
const schema = JSON.parse(
  readFileSync(path.join(REPO_ROOT, "property-tests", "fixtures", "sarif", "sarif-schema-2.1.0.json"), "utf8"),
);
const ajv = new Ajv({ allErrors: true, strict: false });
// ajv ships no format checkers; the two the schema uses for our output are checked here by WHATWG URL rules.
ajv.addFormat("uri", (s: string) => URL.canParse(s));
ajv.addFormat("uri-reference", (s: string) => URL.canParse(s, "file:///base/") && !/[\s\\]/.test(s));
ajv.addFormat("date-time", true);
const validate = ajv.compile(schema);

interface JsonDiagnostic {
  rule: string;
  severity: "error" | "warning" | "info";
  file: string;
  line: number;
  col: number;
}
interface Region {
  startLine: number;
  startColumn?: number;
}
interface SarifResultShape {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: Region } }[];
  partialFingerprints: Record<string, string>;
}
interface SarifShape {
  runs: {
    tool: { driver: { rules: { id: string }[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    results: SarifResultShape[];
  }[];
}

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

function assertValid(t: import("ava").ExecutionContext, log: unknown): void {
  const ok = validate(log);
  t.true(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
}

/** The absolute file a SARIF location names, resolved as a consumer would: through originalUriBaseIds. */
function locationFile(log: SarifShape, uri: string, base?: string): string {
  const root = base ? log.runs[0]!.originalUriBaseIds[base]!.uri : undefined;
  return fileURLToPath(new URL(uri, root));
}

test("uapi check --format sarif: schema-valid, one result per json diagnostic, same levels, positions", async (t) => {
  const json = await run("check", "--format", "json", "--fail-on", "never");
  const sarif = await run("check", "--format", "sarif", "--fail-on", "never");
  t.is(sarif.code, 0, sarif.stderr);
  const log = JSON.parse(sarif.stdout) as SarifShape;
  assertValid(t, log);
  const diagnostics = (JSON.parse(json.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics;
  const results = log.runs[0]!.results;
  t.true(diagnostics.length > 0);
  t.is(results.length, diagnostics.length);
  const level = { error: "error", warning: "warning", info: "note" } as const;
  const rules = log.runs[0]!.tool.driver.rules;
  results.forEach((r, i) => {
    const d = diagnostics[i]!;
    t.is(r.ruleId, d.rule);
    t.is(rules[r.ruleIndex]!.id, d.rule, "ruleIndex points at the result's rule");
    t.is(r.level, level[d.severity]);
    const { artifactLocation, region } = r.locations[0]!.physicalLocation;
    t.is(artifactLocation.uriBaseId, "%SRCROOT%");
    t.false(artifactLocation.uri.includes("\\"));
    t.is(locationFile(log, artifactLocation.uri, artifactLocation.uriBaseId), path.resolve(d.file));
    t.deepEqual(region, { startLine: d.line, startColumn: d.col });
  });
  // The validator bites: SARIF has no "info" level.
  const broken = JSON.parse(sarif.stdout) as SarifShape;
  broken.runs[0]!.results[0]!.level = "info";
  t.false(validate(broken));
  // Exit codes do not depend on the format.
  t.is((await run("check", "--format", "sarif")).code, (await run("check", "--format", "json")).code);
});

test("uapi check --format sarif is deterministic and every fingerprint is distinct", async (t) => {
  const a = await run("check", "--format", "sarif", "--fail-on", "never");
  const b = await run("check", "--format", "sarif", "--fail-on", "never");
  t.is(a.stdout, b.stdout);
  const prints = (JSON.parse(a.stdout) as SarifShape).runs[0]!.results.map(
    (r) => r.partialFingerprints["uapiFinding/v1"],
  );
  t.is(new Set(prints).size, prints.length);
  for (const p of prints) t.regex(p!, /^[0-9a-f]{64}:[1-9][0-9]*$/);
});

test("fingerprints survive 5 lines inserted at the top of the spec while every startLine moves by 5", async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "uapi-sarif-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const original = readFileSync(path.join(REPO_ROOT, "spec", "bus1.yaml"), "utf8");
  const plain = path.join(dir, "plain", "bus1.yaml");
  const moved = path.join(dir, "moved", "bus1.yaml");
  for (const [file, text] of [
    [plain, original],
    [moved, "# moved\n\n# down by\n\n# five lines\n" + original],
  ] as const) {
    mkdirSync(path.dirname(file));
    writeFileSync(file, text);
  }
  const read = async (file: string) =>
    (JSON.parse((await run("check", "--format", "sarif", "--fail-on", "never", file)).stdout) as SarifShape).runs[0]!
      .results;
  const before = await read(plain);
  const after = await read(moved);
  t.true(before.length > 0);
  t.is(after.length, before.length);
  const prints = (rs: SarifResultShape[]) => rs.map((r) => r.partialFingerprints["uapiFinding/v1"]).sort();
  t.deepEqual(prints(after), prints(before));
  before.forEach((r, i) => {
    const line = (x: SarifResultShape) => x.locations[0]!.physicalLocation.region!.startLine;
    t.is(line(after[i]!), line(r) + 5);
  });
});

test("a file outside the base folder keeps an absolute file:// URI; an unknown rule gets a generic descriptor", (t) => {
  const outside = path.resolve(os.tmpdir(), "elsewhere", "a b%.yaml");
  const findings: Finding[] = [
    {
      ruleId: "syscall/six-args",
      level: "warning",
      message: "seven arguments",
      loc: { file: outside, line: 3, col: 5 },
      related: [{ loc: { file: path.join(REPO_ROOT, "spec", "bus1.yaml"), line: 1, col: 1 }, message: "first" }],
      abis: ["x86_64"],
      identity: "x\u0000y",
    },
    { ruleId: "syscall/six-args", level: "warning", message: "again", abis: [], identity: "x\u0000y" },
  ];
  const log = sarifLog(findings, [], {
    toolName: "uapi",
    toolVersion: "0",
    baseDir: REPO_ROOT,
  }) as unknown as SarifShape;
  assertValid(t, log);
  const [first, second] = log.runs[0]!.results;
  const uri = first!.locations[0]!.physicalLocation.artifactLocation;
  t.is(uri.uriBaseId, undefined);
  t.regex(uri.uri, /^file:\/\//);
  t.is(fileURLToPath(uri.uri), outside, "spaces and % are escaped and come back");
  t.deepEqual(
    log.runs[0]!.tool.driver.rules.map((r) => r.id),
    ["syscall/six-args"],
  );
  t.deepEqual(second!.locations, []);
  // Two findings with one identity keep distinct prints that differ only in the occurrence counter.
  const [p1, p2] = [first, second].map((r) => r!.partialFingerprints["uapiFinding/v1"]!);
  t.not(p1, p2);
  t.is(p1!.split(":")[0], p2!.split(":")[0]);
});

test("a verify mismatch is placed at its member's line in the spec", (t) => {
  const file = path.join(REPO_ROOT, "spec", "bus1.yaml");
  const units = unitsOfModels(loadSpecFiles([file]));
  const label = units.flatMap((u) => u.records).find((r) => r.label.endsWith(": struct bus1_cmd_recv"))!.label;
  const verdict: AbiVerdict = {
    abi: "i386",
    status: "mismatch",
    runs: [
      {
        compiler: "gcc -m32",
        records: 1,
        facts: 1,
        ms: 0,
        skipped: [],
        headers: "table",
        mismatches: [
          { record: label, member: "msg.type", kind: "offset", engine: 16, compiler: 12, compilerName: "gcc -m32" },
        ],
      },
    ],
    unverified: [],
    records: 1,
    typedefs: { status: "table-only", abi: "i386", reason: "test" },
  };
  const [finding] = verifyFindings([verdict], units);
  // Expected position read from the YAML text itself: the first bus1_cmd_recv, its msg, that struct's type.
  const lines = readFileSync(file, "utf8").split("\n");
  const after = (from: number, re: RegExp) => lines.findIndex((l, i) => i > from && re.test(l));
  const typeLine = after(after(after(-1, /- name: bus1_cmd_recv$/), /- name: msg$/), /- name: type$/);
  t.is(finding!.ruleId, "verify/mismatch");
  t.is(finding!.level, "error");
  const { file: where, ...position } = finding!.loc!;
  t.is(path.resolve(where), file);
  t.deepEqual(position, { line: typeLine + 1, col: lines[typeLine]!.indexOf("name:") + 1 });
});

const gcc = haveProgram("gcc");
(gcc ? test : test.skip)(
  `uapi verify --format sarif --compiler system --abi x86_64: schema-valid, one result per finding of the json${
    gcc ? "" : " (skipped: no gcc here)"
  }`,
  async (t) => {
    const args = ["verify", "--compiler", "system", "--abi", "x86_64"];
    const sarif = await run(...args, "--format", "sarif");
    const json = await run(...args, "--format", "json");
    t.is(sarif.code, json.code, sarif.stderr);
    const log = JSON.parse(sarif.stdout) as SarifShape;
    assertValid(t, log);
    interface AbiJson {
      status: string;
      mismatches: unknown[];
      unverified: unknown[];
      typedefs: { status: string; mismatches?: unknown[] };
    }
    const abis = (JSON.parse(json.stdout) as { abis: AbiJson[] }).abis;
    const expected = abis.reduce(
      (n, a) =>
        n +
        a.mismatches.length +
        a.unverified.length +
        (a.typedefs.mismatches?.length ?? 0) +
        (a.status === "unverified" ? 1 : 0),
      0,
    );
    const results = log.runs[0]!.results;
    t.is(results.length, expected);
    t.deepEqual(
      log.runs[0]!.tool.driver.rules.map((r) => r.id),
      ["verify/error", "verify/mismatch", "verify/typedef", "verify/unverified"],
    );
    for (const r of results) t.true(["error", "note"].includes(r.level));
  },
);

test("uapi diff --format sarif: schema-valid, a result per change, verdicts as levels, both positions", async (t) => {
  const sides = ["spec/bus1.yaml#bus1", "spec/bus1.yaml#bus1_2016_11"];
  const json = await run("diff", ...sides, "--format", "json");
  const sarif = await run("diff", ...sides, "--format", "sarif");
  t.is(sarif.code, json.code);
  const log = JSON.parse(sarif.stdout) as SarifShape & {
    runs: { results: { relatedLocations?: { physicalLocation: { region: Region } }[] }[] }[];
  };
  assertValid(t, log);
  type JsonChange = { kind: string; verdict: string; old: { line: number }; new: { file: string; line: number } };
  const changes = (JSON.parse(json.stdout) as { changes: JsonChange[] }).changes;
  const results = log.runs[0]!.results;
  t.true(changes.length > 0);
  t.is(results.length, changes.length);
  const level: Record<string, string> = { breaking: "error", "source-only": "warning", compatible: "note" };
  results.forEach((r, i) => {
    const c = changes[i]!;
    t.is(r.ruleId, `diff/${c.kind}`);
    t.is(r.level, level[c.verdict]!);
    t.is(r.locations[0]!.physicalLocation.region!.startLine, c.new.line);
    t.is(log.runs[0]!.results[i]!.relatedLocations![0]!.physicalLocation.region.startLine, c.old.line);
  });
});
