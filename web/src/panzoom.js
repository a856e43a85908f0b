// Pan and zoom for the picture pane: drag or arrow keys to pan, wheel or +/− to zoom around the
// pointer (or the centre), 0 to fit.

const MIN = 0.1;
const MAX = 8;

export class PanZoom {
  constructor(viewport, content) {
    this.viewport = viewport;
    this.content = content;
    this.scale = 1;
    this.x = 0;
    this.y = 0;
    viewport.addEventListener("wheel", (e) => {
      e.preventDefault();
      const r = viewport.getBoundingClientRect();
      this.zoomAt(Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)), e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    let drag = null;
    viewport.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      drag = { id: e.pointerId, x: e.clientX - this.x, y: e.clientY - this.y };
      viewport.setPointerCapture(e.pointerId);
      viewport.classList.add("dragging");
    });
    viewport.addEventListener("pointermove", (e) => {
      if (!drag || e.pointerId !== drag.id) return;
      this.x = e.clientX - drag.x;
      this.y = e.clientY - drag.y;
      this.apply();
    });
    const end = () => {
      drag = null;
      viewport.classList.remove("dragging");
    };
    viewport.addEventListener("pointerup", end);
    viewport.addEventListener("pointercancel", end);
    viewport.addEventListener("keydown", (e) => {
      const step = 40;
      const keys = {
        "+": () => this.zoom(1.25), "=": () => this.zoom(1.25), "-": () => this.zoom(0.8), "0": () => this.fit(),
        ArrowLeft: () => this.pan(step, 0), ArrowRight: () => this.pan(-step, 0),
        ArrowUp: () => this.pan(0, step), ArrowDown: () => this.pan(0, -step),
      };
      const f = keys[e.key];
      if (f && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        f();
      }
    });
  }

  apply() {
    this.content.style.transform = `translate(${this.x}px, ${this.y}px) scale(${this.scale})`;
  }

  pan(dx, dy) {
    this.x += dx;
    this.y += dy;
    this.apply();
  }

  zoomAt(factor, cx, cy) {
    const s = Math.min(MAX, Math.max(MIN, this.scale * factor));
    const k = s / this.scale;
    this.x = cx - (cx - this.x) * k;
    this.y = cy - (cy - this.y) * k;
    this.scale = s;
    this.apply();
  }

  zoom(factor) {
    this.zoomAt(factor, this.viewport.clientWidth / 2, this.viewport.clientHeight / 2);
  }

  /** Scales the picture to fit the pane (never above 100%) and centres it. */
  fit() {
    const svg = this.content.firstElementChild;
    if (!svg) return;
    const w = svg.width?.baseVal?.value || svg.getBoundingClientRect().width / this.scale;
    const h = svg.height?.baseVal?.value || svg.getBoundingClientRect().height / this.scale;
    const vw = this.viewport.clientWidth;
    const vh = this.viewport.clientHeight;
    if (!w || !h || !vw || !vh) return;
    const pad = 16;
    this.scale = Math.min(1, (vw - 2 * pad) / w, (vh - 2 * pad) / h);
    this.x = (vw - w * this.scale) / 2;
    this.y = Math.max(pad, (vh - h * this.scale) / 2);
    this.apply();
  }
}
