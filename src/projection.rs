//! A 2-D picture of the segments: the customers projected on the first two
//! principal components of the scaled features (what the algorithm saw),
//! downsampled to a seeded sample for drawing. Components come from the
//! covariance matrix (d × d, small) by power iteration with deflation, signs
//! fixed so the largest loading is positive — deterministic everywhere.

use ndarray::{ArrayView2, Axis};
use rand::seq::index::sample;
use serde::{Deserialize, Serialize};

use crate::rng::seeded;

/// Points drawn at most.
pub const PROJECTION_SAMPLE: usize = 2000;
/// Features at most: the covariance matrix is d × d, so a 10,000-column table
/// would need 800 MB and minutes; such tables get no projection.
pub const PROJECTION_MAX_FEATURES: usize = 100;

/// One customer on the PCA plane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectedPoint {
    pub x: f64,
    pub y: f64,
    pub segment: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    /// Share of the total variance along each axis.
    pub explained: [f64; 2],
    /// Loadings of each feature on the two axes (feature order of the Report).
    pub loadings: [Vec<f64>; 2],
    /// Customers drawn (all of them up to [`PROJECTION_SAMPLE`], else a seeded sample).
    pub sample_size: u64,
    pub points: Vec<ProjectedPoint>,
}

/// Plain loops on purpose: ndarray's `dot` pulls matrixmultiply's GEMM
/// kernels into the Wasm (~9 KB gzipped) for a d × d matrix of a few dozen cells.
fn mat_vec(c: &[Vec<f64>], v: &[f64]) -> Vec<f64> {
    c.iter().map(|row| row.iter().zip(v).map(|(a, b)| a * b).sum()).collect()
}

fn top_eigen(c: &[Vec<f64>]) -> (f64, Vec<f64>) {
    let d = c.len();
    // A start vector no eigenvector is orthogonal to in practice, and deterministic.
    let mut v: Vec<f64> = (0..d).map(|i| 1.0 / (i as f64 + 1.0)).collect();
    let mut lambda = 0.0;
    for _ in 0..500 {
        let w = mat_vec(c, &v);
        let norm = w.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm <= f64::EPSILON {
            return (0.0, v);
        }
        let next: Vec<f64> = w.iter().map(|x| x / norm).collect();
        let delta: f64 = next.iter().zip(&v).map(|(a, b)| (a - b).abs()).sum();
        v = next;
        lambda = norm;
        if delta < 1e-13 {
            break;
        }
    }
    // Sign: largest loading positive.
    let (imax, _) =
        v.iter().enumerate().fold((0, 0.0f64), |(bi, bv), (i, &x)| if x.abs() > bv { (i, x.abs()) } else { (bi, bv) });
    if v[imax] < 0.0 {
        v.iter_mut().for_each(|x| *x = -*x);
    }
    (lambda, v)
}

/// Projects the rows of `x` (scaled features) on their first two principal components.
pub fn pca2(x: ArrayView2<f64>, labels: &[u32], seed: u64) -> Option<Projection> {
    let (n, d) = (x.nrows(), x.ncols());
    if n < 2 || d == 0 || d > PROJECTION_MAX_FEATURES {
        return None;
    }
    let mean = x.mean_axis(Axis(0))?;
    let mut cov = vec![vec![0.0; d]; d];
    let mut centred = vec![0.0; d];
    for row in x.rows() {
        for (c, (v, m)) in centred.iter_mut().zip(row.iter().zip(mean.iter())) {
            *c = v - m;
        }
        for (cov_row, ca) in cov.iter_mut().zip(&centred) {
            for (cell, cb) in cov_row.iter_mut().zip(&centred) {
                *cell += ca * cb;
            }
        }
    }
    cov.iter_mut().flatten().for_each(|c| *c /= n as f64 - 1.0);
    let trace: f64 = (0..d).map(|i| cov[i][i]).sum();
    if trace <= 0.0 {
        return None;
    }
    let (l1, v1) = top_eigen(&cov);
    for (cov_row, va) in cov.iter_mut().zip(&v1) {
        for (cell, vb) in cov_row.iter_mut().zip(&v1) {
            *cell -= l1 * va * vb;
        }
    }
    let (l2, v2) = if d > 1 { top_eigen(&cov) } else { (0.0, vec![0.0; d]) };
    let rows: Vec<usize> = if n > PROJECTION_SAMPLE {
        let mut idx = sample(&mut seeded(seed), n, PROJECTION_SAMPLE).into_vec();
        idx.sort_unstable();
        idx
    } else {
        (0..n).collect()
    };
    let project =
        |i: usize, v: &[f64]| -> f64 { x.row(i).iter().zip(mean.iter()).zip(v).map(|((a, m), w)| (a - m) * w).sum() };
    let points = rows
        .iter()
        .map(|&i| ProjectedPoint {
            x: project(i, &v1),
            y: project(i, &v2),
            segment: labels.get(i).copied().unwrap_or(0),
        })
        .collect();
    Some(Projection { explained: [l1 / trace, l2 / trace], loadings: [v1, v2], sample_size: rows.len() as u64, points })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn recovers_the_main_axis_and_variance_shares() {
        // Points on the line y = 2x plus a little noise on the perpendicular: PC1 ∝ (1, 2)/√5.
        let x = array![[-2.0, -4.0], [-1.0, -2.1], [0.0, 0.1], [1.0, 1.9], [2.0, 4.0], [0.5, 1.0]];
        let p = pca2(x.view(), &[0, 0, 0, 1, 1, 1], 0).unwrap();
        let (a, b) = (p.loadings[0][0], p.loadings[0][1]);
        assert!((a - 1.0 / 5f64.sqrt()).abs() < 0.01 && (b - 2.0 / 5f64.sqrt()).abs() < 0.01, "{a} {b}");
        assert!(p.explained[0] > 0.99);
        assert!((p.explained[0] + p.explained[1] - 1.0).abs() < 1e-9);
        // the loadings are orthonormal
        let dot: f64 = p.loadings[0].iter().zip(&p.loadings[1]).map(|(u, v)| u * v).sum();
        assert!(dot.abs() < 1e-9);
        assert_eq!(p.points.len(), 6);
        assert_eq!(p.points[4].segment, 1);
    }
}
