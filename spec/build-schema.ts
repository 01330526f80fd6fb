/* `npm run schema`: regenerate spec/schema.json from spec/types.ts. */
import { writeFileSync } from "node:fs";
import { SCHEMA_FILE } from "../core/paths.js";
import { generateSchemaText } from "./schema-gen.js";

writeFileSync(SCHEMA_FILE, generateSchemaText());
console.log(`wrote ${SCHEMA_FILE}`);
