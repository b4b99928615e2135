//! The M-step sums (and the inertia) kept per block of [`BLOCK`] rows, the
//! blocks added in row order. One thread sums this way too, so a parallel run
//! that splits the rows at block boundaries (`shard.rs`, one shard per
//! worker) adds the same numbers in the same order: bit-identical centres.
//!
//! Inside a block the rows are summed per sub-block of [`SUB`] rows, and a
//! block's sum is its sub-blocks' sums added in order. The sub-block sums are
//! kept between Hamerly passes: once k-means settles, a pass changes the
//! cluster of a few hundred rows in a million, and only the sub-blocks holding
//! them are summed again, and in those only the clusters that gained or lost a
//! row ([`resum_some`]; the same rows in the same order, so the same bits); the
//! rest of the data is not read at all.

use super::lloyd::{add_assign, sq_dist};

/// Rows per block: parallel shards start at a multiple of it, and send one sum per block.
pub const BLOCK: usize = 4096;

/// Rows per sub-block: the unit a pass sums again when one of its rows changed cluster.
/// Small enough that a few hundred changed rows leave most of a million rows unread,
/// large enough that the kept sums (`n / SUB × k × d` numbers) stay a fraction of the data.
pub const SUB: usize = 256;

/// Per-sub-block sums of rows by cluster (`⌈n / SUB⌉ × k × d`), zeroed.
fn zeroed(n: usize, k: usize, d: usize) -> Vec<f64> {
    vec![0.0; n.div_ceil(SUB) * k * d]
}

/// Sums one sub-block again from its rows (`data`, `labels`: its rows only) into `out` (`k × d`).
pub fn resum(out: &mut [f64], data: &[f64], labels: &[u32], d: usize) {
    resum_some(out, data, labels, d, u64::MAX);
}

/// [`resum`] of only the clusters in `mask` (bit `c` for cluster `c`; clusters from 64 on are
/// always summed): their sums in `out` are replaced, the others kept. A cluster's sum is its rows
/// added in row order either way, so the bits are the same as summing every cluster; only the
/// rows of the clusters that gained or lost a row are read, not the whole sub-block.
pub fn resum_some(out: &mut [f64], data: &[f64], labels: &[u32], d: usize, mask: u64) {
    let picked = |l: u32| l >= 64 || mask >> l & 1 == 1;
    for (c, acc) in out.chunks_exact_mut(d.max(1)).enumerate() {
        if picked(c as u32) {
            acc.fill(0.0);
        }
    }
    for (p, &l) in data.chunks_exact(d.max(1)).zip(labels) {
        if !picked(l) {
            continue;
        }
        if let Some(acc) = out.get_mut(l as usize * d..(l as usize + 1) * d) {
            add_assign(acc, p);
        }
    }
}

/// Every sub-block's sums and the rows per cluster, for the labels given.
pub fn sub_sums(data: &[f64], d: usize, labels: &[u32], k: usize) -> (Vec<f64>, Vec<u64>) {
    let mut subs = zeroed(labels.len(), k, d);
    let rows = data.chunks(SUB * d.max(1)).zip(labels.chunks(SUB));
    for (out, (x, l)) in subs.chunks_exact_mut((k * d).max(1)).zip(rows) {
        resum(out, x, l, d);
    }
    let mut counts = vec![0u64; k];
    for &l in labels {
        if let Some(c) = counts.get_mut(l as usize) {
            *c += 1;
        }
    }
    (subs, counts)
}

/// Per-block sums (`⌈rows / BLOCK⌉ × kd`): each block's sub-block sums added in order.
pub fn block_sums(subs: &[f64], kd: usize) -> Vec<f64> {
    let per = BLOCK / SUB;
    let kd = kd.max(1);
    let mut out = vec![0.0; subs.len().div_ceil(per * kd) * kd];
    for (b, group) in out.chunks_exact_mut(kd).zip(subs.chunks(per * kd)) {
        for s in group.chunks_exact(kd) {
            add_assign(b, s);
        }
    }
    out
}

/// Adds per-block sums (`blocks × out.len()`) in block order into `out`.
pub fn combine(blocks: &[f64], out: &mut [f64]) {
    out.fill(0.0);
    for b in blocks.chunks_exact(out.len().max(1)) {
        add_assign(out, b);
    }
}

/// Sum of squared distances of rows to their centres, per block.
pub fn block_inertia(data: &[f64], d: usize, labels: &[u32], centers: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; labels.len().div_ceil(BLOCK)];
    for (i, (p, &l)) in data.chunks_exact(d.max(1)).zip(labels).enumerate() {
        if let (Some(s), Some(c)) = (out.get_mut(i / BLOCK), centers.get(l as usize * d..(l as usize + 1) * d)) {
            *s += sq_dist(p, c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The clusters in the mask (and every cluster from 64 on) get exactly the sums of every
        /// cluster summed again (`resum`); the others keep what they held.
        #[test]
        fn resum_some_replaces_only_the_masked_clusters(
            rows in 0usize..40, d in 1usize..5, k in 1usize..70, mask in any::<u64>(), seed in any::<u64>(),
        ) {
            let mut r = crate::rng::seeded(seed);
            let data: Vec<f64> = (0..rows * d).map(|_| rand::Rng::random::<f64>(&mut r) * 10.0).collect();
            let labels: Vec<u32> = (0..rows).map(|_| rand::Rng::random_range(&mut r, 0..k as u32)).collect();
            let before: Vec<f64> = (0..k * d).map(|i| i as f64 + 0.5).collect();
            let mut full = before.clone();
            resum(&mut full, &data, &labels, d);
            let mut some = before.clone();
            resum_some(&mut some, &data, &labels, d, mask);
            for c in 0..k {
                let picked = c >= 64 || mask >> c & 1 == 1;
                let want = if picked { &full[c * d..(c + 1) * d] } else { &before[c * d..(c + 1) * d] };
                prop_assert_eq!(&some[c * d..(c + 1) * d], want, "cluster {}", c);
            }
        }
    }
}
