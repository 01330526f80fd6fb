/*
 * The corpus run: every kernel uapi header on this machine, imported (`uapi import`), proved
 * layout-equal to its spec by round trip on every ABI a compiler here builds for, and put
 * through `uapi check`'s rules.  The result is data (CorpusResult); corpus-report.ts writes it.
 *
 * Imports run in worker threads of their own (corpus-import.ts); every chunk of imported
 * headers is round-tripped while later ones are imported, so the round trip's WebAssembly
 * workers and GCC work while the importer does.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import type { AbiId } from "../spec/abi.js";
import { ABIS } from "../spec/abis.js";
import { loadSpecText } from "../spec/load.js";
import { SpecInputError } from "../core/diagnostic.js";
import type { SpecModel } from "../core/model.js";
import { runChecks } from "../core/checks/index.js";
import { importPool } from "./corpus-import.js";
import type { ImportCounts } from "./types.js";
import { compileStandalone, kernelVersion, listUapiHeaders } from "./corpus-headers.js";
import { roundTripMany, type Difference, type HeaderStatus, type RoundTripReport } from "./round-trip.js";
import { resolveTargets, type ResolvedTargets, type TargetSelection } from "./round-trip-targets.js";

export interface CorpusOptions extends TargetSelection {
  /** The folder holding the kernel's uapi headers (linux/, asm-generic/, ...). */
  usrInclude: string;
  /** These headers (include paths) instead of every one found. */
  headers?: readonly string[];
  /** Only headers whose include path matches. */
  only?: RegExp;
  /** At most this many headers (the first in path order), for a quick run. */
  limit?: number;
  /** Original headers per translation unit. */
  batch?: number;
  /** Worker threads for @yowasp/clang. */
  workers?: number;
  /** Targets resolved beforehand, instead of the selection. */
  resolved?: ResolvedTargets;
  /** Headers per round-trip call. */
  chunk?: number;
  /** Worker threads running `uapi import` (default: cores, at most 2). */
  importWorkers?: number;
  /** Each spec the import wrote, as it arrives (the caller keeps them; the result does not hold them). */
  onSpec?: (header: string, yaml: string) => void;
  /** Progress lines. */
  progress?: (line: string) => void;
}

/** A header's fate: compiled alone? imported? then the round trip's verdict ("error": the run itself failed). */
export type CorpusStatus = "not standalone" | "import failed" | "error" | HeaderStatus;

/** A difference as the report shows it: once, with every target it was found on. */
export interface DifferenceGroup {
  subject: string;
  member: string;
  aspect: Difference["aspect"];
  against: Difference["against"];
  kind: Difference["kind"];
  original?: string;
  other?: string;
  message?: string;
  abis: AbiId[];
}

export interface Finding {
  rule: string;
  severity: string;
  /** "struct foo" or a command's name. */
  subject: string;
  /** Line of the struct or command in the header. */
  line?: number;
  message: string;
  abis: number;
}

export interface CorpusHeader {
  header: string;
  status: CorpusStatus;
  reason?: string;
  imported?: { counts: ImportCounts; problems: number; firstProblems: string[] };
  roundTrip?: {
    equalOn: AbiId[];
    /** Targets that compiled and compared, of those asked. */
    ran: number;
    /** Why targets did not run, each reason once, with its ABIs. */
    notRun: { status: string; reason: string; abis: AbiId[] }[];
    differences: DifferenceGroup[];
    differenceCount: number;
  };
  findings?: Finding[];
  /** ioctl commands as (magic, nr), for the corpus-wide duplicate table. */
  commands?: { name: string; magic: number; nr: number; line?: number }[];
}

export interface CorpusResult {
  kernel?: string;
  usrInclude: string;
  targets: { abi: AbiId; compiler: string; label: string; skipped?: string }[];
  headers: CorpusHeader[];
  /**
   * Seconds: compiling every header on its own, the imports (added up), the checks, from the first import to the
   * last round trip (round trips run while later headers are imported), and in all.  The only part of a result
   * that differs between two runs on one machine.
   */
  timing: {
    standalone: number;
    /** Wall-clock seconds of the import of every header, on `importWorkers` threads, nothing else running. */
    import: number;
    importWorkers: number;
    /** The machine's cores (availableParallelism). */
    cores?: number;
    /** The imports' own seconds, added up. */
    importSum: number;
    roundTrip: number;
    checks: number;
    total: number;
  };
}

