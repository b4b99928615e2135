// The demo page: pick data, choose k, see segments. Heavy work runs in the
// worker (client.js); this file only wires controls and renders the Report.
// User strings (ids, column names, segment names) are only ever set with
// textContent, never parsed as markup.

import { Segmenter } from './client.js';
import { aggregateReport, pseudonymisedLabelsCsv } from './privacy.js';
import { featureDistribution, kSearch, lifecycleChart, liftHeatmap, migrationChart, projectionScatter, retentionHeatmap, rfmGrid, segmentColor, segmentSizes, silhouettePlot } from './charts.js';

const SAMPLE_EVENTS_URL = new URL('./sample/events.csv', import.meta.url);
const SAMPLE_TABLE_URL = new URL('./sample/customers.csv', import.meta.url);
/** Roles a user can give a column of an event log, and the option each sets. */
const ROLE_OPTIONS = /** @type {const} */ ({ id: 'idColumn', time: 'timeColumn', event: 'eventColumn', revenue: 'revenueColumn' });

/** @template {HTMLElement} T @param {string} id @returns {T} */
const $ = (id) => /** @type {T} */ (document.getElementById(id));

const els = {
  file: /** @type {HTMLInputElement} */ ($('file')),
  drop: $('drop'),
  sample: /** @type {HTMLButtonElement} */ ($('sample')),
  sampleTable: /** @type {HTMLButtonElement} */ ($('sample-table')),
  mappingBox: /** @type {HTMLDetailsElement} */ ($('mapping-box')),
  mapping: /** @type {HTMLTableElement} */ ($('mapping-table')),
  method: /** @type {HTMLSelectElement} */ ($('method')),
  liftFig: $('lift-fig'),
  pcaFig: $('pca-fig'),
  pcaChart: $('pca-chart'),
  pcaCaption: $('pca-caption'),
  liftChart: $('lift-chart'),
  silFig: $('sil-fig'),
  silChart: $('sil-chart'),
  distFig: $('dist-fig'),
  distChart: $('dist-chart'),
  distFeature: /** @type {HTMLSelectElement} */ ($('dist-feature')),
  rfmFig: $('rfm-fig'),
  rfmChart: $('rfm-chart'),
  kFig: $('k-fig'),
  kChart: $('k-chart'),
  dlRfm: /** @type {HTMLButtonElement} */ ($('dl-rfm')),
  period: /** @type {HTMLSelectElement} */ ($('period')),
  compare: /** @type {HTMLInputElement} */ ($('compare')),
  migrationFig: $('migration-fig'),
  migrationChart: $('migration-chart'),
  crosstabBox: $('crosstab-box'),
  experimentBox: $('experiment-box'),
  experimentTitle: $('experiment-title'),
  experiment: /** @type {HTMLTableElement} */ ($('experiment-table')),
  drill: $('drill'),
  drillTitle: $('drill-title'),
  drillTable: /** @type {HTMLTableElement} */ ($('drill-table')),
  drillPage: $('drill-page'),
  drillPrev: /** @type {HTMLButtonElement} */ ($('drill-prev')),
  drillNext: /** @type {HTMLButtonElement} */ ($('drill-next')),
  dlModel: /** @type {HTMLButtonElement} */ ($('dl-model')),
  dlSql: /** @type {HTMLButtonElement} */ ($('dl-sql')),
  sqlDialect: /** @type {HTMLSelectElement} */ ($('sql-dialect')),
  dlSvg: /** @type {HTMLButtonElement} */ ($('dl-svg')),
  dlPng: /** @type {HTMLButtonElement} */ ($('dl-png')),
  chartPick: /** @type {HTMLSelectElement} */ ($('chart-pick')),
  pseudonymise: /** @type {HTMLInputElement} */ ($('pseudonymise')),
  minCell: /** @type {HTMLInputElement} */ ($('min-cell')),
  dlAggregate: /** @type {HTMLButtonElement} */ ($('dl-aggregate')),
  crosstab: /** @type {HTMLTableElement} */ ($('crosstab-table')),
  retentionFig: $('retention-fig'),
  retentionChart: $('retention-chart'),
  lifecycleFig: $('lifecycle-fig'),
  lifecycleChart: $('lifecycle-chart'),
  source: $('source'),
  k: /** @type {HTMLSelectElement} */ ($('k')),
  scale: /** @type {HTMLSelectElement} */ ($('scale')),
  run: /** @type {HTMLButtonElement} */ ($('run')),
  cancel: /** @type {HTMLButtonElement} */ ($('cancel')),
  progress: /** @type {HTMLProgressElement} */ ($('progress')),
  status: $('status'),
  error: $('error'),
  results: $('results'),
  cards: $('cards'),
  chart: $('sizes-chart'),
  segments: /** @type {HTMLTableElement} */ ($('segments-table')),
  profile: /** @type {HTMLTableElement} */ ($('profile-table')),
  warningsBox: /** @type {HTMLDetailsElement} */ ($('warnings-box')),
  warnings: $('warnings'),
  dlLabels: /** @type {HTMLButtonElement} */ ($('dl-labels')),
  dlReport: /** @type {HTMLButtonElement} */ ($('dl-report')),
};

