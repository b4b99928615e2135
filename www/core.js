// The one place JS calls the Wasm core, shared by the Web Worker (browser)
// and the Node entry (CLI, server-side use). It only sequences calls and
// converts errors: every number comes from Rust.

import { Loader, Session, kmeans, metrics, predict, version } from './pkg/seglens.js';
import { VERSION } from './version.js';
import { SeglensError } from './errors.js';
import { segmentSession } from './result.js';

/**
 * @typedef {import('./types').Options} Options
 * @typedef {import('./types').Report} Report
 * @typedef {import('./types').Result} Result
 * @typedef {import('./types').Progress} Progress
 */

export { loadKey } from './load-key.js';
export { segmentSession };

/**
 * Runs a Wasm call, turning whatever it throws into a SeglensError.
 * @template T
 * @param {() => T} fn
 * @returns {T}
 */
function call(fn) {
  try {
    return fn();
  } catch (e) {
    throw SeglensError.from(e);
  }
}

/**
 * Loads `bytes` into a temporary Session, runs `use` on it and frees it.
 * @template T
 * @param {Uint8Array} bytes
 * @param {Options} options
 * @param {(s: Session) => T} use
 * @returns {T}
 */
function withSession(bytes, options, use) {
  /** @type {Session | undefined} */
  let session;
  try {
    session = Session.load(bytes, options);
    return use(session);
  } catch (e) {
    throw SeglensError.from(e);
  } finally {
    session?.free();
  }
}

/**
 * Parses `bytes` (or reads host columns) into a Wasm `Session` (the caller frees it).
 * @param {Uint8Array | import('./input.js').HostColumns} data  CSV/TSV/JSON/JSONL bytes, or columns from
 *   `input.js`: an event log or one row per customer
 * @param {Options} [options]
 * @returns {Session}
 */
export function loadSession(data, options = {}) {
  if (!(data instanceof Uint8Array)) return call(() => Session.fromColumns(data.names, data.columns, options));
  // Bytes go in 1 MiB at a time, as a stream's chunks do (the same data, the same Report): the text
  // is never copied whole into Wasm memory, and engines that compile Wasm in tiers switch the parser
  // to optimised code after the first chunks (a call keeps the code it started with: one call over
  // 395 MB ran on baseline code throughout).
  const loader = call(() => new Loader(options, data.byteLength));
  try {
    for (let at = 0; at < data.byteLength; at += CHUNK_BYTES) loader.push(data.subarray(at, at + CHUNK_BYTES));
  } catch (e) {
    loader.free();
    throw SeglensError.from(e);
  }
  // finish() consumes the loader, whether it returns or throws.
  return call(() => loader.finish());
}

/** Bytes per push when a whole buffer is loaded. */
const CHUNK_BYTES = 1 << 20;

/**
 * Parses a stream of chunks (a Blob's `stream()`, a Node file stream) into a Wasm `Session` (the
 * caller frees it). A CSV event log is parsed as chunks arrive and its text is never held whole;
 * other inputs are collected and read at the end.
 * @param {ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>} chunks
 * @param {number | undefined} size  total bytes, when known: too-large inputs are refused before reading
 * @param {Options} [options]
 * @param {(bytes: number, rows: number) => void} [onChunk]  after each chunk
 * @returns {Promise<Session>}
 */
export async function loadStream(chunks, size, options = {}, onChunk) {
  const loader = call(() => new Loader(options, size));
  let bytes = 0;
  try {
    for await (const chunk of iterate(chunks)) {
      loader.push(chunk);
      bytes += chunk.byteLength;
      onChunk?.(bytes, loader.rows);
    }
  } catch (e) {
    loader.free();
    throw SeglensError.from(e);
  }
  // finish() consumes the loader, whether it returns or throws.
  return call(() => loader.finish());
}

/**
 * A ReadableStream as an async iterable (not every browser iterates streams with `for await` yet).
 * @param {ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>} s
 * @returns {AsyncIterable<Uint8Array>}
 */
async function* iterate(s) {
  if (!('getReader' in s)) return yield* s;
  const reader = s.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Parses `data` and segments it.
 * @param {Uint8Array | import('./input.js').HostColumns} data  the file's bytes (CSV/TSV/JSON/JSONL; an event
 *   log or one row per customer), or host columns
 * @param {Options} [options]
 * @param {(p: Progress) => void} [onProgress]
 * @returns {Result}
 */
