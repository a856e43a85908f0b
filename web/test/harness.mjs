// What the browser tests share: the built site served from 127.0.0.1, Debian's Chromium (and
// Firefox ESR, for the text layout check) driven headless by puppeteer-core, the afc binary
// for comparisons, and the reasons to skip.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const web = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const root = resolve(web, "..");
export const dist = join(web, "dist");
export const artifacts = join(web, "test", "artifacts");
export const shared = process.env.AFC_SHARED ?? resolve(root, "..", "shared");

const CHROMIUM = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(Boolean);
export const chromium = CHROMIUM.find((p) => existsSync(p));

const FIREFOX = [process.env.FIREFOX, "/usr/bin/firefox-esr", "/usr/bin/firefox"].filter(Boolean);
export const firefox = FIREFOX.find((p) => existsSync(p));

/** Why the browser suites cannot run here, or `undefined` when they can. */
export const skipReason = !existsSync(join(dist, "index.html"))
  ? "web/dist is not built (run web/build.sh)"
  : !chromium
    ? "no Chromium (apt-get install chromium, or set CHROMIUM)"
    : undefined;

/** The afc binary: $AFC_BIN, else a release or debug build in the workspace. */
export const afcBin = [process.env.AFC_BIN, join(root, "target", "release", "afc"), join(root, "target", "debug", "afc")]
  .filter(Boolean)
  .find((p) => existsSync(p));

/** Runs afc; returns its standard output (throws on a non-zero exit). */
export function afc(...args) {
  return afcStdin("", ...args);
}

/** Runs afc with `input` on standard input; returns its standard output. */
export function afcStdin(input, ...args) {
  const env = { ...process.env, NO_COLOR: "1" };
  delete env.SOURCE_DATE_EPOCH;
  const r = spawnSync(afcBin, args, { input, encoding: "utf8", env, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`afc ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

export const examples = readdirSync(join(root, "examples"))
  .filter((f) => f.endsWith(".af"))
  .sort()
  .map((f) => join(root, "examples", f));

export function largestExample() {
  return examples.reduce((a, b) => (statSync(b).size > statSync(a).size ? b : a));
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".af": "text/plain; charset=utf-8",
};

/** Serves dist/ on 127.0.0.1 (a free port); every request is recorded in `requests`. */
export async function serve() {
  const requests = [];
  const server = createServer((req, res) => {
    requests.push(req.url);
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    let file = join(dist, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!file.startsWith(dist) || !existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, requests, close: () => new Promise((ok) => server.close(ok)) };
}

/** Headless Chromium with the flags that work on this machine, and a fresh profile. */
export async function launch() {
  const puppeteer = (await import("puppeteer-core")).default;
  const profile = mkdtempSync(join(tmpdir(), "afc-chromium-"));
  return puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", `--user-data-dir=${profile}`,
    ],
  });
}

/** Why the Firefox checks cannot run here, or `undefined` when they can. */
export const firefoxSkipReason = !existsSync(join(dist, "index.html"))
  ? "web/dist is not built (run web/build.sh)"
  : !firefox
    ? "no Firefox (apt-get install firefox-esr, or set FIREFOX)"
    : undefined;

/** Headless Firefox (over WebDriver BiDi) with a fresh profile and no background traffic. */
export async function launchFirefox() {
  const puppeteer = (await import("puppeteer-core")).default;
  const profile = mkdtempSync(join(tmpdir(), "afc-firefox-"));
  return puppeteer.launch({
    browser: "firefox",
    executablePath: firefox,
    headless: true,
    userDataDir: profile,
    extraPrefsFirefox: {
      "app.update.enabled": false,
      "browser.safebrowsing.malware.enabled": false,
      "browser.safebrowsing.phishing.enabled": false,
      "network.captive-portal-service.enabled": false,
      "network.connectivity-service.enabled": false,
    },
  });
}

/**
 * A page of the playground, loaded and ready, with every network request it makes recorded
 * (`page.network`: URLs of http(s) and ws requests, in order).
 */
export async function openPlayground(browser, url, { width = 1440, height = 900 } = {}) {
  const page = await browser.newPage();
  await page.setViewport({ width, height, deviceScaleFactor: 1 });
  page.network = [];
  page.errors = [];
  page.on("request", (r) => {
    if (/^(https?|wss?):/.test(r.url())) page.network.push(r.url());
  });
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") page.errors.push(m.text());
  });
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => window.__afc?.ready === true, { timeout: 30_000 });
  return page;
}

/** The editor's whole text. */
export const editorText = (page) => page.evaluate(() => window.__afc.text());

/** Waits until the playground has checked the text at least once more than `before`. */
export async function nextCheck(page, before) {
  await page.waitForFunction((n) => window.__afc.checks > n, { timeout: 10_000 }, before);
}

export const checks = (page) => page.evaluate(() => window.__afc.checks);

export function artifactDir() {
  mkdirSync(artifacts, { recursive: true });
  return artifacts;
}

export function scratchDir() {
  return mkdtempSync(join(tmpdir(), "afc-web-test-"));
}
