/*
 * Changing an output folder all or nothing, with a write-ahead journal.
 *
 *   stage   every new file is written and fsynced under .uapi/txn-XXXXXX/new/,
 *           and every file to be replaced or removed is hard-linked under
 *           .uapi/txn-XXXXXX/old/ (the previous tree stays whole until the end);
 *   commit  .uapi/journal, listing every step, is fsynced and renamed into
 *           place: one directory entry, atomic;
 *   apply   staged files are renamed over their targets, removed files
 *           unlinked, the folders fsynced; then the journal is deleted.
 *
 * A crash before the commit leaves the old tree; the next run deletes the
 * staging folder.  A crash after it leaves a journal; the next run (under
 * the lock, before anything else) finishes it.  A failure while applying
 * puts the backups back.  POSIX has no way to swap a populated folder that
 * other specs share in one step (renameat2's RENAME_EXCHANGE is not in
 * Node), so between a crash after the commit and the next run a reader may
 * see old and new files side by side; `uapi generate --check` reports that
 * state as stale.
 */
import {
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import {
  describeKind,
  entryKind,
  OutputRefused,
  parentDirs,
  parentProblem,
  pruneEmptyDirs,
  syncDir,
  writeDurable,
} from "./out-fs.js";
import { isManifestPath, isSafeOutputPath, STATE_DIR } from "./out-owners.js";

const JOURNAL = `${STATE_DIR}/journal`;
const LOCK = `${STATE_DIR}/lock`;
const STAGING_PREFIX = "txn-";

/** Everything one run changes; paths relative to the output folder. */
export interface Changes {
  /** Files to create or replace, data first. */
  puts: { path: string; content: string }[];
  /** Files to remove (each a regular file the run's own manifests list). */
  removes: string[];
  /** Manifests to write, last. */
  manifests: { path: string; content: string }[];
}

interface Journal {
  version: 1;
  staging: string;
  mkdirs: string[];
  puts: string[];
  removes: string[];
}

/*
 * Test-only knobs (property-tests/output-safety.test.ts): sleep before each
 * staging and apply step so a kill lands inside them, and fail the Nth step
 * as a write error would.
 */
const STEP_DELAY_MS = Number(process.env.UAPI_TEST_STEP_DELAY_MS) || 0;
const FAIL_AT_STEP = Number(process.env.UAPI_TEST_FAIL_AT_STEP) || 0;
let steps = 0;
function step(): void {
  if (STEP_DELAY_MS > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, STEP_DELAY_MS);
  if (FAIL_AT_STEP > 0 && ++steps === FAIL_AT_STEP)
    throw Object.assign(new Error("injected write failure (UAPI_TEST_FAIL_AT_STEP)"), { code: "EIO" });
}

/** Take the folder's lock; a lock whose process is gone (kill -9) is taken over. Returns the release function. */
export function lockOutput(outDir: string): () => void {
  const state = entryKind(path.join(outDir, STATE_DIR));
  if (state !== "missing" && state !== "dir")
    throw new OutputRefused([
      `${STATE_DIR} is ${describeKind(state)}, not a folder; ` +
        `uapi generate keeps its manifests and lock there and never follows a link (move it away)`,
    ]);
  mkdirSync(path.join(outDir, STATE_DIR), { recursive: true });
  const lock = path.join(outDir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, "wx", 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        rmSync(lock, { force: true });
        try {
          // Only when nothing else is there: a refused first run leaves no trace.
          rmdirSync(path.join(outDir, STATE_DIR));
        } catch {
          // holds manifests
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = lockHolder(outDir);
      if (holder !== undefined)
        throw new OutputRefused([
          `another uapi generate (pid ${holder}) is writing this folder; wait for it to finish`,
        ]);
      rmSync(lock, { force: true });
    }
  }
  throw new OutputRefused([`${LOCK} keeps reappearing; another process is writing this folder`]);
}

/** The pid of a live process holding the lock, or undefined when there is no lock or its process is gone. */
function lockHolder(outDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(path.join(outDir, LOCK), "utf8"), 10);
  } catch {
    return undefined;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM" ? pid : undefined;
  }
}

function heldByUs(outDir: string): boolean {
  try {
    return Number.parseInt(readFileSync(path.join(outDir, LOCK), "utf8"), 10) === process.pid;
  } catch {
    return false;
  }
}

