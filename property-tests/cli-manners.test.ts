/*
 * Unix manners of the `uapi` command as a shell or a CI job sees them: a
 * closed pipe ends it quietly, `--format json` errors are JSON on stdout with
 * positions, `--version` answers, and no list of ABIs takes an unknown name.
 */
import test from "ava";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { scratchDir } from "./header-support.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const CLI = path.join(ROOT, "dist", "cli", "main.js");

function uapi(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const haveSh = spawnSync("sh", ["-c", "exit 0"]).status === 0;
(haveSh ? test : test.skip)(
  "a reader that closes the pipe early ends the command quietly with its own exit code" +
    (haveSh ? "" : " (skipped: no sh)"),
  (t) => {
    // `layout` prints far more than a pipe buffer holds, so the write after `head` exits meets EPIPE.
    // The examples, through this checkout's configuration: the scratch folder has none of its own.
    const config = ["--config", path.join(ROOT, "uapi.config.json")];
    for (const [args, expected] of [
      [["layout", ...config], 0],
      [["check", "--fail-on", "error", "--format", "json", ...config], 1],
    ] as const) {
      const dir = scratchDir("epipe");
      // POSIX sh has no PIPESTATUS: run the writer in a subshell that records its own status.
      const r = spawnSync(
        "sh",
        [
          "-c",
          `( "${process.execPath}" "${CLI}" ${args.join(" ")} 2>err.txt; echo $? >status.txt )` +
            " | head -c 100 >/dev/null",
        ],
        { cwd: dir, encoding: "utf8" },
      );
      t.is(r.status, 0);
      const err = readFileSync(path.join(dir, "err.txt"), "utf8");
      t.false(/EPIPE|Error:|at .*\.js/.test(err), `stderr after a closed pipe:\n${err}`);
      t.is(
        Number(readFileSync(path.join(dir, "status.txt"), "utf8")),
        expected,
        `exit status of uapi ${args.join(" ")}`,
      );
    }
  },
);

test("--format json: a spec error is JSON on stdout with file, line and column, and text on stderr", (t) => {
  const dir = scratchDir("jsonerr");
  const spec = path.join(dir, "bad.yaml");
  writeFileSync(
    spec,
    [
      "name: x",
      "doc: d",
      "interfaces:",
      "  - name: i",
      "    doc: d",
      "    header: linux/i.h",
      "    structs:",
      "      - { name: s, doc: d, fields: [ { name: a, type: __u33 } ] }",
      "",
    ].join("\n"),
  );
  for (const args of [
    ["check", spec, "--format", "json"],
    ["check", spec, "--format=json"],
    ["layout", spec, "--format", "json"],
    ["generate", spec, "--format", "json", "--out", path.join(dir, "out")],
  ]) {
    const r = uapi(args);
    t.is(r.code, 2, args.join(" "));
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      exit: number;
      errors: { file: string; line: number; col: number; message: string }[];
    };
    t.false(report.ok);
    t.is(report.exit, 2);
    t.true(report.errors.length > 0);
    // The bad type is on line 8 of the file; the column is where `type:` or its value stands.
    t.is(report.errors[0]!.line, 8, JSON.stringify(report.errors[0]));
    t.true(report.errors[0]!.col > 1);
    t.true(report.errors[0]!.file.endsWith("bad.yaml"));
    t.regex(r.stderr, /bad\.yaml:8:\d+: error/);
  }
  const usage = uapi(["check", "--abi", "vax", "--format", "json"]);
  t.is(usage.code, 2);
  t.is(JSON.parse(usage.stdout).errors[0].kind, "usage");
});

test("--version prints the package's name and version", (t) => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { name: string; version: string };
  const r = uapi(["--version"]);
  t.is(r.code, 0);
  t.is(r.stdout.trim(), `${pkg.name} ${pkg.version}`);
});

test("an unknown ABI in any list is rejected, 'all' included, on every command that takes --abi", (t) => {
  for (const cmd of [["check"], ["layout"], ["abis"], ["compare"], ["verify"]]) {
    for (const list of ["all,vax", "x86_64,vax", "vax", "x86_64, ,vax"]) {
      const r = uapi([...cmd, "--abi", list]);
      t.is(r.code, 2, `${cmd.join(" ")} --abi ${list}: ${r.stderr}`);
      t.regex(r.stderr, /unknown ABI 'vax'/);
    }
  }
  t.is(uapi(["abis", "--abi", "all,x86_64"]).code, 0);
});