const MAX_GROUPS = 40;

/** A header's differences grouped as the report shows them, the first MAX_GROUPS. */
function groupDifferences(ds: readonly Difference[]): DifferenceGroup[] {
  const groups = new Map<string, DifferenceGroup>();
  for (const d of ds) {
    const values = d.kind === "differs" ? `${d.original}|${d.other}` : (d.message ?? "");
    const key = [d.subject, d.member, d.aspect, d.against, d.kind, values].join("|");
    const g = groups.get(key);
    if (g) {
      if (!g.abis.includes(d.abi)) g.abis.push(d.abi);
      continue;
    }
    groups.set(key, {
      subject: d.subject,
      member: d.member,
      aspect: d.aspect,
      against: d.against,
      kind: d.kind,
      ...(d.original !== undefined ? { original: d.original } : {}),
      ...(d.other !== undefined ? { other: d.other } : {}),
      ...(d.kind === "differs" ? {} : { message: d.message }),
      abis: [d.abi],
    });
  }
  const order = new Map(ABIS.map((a, i) => [a.id, i]));
  const out = [...groups.values()];
  for (const g of out) g.abis.sort((a, b) => order.get(a)! - order.get(b)!);
  return out.slice(0, MAX_GROUPS);
}

function summarise(r: RoundTripReport): NonNullable<CorpusHeader["roundTrip"]> {
  const notRun = new Map<string, { status: string; reason: string; abis: AbiId[] }>();
  for (const t of r.targets) {
    if (t.status === "equal" || t.status === "different") continue;
    // The reason without the ABI's name, so one reason groups every ABI it applies to.
    const reason = (t.reason ?? "").replace(new RegExp(`\\b${t.abi}\\b`, "g"), "X");
    const key = `${t.status}|${reason}`;
    const e = notRun.get(key) ?? { status: t.status, reason, abis: [] };
    if (!e.abis.includes(t.abi)) e.abis.push(t.abi);
    notRun.set(key, e);
  }
  return {
    equalOn: r.equalOn,
    ran: r.targets.filter((t) => t.status === "equal" || t.status === "different").length,
    notRun: [...notRun.values()],
    differences: groupDifferences(r.differences),
    differenceCount: r.differences.length,
  };
}

/** Where a struct, union or command is defined in the header text (1-based), if found. */
function lineOf(text: string, subject: string): number | undefined {
  const record = /^(struct|union|enum) (\w+)/.exec(subject);
  const pattern = record
    ? new RegExp(`^\\s*(?:typedef\\s+)?${record[1]}\\s+${record[2]}\\b[^;]*$`, "m")
    : new RegExp(`^\\s*#\\s*define\\s+${subject.replace(/\W/g, "")}\\b`, "m");
  const m = pattern.exec(text);
  return m ? text.slice(0, m.index).split("\n").length : undefined;
}

function findingsOf(model: SpecModel, text: string): Finding[] {
  return runChecks(model, ABIS)
    .filter((d) => d.severity !== "info")
    .map((d) => {
      const subject = d.rule.startsWith("ioctl/") ? d.subject : d.subject.split(".")[0]!;
      return {
        rule: d.rule,
        severity: d.severity,
        subject,
        line: lineOf(text, subject),
        message: d.message,
        abis: d.abis.length,
      };
    });
}

function commandsOf(model: SpecModel, text: string): CorpusHeader["commands"] {
  return model.interfaces.flatMap((ifc) =>
    ifc.commands.map((c) => ({ name: c.spec.name, magic: c.magic, nr: c.spec.nr, line: lineOf(text, c.spec.name) })),
  );
}

const seconds = (ms: number) => Math.round(ms / 1000);

