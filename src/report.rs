//! The `Report`: the one serde struct every surface (wasm, CLI, widget)
//! returns. Field names are a public contract (DESIGN.md): fields may be
//! added, never renamed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How many warnings are kept verbatim; the rest are only counted, so a file
/// with a million bad rows does not produce a million messages.
pub const MAX_WARNINGS: usize = 50;

/// A problem that did not stop the run: a skipped row, a dropped column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    /// 1-based input line, when the warning is about a line.
    pub line: Option<u64>,
    pub message: String,
}

impl Warning {
    pub fn at(line: u64, message: impl Into<String>) -> Self {
        Warning { line: Some(line), message: message.into() }
    }
    pub fn general(message: impl Into<String>) -> Self {
        Warning { line: None, message: message.into() }
    }
}

/// Warnings with a cap: the first [`MAX_WARNINGS`] are kept, all are counted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Warnings {
    pub items: Vec<Warning>,
    pub total: u64,
}

impl Warnings {
    pub fn push(&mut self, w: Warning) {
        self.total += 1;
        if self.items.len() < MAX_WARNINGS {
            self.items.push(w);
        }
    }

    /// The kept warnings plus one line saying how many more were not kept.
    pub fn into_vec(mut self) -> Vec<Warning> {
        let dropped = self.total.saturating_sub(self.items.len() as u64);
        if dropped > 0 {
            self.items.push(Warning::general(format!("… and {dropped} more warnings not shown")));
        }
        self.items
    }
}

/// One segment: who is in it and what sets it apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentSummary {
    /// 0-based id, the value written in the labels CSV.
    pub id: u32,
    pub name: String,
    pub size: u64,
    /// size / customers.
    pub share: f64,
    /// Mean of each feature over the segment's customers, in original units.
    pub profile: BTreeMap<String, f64>,
    /// Segment mean / population mean per feature (1.0 = like everyone else).
    pub lift: BTreeMap<String, f64>,
    /// Median of each feature over the segment's customers, in original units.
    pub median: BTreeMap<String, f64>,
    /// A readable description of who is in the segment.
    pub rule: String,
    /// A depth ≤ 3 decision-tree rule that picks the segment out, in the rules syntax, with its
    /// fidelity, precision and recall (null when no such tree separates it).
    pub surrogate: Option<crate::explain::Surrogate>,
    /// Share of all revenue that this segment's customers brought (when there is revenue).
    pub revenue_share: Option<f64>,
}

/// Cluster-validity metrics, computed on the scaled features the algorithm saw.
/// `null` in JSON when undefined (e.g. one segment).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Mean silhouette (Rousseeuw 1987), in [-1, 1], higher is better.
    pub silhouette: Option<f64>,
    /// Number of customers the silhouette was computed on (a seeded sample beyond the exact limit).
    pub silhouette_sample_size: Option<u64>,
    /// Per segment: mean silhouette and the sorted profile a silhouette plot draws (empty when undefined).
    #[serde(default)]
    pub silhouette_by_segment: Vec<crate::metrics::SegmentSilhouette>,
    /// Davies–Bouldin index (1979), >= 0, lower is better.
    pub davies_bouldin: Option<f64>,
    /// Calinski–Harabasz variance ratio (1974), higher is better.
    pub calinski_harabasz: Option<f64>,
    /// Sum of squared distances to the nearest centre (k-means objective).
    pub inertia: Option<f64>,
}

/// One candidate k tried by `--k auto`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KSearchEntry {
    pub k: u32,
    pub silhouette: Option<f64>,
    pub inertia: Option<f64>,
    pub davies_bouldin: Option<f64>,
    pub calinski_harabasz: Option<f64>,
}

/// One cell of the RFM R × F grid: how many customers have these scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmCell {
    pub r: u8,
    pub f: u8,
    pub count: u64,
    /// Segment name of the cell's customers.
    pub name: String,
}

/// Customers counted by their segment (rows) and by a second segmentation of
/// the same customers (columns), e.g. k-means clusters × RFM names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossTab {
    /// What the columns are (`rfm`).
    pub against: String,
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    /// `counts[row][column]`.
    pub counts: Vec<Vec<u64>>,
}

/// A transformation applied to the features before segmenting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrepStep {
    pub feature: String,
    pub step: String,
    pub detail: String,
}

/// What the loaded data takes, counted from its columns (element sizes and
/// string bytes), so it is the same natively and in Wasm. The text of a CSV
/// event log read in chunks is never held; other inputs are held whole while
/// they are parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryUse {
    /// Size of the input.
    pub input_bytes: u64,
    /// Bytes held by the parsed data kept for re-segmenting (columns, ids, names).
    pub data_bytes: u64,
}

/// Everything a run produced, except the per-customer labels (which go to
/// the labels CSV).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub version: String,
    pub method: String,
    pub k: u32,
    pub seed: u64,
    pub rows_read: u64,
    pub rows_skipped: u64,
    pub customers: u64,
    /// `events` (one row per event/order) or `table` (one row per customer).
    pub input: String,
    /// `csv (,)`, `tsv`, `json`, `jsonl`.
    pub format: String,
    /// Export layout recognised (mixpanel, amplitude, ga4, segment, shopify), if any.
    pub preset: Option<String>,
    /// Every input column with its inferred type and detected role.
    pub columns: Vec<crate::ingest::events::ColumnInfo>,
    /// Reference date of recency and tenure features (event input), `YYYY-MM-DD`.
    pub as_of: Option<String>,
    pub id_column: Option<String>,
    pub features: Vec<String>,
    pub ignored_columns: Vec<String>,
    pub scaling: String,
    pub preprocessing: Vec<PrepStep>,
    pub segments: Vec<SegmentSummary>,
    pub metrics: Metrics,
    pub k_search: Vec<KSearchEntry>,
    /// RFM runs: customer counts on the R × F grid (scores 1..=bins).
    pub rfm_grid: Vec<RfmCell>,
    /// DBSCAN: the radius used and the one suggested by the k-distance curve.
    pub eps: Option<f64>,
    pub eps_suggestion: Option<f64>,
    /// The customers on the first two principal components of the scaled features (a sample).
    pub projection: Option<crate::projection::Projection>,
    /// Segments × RFM names, when the data has recency and frequency (not for RFM runs themselves).
    pub crosstab: Option<CrossTab>,
    /// With a variant column: conversion and revenue per segment and variant, with tests.
    pub experiment: Option<crate::experiment::Experiment>,
    /// With `compareTo`: flows between segments from that date to `as_of`.
    pub migration: Option<crate::pipeline::Migration>,
    /// Event-log input: retention, lifecycle and stickiness tables.
    pub cohorts: Option<crate::cohort::CohortReport>,
    pub iterations: u32,
    pub converged: bool,
    pub warnings: Vec<Warning>,
    /// Memory the loaded data takes.
    #[serde(default)]
    pub memory: Option<MemoryUse>,
}

impl Report {
    /// Pretty JSON with a trailing newline. Produced by serde_json in Rust on
    /// every surface so the bytes are identical natively, in Node and in the browser.
    pub fn to_json(&self) -> Result<String, crate::Error> {
        let mut s = serde_json::to_string_pretty(self).map_err(|e| crate::Error::Output(e.to_string()))?;
        s.push('\n');
        Ok(s)
    }
}
