//! Which column is what: customer id, timestamp, event name, revenue,
//! quantity, order id. Known export layouts (presets) are recognised by
//! their column names; otherwise names and inferred types decide. The
//! result is shown to the user, who can override any role.

use serde::{Deserialize, Serialize};

use super::infer::{ColumnType, Inferred};
use super::IngestError;

/// Column roles, as column indices.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Roles {
    pub id: Option<usize>,
    /// Used for rows whose `id` cell is empty (e.g. Segment's `anonymousId`).
    pub id_fallback: Option<usize>,
    pub time: Option<usize>,
    pub event: Option<usize>,
    pub revenue: Option<usize>,
    pub quantity: Option<usize>,
    pub order_id: Option<usize>,
    /// Experiment arm (A/B variant) of the customer.
    pub variant: Option<usize>,
    /// Name of the export layout that was recognised, if any.
    pub preset: Option<&'static str>,
}

/// User overrides, by column name. `None` means "detect".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RoleOptions {
    pub id_column: Option<String>,
    pub time_column: Option<String>,
    pub event_column: Option<String>,
    pub revenue_column: Option<String>,
    pub variant_column: Option<String>,
}

/// A known export layout: the columns that identify it and the roles they take.
struct Preset {
    name: &'static str,
    requires: &'static [&'static str],
    id: &'static [&'static str],
    id_fallback: &'static [&'static str],
    time: &'static [&'static str],
    event: &'static [&'static str],
    revenue: &'static [&'static str],
    order_id: &'static [&'static str],
}

/// Checked in order; the first whose `requires` columns all exist wins.
const PRESETS: &[Preset] = &[
    Preset {
        name: "mixpanel",
        requires: &["event", "properties.distinct_id", "properties.time"],
        id: &["properties.distinct_id"],
        id_fallback: &[],
        time: &["properties.time"],
        event: &["event"],
        revenue: &["properties.revenue", "properties.amount", "properties.price", "properties.$amount"],
        order_id: &["properties.order_id", "properties.$insert_id"],
    },
    Preset {
        name: "amplitude",
        requires: &["event_type", "event_time", "amplitude_id"],
        // amplitude_id is present on every event; user_id is empty for anonymous users.
        id: &["amplitude_id"],
        id_fallback: &[],
        time: &["event_time"],
        event: &["event_type"],
        revenue: &["revenue", "event_properties.revenue", "event_properties.$revenue", "event_properties.price"],
        order_id: &["event_properties.order_id"],
    },
    Preset {
        name: "ga4",
        requires: &["user_pseudo_id", "event_timestamp", "event_name"],
        id: &["user_id", "user_pseudo_id"],
        id_fallback: &["user_pseudo_id"],
        time: &["event_timestamp"],
        event: &["event_name"],
        revenue: &[
            "ecommerce.purchase_revenue",
            "purchase_revenue",
            "event_value_in_usd",
            "ecommerce.purchase_revenue_in_usd",
        ],
        order_id: &["ecommerce.transaction_id", "transaction_id"],
    },
    Preset {
        name: "segment",
        requires: &["event", "timestamp", "anonymousId"],
        id: &["userId"],
        id_fallback: &["anonymousId"],
        time: &["timestamp"],
        event: &["event"],
        revenue: &["properties.revenue", "properties.total", "properties.value"],
        order_id: &["properties.order_id", "properties.orderId"],
    },
    Preset {
        name: "shopify",
        requires: &["Name", "Email", "Created at", "Total"],
        id: &["Email"],
        id_fallback: &["Customer ID", "Billing Name"],
        time: &["Created at"],
        event: &[],
        revenue: &["Total"],
        order_id: &["Name"],
    },
];

