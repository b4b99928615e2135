//! Silhouette (Rousseeuw 1987): for each point, a = mean distance to the
//! other members of its cluster, b = lowest mean distance to another
//! cluster, s = (b − a) / max(a, b); 0 for a point alone in its cluster.
//! The score is the mean of s. Exact cost is O(n²·d), so beyond
//! [`SILHOUETTE_EXACT_LIMIT`] rows a seeded sample without replacement is
//! scored instead (as `silhouette_score(sample_size=…)` does) and its size
//! is reported.

use ndarray::{ArrayView2, Axis};
use rand::seq::index::sample;

use super::groups::{dist, Groups};
use crate::rng::seeded;

/// Rows up to which the silhouette is exact: 5,000 rows are 12.5 M distances, about
/// 50 ms in Wasm, so `k = auto` (nine fits) stays interactive; beyond it a seeded sample.
pub const SILHOUETTE_EXACT_LIMIT: usize = 5_000;

/// A silhouette score and how many rows it was computed on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Silhouette {
    pub score: f64,
    pub sample_size: usize,
}

/// Per-row silhouette values, exact. `None` when undefined.
pub fn silhouette_samples(x: ArrayView2<f64>, labels: &[u32]) -> Option<Vec<f64>> {
    let g = Groups::new(x, labels);
    if !g.valid() {
        return None;
    }
    let (n, k) = (x.nrows(), g.k());
    let rows: Vec<Vec<f64>> = x.rows().into_iter().map(|r| r.to_vec()).collect();
    // sums[i * k + c] = sum of distances from row i to members of cluster c.
    let mut sums = vec![0.0; n * k];
    for i in 0..n {
        for j in (i + 1)..n {
            let d = dist(&rows[i], &rows[j]);
            sums[i * k + g.labels[j]] += d;
            sums[j * k + g.labels[i]] += d;
        }
    }
    let out = (0..n)
        .map(|i| {
            let own = g.labels[i];
            if g.sizes[own] <= 1 {
                return 0.0;
            }
            let s = &sums[i * k..(i + 1) * k];
            let a = s[own] / (g.sizes[own] - 1) as f64;
            let b = (0..k).filter(|&c| c != own).map(|c| s[c] / g.sizes[c] as f64).fold(f64::INFINITY, f64::min);
            let m = a.max(b);
            if m > 0.0 {
                (b - a) / m
            } else {
                0.0
            }
        })
        .collect();
    Some(out)
}

/// Mean silhouette; exact up to [`SILHOUETTE_EXACT_LIMIT`] rows, else on a
/// seeded sample of that many rows.
pub fn silhouette(x: ArrayView2<f64>, labels: &[u32], seed: u64) -> Option<Silhouette> {
    let (s, _) = scored_rows(x, labels, seed)?;
    Some(Silhouette::of(&s))
}

impl Silhouette {
    /// The mean of per-row silhouettes.
    fn of(s: &[f64]) -> Silhouette {
        Silhouette { score: s.iter().sum::<f64>() / s.len() as f64, sample_size: s.len() }
    }
}

/// Per-row silhouettes of all rows (up to the limit) or of the seeded sample, with their labels.
fn scored_rows(x: ArrayView2<f64>, labels: &[u32], seed: u64) -> Option<(Vec<f64>, Vec<u32>)> {
    let n = x.nrows();
    if n <= SILHOUETTE_EXACT_LIMIT {
        return Some((silhouette_samples(x, labels)?, labels.to_vec()));
    }
    let mut idx = sample(&mut seeded(seed), n, SILHOUETTE_EXACT_LIMIT).into_vec();
    idx.sort_unstable();
    let xs = x.select(Axis(0), &idx);
    let ls: Vec<u32> = idx.iter().filter_map(|&i| labels.get(i).copied()).collect();
    Some((silhouette_samples(xs.view(), &ls)?, ls))
}

/// Points of a segment's silhouette profile (its values sorted, evenly spaced order statistics).
pub const PROFILE_POINTS: usize = 40;

/// One segment in the silhouette plot.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SegmentSilhouette {
    pub segment: u32,
    /// Mean silhouette of the segment's (sampled) customers.
    pub mean: f64,
    /// Customers it was computed on.
    pub count: u64,
    /// Its silhouettes from highest to lowest, at most [`PROFILE_POINTS`] evenly spaced ones.
    pub profile: Vec<f64>,
}

