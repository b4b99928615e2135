//! The aggregation itself: events grouped by customer (counting sort, input
//! order kept), each customer's events sorted by time, one pass per customer.

use ndarray::Array2;

use super::options::whole_days;
use super::{FeatureOptions, PURCHASE_WORDS, REFUND_WORDS};
use crate::ingest::events::EventLog;
use crate::ingest::time::{format_date, DAY};
use crate::ingest::CustomerTable;
use crate::pipeline::OptionsError;
use crate::report::{Warning, Warnings};
use crate::tiers::in_calls;

/// Per-customer features plus what they were computed against.
#[derive(Debug, Clone)]
pub struct CustomerFeatures {
    /// One row per customer (first-appearance order), one column per feature.
    pub table: CustomerTable,
    /// The reference instant, UTC seconds.
    pub as_of: i64,
    /// The features segmentation uses when the user names none.
    pub default_features: Vec<String>,
    /// Per customer: index into the log's `ids` (customers first seen after `as_of` are left out).
    pub customer_index: Vec<u32>,
    /// Per customer: total purchase revenue (for revenue shares).
    pub revenue: Vec<f64>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Other,
    Purchase,
    Refund,
}

/// ASCII case-insensitive substring test (the words are ASCII; Unicode case tables would add
/// ~15 KB to the Wasm for no match they could change).
fn contains_any(name: &str, words: &[&str]) -> bool {
    let n = name.to_ascii_lowercase();
    words.iter().any(|w| n.contains(w))
}

/// Purchase / refund / other for each event name. Rows of non-purchase
/// events can still be purchases by their revenue (see `row_kind`).
fn classify(log: &EventLog, opts: &FeatureOptions) -> Vec<Kind> {
    let named = |n: &str| match &opts.purchase_events {
        Some(list) => list.iter().any(|p| p.eq_ignore_ascii_case(n)),
        None => contains_any(n, PURCHASE_WORDS),
    };
    log.event_names
        .iter()
        .map(|n| {
            if contains_any(n, REFUND_WORDS) {
                Kind::Refund
            } else if named(n) {
                Kind::Purchase
            } else {
                Kind::Other
            }
        })
        .collect()
}

/// One customer's totals over its window, added up row by row: a local value, so the optimiser
/// keeps them in registers through the loop (fields behind a reference were loaded and stored
/// on every row).
#[derive(Clone, Copy, Default)]
struct Totals {
    purchase_rows: f64,
    gross: f64,
    net: f64,
    refunds: f64,
    events: f64,
    /// Distinct days with an event, counted as the (time-ordered) rows move to a new day.
    active_days: f64,
    sessions: f64,
    session_secs: f64,
    recent: f64,
    previous: f64,
    /// Distinct instants with a purchase, counted likewise, and the first and last of them.
    purchase_instants: f64,
    first_purchase: i64,
    last_purchase: i64,
}

/// Batches of customers in [`customer_features`] hold about 1/`BATCHES` of the rows (at least
/// `MIN_BATCH_ROWS`): the copy then takes about 6 bytes per row of the log (a quarter of the rows,
/// 24 bytes each), for `BATCHES` sequential passes over the log. Each pass reads the whole
/// customer column: at 5M events, features took 0.37 s natively in 8 batches and 0.32 s in 4,
/// for a batch buffer 20 MB larger (with 32-byte rows). Batches of 2^20 rows instead of 2^19
/// (one batch at 1M events, not two) were no faster in Node: min 38.5 against 39.7 ms.
const BATCHES: usize = 4;
const MIN_BATCH_ROWS: usize = 1 << 19;

/// One row of a batch of customers: what the per-customer pass reads. 24 bytes: the row's kind
/// (purchase, refund, other) is worked out again where it is read rather than copied with it
/// (a fourth more bytes to move; features of 1M events, min 47.2 against 42.6 ms in Node,
/// alternating builds).
#[derive(Clone, Copy, Default)]
struct Row {
    time: i64,
    revenue: f64,
    /// 0 when the log has no event column (`has_events` guards its use); likewise `order`.
    event: u32,
    order: u32,
}

