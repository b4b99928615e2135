//! Bytes read as JSON (array) or JSON Lines, the two JSON paths of ingest.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seglens::{segment_bytes, InputKind, KChoice, Options};

fuzz_target!(|data: &[u8]| {
    let opts = Options { k: KChoice::Fixed(1.0), n_init: 1, max_iter: 10, ..Options::default() };
    let mut array = b"[".to_vec();
    array.extend_from_slice(data);
    let _ = segment_bytes(&array, &opts);
    let mut lines = b"{".to_vec();
    lines.extend_from_slice(data);
    let _ = segment_bytes(&lines, &Options { input: InputKind::Events, ..opts });
});
