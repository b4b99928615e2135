// A worker of a seglens/parallel pool (www/parallel.js), in its own Wasm instance; runs as a
// browser Web Worker or a Node worker_threads worker.
// Loading (a CSV event log split at line feeds, one part per worker; the first worker merges the
// parts and holds the data):
//   { type: 'part', source, head, options, first, size, keep }
//        → { part: { cols, strings, meta } } | { kept: true } | { declined: true }
//   { type: 'merge', parts, options, size }      → { merged, customers }
//   { type: 'read', source, options, size }      → { customers }    the whole input in one pass
//   (while a part or a whole input is read: { id, progress: { done, rows } } every 100 ms and at the end)
//   { type: 'segment', options }                 → { result }       as segmentSync's
// k-means: each worker holds one shard of the rows and runs the map step, and an identical
// coordinator (the reduce step: every worker is sent every partial, so each works out the same
// next centres and steps to them at once, one round trip per iteration); the first worker also
// seeds the run and gives the final centres and totals.
//   { type: 'rows', data, d, firstRow }          → { ok }
//   { type: 'plan', data, d, options }           → { plan: [nInit, tol, inits…] }
//   { type: 'start', centers }                   → { partial }        a new run from these centres
//   { type: 'coord', centers, tol, maxIter }     → { ok }             a new coordinator
//   { type: 'absorb', partials } | { type: 'relocate', far }
//        → { next: [0, centres…], partial } (stepped to the centres) | { next: [1, e], far } | { next: [2] }
//   { type: 'finish', centers }                  → { inertia, labels }
//   { type: 'centers' }                          → { centers }        the final centres
//   { type: 'done', inertia }                    → { done: [n_iter, converged, inertia] }
// The pool's first message is { module }: the Wasm compiled once for every worker, or null (this
// worker compiles its own). Every reply is { id, ... } or { id, error }. Once started:
// { ready: true }, or { fatal } when its Wasm could not be loaded (the pool then stops it).

import { SeglensError, workerError } from './errors.js';
import { resultTransfer, segmentSession } from './result.js';

const inNode = typeof self === 'undefined';
/** @type {any} the parallel build's glue, once loaded */
let wasm;
/** @type {WebAssembly.Memory} its memory (a merge writes another worker's columns straight into it) */
let memory;

/** The pool's first message (`{ module }`), listened for before anything else can arrive. */
const firstMessage = inNode ? null : new Promise((resolve) => self.addEventListener('message', (e) => resolve(e.data), { once: true }));

async function nodePort() {
  const { parentPort } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:worker_threads');
  const p = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
  // A port queues what arrives before its first listener: the first message is not missed.
  const first = new Promise((resolve) => p.once('message', resolve));
  return { first, on: (/** @type {(m: any) => void} */ f) => p.on('message', f), post: (/** @type {any} */ m, /** @type {any} */ t) => p.postMessage(m, t) };
}

function browserPort() {
  const ctx = /** @type {any} */ (self);
  return { first: firstMessage, on: (/** @type {(m: any) => void} */ f) => (ctx.onmessage = (/** @type {MessageEvent} */ e) => f(e.data)), post: (/** @type {any} */ m, /** @type {any} */ t) => ctx.postMessage(m, t) };
}

// The parallel build (scripts/build-wasm.sh): the core plus the shard and coordinator exports, SIMD.
/** @param {WebAssembly.Module | null} module  compiled by the pool, or null: compile the file here */
async function nodeWasm(module) {
  const { readFileSync } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs');
  const glue = await import('./pkg-parallel/seglens_parallel.js');
  ({ memory } = glue.initSync({ module: module ?? readFileSync(new URL('./pkg-parallel/seglens_parallel_bg.wasm', import.meta.url)) }));
  return glue;
}

/** @param {WebAssembly.Module | null} module  compiled by the pool, or null: compile the file here */
async function browserWasm(module) {
  const glue = await import('./pkg-parallel/seglens_parallel.js');
  ({ memory } = await glue.default({ module_or_path: module ?? new URL('./pkg-parallel/seglens_parallel_bg.wasm', import.meta.url) }));
  return glue;
}

