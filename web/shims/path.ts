/*
 * node:path for the page: path-browserify (Node's POSIX path, ported), with the working directory at "/".
 * A page has no working directory, and path-browserify would ask `process.cwd()` for one; the page's specs
 * sit at the root of its virtual tree (shims/paths.ts), so "/" is where relative names resolve.
 */
import posix from "path-browserify";

const resolve = (...segments: string[]): string => posix.resolve("/", ...segments);

export const { basename, dirname, extname, isAbsolute, join, normalize, relative, sep, delimiter } = posix;
export { resolve };
export default { ...posix, resolve, posix: { ...posix, resolve } };
