// The built demo in headless Chromium, driven like a user would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDemo } from './browser.mjs';
import { segment } from '../../www/node.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/shop_400.csv', import.meta.url));
const OUT = fileURLToPath(new URL('../out/', import.meta.url));

/** @type {Awaited<ReturnType<typeof openDemo>>} */
let demo;
before(async () => {
  mkdirSync(OUT, { recursive: true });
  demo = await openDemo();
});
after(async () => demo?.close());

/** Segment sizes as the page shows them in the segments table. */
async function shownSizes(page) {
  const cells = await page.locator('#segments-table tbody tr td:nth-child(3)').allTextContents();
  return cells.map((t) => Number(t.replace(/,/g, '')));
}

test('upload a CSV, choose k, see the same segments as the Report', async () => {
  const { page } = demo;
  await page.selectOption('#k', '4');
  await page.setInputFiles('#file', FIXTURE);
  await page.locator('#sizes-chart svg').waitFor();
  await page.locator('#status', { hasText: 'Done' }).waitFor();
  const expected = await segment(new Uint8Array(readFileSync(FIXTURE)), { k: 4, scale: 'standard', seed: 0 });
  assert.deepEqual(await shownSizes(page), expected.report.segments.map((s) => s.size));
  const names = await page.locator('#segments-table tbody tr td:nth-child(2)').allTextContents();
  assert.deepEqual(names, expected.report.segments.map((s) => s.name));
  // the bar chart has one bar per segment
  assert.equal(await page.locator('#sizes-chart svg g[aria-label="bar"] rect').count(), 4);
  // byte-identical Report and labels in Chromium and in Node (and natively: tests/determinism.rs)
  for (const [button, want] of [['#dl-report', expected.reportJson], ['#dl-labels', expected.labelsCsvSafe]]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    const path = join(OUT, download.suggestedFilename());
    await download.saveAs(path);
    assert.equal(readFileSync(path, 'utf8'), want, `${button} differs between Chromium and Node`);
  }
  await page.screenshot({ path: join(OUT, 'demo.png'), fullPage: true });
});

test('changing k re-segments in the worker without parsing the file again', async () => {
  const { page } = demo;
  const parses = await page.getAttribute('body', 'data-parses');
  await page.selectOption('#k', '3');
  await page.waitForFunction(() => document.querySelectorAll('#segments-table tbody tr').length === 3);
  const expected = await segment(new Uint8Array(readFileSync(FIXTURE)), { k: 3, scale: 'standard', seed: 0 });
  await page.locator('#status', { hasText: 'Done' }).waitFor();
  assert.deepEqual(await shownSizes(page), expected.report.segments.map((s) => s.size));
  assert.equal(await page.getAttribute('body', 'data-parses'), parses);
});

test('the sample event log runs end to end, with detected roles', async () => {
  const { page } = demo;
  await page.selectOption('#method', 'kmeans');
  await page.selectOption('#k', '5');
  await page.click('#sample');
  await page.waitForFunction(() => /events\.csv/.test(document.getElementById('source')?.textContent ?? ''));
  await page.waitForFunction(() => document.querySelectorAll('#segments-table tbody tr').length === 5);
  await page.locator('#status', { hasText: 'Done' }).waitFor();
  assert.equal(await page.locator('#cards .card .value').first().textContent(), '1,000');
  // the lift heatmap and the cohort charts are drawn, and the mapping shows the detected roles
  await page.locator('#lift-chart svg').first().waitFor();
  await page.locator('#retention-chart svg').first().waitFor();
  await page.locator('#pca-chart svg').first().waitFor();
  // The dots are drawn as one path per segment, a circle (one move and two arcs) per customer.
  const dots = await page.locator('#pca-chart svg path[fill-opacity="0.7"]').evaluateAll((paths) =>
    paths.map((p) => ({ fill: p.getAttribute('fill'), circles: (p.getAttribute('d') ?? '').split('M').length - 1 })),
  );
  assert.equal(dots.reduce((sum, d) => sum + d.circles, 0), 1000, 'one dot per customer (1,000 < the 2,000 sample cap)');
  assert.equal(dots.length, 5, 'one path per segment');
  assert.equal(new Set(dots.map((d) => d.fill)).size, 5, 'each segment in its own colour');
  await page.locator('#lifecycle-chart svg').first().waitFor();
  // The distribution chart: one box (bar), one median tick and one whisker per segment, computed
  // from the exact quartiles rather than one datum per customer.
  await page.locator('#dist-chart svg').first().waitFor();
  for (const mark of ['bar', 'tick', 'rule']) {
    assert.equal(await page.locator(`#dist-chart svg g[aria-label="${mark}"] > *`).count(), 5, mark);
  }
  const firstCohort = await page.locator('#retention-chart svg [aria-label="text"] text').first().textContent();
  assert.equal(firstCohort, '100%');
  const roles = await page.$$eval('#mapping-table tbody tr', (trs) =>
    Object.fromEntries(trs.map((tr) => [tr.querySelector('td')?.textContent, tr.querySelector('select')?.value])),
  );
  assert.deepEqual(roles, { user_id: 'id', timestamp: 'time', event: 'event', revenue: 'revenue' });
  // segment migration since an earlier date
  await page.fill('#compare', '2024-09-30');
  await page.locator('#migration-chart svg').first().waitFor();
  await page.fill('#compare', '');
  await page.locator('#progress').waitFor({ state: 'hidden' });
  await page.screenshot({ path: join(OUT, 'demo-events.png'), fullPage: true });
});

