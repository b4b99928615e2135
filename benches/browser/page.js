// The in-browser half of `npm run bench`: seglens (Wasm), PapaParse and
// DuckDB-Wasm on the same bytes, in the same Chromium tab, one after the
// other. Bundled by benches/browser.mjs (webpack), driven by playwright-core.
// Nothing is fetched but this page's own files (DuckDB's extension autoloading
// is switched off, so no request leaves the machine).
import init, { Loader, Session, kmeans } from '../../www/pkg/seglens.js';
import { defaultWasmUrl, simdSupported } from '../../www/simd.js';
import { createPool, kmeansParallel } from '../../www/parallel.js';
import * as duckdb from '@duckdb/duckdb-wasm';
import Papa from 'papaparse';
import { kmeans as mlKmeans } from 'ml-kmeans';
import skmeans from 'skmeans';
import { blobs, poorStart } from '../blobs.mjs';
import { alternating, perIteration } from '../alternating.mjs';

/**
 * Collects the garbage earlier measurements left (PapaParse's rows, the npm k-means packages'
 * arrays) before the next is timed, so that V8's background collection of one peer's garbage does
 * not run on the two cores while another is timed (Chromium is started with --expose-gc; without
 * it this only waits). The same for every peer.
 */
async function quiet() {
  /** @type {any} */ (globalThis).gc?.();
  await new Promise((ok) => setTimeout(ok, 100));
}

/** Best of `n` runs of an async `fn`, in seconds, and its last result. */
async function best(n, fn) {
  let t = Infinity;
  let out;
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    out = await fn();
    t = Math.min(t, (performance.now() - s) / 1000);
  }
  return { t, out };
}

/**
 * @param {{ csvUrl: string, sql: string, reps: number }} args  `sql`: seglens's exported DuckDB query
 *   (same features and segment assignment) for the DuckDB-Wasm side
 */
async function runBench({ csvUrl, sql, reps }) {
  const bytes = new Uint8Array(await (await fetch(csvUrl)).arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  const wasm = await init({ module_or_path: defaultWasmUrl() });
  const out = { mb: bytes.length / 1e6, simd: simdSupported() };
  const opts = { input: 'events' };

  // First, while the instance is fresh (Wasm memory never shrinks): the file as the demo reads it,
  // a Blob streamed chunk by chunk, then segmented. The memory after it is this path's peak.
  const blob = await (await fetch(csvUrl)).blob();
  const t0 = performance.now();
  const loader = new Loader(opts, blob.size);
  const reader = blob.stream().getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) loader.push(r.value);
  const streamed = loader.finish();
  out.streamLoad = (performance.now() - t0) / 1000;
  streamed.segment({ k: 4, seed: 0 });
  out.streamEndToEnd = (performance.now() - t0) / 1000;
  streamed.free();
  out.streamMemoryMb = wasm.memory.buffer.byteLength / 2 ** 20;

  out.seglensParse = (await best(reps, () => Session.load(bytes, opts).free())).t;
  const feat = await best(reps, () => {
    const s = Session.load(bytes, opts);
    const t0 = performance.now();
    const f = s.features({});
    const dt = (performance.now() - t0) / 1000;
    s.free();
    return { dt, customers: f.ids.length, width: f.names.length };
  });
  out.seglensFeatures = feat.out.dt;
  out.customers = feat.out.customers;
  out.featureCount = feat.out.width;
  const e2e = await best(reps, () => {
    const s = Session.load(bytes, opts);
    const report = s.segment({ k: 4, seed: 0 });
    s.free();
    return report.k;
  });
  out.seglensEndToEnd = e2e.t;
  out.wasmMemoryMb = wasm.memory.buffer.byteLength / 2 ** 20;

  out.papaParse = (await best(1, () => Papa.parse(text, { header: true, dynamicTyping: true, skipEmptyLines: true }))).t;

  const bundles = {
    mvp: {
      mainModule: new URL('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm', import.meta.url).href,
      mainWorker: new URL('@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js', import.meta.url).href,
    },
    eh: {
      mainModule: new URL('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm', import.meta.url).href,
      mainWorker: new URL('@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js', import.meta.url).href,
    },
  };
  const bundle = await duckdb.selectBundle(bundles);
  const worker = new Worker(/** @type {string} */ (bundle.mainWorker));
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle.mainModule);
  const conn = await db.connect();
  await conn.query('SET autoinstall_known_extensions = false');
  await conn.query('SET autoload_known_extensions = false');
  await db.registerFileBuffer('events.csv', bytes.slice());
  const load = `CREATE OR REPLACE TABLE events AS SELECT * FROM read_csv('events.csv', header = true,
    columns = {'user_id': 'VARCHAR', 'timestamp': 'TIMESTAMP', 'event': 'VARCHAR', 'revenue': 'DOUBLE'})`;
  out.duckdbParse = (await best(reps, () => conn.query(load))).t;
  const q = await best(reps, () => conn.query(sql));
  out.duckdbExported = q.t;
  out.duckdbCustomers = q.out.numRows;
  // What an analyst would write by hand: one GROUP BY for the seven default features.
  const groupBy = `WITH b AS (
      SELECT user_id, CAST(floor(epoch_ms("timestamp") / 1000) AS BIGINT) AS ts, event, COALESCE(revenue, 0) AS rev,
        lower(event) LIKE '%purchase%' AS p FROM events),
    m AS (SELECT MAX(ts) + 86400 AS as_of FROM b)
    SELECT user_id,
      floor((as_of - COALESCE(MAX(CASE WHEN p THEN ts END), MIN(ts))) / 86400) AS recency_days,
      floor((as_of - MAX(ts)) / 86400) AS days_since_active,
      SUM(CASE WHEN p THEN 1 ELSE 0 END) AS orders,
      SUM(CASE WHEN p THEN rev ELSE 0 END) AS monetary,
      floor((as_of - MIN(ts)) / 86400) AS tenure_days,
      COUNT(DISTINCT floor(ts / 86400)) AS active_days,
      COUNT(DISTINCT event) AS distinct_events
    FROM b, m GROUP BY user_id, as_of`;
  out.duckdbGroupBy = (await best(reps, () => conn.query(groupBy))).t;
  out.duckdbVersion = await db.getVersion();
  await conn.close();
  await db.terminate();
  worker.terminate();
  return out;
}

