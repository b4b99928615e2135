//! BG/NBD and Gamma-Gamma checked against the Python `lifetimes` package on
//! the CDNOW data it ships (tests/reference/clv_lifetimes.py wrote the
//! expected values): fitted parameters and every customer's predictions
//! within 1 %.

use seglens::clv::{BgNbd, GammaGamma, Summary};
use seglens::features::{customer_features, FeatureOptions};
use seglens::ingest::events::{read_event_log, EventOptions};

const SUMMARY: &str = include_str!("fixtures/clv/cdnow_summary.csv");
const SUMMARY_EXPECTED: &str = include_str!("fixtures/clv/cdnow_summary.expected.json");
const ORDERS: &[u8] = include_bytes!("fixtures/clv/cdnow_sample_orders.csv");
const ORDERS_EXPECTED: &str = include_str!("fixtures/clv/cdnow_sample.expected.csv");
const ORDERS_PARAMS: &str = include_str!("fixtures/clv/cdnow_sample.params.json");

/// Within 1 % of the reference, or within `floor` for values near zero.
fn close(got: f64, want: f64, floor: f64, what: &str) {
    let ok = (got - want).abs() <= 0.01 * want.abs() || (got - want).abs() <= floor;
    assert!(ok, "{what}: seglens {got}, lifetimes {want}");
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

fn summaries() -> Vec<Summary> {
    let mut rdr = csv::Reader::from_reader(SUMMARY.as_bytes());
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            let f = |i: usize| r[i].parse::<f64>().unwrap();
            Summary { x: f(1), t_x: f(2), t: f(3), m: f(4) }
        })
        .collect()
}

#[test]
fn cdnow_summary_parameters_and_predictions_match_lifetimes() {
    let want = json(SUMMARY_EXPECTED);
    let s = summaries();
    assert_eq!(s.len(), 2357);
    let bg = BgNbd::fit(&s).expect("BG/NBD fits CDNOW");
    for (name, got) in [("r", bg.r), ("alpha", bg.alpha), ("a", bg.a), ("b", bg.b)] {
        close(got, want["bgnbd"][name].as_f64().unwrap(), 0.0, name);
    }
    let (x, m): (Vec<f64>, Vec<f64>) = s.iter().filter(|c| c.x > 0.0).map(|c| (c.x, c.m)).unzip();
    let gg = GammaGamma::fit(&x, &m).expect("Gamma-Gamma fits CDNOW");
    eprintln!("CDNOW fit: {bg:?} {gg:?}; lifetimes: {} {}", want["bgnbd"], want["gamma_gamma"]);
    for (name, got) in [("p", gg.p), ("q", gg.q), ("v", gg.v)] {
        close(got, want["gamma_gamma"][name].as_f64().unwrap(), 0.0, name);
    }
    let horizon = want["horizon"].as_f64().unwrap();
    for (i, c) in s.iter().enumerate() {
        let at = |k: &str| want[k][i].as_f64().unwrap();
        close(bg.p_alive(c), at("p_alive"), 1e-6, &format!("customer {} p_alive", i + 1));
        close(
            bg.expected_purchases(horizon, c),
            at("expected_purchases"),
            1e-6,
            &format!("customer {} purchases", i + 1),
        );
        close(gg.expected_value(c.x, c.m), at("expected_value"), 1e-6, &format!("customer {} value", i + 1));
    }
}