/// The mean silhouette and, per segment `0..k`, what a silhouette plot draws.
pub fn silhouette_by_segment(
    x: ArrayView2<f64>,
    labels: &[u32],
    k: usize,
    seed: u64,
) -> Option<(Silhouette, Vec<SegmentSilhouette>)> {
    let (s, ls) = scored_rows(x, labels, seed)?;
    let score = Silhouette::of(&s);
    let mut per: Vec<Vec<f64>> = vec![Vec::new(); k];
    for (v, l) in s.iter().zip(&ls) {
        if let Some(p) = per.get_mut(*l as usize) {
            p.push(*v);
        }
    }
    let segments = per
        .into_iter()
        .enumerate()
        .map(|(c, mut v)| {
            v.sort_by(f64::total_cmp);
            v.reverse();
            let m = v.len();
            let profile = if m <= PROFILE_POINTS {
                v.clone()
            } else {
                (0..PROFILE_POINTS).map(|i| v[i * (m - 1) / (PROFILE_POINTS - 1)]).collect()
            };
            let mean = if m > 0 { v.iter().sum::<f64>() / m as f64 } else { f64::NAN };
            SegmentSilhouette { segment: c as u32, mean, count: m as u64, profile }
        })
        .collect();
    Some((score, segments))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{calinski_harabasz, davies_bouldin};
    use ndarray::array;

    // Expected values computed by hand and confirmed with scikit-learn 1.x:
    // X = [[0],[1],[4],[5]], labels [0,0,1,1]
    #[test]
    fn per_segment_profiles_are_the_sorted_silhouettes() {
        let x = array![[0.0], [1.0], [4.0], [5.0], [5.5]];
        let l = [0, 0, 1, 1, 1];
        let all = silhouette_samples(x.view(), &l).unwrap();
        let (score, per) = silhouette_by_segment(x.view(), &l, 2, 0).unwrap();
        assert_eq!(score.score, all.iter().sum::<f64>() / 5.0);
        assert_eq!(per[0].profile, if all[0] >= all[1] { vec![all[0], all[1]] } else { vec![all[1], all[0]] });
        assert_eq!(per[1].count, 3);
        assert!((per[1].mean - (all[2] + all[3] + all[4]) / 3.0).abs() < 1e-15);
        assert!(per[1].profile.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn tiny_fixture_matches_hand_computation() {
        let x = array![[0.0], [1.0], [4.0], [5.0]];
        let l = [0, 0, 1, 1];
        // point 0: a = 1, b = (4+5)/2 = 4.5 -> 3.5/4.5; point 1: a = 1, b = 3.5 -> 2.5/3.5 (symmetric)
        let want = (3.5 / 4.5 + 2.5 / 3.5) / 2.0;
        let s = silhouette(x.view(), &l, 0).unwrap();
        assert!((s.score - want).abs() < 1e-15);
        // centres 0.5 and 4.5; spreads 0.5 each; DB = (0.5 + 0.5) / 4 = 0.25
        assert!((davies_bouldin(x.view(), &l).unwrap() - 0.25).abs() < 1e-15);
        // extra = 2*4 + 2*4 = 16, intra = 4 * 0.25 = 1 -> 16 * (4-2) / (1 * 1) = 32
        assert!((calinski_harabasz(x.view(), &l).unwrap() - 32.0).abs() < 1e-12);
    }

    #[test]
    fn undefined_for_one_cluster_or_all_singletons() {
        let x = array![[0.0], [1.0], [2.0]];
        assert_eq!(silhouette(x.view(), &[0, 0, 0], 0), None);
        assert_eq!(silhouette(x.view(), &[0, 1, 2], 0), None);
        assert_eq!(davies_bouldin(x.view(), &[5, 5, 5]), None);
    }

    #[test]
    fn large_inputs_are_sampled_deterministically_and_close_to_exact() {
        let n = SILHOUETTE_EXACT_LIMIT + 1000;
        let mut r = seeded(9);
        let vals: Vec<f64> = (0..n)
            .flat_map(|i| [(i % 3) as f64 * 4.0 + rand::Rng::random::<f64>(&mut r), rand::Rng::random::<f64>(&mut r)])
            .collect();
        let x = ndarray::Array2::from_shape_vec((n, 2), vals).unwrap();
        let labels: Vec<u32> = (0..n).map(|i| (i % 3) as u32).collect();
        let a = silhouette(x.view(), &labels, 1).unwrap();
        assert_eq!(a.sample_size, SILHOUETTE_EXACT_LIMIT);
        assert_eq!(silhouette(x.view(), &labels, 1), Some(a));
        let s = silhouette_samples(x.view(), &labels).unwrap();
        let exact = s.iter().sum::<f64>() / n as f64;
        assert!((a.score - exact).abs() < 0.01, "{} vs {exact}", a.score);
    }

    #[test]
    fn singleton_cluster_scores_zero() {
        let x = array![[0.0], [0.0], [10.0]];
        let s = silhouette_samples(x.view(), &[0, 0, 1]).unwrap();
        assert_eq!(s, vec![1.0, 1.0, 0.0]);
    }
}
