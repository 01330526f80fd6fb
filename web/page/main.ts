/*
 * The live workbench page: the spec editor on the left, the analysis on the right in tabs, recomputed in the
 * browser by the CLI's own modules on every edit (web/analyse.ts).  This module wires the parts together:
 * where the first spec comes from, the update loop, which views render, and the toolbar's actions.
 */
import { countBySeverity, type Diagnostic, type Loc, type SpecError } from "../../core/diagnostic.js";
import type { SpecModel } from "../../core/model.js";
import { analyseSpec, generatedFiles, type Analysis, type ShownFile } from "../analyse.js";
import { countsText } from "../findings-groups.js";
import { createLayoutsView } from "./byte-map.js";
import { createCommandsView } from "./commands-view.js";
import { createSpecEditor, type EditorProblem, type SpecEditor } from "./editor.js";
import { createFilesView } from "./files-view.js";
import { createFindingsView } from "./findings-view.js";
import { downloadSpec, loadLocal, openSpecFile, specFromHash, type SharedSpec } from "./share.js";
import { createSpecSync } from "./spec-sync.js";
import { createSpecToolbar } from "./spec-toolbar.js";
import { createStatusView } from "./status-view.js";
import { createTabs } from "./tabs.js";
import { createUpdateLoop, type RenderOutcome } from "./update-loop.js";
import { mountVerifyPanel } from "./verify-panel.js";

/** The bundled specs, beside the page: `[{ "name": "bus1.yaml", "text": "..." }]`. */
const SPEC_LIST_URL = "specs.json";

const TABS = [
  { id: "layouts", label: "Layouts" },
  { id: "findings", label: "Findings" },
  { id: "commands", label: "ioctl vs syscall" },
  { id: "header", label: "Header" },
  { id: "codec", label: "Codec" },
  { id: "verify", label: "Verify" },
] as const;
type TabId = (typeof TABS)[number]["id"];

type GoodAnalysis = Extract<Analysis, { ok: true }>;

const byId = (id: string): HTMLElement => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`index.html has no #${id}`);
  return node;
};

/* ------------------------------------------------------------------ state */

let specName = "spec.yaml";
let editor: SpecEditor | undefined;
let lastGood: GoodAnalysis | undefined;
/** +1 per analysis that loaded; a view rendered at an older one is redrawn when it shows. */
let goodRevision = 0;
const renderedAt = new Map<TabId, number>();
/** Only edits (not the spec the page opened with) are written to the address bar and local storage. */
let syncWanted = false;
let verifyMounted = false;

/* ------------------------------------------------------------------ parts */

const viewsBox = byId("views");
const notice = byId("notice");
const sync = createSpecSync();
const status = createStatusView(byId("status"), byId("load-errors"), revealLoc);
const tabs = createTabs(byId("tablist"), byId("panels"), TABS, () => renderVisible(true));
const views = {
  layouts: createLayoutsView(tabs.panel("layouts")),
  findings: createFindingsView(tabs.panel("findings"), revealLoc),
  commands: createCommandsView(tabs.panel("commands")),
  header: createFilesView(tabs.panel("header"), "header", "Header"),
  codec: createFilesView(tabs.panel("codec"), "codec", "Codec"),
};
const toolbar = createSpecToolbar(byId("toolbar"), {
  pick: (spec) => load(spec),
  open: () => {
    openSpecFile()
      .then((spec) => spec && load(spec))
      .catch((e: unknown) => say(`Could not open the file: ${errorText(e)}`));
  },
  save: () => downloadSpec({ name: specName, text: currentText() }),
  share: () => {
    shareLink().catch((e: unknown) => say(`Could not make a share link: ${errorText(e)}`));
  },
});
const loop = createUpdateLoop(update);

/* --------------------------------------------------------------- analysis */

