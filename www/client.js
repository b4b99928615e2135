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
 */

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

  /**
   * Starts the worker now, so the Wasm is compiled before the first run.
   * @param {SegmenterOptions} [options]
   */
  constructor(options = {}) {
    const w = options.wasm;
    // URLs are resolved against the page (the worker's base URL is the package's).
    this.#wasm = typeof w === 'string' || w instanceof URL ? new URL(w, globalThis.location?.href).href : w;
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
    const copy = reuse || file || host ? null : bytes instanceof Uint8Array ? bytes.slice() : new Uint8Array(/** @type {ArrayBuffer} */ (bytes).slice(0));
    this.#loaded = { bytes, key };
    return new Promise((resolve, reject) => {
      this.#pending = { id, resolve, reject, onProgress: controls.onProgress };
      controls.signal?.addEventListener('abort', () => this.#pending?.id === id && this.cancel(), { once: true });
      const message = { id, type: 'segment', bytes: copy?.buffer, file, host, options };
      const moved = copy ? [copy.buffer] : (host?.columns ?? []).flatMap((c) => (c instanceof Float64Array ? [c.buffer] : []));
      this.#worker?.postMessage(message, moved);
    }).catch((e) => {
      // A failed load leaves nothing loaded in the worker.
      if (copy || file || host) this.#loaded = null;
      throw e;
    });
  }

  /** Stops the run in flight (its promise rejects with code `cancelled`); the segmenter stays usable. */
  cancel() {
    this.#worker?.terminate();
    this.#settle(null, cancelled());
    this.#spawn();
  }

  /** Terminates the worker for good. */
  dispose() {
    this.#worker?.terminate();
    this.#settle(null, cancelled());
    this.#worker = null;
  }
}

/** @param {unknown} v @returns {v is HostColumns} */
function isHost(v) {
  return typeof v === 'object' && v !== null && Array.isArray(/** @type {any} */ (v).columns) && Array.isArray(/** @type {any} */ (v).names);
}

function cancelled() {
  return new SeglensError('the run was cancelled', { code: 'cancelled' });
}
