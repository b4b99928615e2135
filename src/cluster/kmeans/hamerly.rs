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

use super::blocks::{self, SUB};
use super::lloyd::update;
use super::{sq_dist, KMeansModel};

/// Prune only with a relative margin, so rounding in the accumulated bounds
/// can never skip a point whose nearest centre changed (near-ties are
/// recomputed exactly, with Lloyd's lowest-index rule).
pub(super) const MARGIN: f64 = 1.0 - 1e-9;

/// Nearest and second-nearest centre of `p`: (index, squared distance, second squared distance);
/// the lowest index on ties, as Lloyd's rule.
///
/// Without a branch on any comparison: which centre is nearest varies from row to row, so the
/// branches of the obvious loop are hard to predict. A squared distance is never negative (nor NaN:
/// the data and centres are finite), and the bits of non-negative floats order as the floats do,
/// so the minimum is tracked in integers, for which selects are cheap. Every centre's distance is
/// computed, with no branch on any of them.
/// With the changes to [`holds`] and [`Drift`] made with it, per iteration in Node: 1M×8 rows
/// 10.4 against 12.0 ms, 100k×8 0.79 against 0.88 ms (alternating builds in one process).
fn two_nearest(p: &[f64], centers: &[f64], d: usize) -> (usize, f64, f64) {
    let inf = f64::INFINITY.to_bits();
    let (mut best, mut b1, mut b2) = (0, inf, inf);
    for (j, c) in centers.chunks_exact(d).enumerate() {
        let dist = sq_dist(p, c).to_bits();
        let nearer = dist < b1;
        b2 = if nearer { b1 } else { b2.min(dist) };
        b1 = if nearer { dist } else { b1 };
        best = if nearer { j } else { best };
    }
    (best, f64::from_bits(b1), f64::from_bits(b2))
}

/// How far one centre has moved since the run began, as its rows' bounds need it.
#[derive(Debug, Clone, Copy, Default)]
struct Drift {
    /// The sum of its shifts: a row's distance to it has grown by at most this much.
    up: f64,
    /// The sum, over the passes, of the largest shift of any other centre: a row's distance to
    /// its nearest other centre has shrunk by at most this much.
    low: f64,
    /// `up` and `low` each plus an upper bound on the rounding in them and in a bound read
    /// against them: what a stored bound is read against. Summed once per pass, not per row.
    up_read: f64,
    low_read: f64,
}

/// What a pass compares a row's two stored numbers with, for the row's centre: worked out once
/// per pass from the centre's [`Drift`], so that a row costs two comparisons and no arithmetic.
/// A row stores `upper` (its upper bound less its centre's `up` when set) and `gap` (its lower
/// bound plus the centre's `low` when set, times [`MARGIN`], less `upper`). Its centre is
/// proven nearest when `upper` is under `under` (half the distance to the nearest other centre
/// times [`MARGIN`], less `up_read`: Hamerly's half-gap test) or `gap` is over `over`
/// (`up_read + low_read × MARGIN`: the lower-bound test, `u + up_read < (l − low_read) × MARGIN`
/// rearranged). Rounding: the rearranged sums round differently from the old ones, by errors of
/// two kinds, both covered as before. Errors in proportion to the drift sums are within the slack
/// that `up_read` and `low_read` carry (see [`Moves::advance`]); errors in proportion to the
/// distances are within [`MARGIN`]'s 1e−9 of the lower bound. Either way a row is only ever
/// looked at when it need not be, never skipped when it must be.
/// Before, each row read its centre's drift and did the adding and scaling itself.
/// Alternating builds, per iteration over iterations 3–20: the scan of the bounds at 100k×8 rows
/// 0.27 against 0.40 ms (timed inside the Wasm); the whole iteration 9.1 against 11.4 ms at 1M×8
/// in Node (medians), 0.93 against 1.22 ms at 100k×8 in Chromium.
#[derive(Debug, Clone, Copy)]
struct Test {
    under: f64,
    over: f64,
}

