#!/usr/bin/env node
// Generates the bundled sample: a realistic per-customer table of an online
// shop (www/sample/customers.csv). Seeded, so the committed file is
// reproducible: `npm run sample` rewrites it byte for byte.
//
// Five behavioural personas with heavy-tailed spend (log-normal), as real
// order data has. The persona is NOT written to the file: the point of the
// demo is to find it.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { rng, normal } from './random.mjs';

export { rng, normal };

const PERSONAS = [
  // share, recency mean (days), orders (mean), order value (log-mean, log-sd), sessions/30d, tenure
  { name: 'champions', share: 0.12, recency: 6, orders: 22, aov: [4.6, 0.35], sessions: 24, tenure: 900 },
  { name: 'loyal', share: 0.23, recency: 20, orders: 9, aov: [3.9, 0.3], sessions: 10, tenure: 700 },
  { name: 'new', share: 0.2, recency: 9, orders: 1.3, aov: [3.6, 0.4], sessions: 6, tenure: 25 },
  { name: 'at_risk', share: 0.2, recency: 150, orders: 7, aov: [4.0, 0.35], sessions: 0.6, tenure: 800 },
  { name: 'lapsed', share: 0.25, recency: 320, orders: 1.6, aov: [3.2, 0.45], sessions: 0.2, tenure: 500 },
];

/** Rows of the sample table (header first). */
export function sampleRows(n = 3000, seed = 20261125) {
  const r = rng(seed);
  const pois = (mean) => {
    // Knuth for small means, normal approximation above 30.
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(r)));
    const L = Math.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k += 1;
      p *= r();
    } while (p > L);
    return k - 1;
  };
  const rows = [['customer_id', 'recency_days', 'orders', 'total_spend', 'avg_order_value', 'sessions_30d', 'tenure_days', 'plan']];
  for (let i = 0; i < n; i++) {
    let u = r();
    let p = PERSONAS[PERSONAS.length - 1];
    for (const q of PERSONAS) {
      if (u < q.share) { p = q; break; }
      u -= q.share;
    }
    const orders = Math.max(1, pois(p.orders));
    let spend = 0;
    for (let o = 0; o < orders; o++) spend += Math.exp(p.aov[0] + p.aov[1] * normal(r));
    const tenure = Math.max(1, Math.round(p.tenure * Math.exp(0.35 * normal(r))));
    const recency = Math.min(tenure, Math.max(0, Math.round(p.recency * Math.exp(0.45 * normal(r)))));
    const sessions = pois(p.sessions);
    const plan = r() < (p.name === 'champions' ? 0.6 : 0.15) ? 'plus' : 'standard';
    rows.push([
      `C${String(100001 + i)}`,
      String(recency),
      String(orders),
      spend.toFixed(2),
      (spend / orders).toFixed(2),
      String(sessions),
      String(tenure),
      plan,
    ]);
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = new URL('../www/sample/customers.csv', import.meta.url);
  mkdirSync(dirname(fileURLToPath(out)), { recursive: true });
  writeFileSync(out, sampleRows().map((r) => r.join(',')).join('\n') + '\n');
  console.log(`wrote ${fileURLToPath(out)}`);
}
