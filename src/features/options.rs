use serde::{Deserialize, Serialize};

use crate::ingest::time::{parse_iso, DAY};

/// How behaviour becomes features. Every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FeatureOptions {
    /// Reference instant (`YYYY-MM-DD` or ISO-8601). Default: last event + 1 day.
    pub as_of: Option<String>,
    /// Only events within this many days before `as_of` count. Default: all.
    pub lookback_days: Option<f64>,
    /// Inactivity gap that ends a session, minutes. Default 30 (Google Analytics' and Mixpanel's default).
    pub session_gap_min: f64,
    /// Event names that are purchases. Default: names containing purchase/order/checkout/…,
    /// or every row when there is no event column.
    pub purchase_events: Option<Vec<String>>,
    /// How many of the most frequent events get `count:` and `used:` features. Default 10.
    pub top_events: usize,
    /// Window of the `trend` feature, days. Default 30.
    pub trend_window_days: f64,
    /// Also fit BG/NBD and Gamma-Gamma and add `p_alive`, `expected_purchases_90d`,
    /// `expected_aov` and `clv_90d` (see [`crate::clv`]). Default false: the fit
    /// costs a maximum-likelihood search, so it runs only when these features are asked for.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub clv: bool,
}

impl Default for FeatureOptions {
    fn default() -> Self {
        FeatureOptions {
            as_of: None,
            lookback_days: None,
            session_gap_min: 30.0,
            purchase_events: None,
            top_events: 10,
            trend_window_days: 30.0,
            clv: false,
        }
    }
}

/// Parses `--as-of`: a date means the start of that day (UTC), as pandas'
/// `pd.Timestamp("2024-03-01")` does.
pub fn parse_as_of(s: &str) -> Option<i64> {
    parse_iso(s.trim())
}

/// Whole days between two instants, floored (pandas `Timedelta.days`).
pub fn whole_days(from: i64, to: i64) -> f64 {
    (to - from).div_euclid(DAY) as f64
}
