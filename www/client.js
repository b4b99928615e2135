// Promise API over the worker: one request at a time per worker, progress
// callbacks, and cancel that really stops the work (the worker is terminated
// and a fresh one started, which also releases its memory).

import { SeglensError } from './errors.js';
import { loadKey } from './load-key.js';

/**
 * @typedef {import('./types').Options} Options
 * @typedef {import('./types').Result} Result
 * @typedef {import('./types').Progress} Progress
 * @typedef {import('./input.js').HostColumns} HostColumns
 * @typedef {{ onProgress?: (p: Progress) => void, signal?: AbortSignal }} RunControls
 * @typedef {object} SegmenterOptions
 * @property {string | URL | ArrayBuffer | Uint8Array | WebAssembly.Module} [wasm]  where the Wasm comes from, for
 *   locked-down hosts: a URL (relative to the page), its bytes, or a compiled module (default: `seglens_bg.wasm`
 *   next to the package's `worker.js`, found by the bundler)
 * @property {number} [workers]  how many workers read a big file (at least 16 MiB) side by side, through
 *   `seglens/parallel` (default: the number of cores; 1: always one worker). Ignored with `wasm`: the
 *   parallel build is found next to the package's files only.
 */

/** Smallest input read on several workers: two of `seglens/parallel`'s default 8 MiB parts. */
const PARALLEL_MIN_BYTES = 16 << 20;

export class Segmenter {
  /** @type {Worker | null} */ #worker = null;
  /** @type {Promise<string> | null} */ #ready = null;
  #next = 1;
  /** @type {{ id: number, resolve: (r: Result) => void, reject: (e: SeglensError) => void, onProgress?: (p: Progress) => void } | null} */
  #pending = null;
  /** What the worker has parsed: the caller's bytes or file and the reading options. */
  /** @type {{ bytes: ArrayBuffer | Uint8Array | Blob | HostColumns, key: string } | null} */
  #loaded = null;

  /** @type {SegmenterOptions['wasm']} */ #wasm;
  /** Workers for big files (1: none). */
  #workers = 1;
  /** The parallel pool, started by the first big file and kept for the next runs (null after cancel). */
  /** @type {Promise<import('./parallel.js').Pool> | null} */
  #pool = null;
  /** Whether the loaded data lives in the pool (else in this segmenter's own worker). */
  #pooled = false;

  /**
   * Starts the worker now, so the Wasm is compiled before the first run.
   * @param {SegmenterOptions} [options]
   */
  constructor(options = {}) {
    const w = options.wasm;
    // URLs are resolved against the page (the worker's base URL is the package's).
    this.#wasm = typeof w === 'string' || w instanceof URL ? new URL(w, globalThis.location?.href).href : w;
    this.#workers = w === undefined ? Math.max(1, Math.floor(options.workers ?? globalThis.navigator?.hardwareConcurrency ?? 1)) : 1;
    this.#spawn();
  }