test('RFM segments with the R x F grid, same as the CLI', async () => {
  const { page } = demo;
  await page.selectOption('#method', 'rfm');
  await page.locator('#rfm-chart svg').first().waitFor();
  await page.locator('#status', { hasText: 'Done' }).waitFor();
  const bytes = new Uint8Array(readFileSync(new URL('../../www/sample/events.csv', import.meta.url)));
  const expected = await segment(bytes, { method: 'rfm', seed: 0 });
  assert.deepEqual(await shownSizes(page), expected.report.segments.map((s) => s.size));
  const names = await page.locator('#segments-table tbody tr td:nth-child(2)').allTextContents();
  assert.deepEqual(names, expected.report.segments.map((s) => s.name));
  assert.ok(names.includes('Champions'));
  await page.screenshot({ path: join(OUT, 'demo-rfm.png'), fullPage: true });
  await page.selectOption('#method', 'kmeans');
});

test('drill into a segment, page through its customers; settings live in the URL hash; model download', async () => {
  const { page } = demo;
  await page.locator('#progress').waitFor({ state: 'hidden' }); // the run started by the previous test is over
  await page.locator('#segments-table tbody tr').first().click();
  await page.locator('#drill-table tbody tr').first().waitFor();
  const size = Number(((await page.locator('#segments-table tbody tr td:nth-child(3)').first().textContent()) ?? '0').replace(/,/g, ''));
  assert.equal(await page.locator('#drill-table tbody tr').count(), Math.min(size, 50));
  assert.match((await page.locator('#drill-title').textContent()) ?? '', new RegExp(`${size.toLocaleString('en-US')} customers`));
  if (size > 50) {
    await page.click('#drill-next');
    await page.locator('#drill-page', { hasText: 'page 2' }).waitFor();
  }
  await page.selectOption('#scale', 'robust');
  await page.locator('#progress').waitFor({ state: 'hidden' });
  assert.match(new URL(page.url()).hash, /scale=robust/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl-model')]);
  const path = join(OUT, 'model.json');
  await download.saveAs(path);
  const model = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(model.format, 'seglens-model');
  // the same model as a Spark SQL query for the warehouse
  await page.selectOption('#sql-dialect', 'spark');
  const [sqlDownload] = await Promise.all([page.waitForEvent('download'), page.click('#dl-sql')]);
  assert.equal(sqlDownload.suggestedFilename(), 'seglens-segments.spark.sql');
  const sqlPath = join(OUT, 'segments.sql');
  await sqlDownload.saveAs(sqlPath);
  const sql = readFileSync(sqlPath, 'utf8');
  assert.match(sql, /^-- seglens .* as spark SQL/);
  for (const c of model.scaler.center) assert.ok(sql.includes(c.toExponential()), `centre ${c} in the SQL`);
  // a fresh page with the hash restores the settings
  const ctx = await page.context().browser()?.newContext();
  const again = await ctx?.newPage();
  await again?.goto(page.url());
  assert.equal(await again?.locator('#scale').inputValue(), 'robust');
  await ctx?.close();
  await page.selectOption('#scale', 'standard');
  await page.locator('#progress').waitFor({ state: 'hidden' });
});

test('charts download as standalone SVG and as PNG (drawn locally at 2x)', async () => {
  const { page } = demo;
  await page.locator('#progress').waitFor({ state: 'hidden' });
  await page.waitForFunction(() => document.querySelectorAll('#chart-pick option').length >= 4);
  const options = await page.locator('#chart-pick option').allTextContents();
  assert.ok(options.includes('Segment sizes') && options.length >= 4, options.join(' | '));
  await page.selectOption('#chart-pick', { label: 'Segment sizes' });
  const [svgDl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-svg')]);
  assert.equal(svgDl.suggestedFilename(), 'seglens-segment-sizes.svg');
  const svgPath = join(OUT, 'sizes.svg');
  await svgDl.saveAs(svgPath);
  const svg = readFileSync(svgPath, 'utf8');
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<rect width="100%" height="100%" fill="rgb/, 'the page background is written in');
  const [pngDl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-png')]);
  assert.equal(pngDl.suggestedFilename(), 'seglens-segment-sizes.png');
  const pngPath = join(OUT, 'sizes.png');
  await pngDl.saveAs(pngPath);
  const png = readFileSync(pngPath);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
  const width = png.readUInt32BE(16);
  const svgWidth = Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)?.[1]);
  assert.equal(width, Math.round(svgWidth * 2), 'rendered at twice the SVG size');
  assert.ok(png.length > 5000, `a real image, not a blank canvas (${png.length} bytes)`);
});

test('privacy exports: stable keyed pseudonyms, small cells suppressed', async () => {
  const { page } = demo;
  await page.check('#pseudonymise');
  const grab = async (button) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    const path = join(OUT, `${Date.now()}-${download.suggestedFilename()}`);
    await download.saveAs(path);
    return readFileSync(path, 'utf8');
  };
  const a = await grab('#dl-labels');
  const b = await grab('#dl-labels');
  assert.equal(a, b, 'the same customer gets the same pseudonym every time');
  const lines = a.trim().split('\n');
  assert.equal(lines[0], 'pseudonym,segment,name');
  assert.ok(lines.slice(1).every((l) => /^[0-9a-f]{16},\d+,/.test(l)));
  assert.ok(!a.includes('u1'), 'no original id in the export');
  assert.equal(new Set(lines.slice(1).map((l) => l.split(',')[0])).size, lines.length - 1, 'pseudonyms are distinct');
  await page.uncheck('#pseudonymise');
  await page.fill('#min-cell', '150');
  const agg = JSON.parse(await grab('#dl-aggregate'));
  assert.equal(agg.min_cell, 150);
  for (const s of agg.segments) assert.ok(s.size === null || s.size >= 150);
  for (const c of agg.cohorts.first_time) for (const n of c.retained) assert.ok(n === null || n >= 150);
  assert.ok(agg.segments.some((s) => s.size === null), 'some segment is small enough to be suppressed');
  await page.fill('#min-cell', '10');
});

