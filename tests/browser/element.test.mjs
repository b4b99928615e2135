// <seg-lens> embedded in a plain host page (www/embed.html) under a strict
// CSP, fed with host arrays: rows of objects and an object of typed arrays.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openDemo } from './browser.mjs';

/** @type {Awaited<ReturnType<typeof openDemo>>} */
let host;
before(async () => {
  host = await openDemo('embed.html');
});
after(async () => host?.close());

/** Segment sizes shown inside an element's shadow root (playwright pierces open shadow roots). */
const sizes = (id) => host.page.locator(`#${id} tbody tr td:nth-child(2)`).allTextContents();

test('two widgets on one page segment host rows and host columns', async () => {
  const { page } = host;
  await page.locator('#by-rows tbody tr').nth(2).waitFor();
  await page.locator('#by-columns tbody tr').nth(1).waitFor();
  assert.deepEqual(await sizes('by-rows'), ['100', '100', '100']);
  assert.deepEqual(await sizes('by-columns'), ['100', '100']);
  const report = await page.$eval('#by-rows', (el) => /** @type {any} */ (el).report);
  assert.equal(report.customers, 300);
  assert.deepEqual(report.features, ['spend', 'orders', 'visits']);
  // Host arrays reach the worker as columns (numbers as Float64Arrays), not as JSON text.
  assert.equal(report.format, 'host arrays');
  assert.equal(await host.page.$eval('#by-columns', (el) => /** @type {any} */ (el).report.format), 'host arrays');
});

test('selecting a segment (mouse or keyboard) emits select', async () => {
  const { page } = host;
  await page.locator('#by-rows tbody tr').first().click();
  await page.locator('#selected', { hasText: 'by-rows: selected' }).waitFor();
  await page.locator('#by-columns tbody tr').nth(1).focus();
  await page.keyboard.press('Enter');
  await page.locator('#selected', { hasText: 'by-columns: selected' }).waitFor();
});

test('changing an attribute re-segments; bad data shows an error event and a message', async () => {
  const { page } = host;
  await page.$eval('#by-rows', (el) => el.setAttribute('k', '2'));
  await page.waitForFunction(() => document.querySelector('#by-rows')?.shadowRoot?.querySelectorAll('tbody tr').length === 2);
  const code = await page.$eval('#by-columns', (el) => new Promise((resolve) => {
    el.addEventListener('error', (e) => resolve(/** @type {CustomEvent} */ (e).detail.code), { once: true });
    /** @type {any} */ (el).data = 'name,city\nann,paris\n';
  }));
  assert.equal(code, 'no_numeric_columns');
  assert.match((await page.locator('#by-columns .error').textContent()) ?? '', /no numeric columns/);
});

test('themes: theme="dark" switches the palette; the host’s CSS variables still win', async () => {
  const { page } = host;
  const style = () => page.$eval('#by-rows', (el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor].join(' / '));
  const light = await style();
  await page.$eval('#by-rows', (el) => el.setAttribute('theme', 'dark'));
  assert.equal(await style(), 'rgb(230, 233, 238) / rgb(18, 22, 28)');
  await page.$eval('#by-rows', (el) => /** @type {HTMLElement} */ (el).style.setProperty('--seg-lens-fg', 'rgb(1, 2, 3)'));
  assert.match(await style(), /^rgb\(1, 2, 3\)/);
  await page.$eval('#by-rows', (el) => {
    el.removeAttribute('theme');
    /** @type {HTMLElement} */ (el).style.removeProperty('--seg-lens-fg');
  });
  assert.equal(await style(), light);
});

test('no foreign requests, no CSP violations or page errors', () => {
  const origin = new URL(host.server.url).origin;
  assert.deepEqual(host.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:')), []);
  assert.deepEqual(host.consoleErrors, []);
});
