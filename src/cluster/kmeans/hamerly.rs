//! Hamerly's accelerated k-means (Hamerly 2010, "Making k-means even
//! faster"): the same iterations as Lloyd, giving the same labels and
//! centres, but most points skip most distance computations. Each point
//! keeps an upper bound on the distance to its centre and a lower bound on
//! the distance to every other centre; when the upper bound is below
//! max(lower bound, half the distance from its centre to the nearest other
//! centre), the point cannot change cluster and is not looked at. Chosen over
//! Elkan because it keeps one lower bound per point (O(n) memory, not O(n·k)),
//! which matters at a million customers in a browser tab.

use ndarray::Array2;

use super::blocks;
use super::lloyd::{self, update};
use super::{sq_dist, KMeansModel};

/// Prune only with a relative margin, so rounding in the accumulated bounds
/// can never skip a point whose nearest centre changed (near-ties are
/// recomputed exactly, with Lloyd's lowest-index rule).
pub(super) const MARGIN: f64 = 1.0 - 1e-9;

/// Nearest and second-nearest centre of `p`: (index, squared distance, second squared distance).
pub(super) fn two_nearest(p: &[f64], centers: &[f64], d: usize) -> (usize, f64, f64) {
    two_nearest_knowing(p, centers, d, usize::MAX, 0.0)
}

/// [`two_nearest`] for a row whose squared distance to centre `own` is already known (`own_sq`,
/// from the same [`sq_dist`]): that distance is not computed again, and the answer is the same.
fn two_nearest_knowing(p: &[f64], centers: &[f64], d: usize, own: usize, own_sq: f64) -> (usize, f64, f64) {
    let (mut best, mut b1, mut b2) = (0, f64::INFINITY, f64::INFINITY);
    for (j, c) in centers.chunks_exact(d).enumerate() {
        let dist = if j == own { own_sq } else { sq_dist(p, c) };
        if dist < b1 {
            b2 = b1;
            b1 = dist;
            best = j;
        } else if dist < b2 {
            b2 = dist;
        }
    }
    (best, b1, b2)
}

/// The centres' moves as the bounds need them: each centre's shift, and the largest shift, its
/// centre, and the second largest (a row's lower bound drops by the largest shift of any centre
/// other than its own), with half the gap from each centre to its nearest other.
pub(super) struct Moves {
    pub shift: Vec<f64>,
    pub largest: (f64, usize, f64),
    pub half_gap: Vec<f64>,
}

impl Moves {
    pub fn new(shift: Vec<f64>, centers: &[f64], k: usize, d: usize) -> Moves {
        Moves { largest: two_largest(&shift), half_gap: half_gaps(centers, k, d), shift }
    }
}

/// One row's Hamerly step after the centres moved: loosens its bounds by the moves and, only
/// when they no longer prove its centre nearest, tightens the upper bound and then (if still
/// needed) looks at every centre. Returns whether its label changed.
#[inline]
fn step_row(p: &[f64], centers: &[f64], d: usize, m: &Moves, row: (&mut u32, &mut f64, &mut f64)) -> bool {
    let (label, upper, lower) = row;
    let a = *label as usize;
    let (m1, a1, m2) = m.largest;
    *upper += m.shift.get(a).copied().unwrap_or(f64::INFINITY);
    *lower -= if a == a1 { m2 } else { m1 };
    let bound = m.half_gap.get(a).copied().unwrap_or(0.0).max(*lower);
    if *upper < bound * MARGIN {
        return false;
    }
    let own_sq = sq_dist(p, centers.get(a * d..(a + 1) * d).unwrap_or_default());
    *upper = own_sq.sqrt();
    if *upper < bound * MARGIN {
        return false;
    }
    let (j, b1, b2) = two_nearest_knowing(p, centers, d, a, own_sq);
    *label = j as u32;
    *upper = b1.sqrt();
    *lower = b2.sqrt();
    j != a
}

/// The largest centre shift, its centre, and the second largest: a row's lower bound drops by
/// the largest shift of any centre other than its own.
fn two_largest(shift: &[f64]) -> (f64, usize, f64) {
    let (mut m1, mut a1, mut m2) = (0.0, 0usize, 0.0);
    for (c, &s) in shift.iter().enumerate() {
        if s > m1 {
            m2 = m1;
            m1 = s;
            a1 = c;
        } else if s > m2 {
            m2 = s;
        }
    }
    (m1, a1, m2)
}

/// Half the distance from each centre to its nearest other centre: a row closer than that to
/// its own centre cannot be closer to another.
fn half_gaps(centers: &[f64], k: usize, d: usize) -> Vec<f64> {
    let centre = |c: usize| centers.get(c * d..(c + 1) * d).unwrap_or_default();
    (0..k)
        .map(|c| {
            0.5 * (0..k).filter(|&o| o != c).map(|o| sq_dist(centre(c), centre(o))).fold(f64::INFINITY, f64::min).sqrt()
        })
        .collect()
}

/// Every row's label and bounds.
pub(super) struct Bounds<'a> {
    pub labels: &'a mut [u32],
    pub upper: &'a mut [f64],
    pub lower: &'a mut [f64],
}

