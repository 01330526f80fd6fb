/*
 * The round-trip proof: a spec is layout-equal to the C header it describes, on every ABI a
 * compiler here can build for.
 *
 * For each target (a compiler on an ABI, round-trip-targets.ts) one translation unit includes
 * the original header, then the header the spec generates with every name prefixed, then one
 * `_Static_assert` per fact (round-trip-compare.ts): original against generated, and original
 * against the layout engine.  The compiler's verdict on each assert is the result; a failed
 * assert becomes a difference naming the struct, the member, the ABI, the compiler and, where
 * the compiler states or GCC's assembly shows them, both values.
 *
 * Many headers share one unit (`batch`); a unit where a header fails to compile is split, the
 * failing headers then run alone, so one header's trouble never hides another's result.  GCC
 * runs as processes, @yowasp/clang in a pool of worker threads (round-trip-clang.ts).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { availableParallelism } from "node:os";
import { stringify } from "yaml";
import type { AbiId } from "../spec/abi.js";
import type { SpecDocument } from "../spec/types.js";
import type { InterfaceModel, SpecModel } from "../core/model.js";
import { SpecInputError } from "../core/diagnostic.js";
import { loadSpecText } from "../spec/load.js";
import { abiById } from "../spec/abis.js";
import { compilersFor } from "../verify/compilers.js";
import { gccCannotCompile } from "../verify/backends.js";
import { limiter } from "../verify/verify.js";
import type { Against, Aspect, Comparison } from "./round-trip-compare.js";
import { clangPool } from "./round-trip-clang.js";
import { judgeUnit, parseDiagnostics, type FailedComparison, type UnitVerdict } from "./round-trip-diagnostics.js";
import { footprint, type Footprint } from "./round-trip-footprint.js";
import { measureGcc, runGccUnit } from "./round-trip-gcc.js";
import { abiHeaders, DEFAULT_USR_INCLUDE, STAND_IN_ASM, type AbiHeaders } from "./round-trip-headers.js";
import {
  resolveTargets,
  type ResolvedTargets,
  type RoundTripTarget,
  type TargetSelection,
} from "./round-trip-targets.js";
import { buildUnit, UNIT_FILE, type Unit, type UnitItem } from "./round-trip-unit.js";
import { untaggedTypedefNames } from "./c-types.js";

export type { Against, Aspect } from "./round-trip-compare.js";
export type { TargetSelection } from "./round-trip-targets.js";

export interface RoundTripItem {
  /** The original header as C includes it: "linux/iio/buffer.h". */
  original: string;
  /** Its spec: a document (as `uapi import` makes one) or a loaded model. */
  spec: SpecDocument | SpecModel;
  /** The interfaces that describe it (default: those whose header is `original`; variants never). */
  interfaces?: readonly string[];
}

export interface RoundTripOptions extends TargetSelection {
  /** Targets resolved beforehand (resolveTargets), instead of the selection. */
  resolved?: ResolvedTargets;
  /** The folder holding the kernel's linux/, asm-generic/, ... (default /usr/include). */
  usrInclude?: string;
  /** Original headers per translation unit (default 12). */
  batch?: number;
  /** Worker threads running @yowasp/clang (default: one per core, at most 2). */
  workers?: number;
  /** Called as units finish. */
  progress?: (done: number, queued: number) => void;
}

export interface Difference {
  header: string;
  /** "struct foo", or the name of a command, constant, enumerator or flag. */
  subject: string;
  /** The member path, "" for the record itself or a value. */
  member: string;
  aspect: Aspect;
  against: Against;
  abi: AbiId;
  compiler: string;
  /**
   * differs: the assert failed; missing: the original header has no such struct, member or name;
   * not comparable: the compiler could not evaluate the assert for another reason (its message says).
   */
  kind: "differs" | "missing" | "not comparable";
  /** The original's value and the generated declaration's or the engine's, where known (decimal). */
  original?: string;
  other?: string;
  /** The compiler's own words. */
  message: string;
}

export type TargetStatus = "equal" | "different" | "skipped" | "original fails" | "generated fails" | "error";

export interface TargetRun {
  abi: AbiId;
  compiler: "gcc" | "clang";
  label: string;
  status: TargetStatus;
  reason?: string;
  /** Asserts compiled for this header on this target. */
  asserts: number;
  /** Where the ABI's asm/ headers came from. */
  asm: string;
}

