// A segmented session's outputs in one object (the `Result` of every entry): shared by core.js
// and the parallel pool's worker, which hold Sessions of different Wasm builds.
import { SeglensError } from './errors.js';

/**
 * Segments a loaded session.
 * @param {{ segment: (o: any) => any, reportJson: () => string, labelsCsv: (safe?: boolean) => string, rfmCsv: () => string | undefined, modelJson: () => string, segmentFeatures: () => any, labels: () => Uint32Array }} session
 * @param {import('./types').Options} [options]
 * @returns {import('./types').Result}
 */
export function segmentSession(session, options = {}) {
  try {
    const report = /** @type {import('./types').Report} */ (session.segment(options));
    const customerFeatures = /** @type {{ ids: string[], names: string[], values: Float64Array }} */ (session.segmentFeatures());
    return {
      report,
      reportJson: session.reportJson(),
      labelsCsv: session.labelsCsv(false),
      labelsCsvSafe: session.labelsCsv(true),
      rfmCsv: session.rfmCsv() ?? null,
      modelJson: session.modelJson(),
      customerFeatures,
      labels: Uint32Array.from(session.labels()),
      // The same customers in the same order: one array, so a worker posting the result sends the
      // ids once (a message keeps shared objects shared), not 2 × 140k strings on a 10M-event log.
      ids: customerFeatures.ids,
    };
  } catch (e) {
    throw SeglensError.from(e);
  }
}

/**
 * The buffers a worker moves (not copies) when it posts a `Result`.
 * @param {import('./types').Result} result
 * @returns {Transferable[]}
 */
export function resultTransfer(result) {
  return [result.labels.buffer, result.customerFeatures.values.buffer];
}
