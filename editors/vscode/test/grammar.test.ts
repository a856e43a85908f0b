// Tokenizes flows with the TextMate grammar the way VS Code does (vscode-textmate with the
// Oniguruma regex engine) and checks the scopes of the interesting pieces.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

const root = path.join(__dirname, '..', '..');
const grammarFile = path.join(root, 'syntaxes', 'attackflow.tmLanguage.json');

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) =>
      scope === 'source.attackflow' ? vsctm.parseRawGrammar(fs.readFileSync(grammarFile, 'utf8'), grammarFile) : null,
  });
  const g = await registry.loadGrammar('source.attackflow');
  if (!g) {
    throw new Error('grammar did not load');
  }
  return g;
}

interface Tok {
  text: string;
  scopes: string[];
  line: number;
}

function tokenize(g: vsctm.IGrammar, source: string): Tok[] {
  const out: Tok[] = [];
  let state = vsctm.INITIAL;
  source.split('\n').forEach((line, n) => {
    const r = g.tokenizeLine(line, state);
    for (const t of r.tokens) {
      out.push({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes, line: n });
    }
    state = r.ruleStack;
  });
  return out;
}

/** The innermost scope of the first token with exactly this text (optionally on a line). */
function scopeOf(toks: Tok[], text: string, line?: number): string {
  const t = toks.find((x) => x.text === text && (line === undefined || x.line === line));
  assert.ok(t, `no token ${JSON.stringify(text)}${line === undefined ? '' : ` on line ${line}`}`);
  return t.scopes[t.scopes.length - 1];
}

const grammar = loadGrammar();

test('declarations: flow keyword, kinds, names, technique ids and operators', async () => {
  const toks = tokenize(
    await grammar,
    [
      'flow "Example" {',
      '  scope: incident',
      '}',
      'action phish T1566.002 "Phish" {',
      '  tactic: TA0001',
      '}',
      'action prompt AML.T0051',
      'operator both AND',
      'user-account jdoe { account_login: "jdoe" }',
      'malware beacon S0154',
      'intrusion-set apt29 G0016 "APT29"',
    ].join('\n'),
  );
  assert.equal(scopeOf(toks, 'flow'), 'keyword.other.flow.attackflow');
  assert.equal(scopeOf(toks, 'action'), 'keyword.other.kind.attackflow');
  assert.equal(scopeOf(toks, 'phish'), 'entity.name.function.node.attackflow');
  assert.equal(scopeOf(toks, 'T1566.002'), 'constant.other.technique-id.attackflow');
  assert.equal(scopeOf(toks, 'AML.T0051'), 'constant.other.technique-id.attackflow');
  assert.equal(scopeOf(toks, 'TA0001'), 'constant.other.tactic-id.attackflow');
  assert.equal(scopeOf(toks, 'AND'), 'keyword.operator.logical.attackflow');
  assert.equal(scopeOf(toks, 'user-account'), 'storage.type.stix.attackflow');
  assert.equal(scopeOf(toks, 'malware'), 'storage.type.stix.attackflow');
  assert.equal(scopeOf(toks, 'beacon'), 'entity.name.function.node.attackflow');
  assert.equal(scopeOf(toks, 'S0154'), 'constant.other.attack-id.attackflow');
  assert.equal(scopeOf(toks, 'G0016'), 'constant.other.attack-id.attackflow');
  assert.equal(scopeOf(toks, 'scope'), 'support.type.property-name.attackflow');
  assert.equal(scopeOf(toks, 'account_login'), 'support.type.property-name.attackflow');
  assert.equal(scopeOf(toks, 'Example'), 'string.quoted.double.attackflow');
});

