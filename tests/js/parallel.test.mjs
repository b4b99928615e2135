// k-means over several worker_threads (www/parallel.js): the same labels, centres, inertia and
// iteration count as the one-thread kmeansSync, bit for bit, for any number of workers —
// including a run where a cluster starts empty and is re-seeded from the farthest rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kmeansSync } from '../../www/node.js';
import { kmeansParallel } from '../../www/parallel.js';

// Every WebAssembly.compile in this thread: the pools of this file (one per test, several workers
// each) must compile their workers' Wasm here once between them and hand it to every worker.
/** @type {Promise<WebAssembly.Module>[]} */
const compiled = [];
const compile = WebAssembly.compile;
WebAssembly.compile = (/** @type {BufferSource} */ bytes) => {
  const p = compile.call(WebAssembly, bytes);
  compiled.push(p);
  return p;
};

/** Blobs around k centres (a fixed generator, so the test data never changes). */
function blobs(n, d, k, seed) {
  let s = seed >>> 0;
  const r = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => (r() - 0.5) * 20));
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = centres[i % k][j] + (r() + r() + r() - 1.5);
  return x;
}

const same = (/** @type {any} */ a, /** @type {any} */ b, /** @type {string} */ what) => {
  assert.deepEqual(Array.from(a.centroids), Array.from(b.centroids), `${what}: centres`);
  assert.deepEqual(Array.from(a.labels), Array.from(b.labels), `${what}: labels`);
  assert.equal(a.inertia, b.inertia, `${what}: inertia`);
  assert.deepEqual([a.n_iter, a.converged], [b.n_iter, b.converged], `${what}: iterations`);
};

test('1, 2 and 3 workers give kmeansSync’s result bit for bit (k-means++ restarts, odd d)', async () => {
  // 9 blocks of 4,096 rows plus a partial one: shards of unequal size.
  const [n, d, k] = [9 * 4096 + 321, 5, 4];
  const x = blobs(n, d, k, 7);
  const options = { k, seed: 11, nInit: 3 };
  const one = kmeansSync(x, d, options);
  for (const workers of [1, 2, 3]) {
    const r = await kmeansParallel(x, d, { ...options, workers });
    assert.equal(r.workers, workers);
    same(r, one, `${workers} workers`);
  }
});

test('a cluster that starts empty is re-seeded from the farthest rows, as in one thread', async () => {
  const [n, d, k] = [3 * 4096 + 5, 2, 3];
  const x = blobs(n, d, k, 3);
  // Centres 0 and 2 identical: centre 2 gets no rows (ties go to the lower index) and is re-seeded.
  const init = [x[0], x[1], x[2], x[3], x[0], x[1]];
  const options = { k, init, tol: 0 };
  const one = kmeansSync(x, d, options);
  for (const workers of [1, 2]) same(await kmeansParallel(x, d, { ...options, workers }), one, `${workers} workers`);
});

test('more workers than blocks of rows use one worker per block; bad options are the usual errors', async () => {
  const x = blobs(500, 2, 2, 1);
  const r = await kmeansParallel(x, 2, { k: 2, workers: 8 });
  assert.equal(r.workers, 1);
  same(r, kmeansSync(x, 2, { k: 2 }), 'one block');
  await assert.rejects(kmeansParallel(x, 2, { k: 900 }), (e) => /** @type {any} */ (e).code === 'bad_params' && /k = 900 is larger than the number of customers \(500\)/.test(/** @type {any} */ (e).message));
});

test('a pool keeps its workers for several runs, one after the other, each equal to kmeansSync', async () => {
  const { createKMeansPool } = await import('../../www/parallel.js');
  const pool = await createKMeansPool({ workers: 2 });
  try {
    const a = blobs(3 * 4096, 3, 3, 21);
    const b = blobs(5 * 4096 + 17, 4, 5, 22);
    // Started together: the pool runs them in turn (each worker holds one shard at a time).
    const [ra, rb] = await Promise.all([pool.kmeans(a, 3, { k: 3, seed: 1 }), pool.kmeans(b, 4, { k: 5, seed: 2, nInit: 2 })]);
    same(ra, kmeansSync(a, 3, { k: 3, seed: 1 }), 'first run');
    same(rb, kmeansSync(b, 4, { k: 5, seed: 2, nInit: 2 }), 'second run');
    // A failing run does not break the queue.
    await assert.rejects(pool.kmeans(a, 3, { k: 0 }));
    same(await pool.kmeans(a, 3, { k: 2 }), kmeansSync(a, 3, { k: 2 }), 'after an error');
  } finally {
    pool.dispose();
  }
  await assert.rejects(pool.kmeans(blobs(100, 2, 2, 1), 2, { k: 2 }), (e) => /** @type {any} */ (e).code === 'cancelled');
  // Disposed right after a run is started: the run rejects with "cancelled", it does not hang.
  const busy = await createKMeansPool({ workers: 2 });
  const running = busy.kmeans(blobs(8 * 4096, 4, 6, 5), 4, { k: 6, nInit: 10 });
  busy.dispose();
  await assert.rejects(running, (e) => /** @type {any} */ (e).code === 'cancelled');
});

/**
 * An event log: `rows` rows, some
 * with an unreadable date (warnings with line numbers), quoted event names holding the delimiter,
 * ids and event names outside ASCII (the parts' strings travel packed as UTF-8 bytes).
 * @param {number} rows
 */