const segmenter = new Segmenter();
/** @type {{ name: string, bytes: Blob } | null} */
let data = null;
/** @type {import('./types').Result | null} */
let last = null;
/** Column roles the user chose, by option name (idColumn, timeColumn, …). Reset with new data. */
/** @type {Record<string, string>} */
let roles = {};

/** @param {string} name @param {Blob} file  read by the worker chunk by chunk, never whole on this page */
function setData(name, file) {
  data = { name, bytes: file };
  roles = {};
  els.source.textContent = `${name} — ${formatBytes(file.size)}`;
  els.run.disabled = false;
  void run();
}

async function run() {
  if (!data) return;
  /** @type {number | 'auto'} */
  const k = els.k.value === 'auto' ? 'auto' : Number(els.k.value);
  /** @type {import('./types').Options} */
  const options = { method: /** @type {any} */ (els.method.value), k, scale: /** @type {any} */ (els.scale.value), seed: 0, period: /** @type {any} */ (els.period.value), ...roles };
  if (els.compare.value) options.compareTo = els.compare.value;
  els.k.disabled = els.method.value !== 'kmeans';
  els.error.hidden = true;
  els.cancel.hidden = false;
  els.progress.hidden = false;
  els.progress.removeAttribute('value');
  els.status.textContent = 'Working…';
  const started = performance.now();
  try {
    const result = await segmenter.segment(data.bytes, options, {
      onProgress: (p) => {
        // Counted for tests and host pages: a parse happens only when the file or reading options change.
        // The first parse message of a run has no row count; later ones report streaming progress.
        if (p.stage === 'parse' && p.rows === undefined) document.body.dataset.parses = String(Number(document.body.dataset.parses ?? 0) + 1);
        showProgress(p);
      },
    });
    last = result;
    render(result.report);
    els.status.textContent = `Done in ${Math.round(performance.now() - started)} ms`;
  } catch (e) {
    const err = /** @type {import('./errors.js').SeglensError} */ (e);
    if (err.code === 'cancelled') {
      els.status.textContent = 'Cancelled';
    } else {
      els.status.textContent = '';
      showError(err.message);
    }
  } finally {
    els.cancel.hidden = true;
    els.progress.hidden = true;
    // A completed-run counter: lets tests (and host pages) wait for "this run finished".
    document.body.dataset.runs = String(Number(document.body.dataset.runs ?? 0) + 1);
  }
}

