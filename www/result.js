// A segmented session's outputs in one object (the `Result` of every entry): shared by core.js
// and the parallel pool's worker, which hold Sessions of different Wasm builds.
import { SeglensError } from './errors.js';

/**
 * Segments a loaded session.
 * @param {{ segment: (o: any) => any, reportJson: () => string, labelsCsv: (safe?: boolean) => string, rfmCsv: () => string | undefined, modelJson: () => string, segmentFeatures: () => any, labels: () => Uint32Array, ids: () => string[] }} session
 * @param {import('./types').Options} [options]
 * @returns {import('./types').Result}
 */
export function segmentSession(session, options = {}) {
  try {
    const report = /** @type {import('./types').Report} */ (session.segment(options));
    return {
      report,
      reportJson: session.reportJson(),
      labelsCsv: session.labelsCsv(false),
      labelsCsvSafe: session.labelsCsv(true),
      rfmCsv: session.rfmCsv() ?? null,
      modelJson: session.modelJson(),
      customerFeatures: /** @type {{ ids: string[], names: string[], values: Float64Array }} */ (session.segmentFeatures()),
      labels: Uint32Array.from(session.labels()),
      ids: session.ids(),
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
