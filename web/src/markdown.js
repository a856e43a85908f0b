// The small Markdown subset afc's hover and completion texts use (paragraphs, line breaks,
// "- " lists, **bold**, `code`, [text](https://…) links), built as DOM nodes: never innerHTML,
// so no text from a flow can become markup.

const INLINE = /(\*\*([^*]+)\*\*|`([^`]+)`|\[([^\]]+)\]\((https?:\/\/[^)\s]+)\))/g;

function inline(parent, text) {
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) parent.append(text.slice(last, m.index));
    if (m[2] !== undefined) {
      const b = document.createElement("strong");
      b.textContent = m[2];
      parent.append(b);
    } else if (m[3] !== undefined) {
      const c = document.createElement("code");
      c.textContent = m[3];
      parent.append(c);
    } else {
      const a = document.createElement("a");
      a.textContent = m[4];
      a.href = m[5];
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      parent.append(a);
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) parent.append(text.slice(last));
}

/** A `<div class="md">` showing `markdown`. */
export function renderMarkdown(markdown) {
  const root = document.createElement("div");
  root.className = "md";
  for (const block of markdown.trim().split(/\n\s*\n/)) {
    const lines = block.split("\n");
    if (lines.every((l) => /^\s*[-*] /.test(l))) {
      const ul = document.createElement("ul");
      for (const l of lines) {
        const li = document.createElement("li");
        inline(li, l.replace(/^\s*[-*] /, ""));
        ul.append(li);
      }
      root.append(ul);
      continue;
    }
    const p = document.createElement("p");
    lines.forEach((l, i) => {
      if (i > 0) p.append(document.createElement("br"));
      inline(p, l.replace(/ {2}$/, ""));
    });
    root.append(p);
  }
  return root;
}
