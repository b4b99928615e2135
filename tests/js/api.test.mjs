// The JS API under Node: the same Wasm, called as a library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { segment, SeglensError, wasmVersion } from '../../www/node.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const shop = readFileSync(new URL('../fixtures/shop_400.csv', import.meta.url));

test('segments a customer table and explains each segment', async () => {
  const { report, labels, ids } = await segment(new Uint8Array(shop), { k: 4, seed: 1 });
  assert.equal(report.customers, 400);
  assert.equal(labels.length, 400);
  assert.equal(ids[0], 'C100001');
  assert.equal(report.id_column, 'customer_id');
  assert.deepEqual(report.ignored_columns, ['plan']);
  const sizes = report.segments.map((s) => s.size);
  assert.deepEqual([...sizes].sort((a, b) => b - a), sizes, 'segments ordered by size');
  for (const s of report.segments) {
    assert.equal(s.size, labels.filter((l) => l === s.id).length);
    assert.ok(s.name.length > 0);
    assert.deepEqual(Object.keys(s.profile).sort(), [...report.features].sort());
  }
  // profile means are the means of the raw column over the segment's customers
  const rows = shop.toString().trim().split('\n').slice(1).map((l) => l.split(','));
  const spend = report.features.indexOf('total_spend');
  assert.ok(spend >= 0);
  const s0 = rows.filter((_, i) => labels[i] === 0).map((r) => Number(r[3]));
  const mean = s0.reduce((a, b) => a + b, 0) / s0.length;
  assert.ok(Math.abs(report.segments[0].profile.total_spend - mean) < 1e-9 * Math.max(1, mean));
});

test('string input, options validated, errors are SeglensError with code and line', async () => {
  const r = await segment('id,x\na,1\nb,2\nc,10\nd,11\n', { k: 2 });
  assert.equal(r.report.k, 2);
  await assert.rejects(segment('', {}), (e) => e instanceof SeglensError && e.code === 'empty_input');
  await assert.rejects(segment('id,x\na,1\n', { k: 5 }), (e) => e instanceof SeglensError && /larger than the number of customers/.test(e.message));
  await assert.rejects(segment('id,x\na,1\n', { k: 0 }), (e) => e instanceof SeglensError && e.code === 'bad_options');
  await assert.rejects(segment('id,x\na,1\n', { scale: /** @type {any} */ ('log') }), (e) => e instanceof SeglensError && e.code === 'bad_options');
  await assert.rejects(segment('id,x\na,1\n', { features: ['nope'] }), (e) => e instanceof SeglensError && e.code === 'unknown_column' && e.column === 'nope');
});

test('skipped rows are counted and located, not dropped silently', async () => {
  const { report } = await segment('id,x\na,1\nb,oops\nc,3\nd,4\n', { k: 2 });
  assert.equal(report.rows_read, 4);
  assert.equal(report.rows_skipped, 1);
  assert.equal(report.customers, 3);
  assert.deepEqual(report.warnings[0], { line: 3, message: 'column "x": cannot read "oops" as a number; row skipped' });
});

test('the loaded Wasm is the version the package ships', () => {
  assert.equal(wasmVersion(), pkg.version);
});

test('the JS, the Wasm, package.json and Cargo.toml are one release', async () => {
  const { VERSION } = await import('../../www/version.js');
  const { wasmVersion } = await import('../../www/node.js');
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const cargo = readFileSync(new URL('../../Cargo.toml', import.meta.url), 'utf8');
  assert.equal(VERSION, pkg.version);
  assert.equal(wasmVersion(), VERSION);
  assert.match(cargo, new RegExp(`^version = "${VERSION.replaceAll('.', '\\.')}"`, 'm'));
});

test('kmeansSync: k-means on the caller’s own matrix; bad input is a SeglensError', async () => {
  const { kmeansSync, SeglensError } = await import('../../www/node.js');
  const r = kmeansSync(new Float64Array([0, 0, 0.1, 0, 10, 10, 10.1, 10, 0, 0.1]), 2, { k: 2, seed: 3 });
  assert.deepEqual(r.labels[0] === r.labels[1] && r.labels[1] === r.labels[4], true);
  assert.notEqual(r.labels[0], r.labels[2]);
  assert.equal(r.centroids.length, 4);
  // Typed arrays, as kmeansParallel returns them.
  assert.ok(r.labels instanceof Uint32Array && r.centroids instanceof Float64Array);
  assert.throws(() => kmeansSync([1, 2, 3], 2, { k: 1 }), (e) => e instanceof SeglensError && e.code === 'bad_params');
  assert.throws(() => kmeansSync([1, 2, 3, 4], 2, { k: 5 }), (e) => e instanceof SeglensError);
});

test('metricsSync: scikit-learn-defined validity metrics of the caller’s labels', async () => {
  const { metricsSync, SeglensError } = await import('../../www/node.js');
  // X = [[0],[1],[4],[5]], labels [0,0,1,1]: silhouette 0.7460..., by hand and scikit-learn
  const m = metricsSync([0, 1, 4, 5], 1, [0, 0, 1, 1]);
  assert.ok(Math.abs((m.silhouette ?? 0) - (7 / 9 + 5 / 7) / 2) < 1e-12, String(m.silhouette));
  assert.equal(m.silhouette_sample_size, 4);
  // DB = (0.5 + 0.5) / 4 = 0.25; CH = (B / (k-1)) / (W / (n-k)) = 16 / (1 / 2) = 32
  assert.ok(Math.abs((m.davies_bouldin ?? 0) - 0.25) < 1e-12);
  assert.ok(Math.abs((m.calinski_harabasz ?? 0) - 32) < 1e-12);
  assert.throws(() => metricsSync([1, 2, 3], 1, [0, 1]), (e) => e instanceof SeglensError && e.code === 'bad_params');
});

