// Which options decide how the input is read. Shared by the page side
// (client.js, to know when the worker must parse again) and the worker
// (core.js); kept apart so the page bundle never imports the Wasm glue.

/** Options that decide how the input is read: changing one of them means parsing again. */
export const LOAD_OPTIONS = /** @type {const} */ (['input', 'idColumn', 'timeColumn', 'eventColumn', 'revenueColumn', 'variantColumn', 'dateFormat', 'maxMb']);

/** The load-time part of `options`, as a stable key. @param {import('./types').Options} options */
export function loadKey(options) {
  return JSON.stringify(LOAD_OPTIONS.map((k) => options[k] ?? null));
}
