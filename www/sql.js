// A fitted seglens model as one SQL query, for customer bases that outgrow
// the browser: the warehouse computes the per-customer features exactly as
// seglens does (src/features/compute.rs), applies the model's fill, log1p
// and scaling constants and assigns every customer a segment id and name,
// the same answers `predict` gives (tests/engines checks it on DuckDB and
// Spark, customer by customer).
//
// Pure string building from the model JSON: no Wasm, no data, no network.
// Every name and value that comes from the model is quoted or escaped for the
// target dialect, so an event called `x'); DROP TABLE t; --` stays a string.

import { SeglensError } from './errors.js';

/** @typedef {'duckdb' | 'spark' | 'ansi'} Dialect */
/** @typedef {'timestamp' | 'iso' | 'epoch_s' | 'epoch_ms' | 'epoch_us' | 'dmy' | 'mdy'} TimeType */

/**
 * Options of {@link exportSql}. Column names default to the roles the model was fitted with.
 * @typedef {object} SqlOptions
 * @property {Dialect} [dialect]  target engine; `ansi` keeps to standard SQL (default `duckdb`)
 * @property {string} [table]  table or view to read, written as given (may be `db.schema.t`) (default `events`)
 * @property {string} [idColumn]  customer id column (default: the model's)
 * @property {string} [timeColumn]  event time column, event input only (default: the model's)
 * @property {string} [eventColumn]  event name column (default: the model's; none when it had none)
 * @property {string} [revenueColumn]  revenue column (default: the model's; none when it had none)
 * @property {string} [orderColumn]  order id column: orders count distinct ids (default: the model's)
 * @property {TimeType} [timeType]  how the time column is stored (default: from the model — `timestamp`
 *   for ISO-8601 data, `epoch_s`/`epoch_ms`/`epoch_us`, `dmy`/`mdy` text)
 * @property {string} [asOf]  reference date `YYYY-MM-DD` or ISO-8601 instant (default: last event + 1 day,
 *   as `predict` does)
 * @property {boolean} [withFeatures]  also return the model's features per customer, before preprocessing
 *   (columns named after the features) (default false)
 */

const DAY = 86400;
const PURCHASE_WORDS = ['purchase', 'order', 'checkout', 'transaction', 'payment', 'buy', 'subscribe'];
const REFUND_WORDS = ['refund', 'return', 'chargeback', 'cancel'];
const NULL_TOKENS = ['', 'NA', 'N/A', 'NULL', 'NAN', 'NONE', '-', '#N/A'];
/** Features from fitted BG/NBD and Gamma-Gamma models (src/clv), which the export does not write. */
const CLV_FEATURES = ['p_alive', 'expected_purchases_90d', 'expected_aov', 'clv_90d'];
const TIME_TYPES = ['timestamp', 'iso', 'epoch_s', 'epoch_ms', 'epoch_us', 'dmy', 'mdy'];
const FROM_MODEL_FORMAT = /** @type {Record<string, TimeType>} */ ({
  iso8601: 'timestamp',
  'epoch seconds': 'epoch_s',
  'epoch milliseconds': 'epoch_ms',
  'epoch microseconds': 'epoch_us',
  'dd/mm/yyyy': 'dmy',
  'mm/dd/yyyy': 'mdy',
});

/**
 * What differs between engines. Everything else is written once.
 * @typedef {object} DialectSyntax
 * @property {(name: string) => string} ident
 * @property {(text: string) => string} str
 * @property {string} text  the string type
 * @property {string} double
 * @property {string} tryCast  `TRY_CAST` where the engine has it (bad cells become NULL instead of failing)
 * @property {(x: string) => string} epochOfTimestamp  whole UTC seconds of a TIMESTAMP value
 * @property {(x: string, dayFirst: boolean) => string} parseSlashDate
 * @property {(x: string) => string} log1p
 */

/** Standard SQL quoting (DuckDB and ANSI): doubled quote characters, backslashes literal. */
const standardIdent = (/** @type {string} */ n) => `"${n.replaceAll('"', '""')}"`;
const standardStr = (/** @type {string} */ s) => `'${s.replaceAll("'", "''")}'`;

