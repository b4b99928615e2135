//! Hamerly k-means split into a map step over shards of rows and a reduce
//! step, so several workers can each hold a shard and one coordinator can
//! combine them — with bit-identical results to one thread.
//!
//! What makes it identical: the M-step sums are kept per block of [`BLOCK`]
//! rows (blocks aligned to row 0 of the whole data) and the blocks are added
//! in row order, so any split of the rows at block boundaries sums the same
//! numbers in the same order. Counts are integers. Everything else a shard
//! decides (bounds, labels) depends only on its own rows and the centres.
//! One thread runs the same iterations in `hamerly::run_from` (kept separate so
//! the main Wasm does not carry this code); the tests below check that any
//! number of shards gives its bits.

use super::blocks::{block_inertia, block_sums};
use super::hamerly::{first_pass, pass, Bounds, Moves, Near};
use super::lloyd::{add_assign, sq_dist};

pub use super::blocks::BLOCK;

/// What a shard sends to the coordinator after an assignment pass.
#[derive(Debug, Clone, PartialEq)]
pub struct Partial {
    /// Per-block sums of the rows by cluster: `blocks × k × d`.
    pub sums: Vec<f64>,
    /// Rows per cluster.
    pub counts: Vec<u64>,
    /// Rows whose cluster changed in this pass (all of them in the first).
    pub changed: u64,
}

/// A candidate row for re-seeding an empty cluster: its squared distance to
/// its own centre, global row index, cluster and values.
#[derive(Debug, Clone, PartialEq)]
pub struct Far {
    pub dist: f64,
    pub row: u64,
    pub label: u32,
    pub point: Vec<f64>,
}

fn centre(centers: &[f64], d: usize, c: usize) -> &[f64] {
    centers.get(c * d..(c + 1) * d).unwrap_or_default()
}

/// One worker's rows: labels and Hamerly bounds, kept between iterations.
#[derive(Debug, Clone)]
pub struct Shard {
    d: usize,
    k: usize,
    first_row: u64,
    centers: Vec<f64>,
    labels: Vec<u32>,
    upper: Vec<f64>,
    gap: Vec<f64>,
    /// Per-sub-block sums of the rows by cluster, kept between passes (see `blocks.rs`).
    subs: Vec<f64>,
    /// Rows per cluster, following the labels.
    counts: Vec<u64>,
    moves: Moves,
    near: Near,
}

impl Shard {
    /// Assigns the rows of `data` (row-major, `d` columns; global rows from
    /// `first_row`, a multiple of [`BLOCK`]) to the nearest of `centers`.
    pub fn new(data: &[f64], d: usize, centers: Vec<f64>, first_row: u64) -> (Shard, Partial) {
        let d = d.max(1);
        let (n, k) = (data.len() / d, centers.len() / d);
        let (mut labels, mut upper, mut gap) = (vec![0; n], vec![0.0; n], vec![0.0; n]);
        let mut near = Near::for_rows(n);
        let bounds = Bounds { labels: &mut labels, upper: &mut upper, gap: &mut gap, near: &mut near };
        let (subs, counts) = first_pass(data, d, &centers, bounds);
        let sums = block_sums(&subs, k * d);
        let moves = Moves::new(k);
        let shard = Shard { d, k, first_row, centers, labels, upper, gap, subs, counts: counts.clone(), moves, near };
        (shard, Partial { sums, counts, changed: n as u64 })
    }

    pub fn labels(&self) -> &[u32] {
        &self.labels
    }

    /// One Hamerly pass with the new centres: bounds moved by how far the
    /// centres moved, rows re-assigned only where the bounds cannot rule a
    /// change out, sums accumulated in the same pass.
    pub fn step(&mut self, data: &[f64], new_centers: &[f64]) -> Partial {
        let (d, k) = (self.d, self.k);
        self.moves.advance(&self.centers, new_centers, d);
        self.centers = new_centers.to_vec();
        let bounds =
            Bounds { labels: &mut self.labels, upper: &mut self.upper, gap: &mut self.gap, near: &mut self.near };
        let changed = pass(data, d, &self.centers, &self.moves, bounds, (&mut self.subs, &mut self.counts)) as u64;
        Partial { sums: block_sums(&self.subs, k * d), counts: self.counts.clone(), changed }
    }

