// Charts drawn with Observable Plot (SVG). Every chart has a table on the
// page with the same numbers, for screen readers and copy-paste. Segment
// colours come from one colour-blind-safe palette, by segment id, so a
// segment has the same colour in every chart.

import * as Plot from '@observablehq/plot';

/** Okabe & Ito (2008) colour-blind-safe palette, then two of Paul Tol's muted colours. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000', '#882255', '#44AA99'];

/** @param {number} id */
export const segmentColor = (id) => PALETTE[id % PALETTE.length];

/** @typedef {import('./types').Report} Report */

/**
 * Plot labels its mark groups with `aria-label` on plain `<g>` elements, which
 * ARIA does not allow without a role (axe: aria-prohibited-attr); give them
 * `role="group"` so screen readers announce the label.
 * @template {Element} T
 * @param {T} chart
 * @returns {T}
 */
function accessible(chart) {
  for (const g of chart.querySelectorAll('g[aria-label]:not([role])')) g.setAttribute('role', 'group');
  return chart;
}

/** @param {{ id: number, name: string }} s */
const segLabel = (s) => `${s.id} · ${s.name}`;

/**
 * Horizontal bar chart of segment sizes.
 * @param {Report} report
 * @param {number} width
 */
export function segmentSizes(report, width) {
  const data = report.segments.map((s) => ({ ...s, label: segLabel(s) }));
  return accessible(Plot.plot({
    width,
    height: 40 + 34 * data.length,
    marginLeft: Math.min(320, 12 + 7 * Math.max(...data.map((d) => d.label.length))),
    marginRight: 80,
    ariaLabel: 'Segment sizes',
    x: { label: 'customers', grid: true },
    y: { label: null, domain: data.map((d) => d.label) },
    marks: [
      Plot.barX(data, { x: 'size', y: 'label', fill: (d) => segmentColor(d.id), title: (d) => `${d.name}: ${d.size} customers` }),
      Plot.text(data, { x: 'size', y: 'label', text: (d) => `${d.size} (${(d.share * 100).toFixed(1)} %)`, dx: 6, textAnchor: 'start' }),
      Plot.ruleX([0]),
    ],
  }));
}

/**
 * Feature × segment heatmap of lift (segment mean / population mean), on a
 * log2 scale so 2× and 0.5× are equally far from "like everyone".
 * @param {Report} report
 * @param {number} width
 */
export function liftHeatmap(report, width) {
  const data = report.segments.flatMap((s) =>
    report.features.map((f) => ({ segment: segLabel(s), feature: f, lift: s.lift[f] ?? null, mean: s.profile[f] })),
  );
  // ±3 = 8× above or below average; beyond that the colour saturates (the label still says the number).
  const extent = 3;
  return accessible(Plot.plot({
    width,
    height: 70 + 30 * report.segments.length,
    marginLeft: Math.min(320, 12 + 7 * Math.max(...report.segments.map((s) => segLabel(s).length))),
    marginBottom: 60,
    ariaLabel: 'Lift of each feature per segment',
    x: { label: null, domain: report.features, tickRotate: -25 },
    y: { label: null, domain: report.segments.map(segLabel) },
    color: { type: 'linear', scheme: 'PuOr', reverse: true, domain: [-extent, extent], clamp: true, label: 'lift (log2: +1 = 2× the average)', legend: true },
    marks: [
      Plot.cell(data, {
        x: 'feature',
        y: 'segment',
        fill: (d) => (d.lift !== null && d.lift > 0 ? Math.log2(d.lift) : NaN),
        title: (d) => `${d.feature}: ${d.lift === null ? 'n/a' : d.lift.toFixed(2) + '×'} the average`,
        inset: 0.5,
      }),
      Plot.text(data, { x: 'feature', y: 'segment', text: (d) => (d.lift === null ? '–' : `${d.lift.toFixed(1)}×`), fontSize: 11 }),
    ],
  }));
}

/**
 * The RFM grid: customers per (R, F) score, coloured by segment.
 * @param {Report} report
 * @param {number} width
 */
export function rfmGrid(report, width) {
  const ids = new Map(report.segments.map((s) => [s.name, s.id]));
  const cells = report.rfm_grid;
  return accessible(Plot.plot({
    width: Math.min(width, 640),
    height: 380,
    ariaLabel: 'RFM grid: customers by recency and frequency score',
    x: { label: 'F score (frequency) →', domain: [...new Set(cells.map((c) => c.f))].sort() },
    y: { label: '↑ R score (recency)', domain: [...new Set(cells.map((c) => c.r))].sort().reverse() },
    marks: [
      Plot.cell(cells, { x: 'f', y: 'r', fill: (c) => segmentColor(ids.get(c.name) ?? 0), fillOpacity: 0.85, inset: 1, title: (c) => `${c.name}: ${c.count}` }),
      Plot.text(cells, { x: 'f', y: 'r', text: (c) => `${c.count}\n${c.name}`, fill: 'white', fontSize: 10, lineWidth: 8 }),
    ],
  }));
}

