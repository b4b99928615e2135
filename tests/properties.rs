//! Invariants of a whole run on random per-customer tables: every customer
//! gets exactly one segment, segment sizes and shares add up, revenue shares
//! sum to 1, and where the method promises it (rules: each customer's
//! segment depends only on that customer's values) shuffling the rows
//! changes no customer's segment.

use proptest::prelude::*;
use seglens::{segment_bytes, KChoice, Method, Options};
use std::collections::HashMap;

/// A table `id,spend,visits,recency_days` with `n` customers (values from the strategy).
fn table(rows: &[(u32, u32, u32)]) -> String {
    let mut s = String::from("id,spend,visits,recency_days\n");
    for (i, (a, b, c)) in rows.iter().enumerate() {
        s.push_str(&format!("c{i},{a},{b},{c}\n"));
    }
    s
}

fn labels_by_id(csv: &str, options: &Options) -> Result<(HashMap<String, u32>, seglens::Report), seglens::Error> {
    let (_, seg) = segment_bytes(csv.as_bytes(), options)?;
    let map = seg.ids.iter().cloned().zip(seg.labels.iter().copied()).collect();
    Ok((map, seg.report))
}

fn method(i: u8) -> Options {
    match i % 3 {
        0 => Options { method: Method::Kmeans, k: KChoice::Fixed(3.0), n_init: 2, ..Options::default() },
        1 => Options {
            method: Method::Rfm,
            features: Some(vec!["recency_days".into(), "visits".into(), "spend".into()]),
            ..Options::default()
        },
        _ => Options {
            method: Method::Rules,
            rules: Some("Big: spend > 500 and visits >= 3\nLapsed: recency_days > 90\nRest: *".into()),
            ..Options::default()
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_customer_has_one_segment_and_shares_add_up(
        rows in prop::collection::vec((0u32..1000, 0u32..20, 0u32..365), 6..80),
        m in 0u8..3,
        seed in 0u64..1000,
    ) {
        let csv = table(&rows);
        let options = Options { seed: Some(seed), ..method(m) };
        let (labels, report) = match labels_by_id(&csv, &options) {
            Ok(x) => x,
            // Degenerate draws (e.g. every value equal for k-means) must be clear errors, not panics.
            Err(e) => { prop_assert!(!e.to_string().is_empty()); return Ok(()); }
        };
        prop_assert_eq!(labels.len(), rows.len());
        let k = report.segments.len() as u32;
        prop_assert!(labels.values().all(|&l| l < k));
        let sizes: u64 = report.segments.iter().map(|s| s.size).sum();
        prop_assert_eq!(sizes, rows.len() as u64);
        for s in &report.segments {
            prop_assert_eq!(s.size, labels.values().filter(|&&l| l == s.id).count() as u64);
        }
        let shares: f64 = report.segments.iter().map(|s| s.share).sum();
        prop_assert!((shares - 1.0).abs() < 1e-12, "shares sum to {}", shares);
        let revenue: Vec<f64> = report.segments.iter().filter_map(|s| s.revenue_share).collect();
        if !revenue.is_empty() {
            let total: f64 = revenue.iter().sum();
            prop_assert!((total - 1.0).abs() < 1e-9 || total == 0.0, "revenue shares sum to {}", total);
        }
    }

    #[test]
    fn rules_labels_do_not_depend_on_row_order(
        rows in prop::collection::vec((0u32..1000, 0u32..20, 0u32..365), 6..60),
        rotate in 1usize..50,
    ) {
        let options = method(2);
        let csv = table(&rows);
        // The same customers (same ids and values) in another order.
        let mut lines: Vec<&str> = csv.lines().skip(1).collect();
        let r = rotate % lines.len();
        lines.rotate_left(r);
        lines.reverse();
        let shuffled = format!("id,spend,visits,recency_days\n{}\n", lines.join("\n"));
        let (a, ra) = labels_by_id(&csv, &options).unwrap();
        let (b, rb) = labels_by_id(&shuffled, &options).unwrap();
        let name = |rep: &seglens::Report, l: u32| rep.segments[l as usize].name.clone();
        for (id, &l) in &a {
            prop_assert_eq!(name(&ra, l), name(&rb, b[id]), "customer {}", id);
        }
    }
}
