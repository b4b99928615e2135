// seglens for browsers and bundlers: the work runs in a Web Worker that owns
// the Wasm (found with `new URL(..., import.meta.url)`, so webpack and Vite
// copy it); the page never blocks.
//
//   import { segment } from 'seglens';
//   const { report, labels } = await segment(file, { k: 'auto' }, { onProgress, signal });
import { Segmenter } from './client.js';
import { toData } from './input.js';

/**
 * @typedef {import('./types').Options} Options
 * @typedef {import('./types').Report} Report
 * @typedef {import('./types').Result} Result
 * @typedef {import('./types').Segment} Segment
 * @typedef {import('./types').Progress} Progress
 * @typedef {import('./types').CohortReport} CohortReport
 * @typedef {import('./types').Prediction} Prediction
 */

export { Segmenter } from './client.js';
export { SeglensError } from './errors.js';
export { exportSql } from './sql.js';

/** @type {Segmenter | null} */
let shared = null;

/**
 * Segments customers in a shared worker.
 * @param {import('./input.js').Input} input  an event log or a per-customer table, as a file, bytes, text, rows or columns
 * @param {import('./types').Options} [options]
 * @param {{ onProgress?: (p: import('./types').Progress) => void, signal?: AbortSignal }} [controls]
 * @returns {Promise<import('./types').Result>}
 */
export async function segment(input, options = {}, controls = {}) {
  shared ??= new Segmenter();
  return shared.segment(await toData(input), options, controls);
}

/**
 * A worker-backed segmenter of your own (several can run side by side); call `dispose()` when done.
 * @param {import('./client.js').SegmenterOptions} [options]
 * @returns {Segmenter}
 */
export function createSegmenter(options = {}) {
  return new Segmenter(options);
}

/**
 * Where the shared segmenter behind {@link segment} loads the Wasm from (locked-down hosts: a URL
 * the host serves, the bytes, or a compiled module). Call before the first `segment()`.
 * @param {import('./client.js').SegmenterOptions} options
 */
export function configure(options) {
  shared?.dispose();
  shared = new Segmenter(options);
}
