import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  compiledPathFor,
  compileInvocation,
  compileReport,
  formatCliDiagnostic,
  parseCliDiagnostics,
  renderArgs,
  serverArgs,
  stixView,
} from '../src/commands';
import { readSettings } from '../src/settings';

const none = readSettings(() => undefined);

test('the bundle goes next to the flow with a .json extension', () => {
  assert.equal(compiledPathFor('/w/flows/a.af'), '/w/flows/a.json');
  assert.equal(compiledPathFor('/w/flows/B.AF'), '/w/flows/B.json');
  assert.equal(compiledPathFor('/w/flows/a.flow.af'), '/w/flows/a.flow.json');
  assert.equal(compiledPathFor('/w/flows/noext'), '/w/flows/noext.json');
});

test('compile arguments follow the settings', () => {
  assert.deepEqual(compileInvocation('/w/a.af', none), {
    args: ['--color', 'never', 'compile', '/w/a.af', '-o', '/w/a.json', '--format', 'json'],
    output: '/w/a.json',
  });
  const strict = readSettings((k) => ({ attackBundle: '/d/ea.json', warningsAsErrors: true })[k]);
  assert.deepEqual(compileInvocation('/w/a.af', strict).args, [
    '--color', 'never', 'compile', '/w/a.af', '-o', '/w/a.json', '--format', 'json', '--attack-bundle', '/d/ea.json', '--deny-warnings',
  ]);
});

test('server and render arguments', () => {
  assert.deepEqual(serverArgs(), ['lsp']);
  assert.deepEqual(renderArgs(), ['--color', 'never', 'render', '-', '--to', 'svg']);
});

// Lines as `afc compile --format json` prints them.
const e0101 = JSON.stringify({ file: '/w/a.af', line: 1, column: 1, code: 'E0101', severity: 'error', message: 'this file has no flow header', help: 'start the file with `flow "Name" { scope: incident }`' });
const w0101 = JSON.stringify({ file: '/w/a.af', line: 1, column: 1, code: 'W0101', severity: 'warning', message: 'the flow has no `created` timestamp' });
const w0202 = JSON.stringify({ file: '/w/a.af', line: 2, column: 3, code: 'W0202', severity: 'warning', message: 'the flow has no description' });

test('JSON diagnostics are read line by line; other lines are kept', () => {
  const { diagnostics, other } = parseCliDiagnostics(`${e0101}\nnot json\n\n[1, 2]\n`);
  assert.equal(diagnostics.length, 1);
  assert.equal(diagnostics[0].code, 'E0101');
  assert.deepEqual(other, ['not json', '[1, 2]']);
  assert.equal(
    formatCliDiagnostic(diagnostics[0]),
    '/w/a.af:1:1: error[E0101]: this file has no flow header\n  help: start the file with `flow "Name" { scope: incident }`',
  );
});

test('compile reports: success, warnings, errors, usage problems', () => {
  assert.deepEqual(compileReport('/w/a.json', 0, '', ''), { ok: true, message: 'Wrote a.json.', details: '' });
  const warned = compileReport('/w/a.json', 0, `${w0101}\n${w0202}\n`, '');
  assert.equal(warned.message, 'Wrote a.json (2 warnings).');
  assert.match(warned.details, /^\/w\/a\.af:1:1: warning\[W0101\]: the flow has no `created` timestamp\n\/w\/a\.af:2:3: warning\[W0202\]/);
  const failed = compileReport('/w/a.json', 1, `${e0101}\n${w0202}\n`, '');
  assert.equal(failed.ok, false);
  assert.equal(failed.message, 'Could not compile to a.json: 1 error, first E0101 at line 1: this file has no flow header.');
  assert.match(failed.details, /E0101/);
  // Where afc compile prints them: on standard error, after a plain note.
  const onStderr = compileReport('/w/a.json', 1, '', `note: reading a.af\n${e0101}\n`);
  assert.equal(onStderr.message, 'Could not compile to a.json: 1 error, first E0101 at line 1: this file has no flow header.');
  assert.match(onStderr.details, /^\/w\/a\.af:1:1: error\[E0101\][^]*\nnote: reading a\.af$/);
  const denied = compileReport('/w/a.json', 1, `${w0101}\n`, '');
  assert.equal(denied.message, 'Could not compile to a.json: 1 warning, reported as errors.');
  const usage = compileReport('/w/a.json', 2, '', "error: unrecognized subcommand 'compil'\n");
  assert.equal(usage.message, "Could not compile to a.json: error: unrecognized subcommand 'compil'.");
  assert.equal(compileReport('/w/a.json', null, '', '').message, 'Could not compile to a.json: afc was stopped.');
});

test('compiled STIX: objects are pretty-printed, text is kept, errors are explained', () => {
  const bundle = { type: 'bundle', id: 'bundle--1', objects: [] };
  assert.deepEqual(stixView({ stix: bundle }), { ok: true, content: `${JSON.stringify(bundle, null, 2)}\n` });
  assert.deepEqual(stixView({ stix: '{"type": "bundle"}\n' }), { ok: true, content: '{"type": "bundle"}\n' });
  const failed = stixView({
    stix: null,
    diagnostics: [
      { severity: 2, message: 'a warning' },
      { severity: 1, code: 'E0101', message: 'this file has no flow header\nhelp: start the file with `flow`' },
      { severity: 1, message: 'second' },
    ],
  });
  assert.deepEqual(failed, { ok: false, message: 'The flow has 2 errors and does not compile to STIX: E0101 this file has no flow header' });
  assert.equal(stixView(null).ok, false);
  assert.equal(stixView({ stix: null, diagnostics: [] }).ok, false);
});