/** @type {{ data: Float64Array, d: number, firstRow: number } | null} */
let rows = null;
/** @type {import('./pkg-parallel/seglens_parallel.js').KMeansShard | null} */
let shard = null;
/** @type {import('./pkg-parallel/seglens_parallel.js').KMeansCoordinator | null} */
let coord = null;

/** @type {import('./pkg-parallel/seglens_parallel.js').Part | null} this worker's part, kept for the merge */
let kept = null;
/** @type {import('./pkg-parallel/seglens_parallel.js').Session | null} the loaded data (first worker) */
let session = null;

/** Bytes per push: a source held whole is passed to the Wasm a slice at a time, not copied whole. */
const CHUNK = 1 << 20;

/** Milliseconds between progress messages. */
const PROGRESS_MS = 100;

/**
 * Pushes a Blob's stream or a byte array to `push`, chunk by chunk, telling `progress` the bytes
 * pushed so far (every 100 ms, and once at the end).
 * @param {Blob | Uint8Array} source
 * @param {(chunk: Uint8Array) => void} push
 * @param {(done: number) => void} progress
 */
async function feed(source, push, progress) {
  let done = 0;
  let last = performance.now();
  const step = (/** @type {Uint8Array} */ chunk) => {
    push(chunk);
    done += chunk.length;
    if (performance.now() - last >= PROGRESS_MS) {
      last = performance.now();
      progress(done);
    }
  };
  if (source instanceof Uint8Array) {
    for (let at = 0; at < source.length; at += CHUNK) step(source.subarray(at, at + CHUNK));
  } else {
    const reader = source.stream().getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) step(r.value);
  }
  progress(done);
}

/**
 * Pushes `source` into a Wasm loader (a part's or a whole input's), reporting progress; frees the
 * loader when reading fails.
 * @template {{ free: () => void, push: (c: Uint8Array) => void, rows: number }} L
 * @param {L} loader
 * @param {Blob | Uint8Array} source
 * @param {(p: { done: number, rows: number }) => void} report
 */
function readInto(loader, source, report) {
  return freeOnError(loader, (l) => feed(source, (c) => l.push(c), (done) => report({ done, rows: l.rows })));
}

/**
 * Runs `use` on a Wasm object, freeing it when `use` throws (`use` must not consume the object).
 * @template {{ free: () => void }} T
 * @template R
 * @param {T} obj
 * @param {(o: T) => Promise<R>} use
 */
async function freeOnError(obj, use) {
  try {
    return await use(obj);
  } catch (e) {
    obj.free();
    throw e;
  }
}

/**
 * Writes a column another worker sent into this Wasm's memory at byte offset `at` (from
 * `PartMerger.makeRoom`; the buffer is read after it, since growing the memory replaces it).
 * @param {Uint32Array | BigInt64Array | Float64Array} column
 * @param {number} at
 */
function place(column, at) {
  if (column.length === 0) return;
  const buffer = memory.buffer;
  if (column instanceof Uint32Array) new Uint32Array(buffer, at, column.length).set(column);
  else if (column instanceof BigInt64Array) new BigInt64Array(buffer, at, column.length).set(column);
  else new Float64Array(buffer, at, column.length).set(column);
}

/**
 * @param {any} m
 * @param {(p: { done: number, rows: number }) => void} report  progress of a load, to the page
 * @returns {Promise<[Record<string, unknown>, Transferable[]]>}
 */
