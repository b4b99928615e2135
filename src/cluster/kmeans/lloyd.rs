//! Lloyd iterations with scikit-learn's stopping rule: stop when no label
//! changes ("strict convergence") or when the total squared centre shift is
//! at most `tol × mean feature variance`; after a tolerance stop, labels are
//! recomputed once so they match the final centres.

use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

use super::kmeans_plus_plus;
use crate::rng::SegRng;

/// A fitted k-means: centres in the scaled space the data was fitted in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KMeansModel {
    /// `k × d` centres.
    pub centroids: Array2<f64>,
    /// Cluster of each training row, `0..k`.
    pub labels: Vec<u32>,
    /// Sum of squared distances of rows to their centre.
    pub inertia: f64,
    pub n_iter: u32,
    pub converged: bool,
}

impl KMeansModel {
    /// Assigns rows (same features, same scaling) to the nearest centre.
    pub fn predict(&self, x: &Array2<f64>) -> Vec<u32> {
        let c = self.centroids.as_standard_layout();
        let centers = c.as_slice().unwrap_or(&[]);
        let d = self.centroids.ncols();
        x.axis_iter(Axis(0)).map(|r| nearest(&r.to_vec(), centers, d).0 as u32).collect()
    }
}

/// Squared Euclidean distance, summed in two lanes (even and odd
/// coordinates) that are added at the end: the order a 2-lane SIMD unit
/// sums in, so the scalar build and the Wasm SIMD build give the same bits.
#[inline]
pub fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        simd::sq_dist(a, b)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        let (mut s0, mut s1) = (0.0, 0.0);
        let (pa, pb) = (a.chunks_exact(2), b.chunks_exact(2));
        let (ra, rb) = (pa.remainder(), pb.remainder());
        for (x, y) in pa.zip(pb) {
            let (d0, d1) = (x[0] - y[0], x[1] - y[1]);
            s0 += d0 * d0;
            s1 += d1 * d1;
        }
        let mut s = s0 + s1;
        for (x, y) in ra.iter().zip(rb) {
            s += (x - y) * (x - y);
        }
        s
    }
}

/// `acc[i] += v[i]`: the M-step's per-row sum (elementwise, so any lane
/// width gives the same bits).
#[inline]
pub fn add_assign(acc: &mut [f64], v: &[f64]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        simd::add_assign(acc, v)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        acc.iter_mut().zip(v).for_each(|(a, x)| *a += x);
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;

    #[inline]
    pub fn add_assign(acc: &mut [f64], v: &[f64]) {
        let n = acc.len().min(v.len());
        for i in 0..n / 2 {
            // SAFETY: 2 * i + 1 < n <= acc.len(), v.len(); unaligned loads and stores are allowed.
            unsafe {
                let a = acc.as_mut_ptr().add(2 * i) as *mut v128;
                v128_store(a, f64x2_add(v128_load(a), v128_load(v.as_ptr().add(2 * i) as *const v128)));
            }
        }
        if n % 2 == 1 {
            acc[n - 1] += v[n - 1];
        }
    }

    #[inline]
    pub fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
        let n = a.len().min(b.len());
        let pairs = n / 2;
        let mut acc = f64x2_splat(0.0);
        for i in 0..pairs {
            // SAFETY: i * 2 + 1 < n <= a.len(), b.len(); unaligned loads are allowed.
            let (x, y) = unsafe {
                (v128_load(a.as_ptr().add(2 * i) as *const v128), v128_load(b.as_ptr().add(2 * i) as *const v128))
            };
            let d = f64x2_sub(x, y);
            acc = f64x2_add(acc, f64x2_mul(d, d));
        }
        let mut s = f64x2_extract_lane::<0>(acc) + f64x2_extract_lane::<1>(acc);
        if n % 2 == 1 {
            let d = a[n - 1] - b[n - 1];
            s += d * d;
        }
        s
    }
}

/// Index of the nearest centre (lowest index on ties) and its squared distance.
#[inline]
pub fn nearest(p: &[f64], centers: &[f64], d: usize) -> (usize, f64) {
    let mut best = (0, f64::INFINITY);
    for (j, c) in centers.chunks_exact(d.max(1)).enumerate() {
        let dist = sq_dist(p, c);
        if dist < best.1 {
            best = (j, dist);
        }
    }
    best
}

/// scikit-learn's `_tolerance`: `tol` times the mean of the feature variances.
pub(crate) fn absolute_tol(x: &Array2<f64>, tol: f64) -> f64 {
    if tol == 0.0 || x.nrows() == 0 {
        return 0.0;
    }
    let var = x.var_axis(Axis(0), 0.0);
    var.mean().unwrap_or(0.0) * tol
}

/// One restart: k-means++ seeding, then Lloyd until convergence or `max_iter`.
pub(super) fn run(x: &Array2<f64>, k: usize, max_iter: u32, tol: f64, rng: &mut SegRng) -> KMeansModel {
    let xs = x.as_standard_layout();
    let data = xs.as_slice().unwrap_or(&[]);
    let centers = kmeans_plus_plus(data, x.ncols(), k, rng);
    super::hamerly::run_from(x, centers, max_iter, tol)
}

