import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { affectsServerBinary, readSettings, toServerSettings } from '../src/settings';

const getter = (values: Record<string, unknown>) => (key: string) => values[key];

test('defaults when nothing is set', () => {
  assert.deepEqual(toServerSettings(readSettings(getter({}))), {
    afc: { attackBundle: null, catalogs: [], warningsAsErrors: false, detections: [] },
  });
});

test('values are mapped to the server shape', () => {
  const s = readSettings(getter({ attackBundle: '/data/enterprise-attack.json', catalogs: ['attack', 'atlas'], warningsAsErrors: true }));
  assert.deepEqual(toServerSettings(s), {
    afc: { attackBundle: '/data/enterprise-attack.json', catalogs: ['attack', 'atlas'], warningsAsErrors: true, detections: [] },
  });
});

test('blank bundle, wrong types, unknown and repeated catalogs are cleaned', () => {
  const s = readSettings(getter({ attackBundle: '  ', catalogs: ['ATLAS', 'nope', 3, 'atlas', ' f3 '], warningsAsErrors: 'yes' }));
  assert.deepEqual(s, { attackBundle: null, catalogs: ['atlas', 'f3'], warningsAsErrors: false, detections: [] });
  assert.deepEqual(readSettings(getter({ catalogs: 'attack' })).catalogs, []);
});

test('relative and ~ bundle paths are resolved', () => {
  const rel = readSettings(getter({ attackBundle: 'data/attack.json' }), { baseDir: '/ws' });
  assert.equal(rel.attackBundle, '/ws/data/attack.json');
  const home = readSettings(getter({ attackBundle: '~/attack.json' }), { baseDir: '/ws', homeDir: '/home/u' });
  assert.equal(home.attackBundle, '/home/u/attack.json');
  const abs = readSettings(getter({ attackBundle: '/abs/attack.json' }), { baseDir: '/ws' });
  assert.equal(abs.attackBundle, '/abs/attack.json');
  const win = readSettings(getter({ attackBundle: 'C:\\data\\attack.json' }), { baseDir: 'D:\\ws', platform: 'win32' });
  assert.equal(win.attackBundle, 'C:\\data\\attack.json');
});

test('detection sources are cleaned and resolved like the bundle path', () => {
  const s = readSettings(
    getter({ detections: ['sigma/rules', ' ', 7, '~/layer.json', '/abs/ids.txt', 'sigma/rules'] }),
    { baseDir: '/ws', homeDir: '/home/u' },
  );
  assert.deepEqual(s.detections, ['/ws/sigma/rules', '/home/u/layer.json', '/abs/ids.txt']);
  assert.deepEqual(toServerSettings(s).afc.detections, s.detections);
  assert.deepEqual(readSettings(getter({ detections: 'rules' })).detections, []);
});

test('toServerSettings copies the catalog list', () => {
  const s = readSettings(getter({ catalogs: ['attack'] }));
  const out = toServerSettings(s);
  out.afc.catalogs.push('f3');
  assert.deepEqual(s.catalogs, ['attack']);
});

test('only a change of the binary path restarts the server', () => {
  assert.equal(affectsServerBinary((s) => s === 'afc.server.path'), true);
  assert.equal(affectsServerBinary((s) => s === 'afc.catalogs'), false);
});
