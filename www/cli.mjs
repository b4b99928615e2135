#!/usr/bin/env node
// seglens command line: the same Wasm core as the browser, under Node.
// Exit codes: 0 success, 1 unusable input or failed run, 2 bad usage.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { segment, SeglensError } from './node.js';

const HELP = `seglens — behavioral customer segmentation, locally

Usage:
  seglens segment FILE [options]      FILE is a CSV/TSV, one row per customer ('-' reads stdin)

Options:
  --input auto|events|table    what one row is (default auto; this version reads tables)
  --method kmeans              segmentation method (default kmeans)
  --k N|auto                   number of segments, or choose 2..10 by silhouette (default 4)
  --features a,b,c             feature columns (default: every numeric column but the id)
  --scale standard|minmax|robust|none   (default standard)
  --seed N                     same seed + same input => byte-identical outputs (default 0)
  --n-init N --max-iter N --tol X       k-means controls (defaults 10, 300, 1e-4)
  --id-column C                customer id column (default: detected)
  --labels OUT.csv             write id,segment,name per customer
  --report OUT.json            write the Report
  -h, --help                   show this help

Examples:
  seglens segment customers.csv --k 4 --labels labels.csv --report report.json
  seglens segment customers.csv --k auto --features orders,total_spend --scale robust

Exit codes: 0 success; 1 unusable input (reason on stderr); 2 bad usage.`;

/** @param {string} msg @param {number} code @returns {never} */
function fail(msg, code) {
  process.stderr.write(`seglens: ${msg}\n`);
  process.exit(code);
}

/** @param {string | undefined} v @param {string} flag @returns {number | undefined} */
function num(v, flag) {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) fail(`${flag} expects a number, got "${v}"`, 2);
  return n;
}

async function main() {
  /** @type {ReturnType<typeof parseArgs>} */
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        input: { type: 'string' },
        method: { type: 'string' },
        k: { type: 'string' },
        features: { type: 'string' },
        scale: { type: 'string' },
        seed: { type: 'string' },
        'n-init': { type: 'string' },
        'max-iter': { type: 'string' },
        tol: { type: 'string' },
        'id-column': { type: 'string' },
        labels: { type: 'string' },
        report: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    fail(`${e instanceof Error ? e.message : e} (see seglens --help)`, 2);
  }
  const { values: v, positionals } = parsed;
  if (v.help || positionals.length === 0) {
    process.stdout.write(HELP + '\n');
    process.exit(v.help ? 0 : 2);
  }
  const [cmd, file, ...extra] = positionals;
  if (cmd !== 'segment') fail(`unknown command "${cmd}"; this version has: segment (see seglens --help)`, 2);
  if (!file) fail('segment needs a FILE (or - for stdin)', 2);
  if (extra.length) fail(`unexpected argument "${extra[0]}"`, 2);

  const str = (/** @type {string} */ k) => /** @type {string | undefined} */ (v[k]);
  const k = str('k');
  const seed = num(str('seed'), '--seed');
  /** @type {import('./types').Options} */
  const options = {
    input: /** @type {any} */ (str('input')),
    method: /** @type {any} */ (str('method')),
    k: k === undefined ? undefined : k === 'auto' ? 'auto' : num(k, '--k'),
    features: str('features')?.split(',').map((s) => s.trim()).filter(Boolean),
    scale: /** @type {any} */ (str('scale')),
    seed,
    nInit: num(str('n-init'), '--n-init'),
    maxIter: num(str('max-iter'), '--max-iter'),
    tol: num(str('tol'), '--tol'),
    idColumn: str('id-column'),
  };
  for (const key of Object.keys(options)) {
    if (options[/** @type {keyof typeof options} */ (key)] === undefined) delete options[/** @type {keyof typeof options} */ (key)];
  }

  let bytes;
  try {
    bytes = readFileSync(file === '-' ? 0 : file);
  } catch (e) {
    fail(`cannot read ${file}: ${/** @type {NodeJS.ErrnoException} */ (e).code ?? e}`, 1);
  }
  try {
    const { report, reportJson, labelsCsv } = await segment(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), options);
    const labelsPath = str('labels');
    const reportPath = str('report');
    if (labelsPath) writeFileSync(labelsPath, labelsCsv);
    if (reportPath) writeFileSync(reportPath, reportJson);
    const sil = report.metrics.silhouette;
    const lines = [
      `${report.customers} customers → ${report.k} segments` +
        (sil === null ? '' : ` (silhouette ${sil.toFixed(3)})`) +
        (report.rows_skipped ? `; ${report.rows_skipped} rows skipped (see report warnings)` : ''),
      ...report.segments.map((s) => `  ${s.id}  ${(s.share * 100).toFixed(1).padStart(5)} %  ${String(s.size).padStart(7)}  ${s.name}`),
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } catch (e) {
    const err = SeglensError.from(e);
    fail(`${file}: ${err.message}`, 1);
  }
}

main();
