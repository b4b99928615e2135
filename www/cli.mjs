#!/usr/bin/env node
// seglens command line: the same Wasm core as the browser, under Node.
// Exit codes: 0 success, 1 unusable input or failed run, 2 bad usage.
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cohortsSync, predictSync, runSegmentationStream, SeglensError } from './node.js';
import { exportSql } from './sql.js';

const HELP = `seglens — behavioral customer segmentation, on your machine

Usage:
  seglens segment FILE [options]   segment customers; FILE is CSV/TSV/JSON/JSONL ('-' reads stdin)
  seglens rfm FILE [--out OUT.csv] [options]
                                   RFM scores per customer: id,recency,frequency,monetary,r,f,m,segment
  seglens cohorts FILE [--period day|week|month] [--cohort-events a,b] [--out OUT.json]
                                   retention (first-time, recurring), lifecycle and stickiness
  seglens predict FILE --model M.json [--labels OUT.csv] [--as-of D]
                                   assign customers with a saved model (segment --model-out)
  seglens export-sql --model M.json [--dialect duckdb|spark|ansi] [--table T] [--out Q.sql]
                                   the model as one SQL query that labels every customer of an
                                   events table in the warehouse (same features, same answers as predict);
                                   --time-type timestamp|iso|epoch_s|epoch_ms|epoch_us|dmy|mdy,
                                   --order-column C and the column flags below override the model's;
                                   --with-features adds the features (before preprocessing) per customer

Input:
  --input auto|events|table        one row per event/order, or per customer (default auto: detected)
  --id-column C --time-column C --event-column C --revenue-column C
                                   column roles (default: detected; presets for Mixpanel, Amplitude,
                                   GA4, Segment and Shopify exports)
  --variant-column C               experiment arm column (default: detected: variant, ab_group, arm, …);
                                   the Report's "experiment" compares the arms per segment
  --date-format dmy|mdy            for slash dates the data cannot settle (default: detected)
  --as-of YYYY-MM-DD               reference date for recency (default: last event + 1 day)
  --lookback-days N                only events in the N days before --as-of count
  --compare-to YYYY-MM-DD          also segment as of this earlier date with the same model:
                                   the Report's "migration" holds the flows between segments
  --session-gap MIN                inactivity that ends a session (default 30)
  --purchase-events a,b            event names that are purchases (default: purchase/order/checkout…)
  --clv                            fit BG/NBD + Gamma-Gamma: p_alive, expected_purchases_90d, expected_aov,
                                   clv_90d as features and as columns of the RFM table

Segmentation:
  --method kmeans|rfm|rules|dbscan (default kmeans)
  --eps X --min-samples N          DBSCAN radius (scaled space; default: suggested) and core size (default 5)
  --rules TEXT | --rules-file F    rules method: one 'name: condition' per line, first match wins,
                                   e.g. 'VIP: monetary > 1000 and orders >= 5'
  --k N|auto                       k-means segments, or choose 2..10 by silhouette (default 4)
  --features a,b,c                 features to use (default: a behavioural set / every numeric column);
                                   p_alive, expected_purchases_90d, expected_aov, clv_90d fit BG/NBD
                                   and Gamma-Gamma (predicted activity and value)
  --scale standard|minmax|robust|none   (default standard)
  --log auto|none|all              log1p of skewed features before scaling (default auto)
  --impute median|mean|constant    missing feature values (default median); --impute-value X for constant (0)
  --clip none|iqr|percentile       clip outliers before scaling: Tukey's fences, or the p-th and
                                   (100-p)-th percentiles with --clip-percentile P (default 1) (default none)
  --seed N                         same seed + same input => byte-identical outputs (default 0)
  --n-init N --max-iter N --tol X  k-means controls (defaults 10, 300, 1e-4)
  --mini-batch N                   mini-batch k-means, batches of N customers (large inputs; default off)
  --rfm-bins 3|4|5                 RFM score bins (default 5)

Output:
  --labels OUT.csv                 id,segment,name per customer (input order)
  --report OUT.json                the Report
  --model-out M.json               save the fitted model (versioned JSON) for predict
  --out FILE                       rfm: the RFM table (CSV); cohorts: the tables (JSON); stdout when omitted
  --max-mb N                       refuse inputs larger than N MB (default 1024)
  --progress                       stage lines on stderr (default: when stderr is a terminal)
  -h, --help                       this help

Examples:
  seglens segment orders.csv --method rfm --labels labels.csv --report report.json
  seglens segment events.jsonl --k auto --as-of 2024-06-30
  seglens segment customers.csv --k 4 --features orders,total_spend --scale robust
  seglens rfm orders.csv --out rfm.csv
  seglens export-sql --model model.json --dialect spark --table analytics.events --out segments.sql

Exit codes: 0 success; 1 unusable input (reason on stderr); 2 bad usage.`;

