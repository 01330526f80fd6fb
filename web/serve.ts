/*
 * The local server behind `uapi serve`: the built page (dist/page/), the specs it opens with (specs.json, read
 * from disk on each request so a reload shows the files as they are now), and the WebAssembly clang from the
 * installed @yowasp/clang for the verify worker.  It serves a fixed list of files, never a path taken from the
 * request, so nothing outside those folders can be reached.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { readCapped } from "../spec/read-capped.js";
import { MAX_SPEC_BYTES } from "../spec/load-text.js";
import { CLANG_FOLDER } from "./clang-files.js";
import { PAGE_CSP } from "./page-policy.js";

/** What the page's scripts, styles and clang's files are sent as. */
const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".tar": "application/x-tar",
  ".txt": "text/plain; charset=utf-8",
};

/** A spec the page opens with, as specs.json lists it. */
export interface ServedSpec {
  /** The name the page shows and uses in positions. */
  name: string;
  file: string;
}

export interface ServeOptions {
  pageDir: string;
  specs: readonly ServedSpec[];
  clangDir?: string;
  host: string;
  port: number;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The files of a folder by URL path ("/main.js"), prefixed; only plain files with a known type. */
function filesOf(dir: string, prefix: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const e of readdirSync(dir, { withFileTypes: true }))
    if (e.isFile() && CONTENT_TYPES[path.extname(e.name)]) files.set(`${prefix}/${e.name}`, path.join(dir, e.name));
  return files;
}

/** specs.json: every spec's text, or the reason it could not be read (the page shows it as the spec's error). */
export function specsDocument(specs: readonly ServedSpec[]): string {
  return JSON.stringify(
    specs.map(({ name, file }) => {
      try {
        const bytes = readCapped(file, MAX_SPEC_BYTES);
        return bytes ? { name, text: bytes.toString("utf8") } : { name, text: "", error: "larger than 16 MiB" };
      } catch (e) {
        return { name, text: "", error: `cannot read ${name}: ${(e as Error).message}` };
      }
    }),
  );
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, cache: boolean): void {
  res.writeHead(status, {
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
    "Content-Security-Policy": PAGE_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": cache ? "max-age=3600" : "no-store",
  });
  res.end(body);
}

export function startServer(options: ServeOptions): Promise<RunningServer> {
  if (!existsSync(path.join(options.pageDir, "index.html")))
    throw new Error(`the page is not built (${options.pageDir} has no index.html); run 'npm run build'`);
  const files = filesOf(options.pageDir, "");
  // clang's files are large and never change for one installed version: the browser may keep them.
  const clang = options.clangDir ? filesOf(options.clangDir, `/${CLANG_FOLDER}`) : new Map<string, string>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET" && req.method !== "HEAD")
      return send(res, 405, CONTENT_TYPES[".txt"]!, "only GET and HEAD\n", false);
    const route = url.pathname === "/" ? "/index.html" : url.pathname;
    if (route === "/specs.json") return send(res, 200, CONTENT_TYPES[".json"]!, specsDocument(options.specs), false);
    const file = files.get(route) ?? clang.get(route);
    if (!file) return send(res, 404, CONTENT_TYPES[".txt"]!, `not found: ${route}\n`, false);
    send(res, 200, CONTENT_TYPES[path.extname(file)]!, readFileSync(file), clang.has(route));
  };
  const server: Server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      send(res, 500, CONTENT_TYPES[".txt"]!, `${(e as Error).message}\n`, false);
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : options.port;
      const host = options.host.includes(":") ? `[${options.host}]` : options.host;
      resolve({
        url: `http://${host}:${port}/`,
        port,
        close: () => new Promise<void>((done) => (server.close(() => done()), server.closeAllConnections())),
      });
    });
  });
}
