//! The M-step sums (and the inertia) kept per block of [`BLOCK`] rows, the
//! blocks added in row order. One thread sums this way too, so a parallel run
//! that splits the rows at block boundaries (`shard.rs`, one shard per
//! worker) adds the same numbers in the same order: bit-identical centres.

use super::lloyd::{add_assign, sq_dist};

/// Rows per block. Parallel shards start at a multiple of it.
pub const BLOCK: usize = 4096;

/// Adds row `p` (row `i` of its shard) to cluster `j`'s sum in its block.
#[inline]
pub fn accumulate(sums: &mut [f64], counts: &mut [u64], p: &[f64], i: usize, j: usize, k: usize, d: usize) {
    let at = ((i / BLOCK) * k + j) * d;
    if let (Some(s), Some(c)) = (sums.get_mut(at..at + d), counts.get_mut(j)) {
        add_assign(s, p);
        *c += 1;
    }
}

/// Zeroed per-block sums for `n` rows.
pub fn zeroed(n: usize, k: usize, d: usize) -> Vec<f64> {
    vec![0.0; n.div_ceil(BLOCK) * k * d]
}

/// Per-block sums and counts of rows by label (Lloyd's M-step).
pub fn block_sums(data: &[f64], d: usize, labels: &[u32], k: usize) -> (Vec<f64>, Vec<u64>) {
    let mut sums = zeroed(labels.len(), k, d);
    let mut counts = vec![0u64; k];
    for (i, (p, &l)) in data.chunks_exact(d.max(1)).zip(labels).enumerate() {
        accumulate(&mut sums, &mut counts, p, i, l as usize, k, d);
    }
    (sums, counts)
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
