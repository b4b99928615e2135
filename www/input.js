// What callers may pass as data: a File/Blob, ArrayBuffer, Uint8Array, CSV/JSON text, an array of
// row objects, or an object of columns (arrays or typed arrays). Text and bytes go to the parser;
// rows and columns become host columns — Float64Arrays for numbers, string arrays for text — that
// the Wasm reads as they are, without writing the data out as JSON or CSV first.
import { SeglensError } from './errors.js';

/** @typedef {Blob | ArrayBuffer | Uint8Array | string | Record<string, unknown>[] | Record<string, ArrayLike<unknown>>} Input */
/** @typedef {{ names: string[], columns: (Float64Array | string[])[] }} HostColumns */

/** Nested objects in rows are flattened by dotted path this deep (as the JSON reader does). */
const MAX_DEPTH = 16;

/**
 * What the worker takes: Files and Blobs as they are (it streams them chunk by chunk instead of
 * holding the text), everything else as {@link toSyncData} gives it.
 * @param {unknown} v
 * @returns {Promise<Blob | Uint8Array | HostColumns>}
 */
export async function toData(v) {
  return isBlob(v) ? v : toSyncData(v);
}

/**
 * Bytes for text and bytes, host columns for rows and columns; Blobs are read (Node, inline entry).
 * @param {unknown} v
 * @returns {Promise<Uint8Array | HostColumns>}
 */
export async function toBytesOrColumns(v) {
  return isBlob(v) ? new Uint8Array(await v.arrayBuffer()) : toSyncData(v);
}

/**
 * @param {unknown} v
 * @returns {Uint8Array | HostColumns}
 */
export function toSyncData(v) {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (typeof v === 'string') return new TextEncoder().encode(v);
  if (Array.isArray(v)) return fromRows(v);
  if (v && typeof v === 'object' && !isBlob(v)) return fromColumns(/** @type {Record<string, ArrayLike<unknown>>} */ (v));
  throw new SeglensError('data must be a File, Blob, ArrayBuffer, Uint8Array, CSV/JSON text, an array of row objects or an object of columns', { code: 'bad_input' });
}

/** @param {unknown} v @returns {v is Blob} */
function isBlob(v) {
  return typeof Blob !== 'undefined' && v instanceof Blob;
}

/**
 * Rows of objects → columns, keys in order of first appearance (sparse keys kept, missing elsewhere).
 * @param {unknown[]} rows
 * @returns {HostColumns}
 */
function fromRows(rows) {
  /** @type {Map<string, unknown[]>} */
  const cols = new Map();
  rows.forEach((row, i) => {
    if (!row || typeof row !== 'object' || Array.isArray(row)) {
      throw new SeglensError(`row ${i + 1} is not an object; pass an array of row objects`, { code: 'bad_input' });
    }
    flatten('', /** @type {Record<string, unknown>} */ (row), 0, (key, value) => {
      let col = cols.get(key);
      if (!col) cols.set(key, (col = new Array(rows.length).fill(null)));
      col[i] = value;
    });
  });
  return fromColumns(Object.fromEntries(cols));
}

/**
 * @param {string} prefix
 * @param {Record<string, unknown>} obj
 * @param {number} depth
 * @param {(key: string, value: unknown) => void} put
 */
function flatten(prefix, obj, depth, put) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && depth < MAX_DEPTH) {
      flatten(key, /** @type {Record<string, unknown>} */ (v), depth + 1, put);
    } else {
      put(key, v);
    }
  }
}

/**
 * @param {Record<string, ArrayLike<unknown>>} obj
 * @returns {HostColumns}
 */
function fromColumns(obj) {
  const entries = Object.entries(obj);
  for (const [name, c] of entries) {
    if (typeof c !== 'object' || c === null || typeof c.length !== 'number') {
      throw new SeglensError(`column "${name}" is not an array`, { code: 'bad_input' });
    }
  }
  return { names: entries.map(([k]) => k), columns: entries.map(([, c]) => column(c)) };
}

/**
 * Numbers (and Dates, as epoch milliseconds) stay numbers, NaN for missing; any other column becomes
 * text, "" for missing.
 * @param {ArrayLike<unknown>} values
 * @returns {Float64Array | string[]}
 */
function column(values) {
  if (ArrayBuffer.isView(values) && !(values instanceof BigInt64Array || values instanceof BigUint64Array)) {
    return Float64Array.from(/** @type {ArrayLike<number>} */ (values));
  }
  const n = values.length;
  let numeric = true;
  for (let i = 0; i < n && numeric; i++) {
    const v = values[i];
    numeric = v === null || v === undefined || typeof v === 'number' || v instanceof Date;
  }
  if (numeric) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      out[i] = v === null || v === undefined ? NaN : v instanceof Date ? v.getTime() : /** @type {number} */ (v);
    }
    return out;
  }
  return Array.from({ length: n }, (_, i) => text(values[i]));
}

/** @param {unknown} v */
function text(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
