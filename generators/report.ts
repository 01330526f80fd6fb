/*
 * The ioctl-vs-syscall ergonomics report: report/<spec>.{md,html,json}.
 * The HTML page is self-contained (inline CSS, no scripts, no external
 * resources): a table per interface, a side-by-side table per command, and a
 * byte map of each struct per ABI class with holes and moved members coloured.
 */
import { ABIS } from "../spec/abis.js";
import type { AbiId } from "../spec/abi.js";
import type { SpecModel } from "../core/model.js";
import { buildReport, type CommandReport, type SpecReport, type StructMap } from "../syscall/report-data.js";
import type { SlotGroup } from "../syscall/analyse.js";
import type { Generator, OutputFile } from "./generator.js";
import { FORBIDDEN_CHAR } from "../spec/c-names.js";

/** Invisible, bidi and control characters (none in a linted spec; a file name may hold them) become U+FFFD. */
const visible = (s: string) =>
  s.replace(new RegExp(FORBIDDEN_CHAR.source, "gu"), (c) => (c === "\n" || c === "\t" ? c : "\ufffd"));

export const reportGenerator: Generator = {
  name: "report",
  generate(models: readonly SpecModel[]): OutputFile[] {
    return models.flatMap((m) => {
      const r = buildReport(m, ABIS);
      return [
        { path: `report/${r.spec}.md`, content: renderMarkdown(r) },
        { path: `report/${r.spec}.html`, content: renderHtml(r) },
        { path: `report/${r.spec}.json`, content: renderJson(r) },
      ];
    });
  },
};

export const renderJson = (r: SpecReport | SpecReport[]) => JSON.stringify(r, null, 2) + "\n";

/** "x86_64, i386, x32" or "x86_64, i386 +13". */
function abiList(ids: readonly AbiId[], max = 6): string {
  return ids.length <= max ? ids.join(", ") : `${ids.slice(0, max).join(", ")} +${ids.length - max}`;
}

function groupText(g: SlotGroup, total: number): string {
  const where = g.abis.length === total ? "all ABIs" : abiList(g.abis);
  const tag = g.verdict === "o32-only" ? " (o32 stack only)" : g.verdict === "exceeds" ? " (over)" : "";
  return `${g.slots}${g.padding ? ` incl. ${g.padding} pad` : ""}${tag} on ${where}`;
}

export function slotsText(groups: readonly SlotGroup[], total: number): string {
  return groups.map((g) => groupText(g, total)).join("; ");
}

function verdictText(c: CommandReport, total: number): string {
  if (c.fits) return "fits";
  const over = c.exceedsOn.length === total ? "every ABI" : abiList(c.exceedsOn);
  return `exceeds on ${over}${c.o32Only.length ? " (o32 via stack)" : ""}`;
}

function remedyText(c: CommandReport): string {
  const r = c.remedies.find((x) => x.chosen);
  return r ? `${r.kind}, ${r.slots} slots` : c.fits ? "-" : "none fits";
}

/* ------------------------------------------------- calling and ioctl form */

/** Where the arguments travel: one row per set of ABIs that agree on every register. */
function callingTable(c: CommandReport, total: number): string[][] {
  return c.calling.map((row) => [
    row.abis.length === total ? "all ABIs" : row.abis.join(", "),
    String(row.slots),
    row.args.join(", "),
    row.padding.join(", ") || "-",
    row.verdict + (row.reordered ? ", out of prototype order" : ""),
  ]);
}
const CALLING_HEAD = ["ABIs", "slots", "arguments (register, halves)", "padding", "verdict"];

/** "i386 (compat on x86_64): why; why" per ABI with an entry point of its own. */
function entryLines(c: CommandReport): string[] {
  return c.entryPoints.map(
    (p) =>
      `${p.abi} (${p.compatOn ? `compat entry on ${p.compatOn}` : "its own entry"}): ` +
      p.needs.map((n) => n.why).join("; "),
  );
}

