// The Web Worker that owns the Wasm instance. All parsing and segmentation
// happens here so the page never freezes. Protocol (structured clone):
//   page → worker  { type: 'init', wasm? }               first: where the Wasm is (default: next to this file)
//   worker → page  { type: 'ready', version }            once, after the Wasm loaded
//   page → worker  { type: 'free' }                      drop the loaded data (the page loaded elsewhere)
//   page → worker  { id, type: 'segment', bytes? | file? | host?, options }   none: re-segment the data already loaded;
//                  a file (Blob) is read with stream(), chunk by chunk, never whole; host: columns from input.js
//   worker → page  { id, type: 'progress', progress }
//                  { id, type: 'result', result } | { id, type: 'error', error }
// The parsed data stays in the worker between runs, so changing k or the
// method does not parse the file again.

import init from './pkg/seglens.js';
import { checkWasmVersion, loadKey, loadSession, loadStream, segmentSession, wasmVersion } from './core.js';
import { resultTransfer } from './result.js';
import { SeglensError, workerError } from './errors.js';
import { defaultWasmUrl } from './simd.js';

/** @type {{ postMessage(m: unknown, t?: Transferable[]): void, onmessage: ((e: MessageEvent) => void) | null }} */
const ctx = /** @type {any} */ (self);

/** The page sends `{ type: 'init', wasm }` first; `wasm` (URL, bytes or a compiled module) overrides
 * the default file next to this worker, for hosts that serve the Wasm elsewhere. */
/** @type {(v: unknown) => void} */
let start = () => {};
/** @type {Promise<unknown>} */
const source = new Promise((resolve) => (start = resolve));
const ready = source
  .then((wasm) => init({ module_or_path: /** @type {any} */ (wasm) ?? defaultWasmUrl() }))
  .then(checkWasmVersion)
  .then(
    () => ctx.postMessage({ type: 'ready', version: wasmVersion() }),
    (e) => ctx.postMessage({ type: 'fatal', error: SeglensError.from(e).toJSON() }),
  );

/** @type {{ session: import('./pkg/seglens.js').Session, key: string } | null} */
let loaded = null;

ctx.onmessage = async (/** @type {MessageEvent} */ event) => {
  if (event.data?.type === 'init') return start(event.data.wasm);
  await ready;
  const { id, type, bytes, file, host, options } = event.data ?? {};
  if (type === 'free') {
    // The page loaded its data elsewhere (the parallel pool): release this copy.
    loaded?.session.free();
    loaded = null;
    return;
  }
  if (type !== 'segment') return;
  /** @param {import('./types').Progress} progress */
  const report = (progress) => ctx.postMessage({ id, type: 'progress', progress });
  const progress = (/** @type {import('./types').Progress['stage']} */ stage, size = 0) => report({ stage, done: size, total: size });
  try {
    if (bytes || file || host) {
      loaded?.session.free();
      loaded = null;
      progress('parse', bytes?.byteLength ?? 0);
      const session = file ? await streamFile(file, options, report) : loadSession(host ?? new Uint8Array(bytes), options);
      loaded = { session, key: loadKey(options) };
    } else if (!loaded || loaded.key !== loadKey(options)) {
      throw new SeglensError('no data loaded with these reading options: send the file again', { code: 'not_loaded' });
    }
    progress('segment');
    const result = segmentSession(loaded.session, options);
    progress('done');
    ctx.postMessage({ id, type: 'result', result }, resultTransfer(result));
  } catch (e) {
    // After a trap the page replaces this worker.
    const { error, trapped } = workerError(e);
    if (trapped) loaded = null;
    ctx.postMessage({ id, type: 'error', error: error.toJSON(), fatal: trapped });
  }
};

/** Progress messages while a file streams in, at most every 100 ms. */
const PROGRESS_EVERY_MS = 100;

/**
 * Reads a File/Blob chunk by chunk into a Session, reporting bytes and rows.
 * @param {Blob} file
 * @param {import('./types').Options} options
 * @param {(p: import('./types').Progress) => void} report
 */
function streamFile(file, options, report) {
  let last = 0;
  return loadStream(file.stream(), file.size, options, (done, rows) => {
    const now = performance.now();
    if (now - last < PROGRESS_EVERY_MS && done < file.size) return;
    last = now;
    report({ stage: 'parse', done, total: file.size, rows });
  });
}
