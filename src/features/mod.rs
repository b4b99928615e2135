//! From "what customers did" to one row per customer.
//!
//! Every feature is computed relative to an `as_of` instant (default: the
//! last event + 1 day, the usual "snapshot date" of RFM analyses) from the
//! events at or before it. Names are stable; see [`FEATURES`].

mod compute;
mod options;

pub use compute::{customer_features, CustomerFeatures};
pub use options::{parse_as_of, FeatureOptions};

/// Every built-in feature with what it means. Per-event features are added
/// as `count:<event>` and `used:<event>` for the most frequent events.
pub const FEATURES: &[(&str, &str)] = &[
    ("recency_days", "whole days from the last purchase to as_of (from first seen, for customers who never purchased)"),
    ("days_since_active", "whole days from the last event of any kind to as_of"),
    ("tenure_days", "whole days from the first event to as_of"),
    ("orders", "purchases: distinct order ids if there is an order column, else purchase rows"),
    ("monetary", "revenue of purchases minus refunds"),
    ("aov", "average order value: purchase revenue / orders (0 without orders)"),
    ("refunds", "refund rows (negative revenue or a refund-like event name)"),
    ("events", "rows of any kind"),
    ("active_days", "distinct UTC calendar days with any event"),
    ("distinct_events", "how many different event names the customer used"),
    ("sessions", "runs of events with gaps below the session gap (default 30 minutes)"),
    ("time_in_app_min", "sum of session lengths (first to last event of a session), minutes"),
    ("avg_session_min", "time_in_app_min / sessions"),
    ("events_per_session", "events / sessions"),
    ("inter_purchase_days", "mean days between consecutive purchases (missing with fewer than two)"),
    ("trend", "(events in the last window − events in the window before) / their sum, in [−1, 1]; 0 when both are 0"),
    ("p_alive", "BG/NBD probability the customer is still active (only when asked for; see crate::clv)"),
    ("expected_purchases_90d", "BG/NBD expected purchases in the next 90 days (only when asked for)"),
    ("expected_aov", "Gamma-Gamma expected order value (only when asked for, needs revenue)"),
    ("clv_90d", "expected_purchases_90d × expected_aov, undiscounted (only when asked for, needs revenue)"),
];

/// Event names that count as a purchase when the user names none
/// (compared case-insensitively, as substrings).
pub const PURCHASE_WORDS: &[&str] = &["purchase", "order", "checkout", "transaction", "payment", "buy", "subscribe"];
/// Event names that count as a refund.
pub const REFUND_WORDS: &[&str] = &["refund", "return", "chargeback", "cancel"];
