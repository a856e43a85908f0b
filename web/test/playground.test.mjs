// The playground in a real browser (Debian's Chromium, headless) against the built site served
// from 127.0.0.1: typing, diagnostics, completion, the picture, importing, formatting, share
// links, themes, downloads, the viewer, and byte-identical output with the afc CLI.

import assert from "node:assert/strict";
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  afc, afcBin, afcStdin, artifactDir, checks, editorText, examples, firefoxSkipReason, launch, launchFirefox, nextCheck,
  openPlayground, scratchDir, serve, shared, skipReason,
} from "./harness.mjs";

const cliReason = skipReason ?? (afcBin ? undefined : "no afc binary (set AFC_BIN or cargo build -p afc)");

describe("playground", { skip: skipReason }, () => {
  let server;
  let browser;
  let page;
  let network; // requests of `page` once it was ready

  before(async () => {
    server = await serve();
    browser = await launch();
    page = await openPlayground(browser, server.url);
    network = page.network.length;
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const typeAtEnd = async (text) => {
    await page.click(".cm-content");
    await page.keyboard.down("Control");
    await page.keyboard.press("End");
    await page.keyboard.up("Control");
    await page.keyboard.type(text);
  };

  const problemCodes = () => page.$$eval("#problems button", (bs) => bs.map((b) => b.dataset.code));

  test("loads an example, checks it and draws it", async () => {
    assert.equal(page.errors.length, 0, page.errors.join("\n"));
    assert.equal(await page.$eval("#problem-count", (e) => e.textContent), "none");
    const text = await editorText(page);
    assert.match(text, /^flow "/m);
    assert.ok(await page.$("#picture svg"), "the picture pane shows an SVG");
    // Highlighting comes from afc's semantic tokens.
    assert.ok(await page.$(".cm-content .tok-macro"), "technique ids are highlighted");
  });

  test("a typed mistake shows a diagnostic, and it goes away when fixed", async () => {
    let n = await checks(page);
    await typeAtEnd("\nexfil -> nosuch_step");
    await nextCheck(page, n);
    await page.waitForFunction(() => document.body.dataset.errors !== "0");
    const row = await page.$eval("#problems button", (b) => b.textContent);
    assert.match(row, /nosuch_step/);
    assert.ok(await page.$(".cm-lintRange-error"), "the mistake is underlined in the editor");
    assert.equal(await page.$eval("#stale", (e) => e.hidden), false, "the picture says it is stale");

    n = await checks(page);
    for (let i = 0; i < "nosuch_step".length; i++) await page.keyboard.press("Backspace");
    await page.keyboard.type("extort");
    await nextCheck(page, n);
    await page.waitForFunction(() => document.body.dataset.errors === "0");
    assert.ok(!(await problemCodes()).length || !(await page.$eval("#problems", (e) => e.textContent)).includes("nosuch_step"));
    assert.equal(await page.$eval("#stale", (e) => e.hidden), true);
  });

  test("completes a technique id with its name, and the picture follows", async () => {
    await typeAtEnd('\naction typed_step T1566.00');
    await page.keyboard.down("Control");
    await page.keyboard.press("Space");
    await page.keyboard.up("Control");
    await page.waitForSelector(".cm-tooltip-autocomplete li");
    const items = await page.$$eval(".cm-tooltip-autocomplete li", (lis) => lis.map((li) => li.textContent));
    assert.ok(items.some((t) => t.includes("T1566.001") && t.includes("Spearphishing Attachment")), items.join("\n"));
    const n = await checks(page);
    // CodeMirror ignores keys for its interactionDelay (75 ms) after the list opens; on a
    // loaded machine the Enter could come sooner and insert a line break instead.
    await new Promise((r) => setTimeout(r, 250));
    // Take T1566.001 wherever it is ranked (the first item is selected).
    const index = items.findIndex((t) => t.startsWith("T1566.001"));
    assert.ok(index >= 0, `T1566.001 is not an item of its own: ${items.join(" | ")}`);
    for (let i = 0; i < index; i++) await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.keyboard.type(' "Typed in the browser"\nextort -> typed_step');
    await nextCheck(page, n);
    await page.waitForFunction(() => document.body.dataset.errors === "0");
    assert.match(await editorText(page), /action typed_step T1566\.001 "Typed in the browser"/);
    const svg = await page.$eval("#picture svg", (s) => s.textContent);
    assert.match(svg, /Typed in the browser/);
    assert.match(svg, /Spearphishing Attachment/);
  });

  test("hover shows what a technique is", async () => {
    const target = await page.$$eval(".cm-content .tok-macro", (els) => {
      const el = els.find((e) => e.textContent === "T1566.001");
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    });
    assert.ok(target, "the completed id is on screen and highlighted");
    await page.mouse.move(target.x, target.y);
    await page.waitForSelector(".cm-tooltip-hover .md", { timeout: 5000 });
    assert.match(await page.$eval(".cm-tooltip-hover", (e) => e.textContent), /Spearphishing Attachment/);
    await page.mouse.move(5, 5);
  });

  test("downloads the picture exactly as afc render draws it", { skip: cliReason }, async () => {
    const dir = scratchDir();
    const cdp = await page.createCDPSession();
    await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: dir, eventsEnabled: true });
    await page.click('[data-download="svg"]');
    const file = join(dir, "ransomware-double-extortion.svg");
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !readdirSync(dir).includes(basename(file))) await new Promise((r) => setTimeout(r, 100));
    const source = join(dir, "flow.af");
    writeFileSync(source, await editorText(page));
    const theme = await page.evaluate(() => document.documentElement.dataset.theme);
    assert.equal(readFileSync(file, "utf8"), afc("render", source, "--theme", theme));
  });

  test("formats on demand like afc fmt", { skip: cliReason }, async () => {
    const dir = scratchDir();
    const messy = join(dir, "messy.af");
    writeFileSync(
      messy,
      'flow "Messy" { scope: incident, created: 2026-01-01T00:00:00Z,\n description: "d" }\naction  a   T1566 "A"\naction b T1078 "B" {tactic:TA0001}\na->b\n',
    );
    const input = await page.$("#file");
    let n = await checks(page);
    await input.uploadFile(messy);
    await nextCheck(page, n);
    assert.equal(await editorText(page), readFileSync(messy, "utf8"));
    n = await checks(page);
    await page.click("#format");
    await nextCheck(page, n);
    assert.equal(await editorText(page), afcStdin(readFileSync(messy, "utf8"), "fmt", "-"));
  });

  test("imports a corpus bundle through the file input, as afc import does", { skip: cliReason }, async () => {
    const corpus = join(shared, "corpus", "stix");
    let bundle;
    try {
      bundle = join(corpus, readdirSync(corpus).filter((f) => f.endsWith(".json")).sort()[0]);
    } catch {
      // Without the shared corpus: a bundle the CLI compiled from an example.
      const dir = scratchDir();
      bundle = join(dir, "bundle.json");
      writeFileSync(bundle, afc("compile", examples[0]));
      console.log(`# no corpus at ${corpus}: importing ${basename(examples[0])} compiled by afc instead`);
    }
    const upload = join(scratchDir(), basename(bundle));
    copyFileSync(bundle, upload);
    const n = await checks(page);
    await (await page.$("#file")).uploadFile(upload);
    await nextCheck(page, n);
    assert.equal(await editorText(page), afc("import", upload));
    assert.match(await page.$eval("#notice", (e) => e.textContent), /Imported .* \(a STIX bundle\)/);
  });

  test("a share link carries the text and gives it back", async () => {
    const text = await editorText(page);
    await page.click("#share");
    await page.waitForSelector("#share-link");
    const link = await page.$eval("#share-link", (e) => e.value);
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#af=[A-Za-z0-9_-]+$/);
    const other = await openPlayground(browser, link);
    try {
      assert.equal(await editorText(other), text);
      assert.equal(other.errors.length, 0, other.errors.join("\n"));
    } finally {
      await other.close();
    }
  });

  test("switches theme, redraws the picture, and screenshots for review", async () => {
    const dir = artifactDir();
    await page.screenshot({ path: join(dir, "playground-light.png") });
    const before = await page.$eval("#picture svg", (s) => s.outerHTML);
    await page.click("#theme");
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
    assert.equal(await page.$eval("#theme", (b) => b.getAttribute("aria-pressed")), "true");
    const afterSvg = await page.$eval("#picture svg", (s) => s.outerHTML);
    assert.notEqual(afterSvg, before, "the picture is redrawn in the dark theme");
    const bg = await page.$eval(".cm-editor", (e) => getComputedStyle(e).backgroundColor);
    assert.equal(bg, "rgb(21, 26, 34)");
    await page.screenshot({ path: join(dir, "playground-dark.png") });
    await page.click("#theme");
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "light");
  });

  test("tabs are keyboard accessible and show every output", async () => {
    await page.focus("#tab-picture");
    await page.keyboard.press("ArrowRight");
    assert.equal(await page.evaluate(() => document.activeElement.id), "tab-stix");
    assert.match(await page.$eval("#stix", (e) => e.textContent), /"type": "bundle"/);
    await page.keyboard.press("ArrowRight");
    assert.match(await page.$eval("#mermaid", (e) => e.textContent), /^flowchart/m);
    await page.keyboard.press("ArrowRight");
    assert.match(await page.$eval("#navigator", (e) => e.textContent), /"domain": "enterprise-attack"/);
    await page.keyboard.press("Home");
    assert.equal(await page.evaluate(() => document.activeElement.id), "tab-picture");
  });

  test("makes no network request after it has loaded", async () => {
    assert.deepEqual(page.network.slice(network), []);
    const origin = new URL(server.url).origin;
    assert.ok(page.network.every((u) => u.startsWith(origin)), page.network.join("\n"));
    assert.equal(page.errors.length, 0, page.errors.join("\n"));
  });
});