/// Copies the rows of `customers` out of the log, grouped by customer (each
/// customer's rows in input order). A customer's rows are scattered across a
/// log in time order; reading them where they lie would be a cache miss per
/// column per row. Copying them batch by batch (one sequential pass over the
/// log each, writes scattered within the batch) makes the per-customer pass
/// read memory in order, and bounds the copy at a batch of rows however
/// long the log.
fn gather(out: &mut Vec<Row>, log: &EventLog, start: &[usize], customers: std::ops::Range<usize>) {
    let base = start.get(customers.start).copied().unwrap_or(0);
    let len = start.get(customers.end).copied().unwrap_or(base) - base;
    out.clear();
    // Exactly the batch (the caller sized the buffer for a full batch): `resize` alone would
    // double the capacity past it.
    out.reserve_exact(len);
    out.resize(len, Row::default());
    let mut fill: Vec<usize> = start.get(customers.clone()).unwrap_or_default().iter().map(|s| s - base).collect();
    for (i, &c) in log.customer.iter().enumerate() {
        // One comparison for "in this batch": customers before it wrap round to large numbers.
        let Some(slot) = fill.get_mut((c as usize).wrapping_sub(customers.start)) else { continue };
        if let Some(r) = out.get_mut(*slot) {
            *r = Row {
                time: log.time.get(i).copied().unwrap_or(0),
                revenue: log.revenue.get(i).copied().unwrap_or(0.0),
                event: log.event.get(i).copied().unwrap_or(0),
                order: log.order.get(i).copied().unwrap_or(0),
            };
        }
        *slot += 1;
    }
}

/// Computes every feature for every customer of `log`.
///
/// ```
/// use seglens::features::{customer_features, FeatureOptions};
/// use seglens::ingest::events::{read_event_log, EventOptions};
/// let log = read_event_log(b"customer,date,amount\na,2024-01-01,10\nb,2024-01-02,5\na,2024-01-05,20\n", &EventOptions::default()).unwrap();
/// let f = customer_features(&log, &FeatureOptions::default()).unwrap();
/// let col = |name: &str| f.table.feature_names.iter().position(|n| n == name).unwrap();
/// assert_eq!(f.table.values[[0, col("orders")]], 2.0);
/// assert_eq!(f.table.values[[0, col("monetary")]], 30.0);
/// assert_eq!(f.table.values[[1, col("recency_days")]], 4.0); // as_of = 2024-01-06
/// ```
pub fn customer_features(log: &EventLog, opts: &FeatureOptions) -> Result<CustomerFeatures, OptionsError> {
    features_in_batches(log, opts, (log.len() / BATCHES).max(MIN_BATCH_ROWS))
}