// `seglens rfm big.csv | head`: the reader went away; stop quietly, as Unix tools do.
process.stdout.on('error', (e) => {
  if (/** @type {NodeJS.ErrnoException} */ (e).code === 'EPIPE') process.exit(0);
  throw e;
});

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

/** Contents of a text file given to a flag, or undefined. @param {string | undefined} path */
/**
 * Runs a file-system call on `file`, exiting with "cannot read" when it fails.
 * @template T
 * @param {string} file
 * @param {() => T} fn
 * @returns {T}
 */
function orCannotRead(file, fn) {
  try {
    return fn();
  } catch (e) {
    return fail(`cannot read ${file}: ${/** @type {NodeJS.ErrnoException} */ (e).code ?? e}`, 1);
  }
}

/** @param {string} file  a path, or - for stdin @returns {Uint8Array} */
function readInput(file) {
  const bytes = orCannotRead(file, () => readFileSync(file === '-' ? 0 : file));
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function readText(path) {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    fail(`cannot read ${path}: ${/** @type {NodeJS.ErrnoException} */ (e).code ?? e}`, 1);
  }
}

/** @param {string | undefined} v */
const list = (v) => v?.split(',').map((s) => s.trim()).filter(Boolean);

const FLAGS = [
  'input', 'method', 'k', 'features', 'scale', 'log', 'seed', 'n-init', 'max-iter', 'tol', 'id-column', 'time-column',
  'event-column', 'revenue-column', 'date-format', 'as-of', 'lookback-days', 'session-gap', 'purchase-events', 'rfm-bins',
  'labels', 'report', 'out', 'period', 'cohort-events', 'model', 'model-out', 'rules', 'rules-file', 'eps', 'min-samples', 'compare-to', 'max-mb', 'variant-column',
  'dialect', 'table', 'time-type', 'order-column', 'impute', 'impute-value', 'clip', 'clip-percentile', 'mini-batch',
];