impl Test {
    /// For a label that names no centre (never produced; kept so no index can panic): no bound
    /// holds, so the row is looked at.
    const LOST: Test = Test { under: f64::NEG_INFINITY, over: f64::INFINITY };
}

/// The centres' moves, accumulated over the passes. A row keeps its bounds relative to its
/// centre's drift (`upper − up`, `lower + low`, as of when the bounds were last set), so a pass
/// reads a settled row's bounds but never writes them: once the clustering settles, most rows
/// are only read, which is most of the memory traffic Hamerly's bounds otherwise cost.
#[derive(Debug, Clone)]
pub(super) struct Moves {
    per: Vec<Drift>,
    /// Per centre, what a pass compares its rows' bounds with.
    test: Vec<Test>,
    /// Per centre, [`Test::over`] a few passes ahead at the pace of the last one ([`AHEAD`] of its
    /// steps), plus a sliver for the rounding slack that grows each pass even when a centre
    /// stands still: how far [`Near`] reaches.
    ahead: Vec<f64>,
    passes: u32,
}

impl Moves {
    pub fn new(k: usize) -> Moves {
        Moves { per: vec![Drift::default(); k], test: vec![Test::LOST; k], ahead: vec![0.0; k], passes: 0 }
    }

    /// Adds one M-step's moves, from `old` to `new` centres. Returns the sum of the squared
    /// shifts (scikit-learn's tolerance test).
    pub fn advance(&mut self, old: &[f64], new: &[f64], d: usize) -> f64 {
        let shift: Vec<f64> =
            old.chunks_exact(d.max(1)).zip(new.chunks_exact(d.max(1))).map(|(a, b)| sq_dist(a, b).sqrt()).collect();
        let (m1, a1, m2) = two_largest(&shift);
        self.passes += 1;
        // Each of the `passes` additions into `up` and `low` rounds by at most EPSILON / 2 of the
        // total, and adding the slack and reading a bound against it (`stored + up_read`) by a few
        // more: a generous multiple keeps every bound a true bound, so a row is never skipped
        // wrongly (it only costs a look).
        let rounding = f64::from(2 * self.passes + 10) * f64::EPSILON;
        let half = half_gaps(new, self.per.len(), d);
        let per = self.per.iter_mut().zip(self.test.iter_mut()).zip(self.ahead.iter_mut());
        for (c, (((m, test), ahead), (&s, h))) in per.zip(shift.iter().zip(half)).enumerate() {
            m.up += s;
            m.low += if c == a1 { m2 } else { m1 };
            let slack = rounding * (m.up + m.low);
            let (up_read, low_read) = (m.up + slack, m.low + slack);
            let sliver = 1e-9 * (up_read + low_read);
            let (up_ahead, low_ahead) =
                (up_read + AHEAD * (up_read - m.up_read) + sliver, low_read + AHEAD * (low_read - m.low_read) + sliver);
            *ahead = up_ahead + low_ahead * MARGIN;
            (m.up_read, m.low_read) = (up_read, low_read);
            *test = Test { under: h * MARGIN - up_read, over: up_read + low_read * MARGIN };
        }
        shift.iter().map(|s| s * s).sum()
    }

    fn test(&self, c: u32) -> Test {
        self.test.get(c as usize).copied().unwrap_or(Test::LOST)
    }
}

/// How many of the last pass's steps [`Near`] reaches ahead.
const AHEAD: f64 = 4.0;