function analyse(file: string, text: string): Analysis {
  try {
    return analyseSpec(file, text);
  } catch (e) {
    // A crash of the analysis is a workbench bug: shown like a load error rather than leaving stale views.
    const error: SpecError = {
      loc: { file, line: 1, col: 1 },
      message: `internal error: ${errorText(e)}`,
      hint: "this is a bug in the workbench; please report it with the spec",
    };
    return { ok: false, file, errors: [error] };
  }
}

function update(text: string): RenderOutcome {
  const t0 = performance.now();
  const a = analyse(specName, text);
  const t1 = performance.now();
  if (a.ok) {
    lastGood = a;
    goodRevision++;
    editor?.showProblems(a.findings.filter((d) => d.loc.file === a.file).map(findingProblem));
    const counts = countsText(countBySeverity(a.findings));
    status.ok(`${a.file}: ${counts} over ${a.report.abis.length} ABIs`);
    tabs.setLabel("findings", `Findings (${a.findings.length})`, `Findings (${a.findings.length}): ${counts}`);
  } else {
    editor?.showProblems(a.errors.filter((e) => e.loc.file === a.file).map(errorProblem));
    status.errors(a.errors, lastGood !== undefined);
  }
  viewsBox.classList.toggle("stale", !a.ok && lastGood !== undefined);
  viewsBox.classList.toggle("empty", lastGood === undefined);
  renderVisible();
  const t2 = performance.now();
  if (syncWanted) sync.edited({ name: specName, text });
  return { state: a.ok ? "ok" : "errors", analyseMs: t1 - t0, renderMs: t2 - t1 };
}

const findingProblem = (d: Diagnostic): EditorProblem => ({
  line: d.loc.line,
  col: d.loc.col,
  severity: d.severity,
  message: `${d.rule}: ${d.message}`,
  ...(d.hint ? { hint: d.hint } : {}),
});

const errorProblem = (e: SpecError): EditorProblem => ({
  line: e.loc.line,
  col: e.loc.col,
  severity: "error",
  message: e.message,
  ...(e.hint ? { hint: e.hint } : {}),
});

/* ------------------------------------------------------------------ views */

const filesCache = new WeakMap<SpecModel, Partial<Record<ShownFile["kind"], ShownFile[]>>>();

/** The generated files of one kind, made the first time a tab asks for them for this model. */
function filesOf(model: SpecModel, kind: ShownFile["kind"]): ShownFile[] {
  let entry = filesCache.get(model);
  if (!entry) filesCache.set(model, (entry = {}));
  return (entry[kind] ??= generatedFiles(model, kind));
}

/**
 * Render the shown tab if it is behind; hidden tabs wait until they are shown.  `now`: the tab was just
 * chosen (or its wait is over), so even the generated files are made at once.
 */
function renderVisible(now = false): void {
  const id = tabs.selected() as TabId;
  if (id === "verify") {
    if (!verifyMounted) {
      verifyMounted = true;
      mountVerifyPanel(tabs.panel("verify"), () => ({ file: specName, text: currentText() }));
    }
    return;
  }
  if (!lastGood || renderedAt.get(id) === goodRevision) return;
  const a = lastGood;
  if (id === "header" || id === "codec") return renderFiles(id, a.model, now);
  renderedAt.set(id, goodRevision);
  if (id === "layouts") views.layouts.render(a.report);
  else if (id === "findings") views.findings.render(a.findings, a.report.abis.length);
  else views.commands.render(a.report);
}

/** While typing, the generated files follow once the edits pause: a codec costs more than the rest together. */
const FILES_SETTLE_MS = 150;
let filesTimer: ReturnType<typeof setTimeout> | undefined;

function renderFiles(kind: ShownFile["kind"], model: SpecModel, now: boolean): void {
  clearTimeout(filesTimer);
  if (!now && !filesCache.get(model)?.[kind]) {
    views[kind].pending();
    filesTimer = setTimeout(() => renderVisible(true), FILES_SETTLE_MS);
    return;
  }
  renderedAt.set(kind, goodRevision);
  let files: ShownFile[];
  try {
    files = filesOf(model, kind);
  } catch (e) {
    views[kind].failed(`The ${kind} could not be generated here: ${errorText(e)}`);
    return;
  }
  views[kind].render(files);
}