/**
 * k-search: silhouette (higher is better) and inertia (the elbow) by k, side by side, the chosen k
 * dashed in both.
 * @param {Report} report
 * @param {number} width
 */
export function kSearch(report, width) {
  const data = report.k_search.filter((e) => e.silhouette !== null);
  const w = Math.max(260, Math.min(width, 900) / 2 - 8);
  const panel = (/** @type {'silhouette' | 'inertia'} */ key, /** @type {string} */ label, /** @type {string} */ color) =>
    accessible(Plot.plot({
      width: w,
      height: 240,
      ariaLabel: `${label} by number of segments`,
      x: { label: 'k (segments)', ticks: data.map((d) => d.k), tickFormat: 'd' },
      y: { label: `↑ ${label}`, grid: true },
      marks: [
        Plot.ruleX([report.k], { stroke: '#D55E00', strokeDasharray: '4 3' }),
        Plot.line(data, { x: 'k', y: key, stroke: color }),
        Plot.dot(data, { x: 'k', y: key, fill: color, title: (d) => `k = ${d.k}: ${label} ${d[key]?.toPrecision(4)}` }),
      ],
    }));
  const box = document.createElement('div');
  box.className = 'chart-pair';
  box.append(panel('silhouette', 'silhouette', '#0072B2'), panel('inertia', 'inertia (elbow)', '#009E73'));
  return box;
}

/**
 * Retention heatmap: share of each first-time cohort active n periods later.
 * @param {import('./types').CohortReport} c
 * @param {number} width
 */
export function retentionHeatmap(c, width) {
  const data = c.first_time.flatMap((row) => row.percent.map((p, n) => ({ cohort: `${row.cohort} (${row.size})`, n, p, count: row.retained[n] })));
  const maxN = Math.max(0, ...data.map((d) => d.n));
  return accessible(Plot.plot({
    width,
    height: 60 + 24 * c.first_time.length,
    marginLeft: 120,
    ariaLabel: 'Retention by cohort',
    x: { label: `${c.period}s since first activity →`, domain: Array.from({ length: maxN + 1 }, (_, i) => i), axis: 'top' },
    y: { label: null, domain: c.first_time.map((r) => `${r.cohort} (${r.size})`) },
    color: { scheme: 'Blues', domain: [0, 1], label: 'retained' },
    marks: [
      Plot.cell(data, { x: 'n', y: 'cohort', fill: 'p', inset: 0.5, title: (d) => `${d.cohort}, +${d.n}: ${d.count} (${Math.round(d.p * 100)} %)` }),
      Plot.text(data, { x: 'n', y: 'cohort', text: (d) => `${Math.round(d.p * 100)}%`, fill: (d) => (d.p > 0.55 ? 'white' : 'black'), fontSize: 10 }),
    ],
  }));
}

/**
 * Lifecycle per period: new, returning, resurrecting above zero, dormant below (PostHog's view).
 * @param {import('./types').CohortReport} c
 * @param {number} width
 */
export function lifecycleChart(c, width) {
  const kinds = /** @type {const} */ (['new', 'returning', 'resurrecting', 'dormant']);
  const colors = { new: '#009E73', returning: '#0072B2', resurrecting: '#E69F00', dormant: '#D55E00' };
  const data = c.lifecycle.flatMap((r) => kinds.map((k) => ({ period: r.period, kind: k, value: k === 'dormant' ? -r[k] : r[k] })));
  return accessible(Plot.plot({
    width,
    height: 300,
    ariaLabel: 'Lifecycle: new, returning, resurrecting and dormant customers per period',
    x: { label: null, tickRotate: -30, domain: c.lifecycle.map((r) => r.period) },
    y: { label: '↑ customers', grid: true },
    color: { domain: [...kinds], range: kinds.map((k) => colors[k]), legend: true },
    marginBottom: 50,
    marks: [Plot.barY(data, { x: 'period', y: 'value', fill: 'kind', title: (d) => `${d.period} ${d.kind}: ${Math.abs(d.value)}` }), Plot.ruleY([0])],
  }));
}

