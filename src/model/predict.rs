//! Assigning new customers with a saved model.

use ndarray::Axis;

use super::{Model, ModelError};
use crate::cluster::kmeans::nearest;
use crate::pipeline::{InputKind, Method, Options, Segmenter};
use crate::rfm::{to_grid5, RfmMap};
use crate::Error;

/// Segment of each customer of the new data.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub ids: Vec<String>,
    pub labels: Vec<u32>,
    pub names: Vec<String>,
    /// Customers per segment id.
    pub sizes: Vec<u64>,
    pub rows_read: u64,
    pub rows_skipped: u64,
}

impl Prediction {
    /// The labels CSV (`id,segment,name`), as `segment` writes it.
    pub fn labels_csv(&self) -> Result<String, Error> {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
        let out = |e: csv::Error| Error::Output(e.to_string());
        w.write_record(["id", "segment", "name"]).map_err(out)?;
        for (id, &l) in self.ids.iter().zip(&self.labels) {
            let name = self.names.get(l as usize).map_or("", String::as_str);
            w.write_record([id.as_str(), &l.to_string(), name]).map_err(out)?;
        }
        let bytes = w.into_inner().map_err(|e| Error::Output(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| Error::Output(e.to_string()))
    }
}

/// Score of `v` against per-score upper edges (1-based; past the last edge → last score).
fn score(edges: &[f64], v: f64) -> u8 {
    edges.iter().position(|&e| v <= e).map_or(edges.len(), |i| i + 1) as u8
}

impl Model {
    /// Assigns every customer of `bytes`. `as_of` (event input) defaults to
    /// the new data's last event + 1 day, as when fitting.
    pub fn predict(&self, bytes: &[u8], as_of: Option<String>) -> Result<Prediction, Error> {
        let opts = Options {
            input: if self.input == "events" { InputKind::Events } else { InputKind::Table },
            method: Method::Rfm,
            id_column: self.roles.id_column.clone(),
            time_column: self.roles.time_column.clone(),
            event_column: self.roles.event_column.clone(),
            revenue_column: self.roles.revenue_column.clone(),
            as_of,
            lookback_days: self.feature_options.lookback_days,
            session_gap_min: self.feature_options.session_gap_min,
            purchase_events: self.feature_options.purchase_events.clone(),
            ..Options::default()
        };
        let data = Segmenter::load(bytes, &opts)?;
        self.predict_loaded(&data, opts.as_of.clone())
    }

    /// Assigns every customer of already loaded data (features computed as of `as_of`).
    pub fn predict_loaded(&self, data: &Segmenter, as_of: Option<String>) -> Result<Prediction, Error> {
        let opts = Options {
            as_of,
            // CLV features (p_alive, …) are computed only when asked for.
            features: Some(self.features.clone()),
            lookback_days: self.feature_options.lookback_days,
            session_gap_min: self.feature_options.session_gap_min,
            purchase_events: self.feature_options.purchase_events.clone(),
            ..Options::default()
        };
        let table = data.features_table(&opts)?;
        let cols: Vec<usize> = self
            .features
            .iter()
            .map(|f| {
                table.feature_names.iter().position(|n| n == f).ok_or_else(|| ModelError::MissingFeature {
                    name: f.clone(),
                    available: table.feature_names.join(", "),
                })
            })
            .collect::<Result<_, _>>()?;
        let mut x = table.values.select(Axis(1), &cols);
        for (j, mut col) in x.axis_iter_mut(Axis(1)).enumerate() {
            let fill = self.fill[j];
            col.iter_mut().filter(|v| v.is_nan()).for_each(|v| *v = fill);
        }
        let raw = x.clone();
        if let Some(bounds) = &self.clip {
            crate::prep::clip(&mut x, bounds);
        }
        for (j, mut col) in x.axis_iter_mut(Axis(1)).enumerate() {
            if self.log1p[j] {
                col.mapv_inplace(|v| if v >= 0.0 { libm::log1p(v) } else { 0.0 });
            }
        }
        let x = self.scaler.transform(&x);
        let labels: Vec<u32> = match (&self.method, &self.rfm) {
            (Method::Dbscan, _) => {
                let Some(p) = &self.dbscan else {
                    return Err(ModelError::Inconsistent("no dbscan section".into()).into());
                };
                let d = self.features.len();
                let flat: Vec<f64> = p.core_points.iter().flatten().copied().collect();
                let tree = crate::cluster::dbscan::KdTree::new(&flat, d);
                let mut near = Vec::new();
                x.rows()
                    .into_iter()
                    .map(|r| {
                        let q = r.to_vec();
                        tree.within(&q, p.eps, &mut near);
                        let best = near.iter().copied().min_by(|&a, &b| {
                            let da = crate::cluster::kmeans::sq_dist(&q, &flat[a * d..(a + 1) * d]);
                            let db = crate::cluster::kmeans::sq_dist(&q, &flat[b * d..(b + 1) * d]);
                            da.total_cmp(&db).then(a.cmp(&b))
                        });
                        best.and_then(|i| p.core_segments.get(i).copied()).unwrap_or(p.outlier_segment)
                    })
                    .collect()
            }
            (Method::Rules, _) => {
                let rules = self.rules.as_deref().unwrap_or(&[]);
                let all = &table.feature_names;
                (0..table.ids.len())
                    .map(|i| {
                        let value =
                            |f: &str| all.iter().position(|n| n == f).map_or(f64::NAN, |j| table.values[[i, j]]);
                        let name = crate::rules::assign(rules, &value)
                            .and_then(|r| rules.get(r))
                            .map_or("Other", |r| r.name.as_str());
                        self.segments.iter().position(|s| s.name == name).unwrap_or(0) as u32
                    })
                    .collect()
            }
            (Method::Rfm, Some(r)) => {
                let map = RfmMap::parse(&r.rules).map_err(ModelError::Inconsistent)?;
                let mut names = map.names();
                names.push("Other".into());
                let bins = r.bins;
                raw.rows()
                    .into_iter()
                    .map(|row| {
                        let rs = bins + 1 - score(&r.recency_edges, row[0]);
                        let fs = score(&r.frequency_edges, row[1]);
                        let ms = match (&r.monetary_edges, row.get(2)) {
                            (Some(e), Some(&v)) => score(e, v),
                            _ => 0,
                        };
                        let rule = map.assign(to_grid5(rs, bins), to_grid5(fs, bins), to_grid5(ms, bins));
                        let name = names.get(rule.unwrap_or(names.len() - 1)).cloned().unwrap_or_default();
                        self.segments.iter().position(|s| s.name == name).unwrap_or(0) as u32
                    })
                    .collect()
            }
            _ => {
                let d = self.features.len();
                let flat: Vec<f64> = self.centroids.iter().flatten().copied().collect();
                x.rows().into_iter().map(|r| nearest(&r.to_vec(), &flat, d).0 as u32).collect()
            }
        };
        let mut sizes = vec![0u64; self.segments.len()];
        for &l in &labels {
            if let Some(s) = sizes.get_mut(l as usize) {
                *s += 1;
            }
        }
        Ok(Prediction {
            ids: table.ids.clone(),
            labels,
            names: self.segments.iter().map(|s| s.name.clone()).collect(),
            sizes,
            rows_read: table.rows_read,
            rows_skipped: table.rows_skipped,
        })
    }
}