/// The rows a pass has to read, once the clustering settles. A full pass also finds the rows
/// whose bounds would still hold if every centre drifted [`AHEAD`] more passes at the pace of
/// the last one (`reach`, per centre); the passes after it read only the other rows, for as long
/// as no centre's drift has gone past its reach. A row left out was not looked at since, so its
/// bounds and label are as they were, and drifts only grow: its bounds still hold, with no
/// reading. Once k-means settles a few per cent of the rows are near; reading every row's bounds
/// was a third of a settled pass. 1M×8 rows in Node, per iteration over iterations 3–20: 10.8
/// against 12.3 ms (median of 8 rounds, alternating builds; 9.85 against 11.10 in a later run of
/// 6); at 100k rows, whose bounds stay in cache, none (see [`NEAR_MIN_ROWS`]). [`AHEAD`] of 2 or
/// 8 was no better than 4. Keeping a copy of the listed rows' data, so that their distances read
/// it in order, was slower (12.35 against 11.20 ms): the copying cost more than it saved.
#[derive(Debug, Clone, Default)]
pub(super) struct Near {
    /// The rows to read, ascending.
    rows: Vec<u32>,
    /// Per centre, the [`Test::over`] up to which the rows not in `rows` hold.
    reach: Vec<f64>,
    /// Whether `rows` is in use (not after the first pass, or when most rows were near).
    valid: bool,
    /// Passes that read only `rows` (for the tests: the shortcut is taken, and still exact).
    #[cfg(test)]
    used: u32,
    /// Never list rows: too few for their bounds to leave the cache (see [`Near::for_rows`]).
    off: bool,
}

/// Fewer rows than this are never listed by [`Near`]: their bounds (20 bytes a row) stay in
/// cache, so reading them all costs little, and listing them cost more (100k×8 rows in Node,
/// 0.857 ms per iteration listed against 0.834 ms not; with this limit 0.812 against 0.854).
const NEAR_MIN_ROWS: usize = 1 << 18;

impl Near {
    /// For `n` rows: listing only when there are enough of them to pay.
    pub fn for_rows(n: usize) -> Near {
        Near { off: n < NEAR_MIN_ROWS, ..Near::default() }
    }

    /// Whether every centre's drift is still within its reach. (A centre with no reach has all
    /// its rows listed: [`Near::holds_ahead`] never holds for it.)
    fn covers(&self, m: &Moves) -> bool {
        self.valid && m.test.iter().zip(&self.reach).all(|(t, &reach)| t.over <= reach)
    }

    /// Brings the reach down to where the drift would be [`AHEAD`] passes from now at the last
    /// pass's pace, where that is nearer: the rows kept are then only those still close. A row
    /// dropped holds up to the new reach, and a row never kept up to the old one, which is further.
    fn tighten(&mut self, m: &Moves) {
        for (r, &ahead) in self.reach.iter_mut().zip(&m.ahead) {
            *r = r.min(ahead);
        }
    }

    /// Whether a row's bounds hold against the reach of centre `label` (by the lower-bound test
    /// alone: half the gap does not only shrink).
    #[inline]
    fn holds_ahead(&self, label: u32, gap: f64) -> bool {
        gap > self.reach.get(label as usize).copied().unwrap_or(f64::INFINITY)
    }
}

/// Whether a row's bounds, read against the drift, still prove its centre nearest. Both tests
/// are made, with no branch between them: which one proves a row varies from row to row, so
/// such a branch would be hard to predict.
#[inline]
fn holds(m: &Moves, label: u32, upper: f64, gap: f64) -> bool {
    let t = m.test(label);
    (upper < t.under) | (gap > t.over)
}

/// One row whose bounds no longer hold: returns its nearest centre (its label) and sets its
/// bounds from the distances to it and to the second nearest.
///
/// Hamerly's algorithm first tightens the upper bound alone (the distance to the row's own
/// centre) and looks at every centre only if that is not enough; here every centre is looked at
/// at once. With few centres in few dimensions the row's data costs more to fetch than its
/// distances to them, and the lower bound comes out exact too, so the row is looked at again
/// later, not next pass. 100k×8 rows, k = 6, iterations 2–20: 7.0k rows looked at per pass
/// instead of 11.3k (6.2k of them to every centre), per iteration in Node 1.17 against 1.40 ms
/// (median of 12 alternating rounds; 1.60 against 1.83 in a slower spell). Tightening first
/// would pay again, counting distances, from about 15 centres: beyond `--k auto`'s range.
#[inline]
fn look(p: &[f64], centers: &[f64], d: usize, m: &Moves, (upper, gap): (&mut f64, &mut f64)) -> usize {
    let (j, b1, b2) = two_nearest(p, centers, d);
    // (`j` always names a centre; were it not to, these bounds would never hold, and the row
    // would be looked at every pass.)
    let cj = m.per.get(j).copied().unwrap_or(Drift { up: f64::NEG_INFINITY, ..Drift::default() });
    (*upper, *gap) = bounds(b1, b2, cj);
    j
}

