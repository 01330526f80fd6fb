/* spec/*types.ts -> JSON Schema text, with typescript-json-schema.  Pure apart from reading the .ts files. */
import path from "node:path";
import TJS from "typescript-json-schema";
import { CONFIG_SCHEMA_FILE, SCHEMA_FILE, SPEC_DIR } from "../core/paths.js";

/** One generated schema: the TypeScript type it comes from and the file it is committed as. */
export interface SchemaSource {
  file: string;
  typesFile: string;
  rootType: string;
  title: string;
}

export const SCHEMAS: readonly SchemaSource[] = [
  {
    file: SCHEMA_FILE,
    typesFile: path.join(SPEC_DIR, "types.ts"),
    rootType: "SpecDocument",
    title: "uapi-workbench spec document",
  },
  {
    file: CONFIG_SCHEMA_FILE,
    typesFile: path.join(SPEC_DIR, "config-types.ts"),
    rootType: "ProjectConfig",
    title: "uapi-workbench project configuration (uapi.config.json)",
  },
];

export function generateSchemaText(source: SchemaSource = SCHEMAS[0]!): string {
  const program = TJS.getProgramFromFiles([source.typesFile], { strict: true, skipLibCheck: true });
  const schema = TJS.generateSchema(program, source.rootType, {
    required: true,
    noExtraProps: true,
    strictNullChecks: true,
    ref: true,
    aliasRef: false,
    titles: false,
    defaultProps: false,
    uniqueNames: false,
  });
  if (!schema) throw new Error(`typescript-json-schema produced no schema for ${source.rootType}`);
  const id = `https://uapi-workbench.invalid/spec/${path.basename(source.file)}`;
  return JSON.stringify({ ...schema, $id: id, title: source.title }, null, 2) + "\n";
}