    /// The `e` rows farthest from their current centre (largest first, lower
    /// row first on ties): candidates for re-seeding empty clusters.
    pub fn farthest(&self, data: &[f64], e: usize) -> Vec<Far> {
        let d = self.d;
        let dists: Vec<f64> = data
            .chunks_exact(d)
            .zip(&self.labels)
            .map(|(p, &l)| sq_dist(p, centre(&self.centers, d, l as usize)))
            .collect();
        let mut order: Vec<usize> = (0..dists.len()).collect();
        crate::sorting::sort_indices(&mut order, &|a, b| dists[b].total_cmp(&dists[a]));
        order
            .into_iter()
            .take(e)
            .map(|i| Far {
                dist: dists[i],
                row: self.first_row + i as u64,
                label: self.labels[i],
                point: data.get(i * d..(i + 1) * d).unwrap_or_default().to_vec(),
            })
            .collect()
    }

    /// Per-block inertia of this shard's rows against `centers`.
    pub fn inertia_blocks(&self, data: &[f64], centers: &[f64]) -> Vec<f64> {
        block_inertia(data, self.d, &self.labels, centers)
    }
}

/// What the coordinator needs next.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Send these centres to every shard and absorb their partials.
    Step(Vec<f64>),
    /// Some clusters are empty: absorb this many farthest rows from every shard.
    Farthest(usize),
    /// Finished: the centres are final; collect labels and inertia.
    Done,
}

/// The reduce side: combines partials into centres and decides when to stop,
/// with scikit-learn's rules (strict convergence or a squared centre shift
/// within `tol`; empty clusters re-seeded from the farthest rows).
#[derive(Debug, Clone)]
pub struct Coordinator {
    k: usize,
    d: usize,
    tol: f64,
    max_iter: u32,
    it: u32,
    centers: Vec<f64>,
    strict: bool,
    stop: bool,
    pending: Option<(Vec<f64>, Vec<u64>, bool)>,
}

impl Coordinator {
    /// `tol` is absolute (already scaled by the data's variance).
    pub fn new(centers: Vec<f64>, d: usize, tol: f64, max_iter: u32) -> Coordinator {
        let d = d.max(1);
        let k = centers.len() / d;
        Coordinator { k, d, tol, max_iter, it: 0, centers, strict: false, stop: false, pending: None }
    }

    pub fn centers(&self) -> &[f64] {
        &self.centers
    }

    pub fn n_iter(&self) -> u32 {
        self.it
    }

    pub fn converged(&self) -> bool {
        self.strict || self.it < self.max_iter
    }

    /// Takes every shard's partial, in row order, after the first assignment or a step.
    pub fn absorb(&mut self, partials: &[Partial]) -> Next {
        if self.stop || self.it >= self.max_iter {
            return Next::Done;
        }
        self.it += 1;
        let (k, d) = (self.k, self.d);
        let changed: u64 = partials.iter().map(|p| p.changed).sum();
        let mut counts = vec![0u64; k];
        for p in partials {
            counts.iter_mut().zip(&p.counts).for_each(|(c, n)| *c += n);
        }
        // Blocks added in row order (shards come in row order): the same sums for any split.
        let mut sums = vec![0.0; k * d];
        for p in partials {
            for b in p.sums.chunks_exact((k * d).max(1)) {
                add_assign(&mut sums, b);
            }
        }
        // Labels equal to the previous pass's: the last step changed nothing.
        let strict = self.it >= 2 && changed == 0;
        let empty = counts.iter().filter(|&&c| c == 0).count();
        if empty > 0 {
            self.pending = Some((sums, counts, strict));
            return Next::Farthest(empty);
        }
        self.m_step(sums, counts, strict)
    }

    /// Takes every shard's farthest rows (any order) when clusters were empty.
    pub fn relocate(&mut self, far: Vec<Far>) -> Next {
        let Some((mut sums, mut counts, strict)) = self.pending.take() else { return Next::Done };
        let d = self.d;
        // Farthest first, lower row first on ties (the shared index sort keeps the Wasm small).
        let mut order: Vec<usize> = (0..far.len()).collect();
        crate::sorting::sort_indices(&mut order, &|a, b| {
            far[b].dist.total_cmp(&far[a].dist).then(far[a].row.cmp(&far[b].row))
        });
        let empty: Vec<usize> = (0..counts.len()).filter(|&j| counts[j] == 0).collect();
        for (&j, f) in empty.iter().zip(order.iter().filter_map(|&i| far.get(i))) {
            let old = f.label as usize;
            if let Some(s) = sums.get_mut(old * d..(old + 1) * d) {
                s.iter_mut().zip(&f.point).for_each(|(c, v)| *c -= v);
            }
            if let Some(c) = counts.get_mut(old) {
                *c -= 1;
            }
            if let Some(s) = sums.get_mut(j * d..(j + 1) * d) {
                s.copy_from_slice(&f.point);
            }
            counts[j] = 1;
        }
        self.m_step(sums, counts, strict)
    }

