//! k-means and validity metrics against scikit-learn on the same data
//! (fixtures written by tests/reference/sklearn_fixtures.py, committed).

use ndarray::Array2;
use seglens::cluster::dbscan::DbscanParams;
use seglens::cluster::kmeans::KMeansParams;
use seglens::metrics::{adjusted_rand_index, calinski_harabasz, davies_bouldin, silhouette_samples};
use serde_json::Value;

const CASES: [&str; 4] = ["blobs_2d_k3", "blobs_5d_k5", "blobs_8d_k6_overlap", "blobs_3d_k4_wrong_k"];

fn load(name: &str) -> (Array2<f64>, Value) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sklearn/");
    let text = std::fs::read_to_string(format!("{dir}{name}.csv")).unwrap();
    let mut rows = text.lines().skip(1).map(|l| l.split(',').map(|v| v.parse::<f64>().unwrap()).collect::<Vec<_>>());
    let first = rows.next().unwrap();
    let d = first.len();
    let mut flat = first;
    rows.for_each(|r| flat.extend(r));
    let x = Array2::from_shape_vec((flat.len() / d, d), flat).unwrap();
    let json: Value = serde_json::from_str(&std::fs::read_to_string(format!("{dir}{name}.json")).unwrap()).unwrap();
    (x, json)
}

fn labels(v: &Value, key: &str) -> Vec<u32> {
    v[key].as_array().unwrap().iter().map(|l| l.as_u64().unwrap() as u32).collect()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

#[test]
fn metrics_equal_sklearn_on_sklearn_labels() {
    for name in CASES {
        let (x, r) = load(name);
        let l = labels(&r, "labels");
        let s = silhouette_samples(x.view(), &l).unwrap();
        let sil = s.iter().sum::<f64>() / s.len() as f64;
        assert!(rel(sil, r["silhouette"].as_f64().unwrap()) < 1e-9, "{name} silhouette {sil} vs {}", r["silhouette"]);
        let db = davies_bouldin(x.view(), &l).unwrap();
        assert!(rel(db, r["davies_bouldin"].as_f64().unwrap()) < 1e-9, "{name} DB {db} vs {}", r["davies_bouldin"]);
        let ch = calinski_harabasz(x.view(), &l).unwrap();
        assert!(
            rel(ch, r["calinski_harabasz"].as_f64().unwrap()) < 1e-9,
            "{name} CH {ch} vs {}",
            r["calinski_harabasz"]
        );
    }
}

#[test]
fn kmeans_matches_sklearn_partition_and_inertia() {
    for name in CASES {
        let (x, r) = load(name);
        let k = r["k"].as_u64().unwrap() as u32;
        let m = KMeansParams::new(k).n_init(10).seed(0).check(x.nrows()).unwrap().fit(&x);
        let want = r["inertia"].as_f64().unwrap();
        let gap = (m.inertia - want) / want;
        // never worse than scikit-learn by more than 0.5 %; on well-posed data, the same partition
        assert!(gap < 0.005, "{name}: inertia {} vs sklearn {want} ({:+.3} %)", m.inertia, gap * 100.0);
        let ari = adjusted_rand_index(&m.labels, &labels(&r, "labels")).unwrap();
        if !name.ends_with("wrong_k") {
            assert!(ari >= 0.99, "{name}: ARI vs sklearn {ari}");
        }
        eprintln!("{name}: ARI vs sklearn {ari:.4}, inertia {:+.4} %", gap * 100.0);
    }
}

#[test]
fn dbscan_labels_equal_sklearn_up_to_permutation() {
    for name in ["dbscan_moons", "dbscan_blobs_noise"] {
        let (x, r) = load(name);
        let eps = r["eps"].as_f64().unwrap();
        let ms = r["min_samples"].as_u64().unwrap() as usize;
        let want: Vec<i64> = r["labels"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
        let got = DbscanParams::new().eps(eps).min_samples(ms).check().unwrap().fit(&x).labels;
        // a bijection between cluster ids, with noise (-1) fixed
        let mut map = std::collections::HashMap::new();
        for (&g, &w) in got.iter().zip(&want) {
            assert_eq!(g == -1, w == -1, "{name}: noise differs");
            let prev = map.insert(g, w);
            assert!(prev.is_none_or(|p| p == w), "{name}: cluster {g} maps to {w} and {prev:?}");
        }
        let mut targets: Vec<i64> = map.values().copied().collect();
        targets.sort_unstable();
        targets.dedup();
        assert_eq!(targets.len(), map.len(), "{name}: two clusters merged");
    }
}

#[test]
fn pca_variance_shares_and_coordinates_match_sklearn() {
    for name in CASES {
        let (x, r) = load(name);
        let labels = vec![0u32; x.nrows()];
        let p = seglens::projection::pca2(x.view(), &labels, 0).unwrap();
        let want: Vec<f64> = r["pca_explained"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        for (got, want) in p.explained.iter().zip(&want) {
            assert!(rel(*got, *want) < 1e-9, "{name}: explained {got} vs sklearn {want}");
        }
        // Coordinates agree up to the sign of each axis (sklearn flips signs by its own rule).
        let first: Vec<f64> = r["pca_first_point"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
        let (gx, gy) = (p.points[0].x, p.points[0].y);
        assert!(rel(gx.abs(), first[0].abs()) < 1e-7, "{name}: x {gx} vs {}", first[0]);
        assert!(rel(gy.abs(), first[1].abs()) < 1e-7, "{name}: y {gy} vs {}", first[1]);
    }
}

#[test]
fn mini_batch_kmeans_is_as_good_as_sklearns_and_close_to_full_kmeans() {
    let (x, r) = load("minibatch_blobs");
    let batch = r["batch_size"].as_u64().unwrap() as usize;
    let sk_mb = r["minibatch_inertia_median"].as_f64().unwrap();
    let sk_full = r["kmeans_inertia"].as_f64().unwrap();
    let full_labels = labels(&r, "kmeans_labels");
    let mut inertias = Vec::new();
    for seed in 0..5 {
        let m = KMeansParams::new(5).seed(seed).mini_batch(batch).check(x.nrows()).unwrap().fit(&x);
        let ari = adjusted_rand_index(&m.labels, &full_labels).unwrap();
        assert!(ari >= 0.95, "seed {seed}: ARI vs full k-means {ari}");
        assert!(m.inertia >= sk_full * (1.0 - 1e-9), "below the full k-means optimum?");
        inertias.push(m.inertia);
    }
    inertias.sort_by(f64::total_cmp);
    let median = inertias[2];
    eprintln!("mini-batch inertia median {median} vs scikit-learn MiniBatchKMeans {sk_mb}, KMeans {sk_full}");
    assert!(median <= sk_mb * 1.02, "median inertia {median} vs scikit-learn's mini-batch {sk_mb}");
}
