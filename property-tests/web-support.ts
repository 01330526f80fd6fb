/* `uapi serve` as a user runs it, for the page's tests: a child process on a free port, stopped by SIGTERM. */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI = path.join(ROOT, "dist", "cli", "main.js");

export interface Served {
  url: string;
  /** What `--format json` announced. */
  announced: { url: string; port: number; specs: string[]; clang: boolean };
  child: ChildProcess;
  /** SIGTERM, then the exit code and what was printed on stderr. */
  stop(): Promise<{ code: number | null; stderr: string }>;
}

/** Start `uapi serve ARGS --port 0 --format json` (with `cwd`), resolved once it has printed where it listens. */
export function startServe(args: string[], cwd = ROOT, cli = CLI): Promise<Served> {
  const child = spawn(process.execPath, [cli, "serve", ...args, "--port", "0", "--format", "json"], { cwd });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (b: Buffer) => {
      stdout += b.toString("utf8");
      const line = stdout.split("\n")[0]!;
      if (!stdout.includes("\n")) return;
      const announced = JSON.parse(line) as Served["announced"];
      resolve({
        url: announced.url,
        announced,
        child,
        stop: async () => {
          child.kill("SIGTERM");
          return { code: await exited, stderr };
        },
      });
    });
    void exited.then((code) => reject(new Error(`uapi serve exited ${code} before listening: ${stderr}`)));
  });
}
