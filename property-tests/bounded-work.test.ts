/*
 * Bounded work: deep and wide specs are checked in linear time without
 * running out of stack, sizes never overflow into floats, resource limits
 * give exit 2 with a position, and the report summarises what is too big to
 * draw.
 *
 * Growth is not measured here (bench/growth.ts measures it); the CLI runs
 * get generous timeouts, named in the test titles, so that a hang fails
 * instead of blocking the suite.
 * The checks' results are compared with a straightforward reimplementation
 * of the rules over flattenMembers (every member of every nested struct
 * walked again, nothing memoised), so the fast paths cannot change a finding.
 */
import test from "ava";
import fc from "fast-check";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MAX_LISTED } from "../core/checks/align64.js";
import { MAX_MOVES_LISTED } from "../core/checks/compat.js";
import { runChecks } from "../core/checks/index.js";
import { groupAbis, nameAbis, recordsToCheck } from "../core/checks/context.js";
import type { Diagnostic } from "../core/diagnostic.js";
import { SpecInputError } from "../core/diagnostic.js";
import {
  flattenHoles,
  flattenMembers,
  layoutRecord,
  layoutSignature,
  layoutType,
  MAX_RECORD_SIZE,
} from "../core/layout.js";
import type { CType, RecordType, SpecModel } from "../core/model.js";
import { REPO_ROOT } from "../core/paths.js";
import { renderHtml } from "../generators/report.js";
import { ABIS } from "../spec/abis.js";
import type { AbiEntry } from "../spec/abi.js";
import { loadSpecText, MAX_SPEC_BYTES } from "../spec/load.js";
import { buildReport } from "../syscall/report-data.js";
import { arbStructDoc, docToYaml, modelOf } from "./arbitraries.js";

const CLI = path.join(REPO_ROOT, "dist", "cli", "main.js");
const dir = mkdtempSync(path.join(tmpdir(), "uapi-bounded-"));
const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

const HEAD = `name: t
doc: generated
interfaces:
  - name: t
    doc: d
    header: linux/t.h
`;

/** A chain: struct c<i> holds struct c<i-1> and a __u64. */
function chainSpec(n: number): string {
  const out = [
    HEAD,
    "    structs:\n",
    "      - name: c0\n        doc: d\n        fields:\n          - { name: a, type: __u64 }\n",
  ];
  for (let i = 1; i < n; i++)
    out.push(
      [
        `      - name: c${i}`,
        "        doc: d",
        "        fields:",
        `          - { name: a, type: struct c${i - 1} }`,
        "          - { name: b, type: __u64 }",
        "",
      ].join("\n"),
    );
  return out.join("");
}

function wideSpec(n: number, type: string): string {
  const out = [HEAD, "    structs:\n", "      - name: w\n        doc: d\n        fields:\n"];
  for (let i = 0; i < n; i++) out.push(`          - { name: f${i}, type: ${type} }\n`);
  return out.join("");
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function cli(args: string[], timeoutMs = 60_000) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
  });
  return {
    ...r,
    ms: Date.now() - started,
    timedOut: r.error !== undefined && (r.error as NodeJS.ErrnoException).code === "ETIMEDOUT",
  };
}

const lineOf = (text: string, marker: string) => text.split("\n").findIndex((l) => l.includes(marker)) + 1;

