/* A header side of `uapi diff`, read as `uapi import` reads it: loaded only when a side is a header, since it brings clang. */
import { SpecInputError } from "../../core/diagnostic.js";
import { FrontEndError } from "../../import/clang-front.js";
import { importHeaders } from "../../import/import.js";
import { YOWASP_PACKAGE, yowaspInstallCommand, yowaspInstalled } from "../../verify/backends.js";
import { UsageError } from "../io.js";

/** The header as spec text (YAML); errors of the compiler are located in the header. */
export async function importHeaderSpec(file: string, includeDirs: string[]): Promise<string> {
  if (!(await yowaspInstalled()))
    throw new UsageError(`a header side needs ${YOWASP_PACKAGE}; get it with: ${yowaspInstallCommand()}`);
  try {
    return (await importHeaders({ headers: [file], includeDirs, abi: "x86_64" })).yaml;
  } catch (e) {
    if (!(e instanceof FrontEndError)) throw e;
    const hint = "the header must compile on its own: include what it needs, or give -I for its directory";
    throw new SpecInputError(
      e.diagnostics.length
        ? e.diagnostics.map((d) => ({ loc: { file: d.file, line: d.line, col: d.col }, message: d.message, hint }))
        : [{ loc: { file, line: 1, col: 1 }, message: e.message, hint }],
    );
  }
}
