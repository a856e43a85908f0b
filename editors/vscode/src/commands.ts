// What the commands run and how their results are shown, without the VS Code API: argument
// lists for `afc`, where the compiled bundle goes, and turning a server answer into text.

import * as path from 'node:path';
import type { AfcSettings } from './settings';

/** Arguments that start the language server. */
export function serverArgs(): string[] {
  return ['lsp'];
}

/** The `.json` written next to a flow: `dir/name.af` → `dir/name.json` (as `afc compile` does). */
export function compiledPathFor(file: string): string {
  const ext = path.extname(file);
  const base = ext.toLowerCase() === '.af' ? file.slice(0, -ext.length) : file;
  return `${base}.json`;
}

/** An `afc compile` invocation: the arguments and the file it writes. */
export interface CompileInvocation {
  args: string[];
  output: string;
}

/**
 * `afc compile FILE -o FILE.json --format json`, with the settings' bundle and warning policy.
 * The diagnostics come on standard output, one JSON object per line.
 */
export function compileInvocation(file: string, settings: AfcSettings): CompileInvocation {
  const output = compiledPathFor(file);
  const args = ['--color', 'never', 'compile', file, '-o', output, '--format', 'json'];
  if (settings.attackBundle !== null) {
    args.push('--attack-bundle', settings.attackBundle);
  }
  if (settings.warningsAsErrors) {
    args.push('--deny-warnings');
  }
  return { args, output };
}

/** `afc render - --to svg`: the flow's text comes on standard input, so unsaved edits show. */
export function renderArgs(): string[] {
  return ['--color', 'never', 'render', '-', '--to', 'svg'];
}

/** One diagnostic of `--format json` (see docs/diagnostics.md). */
export interface CliDiagnostic {
  file?: string;
  line?: number;
  column?: number;
  code?: string;
  severity?: string;
  message?: string;
  help?: string;
}

/** Reads `--format json` output: the diagnostics, and any line that is not one. */
export function parseCliDiagnostics(stdout: string): { diagnostics: CliDiagnostic[]; other: string[] } {
  const diagnostics: CliDiagnostic[] = [];
  const other: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    if (line.trim() === '') {
      continue;
    }
    try {
      const value: unknown = JSON.parse(line);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        diagnostics.push(value as CliDiagnostic);
        continue;
      }
    } catch {
      // Not JSON: keep the line as it is.
    }
    other.push(line);
  }
  return { diagnostics, other };
}

/** `file:line:column: severity[CODE]: message`, then the help on its own line. */
export function formatCliDiagnostic(d: CliDiagnostic): string {
  const where = [d.file ?? '', d.line ?? '', d.column ?? ''].filter((x) => x !== '').join(':');
  const head = `${where ? `${where}: ` : ''}${d.severity ?? 'error'}${d.code ? `[${d.code}]` : ''}: ${d.message ?? ''}`;
  return d.help ? `${head}\n  help: ${d.help}` : head;
}

/** What the user is told after `afc compile` ran. */
export interface CompileReport {
  ok: boolean;
  /** One line for a notification. */
  message: string;
  /** Everything afc printed, for the output channel. */
  details: string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Summarizes a finished `afc compile --format json`. Exit 0 is success (warnings may have been
 * printed). `afc compile` prints its diagnostics on standard error (docs/cli.md), older releases
 * on standard output: JSON lines are read from both, every other line is kept for the details.
 */
export function compileReport(output: string, code: number | null, stdout: string, stderr: string): CompileReport {
  const out = parseCliDiagnostics(stdout);
  const err = parseCliDiagnostics(stderr);
  const diagnostics = [...out.diagnostics, ...err.diagnostics];
  const other = [...out.other, ...err.other];
  const details = [...diagnostics.map(formatCliDiagnostic), ...other].filter((l) => l.trim() !== '').join('\n');
  const name = path.basename(output);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  if (code === 0) {
    const suffix = warnings.length > 0 ? ` (${plural(warnings.length, 'warning')})` : '';
    return { ok: true, message: `Wrote ${name}${suffix}.`, details };
  }
  let why: string;
  if (code === 1 && errors.length > 0) {
    const first = errors[0];
    why = `${plural(errors.length, 'error')}, first ${first.code ?? ''} at line ${first.line ?? '?'}: ${firstLine(first.message ?? '') ?? ''}`;
  } else if (code === 1 && warnings.length > 0) {
    why = `${plural(warnings.length, 'warning')}, reported as errors`;
  } else if (code === null) {
    why = 'afc was stopped';
  } else {
    why = firstLine(err.other.join('\n')) ?? firstLine(out.other.join('\n')) ?? `afc exited with code ${code}`;
  }
  return { ok: false, message: `Could not compile to ${name}: ${why}.`, details };
}

function firstLine(text: string): string | undefined {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '');
  return line?.trim();
}

/** The answer of the server's `afc/compiledStix` request. */
export interface CompiledStixResult {
  /** The bundle (object or serialized text); null when the flow has errors. */
  stix: unknown;
  /** LSP diagnostics of the flow. */
  diagnostics?: Array<{ severity?: number; code?: string | number; message?: string }>;
}

/** Either the JSON text to show or the reason there is none. */
export type StixView = { ok: true; content: string } | { ok: false; message: string };

/** Turns an `afc/compiledStix` answer into an editor's text. */
export function stixView(result: CompiledStixResult | null | undefined): StixView {
  if (result === null || result === undefined || typeof result !== 'object') {
    return { ok: false, message: 'The language server returned no answer for this flow.' };
  }
  const { stix } = result;
  if (stix !== null && stix !== undefined) {
    const content = typeof stix === 'string' ? stix : `${JSON.stringify(stix, null, 2)}\n`;
    return { ok: true, content };
  }
  const errors = (result.diagnostics ?? []).filter((d) => d.severity === 1);
  const head = errors[0];
  const first = head?.message ? `${head.code ? `${head.code} ` : ''}${firstLine(head.message) ?? ''}` : undefined;
  const count = errors.length;
  if (count === 0) {
    return { ok: false, message: 'The flow did not compile to STIX.' };
  }
  return {
    ok: false,
    message:
      `The flow has ${count} error${count === 1 ? '' : 's'} and does not compile to STIX` +
      (first ? `: ${first}` : '.'),
  };
}
