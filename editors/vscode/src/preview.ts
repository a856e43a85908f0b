// The preview webview: one panel per flow, re-rendered (debounced) as the text changes. It
// asks a Renderer for the SVG and knows nothing about how the SVG is made.

import * as vscode from 'vscode';
import * as path from 'node:path';
import { previewHtml, Renderer } from './render';

const DEBOUNCE_MS = 300;

/** Opens and updates preview panels. */
export class PreviewManager implements vscode.Disposable {
  private readonly panels = new Map<string, PreviewPanel>();

  constructor(private readonly renderer: Renderer) {}

  /** Shows the preview of `doc`, creating it when needed. */
  show(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal();
      return;
    }
    const panel = new PreviewPanel(doc, this.renderer, () => this.panels.delete(key));
    this.panels.set(key, panel);
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) {
      p.dispose();
    }
    this.panels.clear();
  }
}

class PreviewPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  private disposed = false;

  constructor(
    private readonly doc: vscode.TextDocument,
    private readonly renderer: Renderer,
    private readonly onDispose: () => void,
  ) {
    const title = `Preview ${path.basename(doc.fileName)}`;
    this.panel = vscode.window.createWebviewPanel(
      'attackflow.preview',
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: false, localResourceRoots: [] },
    );
    this.panel.onDidDispose(() => this.dispose(), null, this.subscriptions);
    vscode.workspace.onDidChangeTextDocument(
      (e) => {
        if (e.document.uri.toString() === this.doc.uri.toString()) {
          this.schedule();
        }
      },
      null,
      this.subscriptions,
    );
    void this.update();
  }

  reveal(): void {
    this.panel.reveal(vscode.ViewColumn.Beside, true);
  }

  private schedule(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => void this.update(), DEBOUNCE_MS);
  }

  private async update(): Promise<void> {
    const generation = ++this.generation;
    const name = path.basename(this.doc.fileName);
    const result = await this.renderer.render(this.doc.getText(), name);
    // A newer edit started another render, or the panel was closed: drop this one.
    if (this.disposed || generation !== this.generation) {
      return;
    }
    this.panel.webview.html = previewHtml(result, `Preview ${name}`);
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    if (this.timer) {
      clearTimeout(this.timer);
    }
    for (const s of this.subscriptions) {
      s.dispose();
    }
    this.panel.dispose();
    this.onDispose();
  }
}
