/* `uapi serve`: the live workbench page on a local port. */
import path from "node:path";
import { REPO_ROOT } from "../../core/paths.js";
import { displayPath, exampleSpecFiles } from "../../spec/load.js";
import { startServer, type ServedSpec } from "../../web/serve.js";
import { clangFilesDir } from "../../web/clang-files.js";
import { parse, oneOf } from "../args.js";
import type { Command } from "../command.js";
import { openProject, PROJECT_OPTIONS, specFilesOf } from "../project.js";
import type { Project } from "../../spec/config.js";
import { EXIT, UsageError } from "../io.js";

/** The page as `npm run build` leaves it in the package. */
export const PAGE_DIR = path.join(REPO_ROOT, "dist", "page");

const DEFAULT_PORT = 8710;

const HELP = `usage: uapi serve [SPEC...] [--port N] [--host ADDR] [--format text|json] [--config FILE]

Start the live workbench page: a spec editor with schema completion and
inline findings, each struct's byte map on every ABI class, the findings,
the ioctl-vs-syscall table, the generated header and codecs, and a verify
button that compiles the layouts with clang (WebAssembly) in the browser.
Everything is computed in the browser by the same modules as this CLI.

The page opens with the SPECs named, else the specs of the project
configuration, else the bundled examples.  They are read from disk each time
the page loads; edits in the page stay in the browser (local storage and the
share link) until saved with its "Save" button.

options:
  --port N          TCP port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDR       address to listen on (default 127.0.0.1: this machine only)
  --format FMT      text (default), or json: one line {"url","port","specs","clang"} once listening
  --config FILE     the project configuration (default: the nearest uapi.config.json,
                    or package.json "uapi" key, in or above the working directory)
  -h, --help        this help

It runs until interrupted (Ctrl-C).

exit codes: 0 stopped by SIGINT or SIGTERM, 2 bad arguments or the port is
in use, 3 the page is not built or the server failed
`;

function portOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port ${value}: give a port number from 0 to 65535`);
  return port;
}

/** The specs the page opens with: named or configured, as every command finds them; else the examples. */
function servedSpecs(named: readonly string[], project: Project | undefined): ServedSpec[] {
  const files = named.length || project ? specFilesOf(named, project) : exampleSpecFiles();
  return files.map((file) => ({ name: displayPath(file), file }));
}

export const serveCommand: Command = {
  name: "serve",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      port: { type: "string" },
      host: { type: "string" },
      format: { type: "string" },
      ...PROJECT_OPTIONS,
    });
    if (values.help) return (io.out(HELP), EXIT.OK);
    const format = oneOf("format", values.format as string | undefined, ["text", "json"] as const, "text");
    const port = portOf(values.port as string | undefined);
    const host = (values.host as string | undefined) ?? "127.0.0.1";
    const project = positionals.length ? undefined : openProject(values);
    const specs = servedSpecs(positionals, project);
    const clangDir = clangFilesDir();
    let server;
    try {
      server = await startServer({ pageDir: PAGE_DIR, specs, host, port, ...(clangDir ? { clangDir } : {}) });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === "EADDRINUSE")
        throw new UsageError(`port ${port} is in use; pick another with --port (0: any free port)`);
      if (err.code === "EADDRNOTAVAIL" || err.code === "ENOTFOUND")
        throw new UsageError(`--host ${host}: not an address of this machine`);
      io.err(`uapi serve: ${err.message}\n`);
      return EXIT.INTERNAL;
    }
    if (format === "json")
      io.out(
        JSON.stringify({ url: server.url, port: server.port, specs: specs.map((s) => s.name), clang: !!clangDir }) +
          "\n",
      );
    else
      io.out(
        `uapi serve: ${server.url}  (${specs.length} spec${specs.length === 1 ? "" : "s"}: ` +
          `${specs.map((s) => s.name).join(", ")}; ` +
          `${clangDir ? "verify with @yowasp/clang" : "no @yowasp/clang installed: verify is off"}; Ctrl-C stops)\n`,
      );
    await new Promise<void>((stopped) => {
      const stop = () => stopped();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await server.close();
    return EXIT.OK;
  },
};
