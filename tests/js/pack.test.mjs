// The npm package as users get it: `npm pack`, install the tarball into a
// throwaway project, then use it from Node ESM, the CLI bin, and TypeScript.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'seglens-pack-'));
const app = join(work, 'app');
/** @type {{ files: { path: string }[], filename: string }} */
let pack;

/**
 * Serves `dir`, opens `page` in headless Chromium and waits for the page to publish its outcome
 * in `document.body.dataset.result`. Returns it parsed, with every URL requested and console errors.
 * @param {string} dir
 * @param {string} [path]
 * @returns {Promise<{ result: any, requests: string[], errors: string[] }>}
 */
async function resultInChromium(dir, path = '') {
  const { chromiumPath } = await import('../browser/browser.mjs');
  const { serve } = await import('../../scripts/serve.mjs');
  const { chromium } = await import('playwright-core');
  const server = await serve(dir, 0);
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const ctx = await browser.newContext();
    /** @type {string[]} */
    const requests = [];
    /** @type {string[]} */
    const errors = [];
    ctx.on('request', (r) => requests.push(r.url()));
    const page = await ctx.newPage();
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(server.url + path);
    await page.waitForFunction(() => document.body.dataset.result, null, { timeout: 30000 });
    return { result: JSON.parse((await page.getAttribute('body', 'data-result')) ?? '{}'), requests, errors };
  } finally {
    await browser.close();
    await server.close();
  }
}

before(() => {
  // The Wasm and the declarations are built by npm test before this runs (prepack builds them on publish).
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8' });
  pack = JSON.parse(out)[0];
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  execFileSync('npm', ['install', join(work, pack.filename), '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app, encoding: 'utf8' });
});

test('the tarball holds the Wasm, the JS, the declarations and nothing else', () => {
  const files = pack.files.map((f) => f.path);
  for (const f of ['www/pkg/seglens_bg.wasm', 'www/pkg/seglens.js', 'www/index.js', 'www/node.js', 'www/element.js', 'www/worker.js', 'www/cli.mjs', 'www/dts/index.d.ts', 'www/dts/types.d.ts', 'www/sql.js', 'www/inline.js', 'www/pkg/seglens_inline.js', 'www/dts/inline.d.ts']) {
    assert.ok(files.includes(f), `missing ${f}`);
  }
  assert.deepEqual(files.filter((f) => f.endsWith('.wasm')).sort(), ['www/pkg-parallel/seglens_parallel_bg.wasm', 'www/pkg/seglens_bg.wasm', 'www/pkg/seglens_simd_bg.wasm'], 'the scalar, SIMD and parallel builds, nothing else');
  assert.deepEqual(files.filter((f) => /^(src|tests|scripts|benches|dist)\//.test(f) || f.includes('sample')), []);
});

test('Node ESM: import { segment } from "seglens" works with no flags', () => {
  writeFileSync(join(app, 'run.mjs'), `
    import { segment, SeglensError } from 'seglens';
    const { report } = await segment('id,spend,visits\\na,1,1\\nb,2,1\\nc,50,9\\nd,52,8\\n', { k: 2 });
    let code = null;
    try { await segment('', {}); } catch (e) { code = e instanceof SeglensError ? e.code : 'wrong class'; }
    console.log(JSON.stringify({ k: report.k, customers: report.customers, code }));
  `);
  const out = JSON.parse(execFileSync(process.execPath, ['run.mjs'], { cwd: app, encoding: 'utf8' }));
  assert.deepEqual(out, { k: 2, customers: 4, code: 'empty_input' });
});

test('the seglens bin runs from node_modules/.bin', () => {
  const help = execFileSync(join(app, 'node_modules', '.bin', 'seglens'), ['--help'], { encoding: 'utf8' });
  assert.match(help, /seglens segment FILE/);
});

test('TypeScript: the declarations type-check a consumer', () => {
  writeFileSync(join(app, 'use.ts'), `
    import { segment, createSegmenter, SeglensError } from 'seglens';
    import { exportSql } from 'seglens/sql';
    import type { Report } from 'seglens';
    export async function run(file: Blob): Promise<number> {
      const r = await segment(file, { k: 'auto', method: 'kmeans', scale: 'robust' });
      const sql: string = exportSql(r.modelJson, { dialect: 'spark', table: 'db.events', timeType: 'epoch_ms' });
      const report: Report = r.report;
      const s = createSegmenter();
      s.dispose();
      const e = new SeglensError('x', { code: 'bad_input' });
      return report.segments.length + r.labels.length + e.message.length + sql.length;
    }
  `);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'esnext', moduleResolution: 'bundler', target: 'es2022', lib: ['es2022', 'dom'], skipLibCheck: false, types: [] }, files: ['use.ts'] }));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', '.'], { cwd: app, encoding: 'utf8' });
});