export function runSegmentation(data, options = {}, onProgress) {
  const size = data instanceof Uint8Array ? data.byteLength : 0;
  onProgress?.({ stage: 'parse', done: 0, total: size });
  return segmentAndFree(loadSession(data, options), size, options, onProgress);
}

/**
 * Streams chunks in (see {@link loadStream}) and segments them: what the CLI does with a file, so
 * a CSV event log larger than memory can hold as text still segments.
 * @param {ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>} chunks
 * @param {number | undefined} size
 * @param {Options} [options]
 * @param {(p: Progress) => void} [onProgress]  parse progress carries bytes and rows
 * @returns {Promise<Result>}
 */
export async function runSegmentationStream(chunks, size, options = {}, onProgress) {
  const total = size ?? 0;
  onProgress?.({ stage: 'parse', done: 0, total });
  const session = await loadStream(chunks, size, options, (done, rows) => onProgress?.({ stage: 'parse', done, total, rows }));
  return segmentAndFree(session, total, options, onProgress);
}

/**
 * @param {Session} session  freed here
 * @param {number} size
 * @param {Options} options
 * @param {((p: Progress) => void) | undefined} onProgress
 * @returns {Result}
 */
function segmentAndFree(session, size, options, onProgress) {
  try {
    onProgress?.({ stage: 'segment', done: size, total: size });
    const result = segmentSession(session, options);
    onProgress?.({ stage: 'done', done: size, total: size });
    return result;
  } finally {
    session.free();
  }
}

/**
 * Cohort tables (retention, lifecycle, stickiness) of an event log.
 * @param {Uint8Array} bytes
 * @param {Options} [options]
 * @returns {import('./types').CohortReport}
 */
export function runCohorts(bytes, options = {}) {
  return withSession(bytes, options, (s) => s.cohorts(options));
}

/**
 * Every per-customer feature (behavioural features of an event log, numeric columns of a table).
 * @param {Uint8Array} bytes
 * @param {Options} [options]  ingest and feature options (asOf, lookbackDays, sessionGapMin, purchaseEvents, …)
 * @returns {{ ids: string[], names: string[], values: Float64Array }}  `values` row-major, NaN for missing
 */
export function runFeatures(bytes, options = {}) {
  return withSession(bytes, options, (s) => s.features(options));
}

/**
 * Assigns customers with a saved model.
 * @param {Uint8Array} bytes
 * @param {string} modelJson  a model saved from a previous run (`Result.modelJson`, CLI `--model-out`)
 * @param {string} [asOf]  reference date for event features (default: last event + 1 day)
 * @returns {import('./types').Prediction}
 */
export function runPredict(bytes, modelJson, asOf) {
  return call(() => predict(bytes, modelJson, asOf));
}

/** Version of the crate the loaded Wasm was built from. */
export function wasmVersion() {
  return version();
}

/** Throws `version_mismatch` unless the loaded Wasm is the same release as this JS. */
export function checkWasmVersion() {
  const wasm = version();
  if (wasm !== VERSION) {
    throw new SeglensError(
      `the Wasm file is seglens ${wasm} but this JavaScript is seglens ${VERSION}: serve the seglens_bg.wasm of the same release (an old copy may be cached)`,
      { code: 'version_mismatch' },
    );
  }
}

/**
 * Silhouette, Davies–Bouldin and Calinski–Harabasz of `labels` on a row-major matrix.
 * @param {Float64Array | number[]} data
 * @param {number} d
 * @param {ArrayLike<number>} labels
 * @param {number} [seed]  for the silhouette sample beyond 5,000 rows (default 0)
 * @returns {import('./types').Metrics}
 */
export function runMetrics(data, d, labels, seed = 0) {
  return call(() => metrics(data instanceof Float64Array ? data : Float64Array.from(data), d, Uint32Array.from(labels), BigInt(seed)));
}

/**
 * k-means on a row-major matrix, no preprocessing (bring your own features and scaling).
 * @param {Float64Array | number[]} data  `rows × d` values, row-major
 * @param {number} d  columns
 * @param {{ k: number, nInit?: number, maxIter?: number, tol?: number, seed?: number, init?: number[] }} options
 * @returns {{ labels: Uint32Array, centroids: Float64Array, inertia: number, n_iter: number, converged: boolean }}  `centroids` row-major, `k × d` (typed arrays, as `kmeansParallel` returns them)
 */
export function runKmeans(data, d, options) {
  return call(() => kmeans(data instanceof Float64Array ? data : Float64Array.from(data), d, options));
}
