//! # seglens
//!
//! Behavioral customer segmentation that runs anywhere Rust or WebAssembly
//! runs: in a browser tab, in Node, natively. The core is plain Rust with no
//! browser types; `src/wasm` is a thin binding compiled only for wasm32.
//!
//! ```
//! use seglens::{segment_bytes, Options, KChoice};
//! let csv = "id,spend,visits\na,10,1\nb,12,2\nc,300,40\nd,320,38\n";
//! let opts = Options { k: KChoice::Fixed(2.0), ..Options::default() };
//! let (_, seg) = segment_bytes(csv.as_bytes(), &opts).unwrap();
//! assert_eq!(seg.report.customers, 4);
//! assert_eq!(seg.labels[0], seg.labels[1]);
//! assert_ne!(seg.labels[0], seg.labels[2]);
//! ```

pub mod cluster;
pub mod clv;
pub mod cohort;
mod error;
pub mod experiment;
pub mod explain;
pub mod features;
pub mod ingest;
pub mod metrics;
pub mod model;
pub mod pipeline;
pub mod prep;
pub mod projection;
pub mod report;
pub mod rfm;
pub mod rng;
pub mod rules;
pub mod sorting;
pub mod stats;
mod tiers;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, Result};
pub use pipeline::{
    labels_csv, labels_csv_safe, rfm_csv, segment_bytes, InputKind, KChoice, Loader, Method, Options, Segmentation,
    Segmenter,
};
pub use report::Report;

/// The crate version, recorded in every Report and checked by the JS glue
/// against the Wasm it loaded (a stale cached `.wasm` is a classic failure).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
