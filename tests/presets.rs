//! Exports as the tools write them (one small fixture per preset, values
//! worked out by hand in the comments): the layout is recognised, every role
//! lands on the right column, time units and zones are read right, and the
//! per-customer numbers come out as an analyst would count them.

use seglens::features::{customer_features, FeatureOptions};
use seglens::ingest::events::{read_event_log, EventLog, EventOptions};

struct Want {
    preset: Option<&'static str>,
    roles: &'static [(&'static str, &'static str)],
    /// (customer, orders, monetary, recency_days)
    customers: &'static [(&'static str, f64, f64, f64)],
}

fn check(bytes: &[u8], want: Want) -> EventLog {
    let log = read_event_log(bytes, &EventOptions::default()).unwrap();
    assert_eq!(log.preset.as_deref(), want.preset);
    assert_eq!(log.rows_skipped, 0, "{:?}", log.warnings);
    for (role, column) in want.roles {
        let got = log.columns.iter().find(|c| c.role.as_deref() == Some(role)).map(|c| c.name.as_str());
        assert_eq!(got, Some(*column), "role {role}");
    }
    let f = customer_features(&log, &FeatureOptions::default()).unwrap();
    let col = |n: &str| f.table.feature_names.iter().position(|x| x == n).unwrap();
    let ids: Vec<&str> = want.customers.iter().map(|c| c.0).collect();
    assert_eq!(f.table.ids, ids);
    for (i, (id, orders, monetary, recency)) in want.customers.iter().enumerate() {
        let v = |n: &str| f.table.values[[i, col(n)]];
        assert_eq!(v("orders"), *orders, "{id} orders");
        assert!((v("monetary") - monetary).abs() < 1e-9, "{id} monetary {}", v("monetary"));
        assert_eq!(v("recency_days"), *recency, "{id} recency");
    }
    log
}

#[test]
fn mixpanel_raw_export_jsonl() {
    // time in epoch seconds under properties; "Purchase" rows are orders ($insert_id distinct).
    // as_of = last event (1709514000) + 1 day; u2 last bought at 1709427600 → 2 days.
    check(
        include_bytes!("fixtures/presets/mixpanel.jsonl"),
        Want {
            preset: Some("mixpanel"),
            roles: &[
                ("id", "properties.distinct_id"),
                ("time", "properties.time"),
                ("event", "event"),
                ("revenue", "properties.revenue"),
            ],
            customers: &[("u1", 2.0, 29.99, 1.0), ("u2", 1.0, 5.01, 2.0)],
        },
    );
}

#[test]
fn amplitude_export_jsonl() {
    // amplitude_id identifies every event (user_id is null for anonymous users); fractional
    // seconds in event_time; top-level revenue. as_of = 2024-03-05 13:00: 111 last bought
    // 03-04 12:00 (1 day), 222 on 03-03 18:10 (1 day), 333 never bought, first seen 03-04 13:00 (1 day).
    let log = check(
        include_bytes!("fixtures/presets/amplitude.jsonl"),
        Want {
            preset: Some("amplitude"),
            roles: &[("id", "amplitude_id"), ("time", "event_time"), ("event", "event_type"), ("revenue", "revenue")],
            customers: &[("111", 2.0, 62.5, 1.0), ("222", 1.0, 7.5, 1.0), ("333", 0.0, 0.0, 1.0)],
        },
    );
    // 2024-03-01 09:05:30.25 → whole seconds
    assert_eq!(log.time[1], 1_709_283_930);
}

#[test]
fn ga4_bigquery_export_flattened_to_csv() {
    // event_timestamp in microseconds; user_id when set, else user_pseudo_id (kept as text,
    // not read as the number 1234.5678); purchase revenue and transaction ids from ecommerce.*.
    // as_of = 2024-03-04 09:00 UTC; 1234.5678 last bought 03-03 08:00 → 1 day, 9999.1111 on
    // 03-02 08:01 → 2 days; member-7 never bought, first seen 03-03 09:00 → 1 day.
    let log = check(
        include_bytes!("fixtures/presets/ga4_bigquery.csv"),
        Want {
            preset: Some("ga4"),
            roles: &[
                ("id", "user_id"),
                ("time", "event_timestamp"),
                ("event", "event_name"),
                ("revenue", "ecommerce.purchase_revenue"),
                ("order_id", "ecommerce.transaction_id"),
            ],
            customers: &[("1234.5678", 2.0, 48.0, 1.0), ("9999.1111", 1.0, 12.5, 2.0), ("member-7", 0.0, 0.0, 1.0)],
        },
    );
    assert_eq!(log.time[0], 1_709_280_000);
}

#[test]
fn segment_track_export_jsonl() {
    // userId when set, else anonymousId; properties.revenue (not total); a +01:00 offset is
    // converted (11:30+01:00 = 10:30Z). as_of = 2024-03-06 08:00Z; user-2 bought 03-02 10:30Z → 3 days.
    let log = check(
        include_bytes!("fixtures/presets/segment_tracks.jsonl"),
        Want {
            preset: Some("segment"),
            roles: &[("id", "userId"), ("time", "timestamp"), ("event", "event"), ("revenue", "properties.revenue")],
            customers: &[
                ("anon-1", 0.0, 0.0, 4.0),
                ("user-1", 2.0, 40.0, 1.0),
                ("anon-2", 0.0, 0.0, 3.0),
                ("user-2", 1.0, 9.99, 3.0),
            ],
        },
    );
    assert_eq!(log.time[4], 1_709_375_400);
}

#[test]
fn shopify_orders_export_csv() {
    // One row per order, no event column: every row is a purchase; orders are distinct Names;
    // a guest order without an email falls back to the billing name. "+0100" offsets converted:
    // as_of = 2024-03-07 10:00Z; bob ordered 03-02 09:59Z → 5 days.
    let log = check(
        include_bytes!("fixtures/presets/shopify_orders.csv"),
        Want {
            preset: Some("shopify"),
            roles: &[("id", "Email"), ("time", "Created at"), ("revenue", "Total"), ("order_id", "Name")],
            customers: &[
                ("ann@example.com", 2.0, 85.0, 1.0),
                ("bob@example.com", 1.0, 20.0, 5.0),
                ("Guest C", 1.0, 12.0, 1.0),
            ],
        },
    );
    assert!(log.event.is_empty(), "the order number column is not an event name");
}

#[test]
fn plain_customer_date_amount_orders_table() {
    // Dates only: as_of = 2024-03-08 (last date + 1 day).
    check(
        include_bytes!("fixtures/presets/plain_orders.csv"),
        Want {
            preset: None,
            roles: &[("id", "customer"), ("time", "date"), ("revenue", "amount")],
            customers: &[("c1", 3.0, 20.0, 1.0), ("c2", 1.0, 5.5, 7.0), ("c3", 1.0, 100.0, 3.0)],
        },
    );
}
