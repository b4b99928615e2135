#!/usr/bin/env node
// An event-log CSV streamed from disk in 1 MiB chunks (how the CLI and the browser worker read
// files) into a fresh Wasm instance, so the instance's memory is this load's alone: the text is
// never held, only the columns. One warm-up run first (a fresh instance starts in V8's baseline
// compiler), then the timed run; Wasm memory never shrinks, so the figure is the peak of both.
//
//   node benches/stream.mjs FILE.csv      (also called by benches/run.mjs)
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** @param {string} csvFile @returns {Promise<string[]>} a benchmark table row */
export async function streamBench(csvFile) {
  const size = statSync(csvFile).size;
  const fresh = await import('../www/pkg/seglens.js?stream');
  const wasm = fresh.initSync({ module: readFileSync(new URL('../www/pkg/seglens_simd_bg.wasm', import.meta.url)) });
  const run = async () => {
    const t0 = performance.now();
    const loader = new fresh.Loader({ input: 'events' }, size);
    for await (const chunk of createReadStream(csvFile, { highWaterMark: 1 << 20 })) loader.push(chunk);
    const session = loader.finish();
    const load = (performance.now() - t0) / 1000;
    const loaded = wasm.memory.buffer.byteLength;
    session.segment({ k: 4, seed: 0 });
    const all = (performance.now() - t0) / 1000;
    session.free();
    return { load, all, loaded };
  };
  await run();
  const r = await run();
  const peak = wasm.memory.buffer.byteLength;
  const mb = size / 1e6;
  const mib = (/** @type {number} */ b) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const secs = (/** @type {number} */ s) => (s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(0)} ms`);
  return [
    `Node: streamed from disk in 1 MiB chunks (CLI, browser worker), ${mb.toFixed(0)} MB`,
    `load ${secs(r.load)} (${(mb / r.load).toFixed(0)} MB/s), with k-means segments ${secs(r.all)}; Wasm memory ${mib(r.loaded)} after loading, ${mib(peak)} peak (${(peak / size).toFixed(2)}× the file)`,
    'the text is never held: the Chromium end-to-end row loads the whole buffer instead, text included',
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!process.argv[2]) throw new Error('usage: node benches/stream.mjs FILE.csv');
  console.log((await streamBench(process.argv[2])).join(' | '));
}
