//! A fitted segmentation as a portable, versioned JSON document, and
//! `predict`: assigning new customers with exactly the same features,
//! preprocessing constants and assignment rule.
//!
//! The format is stable: `{"format": "seglens-model", "version": 1, ...}`.
//! Fields may be added in later versions; a reader refuses versions it does
//! not know rather than guessing.

mod predict;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::features::FeatureOptions;
use crate::pipeline::Method;
use crate::prep::Scaler;
use crate::rfm::RfmRule;

pub use predict::Prediction;

pub const MODEL_FORMAT: &str = "seglens-model";
pub const MODEL_VERSION: u32 = 1;

/// Why a saved model could not be used.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum ModelError {
    #[error("the model is not valid JSON (line {line}, column {column}): {message}")]
    Json { line: u64, column: u64, message: String },
    #[error("this is not a seglens model (format \"{0}\"); save one with `seglens segment --model-out`")]
    WrongFormat(String),
    #[error("model version {0} is newer than this seglens understands (up to {MODEL_VERSION}); upgrade seglens")]
    UnsupportedVersion(u32),
    #[error("the model is inconsistent: {0}")]
    Inconsistent(String),
    #[error("the data has no feature \"{name}\" that the model needs (available: {available})")]
    MissingFeature { name: String, available: String },
}

/// Column roles used when the model was fitted, so new data is read the same way.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelRoles {
    pub id_column: Option<String>,
    pub time_column: Option<String>,
    pub event_column: Option<String>,
    pub revenue_column: Option<String>,
    /// Where the customer id comes from when `id_column` is empty (GA4's `user_pseudo_id`,
    /// Segment's `anonymousId`); absent when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_fallback_column: Option<String>,
    /// Order id column (orders count distinct ids); absent in models written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_column: Option<String>,
    /// How the time column was read (`iso8601`, `epoch seconds`, …), so SQL export converts it the same way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_format: Option<String>,
}

/// A segment the model can assign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSegment {
    pub id: u32,
    pub name: String,
}

/// RFM assignment: per score 1..=bins, the largest training value with that
/// (pre-reversal) quantile score; a new value gets the first score whose edge
/// is >= the value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmModel {
    pub bins: u8,
    pub recency_edges: Vec<f64>,
    pub frequency_edges: Vec<f64>,
    pub monetary_edges: Option<Vec<f64>>,
    pub rules: Vec<RfmRule>,
}

/// Everything needed to assign new customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub format: String,
    pub version: u32,
    /// seglens version that wrote the model.
    pub seglens: String,
    pub method: Method,
    /// `events` or `table`.
    pub input: String,
    pub roles: ModelRoles,
    /// Feature definitions (event input): session gap, purchase events, lookback.
    pub feature_options: FeatureOptions,
    /// Feature names, in the order of every per-feature vector below.
    pub features: Vec<String>,
    /// Value used for a missing feature (the training median).
    pub fill: Vec<f64>,
    /// Outlier bounds (lower, upper) per feature, applied after the fill and before log1p;
    /// absent when the model was fitted without clipping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clip: Option<Vec<(f64, f64)>>,
    /// Whether log1p is applied before scaling.
    pub log1p: Vec<bool>,
    pub scaler: Scaler,
    /// k-means: centres in the scaled space, indexed by segment id.
    pub centroids: Vec<Vec<f64>>,
    pub segments: Vec<ModelSegment>,
    pub rfm: Option<RfmModel>,
    /// Rules method: the parsed rules, tried in order (`segments` maps their names to ids).
    #[serde(default)]
    pub rules: Option<Vec<crate::rules::Rule>>,
    /// DBSCAN: core points (scaled space) with their segment ids, and the radius.
    #[serde(default)]
    pub dbscan: Option<DbscanModelPart>,
}

/// What predict needs from a DBSCAN fit: a new customer joins the segment of
/// the nearest core point within `eps`, or the outliers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbscanModelPart {
    pub eps: f64,
    pub core_points: Vec<Vec<f64>>,
    pub core_segments: Vec<u32>,
    pub outlier_segment: u32,
}

impl Model {
    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> Result<String, crate::Error> {
        let mut s = serde_json::to_string_pretty(self).map_err(|e| crate::Error::Output(e.to_string()))?;
        s.push('\n');
        Ok(s)
    }

