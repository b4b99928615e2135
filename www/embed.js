// Example host page: feeds two <seg-lens> elements with data held in JS
// (an array of row objects and an object of typed-array columns).
import './element.js';

const rows = [];
for (let i = 0; i < 300; i++) {
  const group = i % 3;
  rows.push({ customer: `c${i}`, spend: [20, 200, 900][group] + (i % 17), orders: [1, 6, 20][group] + (i % 3), visits: [2, 10, 30][group] + (i % 5) });
}
const byRows = /** @type {import('./element.js').SegLensElement} */ (document.getElementById('by-rows'));
byRows.data = rows;

const n = 200;
const columns = { id: Array.from({ length: n }, (_, i) => `u${i}`), score: new Float64Array(n), minutes: new Float64Array(n) };
for (let i = 0; i < n; i++) {
  columns.score[i] = i < n / 2 ? 10 + (i % 7) : 80 + (i % 9);
  columns.minutes[i] = i < n / 2 ? 5 + (i % 4) : 60 + (i % 11);
}
const byColumns = /** @type {import('./element.js').SegLensElement} */ (document.getElementById('by-columns'));
byColumns.data = columns;

const out = /** @type {HTMLElement} */ (document.getElementById('selected'));
for (const el of [byRows, byColumns]) {
  el.addEventListener('select', (e) => {
    out.textContent = `${el.id}: selected ${/** @type {CustomEvent} */ (e).detail.segment.name}`;
  });
}
