// seglens for Node: loads the same Wasm from disk (no flags, no fetch) and
// runs the core on the calling thread.

import { readFileSync } from 'node:fs';
import { initSync } from './pkg/seglens.js';
import { checkWasmVersion } from './core.js';
import { simdSupported } from './simd.js';

/**
 * @typedef {import('./types').Options} Options
 * @typedef {import('./types').Report} Report
 * @typedef {import('./types').Result} Result
 * @typedef {import('./types').Segment} Segment
 * @typedef {import('./types').Progress} Progress
 * @typedef {import('./types').CohortReport} CohortReport
 * @typedef {import('./types').Prediction} Prediction
 */

// The SIMD build where the engine has Wasm SIMD (Node >= 16); SEGLENS_WASM_SIMD=0 forces the scalar one.
const simd = simdSupported() && process.env.SEGLENS_WASM_SIMD !== '0';
initSync({ module: readFileSync(new URL(simd ? './pkg/seglens_simd_bg.wasm' : './pkg/seglens_bg.wasm', import.meta.url)) });
checkWasmVersion();

export * from './sync.js';