/** @type {Record<Dialect, DialectSyntax>} */
const DIALECTS = {
  duckdb: {
    ident: standardIdent,
    str: standardStr,
    text: 'VARCHAR',
    double: 'DOUBLE',
    tryCast: 'TRY_CAST',
    epochOfTimestamp: (x) => `CAST(floor(epoch_ms(${x}) / 1000) AS BIGINT)`,
    parseSlashDate: (x, dayFirst) =>
      `CAST(floor(epoch_ms(try_strptime(${x}, ${dayFirst ? "['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y']" : "['%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M', '%m/%d/%Y']"})) / 1000) AS BIGINT)`,
    log1p: (x) => `ln(1e0 + ${x})`,
  },
  spark: {
    ident: (n) => `\`${n.replaceAll('`', '``')}\``,
    // Spark string literals treat backslash as an escape character.
    str: (s) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`,
    text: 'STRING',
    double: 'DOUBLE',
    tryCast: 'TRY_CAST',
    epochOfTimestamp: (x) => `unix_timestamp(${x})`,
    parseSlashDate: (x, dayFirst) => {
      const f = dayFirst ? 'dd/MM/yyyy' : 'MM/dd/yyyy';
      return `unix_timestamp(coalesce(try_to_timestamp(${x}, '${f} HH:mm:ss'), try_to_timestamp(${x}, '${f} HH:mm'), try_to_timestamp(${x}, '${f}')))`;
    },
    log1p: (x) => `log1p(${x})`,
  },
  ansi: {
    ident: standardIdent,
    str: standardStr,
    text: 'VARCHAR',
    double: 'DOUBLE PRECISION',
    tryCast: 'CAST',
    epochOfTimestamp: (x) => `CAST(floor(EXTRACT(EPOCH FROM ${x})) AS BIGINT)`,
    parseSlashDate: () => {
      throw new SeglensError('dmy/mdy text dates need a dialect with date parsing: use duckdb or spark', {
        code: 'bad_options',
      });
    },
    log1p: (x) => `ln(1e0 + ${x})`,
  },
};

/**
 * A double literal both engines read as DOUBLE (exponent form) with every digit
 * JavaScript needs to round-trip it, so the constants are the model's bits.
 * @param {number} v
 */
function num(v) {
  if (!Number.isFinite(v)) throw new SeglensError(`the model holds a non-finite number (${v})`, { code: 'bad_model' });
  return v.toExponential();
}

/**
 * Seconds since 1970 of `YYYY-MM-DD` (start of the day, UTC) or an ISO-8601 instant (UTC when no zone).
 * @param {string} s
 */
function parseAsOf(s) {
  const t = s.trim();
  const withZone = /^\d{4}-\d{2}-\d{2}$/.test(t) || /(Z|[+-]\d{2}:?\d{2})$/i.test(t) ? t : `${t}Z`;
  const ms = Date.parse(withZone);
  if (!/^\d{4}-\d{2}-\d{2}/.test(t) || Number.isNaN(ms)) {
    throw new SeglensError(`asOf "${s}" is not a date: use YYYY-MM-DD or an ISO-8601 timestamp`, {
      code: 'bad_options',
    });
  }
  return Math.floor(ms / 1000);
}

/**
 * @param {any} model
 */
function checkModel(model) {
  const m = typeof model === 'string' ? JSON.parse(model) : model;
  if (!m || m.format !== 'seglens-model') {
    throw new SeglensError('this is not a seglens model: save one with `seglens segment --model-out M.json`', {
      code: 'bad_model',
    });
  }
  if (m.version !== 1) {
    throw new SeglensError(`model version ${m.version} is not supported by this SQL export (version 1)`, {
      code: 'bad_model',
    });
  }
  const d = m.features?.length ?? 0;
  const per = [m.fill, m.log1p, m.scaler?.center, m.scaler?.scale];
  if (!d || per.some((v) => !Array.isArray(v) || v.length !== d) || !Array.isArray(m.segments)) {
    throw new SeglensError('the model is inconsistent: one fill, log1p and scaler value per feature', {
      code: 'bad_model',
    });
  }
  return m;
}

/**
 * The whole-customer aggregates every feature is computed from (event input).
 * @param {DialectSyntax} q
 * @param {{ hasOrder: boolean, gap: number, trendW: number, events: string[] }} p
 */
function aggregates(q, p) {
  const w = 'w = 1';
  const pw = `w = 1 AND kind = 'P'`;
  return [
    'MIN(ts) AS first_ts',
    'MAX(ts) AS last_ts',
    `MAX(CASE WHEN kind = 'P' THEN ts END) AS last_p`,
    p.hasOrder
      ? `COUNT(DISTINCT CASE WHEN ${pw} THEN oid END) AS n_orders`
      : `SUM(CASE WHEN ${pw} THEN 1 ELSE 0 END) AS n_orders`,
    `SUM(CASE WHEN ${pw} THEN rev ELSE 0e0 END) AS gross`,
    `SUM(CASE WHEN w = 1 AND kind = 'R' THEN abs(rev) ELSE 0e0 END) AS refund_amount`,
    `SUM(CASE WHEN w = 1 AND kind = 'R' THEN 1 ELSE 0 END) AS n_refunds`,
    `SUM(w) AS n_events`,
    `COUNT(DISTINCT CASE WHEN ${w} THEN floor(ts / ${DAY}) END) AS n_days`,
    `COUNT(DISTINCT CASE WHEN ${w} THEN ev END) AS n_distinct`,
    `SUM(CASE WHEN ${w} AND (dt IS NULL OR dt > ${p.gap}) THEN 1 ELSE 0 END) AS n_sessions`,
    `SUM(CASE WHEN ${w} AND dt <= ${p.gap} THEN dt ELSE 0 END) AS session_secs`,
    `COUNT(DISTINCT CASE WHEN ${pw} THEN ts END) AS pt_n`,
    `MIN(CASE WHEN ${pw} THEN ts END) AS pt_min`,
    `MAX(CASE WHEN ${pw} THEN ts END) AS pt_max`,
    `SUM(CASE WHEN ${w} AND ts > as_of - ${p.trendW} THEN 1 ELSE 0 END) AS n_recent`,
    `SUM(CASE WHEN ${w} AND ts <= as_of - ${p.trendW} AND ts > as_of - ${2 * p.trendW} THEN 1 ELSE 0 END) AS n_previous`,
    ...p.events.map((e, i) => `SUM(CASE WHEN ${w} AND ev = ${q.str(e)} THEN 1 ELSE 0 END) AS c${i}`),
  ];
}

/**
 * `count:x` / `used:x` → `['count' | 'used', 'x']`; null for any other feature name.
 * @param {string} name
 */
function perEventFeature(name) {
  const m = /^(count|used):(.*)$/s.exec(name);
  return m ? /** @type {[string, string]} */ ([m[1], m[2]]) : null;
}

/**
 * SQL for one feature from the aggregates, or null when seglens has no such feature.
 * @param {DialectSyntax} q
 * @param {string} name
 * @param {string[]} events  event names with count columns (c0, c1, …)
 */
function featureExpr(q, name, events) {
  const dbl = (/** @type {string} */ x) => `CAST(${x} AS ${q.double})`;
  const days = (/** @type {string} */ from) => dbl(`floor(CAST(as_of - ${from} AS ${q.double}) / ${DAY}e0)`);
  const per = (/** @type {string} */ a, /** @type {string} */ b) =>
    `CASE WHEN ${b} > 0 THEN ${dbl(a)} / ${dbl(b)} ELSE 0e0 END`;
  /** @type {Record<string, string>} */
  const fixed = {
    recency_days: days('COALESCE(last_p, first_ts)'),
    days_since_active: days('last_ts'),
    tenure_days: days('first_ts'),
    orders: dbl('n_orders'),
    monetary: dbl('gross - refund_amount'),
    aov: per('gross', 'n_orders'),
    refunds: dbl('n_refunds'),
    events: dbl('n_events'),
    active_days: dbl('n_days'),
    distinct_events: dbl('n_distinct'),
    sessions: dbl('n_sessions'),
    time_in_app_min: `${dbl('session_secs')} / 6e1`,
    avg_session_min: `CASE WHEN n_sessions > 0 THEN ${dbl('session_secs')} / 6e1 / ${dbl('n_sessions')} ELSE 0e0 END`,
    events_per_session: per('n_events', 'n_sessions'),
    inter_purchase_days: `CASE WHEN pt_n >= 2 THEN ${dbl('pt_max - pt_min')} / ${DAY}e0 / ${dbl('pt_n - 1')} END`,
    trend: `CASE WHEN n_recent + n_previous > 0 THEN ${dbl('n_recent - n_previous')} / ${dbl('n_recent + n_previous')} ELSE 0e0 END`,
  };
  if (name in fixed) return fixed[name];
  const perEvent = perEventFeature(name);
  if (!perEvent) return null;
  const i = events.indexOf(perEvent[1]);
  return perEvent[0] === 'count' ? dbl(`c${i}`) : `CASE WHEN c${i} > 0 THEN 1e0 ELSE 0e0 END`;
}

/**
 * Event names the features count (`count:x`, `used:x`), in first-seen order.
 * @param {string[]} names
 */
function countedEvents(names) {
  /** @type {string[]} */
  const out = [];
  for (const n of names) {
    const event = perEventFeature(n)?.[1];
    if (event !== undefined && !out.includes(event)) out.push(event);
  }
  return out;
}

/**
 * Feature names a rules model reads.
 * @param {any} e
 * @param {string[]} out
 */
function ruleFeatures(e, out) {
  if (e && typeof e === 'object') {
    if (e.Compare) {
      if (!out.includes(e.Compare.feature)) out.push(e.Compare.feature);
    } else if (e.Not) ruleFeatures(e.Not, out);
    else for (const part of e.And ?? e.Or ?? []) ruleFeatures(part, out);
  }
  return out;
}

const OPS = /** @type {Record<string, string>} */ ({ Gt: '>', Ge: '>=', Lt: '<', Le: '<=', Eq: '=', Ne: '<>' });

/**
 * A rule condition in two-valued logic: a missing value makes a comparison
 * false (never NULL), so `not` flips it as seglens does.
 * @param {any} e
 * @param {(feature: string) => string} col
 * @returns {string}
 */
function ruleSql(e, col) {
  if (e === 'True') return 'TRUE';
  if (e?.Compare) {
    const { feature, op, value } = e.Compare;
    if (!(op in OPS)) throw new SeglensError(`unknown rule operator ${op}`, { code: 'bad_model' });
    return `COALESCE(${col(feature)} ${OPS[op]} ${num(value)}, FALSE)`;
  }
  if (e?.Not) return `(NOT ${ruleSql(e.Not, col)})`;
  if (e?.And) return `(${ruleSql(e.And[0], col)} AND ${ruleSql(e.And[1], col)})`;
  if (e?.Or) return `(${ruleSql(e.Or[0], col)} OR ${ruleSql(e.Or[1], col)})`;
  throw new SeglensError('the model holds a rule seglens cannot read', { code: 'bad_model' });
}

/**
 * Allowed scores per position of an RFM map pattern (`5[4-5]`, `[1-2][1-2]`).
 * @param {string} pattern
 * @returns {number[][]}
 */
function rfmPattern(pattern) {
  /** @type {number[][]} */
  const out = [];
  const re = /(\d)|\[([\d-]+)\]/y;
  let m;
  while (re.lastIndex < pattern.length && (m = re.exec(pattern))) {
    if (m[1]) out.push([Number(m[1])]);
    else {
      /** @type {number[]} */
      const allowed = [];
      for (const part of (m[2] ?? '').matchAll(/(\d)(?:-(\d))?/g)) {
        const lo = Number(part[1]);
        const hi = part[2] === undefined ? lo : Number(part[2]);
        for (let d = lo; d <= hi; d++) allowed.push(d);
      }
      out.push(allowed);
    }
  }
  if (!out.length || m === null) {
    throw new SeglensError(`RFM map pattern "${pattern}" cannot be read`, { code: 'bad_model' });
  }
  return out;
}

/**
 * Score 1..n of `x` against per-score upper edges (past the last edge: the last score).
 * @param {string} x
 * @param {number[]} edges
 */
function scoreSql(x, edges) {
  return `CASE ${edges.map((e, i) => `WHEN ${x} <= ${num(e)} THEN ${i + 1}`).join(' ')} ELSE ${edges.length} END`;
}

/**
 * The CTEs and the SELECT that give each customer a segment id, per method, from the `z` (scaled),
 * `x` (filled) or `f` (raw) columns.
 * @param {DialectSyntax} q
 * @param {any} m  the model
 * @param {string[]} all  every feature computed (`f0`, `f1`, … in this order)
 */
function assignment(q, m, all) {
  const d = m.features.length;
  const names = m.segments.map((/** @type {{name: string}} */ s) => s.name);
  const idOf = (/** @type {string} */ name) => Math.max(0, names.indexOf(name));
  const sq = (/** @type {number[]} */ c) =>
    c.map((v, j) => `(z${j} - ${num(v)}) * (z${j} - ${num(v)})`).join(' + ');
  if (m.method === 'kmeans') {
    const k = m.centroids.length;
    if (!k || m.centroids.some((/** @type {number[]} */ c) => c.length !== d)) {
      throw new SeglensError('the model is inconsistent: centroids', { code: 'bad_model' });
    }
    const dist = m.centroids.map((/** @type {number[]} */ c, /** @type {number} */ i) => `${sq(c)} AS d${i}`);
    // Lowest index on ties, as seglens's nearest-centre search.
    const pick = Array.from({ length: k - 1 }, (_, i) => {
      const rest = Array.from({ length: k - i - 1 }, (_, o) => `d${i} <= d${i + o + 1}`).join(' AND ');
      return `WHEN ${rest} THEN ${i}`;
    });
    return {
      ctes: [`dist AS (\n  SELECT cid, ${dist.join(',\n    ')}\n  FROM z\n)`],
      select: `SELECT cid, ${k === 1 ? '0' : `CASE ${pick.join(' ')} ELSE ${k - 1} END`} AS segment FROM dist`,
    };
  }
  if (m.method === 'dbscan') {
    const p = m.dbscan;
    if (!p || !Array.isArray(p.core_points) || !(p.eps > 0)) {
      throw new SeglensError('the model is inconsistent: dbscan section', { code: 'bad_model' });
    }
    const rows = p.core_points.map(
      (/** @type {number[]} */ c, /** @type {number} */ i) => `(${i}, ${p.core_segments[i]}, ${c.map(num).join(', ')})`,
    );
    const cols = ['idx', 'seg', ...Array.from({ length: d }, (_, j) => `p${j}`)].join(', ');
    const dist = Array.from({ length: d }, (_, j) => `(z${j} - p${j}) * (z${j} - p${j})`).join(' + ');
    const ctes = [
      rows.length
        ? `core AS (\n  SELECT * FROM (VALUES\n    ${rows.join(',\n    ')}) AS t(${cols})\n)`
        : `core AS (\n  SELECT ${['0 AS idx', '0 AS seg', ...Array.from({ length: d }, (_, j) => `0e0 AS p${j}`)].join(', ')} WHERE 1 = 0\n)`,
      `near AS (\n  SELECT z.cid, core.seg, core.idx, ${dist} AS dd\n  FROM z CROSS JOIN core\n)`,
      `ranked AS (\n  SELECT cid, seg, ROW_NUMBER() OVER (PARTITION BY cid ORDER BY dd, idx) AS rn\n  FROM near WHERE dd <= ${num(p.eps * p.eps)}\n)`,
    ];
    return {
      ctes,
      select: `SELECT z.cid, COALESCE(ranked.seg, ${p.outlier_segment}) AS segment FROM z LEFT JOIN ranked ON ranked.cid = z.cid AND ranked.rn = 1`,
    };
  }
  if (m.method === 'rules') {
    const rules = m.rules ?? [];
    const col = (/** @type {string} */ f) => {
      const j = all.indexOf(f);
      return j < 0 ? 'NULL' : `f${j}`;
    };
    const whens = rules.map(
      (/** @type {any} */ r) => `WHEN ${ruleSql(r.when, col)} THEN ${idOf(r.name)}`,
    );
    return {
      ctes: [],
      select: `SELECT cid, CASE ${whens.join(' ')} ELSE ${idOf('Other')} END AS segment FROM z`,
    };
  }
  if (m.method === 'rfm') {
    const r = m.rfm;
    if (!r || !Array.isArray(r.recency_edges) || !Array.isArray(r.rules)) {
      throw new SeglensError('the model is inconsistent: rfm section', { code: 'bad_model' });
    }
    const bins = r.bins;
    const grid = (/** @type {string} */ s) => `CAST(ceil(${s} * 5e0 / ${bins}e0) AS INTEGER)`;
    const raw = (/** @type {number} */ j) => `x${j}`;
    const scores = [
      `${bins + 1} - (${scoreSql(raw(0), r.recency_edges)}) AS rs`,
      `${scoreSql(raw(1), r.frequency_edges)} AS fs`,
      r.monetary_edges && d > 2 ? `${scoreSql(raw(2), r.monetary_edges)} AS ms` : '0 AS ms',
    ];
    const whens = r.rules.map((/** @type {{pattern: string, name: string}} */ rule) => {
      // Positions past the third are ignored, as seglens's map does.
      const conds = rfmPattern(rule.pattern)
        .slice(0, 3)
        .map((allowed, i) => `${['r5', 'f5', 'm5'][i]} IN (${allowed.join(', ')})`);
      return `WHEN ${conds.join(' AND ')} THEN ${idOf(rule.name)}`;
    });
    return {
      ctes: [
        `scores AS (\n  SELECT cid, ${scores.join(', ')}\n  FROM z\n)`,
        `grid AS (\n  SELECT cid, ${grid('rs')} AS r5, ${grid('fs')} AS f5, ${grid('ms')} AS m5\n  FROM scores\n)`,
      ],
      select: `SELECT cid, CASE ${whens.join(' ')} ELSE ${idOf('Other')} END AS segment FROM grid`,
    };
  }
  throw new SeglensError(`method "${m.method}" cannot be exported to SQL`, { code: 'bad_model' });
}

/**
 * A fitted model as one SQL query: `segment_id`, `segment` (name) for every customer of the table.
 *
 * ```js
 * import { exportSql } from 'seglens/sql';
 * const sql = exportSql(modelJson, { dialect: 'spark', table: 'analytics.events' });
 * ```
 * @param {object | string} model  the model JSON (`Result.model`, `seglens segment --model-out`)
 * @param {SqlOptions} [options]
 * @returns {string}
 */
export function exportSql(model, options = {}) {
  const m = checkModel(model);
  const dialect = options.dialect ?? 'duckdb';
  const q = DIALECTS[dialect];
  if (!q) throw new SeglensError(`unknown SQL dialect "${dialect}": use duckdb, spark or ansi`, { code: 'bad_options' });
  const roles = m.roles ?? {};
  const col = (/** @type {string | undefined} */ given, /** @type {string | null | undefined} */ fitted) =>
    given ?? fitted ?? undefined;
  const idCol = col(options.idColumn, roles.id_column);
  if (!idCol) throw new SeglensError('name the customer id column (idColumn / --id-column)', { code: 'bad_options' });
  const table = options.table ?? 'events';
  const isEvents = m.input === 'events';
  const header = [
    `-- seglens ${m.seglens ?? ''} ${m.method} model (${m.segments.length} segments) as ${dialect} SQL.`,
    `-- Reads ${table}; one row per customer: id, segment_id, segment.`,
    '-- Times are UTC: run Spark with spark.sql.session.timeZone=UTC.',
  ];
  const nullable = (/** @type {string} */ c) => {
    const t = `trim(CAST(${q.ident(c)} AS ${q.text}))`;
    return `CASE WHEN upper(${t}) IN (${NULL_TOKENS.map(q.str).join(', ')}) THEN NULL ELSE ${t} END`;
  };
  const features = /** @type {string[]} */ (m.features);
  const all = m.method === 'rules' ? ruleFeatures({ And: m.rules.map((/** @type {any} */ r) => r.when) }, [...features]) : [...features];

  /** @type {string[]} */
  const ctes = [];
  if (isEvents) {
    const timeCol = col(options.timeColumn, roles.time_column);
    if (!timeCol) throw new SeglensError('name the time column (timeColumn / --time-column)', { code: 'bad_options' });
    const timeType = options.timeType ?? FROM_MODEL_FORMAT[roles.time_format ?? ''] ?? 'timestamp';
    if (!TIME_TYPES.includes(timeType)) {
      throw new SeglensError(`unknown time type "${timeType}": use ${TIME_TYPES.join(', ')}`, { code: 'bad_options' });
    }
    const eventCol = col(options.eventColumn, roles.event_column);
    const revenueCol = col(options.revenueColumn, roles.revenue_column);
    const orderCol = col(options.orderColumn, roles.order_column);
    // Rows without the id fall back to the export's anonymous id, as seglens reads them.
    const idFallback = options.idColumn ? undefined : roles.id_fallback_column ?? undefined;
    const t = q.ident(timeCol);
    const epoch = (/** @type {number} */ scale) =>
      `CAST(floor(${q.tryCast}(${t} AS ${q.double}) * ${num(scale)}) AS BIGINT)`;
    /** @type {Record<TimeType, () => string>} */
    const toSeconds = {
      timestamp: () => q.epochOfTimestamp(t),
      iso: () => q.epochOfTimestamp(`${q.tryCast}(${t} AS TIMESTAMP)`),
      epoch_s: () => epoch(1),
      epoch_ms: () => epoch(1e-3),
      epoch_us: () => epoch(1e-6),
      dmy: () => q.parseSlashDate(`trim(CAST(${t} AS ${q.text}))`, true),
      mdy: () => q.parseSlashDate(`trim(CAST(${t} AS ${q.text}))`, false),
    };
    const ts = toSeconds[timeType]();
    const revText = revenueCol ? nullable(revenueCol) : 'NULL';
    ctes.push(
      `src AS (\n  SELECT\n    ${idFallback ? `COALESCE(${nullable(idCol)}, ${nullable(idFallback)})` : nullable(idCol)} AS cid,\n    ${ts} AS ts,\n    ${eventCol ? `COALESCE(${nullable(eventCol)}, '(none)')` : "''"} AS ev,\n    ${revenueCol ? `${q.tryCast}(${revText} AS ${q.double})` : '0e0'} AS rev,\n    ${revText} AS rev_text,\n    ${orderCol ? `COALESCE(${nullable(orderCol)}, '')` : "''"} AS oid\n  FROM ${table}\n)`,
    );
    // Rows seglens skips (and reports): no id, no readable time, unreadable revenue, epochs outside 1900..2200.
    const range = timeType.startsWith('epoch') ? ' AND ts BETWEEN -2208988800 AND 7258118400' : '';
    ctes.push(
      `base AS (\n  SELECT cid, ts, ev, COALESCE(rev, 0e0) AS rev, oid FROM src\n  WHERE cid IS NOT NULL AND ts IS NOT NULL${range}\n    AND (rev_text IS NULL OR rev IS NOT NULL)\n)`,
    );
    const fo = m.feature_options ?? {};
    const lower = 'lower(ev)';
    const like = (/** @type {string[]} */ words) => words.map((w) => `${lower} LIKE ${q.str(`%${w}%`)}`).join(' OR ');
    const refundName = eventCol ? `(${like(REFUND_WORDS)})` : 'FALSE';
    const purchaseName = !eventCol
      ? 'TRUE'
      : Array.isArray(fo.purchaseEvents)
        ? fo.purchaseEvents.length
          ? `${lower} IN (${fo.purchaseEvents.map((/** @type {string} */ p) => q.str(p.toLowerCase())).join(', ')})`
          : 'FALSE'
        : `(${like(PURCHASE_WORDS)})`;
    const asOf = options.asOf ?? null;
    ctes.push(
      `flags AS (\n  SELECT ${asOf === null ? `MAX(ts) + ${DAY}` : String(parseAsOf(asOf))} AS as_of,\n    MAX(CASE WHEN NOT ${refundName} AND ${purchaseName} THEN 1 ELSE 0 END) AS any_named\n  FROM base\n)`,
    );
    // A row's kind: refund by name or negative revenue; purchase by name; and when no
    // event name reads as a purchase (and the user named none), any row with revenue.
    const implicit = eventCol && !Array.isArray(fo.purchaseEvents) ? 'f.any_named = 0 AND b.rev > 0' : 'FALSE';
    const lookback = fo.lookbackDays;
    const windowStart =
      typeof lookback === 'number' && lookback > 0 ? `f.as_of - ${Math.trunc(lookback * DAY)}` : null;
    ctes.push(
      `kinds AS (\n  SELECT b.cid, b.ts, b.ev, b.rev, b.oid, f.as_of,\n    CASE WHEN ${refundName} OR b.rev < 0 THEN 'R'\n      WHEN ${purchaseName} THEN 'P'\n      WHEN ${implicit} THEN 'P'\n      ELSE 'O' END AS kind,\n    ${windowStart ? `CASE WHEN b.ts > ${windowStart} THEN 1 ELSE 0 END` : '1'} AS w\n  FROM base b CROSS JOIN flags f\n  WHERE b.ts <= f.as_of\n)`,
    );
    ctes.push(
      `gaps AS (\n  SELECT kinds.*, ts - LAG(ts) OVER (PARTITION BY cid, w ORDER BY ts) AS dt\n  FROM kinds\n)`,
    );
    const gap = Math.trunc((fo.sessionGapMin ?? 30) * 60);
    const trendW = Math.trunc(Math.max(fo.trendWindowDays ?? 30, 1) * DAY);
    const events = countedEvents(all);
    ctes.push(
      `agg AS (\n  SELECT cid, MAX(as_of) AS as_of,\n    ${aggregates(q, { hasOrder: Boolean(orderCol), gap, trendW, events }).join(',\n    ')}\n  FROM gaps\n  GROUP BY cid\n)`,
    );
    const exprs = all.map((f, j) => {
      const e = featureExpr(q, f, events);
      if (e === null) {
        if (m.method === 'rules') return `NULL AS f${j}`;
        const clv = CLV_FEATURES.includes(f);
        throw new SeglensError(
          clv
            ? `the model uses "${f}", which comes from BG/NBD and Gamma-Gamma fits that SQL export does not write yet; fit the model without the CLV features to export it`
            : `the model uses feature "${f}", which seglens does not compute from events`,
          { code: 'bad_model' },
        );
      }
      return `${e} AS f${j}`;
    });
    ctes.push(`feat AS (\n  SELECT cid,\n    ${exprs.join(',\n    ')}\n  FROM agg\n)`);
  } else {
    const exprs = all.map((f, j) => `${q.tryCast}(${q.ident(f)} AS ${q.double}) AS f${j}`);
    ctes.push(
      `feat AS (\n  SELECT ${nullable(idCol)} AS cid,\n    ${exprs.join(',\n    ')}\n  FROM ${table}\n  WHERE ${nullable(idCol)} IS NOT NULL\n)`,
    );
  }
  // Preprocessing: missing → the training median, log1p where the model says, then scaling.
  const x = features.map((_f, j) => `COALESCE(f${j}, ${num(m.fill[j])}) AS x${j}`);
  const clip = Array.isArray(m.clip) ? m.clip : null;
  const z = features.map((_f, j) => {
    // Outlier bounds (when the model has them) apply after the fill, before log1p.
    const bounds = clip?.[j];
    const c = bounds ? `LEAST(GREATEST(x${j}, ${num(bounds[0])}), ${num(bounds[1])})` : `x${j}`;
    const v = m.log1p[j] ? `CASE WHEN ${c} >= 0 THEN ${q.log1p(c)} ELSE 0e0 END` : c;
    return `(${v} - ${num(m.scaler.center[j])}) / ${num(m.scaler.scale[j])} AS z${j}`;
  });
  const keep = all.map((_f, j) => `f${j}`);
  ctes.push(`prep AS (\n  SELECT cid, ${keep.join(', ')},\n    ${x.join(',\n    ')}\n  FROM feat\n)`);
  ctes.push(`z AS (\n  SELECT cid, ${keep.join(', ')}, ${features.map((_f, j) => `x${j}`).join(', ')},\n    ${z.join(',\n    ')}\n  FROM prep\n)`);
  const a = assignment(q, m, all);
  ctes.push(...a.ctes, `labels AS (\n  ${a.select}\n)`);
  const extra = options.withFeatures ? features.map((f, j) => `, z.f${j} AS ${q.ident(f)}`).join('') : '';
  const from = options.withFeatures ? 'labels JOIN z ON z.cid = labels.cid' : 'labels';
  const names = m.segments.map((/** @type {{name: string}} */ seg) => seg.name);
  const nameCase = `CASE segment ${names.map((/** @type {string} */ n, /** @type {number} */ i) => `WHEN ${i} THEN ${q.str(n)}`).join(' ')} END`;
  const body = `WITH ${ctes.join(',\n')}\nSELECT labels.cid AS ${q.ident(idCol)}, segment AS segment_id, ${nameCase} AS segment${extra}\nFROM ${from}\nORDER BY ${q.ident(idCol)}`;
  return `${header.join('\n')}\n${body}\n`;
}
