import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CliRenderer, escapeHtml, previewHtml } from '../src/render';
import { runAfc } from '../src/process';

// A stand-in for afc written in Node: `render - --to svg` echoes its input inside an SVG,
// and input containing "BROKEN" fails like a flow with errors.
function fakeAfc(dir: string): string {
  const file = path.join(dir, 'afc');
  fs.writeFileSync(
    file,
    `#!${process.execPath}
const args = process.argv.slice(2);
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  if (args.join(' ') !== '--color never render - --to svg') {
    process.stderr.write('error: bad arguments ' + args.join(' ') + '\\n');
    process.exit(2);
  }
  if (input.includes('BROKEN')) {
    process.stderr.write('error[E0101]: this file has no flow header\\n');
    process.exit(1);
  }
  process.stdout.write('<?xml version="1.0"?>\\n<svg xmlns="http://www.w3.org/2000/svg"><text>' + input.length + '</text></svg>\\n');
});
`,
  );
  fs.chmodSync(file, 0o755);
  return file;
}

const posix = process.platform !== 'win32';

test('the CLI renderer pipes the text and returns the SVG', { skip: !posix && 'needs a POSIX shebang' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afc-render-'));
  try {
    const r = new CliRenderer(() => fakeAfc(dir));
    const text = 'flow "x"\n';
    const ok = await r.render(text, 'x.af');
    assert.equal(ok.ok, true);
    if (ok.ok) {
      assert.match(ok.svg, new RegExp(`<text>${text.length}</text>`));
    }
    const bad = await r.render('BROKEN', 'x.af');
    assert.deepEqual(bad, { ok: false, message: 'Could not render x.af:\nerror[E0101]: this file has no flow header' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('no binary, or one that cannot start, is reported', async () => {
  const none = await new CliRenderer(() => undefined).render('', 'x.af');
  assert.equal(none.ok, false);
  const missing = await new CliRenderer(() => path.join(os.tmpdir(), 'no-such-afc-binary')).render('', 'x.af');
  assert.equal(missing.ok, false);
  if (!missing.ok) {
    assert.match(missing.message, /ENOENT/);
  }
});

test('runAfc stops a process that runs too long', { skip: !posix && 'uses sleep' }, async () => {
  const r = await runAfc('sleep', ['5'], { timeoutMs: 100 });
  assert.equal(r.code, null);
  assert.match(r.stderr, /did not finish/);
});

test('the preview page shows the SVG without its prolog, or the escaped error', () => {
  const page = previewHtml({ ok: true, svg: '<?xml version="1.0"?>\n<svg><g/></svg>' }, 'Preview a.af');
  assert.match(page, /<div class="svg"><svg><g\/><\/svg><\/div>/);
  assert.doesNotMatch(page, /<\?xml/);
  assert.match(page, /default-src 'none'/);
  const err = previewHtml({ ok: false, message: 'bad <script>alert(1)</script>' }, 'Preview a.af');
  assert.doesNotMatch(err, /<script>/);
  assert.match(err, /bad &#60;script&#62;/);
  assert.equal(escapeHtml(`&<>"'`), '&#38;&#60;&#62;&#34;&#39;');
});
