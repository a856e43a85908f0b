// `afc report`'s briefing in headless Chromium (docs/analysis.md, "Briefings"): the page
// loads from a file with no network request and no error, and prints to a PDF that carries
// the flow's title. Reuses the web suites' Chromium and puppeteer-core (web/test/harness.mjs).
// Run by .ci/run: node --test tests/report_browser.test.mjs

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { spawnSync } from "node:child_process";
import { afc, afcBin, chromium, launch, root } from "../web/test/harness.mjs";

const skip = !chromium
  ? "no Chromium (apt-get install chromium, or set CHROMIUM)"
  : !afcBin
    ? "no afc binary (cargo build, or set AFC_BIN)"
    : !existsSync(join(root, "web", "node_modules", "puppeteer-core"))
      ? "no puppeteer-core (cd web && PUPPETEER_SKIP_DOWNLOAD=1 npm ci)"
      : undefined;

const TITLE = "GlassLock double extortion at Harbor Lane Freight";

test("the briefing loads offline, prints to PDF with its title", { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "afc-report-"));
  const browser = await launch();
  try {
    const html = join(dir, "brief.html");
    afc("report", join(root, "examples", "ransomware-double-extortion.af"), "--detections", join(root, "examples", "sigma"), "-o", html);
    const url = pathToFileURL(html).href;

    const page = await browser.newPage();
    const requests = [];
    const problems = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("requestfailed", (r) => problems.push(`failed: ${r.url()}`));
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page: ${e.message}`));
    await page.setOfflineMode(true);
    await page.goto(url, { waitUntil: "load" });

    // Only the page itself was fetched: no stylesheet, font, image or script, and nothing the
    // Content-Security-Policy had to refuse.
    assert.deepEqual(requests, [url]);
    assert.deepEqual(problems, []);
    assert.equal(await page.title(), TITLE);
    const seen = await page.evaluate(() => ({
      h1: document.querySelector("h1")?.textContent,
      svg: document.querySelectorAll("figure svg").length,
      width: document.querySelector("figure svg")?.getBoundingClientRect().width ?? 0,
      sections: [...document.querySelectorAll("h2")].map((h) => h.textContent),
      timeline: document.querySelectorAll("h2 + p + table tbody tr, h2 + table tbody tr").length,
      scripts: document.scripts.length,
    }));
    assert.equal(seen.h1, TITLE);
    assert.equal(seen.svg, 1);
    assert.ok(seen.width > 100, `picture width ${seen.width}`);
    assert.deepEqual(seen.sections, ["Goals", "Timeline", "Tactics and techniques", "Detection coverage", "Mitigations that cut most"]);
    assert.equal(seen.scripts, 0);

    const pdf = Buffer.from(await page.pdf({ format: "A4", printBackground: true }));
    writeFileSync(join(dir, "brief.pdf"), pdf);
    assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
    assert.ok(pdf.length > 20_000, `PDF of ${pdf.length} bytes`);
    const raw = pdf.toString("latin1");
    assert.ok(raw.includes(`/Title (${TITLE})`), "the PDF's title is the flow's");
    const pages = (raw.match(/\/Type \/Page\b/g) ?? []).length;
    assert.ok(pages >= 2, `${pages} pages`);
    // With poppler's pdftotext, the printed text itself.
    const text = spawnSync("pdftotext", [join(dir, "brief.pdf"), "-"], { encoding: "utf8" });
    if (text.status === 0) {
      assert.ok(text.stdout.replace(/\s+/g, " ").includes(TITLE), "title text in the PDF");
      assert.ok(text.stdout.includes("Timeline"));
    }
    await page.close();
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