/**
 * Segment migration: customers by segment at an earlier date (rows) and now (columns).
 * @param {NonNullable<import('./types').Report['migration']>} m
 * @param {number} width
 */
export function migrationChart(m, width) {
  const to = m.segments.slice(0, -1);
  const data = m.flows.flatMap((row, i) => row.map((count, j) => ({ from: m.segments[i], to: to[j], count })));
  const max = Math.max(1, ...data.map((d) => d.count));
  return accessible(Plot.plot({
    width,
    height: 80 + 30 * m.segments.length,
    marginLeft: Math.min(320, 12 + 7 * Math.max(...m.segments.map((s) => s.length))),
    marginBottom: 70,
    ariaLabel: `Segment migration from ${m.from} to ${m.to}`,
    x: { label: `segment on ${m.to} →`, domain: to, tickRotate: -25 },
    y: { label: `segment on ${m.from}`, domain: m.segments },
    color: { scheme: 'Greens', domain: [0, max] },
    marks: [
      Plot.cell(data, { x: 'to', y: 'from', fill: 'count', inset: 0.5, title: (d) => `${d.from} → ${d.to}: ${d.count}` }),
      Plot.text(data, { x: 'to', y: 'from', text: (d) => (d.count ? String(d.count) : ''), fill: (d) => (d.count > max * 0.6 ? 'white' : 'black'), fontSize: 10 }),
    ],
  }));
}

/**
 * The customers on the first two principal components, coloured by segment.
 * @param {NonNullable<Report['projection']>} p
 * @param {Report} report
 * @param {number} width
 */
export function projectionScatter(p, report, width) {
  const names = report.segments.map((s) => s.name);
  return accessible(Plot.plot({
    width: Math.min(width, 760),
    height: 420,
    ariaLabel: `Customers on the first two principal components (${p.sample_size} shown)`,
    x: { label: `PC1 (${(p.explained[0] * 100).toFixed(0)} % of variance) →` },
    y: { label: `↑ PC2 (${(p.explained[1] * 100).toFixed(0)} %)` },
    marks: [
      dotsBySegment(p.points),
      // The hover tip names the nearest customer's segment; the scales' domains come from its channels.
      Plot.tip(p.points, Plot.pointer({ x: 'x', y: 'y', title: (d) => names[d.segment] ?? '' })),
    ],
  }));
}

/**
 * Up to 2,000 dots drawn as one SVG path per segment (each dot a circle of two arcs), not one
 * element per dot: building a circle, its attributes and a <title> for each dot made one of the
 * tasks over 50 ms that the demo's main thread ran after a 1M-event file (with the two changes in
 * main.js made with it, `node benches/demo.mjs` counted 0, 0 and 1 such tasks in three runs,
 * against 2 in each of four runs before). A Plot render function: called with the chart's scales
 * once the other marks have set them.
 * @param {{ x: number, y: number, segment: number }[]} points
 * @returns {Plot.RenderFunction}
 */
function dotsBySegment(points) {
  return (_index, scales, _values, _dimensions, context) => {
    const ns = 'http://www.w3.org/2000/svg';
    const g = context.document.createElementNS(ns, 'g');
    const sx = scales.x ?? ((/** @type {number} */ v) => v);
    const sy = scales.y ?? ((/** @type {number} */ v) => v);
    /** @type {Map<number, string[]>} */
    const bySegment = new Map();
    for (const d of points) {
      // As Plot.dot does, a point without both coordinates (one component only) is not drawn.
      const [px, py] = [sx(d.x), sy(d.y)];
      if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
      const parts = bySegment.get(d.segment) ?? bySegment.set(d.segment, []).get(d.segment) ?? [];
      parts.push(`M${(px - 2.5).toFixed(1)},${py.toFixed(1)}a2.5,2.5 0 1,0 5,0a2.5,2.5 0 1,0 -5,0`);
    }
    for (const [segment, parts] of bySegment) {
      const path = context.document.createElementNS(ns, 'path');
      path.setAttribute('d', parts.join(''));
      path.setAttribute('fill', segmentColor(segment));
      path.setAttribute('fill-opacity', '0.7');
      g.append(path);
    }
    return g;
  };
}

/**
 * Silhouette plot (Rousseeuw 1987): per segment, its customers' silhouettes
 * from highest to lowest (a sorted profile), with the overall mean as a rule.
 * Bars reaching left of 0 are customers closer to another segment.
 * @param {Report} report
 * @param {number} width
 */