/// Names (normalised: lower-case letters and digits only) by role, most specific first.
const ID_NAMES: &[&str] = &[
    "customerid",
    "userid",
    "distinctid",
    "propertiesdistinctid",
    "userpseudoid",
    "amplitudeid",
    "anonymousid",
    "clientid",
    "customer",
    "user",
    "accountid",
    "account",
    "memberid",
    "visitorid",
    "personid",
    "custid",
    "email",
    "customeremail",
    "id",
];
const TIME_NAMES: &[&str] = &[
    "timestamp",
    "eventtime",
    "eventtimestamp",
    "time",
    "datetime",
    "date",
    "orderdate",
    "createdat",
    "purchasedate",
    "invoicedate",
    "processedat",
    "occurredat",
    "ts",
    "day",
];
const EVENT_NAMES: &[&str] = &["event", "eventname", "eventtype", "action", "activity", "type", "name"];
const REVENUE_NAMES: &[&str] = &[
    "revenue",
    "amount",
    "total",
    "price",
    "value",
    "sales",
    "ordertotal",
    "totalprice",
    "purchaserevenue",
    "subtotal",
    "spend",
    "sale",
    "orderamount",
    "totalamount",
    "propertiesrevenue",
];
const QUANTITY_NAMES: &[&str] = &["quantity", "qty", "units", "items", "lineitemquantity"];
/// Experiment arm columns; a match must also be a category with few values.
const VARIANT_NAMES: &[&str] = &[
    "variant",
    "experimentvariant",
    "abvariant",
    "abgroup",
    "experimentgroup",
    "testgroup",
    "arm",
    "treatment",
    "bucket",
];
/// More distinct values than this and a "variant" column is not an experiment arm.
const MAX_VARIANTS: usize = 10;
const ORDER_NAMES: &[&str] = &["orderid", "order", "invoiceno", "invoice", "invoiceid", "transactionid", "ordernumber"];

pub fn normalise(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

fn find(names: &[String], wanted: &str) -> Option<usize> {
    names.iter().position(|n| n == wanted).or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(wanted)))
}

fn by_names(names: &[String], candidates: &[&str], ok: impl Fn(usize) -> bool) -> Option<usize> {
    let norm: Vec<String> = names.iter().map(|n| normalise(n)).collect();
    candidates.iter().find_map(|c| norm.iter().position(|n| n == c).filter(|&i| ok(i)))
}

fn explicit(names: &[String], wanted: &Option<String>) -> Result<Option<usize>, IngestError> {
    match wanted {
        None => Ok(None),
        Some(w) => find(names, w)
            .map(Some)
            .ok_or_else(|| IngestError::UnknownColumn { name: w.clone(), available: names.join(", ") }),
    }
}