/** The derived ioctl's struct as one line of C, and its request numbers. */
function ioctlFormLines(c: CommandReport, total: number): string[] {
  const f = c.ioctlForm;
  if (!f) return [];
  const struct = f.spec.structs[0];
  const macro = { none: "_IO", read: "_IOR", write: "_IOW", readwrite: "_IOWR" }[f.dir];
  const encoded =
    `${macro}(0x${f.magic.toString(16)}, ${f.nr}${struct ? `, struct ${struct.name}` : ""})` +
    ": " +
    f.requests.map((q) => `${q.value} on ${q.abis.length === total ? "all ABIs" : abiList(q.abis)}`).join("; ");
  const lines = [`${c.command} = ${encoded}`];
  if (struct)
    lines.push(`struct ${struct.name} { ${struct.fields.map((m) => `${m.type as string} ${m.name};`).join(" ")} }`);
  return lines;
}

/* ------------------------------------------------------------- markdown */

const mdCell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
/** Free text from a spec in markdown: no raw HTML (renderers pass it through), on one line. */
const mdText = (s: string) =>
  visible(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\s+/g, " ");
const code = (s: string) => "`" + s.replace(/`/g, "'") + "`";

function aspects(c: CommandReport, total: number): [string, string, string][] {
  const e = c.ergonomics;
  if (!e) return [];
  const copies = (x: { fromUser: number; toUser: number; detail: string[] }) =>
    `${x.fromUser + x.toUser} (${x.fromUser} from, ${x.toUser} to)${x.detail.length ? ": " + x.detail.join(", ") : ""}`;
  const chosen = c.remedies.find((r) => r.chosen);
  return [
    ["C prototype", code(e.ioctlPrototype), code(c.syscall.prototype)],
    [
      "request / arguments",
      `${c.ioctl.request} on ${c.ioctl.requestAbi}`,
      `${c.argCount} arguments${c.origin === "ioctl" ? " incl. fd" : ""}`,
    ],
    [
      "argument slots",
      e.ioctlPrototype.includes("no argument")
        ? "2 (fd, request) on every ABI"
        : "3 (fd, request, argument) on every ABI",
      slotsText(c.slots, total),
    ],
    ["fits in six", "yes", verdictText(c, total)],
    [
      "remedy",
      "-",
      chosen ? `${chosen.kind}: ${chosen.prototypes.map(code).join(" ; ")} — ${chosen.slots} slots` : "-",
    ],
    [
      "compat handler",
      (e.compat.ioctl.needed ? "needed: " : "") + e.compat.ioctl.why.join("; "),
      (e.compat.syscall.needed ? "needed: " : "") + e.compat.syscall.why.join("; "),
    ],
    ["user copies", copies(e.copies.ioctl), copies(e.copies.syscall)],
    ["type safety", e.typeSafety.ioctl, e.typeSafety.syscall],
    ["extensibility", e.extensibility.ioctl.join("; "), e.extensibility.syscall.join("; ")],
    [
      "strace",
      code(e.strace.ioctl),
      `${code(e.strace.syscall)} (decoder needed; before one exists: ${code(e.strace.syscallUndecoded)})`,
    ],
  ];
}

export function renderMarkdown(r: SpecReport): string {
  const total = r.abis.length;
  const out: string[] = [
    `# ioctl vs syscall: ${r.spec}`,
    ``,
    `Generated by \`uapi compare\` from ${mdText(r.file)} over ${total} ABIs. ` +
      `Slots count 32-bit argument registers after`,
    `64-bit splitting and pair alignment (abi-facts §3.4); the limit is six (MIPS o32 tolerates eight via the stack).`,
    ``,
    `Syscall classes: ${r.classes.map((c) => `**${c.label}**: ${c.abis.join(", ")}`).join("; ")}.`,
  ];
  for (const ifc of r.interfaces) {
    out.push("", `## ${ifc.name} (${ifc.header}${ifc.variant ? `, variant ${ifc.variant}` : ""})`, "");
    if (!ifc.commands.length) out.push(ifc.syscalls.length ? "No ioctl commands." : "No commands.");
    else {
      out.push(
        `| command | syscall form | args | slots per ABI class | fits in six | remedy |`,
        `|---|---|---|---|---|---|`,
      );
      for (const c of ifc.commands)
        out.push(
          `| ${c.command} | ${mdCell(code(c.syscall.prototype))} | ${c.argCount} | ` +
            `${mdCell(slotsText(c.slots, total))} | ${mdCell(verdictText(c, total))} | ${mdCell(remedyText(c))} |`,
        );
    }
    if (ifc.syscalls.length) {
      out.push(
        "",
        `| declared syscall | args | slots per ABI class | fits in six | remedy | ioctl form |`,
        `|---|---|---|---|---|---|`,
      );
      for (const c of ifc.syscalls)
        out.push(
          `| ${mdCell(code(c.syscall.prototype))} | ${c.argCount} | ${mdCell(slotsText(c.slots, total))} | ` +
            `${mdCell(verdictText(c, total))} | ${mdCell(remedyText(c))} | ` +
            `${c.ioctlForm ? `${c.command} (${c.ioctl.request} on ${c.ioctl.requestAbi})` : "-"} |`,
        );
    }
    for (const c of [...ifc.commands, ...ifc.syscalls]) {
      out.push("", c.origin === "ioctl" ? `### ${c.command}` : `### ${c.syscall.name}() (declared syscall)`);
      if (c.origin === "syscall") {
        if (c.doc) out.push("", mdText(c.doc));
        if (c.status)
          out.push(
            "",
            `Status: ${c.status.state}${c.status.version ? ` (${c.status.version})` : ""}; ` +
              `source: ${mdText(c.status.source)}.`,
          );
      }
      const side = aspects(c, total);
      if (side.length) out.push("", `| | ioctl | syscall |`, `|---|---|---|`);
      for (const [k, a, b] of side) out.push(`| ${k} | ${mdCell(a)} | ${mdCell(b)} |`);
      out.push("", `Where the arguments of ${code(c.syscall.prototype)} travel:`, "");
      out.push(`| ${CALLING_HEAD.join(" | ")} |`, `|${CALLING_HEAD.map(() => "---").join("|")}|`);
      for (const row of callingTable(c, total)) out.push(`| ${row.map(mdCell).join(" | ")} |`);
      const entries = entryLines(c);
      out.push(
        "",
        entries.length ? "Entry points beyond the generic SYSCALL_DEFINE:" : "No ABI needs an entry point of its own.",
      );
      if (entries.length) out.push("", ...entries.map((l) => `- ${l}`));
      const ioctlForm = ioctlFormLines(c, total);
      if (ioctlForm.length) out.push("", "The ioctl form:", "", ...ioctlForm.map((l) => `- ${code(l)}`));
      if (c.remedies.length) {
        out.push("", "Remedies (each fits on every ABI):", "");
        for (const rem of c.remedies)
          out.push(
            `- ${rem.chosen ? "**chosen** " : ""}${rem.kind} ` +
              `(${rem.slots} slots: ${slotsText(rem.slotsByAbi, total)}): ${rem.summary}. ` +
              `${rem.prototypes.map(code).join(" ; ")}`,
          );
      }
      if (c.syscall.dropped.length)
        out.push("", `Dropped: ${c.syscall.dropped.map((d) => `${d.field} (${d.why})`).join(", ")}.`);
      const narrowed = c.syscall.args.filter((a) => a.narrowed);
      if (narrowed.length)
        out.push("", `Narrowed: ${narrowed.map((a) => `${a.name} → ${code(a.type)} (${a.narrowed})`).join("; ")}.`);
      if (c.doc && c.origin === "ioctl") out.push("", `Spec note: ${mdText(c.doc)}`);
      for (const n of c.notes) out.push("", `Note: ${n}`);
    }
  }
  out.push("");
  return out.join("\n");
}

/* ----------------------------------------------------------------- html */

const esc = (s: string) =>
  visible(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The byte maps' member colours: byteMap cycles members through .m0 to .m5. */
const MEMBER_CSS =
  ".m0{background:#a6cee3}.m1{background:#b2df8a}.m2{background:#fdbf6f}" +
  ".m3{background:#cab2d6}.m4{background:#ffff99}.m5{background:#8dd3c7}";

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:2px solid #d8dde6}h3{font-size:15px;margin-top:22px}
table{border-collapse:collapse;margin:8px 0;max-width:100%}
th,td{border:1px solid #c9d0db;padding:4px 7px;vertical-align:top;text-align:left}
th{background:#eef1f6}
code{font:12px/1.3 ui-monospace,monospace;white-space:pre-wrap}
.fits{background:#e3f5e1}.exceeds{background:#fde2e1}.o32{background:#fff3cd}
.summary td.num{text-align:right}
.bytes{display:grid;grid-template-columns:repeat(32,18px);gap:1px;margin:4px 0 10px}
.b{height:18px;font:9px/18px ui-monospace,monospace;text-align:center;color:#1d2330;border-radius:2px}
.hole{background:repeating-linear-gradient(45deg,#bbb,#bbb 3px,#eee 3px,#eee 6px)}
.tail{background:repeating-linear-gradient(-45deg,#999,#999 3px,#ddd 3px,#ddd 6px)}
.moved{outline:2px solid #d7263d;outline-offset:-2px}
${MEMBER_CSS}
.legend span{display:inline-block;padding:0 6px;margin-right:6px;border-radius:2px}
.note{color:#4a5468}
`;

/** A class too big to draw byte by byte: its totals and a table of the segments listed. */
function summaryMap(s: StructMap, c: StructMap["classes"][number]): string[] {
  const sum = c.summary!;
  const listed =
    sum.listed === "none"
      ? ""
      : `; ${sum.listed === "top-level" ? "its top-level" : `the first ${c.segments.length} top-level`} ` +
        `members and holes (nested structs whole) below`;
  const rows = c.segments.map(
    (seg) =>
      `<tr class="${seg.kind === "member" ? `m0${seg.moved ? " moved" : ""}` : seg.kind}">` +
      `<td class="num">${seg.offset}</td><td class="num">${seg.size}</td><td>${esc(seg.name)}</td></tr>`,
  );
  return [
    `<p class="note">${esc(abiList(c.abis, 8))}: size ${c.size}, align ${c.align}; ` +
      `${sum.members} member${sum.members === 1 ? "" : "s"}, ` +
      `${sum.holes} padding gap${sum.holes === 1 ? "" : "s"} (${sum.paddingBytes} bytes): ` +
      `too big to draw byte by byte${listed}.</p>`,
    ...(rows.length
      ? [
          `<table class="segments" data-struct="${esc(s.name)}" data-abis="${esc(c.abis.join(","))}">` +
            `<thead><tr><th>offset</th><th>size</th><th>member</th></tr></thead>` +
            `<tbody>${rows.join("")}</tbody></table>`,
        ]
      : []),
  ];
}

function byteMap(s: StructMap): string {
  const parts: string[] = [`<h4>${esc(s.name)}</h4>`];
  for (const c of s.classes) {
    if (c.summary) {
      parts.push(...summaryMap(s, c));
      continue;
    }
    const owner: { cls: string; title: string; label: string }[] = [];
    let colour = 0;
    for (const seg of s.classes.length ? c.segments : []) {
      const cls = seg.kind === "member" ? `m${colour++ % 6}${seg.moved ? " moved" : ""}` : seg.kind;
      for (let i = 0; i < seg.size; i++) {
        const at = seg.offset + i;
        if (at < c.size && !owner[at])
          owner[at] = {
            cls,
            title: `${seg.name} @${seg.offset}+${seg.size}${seg.moved ? " (moves between ABI classes)" : ""}`,
            label: i === 0 ? String(at) : "",
          };
      }
    }
    const cells = Array.from({ length: c.size }, (_, i) => owner[i] ?? { cls: "hole", title: "unused", label: "" })
      .map((o) => `<div class="b ${o.cls}" title="${esc(o.title)}">${o.label}</div>`)
      .join("");
    const names = c.segments.filter((x) => x.kind === "member");
    parts.push(
      `<p class="note">${esc(abiList(c.abis, 8))}: size ${c.size}, align ${c.align}${
        names.some((n) => n.moved)
          ? `; moved: ${esc(
              names
                .filter((n) => n.moved)
                .map((n) => n.name)
                .join(", "),
            )}`
          : ""
      }</p>`,
      `<div class="bytes" data-struct="${esc(s.name)}" data-abis="${esc(c.abis.join(","))}">${cells}</div>`,
    );
  }
  return parts.join("\n");
}

export function renderHtml(r: SpecReport): string {
  const total = r.abis.length;
  const body: string[] = [
    `<h1>ioctl vs syscall: ${esc(r.spec)}</h1>`,
    `<p class="note">Generated by <code>uapi compare</code> from ${esc(r.file)} over ${total} ABIs. ` +
      `Slots count 32-bit argument registers after 64-bit splitting and pair alignment; ` +
      `the limit is six (MIPS o32 tolerates eight via the stack).</p>`,
    `<p class="note">Syscall classes: ` +
      `${r.classes.map((c) => `<b>${esc(c.label)}</b>: ${esc(c.abis.join(", "))}`).join("; ")}.</p>`,
    `<p class="legend">Byte maps: <span class="m0">member</span><span class="hole">hole</span>` +
      `<span class="tail">tail padding</span><span class="m1 moved">moves between ABI classes</span></p>`,
  ];
  for (const ifc of r.interfaces) {
    body.push(
      `<section class="interface" id="${esc(ifc.name)}">` +
        `<h2>${esc(ifc.name)} <small>(${esc(ifc.header)}` +
        `${ifc.variant ? `, variant ${esc(ifc.variant)}` : ""})</small></h2>`,
    );
    if (ifc.commands.length) {
      body.push(
        `<table class="summary" data-interface="${esc(ifc.name)}"><thead><tr>` +
          `<th>command</th><th>syscall form</th><th>args</th><th>slots per ABI class</th><th>fits in six</th>` +
          `<th>remedy</th></tr></thead><tbody>`,
      );
      for (const c of ifc.commands) {
        const cls = c.fits ? "fits" : "exceeds";
        body.push(
          `<tr data-command="${esc(c.command)}" class="${cls}"><td>${esc(c.command)}</td>` +
            `<td><code>${esc(c.syscall.prototype)}</code></td><td class="num args">${c.argCount}</td>` +
            `<td class="slots">${esc(slotsText(c.slots, total))}</td>` +
            `<td class="verdict">${esc(verdictText(c, total))}</td>` +
            `<td class="remedy">${esc(remedyText(c))}</td></tr>`,
        );
      }
      body.push(`</tbody></table>`);
    } else body.push(`<p>No ${ifc.syscalls.length ? "ioctl " : ""}commands.</p>`);
    if (ifc.syscalls.length) {
      body.push(
        `<table class="summary syscalls" data-interface="${esc(ifc.name)}"><thead><tr>` +
          `<th>declared syscall</th><th>args</th><th>slots per ABI class</th><th>fits in six</th>` +
          `<th>remedy</th><th>ioctl form</th></tr></thead><tbody>`,
      );
      for (const c of ifc.syscalls)
        body.push(
          `<tr data-syscall="${esc(c.syscall.name)}" class="${c.fits ? "fits" : "exceeds"}">` +
            `<td><code>${esc(c.syscall.prototype)}</code></td><td class="num args">${c.argCount}</td>` +
            `<td class="slots">${esc(slotsText(c.slots, total))}</td>` +
            `<td class="verdict">${esc(verdictText(c, total))}</td>` +
            `<td class="remedy">${esc(remedyText(c))}</td>` +
            `<td>${c.ioctlForm ? esc(`${c.command} (${c.ioctl.request} on ${c.ioctl.requestAbi})`) : "-"}</td></tr>`,
        );
      body.push(`</tbody></table>`);
    }
    for (const c of [...ifc.commands, ...ifc.syscalls]) {
      const id = c.origin === "ioctl" ? c.command : c.syscall.name;
      body.push(
        `<h3 id="${esc(ifc.name)}-${esc(id)}">${esc(c.origin === "ioctl" ? id : `${id}() (declared syscall)`)}</h3>`,
      );
      if (c.origin === "syscall" && c.doc) body.push(`<p>${esc(c.doc)}</p>`);
      if (c.status)
        body.push(
          `<p class="note">Status: ${esc(c.status.state)}${c.status.version ? ` (${esc(c.status.version)})` : ""}; ` +
            `source: ${esc(c.status.source)}.</p>`,
        );
      const side = aspects(c, total);
      if (side.length) {
        body.push(
          `<table class="side" data-command="${esc(c.command)}">` +
            `<thead><tr><th></th><th>ioctl</th><th>syscall</th></tr></thead><tbody>`,
        );
        for (const [k, a, b] of side)
          body.push(`<tr><th>${esc(k)}</th><td>${mdToHtml(a)}</td><td>${mdToHtml(b)}</td></tr>`);
        body.push(`</tbody></table>`);
      }
      body.push(
        `<table class="calling" data-syscall="${esc(c.syscall.name)}"><thead><tr>` +
          CALLING_HEAD.map((h) => `<th>${esc(h)}</th>`).join("") +
          `</tr></thead><tbody>` +
          callingTable(c, total)
            .map((row, i) => `<tr class="${c.calling[i]!.verdict === "fits" ? "fits" : "exceeds"}">${cells(row)}</tr>`)
            .join("") +
          `</tbody></table>`,
      );
      const entries = entryLines(c);
      if (entries.length) body.push(`<ul class="entries">${entries.map((l) => `<li>${esc(l)}</li>`).join("")}</ul>`);
      const ioctlForm = ioctlFormLines(c, total);
      if (ioctlForm.length)
        body.push(
          `<p>The ioctl form:</p><ul class="ioctl-form">` +
            ioctlForm.map((l) => `<li><code>${esc(l)}</code></li>`).join("") +
            `</ul>`,
        );
      if (c.remedies.length) {
        body.push(`<ul class="remedies">`);
        for (const rem of c.remedies)
          body.push(
            `<li data-remedy="${esc(rem.kind)}" data-slots="${rem.slots}">` +
              `${rem.chosen ? "<b>chosen</b> " : ""}${esc(rem.kind)} (${rem.slots} slots): ${esc(rem.summary)}. ` +
              `${rem.prototypes.map((p) => `<code>${esc(p)}</code>`).join(" ; ")}</li>`,
          );
        body.push(`</ul>`);
      }
      for (const n of c.notes) body.push(`<p class="note">Note: ${esc(n)}</p>`);
    }
    if (ifc.structs.length) body.push(`<h3>Byte maps</h3>`, ...ifc.structs.map(byteMap));
    body.push(`</section>`);
  }
  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<title>ioctl vs syscall: ${esc(r.spec)}</title>\n<style>${CSS}</style>\n</head>\n` +
    `<body>\n${body.join("\n")}\n</body>\n</html>\n`
  );
}

const cells = (row: readonly string[]) => row.map((x) => `<td>${esc(x)}</td>`).join("");

/** The markdown cells use `code`; HTML shows them as <code>. */
function mdToHtml(s: string): string {
  return esc(s).replace(/`([^`]*)`/g, "<code>$1</code>");
}
