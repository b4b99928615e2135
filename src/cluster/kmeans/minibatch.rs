//! Mini-batch k-means (Sculley 2010), as scikit-learn's `MiniBatchKMeans`
//! with a stronger start: full k-means on a random subsample (best of 3; scikit-learn
//! takes k-means++ seeds on its subsample as they are), then steps
//! on random batches (drawn with replacement) that move each centre towards
//! the mean of its batch members with a per-centre learning rate of
//! 1 / (points it has seen), stopping when the smoothed batch inertia has not
//! improved for 10 steps or after `max_epochs` passes over the data. Labels
//! and inertia come from a final full assignment. For large inputs: each step
//! costs one batch, not the whole data. (scikit-learn's reassignment of
//! near-empty centres is not done.)

use ndarray::Array2;
use rand::Rng;

use super::{nearest, KMeansModel};
use crate::rng::SegRng;

/// Steps without improvement of the smoothed batch inertia before stopping (scikit-learn's default).
const MAX_NO_IMPROVEMENT: u32 = 10;
/// k-means runs tried on the init subsample (scikit-learn's `n_init` for mini-batch).
const INIT_TRIES: usize = 3;
/// Rows of the init subsample (at least; three batches when that is more).
const INIT_ROWS: usize = 2_048;

/// One mini-batch fit of `x` (rows = samples) into `k` clusters.
pub(super) fn run(x: &Array2<f64>, k: usize, batch: usize, max_epochs: u32, rng: &mut SegRng) -> KMeansModel {
    let xs = x.as_standard_layout();
    let data = xs.as_slice().unwrap_or(&[]);
    let (n, d) = (x.nrows(), x.ncols());
    let batch = batch.clamp(1, n.max(1));
    let row = |i: usize| &data[i * d..(i + 1) * d];
    // Initial centres: full k-means (k-means++ then Lloyd) on a random subsample of 2,048 rows
    // (three batches when that is more), best of three. Cheap next to the data, and it avoids
    // the poor local optima (two centres in one group) that batch updates alone cannot undo.
    let init_n = (3 * batch).max(3 * k).max(INIT_ROWS).min(n);
    let sample: Vec<f64> = (0..init_n).flat_map(|_| row(rng.random_range(0..n)).iter().copied()).collect();
    let sample = Array2::from_shape_vec((init_n, d), sample).unwrap_or_else(|_| Array2::zeros((0, d)));
    let tol = super::lloyd::absolute_tol(&sample, 1e-4);
    let mut best: Option<KMeansModel> = None;
    for _ in 0..INIT_TRIES {
        let m = super::lloyd::run(&sample, k, 100, tol, rng);
        if best.as_ref().is_none_or(|b| m.inertia < b.inertia) {
            best = Some(m);
        }
    }
    let Some(init) = best else { return super::lloyd::run(x, k, 1, 0.0, rng) };
    let mut centers: Vec<f64> = init.centroids.iter().copied().collect();
    let mut counts = vec![0f64; k];
    let steps = ((u64::from(max_epochs) * n as u64).div_ceil(batch as u64)).max(1);
    let alpha = (2.0 * batch as f64 / (n as f64 + 1.0)).min(1.0);
    let (mut ewa, mut ewa_min, mut stale) = (f64::NAN, f64::INFINITY, 0);
    let mut sums = vec![0.0; k * d];
    let mut members = vec![0f64; k];
    let mut n_iter = 0;
    for _ in 0..steps {
        n_iter += 1;
        sums.fill(0.0);
        members.fill(0.0);
        let mut batch_inertia = 0.0;
        for _ in 0..batch {
            let p = row(rng.random_range(0..n));
            let (c, dist) = nearest(p, &centers, d);
            batch_inertia += dist;
            members[c] += 1.0;
            for (s, v) in sums[c * d..(c + 1) * d].iter_mut().zip(p) {
                *s += v;
            }
        }
        for c in 0..k {
            if members[c] == 0.0 {
                continue;
            }
            counts[c] += members[c];
            let rate = 1.0 / counts[c];
            for (cv, s) in centers[c * d..(c + 1) * d].iter_mut().zip(&sums[c * d..(c + 1) * d]) {
                // centre ← centre + (Σ batch members − m·centre) / (points seen so far)
                *cv += (s - members[c] * *cv) * rate;
            }
        }
        let per_point = batch_inertia / batch as f64;
        ewa = if ewa.is_nan() { per_point } else { ewa * (1.0 - alpha) + per_point * alpha };
        if ewa < ewa_min {
            ewa_min = ewa;
            stale = 0;
        } else {
            stale += 1;
            if stale >= MAX_NO_IMPROVEMENT {
                break;
            }
        }
    }
    let (mut labels, mut inertia) = (Vec::with_capacity(n), 0.0);
    for i in 0..n {
        let (c, dist) = nearest(row(i), &centers, d);
        labels.push(c as u32);
        inertia += dist;
    }
    let centroids = Array2::from_shape_vec((k, d), centers).unwrap_or_else(|_| Array2::zeros((k, d)));
    KMeansModel { centroids, labels, inertia, n_iter, converged: stale >= MAX_NO_IMPROVEMENT }
}