test('values: timestamps, numbers, booleans, tactic names, escapes, quoted keys', async () => {
  const toks = tokenize(
    await grammar,
    [
      'x t {',
      '  created: 2026-03-02T16:00:00.250+02:00',
      '  size: -42, score: 7.5, tiny: 1.0e-3',
      '  is_family: false',
      '  tactic: initial-access',
      '  hashes: { "SHA-256": "0f1e" }',
      '  text: "a\\tb \\u{2603} \\q"',
      '}',
    ].join('\n'),
  );
  assert.equal(scopeOf(toks, '2026-03-02T16:00:00.250+02:00'), 'constant.other.timestamp.attackflow');
  assert.equal(scopeOf(toks, '-42'), 'constant.numeric.attackflow');
  assert.equal(scopeOf(toks, '7.5'), 'constant.numeric.attackflow');
  assert.equal(scopeOf(toks, '1.0e-3'), 'constant.numeric.attackflow');
  assert.equal(scopeOf(toks, 'false'), 'constant.language.boolean.attackflow');
  assert.equal(scopeOf(toks, 'initial-access'), 'constant.other.tactic-id.attackflow');
  assert.equal(scopeOf(toks, 'SHA-256'), 'support.type.property-name.quoted.attackflow');
  assert.equal(scopeOf(toks, '\\t'), 'constant.character.escape.attackflow');
  assert.equal(scopeOf(toks, '\\u{2603}'), 'constant.character.escape.attackflow');
  assert.equal(scopeOf(toks, '\\q'), 'invalid.illegal.unknown-escape.attackflow');
});

test('edges: arrows, branch labels and relationship types', async () => {
  const toks = tokenize(await grammar, ['a, b -> c', 'c -[false]-> d', 'm -[related-to]-> t { confidence: 80 }', '  -> e'].join('\n'));
  assert.equal(scopeOf(toks, '->', 0), 'keyword.operator.arrow.attackflow');
  assert.equal(scopeOf(toks, 'false'), 'constant.language.branch.attackflow');
  assert.equal(scopeOf(toks, 'related-to'), 'entity.name.tag.relationship-type.attackflow');
  assert.equal(scopeOf(toks, '-['), 'keyword.operator.arrow.attackflow');
  assert.equal(scopeOf(toks, '->', 3), 'keyword.operator.arrow.attackflow');
  // An edge line is not mistaken for a declaration.
  assert.notEqual(scopeOf(toks, 'a'), 'storage.type.stix.attackflow');
});

test('comments, and """ strings over several lines that may end in quotes', async () => {
  const toks = tokenize(
    await grammar,
    [
      '# a comment',
      'flow "x" {  # trailing',
      '  description: """',
      '    action inside T1078 # not a comment',
      '    say "hi""""',
      '  scope: incident',
      '}',
    ].join('\n'),
  );
  assert.equal(scopeOf(toks, ' a comment'), 'comment.line.number-sign.attackflow');
  assert.equal(scopeOf(toks, ' trailing'), 'comment.line.number-sign.attackflow');
  const inside = toks.filter((t) => t.line === 3);
  assert.ok(inside.length > 0);
  for (const t of inside) {
    assert.ok(t.scopes.includes('string.quoted.triple.attackflow'), `line 3 token ${JSON.stringify(t.text)} is ${t.scopes.join(' ')}`);
  }
  assert.equal(scopeOf(toks, '""""'), 'punctuation.definition.string.end.attackflow');
  assert.equal(scopeOf(toks, 'scope'), 'support.type.property-name.attackflow');
});

test('every example flow tokenizes without a string left open', async () => {
  const g = await grammar;
  const repo = path.join(root, '..', '..');
  const dirs = [path.join(repo, 'examples'), path.join(repo, 'crates', 'af-compile', 'tests', 'flows')];
  let files = 0;
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) {
      continue;
    }
    for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.af'))) {
      files++;
      const toks = tokenize(g, fs.readFileSync(path.join(dir, name), 'utf8'));
      const last = toks[toks.length - 1];
      assert.ok(last, `${name} has no tokens`);
      assert.ok(!last.scopes.some((s) => s.startsWith('string')), `${name}: a string is still open at the end`);
      const ids = toks.filter((t) => t.scopes.includes('constant.other.technique-id.attackflow'));
      assert.ok(ids.length > 0 || !/\bT\d{4}\b/.test(fs.readFileSync(path.join(dir, name), 'utf8')), `${name}: no technique id found`);
    }
  }
  assert.ok(files > 0, 'no example flows found');
});
