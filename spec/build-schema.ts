/* `npm run schema`: regenerate spec/schema.json and spec/config.schema.json from their TypeScript types. */
import { writeFileSync } from "node:fs";
import { generateSchemaText, SCHEMAS } from "./schema-gen.js";

for (const source of SCHEMAS) {
  writeFileSync(source.file, generateSchemaText(source));
  console.log(`wrote ${source.file}`);
}
