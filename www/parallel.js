// seglens on every core (Web Workers in a browser, worker_threads in Node), with results
// identical to the one-thread API:
//
// - Loading: a CSV event log is split at line feeds into one part per worker; the parts are
//   parsed at the same time (each worker decides the columns from the file's first rows, as a
//   one-pass read does) and merged in the first worker into exactly the data a one-pass read
//   gives. Other inputs, and a file whose split falls inside a quoted field, are read in one pass.
// - k-means: the rows are split into one shard per worker; each iteration the workers assign
//   their rows and sum them per block (map), and each worker's copy of one coordinator combines
//   every worker's sums into the same new centres (reduce) and steps to them: one round trip per
//   iteration. Bit-identical to `kmeansSync` for any number of workers: the sums are added block
//   by block in row order however the rows are split.
//
//   import { createPool, kmeansParallel } from 'seglens/parallel';
//   const pool = await createPool();                      // one worker per core
//   await pool.load(file, { input: 'events' });            // a File/Blob or a Uint8Array
//   const { report, labels } = await pool.segment({ method: 'rfm' });  // as segmentSync's result
//   const { labels, centroids } = await kmeansParallel(data, 8, { k: 6, workers: 4 });
import { SeglensError } from './errors.js';
import { simdSupported } from './simd.js';

/** Rows per sum block (src/cluster/kmeans/shard.rs): shards start at multiples of it. */
const BLOCK = 4096;
/** The file's first bytes, from which every part reader decides the columns (they must hold the header and 1,001 rows). */
const HEAD = 1 << 20;
/** Parts at least this big leave their worker holding enough memory to be worth replacing it. */
const RELEASE_PART = 64 << 20;
/** Smallest part worth a worker by default: below it, messages and merging cost more than they save. */
const MIN_PART = 8 << 20;

/**
 * @typedef {{ k: number, nInit?: number, maxIter?: number, tol?: number, seed?: number, init?: number[], workers?: number }} ParallelOptions
 * @typedef {{ labels: Uint32Array, centroids: Float64Array, inertia: number, n_iter: number, converged: boolean, workers: number }} ParallelResult
 * @typedef {{ ask: (m: Record<string, unknown>, transfer?: Transferable[], onProgress?: (p: { done: number, rows: number }) => void) => Promise<any>, terminate: () => void }} PoolWorker
 * @typedef {{ customers: number, parts: number }} Loaded  `parts`: how many workers parsed the input (1: read in one pass)
 * @typedef {{
 *   workers: number,
 *   load: (input: Blob | Uint8Array, options?: import('./types').Options, onProgress?: (p: import('./types').Progress) => void) => Promise<Loaded>,
 *   segment: (options?: import('./types').Options) => Promise<import('./types').Result>,
 *   kmeans: (data: Float64Array | number[], d: number, options: Omit<ParallelOptions, 'workers'>) => Promise<ParallelResult>,
 *   dispose: () => void,
 * }} Pool
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
  const pool = await createPool({ workers: Math.min(workers ?? (await cores()), Math.ceil(n / BLOCK)) });
  try {
    return await pool.kmeans(data, d, opts);
  } finally {
    pool.dispose();
  }
}

/**
 * Workers kept for several runs (calls on one pool run one after the other): `load` a file on
 * every core, then `segment` it (in the first worker; the same result as `segmentSync`), and `kmeans`.
 * @param {{ workers?: number, minPartBytes?: number }} [options]  `workers`: default the number of
 *   cores; `minPartBytes`: the smallest part `load` gives a worker (default 8 MiB)
 * @returns {Promise<Pool>}
 */
