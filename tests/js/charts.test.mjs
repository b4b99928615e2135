// The distribution chart's box statistics, checked against numpy's default (linear) quantiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantileSorted } from '../../www/charts.js';

test('quantiles match numpy.quantile (method "linear")', () => {
  const v = Float64Array.from([1, 2, 3, 4]);
  // numpy.quantile([1, 2, 3, 4], [0, 0.25, 0.5, 0.75, 1]) == [1, 1.75, 2.5, 3.25, 4]
  assert.deepEqual([0, 0.25, 0.5, 0.75, 1].map((p) => quantileSorted(v, p)), [1, 1.75, 2.5, 3.25, 4]);
  // numpy.quantile([0, 10, 10, 40, 100], [0.25, 0.9]) == [10, 76]
  const w = Float64Array.from([0, 10, 10, 40, 100]);
  assert.deepEqual([0.25, 0.9].map((p) => quantileSorted(w, p)), [10, 76]);
  assert.equal(quantileSorted(Float64Array.from([7]), 0.5), 7);
});
