// Shared browser-test setup: the built demo served on a free port, system
// Chromium driven by playwright-core, and a log of every request the page
// makes (so tests can assert nothing goes to another origin).
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { serve } from '../../scripts/serve.mjs';

const CANDIDATES = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath() {
  return CANDIDATES.find((p) => p && existsSync(p));
}

/** Flags that keep headless Chromium from phoning home (its own traffic is not the page's). */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** @param {string} [path] page to open, relative to the demo root */
export async function openDemo(path = '') {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('Chromium not found: run scripts/setup.sh --with-browser or set CHROMIUM');
  const server = await serve(new URL('../../dist', import.meta.url).pathname, 0);
  const browser = await chromium.launch({ executablePath, args: ARGS });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  /** @type {string[]} */
  const requests = [];
  /** @type {string[]} */
  const consoleErrors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(server.url + path);
  return {
    page,
    server,
    requests,
    consoleErrors,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
