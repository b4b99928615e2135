// The Web Worker that owns the Wasm instance. All parsing and segmentation
// happens here so the page never freezes. Protocol (structured clone):
//   worker → page  { type: 'ready', version }            once, after the Wasm loaded
//   page → worker  { id, type: 'segment', bytes, options }
//   worker → page  { id, type: 'progress', progress }
//                  { id, type: 'result', result } | { id, type: 'error', error }

import init from './pkg/seglens.js';
import { runSegmentation, wasmVersion } from './core.js';
import { SeglensError } from './errors.js';

/** @type {{ postMessage(m: unknown, t?: Transferable[]): void, onmessage: ((e: MessageEvent) => void) | null }} */
const ctx = /** @type {any} */ (self);

const ready = init({ module_or_path: new URL('./pkg/seglens_bg.wasm', import.meta.url) }).then(
  () => ctx.postMessage({ type: 'ready', version: wasmVersion() }),
  (e) => ctx.postMessage({ type: 'fatal', error: SeglensError.from(e).toJSON() }),
);

ctx.onmessage = async (/** @type {MessageEvent} */ event) => {
  await ready;
  const { id, type, bytes, options } = event.data ?? {};
  if (type !== 'segment') return;
  try {
    const result = runSegmentation(new Uint8Array(bytes), options, (progress) => ctx.postMessage({ id, type: 'progress', progress }));
    ctx.postMessage({ id, type: 'result', result }, [result.labels.buffer, result.customerFeatures.values.buffer]);
  } catch (e) {
    ctx.postMessage({ id, type: 'error', error: SeglensError.from(e).toJSON() });
  }
};
