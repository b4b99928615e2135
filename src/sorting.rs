//! One stable sort of indices for the whole crate. Every closure passed to
//! `sort_by` compiles its own copy of the standard library's sort (a few KB
//! of Wasm each); routing index sorts through one `dyn` comparison keeps a
//! single copy, and the Wasm within its size budget.

use std::cmp::Ordering;

/// Stable sort of `indices` by `cmp` (equal elements keep their order).
pub fn sort_indices(indices: &mut [usize], cmp: &dyn Fn(usize, usize) -> Ordering) {
    indices.sort_by(|&a, &b| cmp(a, b));
}

/// How many different values `values` holds, through [`sort_indices`]: sorting the values
/// themselves (`sort_unstable` + `dedup`) compiled one more copy of the standard library's sort
/// for `&str` alone (about 600 B of gzipped Wasm), for samples of a few hundred cells.
pub fn distinct_count(values: &[&str]) -> usize {
    let mut order: Vec<usize> = (0..values.len()).collect();
    let at = |i: usize| values.get(i).copied().unwrap_or_default();
    sort_indices(&mut order, &|a, b| at(a).cmp(at(b)));
    order.windows(2).filter(|w| matches!(w, [a, b] if at(*a) != at(*b))).count() + usize::from(!values.is_empty())
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

    #[test]
    fn distinct_count_counts_each_value_once() {
        assert_eq!(super::distinct_count(&[]), 0);
        assert_eq!(super::distinct_count(&["a"]), 1);
        assert_eq!(super::distinct_count(&["b", "a", "b", "", "a", "c", ""]), 4);
    }
}