/** Status line and progress bar: bytes and rows while a file streams in. @param {import('./types').Progress} p */
function showProgress(p) {
  if (p.stage !== 'parse') {
    els.progress.removeAttribute('value');
    els.status.textContent = p.stage === 'segment' ? 'Finding segments…' : 'Done';
    return;
  }
  if (p.total > 0 && p.rows !== undefined) {
    // For tests and host pages: the latest streaming progress, "bytes/total/rows".
    document.body.dataset.read = `${p.done}/${p.total}/${p.rows}`;
    els.progress.max = p.total;
    els.progress.value = p.done;
    els.status.textContent = `Reading the file… ${formatBytes(p.done)} of ${formatBytes(p.total)}, ${p.rows.toLocaleString('en-US')} rows`;
  } else {
    els.status.textContent = 'Reading the file…';
  }
}

/** @param {string} message */
function showError(message) {
  els.error.textContent = message.split('\n')[0];
  els.error.hidden = false;
  els.results.hidden = true;
}

/**
 * @param {string} tag
 * @param {string | number} [text]
 * @param {string} [cls]
 */
function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

/** @param {HTMLTableElement} table @param {string[]} head @param {(string | number | Node)[][]} rows */
function fillTable(table, head, rows) {
  table.replaceChildren();
  const thead = table.createTHead().insertRow();
  for (const h of head) {
    const th = el('th', h);
    th.setAttribute('scope', 'col');
    thead.append(th);
  }
  const body = table.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const c of r) {
      const td = tr.insertCell();
      if (c instanceof Node) td.append(c);
      else td.textContent = String(c);
    }
  }
}

/** @param {number | null | undefined} v */
function fmt(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  return (a >= 100 ? WHOLE : a >= 1 ? CENTS : THOUSANDTHS).format(v);
}

/**
 * {@link fmt}'s three formats (0, 2 and 3 fraction digits), made once: `toLocaleString` with options builds a new
 * formatter on every call, and the tables call it hundreds of times per result (the profile
 * table: two per segment and feature), which was a visible share of the main thread's longest task.
 */
const [WHOLE, CENTS, THOUSANDTHS] = [0, 2, 3].map((d) => new Intl.NumberFormat('en-US', { maximumFractionDigits: d }));

