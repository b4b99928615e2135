// The hostile corpus (tests/hostile/) through the Wasm API under Node and
// through the CLI: the same expected outcome as natively (tests/hostile.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { segmentSync, SeglensError } from '../../www/node.js';

const DIR = fileURLToPath(new URL('../hostile/', import.meta.url));
const CLI = fileURLToPath(new URL('../../www/cli.mjs', import.meta.url));
/** @type {Record<string, { error?: string, contains?: string, customers?: number, skipped?: number, warns?: string, options?: Record<string, unknown> }>} */
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8'));
const out = mkdtempSync(join(tmpdir(), 'seglens-hostile-'));

/** CLI flags for the corpus options. @param {Record<string, unknown>} o */
function flags(o) {
  const f = ['--k', String(o.k ?? 2)];
  if (o.method) f.push('--method', String(o.method));
  if (o.input) f.push('--input', String(o.input));
  if (o.timeColumn) f.push('--time-column', String(o.timeColumn));
  return f;
}

test('Wasm under Node: every hostile file has its expected outcome', () => {
  for (const [name, want] of Object.entries(expected)) {
    const bytes = new Uint8Array(readFileSync(join(DIR, 'files', name)));
    let result;
    try {
      result = segmentSync(bytes, { k: 2, ...want.options });
    } catch (e) {
      assert.ok(e instanceof SeglensError, `${name}: ${e}`);
      assert.ok(want.error, `${name}: unexpected error ${e.code}: ${e.message}`);
      assert.equal(e.code, want.error, `${name}: ${e.message}`);
      assert.ok(e.message.includes(want.contains ?? ''), `${name}: ${e.message}`);
      continue;
    }
    assert.ok(!want.error, `${name}: succeeded, expected ${want.error}`);
    assert.equal(result.report.customers, want.customers, name);
    assert.equal(result.report.rows_skipped, want.skipped, name);
    assert.equal(result.labels.length, want.customers, name);
  }
});

test('CLI: errors are one line on stderr with exit 1; results write labels for every customer', () => {
  for (const [name, want] of Object.entries(expected)) {
    const labels = join(out, `${name}.labels.csv`);
    const r = spawnSync(process.execPath, [CLI, 'segment', join(DIR, 'files', name), ...flags(want.options ?? {}), '--labels', labels], { encoding: 'utf8' });
    if (want.error) {
      assert.equal(r.status, 1, `${name}: ${r.stdout}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${name}: ${r.stderr}`);
      assert.ok(r.stderr.includes(want.contains ?? ''), `${name}: ${r.stderr}`);
    } else {
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      // one line per customer plus the header; ids may span lines when quoted, so count records loosely
      const text = readFileSync(labels, 'utf8');
      assert.ok(text.startsWith('id,segment,name\n'), name);
    }
  }
});