/** What an interrupted run left behind, for `--check` (reads only). */
export function leftovers(outDir: string): string[] {
  const notes: string[] = [];
  if (entryKind(path.join(outDir, JOURNAL)) !== "missing")
    notes.push(`${JOURNAL}: an interrupted uapi generate committed changes that are not all in place yet`);
  for (const name of stagingFolders(outDir))
    notes.push(`${STATE_DIR}/${name}: staging left by an interrupted uapi generate`);
  if (entryKind(path.join(outDir, LOCK)) !== "missing" && lockHolder(outDir) === undefined && !heldByUs(outDir))
    notes.push(`${LOCK}: left by a uapi generate that is no longer running`);
  return notes;
}

function stagingFolders(outDir: string): string[] {
  const stateDir = path.join(outDir, STATE_DIR);
  if (entryKind(stateDir) !== "dir") return [];
  return readdirSync(stateDir)
    .filter((n) => n.startsWith(STAGING_PREFIX) || n === "journal.tmp")
    .sort();
}

/** Finish (or, if that fails, undo) an interrupted run, and delete stale staging. Call with the lock held. */
export function recoverOutput(outDir: string): string[] {
  const notes: string[] = [];
  const journalFile = path.join(outDir, JOURNAL);
  if (entryKind(journalFile) === "file") {
    const journal = parseJournal(readFileSync(journalFile, "utf8"));
    try {
      applyJournal(outDir, journal);
      notes.push("finished the changes of an interrupted uapi generate");
    } catch (e) {
      rollBack(outDir, journal);
      notes.push(`undid an interrupted uapi generate that could not be finished (${(e as Error).message})`);
    }
  } else if (entryKind(journalFile) !== "missing") {
    throw new OutputRefused([`${JOURNAL} is not a regular file; delete it`]);
  }
  for (const name of stagingFolders(outDir)) {
    rmSync(path.join(outDir, STATE_DIR, name), { recursive: true, force: true });
    notes.push(`deleted ${STATE_DIR}/${name}, left by an interrupted uapi generate`);
  }
  return notes;
}

function parseJournal(text: string): Journal {
  let j: Journal;
  try {
    j = JSON.parse(text) as Journal;
  } catch {
    throw new OutputRefused([
      `${JOURNAL} is not valid JSON; the interrupted run cannot be finished: delete ${STATE_DIR}/ and regenerate`,
    ]);
  }
  const paths = (v: unknown, ok: (p: string) => boolean) =>
    Array.isArray(v) && v.every((p) => typeof p === "string" && ok(p));
  const plain = (p: string) => isSafeOutputPath(p) || isManifestPath(p);
  if (
    j?.version !== 1 ||
    typeof j.staging !== "string" ||
    !new RegExp(`^${STAGING_PREFIX}[A-Za-z0-9]+$`).test(j.staging) ||
    !paths(j.mkdirs, isSafeOutputPath) ||
    !paths(j.puts, plain) ||
    !paths(j.removes, isSafeOutputPath)
  )
    throw new OutputRefused([
      `${JOURNAL} names a path outside the output folder or is damaged; delete ${STATE_DIR}/ and regenerate`,
    ]);
  return j;
}

/** Stage, commit and apply `changes`; on a failure after the commit the backups are put back and the error rethrown. */
export function commitChanges(outDir: string, changes: Changes): void {
  const stateDir = path.join(outDir, STATE_DIR);
  const stagingDir = mkdtempSync(path.join(stateDir, STAGING_PREFIX));
  const staging = path.basename(stagingDir);
  const all = [...changes.puts, ...changes.manifests];
  const journal: Journal = {
    version: 1,
    staging,
    mkdirs: missingDirs(
      outDir,
      all.map((c) => c.path),
    ),
    puts: all.map((c) => c.path),
    removes: changes.removes,
  };
  try {
    for (const c of all) {
      step();
      writeDurable(path.join(stagingDir, "new", c.path), c.content);
      backUp(outDir, stagingDir, c.path);
    }
    for (const p of changes.removes) backUp(outDir, stagingDir, p);
    for (const dir of new Set(all.map((c) => path.dirname(path.join(stagingDir, "new", c.path))))) syncDir(dir);
    writeDurable(path.join(stateDir, "journal.tmp"), JSON.stringify(journal) + "\n");
  } catch (e) {
    rmSync(stagingDir, { recursive: true, force: true });
    rmSync(path.join(stateDir, "journal.tmp"), { force: true });
    throw e;
  }
  step();
  renameSync(path.join(stateDir, "journal.tmp"), path.join(outDir, JOURNAL)); // the commit point
  syncDir(stateDir);
  try {
    applyJournal(outDir, journal);
  } catch (e) {
    rollBack(outDir, journal);
    throw e;
  }
}

