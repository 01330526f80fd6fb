/*
 * A worker thread running @yowasp/clang (clang compiled to WebAssembly) on round-trip units.
 * The module and its 100 MB of WebAssembly are loaded once per worker; clang cannot read the
 * disk, so the worker hands it a file tree:
 *   k/   the kernel's folders (read once, shared by every ABI) and the ABI's asm/;
 *   cN/  the ABI's C library folders: their top-level headers and the folders glibc's own
 *        headers live in, read once; anything else a unit includes is added lazily: the unit
 *        is preprocessed with -M -MG, which names every missing header of one nesting level,
 *        until nothing more is missing, and then compiled again;
 *   g/   the unit's generated headers; and the unit itself.
 * Files are bytes (zero-copy into the runtime) and the output tree is not decoded.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parentPort } from "node:worker_threads";
import type { ClangJob, ClangReply } from "./round-trip-clang.js";

type Tree = { [name: string]: Tree | Uint8Array };
type Output = (bytes: Uint8Array | null) => void;
type Run = (
  args: string[],
  files: Tree,
  options: { stdout: Output; stderr: Output; fetchProgress: () => void; decodeASCII: boolean },
) => Promise<unknown>;
interface Yowasp {
  /** The clang driver: it runs itself once with -### to learn the cc1 command, then runs that. */
  runClang: Run;
  /** Any LLVM tool by argv[0], `clang -cc1` included. */
  runLLVM: Run;
  Exit: new (...a: never[]) => Error;
  version?: string;
}

let yowasp: Promise<Yowasp> | undefined;
const load = () =>
  (yowasp ??= import("@yowasp/clang").then(async (m) => {
    const mod = m as unknown as Yowasp;
    await run(mod, ["--version"], {});
    return mod;
  }));

async function run(
  mod: Yowasp,
  args: string[],
  files: Tree,
  tool: "clang" | "llvm" = "clang",
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  let exitCode = 0;
  try {
    await (tool === "clang" ? mod.runClang : mod.runLLVM)(tool === "clang" ? ["clang", ...args] : args, files, {
      stdout: (b) => void (b && out.push(b)),
      stderr: (b) => void (b && err.push(b)),
      fetchProgress: () => {},
      decodeASCII: false,
    });
  } catch (e) {
    if (!(e instanceof mod.Exit)) throw e;
    exitCode = (e as Error & { code?: number }).code ?? 1;
  }
  const text = (parts: Uint8Array[]) => Buffer.concat(parts).toString("utf8");
  return { stdout: text(out), stderr: text(err), exitCode };
}

function readTree(dir: string): Tree {
  const tree: Tree = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    const st = e.isSymbolicLink() ? statSync(p) : e;
    if (st.isDirectory()) tree[e.name] = readTree(p);
    else if (st.isFile()) tree[e.name] = readFileSync(p);
  }
  return tree;
}

/** The C library's folders (glibc's headers and the socket API's) read up front: one discovery round costs more. */
const LIBC_FOLDERS = ["sys", "bits", "gnu", "net", "netinet", "netpacket", "arpa"];

/** A C library folder's top-level headers and LIBC_FOLDERS. */
function readLibc(dir: string): Tree {
  const tree: Tree = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isFile() && e.name.endsWith(".h")) tree[e.name] = readFileSync(p);
    else if (e.isDirectory() && LIBC_FOLDERS.includes(e.name)) tree[e.name] = readTree(p);
  }
  return tree;
}

function put(tree: Tree, rel: string, data: Uint8Array): void {
  const parts = rel.split("/");
  let dir = tree;
  for (const p of parts.slice(0, -1)) dir = (dir[p] ??= {}) as Tree;
  dir[parts[parts.length - 1]!] = data;
}

function has(tree: Tree, rel: string): boolean {
  let node: Tree | Uint8Array | undefined = tree;
  for (const p of rel.split("/")) node = node instanceof Uint8Array ? undefined : node?.[p];
  return node !== undefined;
}

/** Kernel folders read from disk, by path: the same for every ABI. */
const kernelDirs = new Map<string, Tree>();
/** Per ABI: the k/ tree (kernel folders plus asm/) and the lazily filled C library trees. */
const abiTrees = new Map<string, { k: Tree; libc: Tree[] }>();

function treesFor(job: ClangJob): { k: Tree; libc: Tree[] } {
  const h = job.headers;
  const key = [h.abi, ...h.kernel.flat(), h.asmDir ?? "stand-ins", ...h.libcDirs].join("|");
  let t = abiTrees.get(key);
  if (!t) {
    const k: Tree = {};
    for (const [name, dir] of job.headers.kernel) {
      let d = kernelDirs.get(dir);
      if (!d) kernelDirs.set(dir, (d = readTree(dir)));
      k[name] = d;
    }
    if (job.headers.asmDir) k.asm = readTree(job.headers.asmDir);
    else for (const [rel, text] of Object.entries(job.headers.standIns ?? {})) put(k, rel, Buffer.from(text));
    abiTrees.set(key, (t = { k, libc: h.libcDirs.map(readLibc) }));
  }
  return t;
}

