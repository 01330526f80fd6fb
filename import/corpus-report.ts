/*
 * The corpus report: out/corpus/report.json (the CorpusResult, every list sorted) and
 * out/corpus/README.md, written for a kernel developer: what was done, the headline numbers,
 * what `uapi check`'s rules find in the real uapi with the worst offenders at header:line,
 * where the round trip found a spec unequal to its header, and what could not be compared.
 * Pure: the same result gives the same bytes.
 */
import type { AbiId } from "../spec/abi.js";
import { ABIS } from "../spec/abis.js";
import type { CorpusHeader, CorpusResult, Finding } from "./corpus.js";

/** What each rule finds, in the words of a review, and whether it counts structs or commands. */
const RULES: readonly { id: string; what: string; counts: "structs" | "commands"; note?: string }[] = [
  { id: "padding/hole", counts: "structs", what: "an implicit hole between two members on some ABI" },
  { id: "padding/tail", counts: "structs", what: "implicit padding after the last member on some ABI" },
  {
    id: "align64/offset",
    counts: "structs",
    what: "a 64-bit member that is not 8-byte aligned on some ABI (i386, m68k, arm OABI, ... align it to 4 or 2)",
  },
  { id: "align64/size", counts: "structs", what: "a struct holding a 64-bit member whose size is not a multiple of 8" },
  {
    id: "compat/layout",
    counts: "structs",
    what: "a different layout on different ABIs: a 64-bit kernel needs a compat translation for 32-bit callers",
  },
  { id: "compat/pointee", counts: "structs", what: "a user pointer to data whose layout depends on the ABI" },
  {
    id: "types/abi-dependent",
    counts: "structs",
    what: "a member of an ABI-dependent type (long, pointers, size_t, time_t, plain char, enums, floating point)",
  },
  { id: "ioctl/duplicate-nr", counts: "commands", what: "two commands of one header on the same (type, nr)" },
  {
    id: "ioctl/direction",
    counts: "commands",
    what: "the direction (_IOR/_IOW/_IOWR) contradicts the data flow",
    note:
      "needs each member's data flow, which a C header does not state; imported specs carry none, so this " +
      "rule (the one that finds _IOWR commands that never read back) cannot fire on them",
  },
  {
    id: "ioctl/number-varies",
    counts: "commands",
    what: "a request number that changes between ABIs of one _IOC family, because the argument's size does",
  },
  { id: "ioctl/size-limit", counts: "commands", what: "an argument too large for the _IOC size field" },
  { id: "ioctl/io-with-arg", counts: "commands", what: "_IO with an argument type" },
];

const ABI_ORDER = new Map(ABIS.map((a, i) => [a.id, i]));
const byAbi = (a: AbiId, b: AbiId) => ABI_ORDER.get(a)! - ABI_ORDER.get(b)!;

/** The result with every list in a stable order. */
export function canonical(r: CorpusResult): CorpusResult {
  return {
    ...r,
    headers: [...r.headers].sort((a, b) => (a.header < b.header ? -1 : a.header > b.header ? 1 : 0)),
    targets: [...r.targets].sort((a, b) => byAbi(a.abi, b.abi) || a.compiler.localeCompare(b.compiler)),
  };
}

export function reportJson(r: CorpusResult): string {
  return `${JSON.stringify(canonical(r), null, 1)}\n`;
}

/* ------------------------------------------------------------------ */

const pct = (n: number, of: number) => (of ? `${((100 * n) / of).toFixed(1)}%` : "-");
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const abiList = (abis: readonly AbiId[], all: number) =>
  abis.length === all && all > 1 ? `all ${all}` : abis.length > 6 ? `${abis.length} ABIs` : abis.join(", ");

interface RuleTally {
  structs: Set<string>;
  commands: Set<string>;
  headers: Set<string>;
  offenders: Map<string, { header: string; subject: string; line?: number; findings: number; abis: number }>;
}

