/*
 * The committed schemas are generated from their TypeScript types (spec/types.ts, spec/config-types.ts), and
 * the committed validators (spec/schema-validators.gen.ts) from the schemas, by ajv's standalone code.
 */
import test from "ava";
import AjvModule, { type ErrorObject } from "ajv";
import standaloneModule from "ajv/dist/standalone/index.js";
import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { REPO_ROOT } from "../core/paths.js";
import { exampleSpecFiles } from "../spec/load.js";
import {
  AJV_OPTIONS,
  esmRuntimeImports,
  generateSchemaText,
  SCHEMAS,
  standaloneValidatorsText,
  VALIDATORS_FILE,
} from "../spec/schema-gen.js";
import * as generated from "../spec/schema-validators.gen.js";
import { parseSource } from "../spec/source.js";
import { arbHostileDoc } from "./hostile-arbitraries.js";

const Ajv = AjvModule.default ?? AjvModule;
const standaloneCode = standaloneModule.default ?? standaloneModule;

for (const source of SCHEMAS) {
  const name = `spec/${path.basename(source.file)}`;
  test(`the committed ${name} equals what typescript-json-schema generates from ${source.rootType}`, (t) => {
    const committed = readFileSync(source.file, "utf8");
    t.true(committed === generateSchemaText(source), `${name} is stale: run \`npm run schema\` and commit the result`);
  });
}

test("the committed spec/schema-validators.gen.ts equals ajv's standalone code for the committed schemas", (t) => {
  const texts = new Map(SCHEMAS.map((source) => [source, readFileSync(source.file, "utf8")]));
  const committed = readFileSync(VALIDATORS_FILE, "utf8");
  t.true(committed === standaloneValidatorsText(texts), "stale: run `npm run schema` and commit the result");
});

