//! One segmentation run: choose features → prepare (impute, log1p, scale)
//! → segment (k-means or RFM) → evaluate → explain → Report.

use ndarray::{Array2, Axis};

use super::load::{Data, Segmenter};
use super::options::{LogTransform, Method, OptionsError};
use super::{Options, Segmentation};
use crate::cluster::dbscan::DbscanParams;
use crate::cluster::kmeans::{KMeansModel, KMeansParams};
use crate::cohort::{cohorts, CohortOptions};
use crate::explain::summarise;
use crate::features::customer_features;
use crate::ingest::time::format_date;
use crate::ingest::{CustomerTable, IngestError};
use crate::metrics::{calinski_harabasz, davies_bouldin, silhouette};
use crate::model::{DbscanModelPart, Model, ModelRoles, ModelSegment, RfmModel, MODEL_FORMAT, MODEL_VERSION};
use crate::prep::{impute_median, log1p_skewed, Scaler};
use crate::report::{CrossTab, KSearchEntry, Metrics, PrepStep, Report, RfmCell, SegmentSummary, Warning, Warnings};
use crate::rfm::{rfm_scores, to_grid5, RfmMap, RfmRule};
use crate::rng::fresh_seed;
use crate::rules::parse_rules;
use crate::Error;

/// Range tried by `k: "auto"`.
pub const AUTO_K: std::ops::RangeInclusive<u32> = 2..=10;
/// Segments smaller than this share of customers are flagged as over-segmentation.
const TINY_SHARE: f64 = 0.02;
/// Segments larger than this share are flagged as under-segmentation.
const HUGE_SHARE: f64 = 0.60;

/// Column names that hold R, F and M in a per-customer table, most specific first.
const R_NAMES: &[&str] =
    &["recency", "recency_days", "days_since_last_order", "days_since_last_purchase", "last_order_days"];
const F_NAMES: &[&str] = &["frequency", "orders", "order_count", "n_orders", "purchases", "num_orders", "transactions"];
const M_NAMES: &[&str] =
    &["monetary", "monetary_value", "total_spend", "revenue", "spend", "total_revenue", "amount", "sales", "ltv"];

/// Per-customer features ready for a method, whatever the input was.
struct FeatureSet {
    table: CustomerTable,
    default_features: Vec<String>,
    /// Revenue per customer, for revenue shares.
    revenue: Option<Vec<f64>>,
    as_of: Option<i64>,
    preset: Option<String>,
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
        }
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
        let fill = column_medians(&raw);
        let mut prep = Vec::new();
        for imp in impute_median(&mut raw) {
            prep.push(PrepStep {
                feature: names[imp.column].clone(),
                step: "impute_median".into(),
                detail: format!("{} missing values set to {}", imp.count, imp.value),
            });
        }
        let mut logged = raw.clone();
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
        let sil = silhouette(x.view(), &out.labels, seed);
        let metrics = Metrics {
            silhouette: sil.map(|s| s.score),
            silhouette_sample_size: sil.map(|s| s.sample_size as u64),
            davies_bouldin: davies_bouldin(x.view(), &out.labels),
            calinski_harabasz: calinski_harabasz(x.view(), &out.labels),
            inertia: out.inertia,
        };
        let rfm_grid = out.rfm.as_ref().map(|t| rfm_grid(t, &out.labels, &out.segments)).unwrap_or_default();
        let crosstab = if options.method == Method::Rfm { None } else { rfm_crosstab(t, &out.labels, &out.segments) };
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
            eps: out.eps.map(|e| e.0),
            eps_suggestion: out.eps.map(|e| e.1),
            cohorts: self.cohorts(options).ok(),
            iterations: out.iterations,
            converged: out.converged,
            warnings: warnings.into_vec(),
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
            log1p: log_flags,
            scaler,
            centroids: out.centroids,
            segments,
            rfm: out.rfm_model,
            rules,
            dbscan: out.dbscan,
        };
        let rfm = out.rfm;
        let mut seg = Segmentation { report, labels: out.labels, ids: fs.table.ids, values: raw, rfm, model };
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
struct MethodOutput {
    labels: Vec<u32>,
    segments: Vec<SegmentSummary>,
    inertia: Option<f64>,
    k_search: Vec<KSearchEntry>,
    iterations: u32,
    converged: bool,
    rfm: Option<super::RfmTable>,
    /// k-means centres (scaled space) by segment id.
    centroids: Vec<Vec<f64>>,
    /// RFM: map names no customer fell into (the model can still assign them).
    extra_segments: Vec<String>,
    rfm_model: Option<RfmModel>,
    dbscan: Option<DbscanModelPart>,
    /// DBSCAN: (eps used, eps suggested).
    eps: Option<(f64, f64)>,
}

