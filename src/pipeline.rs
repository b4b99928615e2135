//! The pipeline every surface runs: ingest → prep → segment → evaluate →
//! explain → [`Report`]. Options mirror the CLI flags of DESIGN.md; the JS
//! API passes the same fields in camelCase.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::cluster::kmeans::{KMeansModel, KMeansParams};
use crate::explain::summarise;
use crate::ingest::{read_customer_table, CustomerTable, TableOptions};
use crate::metrics::{calinski_harabasz, davies_bouldin, silhouette};
use crate::prep::{impute_median, Scaler, Scaling};
use crate::report::{KSearchEntry, Metrics, PrepStep, Report, Warning};
use crate::rng::fresh_seed;
use crate::Error;

/// Range tried by `k: "auto"`.
pub const AUTO_K: std::ops::RangeInclusive<u32> = 2..=10;
/// Segments smaller than this share of customers are flagged as over-segmentation.
const TINY_SHARE: f64 = 0.02;
/// Segments larger than this share are flagged as under-segmentation.
const HUGE_SHARE: f64 = 0.60;

/// Options that do not make sense, found before any work is done.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum OptionsError {
    #[error("k must be a whole number >= 1 or \"auto\" (got {0})")]
    BadK(String),
    #[error("method \"{0}\" is not available in this version; use kmeans")]
    UnsupportedMethod(String),
    #[error("input kind \"{0}\" is not available in this version; use a per-customer table (--input table)")]
    UnsupportedInput(String),
    #[error("{option} = \"{value}\" is not valid: expected {expected}")]
    Invalid { option: &'static str, value: String, expected: &'static str },
}

/// What kind of rows the input has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputKind {
    /// Decide from the columns (default).
    #[default]
    Auto,
    /// One row per event or order.
    Events,
    /// One row per customer.
    Table,
}

/// Number of segments: a fixed number, or `"auto"` to choose by validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KChoice {
    Fixed(f64),
    Named(String),
}

impl Default for KChoice {
    fn default() -> Self {
        KChoice::Fixed(4.0)
    }
}

impl KChoice {
    /// `Some(k)` for a fixed k, `None` for auto.
    fn resolve(&self) -> Result<Option<u32>, OptionsError> {
        match self {
            KChoice::Fixed(v) if v.fract() == 0.0 && *v >= 1.0 && *v <= u32::MAX as f64 => Ok(Some(*v as u32)),
            KChoice::Fixed(v) => Err(OptionsError::BadK(v.to_string())),
            KChoice::Named(s) if s == "auto" => Ok(None),
            KChoice::Named(s) => match s.parse::<u32>() {
                Ok(k) if k >= 1 => Ok(Some(k)),
                _ => Err(OptionsError::BadK(format!("\"{s}\""))),
            },
        }
    }
}

fn default_seed() -> Option<u64> {
    Some(0)
}
fn default_method() -> String {
    "kmeans".into()
}
fn default_n_init() -> u32 {
    10
}
fn default_max_iter() -> u32 {
    300
}
fn default_tol() -> f64 {
    1e-4
}

/// Everything a segmentation run can be told. Every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Options {
    /// `auto` | `events` | `table`. Default `auto`.
    pub input: InputKind,
    /// `kmeans` (more methods arrive with their modules). Default `kmeans`.
    #[serde(default = "default_method")]
    pub method: String,
    /// Number of segments or `"auto"`. Default 4.
    pub k: KChoice,
    /// Feature columns to use. Default: every numeric column but the id.
    pub features: Option<Vec<String>>,
    /// Scaling before clustering. Default `standard`.
    pub scale: Scaling,
    /// Seed for every random choice; `null` draws a fresh one (reported). Default 0.
    #[serde(default = "default_seed")]
    pub seed: Option<u64>,
    /// k-means restarts. Default 10.
    #[serde(default = "default_n_init")]
    pub n_init: u32,
    /// k-means iterations per restart. Default 300.
    #[serde(default = "default_max_iter")]
    pub max_iter: u32,
    /// k-means relative tolerance. Default 1e-4.
    #[serde(default = "default_tol")]
    pub tol: f64,
    /// Customer id column. Default: detected.
    pub id_column: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            input: InputKind::Auto,
            method: default_method(),
            k: KChoice::default(),
            features: None,
            scale: Scaling::Standard,
            seed: default_seed(),
            n_init: default_n_init(),
            max_iter: default_max_iter(),
            tol: default_tol(),
            id_column: None,
        }
    }
}

/// A finished run: the Report plus one label per customer (input order).
#[derive(Debug, Clone)]
pub struct Segmentation {
    pub report: Report,
    pub labels: Vec<u32>,
}

