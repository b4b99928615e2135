//! The hostile-input corpus (tests/hostile/, written by make.mjs): every
//! file gives either the expected clear error or the expected result, and
//! nothing panics. The same corpus runs in Wasm, through the CLI and in the
//! browser from the JS tests.

use seglens::{segment_bytes, KChoice, Options};
use serde_json::Value;

fn options(extra: Option<&Value>) -> Options {
    let mut o = serde_json::json!({ "k": 2 });
    if let Some(Value::Object(m)) = extra {
        for (k, v) in m {
            o[k] = v.clone();
        }
    }
    serde_json::from_value(o).unwrap()
}

#[test]
fn every_hostile_file_has_its_expected_outcome() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/hostile/");
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}expected.json")).unwrap()).unwrap();
    let cases = expected.as_object().unwrap();
    assert!(cases.len() >= 40, "the corpus has at least 40 files");
    let mut failures = Vec::new();
    for (name, want) in cases {
        let bytes = std::fs::read(format!("{dir}files/{name}")).unwrap();
        let opts = options(want.get("options"));
        let got = std::panic::catch_unwind(|| segment_bytes(&bytes, &opts));
        let Ok(got) = got else {
            failures.push(format!("{name}: PANIC"));
            continue;
        };
        match (want.get("error").and_then(Value::as_str), got) {
            (Some(code), Err(e)) => {
                let words = want["contains"].as_str().unwrap_or("");
                if e.code() != code || !e.to_string().contains(words) {
                    failures
                        .push(format!("{name}: error {} \"{e}\", expected {code} containing \"{words}\"", e.code()));
                }
                if e.to_string().contains('\n') {
                    failures.push(format!("{name}: error message is not one line"));
                }
            }
            (Some(code), Ok(_)) => failures.push(format!("{name}: succeeded, expected error {code}")),
            (None, Err(e)) => failures.push(format!("{name}: unexpected error {}: {e}", e.code())),
            (None, Ok((_, seg))) => {
                let r = &seg.report;
                let (c, s) = (want["customers"].as_u64(), want["skipped"].as_u64());
                if Some(r.customers) != c || Some(r.rows_skipped) != s {
                    failures.push(format!(
                        "{name}: {} customers / {} skipped, expected {c:?} / {s:?}",
                        r.customers, r.rows_skipped
                    ));
                }
                if let Some(w) = want.get("warns").and_then(Value::as_str) {
                    if !r.warnings.iter().any(|x| x.message.contains(w)) {
                        failures.push(format!("{name}: no warning containing \"{w}\": {:?}", r.warnings));
                    }
                }
                let shares: f64 = r.segments.iter().map(|s| s.share).sum();
                if seg.labels.len() as u64 != r.customers || (shares - 1.0).abs() > 1e-9 {
                    failures.push(format!("{name}: every customer must get exactly one segment"));
                }
                if r.to_json().is_err() {
                    failures.push(format!("{name}: report does not serialise"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let _ = KChoice::Fixed(2.0);
}
