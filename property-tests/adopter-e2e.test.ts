/*
 * The adopter's session, end to end, outside this repository: `npm pack` the
 * package, install the tarball into a fresh project in the system's temporary
 * folder, run `uapi init`, `check` and `generate` there, then use the
 * generated codec from a strict TypeScript program, from plain JavaScript,
 * and with `--runtime vendor` after the package is removed.  Every encoding
 * is compared with the bytes gcc lays out for the same initialiser, written
 * with the generated header's own macros.  `uapi serve` runs there too: the
 * installed package ships the built page.
 */
import test from "ava";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../core/paths.js";
import { scratchDir } from "./header-support.js";
import { startServe } from "./web-support.js";

const TSC = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
const NAME = "acme_dev";

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

/** The environment of a user's shell: none of the npm_* variables `npm test` sets for this package's scripts. */
const userEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_(package|lifecycle|config_(local_prefix|prefix|global))/i.test(k)),
);

function run(command: string, args: string[], cwd: string): Ran {
  const r: SpawnSyncReturns<string> = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: userEnv,
    maxBuffer: 64 << 20,
  });
  return { code: r.status, out: r.stdout ?? "", err: `${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}
const shown = (r: Ran) => `exit ${r.code}\n--- stdout\n${r.out}\n--- stderr\n${r.err}`;

/** The tarball, packed once from the built tree (`npm test` has just compiled dist/). */
function pack(): { tarball?: string; why?: string } {
  const into = scratchDir("pack");
  const r = run("npm", ["pack", "--ignore-scripts", "--pack-destination", into, "--json"], REPO_ROOT);
  if (r.code !== 0) return { why: `npm pack cannot run here: ${(r.err || r.out).trim().split("\n")[0]}` };
  const name = (JSON.parse(r.out) as { filename: string }[])[0]!.filename;
  return { tarball: path.join(into, name) };
}

const packed = pack();
const e2e = packed.tarball ? test.serial : test.serial.skip;
const skipNote = packed.why ? ` (skipped: ${packed.why})` : "";

/** A fresh project with the tarball installed as a dev dependency, as a driver developer would. */
function newProject(tag: string): string {
  const dir = scratchDir(tag);
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: `adopter-${tag}`, private: true, type: "module" }, null, 2) + "\n",
  );
  const r = run("npm", ["install", "--save-dev", "--prefer-offline", "--no-audit", "--no-fund", packed.tarball!], dir);
  if (r.code !== 0) throw new Error(`npm install of the tarball failed:\n${shown(r)}`);
  return dir;
}

/** The struct as gcc lays it out on this host (x86_64), initialised with the header's macros. */
function gccBytes(project: string, outDir: string): string {
  const source = `#include <stdio.h>
#include <string.h>
#include <linux/${NAME}.h>
int main(void)
{
\tstruct ${NAME}_config c;
\tconst unsigned char *p = (const unsigned char *)&c;
\tsize_t i;
\tmemset(&c, 0, sizeof(c));
\tc.flags = ${NAME.toUpperCase()}_CONFIG_ENABLE | ${NAME.toUpperCase()}_CONFIG_NONBLOCK;
\tc.buffer_size = 4096;
\tc.buffer = 0x1122334455667788ULL;
\tfor (i = 0; i < sizeof(c); i++)
\t\tprintf("%02x", p[i]);
\tprintf("\\n");
\treturn 0;
}
`;
  writeFileSync(path.join(project, "layout.c"), source);
  const exe = path.join(project, "layout");
  const built = run(
    "gcc",
    ["-Wall", "-Werror", "-I", path.join(outDir, "include", "uapi"), "layout.c", "-o", exe],
    project,
  );
  if (built.code !== 0) throw new Error(`gcc failed:\n${shown(built)}`);
  return run(exe, [], project).out.trim();
}

/** The program a user writes: encode the value, decode it back, print both. */
const PROGRAM_BODY = (codecs: string) => `
const codec = ${NAME}_config["x86_64"];
const value = { flags: 0x3, buffer_size: 4096, buffer: 0x1122334455667788n };
const encoded = codec.encode(value);
const bytes = new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const back = codec.decode(bytes);
const printed = { hex, size: codec.size, back, from: "${codecs}" };
console.log(JSON.stringify(printed, (_key, v) => (typeof v === "bigint" ? v.toString() : v)));
`;

const TS_PROGRAM = (codecs: string) =>
  `import { ${NAME}_config, IOCTLS } from "${codecs}";
declare const console: { log(text: string): void };
// A wrong field type here must not compile: the codec's value type is the generated interface.
const typed: ${NAME}_config = { flags: 0, buffer_size: 0, buffer: 0n };
void typed;
void IOCTLS["${NAME.toUpperCase()}_GET_CONFIG"];
${PROGRAM_BODY(codecs)}`;

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    outDir: "build",
    types: [],
    skipLibCheck: false,
  },
  files: ["main.ts"],
};

interface Printed {
  hex: string;
  size: number;
  back: { flags: number; buffer_size: number; buffer: string; reserved?: string };
}

function expectRoundTrip(t: import("ava").ExecutionContext, printed: Ran, expected: string): void {
  t.is(printed.code, 0, shown(printed));
  const p = JSON.parse(printed.out) as Printed;
  t.is(p.hex, expected, "the codec's bytes equal gcc's layout of the same initialiser");
  t.is(p.size * 2, expected.length, "the codec's size is gcc's sizeof");
  t.is(p.back.flags, 3);
  t.is(p.back.buffer_size, 4096);
  t.is(p.back.buffer, String(0x1122334455667788n));
}

let project = "";
let expected = "";

/**
 * A plain JavaScript program in a new folder of the project that imports the codecs in `codecs` (project-relative).
 * The folder says `"type": "commonjs"`, as `npm init` writes it: the emitted modules must load regardless.
 */
function runJavaScriptUser(folder: string, codecs: string): Ran {
  const dir = path.join(project, folder);
  mkdirSync(dir);
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: folder, type: "commonjs" }));
  const from = `../${codecs}`;
  writeFileSync(
    path.join(dir, "main.mjs"),
    `import { ${NAME}_config } from "${from}/${NAME}.mjs";\n${PROGRAM_BODY(from)}`,
  );
  return run(process.execPath, ["main.mjs"], dir);
}

e2e(`install the tarball, uapi init, check, generate: files land in the project, not the package${skipNote}`, (t) => {
  project = newProject("adopter");
  const installed = path.join(project, "node_modules", "uapi-workbench");
  t.true(existsSync(path.join(installed, "dist", "cli", "main.js")), "the package ships its compiled CLI");
  t.false(existsSync(path.join(installed, "node_modules", "@yowasp")), "clang (WebAssembly) is not installed");
  t.false(existsSync(path.join(project, "node_modules", "@yowasp")), "clang (WebAssembly) is not installed");

  const init = run("npx", ["uapi", "init", NAME], project);
  t.is(init.code, 0, shown(init));
  const spec = readFileSync(path.join(project, "spec", `${NAME}.yaml`), "utf8");
  const schemaRef = /^\$schema: (.+)$/m.exec(spec)?.[1];
  t.truthy(schemaRef, "the starter spec names its schema");
  t.is(
    readFileSync(path.resolve(project, "spec", schemaRef!), "utf8"),
    readFileSync(path.join(installed, "spec", "schema.json"), "utf8"),
    "$schema resolves to the installed schema",
  );
  const again = run("npx", ["uapi", "init", NAME], project);
  t.is(again.code, 2, "init refuses to overwrite");
  t.is(readFileSync(path.join(project, "spec", `${NAME}.yaml`), "utf8"), spec, "and leaves the spec alone");

  const check = run("npx", ["uapi", "check"], project);
  t.is(check.code, 0, shown(check));
  t.regex(check.out, /0 errors, 0 warnings/, "the starter spec is clean");

  const generate = run("npx", ["uapi", "generate"], project);
  t.is(generate.code, 0, shown(generate));
  for (const f of [`include/uapi/linux/${NAME}.h`, `codecs/${NAME}.ts`, `codecs/${NAME}.mjs`, `codecs/${NAME}.d.mts`])
    t.true(existsSync(path.join(project, "out", f)), `out/${f} is in the project`);
  t.false(existsSync(path.join(installed, "out")), "nothing was written into the installed package");
  expected = gccBytes(project, path.join(project, "out"));
  t.regex(expected, /^([0-9a-f]{2})+$/);

  // The command line takes the flags by name (short or full) and gives gcc's bytes too.
  const value = JSON.stringify({
    flags: ["ENABLE", `${NAME.toUpperCase()}_CONFIG_NONBLOCK`],
    buffer_size: 4096,
    buffer: "0x1122334455667788",
  });
  const encoded = run("npx", ["uapi", "encode", `${NAME}_config`, "--abi", "x86_64", value], project);
  t.is(encoded.code, 0, shown(encoded));
  t.is(encoded.out.trim().replace(/\s+/g, "").toLowerCase(), expected);
});

e2e(`uapi serve from the installed package: the page, and the project's own spec${skipNote}`, async (t) => {
  const cli = path.join(project, "node_modules", "uapi-workbench", "dist", "cli", "main.js");
  const served = await startServe([], project, cli);
  try {
    t.deepEqual(served.announced.specs, [path.join("spec", `${NAME}.yaml`)], "the project's configured spec");
    t.false(served.announced.clang, "no @yowasp/clang in this project: verify is off");
    const html = await (await fetch(served.url)).text();
    for (const asset of ["main.js", "verify-worker.js", "style.css"]) {
      t.true(html.includes(asset) || asset === "verify-worker.js", `index.html names ${asset}`);
      t.is((await fetch(served.url + asset)).status, 200, asset);
    }
    const specs = (await (await fetch(served.url + "specs.json")).json()) as { text: string }[];
    t.is(specs[0]!.text, readFileSync(path.join(project, "spec", `${NAME}.yaml`), "utf8"));
    t.is((await fetch(served.url + "clang/bundle.js")).status, 404);
  } finally {
    t.is((await served.stop()).code, 0);
  }
});

