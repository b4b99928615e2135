//! k-means on fixtures whose answer is known by construction, and the
//! invariants any k-means result must satisfy.

use ndarray::Array2;
use proptest::prelude::*;
use seglens::cluster::kmeans::{sq_dist, KMeansParams};

/// Three squares of 4 points around (0,0), (10,0), (0,10): with k = 3 the
/// clusters are the squares and each centre is its square's centre, exactly.
fn squares() -> Array2<f64> {
    let mut v = Vec::new();
    for (cx, cy) in [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0)] {
        for (dx, dy) in [(-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0), (1.0, 1.0)] {
            v.extend([cx + dx, cy + dy]);
        }
    }
    Array2::from_shape_vec((12, 2), v).unwrap()
}

#[test]
fn squares_are_recovered_exactly_for_every_seed() {
    let x = squares();
    for seed in 0..25 {
        let m = KMeansParams::new(3).seed(seed).check(12).unwrap().fit(&x);
        for sq in 0..3 {
            let l = m.labels[sq * 4];
            assert!(m.labels[sq * 4..sq * 4 + 4].iter().all(|&o| o == l), "seed {seed}: {:?}", m.labels);
            let c = m.centroids.row(l as usize);
            let want = [[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]][sq];
            assert_eq!([c[0], c[1]], want, "seed {seed}");
        }
        // every point is sqrt(2) from its centre: inertia = 12 * 2
        assert!((m.inertia - 24.0).abs() < 1e-9, "seed {seed}: {}", m.inertia);
    }
}

#[test]
fn k_larger_than_n_is_a_clear_error() {
    let e = KMeansParams::new(20).check(12).unwrap_err();
    assert_eq!(e.to_string(), "k = 20 is larger than the number of customers (12); choose k <= 12");
}

fn matrix() -> impl Strategy<Value = Array2<f64>> {
    (1usize..40, 1usize..4).prop_flat_map(|(n, d)| {
        prop::collection::vec(-100.0f64..100.0, n * d).prop_map(move |v| Array2::from_shape_vec((n, d), v).unwrap())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every row gets exactly one label in 0..k, labels are nearest centres,
    /// the reported inertia is the recomputed one, and the same seed repeats.
    #[test]
    fn kmeans_invariants(x in matrix(), k in 1u32..6, seed in any::<u64>()) {
        let n = x.nrows();
        prop_assume!((k as usize) <= n);
        let p = KMeansParams::new(k).n_init(2).seed(seed).check(n).unwrap();
        let m = p.fit(&x);
        prop_assert_eq!(m.labels.len(), n);
        prop_assert!(m.labels.iter().all(|&l| l < k));
        let mut inertia = 0.0;
        for (i, row) in x.rows().into_iter().enumerate() {
            let r = row.to_vec();
            let own = sq_dist(&r, &m.centroids.row(m.labels[i] as usize).to_vec());
            for c in m.centroids.rows() {
                prop_assert!(own <= sq_dist(&r, &c.to_vec()) + 1e-9);
            }
            inertia += own;
        }
        prop_assert!((inertia - m.inertia).abs() <= 1e-9 * inertia.max(1.0));
        prop_assert_eq!(p.fit(&x), m);
    }
}