/** Keep the file now at `rel` (if any) reachable from the staging folder until the run is done. */
function backUp(outDir: string, stagingDir: string, rel: string): void {
  const target = path.join(outDir, rel);
  if (entryKind(target) !== "file") return;
  const backup = path.join(stagingDir, "old", rel);
  mkdirSync(path.dirname(backup), { recursive: true });
  linkSync(target, backup);
}

/** The folders that must be created for `paths`, outermost first. */
function missingDirs(outDir: string, paths: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const p of paths)
    for (const d of parentDirs(p)) if (d !== STATE_DIR && entryKind(path.join(outDir, d)) === "missing") dirs.add(d);
  return [...dirs].sort((a, b) => a.split("/").length - b.split("/").length || (a < b ? -1 : a > b ? 1 : 0));
}

/** Roll forward; every step is idempotent, so a run killed part-way is finished by the next. */
function applyJournal(outDir: string, j: Journal): void {
  const stagingDir = path.join(outDir, STATE_DIR, j.staging);
  const touched = new Set<string>();
  for (const d of j.mkdirs) {
    const full = path.join(outDir, d);
    const problem = parentProblem(outDir, d + "/x");
    if (problem) throw new OutputRefused([problem]);
    if (entryKind(full) === "missing") mkdirSync(full);
  }
  for (const p of j.puts) {
    const staged = path.join(stagingDir, "new", p);
    if (entryKind(staged) !== "file") continue; // already in place
    const problem = parentProblem(outDir, p);
    if (problem) throw new OutputRefused([problem]);
    step();
    renameSync(staged, path.join(outDir, p));
    touched.add(path.dirname(path.join(outDir, p)));
  }
  for (const p of j.removes) {
    const target = path.join(outDir, p);
    const backup = path.join(stagingDir, "old", p);
    if (entryKind(target) !== "file" || entryKind(backup) !== "file" || !sameFile(target, backup)) continue;
    step();
    unlinkSync(target);
    touched.add(path.dirname(target));
  }
  for (const dir of touched) syncDir(dir);
  for (const p of j.removes) pruneEmptyDirs(outDir, path.posix.dirname(p));
  finish(outDir, j);
}

function sameFile(a: string, b: string): boolean {
  const x = lstatSync(a);
  const y = lstatSync(b);
  return x.ino === y.ino && x.dev === y.dev;
}

/** Put every backup back and remove what the run added. */
function rollBack(outDir: string, j: Journal): void {
  const stagingDir = path.join(outDir, STATE_DIR, j.staging);
  const restore = (p: string) => {
    const backup = path.join(stagingDir, "old", p);
    if (entryKind(backup) !== "file") return false;
    mkdirSync(path.dirname(path.join(outDir, p)), { recursive: true });
    renameSync(backup, path.join(outDir, p));
    return true;
  };
  for (const p of [...j.puts].reverse()) {
    if (entryKind(path.join(stagingDir, "new", p)) === "file") continue; // never moved in
    if (!restore(p) && entryKind(path.join(outDir, p)) === "file") unlinkSync(path.join(outDir, p));
  }
  for (const p of j.removes) if (entryKind(path.join(outDir, p)) === "missing") restore(p);
  for (const d of [...j.mkdirs].reverse()) {
    try {
      rmdirSync(path.join(outDir, d));
    } catch {
      // not empty: someone else's file is there now; leave it
    }
  }
  finish(outDir, j);
}

function finish(outDir: string, j: Journal): void {
  const stateDir = path.join(outDir, STATE_DIR);
  rmSync(path.join(outDir, JOURNAL), { force: true });
  syncDir(stateDir);
  rmSync(path.join(stateDir, j.staging), { recursive: true, force: true });
}
