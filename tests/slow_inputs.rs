//! Regression: inputs the fuzzer reported as slow (tests/hostile/files has
//! their originals). Wide files must stay linear in the number of columns:
//! a 10,000-column table once took seconds in quadratic name checks.

use seglens::{segment_bytes, KChoice, Options};

#[test]
fn twenty_thousand_columns_are_all_read() {
    let cols = 20_000;
    let mut csv = String::from("id");
    for i in 0..cols {
        csv.push_str(&format!(",c{i}"));
    }
    csv.push('\n');
    for r in 0..4 {
        csv.push_str(&format!("r{r}"));
        for i in 0..cols {
            csv.push_str(&format!(",{}", (i * 7 + r) % 13));
        }
        csv.push('\n');
    }
    let (_, seg) = segment_bytes(csv.as_bytes(), &Options { k: KChoice::Fixed(2.0), ..Options::default() }).unwrap();
    assert_eq!(seg.report.features.len(), cols);
    assert_eq!(seg.report.columns.len(), cols + 1);
}