async function handle(m, report) {
  const need = (/** @type {unknown} */ v, /** @type {string} */ what) => {
    if (!v) throw new SeglensError(`seglens pool worker: ${what} first`, { code: 'bad_params' });
    return /** @type {any} */ (v);
  };
  /** @returns {[Record<string, unknown>, Transferable[]]} */
  const out = (/** @type {string} */ key, /** @type {Float64Array} */ v) => [{ [key]: v }, [v.buffer]];
  // The coordinator's next move, with this shard's part of it: the sums after a step to the new
  // centres, or its farthest rows for a relocation.
  /** @returns {[Record<string, unknown>, Transferable[]]} */
  const act = (/** @type {Float64Array} */ next) => {
    if (next[0] === 2) return [{ next }, []];
    const s = need(shard, 'start');
    const [key, v] = next[0] === 0 ? ['partial', s.step(next.subarray(1))] : ['far', s.farthest(next[1])];
    return [{ next, [key]: v }, [v.buffer]];
  };
  switch (m.type) {
    case 'part': {
      kept?.free();
      kept = null;
      const loader = wasm.PartLoader.start(m.head, m.options, m.size, m.first);
      if (!loader) return [{ declined: true }, []];
      await readInto(loader, m.source, report);
      const part = loader.finish();
      if (m.keep) {
        kept = part;
        return [{ kept: true }, []];
      }
      const cols = [part.takeCustomer(), part.takeTime(), part.takeEvent(), part.takeRevenue(), part.takeOrder(), part.takeVariant()];
      // [bytes, table]: every id and name packed in two typed arrays, transferred with the columns.
      const strings = part.takeStrings();
      const meta = part.meta();
      part.free();
      return [{ part: { cols, strings, meta } }, [...cols, ...strings].map((c) => c.buffer)];
    }
    case 'merge': {
      const own = need(kept, 'part (keep)');
      const merger = new wasm.PartMerger(own.rows + m.parts.reduce((/** @type {number} */ n, /** @type {any} */ p) => n + p.cols[0].length, 0));
      session?.free();
      session = null;
      await freeOnError(merger, async (mg) => {
        kept = null;
        mg.add(own);
        for (const p of m.parts) {
          const at = mg.makeRoom(Uint32Array.from(p.cols, (/** @type {ArrayLike<unknown>} */ c) => c.length));
          p.cols.forEach((/** @type {Uint32Array | BigInt64Array | Float64Array} */ c, /** @type {number} */ i) => place(c, at[i]));
          mg.addPlaced(...p.strings, p.meta);
        }
      });
      session = merger.finish(m.options, m.size) ?? null;
      return [{ merged: session !== null, customers: session?.customers ?? 0 }, []];
    }
    case 'read': {
      kept?.free();
      kept = null;
      session?.free();
      session = null;
      const loader = new wasm.Loader(m.options, m.size);
      await readInto(loader, m.source, report);
      const loaded = loader.finish();
      session = loaded;
      return [{ customers: loaded.customers }, []];
    }
    case 'segment': {
      const result = segmentSession(need(session, 'load'), m.options);
      return [{ result }, resultTransfer(result)];
    }
    case 'rows':
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
      return act(need(coord, 'coord').absorb(m.partials));
    case 'relocate':
      return act(need(coord, 'coord').relocate(m.far));
    case 'centers':
      return [{ centers: need(coord, 'coord').centers() }, []];
    case 'done':
      return [{ done: need(coord, 'coord').finish(m.inertia) }, []];
    default:
      throw new SeglensError(`seglens pool worker: unknown message ${m.type}`, { code: 'bad_params' });
  }
}

// No top-level await (bundlers emit workers as classic scripts): set up, then say ready; the
// page sends nothing before that.
(async () => {
  /** @type {{ first: Promise<any> | null, on: (f: (m: any) => void) => void, post: (m: unknown, t?: Transferable[]) => void }} */
  const port = inNode ? await nodePort() : browserPort();
  try {
    const module = (await port.first)?.module ?? null;
    wasm = inNode ? await nodeWasm(module) : await browserWasm(module);
  } catch (e) {
    // The pool must hear of it (a rejected promise here raises no error event on the Worker).
    port.post({ fatal: SeglensError.from(e).toJSON() });
    return;
  }
  // One message at a time, in order: a load reading a Blob awaits between chunks, and a message
  // arriving meanwhile (after an error elsewhere in the pool, say) must not interleave with it.
  let turn = Promise.resolve();
  port.on((m) => {
    turn = turn.then(async () => {
      try {
        const [reply, transfer] = await handle(m, (progress) => port.post({ id: m.id, progress }));
        port.post({ id: m.id, ...reply }, transfer);
      } catch (e) {
        port.post({ id: m.id, error: workerError(e).error.toJSON() });
      }
    });
  });
  port.post({ ready: true });
})();