/** @param {number} n */
function formatBytes(n) {
  return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(1)} MB`;
}

/** A right-aligned, non-wrapping number cell. @param {string} text */
function num(text) {
  const span = el('span', text, 'num');
  return span;
}

/** The detected columns with a role picker for event logs. @param {import('./types').Report} r */
function renderMapping(r) {
  els.mappingBox.hidden = r.columns.length === 0;
  const pickable = r.input === 'events';
  fillTable(
    els.mapping,
    ['Column', 'Type', pickable ? 'Role' : 'Use'],
    r.columns.map((c) => {
      if (!pickable) return [c.name, c.type, c.role ?? 'ignored'];
      const select = document.createElement('select');
      select.setAttribute('aria-label', `Role of column ${c.name}`);
      for (const role of ['', ...Object.keys(ROLE_OPTIONS)]) {
        const o = document.createElement('option');
        o.value = role;
        o.textContent = role || '—';
        o.selected = (c.role ?? '') === role;
        select.append(o);
      }
      select.addEventListener('change', () => {
        const key = ROLE_OPTIONS[/** @type {keyof typeof ROLE_OPTIONS} */ (select.value)];
        if (key) roles[key] = c.name;
        void run();
      });
      return [c.name, c.type + (c.format ? ` (${c.format})` : ''), select];
    }),
  );
}

/** @param {import('./types').Segment} s */
function swatch(s) {
  const span = el('span', s.name);
  const dot = el('span', '', 'swatch');
  dot.style.background = segmentColor(s.id);
  dot.setAttribute('aria-hidden', 'true');
  span.prepend(dot);
  return span;
}

/** The per-feature distribution chart for the feature picked in its select. @param {number} width */
function drawDistribution(width) {
  const f = els.distFeature.value;
  els.distFig.hidden = !last || !f;
  if (last && f) els.distChart.replaceChildren(featureDistribution(last.customerFeatures, last.labels, last.report, f, width));
}
els.distFeature.addEventListener('change', () => drawDistribution(Math.max(320, Math.min(els.chart.clientWidth || 720, 900))));

/** Bumped by every render, so charts still queued from an older result are not drawn. */
let drawGeneration = 0;

/** @param {import('./types').Report} r */
function render(r) {
  els.results.hidden = false;
  const m = r.metrics;
  const cards = [
    ['Customers', fmt(r.customers)],
    [r.input === 'events' ? `Events${r.preset ? ` (${r.preset})` : ''}` : 'Rows', fmt(r.rows_read - r.rows_skipped)],
    ['Segments', String(r.k)],
    ['Silhouette', m.silhouette === null ? '–' : m.silhouette.toFixed(3)],
    ['Rows skipped', fmt(r.rows_skipped)],
  ];
  els.cards.replaceChildren(
    ...cards.map(([label, value]) => {
      const c = el('div', undefined, 'card');
      c.append(el('span', value, 'value'), el('span', label, 'label'));
      return c;
    }),
  );
  const width = Math.max(320, Math.min(els.chart.clientWidth || 720, 900));
  const isRfm = r.method === 'rfm';
  // The charts are drawn one per task, after the cards and tables: each takes tens of
  // milliseconds, all at once blocked the page for over 100 ms on large inputs. The first, the
  // segment sizes, takes the longest (Plot's code is not yet optimised): drawn with the tables it
  // made the page's one task over 50 ms in the 1M-event demo. A newer result cancels the rest.
  const gen = ++drawGeneration;
  const later = (/** @type {() => void} */ draw) => setTimeout(() => gen === drawGeneration && draw(), 0);
  later(() => els.chart.replaceChildren(segmentSizes(r, width)));
  els.pcaFig.hidden = !r.projection;
  const p = r.projection;
  if (p) {
    later(() => els.pcaChart.replaceChildren(projectionScatter(p, r, width)));
    const shown = p.sample_size;
    els.pcaCaption.textContent = `Customers on the first two principal components of the features used${shown < r.customers ? ` (a sample of ${shown.toLocaleString('en-US')} of ${r.customers.toLocaleString('en-US')})` : ''}`;
  }
  els.liftFig.hidden = r.segments.length < 2;
  if (!els.liftFig.hidden) later(() => els.liftChart.replaceChildren(liftHeatmap(r, width)));
  els.silFig.hidden = m.silhouette_by_segment.length === 0;
  if (!els.silFig.hidden) later(() => els.silChart.replaceChildren(silhouettePlot(r, width)));
  const keep = els.distFeature.value;
  els.distFeature.replaceChildren(...r.features.map((f) => Object.assign(el('option', f), { value: f })));
  if (r.features.includes(keep)) els.distFeature.value = keep;
  later(() => drawDistribution(width));
  els.rfmFig.hidden = !isRfm || r.rfm_grid.length === 0;
  if (!els.rfmFig.hidden) later(() => els.rfmChart.replaceChildren(rfmGrid(r, width)));
  const c = r.cohorts;
  els.retentionFig.hidden = !c || c.first_time.length === 0;
  els.lifecycleFig.hidden = !c || c.lifecycle.length === 0;
  if (c && !els.retentionFig.hidden) later(() => els.retentionChart.replaceChildren(retentionHeatmap(c, width)));
  if (c && !els.lifecycleFig.hidden) later(() => els.lifecycleChart.replaceChildren(lifecycleChart(c, width)));
  const caption = els.retentionFig.querySelector('figcaption');
  if (caption && c) caption.textContent = `Retention: share of each ${c.period}ly cohort still active later`.replace('dayly', 'daily');
  els.migrationFig.hidden = !r.migration;
  const mig = r.migration;
  if (mig) later(() => els.migrationChart.replaceChildren(migrationChart(mig, width)));
  els.kFig.hidden = r.k_search.length === 0;
  if (!els.kFig.hidden) later(() => els.kChart.replaceChildren(kSearch(r, width)));
  later(fillChartPicker);
  els.dlRfm.hidden = !isRfm;
  const pct = (/** @type {number | null} */ v) => (v === null ? '–' : `${(v * 100).toFixed(1)} %`);
  fillTable(
    els.segments,
    ['#', 'Segment', 'Customers', 'Share', 'Revenue share', 'Silhouette', 'Description', 'Rule (decision tree: fidelity)'],
    r.segments.map((s) => [
      s.id,
      swatch(s),
      num(fmt(s.size)),
      num(pct(s.share)),
      num(pct(s.revenue_share)),
      num(m.silhouette_by_segment.find((g) => g.segment === s.id)?.mean?.toFixed(3) ?? '–'),
      s.rule,
      s.surrogate ? `${s.surrogate.rule} (${pct(s.surrogate.fidelity)}; precision ${pct(s.surrogate.precision)}, recall ${pct(s.surrogate.recall)})` : '–',
    ]),
  );
  els.drill.hidden = true;
  [...els.segments.tBodies[0].rows].forEach((tr, i) => {
    tr.tabIndex = 0;
    tr.classList.add('pick');
    const open = () => showCustomers(i, 0);
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), open()));
  });
  renderMapping(r);
  const ex = r.experiment;
  els.experimentBox.hidden = !ex;
  if (ex) {
    els.experimentTitle.textContent = `Experiment "${ex.column}": ${ex.treatment} vs ${ex.control}, by segment`;
    const p = (/** @type {number | null} */ v) => (v === null ? '–' : v < 0.001 ? '< 0.001' : v.toFixed(3));
    const signed = (/** @type {number | null} */ v, /** @type {number} */ scale, /** @type {string} */ unit) =>
      v === null ? '–' : `${v >= 0 ? '+' : ''}${(v * scale).toFixed(1)}${unit}`;
    fillTable(
      els.experiment,
      ['Segment', ...ex.segments[0].variants.map((v) => `${v.variant}: customers · conversion · revenue/customer`), 'Conversion Δ (p)', 'Revenue/customer Δ (p)'],
      ex.segments.map((g) => [
        g.segment,
        ...g.variants.map((v) => num(`${v.customers} · ${(v.conversion * 100).toFixed(1)} % · ${fmt(v.revenue_per_customer)}`)),
        num(`${signed(g.conversion_diff, 100, ' pt')} (${p(g.p_conversion)})`),
        num(`${signed(g.revenue_diff, 1, '')} (${p(g.p_revenue)})`),
      ]),
    );
  }
  const x = r.crosstab;
  els.crosstabBox.hidden = !x;
  if (x) {
    fillTable(
      els.crosstab,
      ['Segment', ...x.columns],
      x.rows.map((name, i) => {
        const total = x.counts[i].reduce((a, b) => a + b, 0) || 1;
        return [name, ...x.counts[i].map((c) => num(c ? `${Math.round((c / total) * 100)} %` : '–'))];
      }),
    );
  }
  fillTable(
    els.profile,
    ['Segment', ...r.features],
    r.segments.map((s) => [swatch(s), ...r.features.map((f) => `${fmt(s.profile[f])} (median ${fmt(s.median[f])})`)]),
  );
  els.warnings.replaceChildren(...r.warnings.map((w) => el('li', w.line === null ? w.message : `line ${w.line}: ${w.message}`)));
  els.warningsBox.hidden = r.warnings.length === 0;
}

const PAGE = 50;

/** The customers of segment `id`, a page at a time, with the features the segmentation used. */
function showCustomers(/** @type {number} */ id, /** @type {number} */ page) {
  if (!last) return;
  const { report, labels, customerFeatures: cf } = last;
  const seg = report.segments[id];
  const members = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === id) members.push(i);
  const pages = Math.max(1, Math.ceil(members.length / PAGE));
  page = Math.min(Math.max(0, page), pages - 1);
  const cols = report.features.map((f) => cf.names.indexOf(f));
  const w = cf.names.length;
  els.drillTitle.textContent = `${seg.name}: ${members.length.toLocaleString('en-US')} customers`;
  fillTable(
    els.drillTable,
    ['Customer', ...report.features],
    // Features come in the same customer order as the labels (both first appearance).
    members.slice(page * PAGE, (page + 1) * PAGE).map((i) => [
      cf.ids[i] ?? '',
      ...cols.map((j) => num(j < 0 ? '–' : fmt(cf.values[i * w + j]))),
    ]),
  );
  els.drillPage.textContent = `page ${page + 1} of ${pages}`;
  els.drillPrev.disabled = page === 0;
  els.drillNext.disabled = page >= pages - 1;
  els.drillPrev.onclick = () => showCustomers(id, page - 1);
  els.drillNext.onclick = () => showCustomers(id, page + 1);
  els.drill.hidden = false;
}

/** Settings (never data) in the URL hash, so a view can be shared and reproduced. */
function saveSettings() {
  const p = new URLSearchParams({ method: els.method.value, k: els.k.value, scale: els.scale.value, period: els.period.value });
  if (els.compare.value) p.set('compare', els.compare.value);
  history.replaceState(null, '', `#${p}`);
}