test('webpack 5 app: builds from the tarball and segments in Chromium (Wasm and worker found as assets)', async (t) => {
  const { chromiumPath } = await import('../browser/browser.mjs');
  if (!chromiumPath()) return t.skip('no Chromium');
  execFileSync('mkdir', ['-p', join(app, 'src')]);
  writeFileSync(join(app, 'src', 'index.js'), `
    import { segment } from 'seglens';
    const csv = 'id,spend,visits\\na,1,1\\nb,2,1\\nc,50,9\\nd,52,8\\n';
    segment(csv, { k: 2 }).then(
      (r) => { document.body.dataset.result = JSON.stringify({ k: r.report.k, customers: r.report.customers }); },
      (e) => { document.body.dataset.result = JSON.stringify({ error: String(e) }); },
    );
  `);
  writeFileSync(join(app, 'webpack.config.cjs'), `
    module.exports = { mode: 'production', context: __dirname, entry: './src/index.js',
      output: { path: __dirname + '/dist', filename: 'main.js', clean: true }, devtool: false };
  `);
  const webpack = join(root, 'node_modules', 'webpack', 'bin', 'webpack.js');
  execFileSync(process.execPath, [webpack, '--config', join(app, 'webpack.config.cjs')], { cwd: app, encoding: 'utf8' });
  writeFileSync(join(app, 'dist', 'index.html'),
    `<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"><link rel="icon" href="data:,"><script src="main.js"></script>`);
  const { result } = await resultInChromium(join(app, 'dist'));
  assert.deepEqual(result, { k: 2, customers: 4 });
});

test('Vite app (default config): builds from the tarball and segments in Chromium under a strict CSP', async (t) => {
  const { chromiumPath } = await import('../browser/browser.mjs');
  if (!chromiumPath()) return t.skip('no Chromium');
  const site = join(app, 'vite-site');
  execFileSync('mkdir', ['-p', site]);
  writeFileSync(join(site, 'index.html'), `<!doctype html>
    <meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'">
    <link rel="icon" href="data:,"><script type="module" src="./main.js"></script>`);
  writeFileSync(join(site, 'main.js'), `
    import { segment } from 'seglens';
    segment('id,spend,visits\\na,1,1\\nb,2,1\\nc,50,9\\nd,52,8\\n', { k: 2 }).then(
      (r) => { document.body.dataset.result = JSON.stringify({ k: r.report.k, customers: r.report.customers }); },
      (e) => { document.body.dataset.result = JSON.stringify({ error: String(e) }); },
    );
  `);
  const { build } = await import('vite');
  await build({ root: site, logLevel: 'error', configFile: false, build: { outDir: join(site, 'dist'), emptyOutDir: true } });
  const { result, errors } = await resultInChromium(join(site, 'dist'));
  assert.deepEqual(result, { k: 2, customers: 4 }, errors.join('\n'));
});

test('plain <script type="module"> page: the installed package works with no bundler', async (t) => {
  const { chromiumPath } = await import('../browser/browser.mjs');
  if (!chromiumPath()) return t.skip('no Chromium');
  writeFileSync(join(app, 'plain.html'), `<!doctype html>
    <meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'">
    <link rel="icon" href="data:,"><script type="module" src="plain.js"></script>`);
  writeFileSync(join(app, 'plain.js'), `
    import { segment } from './node_modules/seglens/www/index.js';
    segment(new TextEncoder().encode('id,x\\na,1\\nb,2\\nc,40\\nd,41\\ne,42\\n'), { k: 2 }).then(
      (r) => { document.body.dataset.result = JSON.stringify(r.report.segments.map((s) => s.size)); },
      (e) => { document.body.dataset.result = JSON.stringify({ error: String(e) }); },
    );
  `);
  const { result } = await resultInChromium(app, 'plain.html');
  assert.deepEqual(result, [3, 2]);
});

test('seglens/parallel in Chromium, no bundler: two Web Workers give the one-thread k-means bit for bit', async (t) => {
  const { chromiumPath } = await import('../browser/browser.mjs');
  if (!chromiumPath()) return t.skip('no Chromium');
  // The same rows in the page and here: 20,000 × 3 (5 blocks of 4,096 rows, so both workers get rows).
  const rows = () => {
    let s = 5;
    const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    return Float64Array.from({ length: 60000 }, (_, i) => (i % 4) * 3 + r() * 4);
  };
  const gen = `(${rows})()`;
  writeFileSync(join(app, 'parallel.html'), `<!doctype html>
    <meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'">
    <link rel="icon" href="data:,"><script type="module" src="parallel.js"></script>`);
  writeFileSync(join(app, 'parallel.js'), `
    import { kmeansParallel } from './node_modules/seglens/www/parallel.js';
    kmeansParallel(${gen}, 3, { k: 4, seed: 2, nInit: 2, workers: 2 }).then(
      (r) => { document.body.dataset.result = JSON.stringify({ workers: r.workers, labels: Array.from(r.labels), centroids: Array.from(r.centroids), inertia: r.inertia, n_iter: r.n_iter }); },
      (e) => { document.body.dataset.result = JSON.stringify({ error: String(e) }); },
    );
  `);
  const { result, requests, errors } = await resultInChromium(app, 'parallel.html');
  const { kmeansSync } = await import('../../www/node.js');
  const one = kmeansSync(rows(), 3, { k: 4, seed: 2, nInit: 2 });
  assert.deepEqual(result, { workers: 2, labels: Array.from(one.labels), centroids: Array.from(one.centroids), inertia: one.inertia, n_iter: one.n_iter }, errors.join('\n'));
  assert.ok(requests.some((u) => u.endsWith('seglens_parallel_bg.wasm')), 'the workers load the parallel Wasm');
});