export type HeaderStatus =
  "equal" | "different" | "not compiled" | "nothing compared" | "generated fails" | "spec rejected";

export interface RoundTripReport {
  header: string;
  /**
   * equal: every assert held on every target that ran (at least one did); different: some
   * failed; not compiled: no target could compile the original; nothing compared: the spec
   * describes nothing of it; generated fails: the spec's own header does not compile.
   */
  status: HeaderStatus;
  reason?: string;
  /** ABIs where at least one compiler ran and every comparison held on each that ran. */
  equalOn: AbiId[];
  targets: TargetRun[];
  differences: Difference[];
  /** What was compared: named records, their members (offsets) and values (commands, constants, ...). */
  compared: { records: number; members: number; values: number };
}

interface Prepared {
  original: string;
  item?: UnitItem;
  rejected?: string;
}

/** The spec as a model, and the interfaces that describe `original`. */
function prepare(it: RoundTripItem): Prepared {
  let model: SpecModel;
  if ("locate" in it.spec) model = it.spec;
  else {
    try {
      model = loadSpecText(`${it.original} (spec)`, stringify(it.spec, { lineWidth: 0 }));
    } catch (e) {
      if (!(e instanceof SpecInputError)) throw e;
      return { original: it.original, rejected: e.message.split("\n").slice(0, 5).join("; ") };
    }
  }
  const interfaces = model.interfaces.filter((ifc) =>
    it.interfaces ? it.interfaces.includes(ifc.spec.name) : ifc.spec.header === it.original && !ifc.spec.variant,
  );
  if (!interfaces.length)
    return { original: it.original, rejected: `no interface of the spec describes ${it.original}` };
  return { original: it.original, item: { original: it.original, model, interfaces } };
}

/** The original's records named only by typedef; none when its text cannot be read here. */
function typedefNamesOf(file: string): Set<string> {
  try {
    return untaggedTypedefNames(readFileSync(file, "utf8"));
  } catch {
    return new Set();
  }
}

const show = (v: bigint | undefined) => (v === undefined ? undefined : v.toString());

/** Round-trip one header against its spec. */
export async function roundTrip(
  original: string,
  spec: SpecDocument | SpecModel,
  opts: RoundTripOptions = {},
): Promise<RoundTripReport> {
  return (await roundTripMany([{ original, spec }], opts))[0]!;
}