  #spawn() {
    this.#loaded = null;
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this.#worker = worker;
    this.#ready = new Promise((resolve, reject) => {
      worker.addEventListener('message', (e) => {
        const m = e.data;
        if (m?.type === 'ready') resolve(m.version);
        else if (m?.type === 'fatal') reject(SeglensError.from(m.error));
        else this.#onMessage(m);
      });
      worker.addEventListener('error', (e) => {
        const err = new SeglensError(`the segmentation worker failed: ${e.message || 'could not start'}`, { code: 'worker_failed' });
        reject(err);
        const running = this.#pending !== null;
        this.#settle(null, err);
        // A worker that died mid-run (out of memory, a crash) is replaced, so the next run works.
        if (running && this.#worker === worker) {
          worker.terminate();
          this.#spawn();
        }
      });
    });
    this.#ready.catch(() => {});
    worker.postMessage({ type: 'init', wasm: this.#wasm });
  }

  /** Resolves with the Wasm version once the worker is ready. */
  ready() {
    return /** @type {Promise<string>} */ (this.#ready);
  }

  /** @param {any} m */
  #onMessage(m) {
    const p = this.#pending;
    if (!p || m?.id !== p.id) return;
    if (m.type === 'progress') p.onProgress?.(m.progress);
    else if (m.type === 'result') this.#settle(m.result, null);
    else if (m.type === 'error') {
      this.#settle(null, SeglensError.from(m.error));
      // The engine trapped: its instance cannot be trusted again; start a fresh worker.
      if (m.fatal) {
        this.#worker?.terminate();
        this.#spawn();
      }
    }
  }

  /** @param {Result | null} result @param {SeglensError | null} error */
  #settle(result, error) {
    const p = this.#pending;
    this.#pending = null;
    if (!p) return;
    if (error) p.reject(error);
    else if (result) p.resolve(result);
  }

  /**
   * Segments `bytes` in the worker. A run already in flight is cancelled first.
   * Passing the same array or file again with the same reading options re-segments the data the
   * worker already parsed (no copy, no parse).
   * @param {ArrayBuffer | Uint8Array | Blob | HostColumns} bytes  file contents (copied; the caller keeps its
   *   buffer), a File/Blob, which the worker reads chunk by chunk (a CSV event log is never held whole in
   *   memory), or host columns from `input.js` (moved to the worker: their buffers are transferred)
   * @param {Options} [options]
   * @param {RunControls} [controls]
   * @returns {Promise<Result>}
   */
  async segment(bytes, options = {}, controls = {}) {
    if (this.#pending) this.cancel();
    if (controls.signal?.aborted) throw cancelled();
    await this.ready();
    const id = this.#next++;
    const key = loadKey(options);
    const reuse = this.#loaded !== null && this.#loaded.bytes === bytes && this.#loaded.key === key;
    const file = !reuse && typeof Blob !== 'undefined' && bytes instanceof Blob ? bytes : null;
    const host = !reuse && isHost(bytes) ? bytes : null;
    // A big file or byte array is read on several workers (which copy only the parts they are sent).
    const whole = reuse || host ? null : file ?? (bytes instanceof Uint8Array ? bytes : new Uint8Array(/** @type {ArrayBuffer} */ (bytes)));
    const pooled = reuse ? this.#pooled : whole !== null && this.#workers > 1 && size(whole) >= PARALLEL_MIN_BYTES;
    const copy = reuse || file || host || pooled ? null : bytes instanceof Uint8Array ? bytes.slice() : new Uint8Array(/** @type {ArrayBuffer} */ (bytes).slice(0));
    this.#loaded = { bytes, key };
    return new Promise((resolve, reject) => {
      this.#pending = { id, resolve, reject, onProgress: controls.onProgress };
      controls.signal?.addEventListener('abort', () => this.#pending?.id === id && this.cancel(), { once: true });
      if (pooled) {
        this.#onPool(id, whole, options);
        return;
      }
      if (this.#pooled && !reuse) this.#dropPool();
      this.#pooled = false;
      const message = { id, type: 'segment', bytes: copy?.buffer, file, host, options };
      const moved = copy ? [copy.buffer] : (host?.columns ?? []).flatMap((c) => (c instanceof Float64Array ? [c.buffer] : []));
      this.#worker?.postMessage(message, moved);
    }).catch((e) => {
      // A failed load leaves nothing loaded in the worker.
      if (!reuse) this.#loaded = null;
      throw e;
    });
  }

  /**
   * Runs request `id` on the parallel pool: loads `input` on every worker (none: re-segments what the
   * pool holds), then segments in the pool's first worker. The result is the one-worker result: the
   * merged parts are the data a one-pass read gives. A pool that cannot start (no Wasm SIMD, workers
   * blocked) leaves the run to this segmenter's own worker.
   * @param {number} id
   * @param {Blob | Uint8Array | null} input
   * @param {Options} options
   */
  async #onPool(id, input, options) {
    const live = () => this.#pending?.id === id;
    const progress = (/** @type {Progress} */ p) => live() && this.#pending?.onProgress?.(p);
    /** @type {import('./parallel.js').Pool} */
    let pool;
    try {
      pool = await (this.#pool ??= import('./parallel.js').then((m) => m.createPool({ workers: this.#workers })));
    } catch {
      this.#pool = null;
      this.#workers = 1;
      const p = this.#pending;
      if (!p || p.id !== id) return;
      const original = this.#loaded?.bytes;
      this.#pending = null;
      this.#loaded = null;
      this.#pooled = false;
      if (original === undefined) return p.reject(new SeglensError('no data loaded: send the file again', { code: 'not_loaded' }));
      this.segment(original, options, { onProgress: p.onProgress }).then(p.resolve, p.reject);
      return;
    }
    // Cancelled (or replaced by another run) while the pool started.
    if (!live()) return;
    try {
      if (input) {
        this.#pooled = true;
        // This worker's own data (an earlier smaller file) is not needed any more.
        this.#worker?.postMessage({ type: 'free' });
        progress({ stage: 'parse', done: 0, total: 0 });
        await pool.load(input, options, progress);
      }
      if (!live()) return;
      progress({ stage: 'segment', done: 0, total: 0 });
      const result = await pool.segment(options);
      progress({ stage: 'done', done: 0, total: 0 });
      if (live()) this.#settle(result, null);
    } catch (e) {
      if (!live()) return;
      const err = SeglensError.from(e);
      // A failed or trapped worker is not trusted again (segment() forgets a failed load).
      if (err.code === 'worker_failed' || err.code === 'engine_failed') this.#dropPool();
      this.#settle(null, err);
    }
  }

  /** Stops the pool's workers (they hold the data of the file they read). */
  #dropPool() {
    this.#pool?.then((p) => p.dispose(), () => {});
    this.#pool = null;
    this.#pooled = false;
  }

  /** Stops the run in flight (its promise rejects with code `cancelled`); the segmenter stays usable. */
  cancel() {
    if (this.#pooled) {
      this.#dropPool();
      this.#loaded = null;
    } else {
      this.#worker?.terminate();
      this.#spawn();
    }
    this.#settle(null, cancelled());
  }

  /** Terminates the worker for good. */
  dispose() {
    this.#worker?.terminate();
    this.#dropPool();
    this.#settle(null, cancelled());
    this.#worker = null;
  }
}

/** @param {Blob | Uint8Array} v */
function size(v) {
  return v instanceof Uint8Array ? v.byteLength : v.size;
}

/** @param {unknown} v @returns {v is HostColumns} */
function isHost(v) {
  return typeof v === 'object' && v !== null && Array.isArray(/** @type {any} */ (v).columns) && Array.isArray(/** @type {any} */ (v).names);
}

function cancelled() {
  return new SeglensError('the run was cancelled', { code: 'cancelled' });
}
