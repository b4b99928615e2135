//! One stable sort of indices for the whole crate. Every closure passed to
//! `sort_by` compiles its own copy of the standard library's sort (a few KB
//! of Wasm each); routing index sorts through one `dyn` comparison keeps a
//! single copy, and the Wasm within its size budget.

use std::cmp::Ordering;

/// Stable sort of `indices` by `cmp` (equal elements keep their order).
pub fn sort_indices(indices: &mut [usize], cmp: &dyn Fn(usize, usize) -> Ordering) {
    indices.sort_by(|&a, &b| cmp(a, b));
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
}