test('locked-down host: the Wasm from a URL the host chooses, or as bytes (never the default path); another release’s Wasm is refused', async (t) => {
  const { VERSION } = await import('../../www/version.js');
  const { chromiumPath } = await import('../browser/browser.mjs');
  if (!chromiumPath()) return t.skip('no Chromium');
  execFileSync('mkdir', ['-p', join(app, 'static')]);
  execFileSync('cp', [join(app, 'node_modules', 'seglens', 'www', 'pkg', 'seglens_bg.wasm'), join(app, 'static', 'engine.wasm')]);
  writeFileSync(join(app, 'locked.html'), `<!doctype html>
    <meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'">
    <link rel="icon" href="data:,"><script type="module" src="locked.js"></script>`);
  writeFileSync(join(app, 'locked.js'), `
    import { createSegmenter } from './node_modules/seglens/www/index.js';
    const data = new TextEncoder().encode('id,x\\na,1\\nb,2\\nc,40\\nd,41\\ne,42\\n');
    const byUrl = createSegmenter({ wasm: 'static/engine.wasm' });
    const bytes = await (await fetch('static/engine.wasm')).arrayBuffer();
    const byBytes = createSegmenter({ wasm: bytes });
    // The same file with another release's version string: refused, not half-working.
    const other = new Uint8Array(bytes.slice(0));
    const mark = new TextEncoder().encode('${VERSION}');
    for (let i = 0; i + mark.length <= other.length; i++) {
      if (mark.every((b, j) => other[i + j] === b)) other.set(new TextEncoder().encode('9.9.9'.slice(0, mark.length)), i);
    }
    const mismatch = await createSegmenter({ wasm: other }).segment(data, { k: 2 }).then(() => 'accepted', (e) => e.code);
    Promise.all([byUrl.segment(data, { k: 2 }), byBytes.segment(data, { k: 2 })]).then(
      (rs) => { document.body.dataset.result = JSON.stringify([...rs.map((r) => r.report.segments.map((s) => s.size)), mismatch]); },
      (e) => { document.body.dataset.result = JSON.stringify({ error: String(e) }); },
    );
  `);
  const { result, requests } = await resultInChromium(app, 'locked.html');
  assert.deepEqual(result, [[3, 2], [3, 2], 'version_mismatch']);
  assert.ok(requests.some((u) => u.endsWith('/static/engine.wasm')), 'the chosen URL was used');
  assert.deepEqual(requests.filter((u) => /seglens(_simd)?_bg\.wasm$/.test(u)), [], 'the default Wasm paths were never requested');
});

test('inline entry: Wasm embedded, no .wasm file and no worker; works in Node and under a CSP that forbids workers', async (t) => {
  writeFileSync(join(app, 'inline.mjs'), `
    import { segmentSync, exportSql } from 'seglens/inline';
    const r = segmentSync('id,x\\na,1\\nb,2\\nc,40\\nd,41\\ne,42\\n', { k: 2 });
    console.log(JSON.stringify({ sizes: r.report.segments.map((s) => s.size), sql: exportSql(r.modelJson).startsWith('-- seglens') }));
  `);
  const out = JSON.parse(execFileSync(process.execPath, ['inline.mjs'], { cwd: app, encoding: 'utf8' }));
  assert.deepEqual(out, { sizes: [3, 2], sql: true });
  const { chromiumPath } = await import('../browser/browser.mjs');
  if (!chromiumPath()) return t.skip('no Chromium');
  writeFileSync(join(app, 'inline.html'), `<!doctype html>
    <meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'none'">
    <link rel="icon" href="data:,"><script type="module" src="inline-page.js"></script>`);
  writeFileSync(join(app, 'inline-page.js'), `
    import { segment } from './node_modules/seglens/www/inline.js';
    segment([{ id: 'a', x: 1 }, { id: 'b', x: 2 }, { id: 'c', x: 40 }, { id: 'd', x: 41 }, { id: 'e', x: 42 }], { k: 2 }).then(
      (r) => { document.body.dataset.result = JSON.stringify(r.report.segments.map((s) => s.size)); },
      (e) => { document.body.dataset.result = JSON.stringify({ error: String(e) }); },
    );
  `);
  const { result, requests } = await resultInChromium(app, 'inline.html');
  assert.deepEqual(result, [3, 2]);
  assert.deepEqual(requests.filter((u) => u.endsWith('.wasm') || u.includes('worker')), []);
});