function tallyRules(headers: readonly CorpusHeader[]): Map<string, RuleTally> {
  const out = new Map<string, RuleTally>();
  for (const h of headers)
    for (const f of h.findings ?? []) {
      const t = out.get(f.rule) ?? {
        structs: new Set(),
        commands: new Set(),
        headers: new Set(),
        offenders: new Map(),
      };
      const key = `${h.header}|${f.subject}`;
      (f.rule.startsWith("ioctl/") ? t.commands : t.structs).add(key);
      t.headers.add(h.header);
      const o = t.offenders.get(key) ?? { header: h.header, subject: f.subject, line: f.line, findings: 0, abis: 0 };
      o.findings++;
      o.abis = Math.max(o.abis, f.abis);
      t.offenders.set(key, o);
      out.set(f.rule, t);
    }
  return out;
}

const where = (o: { header: string; line?: number }) => `${o.header}${o.line ? `:${o.line}` : ""}`;

function worst(t: RuleTally, n: number) {
  return [...t.offenders.values()]
    .sort((a, b) => b.findings - a.findings || b.abis - a.abis || where(a).localeCompare(where(b)))
    .slice(0, n);
}

/** (type, nr) pairs that more than one header uses, with the commands on them. */
function sharedNumbers(headers: readonly CorpusHeader[]) {
  const byPair = new Map<
    string,
    { magic: number; nr: number; uses: { header: string; name: string; line?: number }[] }
  >();
  for (const h of headers)
    for (const c of h.commands ?? []) {
      const key = `${c.magic}/${c.nr}`;
      const e = byPair.get(key) ?? { magic: c.magic, nr: c.nr, uses: [] };
      e.uses.push({ header: h.header, name: c.name, line: c.line });
      byPair.set(key, e);
    }
  return [...byPair.values()]
    .filter((e) => new Set(e.uses.map((u) => u.header)).size > 1 && new Set(e.uses.map((u) => u.name)).size > 1)
    .sort((a, b) => a.magic - b.magic || a.nr - b.nr);
}

const hex = (n: number) => `0x${n.toString(16).padStart(2, "0")}`;
const magicText = (m: number) =>
  m >= 0x21 && m <= 0x7e && m !== 0x7c ? `'${String.fromCharCode(m)}' (${hex(m)})` : hex(m);

function count<T>(xs: readonly T[], f: (x: T) => boolean): number {
  return xs.reduce((n, x) => n + (f(x) ? 1 : 0), 0);
}

