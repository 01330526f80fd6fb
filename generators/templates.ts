/*
 * The handlebars templates of the C generators and `uapi init`, precompiled into templates.gen.ts by
 * `npm run schema` (generators/templates-gen.ts): rendering needs only handlebars' runtime, which generates
 * no code, so it runs under a Content-Security-Policy without 'unsafe-eval'.
 */
import type HandlebarsCompiler from "handlebars";
import runtime from "handlebars/runtime.js";
import { TEMPLATE_SPECS } from "./templates.gen.js";

// handlebars/runtime.d.ts declares no members: the runtime is the package's Handlebars object minus the compiler.
const Handlebars = runtime as unknown as Pick<typeof HandlebarsCompiler, "template">;

const templates = new Map<string, HandlebarsTemplateDelegate>();

/** Render templates/<name> with `data`; `strict` makes a missing value an error instead of empty text. */
export function renderTemplate(name: string, data: object): string {
  let template = templates.get(name);
  if (!template) {
    const spec = Object.hasOwn(TEMPLATE_SPECS, name) ? TEMPLATE_SPECS[name] : undefined;
    if (!spec) throw new Error(`no template ${name} in generators/templates/ (run \`npm run schema\`)`);
    template = Handlebars.template(spec);
    templates.set(name, template);
  }
  return template(data);
}