    fn m_step(&mut self, mut sums: Vec<f64>, counts: Vec<u64>, strict: bool) -> Next {
        let d = self.d;
        for (c, &cnt) in sums.chunks_exact_mut(d).zip(&counts) {
            if cnt > 0 {
                c.iter_mut().for_each(|v| *v /= cnt as f64);
            }
        }
        let shift2: f64 = (0..self.k)
            .map(|c| {
                let s = sq_dist(centre(&self.centers, d, c), centre(&sums, d, c)).sqrt();
                s * s
            })
            .sum();
        self.centers = sums;
        if strict {
            self.strict = true;
            return Next::Done;
        }
        self.stop = shift2 <= self.tol;
        Next::Step(self.centers.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::kmeans::{kmeans_plus_plus, KMeansParams};
    use crate::rng::seeded;
    use ndarray::Array2;
    use rand::Rng;

    /// The map-reduce run over `parts` shards split at block boundaries, as workers run it.
    #[allow(clippy::type_complexity)]
    fn sharded(
        data: &[f64],
        d: usize,
        init: &[f64],
        tol: f64,
        max_iter: u32,
        parts: usize,
    ) -> (Vec<f64>, Vec<u32>, f64, u32, bool, usize) {
        let n = data.len() / d;
        let per = n.div_ceil(BLOCK).div_ceil(parts) * BLOCK;
        let slices: Vec<(u64, &[f64])> =
            (0..n).step_by(per).map(|s| (s as u64, &data[s * d..(s + per).min(n) * d])).collect();
        let (mut shards, firsts): (Vec<Shard>, Vec<Partial>) =
            slices.iter().map(|&(first, x)| Shard::new(x, d, init.to_vec(), first)).unzip();
        let mut coord = Coordinator::new(init.to_vec(), d, tol, max_iter);
        let mut next = coord.absorb(&firsts);
        let mut relocations = 0;
        loop {
            next = match next {
                Next::Step(c) => {
                    let ps: Vec<Partial> = shards.iter_mut().zip(&slices).map(|(s, (_, x))| s.step(x, &c)).collect();
                    coord.absorb(&ps)
                }
                Next::Farthest(e) => {
                    relocations += 1;
                    coord.relocate(shards.iter().zip(&slices).flat_map(|(s, (_, x))| s.farthest(x, e)).collect())
                }
                Next::Done => break,
            };
        }
        let blocks: Vec<f64> =
            shards.iter().zip(&slices).flat_map(|(s, (_, x))| s.inertia_blocks(x, coord.centers())).collect();
        let labels = shards.iter().flat_map(|s| s.labels().to_vec()).collect();
        (coord.centers().to_vec(), labels, blocks.iter().sum(), coord.n_iter(), coord.converged(), relocations)
    }

    #[test]
    fn any_number_of_shards_gives_the_one_thread_bits() {
        let (n, d, k) = (3 * BLOCK + 123, 3, 5);
        let mut r = seeded(9);
        let data: Vec<f64> = (0..n * d).map(|i| (i % k) as f64 * 3.0 + r.random::<f64>() * 4.0).collect();
        let x = Array2::from_shape_vec((n, d), data.clone()).unwrap();
        let mut init = kmeans_plus_plus(&data, d, k, &mut seeded(4));
        // A second copy of centre 0 in place of centre 4: it starts empty and is re-seeded.
        let c0 = init[..d].to_vec();
        init[(k - 1) * d..].copy_from_slice(&c0);
        for (tol, max_iter) in [(0.0, 300), (1e-4, 300), (0.0, 3)] {
            let m = KMeansParams::new(k as u32)
                .tol(tol)
                .max_iter(max_iter)
                .check(n)
                .unwrap()
                .fit_from(&x, &Array2::from_shape_vec((k, d), init.clone()).unwrap())
                .unwrap();
            let tol_abs = crate::cluster::kmeans::lloyd::absolute_tol(&x, tol);
            for parts in [1, 2, 3, 4] {
                let (c, labels, inertia, it, conv, relocations) = sharded(&data, d, &init, tol_abs, max_iter, parts);
                assert_eq!(relocations, 1, "the duplicated centre is re-seeded once");
                assert_eq!(c, m.centroids.iter().copied().collect::<Vec<_>>(), "{parts} shards, tol {tol}");
                assert_eq!(labels, m.labels);
                assert_eq!(inertia.to_bits(), m.inertia.to_bits());
                assert_eq!((it, conv), (m.n_iter, m.converged));
            }
        }
    }
}