test('the per-customer table sample still works', async () => {
  const { page } = demo;
  await page.click('#sample-table');
  await page.waitForFunction(() => /customers\.csv/.test(document.getElementById('source')?.textContent ?? ''));
  await page.locator('#status', { hasText: 'Done' }).waitFor();
  assert.equal(await page.locator('#cards .card .value').first().textContent(), '3,000');
});

test('an unusable file gives a one-line error, not a crash', async () => {
  const { page } = demo;
  const empty = join(tmpdir(), 'seglens-empty.csv');
  writeFileSync(empty, '');
  await page.setInputFiles('#file', empty);
  await page.locator('#error').waitFor({ state: 'visible' });
  const msg = (await page.locator('#error').textContent()) ?? '';
  assert.match(msg, /empty/);
  assert.ok(!msg.includes('\n'));
  const text = join(tmpdir(), 'seglens-text.csv');
  writeFileSync(text, 'name,city\nann,paris\n');
  await page.setInputFiles('#file', text);
  await page.locator('#error', { hasText: 'no numeric columns' }).waitFor();
  // still usable afterwards
  await page.setInputFiles('#file', FIXTURE);
  await page.locator('#error').waitFor({ state: 'hidden' });
  await page.locator('#segments-table tbody tr').first().waitFor();
});

