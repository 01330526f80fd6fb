/*
 * The handlebars templates of the C generators.  tsc does not copy .hbs
 * files to dist/, so they are read from the source tree (REPO_ROOT).  C text
 * is never HTML-escaped (noEscape); values are built in TypeScript and only
 * placed by the templates.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import { REPO_ROOT } from "../core/paths.js";

export const TEMPLATE_DIR = path.join(REPO_ROOT, "generators", "templates");

const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** Render templates/<name> with `data`; `strict` makes a missing value an error instead of empty text. */
export function renderTemplate(name: string, data: object): string {
  let template = compiled.get(name);
  if (!template) {
    template = Handlebars.compile(readFileSync(path.join(TEMPLATE_DIR, name), "utf8"), {
      noEscape: true,
      strict: true,
    });
    compiled.set(name, template);
  }
  return template(data);
}
