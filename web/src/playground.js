// The afc playground: an editor on the left, the flow's outputs on the right, all computed in
// this page by afc compiled to WebAssembly. After the page has loaded it makes no network
// request: examples are bundled, files are read locally, share links live in the fragment.

import examples from "afc:examples";
import init, * as afc from "../pkg/afc.js";
import { createEditor } from "./editor.js";
import { PanZoom } from "./panzoom.js";
import { decodeFragment, encodeFragment } from "./share.js";
import { svgNode } from "./svg.js";

/** Milliseconds of quiet typing before the flow is checked and redrawn. */
const DEBOUNCE_MS = 25;
const DEFAULT_EXAMPLE = "ransomware-double-extortion";

const $ = (id) => document.getElementById(id);
const state = {
  flow: null, // the Flow of the last check
  name: DEFAULT_EXAMPLE, // base name for downloads
  pane: "picture",
  direction: "tb",
  lastGood: null, // { svg, theme, direction } of the last flow without errors
  fitted: false,
  checks: 0,
};
// Numbers the browser tests and the budget check read.
const metrics = (window.__afc = { ready: false, firstCheckAt: null, checks: 0, lastCheck: null, inputAt: null });

function theme() {
  return document.documentElement.dataset.theme === "dark" ? "dark" : "light";
}

/** The checked Flow of `text`: the last check's when the text is the same. */
function flowFor(text) {
  if (state.flow && state.flow.source === text) return state.flow.value;
  const value = new afc.Flow(text);
  state.flow?.value.free();
  state.flow = { source: text, value };
  return value;
}

