// The hostile corpus dropped on the demo page: each file shows its expected
// one-line error or its results, the page never breaks, and no markup from
// a file ever becomes an element.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { openDemo } from './browser.mjs';

const DIR = fileURLToPath(new URL('../hostile/', import.meta.url));
/** @type {Record<string, { error?: string, contains?: string, customers?: number, options?: Record<string, unknown> }>} */
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8'));

/** @type {Awaited<ReturnType<typeof openDemo>>} */
let demo;
before(async () => {
  demo = await openDemo();
});
after(async () => demo?.close());

test('every hostile file: expected error or results, page stays usable', async () => {
  const { page } = demo;
  let checked = 0;
  for (const [name, want] of Object.entries(expected)) {
    const o = want.options ?? {};
    // The page cannot force an input kind before it has seen the columns, nor k = 1.
    if (o.input || o.k === 1) continue;
    // Set the controls without a change event, so only the upload starts a run.
    await page.$eval('#method', (el, v) => { /** @type {HTMLSelectElement} */ (el).value = v; }, String(o.method ?? 'kmeans'));
    await page.$eval('#k', (el, v) => { /** @type {HTMLSelectElement} */ (el).value = v; }, String(o.k ?? 2));
    const runs = Number((await page.getAttribute('body', 'data-runs')) ?? 0);
    await page.setInputFiles('#file', join(DIR, 'files', name));
    await page.waitForFunction((n) => Number(document.body.dataset.runs ?? 0) > n, runs, { timeout: 30000 });
    if (want.error) {
      const msg = (await page.locator('#error').textContent()) ?? '';
      assert.ok(await page.locator('#error').isVisible(), `${name}: no error shown`);
      assert.ok(msg.includes(want.contains ?? ''), `${name}: ${msg}`);
    } else {
      assert.ok(await page.locator('#error').isHidden(), `${name}: ${await page.locator('#error').textContent()}`);
      const customers = await page.locator('#cards .card .value').first().textContent();
      assert.equal(customers, (want.customers ?? 0).toLocaleString('en-US'), name);
    }
    checked += 1;
  }
  assert.ok(checked >= 40, `checked ${checked}`);
  // markup from files never became elements
  assert.equal(await page.locator('main script, main img, main b, main a[href^="javascript"]').count(), 0);
  assert.deepEqual(demo.consoleErrors.filter((m) => !/Content Security Policy.*style/i.test(m)), []);
});
