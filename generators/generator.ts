/* A generator turns loaded specs into files under out/; `uapi generate` writes what they all return, atomically. */
import type { InterfaceModel, SpecModel } from "../core/model.js";

export interface OutputFile {
  /** Path relative to the output directory, with '/' separators. */
  path: string;
  content: string;
}

/** What a run asks of the generators; only the codec generator reads it so far. */
export interface GenerateOptions {
  /** How generated codecs reach the runtime: by package name, or a copy written beside them. */
  runtime: "package" | "vendor";
  /** Which codec files to write: TypeScript, JavaScript with .d.ts, or both. */
  codecs: "ts" | "js" | "both";
}

export const DEFAULT_GENERATE_OPTIONS: GenerateOptions = { runtime: "package", codecs: "both" };

export interface Generator {
  name: string;
  /** Pure: the same specs and options give the same files, byte for byte.  Options: DEFAULT_GENERATE_OPTIONS. */
  generate(models: readonly SpecModel[], options?: GenerateOptions): OutputFile[];
}

/** A generator writing one file per interface that declares `syscalls:`, at `syscalls/<interface><suffix>`. */
export function perSyscallInterface(name: string, suffix: string, render: (ifc: InterfaceModel) => string): Generator {
  return {
    name,
    generate: (models) =>
      models.flatMap((m) =>
        m.interfaces
          .filter((ifc) => ifc.syscalls.length > 0)
          .map((ifc) => ({ path: `syscalls/${ifc.spec.name}${suffix}`, content: render(ifc) })),
      ),
  };
}