/// Silhouettes closer than this are a tie (sampling noise and float noise are far smaller;
/// differences this small do not change what an analyst would conclude).
const SILHOUETTE_TIE: f64 = 0.02;

/// The `k: "auto"` rule: the highest silhouette wins, but a smaller k within
/// [`SILHOUETTE_TIE`] of it is preferred (fewer segments that explain as much);
/// among ties the inertia curve breaks it — the k after which the next k
/// reduces inertia the least relative to the previous step (the elbow).
/// Returns an index into `k_search`.
pub(crate) fn choose_k(k_search: &[KSearchEntry]) -> Option<usize> {
    let best = k_search.iter().filter_map(|e| e.silhouette).fold(f64::NEG_INFINITY, f64::max);
    if !best.is_finite() {
        return None;
    }
    let ties: Vec<usize> =
        (0..k_search.len()).filter(|&i| k_search[i].silhouette.is_some_and(|s| s >= best - SILHOUETTE_TIE)).collect();
    if ties.len() == 1 {
        return ties.first().copied();
    }
    let inertia = |i: usize| k_search.get(i).and_then(|e| e.inertia);
    // Elbow score of k_i: drop into k_i over the drop after it (larger = sharper elbow).
    let elbow = |i: usize| match (i.checked_sub(1).and_then(inertia), inertia(i), inertia(i + 1)) {
        (Some(a), Some(b), Some(c)) if b - c > 0.0 => (a - b) / (b - c),
        _ => 0.0,
    };
    let sharpest = ties.iter().copied().max_by(|&a, &b| elbow(a).total_cmp(&elbow(b)).then(b.cmp(&a)));
    let first = ties.first().copied();
    match sharpest {
        Some(i) if elbow(i) > 1.5 => Some(i),
        _ => first,
    }
}

fn run_kmeans(
    options: &Options,
    seed: u64,
    raw: &Array2<f64>,
    x: &Array2<f64>,
    names: &[String],
    warnings: &mut Warnings,
) -> Result<MethodOutput, Error> {
    let n = x.nrows();
    let fit = |k: u32| -> Result<KMeansModel, Error> {
        let params = KMeansParams::new(k).n_init(options.n_init).max_iter(options.max_iter).tol(options.tol).seed(seed);
        Ok(params.check(n)?.fit(x))
    };
    let mut k_search = Vec::new();
    let mut auto_warning = None;
    let model = match options.k.resolve()? {
        Some(k) => fit(k)?,
        None => {
            let mut models = Vec::new();
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
                models.push(m);
            }
            match choose_k(&k_search) {
                Some(i) => {
                    if i + 1 == k_search.len() && k_search.len() > 1 {
                        auto_warning = Some(format!(
                            "the silhouette is still best at the largest k tried ({}); more segments may fit better — set k",
                            k_search[i].k
                        ));
                    }
                    models.swap_remove(i)
                }
                None => fit(1)?,
            }
        }
    };
    if let Some(w) = auto_warning {
        warnings.push(Warning::general(w));
    }
    let k = model.centroids.nrows();
    if n < 10 * k {
        warnings.push(Warning::general(format!(
            "{k} segments for {n} customers: fewer than 10 customers per segment on average; results will not be stable"
        )));
    }
    let new_id = segment_order(&model.labels, k);
    let labels: Vec<u32> = model.labels.iter().map(|&l| new_id[l as usize]).collect();
    let mut centroids = vec![Vec::new(); k];
    for (old, row) in model.centroids.rows().into_iter().enumerate() {
        centroids[new_id[old] as usize] = row.to_vec();
    }
    let segments = summarise(raw.view(), x.view(), &labels, k, names);
    Ok(MethodOutput {
        labels,
        segments,
        inertia: Some(model.inertia),
        k_search,
        iterations: model.n_iter,
        converged: model.converged,
        rfm: None,
        centroids,
        extra_segments: Vec::new(),
        rfm_model: None,
        ..Default::default()
    })
}

