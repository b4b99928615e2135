// SQL export without an engine: refusals, quoting, constants and the CLI
// contract. Whether the SQL gives the same answers as predict is checked on
// DuckDB and Spark by tests/engines (part of npm test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { segmentSync } from '../../www/node.js';
import { exportSql } from '../../www/sql.js';

const CLI = fileURLToPath(new URL('../../www/cli.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'seglens-sql-'));
const events = readFileSync(new URL('../fixtures/events_small.csv', import.meta.url), 'utf8');
const model = JSON.parse(segmentSync(events, { k: 3, seed: 0 }).modelJson);

/** @param {string[]} args */
const cli = (args) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

test('every model constant is written as a literal that reads back to the same double', () => {
  const sql = exportSql(model);
  const literals = new Set([...sql.matchAll(/-?\d(?:\.\d+)?e[+-]\d+/g)].map((m) => Number(m[0])));
  for (const v of [...model.fill, ...model.scaler.center, ...model.scaler.scale, ...model.centroids.flat()]) {
    assert.ok(literals.has(v), `constant ${v} is not in the SQL`);
  }
});

test('k-means picks the lowest index on ties, as seglens does', () => {
  const sql = exportSql(model);
  assert.match(sql, /CASE WHEN d0 <= d1 AND d0 <= d2 THEN 0 WHEN d1 <= d2 THEN 1 ELSE 2 END AS segment/);
});

test('names from the model are quoted for each dialect, never spliced in', () => {
  const evil = "x'); DROP TABLE t; -- \\ `\"";
  const rows = [
    'user_id,timestamp,event,revenue',
    ...Array.from({ length: 30 }, (_, i) => `u${i % 10},2024-01-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z,"${i % 2 ? evil.replaceAll('"', '""') : 'view'}",${i % 3 ? '' : '5'}`),
  ].join('\n');
  const m = JSON.parse(segmentSync(rows, { k: 2, features: [`count:${evil}`, 'orders'] }).modelJson);
  const duck = exportSql(m, { dialect: 'duckdb', withFeatures: true });
  assert.ok(duck.includes(`ev = 'x''); DROP TABLE t; -- \\ \`"'`), 'DuckDB doubles single quotes, keeps backslashes');
  assert.ok(duck.includes(`"count:x'); DROP TABLE t; -- \\ \`"""`), 'DuckDB identifiers double their quotes');
  const spark = exportSql(m, { dialect: 'spark', withFeatures: true });
  assert.ok(spark.includes(`ev = 'x\\'); DROP TABLE t; -- \\\\ \`"'`), 'Spark escapes quotes and backslashes');
  assert.ok(spark.includes('`count:x\'); DROP TABLE t; -- \\ ``"`'), 'Spark identifiers double their backticks');
});

test('refuses what it cannot export, with a code', () => {
  assert.throws(() => exportSql({ format: 'other' }), { code: 'bad_model' });
  assert.throws(() => exportSql({ ...model, version: 2 }), { code: 'bad_model' });
  assert.throws(() => exportSql({ ...model, fill: [1] }), { code: 'bad_model' });
  assert.throws(() => exportSql(model, { dialect: /** @type {any} */ ('oracle') }), { code: 'bad_options' });
  assert.throws(() => exportSql(model, { timeType: /** @type {any} */ ('julian') }), { code: 'bad_options' });
  assert.throws(() => exportSql(model, { asOf: 'yesterday' }), { code: 'bad_options' });
  assert.throws(() => exportSql(model, { dialect: 'ansi', timeType: 'dmy' }), { code: 'bad_options' });
  assert.throws(() => exportSql({ ...model, features: [...model.features.slice(0, -1), 'nonsense'] }), {
    code: 'bad_model',
  });
  assert.throws(() => exportSql({ ...model, features: [...model.features.slice(0, -1), 'p_alive'] }), /BG\/NBD/);
});

test('asOf is a fixed instant (UTC), the default is last event + 1 day', () => {
  assert.match(exportSql(model, { asOf: '2024-03-01' }), /SELECT 1709251200 AS as_of/);
  assert.match(exportSql(model, { asOf: '2024-03-01T12:00:00' }), /SELECT 1709294400 AS as_of/);
  assert.match(exportSql(model), /SELECT MAX\(ts\) \+ 86400 AS as_of/);
});

test('CLI: export-sql writes the query; usage errors exit 2, unreadable models exit 1', () => {
  const m = join(dir, 'model.json');
  writeFileSync(m, JSON.stringify(model));
  const out = join(dir, 'q.sql');
  const ok = cli(['export-sql', '--model', m, '--dialect', 'spark', '--table', 'analytics.events', '--out', out]);
  assert.equal(ok.status, 0, ok.stderr);
  const sql = readFileSync(out, 'utf8');
  assert.equal(sql, exportSql(model, { dialect: 'spark', table: 'analytics.events' }));
  assert.match(sql, /FROM analytics\.events/);
  assert.equal(cli(['export-sql']).status, 2);
  assert.equal(cli(['export-sql', 'data.csv', '--model', m]).status, 2);
  assert.equal(cli(['export-sql', '--model', m, '--dialect', 'oracle']).status, 2);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"format": "seglens-model", "version": 7}');
  const r = cli(['export-sql', '--model', bad]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /version 7/);
});
