// Drives code-server in headless Chromium (see run.sh): Problems panel, completion, preview.
// Environment: AFC_E2E_URL (the workbench with the workspace folder), AFC_E2E_OUT (screenshots),
// CHROMIUM (the browser), NODE_PATH (where puppeteer-core is installed).
'use strict';

const path = require('node:path');
const puppeteer = require('puppeteer-core');

const url = process.env.AFC_E2E_URL;
const out = process.env.AFC_E2E_OUT;
const STEP_TIMEOUT = 90_000;

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a truthy value; fails with `what` after `timeout` ms. */
async function waitFor(what, probe, timeout = STEP_TIMEOUT) {
  const started = Date.now();
  let last;
  while (Date.now() - started < timeout) {
    try {
      last = await probe();
      if (last) {
        return last;
      }
    } catch (err) {
      last = err;
    }
    await sleep(250);
  }
  throw new Error(`timed out after ${timeout / 1000}s waiting for ${what} (last: ${last})`);
}

async function chord(page, modifiers, key) {
  for (const m of modifiers) {
    await page.keyboard.down(m);
  }
  await page.keyboard.press(key);
  for (const m of [...modifiers].reverse()) {
    await page.keyboard.up(m);
  }
}

/** The text of every element matching `selector` (the editor renders spaces as U+00A0). */
async function text(page, selector) {
  const t = await page.$$eval(selector, (els) => els.map((e) => e.textContent || '').join('\n'));
  return t.replace(/\u00a0/g, ' ');
}

async function shot(page, name) {
  const file = path.join(out, `${name}.png`);
  await page.screenshot({ path: file });
  console.log(`  screenshot ${file}`);
}

/** Runs a command from the command palette (F1). */
async function command(page, title) {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget .quick-input-box input', { visible: true, timeout: STEP_TIMEOUT });
  await page.keyboard.type(title);
  await waitFor(`"${title}" in the command palette`, async () =>
    (await text(page, '.quick-input-widget .monaco-list-row')).includes(title),
  );
  await page.keyboard.press('Enter');
}

/** Opens a workspace file with Quick Open (Ctrl+P) and waits for its editor tab. */
async function open(page, name) {
  await chord(page, ['Control'], 'KeyP');
  await page.waitForSelector('.quick-input-widget .quick-input-box input', { visible: true, timeout: STEP_TIMEOUT });
  await page.keyboard.type(name);
  await waitFor(`${name} in Quick Open`, async () => (await text(page, '.quick-input-widget .monaco-list-row')).includes(name));
  await page.keyboard.press('Enter');
  await waitFor(`the editor of ${name}`, async () => (await text(page, '.tabs-container .tab.active')).includes(name));
  // The tab shows before the editor inside it exists (the text model loads over the
  // connection): wait for its lines, then focus them.
  const lines = '.editor-group-container.active .monaco-editor .view-lines';
  await page.waitForSelector(lines, { visible: true, timeout: STEP_TIMEOUT });
  await waitFor(`the text of ${name}`, async () => (await text(page, lines)).trim().length > 0);
  await page.click(lines);
}

async function main() {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--window-size=1600,1000'],
    defaultViewport: { width: 1600, height: 1000 },
  });
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  try {
    // code-server answers as soon as it listens; retry until then.
    await waitFor('code-server to answer', async () => {
      const r = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 10_000 }).catch(() => null);
      return r && r.ok();
    });
    await page.waitForSelector('.monaco-workbench', { timeout: STEP_TIMEOUT });
    await waitFor('the explorer to list the workspace', async () => (await text(page, '.explorer-folders-view')).includes('broken.af'));

    console.log('1. diagnostics from afc in the Problems panel');
    await open(page, 'broken.af');
    await chord(page, ['Control', 'Shift'], 'KeyM');
    const markers = await waitFor('E0105 in the Problems panel', async () => {
      const t = await text(page, '.markers-panel .monaco-list-row');
      return t.includes('logn') && t.includes('E0105') ? t : '';
    });
    console.log(`  problems: ${markers.replace(/\s+/g, ' ').slice(0, 160)}`);
    await shot(page, '1-problems');

    console.log('2. completion of a technique id from the catalog');
    await page.click('.editor-group-container.active .monaco-editor .view-lines');
    await chord(page, ['Control'], 'End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('action next T1566');
    await chord(page, ['Control'], 'Space');
    const items = await waitFor('T1566.001 in the suggestions', async () => {
      const t = await text(page, '.suggest-widget .monaco-list-row');
      return t.includes('T1566.001') ? t : '';
    });
    console.log(`  suggestions: ${items.replace(/\s+/g, ' ').slice(0, 160)}`);
    await shot(page, '2-completion');
    // Accept T1566.001 wherever the server ranked it (the ranking follows the flow's other
    // techniques) and see it in the text. The first row has the focus.
    const index = await page.$$eval('.suggest-widget .monaco-list-row', (rows) => {
      const row = rows.find((r) => (r.textContent || '').trim().startsWith('T1566.001'));
      return row ? Number(row.getAttribute('data-index')) : -1;
    });
    if (!(index >= 0)) {
      throw new Error(`T1566.001 is not a row of the suggestions: ${items}`);
    }
    for (let i = 0; i < index; i++) {
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await waitFor('T1566.001 completed in the editor', async () =>
      (await text(page, '.editor-group-container.active .monaco-editor .view-lines')).includes('action next T1566.001'),
    );
    // The server checks the new text: the unknown id `T1566` is gone, the typo stays.
    await waitFor('the Problems panel to show only E0105', async () => {
      const t = await text(page, '.markers-panel .monaco-list-row');
      return t.includes('E0105') && !t.includes('E0401');
    });
    await shot(page, '2-completed');

    console.log('3. the preview renders the flow');
    await open(page, 'flow.af');
    await command(page, 'Attack Flow: Preview');
    const svg = await waitFor('an SVG in the preview', async () => {
      for (const frame of page.frames()) {
        const found = await frame
          .evaluate(() => {
            const s = document.querySelector('.svg svg');
            return s ? { texts: s.querySelectorAll('text').length, width: s.getBoundingClientRect().width } : null;
          })
          .catch(() => null);
        if (found && found.texts > 0 && found.width > 0) {
          return found;
        }
      }
      return null;
    });
    console.log(`  preview: an SVG ${Math.round(svg.width)} px wide with ${svg.texts} text elements`);
    await sleep(500);
    await shot(page, '3-preview');

    const toasts = await text(page, '.notifications-toasts .notification-list-item-message');
    if (/afc/i.test(toasts) && /(could not|did not start|error)/i.test(toasts)) {
      throw new Error(`an afc error notification is showing: ${toasts}`);
    }
    console.log('VS Code end to end: diagnostics, completion and preview work');
  } catch (err) {
    await shot(page, 'failure').catch(() => undefined);
    const toasts = await text(page, '.notifications-toasts').catch(() => '');
    console.error(`FAILED: ${err.message}`);
    if (toasts) {
      console.error(`notifications: ${toasts}`);
    }
    for (const p of problems) {
      console.error(p);
    }
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}

main();
