//! One segmentation run: choose features → prepare (impute, log1p, scale)
//! → segment (k-means or RFM) → evaluate → explain → Report.

use ndarray::Axis;

use super::load::{Data, Segmenter};
use super::method_dbscan::run_dbscan;
use super::method_kmeans::run_kmeans;
use super::method_rfm::{rfm_columns, rfm_crosstab, rfm_grid, run_rfm, M_NAMES};
use super::method_rules::run_rules;
use super::options::{LogTransform, Method, OptionsError};
use super::{Options, Segmentation};
use crate::cohort::{cohorts, CohortOptions};
use crate::features::customer_features;
use crate::ingest::time::format_date;
use crate::ingest::{CustomerTable, IngestError};
use crate::metrics::{calinski_harabasz, davies_bouldin, silhouette_by_segment};
use crate::model::{DbscanModelPart, Model, ModelRoles, ModelSegment, RfmModel, MODEL_FORMAT, MODEL_VERSION};
use crate::prep::{clip, clip_bounds, fill_values, impute, log1p_skewed, Scaler};
use crate::report::{KSearchEntry, Metrics, PrepStep, Report, SegmentSummary, Warning, Warnings};
use crate::rng::fresh_seed;
use crate::rules::parse_rules;
use crate::Error;

/// Range tried by `k: "auto"`.
pub const AUTO_K: std::ops::RangeInclusive<u32> = 2..=10;
/// Segments smaller than this share of customers are flagged as over-segmentation.
const TINY_SHARE: f64 = 0.02;
/// Segments larger than this share are flagged as under-segmentation.
const HUGE_SHARE: f64 = 0.60;

/// Per-customer features ready for a method, whatever the input was.
struct FeatureSet {
    table: CustomerTable,
    default_features: Vec<String>,
    /// Revenue per customer, for revenue shares.
    revenue: Option<Vec<f64>>,
    as_of: Option<i64>,
    preset: Option<String>,
    /// Event input: per customer, its index in the log's ids.
    customer_index: Option<Vec<u32>>,
}

impl Segmenter {
    /// Retention, lifecycle and stickiness of the loaded event log.
    pub fn cohorts(&self, options: &Options) -> Result<crate::cohort::CohortReport, Error> {
        match &self.data {
            Data::Events(log) => Ok(cohorts(
                log,
                &CohortOptions {
                    period: options.period,
                    activity_events: options.cohort_events.clone(),
                    max_offset: 12,
                },
            )),
            Data::Table(_) => Err(OptionsError::Invalid {
                option: "input",
                value: "table".into(),
                expected: "an event log (one row per event or order, with a timestamp) for cohorts",
            }
            .into()),
        }
    }

    /// Per-customer features of the loaded data (every feature, before selection).
    pub fn features_table(&self, options: &Options) -> Result<CustomerTable, Error> {
        Ok(self.feature_set(options)?.table)
    }

    /// The column roles in effect, as names (for saved models).
    fn roles(&self) -> ModelRoles {
        let find = |role: &str| self.columns.iter().find(|c| c.role.as_deref() == Some(role)).map(|c| c.name.clone());
        ModelRoles {
            id_column: find("id"),
            time_column: find("time"),
            event_column: find("event"),
            revenue_column: find("revenue"),
            id_fallback_column: find("id_fallback"),
            order_column: find("order_id"),
            time_format: self.columns.iter().find_map(|c| c.format.clone()),
        }
    }