/**
 * k-means time per Lloyd iteration in this tab, measured as in benches/run.mjs:
 * (T(20 iterations) − T(2)) / (iterations between), on the same blobs from the same deliberately
 * poor initial centres (benches/blobs.mjs).
 * @param {{ n: number, d: number, k: number, reps?: number }} args
 */
async function kmeansPerIteration({ n, d, k, reps = 3 }) {
  await init({ module_or_path: defaultWasmUrl() });
  const data = blobs(n, d, k, 42);
  const initial = Array.from(poorStart(data, d, k));
  const run = (/** @type {number} */ it) => kmeans(data, d, { k, maxIter: it, tol: 0, init: initial }).n_iter;
  await quiet();
  const [two, twenty] = await alternating(reps, run, 20);
  // Hamerly's iterations get cheaper as the clustering settles: the one-thread : N-worker ratio
  // compares the same iterations (3–60).
  const [two60, sixty] = await alternating(reps, run, 60);
  // The npm packages on the same rows and centres in this tab, as benches/run.mjs times them in Node.
  const arrays = Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * d, (i + 1) * d)));
  const initArrays = () => Array.from({ length: k }, (_, c) => initial.slice(c * d, (c + 1) * d));
  /** @type {(run: (it: number) => number) => Promise<number>} */
  const npm = async (f) => {
    await quiet();
    return perIteration(...(await alternating(reps, f, 20)));
  };
  const ml = await npm((it) => mlKmeans(arrays, k, { initialization: initArrays(), maxIterations: it, tolerance: 0 }).iterations);
  const sk = await npm((it) => skmeans(arrays, k, initArrays(), it).it);
  // The same over one Web Worker per core (www/parallel.js), bit-identical results.
  const workers = navigator.hardwareConcurrency;
  const par = (/** @type {number} */ it) => kmeansParallel(data, d, { k, maxIter: it, tol: 0, init: initial, workers }).then((r) => r.n_iter);
  // 2 vs 60 iterations: each call starts its workers and their Wasm, a fixed cost that varies
  // more than 18 iterations of 100k rows take.
  await quiet();
  const [ptwo, psixty] = await alternating(reps, par, 60);
  return { one: perIteration(two, twenty), one60: perIteration(two60, sixty), workers, parallel: perIteration(ptwo, psixty), mlKmeans: ml, skmeans: sk };
}

/**
 * seglens/parallel loading the file as a Blob (as a page holds a chosen File): one worker (the
 * one-pass streaming read) vs one worker per core (parts parsed at the same time, then merged),
 * best of `reps`, each on a pool started beforehand; then the N-worker pool segments the data.
 * @param {{ csvUrl: string, reps: number }} args
 */
async function parallelLoad({ csvUrl, reps }) {
  const blob = await (await fetch(csvUrl)).blob();
  const opts = { input: 'events' };
  const workers = navigator.hardwareConcurrency;
  /** @type {Record<string, any>} */
  const out = { workers };
  // A fresh pool for every load (its start not timed): each load is a first load, as a page's is,
  // with workers that have not run the parser before (a pool replaces its workers that read big
  // parts, so a reused pool would mix warm and fresh workers).
  // One worker and every core alternate, so a slower spell of this shared machine weighs on both.
  /** @type {Record<number, number>} */
  const t = { 1: Infinity, [workers]: Infinity };
  for (let i = 0; i < reps; i++) {
    for (const n of [1, workers]) {
      const pool = await createPool({ workers: n });
      try {
        const t0 = performance.now();
        const r = await pool.load(blob, opts);
        t[n] = Math.min(t[n], (performance.now() - t0) / 1000);
        out[n === 1 ? 'oneParts' : 'parts'] = r.parts;
        if (n > 1 && i === reps - 1) {
          const t1 = performance.now();
          await pool.segment({ k: 4, seed: 0 });
          out.segment = (performance.now() - t1) / 1000;
        }
      } finally {
        pool.dispose();
      }
    }
  }
  out.one = t[1];
  out.many = t[workers];
  return out;
}

Object.assign(window, { runBench, kmeansPerIteration, parallelLoad });
document.body.dataset.ready = 'true';
