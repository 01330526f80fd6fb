/*
 * The templates are precompiled (generators/templates.gen.ts, `npm run schema`) so that rendering generates no
 * code: the committed module is what the generator makes of generators/templates/*.hbs, and a precompiled
 * template renders exactly what Handlebars.compile renders with the same options, on real data.
 */
import test from "ava";
import Handlebars from "handlebars";
import { readFileSync } from "node:fs";
import { starterSpecData } from "../cli/commands/init.js";
import { assertsTemplateData } from "../generators/asserts.js";
import { headerTemplateData } from "../generators/header.js";
import {
  precompiledTemplatesModule,
  readTemplateTexts,
  TEMPLATE_OPTIONS,
  TEMPLATES_FILE,
} from "../generators/templates-gen.js";
import { renderTemplate } from "../generators/templates.js";
import { loadBundled } from "./header-support.js";
import { RUN_TIME_CODE } from "./run-time-code.js";

const texts = readTemplateTexts();

test("the committed generators/templates.gen.ts equals Handlebars.precompile of generators/templates/*.hbs", (t) => {
  const committed = readFileSync(TEMPLATES_FILE, "utf8");
  t.true(committed === precompiledTemplatesModule(texts), "stale: run `npm run schema` and commit the result");
});

test("generators/templates.gen.ts imports nothing and generates no code", (t) => {
  const text = readFileSync(TEMPLATES_FILE, "utf8");
  // A browser page under a Content-Security-Policy without 'unsafe-eval' must be able to load it.
  t.notRegex(text, RUN_TIME_CODE);
  t.notRegex(text, /^import |\brequire\(/m);
});

/** What each template is rendered with in use: every bundled interface's header and asserts, and init's spec. */
function realInputs(): { name: string; label: string; data: object }[] {
  const inputs: { name: string; label: string; data: object }[] = loadBundled().flatMap((model) =>
    model.interfaces.flatMap((ifc) => [
      { name: "header.h.hbs", label: `header of ${ifc.spec.name}`, data: headerTemplateData(model, ifc) },
      { name: "asserts.c.hbs", label: `asserts of ${ifc.spec.name}`, data: assertsTemplateData(model, ifc) },
    ]),
  );
  for (const name of ["my_driver", "x"])
    inputs.push({
      name: "starter-spec.yaml.hbs",
      label: `starter spec ${name}`,
      data: starterSpecData(name, "../node_modules/uapi-workbench/spec/schema.json"),
    });
  return inputs;
}

test("every precompiled template renders what Handlebars.compile renders, on the bundled specs and init", (t) => {
  const inputs = realInputs();
  t.deepEqual([...new Set(inputs.map((i) => i.name))].sort(), [...texts.keys()], "every template is rendered");
  // noEscape shows only where the data holds HTML's special characters: the headers' `#include <linux/...>`.
  t.true(
    inputs.some((i) => /[<>&"']/.test(JSON.stringify(i.data))),
    "the data holds characters HTML escapes",
  );
  const compiled = new Map([...texts].map(([name, text]) => [name, Handlebars.compile(text, TEMPLATE_OPTIONS)]));
  const differ = inputs.filter(({ name, data }) => renderTemplate(name, data) !== compiled.get(name)!(data));
  t.deepEqual(
    differ.map((i) => i.label),
    [],
    "precompiled and compiled output differ",
  );
});

/** The message of what `render` throws (handlebars' Exception is not an Error), or undefined. */
function thrown(render: () => string): string | undefined {
  try {
    render();
    return undefined;
  } catch (e) {
    return String((e as { message?: unknown }).message);
  }
}

test("a missing value is the same error in both, as `strict` asks", (t) => {
  for (const [name, text] of texts) {
    const compiled = thrown(() => Handlebars.compile(text, TEMPLATE_OPTIONS)({}));
    t.regex(compiled ?? "", / not defined in /, name);
    t.is(
      thrown(() => renderTemplate(name, {})),
      compiled,
      name,
    );
  }
});
