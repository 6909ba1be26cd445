// Node side of the browser harness: Chromium through playwright-core, a page of
// tests/browser/harness.html served with or without the COOP/COEP headers.
import { startServer } from '../../web-demo/serve.mjs';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run'];

export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Serves the repository (with the isolation headers when `isolated`) and opens the harness
 * page; `warnings` collects the page's console warnings, `errors` its uncaught errors.
 * `missing`: paths the server answers with 404.
 */
export async function openHarness(browser, { isolated, missing = [] }) {
  const { server, url } = await startServer({ port: 0, isolated, missing });
  const page = await browser.newPage();
  const warnings = [];
  const errors = [];
  page.on('console', (message) => { if (message.type() === 'warning') warnings.push(message.text()); });
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(`${url}tests/browser/harness.html`);
  await page.waitForFunction(() => window.harnessReady === true, null, { timeout: 30000 });
  return {
    page,
    warnings,
    errors,
    async close() {
      await page.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
