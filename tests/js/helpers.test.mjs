// The reference ARI must itself be right before it judges the product.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adjustedRandIndex } from './helpers.mjs';

test('adjusted Rand index matches known values', () => {
  // sklearn.metrics.adjusted_rand_score([0,0,1,1],[1,1,0,0]) == 1.0
  assert.equal(adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0]), 1);
  // adjusted_rand_score([0,0,1,1],[0,0,1,2]) == 0.5714285714285715
  assert.ok(Math.abs(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]) - 0.5714285714285715) < 1e-12);
  // adjusted_rand_score([0,0,0,0],[0,1,2,3]) == 0.0
  assert.equal(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3]), 0);
});