    /// The experiment table when the log has a variant column with two or more arms.
    fn experiment(
        &self,
        fs: &FeatureSet,
        labels: &[u32],
        segments: &[SegmentSummary],
    ) -> Option<crate::experiment::Experiment> {
        let Data::Events(log) = &self.data else { return None };
        let column = log.variant_column.as_deref()?;
        let index = fs.customer_index.as_ref()?;
        // A customer's variant is the one on their first row.
        let mut first = vec![u32::MAX; log.ids.len()];
        for (&c, &v) in log.customer.iter().zip(&log.variant) {
            if let Some(slot) = first.get_mut(c as usize).filter(|s| **s == u32::MAX) {
                *slot = v;
            }
        }
        let t = &fs.table;
        let col = |n: &str| t.feature_names.iter().position(|f| f == n);
        let orders = col("orders")?;
        let variant: Vec<u32> = index.iter().map(|&c| first.get(c as usize).copied().unwrap_or(u32::MAX)).collect();
        let converted: Vec<bool> = (0..t.ids.len()).map(|i| t.values[[i, orders]] > 0.0).collect();
        let revenue: Vec<f64> = match col("monetary") {
            Some(m) => (0..t.ids.len()).map(|i| t.values[[i, m]]).collect(),
            None => vec![0.0; t.ids.len()],
        };
        let names: Vec<String> = segments.iter().map(|s| s.name.clone()).collect();
        let data = crate::experiment::ExperimentData {
            column,
            variant_names: &log.variant_names,
            variant: &variant,
            converted: &converted,
            revenue: &revenue,
        };
        crate::experiment::analyse(&data, labels, &names)
    }

    fn feature_set(&self, options: &Options) -> Result<FeatureSet, Error> {
        match &self.data {
            Data::Table(t) => {
                let revenue = find_name(&t.feature_names, M_NAMES).map(|j| t.values.column(j).to_vec());
                Ok(FeatureSet {
                    table: t.clone(),
                    default_features: t.feature_names.clone(),
                    revenue,
                    as_of: None,
                    preset: None,
                    customer_index: None,
                })
            }
            Data::Events(log) => {
                let f = customer_features(log, &options.feature_options())?;
                let has_revenue = !log.revenue.is_empty();
                let mut table = f.table;
                table.id_column = log.columns.iter().find(|c| c.role.as_deref() == Some("id")).map(|c| c.name.clone());
                Ok(FeatureSet {
                    table,
                    default_features: f.default_features,
                    revenue: has_revenue.then_some(f.revenue),
                    as_of: Some(f.as_of),
                    preset: log.preset.clone(),
                    customer_index: Some(f.customer_index),
                })
            }
        }
    }