export function silhouettePlot(report, width) {
  const names = new Map(report.segments.map((s) => [s.id, segLabel(s)]));
  const data = report.metrics.silhouette_by_segment.flatMap((g) =>
    g.profile.map((v, i) => ({ segment: names.get(g.segment) ?? String(g.segment), id: g.segment, rank: i, value: v })),
  );
  return accessible(Plot.plot({
    width: Math.min(width, 720),
    height: 60 + 44 * report.metrics.silhouette_by_segment.length,
    marginLeft: Math.min(320, 12 + 7 * Math.max(...[...names.values()].map((n) => n.length))),
    ariaLabel: 'Silhouette of the customers of each segment',
    x: { label: 'silhouette →', domain: [Math.min(0, ...data.map((d) => d.value)), 1], grid: true },
    y: { label: null, axis: null },
    fy: { label: null, domain: report.segments.map(segLabel) },
    marks: [
      Plot.barX(data, { x: 'value', y: 'rank', fy: 'segment', fill: (d) => segmentColor(d.id), insetTop: 0, insetBottom: 0 }),
      Plot.ruleX([report.metrics.silhouette ?? 0], { stroke: '#D55E00', strokeDasharray: '4 3' }),
      Plot.ruleX([0]),
    ],
  }));
}

/**
 * Distribution of one feature in each segment (box plots: median, quartiles,
 * whiskers to 1.5 IQR, outliers as dots), in the feature's own units.
 * @param {{ names: string[], values: Float64Array }} features  per customer, row-major (`Result.customerFeatures`)
 * @param {ArrayLike<number>} labels  segment id per customer
 * @param {Report} report
 * @param {string} feature
 * @param {number} width
 */
export function featureDistribution(features, labels, report, feature, width) {
  const j = features.names.indexOf(feature);
  const d = features.names.length;
  /** @type {Map<number, number[]>} */
  const values = new Map(report.segments.map((s) => [s.id, []]));
  for (let i = 0; i < labels.length; i++) {
    const v = features.values[i * d + j];
    if (Number.isFinite(v)) values.get(labels[i])?.push(v);
  }
  // Box statistics computed here, exactly (Plot.boxX's definitions: linear quantiles, whiskers to the
  // last values within 1.5 IQR), so Plot draws a few marks per segment instead of one datum per
  // customer; outliers are thinned to MAX_OUTLIERS dots per segment, extremes kept.
  const boxes = [];
  const outliers = [];
  for (const s of report.segments) {
    const v = Float64Array.from(values.get(s.id) ?? []).sort();
    if (!v.length) continue;
    const [q1, median, q3] = [0.25, 0.5, 0.75].map((p) => quantileSorted(v, p));
    let lo = 0;
    while (v[lo] < q1 - 1.5 * (q3 - q1)) lo++;
    let hi = v.length - 1;
    while (v[hi] > q3 + 1.5 * (q3 - q1)) hi--;
    const base = { id: s.id, segment: segLabel(s) };
    boxes.push({ ...base, q1, median, q3, lo: v[lo], hi: v[hi] });
    const out = [...v.subarray(0, lo), ...v.subarray(hi + 1)];
    const step = Math.max(1, (out.length - 1) / (MAX_OUTLIERS - 1));
    for (let t = 0; t < out.length; t += step) outliers.push({ ...base, value: out[Math.round(t)] });
  }
  const names = report.segments.map(segLabel);
  const fill = (/** @type {{ id: number }} */ r) => segmentColor(r.id);
  return accessible(Plot.plot({
    width,
    height: 60 + 40 * report.segments.length,
    marginLeft: Math.min(320, 12 + 7 * Math.max(...names.map((n) => n.length))),
    ariaLabel: `Distribution of ${feature} in each segment`,
    x: { label: `${feature} →`, grid: true },
    y: { label: null, domain: names },
    marks: [
      Plot.ruleY(boxes, { x1: 'lo', x2: 'hi', y: 'segment' }),
      Plot.barX(boxes, { x1: 'q1', x2: 'q3', y: 'segment', fill, fillOpacity: 0.6 }),
      Plot.tickX(boxes, { x: 'median', y: 'segment', strokeWidth: 2 }),
      Plot.dot(outliers, { x: 'value', y: 'segment', r: 1.5, fill }),
    ],
  }));
}

/** Most outlier dots drawn per segment of the distribution chart. */
const MAX_OUTLIERS = 400;

/**
 * The p-quantile of sorted values, linearly interpolated (d3.quantileSorted, R type 7).
 * @param {Float64Array} v
 * @param {number} p
 */
export function quantileSorted(v, p) {
  const i = (v.length - 1) * p;
  const a = Math.floor(i);
  return a + 1 < v.length ? v[a] + (v[a + 1] - v[a]) * (i - a) : v[a];
}