/** The first `file:line:col: error:` of stderr. */
function firstError(stderr: string, file: string) {
  const m = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+):(\\d+): error: (.*)$`, "m").exec(stderr);
  return m ? { line: Number(m[1]), col: Number(m[2]), message: m[3]! } : undefined;
}

/* ------------------------------------------------------------- the CLI */

test("a chain of 2,000 structs each holding the previous one is checked within 120 s", (t) => {
  const file = write("chain2000.yaml", chainSpec(2000));
  const r = cli(["check", file, "--fail-on", "never", "--quiet"], 120_000);
  t.false(r.timedOut, "check did not finish within 120 s");
  t.is(r.status, 0, r.stderr.slice(0, 2000));
  t.regex(r.stdout, /1 spec, 35 ABIs: 0 errors/);
});

test("a chain of 10,000 structs costs no call stack (no stack overflow, no exit 3)", (t) => {
  const file = write("chain10000.yaml", chainSpec(10_000));
  const r = cli(["check", file, "--fail-on", "never", "--quiet"], 180_000);
  t.false(r.timedOut);
  t.notRegex(r.stderr, /Maximum call stack|internal error/);
  t.is(r.status, 0, r.stderr.slice(0, 2000));
});

test("generate on a chain of 400 structs: exit 2 at the struct the codec limit names, within 120 s", (t) => {
  const file = write("chain400.yaml", chainSpec(400));
  const r = cli(["generate", file, "--out", path.join(dir, "chain400-out")], 120_000);
  t.false(r.timedOut, "generate did not finish within 120 s");
  t.is(r.status, 2, r.stderr.slice(0, 2000));
  const err = firstError(r.stderr, file);
  t.truthy(err, r.stderr.slice(0, 2000));
  // The deepest struct, c399, is the largest; its `- name:` line is where the error points.
  t.is(err!.line, lineOf(chainSpec(400), "- name: c399"));
  t.regex(err!.message, /codecs of this spec would inline/);
  t.false(existsSync(path.join(dir, "chain400-out")), "a refused generate wrote files");
});

test("generate on a struct of 20,000 __u8 members finishes within 300 s", (t) => {
  const file = write("wide20000.yaml", wideSpec(20_000, "__u8"));
  const r = cli(["generate", file, "--out", path.join(dir, "wide20000-out")], 300_000);
  t.false(r.timedOut, "generate did not finish within 300 s");
  t.is(r.status, 0, r.stderr.slice(0, 2000));
});

test("a struct of 12,000 __u64 members is checked within 120 s", (t) => {
  const file = write("wide12000.yaml", wideSpec(12_000, "__u64"));
  const r = cli(["check", file, "--fail-on", "never", "--quiet"], 120_000);
  t.false(r.timedOut);
  t.is(r.status, 0, r.stderr.slice(0, 2000));
});

test("a YAML alias bomb is exit 2 at the first alias, not an internal error", (t) => {
  const lines = ["name: t", "doc: d", "x0: &a0 [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"];
  for (let i = 1; i <= 6; i++)
    lines.push(`x${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(", ")}]`);
  lines.push("interfaces: []", "");
  const text = lines.join("\n");
  const file = write("alias-bomb.yaml", text);
  const r = cli(["check", file]);
  t.is(r.status, 2, r.stderr);
  t.is(r.stdout, "");
  const e = firstError(r.stderr, file);
  t.truthy(e, r.stderr);
  t.is(e!.line, lineOf(text, "*a0"));
  t.is(e!.col, text.split("\n")[e!.line - 1]!.indexOf("*a0") + 1);
  t.regex(e!.message, /alias/);
  t.regex(r.stderr, /hint: \S/);
});

test("a few aliases are still fine", (t) => {
  const text = [
    `${HEAD}    structs:`,
    "      - name: s",
    "        doc: &d the same doc",
    "        fields:",
    "          - { name: a, type: __u64, doc: *d }",
    "          - { name: b, type: __u64, doc: *d }",
    "",
  ].join("\n");
  const r = cli(["check", write("alias-ok.yaml", text)]);
  t.is(r.status, 0, r.stderr);
});

const OVERFLOW = `${HEAD}    structs:
      - name: big0
        doc: d
        fields:
          - { name: x, type: __u64, array: 1048576 }
      - name: big1
        doc: d
        fields:
          - { name: y, type: struct big0, array: 1048576 }
      - name: big2
        doc: d
        fields:
          - { name: z, type: struct big1, array: 1048576 }
`;

for (const command of ["check", "layout", "generate"]) {
  test(`nested arrays past 2^53 bytes: '${command}' exits 2 at the array, never prints a float`, (t) => {
    const file = write(`overflow-${command}.yaml`, OVERFLOW);
    const r = cli(command === "generate" ? [command, file, "--out", path.join(dir, "out-overflow")] : [command, file]);
    t.is(r.status, 2, r.stdout + r.stderr);
    t.is(r.stdout, "");
    t.notRegex(r.stderr, /e\+\d/);
    const e = firstError(r.stderr, file);
    t.truthy(e, r.stderr);
    t.is(e!.line, lineOf(OVERFLOW, "type: struct big0, array: 1048576"));
    t.regex(e!.message, /member 'y' of struct big1 is 8796093022208 bytes on \S+, over the limit of 2147483647 bytes/);
  });
}

test("members that each fit but add up past the limit: exit 2 at the struct", (t) => {
  const text = `${HEAD}    structs:
      - name: mib
        doc: d
        fields:
          - { name: x, type: __u8, array: 1048576 }
      - name: gib
        doc: d
        fields:
          - { name: a, type: struct mib, array: 1024 }
          - { name: b, type: struct mib, array: 1024 }
          - { name: c, type: struct mib, array: 1024 }
