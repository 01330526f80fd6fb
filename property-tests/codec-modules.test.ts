/*
 * The codec modules as another project imports them (generators/CODECS.md, "Importing the codecs"): the emitted
 * JavaScript (.mjs) behaves exactly like the TypeScript compiled by tsc, the .d.mts gives every export the type tsc
 * gives it in the .ts and rejects wrong programs, a vendored folder runs where nothing is installed and carries the
 * package's runtime byte for byte, and by default the modules import the runtime by the package's name, which
 * resolves inside this repository by self-reference.  The judges: tsc, node, package.json, the package's own
 * runtime files, and seed-uapi.md's request number.
 */
import test, { type ExecutionContext } from "ava";
import fc from "fast-check";
import { deepStrictEqual } from "node:assert";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type TS from "typescript";
import { OUT_DIR, REPO_ROOT, SPEC_DIR } from "../core/paths.js";
import { codecGenerator } from "../generators/codecs.js";
import type { GenerateOptions } from "../generators/generator.js";
import { produceFiles } from "../generators/write-out.js";
import { loadSpecFiles } from "../spec/load.js";
import { scratchDir, writeTree } from "./header-support.js";
import { readReference, SEED_UAPI } from "./reference.js";

const ts: typeof TS | undefined = await import("typescript").then(
  (m) => m.default,
  () => undefined,
);
const NO_TS = "(skipped: the typescript package is not installed)";

const models = loadSpecFiles(
  readdirSync(SPEC_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(SPEC_DIR, f)),
);
/** Little- and big-endian, ILP32 and LP64, and the odd alignments of arm-oabi and m68k. */
const ABIS = ["x86_64", "i386", "x32", "arm-oabi", "m68k", "ppc", "ppc64", "s390x", "sparc64"];
/** Random buffers per struct and ABI. */
const RUNS = 40;
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  name: string;
  exports: Record<string, unknown>;
};
/** BUS1_CMD_SEND's request number, from seed-uapi.md's command table. */
const SEND_REQUEST = Number(/\|\s*`BUS1_CMD_SEND`\s*\|[^\n]*?`(0x[0-9A-Fa-f]+)`/.exec(readReference(SEED_UAPI))![1]);

/** The codec files of the bundled specs, written into a fresh folder that is an ES module package (as a project). */
function generate(tag: string, options: GenerateOptions): string {
  const dir = scratchDir(tag);
  writeTree(dir, produceFiles(models, [codecGenerator], options));
  esmPackage(dir);
  return dir;
}

const esmPackage = (dir: string) => writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');

/** Every file below dir, relative, sorted. */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
}

/** Every module specifier a JavaScript or TypeScript text imports or re-exports from. */
const specifiers = (text: string) =>
  [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)"|\bimport\s*\(\s*"([^"]+)"\s*\)/gm)].map(
    (m) => m[1] ?? m[2]!,
  );

const COMPILER_OPTIONS = (t: typeof TS): TS.CompilerOptions => ({
  target: t.ScriptTarget.ES2022,
  module: t.ModuleKind.NodeNext,
  moduleResolution: t.ModuleResolutionKind.NodeNext,
  strict: true,
  types: [],
  skipDefaultLibCheck: true,
});

