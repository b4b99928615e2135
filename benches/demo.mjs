// The demo page (dist/, `npm run build`) with a large event log, in headless
// Chromium: time from choosing the file to the rendered results, and every
// long task (> 50 ms) the page's main thread ran meanwhile — the Web Worker
// keeps parsing and clustering off it, so what remains is chart drawing.
//   node benches/demo.mjs EVENTS.csv
import { openDemo } from '../tests/browser/browser.mjs';

/**
 * @param {string} file
 * @returns {Promise<{ total_s: number, status: string | null, long_tasks: number, longest_ms: number, long_ms_sum: number }>}
 */
export async function demoRun(file) {
  const d = await openDemo();
  const { page } = d;
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.__long = [];
    new PerformanceObserver((l) => w.__long.push(...l.getEntries().map((e) => Math.round(e.duration)))).observe({ type: 'longtask', buffered: false });
  });
  const t0 = Date.now();
  await page.setInputFiles('#file', file);
  await page.locator('#status', { hasText: 'Done' }).waitFor({ timeout: 10 * 60 * 1000 });
  await page.locator('#segments-table tbody tr').first().waitFor();
  // The last queued chart task fills the chart picker: everything is drawn.
  await page.waitForFunction(() => document.querySelectorAll('#chart-pick option').length > 0);
  const total = (Date.now() - t0) / 1000;
  const status = await page.locator('#status').textContent();
  const long = /** @type {number[]} */ (await page.evaluate(() => /** @type {any} */ (window).__long));
  await d.close();
  return { total_s: total, status, long_tasks: long.length, longest_ms: Math.max(0, ...long), long_ms_sum: long.reduce((a, b) => a + b, 0) };
}

if (process.argv[1] && process.argv[1].endsWith('demo.mjs')) {
  if (!process.argv[2]) throw new Error('usage: node benches/demo.mjs EVENTS.csv');
  console.log(JSON.stringify(await demoRun(process.argv[2])));
}