/// One iteration's pass over the rows: every row's [`step_row`], and the new per-block sums.
/// Returns how many labels changed. A function of its own, called once per iteration, so V8
/// runs optimised code after the first iterations (see `crate::tiers`).
#[inline(never)]
pub(super) fn pass(
    data: &[f64],
    d: usize,
    centers: &[f64],
    moves: &Moves,
    b: Bounds,
    acc: (&mut [f64], &mut [u64]),
) -> usize {
    let (sums, counts) = acc;
    let k = counts.len();
    let rows = data.chunks_exact(d).zip(b.labels.iter_mut()).zip(b.upper.iter_mut().zip(b.lower.iter_mut()));
    let mut changed = 0;
    for (i, ((p, label), (up, low))) in rows.enumerate() {
        changed += usize::from(step_row(p, centers, d, moves, (&mut *label, up, low)));
        blocks::accumulate(sums, counts, p, i, *label as usize, k, d);
    }
    changed
}

/// Hamerly iterations from given centres, with Lloyd's stopping rule.
pub(super) fn run_from(x: &Array2<f64>, mut centers: Vec<f64>, max_iter: u32, tol: f64) -> KMeansModel {
    let (n, d) = (x.nrows(), x.ncols());
    let k = centers.len() / d.max(1);
    if k < 2 || d == 0 {
        return lloyd::run_from(x, centers, max_iter, tol);
    }
    let xs = x.as_standard_layout();
    let data = xs.as_slice().unwrap_or(&[]);
    let mut labels = vec![0u32; n];
    let mut upper = vec![0.0; n];
    let mut lower = vec![0.0; n];
    // Per-cluster sums of the rows, accumulated in the assignment pass itself, per block of rows
    // as Lloyd's M-step and the parallel shards sum them (blocks.rs), so the centres are
    // bit-identical: one pass over the data per iteration instead of two.
    let mut sums = blocks::zeroed(n, k, d);
    let mut counts = vec![0u64; k];
    for (i, p) in data.chunks_exact(d).enumerate() {
        let (j, b1, b2) = two_nearest(p, &centers, d);
        labels[i] = j as u32;
        upper[i] = b1.sqrt();
        lower[i] = b2.sqrt();
        blocks::accumulate(&mut sums, &mut counts, p, i, j, k, d);
    }
    // Rows whose cluster the last pass changed: none (after the first pass) is scikit-learn's
    // "labels equal the previous ones", without keeping and comparing a copy of the labels.
    let mut changed = n;
    let mut new_centers = vec![0.0; k * d];
    let mut dists = vec![0.0; n];
    let mut shift = vec![0.0; k];
    let (mut strict, mut n_iter) = (false, 0);
    for it in 1..=max_iter {
        n_iter = it;
        // M-step: the means of the sums. An empty cluster needs exact distances and Lloyd's
        // relocation, which recomputes the sums from the rows.
        if counts.contains(&0) {
            for ((p, &l), dist) in data.chunks_exact(d).zip(&labels).zip(dists.iter_mut()) {
                *dist = sq_dist(p, &centers[l as usize * d..(l as usize + 1) * d]);
            }
            update(data, d, &labels, &dists, &mut new_centers, &mut counts);
        } else {
            blocks::combine(&sums, &mut new_centers);
            for (c, &cnt) in new_centers.chunks_exact_mut(d).zip(&counts) {
                c.iter_mut().for_each(|v| *v /= cnt as f64);
            }
        }
        for (c, s) in shift.iter_mut().enumerate() {
            *s = sq_dist(&centers[c * d..(c + 1) * d], &new_centers[c * d..(c + 1) * d]).sqrt();
        }
        std::mem::swap(&mut centers, &mut new_centers);
        if it >= 2 && changed == 0 {
            strict = true;
            break;
        }
        let stop = shift.iter().map(|s| s * s).sum::<f64>() <= tol;
        let moves = Moves::new(shift.clone(), &centers, k, d);
        sums.fill(0.0);
        counts.fill(0);
        let bounds = Bounds { labels: &mut labels, upper: &mut upper, lower: &mut lower };
        changed = pass(data, d, &centers, &moves, bounds, (&mut sums, &mut counts));
        if stop {
            break;
        }
    }
    let converged = strict || n_iter < max_iter;
    let inertia = blocks::block_inertia(data, d, &labels, &centers).iter().sum();
    let centroids = Array2::from_shape_vec((k, d), centers).unwrap_or_else(|_| Array2::zeros((k, d)));
    KMeansModel { centroids, labels, inertia, n_iter, converged }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::kmeans::kmeans_plus_plus;
    use crate::rng::seeded;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        /// Hamerly is an exact acceleration: same labels, centres, inertia and iterations as Lloyd.
        #[test]
        fn same_result_as_lloyd(
            n in 2usize..120, d in 1usize..5, k in 2usize..7, seed in any::<u64>(), integers in any::<bool>(), max_iter in 1u32..40,
        ) {
            prop_assume!(k <= n);
            let mut r = seeded(seed);
            let vals: Vec<f64> = (0..n * d).map(|_| {
                let v = rand::Rng::random::<f64>(&mut r) * 20.0;
                if integers { v.floor() } else { v }
            }).collect();
            let x = Array2::from_shape_vec((n, d), vals.clone()).unwrap();
            let init = kmeans_plus_plus(&vals, d, k, &mut seeded(seed ^ 1));
            let tol = if integers { 0.0 } else { 1e-6 };
            let a = lloyd::run_from(&x, init.clone(), max_iter, tol);
            let b = run_from(&x, init, max_iter, tol);
            prop_assert_eq!(&a.labels, &b.labels);
            prop_assert_eq!(a.n_iter, b.n_iter);
            prop_assert_eq!(&a.centroids, &b.centroids);
            prop_assert_eq!(a.inertia, b.inertia);
        }
    }
}
