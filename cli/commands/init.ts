/* `uapi init`: start a project: a short, valid, commented spec and the configuration that names it. */
import { existsSync } from "node:fs";
import path from "node:path";
import { CONFIG_SCHEMA_FILE, ownPackage, REPO_ROOT, SCHEMA_FILE } from "../../core/paths.js";
import { createNewFiles, OutputRefused } from "../../generators/out-fs.js";
import { renderTemplate } from "../../generators/templates.js";
import { CONFIG_FILE_NAME, findProjectConfig } from "../../spec/config.js";
import { loadSpecText } from "../../spec/load.js";
import { oneOf, parse } from "../args.js";
import type { Command } from "../command.js";
import { EXIT, UsageError } from "../io.js";

const HELP = `usage: uapi init [NAME] [--format text|json]

Start describing a uapi in the current folder.  Writes
  spec/NAME.yaml     a starter spec: one struct, one flag set and two ioctl
                     commands, commented, valid and clean under 'uapi check'
  ${CONFIG_FILE_NAME}   the project configuration: specs ["spec/NAME.yaml"],
                     out "out" (read by every command run in this folder or below)
Both point their "$schema" at the installed uapi-workbench's schemas, so an
editor completes and checks them as you type.

NAME is the driver's name, a lower-case C identifier (default: the current
folder's name made into one).  It names the spec, the interface, the header
<linux/NAME.h> and, in upper case, the macro prefix.

init never overwrites: when either file exists it writes nothing (exit 2).

options:
  --format FMT   text (default) or json: {"written": [paths]}
  -h, --help     this help

exit codes: 0 written, 2 bad NAME or a file exists (nothing written),
3 the file system failed (nothing left behind)
`;

const NAME_RULE = /^[a-z][a-z0-9_]{0,31}$/;

/** The folder's name as a lower-case C identifier, or a neutral default. */
function nameFromFolder(dir: string): string {
  const base = path
    .basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^[^a-z]+/, "")
    .replace(/_+$/, "")
    .slice(0, 32);
  return NAME_RULE.test(base) ? base : "my_driver";
}

/** What templates/starter-spec.yaml.hbs places: the driver's name, its macro prefix and the schema's path. */
export function starterSpecData(name: string, schema: string) {
  return { name, PREFIX: name.toUpperCase(), schema };
}

/**
 * How `from` reaches one of the package's schemas: through the project's node_modules when the package is
 * installed there (a path that stays right on every clone), else directly.
 */
function schemaReference(from: string, schemaFile: string): string {
  const inPackage = path.relative(REPO_ROOT, schemaFile);
  for (let d = from; ; d = path.dirname(d)) {
    const installed = path.join(d, "node_modules", ownPackage().name, inPackage);
    if (existsSync(installed)) return posixRelative(from, installed);
    if (path.dirname(d) === d) return posixRelative(from, schemaFile);
  }
}

function posixRelative(from: string, to: string): string {
  const rel = path.relative(from, to).split(path.sep).join("/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}

export const initCommand: Command = {
  name: "init",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { format: { type: "string" } });
    if (values.help) return (io.out(HELP), EXIT.OK);
    const format = oneOf("format", values.format as string | undefined, ["text", "json"] as const, "text");
    if (positionals.length > 1) throw new UsageError("init takes at most one NAME");
    const cwd = process.cwd();
    const name = positionals[0] ?? nameFromFolder(cwd);
    if (!NAME_RULE.test(name))
      throw new UsageError(
        `NAME '${name}' must be a lower-case C identifier of at most 32 characters (a-z, 0-9, _; a letter first)`,
      );
    const specPath = path.join(cwd, "spec", `${name}.yaml`);
    const configPath = path.join(cwd, CONFIG_FILE_NAME);
    const existing = [specPath, configPath].filter((p) => existsSync(p));
    if (existing.length)
      throw new OutputRefused(
        existing.map((p) => `${path.relative(cwd, p)} exists; init never overwrites (remove it, or pick another NAME)`),
      );
    const spec = renderTemplate(
      "starter-spec.yaml.hbs",
      starterSpecData(name, schemaReference(path.dirname(specPath), SCHEMA_FILE)),
    );
    // A NAME the spec language rejects (a C keyword, a predefined macro such as 'linux') fails here, located.
    loadSpecText(`spec/${name}.yaml`, spec);
    const config = {
      $schema: schemaReference(cwd, CONFIG_SCHEMA_FILE),
      specs: [`spec/${name}.yaml`],
      out: "out",
    };
    createNewFiles([
      { path: specPath, content: spec },
      { path: configPath, content: JSON.stringify(config, null, 2) + "\n" },
    ]);
    const written = [specPath, configPath].map((p) => path.relative(cwd, p).split(path.sep).join("/"));
    if (format === "json") io.out(JSON.stringify({ written }, null, 2) + "\n");
    else {
      const above = findProjectConfig(path.dirname(cwd));
      io.out(
        `wrote ${written[0]} (a starter spec: one struct, one flag set, two commands)\n` +
          `wrote ${written[1]}\n` +
          (above ? `note: this folder's configuration now takes the place of ${above} here\n` : "") +
          "next:\n" +
          "  npx uapi check       lay it out on every ABI and check it\n" +
          "  npx uapi generate    write out/: the uapi header, asserts, codecs, shims and report\n",
      );
    }
    return EXIT.OK;
  },
};
