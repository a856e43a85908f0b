// afc's SVG as a DOM node. afc escapes every text it draws; this is a second line of defence
// for a page that shows flows from share links and dropped files: parsed as XML, drawing
// only — no scripts, event handlers or references outside the picture.

/** The `<svg>` element of `text`, imported into `doc`; `null` when it is not SVG. */
export function svgNode(text, doc = document) {
  const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
  const svg = parsed.documentElement;
  if (svg.nodeName !== "svg") return null;
  for (const el of svg.querySelectorAll("script, foreignObject, iframe, image, use")) el.remove();
  for (const el of [svg, ...svg.querySelectorAll("*")]) {
    for (const attr of [...el.attributes]) {
      if (/^on/i.test(attr.name) || (/href$/i.test(attr.name) && !attr.value.startsWith("#"))) el.removeAttribute(attr.name);
    }
  }
  return doc.importNode(svg, true);
}