fn run_rfm(
    options: &Options,
    t: &CustomerTable,
    cols: &[Option<usize>; 3],
    raw: &Array2<f64>,
    x: &Array2<f64>,
    names: &[String],
) -> Result<MethodOutput, Error> {
    let bins = options.rfm_bins;
    if !(3..=5).contains(&bins) {
        return Err(OptionsError::Invalid { option: "rfm_bins", value: bins.to_string(), expected: "3, 4 or 5" }.into());
    }
    let map = match &options.rfm_map {
        Some(rules) => RfmMap::parse(rules).map_err(OptionsError::Rfm)?,
        None => RfmMap::default_map(),
    };
    let column = |c: Option<usize>| rfm_input(t, c);
    let (recency, frequency, monetary) = (column(cols[0]), column(cols[1]), column(cols[2]));
    let mut scores = rfm_scores(&recency, &frequency, &monetary, bins);
    if cols[2].is_none() {
        scores.m.iter_mut().for_each(|m| *m = 0);
    }
    let mut seg_names = map.names();
    let other = seg_names.len();
    seg_names.push("Other".into());
    let raw_labels: Vec<u32> = (0..t.ids.len())
        .map(|i| {
            let g = |s: &[u8]| to_grid5(s[i], bins);
            map.assign(g(&scores.r), g(&scores.f), g(&scores.m)).unwrap_or(other) as u32
        })
        .collect();
    let (labels, map_index) = named_labels(&raw_labels);
    let k = map_index.len();
    let mut segments = summarise(raw.view(), x.view(), &labels, k, names);
    let rules = options.rfm_map.clone();
    for s in &mut segments {
        let mi = map_index[s.id as usize];
        s.name = seg_names[mi].clone();
        s.rule = match (&rules, crate::rfm::DEFAULT_MAP.get(mi)) {
            _ if mi == other => "no rule of the RFM map matched".into(),
            (Some(r), _) => r.get(mi).map_or(String::new(), |r| format!("RFM pattern {}", r.pattern)),
            (None, Some((p, _))) => describe_pattern(p),
            (None, None) => String::new(),
        };
    }
    let extra_segments: Vec<String> =
        seg_names.iter().filter(|n| !segments.iter().any(|s| &s.name == *n)).cloned().collect();
    let q_recency: Vec<u8> = scores.r.iter().map(|r| bins + 1 - r).collect();
    let rules = options.rfm_map.clone().unwrap_or_else(|| {
        crate::rfm::DEFAULT_MAP.iter().map(|(p, n)| RfmRule { pattern: p.to_string(), name: n.to_string() }).collect()
    });
    let rfm_model = RfmModel {
        bins,
        recency_edges: edges(&recency, &q_recency, bins),
        frequency_edges: edges(&frequency, &scores.f, bins),
        monetary_edges: cols[2].map(|_| edges(&monetary, &scores.m, bins)),
        rules,
    };
    let rfm = super::RfmTable { recency, frequency, monetary, r: scores.r, f: scores.f, m: scores.m };
    Ok(MethodOutput {
        labels,
        segments,
        inertia: None,
        k_search: Vec::new(),
        iterations: 0,
        converged: true,
        rfm: Some(rfm),
        centroids: Vec::new(),
        extra_segments,
        rfm_model: Some(rfm_model),
        ..Default::default()
    })
}

/// Per quantile score 1..=bins, the largest value that got it (monotone; an
/// empty score repeats the previous edge) — the thresholds a saved model uses.
fn edges(values: &[f64], scores: &[u8], bins: u8) -> Vec<f64> {
    let mut e = vec![f64::NEG_INFINITY; bins as usize];
    for (&v, &s) in values.iter().zip(scores) {
        if let Some(slot) = (s as usize).checked_sub(1).and_then(|i| e.get_mut(i)) {
            *slot = slot.max(v);
        }
    }
    for i in 1..e.len() {
        e[i] = e[i].max(e[i - 1]);
    }
    let lowest = e.iter().copied().find(|v| v.is_finite()).unwrap_or(0.0);
    e.iter_mut().filter(|v| !v.is_finite()).for_each(|v| *v = lowest);
    e
}

