// Accessibility: axe-core finds no violations on the demo with results
// loaded (k-means and RFM views), and the page works from the keyboard alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumPath } from './browser.mjs';
import { serve } from '../../scripts/serve.mjs';

const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));

/** @type {{ close: () => Promise<void>, url: string }} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
before(async () => {
  server = await serve(fileURLToPath(new URL('../../dist', import.meta.url)), 0);
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** axe violations on the page as it is now. @param {import('playwright-core').Page} page */
async function violations(page) {
  await page.addScriptTag({ path: AXE });
  const res = await page.evaluate(async () => /** @type {any} */ (window).axe.run(document, { resultTypes: ['violations'] }));
  return res.violations.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target?.join(' ')})`);
}

test('axe-core: no violations with results loaded', async () => {
  // axe is injected as a script, which the page's own CSP would (rightly) refuse.
  const ctx = await browser.newContext({ bypassCSP: true });
  const page = await ctx.newPage();
  await page.goto(server.url);
  await page.click('#sample');
  await page.locator('#segments-table tbody tr').first().waitFor();
  await page.locator('#progress').waitFor({ state: 'hidden' });
  assert.deepEqual(await violations(page), []);
  await page.selectOption('#method', 'rfm');
  await page.locator('#rfm-chart svg').first().waitFor();
  await page.locator('#progress').waitFor({ state: 'hidden' });
  assert.deepEqual(await violations(page), []);
  await ctx.close();
});

test('dark theme (prefers-color-scheme: dark): the theme applies and axe finds no contrast or other violations', async () => {
  const ctx = await browser.newContext({ bypassCSP: true, colorScheme: 'dark' });
  const page = await ctx.newPage();
  await page.goto(server.url);
  const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  assert.equal(bg, 'rgb(18, 22, 28)', 'the dark palette is in effect');
  await page.click('#sample');
  await page.locator('#segments-table tbody tr').first().waitFor();
  await page.locator('#progress').waitFor({ state: 'hidden' });
  assert.deepEqual(await violations(page), []);
  await ctx.close();
});

test('keyboard only: load the sample, open a segment, see its customers', async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.locator('#sample').focus();
  await page.keyboard.press('Enter');
  await page.locator('#segments-table tbody tr').first().waitFor();
  await page.locator('#progress').waitFor({ state: 'hidden' });
  await page.locator('#segments-table tbody tr').first().focus();
  const outline = await page.evaluate(() => getComputedStyle(/** @type {Element} */ (document.activeElement)).outlineStyle);
  assert.notEqual(outline, 'none', 'focus is visible');
  await page.keyboard.press('Enter');
  await page.locator('#drill-table tbody tr').first().waitFor();
  await page.close();
});
