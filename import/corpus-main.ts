#!/usr/bin/env node
/* `npm run corpus`: import and round-trip every kernel uapi header here; write out/corpus/. */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { AbiId } from "../spec/abi.js";
import { abiById } from "../spec/abis.js";
import { OUT_DIR } from "../core/paths.js";
import { runCorpus, type CorpusResult } from "./corpus.js";
import { reportJson, reportMarkdown } from "./corpus-report.js";
import { DEFAULT_USR_INCLUDE } from "./round-trip-headers.js";

const HELP = `usage: npm run corpus -- [OPTIONS]

Imports every kernel uapi header below --usr-include with 'uapi import', proves each
spec layout-equal to its header by round trip (the original and the generated header in
one translation unit, _Static_asserts on every size, alignment, offset and value) with
gcc -m64/-m32/-mx32, the Debian cross GCCs that are installed, and the bundled
@yowasp/clang on every ABI it implements, runs
'uapi check' on every imported spec, and writes README.md, report.json and specs/ (every
imported spec, as specs/<header path>.yaml) to --out.

options:
  --usr-include DIR  the installed kernel headers (default ${DEFAULT_USR_INCLUDE})
  --out DIR          where the report goes (default out/corpus of this checkout)
  --abi LIST         only these ABIs (comma-separated; default every ABI with a compiler)
  --gcc MODE         all (default: gcc -m64/-m32/-mx32 and the Debian cross GCCs), x86, none
  --no-clang         without @yowasp/clang
  --only REGEX       only headers whose include path matches
  --limit N          only the first N headers (path order), for a quick look
  --batch N          original headers per translation unit (default 12)
  --workers N        WebAssembly clang worker threads for the round trip (default: cores, at most 2)
  --import-workers N worker threads running 'uapi import' (default: cores, at most 2)
  --render FILE      write the report from a report.json of an earlier run, running nothing
  --quiet            no progress lines on stderr
  -h, --help         this text

exit codes: 0 written, 2 bad usage (or --out holds a specs/ folder this tool did not write), 3 internal error
`;

function fail(message: string): never {
  process.stderr.write(`corpus: ${message}\n`);
  process.exit(2);
}

function positive(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(v)) fail(`--${name} takes a positive integer, not '${v}'`);
  return Number(v);
}

async function main(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        help: { type: "boolean", short: "h" },
        "usr-include": { type: "string" },
        out: { type: "string" },
        abi: { type: "string", multiple: true },
        gcc: { type: "string" },
        "no-clang": { type: "boolean" },
        only: { type: "string" },
        limit: { type: "string" },
        batch: { type: "string" },
        workers: { type: "string" },
        "import-workers": { type: "string" },
        quiet: { type: "boolean" },
        render: { type: "string" },
      },
      strict: true,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const abis = (values.abi ?? []).flatMap((a) => a.split(",")).filter(Boolean);
  const unknown = abis.filter((a) => !abiById(a));
  if (unknown.length) fail(`unknown ABI ${unknown.join(", ")}`);
  const gcc = values.gcc ?? "all";
  if (!["x86", "all", "none"].includes(gcc)) fail(`--gcc takes x86, all or none, not '${gcc}'`);
  let only: RegExp | undefined;
  try {
    only = values.only ? new RegExp(values.only) : undefined;
  } catch (e) {
    fail(`--only: ${(e as Error).message}`);
  }
  const out = path.resolve(values.out ?? path.join(OUT_DIR, "corpus"));
  const say = values.quiet ? () => {} : (line: string) => process.stderr.write(`corpus: ${line}\n`);

  const write = (result: CorpusResult) => {
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, "report.json"), reportJson(result));
    writeFileSync(path.join(out, "README.md"), reportMarkdown(result));
  };
  if (values.render) {
    write(JSON.parse(readFileSync(values.render, "utf8")) as CorpusResult);
    say(`wrote ${path.join(out, "README.md")} and report.json from ${values.render}`);
    return;
  }

  const specsDir = path.join(out, "specs");
  refuseForeignFolder(specsDir);
  const specs = new Map<string, string>();
  const result = await runCorpus({
    usrInclude: path.resolve(values["usr-include"] ?? DEFAULT_USR_INCLUDE),
    abis: abis.length ? (abis as AbiId[]) : undefined,
    gcc: gcc as "x86" | "all" | "none",
    clang: !values["no-clang"],
    only,
    limit: positive("limit", values.limit),
    batch: positive("batch", values.batch),
    workers: positive("workers", values.workers),
    importWorkers: positive("import-workers", values["import-workers"]),
    progress: say,
    onSpec: (header, yaml) => specs.set(header, yaml),
  });
  write(result);
  writeSpecs(specsDir, specs);
  say(`wrote ${path.join(out, "README.md")} and report.json in ${result.timing.total} s`);
}

/** Marks a specs/ folder as this tool's, to be replaced whole by the next run. */
const MARKER = ".uapi-corpus";

function refuseForeignFolder(dir: string): void {
  if (existsSync(dir) && !existsSync(path.join(dir, MARKER)))
    fail(`${dir} exists and is not an earlier run's (no ${MARKER} in it); move it or pick another --out`);
}

/** specs/<header without .h>.yaml, replacing the folder of an earlier run, never a folder that is someone else's. */
function writeSpecs(dir: string, specs: ReadonlyMap<string, string>): void {
  refuseForeignFolder(dir);
  const next = `${dir}.new`;
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next, { recursive: true });
  writeFileSync(path.join(next, MARKER), "written by npm run corpus (import/corpus-main.ts); replaced by each run\n");
  for (const [header, yaml] of [...specs].sort((a, b) => a[0].localeCompare(b[0]))) {
    const file = path.join(next, header.replace(/\.h$/, ".yaml"));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, yaml);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(next, dir);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: Error) => {
    process.stderr.write(`corpus: internal error: ${e.stack ?? e}\n`);
    process.exit(3);
  },
);
