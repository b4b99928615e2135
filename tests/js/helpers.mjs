// Test helpers: seeded data generators and a reference adjusted Rand index.
// The ARI here is written from its definition (Hubert & Arabie 1985), as an
// independent check of the labels the product produces.
import { rng, normal } from '../../scripts/gen-sample.mjs';

/**
 * Isotropic Gaussian blobs like sklearn.datasets.make_blobs.
 * @param {{ n: number, centers: number[][], std: number, seed: number }} o
 * @returns {{ rows: number[][], truth: number[] }}
 */
export function blobs({ n, centers, std, seed }) {
  const r = rng(seed);
  const rows = [];
  const truth = [];
  for (let i = 0; i < n; i++) {
    const c = i % centers.length;
    rows.push(centers[c].map((m) => m + std * normal(r)));
    truth.push(c);
  }
  return { rows, truth };
}

/** @param {number} n */
const comb2 = (n) => (n * (n - 1)) / 2;

/**
 * Adjusted Rand index between two labelings.
 * @param {ArrayLike<number>} a @param {ArrayLike<number>} b
 */
export function adjustedRandIndex(a, b) {
  if (a.length !== b.length) throw new Error('length mismatch');
  const table = new Map();
  const ra = new Map();
  const rb = new Map();
  for (let i = 0; i < a.length; i++) {
    const key = `${a[i]}|${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    ra.set(a[i], (ra.get(a[i]) ?? 0) + 1);
    rb.set(b[i], (rb.get(b[i]) ?? 0) + 1);
  }
  let index = 0;
  for (const v of table.values()) index += comb2(v);
  let sa = 0;
  for (const v of ra.values()) sa += comb2(v);
  let sb = 0;
  for (const v of rb.values()) sb += comb2(v);
  const expected = (sa * sb) / comb2(a.length);
  const max = (sa + sb) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

/** Parses the labels CSV (id,segment,name) into segment numbers; ids here never need quoting. */
export function parseLabels(csv) {
  const lines = csv.trim().split('\n');
  if (lines[0] !== 'id,segment,name') throw new Error(`bad header ${lines[0]}`);
  return lines.slice(1).map((l) => Number(l.split(',')[1]));
}
