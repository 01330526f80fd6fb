/*
 * `--format github`: GitHub Actions workflow commands.  The decoder here follows GitHub's documented rules
 * (actions/toolkit command.ts: `::name k=v,k=v::data`, data escapes % CR LF, property values also : and ,)
 * and is written independently of cli/formats/github.ts.
 */
import test from "ava";
import fc from "fast-check";
import path from "node:path";
import { readFileSync } from "node:fs";
import { ABIS } from "../spec/abis.js";
import { REPO_ROOT } from "../core/paths.js";
import { main } from "../cli/main.js";
import { bufferIo } from "../cli/io.js";
import { githubCommand, githubCommands } from "../cli/formats/github.js";
import type { Finding } from "../cli/formats/finding.js";

const COMMAND_LINE = /^::(error|warning|notice)( [^:]*)?::/;

function unescapeData(s: string): string {
  return s.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
}
function unescapeProperty(s: string): string {
  return s.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%3A/g, ":").replace(/%2C/g, ",").replace(/%25/g, "%");
}

/** How the runner reads one line: the command, its properties, its message. */
function decode(line: string): { command: string; properties: Record<string, string>; message: string } {
  if (!line.startsWith("::")) throw new Error(`not a command: ${line}`);
  const end = line.indexOf("::", 2);
  if (end < 0) throw new Error(`no message separator: ${line}`);
  const head = line.slice(2, end);
  const space = head.indexOf(" ");
  const command = space < 0 ? head : head.slice(0, space);
  const properties: Record<string, string> = {};
  if (space >= 0)
    for (const pair of head.slice(space + 1).split(",")) {
      const eq = pair.indexOf("=");
      properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
  return { command, properties, message: unescapeData(line.slice(end + 2)) };
}

const HOSTILE = "100% done\r\nsecond line: a,b :: c %0A stays literal %25\n::error::injected";

test("a hostile message, hint, path and rule id round-trip through GitHub's decoding as one command", (t) => {
  const finding: Finding = {
    ruleId: "odd:rule,id",
    level: "warning",
    message: HOSTILE,
    hint: "add __u32 pad:: now, 50%",
    loc: { file: path.join(REPO_ROOT, "spec", "we:ird,dir %", "x.yaml"), line: 7, col: 3 },
    abis: ["x86_64"],
    identity: "i",
  };
  const out = githubCommands([finding], REPO_ROOT);
  t.true(out.endsWith("\n"));
  const lines = out.slice(0, -1).split("\n");
  t.is(lines.length, 1, "a multi-line message stays one command");
  t.false(lines[0]!.includes("\r"));
  t.regex(lines[0]!, COMMAND_LINE);
  const got = decode(lines[0]!);
  t.is(got.command, "warning");
  t.deepEqual(got.properties, { file: "spec/we:ird,dir %/x.yaml", line: "7", col: "3", title: "odd:rule,id" });
  t.true(got.message.startsWith(HOSTILE), "the message comes back exactly");
  t.true(got.message.includes("add __u32 pad:: now, 50%"), "and the hint with it");
});

test("any text round-trips (property)", (t) => {
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (message, file) => {
      const f: Finding = {
        ruleId: "r/x",
        level: "error",
        message,
        // "f" first: a segment such as ".." would be normalised away, which is path handling, not escaping.
        loc: { file: `d/f${file.replace(/[/\\]/g, "_")}`, line: 1, col: 1 },
        abis: [],
        identity: "",
      };
      const line = githubCommand(f, REPO_ROOT);
      if (/[\r\n]/.test(line)) return false;
      const got = decode(line);
      return got.message === message && got.properties.file === f.loc!.file && got.command === "error";
    }),
  );
  t.pass();
});

test("a finding with no position has no file property; notes are notices", (t) => {
  const got = decode(
    githubCommand({ ruleId: "verify/unverified", level: "note", message: "m", abis: [], identity: "" }, REPO_ROOT),
  );
  t.is(got.command, "notice");
  t.deepEqual(got.properties, { title: "verify/unverified" });
});

test("uapi check --format github prints only workflow commands, one per finding, the summary on stderr", async (t) => {
  const io = bufferIo();
  const code = await main(["check", "--format", "github"], io);
  const json = bufferIo();
  const jsonCode = await main(["check", "--format", "json"], json);
  t.is(code, jsonCode, "the exit code does not depend on the format");
  const diagnostics = JSON.parse(json.stdout).diagnostics as { severity: string; file: string; line: number }[];
  t.true(io.stdout.endsWith("\n"));
  const lines = io.stdout.slice(0, -1).split("\n");
  t.is(lines.length, diagnostics.length);
  const command = { error: "error", warning: "warning", info: "notice" } as Record<string, string>;
  lines.forEach((l, i) => {
    t.regex(l, COMMAND_LINE);
    const got = decode(l);
    t.is(got.command, command[diagnostics[i]!.severity]);
    t.is(got.properties.file, diagnostics[i]!.file);
    t.is(got.properties.line, String(diagnostics[i]!.line));
  });
  const specs = (JSON.parse(readFileSync(path.join(REPO_ROOT, "uapi.config.json"), "utf8")) as { specs: string[] })
    .specs;
  t.regex(io.stderr, new RegExp(`^${specs.length} specs, ${ABIS.length} ABIs: \\d+ errors`, "m"));
  const quiet = bufferIo();
  await main(["check", "--format", "github", "--quiet"], quiet);
  t.is(quiet.stdout.split("\n").filter(Boolean).length, diagnostics.filter((d) => d.severity !== "info").length);
});

test("uapi diff --format github: one annotation per change, at its line in the new version", async (t) => {
  const io = bufferIo();
  const code = await main(["diff", "spec/bus1.yaml#bus1", "spec/bus1.yaml#bus1_2016_11", "--format", "github"], io);
  t.is(code, 1);
  const lines = io.stdout.split("\n").filter(Boolean);
  t.true(lines.length > 0);
  for (const l of lines)
    t.regex(l, /^::(error|warning|notice) file=spec\/bus1\.yaml,line=\d+,col=\d+,title=diff\/[a-z-]+::/);
  t.regex(io.stderr, /changes?: \d+ breaking/);
});