/// DBSCAN on the scaled features; noise becomes the last segment, "Outliers".
fn run_dbscan(
    options: &Options,
    seed: u64,
    raw: &Array2<f64>,
    x: &Array2<f64>,
    names: &[String],
    warnings: &mut Warnings,
) -> Result<MethodOutput, Error> {
    let m =
        DbscanParams::new().eps_opt(options.eps).min_samples(options.min_samples as usize).seed(seed).check()?.fit(x);
    if options.eps.is_none() {
        warnings.push(Warning::general(format!(
            "eps = {} suggested from the k-distance curve (knee of the distance to the {}th neighbour); set eps to override",
            crate::explain::fmt_num(m.eps),
            options.min_samples
        )));
    }
    let clusters = m.n_clusters;
    let noise = clusters as u32;
    let raw_labels: Vec<u32> = m.labels.iter().map(|&l| if l < 0 { noise } else { l as u32 }).collect();
    // Clusters by size (ties by first appearance), the outliers always last.
    let cluster_order = segment_order(&raw_labels, clusters + 1);
    let has_noise = raw_labels.contains(&noise);
    let mut new_id = vec![0u32; clusters + 1];
    let mut ranked: Vec<usize> = (0..clusters).collect();
    ranked.sort_by_key(|&c| cluster_order[c]);
    for (rank, &c) in ranked.iter().enumerate() {
        new_id[c] = rank as u32;
    }
    new_id[clusters] = clusters as u32;
    let labels: Vec<u32> = raw_labels.iter().map(|&l| new_id[l as usize]).collect();
    let k = clusters + usize::from(has_noise);
    let mut segments = summarise(raw.view(), x.view(), &labels, k, names);
    if has_noise {
        if let Some(s) = segments.last_mut() {
            s.name = "Outliers".into();
            s.rule = format!(
                "fewer than {} customers within eps = {} of them",
                options.min_samples,
                crate::explain::fmt_num(m.eps)
            );
        }
    }
    let d = x.ncols();
    let xs = x.as_standard_layout();
    let data = xs.as_slice().unwrap_or(&[]);
    let (mut core_points, mut core_segments) = (Vec::new(), Vec::new());
    for (i, (&core, &l)) in m.is_core.iter().zip(&labels).enumerate() {
        if core {
            core_points.push(data[i * d..(i + 1) * d].to_vec());
            core_segments.push(l);
        }
    }
    let extra_segments = if has_noise { Vec::new() } else { vec!["Outliers".to_string()] };
    Ok(MethodOutput {
        labels,
        segments,
        converged: true,
        extra_segments,
        dbscan: Some(DbscanModelPart { eps: m.eps, core_points, core_segments, outlier_segment: clusters as u32 }),
        eps: Some((m.eps, m.eps_suggestion)),
        ..Default::default()
    })
}

/// Rules: first matching rule per customer (on the values as given: a
/// missing value matches no comparison), unmatched customers in "Other".
fn run_rules(
    rules: &[crate::rules::Rule],
    t: &CustomerTable,
    raw: &Array2<f64>,
    x: &Array2<f64>,
    names: &[String],
) -> MethodOutput {
    let other = rules.len();
    // Resolve each rule feature to its column once (exact name, else case-insensitive).
    let mut used = Vec::new();
    rules.iter().for_each(|r| r.when.features(&mut used));
    let col: std::collections::HashMap<&str, usize> = used
        .iter()
        .filter_map(|f| {
            let names = &t.feature_names;
            let j = names.iter().position(|n| n == f).or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(f)));
            j.map(|j| (f.as_str(), j))
        })
        .collect();
    let raw_labels: Vec<u32> = (0..t.ids.len())
        .map(|i| {
            let value = |f: &str| col.get(f).map_or(f64::NAN, |&j| t.values[[i, j]]);
            crate::rules::assign(rules, &value).unwrap_or(other) as u32
        })
        .collect();
    let (labels, rule_index) = named_labels(&raw_labels);
    let k = rule_index.len();
    let mut segments = summarise(raw.view(), x.view(), &labels, k, names);
    for s in &mut segments {
        match rules.get(rule_index[s.id as usize]) {
            Some(r) => {
                s.name = r.name.clone();
                s.rule = r.text.clone();
            }
            None => {
                s.name = "Other".into();
                s.rule = "no rule matched".into();
            }
        }
    }
    let mut extra: Vec<String> = rules.iter().map(|r| r.name.clone()).collect();
    extra.push("Other".into());
    extra.retain(|n| !segments.iter().any(|s| &s.name == n));
    MethodOutput {
        labels,
        segments,
        inertia: None,
        k_search: Vec::new(),
        iterations: 0,
        converged: true,
        rfm: None,
        centroids: Vec::new(),
        extra_segments: extra,
        rfm_model: None,
        ..Default::default()
    }
}

