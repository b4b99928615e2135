// Charts drawn with Observable Plot (SVG). Every chart has a table next to
// it on the page with the same numbers, for screen readers and copy-paste.
// Segment colours come from one colour-blind-safe palette, by segment id,
// so a segment has the same colour in every chart.

import * as Plot from '@observablehq/plot';

/** Okabe & Ito (2008) colour-blind-safe palette, then Paul Tol's muted extras. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000', '#882255', '#44AA99'];

/** @param {number} id */
export const segmentColor = (id) => PALETTE[id % PALETTE.length];

/**
 * Horizontal bar chart of segment sizes.
 * @param {import('./types').Report} report
 * @param {number} width
 * @returns {SVGSVGElement | HTMLElement}
 */
export function segmentSizes(report, width) {
  const data = report.segments.map((s) => ({ ...s, label: `${s.id} · ${s.name}` }));
  return Plot.plot({
    width,
    height: 40 + 34 * data.length,
    marginLeft: Math.min(320, 12 + 7 * Math.max(...data.map((d) => d.label.length))),
    marginRight: 70,
    ariaLabel: 'Segment sizes',
    x: { label: 'customers', grid: true },
    y: { label: null, domain: data.map((d) => d.label) },
    marks: [
      Plot.barX(data, { x: 'size', y: 'label', fill: (d) => segmentColor(d.id), title: (d) => `${d.name}: ${d.size} customers` }),
      Plot.text(data, { x: 'size', y: 'label', text: (d) => `${d.size} (${(d.share * 100).toFixed(1)} %)`, dx: 6, textAnchor: 'start' }),
      Plot.ruleX([0]),
    ],
  });
}