e2e(`a strict TypeScript program compiles against the generated codec and matches gcc's bytes${skipNote}`, (t) => {
  writeFileSync(path.join(project, "main.ts"), TS_PROGRAM("./out/codecs/acme_dev.js"));
  writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
  const tsc = run(process.execPath, [TSC, "-p", "."], project);
  t.is(tsc.code, 0, shown(tsc));
  expectRoundTrip(t, run(process.execPath, ["build/main.js"], project), expected);

  // The types are checked, not just present: a string where the struct has a number fails to compile.
  writeFileSync(
    path.join(project, "main.ts"),
    TS_PROGRAM("./out/codecs/acme_dev.js").replace("flags: 0,", 'flags: "0",'),
  );
  const wrong = run(process.execPath, [TSC, "-p", ".", "--noEmit"], project);
  t.not(wrong.code, 0, "a wrongly typed value does not compile");
  t.regex(wrong.out, /TS2322/);
});

e2e(`plain JavaScript, no TypeScript anywhere, runs the emitted .mjs and matches gcc's bytes${skipNote}`, (t) => {
  expectRoundTrip(t, runJavaScriptUser("js-user", "out/codecs"), expected);
});

e2e(`--runtime vendor works after the package is removed${skipNote}`, (t) => {
  // JavaScript with its declarations only: the TypeScript program below is checked against the .d.mts.
  const vendored = run(
    "npx",
    ["uapi", "generate", "--runtime", "vendor", "--codecs", "js", "--out", "vendored"],
    project,
  );
  t.is(vendored.code, 0, shown(vendored));
  const uninstall = run("npm", ["uninstall", "--no-audit", "--no-fund", "uapi-workbench"], project);
  t.is(uninstall.code, 0, shown(uninstall));
  t.false(existsSync(path.join(project, "node_modules", "uapi-workbench")), "the package is gone");

  // JavaScript, from a folder that has no node_modules anywhere above it but the project's (now empty of us).
  expectRoundTrip(t, runJavaScriptUser("vendored-js", "vendored/codecs"), expected);

  // TypeScript, strict, against the vendored .mjs and .d.mts only (emitted beside main.ts, where the .mjs sits).
  const ts = path.join(project, "vendored-ts");
  mkdirSync(ts);
  cpSync(path.join(project, "vendored"), path.join(ts, "vendored"), { recursive: true });
  t.false(existsSync(path.join(ts, "vendored", "codecs", `${NAME}.ts`)), "--codecs js writes no .ts");
  t.true(existsSync(path.join(ts, "vendored", "codecs", `${NAME}.d.mts`)), "but the declarations");
  writeFileSync(path.join(ts, "main.ts"), TS_PROGRAM(`./vendored/codecs/${NAME}.mjs`));
  const beside = { ...TSCONFIG, compilerOptions: { ...TSCONFIG.compilerOptions, outDir: undefined } };
  writeFileSync(path.join(ts, "tsconfig.json"), JSON.stringify(beside));
  const tsc = run(process.execPath, [TSC, "-p", "."], ts);
  t.is(tsc.code, 0, shown(tsc));
  expectRoundTrip(t, run(process.execPath, ["main.js"], ts), expected);
  const imports = readdirSync(path.join(project, "vendored", "codecs"))
    .filter((f) => f.endsWith(".mjs"))
    .map((f) => readFileSync(path.join(project, "vendored", "codecs", f), "utf8"))
    .join("\n");
  t.notRegex(imports, /uapi-workbench\/runtime/, "vendored codecs never import the package");
});

