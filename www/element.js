// <seg-lens>: the embeddable widget. Shadow DOM, themable with CSS custom
// properties, all computation in a Web Worker (client.js), events for the
// host page. User strings are only ever set as text.
//
//   <seg-lens method="kmeans" k="4"></seg-lens>
//   el.data = file | arrayBuffer | uint8Array | csvText | rows | columns;
//   el.addEventListener('segments', (e) => e.detail.report);
//
// Attributes / properties: method (kmeans|rfm), k (number|auto), scale,
// features (comma-separated), seed. Events: `segments` (detail: { report,
// labels, ids }), `progress` (detail: progress), `error` (detail: SeglensError),
// `select` (detail: { segment }). Methods: run(), cancel().
// Theme: --seg-lens-bg, --seg-lens-fg, --seg-lens-muted, --seg-lens-accent,
// --seg-lens-border, --seg-lens-font; theme="dark" switches the defaults to a dark palette
// (the host's own variables still win).

import { Segmenter } from './client.js';
import { segmentColor, segmentSizes } from './charts.js';
import { SeglensError } from './errors.js';
import { toData } from './input.js';

const CSS = `
:host { display: block; font-family: var(--seg-lens-font, system-ui, sans-serif); color: var(--seg-lens-fg, #1d2430);
  background: var(--seg-lens-bg, transparent); --accent: var(--seg-lens-accent, #0072b2); }
:host([hidden]) { display: none; }
:host([theme="dark"]) { color: var(--seg-lens-fg, #e6e9ee); background: var(--seg-lens-bg, #12161c); --accent: var(--seg-lens-accent, #56b4e9); }
:host([theme="dark"]) .status { color: var(--seg-lens-muted, #9aa3b0); }
:host([theme="dark"]) .error { color: #ff6b81; }
:host([theme="dark"]) button, :host([theme="dark"]) th, :host([theme="dark"]) td { border-color: var(--seg-lens-border, #2c333d); }
.bar { display: flex; gap: .6rem; align-items: center; min-height: 2rem; }
.status { color: var(--seg-lens-muted, #5b6472); font-size: .9em; }
.error { color: #b00020; font-weight: 600; }
button { font: inherit; padding: .25rem .7rem; border-radius: 6px; border: 1px solid var(--seg-lens-border, #d7dce3); background: transparent; color: inherit; cursor: pointer; }
button:focus-visible, tr:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; font-size: .9em; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--seg-lens-border, #d7dce3); }
tbody tr { cursor: pointer; }
tbody tr[aria-selected="true"] { background: color-mix(in srgb, var(--accent) 15%, transparent); }
.swatch { display: inline-block; width: .8em; height: .8em; border-radius: 2px; margin-right: .4em; }
svg { max-width: 100%; height: auto; color: inherit; font: 11px system-ui, sans-serif; overflow: visible; }
`;

/** @typedef {import('./types').Options} Options */
/** @typedef {import('./types').Report} Report */

