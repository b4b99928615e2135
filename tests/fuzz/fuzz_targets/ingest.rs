//! Any bytes through the whole pipeline: detection, CSV/JSON/JSONL ingest,
//! features, k-means and RFM. Must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seglens::{segment_bytes, KChoice, Method, Options};

fuzz_target!(|data: &[u8]| {
    let kmeans = Options { k: KChoice::Fixed(2.0), n_init: 1, max_iter: 20, ..Options::default() };
    if let Ok((s, seg)) = segment_bytes(data, &kmeans) {
        let _ = seg.report.to_json();
        let _ = seglens::labels_csv(&seg);
        let _ = s.segment(&Options { method: Method::Rfm, ..Options::default() });
    }
});
