// The CLI contract of DESIGN.md, run as a user would: a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adjustedRandIndex, blobs, parseLabels } from './helpers.mjs';

const CLI = fileURLToPath(new URL('../../www/cli.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'seglens-cli-'));

/** @param {string[]} args */
const cli = (args) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

test('recovers 4 generated clusters from a 10k-row CSV (ARI >= 0.95)', () => {
  const { rows, truth } = blobs({ n: 10000, centers: [[0, 0, 0], [6, 6, 0], [0, 6, 6], [6, 0, 6]], std: 1.2, seed: 11 });
  const file = join(dir, 'blobs.csv');
  writeFileSync(file, 'id,a,b,c\n' + rows.map((r, i) => `u${i},${r.map((v) => v.toFixed(5)).join(',')}`).join('\n') + '\n');
  const labels = join(dir, 'labels.csv');
  const report = join(dir, 'report.json');
  const r = cli(['segment', file, '--method', 'kmeans', '--k', '4', '--seed', '0', '--labels', labels, '--report', report]);
  assert.equal(r.status, 0, r.stderr);
  const got = parseLabels(readFileSync(labels, 'utf8'));
  assert.equal(got.length, 10000);
  const ari = adjustedRandIndex(got, truth);
  assert.ok(ari >= 0.95, `ARI ${ari}`);
  const rep = JSON.parse(readFileSync(report, 'utf8'));
  assert.equal(rep.k, 4);
  assert.equal(rep.customers, 10000);
  assert.deepEqual(rep.features, ['a', 'b', 'c']);
  assert.equal(rep.segments.reduce((s, x) => s + x.size, 0), 10000);
  // segment sizes in the report agree with the labels file
  for (const s of rep.segments) assert.equal(s.size, got.filter((l) => l === s.id).length);
});

test('same seed gives byte-identical outputs; another seed is still valid', () => {
  const f = fileURLToPath(new URL('../fixtures/shop_400.csv', import.meta.url));
  const out = (name) => join(dir, name);
  for (const run of ['a', 'b']) {
    const r = cli(['segment', f, '--k', '3', '--seed', '7', '--labels', out(`l${run}.csv`), '--report', out(`r${run}.json`)]);
    assert.equal(r.status, 0, r.stderr);
  }
  assert.equal(readFileSync(out('la.csv'), 'utf8'), readFileSync(out('lb.csv'), 'utf8'));
  assert.equal(readFileSync(out('ra.json'), 'utf8'), readFileSync(out('rb.json'), 'utf8'));
});

test('unusable input: one-line reason on stderr, non-zero exit', () => {
  const empty = join(dir, 'empty.csv');
  writeFileSync(empty, '');
  const text = join(dir, 'text.csv');
  writeFileSync(text, 'name,city\nann,paris\nbob,rome\n');
  for (const [file, needle] of [[empty, 'empty'], [text, 'no numeric columns'], [join(dir, 'missing.csv'), 'cannot read']]) {
    const r = cli(['segment', file]);
    assert.equal(r.status, 1, `${file}: ${r.stdout}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(needle));
  }
});

test('bad usage exits 2 with a pointer to --help', () => {
  assert.equal(cli(['frobnicate', 'x.csv']).status, 2);
  const r = cli(['segment', 'x.csv', '--k', 'lots']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--k expects a number/);
  assert.match(execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' }), /seglens segment FILE/);
});

test('--k auto fills k_search and picks the best silhouette', () => {
  const { rows } = blobs({ n: 600, centers: [[0, 0], [8, 8], [0, 8]], std: 0.8, seed: 3 });
  const file = join(dir, 'auto.csv');
  writeFileSync(file, 'x,y\n' + rows.map((r) => r.join(',')).join('\n') + '\n');
  const report = join(dir, 'auto.json');
  const r = cli(['segment', file, '--k', 'auto', '--report', report]);
  assert.equal(r.status, 0, r.stderr);
  const rep = JSON.parse(readFileSync(report, 'utf8'));
  assert.equal(rep.k, 3);
  assert.deepEqual(rep.k_search.map((e) => e.k), [2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const best = rep.k_search.reduce((a, b) => (b.silhouette > a.silhouette ? b : a));
  assert.equal(best.k, rep.k);
});

test('rfm subcommand writes the DESIGN.md table, one row per customer in first-appearance order', () => {
  const f = fileURLToPath(new URL('../fixtures/events_small.csv', import.meta.url));
  const out = join(dir, 'rfm.csv');
  const r = cli(['rfm', f, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'id,recency,frequency,monetary,r,f,m,segment');
  assert.equal(lines.length, 151);
  const seen = [];
  for (const l of readFileSync(f, 'utf8').trim().split('\n').slice(1)) {
    const id = l.split(',')[0];
    if (!seen.includes(id)) seen.push(id);
  }
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), seen);
  // stdout when no --out
  const s = cli(['rfm', f]);
  assert.equal(s.stdout, readFileSync(out, 'utf8'));
});

test('cohorts subcommand prints retention and lifecycle and writes JSON', () => {
  const f = fileURLToPath(new URL('../fixtures/events_small.csv', import.meta.url));
  const out = join(dir, 'cohorts.json');
  const r = cli(['cohorts', f, '--period', 'month', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Retention \(first time, by month\)/);
  assert.match(r.stdout, /^2024-01 +53 +100%/m);
  const c = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(c.period, 'month');
  assert.equal(c.first_time[0].size, 53);
  const table = join(dir, 'table-only.csv');
  writeFileSync(table, 'id,x\na,1\nb,2\n');
  const bad = cli(['cohorts', table]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /event log/);
});

test('event logs in JSON Lines (Mixpanel export) are recognised', () => {
  const file = join(dir, 'mixpanel.jsonl');
  const lines = [];
  for (let u = 0; u < 30; u++) {
    for (let e = 0; e < 4; e++) {
      const props = { distinct_id: `user${u}`, time: 1704067200 + u * 86400 + e * 3600 };
      if (e === 3 && u % 2 === 0) Object.assign(props, { revenue: 10 + u });
      lines.push(JSON.stringify({ event: e === 3 && u % 2 === 0 ? 'Purchase' : 'Page View', properties: props }));
    }
  }
  writeFileSync(file, lines.join('\n') + '\n');
  const report = join(dir, 'mixpanel.json');
  const r = cli(['segment', file, '--method', 'rfm', '--report', report]);
  assert.equal(r.status, 0, r.stderr);
  const rep = JSON.parse(readFileSync(report, 'utf8'));
  assert.equal(rep.input, 'events');
  assert.equal(rep.preset, 'mixpanel');
  assert.equal(rep.format, 'jsonl');
  assert.equal(rep.customers, 30);
  const roles = Object.fromEntries(rep.columns.filter((c) => c.role).map((c) => [c.role, c.name]));
  assert.deepEqual(roles, { id: 'properties.distinct_id', time: 'properties.time', event: 'event', revenue: 'properties.revenue' });
});

test('--model-out then predict reproduces the labels', () => {
  const f = fileURLToPath(new URL('../fixtures/events_small.csv', import.meta.url));
  const [labels, model, again] = ['fit.csv', 'model.json', 'pred.csv'].map((n) => join(dir, n));
  assert.equal(cli(['segment', f, '--k', '4', '--labels', labels, '--model-out', model]).status, 0);
  const m = JSON.parse(readFileSync(model, 'utf8'));
  assert.equal(m.format, 'seglens-model');
  assert.equal(m.version, 1);
  const r = cli(['predict', f, '--model', model, '--labels', again]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(again, 'utf8'), readFileSync(labels, 'utf8'));
  const bad = join(dir, 'bad-model.json');
  writeFileSync(bad, '{"format": "something else"}');
  const e = cli(['predict', f, '--model', bad]);
  assert.equal(e.status, 1);
  assert.match(e.stderr, /not a seglens model/);
  assert.equal(cli(['predict', f]).status, 2);
});

test('rules method from --rules-file; a rule error points at line and column', () => {
  const f = fileURLToPath(new URL('../fixtures/events_small.csv', import.meta.url));
  const rules = join(dir, 'rules.txt');
  writeFileSync(rules, 'Big spenders: monetary > 500\nLapsed: recency_days > 120\nEveryone else: *\n');
  const report = join(dir, 'rules.json');
  const r = cli(['segment', f, '--method', 'rules', '--rules-file', rules, '--report', report]);
  assert.equal(r.status, 0, r.stderr);
  const rep = JSON.parse(readFileSync(report, 'utf8'));
  assert.equal(rep.method, 'rules');
  assert.deepEqual(rep.segments.map((s) => s.name).sort(), ['Big spenders', 'Everyone else', 'Lapsed']);
  const bad = cli(['segment', f, '--method', 'rules', '--rules', 'VIP: monetary >> 5']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /rules, line 1, column 16: expected a number after '>'/);
});

test('dbscan with --eps and --min-samples; outliers are their own segment', () => {
  const { rows } = blobs({ n: 600, centers: [[0, 0], [9, 9], [0, 9]], std: 0.5, seed: 5 });
  rows.push([30, -30], [-30, 30]);
  const file = join(dir, 'dbscan.csv');
  writeFileSync(file, 'x,y\n' + rows.map((r) => r.join(',')).join('\n') + '\n');
  const report = join(dir, 'dbscan.json');
  const r = cli(['segment', file, '--method', 'dbscan', '--eps', '0.3', '--min-samples', '5', '--log', 'none', '--report', report]);
  assert.equal(r.status, 0, r.stderr);
  const rep = JSON.parse(readFileSync(report, 'utf8'));
  assert.equal(rep.method, 'dbscan');
  assert.equal(rep.eps, 0.3);
  const outliers = rep.segments.find((s) => s.name === 'Outliers');
  assert.ok(outliers && outliers.size >= 2, JSON.stringify(rep.segments.map((s) => [s.name, s.size])));
  assert.equal(rep.segments.filter((s) => s.size >= 150).length, 3);
});

test('a variant column gives the experiment table per segment', () => {
  const f = fileURLToPath(new URL('../fixtures/events_ab.csv', import.meta.url));
  const report = join(dir, 'ab.json');
  const r = cli(['segment', f, '--k', '3', '--report', report]);
  assert.equal(r.status, 0, r.stderr);
  const rep = JSON.parse(readFileSync(report, 'utf8'));
  assert.equal(rep.experiment.column, 'variant');
  assert.equal(rep.experiment.segments.length, 4); // all customers + 3 segments
  const all = rep.experiment.segments[0];
  assert.equal(all.variants.reduce((s, v) => s + v.customers, 0), 150);
  assert.ok(all.p_conversion > 0 && all.p_conversion < 1);
});

test('--progress: stage lines on stderr, stdout unchanged', () => {
  const f = fileURLToPath(new URL('../fixtures/events_small.csv', import.meta.url));
  const quiet = cli(['segment', f, '--k', '3']);
  const loud = cli(['segment', f, '--k', '3', '--progress']);
  assert.equal(loud.status, 0, loud.stderr);
  assert.equal(loud.stdout, quiet.stdout);
  assert.equal(quiet.stderr, '', 'nothing on stderr when it is not a terminal');
  assert.match(loud.stderr, /^seglens: reading .*events_small\.csv \(0\.\d MB\)…\nseglens: read in \d+\.\d\d s; finding segments…\nseglens: done in \d+\.\d\d s\n$/);
});

test('output piped into a reader that stops early (| head) ends quietly', () => {
  const f = fileURLToPath(new URL('../fixtures/clv/cdnow_sample_orders.csv', import.meta.url));
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" rfm "${f}" | head -n 2`], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.equal(r.stdout.split('\n').length, 3);
  assert.equal(r.stderr, '', r.stderr);
});

test('an option value the core refuses is a usage error: exit 2, one clean line', () => {
  const f = fileURLToPath(new URL('../fixtures/events_small.csv', import.meta.url));
  /** @type {[string[], RegExp][]} */
  const cases = [
    [['--clip', 'foo'], /invalid options: unknown variant `foo`, expected one of `none`, `iqr`, `percentile`/],
    [['--mini-batch', '0'], /miniBatch = "0" is not valid: expected a batch size of at least 1 customer/],
  ];
  for (const [args, want] of cases) {
    const r = cli(['segment', f, ...args]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, want);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});
