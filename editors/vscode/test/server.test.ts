import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundledBinaryPath, isExecutableFile, pathCandidates, resolveServer, ResolveContext } from '../src/server';

function ctx(files: string[], extra: Partial<ResolveContext> = {}): ResolveContext {
  const set = new Set(files);
  return {
    platform: 'linux',
    arch: 'x64',
    extensionPath: '/ext',
    pathEnv: '/usr/local/bin:/usr/bin',
    isExecutable: (f) => set.has(f),
    ...extra,
  };
}

test('the setting wins over the bundled binary and PATH', () => {
  const r = resolveServer(ctx(['/opt/afc', '/ext/bin/linux-x64/afc', '/usr/bin/afc'], { configuredPath: '/opt/afc' }));
  assert.deepEqual(r, { ok: true, command: '/opt/afc', source: 'setting' });
});

test('a setting that points nowhere is an error naming the path, not a fallback', () => {
  const r = resolveServer(ctx(['/usr/bin/afc'], { configuredPath: 'tools/afc', workspaceFolder: '/ws' }));
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.match(r.message, /afc\.server\.path/);
    assert.match(r.message, /\/ws\/tools\/afc/);
    assert.deepEqual(r.tried, ['/ws/tools/afc']);
  }
});

test('relative, ~ and ${workspaceFolder} settings are expanded', () => {
  const files = ['/ws/target/debug/afc', '/home/u/bin/afc'];
  const rel = resolveServer(ctx(files, { configuredPath: 'target/debug/afc', workspaceFolder: '/ws' }));
  assert.equal(rel.ok && rel.command, '/ws/target/debug/afc');
  const home = resolveServer(ctx(files, { configuredPath: '~/bin/afc', homeDir: '/home/u' }));
  assert.equal(home.ok && home.command, '/home/u/bin/afc');
  const ws = resolveServer(ctx(files, { configuredPath: '${workspaceFolder}/target/debug/afc', workspaceFolder: '/ws' }));
  assert.equal(ws.ok && ws.command, '/ws/target/debug/afc');
});

test('a blank setting is ignored; the bundled binary for this platform comes next', () => {
  const r = resolveServer(ctx(['/ext/bin/linux-x64/afc', '/usr/bin/afc'], { configuredPath: '   ' }));
  assert.deepEqual(r, { ok: true, command: '/ext/bin/linux-x64/afc', source: 'bundled' });
  // A binary bundled for another platform is not used.
  const other = resolveServer(ctx(['/ext/bin/darwin-arm64/afc', '/usr/bin/afc']));
  assert.deepEqual(other, { ok: true, command: '/usr/bin/afc', source: 'path' });
});

test('PATH is searched in order', () => {
  const r = resolveServer(ctx(['/usr/bin/afc', '/usr/local/bin/afc']));
  assert.deepEqual(r, { ok: true, command: '/usr/local/bin/afc', source: 'path' });
});

test('on Windows the bundled binary is afc.exe and PATH uses PATHEXT', () => {
  assert.equal(bundledBinaryPath('C:\\ext', 'win32', 'x64'), 'C:\\ext\\bin\\win32-x64\\afc.exe');
  const c = pathCandidates({ platform: 'win32', pathEnv: 'C:\\tools;"C:\\Program Files\\afc"', pathExt: '.EXE;.CMD' });
  assert.deepEqual(c, ['C:\\tools\\afc.exe', 'C:\\tools\\afc.cmd', 'C:\\Program Files\\afc\\afc.exe', 'C:\\Program Files\\afc\\afc.cmd']);
  const r = resolveServer({
    platform: 'win32',
    arch: 'x64',
    extensionPath: 'C:\\ext',
    pathEnv: 'C:\\tools;C:\\Program Files\\afc',
    pathExt: '.EXE',
    isExecutable: (f) => f === 'C:\\Program Files\\afc\\afc.exe',
  });
  assert.deepEqual(r, { ok: true, command: 'C:\\Program Files\\afc\\afc.exe', source: 'path' });
});

test('nothing found: a clear message and every place looked at', () => {
  const r = resolveServer(ctx([], { pathEnv: '/a::/b' }));
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.match(r.message, /Could not find the afc binary/);
    assert.match(r.message, /linux-x64/);
    assert.match(r.message, /afc\.server\.path/);
    assert.deepEqual(r.tried, ['/ext/bin/linux-x64/afc', '/a/afc', '/b/afc']);
  }
});

test('isExecutableFile checks the file system', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afc-vscode-'));
  try {
    const exe = path.join(dir, 'afc');
    const plain = path.join(dir, 'plain');
    fs.writeFileSync(exe, '#!/bin/sh\n');
    fs.chmodSync(exe, 0o755);
    fs.writeFileSync(plain, 'not executable');
    fs.chmodSync(plain, 0o644);
    assert.equal(isExecutableFile(exe, 'linux'), true);
    assert.equal(isExecutableFile(dir, 'linux'), false);
    assert.equal(isExecutableFile(path.join(dir, 'missing'), 'linux'), false);
    if (process.platform !== 'win32' && process.getuid?.() !== 0) {
      assert.equal(isExecutableFile(plain, 'linux'), false);
    }
    const r = resolveServer({ platform: process.platform, arch: process.arch, extensionPath: dir, pathEnv: dir, isExecutable: (f) => isExecutableFile(f) });
    assert.equal(r.ok && r.command, exe);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('in a remote window the messages say where afc.server.path is read from', () => {
  const missing = resolveServer(ctx([], { remoteName: 'ssh-remote' }));
  assert.equal(missing.ok, false);
  if (!missing.ok) {
    assert.match(missing.message, /PATH of the ssh-remote machine/);
    assert.match(missing.message, /Remote settings/);
    assert.match(missing.message, /local User settings is not applied/);
  }
  const wrong = resolveServer(ctx([], { remoteName: 'wsl', configuredPath: '/opt/afc' }));
  assert.equal(wrong.ok, false);
  if (!wrong.ok) {
    assert.match(wrong.message, /no executable file at \/opt\/afc on the wsl machine/);
  }
  // Locally: no remote talk.
  const local = resolveServer(ctx([]));
  assert.equal(local.ok, false);
  if (!local.ok) {
    assert.doesNotMatch(local.message, /remote/i);
    assert.match(local.message, /User or Workspace settings/);
  }
});