async function main() {
  /** @type {{ values: Record<string, string | boolean | undefined>, positionals: string[] }} */
  let parsed = { values: {}, positionals: [] };
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { ...Object.fromEntries(FLAGS.map((f) => [f, { type: 'string' }])), help: { type: 'boolean', short: 'h' }, 'with-features': { type: 'boolean' }, progress: { type: 'boolean' }, clv: { type: 'boolean' } },
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
  const commands = ['segment', 'rfm', 'cohorts', 'predict', 'export-sql'];
  if (!commands.includes(cmd)) fail(`unknown command "${cmd}"; commands: ${commands.join(', ')} (see seglens --help)`, 2);
  if (cmd === 'export-sql') return runExportSql(v, file);
  if (!file) fail(`${cmd} needs a FILE (or - for stdin)`, 2);
  if (extra.length) fail(`unexpected argument "${extra[0]}"`, 2);

  const str = (/** @type {string} */ k) => /** @type {string | undefined} */ (v[k]);
  const k = str('k');
  /** @type {import('./types').Options & Record<string, unknown>} */
  const options = {
    input: /** @type {any} */ (str('input')),
    method: cmd === 'rfm' ? 'rfm' : /** @type {any} */ (str('method')),
    k: k === undefined ? undefined : k === 'auto' ? 'auto' : num(k, '--k'),
    features: list(str('features')),
    scale: /** @type {any} */ (str('scale')),
    log: /** @type {any} */ (str('log')),
    impute: /** @type {any} */ (str('impute')),
    imputeValue: num(str('impute-value'), '--impute-value'),
    clip: /** @type {any} */ (str('clip')),
    clipPercentile: num(str('clip-percentile'), '--clip-percentile'),
    seed: num(str('seed'), '--seed'),
    nInit: num(str('n-init'), '--n-init'),
    maxIter: num(str('max-iter'), '--max-iter'),
    tol: num(str('tol'), '--tol'),
    miniBatch: num(str('mini-batch'), '--mini-batch'),
    clv: v.clv === true ? true : undefined,
    idColumn: str('id-column'),
    timeColumn: str('time-column'),
    eventColumn: str('event-column'),
    revenueColumn: str('revenue-column'),
    variantColumn: str('variant-column'),
    dateFormat: /** @type {any} */ (str('date-format')),
    asOf: str('as-of'),
    lookbackDays: num(str('lookback-days'), '--lookback-days'),
    sessionGapMin: num(str('session-gap'), '--session-gap'),
    purchaseEvents: list(str('purchase-events')),
    rfmBins: /** @type {any} */ (num(str('rfm-bins'), '--rfm-bins')),
    period: /** @type {any} */ (str('period')),
    rules: str('rules') ?? readText(str('rules-file')),
    eps: num(str('eps'), '--eps'),
    compareTo: str('compare-to'),
    maxMb: num(str('max-mb'), '--max-mb'),
    minSamples: num(str('min-samples'), '--min-samples'),
    cohortEvents: list(str('cohort-events')),
  };
  for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];

  if (cmd === 'cohorts' || cmd === 'predict') {
    const input = readInput(file);
    if (cmd === 'cohorts') return printCohorts(file, input, options, str('out'));
    return runPredictCmd(file, input, str('model'), str('labels'), str('as-of'));
  }
  /** @type {import('./types').Result} */
  let result;
  try {
    // Stage lines on stderr for people watching a terminal (or with --progress); never on stdout.
    const watch = v.progress === true || (process.stderr.isTTY && !process.env.CI);
    const t0 = performance.now();
    const size = file === '-' ? undefined : orCannotRead(file, () => statSync(file).size);
    const say = (/** @type {string} */ m) => watch && process.stderr.write(`seglens: ${m}\n`);
    const secs = () => ((performance.now() - t0) / 1000).toFixed(2);
    say(`reading ${file}${size === undefined ? '' : ` (${(size / 1e6).toFixed(1)} MB)`}…`);
    // The file streams in 1 MiB chunks: a CSV event log is parsed as it is read, never held whole.
    const chunks = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 });
    let lastSaid = 0;
    result = await runSegmentationStream(chunks, size, options, (p) => {
      if (p.stage === 'parse' && p.rows && performance.now() - lastSaid > 1000) {
        lastSaid = performance.now();
        say(`${(p.done / 1e6).toFixed(0)} MB, ${p.rows.toLocaleString('en-US')} rows…`);
      }
      if (p.stage === 'segment') say(`read in ${secs()} s; finding segments…`);
      if (p.stage === 'done') say(`done in ${secs()} s`);
    });
  } catch (e) {
    const err = SeglensError.from(e);
    // Options the core refuses are usage errors (exit 2), like unknown flags.
    fail(`${file}: ${err.message}`, err.code === 'bad_options' ? 2 : 1);
  }
  const { report, reportJson, labelsCsv, rfmCsv } = result;
  const labelsPath = str('labels');
  const reportPath = str('report');
  if (labelsPath) writeFileSync(labelsPath, labelsCsv);
  if (reportPath) writeFileSync(reportPath, reportJson);
  const modelPath = str('model-out');
  if (modelPath) writeFileSync(modelPath, result.modelJson);
  if (cmd === 'rfm') {
    const out = str('out');
    if (out) writeFileSync(out, rfmCsv ?? '');
    else process.stdout.write(rfmCsv ?? '');
    if (!out) return;
  }
  const sil = report.metrics.silhouette;
  const lines = [
    `${report.customers} customers (${report.input}${report.preset ? `, ${report.preset}` : ''}) → ${report.k} segments` +
      (sil === null ? '' : ` (silhouette ${sil.toFixed(3)})`) +
      (report.rows_skipped ? `; ${report.rows_skipped} of ${report.rows_read} rows skipped (see report warnings)` : ''),
    ...report.segments.map((s) => `  ${String(s.id).padStart(2)}  ${(s.share * 100).toFixed(1).padStart(5)} %  ${String(s.size).padStart(7)}  ${s.name}`),
  ];
  const m = report.migration;
  if (m) lines.push(`Since ${m.from}: ${m.moved} customers changed segment, ${m.flows[m.flows.length - 1].reduce((a, b) => a + b, 0)} are new (flows in the report)`);
  process.stdout.write(lines.join('\n') + '\n');
}

/**
 * `seglens export-sql`: the saved model as SQL, to stdout or --out.
 * @param {Record<string, string | boolean | undefined>} v  parsed flags
 * @param {string | undefined} extra  a stray positional argument
 */
