// Finding the afc binary: the `afc.server.path` setting, then the binary bundled in the
// extension for this platform, then `afc` on PATH. Plain Node code, no VS Code API, so that it
// can be tested with node's test runner.

import * as path from 'node:path';
import * as fs from 'node:fs';

/** Where the binary was found. */
export type ServerSource = 'setting' | 'bundled' | 'path';

/** The outcome of {@link resolveServer}. */
export type Resolution =
  | { ok: true; command: string; source: ServerSource }
  | { ok: false; message: string; tried: string[] };

/** What resolution looks at; tests pass their own values. */
export interface ResolveContext {
  /** `process.platform`: 'linux', 'darwin', 'win32', … */
  platform: string;
  /** `process.arch`: 'x64', 'arm64', … */
  arch: string;
  /** The extension's install directory. */
  extensionPath: string;
  /** The `afc.server.path` setting, possibly empty. */
  configuredPath?: string;
  /** Where a relative `afc.server.path` is resolved from (the first workspace folder). */
  workspaceFolder?: string;
  /** The user's home directory, for `~` in the setting. */
  homeDir?: string;
  /** The PATH environment variable. */
  pathEnv?: string;
  /** The PATHEXT environment variable (Windows). */
  pathExt?: string;
  /** Whether an executable file exists at a path. */
  isExecutable: (file: string) => boolean;
  /**
   * `vscode.env.remoteName` (`ssh-remote`, `wsl`, `dev-container`, `codespaces`, …) when the
   * window is remote. There `afc.server.path` is read from the Remote (machine) settings and
   * the workspace, never from the local User settings, so the messages say where to set it.
   */
  remoteName?: string;
}

/** Where `afc.server.path` can be set in this window. */
export function whereToSetPath(remoteName: string | undefined): string {
  return remoteName
    ? `In this remote window (${remoteName}) set "afc.server.path" in the Remote settings (Preferences: Open Remote Settings) ` +
        'or the Workspace settings: a value in your local User settings is not applied here, by design, because it names a file on your own machine.'
    : 'Set "afc.server.path" in the User or Workspace settings.';
}

function pathApi(platform: string): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** The file name of the binary on a platform. */
export function binaryName(platform: string): string {
  return platform === 'win32' ? 'afc.exe' : 'afc';
}

/** Where a binary bundled in the extension lives: `bin/<platform>-<arch>/afc[.exe]`. */
export function bundledBinaryPath(extensionPath: string, platform: string, arch: string): string {
  return pathApi(platform).join(extensionPath, 'bin', `${platform}-${arch}`, binaryName(platform));
}

function expandSetting(value: string, ctx: ResolveContext): string {
  const p = pathApi(ctx.platform);
  let v = value;
  if (ctx.homeDir && (v === '~' || v.startsWith('~/') || v.startsWith('~\\'))) {
    v = p.join(ctx.homeDir, v.slice(1));
  }
  if (ctx.workspaceFolder) {
    v = v.replace(/\$\{workspaceFolder\}/g, ctx.workspaceFolder);
    if (!p.isAbsolute(v)) {
      v = p.join(ctx.workspaceFolder, v);
    }
  }
  return v;
}

/** Candidate files for `afc` in the directories of PATH, in order. */
export function pathCandidates(ctx: Pick<ResolveContext, 'platform' | 'pathEnv' | 'pathExt'>): string[] {
  const p = pathApi(ctx.platform);
  const sep = ctx.platform === 'win32' ? ';' : ':';
  const dirs = (ctx.pathEnv ?? '').split(sep).filter((d) => d.trim() !== '');
  let names = ['afc'];
  if (ctx.platform === 'win32') {
    const exts = (ctx.pathExt ?? '.COM;.EXE;.BAT;.CMD')
      .split(';')
      .map((e) => e.trim().toLowerCase())
      .filter((e) => e !== '');
    names = exts.map((e) => `afc${e}`);
  }
  const out: string[] = [];
  for (const dir of dirs) {
    // Windows PATH entries may be quoted.
    const clean = dir.replace(/^"(.*)"$/, '$1');
    for (const n of names) {
      out.push(p.join(clean, n));
    }
  }
  return out;
}

/**
 * Finds the afc binary. A set `afc.server.path` that points nowhere is an error rather than a
 * silent fallback, so a typo in the setting is noticed.
 */
export function resolveServer(ctx: ResolveContext): Resolution {
  const configured = (ctx.configuredPath ?? '').trim();
  if (configured !== '') {
    const file = expandSetting(configured, ctx);
    if (ctx.isExecutable(file)) {
      return { ok: true, command: file, source: 'setting' };
    }
    return {
      ok: false,
      tried: [file],
      message:
        `The setting "afc.server.path" is "${configured}", but there is no executable file at ${file}` +
        (ctx.remoteName ? ` on the ${ctx.remoteName} machine` : '') +
        '. Fix the path, or clear the setting to use the bundled afc or the one on PATH.',
    };
  }
  const tried: string[] = [];
  const bundled = bundledBinaryPath(ctx.extensionPath, ctx.platform, ctx.arch);
  tried.push(bundled);
  if (ctx.isExecutable(bundled)) {
    return { ok: true, command: bundled, source: 'bundled' };
  }
  for (const candidate of pathCandidates(ctx)) {
    tried.push(candidate);
    if (ctx.isExecutable(candidate)) {
      return { ok: true, command: candidate, source: 'path' };
    }
  }
  return {
    ok: false,
    tried,
    message:
      `Could not find the afc binary: this extension has none bundled for ${ctx.platform}-${ctx.arch} ` +
      `and there is no "afc" on the PATH${ctx.remoteName ? ` of the ${ctx.remoteName} machine` : ''}. ` +
      'Install the extension for your platform from the afc release (it bundles afc), install afc ' +
      '("cargo binstall afc" or "cargo install afc --locked"), or point "afc.server.path" at the ' +
      `binary. ${whereToSetPath(ctx.remoteName)}`,
  };
}

/** Whether `file` is a regular file this process may execute (on Windows: exists). */
export function isExecutableFile(file: string, platform: string = process.platform): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) {
      return false;
    }
    if (platform === 'win32') {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
