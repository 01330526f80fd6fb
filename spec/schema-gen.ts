/* spec/types.ts -> JSON Schema text, with typescript-json-schema.  Pure apart from reading the .ts file. */
import path from "node:path";
import TJS from "typescript-json-schema";
import { SPEC_DIR } from "../core/paths.js";

export function generateSchemaText(): string {
  const typesFile = path.join(SPEC_DIR, "types.ts");
  const program = TJS.getProgramFromFiles([typesFile], { strict: true, skipLibCheck: true });
  const schema = TJS.generateSchema(program, "SpecDocument", {
    required: true,
    noExtraProps: true,
    strictNullChecks: true,
    ref: true,
    aliasRef: false,
    titles: false,
    defaultProps: false,
    uniqueNames: false,
  });
  if (!schema) throw new Error("typescript-json-schema produced no schema for SpecDocument");
  return (
    JSON.stringify(
      { ...schema, $id: "https://uapi-workbench.invalid/spec/schema.json", title: "uapi-workbench spec document" },
      null,
      2,
    ) + "\n"
  );
}