describe("same output as the afc CLI", { skip: cliReason }, () => {
  let server;
  let browser;
  let page;

  before(async () => {
    server = await serve();
    browser = await launch();
    page = await openPlayground(browser, server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const file of examples) {
    test(`${basename(file)}: STIX, SVG and Mermaid are byte-identical`, async () => {
      const source = readFileSync(file, "utf8");
      const out = await page.evaluate((src) => {
        const flow = new window.afc.Flow(src);
        try {
          return {
            stix: flow.stix(),
            svg: flow.svg({ theme: "dark", direction: "lr" }),
            mermaid: flow.mermaid({}),
            layers: flow.navigator("x")?.layers.length,
          };
        } finally {
          flow.free();
        }
      }, source);
      assert.equal(out.stix, afc("compile", file));
      assert.equal(out.svg, afc("render", file, "--theme", "dark", "--direction", "lr"));
      assert.equal(out.mermaid, afc("render", file, "--to", "mermaid"));
      assert.ok(out.layers >= 0);
    });

    // The widths af-render measures text with (docs/render.md) hold in Chromium's own text
    // layout with the fonts of this machine: every text of a card stays inside the card.
    test(`${basename(file)}: every card's text fits its card in Chromium`, async () => {
      await assertCardTextFits(page, readFileSync(file, "utf8"));
    });
  }
});

// The same check in Firefox's text layout (Gecko), for every example.
describe("card text in Firefox", { skip: firefoxSkipReason }, () => {
  let server;
  let browser;
  let page;

  before(async () => {
    server = await serve();
    browser = await launchFirefox();
    page = await openPlayground(browser, server.url);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const file of examples) {
    test(`${basename(file)}: every card's text fits its card in Firefox`, async () => {
      await assertCardTextFits(page, readFileSync(file, "utf8"));
    });
  }
});

/** Draws `source` with the playground's afc in `page` and checks that every text of every
 * card lies inside its card, as the browser lays the text out. */
async function assertCardTextFits(page, source) {
  const found = await page.evaluate((src) => {
    const flow = new window.afc.Flow(src);
    let svg;
    try {
      svg = flow.svg({});
    } finally {
      flow.free();
    }
    const holder = document.createElement("div");
    holder.innerHTML = svg;
    document.body.appendChild(holder);
    const outside = [];
    let checked = 0;
    try {
      for (const g of holder.querySelectorAll('g[id^="node-"]')) {
        const shape = g.querySelector(":scope > rect, :scope > path, :scope > polygon, :scope > ellipse");
        if (!shape) {
          outside.push(`${g.id} has no shape`);
          continue;
        }
        const card = shape.getBBox();
        for (const text of g.querySelectorAll(":scope > text")) {
          const box = text.getBBox();
          checked += 1;
          if (box.x < card.x - 0.5 || box.x + box.width > card.x + card.width + 0.5) {
            outside.push(
              `${g.id}: "${text.textContent}" spans ${box.x.toFixed(1)}..${(box.x + box.width).toFixed(1)}, ` +
                `the card ${card.x.toFixed(1)}..${(card.x + card.width).toFixed(1)}`,
            );
          }
        }
      }
    } finally {
      holder.remove();
    }
    return { outside, checked };
  }, source);
  assert.ok(found.checked >= 10, `only ${found.checked} texts checked`);
  assert.deepEqual(found.outside, []);
}

describe("<attack-flow> viewer", { skip: skipReason }, () => {
  test("draws a flow from src and from inline source, with no request but its own files", async () => {
    const server = await serve();
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`${server.url}viewer/`, { waitUntil: "load" });
      await page.waitForFunction(
        () => [...document.querySelectorAll("attack-flow")].every((el) => el.shadowRoot?.querySelector("svg")),
        { timeout: 30_000 },
      );
      const names = await page.$$eval("attack-flow", (els) => els.map((el) => el.shadowRoot.querySelector("svg").textContent));
      assert.match(names[0], /Marlow & Pike/);
      assert.match(names[1], /Exfiltration to cloud storage/);
      assert.deepEqual(errors, []);
      assert.ok(server.requests.every((u) => !u.startsWith("http")));
      await page.screenshot({ path: join(artifactDir(), "viewer.png"), fullPage: true });
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
