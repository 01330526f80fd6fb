/* Schema validation with ajv, with errors turned into positions and advice. */
import path from "node:path";
import type { ErrorObject } from "ajv";
import type { SpecError } from "../core/diagnostic.js";
import { CONFIG_SCHEMA_FILE, SCHEMA_FILE } from "../core/paths.js";
import type { ProjectConfig } from "./config-types.js";
import type { SpecDocument } from "./types.js";
import type { ParsedSource } from "./source.js";
// Precompiled by `npm run schema` (ajv standalone): compiling the schema here cost every run ~150 ms.
import * as generated from "./schema-validators.gen.js";

/** An ajv validator: a predicate that leaves its errors on itself. */
interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

function pathOf(instancePath: string): (string | number)[] {
  if (instancePath === "") return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function describe(e: ErrorObject, schemaName: string): { message: string; hint: string; extraKey?: string } {
  switch (e.keyword) {
    case "required":
      return {
        message: `missing required property '${e.params.missingProperty}'`,
        hint: `add '${e.params.missingProperty}:' here`,
      };
    case "additionalProperties": {
      const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {}).join(", ");
      return {
        message: `unknown property '${e.params.additionalProperty}'`,
        hint: `remove it or fix its spelling; allowed here: ${allowed}`,
        extraKey: String(e.params.additionalProperty),
      };
    }
    case "enum":
      return {
        message: `value is not allowed here`,
        hint: `use one of: ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
      };
    case "type":
      return { message: `expected ${e.params.type}`, hint: `write a value of type ${e.params.type}` };
    case "minItems":
      return { message: `needs at least ${e.params.limit} item(s)`, hint: "add an entry here" };
    case "minimum":
    case "maximum":
      return {
        message: `number out of range: ${e.message}`,
        hint: `use a number ${e.keyword === "minimum" ? ">=" : "<="} ${e.params.limit}`,
      };
    default:
      return { message: e.message ?? e.keyword, hint: `see ${schemaName} for what is allowed here` };
  }
}

/** Validate against spec/schema.json; returns the typed document or the errors. */
export function validateDocument(source: ParsedSource): { doc?: SpecDocument; errors: SpecError[] } {
  return validateAgainst<SpecDocument>(generated.SpecDocument as Validator, SCHEMA_FILE, source);
}

/** Validate a project configuration against spec/config.schema.json, with the same positions and advice. */
export function validateConfig(source: ParsedSource): { doc?: ProjectConfig; errors: SpecError[] } {
  return validateAgainst<ProjectConfig>(generated.ProjectConfig as Validator, CONFIG_SCHEMA_FILE, source);
}

function validateAgainst<T>(
  validate: Validator,
  schemaFile: string,
  source: ParsedSource,
): { doc?: T; errors: SpecError[] } {
  if (validate(source.value)) return { doc: source.value as T, errors: [] };
  const all = validate.errors ?? [];
  // anyOf/oneOf wrappers repeat what their branches say; keep the most specific errors.
  const specific = all.filter(
    (e) =>
      !["anyOf", "oneOf", "if"].includes(e.keyword) ||
      !all.some(
        (o) => o !== e && o.instancePath.startsWith(e.instancePath) && !["anyOf", "oneOf", "if"].includes(o.keyword),
      ),
  );
  // A value that matched neither branch of a union gets reported by both; report the branch whose errors go deepest.
  // An unknown or missing key is specific wherever it is: never hidden behind a deeper error.
  const deepest = specific.filter(
    (e) =>
      e.keyword === "additionalProperties" ||
      e.keyword === "required" ||
      !specific.some((o) => o.instancePath.startsWith(e.instancePath + "/")),
  );
  const seen = new Set<string>();
  const errors: SpecError[] = [];
  for (const e of deepest) {
    const d = describe(e, `spec/${path.basename(schemaFile)}`);
    const where = pathOf(e.instancePath);
    const at = d.extraKey ? [...where, d.extraKey] : where;
    const id = `${at.join("/")}|${d.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    errors.push({ loc: source.locate(at), message: `schema: ${e.instancePath || "/"}: ${d.message}`, hint: d.hint });
  }
  return { errors };
}
