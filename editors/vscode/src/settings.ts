// The extension's `afc.*` settings and their mapping to what the language server reads:
// `{ "afc": { "attackBundle": path, "catalogs": [...], "warningsAsErrors": bool } }`, sent as
// `initializationOptions` and in `workspace/didChangeConfiguration`. No VS Code API here.

import * as path from 'node:path';

/** Catalog names the server and `afc attack --catalog` know. */
export const CATALOGS = ['attack', 'atlas', 'd3fend', 'f3'] as const;

/** The settings that matter to the server and the CLI. */
export interface AfcSettings {
  /** An ATT&CK STIX bundle replacing the embedded ATT&CK, or null for the embedded one. */
  attackBundle: string | null;
  /** Catalogs completion offers ids from; empty means all. */
  catalogs: string[];
  /** Report warnings as errors. */
  warningsAsErrors: boolean;
}

/** The object the server expects. */
export interface ServerSettings {
  afc: {
    attackBundle: string | null;
    catalogs: string[];
    warningsAsErrors: boolean;
  };
}

/** Reads one setting; `undefined` when unset. `key` is relative to `afc.`. */
export type SettingGetter = (key: string) => unknown;

/** How relative paths in settings are resolved. */
export interface PathContext {
  /** Directory a relative bundle path is taken from (the first workspace folder). */
  baseDir?: string;
  /** The home directory, for a leading `~`. */
  homeDir?: string;
  /** `'win32'` for Windows path rules; anything else for POSIX. */
  platform?: string;
}

/**
 * Reads and cleans the settings: wrong types fall back to the defaults, an empty or blank
 * bundle path means none, and unknown or repeated catalog names are dropped (case-insensitive).
 * A bundle path starting with `~` is taken from the home directory, a relative one from the
 * workspace folder.
 */
export function readSettings(get: SettingGetter, paths: PathContext = {}): AfcSettings {
  const p = paths.platform === 'win32' ? path.win32 : path.posix;
  const bundleRaw = get('attackBundle');
  let attackBundle: string | null = typeof bundleRaw === 'string' && bundleRaw.trim() !== '' ? bundleRaw.trim() : null;
  if (attackBundle !== null) {
    if (paths.homeDir && (attackBundle === '~' || /^~[\\/]/.test(attackBundle))) {
      attackBundle = p.join(paths.homeDir, attackBundle.slice(1));
    } else if (paths.baseDir && !p.isAbsolute(attackBundle)) {
      attackBundle = p.join(paths.baseDir, attackBundle);
    }
  }
  const catalogsRaw = get('catalogs');
  const catalogs: string[] = [];
  if (Array.isArray(catalogsRaw)) {
    for (const c of catalogsRaw) {
      if (typeof c !== 'string') {
        continue;
      }
      const name = c.trim().toLowerCase();
      if ((CATALOGS as readonly string[]).includes(name) && !catalogs.includes(name)) {
        catalogs.push(name);
      }
    }
  }
  const warningsAsErrors = get('warningsAsErrors') === true;
  return { attackBundle, catalogs, warningsAsErrors };
}

/** The settings in the server's shape. */
export function toServerSettings(s: AfcSettings): ServerSettings {
  return {
    afc: {
      attackBundle: s.attackBundle,
      catalogs: [...s.catalogs],
      warningsAsErrors: s.warningsAsErrors,
    },
  };
}

/** Whether a change of these settings needs the server restarted (a new binary). */
export function affectsServerBinary(changed: (section: string) => boolean): boolean {
  return changed('afc.server.path');
}
