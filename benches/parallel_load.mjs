#!/usr/bin/env node
// seglens/parallel loading an event-log CSV in Node (worker_threads): one worker (the one-pass
// streaming read) vs one worker per core (the file split at line feeds, parts parsed at the same
// time and merged), best of 3 each on a pool started beforehand; both Reports must be identical.
//
//   node benches/parallel_load.mjs FILE.csv      (also called by benches/run.mjs)
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createPool } from '../www/parallel.js';

/** @param {string} csvFile @returns {Promise<string[]>} a benchmark table row */
export async function parallelLoadBench(csvFile) {
  const bytes = new Uint8Array(readFileSync(csvFile));
  const opts = { input: 'events' };
  const many = availableParallelism();
  /** @type {{ workers: number, load: number, parts: number, report: string }[]} */
  const runs = [];
  for (const workers of [1, many]) {
    const pool = await createPool({ workers });
    try {
      let load = Infinity;
      let parts = 0;
      for (let r = 0; r < 3; r++) {
        const t0 = performance.now();
        parts = (await pool.load(bytes, opts)).parts;
        load = Math.min(load, (performance.now() - t0) / 1000);
      }
      runs.push({ workers, load, parts, report: JSON.stringify(await pool.segment({ k: 4, seed: 0 })) });
    } finally {
      pool.dispose();
    }
  }
  const [one, all] = runs;
  if (one.report !== all.report) throw new Error('parallel load: the Reports of 1 and N workers differ');
  const mb = bytes.length / 1e6;
  const secs = (/** @type {number} */ s) => (s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(0)} ms`);
  return [
    `Node: CSV parse on every core (seglens/parallel, worker_threads), ${mb.toFixed(0)} MB → data loaded`,
    `1 worker ${secs(one.load)} (${(mb / one.load).toFixed(0)} MB/s); ${many} workers ${secs(all.load)} (${(mb / all.load).toFixed(0)} MB/s, ${(one.load / all.load).toFixed(2)}× one worker, ${all.parts} parts merged)`,
    'identical Reports; the time includes handing the bytes to the workers and merging the parts',
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!process.argv[2]) throw new Error('usage: node benches/parallel_load.mjs FILE.csv');
  console.log((await parallelLoadBench(process.argv[2])).join(' | '));
}