/// A row's stored `upper` and `gap` (see [`Test`]) from its squared distances to its nearest
/// (`b1`) and second-nearest (`b2`) centre, whose drift is `c`.
#[inline]
fn bounds(b1: f64, b2: f64, c: Drift) -> (f64, f64) {
    let upper = b1.sqrt() - c.up;
    (upper, (b2.sqrt() + c.low) * MARGIN - upper)
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
    pub gap: &'a mut [f64],
    pub near: &'a mut Near,
}

/// One iteration's pass over the rows: every row's bounds, or only the [`Near`] rows' while the
/// others are known to hold ([`holds`], else [`look`]), the rows
/// per cluster (`counts`, kept up to date from the previous pass's), and the sums of the
/// sub-blocks where a row changed cluster (`subs` holds every sub-block's sums from the passes
/// before; the others stay as they are, see `blocks.rs`). Returns how many labels changed. A
/// function of its own, called once per iteration, so V8 runs optimised code after the first
/// iterations (see `crate::tiers`).
#[inline(never)]
pub(super) fn pass(
    data: &[f64],
    d: usize,
    centers: &[f64],
    moves: &Moves,
    b: Bounds,
    acc: (&mut [f64], &mut [u64]),
) -> usize {
    let (subs, counts) = acc;
    let kd = counts.len() * d;
    let n = b.labels.len();
    let near = b.near;
    let full = !near.covers(moves);
    if full {
        near.rows.clear();
        near.reach.clone_from(&moves.ahead);
    } else {
        near.tighten(moves);
        #[cfg(test)]
        {
            near.used += 1;
        }
    }
    let (mut next_near, mut kept) = (0, 0);
    let bounds = b.labels.chunks_mut(SUB).zip(b.upper.chunks_mut(SUB).zip(b.gap.chunks_mut(SUB)));
    let mut changed = 0;
    for (s, ((x, (labels, (upper, gap))), out)) in
        data.chunks(SUB * d).zip(bounds).zip(subs.chunks_exact_mut(kd.max(1))).enumerate()
    {
        // First the bounds alone (no data read, no branch on the answer), then the rows they no
        // longer hold for: their data loads do not wait behind mispredicted branches one by one.
        let mut looked = [0u16; SUB];
        let mut n_look = 0;
        if full {
            for (i, (&l, (&up, &g))) in labels.iter().zip(upper.iter().zip(gap.iter())).enumerate() {
                if let Some(slot) = looked.get_mut(n_look) {
                    *slot = i as u16;
                }
                n_look += usize::from(!holds(moves, l, up, g));
            }
            if !near.off {
                // The sub-block's bounds again, now in cache: the rows to list.
                let mut close = [0u16; SUB];
                let mut n_close = 0;
                for (i, (&l, &g)) in labels.iter().zip(gap.iter()).enumerate() {
                    if let Some(c) = close.get_mut(n_close) {
                        *c = i as u16;
                    }
                    n_close += usize::from(!near.holds_ahead(l, g));
                }
                near.rows.extend(close.iter().take(n_close).map(|&i| (s * SUB + usize::from(i)) as u32));
            }
        } else {
            // The listed rows in this sub-block: the next ones in the ascending list.
            while let Some(&r) = near.rows.get(next_near) {
                let i = (r as usize).wrapping_sub(s * SUB);
                if i >= SUB {
                    break;
                }
                next_near += 1;
                let (Some(&l), Some(&up), Some(&g)) = (labels.get(i), upper.get(i), gap.get(i)) else { continue };
                if let (Some(slot), Some(keep)) = (looked.get_mut(n_look), near.rows.get_mut(kept)) {
                    *slot = i as u16;
                    *keep = r;
                }
                n_look += usize::from(!holds(moves, l, up, g));
                kept += usize::from(!near.holds_ahead(l, g));
            }
        }
        if n_look == 0 {
            continue;
        }
        touch(x, d, looked.iter().take(n_look));
        let mut moved = 0;
        // The clusters that gained or lost a row here: only their sums change.
        let mut mask = 0u64;
        for &i in looked.iter().take(n_look) {
            let i = usize::from(i);
            let (Some(p), Some(label), Some(up), Some(g)) =
                (x.get(i * d..(i + 1) * d), labels.get_mut(i), upper.get_mut(i), gap.get_mut(i))
            else {
                continue;
            };
            let (was, now) = (*label as usize, look(p, centers, d, moves, (up, g)));
            *label = now as u32;
            if now != was {
                moved += 1;
                mask |= bit(was) | bit(now);
                // Counts follow the labels that changed, not a count of every row every pass.
                if let Some(c) = counts.get_mut(was) {
                    *c = c.saturating_sub(1);
                }
                if let Some(c) = counts.get_mut(now) {
                    *c += 1;
                }
            }
        }
        if moved > 0 {
            blocks::resum_some(out, x, labels, d, mask);
        }
        changed += moved;
    }
    if full {
        near.valid = !near.off && near.rows.len() <= n / 2;
    } else {
        near.rows.truncate(kept);
    }
    changed
}

