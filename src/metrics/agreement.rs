//! Agreement between two segmentations of the same customers: the
//! contingency table and the adjusted Rand index (Hubert & Arabie 1985),
//! as `sklearn.metrics.adjusted_rand_score`. 1 = identical up to renaming,
//! ~0 = no better than chance.

use std::collections::HashMap;

/// Counts of customers per (label in `a`, label in `b`), keyed by label values.
pub fn contingency(a: &[u32], b: &[u32]) -> HashMap<(u32, u32), u64> {
    let mut t = HashMap::new();
    for (&x, &y) in a.iter().zip(b) {
        *t.entry((x, y)).or_insert(0) += 1;
    }
    t
}

fn comb2(n: u64) -> f64 {
    let n = n as f64;
    n * (n - 1.0) / 2.0
}

/// Adjusted Rand index of two labelings of equal length (`None` otherwise).
pub fn adjusted_rand_index(a: &[u32], b: &[u32]) -> Option<f64> {
    if a.len() != b.len() {
        return None;
    }
    let t = contingency(a, b);
    let (mut ra, mut rb): (HashMap<u32, u64>, HashMap<u32, u64>) = (HashMap::new(), HashMap::new());
    for (&(x, y), &c) in &t {
        *ra.entry(x).or_insert(0) += c;
        *rb.entry(y).or_insert(0) += c;
    }
    let index: f64 = t.values().map(|&c| comb2(c)).sum();
    let sa: f64 = ra.values().map(|&c| comb2(c)).sum();
    let sb: f64 = rb.values().map(|&c| comb2(c)).sum();
    let total = comb2(a.len() as u64);
    if total == 0.0 {
        return Some(1.0);
    }
    let expected = sa * sb / total;
    let max = (sa + sb) / 2.0;
    Some(if max == expected { 1.0 } else { (index - expected) / (max - expected) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_sklearn_values() {
        // sklearn.metrics.adjusted_rand_score
        assert_eq!(adjusted_rand_index(&[0, 0, 1, 1], &[1, 1, 0, 0]), Some(1.0));
        let v = adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2]).unwrap();
        assert!((v - 0.5714285714285715).abs() < 1e-15);
        assert_eq!(adjusted_rand_index(&[0, 0, 0, 0], &[0, 1, 2, 3]), Some(0.0));
        assert_eq!(adjusted_rand_index(&[0], &[0, 1]), None);
    }
}
