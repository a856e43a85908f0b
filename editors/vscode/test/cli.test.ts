// The command wiring against a real afc binary, when AFC_BIN names one (build.sh passes it on;
// .ci/run sets it to the release build). Skipped otherwise.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileInvocation, compileReport } from '../src/commands';
import { runAfc } from '../src/process';
import { CliRenderer } from '../src/render';
import { readSettings } from '../src/settings';

const afc = process.env.AFC_BIN ? path.resolve(process.env.AFC_BIN) : undefined;
const skip = afc === undefined ? 'AFC_BIN is not set' : !fs.existsSync(afc) ? `no afc at ${afc}` : false;
const example = path.join(__dirname, '..', '..', '..', '..', 'examples', 'bec-invoice-fraud.af');

test('Compile to STIX writes FILE.json next to the flow, or explains the errors', { skip }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afc-compile-'));
  try {
    const good = path.join(dir, 'good.af');
    fs.copyFileSync(example, good);
    const settings = readSettings(() => undefined);
    const inv = compileInvocation(good, settings);
    const r = await runAfc(afc as string, inv.args, { cwd: dir });
    const report = compileReport(inv.output, r.code, r.stdout, r.stderr);
    assert.equal(report.ok, true, report.details);
    assert.equal(inv.output, path.join(dir, 'good.json'));
    const bundle = JSON.parse(fs.readFileSync(inv.output, 'utf8'));
    assert.equal(bundle.type, 'bundle');

    const bad = path.join(dir, 'bad.af');
    fs.writeFileSync(bad, 'action lonely T1078\n');
    const badInv = compileInvocation(bad, settings);
    const b = await runAfc(afc as string, badInv.args, { cwd: dir });
    const badReport = compileReport(badInv.output, b.code, b.stdout, b.stderr);
    assert.equal(badReport.ok, false);
    assert.match(badReport.message, /E0101/);
    assert.match(badReport.details, /bad\.af:1:1: error\[E0101\]/);
    assert.equal(fs.existsSync(badInv.output), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('Preview renders the unsaved text to SVG', { skip }, async (t) => {
  const help = await runAfc(afc as string, ['render', '--help']);
  if (help.code !== 0) {
    t.skip(`${afc} has no render command`);
    return;
  }
  const renderer = new CliRenderer(() => afc);
  const ok = await renderer.render(fs.readFileSync(example, 'utf8'), 'bec-invoice-fraud.af');
  assert.equal(ok.ok, true, ok.ok ? '' : ok.message);
  const bad = await renderer.render('action lonely T1078\n', 'bad.af');
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.message, /E0101/);
});
