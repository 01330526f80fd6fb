/*
 * The user's project: which specs a command runs on, where `generate`
 * writes, what uapi.config.json (or package.json "uapi") may say and how its
 * errors are reported, and `uapi init`.  Every run is the real CLI in a
 * folder of the system's temporary directory, outside this checkout.
 */
import test from "ava";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { REPO_ROOT } from "../core/paths.js";
import { cc, C90_FLAGS, scratchDir, snapshotTree } from "./header-support.js";

const CLI = path.join(REPO_ROOT, "dist", "cli", "main.js");
const uapi = (args: string[], cwd: string) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** 1-based line and column of the first occurrence of `needle` in `text`, computed here, not by the tool. */
function lineColOf(text: string, needle: string): string {
  const at = text.indexOf(needle);
  const before = text.slice(0, at).split("\n");
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

/** A small valid spec with one command whose direction the checks flag (a warning), named `name`. */
function warningSpec(name: string): string {
  return `name: ${name}
doc: test spec
interfaces:
  - name: ${name}
    doc: test interface
    header: linux/${name}.h
    structs:
      - name: ${name}_arg
        doc: argument
        fields:
          - { name: a, type: __u32, flow: out }
          - { name: b, type: __u32, flow: out }
    commands:
      - { name: ${name.toUpperCase()}_GET, doc: get, magic: 0xBB, nr: 1, dir: readwrite, arg: struct ${name}_arg }
`;
}

function project(tag: string, files: Record<string, string>): string {
  const dir = scratchDir(tag);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

test("with no SPEC and no configuration, a command runs on nothing: exit 2, and it says how to start", (t) => {
  const dir = scratchDir("empty");
  for (const cmd of [["check"], ["generate"], ["layout"], ["verify"], ["compare"]]) {
    const r = uapi(cmd, dir);
    t.is(r.code, 2, `${cmd[0]}: ${r.err}`);
    t.regex(r.err, /no SPEC named, and no uapi\.config\.json/);
    t.regex(r.err, /uapi init/);
  }
  t.false(existsSync(path.join(dir, "out")), "nothing was written");
});

test("the configuration is found from a subfolder; its paths are relative to its own folder", (t) => {
  const dir = project("walk", {
    "uapi.config.json": JSON.stringify({ specs: ["specs/w.yaml"], out: "build/uapi" }),
    "specs/w.yaml": warningSpec("w"),
    "src/deep/er/.keep": "",
  });
  const deep = path.join(dir, "src", "deep", "er");
  const check = uapi(["check", "--format", "json"], deep);
  t.is(check.code, 0, check.err);
  t.deepEqual((JSON.parse(check.out) as { specs: string[] }).specs.length, 1);
  const gen = uapi(["generate"], deep);
  t.is(gen.code, 0, gen.err);
  t.true(existsSync(path.join(dir, "build", "uapi", "include", "uapi", "linux", "w.h")), "out is the configured one");
  t.false(existsSync(path.join(deep, "out")), "nothing in the working directory");
  // --out wins over the configuration.
  t.is(uapi(["generate", "--out", "here"], deep).code, 0);
  t.true(existsSync(path.join(deep, "here", "include", "uapi", "linux", "w.h")));
});

test("without a configuration, generate SPEC writes ./out of the working directory", (t) => {
  const dir = project("cwd-out", { "w.yaml": warningSpec("w") });
  const r = uapi(["generate", "w.yaml"], dir);
  t.is(r.code, 0, r.err);
  t.true(existsSync(path.join(dir, "out", "include", "uapi", "linux", "w.h")));
});

test("failOn and abis come from the configuration; the command line wins", (t) => {
  const dir = project("defaults", {
    "uapi.config.json": JSON.stringify({ specs: ["w.yaml"], failOn: "warning", abis: ["x86_64", "arm"] }),
    "w.yaml": warningSpec("w"),
  });
  const r = uapi(["check", "--format", "json"], dir);
  const report = JSON.parse(r.out) as { abis: string[]; summary: { warning: number } };
  t.true(report.summary.warning > 0, "the spec has a warning");
  t.is(r.code, 1, "failOn: warning fails on it");
  t.deepEqual([...report.abis].sort(), ["arm", "x86_64"]);
  t.is(uapi(["check", "--fail-on", "error"], dir).code, 0);
  const all = JSON.parse(uapi(["check", "--format", "json", "--abi", "all", "--fail-on", "never"], dir).out);
  t.true((all as { abis: string[] }).abis.length > 2);
});

test("configuration errors are located at file:line:col, with advice, and nothing runs", (t) => {
  const text = `{
  "specs": ["w.yaml", "missing.yaml"],
  "abis": ["x86_64", "vax"],
  "outt": "elsewhere"
}
`;
  const dir = project("bad-config", { "uapi.config.json": text, "w.yaml": warningSpec("w") });
  const r = uapi(["generate"], dir);
  t.is(r.code, 2);
  t.true(
    r.err.includes(`uapi.config.json:${lineColOf(text, '"outt"')}: error: schema: /: unknown property 'outt'`),
    r.err,
  );
  t.true(r.err.includes(`uapi.config.json:${lineColOf(text, '"vax"')}: error`), r.err);
  t.regex(r.err, /hint: .*"x86_64"/);
  t.false(existsSync(path.join(dir, "out")));
  // Once the schema is satisfied, a missing spec is reported where it is named.
  const fixed = text.replace(', "vax"', "").replace('"outt"', '"out"');
  writeFileSync(path.join(dir, "uapi.config.json"), fixed);
  const r2 = uapi(["check"], dir);
  t.is(r2.code, 2);
  t.true(r2.err.includes(`uapi.config.json:${lineColOf(fixed, '"missing.yaml"')}: error: no such spec`), r2.err);
  const json = uapi(["check", "--format", "json"], dir);
  const err = (JSON.parse(json.out) as { errors: { file: string; line: number; kind: string }[] }).errors[0]!;
  t.deepEqual([err.kind, err.file, err.line], ["spec", "uapi.config.json", 2]);
});

test('a package.json "uapi" key configures the project; with uapi.config.json beside it, that is an error', (t) => {
  const pkg = JSON.stringify({ name: "drv", version: "1.0.0", uapi: { specs: ["w.yaml"], out: "gen" } }, null, 2);
  const dir = project("pkg-key", { "package.json": pkg, "w.yaml": warningSpec("w") });
  t.is(uapi(["generate"], dir).code, 0);
  t.true(existsSync(path.join(dir, "gen", "include", "uapi", "linux", "w.h")));
  writeFileSync(path.join(dir, "uapi.config.json"), JSON.stringify({ specs: ["w.yaml"] }));
  // uapi.config.json is found first; the package.json key is reported when that file is named.
  const r = uapi(["check", "--config", "package.json"], dir);
  t.is(r.code, 2);
  t.true(r.err.includes(`package.json:${lineColOf(pkg, '{\n    "specs"')}: error: both uapi.config.json`), r.err);
  // A package.json without the key is not a configuration.
  const plain = project("pkg-plain", { "package.json": JSON.stringify({ name: "x" }) });
  t.regex(uapi(["check"], plain).err, /no SPEC named/);
});

test("--config names the configuration explicitly; a missing one is a usage error", (t) => {
  const dir = project("explicit", {
    "conf/uapi.json": JSON.stringify({ specs: ["../w.yaml"], out: "../o" }),
    "w.yaml": warningSpec("w"),
  });
  t.is(uapi(["generate", "--config", "conf/uapi.json"], dir).code, 0);
  t.true(existsSync(path.join(dir, "o", "include", "uapi", "linux", "w.h")));
  const r = uapi(["check", "--config", "nope.json"], dir);
  t.is(r.code, 2);
  t.regex(r.err, /--config nope\.json: no such file/);
});

test("uapi init writes a valid, clean starter spec and the configuration; its header compiles", (t) => {
  const dir = scratchDir("init");
  const r = uapi(["init", "sensor_hub"], dir);
  t.is(r.code, 0, r.err);
  const specText = readFileSync(path.join(dir, "spec", "sensor_hub.yaml"), "utf8");
  // What the issue asks of the starter, read back with an independent YAML parser.
  const doc = parseYaml(specText) as {
    interfaces: { structs: unknown[]; flags: unknown[]; commands: { name: string }[] }[];
  };
  t.is(doc.interfaces[0]!.structs.length, 1);
  t.is(doc.interfaces[0]!.flags.length, 1);
  t.deepEqual(
    doc.interfaces[0]!.commands.map((c) => c.name),
    ["SENSOR_HUB_GET_CONFIG", "SENSOR_HUB_SET_CONFIG"],
  );
  t.true(specText.split("\n").filter((l) => /^\s*#/.test(l)).length >= 5, "it is commented");
  const schema = /^\$schema: (.+)$/m.exec(specText)![1]!;
  t.is(path.resolve(dir, "spec", schema), path.join(REPO_ROOT, "spec", "schema.json"), "$schema is the package's");
  const config = JSON.parse(readFileSync(path.join(dir, "uapi.config.json"), "utf8")) as Record<string, unknown>;
  t.deepEqual(config.specs, ["spec/sensor_hub.yaml"]);
  t.is(path.resolve(dir, config.$schema as string), path.join(REPO_ROOT, "spec", "config.schema.json"));

  const check = uapi(["check", "--format", "json"], dir);
  t.is(check.code, 0, check.err);
  t.like(JSON.parse(check.out), { summary: { error: 0, warning: 0 } });
  t.is(uapi(["generate"], dir).code, 0);
  const c = cc("gcc", [...C90_FLAGS, "-x", "c", "out/include/uapi/linux/sensor_hub.h"], dir);
  t.true(c.ok, c.output);
});

test("uapi init never overwrites, and a bad NAME writes nothing", (t) => {
  const dir = scratchDir("init-refuse");
  writeFileSync(path.join(dir, "uapi.config.json"), "{ mine }\n");
  const r = uapi(["init", "drv"], dir);
  t.is(r.code, 2);
  t.regex(r.err, /refused: uapi\.config\.json exists/);
  t.is(readFileSync(path.join(dir, "uapi.config.json"), "utf8"), "{ mine }\n");
  t.false(existsSync(path.join(dir, "spec")));

  const clean = scratchDir("init-bad-name");
  for (const bad of ["Drv", "9drv", "drv-x", "int"]) {
    const b = uapi(["init", bad], clean);
    t.is(b.code, 2, `${bad}: ${b.err}`);
  }
  t.deepEqual([...snapshotTree(clean).keys()], [], "nothing was written");
});

test("uapi init without NAME takes the folder's name, made a C identifier", (t) => {
  const dir = path.join(scratchDir("init-folder"), "My-Driver.v2");
  mkdirSync(dir);
  t.is(uapi(["init"], dir).code, 0);
  t.true(existsSync(path.join(dir, "spec", "my_driver_v2.yaml")));
});
