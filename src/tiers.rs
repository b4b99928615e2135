//! Long loops cut into calls, for Wasm engines that compile in tiers.
//!
//! V8 runs a Wasm function first as quickly compiled baseline code and compiles an optimised
//! version once the function is found hot, but a running call keeps the code it started with:
//! one call that loops over a whole 10M-event log runs on baseline code from start to end (Node
//! 20: the first features of such a log 1.6 s against 1.0 s for later calls). Cut into calls of
//! a function the optimiser cannot inline, the loop switches to the optimised code after the
//! first few chunks. Natively this costs one indirect call per chunk.

use std::ops::Range;

/// Rows per call: small next to a large log, large next to the cost of a call.
pub const CHUNK: usize = 1 << 16;

/// Calls `each` on every range of `ranges`, in order, through a pointer the optimiser cannot
/// see through (so `each` stays a function of its own).
pub fn in_calls(ranges: impl Iterator<Item = Range<usize>>, each: &mut dyn FnMut(Range<usize>)) {
    let each = std::hint::black_box(each);
    ranges.for_each(each);
}

/// [`in_calls`] on consecutive ranges of `0..n` of at most [`CHUNK`] rows.
pub fn in_chunks(n: usize, each: &mut dyn FnMut(Range<usize>)) {
    in_calls((0..n).step_by(CHUNK).map(|at| at..n.min(at + CHUNK)), each);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_every_row_once_in_order() {
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7] {
            let mut seen = Vec::new();
            in_chunks(n, &mut |r| {
                assert!(r.len() <= CHUNK && !r.is_empty());
                seen.extend(r)
            });
            assert_eq!(seen, (0..n).collect::<Vec<_>>());
        }
    }
}
