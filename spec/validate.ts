/* Schema validation with ajv, with errors turned into positions and advice. */
import { readFileSync } from "node:fs";
import AjvModule, { type ErrorObject } from "ajv";
import type { SpecError } from "../core/diagnostic.js";
import { SCHEMA_FILE } from "../core/paths.js";
import type { SpecDocument } from "./types.js";
import type { ParsedSource } from "./source.js";

const Ajv = AjvModule.default ?? AjvModule;

let compiled: ReturnType<InstanceType<typeof Ajv>["compile"]> | undefined;

function validator() {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, "utf8"));
    compiled = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(schema);
  }
  return compiled;
}

function pathOf(instancePath: string): (string | number)[] {
  if (instancePath === "") return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function describe(e: ErrorObject): { message: string; hint: string; extraKey?: string } {
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
    case "minimum":
    case "maximum":
      return {
        message: `number out of range: ${e.message}`,
        hint: `use a number ${e.keyword === "minimum" ? ">=" : "<="} ${e.params.limit}`,
      };
    default:
      return { message: e.message ?? e.keyword, hint: "see spec/schema.json for what is allowed here" };
  }
}

/** Validate against spec/schema.json; returns the typed document or the errors. */
export function validateDocument(source: ParsedSource): { doc?: SpecDocument; errors: SpecError[] } {
  const validate = validator();
  if (validate(source.value)) return { doc: source.value as SpecDocument, errors: [] };
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
  const deepest = specific.filter((e) => !specific.some((o) => o.instancePath.startsWith(e.instancePath + "/")));
  const seen = new Set<string>();
  const errors: SpecError[] = [];
  for (const e of deepest) {
    const d = describe(e);
    const path = pathOf(e.instancePath);
    const at = d.extraKey ? [...path, d.extraKey] : path;
    const id = `${at.join("/")}|${d.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    errors.push({ loc: source.locate(at), message: `schema: ${e.instancePath || "/"}: ${d.message}`, hint: d.hint });
  }
  return { errors };
}