/** Run the corpus: list, compile, import, round-trip and check every header. */
export async function runCorpus(opts: CorpusOptions): Promise<CorpusResult> {
  const say = opts.progress ?? (() => {});
  const started = performance.now();
  let headers = (opts.headers ?? listUapiHeaders(opts.usrInclude)).filter((h) => !opts.only || opts.only.test(h));
  if (opts.limit !== undefined) headers = headers.slice(0, opts.limit);
  say(`${headers.length} kernel uapi headers below ${opts.usrInclude}`);

  const resolved: ResolvedTargets = opts.resolved ?? (await resolveTargets(opts));
  const standalone = await compileStandalone(headers, opts.usrInclude);
  const tStandalone = performance.now() - started;
  say(`${[...standalone.values()].filter((s) => s.ok).length} compile on their own (gcc, x86_64)`);

  const results = new Map<string, CorpusHeader>();
  for (const h of headers) {
    const s = standalone.get(h)!;
    if (!s.ok) results.set(h, { header: h, status: "not standalone", reason: s.error });
  }

  let importMs = 0;
  let checksMs = 0;
  let roundTripDone = 0;
  const models: { header: string; model: SpecModel }[] = [];
  const roundTripChunk = (items: { header: string; model: SpecModel }[]) =>
    roundTripMany(
      items.map((it) => ({ original: it.header, spec: it.model })),
      { resolved, usrInclude: opts.usrInclude, batch: opts.batch, workers: opts.workers },
    )
      .then((reports) => {
        reports.forEach((r, i) => {
          const res = results.get(items[i]!.header)!;
          res.status = r.status;
          if (r.reason) res.reason = r.reason;
          res.roundTrip = summarise(r);
        });
        roundTripDone += items.length;
        say(`round trip: ${roundTripDone} headers done`);
      })
      // One chunk's failure is reported on its headers; the other chunks' results stand.
      .catch((e: Error) => {
        for (const it of items)
          Object.assign(results.get(it.header)!, { status: "error", reason: String(e?.stack ?? e) });
      });

  // The imports run first and alone, so their wall-clock time is the import's own.
  const importable = headers.filter((h) => standalone.get(h)!.ok);
  const importWorkers = opts.importWorkers ?? Math.min(2, availableParallelism());
  const imports = importPool(importWorkers);
  const importStarted = performance.now();
  let imported = 0;
  const importOne = async (h: string) => {
    const reply = await imports.run({ headers: [h], includeDirs: [], abi: "x86_64" });
    importMs += reply.ms;
    if (reply.error !== undefined) {
      results.set(h, { header: h, status: "import failed", reason: reply.error.split("\n")[0] });
    } else {
      const imp = reply.result;
      const problems = imp.problems.filter((p) => p.severity !== "note");
      const res: CorpusHeader = {
        header: h,
        status: "spec rejected",
        imported: {
          counts: imp.counts,
          problems: problems.length,
          firstProblems: problems.slice(0, 3).map((p) => `${p.loc.line}: ${p.message}`),
        },
      };
      results.set(h, res);
      opts.onSpec?.(h, imp.yaml);
      try {
        const model = loadSpecText(`${h} (imported)`, imp.yaml);
        const c0 = performance.now();
        const text = readFileSync(path.join(opts.usrInclude, h), "utf8");
        res.findings = findingsOf(model, text);
        res.commands = commandsOf(model, text);
        checksMs += performance.now() - c0;
        models.push({ header: h, model });
      } catch (e) {
        if (!(e instanceof SpecInputError)) throw e;
        res.reason = e.message.split("\n").slice(0, 3).join("; ");
      }
    }
    if (++imported % 25 === 0) say(`imported ${imported} of ${importable.length}`);
  };
  try {
    await Promise.all(importable.map(importOne));
  } finally {
    await imports.close();
  }
  const importWall = performance.now() - importStarted;
  say(`imported ${imported} headers in ${seconds(importWall)} s on ${importWorkers} worker(s)`);

  const roundTripStarted = performance.now();
  // Path order (a chunk's headers share round-trip units), one chunk at a time: each has its own clang workers.
  const sorted = models.sort((a, b) => a.header.localeCompare(b.header));
  const size = opts.chunk ?? 96;
  for (let i = 0; i < sorted.length; i += size) await roundTripChunk(sorted.slice(i, i + size));
  const roundTripMs = performance.now() - roundTripStarted;

  return {
    kernel: kernelVersion(opts.usrInclude),
    usrInclude: opts.usrInclude,
    targets: [
      ...resolved.targets.map((t) => ({ abi: t.abi.id, compiler: t.compiler, label: t.label })),
      ...resolved.skipped.map((s) => ({ abi: s.abi, compiler: s.compiler, label: s.label, skipped: s.reason })),
    ],
    headers: headers.map((h) => results.get(h)!),
    timing: {
      standalone: seconds(tStandalone),
      import: seconds(importWall),
      importWorkers,
      cores: availableParallelism(),
      importSum: seconds(importMs),
      roundTrip: seconds(roundTripMs),
      checks: seconds(checksMs),
      total: seconds(performance.now() - started),
    },
  };
}
