//! DBSCAN (Ester et al. 1996), as scikit-learn's `DBSCAN`: a point with at
//! least `min_samples` points (itself included) within `eps` is a core
//! point; clusters grow from core points in index order, border points join
//! the first cluster that reaches them, the rest are noise (label −1, the
//! "Outliers" segment). Neighbourhoods come from a KD-tree. When `eps` is
//! not given it is suggested from the knee of the sorted k-distance curve
//! (distance to the `min_samples`-th neighbour), the usual heuristic.
//!
//! ```
//! use seglens::cluster::dbscan::DbscanParams;
//! let x = ndarray::array![[0.0], [0.1], [0.2], [5.0], [5.1], [5.2], [50.0]];
//! let m = DbscanParams::new().eps(0.5).min_samples(2).check().unwrap().fit(&x);
//! assert_eq!(m.labels, vec![0, 0, 0, 1, 1, 1, -1]);
//! ```

mod kdtree;

use ndarray::Array2;
use rand::seq::index::sample;
use thiserror::Error;

pub use kdtree::KdTree;

use crate::rng::seeded;

/// Points whose k-distance is computed for the `eps` suggestion.
const EPS_SAMPLE: usize = 10_000;

#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum DbscanError {
    #[error("eps must be a finite number > 0 (got {0})")]
    BadEps(f64),
    #[error("min_samples must be at least 1")]
    BadMinSamples,
}

/// DBSCAN settings. Defaults: eps suggested from the data, min_samples 5 (scikit-learn's).
#[derive(Debug, Clone, PartialEq)]
pub struct DbscanParams {
    eps: Option<f64>,
    min_samples: usize,
    seed: u64,
}

impl Default for DbscanParams {
    fn default() -> Self {
        DbscanParams { eps: None, min_samples: 5, seed: 0 }
    }
}

impl DbscanParams {
    pub fn new() -> Self {
        Self::default()
    }
    /// Neighbourhood radius (in the scaled feature space). Default: suggested.
    pub fn eps(mut self, eps: f64) -> Self {
        self.eps = Some(eps);
        self
    }
    pub fn eps_opt(mut self, eps: Option<f64>) -> Self {
        self.eps = eps;
        self
    }
    /// Points (itself included) within eps that make a core point. Default 5.
    pub fn min_samples(mut self, m: usize) -> Self {
        self.min_samples = m;
        self
    }
    /// Seed of the sample used for the eps suggestion on large inputs. Default 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    pub fn check(self) -> Result<DbscanValidParams, DbscanError> {
        if let Some(e) = self.eps {
            if !(e.is_finite() && e > 0.0) {
                return Err(DbscanError::BadEps(e));
            }
        }
        if self.min_samples == 0 {
            return Err(DbscanError::BadMinSamples);
        }
        Ok(DbscanValidParams(self))
    }
}

/// Parameters that passed [`DbscanParams::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct DbscanValidParams(DbscanParams);

/// A DBSCAN result.
#[derive(Debug, Clone, PartialEq)]
pub struct DbscanModel {
    /// Cluster per row, `-1` for noise; clusters numbered in discovery order.
    pub labels: Vec<i32>,
    pub is_core: Vec<bool>,
    /// The eps used (given or suggested).
    pub eps: f64,
    /// The suggestion from the k-distance curve (also when eps was given).
    pub eps_suggestion: f64,
    pub n_clusters: usize,
}