const MOUNT = /^(?:k|c\d+|g)\//;
const NOT_FOUND = /'([^']+)' file not found/g;

/** Headers -M -MG names that are in no folder of the tree (spelled as included). */
function missingFromDeps(deps: string): string[] {
  return deps
    .split(/\s+/)
    .filter((t) => t && t !== "\\" && !t.endsWith(":") && !t.startsWith("/") && !MOUNT.test(t) && /\.h$/.test(t));
}

/** Add the C library headers named to the trees, from the first folder that has each; how many were added. */
function addLibc(job: ClangJob, libc: Tree[], names: Iterable<string>): number {
  let added = 0;
  for (const name of names) {
    if (name.includes("..") || libc.some((t) => has(t, name))) continue;
    const i = job.headers.libcDirs.findIndex((d) => existsSync(path.join(d, name)));
    if (i < 0) continue;
    put(libc[i]!, name, readFileSync(path.join(job.headers.libcDirs[i]!, name)));
    added++;
  }
  return added;
}

/**
 * The cc1 command the driver runs for these arguments, asked once (`-###`) and reused: every unit
 * of a target has the same arguments and file name, and a driver run costs as much again as the
 * compile.  Undefined when the driver plans anything but one cc1 run.
 */
const cc1Commands = new Map<string, string[] | undefined>();

async function cc1Command(mod: Yowasp, args: string[], files: Tree): Promise<string[] | undefined> {
  const key = args.join("\0");
  if (!cc1Commands.has(key)) {
    const plan = await run(mod, [...args, "-###"], files);
    const lines = `${plan.stdout}${plan.stderr}`.split("\n").filter((l) => l.startsWith(' "'));
    const argv = (line: string) =>
      Array.from(line.matchAll(/ (?:([^ "]+)|"((?:[^"\\$]|\\["\\$])+)")/g), (m) =>
        m[1] !== undefined ? m[1] : m[2]!.replace(/\\(["\\$])/g, "$1"),
      );
    const cmd = plan.exitCode === 0 && lines.length === 1 ? argv(lines[0]!) : undefined;
    cc1Commands.set(key, cmd && cmd[1] === "-cc1" ? cmd : undefined);
  }
  return cc1Commands.get(key);
}

/** Compile: straight to cc1 when the driver's plan is known. */
async function compileOnce(mod: Yowasp, args: string[], files: Tree) {
  const cc1 = await cc1Command(mod, args, files);
  return cc1 ? run(mod, cc1, files, "llvm") : run(mod, args, files);
}

/** Paths as the unit included them: mount folders dropped. */
const relativise = (stderr: string) => stderr.replace(/(^|\s|from )(?:k|c\d+|g)\//gm, "$1");

async function compile(job: ClangJob): Promise<ClangReply> {
  const started = performance.now();
  const mod = await load();
  if (job.warm) return { stderr: "", exitCode: 0, ms: performance.now() - started, version: mod.version ?? "?" };
  const { k, libc } = treesFor(job);
  const files = (): Tree => {
    const root: Tree = { k, g: {}, [job.unitFile]: Buffer.from(job.source) };
    libc.forEach((t, i) => (root[`c${i}`] = t));
    for (const [rel, text] of Object.entries(job.generated)) put(root.g as Tree, rel, Buffer.from(text));
    return root;
  };
  const include = [
    "-nostdlibinc",
    ...(libc.length ? [] : ["-ffreestanding"]),
    "-isystem",
    "k",
    ...libc.flatMap((_, i) => ["-isystem", `c${i}`]),
    "-I",
    "g",
  ];
  const base = [`--target=${job.triple}`, ...job.flags, "-std=gnu11", ...include];
  const syntax = [...base, "-fsyntax-only", "-ferror-limit=0", "-fno-caret-diagnostics", "-fno-color-diagnostics"];
  let r = await compileOnce(mod, [...syntax, "-w", job.unitFile], files());
  // A C library header the tree lacks: fill the trees level by level, then compile again.
  const wanted = [...r.stderr.matchAll(NOT_FOUND)].map((m) => m[1]!);
  if (libc.length && addLibc(job, libc, wanted) > 0) {
    for (let round = 0; round < 64; round++) {
      const deps = await run(mod, [...base, "-M", "-MG", "-w", job.unitFile], files());
      if (addLibc(job, libc, missingFromDeps(deps.stdout)) === 0) break;
    }
    r = await compileOnce(mod, [...syntax, "-w", job.unitFile], files());
  }
  return {
    stderr: relativise(r.stderr),
    exitCode: r.exitCode,
    ms: performance.now() - started,
    version: mod.version ?? "?",
  };
}

parentPort!.on("message", (job: ClangJob) => {
  compile(job).then(
    (reply) => parentPort!.postMessage(reply),
    (e: Error) =>
      parentPort!.postMessage({ stderr: "", exitCode: -1, ms: 0, version: "?", error: String(e?.stack ?? e) }),
  );
});
