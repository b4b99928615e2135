//! The whole core pipeline from bytes to Report, as every surface runs it.

use seglens::{labels_csv, segment_bytes, KChoice, Options};

const SHOP: &[u8] = include_bytes!("fixtures/shop_400.csv");

fn opts(k: u32) -> Options {
    Options { k: KChoice::Fixed(k as f64), ..Options::default() }
}

#[test]
fn report_fields_are_consistent() {
    let (_, seg) = segment_bytes(SHOP, &opts(4)).unwrap();
    let r = &seg.report;
    assert_eq!((r.rows_read, r.rows_skipped, r.customers), (400, 0, 400));
    assert_eq!(r.k, 4);
    assert_eq!(r.segments.iter().map(|s| s.size).sum::<u64>(), 400);
    let share: f64 = r.segments.iter().map(|s| s.share).sum();
    assert!((share - 1.0).abs() < 1e-12);
    assert!(r.metrics.silhouette.is_some_and(|v| (-1.0..=1.0).contains(&v)));
    let csv = labels_csv(&seg).unwrap();
    assert_eq!(csv.lines().count(), 401);
    assert!(csv.starts_with("id,segment,name\nC100001,"));
}

#[test]
fn same_seed_same_json_other_seed_still_valid() {
    let a = segment_bytes(SHOP, &Options { seed: Some(5), ..opts(3) }).unwrap().1;
    let b = segment_bytes(SHOP, &Options { seed: Some(5), ..opts(3) }).unwrap().1;
    assert_eq!(a.report.to_json().unwrap(), b.report.to_json().unwrap());
    assert_eq!(a.labels, b.labels);
}

#[test]
fn unseeded_run_reports_the_seed_it_used() {
    let a = segment_bytes(SHOP, &Options { seed: None, ..opts(3) }).unwrap().1;
    let again = segment_bytes(SHOP, &Options { seed: Some(a.report.seed), ..opts(3) }).unwrap().1;
    assert_eq!(a.labels, again.labels);
}

#[test]
fn unusable_inputs_are_errors_with_codes() {
    let cases: [(&[u8], &str); 4] = [
        (b"", "empty_input"),
        (b"id,x\n", "empty_input"),
        (b"name,city\nann,paris\n", "no_numeric_columns"),
        (b"\x00\x01\x02binary", "binary_input"),
    ];
    for (bytes, code) in cases {
        let e = segment_bytes(bytes, &opts(2)).unwrap_err();
        assert_eq!(e.code(), code, "{e}");
    }
}

#[test]
fn rules_segment_first_match_wins_and_predict_agrees() {
    let log: &[u8] = include_bytes!("fixtures/events_small.csv");
    let rules =
        "Big spenders: monetary > 500\nLapsed: recency_days > 120\n# comment\nActive: days_since_active <= 30\n";
    let opts = Options { method: seglens::Method::Rules, rules: Some(rules.into()), ..Options::default() };
    let (s, seg) = segment_bytes(log, &opts).unwrap();
    let t = s.features_table(&opts).unwrap();
    let col = |n: &str| t.feature_names.iter().position(|f| f == n).unwrap();
    for (i, &l) in seg.labels.iter().enumerate() {
        let (m, r, a) = (
            t.values[[i, col("monetary")]],
            t.values[[i, col("recency_days")]],
            t.values[[i, col("days_since_active")]],
        );
        let want = if m > 500.0 {
            "Big spenders"
        } else if r > 120.0 {
            "Lapsed"
        } else if a <= 30.0 {
            "Active"
        } else {
            "Other"
        };
        assert_eq!(seg.report.segments[l as usize].name, want, "customer {}", seg.ids[i]);
    }
    assert_eq!(seg.model.predict(log, None).unwrap().labels, seg.labels);
    let bad = Options { method: seglens::Method::Rules, rules: Some("x: nope >".into()), ..Options::default() };
    let e = segment_bytes(log, &bad).unwrap_err();
    assert_eq!((e.code(), e.line()), ("bad_rules", Some(1)));
    let unknown = Options { method: seglens::Method::Rules, rules: Some("x: nope > 1".into()), ..Options::default() };
    assert_eq!(segment_bytes(log, &unknown).unwrap_err().code(), "unknown_column");
}