function notice(content, { error = false, timeout = 0 } = {}) {
  const el = $("notice");
  el.replaceChildren();
  el.classList.toggle("error", error);
  const body = document.createElement("div");
  body.append(...(Array.isArray(content) ? content : [content]));
  const close = document.createElement("button");
  close.className = "close";
  close.type = "button";
  close.textContent = "Dismiss";
  close.addEventListener("click", () => (el.hidden = true));
  el.append(body, close);
  el.hidden = false;
  clearTimeout(notice.timer);
  if (timeout) notice.timer = setTimeout(() => (el.hidden = true), timeout);
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// --- The check: diagnostics, problems list, the visible pane ---------------------------------

let editor;
let panzoom;
let timer = 0;

function schedule() {
  metrics.inputAt ??= performance.now();
  clearTimeout(timer);
  timer = setTimeout(check, DEBOUNCE_MS);
}

function check() {
  clearTimeout(timer);
  const start = performance.now();
  const text = editor.text();
  const flow = flowFor(text);
  const diagnostics = flow.diagnostics();
  editor.show(flow.highlights(), diagnostics);
  showProblems(diagnostics);
  const pictured = renderPane();
  const end = performance.now();
  metrics.checks = ++state.checks;
  metrics.lastCheck = { ms: end - start, sinceInput: metrics.inputAt === null ? null : end - metrics.inputAt, pictured };
  metrics.inputAt = null;
  metrics.firstCheckAt ??= end;
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  $("status").textContent = `Checked in ${(end - start).toFixed(1)} ms · afc ${afc.version()}`;
  document.body.dataset.checks = String(state.checks);
  document.body.dataset.errors = String(errors);
}

function showProblems(diagnostics) {
  const list = $("problems");
  list.replaceChildren();
  const counts = { error: 0, warning: 0, note: 0 };
  for (const d of diagnostics) {
    counts[d.severity]++;
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.code = d.code;
    const dot = document.createElement("span");
    dot.className = `sev ${d.severity}`;
    dot.title = d.severity;
    const code = document.createElement("span");
    code.className = "code-id";
    code.textContent = d.code;
    const msg = document.createElement("span");
    msg.className = "msg";
    msg.textContent = d.message + (d.help ? ` — ${d.help}` : "");
    const where = document.createElement("span");
    where.className = "where";
    where.textContent = `${d.line}:${d.column}`;
    b.append(dot, code, msg, where);
    b.setAttribute("aria-label", `${d.severity} ${d.code} at line ${d.line}, column ${d.column}: ${d.message}`);
    b.addEventListener("click", () => editor.reveal(d.from, d.to));
    li.append(b);
    list.append(li);
  }
  const count = $("problem-count");
  if (!diagnostics.length) {
    const li = document.createElement("li");
    li.className = "none";
    li.textContent = "No problems. The flow compiles to a valid Attack Flow bundle.";
    list.append(li);
    count.textContent = "none";
  } else {
    const parts = [];
    for (const [sev, n] of Object.entries(counts)) if (n) parts.push(`${n} ${sev}${n > 1 ? "s" : ""}`);
    count.textContent = parts.join(", ");
  }
  count.className = `count ${counts.error ? "bad" : diagnostics.length ? "" : "ok"}`;
}

// --- Output panes ------------------------------------------------------------------------------

function renderPicture(flow) {
  const opts = { theme: theme(), direction: state.direction };
  const svg = flow.svg(opts);
  const viewport = $("viewport");
  if (svg !== undefined) state.lastGood = { svg };
  const shown = svg ?? state.lastGood?.svg;
  viewport.classList.toggle("stale", svg === undefined && !!shown);
  $("stale").hidden = !(svg === undefined && shown);
  const pic = $("picture");
  if (shown) {
    const node = svgNode(shown);
    pic.replaceChildren(...(node ? [node] : []));
  } else {
    pic.replaceChildren();
  }
  if (!state.fitted && pic.firstElementChild) {
    panzoom.fit();
    state.fitted = true;
  }
  return svg !== undefined;
}

function emptyMessage(el, text) {
  el.classList.add("empty");
  el.textContent = text;
}

const NO_OUTPUT = "The flow has errors, so there is no output (afc compile writes nothing either). Fix the problems on the left.";

/** Draws the visible pane; true when it is the picture and it was redrawn. */
function renderPane() {
  const flow = flowFor(editor.text());
  switch (state.pane) {
    case "picture":
      return renderPicture(flow);
    case "stix": {
      const el = $("stix");
      const stix = flow.stix();
      el.classList.toggle("empty", stix === undefined);
      el.textContent = stix ?? NO_OUTPUT;
      break;
    }
    case "mermaid": {
      const el = $("mermaid");
      const text = flow.mermaid({ theme: theme(), direction: state.direction });
      el.classList.toggle("empty", text === undefined);
      el.textContent = text ?? NO_OUTPUT;
      break;
    }
    case "navigator": {
      const box = $("navigator");
      const buttons = $("layer-buttons");
      box.replaceChildren();
      buttons.replaceChildren();
      const result = flow.navigator(state.name);
      if (!result) {
        const p = document.createElement("p");
        emptyMessage(p, NO_OUTPUT);
        p.className = "notes empty";
        box.append(p);
        break;
      }
      if (!result.layers.length) {
        const p = document.createElement("p");
        p.className = "notes empty";
        p.textContent = "The flow has no ATT&CK techniques, so there is no layer.";
        box.append(p);
      }
      for (const layer of result.layers) {
        const h = document.createElement("h3");
        h.textContent = layer.domain;
        const pre = document.createElement("pre");
        pre.className = "code";
        pre.tabIndex = 0;
        pre.textContent = layer.text;
        box.append(h, pre);
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = result.layers.length > 1 ? `Download ${layer.domain}` : "Download .json";
        b.addEventListener("click", () => download(`${state.name}-${layer.domain}.json`, layer.text, "application/json"));
        buttons.append(b);
      }
      if (result.notes.length) {
        const ul = document.createElement("ul");
        ul.className = "notes";
        for (const n of result.notes) {
          const li = document.createElement("li");
          li.textContent = n;
          ul.append(li);
        }
        box.append(ul);
      }
      break;
    }
  }
  return false;
}

function selectTab(name, focus = false) {
  state.pane = name;
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const on = tab.id === `tab-${name}`;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    $(tab.getAttribute("aria-controls")).hidden = !on;
    if (on && focus) tab.focus();
  }
  renderPane();
  if (name === "picture" && !state.fitted) {
    panzoom.fit();
    state.fitted = !!$("picture").firstElementChild;
  }
}

function setupTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const names = tabs.map((t) => t.id.slice(4));
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => selectTab(names[i]));
    tab.addEventListener("keydown", (e) => {
      const k = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
      if (k) {
        e.preventDefault();
        selectTab(names[(i + k + tabs.length) % tabs.length], true);
      } else if (e.key === "Home" || e.key === "End") {
        e.preventDefault();
        selectTab(names[e.key === "Home" ? 0 : tabs.length - 1], true);
      }
    });
  });
}

function outputText(kind) {
  const flow = flowFor(editor.text());
  if (kind === "svg") return flow.svg({ theme: theme(), direction: state.direction });
  if (kind === "stix") return flow.stix();
  if (kind === "mermaid") return flow.mermaid({ theme: theme(), direction: state.direction });
  return undefined;
}

const DOWNLOADS = {
  svg: [".svg", "image/svg+xml"],
  stix: [".json", "application/json"],
  mermaid: [".mmd", "text/plain"],
};

function setupOutputs() {
  for (const b of document.querySelectorAll("[data-download]")) {
    b.addEventListener("click", () => {
      const kind = b.dataset.download;
      const text = outputText(kind);
      if (text === undefined) return notice("The flow has errors: there is nothing to download yet.", { error: true, timeout: 4000 });
      const [ext, type] = DOWNLOADS[kind];
      download(state.name + ext, text, type);
    });
  }
  for (const b of document.querySelectorAll("[data-copy]")) {
    b.addEventListener("click", async () => {
      const text = outputText(b.dataset.copy);
      if (text === undefined) return;
      try {
        await navigator.clipboard.writeText(text);
        b.textContent = "Copied";
      } catch {
        b.textContent = "Copy failed";
      }
      setTimeout(() => (b.textContent = "Copy"), 1500);
    });
  }
  for (const b of document.querySelectorAll("[data-zoom]")) {
    b.addEventListener("click", () => {
      const z = b.dataset.zoom;
      if (z === "fit") panzoom.fit();
      else panzoom.zoom(z === "in" ? 1.25 : 0.8);
    });
  }
  $("direction").addEventListener("change", (e) => {
    state.direction = e.target.value;
    state.lastGood = null;
    state.fitted = false;
    renderPane();
  });
}

// --- Opening flows: examples, files, drag and drop, share links ---------------------------------

function load(text, name) {
  state.name = name;
  state.lastGood = null;
  state.fitted = false;
  editor.setText(text);
  check();
}

function setupExamples() {
  const select = $("examples");
  for (const ex of examples) {
    const o = document.createElement("option");
    o.value = ex.name;
    o.textContent = ex.name.replace(/-/g, " ").replace(/^./, (c) => c.toUpperCase());
    select.append(o);
  }
  select.addEventListener("change", () => {
    const ex = examples.find((e) => e.name === select.value);
    if (ex) {
      load(ex.source, ex.name);
      history.replaceState(null, "", location.pathname + location.search);
    }
    select.value = "";
  });
}