/// Reads the first and the last number of each listed row: loads that depend on nothing, which
/// the CPU keeps in flight together, so the rows come from memory at once instead of one at a
/// time, each behind the last row's distances (Wasm has no prefetch instruction). A row of up to
/// 8 numbers lies in at most two cache lines, those of its first and last number. Per iteration
/// in Node, alternating builds: 100k×8 rows, timed inside the Wasm, the looks 0.39 against
/// 0.60 ms, the whole pass 0.96 against 1.15; 1M×8 rows 10.3 against 13.0 ms (medians). Touching
/// every cache line of longer rows was no faster at 8 columns and cost 80 bytes.
#[inline]
fn touch<'a>(x: &[f64], d: usize, rows: impl Iterator<Item = &'a u16>) {
    let mut any = 0u64;
    for &i in rows {
        let i = usize::from(i) * d;
        let first = x.get(i).map_or(0, |v| v.to_bits());
        let last = x.get(i + d.saturating_sub(1)).map_or(0, |v| v.to_bits());
        any |= first | last;
    }
    std::hint::black_box(any);
}

/// Cluster `c`'s bit in a mask of clusters (none from 64 on: those are always summed again).
#[inline]
fn bit(c: usize) -> u64 {
    1u64.checked_shl(c as u32).unwrap_or(0)
}

/// Every row's nearest and second-nearest centre, as the bounds' starting values, with the
/// rows per cluster and every sub-block's sums: the first pass, for one thread and each shard.
pub(super) fn first_pass(data: &[f64], d: usize, centers: &[f64], b: Bounds) -> (Vec<f64>, Vec<u64>) {
    let rows = data.chunks_exact(d).zip(b.labels.iter_mut()).zip(b.upper.iter_mut().zip(b.gap.iter_mut()));
    for ((p, label), (up, gap)) in rows {
        let (j, b1, b2) = two_nearest(p, centers, d);
        *label = j as u32;
        (*up, *gap) = bounds(b1, b2, Drift::default());
    }
    blocks::sub_sums(data, d, b.labels, centers.len() / d)
}

/// Hamerly iterations from given centres, with Lloyd's stopping rule.
pub(super) fn run_from(x: &Array2<f64>, centers: Vec<f64>, max_iter: u32, tol: f64) -> KMeansModel {
    iterate(x, centers, max_iter, tol, &mut Near::for_rows(x.nrows()))
}

