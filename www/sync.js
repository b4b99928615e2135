// The calling-thread API shared by the Node entry (node.js: Wasm read from
// disk) and the inline entry (inline.js: Wasm embedded). The importing entry
// initialises the Wasm before any of these run.

import { runCohorts, runFeatures, runKmeans, runMetrics, runPredict, runSegmentation, runSegmentationStream, wasmVersion } from './core.js';
import { SeglensError } from './errors.js';
import { toBytesOrColumns, toSyncData } from './input.js';

/**
 * Segments customers (on the calling thread).
 * @param {string | Uint8Array | ArrayBuffer | Record<string, unknown>[] | Record<string, ArrayLike<unknown>>} input
 *   CSV/JSON/JSONL text or bytes, rows of objects or an object of columns (read as numbers and text,
 *   not via JSON): an event log or one row per customer
 * @param {import('./types').Options} [options]
 * @returns {import('./types').Result}
 */
export function segmentSync(input, options = {}) {
  return runSegmentation(toSyncData(input), options);
}

/**
 * Segments customers. Same as {@link segmentSync}, as a promise; also takes a File/Blob, rows or columns.
 * @param {import('./input.js').Input} input
 * @param {import('./types').Options} [options]
 * @returns {Promise<import('./types').Result>}
 */
export async function segment(input, options = {}) {
  return runSegmentation(await toBytesOrColumns(input), options);
}

/**
 * Retention, lifecycle and stickiness of an event log.
 * @param {string | Uint8Array | ArrayBuffer} input
 * @param {import('./types').Options} [options]
 * @returns {import('./types').CohortReport}
 */
export function cohortsSync(input, options = {}) {
  return runCohorts(toBytes(input), options);
}

/**
 * Every per-customer feature seglens computes (what segmentation and SQL export build on).
 * @param {string | Uint8Array | ArrayBuffer} input
 * @param {import('./types').Options} [options]
 * @returns {{ ids: string[], names: string[], values: Float64Array }}  `values` row-major, NaN for missing
 */
export function featuresSync(input, options = {}) {
  return runFeatures(toBytes(input), options);
}

/**
 * Assigns customers with a saved model.
 * @param {string | Uint8Array | ArrayBuffer} input
 * @param {string} modelJson
 * @param {{ asOf?: string }} [options]
 * @returns {import('./types').Prediction}
 */
export function predictSync(input, modelJson, options = {}) {
  return runPredict(toBytes(input), modelJson, options.asOf);
}

/**
 * k-means on your own numeric matrix (row-major, `d` columns), no preprocessing: scikit-learn's
 * algorithm (k-means++, n_init 10, tol 1e-4, seeded), or one run from `init` centres.
 * @param {Float64Array | number[]} data
 * @param {number} d
 * @param {{ k: number, nInit?: number, maxIter?: number, tol?: number, seed?: number, init?: number[] }} options
 * @returns {{ labels: Uint32Array, centroids: Float64Array, inertia: number, n_iter: number, converged: boolean }}  `centroids` row-major, `k × d` (typed arrays, as `kmeansParallel` returns them)
 */
export function kmeansSync(data, d, options) {
  return runKmeans(data, d, options);
}

/**
 * Cluster-validity metrics of your own labels (scikit-learn's definitions): silhouette (exact up
 * to 5,000 rows, else a seeded sample), Davies–Bouldin, Calinski–Harabasz.
 * @param {Float64Array | number[]} data  row-major, `d` columns
 * @param {number} d
 * @param {ArrayLike<number>} labels  one per row, 0-based
 * @param {number} [seed]
 * @returns {import('./types').Metrics}
 */
export function metricsSync(data, d, labels, seed = 0) {
  return runMetrics(data, d, labels, seed);
}

/**
 * @param {string | Uint8Array | ArrayBuffer} input
 * @returns {Uint8Array}
 */
export function toBytes(input) {
  if (typeof input === 'string') return new TextEncoder().encode(input);
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  throw new SeglensError('input must be a string, Uint8Array or ArrayBuffer', { code: 'bad_input' });
}

export { runSegmentation, runSegmentationStream, wasmVersion, SeglensError };
export { exportSql } from './sql.js';
