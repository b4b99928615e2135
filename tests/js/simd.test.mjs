// The two Wasm builds (scalar and simd128) side by side in one process: the loaders pick SIMD
// where the engine has it, and both give bit-identical Reports, labels and k-means results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { simdSupported } from '../../www/simd.js';

const pkg = new URL('../../www/pkg/', import.meta.url);
const events = new Uint8Array(readFileSync(new URL('../../www/sample/events.csv', import.meta.url)));

/** A separate instance of the glue (a query string makes a separate ES module) with the given Wasm. */
async function engine(file) {
  const glue = await import(new URL(`seglens.js?${file}`, pkg).href);
  glue.initSync({ module: readFileSync(new URL(file, pkg)) });
  return glue;
}

test('this Node has Wasm SIMD, and the two builds are different files', () => {
  assert.equal(simdSupported(), true);
  assert.notDeepEqual(readFileSync(new URL('seglens_simd_bg.wasm', pkg)), readFileSync(new URL('seglens_bg.wasm', pkg)));
});

test('scalar and SIMD builds give bit-identical results', async () => {
  const [scalar, simd] = await Promise.all([engine('seglens_bg.wasm'), engine('seglens_simd_bg.wasm')]);
  for (const options of [{ k: 'auto', seed: 3 }, { method: 'dbscan' }, { k: 5, miniBatch: 256, seed: 1 }]) {
    const run = (/** @type {any} */ e) => {
      const s = e.Session.load(events, options);
      try {
        s.segment(options);
        return [s.reportJson(), s.labelsCsv(false), s.modelJson()];
      } finally {
        s.free();
      }
    };
    assert.deepEqual(run(simd), run(scalar), JSON.stringify(options));
  }
  // Odd and even dimensions (the SIMD kernel pairs coordinates; an odd one is summed last).
  for (const d of [1, 3, 8, 9]) {
    const data = Float64Array.from({ length: 3000 * d }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 10);
    const opts = { k: 4, seed: 7, nInit: 3 };
    assert.deepEqual(simd.kmeans(data, d, opts), scalar.kmeans(data, d, opts), `d=${d}`);
  }
});
