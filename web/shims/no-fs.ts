/*
 * node:fs for the page.  The modules the page bundles import it only for paths it never takes (the codecs'
 * vendored runtime copy, reading spec files); if one is ever taken, it says so instead of failing obscurely.
 */
function noFileSystem(name: string): never {
  throw new Error(`${name}: the web page has no file system (this path of the workbench runs in the CLI only)`);
}

export const readFileSync = (): never => noFileSystem("readFileSync");
export const readdirSync = (): never => noFileSystem("readdirSync");
export const existsSync = (): never => noFileSystem("existsSync");
