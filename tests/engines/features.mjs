#!/usr/bin/env node
// seglens's own per-customer features for a saved model's feature list, as
// CSV (id, then one column per model feature; empty for missing), read the
// way `predict` reads the data. The engine checks compare the SQL's features
// with these.
//
//   node tests/engines/features.mjs DATA MODEL.json [AS_OF] > features.csv
import { readFileSync } from 'node:fs';
import { featuresSync } from '../../www/node.js';

const [data, modelPath, asOf] = process.argv.slice(2);
const model = JSON.parse(readFileSync(modelPath, 'utf8'));
const fo = model.feature_options ?? {};
const roles = model.roles ?? {};
const t = featuresSync(readFileSync(data), {
  input: model.input,
  idColumn: roles.id_column ?? undefined,
  timeColumn: roles.time_column ?? undefined,
  eventColumn: roles.event_column ?? undefined,
  revenueColumn: roles.revenue_column ?? undefined,
  asOf: asOf || undefined,
  lookbackDays: fo.lookbackDays ?? undefined,
  sessionGapMin: fo.sessionGapMin ?? undefined,
  purchaseEvents: fo.purchaseEvents ?? undefined,
});
const cols = model.features.map((/** @type {string} */ f) => t.names.indexOf(f));
const lines = [['id', ...model.features].map((s) => JSON.stringify(s)).join(',')];
for (let i = 0; i < t.ids.length; i++) {
  const row = cols.map((/** @type {number} */ j) => {
    const v = t.values[i * t.names.length + j];
    return Number.isNaN(v) ? '' : String(v);
  });
  lines.push([JSON.stringify(t.ids[i]), ...row].join(','));
}
process.stdout.write(lines.join('\n') + '\n');
