//! The pipeline every surface runs: ingest → features → prep → segment →
//! evaluate → explain → [`Report`](crate::Report).

mod load;
mod method_dbscan;
mod method_kmeans;
mod method_rfm;
mod method_rules;
mod migration;
mod options;
mod output;
mod run;

use ndarray::Array2;

pub use load::{Data, Loader, Segmenter};
pub use migration::Migration;
pub use options::{InputKind, KChoice, LogTransform, Method, Options, OptionsError};
pub use output::{labels_csv, labels_csv_safe, rfm_csv, segment_bytes, spreadsheet_safe};
pub use run::AUTO_K;

/// Per-customer RFM values and scores of an RFM run.
#[derive(Debug, Clone, PartialEq)]
pub struct RfmTable {
    pub recency: Vec<f64>,
    pub frequency: Vec<f64>,
    pub monetary: Vec<f64>,
    pub r: Vec<u8>,
    pub f: Vec<u8>,
    pub m: Vec<u8>,
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct Segmentation {
    pub report: crate::Report,
    /// Segment of each customer, in `ids` order.
    pub labels: Vec<u32>,
    /// Customer ids in input order (first appearance).
    pub ids: Vec<String>,
    /// The features used, in original units after imputation (rows = customers).
    pub values: Array2<f64>,
    pub rfm: Option<RfmTable>,
    /// The fitted model: assigns new customers the same way (`Model::predict`).
    pub model: crate::model::Model,
    /// Predicted activity and value per customer (`p_alive`, …, see [`crate::clv`]) when they were
    /// computed (`clv` option or asked for as features); written into the RFM table.
    pub clv: Vec<(String, Vec<f64>)>,
}
