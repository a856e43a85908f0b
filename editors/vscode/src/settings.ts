// The extension's `afc.*` settings and their mapping to what the language server reads:
// `{ "afc": { "attackBundle": path, "catalogs": [...], "warningsAsErrors": bool,
// "detections": [paths] } }`, sent as
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
  /** Detection sources (Sigma rule folders, Navigator layers, id lists); empty for none. */
  detections: string[];
}

/** The object the server expects. */
export interface ServerSettings {
  afc: {
    attackBundle: string | null;
    catalogs: string[];
    warningsAsErrors: boolean;
    detections: string[];
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
  const resolve = (raw: string): string => {
    if (paths.homeDir && (raw === '~' || /^~[\\/]/.test(raw))) {
      return p.join(paths.homeDir, raw.slice(1));
    } else if (paths.baseDir && !p.isAbsolute(raw)) {
      return p.join(paths.baseDir, raw);
    }
    return raw;
  };
  const bundleRaw = get('attackBundle');
  const attackBundle: string | null =
    typeof bundleRaw === 'string' && bundleRaw.trim() !== '' ? resolve(bundleRaw.trim()) : null;
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
  const detectionsRaw = get('detections');
  const detections: string[] = [];
  if (Array.isArray(detectionsRaw)) {
    for (const d of detectionsRaw) {
      if (typeof d === 'string' && d.trim() !== '') {
        const full = resolve(d.trim());
        if (!detections.includes(full)) {
          detections.push(full);
        }
      }
    }
  }
  return { attackBundle, catalogs, warningsAsErrors, detections };
}

/** The settings in the server's shape. */
export function toServerSettings(s: AfcSettings): ServerSettings {
  return {
    afc: {
      attackBundle: s.attackBundle,
      catalogs: [...s.catalogs],
      warningsAsErrors: s.warningsAsErrors,
      detections: [...s.detections],
    },
  };
}

/** Whether a change of these settings needs the server restarted (a new binary). */
export function affectsServerBinary(changed: (section: string) => boolean): boolean {
  return changed('afc.server.path');
}
