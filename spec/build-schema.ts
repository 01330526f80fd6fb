/*
 * `npm run schema`: regenerate spec/schema.json and spec/config.schema.json from their TypeScript types,
 * and from them spec/schema-validators.gen.ts, the validators spec/validate.ts uses.
 */
import { writeFileSync } from "node:fs";
import { generateSchemaText, SCHEMAS, standaloneValidatorsText, VALIDATORS_FILE } from "./schema-gen.js";

const texts = new Map(SCHEMAS.map((source) => [source, generateSchemaText(source)]));
for (const [source, text] of texts) {
  writeFileSync(source.file, text);
  console.log(`wrote ${source.file}`);
}
writeFileSync(VALIDATORS_FILE, standaloneValidatorsText(texts));
console.log(`wrote ${VALIDATORS_FILE}`);
