// seglens with the Wasm embedded (base64 in www/pkg/seglens_inline.js): for
// hosts whose bundler or CSP will not load a separate .wasm file or a worker
// script. Runs on the calling thread — call it from your own worker if the
// page must stay responsive — and needs only `script-src 'wasm-unsafe-eval'`.
//
//   import { segment } from 'seglens/inline';
//   const { report } = await segment(file, { k: 'auto' });

import { initSync } from './pkg/seglens.js';
import { checkWasmVersion } from './core.js';
import wasmBase64 from './pkg/seglens_inline.js';

/** @param {string} b64 */
function decode(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

initSync({ module: decode(wasmBase64) });
checkWasmVersion();

export * from './sync.js';
