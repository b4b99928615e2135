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

test('both builds read a log of quoted, non-ASCII, CRLF, blank and bad lines alike, and right', async () => {
  const [scalar, simd] = await Promise.all([engine('seglens_bg.wasm'), engine('seglens_simd_bg.wasm')]);
  // Fields of every length, so line feeds, CRs, quotes and delimiters fall at every offset of the
  // sixteen-byte blocks the line reader takes (seeded, so the file is the same every run).
  let x = 11;
  const pick = (/** @type {any[]} */ a) => a[((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) % a.length];
  const ids = [['u1', 'u1'], ['"u,2"', 'u,2'], ['é-3', 'é-3'], ['"say ""hi"""', 'say "hi"'], ['a-much-longer-customer-id-17', 'a-much-longer-customer-id-17'], ['"ü5"', 'ü5'], ['"line\nbreak"', 'line\nbreak']];
  const events = ['view', 'buy', '"add, to cart"', 'ünïcode', ''];
  const times = ['2024-03-01T10:00:00Z', '2024-03-02 11:30:05', '2024-03-05T23:59:59', 'not a time', ''];
  let csv = 'user_id,timestamp,event,revenue\n';
  const kept = new Set();
  let skipped = 0;
  for (let i = 0; i < 4000; i++) {
    const [raw, id] = pick(ids);
    const time = pick(times);
    csv += `${raw},${time},${pick(events)},${pick(['', '12.5', '7', '1234.75'])}${pick(['\n', '\n', '\r\n'])}`;
    if (pick([true, false, false, false, false])) csv += pick(['\n', '\r\n']);
    if (time === 'not a time' || time === '') skipped++;
    else kept.add(id);
  }
  const bytes = new TextEncoder().encode(csv);
  const run = (/** @type {any} */ e) => {
    const s = e.Session.load(bytes, { input: 'events' });
    try {
      const features = s.features({});
      s.segment({ method: 'rfm' });
      return { customers: s.customers, features, report: JSON.parse(s.reportJson()) };
    } finally {
      s.free();
    }
  };
  const [a, b] = [run(simd), run(scalar)];
  assert.deepEqual(a, b);
  assert.equal(a.customers, kept.size);
  assert.deepEqual([...a.features.ids].sort(), [...kept].sort());
  assert.equal(a.report.rows_read, 4000);
  assert.equal(a.report.rows_skipped, skipped);
});
