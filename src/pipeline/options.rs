//! Options of a run. They mirror the CLI flags of DESIGN.md; the JS API
//! passes the same fields in camelCase. Every field has a default.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::prep::Scaling;
use crate::rfm::RfmRule;

/// Options that do not make sense, found before any work is done.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum OptionsError {
    #[error("k must be a whole number >= 1 or \"auto\" (got {0})")]
    BadK(String),
    #[error("{option} = \"{value}\" is not valid: expected {expected}")]
    Invalid { option: &'static str, value: String, expected: &'static str },
    #[error("{0}")]
    Rfm(String),
}

/// What one input row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputKind {
    /// Decide from the columns: a timestamp column and repeating ids make an event log (default).
    #[default]
    Auto,
    /// One row per event or order.
    Events,
    /// One row per customer.
    Table,
}

/// How customers are put into segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// k-means on the scaled features (default).
    #[default]
    Kmeans,
    /// RFM scores and the named R × F segments.
    Rfm,
    /// User-defined rules (`name: condition` per line), first match wins.
    Rules,
    /// Density clusters; sparse customers become the "Outliers" segment.
    Dbscan,
}

impl Method {
    pub fn name(&self) -> &'static str {
        match self {
            Method::Kmeans => "kmeans",
            Method::Rfm => "rfm",
            Method::Rules => "rules",
            Method::Dbscan => "dbscan",
        }
    }
}

/// log1p of skewed features before scaling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogTransform {
    /// Non-negative features with skewness > 1 (default).
    #[default]
    Auto,
    /// Never.
    None,
    /// Every non-negative feature.
    All,
}

/// Number of segments: a fixed number, or `"auto"` to choose by validation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum KChoice {
    Fixed(f64),
    Named(String),
}

