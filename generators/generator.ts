/* A generator turns loaded specs into files under out/; `uapi generate` writes what they all return, atomically. */
import type { SpecModel } from "../core/model.js";

export interface OutputFile {
  /** Path relative to the output directory, with '/' separators. */
  path: string;
  content: string;
}

export interface Generator {
  name: string;
  /** Pure: the same specs give the same files, byte for byte. */
  generate(models: readonly SpecModel[]): OutputFile[];
}