/// Lloyd iterations from given centres (`k * d` values, row-major): the reference Hamerly is
/// tested against (Hamerly runs every fit).
#[cfg(test)]
pub(super) fn run_from(x: &Array2<f64>, mut centers: Vec<f64>, max_iter: u32, tol: f64) -> KMeansModel {
    let xs = x.as_standard_layout();
    let data = xs.as_slice().unwrap_or(&[]);
    let (n, d) = (x.nrows(), x.ncols());
    let k = centers.len() / d.max(1);
    let mut new_centers = vec![0.0; k * d];
    let mut labels = vec![0u32; n];
    let mut old_labels = vec![u32::MAX; n];
    let mut dists = vec![0.0; n];
    let mut counts = vec![0u64; k];
    let mut strict = false;
    let mut n_iter = 0;
    for it in 1..=max_iter {
        n_iter = it;
        assign(data, d, &centers, &mut labels, &mut dists);
        update(data, d, &labels, &dists, &mut new_centers, &mut counts);
        std::mem::swap(&mut centers, &mut new_centers);
        if labels == old_labels {
            strict = true;
            break;
        }
        let shift = sq_dist(&centers, &new_centers);
        if shift <= tol {
            break;
        }
        old_labels.copy_from_slice(&labels);
    }
    let converged = strict || n_iter < max_iter;
    if !strict {
        assign(data, d, &centers, &mut labels, &mut dists);
    }
    let inertia = super::blocks::block_inertia(data, d, &labels, &centers).iter().sum();
    let centroids = Array2::from_shape_vec((k, d), centers).unwrap_or_else(|_| Array2::zeros((k, d)));
    KMeansModel { centroids, labels, inertia, n_iter, converged }
}

/// E-step: nearest centre of every row, and the squared distance to it.
#[cfg(test)]
fn assign(data: &[f64], d: usize, centers: &[f64], labels: &mut [u32], dists: &mut [f64]) {
    for ((p, l), dist) in data.chunks_exact(d.max(1)).zip(labels.iter_mut()).zip(dists.iter_mut()) {
        let (j, dd) = nearest(p, centers, d);
        *l = j as u32;
        *dist = dd;
    }
}

/// M-step: means of the assigned rows. An empty cluster is moved onto the
/// row farthest from its own centre, which leaves its old cluster, exactly as
/// scikit-learn's `_relocate_empty_clusters_dense`.
pub(super) fn update(data: &[f64], d: usize, labels: &[u32], dists: &[f64], centers: &mut [f64], counts: &mut [u64]) {
    // Summed per sub-block and block of rows, in order: the order Hamerly and the parallel shards use.
    let (subs, c) = super::blocks::sub_sums(data, d, labels, counts.len());
    super::blocks::combine(&super::blocks::block_sums(&subs, counts.len() * d), centers);
    counts.copy_from_slice(&c);
    let empty: Vec<usize> = (0..counts.len()).filter(|&j| counts[j] == 0).collect();
    if !empty.is_empty() {
        let mut far: Vec<usize> = (0..labels.len()).collect();
        // Largest distance first; stable so ties keep input order.
        crate::sorting::sort_indices(&mut far, &|a, b| dists[b].total_cmp(&dists[a]));
        for (&j, &i) in empty.iter().zip(&far) {
            let old = labels[i] as usize;
            let p = &data[i * d..(i + 1) * d];
            for (c, v) in centers[old * d..(old + 1) * d].iter_mut().zip(p) {
                *c -= v;
            }
            counts[old] -= 1;
            centers[j * d..(j + 1) * d].copy_from_slice(p);
            counts[j] = 1;
        }
    }
    for (c, &cnt) in centers.chunks_exact_mut(d.max(1)).zip(counts.iter()) {
        if cnt > 0 {
            c.iter_mut().for_each(|v| *v /= cnt as f64);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cluster::kmeans::KMeansParams;
    use ndarray::array;

    #[test]
    fn centres_are_means_of_their_members() {
        // Two obvious groups; the answer is known by construction.
        let x = array![[1.0, 1.0], [1.0, 3.0], [3.0, 1.0], [3.0, 3.0], [20.0, 20.0], [22.0, 22.0]];
        let m = KMeansParams::new(2).seed(3).check(6).unwrap().fit(&x);
        let a = m.labels[0] as usize;
        let b = m.labels[4] as usize;
        assert!(m.labels[..4].iter().all(|&l| l as usize == a));
        assert_eq!(m.labels[5] as usize, b);
        assert_eq!(m.centroids.row(a).to_vec(), vec![2.0, 2.0]);
        assert_eq!(m.centroids.row(b).to_vec(), vec![21.0, 21.0]);
        // inertia = 4 * 2 (each corner is sqrt(2) from (2,2)) + 2 * 2
        assert!((m.inertia - 12.0).abs() < 1e-12);
        assert!(m.converged);
        assert_eq!(m.predict(&array![[0.0, 0.0], [30.0, 30.0]]), vec![a as u32, b as u32]);
    }

    #[test]
    fn k_equal_n_gives_zero_inertia_and_no_empty_cluster() {
        let x = array![[0.0], [1.0], [5.0], [9.0]];
        let m = KMeansParams::new(4).check(4).unwrap().fit(&x);
        let mut l = m.labels.clone();
        l.sort();
        assert_eq!(l, vec![0, 1, 2, 3]);
        assert_eq!(m.inertia, 0.0);
    }

    #[test]
    fn duplicate_points_do_not_leave_nan_centres() {
        let x = array![[1.0], [1.0], [1.0], [2.0]];
        let m = KMeansParams::new(3).check(4).unwrap().fit(&x);
        assert!(m.centroids.iter().all(|v| v.is_finite()));
        assert_eq!(m.labels.len(), 4);
    }
}