/// The run's segments against the RFM names of the same customers, when
/// recency and frequency are available; `None` otherwise.
fn rfm_crosstab(t: &CustomerTable, labels: &[u32], segments: &[SegmentSummary]) -> Option<CrossTab> {
    let cols = rfm_columns(t, None, &mut Warnings::default()).ok()?;
    let column = |c: Option<usize>| rfm_input(t, c);
    let scores = rfm_scores(&column(cols[0]), &column(cols[1]), &column(cols[2]), 5);
    let map = RfmMap::default_map();
    let mut names = map.names();
    names.push("Other".into());
    let mut counts = vec![vec![0u64; names.len()]; segments.len()];
    for (i, &l) in labels.iter().enumerate() {
        let c = map.assign(scores.r[i], scores.f[i], scores.m[i]).unwrap_or(names.len() - 1);
        if let Some(cell) = counts.get_mut(l as usize).and_then(|row| row.get_mut(c)) {
            *cell += 1;
        }
    }
    // Keep only RFM names that occur.
    let keep: Vec<usize> = (0..names.len()).filter(|&c| counts.iter().any(|row| row[c] > 0)).collect();
    Some(CrossTab {
        against: "rfm".into(),
        rows: segments.iter().map(|s| s.name.clone()).collect(),
        columns: keep.iter().map(|&c| names[c].clone()).collect(),
        counts: counts.iter().map(|row| keep.iter().map(|&c| row[c]).collect()).collect(),
    })
}

/// An RFM input column with missing values as 0 (no purchases, no spend);
/// all zeros when the column does not exist (e.g. no revenue).
fn rfm_input(t: &CustomerTable, column: Option<usize>) -> Vec<f64> {
    column
        .map(|j| t.values.column(j).iter().map(|v| if v.is_nan() { 0.0 } else { *v }).collect())
        .unwrap_or_else(|| vec![0.0; t.ids.len()])
}