function runExportSql(v, extra) {
  if (extra !== undefined) fail(`export-sql takes no FILE (got "${extra}"); it reads --model M.json`, 2);
  const str = (/** @type {string} */ k) => /** @type {string | undefined} */ (v[k]);
  const modelPath = str('model');
  if (!modelPath) fail('export-sql needs --model M.json (save one with: seglens segment FILE --model-out M.json)', 2);
  let model;
  try {
    model = JSON.parse(readFileSync(modelPath, 'utf8'));
  } catch (e) {
    fail(`cannot read the model ${modelPath}: ${/** @type {NodeJS.ErrnoException} */ (e).code ?? (e instanceof Error ? e.message : e)}`, 1);
  }
  let sql = '';
  try {
    sql = exportSql(model, {
      dialect: /** @type {any} */ (str('dialect')),
      table: str('table'),
      idColumn: str('id-column'),
      timeColumn: str('time-column'),
      eventColumn: str('event-column'),
      revenueColumn: str('revenue-column'),
      orderColumn: str('order-column'),
      timeType: /** @type {any} */ (str('time-type')),
      asOf: str('as-of'),
      withFeatures: v['with-features'] === true,
    });
  } catch (e) {
    const err = SeglensError.from(e);
    fail(`${modelPath}: ${err.message}`, err.code === 'bad_options' ? 2 : 1);
  }
  const out = str('out');
  if (out) writeFileSync(out, sql);
  else process.stdout.write(sql);
}

/**
 * @param {string} file
 * @param {Uint8Array} input
 * @param {string | undefined} modelPath
 * @param {string | undefined} labelsPath
 * @param {string | undefined} asOf
 */
function runPredictCmd(file, input, modelPath, labelsPath, asOf) {
  if (!modelPath) fail('predict needs --model M.json (save one with: seglens segment FILE --model-out M.json)', 2);
  let modelJson = '';
  try {
    modelJson = readFileSync(modelPath, 'utf8');
  } catch (e) {
    fail(`cannot read ${modelPath}: ${/** @type {NodeJS.ErrnoException} */ (e).code ?? e}`, 1);
  }
  /** @type {import('./types').Prediction} */
  let p;
  try {
    p = predictSync(input, modelJson, { asOf });
  } catch (e) {
    fail(`${file}: ${SeglensError.from(e).message}`, 1);
  }
  if (labelsPath) writeFileSync(labelsPath, p.labelsCsv);
  else process.stdout.write(p.labelsCsv);
  if (labelsPath) {
    const lines = [`${p.ids.length} customers assigned`, ...p.names.map((n, i) => `  ${String(i).padStart(2)}  ${String(p.sizes[i]).padStart(7)}  ${n}`)];
    process.stdout.write(lines.join('\n') + '\n');
  }
}

/**
 * @param {string} file
 * @param {Uint8Array} input
 * @param {import('./types').Options} options
 * @param {string | undefined} out
 */
function printCohorts(file, input, options, out) {
  /** @type {import('./types').CohortReport} */
  let c;
  try {
    c = cohortsSync(input, options);
  } catch (e) {
    fail(`${file}: ${SeglensError.from(e).message}`, 1);
  }
  if (out) writeFileSync(out, JSON.stringify(c, null, 2) + '\n');
  const pct = (/** @type {number} */ v) => `${Math.round(v * 100)}%`.padStart(5);
  const width = Math.max(...c.first_time.map((r) => r.retained.length), 1);
  const lines = [
    `Retention (first time, by ${c.period}): share of each cohort active n ${c.period}s later`,
    `${'cohort'.padEnd(11)}${'size'.padStart(7)} ${Array.from({ length: width }, (_, n) => `+${n}`.padStart(5)).join('')}`,
    ...c.first_time.map((r) => `${r.cohort.padEnd(11)}${String(r.size).padStart(7)} ${r.percent.map(pct).join('')}`),
    '',
    `Lifecycle (by ${c.period})`,
    `${'period'.padEnd(11)}${'new'.padStart(7)}${'return'.padStart(8)}${'resurr'.padStart(8)}${'dormant'.padStart(9)}`,
    ...c.lifecycle.map((r) => `${r.period.padEnd(11)}${String(r.new).padStart(7)}${String(r.returning).padStart(8)}${String(r.resurrecting).padStart(8)}${String(-r.dormant).padStart(9)}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