/* ---------------------------------------------------------------- actions */

function currentText(): string {
  return editor?.text() ?? "";
}

function revealLoc(loc: Loc): void {
  editor?.reveal(loc.line, loc.col);
}

function load(spec: SharedSpec): void {
  // Another spec: what the last one showed is no "last good" state of this one.
  lastGood = undefined;
  setName(spec.name);
  syncWanted = true;
  editor?.setText(spec.text);
  loop.changed(spec.text);
}

function setName(name: string): void {
  specName = name;
  toolbar.setCurrent(name);
  document.title = `${name} · uapi-workbench`;
}

async function shareLink(): Promise<void> {
  const url = await sync.linkNow({ name: specName, text: currentText() });
  try {
    await navigator.clipboard.writeText(url);
    say("Share link copied to the clipboard (the address bar holds it too).");
  } catch {
    say("The address bar now holds the share link (this browser did not allow copying it).");
  }
}

function say(message: string): void {
  notice.textContent = message;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/* ---------------------------------------------------------------- startup */

async function bundledSpecs(): Promise<SharedSpec[]> {
  try {
    const response = await fetch(SPEC_LIST_URL, { cache: "no-cache" });
    if (!response.ok) return [];
    const list: unknown = await response.json();
    if (!Array.isArray(list)) return [];
    return list.filter(
      (s): s is SharedSpec =>
        typeof s === "object" && s !== null && typeof s.name === "string" && typeof s.text === "string",
    );
  } catch {
    return [];
  }
}

async function fromHash(hash: string): Promise<SharedSpec | undefined> {
  if (!hash || hash === "#") return undefined;
  try {
    return await specFromHash(hash);
  } catch {
    return undefined;
  }
}

function fromLocal(): SharedSpec | undefined {
  try {
    return loadLocal();
  } catch {
    return undefined;
  }
}

/** Skip links move focus without touching the hash: the hash holds the shared spec. */
function wireSkipLinks(): void {
  for (const link of document.querySelectorAll<HTMLAnchorElement>("a.skip-link")) {
    link.addEventListener("click", (e) => {
      e.preventDefault();
      if (link.dataset.target === "editor") editor?.focus();
      else tabs.select(tabs.selected(), true);
    });
  }
}

/**
 * What the page opens with: a shared link; else the edits kept in this browser, when they are of a spec the
 * server offers (or it offers none), so `uapi serve other.yaml` opens other.yaml; else the first spec offered.
 */
async function firstSpec(offered: readonly SharedSpec[]): Promise<SharedSpec> {
  const linked = await fromHash(location.hash);
  if (linked) return linked;
  const kept = fromLocal();
  if (kept && (offered.length === 0 || offered.some((s) => s.name === kept.name))) {
    const disk = offered.find((s) => s.name === kept.name);
    if (disk && disk.text !== kept.text)
      say(`Restored your edits of ${kept.name} kept in this browser; the file itself is unchanged (Save file).`);
    return kept;
  }
  return offered[0] ?? { name: specName, text: "" };
}

async function start(): Promise<void> {
  wireSkipLinks();
  const bundled = bundledSpecs();
  const first = await firstSpec(await bundled);
  setName(first.name);
  editor = createSpecEditor(byId("editor"), {
    text: first.text,
    label: "Spec (YAML)",
    onChange: (text) => {
      syncWanted = true;
      loop.changed(text);
    },
  });
  loop.changed(first.text);
  toolbar.setBundled(await bundled);
  window.addEventListener("hashchange", () => {
    if (sync.wrote(location.hash)) return;
    void fromHash(location.hash).then((spec) => spec && load(spec));
  });
  window.addEventListener("pagehide", () => sync.flush());
}

void start();