test('runSegmentationStream: chunks of any size give the bytes path’s Report; progress counts bytes and rows', async () => {
  const { runSegmentationStream } = await import('../../www/node.js');
  const events = new Uint8Array(readFileSync(new URL('../../www/sample/events.csv', import.meta.url)));
  const whole = await segment(events, { k: 3 });
  for (const size of [1000, 65536, events.length]) {
    async function* chunks() {
      for (let i = 0; i < events.length; i += size) yield events.subarray(i, i + size);
    }
    /** @type {import('../../www/types').Progress[]} */
    const seen = [];
    const streamed = await runSegmentationStream(chunks(), events.length, { k: 3 }, (p) => seen.push(p));
    assert.equal(streamed.reportJson, whole.reportJson, `chunks of ${size} bytes`);
    const parse = seen.filter((p) => p.stage === 'parse' && p.rows !== undefined);
    assert.equal(parse.length, Math.ceil(events.length / size));
    assert.equal(parse.at(-1)?.done, events.length);
    assert.equal(parse.at(-1)?.rows, whole.report.rows_read);
    assert.ok(parse.every((p, i) => i === 0 || (p.done > parse[i - 1].done && (p.rows ?? 0) >= (parse[i - 1].rows ?? 0))));
  }
  // A bad chunk source is one clear error, and the loader is freed (a later run still works).
  async function* failing() {
    yield events.subarray(0, 5000);
    throw new Error('disk went away');
  }
  await assert.rejects(runSegmentationStream(failing(), undefined, {}), /disk went away/);
  await assert.rejects(runSegmentationStream([new Uint8Array(10)], 5 * 2 ** 30, {}), (e) => e instanceof SeglensError && e.code === 'too_large');
  await assert.rejects(runSegmentationStream([new Uint8Array(10)], undefined, {}), (e) => e instanceof SeglensError && e.code === 'binary_input');
  // Size unknown (a pipe): the same result.
  assert.equal((await runSegmentationStream([events], undefined, { k: 3 })).reportJson, whole.reportJson);
});

test('rows and columns from JavaScript are read as numbers and text, not via JSON, and segment as their CSV does', async () => {
  const { segmentSync } = await import('../../www/node.js');
  /** @type {Record<string, unknown>[]} */
  const rows = [];
  for (let i = 0; i < 3000; i++) {
    rows.push({
      user_id: i % 97,
      time: new Date(Date.UTC(2024, 0, 1) + i * 3_600_123),
      event: ['view', 'cart', 'purchase'][i % 3],
      revenue: i % 3 === 2 ? (i % 50) + 0.25 : null,
      props: { plan: i % 2 ? 'pro' : 'free' },
    });
  }
  const fromRows = segmentSync(rows, { k: 3 });
  assert.equal(fromRows.report.format, 'host arrays');
  assert.deepEqual(
    fromRows.report.columns.map((c) => [c.name, c.type, c.role]),
    [['user_id', 'integer', 'id'], ['time', 'timestamp', 'time'], ['event', 'category', 'event'], ['revenue', 'float', 'revenue'], ['props.plan', 'category', null]],
  );
  // The same data as an object of columns (a typed array among them): the same Report.
  const columns = {
    user_id: Int32Array.from(rows, (r) => /** @type {number} */ (r.user_id)),
    time: rows.map((r) => r.time),
    event: rows.map((r) => r.event),
    revenue: rows.map((r) => r.revenue),
    'props.plan': rows.map((r) => /** @type {any} */ (r.props).plan),
  };
  assert.equal(segmentSync(columns, { k: 3 }).reportJson, fromRows.reportJson);
  // And as the CSV a user would export: the same segments (only the format and the input size differ).
  const csv = 'user_id,time,event,revenue,props.plan\n' + rows.map((r) => [r.user_id, /** @type {Date} */ (r.time).getTime(), r.event, r.revenue ?? '', /** @type {any} */ (r.props).plan].join(',')).join('\n');
  const fromCsv = segmentSync(csv, { k: 3 });
  const strip = (/** @type {string} */ j) => ({ ...JSON.parse(j), format: null, memory: null });
  assert.deepEqual(strip(fromRows.reportJson), strip(fromCsv.reportJson));
  assert.deepEqual(fromRows.labels, fromCsv.labels);
  // Bad host data is a clear error.
  assert.throws(() => segmentSync(/** @type {any} */ ([{ a: 1 }, 'x']), {}), (e) => e instanceof SeglensError && e.code === 'bad_input' && /row 2 is not an object/.test(e.message));
  assert.throws(() => segmentSync(/** @type {any} */ ({ a: 5 }), {}), (e) => e instanceof SeglensError && e.code === 'bad_input' && /column "a" is not an array/.test(e.message));
  assert.throws(() => segmentSync({ a: [] }, {}), (e) => e instanceof SeglensError && e.code === 'empty_input');
});
