//! Greedy k-means++ seeding (Arthur & Vassilvitskii 2007), as scikit-learn's
//! `_kmeans_plusplus`: each new centre is the best of `2 + ⌊ln k⌋` candidates
//! drawn with probability ∝ D(x)², where "best" means the largest drop in
//! total potential. The greedy trials are why scikit-learn's seeding rarely
//! needs more than a few Lloyd iterations.

use rand::Rng;

use super::sq_dist;
use crate::rng::SegRng;

/// Chooses `k` initial centres from the rows of `x` (row-major, `d` columns).
/// Returns the centres row-major (`k * d` values).
pub fn kmeans_plus_plus(x: &[f64], d: usize, k: usize, rng: &mut SegRng) -> Vec<f64> {
    let n = x.len().checked_div(d).unwrap_or(0);
    let mut centers = Vec::with_capacity(k * d);
    if n == 0 || k == 0 {
        return centers;
    }
    let row = |i: usize| &x[i * d..(i + 1) * d];
    let first = rng.random_range(0..n);
    centers.extend_from_slice(row(first));
    let mut closest: Vec<f64> = (0..n).map(|i| sq_dist(row(i), row(first))).collect();
    let mut pot: f64 = closest.iter().sum();
    let trials = 2 + libm::log(k as f64) as usize;
    let mut cumsum = vec![0.0; n];
    let mut cand_dist = vec![0.0; n];
    let mut best_dist = vec![0.0; n];
    for _ in 1..k {
        let mut acc = 0.0;
        for (c, d2) in cumsum.iter_mut().zip(&closest) {
            acc += d2;
            *c = acc;
        }
        let mut best: Option<(f64, usize)> = None;
        for _ in 0..trials {
            let r = rng.random::<f64>() * pot;
            // numpy.searchsorted(side="left"): first index with cumsum >= r.
            let id = cumsum.partition_point(|&c| c < r).min(n - 1);
            let cand = row(id);
            let mut cand_pot = 0.0;
            for (i, (slot, &old)) in cand_dist.iter_mut().zip(&closest).enumerate() {
                // Not `f64::min`: in Wasm that is a libm call for every row and trial.
                let dist = sq_dist(row(i), cand);
                *slot = if dist < old { dist } else { old };
                cand_pot += *slot;
            }
            if best.is_none_or(|(p, _)| cand_pot < p) {
                best = Some((cand_pot, id));
                std::mem::swap(&mut best_dist, &mut cand_dist);
            }
        }
        if let Some((p, id)) = best {
            pot = p;
            std::mem::swap(&mut closest, &mut best_dist);
            centers.extend_from_slice(row(id));
        }
    }
    centers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;

    #[test]
    fn picks_distinct_points_from_separated_groups() {
        // Three tight pairs far apart: k-means++ must seed one centre per pair.
        let x = [0.0, 0.0, 0.1, 0.0, 100.0, 0.0, 100.1, 0.0, 0.0, 100.0, 0.0, 100.1];
        for seed in 0..20 {
            let c = kmeans_plus_plus(&x, 2, 3, &mut seeded(seed));
            let mut groups: Vec<u32> = c.chunks(2).map(|p| (p[0] > 50.0) as u32 + 2 * (p[1] > 50.0) as u32).collect();
            groups.sort();
            assert_eq!(groups, [0, 1, 2], "seed {seed}: {c:?}");
        }
    }

    #[test]
    fn same_seed_same_centres() {
        let x: Vec<f64> = (0..200).map(|i| ((i * 37) % 101) as f64).collect();
        assert_eq!(kmeans_plus_plus(&x, 2, 5, &mut seeded(7)), kmeans_plus_plus(&x, 2, 5, &mut seeded(7)));
    }
}