function eventLog(rows) {
  const lines = ['user_id,timestamp,event,revenue'];
  let s = 12345;
  const r = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  for (let i = 0; i < rows; i++) {
    const day = 1 + Math.floor(r() * 28);
    const when = i % 20_000 === 7 ? 'someday' : `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(day).padStart(2, '0')} 10:${String(i % 60).padStart(2, '0')}:00`;
    const event = r() < 0.1 ? '"purchase, web"' : ['view', 'click', 'purchase', 'vue écran'][i % 4];
    const id = Math.floor(r() * 9000);
    lines.push(`${id % 5 === 0 ? '客户-ü' : 'u'}${id},${when},${event},${i % 3 === 2 ? (r() * 100).toFixed(2) : ''}`);
  }
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

test('a CSV event log loaded on 2 and 3 workers (bytes or a Blob) segments exactly as in one pass', async () => {
  const { createPool } = await import('../../www/parallel.js');
  const { segmentSync } = await import('../../www/node.js');
  const bytes = eventLog(90_000);
  // Parts of at least 256 KiB (8 MiB by default): room for three.
  const minPartBytes = 1 << 18;
  assert.ok(bytes.length > 3 * minPartBytes);
  const copy = bytes.slice();
  const options = { k: 4, seed: 3 };
  const one = segmentSync(bytes, options);
  assert.ok(one.report.warnings.some((w) => w.line && w.message.includes('someday')), 'bad rows are warned with their lines');
  for (const workers of [2, 3]) {
    const pool = await createPool({ workers, minPartBytes });
    try {
      for (const input of [bytes, new Blob([bytes])]) {
        /** @type {import('../../www/types').Progress[]} */
        const seen = [];
        const loaded = await pool.load(input, {}, (p) => seen.push(p));
        assert.equal(loaded.parts, workers, 'split into one part per worker');
        // Bytes over all parts, never past the size, ending at every byte and every row.
        assert.ok(seen.every((p, i) => p.stage === 'parse' && p.total === bytes.length && p.done <= p.total && (i === 0 || p.done >= seen[i - 1].done)));
        assert.deepEqual([seen.at(-1)?.done, seen.at(-1)?.rows], [bytes.length, 90_000]);
        assert.equal(loaded.customers, one.report.customers);
        const r = await pool.segment(options);
        assert.equal(r.reportJson, one.reportJson, `${workers} workers: the one-pass Report`);
        assert.deepEqual(Array.from(r.labels), Array.from(one.labels));
        assert.deepEqual(r.ids, one.ids);
      }
    } finally {
      pool.dispose();
    }
  }
  assert.deepEqual(bytes, copy, 'the caller’s bytes are not modified or detached');
});

test('a split inside a quoted field, a small file and JSON are read in one pass, with the same result', async () => {
  const { createPool } = await import('../../www/parallel.js');
  const { segmentSync } = await import('../../www/node.js');
  // A note spanning the middle of the file: the line feed after the middle is inside its quotes.
  const head = new TextDecoder().decode(eventLog(1500)).replace('user_id,timestamp,event,revenue', 'user_id,timestamp,event,revenue,note').replace(/\n(?=.)/g, ',\n').replace(/,\n/, '\n');
  const quoted = new TextEncoder().encode(`${head.trimEnd()}\nu1,2024-03-01 10:00:00,view,,"${'long note\n'.repeat(100_000)}"\nu2,2024-03-02 10:00:00,view,,\n`);
  const json = new TextEncoder().encode(JSON.stringify([{ user_id: 'a', timestamp: '2024-01-01', event: 'view' }, { user_id: 'a', timestamp: '2024-01-03', event: 'purchase', revenue: 5 }]));
  const minPartBytes = 1 << 18;
  const pool = await createPool({ workers: 2, minPartBytes });
  try {
    for (const [name, input, opts] of /** @type {const} */ ([['quoted', quoted, { k: 2, seed: 1 }], ['small', eventLog(5000), { k: 2, seed: 1 }], ['json', json, { method: 'rfm' }]])) {
      const loaded = await pool.load(input, {});
      assert.equal(loaded.parts, 1, `${name}: one pass`);
      assert.equal((await pool.segment(opts)).reportJson, segmentSync(input, opts).reportJson, `${name}: same Report`);
    }
    assert.ok(quoted.length > 2 * minPartBytes);
    await assert.rejects(pool.load(new TextEncoder().encode('just one line'), {}), (e) => typeof /** @type {any} */ (e).code === 'string');
    await assert.rejects(pool.segment({ k: 0 }), (e) => /** @type {any} */ (e).code === 'bad_params');
    // A failed load or segment leaves the pool usable.
    const again = eventLog(20_000);
    assert.equal((await pool.load(again, {})).parts, 2);
    assert.equal((await pool.segment({ k: 3, seed: 2 })).reportJson, segmentSync(again, { k: 3, seed: 2 }).reportJson);
  } finally {
    pool.dispose();
  }
});

test('every pool above ran on one compile of the workers’ Wasm, made in this thread and shared', async () => {
  assert.equal(compiled.length, 1);
  assert.ok((await compiled[0]) instanceof WebAssembly.Module);
});
