// ESLint flat config: eslint's and typescript-eslint's recommended rules (syntax only, no type-aware rules),
// plus the one layout rule prettier cannot guarantee: no line over 120 columns, strings and comments included.
import js from "@eslint/js";
import { defineConfig, globalIgnores, includeIgnoreFile } from "eslint/config";
import path from "node:path";
import tseslint from "typescript-eslint";

export default defineConfig(
  // What git ignores (node_modules/, dist/, scratch files), generated files and vendored fixtures:
  // the TypeScript part of .prettierignore.
  includeIgnoreFile(path.join(import.meta.dirname, ".gitignore")),
  globalIgnores([
    "out/",
    "property-tests/fixtures/",
    "spec/c-names-system.ts",
    "spec/schema-validators.gen.ts",
    "generators/templates.gen.ts",
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // Deprecated in ESLint core (kept until ESLint 11); @stylistic/max-len is the same rule with the same options.
      "max-len": [
        "error",
        {
          code: 120,
          tabWidth: 2,
          // No exemptions: a URL, string, template literal or comment over 120 columns is reported too.
          ignoreUrls: false,
          ignoreComments: false,
          ignoreTrailingComments: false,
          ignoreStrings: false,
          ignoreTemplateLiterals: false,
          ignoreRegExpLiterals: false,
        },
      ],
    },
  },
);