/// [`customer_features`] with customers' rows copied `batch_rows` at a time
/// (the result does not depend on it).
fn features_in_batches(
    log: &EventLog,
    opts: &FeatureOptions,
    batch_rows: usize,
) -> Result<CustomerFeatures, OptionsError> {
    let n = log.len();
    let last_event = log.time.iter().copied().max().unwrap_or(0);
    let as_of = match &opts.as_of {
        Some(s) => super::parse_as_of(s).ok_or_else(|| OptionsError::Invalid {
            option: "as_of",
            value: s.clone(),
            expected: "a date like 2024-03-01 or an ISO-8601 timestamp",
        })?,
        None => last_event + DAY,
    };
    if !(opts.session_gap_min.is_finite() && opts.session_gap_min > 0.0) {
        return Err(OptionsError::Invalid {
            option: "session_gap_min",
            value: opts.session_gap_min.to_string(),
            expected: "a number of minutes > 0",
        });
    }
    let window_start = match opts.lookback_days {
        Some(d) if d.is_finite() && d > 0.0 => as_of - (d * DAY as f64) as i64,
        Some(d) => {
            return Err(OptionsError::Invalid {
                option: "lookback_days",
                value: d.to_string(),
                expected: "a number of days > 0",
            })
        }
        None => i64::MIN,
    };
    let gap = (opts.session_gap_min * 60.0) as i64;
    let trend_w = (opts.trend_window_days.max(1.0) * DAY as f64) as i64;
    let kinds = classify(log, opts);
    let any_named_purchase = kinds.contains(&Kind::Purchase);
    let has_events = !log.event.is_empty();
    let has_revenue = !log.revenue.is_empty();
    let date_only = log.time.iter().all(|t| t.rem_euclid(DAY) == 0);
    // Non-purchase events with revenue count as purchases when no event is named as one.
    let promote = has_events && !any_named_purchase && opts.purchase_events.is_none();
    let row_kind = |&Row { event, revenue: rev, .. }: &Row| -> Kind {
        let k = if has_events { kinds.get(event as usize).copied().unwrap_or(Kind::Other) } else { Kind::Purchase };
        match k {
            Kind::Refund => Kind::Refund,
            _ if rev < 0.0 => Kind::Refund,
            Kind::Purchase => Kind::Purchase,
            Kind::Other if promote && rev > 0.0 => Kind::Purchase,
            Kind::Other => Kind::Other,
        }
    };

    // Rows per customer: customer c's rows are rows start[c]..start[c + 1] of the grouped order.
    let n_cust = log.ids.len();
    let mut start = vec![0usize; n_cust + 1];
    for &c in &log.customer {
        start[c as usize + 1] += 1;
    }
    for i in 0..n_cust {
        start[i + 1] += start[i];
    }

    // Top events by total count, ties by first appearance.
    let mut event_totals = vec![0u64; log.event_names.len()];
    for &e in &log.event {
        event_totals[e as usize] += 1;
    }
    let mut top: Vec<usize> = (0..event_totals.len()).collect();
    crate::sorting::sort_indices(&mut top, &|a, b| event_totals[b].cmp(&event_totals[a]).then(a.cmp(&b)));
    top.truncate(opts.top_events);

    let mut names: Vec<String> =
        ["recency_days", "days_since_active", "tenure_days", "orders"].map(String::from).to_vec();
    if has_revenue {
        names.extend(["monetary", "aov"].map(String::from));
    }
    // Some row is a refund (`row_kind`): a row of a refund event, or one with negative revenue.
    let any_refund = log.revenue.iter().any(|&r| r < 0.0)
        || event_totals.iter().zip(&kinds).any(|(&count, &k)| count > 0 && k == Kind::Refund);
    if any_refund {
        names.push("refunds".into());
    }
    names.extend(["events", "active_days"].map(String::from));
    if has_events {
        names.push("distinct_events".into());
    }
    if !date_only {
        names.extend(["sessions", "time_in_app_min", "avg_session_min", "events_per_session"].map(String::from));
    }
    names.extend(["inter_purchase_days", "trend"].map(String::from));
    let fixed = names.len();
    let clv_at = names.len() + if has_events { 2 * top.len() } else { 0 };
    if has_events {
        for &e in &top {
            names.push(format!("count:{}", log.event_names[e]));
        }
        for &e in &top {
            names.push(format!("used:{}", log.event_names[e]));
        }
    }
    if opts.clv {
        let n = if has_revenue { 4 } else { 2 };
        names.extend(crate::clv::CLV_FEATURES[..n].iter().map(|s| s.to_string()));
    }
    let mut summaries = Vec::new();
    let mut purchases: Vec<(i64, f64)> = Vec::new();

    let mut flat = Vec::with_capacity(n_cust * names.len());
    let mut ids = Vec::with_capacity(n_cust);
    let mut customer_index = Vec::with_capacity(n_cust);
    let mut revenue = Vec::with_capacity(n_cust);
    let mut warnings = log.warnings.clone();
    let (mut after, mut unborn) = (0u64, 0u64);
    let mut by_time: Vec<usize> = Vec::new();
    let mut event_counts = vec![0u32; log.event_names.len()];
    // The events the current customer used (each once), in the order first used.
    let mut used: Vec<u32> = Vec::new();
    let mut batch: Vec<Row> = Vec::with_capacity(batch_rows.min(n));
    // The current customer's order ids (sorted and deduplicated once its rows are read).
    let mut orders: Vec<u32> = Vec::new();
    // The next customers whose rows fit a batch (at least one customer each).
    let batches = std::iter::successors(Some(0..0), |prev: &std::ops::Range<usize>| {
        let c0 = prev.end;
        let mut next = c0 + 1;
        while next < n_cust && start[next + 1] - start[c0] <= batch_rows {
            next += 1;
        }
        (c0 < n_cust).then_some(c0..next)
    })
    .skip(1);
    let (recent_from, previous_from) = (as_of.saturating_sub(trend_w), as_of.saturating_sub(trend_w.saturating_mul(2)));
    // A customer's rows in time order, when its rows in the log are not.
    let mut sorted: Vec<Row> = Vec::new();
    // A call per batch (crate::tiers: V8 runs the later batches on optimised code).
    in_calls(batches, &mut |customers| {
        gather(&mut batch, log, &start, customers.clone());
        let base = start[customers.start];
        for c in customers {
            let Some(rows) = batch.get_mut(start[c] - base..start[c + 1] - base) else { continue };
            // Logs are usually in time order already: check before sorting.
            if !rows.is_sorted_by_key(|r| r.time) {
                by_time.clear();
                by_time.extend(0..rows.len());
                let time = |j: usize| rows.get(j).map_or(0, |r| r.time);
                crate::sorting::sort_indices(&mut by_time, &|a, b| time(a).cmp(&time(b)));
                sorted.clear();
                sorted.extend(by_time.iter().filter_map(|&j| rows.get(j)));
                for (to, from) in rows.iter_mut().zip(&sorted) {
                    *to = *from;
                }
            }
            let rows = &*rows;
            // In time order, the rows after `as_of` end the list and those up to the lookback's
            // start begin it. Usually there are none of either: the ends say so without a search.
            let kept = match rows.last() {
                Some(r) if r.time > as_of => rows.partition_point(|r| r.time <= as_of),
                _ => rows.len(),
            };
            after += (rows.len() - kept) as u64;
            let rows = rows.get(..kept).unwrap_or_default();
            let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
                unborn += 1;
                continue;
            };
            // Zero the previous customer's counts: only the events it used, so a log with
            // thousands of event names does not cost thousands of steps per customer.
            for e in used.drain(..) {
                if let Some(v) = event_counts.get_mut(e as usize) {
                    *v = 0;
                }
            }
            orders.clear();
            let cut = match rows.first() {
                Some(r) if r.time <= window_start => rows.partition_point(|r| r.time <= window_start),
                _ => 0,
            };
            let (before, window) = rows.split_at_checked(cut).unwrap_or((&[], rows));
            purchases.clear();
            // The first row of the window starts a session (and a day) of its own.
            let (mut session_start, mut prev) = window.first().map_or((0, 0), |r| (r.time, r.time));
            let mut s = Totals { sessions: if window.is_empty() { 0.0 } else { 1.0 }, ..Totals::default() };
            // The start of the next day after the current row's: rows in time order move to a new
            // day when they reach it.
            let mut next_day = i64::MIN;
            for row in window {
                let Row { time: t, revenue: rev, event, order } = *row;
                match row_kind(row) {
                    Kind::Purchase => {
                        if opts.clv {
                            purchases.push((t.div_euclid(DAY), rev));
                        }
                        if s.purchase_instants == 0.0 {
                            s.first_purchase = t;
                        }
                        if s.purchase_instants == 0.0 || t != s.last_purchase {
                            s.purchase_instants += 1.0;
                            s.last_purchase = t;
                        }
                        s.purchase_rows += 1.0;
                        if !log.order.is_empty() {
                            orders.push(order);
                        }
                        s.gross += rev;
                        s.net += rev;
                    }
                    Kind::Refund => {
                        s.refunds += 1.0;
                        s.net -= rev.abs();
                    }
                    Kind::Other => {}
                }
                s.events += 1.0;
                if t >= next_day {
                    s.active_days += 1.0;
                    next_day = t.div_euclid(DAY).saturating_add(1).saturating_mul(DAY);
                }
                if has_events {
                    if let Some(v) = event_counts.get_mut(event as usize) {
                        if *v == 0 {
                            used.push(event);
                        }
                        *v += 1;
                    }
                }
                if t > recent_from {
                    s.recent += 1.0;
                } else if t > previous_from {
                    s.previous += 1.0;
                }
                if t - prev > gap {
                    s.session_secs += (prev - session_start) as f64;
                    s.sessions += 1.0;
                    session_start = t;
                }
                prev = t;
            }
            s.session_secs += (prev - session_start) as f64;
            let n_orders = if log.order.is_empty() {
                s.purchase_rows
            } else {
                orders.sort_unstable();
                orders.dedup();
                orders.len() as f64
            };
            let row_start = flat.len();
            // The last purchase is the window's last, or else one before the window (recency counts
            // every row up to as_of): the rows before it are looked at only then.
            let last_purchase = if s.purchase_instants > 0.0 {
                Some(s.last_purchase)
            } else {
                before.iter().rev().find(|r| row_kind(r) == Kind::Purchase).map(|r| r.time)
            };
            flat.push(whole_days(last_purchase.unwrap_or(first.time), as_of));
            flat.push(whole_days(last.time, as_of));
            flat.push(whole_days(first.time, as_of));
            flat.push(n_orders);
            if has_revenue {
                flat.push(s.net);
                flat.push(if n_orders > 0.0 { s.gross / n_orders } else { 0.0 });
            }
            if any_refund {
                flat.push(s.refunds);
            }
            flat.push(s.events);
            flat.push(s.active_days);
            if has_events {
                flat.push(used.len() as f64);
            }
            if !date_only {
                let minutes = s.session_secs / 60.0;
                flat.push(s.sessions);
                flat.push(minutes);
                flat.push(if s.sessions > 0.0 { minutes / s.sessions } else { 0.0 });
                flat.push(if s.sessions > 0.0 { s.events / s.sessions } else { 0.0 });
            }
            flat.push(if s.purchase_instants >= 2.0 {
                (s.last_purchase - s.first_purchase) as f64 / DAY as f64 / (s.purchase_instants - 1.0)
            } else {
                f64::NAN
            });
            let total = s.recent + s.previous;
            flat.push(if total > 0.0 { (s.recent - s.previous) / total } else { 0.0 });
            debug_assert_eq!(flat.len() - row_start, fixed);
            if has_events {
                for &e in &top {
                    flat.push(f64::from(event_counts[e]));
                }
                for &e in &top {
                    flat.push(f64::from(event_counts[e] > 0));
                }
            }
            if opts.clv {
                flat.extend(std::iter::repeat_n(f64::NAN, names.len() - clv_at));
                summaries.push(crate::clv::summarise(&purchases, as_of.div_euclid(DAY)));
            }
            ids.push(log.ids[c].clone());
            customer_index.push(c as u32);
            revenue.push(s.gross);
        }
    });
    if after > 0 {
        warnings
            .push(Warning::general(format!("{after} events after as_of ({}) were not counted", format_date(as_of))));
    }
    if unborn > 0 {
        warnings.push(Warning::general(format!(
            "{unborn} customers first seen after as_of ({}) are left out",
            format_date(as_of)
        )));
    }
    let width = names.len();
    if opts.clv {
        let cols = crate::clv::clv_columns(&summaries, has_revenue).map_err(|needs| OptionsError::Invalid {
            option: "features",
            value: crate::clv::CLV_FEATURES.join(", "),
            expected: needs,
        })?;
        for (i, row) in flat.chunks_exact_mut(width).enumerate() {
            for (j, col) in cols.iter().take(width - clv_at).enumerate() {
                row[clv_at + j] = col.get(i).copied().unwrap_or(f64::NAN);
            }
        }
    }
    let values = Array2::from_shape_vec((ids.len(), width), flat).unwrap_or_else(|_| Array2::zeros((0, width)));
    // Recency of purchase and of any activity, frequency, value, tenure and breadth of use:
    // on the persona log (scripts/gen-events.mjs) this set recovers the personas (tests/personas.rs).
    let mut default_features: Vec<String> = ["recency_days", "days_since_active", "orders"].map(String::from).to_vec();
    if has_revenue {
        default_features.push("monetary".into());
    }
    default_features.extend(["tenure_days", "active_days"].map(String::from));
    if has_events {
        default_features.push("distinct_events".into());
    }
    let table = CustomerTable {
        ids,
        id_column: None,
        feature_names: names,
        values,
        rows_read: log.rows_read,
        rows_skipped: log.rows_skipped,
        ignored_columns: Vec::new(),
        column_types: Vec::new(),
        format: log.format.clone(),
        warnings: std::mem::take(&mut warnings as &mut Warnings),
    };
    Ok(CustomerFeatures { table, as_of, default_features, customer_index, revenue })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A log of `(customer, time, event)` rows, its customers named `c0`, `c1`, … up to the largest.
    fn log_of(rows: &[(u32, i64, u32)], event_names: Vec<String>) -> EventLog {
        let n_cust = rows.iter().map(|r| r.0).max().map_or(0, |c| c as usize + 1);
        EventLog {
            ids: (0..n_cust).map(|c| format!("c{c}")).collect(),
            customer: rows.iter().map(|r| r.0).collect(),
            time: rows.iter().map(|r| r.1).collect(),
            event: rows.iter().map(|r| r.2).collect(),
            event_names,
            ..EventLog::default()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Copying customers' rows in small batches gives exactly the features of one batch:
        /// logs out of time order, refunds, order ids, events after `as_of`.
        #[test]
        fn batches_do_not_change_the_features(
            rows in prop::collection::vec((0u32..9, 0i64..40, 0u32..4, -50i32..200, 0u32..6), 1..300),
            as_of_day in prop::option::of(5i64..45),
            batch in 1usize..40,
            clv in prop::sample::select(vec![false, false, false, true]),
        ) {
            let events: Vec<_> = rows.iter().map(|r| (r.0, r.1 * 5_000, r.2)).collect();
            let log = EventLog {
                revenue: rows.iter().map(|r| f64::from(r.3) / 4.0).collect(),
                order: rows.iter().map(|r| r.4).collect(),
                ..log_of(&events, ["view", "purchase", "refund", "search"].map(String::from).to_vec())
            };
            let opts = FeatureOptions {
                as_of: as_of_day.map(|d| crate::ingest::time::format_date(d * 5_000)),
                clv,
                ..FeatureOptions::default()
            };
            let whole = features_in_batches(&log, &opts, usize::MAX);
            let batched = features_in_batches(&log, &opts, batch);
            match (whole, batched) {
                (Ok(a), Ok(b)) => {
                    prop_assert_eq!(&a.table.ids, &b.table.ids);
                    let bits = |f: &CustomerFeatures| f.table.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                    prop_assert_eq!(bits(&a), bits(&b));
                    prop_assert_eq!(a.customer_index, b.customer_index);
                    prop_assert_eq!(a.table.warnings.items, b.table.warnings.items);
                }
                (a, b) => prop_assert_eq!(a.is_ok(), b.is_ok()),
            }
        }

        /// Every fixed feature equals its definition computed directly: each customer's rows up
        /// to `as_of` sorted by time (ties in input order), then counted, summed and split into
        /// sessions from scratch. Logs out of time order, several rows at one instant, refunds,
        /// order ids, a lookback window and events after `as_of`.
        #[test]
        fn features_equal_their_definitions(
            rows in prop::collection::vec((0u32..5, 0i64..200, 0u32..4, -40i32..160, 0u32..5), 1..160),
            as_of_step in prop::option::of(10i64..220),
            lookback in prop::option::of(1u32..4),
            with_orders in any::<bool>(),
        ) {
            // Steps of 20 minutes over 2.8 days: sessions (30-minute gap) both continue and
            // break, days repeat (72 steps a day), trend windows (one day) split the rows.
            let step = 1_200;
            let iso = |t: i64| format!("{}T{:02}:{:02}:00Z", format_date(t), t.rem_euclid(DAY) / 3600, t.rem_euclid(3600) / 60);
            let log = EventLog {
                revenue: rows.iter().map(|r| f64::from(r.3) / 4.0).collect(),
                order: if with_orders { rows.iter().map(|r| r.4).collect() } else { Vec::new() },
                ..log_of(
                    &rows.iter().map(|r| (r.0, r.1 * step, r.2)).collect::<Vec<_>>(),
                    ["view", "purchase", "refund", "search"].map(String::from).to_vec(),
                )
            };
            let opts = FeatureOptions {
                as_of: as_of_step.map(|k| iso(k * step)),
                lookback_days: lookback.map(f64::from),
                trend_window_days: 1.0,
                ..FeatureOptions::default()
            };
            let f = customer_features(&log, &opts).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let as_of = as_of_step.map_or(log.time.iter().max().copied().unwrap_or(0) + DAY, |k| k * step);
            let from = lookback.map_or(i64::MIN, |l| as_of - i64::from(l) * DAY);
            let col = |name: &str| f.table.feature_names.iter().position(|n| n == name);
            for (row, &c) in f.customer_index.iter().enumerate() {
                // (time, event, revenue, order) of the customer's rows up to as_of, in time order.
                let mut mine: Vec<(i64, u32, f64, u32)> = (0..log.len())
                    .filter(|&i| log.customer[i] == c && log.time[i] <= as_of)
                    .map(|i| (log.time[i], log.event[i], log.revenue[i], rows[i].4))
                    .collect();
                mine.sort_by_key(|r| r.0);
                let purchase = |r: &(i64, u32, f64, u32)| r.1 == 1 && r.2 >= 0.0;
                let refund = |r: &(i64, u32, f64, u32)| r.1 == 2 || r.2 < 0.0;
                let window: Vec<_> = mine.iter().copied().filter(|r| r.0 > from).collect();
                let bought: Vec<_> = window.iter().copied().filter(purchase).collect();
                let orders = if with_orders {
                    bought.iter().map(|r| r.3).collect::<std::collections::BTreeSet<_>>().len() as f64
                } else {
                    bought.len() as f64
                };
                let gross: f64 = bought.iter().map(|r| r.2).sum();
                let refunds: Vec<_> = window.iter().copied().filter(refund).collect();
                let mut sessions: Vec<(i64, i64)> = Vec::new();
                for r in &window {
                    match sessions.last_mut() {
                        Some(s) if r.0 - s.1 <= 30 * 60 => s.1 = r.0,
                        _ => sessions.push((r.0, r.0)),
                    }
                }
                let minutes = sessions.iter().map(|s| (s.1 - s.0) as f64).sum::<f64>() / 60.0;
                let instants: std::collections::BTreeSet<i64> = bought.iter().map(|r| r.0).collect();
                let recent = window.iter().filter(|r| r.0 > as_of - DAY).count() as f64;
                let previous = window.iter().filter(|r| r.0 > as_of - 2 * DAY && r.0 <= as_of - DAY).count() as f64;
                let first = mine[0].0;
                let last_purchase = mine.iter().rev().find(|r| purchase(r)).map_or(first, |r| r.0);
                let n = window.len() as f64;
                let per_session = |x: f64| if sessions.is_empty() { 0.0 } else { x / sessions.len() as f64 };
                let want: Vec<(&str, f64)> = vec![
                    ("recency_days", whole_days(last_purchase, as_of)),
                    ("days_since_active", whole_days(mine[mine.len() - 1].0, as_of)),
                    ("tenure_days", whole_days(first, as_of)),
                    ("orders", orders),
                    ("monetary", gross - refunds.iter().map(|r| r.2.abs()).sum::<f64>()),
                    ("aov", if orders > 0.0 { gross / orders } else { 0.0 }),
                    ("events", n),
                    ("active_days", window.iter().map(|r| r.0.div_euclid(DAY)).collect::<std::collections::BTreeSet<_>>().len() as f64),
                    ("distinct_events", window.iter().map(|r| r.1).collect::<std::collections::BTreeSet<_>>().len() as f64),
                    ("sessions", sessions.len() as f64),
                    ("time_in_app_min", minutes),
                    ("avg_session_min", per_session(minutes)),
                    ("events_per_session", per_session(n)),
                    ("inter_purchase_days", match (instants.first(), instants.last()) {
                        (Some(a), Some(b)) if instants.len() >= 2 => (b - a) as f64 / DAY as f64 / (instants.len() - 1) as f64,
                        _ => f64::NAN,
                    }),
                    ("trend", if recent + previous > 0.0 { (recent - previous) / (recent + previous) } else { 0.0 }),
                    ("count:view", window.iter().filter(|r| r.1 == 0).count() as f64),
                ];
                for (name, value) in want {
                    let Some(j) = col(name) else {
                        // `refunds` and the session features exist only when the log has them.
                        continue;
                    };
                    let got = f.table.values[[row, j]];
                    prop_assert!(
                        (got.is_nan() && value.is_nan()) || (got - value).abs() <= 1e-9 * value.abs().max(1.0),
                        "customer {} {}: {} against {}", c, name, got, value
                    );
                }
                if let Some(j) = col("refunds") {
                    prop_assert_eq!(f.table.values[[row, j]], refunds.len() as f64);
                }
            }
        }

        /// Distinct events and active days, counted as the rows go by, equal a count of the
        /// distinct values among each customer's rows inside the window (after the lookback
        /// start, up to `as_of`), over many event names and logs out of time order.
        #[test]
        fn distinct_events_and_days_are_counted_in_the_window(
            rows in prop::collection::vec((0u32..6, 0i64..60, 0u32..40), 1..200),
            as_of_day in prop::option::of(3i64..15),
            lookback in prop::option::of(1u32..8),
        ) {
            // About 4 rows a day, so days repeat and change within a customer.
            let rows: Vec<_> = rows.iter().map(|r| (r.0, r.1 * 20_000, r.2)).collect();
            let log = log_of(&rows, (0..40).map(|e| format!("e{e}")).collect());
            let opts = FeatureOptions {
                as_of: as_of_day.map(|d| crate::ingest::time::format_date(d * DAY)),
                lookback_days: lookback.map(f64::from),
                ..FeatureOptions::default()
            };
            let f = customer_features(&log, &opts).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let as_of = as_of_day.map_or(log.time.iter().max().copied().unwrap_or(0) + DAY, |d| d * DAY);
            let from = lookback.map_or(i64::MIN, |l| as_of - i64::from(l) * DAY);
            let col = |name: &str| f.table.feature_names.iter().position(|n| n == name);
            let (Some(ev), Some(days)) = (col("distinct_events"), col("active_days")) else {
                return Err(TestCaseError::fail("no distinct_events / active_days feature"));
            };
            for (row, &c) in f.customer_index.iter().enumerate() {
                let mine = || rows.iter().filter(|r| r.0 == c && r.1 > from && r.1 <= as_of);
                let want_events = mine().map(|r| r.2).collect::<std::collections::BTreeSet<_>>().len();
                let want_days = mine().map(|r| r.1.div_euclid(DAY)).collect::<std::collections::BTreeSet<_>>().len();
                prop_assert_eq!(f.table.values[[row, ev]], want_events as f64, "customer {}", c);
                prop_assert_eq!(f.table.values[[row, days]], want_days as f64, "customer {}", c);
            }
        }
    }
}
