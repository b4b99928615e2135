// k-means on every core: the rows are split into one shard per worker (Web Workers in a browser,
// worker_threads in Node); each iteration the workers assign their rows and sum them per block
// (map), and one coordinator combines the sums into new centres (reduce). The result is
// bit-identical to the one-thread `kmeans` / `kmeansSync` with the same options, for any number
// of workers: the sums are added block by block in row order however the rows are split.
//
//   import { kmeansParallel } from 'seglens/parallel';
//   const { labels, centroids } = await kmeansParallel(data, 8, { k: 6, workers: 4 });
import { SeglensError } from './errors.js';
import { simdSupported } from './simd.js';

/** Rows per sum block (src/cluster/kmeans/shard.rs): shards start at multiples of it. */
const BLOCK = 4096;

/**
 * @typedef {{ k: number, nInit?: number, maxIter?: number, tol?: number, seed?: number, init?: number[], workers?: number }} ParallelOptions
 * @typedef {{ labels: Uint32Array, centroids: Float64Array, inertia: number, n_iter: number, converged: boolean, workers: number }} ParallelResult
 * @typedef {{ ask: (m: Record<string, unknown>) => Promise<any>, terminate: () => void }} PoolWorker
 */

/**
 * k-means on one-off workers (started for this call, stopped after it). For repeated calls, keep
 * a pool with {@link createKMeansPool}: starting a worker and its Wasm costs tens of milliseconds.
 * @param {Float64Array | number[]} data  row-major, `d` columns
 * @param {number} d
 * @param {ParallelOptions} options  as `kmeansSync`, plus `workers` (default: the number of cores)
 * @returns {Promise<ParallelResult>}
 */
export async function kmeansParallel(data, d, options) {
  const { workers, ...opts } = options;
  const n = Math.floor(data.length / Math.max(1, d));
  // No more workers than blocks of rows: a worker without rows would only add messages.
  const pool = await createKMeansPool({ workers: Math.min(workers ?? (await cores()), Math.ceil(n / BLOCK)) });
  try {
    return await pool.kmeans(data, d, opts);
  } finally {
    pool.dispose();
  }
}

/**
 * Workers kept for several k-means runs (calls on one pool run one after the other).
 * @param {{ workers?: number }} [options]  default: the number of cores
 * @returns {Promise<{ workers: number, kmeans: (data: Float64Array | number[], d: number, options: Omit<ParallelOptions, 'workers'>) => Promise<ParallelResult>, dispose: () => void }>}
 */
export async function createKMeansPool(options = {}) {
  if (!simdSupported()) {
    throw new SeglensError('parallel k-means needs WebAssembly SIMD (every current browser and Node have it); use kmeansSync', { code: 'unsupported' });
  }
  const size = Math.max(1, Math.floor(options.workers ?? (await cores())));
  const started = await Promise.allSettled(Array.from({ length: size }, () => spawn()));
  const pool = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    // One worker could not start: stop the others rather than leave them running.
    pool.forEach((w) => w.terminate());
    throw /** @type {PromiseRejectedResult} */ (failed).reason;
  }
  /** @type {Promise<unknown>} */
  let queue = Promise.resolve();
  let disposed = false;
  return {
    workers: size,
    kmeans(data, d, opts) {
      if (disposed) return Promise.reject(new SeglensError('this k-means pool was disposed', { code: 'cancelled' }));
      const run = queue.then(() => runOn(pool, data, d, opts));
      queue = run.catch(() => {});
      return run;
    },
    dispose: () => {
      disposed = true;
      pool.forEach((w) => w.terminate());
    },
  };
}

/**
 * One k-means fit (every restart) on the first workers of a pool, one shard of whole blocks each.
 * @param {PoolWorker[]} workers
 * @param {Float64Array | number[]} data
 * @param {number} d
 * @param {Omit<ParallelOptions, 'workers'>} opts
 * @returns {Promise<ParallelResult>}
 */