#[test]
fn dbscan_finds_dense_groups_reports_outliers_and_predicts() {
    // Three tight groups of 120 customers (jittered by a small LCG) and 4 isolated ones.
    let mut state = 12345u64;
    let mut jitter = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let mut csv = String::from("id,a,b\n");
    for g in 0..3 {
        for i in 0..120 {
            csv.push_str(&format!("g{g}_{i},{},{}\n", g as f64 * 10.0 + jitter(), jitter()));
        }
    }
    for (i, (a, b)) in [(5.0, 5.0), (-5.0, 3.0), (15.0, -4.0), (25.0, 6.0)].iter().enumerate() {
        csv.push_str(&format!("lone{i},{a},{b}\n"));
    }
    let opts =
        Options { method: seglens::Method::Dbscan, log: seglens::pipeline::LogTransform::None, ..Options::default() };
    let (_, seg) = segment_bytes(csv.as_bytes(), &opts).unwrap();
    let r = &seg.report;
    assert_eq!(r.method, "dbscan");
    let names: Vec<&str> = r.segments.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.last(), Some(&"Outliers"), "{names:?}");
    assert_eq!(r.segments.last().map(|s| s.size), Some(4));
    assert_eq!(r.k, 4);
    assert!(r.eps.is_some() && r.eps == r.eps_suggestion);
    assert!(r.warnings.iter().any(|w| w.message.contains("suggested from the k-distance curve")));
    // each generated group is one segment
    for g in 0..3 {
        let first = seg.labels[g * 120];
        assert!(seg.labels[g * 120..(g + 1) * 120].iter().all(|&l| l == first));
    }
    let p = seg.model.predict(csv.as_bytes(), None).unwrap();
    assert_eq!(p.labels, seg.labels);
    let bad = Options { eps: Some(-1.0), ..opts };
    assert_eq!(segment_bytes(csv.as_bytes(), &bad).unwrap_err().code(), "bad_params");
}

#[test]
fn migration_flows_cover_every_customer_and_count_newcomers() {
    let log: &[u8] = include_bytes!("fixtures/events_small.csv");
    let opts = Options { k: KChoice::Fixed(4.0), compare_to: Some("2024-07-01".into()), ..Options::default() };
    let (_, seg) = segment_bytes(log, &opts).unwrap();
    let m = seg.report.migration.as_ref().unwrap();
    assert_eq!(m.from, "2024-07-01");
    assert_eq!(m.segments.len(), seg.report.segments.len() + 1);
    let total: u64 = m.flows.iter().flatten().sum();
    assert_eq!(total, seg.report.customers);
    // newcomers: customers whose first event is after the comparison date
    let mut first: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    let text = std::str::from_utf8(log).unwrap();
    for line in text.lines().skip(1) {
        let mut f = line.split(',');
        let (id, ts) = (f.next().unwrap(), f.next().unwrap());
        first.entry(id).and_modify(|t| *t = (*t).min(ts)).or_insert(ts);
    }
    let newcomers = first.values().filter(|t| **t >= "2024-07-01").count() as u64;
    assert_eq!(m.flows.last().unwrap().iter().sum::<u64>(), newcomers);
    let stayed: u64 = (0..seg.report.segments.len()).map(|i| m.flows[i][i]).sum();
    assert_eq!(stayed + m.moved + newcomers, seg.report.customers);
    let table: &[u8] = include_bytes!("fixtures/shop_400.csv");
    assert_eq!(segment_bytes(table, &opts).unwrap_err().code(), "bad_options");
}

#[test]
fn inputs_over_the_memory_budget_are_refused_before_parsing() {
    let big = vec![b'1'; 3 << 20];
    let e = segment_bytes(&big, &Options { max_mb: 2, ..Options::default() }).unwrap_err();
    assert_eq!(e.code(), "too_large");
    assert!(e.to_string().starts_with("the file is 3 MB, more than this tab can segment safely (2 MB)"), "{e}");
}

#[test]
fn clipping_and_mean_imputation_are_reported_kept_in_the_model_and_reapplied_by_predict() {
    use seglens::prep::{Clip, Impute};
    let csv = include_bytes!("fixtures/events_small.csv");
    let options = Options {
        clip: Clip::Iqr,
        impute: Impute::Mean,
        features: Some(vec!["recency_days".into(), "monetary".into(), "inter_purchase_days".into()]),
        ..opts(3)
    };
    let (_, seg) = segment_bytes(csv, &options).unwrap();
    let steps: Vec<&str> = seg.report.preprocessing.iter().map(|p| p.step.as_str()).collect();
    assert!(steps.contains(&"impute_mean"), "{steps:?}");
    assert!(steps.contains(&"clip_iqr"), "{steps:?}");
    let bounds = seg.model.clip.clone().expect("bounds in the model");
    assert_eq!(bounds.len(), 3);
    assert!(bounds.iter().all(|(lo, hi)| lo <= hi));
    let model = seglens::model::Model::from_json(&seg.model.to_json().unwrap()).unwrap();
    assert_eq!(model.predict(csv, None).unwrap().labels, seg.labels);
    // Without clipping the model has no bounds, and the step is not reported.
    let (_, plain) = segment_bytes(csv, &Options { clip: Clip::None, ..options }).unwrap();
    assert_eq!(plain.model.clip, None);
    assert!(!plain.report.preprocessing.iter().any(|p| p.step.starts_with("clip")));
}
