/* The committed schemas are generated from their TypeScript types (spec/types.ts, spec/config-types.ts). */
import test from "ava";
import { readFileSync } from "node:fs";
import path from "node:path";
import { generateSchemaText, SCHEMAS } from "../spec/schema-gen.js";

for (const source of SCHEMAS) {
  const name = `spec/${path.basename(source.file)}`;
  test(`the committed ${name} equals what typescript-json-schema generates from ${source.rootType}`, (t) => {
    const committed = readFileSync(source.file, "utf8");
    t.true(committed === generateSchemaText(source), `${name} is stale: run \`npm run schema\` and commit the result`);
  });
}

test("every bundled spec names the schema so editors can complete it", (t) => {
  for (const f of ["bus1.yaml", "iio.yaml", "mhi-uci.yaml"]) {
    t.regex(readFileSync(new URL(`../../spec/${f}`, import.meta.url), "utf8"), /^\$schema: \.\/schema\.json$/m, f);
  }
});
