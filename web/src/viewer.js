// afc-viewer: the <attack-flow> web component. It draws a flow as SVG, in any page, with afc
// compiled to WebAssembly (the file `afc_bg.wasm` beside this script).
//
//   <script type="module" src="afc-viewer.js"></script>
//   <attack-flow src="flow.af"></attack-flow>            a flow, a STIX bundle (.json) or an .afb
//   <attack-flow theme="dark" direction="lr">            inline source (or in a
//     action phish T1566.002 "Phishing link"            <script type="text/x-afc"> child, which
//     …                                                  keeps < and & as typed)
//   </attack-flow>
//
// Attributes: `src`, `theme` (light, dark, auto: the reader's system setting; default auto),
// `direction` (tb, lr). The `source` property sets the text from JavaScript. The element only
// fetches its `src`, from the page's own origin rules; the source is never sent anywhere.

import init, { Flow, importFlow, renderBundleSvg } from "../pkg/afc.js";
import { svgNode } from "./svg.js";

let ready;
const afcReady = () => (ready ??= init());

const STYLE = `
:host { display: block; max-width: 100%; overflow: auto; }
svg { display: block; max-width: 100%; height: auto; }
.error { font: 13px/1.5 system-ui, sans-serif; border: 1px solid #d1242f; border-radius: 8px; padding: 8px 12px; color: #d1242f; background: #fff5f5; }
.error ul { margin: 4px 0 0; padding-left: 18px; color: #333; }
.error code { font: 12px ui-monospace, monospace; }
`;

function dedent(text) {
  const lines = text.replace(/^\s*\n/, "").replace(/\s+$/, "").split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^[ \t]*/)[0].length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join("\n") + "\n";
}

class AttackFlowElement extends HTMLElement {
  static observedAttributes = ["src", "theme", "direction"];

  #source = null;
  #generation = 0;

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
  }

  /** The flow's source text, when it was set from JavaScript. */
  get source() {
    return this.#source;
  }

  set source(text) {
    this.#source = text == null ? null : String(text);
    this.#render();
  }

  connectedCallback() {
    this.#render();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.#render();
  }

  #theme() {
    const t = this.getAttribute("theme") ?? "auto";
    if (t === "dark" || t === "light") return t;
    return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  async #input() {
    if (this.#source !== null) return { text: this.#source, name: "" };
    const src = this.getAttribute("src");
    if (src) {
      const url = new URL(src, document.baseURI);
      const response = await fetch(url);
      if (!response.ok) throw new Error(`could not load ${src}: HTTP ${response.status}`);
      return { text: await response.text(), name: url.pathname.toLowerCase() };
    }
    const script = this.querySelector('script[type="text/x-afc"]');
    return { text: dedent(script ? script.textContent : this.textContent), name: "" };
  }

  async #render() {
    const generation = ++this.#generation;
    let svg;
    let problems = [];
    try {
      await afcReady();
      const { text, name } = await this.#input();
      const options = { theme: this.#theme(), direction: this.getAttribute("direction") === "lr" ? "lr" : "tb" };
      const ext = name.match(/\.([a-z]+)$/)?.[1];
      let source = text;
      if (ext === "afb") {
        source = importFlow(text, "afb").source;
      } else if (ext === "json" || (ext !== "af" && /^\s*[{[]/.test(text))) {
        // A STIX bundle from any tool is drawn as it is; JSON that is not one may be an .afb.
        try {
          svg = renderBundleSvg(text, options);
        } catch (e) {
          if (ext === "json") throw e;
          source = importFlow(text, "afb").source;
        }
      }
      if (svg === undefined) {
        const flow = new Flow(source);
        try {
          svg = flow.svg(options);
          problems = flow.diagnostics().filter((d) => d.severity === "error");
        } finally {
          flow.free();
        }
      }
    } catch (e) {
      problems = [{ message: e.message ?? String(e) }];
    }
    if (generation !== this.#generation) return;
    const style = document.createElement("style");
    style.textContent = STYLE;
    const node = svg === undefined ? null : svgNode(svg);
    if (node) {
      node.setAttribute("role", "img");
      this.shadowRoot.replaceChildren(style, node);
      this.dispatchEvent(new CustomEvent("render", { detail: { ok: true } }));
      return;
    }
    const box = document.createElement("div");
    box.className = "error";
    box.setAttribute("role", "alert");
    box.textContent = "This attack flow cannot be drawn:";
    const ul = document.createElement("ul");
    for (const p of problems) {
      const li = document.createElement("li");
      if (p.code) {
        const c = document.createElement("code");
        c.textContent = `${p.code} ${p.line}:${p.column}`;
        li.append(c, " ");
      }
      li.append(p.message);
      ul.append(li);
    }
    box.append(ul);
    this.shadowRoot.replaceChildren(style, box);
    this.dispatchEvent(new CustomEvent("render", { detail: { ok: false, problems } }));
  }
}

if (!customElements.get("attack-flow")) customElements.define("attack-flow", AttackFlowElement);