    /// Runs one segmentation on the loaded data.
    pub fn segment(&self, options: &Options) -> Result<Segmentation, Error> {
        let seed = options.seed.unwrap_or_else(fresh_seed);
        let fs = self.feature_set(options)?;
        let t = &fs.table;
        if t.ids.is_empty() {
            return Err(IngestError::NoUsableRows {
                skipped: t.rows_skipped,
                first: "no customer has events before as_of".into(),
            }
            .into());
        }
        let mut warnings = t.warnings.clone();
        let rules = match options.method {
            Method::Rules => {
                let text = options.rules.as_deref().ok_or(OptionsError::Invalid {
                    option: "rules",
                    value: String::new(),
                    expected: "rule text for method rules, one 'name: condition' per line",
                })?;
                Some(parse_rules(text)?)
            }
            _ => None,
        };
        let (cols, rfm_cols) = match options.method {
            Method::Kmeans => {
                let wanted = options.features.clone().unwrap_or_else(|| fs.default_features.clone());
                (select(t, &wanted)?, None)
            }
            Method::Rfm => {
                let c = rfm_columns(t, options.features.as_deref(), &mut warnings)?;
                (c.iter().flatten().copied().collect(), Some(c))
            }
            Method::Dbscan => {
                let wanted = options.features.clone().unwrap_or_else(|| fs.default_features.clone());
                (select(t, &wanted)?, None)
            }
            Method::Rules => {
                let mut used = Vec::new();
                rules.iter().flatten().for_each(|r| r.when.features(&mut used));
                let mut cols = select_or_none(t, &used)?;
                if cols.is_empty() {
                    cols = select(t, &fs.default_features)?;
                }
                (cols, None)
            }
        };
        let names: Vec<String> = cols.iter().map(|&j| t.feature_names[j].clone()).collect();
        let mut raw = t.values.select(Axis(1), &cols);
        if options.mini_batch == Some(0) {
            return Err(OptionsError::Invalid {
                option: "miniBatch",
                value: "0".into(),
                expected: "a batch size of at least 1 customer",
            }
            .into());
        }
        if !(options.impute_value.is_finite() && options.clip_percentile.is_finite()) {
            return Err(OptionsError::Invalid {
                option: "imputeValue / clipPercentile",
                value: format!("{} / {}", options.impute_value, options.clip_percentile),
                expected: "finite numbers",
            }
            .into());
        }
        let fill = fill_values(&raw, options.impute, options.impute_value);
        let mut prep = Vec::new();
        let how = format!("{:?}", options.impute).to_ascii_lowercase();
        for imp in impute(&mut raw, &fill) {
            prep.push(PrepStep {
                feature: names[imp.column].clone(),
                step: format!("impute_{how}"),
                detail: format!("{} missing values set to {}", imp.count, imp.value),
            });
        }
        let mut logged = raw.clone();
        let bounds = clip_bounds(&raw, options.clip, options.clip_percentile);
        if let Some(b) = &bounds {
            for (j, moved) in clip(&mut logged, b).into_iter().enumerate() {
                if moved > 0 {
                    prep.push(PrepStep {
                        feature: names[j].clone(),
                        step: format!("clip_{:?}", options.clip).to_ascii_lowercase(),
                        detail: format!("{moved} values clipped to [{}, {}]", b[j].0, b[j].1),
                    });
                }
            }
        }
        let mut log_flags = vec![false; names.len()];
        if options.log != LogTransform::None {
            for (j, skew) in log1p_skewed(&mut logged, options.log == LogTransform::All) {
                log_flags[j] = true;
                prep.push(PrepStep {
                    feature: names[j].clone(),
                    step: "log1p".into(),
                    detail: format!("skewness {skew:.2}"),
                });
            }
        }
        let scaler = Scaler::fit(&logged, options.scale);
        let x = scaler.transform(&logged);

        let mut out = match (options.method, rfm_cols, &rules) {
            (Method::Rfm, Some(rfm_cols), _) => run_rfm(options, t, &rfm_cols, &raw, &x, &names)?,
            (Method::Rules, _, Some(rules)) => run_rules(rules, t, &raw, &x, &names),
            (Method::Dbscan, _, _) => run_dbscan(options, seed, &raw, &x, &names, &mut warnings)?,
            _ => run_kmeans(options, seed, &raw, &x, &names, &mut warnings)?,
        };
        let k = out.segments.len();
        if let Some(rev) = &fs.revenue {
            let total: f64 = rev.iter().sum();
            let mut per = vec![0.0; k];
            for (&l, r) in out.labels.iter().zip(rev) {
                if let Some(p) = per.get_mut(l as usize) {
                    *p += r;
                }
            }
            for (s, p) in out.segments.iter_mut().zip(per) {
                s.revenue_share = (total != 0.0).then_some(p / total);
            }
        }
        flag_sizes(&out.segments, &mut warnings);
        let (sil, by_segment) = match silhouette_by_segment(x.view(), &out.labels, k, seed) {
            Some((s, b)) => (Some(s), b),
            None => (None, Vec::new()),
        };
        let metrics = Metrics {
            silhouette: sil.map(|s| s.score),
            silhouette_sample_size: sil.map(|s| s.sample_size as u64),
            silhouette_by_segment: by_segment,
            davies_bouldin: davies_bouldin(x.view(), &out.labels),
            calinski_harabasz: calinski_harabasz(x.view(), &out.labels),
            inertia: out.inertia,
        };
        let rfm_grid = out.rfm.as_ref().map(|t| rfm_grid(t, &out.labels, &out.segments)).unwrap_or_default();
        let crosstab = if options.method == Method::Rfm { None } else { rfm_crosstab(t, &out.labels, &out.segments) };
        let experiment = self.experiment(&fs, &out.labels, &out.segments);
        let report = Report {
            version: crate::VERSION.into(),
            method: options.method.name().into(),
            k: k as u32,
            seed,
            rows_read: t.rows_read,
            rows_skipped: t.rows_skipped,
            customers: t.ids.len() as u64,
            input: self.input_kind().into(),
            format: self.format.clone(),
            preset: fs.preset.clone(),
            columns: self.columns.clone(),
            as_of: fs.as_of.map(format_date),
            id_column: t.id_column.clone(),
            features: names,
            ignored_columns: t.ignored_columns.clone(),
            scaling: options.scale.to_string(),
            preprocessing: prep,
            segments: out.segments,
            metrics,
            k_search: out.k_search,
            rfm_grid,
            migration: None,
            crosstab,
            experiment,
            projection: crate::projection::pca2(x.view(), &out.labels, seed),
            eps: out.eps.map(|e| e.0),
            eps_suggestion: out.eps.map(|e| e.1),
            cohorts: self.cohorts(options).ok(),
            iterations: out.iterations,
            converged: out.converged,
            warnings: warnings.into_vec(),
            memory: Some(self.memory()),
        };
        let mut segments: Vec<ModelSegment> =
            report.segments.iter().map(|s| ModelSegment { id: s.id, name: s.name.clone() }).collect();
        for name in out.extra_segments {
            segments.push(ModelSegment { id: segments.len() as u32, name });
        }
        let model = Model {
            format: MODEL_FORMAT.into(),
            version: MODEL_VERSION,
            seglens: crate::VERSION.into(),
            method: options.method,
            input: self.input_kind().into(),
            roles: self.roles(),
            feature_options: crate::features::FeatureOptions { as_of: None, ..options.feature_options() },
            features: report.features.clone(),
            fill,
            clip: bounds,
            log1p: log_flags,
            scaler,
            centroids: out.centroids,
            segments,
            rfm: out.rfm_model,
            rules,
            dbscan: out.dbscan,
        };
        let rfm = out.rfm;
        let clv = crate::clv::CLV_FEATURES
            .iter()
            .filter_map(|f| {
                let j = fs.table.feature_names.iter().position(|n| n == f)?;
                Some((f.to_string(), fs.table.values.column(j).to_vec()))
            })
            .collect();
        let mut seg = Segmentation { report, labels: out.labels, ids: fs.table.ids, values: raw, rfm, model, clv };
        if let Some(from) = &options.compare_to {
            if matches!(self.data, Data::Table(_)) {
                return Err(OptionsError::Invalid {
                    option: "compare_to",
                    value: from.clone(),
                    expected: "an event log: a per-customer table has no history to compare with",
                }
                .into());
            }
            seg.report.migration = Some(self.migration(&seg, from, options)?);
        }
        Ok(seg)
    }
}

