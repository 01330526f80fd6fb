/* A header side of `uapi diff`, read as `uapi import` reads it; loaded only for a header side (it brings clang). */
import { SpecInputError, type DocPath, type Loc } from "../../core/diagnostic.js";
import type { SpecModel } from "../../core/model.js";
import { resolve } from "node:path";
import { displayPath, loadSpecText } from "../../spec/load.js";
import { FrontEndError } from "../../import/clang-front.js";
import { importHeaders } from "../../import/import.js";
import { YOWASP_PACKAGE, yowaspInstallCommand, yowaspInstalled } from "../../verify/backends.js";
import { UsageError } from "../io.js";
import { frontEndErrors } from "./import.js";

/**
 * The header as a spec whose positions are the header's own lines where the compile located an item
 * (the imported YAML's otherwise); errors of the compiler are located in the header.
 */
export async function importHeaderModel(file: string, shownAs: string, includeDirs: string[]): Promise<SpecModel> {
  if (!(await yowaspInstalled()))
    throw new UsageError(`a header side needs ${YOWASP_PACKAGE}; get it with: ${yowaspInstallCommand()}`);
  try {
    const imported = await importHeaders({ headers: [file], includeDirs, abi: "x86_64" });
    const model = loadSpecText(`${shownAs}.imported.yaml`, imported.yaml);
    const inHeader = (path: DocPath): Loc | undefined => {
      // The nearest enclosing item the header declares: a field's own line, else its struct's.
      for (let n = path.length; n > 0; n--) {
        const at = imported.headerPositions.get(path.slice(0, n).join("/"));
        if (at) return { ...at, file: resolve(at.file) === resolve(file) ? shownAs : displayPath(at.file) };
      }
      return undefined;
    };
    return { ...model, locate: (path) => inHeader(path) ?? model.locate(path) };
  } catch (e) {
    if (e instanceof FrontEndError) throw new SpecInputError(frontEndErrors(e, file));
    throw e;
  }
}