/// Holds ingested data so it can be segmented again with other options
/// without re-parsing.
#[derive(Debug, Clone)]
pub struct Segmenter {
    table: CustomerTable,
    options_used: TableOptions,
}

impl Segmenter {
    /// Parses `bytes` (CSV/TSV of one row per customer).
    pub fn load(bytes: &[u8], options: &Options) -> Result<Segmenter, Error> {
        check_input(options)?;
        let table_opts = TableOptions { id_column: options.id_column.clone(), features: None };
        let table = read_customer_table(bytes, &table_opts)?;
        Ok(Segmenter { table, options_used: table_opts })
    }

    pub fn table(&self) -> &CustomerTable {
        &self.table
    }

    /// Customer ids in input order.
    pub fn ids(&self) -> &[String] {
        &self.table.ids
    }

    /// Runs one segmentation on the loaded data.
    pub fn segment(&self, options: &Options) -> Result<Segmentation, Error> {
        check_input(options)?;
        if options.method != "kmeans" {
            return Err(OptionsError::UnsupportedMethod(options.method.clone()).into());
        }
        if options.id_column.is_some() && options.id_column != self.options_used.id_column {
            // A different id column changes the rows themselves: parse again is the caller's job.
            return Err(
                OptionsError::UnsupportedInput("a different id column on loaded data; load again".into()).into()
            );
        }
        let k_choice = options.k.resolve()?;
        let seed = options.seed.unwrap_or_else(fresh_seed);
        let t = &self.table;
        let cols = select_features(t, options.features.as_deref())?;
        let names: Vec<String> = cols.iter().map(|&j| t.feature_names[j].clone()).collect();
        let mut raw = t.values.select(ndarray::Axis(1), &cols);
        let mut prep = Vec::new();
        for imp in impute_median(&mut raw) {
            let feature = names.get(imp.column).cloned().unwrap_or_default();
            prep.push(PrepStep {
                feature,
                step: "impute_median".into(),
                detail: format!("{} missing values set to {}", imp.count, imp.value),
            });
        }
        let scaler = Scaler::fit(&raw, options.scale);
        let x = scaler.transform(&raw);
        let n = x.nrows();

        let fit = |k: u32| -> Result<KMeansModel, Error> {
            let params =
                KMeansParams::new(k).n_init(options.n_init).max_iter(options.max_iter).tol(options.tol).seed(seed);
            Ok(params.check(n)?.fit(&x))
        };
        let mut k_search = Vec::new();
        let model = match k_choice {
            Some(k) => fit(k)?,
            None => {
                let mut best: Option<(f64, KMeansModel)> = None;
                for k in AUTO_K.filter(|&k| (k as usize) < n) {
                    let m = fit(k)?;
                    let sil = silhouette(x.view(), &m.labels, seed).map(|s| s.score);
                    k_search.push(KSearchEntry {
                        k,
                        silhouette: sil,
                        inertia: Some(m.inertia),
                        davies_bouldin: davies_bouldin(x.view(), &m.labels),
                        calinski_harabasz: calinski_harabasz(x.view(), &m.labels),
                    });
                    let score = sil.unwrap_or(f64::NEG_INFINITY);
                    if best.as_ref().is_none_or(|(s, _)| score > *s) {
                        best = Some((score, m));
                    }
                }
                match best {
                    Some((_, m)) => m,
                    None => fit(1)?,
                }
            }
        };
        let k = model.centroids.nrows();
        let labels = order_segments(&model.labels, k);
        let sil = silhouette(x.view(), &labels, seed);
        let metrics = Metrics {
            silhouette: sil.map(|s| s.score),
            silhouette_sample_size: sil.map(|s| s.sample_size as u64),
            davies_bouldin: davies_bouldin(x.view(), &labels),
            calinski_harabasz: calinski_harabasz(x.view(), &labels),
            inertia: Some(model.inertia),
        };
        let segments = summarise(raw.view(), x.view(), &labels, k, &names);
        let mut warnings = t.warnings.clone();
        for s in &segments {
            if s.share < TINY_SHARE {
                warnings.push(Warning::general(format!(
                    "segment {} (\"{}\") holds only {:.1} % of customers: k may be too high",
                    s.id,
                    s.name,
                    s.share * 100.0
                )));
            } else if s.share > HUGE_SHARE && k > 1 {
                warnings.push(Warning::general(format!(
                    "segment {} (\"{}\") holds {:.1} % of customers: k may be too low, or one feature dominates",
                    s.id,
                    s.name,
                    s.share * 100.0
                )));
            }
        }
        let report = Report {
            version: crate::VERSION.into(),
            method: options.method.clone(),
            k: k as u32,
            seed,
            rows_read: t.rows_read,
            rows_skipped: t.rows_skipped,
            customers: n as u64,
            id_column: t.id_column.clone(),
            features: names,
            ignored_columns: t.ignored_columns.clone(),
            scaling: options.scale.to_string(),
            preprocessing: prep,
            segments,
            metrics,
            k_search,
            iterations: model.n_iter,
            converged: model.converged,
            warnings: warnings.into_vec(),
        };
        Ok(Segmentation { report, labels })
    }
}