/// Detects roles from column names and inferred types; explicit options win.
pub fn detect_roles(names: &[String], types: &[Inferred], opts: &RoleOptions) -> Result<Roles, IngestError> {
    let kind = |i: usize| types.get(i).map_or(ColumnType::Empty, |t| t.kind);
    let numeric = |i: usize| matches!(kind(i), ColumnType::Integer | ColumnType::Float);
    let mut roles = Roles::default();
    let first = |list: &[&str], ok: &dyn Fn(usize) -> bool| list.iter().find_map(|c| find(names, c).filter(|&i| ok(i)));
    if let Some(p) = PRESETS.iter().find(|p| p.requires.iter().all(|r| find(names, r).is_some())) {
        roles.preset = Some(p.name);
        roles.id = first(p.id, &|i| kind(i) != ColumnType::Empty);
        roles.id_fallback = first(p.id_fallback, &|i| Some(i) != roles.id);
        roles.time = first(p.time, &|_| true);
        roles.event = first(p.event, &|_| true);
        roles.revenue = first(p.revenue, &numeric);
        roles.order_id = first(p.order_id, &|_| true);
    }
    let time_ok = |i: usize| kind(i) == ColumnType::Timestamp;
    roles.id = explicit(names, &opts.id_column)?.or(roles.id).or_else(|| by_names(names, ID_NAMES, |_| true));
    roles.time = explicit(names, &opts.time_column)?
        .or(roles.time)
        .or_else(|| by_names(names, TIME_NAMES, time_ok))
        .or_else(|| (0..names.len()).find(|&i| time_ok(i)));
    let taken = |i: usize, r: &Roles| Some(i) == r.id || Some(i) == r.time;
    // A recognised export says which column holds event names (none for Shopify's orders,
    // whose "Name" is the order number): no guessing by name then.
    let guess_event = roles.preset.is_none();
    roles.event = explicit(names, &opts.event_column)?.or(roles.event).or_else(|| {
        by_names(names, EVENT_NAMES, |i| {
            guess_event && matches!(kind(i), ColumnType::Category | ColumnType::Text) && !taken(i, &roles)
        })
    });
    roles.revenue = explicit(names, &opts.revenue_column)?
        .or(roles.revenue)
        .or_else(|| by_names(names, REVENUE_NAMES, |i| numeric(i) && !taken(i, &roles)));
    roles.quantity = by_names(names, QUANTITY_NAMES, |i| numeric(i) && Some(i) != roles.revenue);
    roles.order_id = roles.order_id.or_else(|| by_names(names, ORDER_NAMES, |i| !taken(i, &roles)));
    roles.variant = explicit(names, &opts.variant_column)?.or_else(|| {
        by_names(names, VARIANT_NAMES, |i| {
            types.get(i).is_some_and(|t| {
                matches!(t.kind, ColumnType::Category | ColumnType::Integer | ColumnType::Boolean)
                    && t.distinct >= 2
                    && t.distinct <= MAX_VARIANTS
            }) && !taken(i, &roles)
        })
    });
    if roles.id_fallback == roles.id {
        roles.id_fallback = None;
    }
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(cols: &[(&str, ColumnType)]) -> (Vec<String>, Vec<Inferred>) {
        let names = cols.iter().map(|c| c.0.to_string()).collect();
        let types =
            cols.iter().map(|c| Inferred { kind: c.1, time: None, ambiguous_dates: false, distinct: 2 }).collect();
        (names, types)
    }

    #[test]
    fn plain_orders_table() {
        use ColumnType::*;
        let (n, t) = typed(&[("customer", Text), ("date", Timestamp), ("amount", Float)]);
        let r = detect_roles(&n, &t, &RoleOptions::default()).unwrap();
        assert_eq!((r.id, r.time, r.event, r.revenue, r.preset), (Some(0), Some(1), None, Some(2), None));
    }

    #[test]
    fn presets_are_recognised() {
        use ColumnType::*;
        let (n, t) = typed(&[
            ("event", Category),
            ("properties.distinct_id", Text),
            ("properties.time", Timestamp),
            ("properties.amount", Float),
        ]);
        let r = detect_roles(&n, &t, &RoleOptions::default()).unwrap();
        assert_eq!(
            (r.preset, r.id, r.time, r.event, r.revenue),
            (Some("mixpanel"), Some(1), Some(2), Some(0), Some(3))
        );
        let (n, t) = typed(&[
            ("event_date", Text),
            ("event_timestamp", Timestamp),
            ("event_name", Category),
            ("user_pseudo_id", Text),
            ("ecommerce.purchase_revenue", Float),
        ]);
        let r = detect_roles(&n, &t, &RoleOptions::default()).unwrap();
        assert_eq!((r.preset, r.id, r.time, r.revenue), (Some("ga4"), Some(3), Some(1), Some(4)));
    }

    #[test]
    fn explicit_columns_win_and_unknown_ones_are_errors() {
        use ColumnType::*;
        let (n, t) = typed(&[("a", Text), ("b", Text), ("when", Timestamp)]);
        let opts = RoleOptions { id_column: Some("B".into()), ..Default::default() };
        assert_eq!(detect_roles(&n, &t, &opts).unwrap().id, Some(1));
        let opts = RoleOptions { time_column: Some("nope".into()), ..Default::default() };
        assert!(matches!(detect_roles(&n, &t, &opts), Err(IngestError::UnknownColumn { .. })));
    }
}
