//! Behavioural features and RFM checked against an independent pandas
//! computation (tests/reference/features_pandas.py) on a generated log.

use seglens::features::{customer_features, FeatureOptions};
use seglens::ingest::events::{read_event_log, EventOptions};
use seglens::{rfm_csv, segment_bytes, Method, Options};

const LOG: &[u8] = include_bytes!("fixtures/events_small.csv");
const EXPECTED: &str = include_str!("fixtures/events_small.expected.csv");

fn expected() -> (Vec<String>, Vec<Vec<String>>) {
    let mut rdr = csv::Reader::from_reader(EXPECTED.as_bytes());
    let head = rdr.headers().unwrap().iter().map(String::from).collect();
    let rows = rdr.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    (head, rows)
}

fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn every_feature_matches_pandas() {
    let log = read_event_log(LOG, &EventOptions::default()).unwrap();
    let f = customer_features(&log, &FeatureOptions::default()).unwrap();
    let (head, rows) = expected();
    assert_eq!(f.table.ids.len(), rows.len());
    let mut checked = 0;
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(f.table.ids[i], row[0], "customer order (first appearance)");
        for (j, name) in f.table.feature_names.iter().enumerate() {
            let col = head.iter().position(|h| h == name).unwrap_or_else(|| panic!("pandas has no {name}"));
            let want: f64 = if row[col].is_empty() { f64::NAN } else { row[col].parse().unwrap() };
            let got = f.table.values[[i, j]];
            assert!(close(got, want), "customer {} feature {name}: seglens {got}, pandas {want}", row[0]);
            checked += 1;
        }
    }
    // every pandas feature column is produced by seglens too
    let produced: Vec<&String> = head[1..head.len() - 4].iter().collect();
    assert_eq!(f.table.feature_names.iter().collect::<Vec<_>>(), produced);
    assert!(checked > 150 * 20);
}

#[test]
fn rfm_scores_and_segments_match_pandas() {
    let opts = Options { method: Method::Rfm, ..Options::default() };
    let (_, seg) = segment_bytes(LOG, &opts).unwrap();
    let csv = rfm_csv(&seg).unwrap().unwrap();
    let (head, rows) = expected();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let got: Vec<Vec<String>> = rdr.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    assert_eq!(got.len(), rows.len());
    for (g, w) in got.iter().zip(&rows) {
        assert_eq!(g[0], w[0]);
        assert_eq!((&g[4], &g[5], &g[6]), (&w[col("r")], &w[col("f")], &w[col("m")]), "customer {}", w[0]);
        assert_eq!(g[7], w[col("segment")], "customer {}", w[0]);
        let m: f64 = g[3].parse().unwrap();
        assert!(close(m, w[col("monetary")].parse().unwrap()));
    }
    let r = &seg.report;
    assert_eq!(r.method, "rfm");
    assert_eq!(r.segments.iter().map(|s| s.size).sum::<u64>(), 150);
    let rev: f64 = r.segments.iter().filter_map(|s| s.revenue_share).sum();
    assert!((rev - 1.0).abs() < 1e-9, "revenue shares sum to 1: {rev}");
}

#[test]
fn kmeans_segments_are_cross_tabulated_against_the_pandas_rfm_names() {
    let (_, seg) = segment_bytes(LOG, &Options::default()).unwrap();
    let x = seg.report.crosstab.as_ref().unwrap();
    assert_eq!(x.against, "rfm");
    assert_eq!(x.rows.len(), seg.report.segments.len());
    let (head, rows) = expected();
    let seg_col = head.iter().position(|h| h == "segment").unwrap();
    // every (cluster, pandas RFM name) pair is counted in its cell
    for (r, row_name) in x.rows.iter().enumerate() {
        for (c, col_name) in x.columns.iter().enumerate() {
            let want = rows
                .iter()
                .enumerate()
                .filter(|(i, w)| {
                    &seg.report.segments[seg.labels[*i] as usize].name == row_name && &w[seg_col] == col_name
                })
                .count() as u64;
            assert_eq!(x.counts[r][c], want, "{row_name} x {col_name}");
        }
    }
    assert_eq!(x.counts.iter().flatten().sum::<u64>(), 150);
}
