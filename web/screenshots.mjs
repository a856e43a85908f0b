// Regenerates docs/playground-light.png and docs/playground-dark.png: the playground with the
// ransomware example, in each theme (needs web/dist and Chromium; `node screenshots.mjs`).
import { join } from "node:path";
import { launch, openPlayground, root, serve } from "./test/harness.mjs";

const server = await serve();
const browser = await launch();
try {
  for (const theme of ["light", "dark"]) {
    const page = await openPlayground(browser, server.url, { width: 1360, height: 820 });
    if ((await page.evaluate(() => document.documentElement.dataset.theme)) !== theme) await page.click("#theme");
    await page.click('[data-zoom="fit"]');
    await page.screenshot({ path: join(root, "docs", `playground-${theme}.png`) });
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
