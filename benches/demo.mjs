// The demo page (dist/, `npm run build`) with a large event log, in headless
// Chromium: time from choosing the file to the rendered results, and every
// long task (> 50 ms) the page's main thread ran meanwhile — the Web Worker
// keeps parsing and clustering off it, so what remains is chart drawing — and the peak memory of
// the whole browser meanwhile (every Chromium process: summed RSS and PSS, benches/memory.mjs).
//   node benches/demo.mjs EVENTS.csv
import { openDemo } from '../tests/browser/browser.mjs';
import { sampleMemory } from './memory.mjs';

/**
 * @param {string} file
 * @returns {Promise<{ total_s: number, harness_s: number, status: string | null, long_tasks: number, longest_ms: number, long_ms_sum: number, peak: { rss: number, pss: number } | null }>}
 */
export async function demoRun(file) {
  const d = await openDemo();
  const { page } = d;
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.__long = [];
    // The clock starts when the page learns of the file (the input's change event), so the
    // harness's own hand-over of the file to the browser is not counted, and stops when the last
    // chart task fills the chart picker.
    document.addEventListener('change', () => (w.__t0 ??= performance.now()), { capture: true });
    const pick = /** @type {HTMLElement} */ (document.querySelector('#chart-pick'));
    new MutationObserver(() => (w.__t1 ??= pick.children.length > 0 ? performance.now() : undefined)).observe(pick, { childList: true });
    new PerformanceObserver((l) => w.__long.push(...l.getEntries().map((e) => Math.round(e.duration)))).observe({ type: 'longtask', buffered: false });
  });
  const memory = sampleMemory();
  const t0 = Date.now();
  await page.setInputFiles('#file', file);
  await page.locator('#status', { hasText: 'Done' }).waitFor({ timeout: 10 * 60 * 1000 });
  await page.locator('#segments-table tbody tr').first().waitFor();
  // The last queued chart task fills the chart picker: everything is drawn.
  await page.waitForFunction(() => document.querySelectorAll('#chart-pick option').length > 0);
  const harness = (Date.now() - t0) / 1000;
  const peak = memory.stop();
  const inPage = /** @type {{ t0: number, t1: number }} */ (await page.evaluate(() => ({ t0: /** @type {any} */ (window).__t0, t1: /** @type {any} */ (window).__t1 })));
  const total = (inPage.t1 - inPage.t0) / 1000;
  const status = await page.locator('#status').textContent();
  const long = /** @type {number[]} */ (await page.evaluate(() => /** @type {any} */ (window).__long));
  await d.close();
  return { total_s: total, harness_s: harness, status, long_tasks: long.length, longest_ms: Math.max(0, ...long), long_ms_sum: long.reduce((a, b) => a + b, 0), peak };
}

if (process.argv[1] && process.argv[1].endsWith('demo.mjs')) {
  if (!process.argv[2]) throw new Error('usage: node benches/demo.mjs EVENTS.csv');
  console.log(JSON.stringify(await demoRun(process.argv[2])));
}
