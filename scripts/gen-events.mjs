#!/usr/bin/env node
// Generates a realistic e-commerce event log from known behavioural personas
// (seeded, reproducible). Used for the demo's bundled sample
// (www/sample/events.csv) and for tests that check seglens recovers the
// personas (the truth goes to a separate file, never into the log).
//
//   node scripts/gen-events.mjs [customers] [seed] [out.csv] [truth.csv]
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rng, normal } from './gen-sample.mjs';

const DAY = 86400;
/** Log ends on 2024-12-31T23:59:59Z; one year of history. */
export const END = Date.UTC(2024, 11, 31, 23, 59, 59) / 1000;

/**
 * Personas: when they are active (days before END), how often they come
 * (mean days between sessions), how likely a session ends in a purchase, and
 * what an order is worth (log-normal).
 */
export const PERSONAS = [
  { name: 'champions', share: 0.14, active: [365, 0], every: 9, buy: 0.55, aov: [4.5, 0.3], features: 0.7 },
  { name: 'loyal', share: 0.2, active: [365, 0], every: 18, buy: 0.4, aov: [3.8, 0.3], features: 0.4 },
  { name: 'new', share: 0.16, active: [28, 0], every: 5, buy: 0.25, aov: [3.6, 0.35], features: 0.3 },
  { name: 'at_risk', share: 0.18, active: [365, 150], every: 14, buy: 0.4, aov: [4.0, 0.3], features: 0.4 },
  { name: 'lapsed', share: 0.17, active: [360, 250], every: 30, buy: 0.3, aov: [3.3, 0.4], features: 0.1 },
  { name: 'browsers', share: 0.15, active: [365, 0], every: 20, buy: 0.0, aov: [3.0, 0.3], features: 0.2 },
];

/**
 * @param {number} customers
 * @param {number} seed
 * @returns {{ rows: string[][], truth: string[][] }}
 */
export function eventLog(customers, seed) {
  const r = rng(seed);
  const exp = (mean) => -Math.log(Math.max(r(), 1e-12)) * mean;
  /** @type {[number, string, string, string][]} */
  const events = [];
  const truth = [['user_id', 'persona']];
  for (let c = 0; c < customers; c++) {
    let u = r();
    let p = PERSONAS[PERSONAS.length - 1];
    for (const q of PERSONAS) {
      if (u < q.share) { p = q; break; }
      u -= q.share;
    }
    const id = `u${String(10000 + c)}`;
    truth.push([id, p.name]);
    // Start somewhere in the first part of the active window; stop at its end.
    const span = p.active[0] - p.active[1];
    let t = END - p.active[0] * DAY + Math.floor(r() * Math.max(1, span * 0.3) * DAY);
    const stop = END - p.active[1] * DAY - Math.floor(r() * 3 * DAY);
    const usesWishlist = r() < p.features;
    const usesSearch = r() < p.features + 0.2;
    let sessions = 0;
    while (t < stop || sessions === 0) {
      sessions += 1;
      let s = t;
      const push = (name, rev = '') => {
        events.push([s, id, name, rev]);
        s += 20 + Math.floor(exp(90));
      };
      push('session_start');
      const views = 1 + Math.floor(exp(1.5));
      for (let v = 0; v < views; v++) push('page_view');
      if (usesSearch && r() < 0.6) push('search');
      if (usesWishlist && r() < 0.4) push('add_to_wishlist');
      if (r() < p.buy) {
        push('add_to_cart');
        const amount = Math.exp(p.aov[0] + p.aov[1] * normal(r));
        push('purchase', amount.toFixed(2));
        if (r() < 0.05) {
          const back = s;
          s += Math.floor((2 + r() * 10) * DAY);
          if (s < END) push('refund', (-amount).toFixed(2));
          s = back;
        }
      } else if (r() < 0.3) {
        push('add_to_cart');
      }
      t += Math.max(3600, Math.floor(exp(p.every) * DAY));
      if (t > END) break;
    }
  }
  events.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const iso = (s) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
  const rows = [['user_id', 'timestamp', 'event', 'revenue'], ...events.filter((e) => e[0] <= END).map((e) => [e[1], iso(e[0]), e[2], e[3]])];
  return { rows, truth };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2] ?? 1000);
  const seed = Number(process.argv[3] ?? 7);
  const out = process.argv[4] ?? fileURLToPath(new URL('../www/sample/events.csv', import.meta.url));
  const { rows, truth } = eventLog(n, seed);
  writeFileSync(out, rows.map((r) => r.join(',')).join('\n') + '\n');
  if (process.argv[5]) writeFileSync(process.argv[5], truth.map((r) => r.join(',')).join('\n') + '\n');
  console.log(`wrote ${rows.length - 1} events of ${n} customers to ${out}`);
}
