//! The experiment table against scipy (tests/reference/experiment_scipy.py),
//! on a log with a variant column and rule-defined segments both sides compute.

use seglens::{segment_bytes, Method, Options};
use serde_json::Value;

fn close(a: Option<f64>, b: &Value, what: &str) {
    match (a, b.as_f64()) {
        (None, None) => {}
        (Some(x), Some(y)) => assert!((x - y).abs() <= 1e-9 * y.abs().max(1.0), "{what}: seglens {x}, scipy {y}"),
        (x, _) => panic!("{what}: seglens {x:?}, scipy {b}"),
    }
}

#[test]
fn conversion_and_revenue_tests_match_scipy_per_segment() {
    let log: &[u8] = include_bytes!("fixtures/events_ab.csv");
    let want: Value = serde_json::from_str(include_str!("fixtures/events_ab.experiment.json")).unwrap();
    let opts = Options {
        method: Method::Rules,
        rules: Some("Big spenders: monetary > 300\nRest: *".into()),
        ..Options::default()
    };
    let (_, seg) = segment_bytes(log, &opts).unwrap();
    let e = seg.report.experiment.as_ref().expect("variant column detected");
    assert_eq!(e.column, "variant");
    assert_eq!((e.control.as_str(), e.treatment.as_str()), ("control", "new_checkout"));
    for w in want["segments"].as_array().unwrap() {
        let name = w["segment"].as_str().unwrap();
        let g = e.segments.iter().find(|s| s.segment == name).unwrap_or_else(|| panic!("no segment {name}"));
        for (gv, wv) in g.variants.iter().zip(w["variants"].as_array().unwrap()) {
            assert_eq!(gv.variant, wv["variant"].as_str().unwrap());
            assert_eq!(gv.customers, wv["customers"].as_u64().unwrap(), "{name}");
            close(Some(gv.conversion), &wv["conversion"], "conversion");
            close(Some(gv.revenue_per_customer), &wv["revenue_per_customer"], "revenue per customer");
            for k in 0..2 {
                close(gv.conversion_ci.map(|c| c[k]), &wv["conversion_ci"][k], "Wilson interval");
                close(gv.revenue_ci.map(|c| c[k]), &wv["revenue_ci"][k], "t interval");
            }
        }
        close(g.z, &w["z"], &format!("{name} z"));
        close(g.p_conversion, &w["p_conversion"], &format!("{name} z-test p"));
        close(g.t, &w["t"], &format!("{name} Welch t"));
        close(g.p_revenue, &w["p_revenue"], &format!("{name} Welch p"));
    }
}