/// What a method returns before the common Report assembly.
#[derive(Default)]
pub(super) struct MethodOutput {
    pub(super) labels: Vec<u32>,
    pub(super) segments: Vec<SegmentSummary>,
    pub(super) inertia: Option<f64>,
    pub(super) k_search: Vec<KSearchEntry>,
    pub(super) iterations: u32,
    pub(super) converged: bool,
    pub(super) rfm: Option<super::RfmTable>,
    /// k-means centres (scaled space) by segment id.
    pub(super) centroids: Vec<Vec<f64>>,
    /// RFM: map names no customer fell into (the model can still assign them).
    pub(super) extra_segments: Vec<String>,
    pub(super) rfm_model: Option<RfmModel>,
    pub(super) dbscan: Option<DbscanModelPart>,
    /// DBSCAN: (eps used, eps suggested).
    pub(super) eps: Option<(f64, f64)>,
}

/// Labels for methods that assign names from a list (RFM map, rules): keeps
/// only the names that occur, orders them by size like every method, and
/// returns the new labels and, per segment id, the index in the original list.
pub(super) fn named_labels(raw_labels: &[u32]) -> (Vec<u32>, Vec<usize>) {
    let mut used: Vec<u32> = raw_labels.to_vec();
    used.sort_unstable();
    used.dedup();
    let dense: Vec<u32> = raw_labels.iter().map(|l| used.binary_search(l).unwrap_or(0) as u32).collect();
    let k = used.len();
    let labels = order_segments(&dense, k);
    let mut original = vec![0usize; k];
    for (&o, &d) in labels.iter().zip(&dense) {
        original[o as usize] = used[d as usize] as usize;
    }
    (labels, original)
}