function diagnostics(t: typeof TS, program: TS.Program, emitted?: TS.EmitResult): string[] {
  return [...t.getPreEmitDiagnostics(program), ...(emitted?.diagnostics ?? [])].map((d) => {
    const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : "";
    return `${where}TS${d.code}: ${t.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

/** `tsc --strict --noEmit` on these files; the diagnostics. */
function typecheck(t: typeof TS, files: string[], extra: TS.CompilerOptions = {}): string[] {
  return diagnostics(t, t.createProgram(files, { ...COMPILER_OPTIONS(t), noEmit: true, ...extra }));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Module = Record<string, any>;
/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyCodec = {
  name: string;
  size: number;
  align: number;
  decode: any;
  encode: any;
  growth?: any;
  decodeSized?: any;
};
/* eslint-enable @typescript-eslint/no-explicit-any */

/** What a call did, comparable across two copies of the runtime (their CodecError classes differ). */
function outcome(run: () => unknown): unknown {
  try {
    return { value: run() };
  } catch (e) {
    const x = e as Record<string, unknown>;
    return { error: { name: x.name, message: x.message, kind: x.kind, struct: x.struct, field: x.field } };
  }
}

/** The same calls on both codecs give the same values, bytes, warnings and errors. */
function sameBehaviour(a: AnyCodec, b: AnyCodec, runs: number): void {
  deepStrictEqual([a.name, a.size, a.align], [b.name, b.size, b.align]);
  // A struct that may grow: the same growth facts and the same decodeSized for any caller's size.
  deepStrictEqual([b.growth, typeof b.decodeSized], [a.growth, typeof a.decodeSized]);
  if (a.decodeSized)
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: a.size * 2 + 8 }),
        fc.nat(a.size * 2 + 8),
        fc.nat(4),
        (bytes, usize, at) => {
          const warnings: { a: unknown[]; b: unknown[] } = { a: [], b: [] };
          deepStrictEqual(
            outcome(() => b.decodeSized(bytes, usize, at)),
            outcome(() => a.decodeSized(bytes, usize, at)),
          );
          deepStrictEqual(
            outcome(() => b.decodeSized(bytes, usize, at, warnings.b)),
            outcome(() => a.decodeSized(bytes, usize, at, warnings.a)),
          );
          deepStrictEqual(warnings.b, warnings.a);
        },
      ),
      { numRuns: runs },
    );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: a.size * 2 + 8 }), fc.nat(12), fc.boolean(), (bytes, offset, view) => {
      const input = view ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
      deepStrictEqual(
        outcome(() => b.decode(input)),
        outcome(() => a.decode(input)),
      );
      deepStrictEqual(
        outcome(() => b.decode(input, offset)),
        outcome(() => a.decode(input, offset)),
      );
      const warnings: { a: unknown[]; b: unknown[] } = { a: [], b: [] };
      const lenient = outcome(() => a.decode(input, offset, warnings.a));
      deepStrictEqual(
        outcome(() => b.decode(input, offset, warnings.b)),
        lenient,
      );
      deepStrictEqual(warnings.b, warnings.a);
      if (!lenient || !("value" in (lenient as object))) return;
      const value = (lenient as { value: unknown }).value;
      const encodedA = outcome(() => a.encode(value, new Uint8Array(a.size + offset), offset));
      deepStrictEqual(
        outcome(() => b.encode(value, new Uint8Array(b.size + offset), offset)),
        encodedA,
      );
      deepStrictEqual(
        outcome(() => b.encode(value)),
        outcome(() => a.encode(value)),
      );
      if ("value" in (encodedA as object)) {
        const written = (encodedA as { value: Uint8Array }).value;
        deepStrictEqual(
          outcome(() => b.decode(written, offset)),
          outcome(() => a.decode(written, offset)),
        );
      }
    }),
    { numRuns: runs },
  );
}

/** Two builds of one codec module agree: the same exports, ioctl table, and codec behaviour on every ABI named. */
function sameModule(t: ExecutionContext, name: string, a: Module, b: Module): number {
  t.deepEqual(Object.keys(b).sort(), Object.keys(a).sort(), `${name}: exports`);
  t.is(JSON.stringify(b.IOCTLS), JSON.stringify(a.IOCTLS), `${name}: IOCTLS`);
  let compared = 0;
  for (const tag of Object.keys(a.CODECS)) {
    for (const abi of ABIS) {
      const ca = a.CODECS[tag][abi] as AnyCodec | undefined;
      t.truthy(ca, `${name}: ${tag} has a codec for ${abi}`);
      if (!ca) continue;
      sameBehaviour(ca, b.CODECS[tag][abi] as AnyCodec, RUNS);
      compared++;
    }
  }
  return compared;
}

const importFile = (file: string): Promise<Module> => import(pathToFileURL(file).href);

/** The interface modules (not the per-spec index) of a codecs/ folder, by base name. */
const moduleNames = (codecsDir: string) =>
  readdirSync(codecsDir)
    .filter((f) => f.endsWith(".mjs") && !f.endsWith(".index.mjs"))
    .map((f) => f.slice(0, -4))
    .sort();

const VENDOR_BOTH: GenerateOptions = { runtime: "vendor", codecs: "both" };

if (!ts) test.skip(`the .mjs modules behave like the .ts modules compiled by tsc ${NO_TS}`, () => {});
else
  test("the .mjs modules behave like the .ts modules compiled by tsc, on random bytes, for every struct", async (t) => {
    const src = generate("codec-modules-src", VENDOR_BOTH);
    const built = scratchDir("codec-modules-tsc");
    esmPackage(built);
    const roots = filesUnder(src)
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
      .map((f) => path.join(src, f));
    const program = ts.createProgram(roots, { ...COMPILER_OPTIONS(ts), outDir: built, rootDir: src });
    t.deepEqual(diagnostics(ts, program, program.emit()), [], "tsc --strict compiles the .ts modules");
    const names = moduleNames(path.join(src, "codecs"));
    t.true(names.length >= 9, `every interface has a module: ${names.join(", ")}`);
    let compared = 0;
    for (const name of names) {
      const js = await importFile(path.join(src, "codecs", `${name}.mjs`));
      const compiled = await importFile(path.join(built, "codecs", `${name}.js`));
      compared += sameModule(t, name, compiled, js);
    }
    t.true(compared >= 16 * ABIS.length, `${compared} struct/ABI codecs compared`);
    for (const spec of models.map((m) => m.doc.name)) {
      const js = await importFile(path.join(src, "codecs", `${spec}.index.mjs`));
      const compiled = await importFile(path.join(built, "codecs", `${spec}.index.js`));
      t.deepEqual(Object.keys(js).sort(), Object.keys(compiled).sort(), `${spec}.index`);
    }
  });

const SEND = {
  flags: 0n,
  ptr_destinations: 0x1000n,
  ptr_errors: 0n,
  n_destinations: 1n,
  ptr_vecs: 0x2000n,
  n_vecs: 2n,
  ptr_handles: 0n,
  n_handles: 0n,
  ptr_fds: 0n,
  n_fds: 0n,
};
const sendLiteral = (fields: Record<string, string>) =>
  `{ ${Object.entries({ ...Object.fromEntries(Object.entries(SEND).map(([k, v]) => [k, `${v}n`])), ...fields })
    .filter(([, v]) => v !== "")
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ")} }`;

/** A program as a project writes it against the JavaScript flavour; `send` is the bus1_cmd_send value literal. */
const program = (send: string, extra = "") => `
import { bus1_cmd_send, CODECS, IOCTLS, type bus1_cmd_send as Send } from "./codecs/bus1.mjs";
import * as bus1Spec from "./codecs/bus1.index.mjs";
import { CodecError, type Codec, type CodecWarning } from "./codecs/bus1.runtime/index.js";

const value: Send = ${send};
const codec: Codec<Send> = bus1_cmd_send["x86_64"]!;
const bytes: Uint8Array = codec.encode(value);
const warnings: CodecWarning[] = [];
const back: Send = CODECS.bus1_cmd_send["i386"]!.decode(bytes, 0, warnings);
const flags: bigint = back.flags;
const view: DataView = bus1Spec.bus1.bus1_cmd_send["ppc64"]!.encode(back, new DataView(new ArrayBuffer(80)));
const request: number | null | undefined = IOCTLS["BUS1_CMD_SEND"]?.numbers["x86_64"];
const failed: boolean = new Error() instanceof CodecError;
${extra}
export { flags, view, request, failed };
`;

if (!ts) test.skip(`the .d.mts files type a strict program and reject wrong ones ${NO_TS}`, () => {});
else
  test("the .d.mts files type a strict program that uses a codec and IOCTLS, and reject wrong ones", (t) => {
    const dir = generate("codec-modules-dts", { runtime: "vendor", codecs: "js" });
    t.false(
      filesUnder(dir).some((f) => f.endsWith(".ts") && !/\.d\.m?ts$/.test(f)),
      "only JavaScript and declarations, so the program's types come from the .d.mts",
    );
    const check = (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text);
      // skipLibCheck off: the generated .d.mts and vendored .d.ts files are checked too.
      return typecheck(ts, [path.join(dir, name)], { skipLibCheck: false });
    };
    t.deepEqual(check("good.ts", program(sendLiteral({}))), [], "a correct strict program compiles");
    const wrong: [string, string, string][] = [
      ["a number for a __u64", sendLiteral({ flags: "0" }), ""],
      ["a missing member", sendLiteral({ n_fds: "" }), ""],
      ["an unknown member", sendLiteral({ flagz: "1n" }), ""],
      ["a struct the spec does not have", sendLiteral({}), "CODECS.bus1_cmd_sendd;"],
      ["a decoded member used as a number", sendLiteral({}), "const n: number = back.n_vecs;"],
      ["a request number used as a string", sendLiteral({}), 'const s: string = IOCTLS["X"]!.numbers["x86_64"]!;'],
    ];
    for (const [what, send, extra] of wrong) {
      const found = check("wrong.ts", program(send, extra));
      t.true(found.length > 0, `${what}: must not compile`);
      t.true(
        found.every((d) => d.startsWith(path.join(dir, "wrong.ts"))),
        `${what}: the error is in the program:\n${found.join("\n")}`,
      );
    }
  });

if (!ts) test.skip(`every export of a .d.mts has the type tsc gives it in the .ts ${NO_TS}`, () => {});
else
  test("every export of a .d.mts has exactly the type tsc gives it in the .ts", (t) => {
    const dir = scratchDir("codec-modules-types");
    // The package flavour, both builds sharing one runtime declaration, so types can be compared for identity.
    for (const [sub, codecs] of [
      ["ts", "ts"],
      ["js", "js"],
    ] as const)
      writeTree(path.join(dir, sub), produceFiles(models, [codecGenerator], { runtime: "package", codecs }));
    esmPackage(dir);
    const paths = { [`${pkg.name}/runtime`]: [path.join(REPO_ROOT, "dist", "runtime", "index.d.ts")] };
    const names = moduleNames(path.join(dir, "js", "codecs"));
    const sources = names.map((n) => path.join(dir, "ts", "codecs", `${n}.ts`));
    const tsProgram = ts.createProgram(sources, { ...COMPILER_OPTIONS(ts), noEmit: true, paths });
    t.deepEqual(diagnostics(ts, tsProgram), [], "the .ts modules compile");
    const checker = tsProgram.getTypeChecker();
    const lines = [
      "type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;",
      // The control: Equal tells an optional member from a required one.
      "const control: Equal<{ a: bigint }, { a?: bigint }> = false;",
      "export { control };",
    ];
    let compared = 0;
    names.forEach((name, i) => {
      lines.push(
        `import * as T${i} from "./ts/codecs/${name}.js";`,
        `import * as J${i} from "./js/codecs/${name}.mjs";`,
      );
      const file = tsProgram.getSourceFile(sources[i]!)!;
      for (const sym of checker.getExportsOfModule(checker.getSymbolAtLocation(file)!)) {
        const n = sym.getName();
        if (sym.flags & ts.SymbolFlags.Value) lines.push(`true satisfies Equal<typeof T${i}.${n}, typeof J${i}.${n}>;`);
        if (sym.flags & ts.SymbolFlags.Type) lines.push(`true satisfies Equal<T${i}.${n}, J${i}.${n}>;`);
        compared++;
      }
    });
    t.true(compared >= 16 + 2 * names.length, `${compared} exports compared`);
    writeFileSync(path.join(dir, "same.ts"), lines.join("\n") + "\n");
    t.deepEqual(typecheck(ts, [path.join(dir, "same.ts")], { paths, skipLibCheck: false }), []);
  });

/** Node in `cwd` runs `script` (an ES module); its stdout parsed as JSON. */
function runNode(cwd: string, script: string): { ok: boolean; out: unknown; err: string } {
  writeFileSync(path.join(cwd, "main.mjs"), script);
  const r = spawnSync(process.execPath, ["main.mjs"], { cwd, encoding: "utf8", env: { PATH: process.env.PATH } });
  let out: unknown;
  try {
    out = JSON.parse(r.stdout);
  } catch {
    out = r.stdout;
  }
  return { ok: r.status === 0, out, err: r.stderr };
}

/** bus1_cmd_send with members 1..10: ten __u64 in declaration order (seed-uapi.md), in the given byte order. */
function sendBytes(little: boolean): string {
  const view = new DataView(new ArrayBuffer(80));
  for (let i = 0; i < 10; i++) view.setBigUint64(i * 8, BigInt(i + 1), little);
  return Buffer.from(view.buffer).toString("hex");
}

/** A script that imports bus1's codecs through the spec's index module `index` and reports what they do. */
const useSend = (index: string) => `
import { bus1 } from ${JSON.stringify(index)};
const value = Object.fromEntries(${JSON.stringify(Object.keys(SEND))}.map((k, i) => [k, BigInt(i + 1)]));
const hex = (b) => Buffer.from(b).toString("hex");
const le = bus1.bus1_cmd_send.x86_64.encode(value);
let refused = "";
try { bus1.bus1_cmd_send.x86_64.decode(le.subarray(1)); } catch (e) { refused = e.constructor.name + " " + e.kind; }
console.log(JSON.stringify({
  le: hex(le),
  be: hex(bus1.bus1_cmd_send.ppc64.encode(value)),
  back: bus1.bus1_cmd_send.ppc64.decode(bus1.bus1_cmd_send.ppc64.encode(value)).n_fds.toString(),
  request: bus1.IOCTLS.BUS1_CMD_SEND.numbers.x86_64,
  refused,
}));
`;

const expectedUse = {
  le: sendBytes(true),
  be: sendBytes(false),
  back: "10",
  request: SEND_REQUEST,
  refused: "CodecError truncated",
};

test("vendor mode: the codecs folder runs where nothing is installed", (t) => {
  const src = generate("codec-modules-vendor", VENDOR_BOTH);
  const project = scratchDir("codec-modules-elsewhere");
  cpSync(path.join(src, "codecs"), path.join(project, "codecs"), { recursive: true });
  // What `npm init` writes: the .mjs modules and the copy's own package.json must not depend on the project's.
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ type: "commonjs" }));
  for (let d = project; d !== path.dirname(d); d = path.dirname(d))
    t.false(existsSync(path.join(d, "node_modules")), `no node_modules above the copy (${d})`);
  for (const f of filesUnder(project).filter((f) => /\.m?js$/.test(f)))
    for (const s of specifiers(readFileSync(path.join(project, f), "utf8")))
      t.true(s.startsWith("./"), `${f} imports '${s}': only files beside it`);
  const r = runNode(project, useSend("./codecs/bus1.index.mjs"));
  t.true(r.ok, r.err);
  t.deepEqual(r.out, expectedUse);
});

test("vendor mode: each spec's runtime copy is the package's runtime byte for byte, in the flavours asked", (t) => {
  const shipped = (dir: string, keep: (f: string) => boolean) =>
    readdirSync(dir)
      .filter(keep)
      .map((f) => [f, readFileSync(path.join(dir, f), "utf8")] as const);
  const sources = shipped(path.join(REPO_ROOT, "runtime"), (f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
  const compiled = shipped(path.join(REPO_ROOT, "dist", "runtime"), (f) => /\.(js|d\.ts)$/.test(f));
  t.true(sources.some(([f]) => f === "index.ts") && compiled.some(([f]) => f === "index.d.ts"));
  const expected = { ts: sources, js: compiled, both: [...sources, ...compiled] };
  for (const codecs of ["ts", "js", "both"] as const) {
    const files = produceFiles(models, [codecGenerator], { runtime: "vendor", codecs });
    t.deepEqual(
      produceFiles(models, [codecGenerator], { runtime: "vendor", codecs }),
      files,
      `${codecs}: deterministic`,
    );
    for (const model of models) {
      const dir = `codecs/${model.doc.name}.runtime/`;
      const marker = files.find((f) => f.path === `${dir}package.json`);
      t.is((JSON.parse(marker?.content ?? "{}") as { type?: string }).type, "module", `${dir} is an ES module folder`);
      const copy = files
        .filter((f) => f.path.startsWith(dir) && f !== marker)
        .map((f) => [f.path.slice(dir.length), f.content] as const)
        .sort();
      t.deepEqual(copy, [...expected[codecs]].sort(), `${model.doc.name}, codecs: ${codecs}`);
      // Each spec's modules import its own copy.
      const modules = new Set(model.interfaces.map((i) => `codecs/${i.spec.name}`));
      for (const f of files.filter((f) => modules.has(f.path.replace(/\.(d\.mts|mjs|ts)$/, ""))))
        t.deepEqual(specifiers(f.content), [`./${model.doc.name}.runtime/index.js`], f.path);
    }
  }
});

test("each codecs option writes exactly its flavours of every module", (t) => {
  const bases = [
    ...models.flatMap((m) => m.interfaces.map((i) => `codecs/${i.spec.name}`)),
    ...models.map((m) => `codecs/${m.doc.name}.index`),
  ].sort();
  const want = { ts: [".ts"], js: [".d.mts", ".mjs"], both: [".d.mts", ".mjs", ".ts"] };
  for (const runtime of ["package", "vendor"] as const)
    for (const codecs of ["ts", "js", "both"] as const) {
      const paths = produceFiles(models, [codecGenerator], { runtime, codecs })
        .map((f) => f.path)
        .filter((p) => !p.includes(".runtime/"));
      t.deepEqual(paths.sort(), bases.flatMap((b) => want[codecs].map((e) => b + e)).sort(), `${runtime}, ${codecs}`);
    }
  t.deepEqual(
    produceFiles(models, [codecGenerator]).map((f) => f.path),
    produceFiles(models, [codecGenerator], { runtime: "package", codecs: "both" }).map((f) => f.path),
    "the default is the package runtime and both flavours",
  );
});

test("default mode: modules import the runtime by the package's name, as package.json exports it", async (t) => {
  t.truthy(pkg.exports["./runtime"], 'package.json exports "./runtime"');
  const runtime = `${pkg.name}/runtime`;
  const files = produceFiles(models, [codecGenerator]);
  for (const f of files) {
    const index = /\.index\.(d\.mts|mjs|ts)$/.test(f.path);
    const imported = specifiers(f.content);
    // TypeScript names a sibling `.js` (resolved to its .ts); JavaScript and its declarations name the `.mjs`.
    const sibling = f.path.endsWith(".ts") ? /^\.\/[\w-]+\.js$/ : /^\.\/[\w-]+\.mjs$/;
    if (index) t.true(imported.every((s) => sibling.test(s)) && imported.length > 0, f.path);
    else t.deepEqual(imported, [runtime], f.path);
  }
  // From inside this repository the name resolves to the compiled runtime (package self-reference).
  t.is(await import(runtime), await import("../runtime/index.js"));
});

test("default mode: the committed out/codecs/*.mjs run here, like the committed .ts compiled by tsc", async (t) => {
  const codecs = path.join(OUT_DIR, "codecs");
  const names = moduleNames(codecs);
  t.true(names.length >= 9);
  let compared = 0;
  for (const name of names) {
    const js = await importFile(path.join(codecs, `${name}.mjs`));
    const compiled = await importFile(path.join(REPO_ROOT, "dist", "out", "codecs", `${name}.js`));
    compared += sameModule(t, name, compiled, js);
  }
  t.true(compared >= 16 * ABIS.length);
  // From a folder outside out/: the modules still find the runtime by the package's name, from where they are.
  const r = runNode(
    scratchDir("codec-modules-committed"),
    useSend(pathToFileURL(path.join(codecs, "bus1.index.mjs")).href),
  );
  t.true(r.ok, r.err);
  t.deepEqual(r.out, expectedUse);
});