export function reportMarkdown(result: CorpusResult): string {
  const r = canonical(result);
  const hs = r.headers;
  const ran = r.targets.filter((t) => !t.skipped);
  const abisRun = [...new Set(ran.map((t) => t.abi))].sort(byAbi);
  const imported = hs.filter((h) => h.imported);
  const structs = imported.reduce((n, h) => n + h.imported!.counts.structs + h.imported!.counts.unions, 0);
  const commands = imported.reduce((n, h) => n + h.imported!.counts.commands, 0);
  const equal = count(hs, (h) => h.status === "equal");
  const different = count(hs, (h) => h.status === "different");
  const rules = tallyRules(hs);
  const L: string[] = [];

  L.push("# The kernel's uapi, imported and round-tripped", "");
  L.push(
    "Generated by `npm run corpus` (import/corpus-main.ts); do not edit. " +
      `The headers are Linux ${r.kernel ?? "(version unknown)"}'s, as installed in \`${r.usrInclude}\`.`,
    "",
  );
  L.push(
    "Every kernel uapi header found there was compiled on its own, imported into a spec with `uapi import`, " +
      "and the spec was then **proved layout-equal to the header** by a round trip: one translation unit " +
      "includes the original header and the header the spec generates (every name prefixed), followed by a " +
      "`_Static_assert` on every struct's and union's size and alignment, every member's offset and size, " +
      "every integer member's signedness and every command's, constant's and enumerator's value. Each of those " +
      "is also asserted against the workbench's layout engine for the ABI. The compilers judge: GCC for " +
      "x86_64, i386 and x32, the Debian cross GCCs installed here, and clang (WebAssembly, bundled) for " +
      "every ABI clang implements (the targets table below). Then `uapi check`'s " +
      "rules ran on every imported spec, on all 35 ABIs: the tables below are what they find in the real " +
      "kernel uapi. report.json holds everything, per header.",
    "",
  );

  L.push("## Headline", "", "| | count | |", "|---|---:|---|");
  const row = (what: string, n: number | string, note = "") => L.push(`| ${what} | ${n} | ${note} |`);
  row("kernel uapi headers found", hs.length);
  row(
    "compile on their own (gcc, x86_64)",
    count(hs, (h) => h.status !== "not standalone"),
    pct(
      count(hs, (h) => h.status !== "not standalone"),
      hs.length,
    ),
  );
  row(
    "imported into a spec the loader accepts",
    count(hs, (h) => !!h.imported && h.status !== "spec rejected"),
  );
  row("round trip: equal on every target that ran", equal, pct(equal, imported.length) + " of imported");
  const everywhere = count(hs, (h) => h.status === "equal" && h.roundTrip!.equalOn.length === abisRun.length);
  row(`... of them on all ${abisRun.length} ABIs compared here`, everywhere, "the others skipped ABIs lacking headers");
  row("round trip: differences found", different);
  row(
    "round trip: the spec's header does not compile",
    count(hs, (h) => h.status === "generated fails"),
  );
  row(
    "round trip: nothing to compare (no structs, commands or constants)",
    count(hs, (h) => h.status === "nothing compared"),
  );
  row("structs and unions imported", structs);
  row("ioctl commands imported", commands);
  for (const id of ["padding/hole", "align64/offset", "compat/layout", "types/abi-dependent"]) {
    const t = rules.get(id);
    row(`structs with \`${id}\` findings`, t?.structs.size ?? 0, pct(t?.structs.size ?? 0, structs) + " of structs");
  }
  const dup = rules.get("ioctl/duplicate-nr");
  row("commands on a (type, nr) another command of their header uses", dup?.commands.size ?? 0);
  row("(type, nr) pairs used by commands of more than one header", sharedNumbers(hs).length);
  row("ABIs compared on (at least one compiler)", abisRun.length, abisRun.join(", "));
  L.push("");

  L.push("## Targets", "", "| ABI | compiler | |", "|---|---|---|");
  for (const t of r.targets)
    L.push(`| ${t.abi} | ${cell(t.label)} | ${t.skipped ? `not run: ${cell(t.skipped)}` : ""} |`);
  L.push(
    "",
    "For ABIs without their own asm/ headers here (no Debian cross sysroot), the round trip uses stand-ins " +
      "for the six asm/ headers <linux/types.h> and <linux/ioctl.h> reach, written from the ABI table; a " +
      "header that needs any other asm/ header, or a C library header, is reported as skipped on that ABI, " +
      "never as equal.",
    "",
  );

  L.push("## What `uapi check` finds in the kernel's own uapi", "");
  L.push(
    "Counts are of distinct structs (or commands) with at least one finding of the rule on any of the 35 " +
      "ABIs; the worst offenders are those with the most findings, then the most ABIs.",
    "",
  );
  L.push("| rule | finds | structs | commands | headers |", "|---|---|---:|---:|---:|");
  for (const rule of RULES) {
    const t = rules.get(rule.id);
    const n = [t?.structs.size ?? 0, t?.commands.size ?? 0, t?.headers.size ?? 0];
    L.push(`| \`${rule.id}\` | ${rule.what} | ${n.join(" | ")} |`);
  }
  L.push("");
  for (const rule of RULES) {
    const t = rules.get(rule.id);
    L.push(`### \`${rule.id}\``, "", `${rule.what[0]!.toUpperCase()}${rule.what.slice(1)}.`);
    if (rule.note) L.push("", `Note: ${rule.note}.`);
    if (!t) {
      L.push("", "No findings.", "");
      continue;
    }
    L.push(
      "",
      `| ${rule.counts === "commands" ? "command" : "struct"} | where | findings | ABIs |`,
      "|---|---|---:|---:|",
    );
    const top = worst(t, 10);
    for (const o of top) L.push(`| \`${o.subject}\` | ${where(o)} | ${o.findings} | ${o.abis || "-"} |`);
    const example = hs
      .find((h) => h.header === top[0]!.header)
      ?.findings?.find((f: Finding) => f.rule === rule.id && f.subject === top[0]!.subject);
    if (example) L.push("", `The first finding of \`${top[0]!.subject}\`: ${cell(example.message)}`);
    L.push("");
  }

  const shared = sharedNumbers(hs);
  L.push("### (type, nr) pairs shared across headers", "");
  L.push(
    "ioctl-number.rst asks each driver for its own range; tools that decode by (type, nr), such as strace, " +
      `cannot tell these apart. ${shared.length} pairs are used by commands of more than one header` +
      (shared.length > 20 ? " (the first 20 by type):" : ":"),
    "",
  );
  if (shared.length) {
    L.push("| type | nr | commands |", "|---|---|---|");
    for (const e of shared.slice(0, 20))
      L.push(
        `| ${magicText(e.magic)} | ${hex(e.nr)} | ${e.uses.map((u) => `\`${u.name}\` (${where(u)})`).join(", ")} |`,
      );
    L.push("");
  }

  L.push("## Round trip: where a spec and its header differ", "");
  const diff = hs.filter((h) => h.status === "different" && h.roundTrip);
  if (!diff.length) L.push("Nowhere: every spec that compiled equals its header on every target that ran.", "");
  else {
    L.push(
      `${diff.length} headers. Each line is one difference, with the ABIs it was found on; "original" is the ` +
        "compiler's value for the kernel's header, the other the generated declaration's or the engine's.",
      "",
    );
    for (const h of diff) {
      const rt = h.roundTrip!;
      L.push(`- **${h.header}** (${rt.differenceCount} failed assert${rt.differenceCount === 1 ? "" : "s"})`);
      for (const g of rt.differences.slice(0, 8)) {
        const what =
          g.kind === "missing"
            ? "not in the original header"
            : g.kind === "not comparable"
              ? `not comparable: ${g.message}`
              : `${g.aspect}: original ${g.original ?? "?"}, ${g.against} ${g.other ?? "?"}`;
        L.push(
          `  - \`${g.subject}${g.member ? `.${g.member}` : ""}\` ${cell(what)} (${abiList(g.abis, abisRun.length)})`,
        );
      }
      if (rt.differences.length > 8) L.push(`  - ... ${rt.differences.length - 8} more groups in report.json`);
    }
    L.push("");
  }

  L.push("## Headers that were not compared", "");
  const why = new Map<string, string[]>();
  for (const h of hs) {
    if (h.status === "equal" || h.status === "different") continue;
    const key = `${h.status}: ${(h.reason ?? "").replace(/‘|’/g, "'").slice(0, 100)}`;
    why.set(key, [...(why.get(key) ?? []), h.header]);
  }
  const reasons = [...why].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  L.push("| status and first reason | headers | e.g. |", "|---|---:|---|");
  for (const [reason, list] of reasons.slice(0, 40))
    L.push(`| ${cell(reason)} | ${list.length} | ${list.slice(0, 3).join(", ")} |`);
  if (reasons.length > 40) L.push(`| ... ${reasons.length - 40} more reasons (report.json) | | |`);
  L.push("");

  const skipped = new Map<string, Set<string>>();
  for (const h of hs)
    for (const n of h.roundTrip?.notRun ?? []) {
      // A header's own failure is in the table above; this one is about single ABIs.
      if (n.status !== "skipped" && n.status !== "original fails") continue;
      const key = `${n.status}: ${n.reason.replace(/ \(needs .*\)$/, "")}`;
      const set = skipped.get(key) ?? new Set();
      set.add(h.header);
      skipped.set(key, set);
    }
  if (skipped.size) {
    L.push(
      "ABIs on which a header that was compared elsewhere did not run (X is the ABI; a header counts as equal " +
        "on the targets that ran):",
      "",
    );
    L.push("| why | headers | e.g. |", "|---|---:|---|");
    for (const [k, v] of [...skipped].sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0])))
      L.push(`| ${cell(k)} | ${v.size} | ${[...v].slice(0, 3).join(", ")} |`);
    L.push("");
  }

  L.push("## Time taken", "");
  const cores = r.timing.cores ?? "?";
  L.push(
    `${r.timing.total} s in all on this machine (${cores} cores): ${r.timing.standalone} s compiling every ` +
      `header on its own; **${r.timing.import} s importing every header** (wall clock, ` +
      `${r.timing.importWorkers} import worker(s), nothing else running; the imports' own times add up to ` +
      `${r.timing.importSum} s); ${r.timing.checks} s of checks; ${r.timing.roundTrip} s of round trips. These ` +
      "figures are the only part of this report that changes between two runs on one machine.",
    "",
  );
  return L.join("\n");
}
