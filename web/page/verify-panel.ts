/*
 * The verify panel: the spec as the editor holds it now, compiled by clang (WebAssembly) in a Web Worker on the
 * ABIs ticked, and each ABI's verdict (verified, mismatch, unverified, error) as a row.  The worker lives across
 * runs so clang is fetched once; Cancel ends it.
 */
import type { AbiEntry } from "../../spec/abi.js";
import { ABIS } from "../../spec/abis.js";
import { ownPackage } from "../../core/paths.js";
import { yowaspInstallFor } from "../../verify/yowasp-clang.js";
import { CLANG_ABIS, type AbiResult, type VerifyReply, type VerifyRequest } from "./verify-protocol.js";
import {
  clangMissingText,
  compilingText,
  doneText,
  gccOnlyText,
  loadingText,
  MISMATCH_HEADINGS,
  mismatchRows,
  resultCells,
  revisionText,
} from "./verify-view.js";

/** Ticked when the panel opens: the two ABIs most code runs on. */
const DEFAULT_ABIS = new Set(["x86_64", "i386"]);

/** How often the panel compares the editor's text with the text its results are for. */
const STALE_CHECK_MS = 1000;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

function abiBox(abi: AbiEntry): HTMLInputElement {
  const box = el("input", { type: "checkbox", name: "verify-abi", value: abi.id });
  box.checked = DEFAULT_ABIS.has(abi.id);
  return box;
}

function resultRow(r: AbiResult): HTMLTableRowElement {
  const c = resultCells(r);
  const note = el("td", { class: "verify-note" }, c.note);
  if (r.mismatches.length) {
    const head = el("tr", {}, ...MISMATCH_HEADINGS.map((h) => el("th", { scope: "col" }, h)));
    const rows = mismatchRows(r).map((cells) => el("tr", {}, ...cells.map((x) => el("td", {}, x))));
    note.append(el("table", { class: "verify-mismatches" }, el("thead", {}, head), el("tbody", {}, ...rows)));
  }
  return el(
    "tr",
    { "data-abi": r.abi, "data-status": r.status },
    el("th", { scope: "row" }, c.abi),
    el("td", { class: `verify-status-${c.status}` }, c.status),
    el("td", { title: r.compiler }, c.compiler),
    el("td", {}, c.records),
    el("td", {}, c.facts),
    el("td", {}, c.time),
    note,
  );
}

/** The panel's elements, put in `container`: the ABI choice, the buttons, progress, status and results. */
function buildPanel(container: HTMLElement) {
  const boxes = CLANG_ABIS.map(abiBox);
  const labels = CLANG_ABIS.map((a, i) => el("label", { class: "verify-abi", title: a.title }, boxes[i]!, ` ${a.id}`));
  const headings = ["ABI", "result", "compiler", "records checked", "facts checked", "time", "details"];
  const parts = {
    boxes,
    all: el("button", { type: "button", id: "verify-all" }, "all clang ABIs"),
    none: el("button", { type: "button", id: "verify-none" }, "none"),
    run: el("button", { type: "button", id: "verify-run" }, "Verify"),
    cancel: el("button", { type: "button", id: "verify-cancel", disabled: "" }, "Cancel"),
    progress: el("progress", { id: "verify-progress", "aria-label": "verify progress", hidden: "" }),
    status: el("p", { id: "verify-status", "aria-live": "polite" }),
    missing: el("p", { id: "verify-missing", class: "verify-missing", hidden: "" }),
    revision: el("p", { id: "verify-revision", hidden: "" }),
    body: el("tbody"),
    results: el("table", { id: "verify-results", hidden: "" }),
  };
  parts.results.append(el("thead", {}, el("tr", {}, ...headings.map((h) => el("th", {}, h)))), parts.body);
  const gccOnly = ABIS.filter((a) => !CLANG_ABIS.includes(a)).map((a) => a.id);
  container.replaceChildren(
    el(
      "p",
      { class: "verify-intro" },
      "Compile the spec's generated headers with clang (WebAssembly, in this browser) on each ABI ticked and " +
        "compare every size, alignment, offset and bit-field with the layout engine. The first run fetches clang " +
        "(about 100 MB); later runs reuse it.",
    ),
    el(
      "fieldset",
      { class: "verify-abis" },
      el("legend", {}, "ABIs with a clang target"),
      ...labels,
      parts.all,
      parts.none,
    ),
    el("p", { class: "verify-gcc-only" }, gccOnlyText(gccOnly)),
    el("p", { class: "verify-actions" }, parts.run, " ", parts.cancel, " ", parts.progress),
    parts.status,
    parts.missing,
    parts.revision,
    parts.results,
  );
  return parts;
}

