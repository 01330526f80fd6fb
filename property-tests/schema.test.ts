/* spec/schema.json is generated from spec/types.ts; the committed file must not drift from the types. */
import test from "ava";
import { readFileSync } from "node:fs";
import { SCHEMA_FILE } from "../core/paths.js";
import { generateSchemaText } from "../spec/schema-gen.js";

test("the committed spec/schema.json equals what typescript-json-schema generates from spec/types.ts", (t) => {
  const committed = readFileSync(SCHEMA_FILE, "utf8");
  const fresh = generateSchemaText();
  t.true(committed === fresh, "spec/schema.json is stale: run `npm run schema` and commit the result");
});

test("every bundled spec names the schema so editors can complete it", (t) => {
  for (const f of ["bus1.yaml", "iio.yaml", "mhi-uci.yaml"]) {
    t.regex(readFileSync(new URL(`../../spec/${f}`, import.meta.url), "utf8"), /^\$schema: \.\/schema\.json$/m, f);
  }
});
