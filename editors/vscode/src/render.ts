// How the preview gets a flow's SVG. Today: `afc render - --to svg` through the resolved
// binary. When the language server grows a render request, add a Renderer that sends it and
// choose it in `extension.ts`; the preview panel only knows this interface.

import { renderArgs } from './commands';
import { runAfc } from './process';

/** An SVG, or why there is none. */
export type RenderResult = { ok: true; svg: string } | { ok: false; message: string };

/** Turns a flow's text into an SVG. */
export interface Renderer {
  render(text: string, fileName: string): Promise<RenderResult>;
}

/** Renders with the afc command line. `command` is the resolved binary. */
export class CliRenderer implements Renderer {
  constructor(
    private readonly command: () => string | undefined,
    private readonly cwd?: () => string | undefined,
  ) {}

  async render(text: string, fileName: string): Promise<RenderResult> {
    const command = this.command();
    if (command === undefined) {
      return { ok: false, message: 'No afc binary was found (see the "afc.server.path" setting).' };
    }
    const r = await runAfc(command, renderArgs(), { input: text, cwd: this.cwd?.(), timeoutMs: 30000 });
    if (r.code === 0 && r.stdout.includes('<svg')) {
      return { ok: true, svg: r.stdout };
    }
    const why = r.stderr.trim() || (r.code === 0 ? 'afc printed no SVG.' : `afc exited with code ${r.code}.`);
    return { ok: false, message: `Could not render ${fileName}:\n${why}` };
  }
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The preview page. Scripts are not allowed (the SVG comes from a local binary, but its text
 * comes from the flow), and neither is anything loaded from elsewhere.
 */
export function previewHtml(result: RenderResult, title: string): string {
  const body = result.ok
    ? `<div class="svg">${stripXmlProlog(result.svg)}</div>`
    : `<pre class="error">${escapeHtml(result.message)}</pre>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:;">
<title>${escapeHtml(title)}</title>
<style>
  body { margin: 0; padding: 8px; }
  .svg svg { max-width: 100%; height: auto; background: white; }
  .error { color: var(--vscode-errorForeground); white-space: pre-wrap; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function stripXmlProlog(svg: string): string {
  return svg.replace(/^\s*<\?xml[^>]*\?>\s*/, '').replace(/^\s*<!DOCTYPE[^>]*>\s*/i, '');
}
