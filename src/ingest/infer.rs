//! Column type inference from the sampled rows: integer, float, boolean,
//! timestamp, category or text, so roles can be matched and the user sees
//! what seglens thinks each column is.

use serde::{Deserialize, Serialize};

use super::source::Row;
use super::time::{epoch_unit, guess_text_format, TimeFormat};
use super::{is_non_finite_number, is_null, parse_number};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    Integer,
    Float,
    Boolean,
    Timestamp,
    Category,
    Text,
    /// Every sampled cell is missing.
    Empty,
}

/// Distinct values above which a string column is text rather than a category.
const MAX_CATEGORIES: usize = 1000;

/// Counts of non-missing and numeric cells in one column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumericCounts {
    pub present: usize,
    pub numbers: usize,
}

impl NumericCounts {
    /// Numbers except for at most 10 % strays (at least one stray is
    /// tolerated, so a small file with one typo keeps its numeric column;
    /// rows with the strays are skipped and reported).
    pub fn is_mostly_numeric(&self) -> bool {
        let bad = self.present - self.numbers;
        self.numbers > bad && bad <= (self.present / 10).max(1)
    }
}

pub fn numeric_counts(rows: &[Row], i: usize) -> NumericCounts {
    let (mut present, mut numbers) = (0usize, 0usize);
    for r in rows {
        if let Some(c) = r.fields.get(i).filter(|c| !is_null(c)) {
            present += 1;
            numbers += usize::from(parse_number(c).is_some() || is_non_finite_number(c));
        }
    }
    NumericCounts { present, numbers }
}

/// A column's inferred type, and for timestamps how to parse them.
#[derive(Debug, Clone, PartialEq)]
pub struct Inferred {
    pub kind: ColumnType,
    pub time: Option<TimeFormat>,
    /// Day/month order could not be decided from the data.
    pub ambiguous_dates: bool,
    pub distinct: usize,
}

/// Does the column name suggest a point in time?
pub fn time_like_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["time", "date", "timestamp", "created", "_at", "ts", "when", "day"].iter().any(|h| n.contains(h))
}

/// Infers the type of column `i` from sampled rows.
pub fn infer_column(rows: &[Row], i: usize, name: &str) -> Inferred {
    let values: Vec<&str> =
        rows.iter().filter_map(|r| r.fields.get(i)).filter(|c| !is_null(c)).map(str::trim).collect();
    let n_distinct = crate::sorting::distinct_count(&values);
    let mk = |kind, time, ambiguous_dates| Inferred { kind, time, ambiguous_dates, distinct: n_distinct };
    if values.is_empty() {
        return mk(ColumnType::Empty, None, false);
    }
    let counts = numeric_counts(rows, i);
    if counts.is_mostly_numeric() {
        let nums: Vec<f64> = values.iter().filter_map(|v| parse_number(v)).collect();
        let integral = nums.iter().all(|v| v.fract() == 0.0);
        if integral && time_like_name(name) {
            let mut sorted = nums.clone();
            crate::sorting::sort_f64(&mut sorted);
            let typical = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
            if let Some(unit) = epoch_unit(typical) {
                return mk(ColumnType::Timestamp, Some(unit), false);
            }
        }
        return mk(if integral { ColumnType::Integer } else { ColumnType::Float }, None, false);
    }
    if values.iter().all(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "false" | "yes" | "no" | "t" | "f")) {
        return mk(ColumnType::Boolean, None, false);
    }
    if let Some(g) = guess_text_format(values.iter().copied(), time_like_name(name)) {
        return mk(ColumnType::Timestamp, Some(g.format), g.ambiguous);
    }
    let category = n_distinct <= MAX_CATEGORIES && n_distinct * 2 <= values.len().max(2);
    mk(if category { ColumnType::Category } else { ColumnType::Text }, None, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use csv::StringRecord;

    fn rows(col: &[&str]) -> Vec<Row> {
        col.iter().enumerate().map(|(i, v)| Row { line: i as u64 + 2, fields: StringRecord::from(vec![*v]) }).collect()
    }

    #[test]
    fn infers_each_type() {
        let t = |vals: &[&str], name: &str| infer_column(&rows(vals), 0, name).kind;
        assert_eq!(t(&["1", "2", "NA"], "orders"), ColumnType::Integer);
        assert_eq!(t(&["1.5", "2"], "amount"), ColumnType::Float);
        assert_eq!(t(&["true", "FALSE", ""], "paid"), ColumnType::Boolean);
        assert_eq!(t(&["2024-01-01", "2024-01-02T10:00:00Z"], "when"), ColumnType::Timestamp);
        assert_eq!(t(&["1709251200", "1709337600"], "event_time"), ColumnType::Timestamp);
        assert_eq!(t(&["1709251200", "1709337600"], "revenue"), ColumnType::Integer);
        assert_eq!(t(&["buy", "view", "buy", "view"], "event"), ColumnType::Category);
        assert_eq!(t(&["a@x", "b@x", "c@x"], "email"), ColumnType::Text);
        assert_eq!(t(&["", "NA"], "x"), ColumnType::Empty);
    }

    #[test]
    fn epoch_units_from_magnitude() {
        let i = infer_column(&rows(&["1709251200000000", "1709251300000000"]), 0, "event_timestamp");
        assert_eq!(i.time, Some(TimeFormat::EpochMicros));
        let a = infer_column(&rows(&["01/02/2024", "03/04/2024"]), 0, "date");
        assert_eq!((a.time, a.ambiguous_dates), (Some(TimeFormat::MonthFirst), true));
    }
}