`;
  const file = write("sum-overflow.yaml", text);
  const r = cli(["check", file]);
  t.is(r.status, 2, r.stderr);
  const e = firstError(r.stderr, file);
  t.is(e?.line, lineOf(text, "- name: gib"));
  t.regex(e!.message, /struct gib is \d+ bytes on \S+, over the limit/);
});

test("the largest struct the limit allows still loads", (t) => {
  const text = [
    `${HEAD}    structs:`,
    "      - name: mib",
    "        doc: d",
    "        fields:",
    "          - { name: x, type: __u8, array: 1048576 }",
    "      - name: big",
    "        doc: d",
    "        fields:",
    "          - { name: a, type: struct mib, array: 2047 }",
    "",
  ].join("\n");
  const m = loadSpecText("big.yaml", text);
  t.is(layoutRecord(m.interfaces[0]!.records[1]!, ABIS[0]!).size, 2047 * 1048576);
  t.true(2048 * 1048576 > MAX_RECORD_SIZE);
});

test("/dev/zero as a spec: exit 2 within 30 s, naming the size limit", (t) => {
  const r = cli(["check", "/dev/zero"], 30_000);
  t.false(r.timedOut, "still reading after 30 s");
  t.is(r.status, 2, r.stderr);
  t.regex(r.stderr, /^\/dev\/zero:1:1: error: .*larger than the limit of 16 MiB/m);
});

test("a regular file over the limit is refused before it is read", (t) => {
  const file = write("too-big.yaml", "#".repeat(MAX_SPEC_BYTES + 1));
  const r = cli(["check", file]);
  t.is(r.status, 2);
  t.regex(r.stderr, /larger than the limit of 16 MiB/);
});

test("a directory as a spec is a read error, not an internal one", (t) => {
  const r = cli(["check", dir]);
  t.is(r.status, 2);
  t.regex(r.stderr, /cannot read spec/);
});

test("inline structs nested 65 deep: exit 2 at the 65th", (t) => {
  let fields = "[ { name: leaf, type: __u32 } ]";
  for (let i = 0; i < 65; i++) fields = `[ { name: n${i}, type: { kind: struct, fields: ${fields} } } ]`;
  const text = `${HEAD}    structs:\n      - name: deep\n        doc: d\n        fields: ${fields}\n`;
  const file = write("inline-deep.yaml", text);
  const r = cli(["check", file]);
  t.is(r.status, 2, r.stderr);
  t.regex(r.stderr, /inline structs nest deeper than 64 levels/);
  t.truthy(firstError(r.stderr, file));
});

test("inline structs nested 60 deep are fine", (t) => {
  let fields = "[ { name: leaf, type: __u64 } ]";
  for (let i = 0; i < 60; i++) fields = `[ { name: n${i}, type: { kind: struct, fields: ${fields} } } ]`;
  const r = cli([
    "check",
    write("inline-ok.yaml", `${HEAD}    structs:\n      - name: deep\n        doc: d\n        fields: ${fields}\n`),
  ]);
  t.is(r.status, 0, r.stderr);
});

test("YAML nested deeper than the limit: exit 2 with a position", (t) => {
  const text = `${HEAD}    extra: ${"[".repeat(400)}${"]".repeat(400)}\n`;
  const file = write("yaml-deep.yaml", text);
  const r = cli(["check", file]);
  t.is(r.status, 2, r.stderr);
  t.regex(r.stderr, /nesting (deeper than 256 levels|too deep)/);
  t.is(firstError(r.stderr, file)?.line, lineOf(text, "[["));
});

test("runaway YAML nesting the parser cannot follow is exit 2, not a crash", (t) => {
  const text = `${HEAD}    extra: ${"[".repeat(100_000)}\n`;
  const file = write("yaml-runaway.yaml", text);
  const r = cli(["check", file]);
  t.is(r.status, 2, r.stderr.slice(0, 2000));
  t.truthy(firstError(r.stderr, file));
});

test("a 4 MiB struct's HTML report stays small: the byte map is summarised (under 64 KiB)", (t) => {
  const text = `${HEAD}    structs:
      - name: huge
        doc: d
        fields:
          - { name: a, type: __u32 }
          - { name: x, type: __u8, array: 1048576 }
          - { name: y, type: __u64, array: 393216 }
    commands:
      - { name: HUGE_CMD, doc: d, magic: 0x42, nr: 1, dir: write, arg: struct huge }