test('cancel during a large file stops the run and leaves the page usable', async () => {
  const { page } = demo;
  const { eventLog } = await import('../../scripts/gen-events.mjs');
  const big = join(tmpdir(), 'seglens-big-events.csv');
  writeFileSync(big, eventLog(8000, 21).rows.map((r) => r.join(',')).join('\n') + '\n');
  await page.selectOption('#k', 'auto');
  await page.locator('#progress').waitFor({ state: 'hidden' });
  // 22 MB: on a machine with several cores, read by the parallel pool (a worker per core) beside the
  // page's own worker; on one core, by the page's worker alone.
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const pooled = cores > 1;
  const own = page.workers();
  assert.equal(own.length, 1, 'the page starts one worker');
  // Every worker the run starts, each with a promise of its end (the pool ends the part readers
  // itself once their parts are merged).
  /** @type {Promise<boolean>[]} */
  const started = [];
  const onWorker = (/** @type {import('playwright-core').Worker} */ w) => started.push(new Promise((resolve) => w.once('close', () => resolve(true))));
  page.on('worker', onWorker);
  await page.evaluate(() => delete document.body.dataset.read);
  await page.setInputFiles('#file', big);
  await page.locator('#cancel').waitFor({ state: 'visible' });
  // Cancel once the file is being read or segmented: every worker of the run has started.
  await page.waitForFunction(() => document.body.dataset.read !== undefined || /Finding/.test(document.getElementById('status')?.textContent ?? ''));
  page.off('worker', onWorker);
  assert.equal(started.length, pooled ? cores : 0, pooled ? 'one pool worker per core' : 'the page worker does the work');
  const busy = pooled ? started : [new Promise((resolve) => own[0].once('close', () => resolve(true)))];
  const closed = Promise.all(busy);
  await page.click('#cancel');
  await page.locator('#status', { hasText: 'Cancelled' }).waitFor();
  assert.ok(await page.locator('#error').isHidden());
  // Memory released: the workers holding the parsed file are terminated (their heaps and Wasm
  // memory go with them); the page is left with exactly one worker, a fresh one if it held the file.
  assert.deepEqual(await closed, busy.map(() => true));
  for (let i = 0; i < 50 && !(page.workers().length === 1 && (pooled || page.workers()[0] !== own[0])); i++) await page.waitForTimeout(100);
  const after = page.workers();
  assert.equal(after.length, 1);
  if (!pooled) assert.notEqual(after[0], own[0]);
  // the next run works in the fresh worker
  await page.selectOption('#k', '3');
  await page.setInputFiles('#file', FIXTURE);
  await page.locator('#status', { hasText: 'Done' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#segments-table tbody tr').length === 3);
});

test('a second file while the first is still running: the first is dropped, the second shown, no error', async () => {
  const { page } = demo;
  const big = join(tmpdir(), 'seglens-big-events.csv');
  await page.selectOption('#k', '3');
  await page.locator('#progress').waitFor({ state: 'hidden' });
  await page.setInputFiles('#file', big);
  await page.locator('#cancel').waitFor({ state: 'visible' });
  await page.setInputFiles('#file', FIXTURE);
  await page.locator('#status', { hasText: 'Done' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#segments-table tbody tr').length === 3);
  assert.ok(await page.locator('#error').isHidden());
  assert.match((await page.locator('#cards').textContent()) ?? '', /Customers/);
});

test('a large file streams into the workers with byte and row progress, and segments as the whole file does', async () => {
  const { page } = demo;
  const big = join(tmpdir(), 'seglens-big-events.csv');
  const bytes = new Uint8Array(readFileSync(big));
  await page.selectOption('#k', '3');
  await page.locator('#progress').waitFor({ state: 'hidden' });
  await page.evaluate(() => delete document.body.dataset.read);
  await page.setInputFiles('#file', big);
  await page.waitForFunction(() => document.querySelectorAll('#segments-table tbody tr').length === 3 && /Done/.test(document.getElementById('status')?.textContent ?? ''));
  const expected = await segment(bytes, { k: 3, scale: 'standard', seed: 0 });
  assert.deepEqual(await shownSizes(page), expected.report.segments.map((s) => s.size));
  // The last progress message came after the last chunk: every byte and every row.
  const [done, total, rows] = ((await page.getAttribute('body', 'data-read')) ?? '').split('/').map(Number);
  assert.equal(total, bytes.length);
  assert.equal(done, bytes.length);
  assert.equal(rows, expected.report.rows_read);
  // The Report the page offers equals the one from the whole buffer, memory accounting included.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl-report')]);
  const path = join(OUT, 'streamed-report.json');
  await download.saveAs(path);
  const shown = JSON.parse(readFileSync(path, 'utf8'));
  assert.deepEqual(shown.memory, { input_bytes: bytes.length, data_bytes: expected.report.memory?.data_bytes });
  assert.ok(shown.memory.data_bytes < bytes.length, 'the parsed columns are smaller than the text');
  assert.equal(readFileSync(path, 'utf8'), expected.reportJson);
  // Read by the parallel pool where there are several cores (one worker per core beside the page's own).
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  // (Parts this small keep their workers after the merge; parts of 64 MiB or more are released.)
  assert.equal(page.workers().length, cores > 1 ? cores + 1 : 1);
  // Changing k re-segments the data the pool holds: no second parse, the same segments as Node's.
  const parses = await page.getAttribute('body', 'data-parses');
  await page.selectOption('#k', '4');
  await page.waitForFunction(() => document.querySelectorAll('#segments-table tbody tr').length === 4 && /Done/.test(document.getElementById('status')?.textContent ?? ''));
  const four = await segment(bytes, { k: 4, scale: 'standard', seed: 0 });
  assert.deepEqual(await shownSizes(page), four.report.segments.map((s) => s.size));
  assert.equal(await page.getAttribute('body', 'data-parses'), parses);
});

test('a big file still segments when the parallel pool cannot start (its Wasm blocked): one worker reads it', async () => {
  const other = await openDemo();
  try {
    const { page } = other;
    await page.route('**/seglens_parallel_bg.*.wasm', (route) => route.abort());
    const big = join(tmpdir(), 'seglens-big-events.csv');
    await page.selectOption('#k', '3');
    await page.setInputFiles('#file', big);
    await page.waitForFunction(() => /Done/.test(document.getElementById('status')?.textContent ?? '') || !document.getElementById('error')?.hidden);
    assert.ok(await page.locator('#error').isHidden(), await page.locator('#error').textContent() ?? '');
    const expected = await segment(new Uint8Array(readFileSync(big)), { k: 3, scale: 'standard', seed: 0 });
    assert.deepEqual(await shownSizes(page), expected.report.segments.map((s) => s.size));
    assert.ok(other.requests.some((u) => /seglens_parallel_bg/.test(u)), 'the pool tried to start');
    // the pool's workers are gone; the page's own worker did the work
    for (let i = 0; i < 50 && page.workers().length !== 1; i++) await page.waitForTimeout(100);
    assert.equal(page.workers().length, 1);
  } finally {
    await other.close();
  }
});

test('CSV, TSV, JSON and JSON Lines uploads of the same events give the same segments', async () => {
  const { page } = demo;
  await page.selectOption('#method', 'kmeans');
  await page.selectOption('#k', '3');
  await page.locator('#progress').waitFor({ state: 'hidden' });
  const rows = [];
  for (let i = 0; i < 60; i++) {
    const u = `u${i % 20}`;
    rows.push({ user_id: u, timestamp: `2024-0${1 + (i % 6)}-${String(1 + (i % 27)).padStart(2, '0')}T10:00:00Z`, event: i % 3 ? 'view' : 'purchase', revenue: i % 3 ? null : (i % 7) * 10 + 5 });
  }
  const keys = Object.keys(rows[0]);
  const cell = (/** @type {unknown} */ v) => (v === null ? '' : String(v));
  const files = {
    'events.csv': [keys.join(','), ...rows.map((r) => keys.map((k) => cell(r[k])).join(','))].join('\n'),
    'events.tsv': [keys.join('\t'), ...rows.map((r) => keys.map((k) => cell(r[k])).join('\t'))].join('\n'),
    'events.json': JSON.stringify(rows),
    'events.jsonl': rows.map((r) => JSON.stringify(r)).join('\n'),
  };
  const seen = [];
  for (const [name, text] of Object.entries(files)) {
    const path = join(tmpdir(), `seglens-format-${name}`);
    writeFileSync(path, text);
    await page.setInputFiles('#file', path);
    await page.waitForFunction((n) => (document.getElementById('source')?.textContent ?? '').includes(n), `seglens-format-${name}`);
    await page.locator('#status', { hasText: 'Done' }).waitFor();
    await page.locator('#progress').waitFor({ state: 'hidden' });
    seen.push(await page.$$eval('#segments-table tbody tr', (trs) => trs.map((tr) => tr.children[2]?.textContent).join('|')));
  }
  assert.equal(new Set(seen).size, 1, seen.join(' / '));
  assert.equal(seen[0].split('|').reduce((a, b) => a + Number(b), 0), 20);
});

test('remapping a column in the mapping table re-segments with the new role', async () => {
  const { page } = demo;
  const path = join(tmpdir(), 'seglens-two-ids.csv');
  const lines = ['user_id,account_id,timestamp,event,revenue'];
  for (let i = 0; i < 90; i++) lines.push(`u${i % 30},acct${i % 6},2024-02-${String(1 + (i % 27)).padStart(2, '0')}T09:00:00Z,${i % 4 ? 'view' : 'purchase'},${i % 4 ? '' : 10 + i}`);
  writeFileSync(path, lines.join('\n'));
  await page.setInputFiles('#file', path);
  await page.waitForFunction(() => (document.getElementById('source')?.textContent ?? '').includes('seglens-two-ids'));
  await page.locator('#status', { hasText: 'Done' }).waitFor();
  assert.equal(await page.locator('#cards .card .value').first().textContent(), '30');
  if (!(await page.locator('#mapping-box').evaluate((d) => /** @type {HTMLDetailsElement} */ (d).open))) await page.click('#mapping-box summary');
  await page.selectOption('select[aria-label="Role of column account_id"]', 'id');
  await page.waitForFunction(() => document.querySelector('#cards .card .value')?.textContent === '6');
  assert.equal(await page.locator('select[aria-label="Role of column account_id"]').inputValue(), 'id');
});

test('markup in ids and column names renders as text', async () => {
  const { page } = demo;
  const evil = join(tmpdir(), 'seglens-evil.csv');
  writeFileSync(evil, 'id,<img src=x onerror=alert(1)>\n<b>x</b>,1\ny,2\nz,30\nw,31\n');
  await page.selectOption('#k', '2');
  await page.setInputFiles('#file', evil);
  await page.waitForFunction(() => (document.querySelector('#profile-table thead')?.textContent ?? '').includes('onerror'));
  await page.waitForFunction(() => document.querySelectorAll('#segments-table tbody tr').length === 2);
  assert.equal(await page.locator('#profile-table img').count(), 0);
  const head = await page.locator('#profile-table thead').textContent();
  assert.match(head ?? '', /<img src=x onerror=alert\(1\)>/);
});

test('the page made no request to any other origin and no CSP violation', () => {
  const origin = new URL(demo.server.url).origin;
  const foreign = demo.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, []);
  const wasm = demo.requests.filter((u) => u.endsWith('.wasm'));
  assert.ok(wasm.length > 0, 'the wasm was loaded from the same origin');
  // Chromium has Wasm SIMD: the SIMD build is the one fetched, never the scalar one (big files: the
  // parallel pool's build, SIMD too).
  assert.ok(wasm.every((u) => /seglens_(simd|parallel)_bg\.[0-9a-f]+\.wasm$/.test(u)), wasm.join(', '));
  // None at all, styles included: the page's CSP allows Observable Plot's own <style> by hash.
  const csp = demo.consoleErrors.filter((m) => /Content Security Policy/i.test(m));
  assert.deepEqual(csp, []);
});