export async function createPool(options = {}) {
  if (!simdSupported()) {
    throw new SeglensError('seglens/parallel needs WebAssembly SIMD (every current browser and Node have it); use the one-thread API', { code: 'unsupported' });
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
  /** @template T @param {() => Promise<T>} job @returns {Promise<T>} */
  const enqueue = (job) => {
    if (disposed) return Promise.reject(new SeglensError('this seglens pool was disposed', { code: 'cancelled' }));
    const run = queue.then(job);
    queue = run.catch(() => {});
    return run;
  };
  return {
    workers: size,
    load: (input, opts = {}, onProgress) => enqueue(() => loadOn(pool, input, opts, options.minPartBytes ?? MIN_PART, onProgress)),
    segment: (opts = {}) => enqueue(async () => (await pool[0].ask({ type: 'segment', options: opts })).result),
    kmeans: (data, d, opts) => enqueue(() => runOn(pool, data, d, opts)),
    dispose: () => {
      disposed = true;
      pool.forEach((w) => w.terminate());
    },
  };
}

/** The same pool (the name it had when it only ran k-means). */
export const createKMeansPool = createPool;

/**
 * Loads `input` into the first worker: in parts on every worker when it is a CSV event log big
 * enough to split, else in one pass.
 * @param {PoolWorker[]} workers
 * @param {Blob | Uint8Array} input
 * @param {import('./types').Options} options
 * @param {number} minPart
 * @param {(p: import('./types').Progress) => void} [onProgress]  bytes and rows read, over all parts
 * @returns {Promise<Loaded>}
 */
async function loadOn(workers, input, options, minPart, onProgress) {
  const size = input instanceof Uint8Array ? input.byteLength : input.size;
  const first = workers[0];
  /** Bytes and rows read per part, summed for the page. */
  const done = new Map();
  const progress = (/** @type {number} */ part) => (/** @type {{ done: number, rows: number }} */ p) => {
    done.set(part, p);
    let bytes = 0;
    let rows = 0;
    done.forEach((v) => {
      bytes += v.done;
      rows += v.rows;
    });
    onProgress?.({ stage: 'parse', done: bytes, total: size, rows });
  };
  const count = Math.max(1, Math.min(workers.length, Math.floor(size / Math.max(1, minPart))));
  const points = count > 1 ? await splitPoints(input, size, count) : [0, size];
  if (points.length > 2) {
    const head = await bytesOf(input, 0, Math.min(size, HEAD));
    const replies = await Promise.all(
      points.slice(1).map((end, i) => {
        const source = input.slice(points[i], end);
        const transfer = source instanceof Uint8Array ? [source.buffer] : [];
        // `size` sizes the part's columns: the first part is kept and grows into the merged log, so
        // its columns are sized for the whole file once (no copy when the other parts are added).
        return workers[i].ask({ type: 'part', source, head, options, first: i === 0, size: i === 0 ? size : end - points[i], keep: i === 0 }, transfer, progress(i));
      }),
    );
    // The other workers' parts are now with the first worker (or not needed). A worker that read a
    // big part is replaced by a fresh one, started now on the core it frees (its Wasm memory, grown
    // to hold the part, is never given back otherwise); small parts are not worth a new worker.
    for (let i = 1; i < replies.length; i++) {
      if (points[i + 1] - points[i] < RELEASE_PART) continue;
      workers[i].terminate();
      workers[i] = starting(spawn);
    }
    if (!replies.some((r) => r.declined)) {
      const parts = replies.slice(1).map((r) => r.part);
      const transfer = parts.flatMap((p) => [...p.cols, ...p.strings].map((/** @type {ArrayBufferView} */ c) => c.buffer));
      const { merged, customers } = await first.ask({ type: 'merge', parts, options, size }, transfer);
      if (merged) return { customers, parts: parts.length + 1 };
    }
  }
  done.clear();
  const { customers } = await first.ask({ type: 'read', source: input, options, size }, [], progress(0));
  return { customers, parts: 1 };
}

/**
 * Where to split: just after the first line feed at or after each even share (as
 * `ingest::csv_parts::split_points`), read from small slices of a Blob.
 * @param {Blob | Uint8Array} input
 * @param {number} size
 * @param {number} count
 */
async function splitPoints(input, size, count) {
  const points = [0];
  for (let i = 1; i < count; i++) {
    const at = await lineAfter(input, Math.max(0, Math.floor(size / count) * i - 1), size);
    if (at < 0) break;
    if (at > points[points.length - 1] && at < size) points.push(at);
  }
  points.push(size);
  return points;
}

/**
 * Just after the first line feed at or after `from`; -1 when there is none.
 * @param {Blob | Uint8Array} input
 * @param {number} from
 * @param {number} size
 */
async function lineAfter(input, from, size) {
  if (input instanceof Uint8Array) {
    const i = input.indexOf(10, from);
    return i < 0 ? -1 : i + 1;
  }
  const step = 1 << 16;
  for (let at = from; at < size; at += step) {
    const i = (await bytesOf(input, at, Math.min(size, at + step))).indexOf(10);
    if (i >= 0) return at + i + 1;
  }
  return -1;
}

/**
 * A copy of bytes `[start, end)`.
 * @param {Blob | Uint8Array} input
 * @param {number} start
 * @param {number} end
 */
async function bytesOf(input, start, end) {
  return input instanceof Uint8Array ? input.slice(start, end) : new Uint8Array(await input.slice(start, end).arrayBuffer());
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
  await Promise.all(pool.map((w, i) => w.ask({ type: 'rows', data: x.slice(i * per * d, Math.min(n, (i + 1) * per) * d), d, firstRow: i * per })));
  const k = opts.k;
  /** @type {ParallelResult | null} */
  let best = null;
  for (let r = 0; r < plan.nInit; r++) {
    const init = plan.inits.slice(r * k * d, (r + 1) * k * d);
    const partials = (await each({ type: 'start', centers: init })).map((m) => m.partial);
    await each({ type: 'coord', centers: init, d, tol: plan.tol, maxIter: opts.maxIter ?? 300 });
    // Every worker's coordinator gets the same partials and answers the same: [0, centres…] with
    // the worker's sums at those centres, [1, e] with its farthest rows, or [2] (done).
    let replies = await each({ type: 'absorb', partials });
    for (let next = replies[0].next; next[0] !== 2; next = replies[0].next) {
      replies = await each(
        next[0] === 0
          ? { type: 'absorb', partials: replies.map((m) => m.partial) }
          : { type: 'relocate', far: concat(replies.map((m) => m.far), Float64Array) },
      );
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
 * A worker starting now, usable at once: requests wait until it has started.
 * @param {() => Promise<PoolWorker>} start
 * @returns {PoolWorker}
 */
function starting(start) {
  const worker = start();
  // A failed start is reported by the first request that needs the worker.
  worker.catch(() => {});
  let dead = false;
  return {
    ask: (m, transfer, onProgress) => {
      if (dead) return Promise.reject(new SeglensError('the seglens pool was disposed during the run', { code: 'cancelled' }));
      return worker.then((w) => w.ask(m, transfer, onProgress));
    },
    terminate: () => {
      dead = true;
      worker.then((w) => w.terminate(), () => {});
    },
  };
}

/**
 * The pool workers' Wasm, compiled once for this page (or Node process) and posted to every worker
 * it starts: a worker does not compile it again, and all of them run the same compiled code,
 * including the optimised code V8 compiles for the hot loops once they have run a while, so a
 * worker started later (a replaced one, or a later pool's) does not begin again on baseline code
 * (Chromium, 1M events: 225 ms to load on one worker instead of 265 ms, once the page has loaded
 * a file before). Null when this page cannot compile Wasm (a CSP without 'wasm-unsafe-eval'): each
 * worker then compiles its own.
 * @type {Promise<WebAssembly.Module | null> | null}
 */
let shared = null;

function sharedModule() {
  return (shared ??= compileShared().catch(() => null));
}

async function compileShared() {
  // The same file pool-worker.js loads (bundlers emit it once).
  const url = new URL('./pkg-parallel/seglens_parallel_bg.wasm', import.meta.url);
  if (typeof Worker !== 'undefined') {
    // A server that sends .wasm without the application/wasm type fails the streaming compile:
    // compile the bytes instead (as wasm-bindgen's loader does).
    return WebAssembly.compileStreaming(fetch(url)).catch(async () => WebAssembly.compile(await (await fetch(url)).arrayBuffer()));
  }
  const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
  return WebAssembly.compile(await readFile(url));
}

/**
 * A worker with a promise per request (one request at a time per worker, answered in order).
 * @returns {Promise<PoolWorker>}
 */
async function spawn() {
  /** @type {(f: (m: any) => void) => void} */
  let on;
  /** @type {(m: unknown, transfer: Transferable[]) => void} */
  let post;
  /** @type {() => void} */
  let terminate;
  /** @type {(f: (e: unknown) => void) => void} */
  let onError;
  if (typeof Worker !== 'undefined') {
    // Written inline so bundlers (webpack, Vite) see the worker and bundle it.
    const w = new Worker(new URL('./pool-worker.js', import.meta.url), { type: 'module' });
    on = (f) => w.addEventListener('message', (e) => f(e.data));
    onError = (f) => w.addEventListener('error', (e) => f(e.message));
    post = (m, t) => w.postMessage(m, t);
    terminate = () => w.terminate();
  } else {
    const { Worker: NodeWorker } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:worker_threads');
    const w = new NodeWorker(new URL(/* webpackIgnore: true */ './pool-worker.js', import.meta.url));
    on = (f) => w.on('message', f);
    onError = (f) => w.on('error', f);
    post = (m, t) => w.postMessage(m, /** @type {any} */ (t));
    terminate = () => void w.terminate();
  }
  /** @type {Map<number, { resolve: (v: any) => void, reject: (e: unknown) => void, onProgress?: (p: any) => void }>} */
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
    if (m?.fatal) {
      // The worker could not load its Wasm: it is of no use, stop it.
      terminate();
      return failed(SeglensError.from(m.fatal));
    }
    const w = waiting.get(m?.id);
    if (!w) return;
    if (m.progress) return w.onProgress?.(m.progress);
    waiting.delete(m.id);
    if (m.error) w.reject(SeglensError.from(m.error));
    else w.resolve(m);
  });
  // The worker's first message: the Wasm compiled once for every worker (null: it compiles its own).
  sharedModule().then((module) => post({ module }, []));
  onError((e) => {
    const err = new SeglensError(`a seglens pool worker failed: ${e}`, { code: 'worker_failed' });
    failed(err);
    waiting.forEach((w) => w.reject(err));
    waiting.clear();
  });
  await started;
  const gone = () => new SeglensError('the seglens pool was disposed during the run', { code: 'cancelled' });
  let dead = false;
  return {
    ask: (m, transfer = [], onProgress) =>
      new Promise((resolve, reject) => {
        if (dead) return reject(gone());
        const id = next++;
        waiting.set(id, { resolve, reject, onProgress });
        post({ ...m, id }, transfer);
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
