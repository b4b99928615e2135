// What callers may pass as data, turned into bytes the core parses: a
// File/Blob, ArrayBuffer, Uint8Array, CSV/JSON text, an array of row
// objects, or an object of columns (arrays or typed arrays).
import { SeglensError } from './errors.js';

/** @typedef {Blob | ArrayBuffer | Uint8Array | string | Record<string, unknown>[] | Record<string, ArrayLike<unknown>>} Input */

/**
 * What the worker takes: Files and Blobs as they are (it streams them chunk by chunk instead of
 * holding the text), everything else as bytes.
 * @param {unknown} v
 * @returns {Promise<Blob | Uint8Array>}
 */
export async function toData(v) {
  return typeof Blob !== 'undefined' && v instanceof Blob ? v : toBytes(v);
}

/** @param {unknown} v @returns {Promise<Uint8Array>} */
export async function toBytes(v) {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (typeof Blob !== 'undefined' && v instanceof Blob) return new Uint8Array(await v.arrayBuffer());
  if (typeof v === 'string') return new TextEncoder().encode(v);
  if (Array.isArray(v)) return new TextEncoder().encode(JSON.stringify(v));
  if (v && typeof v === 'object') {
    const cols = Object.entries(v);
    const n = Math.max(0, ...cols.map(([, c]) => /** @type {ArrayLike<unknown>} */ (c).length ?? 0));
    const rows = Array.from({ length: n }, (_, i) => Object.fromEntries(cols.map(([k, c]) => [k, /** @type {ArrayLike<unknown>} */ (c)[i] ?? null])));
    return new TextEncoder().encode(JSON.stringify(rows));
  }
  throw new SeglensError('data must be a File, Blob, ArrayBuffer, Uint8Array, CSV/JSON text, an array of row objects or an object of columns', { code: 'bad_input' });
}
