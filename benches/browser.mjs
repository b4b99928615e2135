// Runs benches/browser/page.js in headless Chromium (system Chromium via
// playwright-core) on a given event-log CSV: seglens Wasm, PapaParse and
// DuckDB-Wasm in the same tab. Used by benches/run.mjs; also runnable alone:
//   node benches/browser.mjs EVENTS.csv
import { chromium } from 'playwright-core';
import webpack from 'webpack';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from '../scripts/serve.mjs';
import { chromiumPath } from '../tests/browser/browser.mjs';
import { exportSql } from '../www/sql.js';
import { segmentSync } from '../www/node.js';
import { roundsFor } from './alternating.mjs';

const here = (/** @type {string} */ p) => fileURLToPath(new URL(p, import.meta.url));
const OUT = here('./out/browser');

function build() {
  const compiler = webpack({
    mode: 'production',
    entry: here('./browser/page.js'),
    output: { path: OUT, filename: 'page.js', assetModuleFilename: '[name][ext]', clean: true },
    devtool: false,
    performance: { hints: false },
  });
  return new Promise((ok, fail) =>
    compiler.run((err, stats) => {
      if (err || stats?.hasErrors()) fail(err ?? new Error(stats?.toString('errors-only')));
      else compiler.close(() => ok(undefined));
    }),
  );
}

/**
 * @param {string} csvFile
 * @param {{ reps?: number }} [o]
 */
export async function browserBench(csvFile, o = {}) {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('Chromium not found (scripts/setup.sh --with-browser)');
  await build();
  mkdirSync(OUT, { recursive: true });
  copyFileSync(here('./browser/index.html'), `${OUT}/index.html`);
  copyFileSync(csvFile, `${OUT}/events.csv`);
  // DuckDB's side runs seglens's own SQL export of a model fitted on the same data: the same features.
  const { modelJson } = segmentSync(readFileSync(csvFile), { k: 4, seed: 0 });
  const sql = exportSql(modelJson, { dialect: 'duckdb', withFeatures: true });
  const server = await serve(OUT, 0);
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--js-flags=--max-old-space-size=8192 --expose-gc'],
  });
  try {
    const page = await browser.newPage();
    /** @type {string[]} */
    const foreign = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    page.setDefaultTimeout(30 * 60 * 1000);
    const res = await page.evaluate((args) => /** @type {any} */ (window).runBench(args), {
      csvUrl: 'events.csv',
      sql,
      reps: o.reps ?? 3,
    });
    res.parallelLoad = await page.evaluate((a) => /** @type {any} */ (window).parallelLoad(a), { csvUrl: 'events.csv', reps: o.reps ?? 3 });
    // Rounds as benches/run.mjs gives every contestant in Node: more where an iteration is short.
    res.kmeans100k = await page.evaluate((a) => /** @type {any} */ (window).kmeansPerIteration(a), { n: 100_000, d: 8, k: 6, reps: roundsFor(100_000) });
    res.kmeans1m = await page.evaluate((a) => /** @type {any} */ (window).kmeansPerIteration(a), { n: 1_000_000, d: 8, k: 6, reps: roundsFor(1_000_000) });
    if (foreign.length) throw new Error(`the benchmark page made requests off this machine: ${foreign.join(', ')}`);
    res.chromium = browser.version();
    return res;
  } finally {
    await browser.close();
    await server.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await browserBench(process.argv[2], { reps: 1 }));
}
