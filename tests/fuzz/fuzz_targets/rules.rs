//! User-written segment rules (`name: condition` lines): parse, and evaluate
//! whatever parses against a customer with some features missing.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seglens::rules::{assign, parse_rules};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(rules) = parse_rules(&text) {
        let value = |f: &str| match f.len() % 3 {
            0 => f64::NAN,
            1 => f.len() as f64,
            _ => -1e300,
        };
        let _ = assign(&rules, &value);
    }
});