export function mountVerifyPanel(container: HTMLElement, current: () => { file: string; text: string }): void {
  const { boxes, all, none, run, cancel, progress, status, missing, revision, body, results } = buildPanel(container);

  const ticked = () => boxes.filter((b) => b.checked);
  const setAll = (on: boolean) => boxes.forEach((b) => (b.checked = on));
  all.addEventListener("click", () => setAll(true));
  none.addEventListener("click", () => setAll(false));

  const showMissing = () => {
    missing.textContent = clangMissingText(yowaspInstallFor(ownPackage()));
    missing.hidden = false;
    run.disabled = true;
  };
  // `uapi serve` without @yowasp/clang installed has no clang/ folder: say how to get it before anyone waits.
  const clangBundle = new URL("clang/bundle.js", import.meta.url);
  void fetch(clangBundle, { method: "HEAD" }).then(
    (r) => r.status === 404 && showMissing(),
    () => {},
  );

  let worker: Worker | undefined;
  let runId = 0;
  let running = false;
  /** The run on screen: the text it read, when, and the verdicts so far. */
  let shown: { file: string; text: string; at: Date; asked: number; results: AbiResult[] } | undefined;
  let staleTimer: number | undefined;

  const showRevision = () => {
    if (!container.isConnected) return void (clearInterval(staleTimer), (staleTimer = undefined));
    if (!shown) return;
    const now = current();
    const stale = now.file !== shown.file || now.text !== shown.text;
    const state = { asked: shown.asked, judged: shown.results.length, running };
    revision.hidden = !running && shown.results.length === 0;
    revision.textContent = revisionText(shown.file, shown.at, state, stale);
    results.classList.toggle("verify-stale", stale);
    results.dataset.stale = String(stale);
  };

  const finish = (text: string) => {
    running = false;
    run.disabled = !missing.hidden;
    cancel.disabled = true;
    progress.hidden = true;
    status.textContent = text;
    showRevision();
  };

  const onReply = (m: VerifyReply) => {
    if (m.run !== runId || !shown) return;
    if (m.phase === "loading") {
      progress.max = m.total;
      progress.value = m.done;
      status.textContent = loadingText(m.done, m.total);
    } else if (m.phase === "compiling") {
      progress.max = m.count;
      progress.value = m.index - 1;
      status.textContent = compilingText(m.abi, m.index, m.count);
    } else if (m.phase === "verdict") {
      shown.results.push(m.verdict);
      body.append(resultRow(m.verdict));
      results.hidden = false;
      progress.value = shown.results.length;
    } else if (m.phase === "done") {
      finish(doneText(shown.results, m.ms));
    } else {
      if (m.clangMissing) showMissing();
      finish(`Not verified: ${m.message}`);
    }
  };

  const startWorker = (): Worker => {
    const w = new Worker(new URL("./verify-worker.js", import.meta.url), { type: "module" });
    w.addEventListener("message", (e: MessageEvent<VerifyReply>) => onReply(e.data));
    w.addEventListener("error", (e) => {
      e.preventDefault();
      worker = undefined;
      w.terminate();
      if (running) finish(`Not verified: the verify worker failed (${e.message || "it could not be loaded"})`);
    });
    return w;
  };

  run.addEventListener("click", () => {
    const abis = ticked().map((b) => b.value as VerifyRequest["abis"][number]);
    if (!abis.length) return void (status.textContent = "Tick at least one ABI to verify.");
    const spec = current();
    shown = { file: spec.file, text: spec.text, at: new Date(), asked: abis.length, results: [] };
    body.replaceChildren();
    results.hidden = true;
    running = true;
    run.disabled = true;
    cancel.disabled = false;
    progress.hidden = false;
    progress.removeAttribute("value");
    status.textContent = "Starting…";
    showRevision();
    worker ??= startWorker();
    const request: VerifyRequest = { run: ++runId, file: spec.file, text: spec.text, abis };
    worker.postMessage(request);
    staleTimer ??= window.setInterval(showRevision, STALE_CHECK_MS);
  });

  cancel.addEventListener("click", () => {
    // clang cannot be interrupted mid-compile: the worker goes, and the next run starts (and loads) a new one.
    worker?.terminate();
    worker = undefined;
    runId++;
    finish("Cancelled; the next run loads clang again.");
  });
}