function loadSettings() {
  const p = new URLSearchParams(location.hash.slice(1));
  /** @type {[HTMLSelectElement | HTMLInputElement, string][]} */
  const pairs = [[els.method, 'method'], [els.k, 'k'], [els.scale, 'scale'], [els.period, 'period'], [els.compare, 'compare']];
  for (const [el, key] of pairs) {
    const v = p.get(key);
    if (v === null) continue;
    if (el instanceof HTMLSelectElement && ![...el.options].some((o) => o.value === v)) continue;
    el.value = v;
  }
  els.k.disabled = els.method.value !== 'kmeans';
}
loadSettings();

/** @param {string} name @param {string} type @param {string | Blob} text */
function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

els.file.addEventListener('change', async () => {
  const f = els.file.files?.[0];
  if (f) setData(f.name, f);
});
els.drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  els.drop.classList.add('over');
});
els.drop.addEventListener('dragleave', () => els.drop.classList.remove('over'));
els.drop.addEventListener('drop', async (e) => {
  e.preventDefault();
  els.drop.classList.remove('over');
  const f = e.dataTransfer?.files?.[0];
  if (f) setData(f.name, f);
});
els.sample.addEventListener('click', async () => {
  const res = await fetch(SAMPLE_EVENTS_URL);
  setData('sample: events.csv (a year of an online shop: 1,000 customers, 70,851 events)', await res.blob());
});
els.sampleTable.addEventListener('click', async () => {
  const res = await fetch(SAMPLE_TABLE_URL);
  setData('sample: customers.csv (3,000 customers, one row each)', await res.blob());
});
els.method.addEventListener('change', () => {
  els.k.disabled = els.method.value !== 'kmeans';
  void run();
});
els.period.addEventListener('change', () => void run());
els.compare.addEventListener('change', () => void run());
els.run.addEventListener('click', () => void run());
els.k.addEventListener('change', () => void run());
els.scale.addEventListener('change', () => void run());
els.cancel.addEventListener('click', () => segmenter.cancel());
els.dlLabels.addEventListener('click', async () => {
  if (!last) return;
  if (els.pseudonymise.checked) {
    download('seglens-labels-pseudonymised.csv', 'text/csv', await pseudonymisedLabelsCsv(last.ids, last.labels, last.report));
  } else {
    download('seglens-labels.csv', 'text/csv', last.labelsCsvSafe);
  }
});
els.dlAggregate.addEventListener('click', () => {
  if (!last) return;
  const min = Math.max(1, Math.floor(Number(els.minCell.value) || 10));
  download('seglens-aggregates.json', 'application/json', JSON.stringify(aggregateReport(last.report, min), null, 2) + '\n');
});
els.dlReport.addEventListener('click', () => last && download('seglens-report.json', 'application/json', last.reportJson));
els.dlRfm.addEventListener('click', () => last?.rfmCsv && download('seglens-rfm.csv', 'text/csv', last.rfmCsv));
els.dlModel.addEventListener('click', () => last && download('seglens-model.json', 'application/json', last.modelJson));
els.dlSql.addEventListener('click', async () => {
  if (!last) return;
  const dialect = /** @type {import('./sql.js').Dialect} */ (els.sqlDialect.value);
  // Loaded on first use: most visitors never export SQL.
  const { exportSql } = await import('./sql.js');
  try {
    download(`seglens-segments.${dialect}.sql`, 'application/sql', exportSql(last.modelJson, { dialect }));
  } catch (e) {
    showError(e instanceof Error ? e.message : String(e));
  }
});
/** The figures with a chart on show, for the chart picker of the SVG/PNG downloads. */
function chartFigures() {
  return [...document.querySelectorAll('#results figure')].filter((f) => !f.closest('[hidden]') && f.querySelector('svg'));
}