e2e(`without @yowasp/clang, verify and import say how to get it; every other command works${skipNote}`, (t) => {
  const dir = newProject("no-clang");
  t.is(run("npx", ["uapi", "init", NAME], dir).code, 0);
  const peer = (
    JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      peerDependencies: Record<string, string>;
    }
  ).peerDependencies["@yowasp/clang"];
  const hint = `npm install --save-dev @yowasp/clang@${peer}`;
  const named = run("npx", ["uapi", "verify", "--compiler", "yowasp", "--abi", "x86_64"], dir);
  t.is(named.code, 2, shown(named));
  t.true(named.err.includes(hint), `--compiler yowasp names the install command:\n${named.err}`);
  const auto = run("npx", ["uapi", "verify", "--abi", "x86_64", "--format", "json"], dir);
  t.true(auto.err.includes(hint), `auto notes the missing clang:\n${auto.err}`);
  t.is(auto.code, 0, shown(auto));
  t.is((JSON.parse(auto.out) as { abis: { status: string }[] }).abis[0]!.status, "verified", "GCC verified x86_64");
  writeFileSync(path.join(dir, "mine.h"), "struct mine { int a; };\n");
  const imported = run("npx", ["uapi", "import", "mine.h", "-o", "mine.yaml"], dir);
  t.is(imported.code, 2, shown(imported));
  t.true(imported.err.includes(hint), `import names the install command:\n${imported.err}`);
  t.false(existsSync(path.join(dir, "mine.yaml")), "import wrote nothing");
  for (const args of [["check"], ["layout"], ["compare", "--format", "json"], ["abis"], ["generate", "--check"]]) {
    const r = run("npx", ["uapi", ...args], dir);
    t.true(r.code === 0 || (args[0] === "generate" && r.code === 1), `uapi ${args.join(" ")}: ${shown(r)}`);
  }
});

e2e(`npm install -D <path> (a link to a checkout) also works, and writes into the project${skipNote}`, (t) => {
  const dir = scratchDir("link");
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "adopter-link", private: true }) + "\n");
  const before = existsSync(path.join(REPO_ROOT, "out")) ? readdirSync(path.join(REPO_ROOT, "out")).join() : "";
  const install = run("npm", ["install", "--save-dev", "--ignore-scripts", "--no-audit", "--no-fund", REPO_ROOT], dir);
  t.is(install.code, 0, shown(install));
  t.is(run("npx", ["uapi", "init", NAME], dir).code, 0);
  const generate = run("npx", ["uapi", "generate"], dir);
  t.is(generate.code, 0, shown(generate));
  t.true(existsSync(path.join(dir, "out", "include", "uapi", "linux", `${NAME}.h`)));
  const after = existsSync(path.join(REPO_ROOT, "out")) ? readdirSync(path.join(REPO_ROOT, "out")).join() : "";
  t.is(after, before, "the checkout's own out/ is untouched");
});