/// Labels for methods that assign names from a list (RFM map, rules): keeps
/// only the names that occur, orders them by size like every method, and
/// returns the new labels and, per segment id, the index in the original list.
fn named_labels(raw_labels: &[u32]) -> (Vec<u32>, Vec<usize>) {
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

/// Customer counts per (R, F) cell, with the segment of the cell's customers.
fn rfm_grid(t: &super::RfmTable, labels: &[u32], segments: &[SegmentSummary]) -> Vec<RfmCell> {
    let mut cells: std::collections::BTreeMap<(u8, u8), (u64, u32)> = std::collections::BTreeMap::new();
    for ((&r, &f), &l) in t.r.iter().zip(&t.f).zip(labels) {
        let e = cells.entry((r, f)).or_insert((0, l));
        e.0 += 1;
    }
    cells
        .into_iter()
        .map(|((r, f), (count, l))| RfmCell {
            r,
            f,
            count,
            name: segments.get(l as usize).map_or_else(String::new, |s| s.name.clone()),
        })
        .collect()
}

/// "5[4-5]" → "R score 5, F score 4–5" (R×F map patterns; scores on the 5-grid).
fn describe_pattern(p: &str) -> String {
    let mut parts = Vec::new();
    let mut rest = p;
    for label in ["R", "F", "M"] {
        let Some(c) = rest.chars().next() else { break };
        let (text, len) = if c == '[' {
            let end = rest.find(']').unwrap_or(rest.len() - 1);
            (rest[1..end].replace('-', "–"), end + 1)
        } else {
            (c.to_string(), c.len_utf8())
        };
        parts.push(format!("{label} score {text}"));
        rest = &rest[len.min(rest.len())..];
    }
    parts.join(", ")
}

/// Median of each column's present values (0 for an all-missing column): the fill value a model keeps.
fn column_medians(x: &Array2<f64>) -> Vec<f64> {
    x.axis_iter(Axis(1))
        .map(|col| {
            let mut v: Vec<f64> = col.iter().copied().filter(|v| !v.is_nan()).collect();
            v.sort_by(f64::total_cmp);
            crate::prep::median_sorted(&v).unwrap_or(0.0)
        })
        .collect()
}

fn find_name(names: &[String], candidates: &[&str]) -> Option<usize> {
    candidates.iter().find_map(|c| names.iter().position(|n| n.eq_ignore_ascii_case(c)))
}

/// R, F, M columns of a feature table: `features` in that order, or by name.
fn rfm_columns(
    t: &CustomerTable,
    features: Option<&[String]>,
    warnings: &mut Warnings,
) -> Result<[Option<usize>; 3], Error> {
    if let Some(f) = features {
        if !(2..=3).contains(&f.len()) {
            return Err(OptionsError::Rfm(format!(
                "RFM takes the recency, frequency and (optional) monetary columns in that order; got {} features",
                f.len()
            ))
            .into());
        }
        let idx = select(t, f)?;
        return Ok([idx.first().copied(), idx.get(1).copied(), idx.get(2).copied()]);
    }
    let r = find_name(&t.feature_names, R_NAMES);
    let f = find_name(&t.feature_names, F_NAMES);
    let m = find_name(&t.feature_names, M_NAMES);
    let (Some(r), Some(f)) = (r, f) else {
        return Err(OptionsError::Rfm(format!(
            "RFM needs recency and frequency columns (e.g. recency_days, orders) — name them with --features recency,frequency,monetary; numeric columns: {}",
            t.feature_names.join(", ")
        ))
        .into());
    };
    if m.is_none() {
        warnings.push(Warning::general("no revenue column: M scores are 0 and segments use R and F only"));
    }
    Ok([Some(r), Some(f), m])
}

/// Like [`select`], but an empty list selects nothing instead of failing.
fn select_or_none(t: &CustomerTable, wanted: &[String]) -> Result<Vec<usize>, Error> {
    if wanted.is_empty() {
        Ok(Vec::new())
    } else {
        select(t, wanted)
    }
}

/// Indices of the wanted features (exact name, else case-insensitive).
fn select(t: &CustomerTable, wanted: &[String]) -> Result<Vec<usize>, Error> {
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

fn flag_sizes(segments: &[SegmentSummary], warnings: &mut Warnings) {
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
fn segment_order(labels: &[u32], k: usize) -> Vec<u32> {
    let mut size = vec![0usize; k];
    let mut first = vec![usize::MAX; k];
    for (i, &l) in labels.iter().enumerate() {
        if let (Some(s), Some(f)) = (size.get_mut(l as usize), first.get_mut(l as usize)) {
            *s += 1;
            *f = (*f).min(i);
        }
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| size[b].cmp(&size[a]).then(first[a].cmp(&first[b])));
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

    fn entry(k: u32, sil: f64, inertia: f64) -> KSearchEntry {
        KSearchEntry { k, silhouette: Some(sil), inertia: Some(inertia), davies_bouldin: None, calinski_harabasz: None }
    }

    #[test]
    fn auto_k_prefers_fewer_segments_on_a_tie_and_the_elbow_among_ties() {
        // clear winner
        assert_eq!(choose_k(&[entry(2, 0.4, 100.0), entry(3, 0.6, 50.0), entry(4, 0.5, 45.0)]), Some(1));
        // 3 and 4 tie on silhouette; no sharp elbow -> the smaller k
        assert_eq!(
            choose_k(&[entry(2, 0.3, 100.0), entry(3, 0.60, 80.0), entry(4, 0.61, 60.0), entry(5, 0.3, 40.0)]),
            Some(1)
        );
        // tie between 3 and 4, but inertia falls sharply into 4 and barely after: the elbow at 4 wins
        assert_eq!(
            choose_k(&[entry(2, 0.3, 100.0), entry(3, 0.60, 90.0), entry(4, 0.61, 20.0), entry(5, 0.3, 18.0)]),
            Some(2)
        );
        assert_eq!(choose_k(&[]), None);
    }

    #[test]
    fn patterns_read_as_words() {
        assert_eq!(describe_pattern("5[4-5]"), "R score 5, F score 4–5");
        assert_eq!(describe_pattern("[1-2][1-2]"), "R score 1–2, F score 1–2");
    }
}