async function runOn(workers, data, d, opts) {
  const x = data instanceof Float64Array ? data : Float64Array.from(data);
  const n = Math.floor(x.length / Math.max(1, d));
  const blocks = Math.ceil(n / BLOCK);
  const count = Math.max(1, Math.min(workers.length, blocks));
  const per = Math.ceil(blocks / count) * BLOCK;
  const pool = workers.slice(0, count);
  const first = pool[0];
  const each = (/** @type {Record<string, unknown>} */ m) => Promise.all(pool.map((w) => w.ask(m)));
  const raw = (await first.ask({ type: 'plan', data: x, d, options: opts })).plan;
  const plan = { nInit: raw[0], tol: raw[1], inits: raw.subarray(2) };
  await Promise.all(pool.map((w, i) => w.ask({ type: 'load', data: x.slice(i * per * d, Math.min(n, (i + 1) * per) * d), d, firstRow: i * per })));
  const k = opts.k;
  /** @type {ParallelResult | null} */
  let best = null;
  for (let r = 0; r < plan.nInit; r++) {
    const init = plan.inits.slice(r * k * d, (r + 1) * k * d);
    let partials = (await each({ type: 'start', centers: init })).map((m) => m.partial);
    await first.ask({ type: 'coord', centers: init, d, tol: plan.tol, maxIter: opts.maxIter ?? 300 });
    // The coordinator answers [0, centres…] (step), [1, e] (farthest rows) or [2] (done).
    let { next } = await first.ask({ type: 'absorb', partials });
    while (next[0] !== 2) {
      if (next[0] === 0) {
        partials = (await each({ type: 'step', centers: next.subarray(1) })).map((m) => m.partial);
        ({ next } = await first.ask({ type: 'absorb', partials }));
      } else {
        const far = concat((await each({ type: 'farthest', e: next[1] })).map((m) => m.far), Float64Array);
        ({ next } = await first.ask({ type: 'relocate', far }));
      }
    }
    const { centers } = await first.ask({ type: 'centers' });
    const ends = await each({ type: 'finish', centers });
    const { done } = await first.ask({ type: 'done', inertia: concat(ends.map((m) => m.inertia), Float64Array) });
    const run = { labels: concat(ends.map((m) => m.labels), Uint32Array), centroids: Float64Array.from(centers), inertia: done[2], n_iter: done[0], converged: done[1] === 1, workers: count };
    // scikit-learn keeps the first of nearly equal optima (relative 1e-6), as `kmeans` does.
    if (!best || run.inertia < best.inertia * (1 - 1e-6)) best = run;
  }
  return /** @type {ParallelResult} */ (best);
}

/**
 * @template {Float64ArrayConstructor | Uint32ArrayConstructor} C
 * @param {ArrayLike<number>[]} parts
 * @param {C} Type
 */
function concat(parts, Type) {
  const out = new Type(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return /** @type {InstanceType<C>} */ (out);
}

async function cores() {
  if (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) return navigator.hardwareConcurrency;
  const os = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:os');
  return os.availableParallelism?.() ?? os.cpus().length;
}

/**
 * A worker with a promise per request (one request at a time per worker, answered in order).
 * @returns {Promise<PoolWorker>}
 */
async function spawn() {
  /** @type {(f: (m: any) => void) => void} */
  let on;
  /** @type {(m: unknown) => void} */
  let post;
  /** @type {() => void} */
  let terminate;
  /** @type {(f: (e: unknown) => void) => void} */
  let onError;
  if (typeof Worker !== 'undefined') {
    // Written inline so bundlers (webpack, Vite) see the worker and bundle it.
    const w = new Worker(new URL('./kmeans-worker.js', import.meta.url), { type: 'module' });
    on = (f) => w.addEventListener('message', (e) => f(e.data));
    onError = (f) => w.addEventListener('error', (e) => f(e.message));
    post = (m) => w.postMessage(m);
    terminate = () => w.terminate();
  } else {
    const { Worker: NodeWorker } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:worker_threads');
    const w = new NodeWorker(new URL('./kmeans-worker.js', import.meta.url));
    on = (f) => w.on('message', f);
    onError = (f) => w.on('error', f);
    post = (m) => w.postMessage(m);
    terminate = () => void w.terminate();
  }
  /** @type {Map<number, { resolve: (v: any) => void, reject: (e: unknown) => void }>} */
  const waiting = new Map();
  let next = 1;
  /** @type {(v?: unknown) => void} */
  let ready = () => {};
  /** @type {(e: unknown) => void} */
  let failed = () => {};
  const started = new Promise((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  on((m) => {
    if (m?.ready) return ready();
    const w = waiting.get(m?.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.error) w.reject(SeglensError.from(m.error));
    else w.resolve(m);
  });
  onError((e) => {
    const err = new SeglensError(`a k-means worker failed: ${e}`, { code: 'worker_failed' });
    failed(err);
    waiting.forEach((w) => w.reject(err));
    waiting.clear();
  });
  await started;
  const gone = () => new SeglensError('the k-means pool was disposed during the run', { code: 'cancelled' });
  let dead = false;
  return {
    ask: (m) =>
      new Promise((resolve, reject) => {
        if (dead) return reject(gone());
        const id = next++;
        waiting.set(id, { resolve, reject });
        post({ ...m, id });
      }),
    // A run in flight when its pool is disposed rejects instead of waiting forever.
    terminate: () => {
      dead = true;
      terminate();
      waiting.forEach((w) => w.reject(gone()));
      waiting.clear();
    },
  };
}