/** Round-trip many headers, each against its own spec, sharing units where they can. */
export async function roundTripMany(
  items: readonly RoundTripItem[],
  opts: RoundTripOptions = {},
): Promise<RoundTripReport[]> {
  const resolved = opts.resolved ?? (await resolveTargets(opts));
  const roots = { usrInclude: opts.usrInclude ?? DEFAULT_USR_INCLUDE };
  const batch = Math.max(1, opts.batch ?? 12);
  const prepared = items.map(prepare);
  for (const p of prepared) if (p.item) p.item.typedefNamed = typedefNamesOf(path.join(roots.usrInclude, p.original));
  const runs = prepared.map(() => [] as TargetRun[]);
  const diffs = prepared.map(() => [] as Difference[]);
  const headerCache = new Map<AbiId, AbiHeaders>();
  const headersOf = (t: RoundTripTarget) => {
    let h = headerCache.get(t.abi.id);
    if (!h) headerCache.set(t.abi.id, (h = abiHeaders(t.abi, roots)));
    return h;
  };
  const gccSlots = limiter(availableParallelism());
  const pool = resolved.targets.some((t) => t.compiler === "clang") ? clangPool(opts.workers) : undefined;
  let done = 0;
  let queued = 0;

  const live = prepared.flatMap((p, i) => (p.item ? [i] : []));
  const firstClang = resolved.targets.find((t) => t.clang);
  if (pool && firstClang)
    void pool.warm({ headers: headersOf(firstClang), triple: "", flags: [], unitFile: "", source: "", generated: {} });
  const footprints = await footprintsIfNeeded(resolved.targets, live, prepared, roots, headersOf);

  /** Items that failed inside a unit on some target: they run alone from then on. */
  const solo = new Set<number>();
  /**
   * Items whose generated header the first target rejected, and why: the spec, not the ABI, is at
   * fault, so the other targets are spared a unit that cannot compile.
   */
  const unbuildable = new Map<number, string>();

  const record = (i: number, t: RoundTripTarget, status: TargetStatus, asserts: number, reason?: string) =>
    runs[i]!.push({
      abi: t.abi.id,
      compiler: t.compiler,
      label: t.label,
      status,
      reason,
      asserts,
      asm: headersOf(t).asmSource,
    });

  const compile = async (
    t: RoundTripTarget,
    unit: Unit,
  ): Promise<{ stderr: string; exitCode: number; error?: string }> => {
    const headers = headersOf(t);
    if (t.gcc) return gccSlots(() => runGccUnit(t.gcc!, headers, unit));
    const reply = await pool!.run({
      headers,
      triple: t.clang!.triple,
      flags: t.clang!.flags,
      unitFile: UNIT_FILE,
      source: unit.source,
      generated: unit.generated,
    });
    return reply;
  };

  const runUnit = async (t: RoundTripTarget, idxs: number[], first: boolean): Promise<void> => {
    queued++;
    const unit = buildUnit(
      idxs.map((i) => prepared[i]!.item!),
      t.abi,
      { limits: t.limits },
    );
    const reply = await compile(t, unit);
    done++;
    opts.progress?.(done, queued);
    if (reply.error) {
      for (const i of idxs) record(i, t, "error", 0, reply.error);
      return;
    }
    const verdict = judgeUnit(unit, parseDiagnostics(reply.stderr));
    // A compiler that failed without saying why has judged nothing: never count that as equal.
    if (reply.exitCode !== 0 && !verdict.failed.length && !verdict.items.length && !verdict.other.length)
      verdict.other.push(
        `the compiler exited with ${reply.exitCode} and no diagnostic: ${reply.stderr.trim().slice(0, 200)}`,
      );
    if (idxs.length > 1 && (verdict.items.length || verdict.other.length)) {
      // Run the failing headers alone and the others together again, so each failure is its own.
      const failing = verdict.other.length ? idxs : [...new Set(verdict.items.map((f) => idxs[f.item]!))];
      if (first) failing.forEach((i) => solo.add(i));
      const rest = idxs.filter((i) => !failing.includes(i));
      await Promise.all([
        ...failing.map((i) => runUnit(t, [i], first)),
        ...(rest.length ? [runUnit(t, rest, first)] : []),
      ]);
      return;
    }
    await settle(t, unit, idxs, verdict, first);
  };

  const settle = async (t: RoundTripTarget, unit: Unit, idxs: number[], verdict: UnitVerdict, first: boolean) => {
    const counts = new Map<number, number>();
    for (const item of unit.assertItems.values()) counts.set(item, (counts.get(item) ?? 0) + 1);
    const failures = new Map<number, FailedComparison[]>();
    for (const f of verdict.failed) {
      const item = unit.assertItems.get(f.line)!;
      failures.set(item, [...(failures.get(item) ?? []), f]);
    }
    if (t.gcc) await measureFailures(t, unit, verdict.failed);
    idxs.forEach((i, k) => {
      const asserts = counts.get(k) ?? 0;
      const broken = verdict.items.find((f) => f.item === k);
      if (broken) {
        // With the table's stand-ins in place of the ABI's asm/, a header that compiled elsewhere but not here
        // lacks what the stand-ins do not declare (__kernel_fsid_t, say): the machine's lack, not the header's.
        const standIn = broken.side === "original" && !headersOf(t).asmDir;
        const skip = standIn
          ? `no asm headers for ABI ${t.abi.id} (with the ABI table's stand-ins: ${broken.message})`
          : skipReason(t, headersOf(t), broken.missing);
        // A kernel header the ABI's own headers lack (asm/kvm.h on arm): the original does not compile there.
        const reason = broken.missing ? `${broken.missing} does not exist for ABI ${t.abi.id}` : broken.message;
        if (skip) record(i, t, "skipped", 0, skip);
        else record(i, t, broken.side === "original" ? "original fails" : "generated fails", 0, reason);
        if (first && broken.side === "generated") unbuildable.set(i, `${broken.message} (on ${t.label})`);
        return;
      }
      if (verdict.other.length) {
        record(i, t, "error", asserts, verdict.other.slice(0, 3).join(" | "));
        return;
      }
      const found = condense((failures.get(k) ?? []).map((f) => difference(f, t)));
      record(i, t, found.length ? "different" : "equal", asserts);
      diffs[i]!.push(...found);
    });
  };

  const measureFailures = async (t: RoundTripTarget, unit: Unit, failed: FailedComparison[]) => {
    const differs = failed.filter((f) => f.kind === "differs");
    if (!differs.length) return;
    const values = await gccSlots(() =>
      measureGcc(
        t.gcc!,
        headersOf(t),
        unit,
        t.abi,
        differs.map((f) => f.comparison),
      ),
    );
    values?.forEach(([a, b], i) => {
      differs[i]!.original = a;
      differs[i]!.other = b;
    });
  };

  const runTarget = async (t: RoundTripTarget, first: boolean) => {
    const h = headersOf(t);
    const eligible: number[] = [];
    for (const i of live) {
      const why = predictedSkip(t, h, footprints.get(i));
      if (unbuildable.has(i)) record(i, t, "generated fails", 0, unbuildable.get(i));
      else if (why) record(i, t, "skipped", 0, why);
      else eligible.push(i);
    }
    const together = eligible.filter((i) => !solo.has(i));
    const units: number[][] = eligible.filter((i) => solo.has(i)).map((i) => [i]);
    for (let k = 0; k < together.length; k += batch) units.push(together.slice(k, k + batch));
    await Promise.all(units.map((u) => runUnit(t, u, first)));
  };

  // The first target (GCC on x86_64 when there is one: native and fast) finds the headers that
  // cannot share a unit, so the WebAssembly targets start with them apart.
  const [lead, ...others] = resolved.targets;
  if (lead) await runTarget(lead, true);
  await Promise.all(others.map((t) => runTarget(t, false)));

  return prepared.map((p, i) => report(p, runs[i]!, diffs[i]!, resolved));
}