test("the generated validators import only the package's runtime dependencies and generate no code", (t) => {
  const text = readFileSync(VALIDATORS_FILE, "utf8");
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const imported = [...text.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]!);
  const packageOf = (spec: string) => spec.split("/")[0]!;
  t.deepEqual(
    imported.map(packageOf).filter((p) => !(p in pkg.dependencies)),
    [],
    "installed with the package",
  );
  // A browser page under a Content-Security-Policy without 'unsafe-eval' must be able to load it.
  t.notRegex(text, /\bnew Function\b|\beval\(|^const \w+ = require\(/m);
});

/* ------------------------------------------------------------------ */
/* The standalone validators agree with ajv compiling the schema        */
/* ------------------------------------------------------------------ */

/** An ajv validator: a predicate that leaves its errors on itself. */
type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** What describe() in spec/validate.ts and the error ordering depend on. */
const essentials = (e: ErrorObject) => ({
  keyword: e.keyword,
  instancePath: e.instancePath,
  schemaPath: e.schemaPath,
  params: e.params,
  message: e.message,
  parentSchema: e.parentSchema,
});

/** The documents on which the two validators disagree: validity, or the errors in order. */
function disagreements(standalone: Validator, fresh: Validator, values: Iterable<unknown>): string[] {
  const out: string[] = [];
  for (const value of values) {
    const a = standalone(value);
    const b = fresh(value);
    const ea = (standalone.errors ?? []).map(essentials);
    const eb = (fresh.errors ?? []).map(essentials);
    if (a === b && isDeepStrictEqual(ea, eb)) continue;
    const shown = String(JSON.stringify(value)).slice(0, 200);
    out.push(`${shown}: standalone ${a} with ${ea.length} errors, compiled ${b} with ${eb.length}`);
  }
  return out;
}

type Path = (string | number)[];

/** Every path of a JSON value, the root first. */
function pathsOf(value: unknown, at: Path = []): Path[] {
  if (value === null || typeof value !== "object") return [at];
  const children = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [at, ...children.flatMap(([k, v]) => pathsOf(v, [...at, k]))];
}

/** A copy of `value` with the node at `at` changed by `change`; it returns the new node or undefined to delete it. */
function mutated(value: unknown, at: Path, change: (node: unknown) => unknown): unknown {
  const copy = structuredClone(value);
  if (!at.length) return change(copy);
  const parent = at.slice(0, -1).reduce<Record<string | number, unknown>>((o, k) => o[k] as never, copy as never);
  const last = at[at.length - 1]!;
  const next = change(parent[last]);
  if (next !== undefined) parent[last] = next;
  else if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return copy;
}

/** Breakages of a node that the schemas' keywords catch: type, required, additionalProperties, enum, minimum... */
const BREAKAGES: ((node: unknown) => unknown)[] = [
  () => undefined,
  (n) => (typeof n === "string" ? 7 : typeof n === "number" ? String(n) : "x"),
  (n) => (n !== null && typeof n === "object" && !Array.isArray(n) ? { ...n, bogus: 1 } : [n]),
  (n) => (typeof n === "string" ? `${n}-not-a-value` : typeof n === "number" ? -n - 0.5 : null),
  (n) => (Array.isArray(n) ? [] : typeof n === "number" ? 1e30 : {}),
];

/** Every node of a document broken one way each, turn by turn through BREAKAGES. */
function brokenVersions(value: unknown): unknown[] {
  return pathsOf(value).map((at, i) => mutated(value, at, BREAKAGES[i % BREAKAGES.length]!));
}

const parsed = (file: string) => parseSource(file, readFileSync(file, "utf8")).source!.value;
const compiledFresh = (file: string) => new Ajv(AJV_OPTIONS).compile(JSON.parse(readFileSync(file, "utf8")));
const ODD_ROOTS = [null, [], "x", 1, {}, { bogus: true }];

test("the standalone spec validator agrees with ajv's compiled one on the bundled specs, broken and hostile", (t) => {
  const [documentSchema] = SCHEMAS.filter((s) => s.rootType === "SpecDocument");
  const fresh = compiledFresh(documentSchema!.file);
  const specs = exampleSpecFiles().map(parsed);
  const broken = specs.flatMap(brokenVersions);
  const hostile = fc.sample(arbHostileDoc(), { numRuns: 60, seed: 16 }).map((h) => h.doc);
  const all = [...specs, ...broken, ...hostile, ...ODD_ROOTS];
  t.deepEqual(disagreements(generated.SpecDocument as Validator, fresh, all), []);
  // The corpus exercises both verdicts and the keywords describe() explains.
  const keywords = new Set(all.flatMap((v) => (fresh(v) ? [] : fresh.errors!.map((e) => e.keyword))));
  t.log(`${all.length} documents (${broken.length} broken), ${keywords.size} keywords: ${[...keywords].join(", ")}`);
  t.true(specs.every((s) => fresh(s)) && hostile.some((h) => fresh(h)), "valid documents are in the corpus");
  for (const k of ["required", "additionalProperties", "enum", "type", "anyOf"]) t.true(keywords.has(k), k);
});

/** The configuration's properties that enumerate their values (an array property: its items do). */
type ConfigSchema = { properties: Record<string, { enum?: unknown[]; items?: { enum?: unknown[] } }> };

/** The configuration once with every value each enumerated property allows (an array: as its one item). */
function everyAllowedValue(config: object, schema: ConfigSchema): object[] {
  return Object.entries(schema.properties).flatMap(([key, p]) => [
    ...(p.enum ?? []).map((v) => ({ ...config, [key]: v })),
    ...(p.items?.enum ?? []).map((v) => ({ ...config, [key]: [v] })),
  ]);
}

test("the standalone configuration validator agrees with ajv's compiled one, broken configurations too", (t) => {
  const [configSchema] = SCHEMAS.filter((s) => s.rootType === "ProjectConfig");
  const fresh = compiledFresh(configSchema!.file);
  const config = parsed(path.join(REPO_ROOT, "uapi.config.json")) as object;
  const allowed = everyAllowedValue(config, JSON.parse(readFileSync(configSchema!.file, "utf8")) as ConfigSchema);
  const full = { ...config, failOn: "warning", abis: ["x86_64", "i386"], runtime: "vendor", codecs: "both" };
  const all = [config, ...allowed, full, ...brokenVersions(config), ...brokenVersions(full), ...ODD_ROOTS];
  t.deepEqual(disagreements(generated.ProjectConfig as Validator, fresh, all), []);
  t.true(
    [full, ...allowed].every((v) => fresh(v)),
    "valid, so the broken ones are broken by their breakage",
  );
  t.true(allowed.length > 40, "every ABI id and every enumerated setting");
  t.true(all.filter((v) => !fresh(v)).length > all.length / 4, "many are invalid");
});

test("ajv's runtime helpers become ES module imports that validate as the compiled schema does", async (t) => {
  // ucs2length (minLength counts code points) and equal (uniqueItems): require()d by ajv's standalone code.
  const schema = {
    $id: "https://uapi-workbench.invalid/helpers.json",
    type: "object",
    properties: { s: { type: "string", minLength: 2 }, u: { type: "array", uniqueItems: true } },
  };
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true, lines: true } });
  ajv.addSchema(schema);
  const code = esmRuntimeImports(standaloneCode(ajv, { check: schema.$id }));
  t.regex(code, /^import \* as \w+ from "ajv\/dist\/runtime\/ucs2length\.js";$/m);
  t.regex(code, /^import \* as \w+ from "ajv\/dist\/runtime\/equal\.js";$/m);
  // Written below dist/ so that "ajv/..." resolves to this package's node_modules.
  const dir = mkdtempSync(path.join(REPO_ROOT, "dist", "property-tests", "standalone-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, "check.mjs"), code);
  const { check } = (await import(pathToFileURL(path.join(dir, "check.mjs")).href)) as { check: Validator };
  const values = [{ s: "\u{1F600}" }, { s: "ab" }, { u: [{ a: 1 }, { a: 1 }] }, { u: [{ a: 1 }, { a: 2 }] }, {}];
  t.deepEqual(disagreements(check, new Ajv(AJV_OPTIONS).compile(schema), values), []);
  t.deepEqual(
    values.map((v) => check(v)),
    [false, true, false, true, true],
  );
});

test("a require() the generator cannot turn into an import is refused, not shipped", (t) => {
  const code = `"use strict";\nconst formats0 = require("ajv-formats/dist/formats").fullFormats.date;\n`;
  t.throws(() => esmRuntimeImports(code), { message: /ajv-formats/ });
});

test("every bundled spec names the schema so editors can complete it", (t) => {
  for (const f of ["bus1.yaml", "iio.yaml", "mhi-uci.yaml"]) {
    t.regex(readFileSync(new URL(`../../spec/${f}`, import.meta.url), "utf8"), /^\$schema: \.\/schema\.json$/m, f);
  }
});