function fillChartPicker() {
  const keep = els.chartPick.value;
  els.chartPick.replaceChildren(
    ...chartFigures().map((f, i) => Object.assign(el('option', f.querySelector('figcaption')?.textContent?.trim() || `Chart ${i + 1}`), { value: String(i) })),
  );
  if ([...els.chartPick.options].some((o) => o.value === keep)) els.chartPick.value = keep;
}

/**
 * The picked chart as a standalone SVG: the largest <svg> of its figure (not a legend), with the
 * page's text colour and background written in, so it looks the same outside the page.
 * @returns {{ svg: SVGSVGElement, name: string, width: number, height: number } | null}
 */
function pickedChart() {
  const fig = chartFigures()[Number(els.chartPick.value) || 0];
  if (!fig) return null;
  const svgs = [...fig.querySelectorAll('svg')];
  const area = (/** @type {SVGSVGElement} */ s) => s.width.baseVal.value * s.height.baseVal.value;
  const src = svgs.reduce((a, b) => (area(b) > area(a) ? b : a));
  const svg = /** @type {SVGSVGElement} */ (src.cloneNode(true));
  const css = getComputedStyle(document.documentElement);
  const width = src.width.baseVal.value || src.clientWidth;
  const height = src.height.baseVal.value || src.clientHeight;
  svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('color', css.color);
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  for (const [k, v] of [['width', '100%'], ['height', '100%'], ['fill', css.backgroundColor]]) bg.setAttribute(k, v);
  svg.prepend(bg);
  const title = fig.querySelector('figcaption')?.textContent?.trim() ?? 'chart';
  const name = 'seglens-' + (title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'chart');
  return { svg, name, width, height };
}

els.dlSvg.addEventListener('click', () => {
  const c = pickedChart();
  if (c) download(`${c.name}.svg`, 'image/svg+xml', new XMLSerializer().serializeToString(c.svg));
});
els.dlPng.addEventListener('click', async () => {
  const c = pickedChart();
  if (!c) return;
  // SVG → <img> → canvas at 2× for sharp text; all local (blob: URLs), nothing leaves the page.
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(c.svg)], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(c.width * 2);
    canvas.height = Math.round(c.height * 2);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0, c.width, c.height);
    const png = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (png) download(`${c.name}.png`, 'image/png', /** @type {Blob} */ (png));
  } finally {
    URL.revokeObjectURL(url);
  }
});
for (const el of [els.method, els.k, els.scale, els.period, els.compare]) el.addEventListener('change', saveSettings);