/// [`run_from`] with the [`Near`] rows it keeps (the tests look at them afterwards).
fn iterate(x: &Array2<f64>, mut centers: Vec<f64>, max_iter: u32, tol: f64, near: &mut Near) -> KMeansModel {
    let (n, d) = (x.nrows(), x.ncols());
    let k = centers.len() / d.max(1);
    if k == 0 || d == 0 {
        // Nothing to measure distances in (checked parameters never get here): every row in
        // cluster 0, as the first assignment would leave them.
        let centroids = Array2::zeros((k, d));
        return KMeansModel { centroids, labels: vec![0; n], inertia: 0.0, n_iter: 1, converged: true };
    }
    let xs = x.as_standard_layout();
    let data = xs.as_slice().unwrap_or(&[]);
    let mut labels = vec![0u32; n];
    let mut upper = vec![0.0; n];
    let mut gap = vec![0.0; n];
    // Per-cluster sums of the rows, kept per sub-block of rows as Lloyd's M-step and the parallel
    // shards sum them (blocks.rs), so the centres are bit-identical; each pass sums again only
    // the sub-blocks where a row changed cluster.
    let (mut subs, mut counts) = first_pass(
        data,
        d,
        &centers,
        Bounds { labels: &mut labels, upper: &mut upper, gap: &mut gap, near: &mut *near },
    );
    // Rows whose cluster the last pass changed: none (after the first pass) is scikit-learn's
    // "labels equal the previous ones", without keeping and comparing a copy of the labels.
    let mut changed = n;
    let mut new_centers = vec![0.0; k * d];
    let mut dists = vec![0.0; n];
    let mut moves = Moves::new(k);
    let (mut strict, mut n_iter) = (false, 0);
    for it in 1..=max_iter {
        n_iter = it;
        // M-step: the means of the sums. An empty cluster needs exact distances and Lloyd's
        // relocation, which recomputes the sums from the rows.
        if counts.contains(&0) {
            for ((p, &l), dist) in data.chunks_exact(d).zip(&labels).zip(dists.iter_mut()) {
                *dist = sq_dist(p, &centers[l as usize * d..(l as usize + 1) * d]);
            }
            // `update` counts the relocated centres' rows; `counts` keeps counting the labels.
            update(data, d, &labels, &dists, &mut new_centers, &mut counts.clone());
        } else {
            blocks::combine(&blocks::block_sums(&subs, k * d), &mut new_centers);
            for (c, &cnt) in new_centers.chunks_exact_mut(d).zip(&counts) {
                c.iter_mut().for_each(|v| *v /= cnt as f64);
            }
        }
        let stop = moves.advance(&centers, &new_centers, d) <= tol;
        std::mem::swap(&mut centers, &mut new_centers);
        if it >= 2 && changed == 0 {
            strict = true;
            break;
        }
        let bounds = Bounds { labels: &mut labels, upper: &mut upper, gap: &mut gap, near: &mut *near };
        changed = pass(data, d, &centers, &moves, bounds, (&mut subs, &mut counts));
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
    use crate::cluster::kmeans::{kmeans_plus_plus, lloyd};
    use crate::rng::seeded;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        /// Hamerly is an exact acceleration: same labels, centres, inertia and iterations as Lloyd.
        #[test]
        fn same_result_as_lloyd(
            n in 2usize..120, d in 1usize..5, k in 1usize..7, seed in any::<u64>(), integers in any::<bool>(), max_iter in 1u32..40,
            far in prop_oneof![Just(0.0), Just(1e3), Just(1e9)],
        ) {
            prop_assume!(k <= n);
            let mut r = seeded(seed);
            let vals: Vec<f64> = (0..n * d).map(|_| {
                let v = rand::Rng::random::<f64>(&mut r) * 20.0;
                if integers { v.floor() } else { v }
            }).collect();
            let x = Array2::from_shape_vec((n, d), vals.clone()).unwrap();
            let mut init = kmeans_plus_plus(&vals, d, k, &mut seeded(seed ^ 1));
            // One centre starting far away: its first move is huge next to every distance, which
            // is where bounds kept against accumulated drift would lose precision.
            init[0] += far;
            let tol = if integers { 0.0 } else { 1e-6 };
            let a = lloyd::run_from(&x, init.clone(), max_iter, tol);
            let b = run_from(&x, init, max_iter, tol);
            prop_assert_eq!(&a.labels, &b.labels);
            prop_assert_eq!(a.n_iter, b.n_iter);
            prop_assert_eq!(&a.centroids, &b.centroids);
            prop_assert_eq!(a.inertia, b.inertia);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]
        /// The same over many sub-blocks of rows (`blocks::SUB`), from centres that start close
        /// together, so later passes change rows in some sub-blocks and not others: the kept sums
        /// of the sub-blocks left alone must still be the sums Lloyd computes afresh.
        #[test]
        fn kept_sub_block_sums_are_lloyds(
            n in (3 * SUB)..(12 * SUB), k in 2usize..6, seed in any::<u64>(), max_iter in 5u32..60,
        ) {
            let d = 3;
            let mut r = seeded(seed);
            let vals: Vec<f64> = (0..n * d)
                .map(|i| ((i / d) % k) as f64 * 4.0 + rand::Rng::random::<f64>(&mut r) * 3.0)
                .collect();
            let x = Array2::from_shape_vec((n, d), vals.clone()).unwrap();
            // Every centre near the first row: the clusters separate over many passes.
            let init: Vec<f64> = (0..k * d).map(|i| vals[i % d] + (i / d) as f64 * 0.1).collect();
            let a = lloyd::run_from(&x, init.clone(), max_iter, 0.0);
            let b = run_from(&x, init, max_iter, 0.0);
            prop_assert!(a.n_iter >= 3, "too few passes to exercise kept sums");
            prop_assert_eq!(&a.labels, &b.labels);
            prop_assert_eq!(a.n_iter, b.n_iter);
            prop_assert_eq!(&a.centroids, &b.centroids);
            prop_assert_eq!(a.inertia, b.inertia);
        }
    }

    /// Blobs (`n` rows, `k` of them in `d` columns, a unit normal around each centre) and centres
    /// started from rows of one blob: many passes, the later ones changing few rows, as k-means
    /// settles.
    fn blobs(n: usize, d: usize, k: usize, seed: u64) -> (Array2<f64>, Vec<f64>) {
        let mut r = seeded(seed);
        let mut normal = || (0..12).map(|_| rand::Rng::random::<f64>(&mut r)).sum::<f64>() - 6.0;
        let vals: Vec<f64> = (0..n * d).map(|i| ((i / d) % k * (i % d + 1)) as f64 * 4.0 + normal()).collect();
        let init = (0..k * d).map(|i| vals[(i / d) * k * d + i % d] + (i / d) as f64 * 0.2).collect();
        (Array2::from_shape_vec((n, d), vals).unwrap_or_default(), init)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Passes that read only the near rows (`Near`) give Lloyd's labels and centres: every row
        /// they leave unread still holds its centre.
        #[test]
        fn near_rows_passes_are_lloyds(
            n in 1000usize..5000, d in 2usize..5, k in 2usize..7, seed in any::<u64>(), max_iter in 8u32..60,
        ) {
            let (x, init) = blobs(n, d, k, seed);
            let a = lloyd::run_from(&x, init.clone(), max_iter, 0.0);
            // Listing on (`run_from` lists from `NEAR_MIN_ROWS` rows on).
            let b = iterate(&x, init, max_iter, 0.0, &mut Near::default());
            prop_assert_eq!(&a.labels, &b.labels);
            prop_assert_eq!(a.n_iter, b.n_iter);
            prop_assert_eq!(&a.centroids, &b.centroids);
            prop_assert_eq!(a.inertia, b.inertia);
        }
    }

    /// The proptest above is about the near rows only if passes use them: on these blobs most do.
    #[test]
    fn settling_passes_read_only_the_near_rows() {
        let (x, init) = blobs(20_000, 4, 5, 7);
        let mut near = Near::default();
        let a = lloyd::run_from(&x, init.clone(), 100, 0.0);
        let b = iterate(&x, init, 100, 0.0, &mut near);
        assert!(a.n_iter >= 10, "{} passes", a.n_iter);
        assert!(near.used * 2 >= a.n_iter, "{} of {} passes read only the near rows", near.used, a.n_iter);
        assert_eq!(a.labels, b.labels);
        assert_eq!(a.centroids, b.centroids);
    }
}
