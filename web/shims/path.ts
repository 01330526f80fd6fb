/*
 * node:path for the page: path-browserify, with "/" as the working folder.  path-browserify asks process.cwd()
 * to resolve a relative path, and a page has no process; its specs live at the root of a virtual tree
 * (web/shims/paths.ts), so a relative spec name like "bus1.yaml" resolves against "/".
 */
import path from "path-browserify";

const resolve = (...parts: string[]): string => path.resolve("/", ...parts);

export default {
  ...path,
  resolve,
  relative: (from: string, to: string): string => path.relative(resolve(from), resolve(to)),
};