#[test]
fn from_an_orders_table_the_clv_features_match_lifetimes() {
    let log = read_event_log(ORDERS, &EventOptions::default()).unwrap();
    let opts = FeatureOptions { as_of: Some("1998-07-01".into()), clv: true, ..FeatureOptions::default() };
    let f = customer_features(&log, &opts).unwrap();
    let col = |n: &str| f.table.feature_names.iter().position(|x| x == n).unwrap_or_else(|| panic!("no feature {n}"));
    let cols = ["p_alive", "expected_purchases_90d", "expected_aov", "clv_90d"].map(col);
    let mut rdr = csv::Reader::from_reader(ORDERS_EXPECTED.as_bytes());
    let header = rdr.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let want_cols = ["p_alive", "expected_purchases_90d", "expected_value", "clv_90d"].map(at);
    let mut n = 0;
    let mut day_level = Vec::new();
    for r in rdr.records() {
        let r = r.unwrap();
        let num = |name: &str| r[at(name)].parse::<f64>().unwrap();
        day_level.push(Summary { x: num("frequency"), t_x: num("recency"), t: num("T"), m: num("monetary_value") });
        let row = f.table.ids.iter().position(|id| id == &r[0]).unwrap_or_else(|| panic!("customer {} missing", &r[0]));
        for (&c, &w) in cols.iter().zip(&want_cols) {
            let want: f64 = r[w].parse().unwrap();
            close(f.table.values[[row, c]], want, 1e-6, &format!("{} {}", &r[0], &header[w]));
        }
        n += 1;
    }
    assert_eq!(n, f.table.ids.len());
    // The day-level parameters themselves, fitted on lifetimes' own summary of the orders.
    let params = json(ORDERS_PARAMS);
    let bg = BgNbd::fit(&day_level).unwrap();
    for (name, got) in [("r", bg.r), ("alpha", bg.alpha), ("a", bg.a), ("b", bg.b)] {
        close(got, params["bgnbd"][name].as_f64().unwrap(), 0.0, name);
    }
    let (x, m): (Vec<f64>, Vec<f64>) = day_level.iter().filter(|c| c.x > 0.0).map(|c| (c.x, c.m)).unzip();
    let gg = GammaGamma::fit(&x, &m).unwrap();
    for (name, got) in [("p", gg.p), ("q", gg.q), ("v", gg.v)] {
        close(got, params["gamma_gamma"][name].as_f64().unwrap(), 0.0, name);
    }
    eprintln!("day-level fit: {bg:?} {gg:?}; lifetimes: {params}");
}

#[test]
fn clv_features_are_refused_clearly_without_repeat_purchases() {
    let log =
        read_event_log(b"customer,date,amount\na,2024-01-01,10\nb,2024-01-02,5\n", &EventOptions::default()).unwrap();
    let opts = FeatureOptions { clv: true, ..FeatureOptions::default() };
    let err = customer_features(&log, &opts).unwrap_err().to_string();
    assert!(err.contains("repeat purchases"), "{err}");
}

#[test]
fn clv_features_segment_and_predict_like_any_other_feature() {
    use seglens::{segment_bytes, KChoice, Options};
    let options = Options {
        k: KChoice::Fixed(3.0),
        features: Some(vec!["p_alive".into(), "clv_90d".into(), "recency_days".into()]),
        seed: Some(1),
        ..Options::default()
    };
    let (_, seg) = segment_bytes(ORDERS, &options).unwrap();
    assert_eq!(seg.report.features, ["p_alive", "clv_90d", "recency_days"]);
    assert!(seg.report.segments.len() == 3 && seg.report.segments.iter().all(|s| s.size > 0));
    let model = seglens::model::Model::from_json(&seg.model.to_json().unwrap()).unwrap();
    let p = model.predict(ORDERS, None).unwrap();
    assert_eq!(p.labels, seg.labels, "predict refits the same models on the same data and agrees");
}

#[test]
fn the_rfm_table_carries_the_clv_columns_when_asked() {
    use seglens::{segment_bytes, Method, Options};
    let options = Options { method: Method::Rfm, clv: true, as_of: Some("1998-07-01".into()), ..Options::default() };
    let (_, seg) = segment_bytes(ORDERS, &options).unwrap();
    let csv = seglens::pipeline::rfm_csv(&seg).unwrap().unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("id,recency,frequency,monetary,r,f,m,segment,p_alive,expected_purchases_90d,expected_aov,clv_90d")
    );
    // Same values as lifetimes for the first customer of the reference file.
    let mut want = csv::Reader::from_reader(ORDERS_EXPECTED.as_bytes());
    let first = want.records().next().unwrap().unwrap();
    let row = lines.find(|l| l.starts_with(&format!("{},", &first[0]))).unwrap();
    let cells: Vec<&str> = row.split(',').collect();
    let p_alive: f64 = cells[8].parse().unwrap();
    close(p_alive, first[5].parse().unwrap(), 1e-6, "p_alive in the RFM table");
    // Without the option the table is as before.
    let (_, plain) = segment_bytes(ORDERS, &Options { clv: false, ..options }).unwrap();
    assert!(seglens::pipeline::rfm_csv(&plain)
        .unwrap()
        .unwrap()
        .starts_with("id,recency,frequency,monetary,r,f,m,segment\n"));
}
