//! User-written RFM segment maps (`pattern => name` rule text).
#![no_main]
use libfuzzer_sys::fuzz_target;
use seglens::rfm::{RfmMap, RfmRule};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let rules: Vec<RfmRule> =
        text.lines().map(|l| RfmRule { pattern: l.to_string(), name: "x".into() }).collect();
    if let Ok(map) = RfmMap::parse(&rules) {
        for r in 0..=9 {
            for f in 0..=9 {
                let _ = map.assign(r, f, 3);
            }
        }
    }
});
