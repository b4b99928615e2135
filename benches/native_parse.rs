//! Native parse throughput of an event-log CSV, the same code the Wasm runs:
//! whole buffer (`Segmenter::load`) and streamed from disk in 1 MiB chunks
//! (`Loader`), then the per-customer features. Best of 3. Not a test:
//!
//!   cargo bench --bench native_parse -- EVENTS.csv
use std::io::Read;
use std::time::Instant;

use seglens::{InputKind, Loader, Options, Segmenter};

fn main() {
    let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with('-')) else {
        eprintln!("usage: cargo bench --bench native_parse -- EVENTS.csv");
        return;
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => return eprintln!("cannot read {path}: {e}"),
    };
    let mb = bytes.len() as f64 / 1e6;
    let opts = Options { input: InputKind::Events, ..Options::default() };
    let best = |f: &dyn Fn() -> usize| {
        (0..3)
            .map(|_| {
                let t = Instant::now();
                let n = f();
                (t.elapsed().as_secs_f64(), n)
            })
            .fold((f64::INFINITY, 0), |a, b| if b.0 < a.0 { b } else { a })
    };
    let (t, n) = best(&|| Segmenter::load(&bytes, &opts).map(|s| s.customers()).unwrap_or(0));
    println!("native whole buffer: {mb:.0} MB in {t:.3} s = {:.0} MB/s ({n} customers)", mb / t);
    let (t, n) = best(&|| {
        let Ok(mut file) = std::fs::File::open(&path) else { return 0 };
        let Ok(mut l) = Loader::new(opts.clone(), Some(bytes.len() as u64)) else { return 0 };
        let mut chunk = vec![0u8; 1 << 20];
        while let Ok(k) = file.read(&mut chunk) {
            if k == 0 || l.push(&chunk[..k]).is_err() {
                break;
            }
        }
        l.finish().map(|s| s.customers()).unwrap_or(0)
    });
    println!("native streamed from disk (1 MiB chunks): {mb:.0} MB in {t:.3} s = {:.0} MB/s ({n} customers)", mb / t);
    // Per-customer features of the loaded log (what the browser's features() call does after parsing).
    let Ok(loaded) = Segmenter::load(&bytes, &opts) else { return };
    let (t, n) = best(&|| loaded.features_table(&opts).map(|f| f.ids.len()).unwrap_or(0));
    println!("native per-customer features: {t:.3} s ({n} customers)");
    // The whole segmentation of the loaded log (features, preparation, k-means, validation, explanations).
    let seg = Options { k: seglens::KChoice::Fixed(4.0), ..opts.clone() };
    let (t, n) = best(&|| loaded.segment(&seg).map(|s| s.report.segments.len()).unwrap_or(0));
    println!("native segment (k = 4): {t:.3} s ({n} segments)");
}
