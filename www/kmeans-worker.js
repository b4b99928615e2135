// A worker of a parallel k-means run (www/parallel.js): holds one shard of the rows in its own
// Wasm instance and runs the map step; the first worker also seeds the run and is the coordinator
// (the reduce step). Runs as a browser Web Worker or a Node worker_threads worker.
//   { type: 'load', data, d, firstRow }          → { ok }
//   { type: 'plan', data, d, options }           → { plan: [nInit, tol, inits…] }
//   { type: 'start', centers }                   → { partial }        a new run from these centres
//   { type: 'step', centers }                    → { partial }
//   { type: 'farthest', e }                      → { far }
//   { type: 'finish', centers }                  → { inertia, labels }
//   { type: 'coord', centers, tol, maxIter }     → { ok }             a new coordinator
//   { type: 'absorb', partials } | { type: 'relocate', far }          → { next: [0, centres…] | [1, e] | [2] }
//   { type: 'centers' }                          → { centers }        the final centres
//   { type: 'done', inertia }                    → { done: [n_iter, converged, inertia] }
// Every reply is { id, ... } or { id, error }.

import { SeglensError } from './errors.js';

const inNode = typeof self === 'undefined';
/** @type {any} the parallel build's glue, once loaded */
let wasm;

async function nodePort() {
  const { parentPort } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:worker_threads');
  const p = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
  return { on: (/** @type {(m: any) => void} */ f) => p.on('message', f), post: (/** @type {any} */ m, /** @type {any} */ t) => p.postMessage(m, t) };
}

function browserPort() {
  const ctx = /** @type {any} */ (self);
  return { on: (/** @type {(m: any) => void} */ f) => (ctx.onmessage = (/** @type {MessageEvent} */ e) => f(e.data)), post: (/** @type {any} */ m, /** @type {any} */ t) => ctx.postMessage(m, t) };
}

// The parallel build (scripts/build-wasm.sh): the core plus the shard and coordinator exports, SIMD.
async function nodeWasm() {
  const { readFileSync } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs');
  const glue = await import('./pkg-parallel/seglens_parallel.js');
  glue.initSync({ module: readFileSync(new URL('./pkg-parallel/seglens_parallel_bg.wasm', import.meta.url)) });
  return glue;
}

async function browserWasm() {
  const glue = await import('./pkg-parallel/seglens_parallel.js');
  await glue.default({ module_or_path: new URL('./pkg-parallel/seglens_parallel_bg.wasm', import.meta.url) });
  return glue;
}

/** @type {{ data: Float64Array, d: number, firstRow: number } | null} */
let rows = null;
/** @type {import('./pkg-parallel/seglens_parallel.js').KMeansShard | null} */
let shard = null;
/** @type {import('./pkg-parallel/seglens_parallel.js').KMeansCoordinator | null} */
let coord = null;

/** @param {any} m @returns {[Record<string, unknown>, Transferable[]]} */
function handle(m) {
  const need = (/** @type {unknown} */ v, /** @type {string} */ what) => {
    if (!v) throw new SeglensError(`k-means worker: ${what} first`, { code: 'bad_params' });
    return /** @type {any} */ (v);
  };
  /** @returns {[Record<string, unknown>, Transferable[]]} */
  const out = (/** @type {string} */ key, /** @type {Float64Array} */ v) => [{ [key]: v }, [v.buffer]];
  switch (m.type) {
    case 'load':
      rows = { data: m.data, d: m.d, firstRow: m.firstRow };
      return [{ ok: true }, []];
    case 'plan':
      return [{ plan: wasm.kmeansPlan(m.data, m.d, m.options) }, []];
    case 'start': {
      const r = need(rows, 'load');
      shard?.free();
      shard = new wasm.KMeansShard(r.data, r.d, m.centers, r.firstRow);
      return out('partial', need(shard, 'start').first());
    }
    case 'step':
      return out('partial', need(shard, 'start').step(m.centers));
    case 'farthest':
      return out('far', need(shard, 'start').farthest(m.e));
    case 'finish': {
      const s = need(shard, 'start');
      const inertia = s.inertia(m.centers);
      const labels = s.labels();
      return [{ inertia, labels }, [inertia.buffer, labels.buffer]];
    }
    case 'coord':
      coord?.free();
      coord = new wasm.KMeansCoordinator(m.centers, m.d, m.tol, m.maxIter);
      return [{ ok: true }, []];
    case 'absorb':
      return [{ next: need(coord, 'coord').absorb(m.partials) }, []];
    case 'relocate':
      return [{ next: need(coord, 'coord').relocate(m.far) }, []];
    case 'centers':
      return [{ centers: need(coord, 'coord').centers() }, []];
    case 'done':
      return [{ done: need(coord, 'coord').finish(m.inertia) }, []];
    default:
      throw new SeglensError(`k-means worker: unknown message ${m.type}`, { code: 'bad_params' });
  }
}

// No top-level await (bundlers emit workers as classic scripts): set up, then say ready; the
// page sends nothing before that.
(async () => {
  /** @type {{ on: (f: (m: any) => void) => void, post: (m: unknown, t?: Transferable[]) => void }} */
  const port = inNode ? await nodePort() : browserPort();
  wasm = inNode ? await nodeWasm() : await browserWasm();
  port.on((m) => {
    try {
      const [reply, transfer] = handle(m);
      port.post({ id: m.id, ...reply }, transfer);
    } catch (e) {
      port.post({ id: m.id, error: SeglensError.from(e).toJSON() });
    }
  });
  port.post({ ready: true });
})();