`;
  const r = cli(["compare", write("huge.yaml", text), "--format", "html"]);
  t.is(r.status, 0, r.stderr);
  t.true(r.stdout.length < 64 * 1024, `${r.stdout.length} bytes`);
  t.regex(r.stdout, /size 4194312, align 8; 3 members, 1 padding gap \(4 bytes\): too big to draw byte by byte/);
  t.notRegex(r.stdout, /class="bytes"/);
});

test("the report of a 2,000-struct chain stays within its drawing budget", (t) => {
  const m = loadSpecText("chain.yaml", chainSpec(2000));
  const report = buildReport(m, ABIS);
  const html = renderHtml(report);
  const drawn = (html.match(/class="b /g) ?? []).length;
  t.true(drawn <= 32768, `${drawn} cells`);
  t.true(html.length < 16 * 1024 * 1024, `${html.length} bytes`);
  const classes = report.interfaces[0]!.structs.flatMap((s) => s.classes);
  t.true(classes.some((c) => c.summary) && classes.some((c) => !c.summary));
  t.true(classes.every((c) => c.segments.length <= 512));
});

/* ------------------------------------------------ in-process properties */

test("layout and flattening of a 10,000-deep chain use no call stack", (t) => {
  const m = loadSpecText("chain.yaml", chainSpec(10_000));
  const last = m.interfaces[0]!.records.at(-1)!;
  for (const abi of [ABIS[0]!, ABIS.find((a) => a.id === "i386")!]) {
    const l = layoutRecord(last, abi);
    t.is(l.size, 8 * 10_000);
    const flat = flattenMembers(l);
    t.is(flat.length, 2 * 10_000 - 1);
    t.is(flat[flat.length - 1]!.name, "b");
    t.is(flattenHoles(l).length, 0);
  }
});

test("a recursive struct in a long chain is reported with its cycle shortened", (t) => {
  const text = chainSpec(200).replace("- { name: a, type: __u64 }", "- { name: a, type: struct c199 }");
  const err = t.throws(() => loadSpecText("cycle.yaml", text), { instanceOf: SpecInputError }) as SpecInputError;
  t.is(err.errors.length, 1);
  t.regex(
    err.errors[0]!.message,
    /^recursive struct definition: struct c0 -> struct c199 -> .* \(185 more\) -> .*struct c0$/,
  );
});

/*
 * The checks as they were written before memoisation: flatten every struct,
 * match members across ABIs.  Plus the caps on what one finding lists.
 */
const elementOf = (x: CType): CType => (x.kind === "array" ? elementOf(x.element) : x);

function referenceAlign64(model: SpecModel, abis: readonly AbiEntry[]): string[] {
  const out: string[] = [];
  for (const ifc of model.interfaces) {
    for (const { record, name } of recordsToCheck(ifc).filter(({ record }) => !record.inline)) {
      const listed: string[] = [];
      for (const fm of flattenMembers(layoutRecord(record, abis[0]!))) {
        const el = elementOf(fm.member.field.type);
        if (
          fm.bits !== undefined ||
          el.kind === "record" ||
          el.kind === "pointer" ||
          layoutType(el, abis[0]!).size !== 8
        )
          continue;
        const offsets = groupAbis(
          abis,
          (abi) => flattenMembers(layoutRecord(record, abi)).find((m) => m.name === fm.name)?.offset ?? -1,
        );
        const bad = [...offsets].filter(([off]) => off % 8 !== 0);
        if (bad.length) {
          const where = bad.map(([off, g]) => `offset ${off} on ${nameAbis(g, abis)}`).join("; ");
          listed.push(`${name}.${fm.name}: ${name}: 64-bit member '${fm.name}' is at ${where}, not a multiple of 8`);
        }
      }
      out.push(...listed.slice(0, MAX_LISTED));
      if (listed.length > MAX_LISTED)
        out.push(`${name}: ${name}: more 64-bit members are off a multiple of 8 than the ${MAX_LISTED} listed`);
    }
  }
  return out;
}

function referenceCompat(model: SpecModel, abis: readonly AbiEntry[]): string[] {
  const signature = (r: RecordType, abi: AbiEntry) => {
    const l = layoutRecord(r, abi);
    return `${l.size}|${flattenMembers(l)
      .map((m) => `${m.name}@${m.offset}+${m.size}/${m.bitOffset ?? ""}`)
      .join(",")}`;
  };
  const out: string[] = [];
  for (const ifc of model.interfaces) {
    for (const { record, name } of recordsToCheck(ifc).filter((x) => !x.record.inline)) {
      const groups = groupAbis(abis, (abi) => signature(record, abi));
      if (groups.size <= 1) continue;
      const reps = [...groups.values()].map((ids) => ({
        ids,
        layout: layoutRecord(
          record,
          abis.find((a) => a.id === ids[0])!,
        ),
      }));
      const flats = reps.map((r) => flattenMembers(r.layout));
      const moves: string[] = [];
      // Matched by position: names are unique except unnamed bit-fields, which a match by name would confuse.
      flats[0]!.forEach((m, k) => {
        const per = flats.map((f) => f[k]!);
        if (new Set(per.map((x) => `${x.offset}+${x.size}`)).size > 1) {
          const at = reps.map((r, i) => `@${per[i]!.offset} (${per[i]!.size} B) on ${nameAbis(r.ids, abis)}`);
          moves.push(`'${m.name}' ${at.join(", ")}`);
        }
      });
      if (moves.length > MAX_MOVES_LISTED)
        moves.splice(MAX_MOVES_LISTED, Infinity, `and more (only the first ${MAX_MOVES_LISTED} are listed)`);
      const sizes = reps.map((r) => `${r.layout.size} on ${nameAbis(r.ids, abis)}`).join(", ");
      const moved = moves.length ? `; members that move: ${moves.join("; ")}` : "";
      out.push(`${name} has ${groups.size} different layouts: size ${sizes}${moved}`);
    }
  }
  return out;
}

const findings = (ds: Diagnostic[], prefix: string, text: (d: Diagnostic) => string) =>
  ds
    .filter((d) => d.rule.startsWith(prefix))
    .map(text)
    .sort();

for (const [label, opts] of [
  ["random structs", { maxHelpers: 3, maxDepth: 2 }],
  ["wide random structs", { maxHelpers: 2, maxDepth: 3, maxFields: 12 }],
] as const) {
  test(`align64/offset and compat/layout agree with the flatten-everything reference on ${label}`, (t) => {
    fc.assert(
      fc.property(arbStructDoc(opts), (doc) => {
        const model = modelOf(doc);
        const ds = runChecks(model, ABIS);
        const a = findings(ds, "align64/offset", (d) => `${d.subject}: ${d.message}`);
        const c = findings(ds, "compat/layout", (d) => d.message);
        const ok =
          JSON.stringify(a) === JSON.stringify(referenceAlign64(model, ABIS).sort()) &&
          JSON.stringify(c) === JSON.stringify(referenceCompat(model, ABIS).sort());
        if (!ok) t.log(docToYaml(doc));
        return ok;
      }),
      { numRuns: RUNS, seed: 9 },
    );
    t.pass();
  });
}

test("the byte maps agree with the flatten-everything reference on random structs", (t) => {
  fc.assert(
    fc.property(arbStructDoc({ maxHelpers: 3 }), (doc) => {
      const model = modelOf(doc);
      const got = buildReport(model, ABIS).interfaces[0]!.structs;
      const want = model.interfaces[0]!.records.map((r) => referenceStructMap(r, ABIS));
      const ok = JSON.stringify(got) === JSON.stringify(want);
      if (!ok) t.log(docToYaml(doc));
      return ok;
    }),
    { numRuns: RUNS, seed: 29 },
  );
  t.pass();
});

/**
 * The flatten-everything reference for the report's byte map:
 * every struct drawn; a member moves when its first namesake does.
 */
function referenceStructMap(r: RecordType, abis: readonly AbiEntry[]) {
  const sig = (abi: AbiEntry) => {
    const l = layoutRecord(r, abi);
    return JSON.stringify([l.size, l.align, flattenMembers(l).map((m) => [m.name, m.offset, m.size])]);
  };
  const groups = [...groupAbis(abis, sig).values()];
  const layouts = groups.map((ids) =>
    layoutRecord(
      r,
      abis.find((a) => a.id === ids[0])!,
    ),
  );
  const placeOf = (name: string) =>
    new Set(
      layouts.map((l) => {
        const m = flattenMembers(l).find((x) => x.name === name);
        return m ? `${m.offset}+${m.size}` : "-";
      }),
    );
  return {
    name: `${r.kind} ${r.tag}`,
    classes: groups.map((ids, i) => {
      const l = layouts[i]!;
      const leaves = flattenMembers(l).filter((m) => !m.member.nested || m.member.field.type.kind === "array");
      const segments = [
        ...leaves.map((m) => ({
          offset: m.offset,
          size: Math.max(m.size, m.bits !== undefined ? 1 : 0),
          kind: "member",
          name: m.name,
          ...(placeOf(m.name).size > 1 ? { moved: true } : {}),
        })),
        ...flattenHoles(l).map((h) => ({
          offset: h.offset,
          size: h.size,
          kind: h.tailPadding ? "tail" : "hole",
          name: h.tailPadding ? "tail padding" : `hole${h.after ? ` after ${h.after}` : ""}`,
        })),
      ].sort((x, y) => x.offset - y.offset || (x.kind === "member" ? -1 : 1));
      return { abis: ids, size: l.size, align: l.align, segments };
    }),
  };
}

test("layoutSignature is equal on two ABIs exactly when the flattened layouts are", (t) => {
  const flatKey = (r: RecordType, abi: AbiEntry, bits: boolean) =>
    flattenMembers(layoutRecord(r, abi))
      .map((m) => `${m.offset}+${m.size}${bits ? `/${m.bitOffset ?? ""}` : ""}`)
      .join(",");
  fc.assert(
    fc.property(arbStructDoc({ maxHelpers: 3 }), (doc) => {
      const model = modelOf(doc);
      for (const r of model.interfaces[0]!.records) {
        for (const bits of [true, false]) {
          const sig = new Map<string, string>();
          const flat = new Map<string, string>();
          for (const abi of ABIS) {
            sig.set(abi.id, layoutSignature(r, abi, bits));
            flat.set(abi.id, flatKey(r, abi, bits));
          }
          for (const x of ABIS)
            for (const y of ABIS)
              if ((sig.get(x.id) === sig.get(y.id)) !== (flat.get(x.id) === flat.get(y.id))) return false;
        }
      }
      return true;
    }),
    { numRuns: RUNS, seed: 19 },
  );
  t.pass();
});

test("misplaced 64-bit members deep in a chain: listed up to the cap, with short paths, in linear work", (t) => {
  // c0 puts a __u64 at offset 4 on i386 (4-byte alignment), so every struct holding it inherits the finding.
  const text = chainSpec(3000).replace(
    "- { name: a, type: __u64 }",
    "- { name: p, type: __u32 }\n          - { name: a, type: __u64 }",
  );
  const m = loadSpecText("deep-misaligned.yaml", text);
  const ds = runChecks(m, ABIS).filter((d) => d.subject.startsWith("struct c2999"));
  const offsets = ds.filter((d) => d.rule === "align64/offset");
  t.is(offsets.length, MAX_LISTED + 1); // the listed ones and one saying there are more
  t.regex(offsets.map((d) => d.message).join("\n"), /more 64-bit members are off a multiple of 8 than the 256 listed/);
  t.true(
    offsets.every((d) => d.message.length < 600),
    "paths are shortened",
  );
  t.regex(offsets[0]!.subject, /^struct c2999\.a\.a\.a.*\.<\d+ levels>\.a$/);
  const compat = ds.filter((d) => d.rule === "compat/layout");
  t.is(compat.length, 1);
  t.regex(compat[0]!.message, /and more \(only the first 256 are listed\)/);
  t.true(compat[0]!.message.length < 256 * 600);
});
