/* `npm run schema` (second step): regenerate generators/templates.gen.ts from generators/templates/*.hbs. */
import { writeFileSync } from "node:fs";
import { precompiledTemplatesModule, readTemplateTexts, TEMPLATES_FILE } from "./templates-gen.js";

writeFileSync(TEMPLATES_FILE, precompiledTemplatesModule(readTemplateTexts()));
console.log(`wrote ${TEMPLATES_FILE}`);