/** What compilers say when a name an assert uses is not declared: by the original, the generated side has them all. */
const MISSING =
  /undeclared|incomplete type|undefined type|no member named|has no member|incomplete definition|unknown type name/;

function difference(f: FailedComparison, t: RoundTripTarget): Difference {
  const c: Comparison = f.comparison;
  const other = f.other ?? c.engine;
  const kind = f.kind === "differs" ? "differs" : MISSING.test(f.message) ? "missing" : "not comparable";
  return {
    header: c.header,
    subject: c.subject,
    member: c.member,
    aspect: c.aspect,
    against: c.against,
    abi: t.abi.id,
    compiler: t.label,
    kind,
    original: show(f.original),
    other: f.kind === "differs" ? show(other) : undefined,
    message: f.message,
  };
}

/**
 * One finding per missing struct, member or name on one target: a struct the original lacks fails
 * every comparison that names it, and a member every comparison of that member.
 */
function condense(found: Difference[]): Difference[] {
  const recordMissing = new Set(found.filter((d) => d.kind === "missing" && !d.member).map((d) => d.subject));
  const seen = new Set<string>();
  return found.filter((d) => {
    if (d.kind !== "missing") return true;
    if (d.member && recordMissing.has(d.subject)) return false;
    const key = `${d.subject}|${d.member}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Why a header cannot compile on a target, known before compiling (its footprint on x86_64). */
function predictedSkip(t: RoundTripTarget, h: AbiHeaders, fp: Footprint | undefined): string | undefined {
  if (!fp) return undefined;
  const asm = h.asmDir ? [] : fp.asm.filter((n) => !STAND_IN_ASM.includes(n));
  if (asm.length) return `no asm headers for ABI ${t.abi.id} (needs ${asm.join(", ")})`;
  if (!h.libcDirs.length && fp.libc.length)
    return `no C library headers for ABI ${t.abi.id} (needs ${fp.libc.join(", ")})`;
  return undefined;
}

/** A header the compiler did not find, when that is the machine's lack and not the header's fault. */
function skipReason(t: RoundTripTarget, h: AbiHeaders, missing: string | undefined): string | undefined {
  if (!missing) return undefined;
  if (missing.startsWith("asm/") && !h.asmDir) return `no asm headers for ABI ${t.abi.id} (needs ${missing})`;
  const kernel = missing.startsWith("asm/") || h.kernel.some(([name]) => missing.startsWith(`${name}/`));
  if (!kernel)
    return h.libcDirs.length
      ? `the C library headers for ABI ${t.abi.id} lack ${missing}`
      : `no C library headers for ABI ${t.abi.id} (needs ${missing})`;
  return undefined;
}

async function footprintsIfNeeded(
  targets: readonly RoundTripTarget[],
  live: number[],
  prepared: Prepared[],
  roots: { usrInclude: string },
  headersOf: (t: RoundTripTarget) => AbiHeaders,
): Promise<Map<number, Footprint | undefined>> {
  const out = new Map<number, Footprint | undefined>();
  const needed = targets.some((t) => !headersOf(t).asmDir || !headersOf(t).libcDirs.length);
  const gcc = compilersFor("x86_64").gcc;
  const x86 = abiById("x86_64");
  if (!needed || !gcc || !x86 || gccCannotCompile(gcc)) return out;
  const h = abiHeaders(x86, roots);
  const slots = limiter(availableParallelism());
  await Promise.all(live.map(async (i) => out.set(i, await slots(() => footprint(prepared[i]!.original, gcc, h)))));
  return out;
}

function report(
  p: Prepared,
  targets: TargetRun[],
  differences: Difference[],
  resolved: ResolvedTargets,
): RoundTripReport {
  const compared = { records: 0, members: 0, values: 0 };
  if (p.item)
    for (const ifc of p.item.interfaces as InterfaceModel[]) {
      const own = ifc.records.filter((r) => !r.external && r.tag);
      compared.records += own.length;
      compared.members += own.reduce((n, r) => n + r.fields.length, 0);
      compared.values +=
        ifc.commands.length +
        ifc.constants.size +
        [...ifc.enums.values()].reduce((n, e) => n + e.values.length, 0) +
        [...ifc.flagSets.values()].reduce((n, f) => n + f.bits.length + (f.mask ? 1 : 0), 0);
    }
  const base = { header: p.original, targets, differences, compared };
  if (p.rejected) return { ...base, status: "spec rejected", reason: p.rejected, equalOn: [] };
  for (const s of resolved.skipped)
    targets.push({
      abi: s.abi,
      compiler: s.compiler,
      label: s.label,
      status: "skipped",
      reason: s.reason,
      asserts: 0,
      asm: "",
    });
  const ran = targets.filter((t) => t.status === "equal" || t.status === "different");
  const byAbi = new Map<AbiId, TargetRun[]>();
  for (const t of ran) byAbi.set(t.abi, [...(byAbi.get(t.abi) ?? []), t]);
  const equalOn = [...byAbi].filter(([, ts]) => ts.every((t) => t.status === "equal")).map(([abi]) => abi);
  if (targets.some((t) => t.status === "generated fails"))
    return {
      ...base,
      status: "generated fails",
      reason: targets.find((t) => t.status === "generated fails")!.reason,
      equalOn,
    };
  if (!ran.length) {
    const why = targets.find((t) => t.status === "original fails" || t.status === "error") ?? targets[0];
    return { ...base, status: "not compiled", reason: why?.reason ?? "no target could run", equalOn };
  }
  if (compared.records + compared.values === 0)
    return {
      ...base,
      status: "nothing compared",
      reason: "the spec describes no struct, union, command, constant, enumerator or flag of it",
      equalOn: [],
    };
  return { ...base, status: differences.length ? "different" : "equal", equalOn };
}

/** A report as a few lines of text: each difference once, with the targets it was found on. */
export function formatRoundTrip(r: RoundTripReport, maxLines = 40): string {
  const lines = [`${r.header}: ${r.status}${r.reason ? ` (${r.reason})` : ""}`];
  if (r.equalOn.length) lines.push(`  equal on ${r.equalOn.length} ABI(s): ${r.equalOn.join(", ")}`);
  const groups = new Map<string, { d: Difference; where: string[] }>();
  for (const d of r.differences) {
    const what =
      d.kind === "missing"
        ? "not in the original header"
        : d.kind === "not comparable"
          ? `not comparable: ${d.message}`
          : `${d.aspect} differs from ${d.against}` +
            (d.original !== undefined ? ` (original ${d.original}, ${d.against} ${d.other ?? "?"})` : "");
    const key = `${d.subject}${d.member ? `.${d.member}` : ""}: ${what}`;
    const g = groups.get(key) ?? { d, where: [] };
    g.where.push(d.abi);
    groups.set(key, g);
  }
  const shown = [...groups].slice(0, maxLines);
  for (const [key, g] of shown) lines.push(`  ${key} on ${[...new Set(g.where)].join(", ")}`);
  if (groups.size > shown.length) lines.push(`  ... ${groups.size - shown.length} more`);
  for (const t of r.targets.filter((t) => t.status !== "equal" && t.status !== "different"))
    lines.push(`  ${t.abi} [${t.label}]: ${t.status}${t.reason ? `: ${t.reason}` : ""}`);
  return lines.join("\n");
}