fn check_input(options: &Options) -> Result<(), OptionsError> {
    match options.input {
        InputKind::Events => Err(OptionsError::UnsupportedInput("events".into())),
        InputKind::Auto | InputKind::Table => Ok(()),
    }
}

fn select_features(t: &CustomerTable, wanted: Option<&[String]>) -> Result<Vec<usize>, Error> {
    let Some(wanted) = wanted else {
        return Ok((0..t.feature_names.len()).collect());
    };
    let mut cols = Vec::new();
    for w in wanted {
        let j = t
            .feature_names
            .iter()
            .position(|f| f == w)
            .or_else(|| t.feature_names.iter().position(|f| f.eq_ignore_ascii_case(w)))
            .ok_or_else(|| crate::ingest::IngestError::UnknownColumn {
                name: w.clone(),
                available: t.feature_names.join(", "),
            })?;
        if !cols.contains(&j) {
            cols.push(j);
        }
    }
    if cols.is_empty() {
        return Err(crate::ingest::IngestError::NoNumericColumns { columns: t.feature_names.join(", ") }.into());
    }
    Ok(cols)
}

/// Renumbers clusters so segment 0 is the largest; ties go to the segment
/// whose first member appears first in the input. Stable and seed-free, so
/// the same clustering always prints the same ids.
fn order_segments(labels: &[u32], k: usize) -> Vec<u32> {
    let mut size = vec![0usize; k];
    let mut first = vec![usize::MAX; k];
    for (i, &l) in labels.iter().enumerate() {
        if let Some(s) = size.get_mut(l as usize) {
            *s += 1;
            first[l as usize] = first[l as usize].min(i);
        }
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| size[b].cmp(&size[a]).then(first[a].cmp(&first[b])));
    let mut new_id = vec![0u32; k];
    for (rank, &old) in order.iter().enumerate() {
        new_id[old] = rank as u32;
    }
    labels.iter().map(|&l| new_id.get(l as usize).copied().unwrap_or(0)).collect()
}

/// The labels CSV of DESIGN.md: `id,segment,name`, one row per customer in
/// input order, quoted per RFC 4180 where needed.
pub fn labels_csv(ids: &[String], seg: &Segmentation) -> Result<String, Error> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let out = |e: csv::Error| Error::Output(e.to_string());
    w.write_record(["id", "segment", "name"]).map_err(out)?;
    for (id, &l) in ids.iter().zip(&seg.labels) {
        let name = seg.report.segments.get(l as usize).map_or("", |s| s.name.as_str());
        w.write_record([id.as_str(), &l.to_string(), name]).map_err(out)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Output(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error::Output(e.to_string()))
}

/// One call from bytes to a finished segmentation.
pub fn segment_bytes(bytes: &[u8], options: &Options) -> Result<(Segmenter, Segmentation), Error> {
    let s = Segmenter::load(bytes, options)?;
    let seg = s.segment(options)?;
    Ok((s, seg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_ordered_by_size_then_first_appearance() {
        assert_eq!(order_segments(&[2, 0, 0, 1, 2, 2], 3), vec![0, 1, 1, 2, 0, 0]);
        assert_eq!(order_segments(&[1, 0], 2), vec![0, 1]);
    }

    #[test]
    fn k_choice_parses() {
        assert_eq!(KChoice::Fixed(3.0).resolve(), Ok(Some(3)));
        assert_eq!(KChoice::Named("auto".into()).resolve(), Ok(None));
        assert_eq!(KChoice::Named("5".into()).resolve(), Ok(Some(5)));
        assert!(KChoice::Fixed(2.5).resolve().is_err());
        assert!(KChoice::Fixed(0.0).resolve().is_err());
        assert!(KChoice::Named("many".into()).resolve().is_err());
    }

    #[test]
    fn labels_csv_quotes_ids() {
        let csv = "id,x\n\"a,b\",1\nc,5\nd,6\n";
        let (s, seg) =
            segment_bytes(csv.as_bytes(), &Options { k: KChoice::Fixed(2.0), ..Default::default() }).unwrap();
        let out = labels_csv(s.ids(), &seg).unwrap();
        let first = out.lines().nth(1).unwrap();
        assert!(first.starts_with("\"a,b\","), "{out}");
        assert_eq!(out.lines().count(), 4);
    }
}