export class SegLensElement extends HTMLElement {
  static observedAttributes = ['method', 'k', 'scale', 'features', 'seed'];
  /** @type {Segmenter | null} */ #segmenter = null;
  /** @type {unknown} */ #data = null;
  /** @type {Report | null} */ #report = null;
  #root;
  #els;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    this.#root.adoptedStyleSheets = [sheet];
    const mk = (/** @type {string} */ tag, /** @type {string} */ cls = '') => {
      const e = document.createElement(tag);
      if (cls) e.className = cls;
      return e;
    };
    const bar = mk('div', 'bar');
    const status = mk('span', 'status');
    status.setAttribute('role', 'status');
    const progress = /** @type {HTMLProgressElement} */ (mk('progress'));
    progress.hidden = true;
    const cancel = /** @type {HTMLButtonElement} */ (mk('button'));
    cancel.type = 'button';
    cancel.textContent = 'Cancel';
    cancel.hidden = true;
    cancel.addEventListener('click', () => this.cancel());
    bar.append(progress, status, cancel);
    const error = mk('p', 'error');
    error.setAttribute('role', 'alert');
    error.hidden = true;
    const chart = mk('div', 'chart');
    const table = /** @type {HTMLTableElement} */ (mk('table'));
    table.setAttribute('aria-label', 'Segments');
    this.#root.append(bar, error, chart, table);
    this.#els = { status, progress, cancel, error, chart, table };
  }

  connectedCallback() {
    this.#segmenter ??= new Segmenter();
  }

  disconnectedCallback() {
    this.#segmenter?.dispose();
    this.#segmenter = null;
  }

  attributeChangedCallback() {
    if (this.#data !== null && this.isConnected) this.#runQuietly();
  }

  /** A run started by a property or attribute change: failures are reported by the `error` event and the message. */
  #runQuietly() {
    this.run().catch(() => {});
  }

  /** The data to segment; setting it starts a run. */
  get data() {
    return this.#data;
  }
  set data(v) {
    this.#data = v;
    if (this.isConnected) this.#runQuietly();
  }

  /** The latest Report, or null. */
  get report() {
    return this.#report;
  }

  /** Options from the attributes. @returns {Options} */
  get options() {
    const k = this.getAttribute('k');
    const features = this.getAttribute('features');
    const seed = this.getAttribute('seed');
    /** @type {Options} */
    const o = { seed: seed === null ? 0 : Number(seed) };
    const method = this.getAttribute('method');
    if (method === 'kmeans' || method === 'rfm') o.method = method;
    if (k) o.k = k === 'auto' ? 'auto' : Number(k);
    const scale = this.getAttribute('scale');
    if (scale) o.scale = /** @type {any} */ (scale);
    if (features) o.features = features.split(',').map((s) => s.trim()).filter(Boolean);
    return o;
  }

  /** Segments `data` with the current attributes. Resolves with the Report (rejects with a SeglensError). */
  async run() {
    const els = this.#els;
    this.#segmenter ??= new Segmenter();
    els.error.hidden = true;
    els.progress.hidden = false;
    els.cancel.hidden = false;
    els.status.textContent = 'Working…';
    try {
      const bytes = await toData(this.#data);
      const result = await this.#segmenter.segment(bytes, this.options, {
        onProgress: (p) => this.dispatchEvent(new CustomEvent('progress', { detail: p })),
      });
      this.#report = result.report;
      this.#render(result.report);
      els.status.textContent = `${result.report.customers.toLocaleString('en-US')} customers, ${result.report.k} segments`;
      this.dispatchEvent(new CustomEvent('segments', { detail: { report: result.report, labels: result.labels, ids: result.ids } }));
      return result.report;
    } catch (e) {
      const err = SeglensError.from(e);
      els.status.textContent = err.code === 'cancelled' ? 'Cancelled' : '';
      if (err.code !== 'cancelled') {
        els.error.textContent = err.message;
        els.error.hidden = false;
      }
      this.dispatchEvent(new CustomEvent('error', { detail: err }));
      throw err;
    } finally {
      els.progress.hidden = true;
      els.cancel.hidden = true;
    }
  }

  /** Stops the run in flight; the element stays usable. */
  cancel() {
    this.#segmenter?.cancel();
  }

  /** @param {Report} r */
  #render(r) {
    const { chart, table } = this.#els;
    chart.replaceChildren(segmentSizes(r, Math.max(280, Math.min(this.clientWidth || 640, 900))));
    table.replaceChildren();
    const head = table.createTHead().insertRow();
    for (const h of ['Segment', 'Customers', 'Share']) {
      const th = document.createElement('th');
      th.textContent = h;
      th.scope = 'col';
      head.append(th);
    }
    const body = table.createTBody();
    for (const s of r.segments) {
      const tr = body.insertRow();
      tr.tabIndex = 0;
      tr.dataset.segment = String(s.id);
      const name = tr.insertCell();
      const dot = document.createElement('span');
      dot.className = 'swatch';
      dot.style.background = segmentColor(s.id);
      name.append(dot, document.createTextNode(s.name));
      tr.insertCell().textContent = s.size.toLocaleString('en-US');
      tr.insertCell().textContent = `${(s.share * 100).toFixed(1)} %`;
      const select = () => {
        for (const row of body.rows) row.setAttribute('aria-selected', String(row === tr));
        this.dispatchEvent(new CustomEvent('select', { detail: { segment: s } }));
      };
      tr.addEventListener('click', select);
      tr.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), select()));
    }
  }
}

if (!customElements.get('seg-lens')) customElements.define('seg-lens', SegLensElement);