/// Median of each column's present values (0 for an all-missing column): the fill value a model keeps.
pub(super) fn find_name(names: &[String], candidates: &[&str]) -> Option<usize> {
    candidates.iter().find_map(|c| names.iter().position(|n| n.eq_ignore_ascii_case(c)))
}

/// Like [`select`], but an empty list selects nothing instead of failing.
pub(super) fn select_or_none(t: &CustomerTable, wanted: &[String]) -> Result<Vec<usize>, Error> {
    if wanted.is_empty() {
        Ok(Vec::new())
    } else {
        select(t, wanted)
    }
}

/// Indices of the wanted features (exact name, else case-insensitive).
pub(super) fn select(t: &CustomerTable, wanted: &[String]) -> Result<Vec<usize>, Error> {
    // Maps, not linear searches: tables can have tens of thousands of columns.
    let mut exact = std::collections::HashMap::new();
    for (j, f) in t.feature_names.iter().enumerate().rev() {
        exact.insert(f.as_str(), j);
    }
    let mut cols = Vec::new();
    let mut taken = vec![false; t.feature_names.len()];
    for w in wanted {
        let j = exact
            .get(w.as_str())
            .copied()
            .or_else(|| t.feature_names.iter().position(|f| f.eq_ignore_ascii_case(w)))
            .ok_or_else(|| IngestError::UnknownColumn { name: w.clone(), available: t.feature_names.join(", ") })?;
        if !taken[j] {
            taken[j] = true;
            cols.push(j);
        }
    }
    if cols.is_empty() {
        return Err(IngestError::NoNumericColumns { columns: t.feature_names.join(", ") }.into());
    }
    Ok(cols)
}

pub(super) fn flag_sizes(segments: &[SegmentSummary], warnings: &mut Warnings) {
    let k = segments.len();
    for s in segments {
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
}

/// Renumbers clusters so segment 0 is the largest; ties go to the segment
/// whose first member appears first in the input. Stable and seed-free, so
/// the same clustering always prints the same ids.
pub(super) fn order_segments(labels: &[u32], k: usize) -> Vec<u32> {
    let new_id = segment_order(labels, k);
    labels.iter().map(|&l| new_id.get(l as usize).copied().unwrap_or(0)).collect()
}

/// `new_id[old]` for [`order_segments`]; clusters without members go last.
pub(super) fn segment_order(labels: &[u32], k: usize) -> Vec<u32> {
    let mut size = vec![0usize; k];
    let mut first = vec![usize::MAX; k];
    for (i, &l) in labels.iter().enumerate() {
        if let (Some(s), Some(f)) = (size.get_mut(l as usize), first.get_mut(l as usize)) {
            *s += 1;
            *f = (*f).min(i);
        }
    }
    let mut order: Vec<usize> = (0..k).collect();
    crate::sorting::sort_indices(&mut order, &|a, b| size[b].cmp(&size[a]).then(first[a].cmp(&first[b])));
    let mut new_id = vec![0u32; k];
    for (rank, &old) in order.iter().enumerate() {
        new_id[old] = rank as u32;
    }
    new_id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_ordered_by_size_then_first_appearance() {
        assert_eq!(order_segments(&[2, 0, 0, 1, 2, 2], 3), vec![0, 1, 1, 2, 0, 0]);
        assert_eq!(order_segments(&[1, 0], 2), vec![0, 1]);
    }
}