/// Knee of the sorted k-distance curve: the point farthest below the chord
/// from the first to the last value (normalised to the unit square).
pub fn suggest_eps(data: &[f64], d: usize, min_samples: usize, seed: u64) -> f64 {
    let n = data.len().checked_div(d.max(1)).unwrap_or(0);
    if n < 2 {
        return 1.0;
    }
    let tree = KdTree::new(data, d);
    let rows: Vec<usize> =
        if n > EPS_SAMPLE { sample(&mut seeded(seed), n, EPS_SAMPLE).into_vec() } else { (0..n).collect() };
    let k = min_samples.min(n).max(1);
    let mut kd: Vec<f64> = rows.iter().map(|&i| tree.kth_sq_distance(&data[i * d..(i + 1) * d], k).sqrt()).collect();
    crate::sorting::sort_f64(&mut kd);
    let (lo, hi) = (kd[0], kd[kd.len() - 1]);
    if hi - lo <= f64::EPSILON {
        return if hi > 0.0 { hi } else { 1.0 };
    }
    let m = (kd.len() - 1).max(1) as f64;
    let knee = (0..kd.len())
        .max_by(|&a, &b| {
            let ga = a as f64 / m - (kd[a] - lo) / (hi - lo);
            let gb = b as f64 / m - (kd[b] - lo) / (hi - lo);
            ga.total_cmp(&gb).then(b.cmp(&a))
        })
        .unwrap_or(0);
    if kd[knee] > 0.0 {
        kd[knee]
    } else {
        hi
    }
}

impl DbscanValidParams {
    pub fn fit(&self, x: &Array2<f64>) -> DbscanModel {
        let p = &self.0;
        let xs = x.as_standard_layout();
        let data = xs.as_slice().unwrap_or(&[]);
        let (n, d) = (x.nrows(), x.ncols().max(1));
        let suggestion = suggest_eps(data, d, p.min_samples, p.seed);
        let eps = p.eps.unwrap_or(suggestion);
        let tree = KdTree::new(data, d);
        let row = |i: usize| &data[i * d..(i + 1) * d];
        // Neighbourhoods are queried again while expanding instead of being stored:
        // memory stays O(n) even when eps is large (scikit-learn stores them all).
        let mut buf = Vec::new();
        let is_core: Vec<bool> = (0..n)
            .map(|i| {
                tree.within(row(i), eps, &mut buf);
                buf.len() >= p.min_samples
            })
            .collect();
        let mut labels = vec![-1i32; n];
        let mut next = 0i32;
        let mut stack = Vec::new();
        for start in 0..n {
            if labels[start] != -1 || !is_core[start] {
                continue;
            }
            stack.push(start);
            while let Some(i) = stack.pop() {
                if labels[i] != -1 {
                    continue;
                }
                labels[i] = next;
                if is_core[i] {
                    tree.within(row(i), eps, &mut buf);
                    stack.extend(buf.iter().copied().filter(|&v| labels[v] == -1));
                }
            }
            next += 1;
        }
        DbscanModel { labels, is_core, eps, eps_suggestion: suggestion, n_clusters: next as usize }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn border_points_go_to_the_first_cluster_and_noise_stays_noise() {
        // Two dense runs sharing one border point (2.0) reachable from both.
        let x = ndarray::array![[0.0], [0.5], [1.0], [1.5], [2.0], [2.5], [3.0], [3.5], [4.0], [9.0]];
        let m = DbscanParams::new().eps(0.6).min_samples(3).check().unwrap().fit(&x);
        assert_eq!(m.labels[9], -1);
        assert!(m.labels[..9].iter().all(|&l| l == 0));
        assert_eq!(m.n_clusters, 1);
    }

    #[test]
    fn eps_suggestion_separates_dense_groups_from_gaps() {
        let mut v = Vec::new();
        for c in [0.0, 100.0, 200.0] {
            for i in 0..50 {
                v.push(c + i as f64 * 0.1);
            }
        }
        let x = Array2::from_shape_vec((150, 1), v).unwrap();
        let m = DbscanParams::new().check().unwrap().fit(&x);
        assert_eq!(m.n_clusters, 3, "eps {}", m.eps);
        assert!(m.eps < 10.0);
        assert!(DbscanParams::new().eps(-1.0).check().is_err());
        assert!(DbscanParams::new().min_samples(0).check().is_err());
    }
}
