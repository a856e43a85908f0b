// The language server as the extension starts it, against a real afc binary when AFC_BIN names
// one (build.sh passes it on; .ci/run sets it to the release build). Skipped otherwise.
//
// vscode-languageclient starts an executable server with `TransportKind.stdio` as
// `command ...args --stdio` (and node servers with `--clientProcessId=PID`), and the extension
// sends its default settings, `catalogs: []` among them, as initializationOptions. Both once
// kept the server from working in VS Code: afc refused `--stdio`, and read `[]` as "no
// catalogs". This test starts the server exactly that way and checks that it serves.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { serverArgs } from '../src/commands';
import { readSettings, toServerSettings } from '../src/settings';

const afc = process.env.AFC_BIN ? path.resolve(process.env.AFC_BIN) : undefined;
const skip = afc === undefined ? 'AFC_BIN is not set' : !fs.existsSync(afc) ? `no afc at ${afc}` : false;

/** What vscode-languageclient appends for an executable started with TransportKind.stdio. */
const STDIO_TRANSPORT_ARGS = ['--stdio'];

const FLOW = [
  'flow "Extension" {',
  '  scope: incident',
  '  created: 2026-01-01T00:00:00Z',
  '  description: "Started as VS Code starts it."',
  '}',
  'action phish T1566.002',
  'action login T1078',
  'phish -> logn',
  'action next T156',
  '',
].join('\n');

interface Diagnostic {
  code?: string | number;
  message: string;
}

test('afc lsp starts as VS Code starts it and serves the default settings', { skip, timeout: 60000 }, async () => {
  const args = [...serverArgs(), ...STDIO_TRANSPORT_ARGS, `--clientProcessId=${process.pid}`];
  const child = spawn(afc as string, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const shown: string[] = [];
  connection.onNotification('window/showMessage', (p: { message: string }) => shown.push(p.message));
  const diagnostics = new Promise<Diagnostic[]>((resolve) => {
    connection.onNotification('textDocument/publishDiagnostics', (p: { diagnostics: Diagnostic[] }) => resolve(p.diagnostics));
  });
  // The extension answers a pulled configuration with the same object it pushes.
  const settings = toServerSettings(readSettings(() => undefined));
  connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) =>
    p.items.map((i) => (i.section === 'afc' ? settings.afc : null)),
  );
  connection.listen();
  try {
    const init = await connection.sendRequest<{ serverInfo?: { name: string } }>('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: true } },
      initializationOptions: settings,
    });
    assert.equal(init.serverInfo?.name, 'afc', stderr);
    await connection.sendNotification('initialized', {});
    const uri = 'file:///extension-test/flow.af';
    await connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'attackflow', version: 1, text: FLOW },
    });
    const found = await diagnostics;
    assert.ok(
      found.some((d) => d.code === 'E0105' && d.message.includes('logn')),
      JSON.stringify(found),
    );
    const lines = FLOW.split('\n');
    const line = lines.findIndex((l) => l.endsWith('T156'));
    const completion = await connection.sendRequest<{ items: { label: string }[] }>('textDocument/completion', {
      textDocument: { uri },
      position: { line, character: lines[line].length },
    });
    const labels = completion.items.map((i) => i.label);
    assert.ok(labels.includes('T1566') && labels.includes('T1566.002'), labels.slice(0, 20).join(', '));
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    assert.equal(await exited, 0, stderr);
    assert.deepEqual(shown, []);
  } finally {
    connection.dispose();
    child.kill();
  }
});

test('transports afc does not speak are refused with a clear message', { skip }, async () => {
  for (const transport of ['--node-ipc', '--socket=5007', '--pipe=/tmp/afc.sock']) {
    const child = spawn(afc as string, [...serverArgs(), transport], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 2, transport);
    assert.match(stderr, /standard input and output/, transport);
  }
});
