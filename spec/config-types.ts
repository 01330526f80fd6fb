/*
 * The project configuration: `uapi.config.json`, or the `uapi` key of a
 * package.json.  `npm run schema` turns these types into
 * spec/config.schema.json; ajv validates every configuration against that
 * file with the same positions and advice as a spec (spec/validate.ts).
 *
 * Doc comments here become the schema's descriptions, which editors show
 * while completing the file.
 */
import type { AbiId } from "./abi.js";

/** What `uapi` runs on, and how, when a command names no spec. Paths are relative to the file's folder. */
export interface ProjectConfig {
  /** This file's JSON Schema, so editors complete it (`uapi init` points it at the installed schema). */
  $schema?: string;
  /**
   * The spec files (YAML or JSON) of this project, relative to this file's folder. A folder stands for every
   * `.yaml`/`.yml` file directly in it.
   * @minItems 1
   */
  specs: string[];
  /** The folder `uapi generate` writes into, relative to this file's folder. Default: "out". */
  out?: string;
  /** The ABIs `check`, `layout`, `compare` and `verify` use when `--abi` is not given (ids from `uapi abis`). */
  abis?: (AbiId | "all")[];
  /** When `uapi check` exits 1 (its `--fail-on`): findings of this severity or worse. Default: "error". */
  failOn?: "error" | "warning" | "never";
  /**
   * How the generated codecs reach their runtime: "package" imports `uapi-workbench/runtime` (the project
   * depends on uapi-workbench); "vendor" writes a copy beside the codecs (no dependency). Default: "package".
   */
  runtime?: "package" | "vendor";
  /** Which codec files `uapi generate` writes: TypeScript, JavaScript with `.d.ts`, or both. Default: "both". */
  codecs?: "ts" | "js" | "both";
}
