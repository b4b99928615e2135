#!/usr/bin/env node
// Event logs for the SQL-export checks (tests/engines/check.py), generated
// from the persona generator (scripts/gen-events.mjs, seeded) and made harder
// the way real exports are: order ids (some orders split over two rows), an
// event name with quotes, a comma and a backslash, null tokens, rows without
// a customer id, refunds. A second copy stores time as epoch milliseconds
// under other column names, as a Mixpanel-style export would.
//
//   node tests/engines/make-data.mjs OUT_DIR [customers] [seed]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventLog } from '../../scripts/gen-events.mjs';
import { rng } from '../../scripts/gen-sample.mjs';

const [out = 'tests/out/engines', n = '1500', seed = '11'] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const { rows } = eventLog(Number(n), Number(seed));
const r = rng(Number(seed) + 1);
const TRICKY = 'it\'s a "quoted" \\ search; --';

/** @param {string} v */
const csv = (v) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const lastOrder = new Map();
let orders = 0;
/** @type {string[][]} */
const iso = [['user_id', 'timestamp', 'event', 'revenue', 'order_id']];
for (const [id, ts, event, revenue] of rows.slice(1)) {
  let name = event;
  let rev = revenue;
  let order = '';
  if (event === 'search' && Number(id.slice(1)) % 3 === 0) name = TRICKY;
  if (event === 'purchase') {
    const prev = lastOrder.get(id);
    order = prev && r() < 0.05 ? prev : `o${++orders}`;
    lastOrder.set(id, order);
  } else if (event === 'refund') {
    order = lastOrder.get(id) ?? '';
  } else if (r() < 0.02) {
    rev = r() < 0.5 ? 'NA' : '-';
  }
  const who = r() < 0.002 ? 'N/A' : id;
  iso.push([who, ts, name, rev, order]);
}
writeFileSync(join(out, 'events_iso.csv'), iso.map((row) => row.map(csv).join(',')).join('\n') + '\n');

const epoch = [['distinct_id', 'time', 'event_name', 'amount']];
for (const [id, ts, event, revenue] of iso.slice(1)) {
  epoch.push([id, String(Date.parse(ts) + Math.floor(r() * 1000)), event, revenue]);
}
writeFileSync(join(out, 'events_epoch.csv'), epoch.map((row) => row.map(csv).join(',')).join('\n') + '\n');
// Segment's track export flattened to columns: userId empty on anonymous rows (a third of the
// customers never log in), anonymousId always set, revenue under properties.revenue.
const segment = [['userId', 'anonymousId', 'timestamp', 'event', 'properties.revenue']];
for (const [id, ts, event, revenue] of iso.slice(1)) {
  if (id === 'N/A') continue;
  const anonymous = Number(id.slice(1)) % 3 === 1 || (event === 'session_start' && r() < 0.5);
  segment.push([anonymous ? '' : `user-${id}`, `anon-${id}`, ts, event, revenue]);
}
writeFileSync(join(out, 'events_segment.csv'), segment.map((row) => row.map(csv).join(',')).join('\n') + '\n');
console.log(`wrote ${iso.length - 1} events of ${n} customers (${orders} orders) to ${out}`);
