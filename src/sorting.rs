//! The crate's sorts, routed through as few copies of the standard library's
//! sort as possible. Every element type and every closure passed to `sort_by`
//! compiles its own copy (1–2 KB of gzipped Wasm each): index sorts go through
//! one `dyn` comparison, `f64` values through the `i64` sort, and the Wasm
//! stays within its size budget.

use std::cmp::Ordering;

/// Stable sort of `indices` by `cmp` (equal elements keep their order).
pub fn sort_indices(indices: &mut [usize], cmp: &dyn Fn(usize, usize) -> Ordering) {
    indices.sort_by(|&a, &b| cmp(a, b));
}

/// How many different values `values` holds, through [`sort_indices`]: sorting the values
/// themselves (`sort_unstable` + `dedup`) compiled one more copy of the standard library's sort
/// for `&str` alone (1,498 B of gzipped Wasm), for samples of a few hundred cells.
pub fn distinct_count(values: &[&str]) -> usize {
    let mut order: Vec<usize> = (0..values.len()).collect();
    let at = |i: usize| values.get(i).copied().unwrap_or_default();
    sort_indices(&mut order, &|a, b| at(a).cmp(at(b)));
    order.dedup_by(|a, b| at(*a) == at(*b));
    order.len()
}

/// Sorts `values` exactly as `sort_by(f64::total_cmp)` does (equal keys are equal bits, so
/// stability cannot show), by sorting each value's total-order key as an `i64`:
/// `sort_by(f64::total_cmp)` compiled a stable sort of its own for `f64` (1,825 B of gzipped
/// Wasm), while the `i64` sort is there already for the cohorts' days.
pub fn sort_f64(values: &mut [f64]) {
    // `f64::total_cmp`'s own key, which maps back by the same flip.
    let flip = |b: i64| b ^ (((b >> 63) as u64) >> 1) as i64;
    let mut keys: Vec<i64> = values.iter().map(|x| flip(x.to_bits() as i64)).collect();
    keys.sort_unstable();
    for (v, k) in values.iter_mut().zip(keys) {
        *v = f64::from_bits(flip(k) as u64);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn is_stable() {
        let keys = [3, 1, 3, 0, 1];
        let mut idx: Vec<usize> = (0..keys.len()).collect();
        super::sort_indices(&mut idx, &|a, b| keys[a].cmp(&keys[b]));
        assert_eq!(idx, [3, 1, 4, 0, 2]);
    }

    proptest::proptest! {
        /// The same bits in the same order as `sort_by(f64::total_cmp)`, NaNs, infinities,
        /// zeros of both signs and subnormals included.
        #[test]
        fn sort_f64_is_sort_by_total_cmp(bits in proptest::collection::vec(proptest::prelude::any::<u64>(), 0..200),
                                         picks in proptest::collection::vec(0usize..8, 0..200)) {
            let specials = [0.0, -0.0, f64::NAN, -f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1.0, f64::MIN_POSITIVE / 2.0];
            let mut v: Vec<f64> = bits.iter().map(|&b| f64::from_bits(b)).collect();
            v.extend(picks.iter().map(|&i| specials[i]));
            let mut want = v.clone();
            want.sort_by(f64::total_cmp);
            super::sort_f64(&mut v);
            let bits = |x: &[f64]| x.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
            proptest::prop_assert_eq!(bits(&v), bits(&want));
        }
    }

    #[test]
    fn distinct_count_counts_each_value_once() {
        assert_eq!(super::distinct_count(&[]), 0);
        assert_eq!(super::distinct_count(&["a"]), 1);
        assert_eq!(super::distinct_count(&["b", "a", "b", "", "a", "c", ""]), 4);
    }
}