async function openFile(file) {
  const text = await file.text();
  const lower = file.name.toLowerCase();
  const base = file.name.replace(/\.[^.]*$/, "") || "flow";
  if (lower.endsWith(".af")) {
    load(text, base);
    return notice(`Opened ${file.name}.`, { timeout: 3000 });
  }
  const format = lower.endsWith(".afb") ? "afb" : lower.endsWith(".json") ? "stix" : undefined;
  if (format === undefined && !/^\s*[{[]/.test(text)) {
    load(text, base);
    return notice(`Opened ${file.name} as a flow.`, { timeout: 3000 });
  }
  let imported;
  try {
    imported = afc.importFlow(text, format);
  } catch (e) {
    return notice(`${file.name}: ${e.message}`, { error: true });
  }
  load(imported.source, base);
  const what = imported.format === "afb" ? "an Attack Flow Builder file" : "a STIX bundle";
  const head = document.createElement("span");
  head.textContent = `Imported ${file.name} (${what}) as afc source.`;
  if (!imported.notes.length) return notice(head, { timeout: 5000 });
  const ul = document.createElement("ul");
  for (const n of imported.notes) {
    const li = document.createElement("li");
    li.textContent = n;
    ul.append(li);
  }
  notice([head, ul]);
}

function setupFiles() {
  const input = $("file");
  $("open").addEventListener("click", () => input.click());
  input.addEventListener("change", () => {
    if (input.files[0]) openFile(input.files[0]);
    input.value = "";
  });
  const overlay = $("drop");
  let depth = 0;
  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes("Files");
  addEventListener("dragenter", (e) => {
    if (!hasFiles(e)) return;
    depth++;
    overlay.hidden = false;
  });
  addEventListener("dragleave", () => {
    if (--depth <= 0) {
      depth = 0;
      overlay.hidden = true;
    }
  });
  addEventListener("dragover", (e) => {
    if (hasFiles(e)) e.preventDefault();
  });
  addEventListener("drop", (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    overlay.hidden = true;
    const file = e.dataTransfer.files[0];
    if (file) openFile(file);
  });
}

async function share() {
  const fragment = await encodeFragment(editor.text());
  history.replaceState(null, "", `${location.pathname}${location.search}#${fragment}`);
  const link = location.href;
  let copied = false;
  try {
    await navigator.clipboard.writeText(link);
    copied = true;
  } catch {
    // No clipboard permission: the link is shown to copy by hand.
  }
  const label = document.createElement("span");
  label.textContent = copied ? "Link copied. The flow travels inside it, after the #: no server ever sees it. " : "Share this link (the flow is inside it, after the #): ";
  const field = document.createElement("input");
  field.id = "share-link";
  field.readOnly = true;
  field.value = link;
  field.setAttribute("aria-label", "Share link");
  field.addEventListener("focus", () => field.select());
  notice([label, field]);
}

async function openFragment() {
  try {
    const text = await decodeFragment(location.hash);
    if (text === null) return false;
    load(text, "shared-flow");
    return true;
  } catch {
    notice("This link's flow is damaged (the part after # could not be read). Showing an example instead.", { error: true });
    return false;
  }
}

function format() {
  const result = flowFor(editor.text()).format();
  if (result.text === undefined) {
    return notice("Fix the syntax errors first: the formatter never touches a flow it cannot parse.", { error: true, timeout: 5000 });
  }
  editor.applyEdits(result.edits);
  check();
}

function setupTheme() {
  const button = $("theme");
  const sync = () => button.setAttribute("aria-pressed", String(theme() === "dark"));
  sync();
  button.addEventListener("click", () => {
    const next = theme() === "dark" ? "light" : "dark";
    document.documentElement.dataset.theme = next;
    try {
      localStorage.setItem("afc-theme", next);
    } catch {
      // Storage may be off; the choice then lasts for this page.
    }
    sync();
    state.lastGood = null;
    renderPane();
  });
}

// --- Start ---------------------------------------------------------------------------------

async function main() {
  await init();
  const first = examples.find((e) => e.name === DEFAULT_EXAMPLE) ?? examples[0];
  editor = createEditor($("editor"), {
    flowFor,
    onChange: schedule,
    onFormat: format,
    doc: first?.source ?? "",
  });
  panzoom = new PanZoom($("viewport"), $("picture"));
  // For the console (and the browser tests): the afc API and the editor's text.
  window.afc = afc;
  metrics.text = () => editor.text();
  metrics.load = load;
  setupTabs();
  setupOutputs();
  setupExamples();
  setupFiles();
  setupTheme();
  $("format").addEventListener("click", format);
  $("share").addEventListener("click", share);
  addEventListener("hashchange", openFragment);
  if (!(await openFragment())) check();
  metrics.ready = true;
  document.body.dataset.ready = "1";
}

main().catch((e) => {
  $("status").textContent = `afc could not start: ${e.message}`;
  console.error(e);
});
