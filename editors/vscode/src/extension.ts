// The VS Code side of the extension: starts `afc lsp` with vscode-languageclient, keeps its
// settings current and registers the commands. Everything that does not need the VS Code API
// lives in server.ts, settings.ts, commands.ts, process.ts and render.ts.

import * as vscode from 'vscode';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { compileInvocation, compileReport, CompiledStixResult, serverArgs, stixView } from './commands';
import { PreviewManager } from './preview';
import { runAfc } from './process';
import { CliRenderer } from './render';
import { isExecutableFile, resolveServer, Resolution } from './server';
import { AfcSettings, affectsServerBinary, readSettings, toServerSettings } from './settings';

const LANGUAGE = 'attackflow';

let client: LanguageClient | undefined;
let resolution: Resolution | undefined;
let output: vscode.OutputChannel;

function workspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function currentSettings(): AfcSettings {
  const cfg = vscode.workspace.getConfiguration('afc');
  return readSettings((key) => cfg.get(key), {
    baseDir: workspaceFolder(),
    homeDir: os.homedir(),
    platform: process.platform,
  });
}

function resolve(context: vscode.ExtensionContext): Resolution {
  const cfg = vscode.workspace.getConfiguration('afc');
  return resolveServer({
    platform: process.platform,
    arch: process.arch,
    extensionPath: context.extensionPath,
    configuredPath: cfg.get<string>('server.path'),
    workspaceFolder: workspaceFolder(),
    homeDir: os.homedir(),
    pathEnv: process.env.PATH,
    pathExt: process.env.PATHEXT,
    isExecutable: (f) => isExecutableFile(f),
    remoteName: vscode.env.remoteName,
  });
}

/** The resolved binary, or undefined after telling the user why there is none. */
function binary(): string | undefined {
  if (resolution?.ok) {
    return resolution.command;
  }
  void reportMissing();
  return undefined;
}

async function reportMissing(): Promise<void> {
  if (resolution && !resolution.ok) {
    output.appendLine(resolution.message);
    output.appendLine(`Looked at:\n  ${resolution.tried.join('\n  ')}`);
    const choice = await vscode.window.showErrorMessage(resolution.message, 'Open Settings', 'Show Output');
    if (choice === 'Open Settings') {
      // In a remote window the path belongs in the Remote settings (the setting is
      // machine-overridable); elsewhere in the User settings.
      const command = vscode.env.remoteName ? 'workbench.action.openRemoteSettings' : 'workbench.action.openSettings';
      await vscode.commands.executeCommand(command, 'afc.server.path');
    } else if (choice === 'Show Output') {
      output.show(true);
    }
  }
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  resolution = resolve(context);
  if (!resolution.ok) {
    await reportMissing();
    return;
  }
  output.appendLine(`Using ${resolution.command} (${resolution.source}).`);
  const serverOptions: ServerOptions = {
    command: resolution.command,
    args: serverArgs(),
    transport: TransportKind.stdio,
    options: { cwd: workspaceFolder() },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE },
      { scheme: 'untitled', language: LANGUAGE },
    ],
    initializationOptions: toServerSettings(currentSettings()),
    outputChannel: output,
    middleware: {
      workspace: {
        // A server that pulls its settings gets the same shape as the pushed ones.
        configuration: (params) => {
          const settings = toServerSettings(currentSettings());
          return params.items.map((item) => {
            if (item.section === undefined || item.section === '') {
              return settings;
            }
            if (item.section === 'afc') {
              return settings.afc;
            }
            if (item.section.startsWith('afc.')) {
              const key = item.section.slice(4) as keyof AfcSettings;
              return settings.afc[key] ?? null;
            }
            return null;
          });
        },
      },
    },
  };
  client = new LanguageClient('afc', 'Attack Flow language server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    output.appendLine(`The afc language server did not start: ${message}`);
    void vscode.window.showErrorMessage(
      `The afc language server (${resolution.command} lsp) did not start: ${message}. ` +
        'See the "Attack Flow" output for what afc printed.',
    );
    client = undefined;
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch {
      // Already stopped or never started.
    }
  }
}

function activeFlow(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc?.languageId === LANGUAGE) {
    return doc;
  }
  void vscode.window.showWarningMessage('Open an Attack Flow (.af) file first.');
  return undefined;
}

async function compileCommand(): Promise<void> {
  const doc = activeFlow();
  if (!doc) {
    return;
  }
  if (doc.isUntitled) {
    void vscode.window.showWarningMessage('Save the flow first: the STIX bundle is written next to it.');
    return;
  }
  if (doc.isDirty && !(await doc.save())) {
    return;
  }
  const command = binary();
  if (!command) {
    return;
  }
  const inv = compileInvocation(doc.fileName, currentSettings());
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'afc compile' },
    () => runAfc(command, inv.args, { cwd: path.dirname(doc.fileName) }),
  );
  const report = compileReport(inv.output, result.code, result.stdout, result.stderr);
  if (report.details !== '') {
    output.appendLine(`$ afc ${inv.args.join(' ')}`);
    output.appendLine(report.details);
  }
  if (report.ok) {
    const choice = await vscode.window.showInformationMessage(report.message, 'Open');
    if (choice === 'Open') {
      await vscode.window.showTextDocument(vscode.Uri.file(inv.output), { viewColumn: vscode.ViewColumn.Beside });
    }
  } else {
    const choice = await vscode.window.showErrorMessage(report.message, 'Show Output');
    if (choice === 'Show Output') {
      output.show(true);
    }
  }
}

async function showStixCommand(): Promise<void> {
  const doc = activeFlow();
  if (!doc) {
    return;
  }
  if (!client) {
    void vscode.window.showErrorMessage('The afc language server is not running (see the "Attack Flow" output).');
    return;
  }
  let result: CompiledStixResult;
  try {
    result = await client.sendRequest<CompiledStixResult>('afc/compiledStix', { uri: doc.uri.toString() });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(`The language server could not compile the flow: ${message}`);
    return;
  }
  const view = stixView(result);
  if (!view.ok) {
    void vscode.window.showErrorMessage(view.message);
    return;
  }
  const json = await vscode.workspace.openTextDocument({ language: 'json', content: view.content });
  await vscode.window.showTextDocument(json, { viewColumn: vscode.ViewColumn.Beside, preview: false });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Attack Flow');
  context.subscriptions.push(output);

  const previews = new PreviewManager(new CliRenderer(() => (resolution?.ok ? resolution.command : undefined), workspaceFolder));
  context.subscriptions.push(previews);

  context.subscriptions.push(
    vscode.commands.registerCommand('attackflow.compile', compileCommand),
    vscode.commands.registerCommand('attackflow.showStix', showStixCommand),
    vscode.commands.registerCommand('attackflow.preview', () => {
      const doc = activeFlow();
      if (doc && binary()) {
        previews.show(doc);
      }
    }),
    vscode.commands.registerCommand('attackflow.restartServer', async () => {
      await stopClient();
      await startClient(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (affectsServerBinary((s) => e.affectsConfiguration(s))) {
        await stopClient();
        await startClient(context);
      } else if (e.affectsConfiguration('afc') && client) {
        await client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: toServerSettings(currentSettings()),
        });
      }
    }),
  );

  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