    /// Parses and validates a saved model.
    pub fn from_json(text: &str) -> Result<Model, ModelError> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| ModelError::Json {
            line: e.line() as u64,
            column: e.column() as u64,
            message: e.to_string(),
        })?;
        let format = value.get("format").and_then(|f| f.as_str()).unwrap_or("").to_string();
        if format != MODEL_FORMAT {
            return Err(ModelError::WrongFormat(format));
        }
        let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
        if version > u64::from(MODEL_VERSION) || version == 0 {
            return Err(ModelError::UnsupportedVersion(version.min(u64::from(u32::MAX)) as u32));
        }
        let model: Model = serde_json::from_value(value).map_err(|e| ModelError::Json {
            line: 0,
            column: 0,
            message: e.to_string(),
        })?;
        model.check()?;
        Ok(model)
    }

    /// Lengths and values agree with each other (a hand-edited model must not crash predict).
    fn check(&self) -> Result<(), ModelError> {
        let d = self.features.len();
        let bad = |what: &str| Err(ModelError::Inconsistent(what.to_string()));
        if d == 0 {
            return bad("no features");
        }
        if self.fill.len() != d
            || self.log1p.len() != d
            || self.scaler.center.len() != d
            || self.scaler.scale.len() != d
        {
            return bad("per-feature vectors (fill, log1p, scaler) must have one value per feature");
        }
        if self
            .clip
            .as_ref()
            .is_some_and(|c| c.len() != d || c.iter().any(|(lo, hi)| !lo.is_finite() || !hi.is_finite() || lo > hi))
        {
            return bad("clip bounds: one (lower, upper) pair per feature, lower <= upper");
        }
        if self.fill.iter().chain(&self.scaler.center).chain(&self.scaler.scale).any(|v| !v.is_finite())
            || self.scaler.scale.contains(&0.0)
        {
            return bad("fill and scaler values must be finite, scales non-zero");
        }
        match self.method {
            Method::Kmeans => {
                if self.centroids.is_empty()
                    || self.centroids.iter().any(|c| c.len() != d || c.iter().any(|v| !v.is_finite()))
                {
                    return bad("k-means centroids must be non-empty, finite, one value per feature");
                }
                if self.segments.len() != self.centroids.len() {
                    return bad("one segment per centroid");
                }
            }
            Method::Dbscan => {
                let Some(p) = &self.dbscan else { return bad("a DBSCAN model needs its dbscan section") };
                if !(p.eps.is_finite() && p.eps > 0.0)
                    || p.core_points.len() != p.core_segments.len()
                    || p.core_points.iter().any(|c| c.len() != d || c.iter().any(|v| !v.is_finite()))
                    || p.core_segments.iter().chain([&p.outlier_segment]).any(|&s| s as usize >= self.segments.len())
                {
                    return bad(
                        "DBSCAN core points must be finite rows of one value per feature, with valid segment ids",
                    );
                }
            }
            Method::Rules => {
                if self.rules.as_ref().is_none_or(|r| r.is_empty()) {
                    return bad("a rules model needs its rules");
                }
            }
            Method::Rfm => {
                let Some(r) = &self.rfm else { return bad("an RFM model needs its rfm section") };
                let n = r.bins as usize;
                if !(3..=5).contains(&r.bins) || r.recency_edges.len() != n || r.frequency_edges.len() != n {
                    return bad("RFM edges: one per score, 3 to 5 scores");
                }
                crate::rfm::RfmMap::parse(&r.rules).map_err(ModelError::Inconsistent)?;
            }
        }
        if self.segments.iter().enumerate().any(|(i, s)| s.id as usize != i) {
            return bad("segment ids must be 0, 1, 2, … in order");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{segment_bytes, KChoice, Options};

    fn model() -> Model {
        let csv = include_bytes!("../../tests/fixtures/shop_400.csv");
        let (_, seg) = segment_bytes(csv, &Options { k: KChoice::Fixed(3.0), ..Options::default() }).unwrap();
        seg.model
    }

    #[test]
    fn round_trips_through_json() {
        let m = model();
        let back = Model::from_json(&m.to_json().unwrap()).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn models_written_before_order_and_time_format_were_recorded_still_load() {
        let m = model();
        assert_eq!(m.roles.time_format, None, "a per-customer table has no time column");
        let mut v: serde_json::Value = serde_json::from_str(&m.to_json().unwrap()).unwrap();
        v["roles"] = serde_json::json!({"id_column": "customer_id", "time_column": null, "event_column": null, "revenue_column": null});
        let back = Model::from_json(&v.to_string()).unwrap();
        assert_eq!(back.roles.order_column, None);
        assert_eq!(back.roles.id_column.as_deref(), Some("customer_id"));
    }

    #[test]
    fn bad_models_are_refused_with_reasons() {
        let json = model().to_json().unwrap();
        assert!(matches!(Model::from_json("{"), Err(ModelError::Json { .. })));
        assert!(matches!(Model::from_json(r#"{"format":"x"}"#), Err(ModelError::WrongFormat(_))));
        let v9 = json.replacen("\"version\": 1", "\"version\": 9", 1);
        assert_eq!(Model::from_json(&v9), Err(ModelError::UnsupportedVersion(9)));
        let mut m = model();
        m.fill.pop();
        assert!(matches!(Model::from_json(&m.to_json().unwrap()), Err(ModelError::Inconsistent(_))));
        let mut m = model();
        m.scaler.scale[0] = 0.0;
        assert!(matches!(Model::from_json(&m.to_json().unwrap()), Err(ModelError::Inconsistent(_))));
    }
}