/// Hand-written instead of `#[serde(untagged)]`: untagged enums buffer the
/// input through serde's generic `Content` type, which costs ~10 KB of Wasm.
impl<'de> Deserialize<'de> for KChoice {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = KChoice;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number of segments or \"auto\"")
            }
            fn visit_f64<E>(self, v: f64) -> Result<KChoice, E> {
                Ok(KChoice::Fixed(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<KChoice, E> {
                Ok(KChoice::Fixed(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<KChoice, E> {
                Ok(KChoice::Fixed(v as f64))
            }
            fn visit_str<E>(self, v: &str) -> Result<KChoice, E> {
                Ok(KChoice::Named(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl Default for KChoice {
    fn default() -> Self {
        KChoice::Fixed(4.0)
    }
}

impl KChoice {
    /// `Some(k)` for a fixed k, `None` for auto.
    pub fn resolve(&self) -> Result<Option<u32>, OptionsError> {
        match self {
            KChoice::Fixed(v) if v.fract() == 0.0 && *v >= 1.0 && *v <= f64::from(u32::MAX) => Ok(Some(*v as u32)),
            KChoice::Fixed(v) => Err(OptionsError::BadK(v.to_string())),
            KChoice::Named(s) if s == "auto" => Ok(None),
            KChoice::Named(s) => match s.parse::<u32>() {
                Ok(k) if k >= 1 => Ok(Some(k)),
                _ => Err(OptionsError::BadK(format!("\"{s}\""))),
            },
        }
    }
}

/// Everything a run can be told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Options {
    /// `auto` | `events` | `table`. Default `auto`.
    pub input: InputKind,
    /// `kmeans` | `rfm`. Default `kmeans`.
    pub method: Method,
    /// Number of segments or `"auto"` (k-means). Default 4.
    pub k: KChoice,
    /// Features to segment on. Default: every numeric column of a table, or a behavioural set for events.
    pub features: Option<Vec<String>>,
    /// Scaling before clustering. Default `standard`.
    pub scale: Scaling,
    /// log1p of skewed features before scaling. Default `auto`.
    pub log: LogTransform,
    /// Missing feature values: `median`, `mean` or `constant` (`imputeValue`). Default `median`.
    pub impute: crate::prep::Impute,
    /// The value `impute: constant` fills in. Default 0.
    pub impute_value: f64,
    /// Outlier clipping before log1p and scaling: `none`, `iqr` (Tukey's fences) or `percentile`. Default `none`.
    pub clip: crate::prep::Clip,
    /// `clip: percentile` keeps values between this percentile and 100 minus it. Default 1.
    pub clip_percentile: f64,
    /// Seed for every random choice; `null` draws a fresh one (reported). Default 0.
    pub seed: Option<u64>,
    /// k-means restarts. Default 10.
    pub n_init: u32,
    /// k-means iterations per restart. Default 300.
    pub max_iter: u32,
    /// k-means relative tolerance. Default 1e-4.
    pub tol: f64,
    /// Also fit BG/NBD and Gamma-Gamma (event input): `p_alive`, `expected_purchases_90d`,
    /// `expected_aov` and `clv_90d` become features and columns of the RFM table. Default false
    /// (they are also computed whenever `features` or `rules` name them).
    pub clv: bool,
    /// Mini-batch k-means with batches of this many customers (for large inputs; scikit-learn
    /// uses 1024). Default: off (full k-means).
    pub mini_batch: Option<u32>,
    /// Customer id column. Default: detected.
    pub id_column: Option<String>,
    /// Timestamp column of an event log. Default: detected.
    pub time_column: Option<String>,
    /// Event name column. Default: detected.
    pub event_column: Option<String>,
    /// Revenue / amount column. Default: detected.
    pub revenue_column: Option<String>,
    /// Experiment variant (A/B arm) column. Default: detected (`variant`, `ab_group`, `arm`, …).
    pub variant_column: Option<String>,
    /// `dmy` or `mdy` for slash dates the data cannot settle. Default: detected (month-first when ambiguous, with a warning).
    pub date_format: Option<String>,
    /// Reference date for recency. Default: last event + 1 day.
    pub as_of: Option<String>,
    /// Only events this many days before `asOf` count. Default: all.
    pub lookback_days: Option<f64>,
    /// Inactivity gap that ends a session, minutes. Default 30.
    pub session_gap_min: f64,
    /// Event names that are purchases. Default: names like purchase/order/checkout.
    pub purchase_events: Option<Vec<String>>,
    /// RFM score bins: 3, 4 or 5. Default 5.
    pub rfm_bins: u8,
    /// RFM segment map (pattern → name, first match wins). Default: the R × F map.
    pub rfm_map: Option<Vec<RfmRule>>,
    /// DBSCAN radius in the scaled feature space. Default: suggested from the k-distance curve.
    pub eps: Option<f64>,
    /// DBSCAN core-point threshold (the point itself included). Default 5.
    pub min_samples: u32,
    /// Event input: also segment customers as of this earlier date with the same model and
    /// report the flows between segments (`migration` in the Report). Default: none.
    pub compare_to: Option<String>,
    /// Largest input accepted, in MB; bigger files are refused before parsing
    /// instead of exhausting memory (parsing needs about 2–3× the file size). Default 1024.
    pub max_mb: u64,
    /// Rule text for `method: rules` (see `seglens::rules`).
    pub rules: Option<String>,
    /// Cohort period of event logs: `day`, `week` or `month`. Default `month`.
    pub period: crate::cohort::Period,
    /// Event names that count as activity in cohort tables. Default: every event.
    pub cohort_events: Option<Vec<String>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            input: InputKind::Auto,
            method: Method::Kmeans,
            k: KChoice::default(),
            features: None,
            scale: Scaling::Standard,
            log: LogTransform::Auto,
            impute: crate::prep::Impute::Median,
            impute_value: 0.0,
            clip: crate::prep::Clip::None,
            clip_percentile: 1.0,
            seed: Some(0),
            n_init: 10,
            max_iter: 300,
            tol: 1e-4,
            clv: false,
            mini_batch: None,
            id_column: None,
            time_column: None,
            event_column: None,
            revenue_column: None,
            variant_column: None,
            date_format: None,
            as_of: None,
            lookback_days: None,
            session_gap_min: 30.0,
            purchase_events: None,
            rfm_bins: 5,
            rfm_map: None,
            rules: None,
            compare_to: None,
            max_mb: 1024,
            eps: None,
            min_samples: 5,
            period: crate::cohort::Period::Month,
            cohort_events: None,
        }
    }
}

impl Options {
    pub(crate) fn feature_options(&self) -> crate::features::FeatureOptions {
        crate::features::FeatureOptions {
            as_of: self.as_of.clone(),
            lookback_days: self.lookback_days,
            session_gap_min: self.session_gap_min,
            purchase_events: self.purchase_events.clone(),
            clv: self.wants_clv(),
            ..Default::default()
        }
    }

    /// Whether the features or rules ask for the BG/NBD / Gamma-Gamma features.
    fn wants_clv(&self) -> bool {
        let named = |s: &str| crate::clv::CLV_FEATURES.iter().any(|f| s.contains(f));
        self.clv || self.features.iter().flatten().any(|f| named(f)) || self.rules.as_deref().is_some_and(named)
    }

    pub(crate) fn table_options(&self) -> crate::ingest::TableOptions {
        crate::ingest::TableOptions { id_column: self.id_column.clone(), features: None }
    }

    pub fn event_options(&self) -> crate::ingest::events::EventOptions {
        crate::ingest::events::EventOptions {
            roles: crate::ingest::roles::RoleOptions {
                id_column: self.id_column.clone(),
                time_column: self.time_column.clone(),
                event_column: self.event_column.clone(),
                revenue_column: self.revenue_column.clone(),
                variant_column: self.variant_column.clone(),
            },
            date_format: self.date_format.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn options_from_json_with_defaults_and_unknown_fields_rejected() {
        let o: Options = serde_json::from_str(r#"{"method":"rfm","k":"auto","asOf":"2024-01-01"}"#).unwrap();
        assert_eq!(
            (o.method, o.k, o.as_of.as_deref(), o.n_init),
            (Method::Rfm, KChoice::Named("auto".into()), Some("2024-01-01"), 10)
        );
        let e = serde_json::from_str::<Options>(r#"{"kk": 3}"#).unwrap_err().to_string();
        assert!(e.contains("unknown field `kk`"), "{e}");
        let e = serde_json::from_str::<Options>(r#"{"method": "magic"}"#).unwrap_err().to_string();
        assert!(e.contains("expected one of `kmeans`, `rfm`, `rules`, `dbscan`"), "{e}");
    }
}
