// The CodeMirror 6 editor with afc's language support. Everything about the language comes from
// the WebAssembly module (the same code as `afc` and `afc lsp`): highlighting from the language
// server's semantic tokens, diagnostics, completion, hover and formatting. This file only
// translates between CodeMirror and that API.

import { EditorState, StateEffect, StateField, RangeSetBuilder } from "@codemirror/state";
import {
  EditorView, Decoration, keymap, hoverTooltip, lineNumbers, highlightActiveLine,
  highlightActiveLineGutter, drawSelection, highlightSpecialChars, dropCursor,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap, snippet } from "@codemirror/autocomplete";
import { setDiagnostics, lintKeymap, lintGutter, nextDiagnostic } from "@codemirror/lint";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { bracketMatching, indentOnInput, indentUnit } from "@codemirror/language";
import { renderMarkdown } from "./markdown.js";

/** How many completion items one request brings over at most. */
const COMPLETION_LIMIT = 200;

// Highlighting: marks from the last check, mapped through edits until the next one.
const setHighlights = StateEffect.define();
const highlightField = StateField.define({
  create: () => Decoration.none,
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setHighlights)) return e.value;
    return tr.docChanged ? value.map(tr.changes) : value;
  },
  provide: (f) => EditorView.decorations.from(f),
});

const markCache = new Map();
function markFor(h) {
  const key = `${h.kind}/${h.declaration}/${h.deprecated}`;
  let mark = markCache.get(key);
  if (!mark) {
    let cls = `tok-${h.kind}`;
    if (h.declaration) cls += " tok-decl";
    if (h.deprecated) cls += " tok-deprecated";
    mark = Decoration.mark({ class: cls });
    markCache.set(key, mark);
  }
  return mark;
}

const SEVERITY = { error: "error", warning: "warning", note: "info" };

/** CodeMirror diagnostics for afc's, with their fixes as actions. */
function toCodeMirror(diags, docLength) {
  return diags.map((d) => {
    const from = Math.min(d.from, docLength);
    const to = Math.min(Math.max(d.to, from), docLength);
    let message = `${d.message}`;
    if (d.spanLabel) message += ` (${d.spanLabel})`;
    if (d.help) message += `\nhelp: ${d.help}`;
    return {
      from,
      to,
      severity: SEVERITY[d.severity] ?? "info",
      source: d.code,
      message,
      actions: d.fixes.map((fix) => ({
        name: fix.message,
        apply(view) {
          view.dispatch({ changes: fix.edits.map((e) => ({ from: e.from, to: e.to, insert: e.insert })) });
        },
      })),
    };
  });
}

// LSP snippets (`${1:name}`, `${2|a,b|}`, `$0`) to CodeMirror snippets.
function snippetTemplate(lsp) {
  return lsp
    .replace(/\$\{(\d+)\|([^,|}]*)[^}]*\|\}/g, (_, n, first) => `\${${n}:${first}}`)
    .replace(/\$(\d+)/g, (_, n) => `\${${n}}`);
}

const COMPLETION_TYPE = {
  technique: "constant", tactic: "enum", node: "variable", key: "property", value: "enum", kind: "type", snippet: "keyword",
};

/**
 * The editor. `flowFor(text)` gives a checked `Flow` of a text (the playground caches the last
 * one); `onChange` runs after every edit, `onFormat` on Shift-Alt-F.
 */
export function createEditor(parent, { flowFor, onChange, onFormat, doc }) {
  const completionSource = (context) => {
    const flow = flowFor(context.state.doc.toString());
    const c = flow.complete(context.pos, COMPLETION_LIMIT);
    if (!c.items.length) return null;
    // While typing, only complete a word that has begun; Ctrl-Space offers everything.
    if (!context.explicit && c.from === c.to) return null;
    return {
      from: c.from,
      to: c.to,
      filter: false,
      options: c.items.map((item) => ({
        label: item.label,
        detail: item.detail,
        type: COMPLETION_TYPE[item.kind] + (item.deprecated ? " deprecated" : ""),
        info: item.documentation ? () => renderMarkdown(item.documentation) : undefined,
        apply: item.snippet && item.insert ? snippet(snippetTemplate(item.insert)) : item.insert ?? item.label,
      })),
    };
  };

  const hover = hoverTooltip((view, pos) => {
    const h = flowFor(view.state.doc.toString()).hover(pos);
    if (!h) return null;
    return { pos: h.from, end: h.to, above: true, create: () => ({ dom: renderMarkdown(h.markdown) }) };
  }, { hoverTime: 300 });

  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        dropCursor(),
        indentOnInput(),
        indentUnit.of("  "),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        lintGutter(),
        highlightField,
        autocompletion({ override: [completionSource], icons: true, maxRenderedOptions: 60 }),
        hover,
        EditorView.contentAttributes.of({ "aria-label": "Flow source (.af)" }),
        keymap.of([
          { key: "Shift-Alt-f", run: () => (onFormat(), true) },
          { key: "Mod-s", run: () => true, preventDefault: true },
          { key: "F8", run: nextDiagnostic },
          ...closeBracketsKeymap,
          ...defaultKeymap,
          ...searchKeymap,
          ...historyKeymap,
          ...completionKeymap,
          ...lintKeymap,
        ]),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange(u);
        }),
      ],
    }),
  });

  return {
    view,
    /** Shows a check's results: highlighting and diagnostics. */
    show(highlights, diagnostics) {
      const builder = new RangeSetBuilder();
      const len = view.state.doc.length;
      for (const h of highlights) {
        if (h.to > h.from && h.to <= len) builder.add(h.from, h.to, markFor(h));
      }
      view.dispatch({ effects: setHighlights.of(builder.finish()) });
      view.dispatch(setDiagnostics(view.state, toCodeMirror(diagnostics, len)));
    },
    /** Replaces the whole text (an undoable edit). */
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: 0 }, scrollIntoView: true });
    },
    /** Applies edits (UTF-16 offsets). */
    applyEdits(edits) {
      if (edits.length) view.dispatch({ changes: edits.map((e) => ({ from: e.from, to: e.to, insert: e.insert })) });
    },
    /** Selects a range and puts the focus in the editor. */
    reveal(from, to) {
      const len = view.state.doc.length;
      view.dispatch({ selection: { anchor: Math.min(from, len), head: Math.min(to, len) }, scrollIntoView: true });
      view.focus();
    },
    text: () => view.state.doc.toString(),
  };
}
