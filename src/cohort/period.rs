use serde::{Deserialize, Serialize};

use crate::ingest::time::{civil_from_days, days_from_civil, DAY};

/// Length of a cohort period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Day,
    /// ISO week, Monday to Sunday.
    Week,
    /// Calendar month (default).
    #[default]
    Month,
}

/// A period as a dense integer: days since epoch, Monday-aligned weeks, or year·12 + month.
pub type PeriodKey = i64;

impl Period {
    pub fn key(&self, ts: i64) -> PeriodKey {
        let day = ts.div_euclid(DAY);
        match self {
            Period::Day => day,
            // 1970-01-01 was a Thursday: shift by 3 so weeks start on Monday.
            Period::Week => (day + 3).div_euclid(7),
            Period::Month => {
                let (y, m, _) = civil_from_days(day);
                y * 12 + i64::from(m) - 1
            }
        }
    }

    /// First day (days since epoch) of a period.
    pub fn first_day(&self, key: PeriodKey) -> i64 {
        match self {
            Period::Day => key,
            Period::Week => key * 7 - 3,
            Period::Month => days_from_civil(key.div_euclid(12), (key.rem_euclid(12) + 1) as u32, 1),
        }
    }

    /// Number of days in a period.
    pub fn days(&self, key: PeriodKey) -> i64 {
        self.first_day(key + 1) - self.first_day(key)
    }

    /// `2024-03-04` (day, and the Monday of a week) or `2024-03` (month).
    pub fn label(&self, key: PeriodKey) -> String {
        let (y, m, d) = civil_from_days(self.first_day(key));
        match self {
            Period::Month => format!("{y:04}-{m:02}"),
            _ => format!("{y:04}-{m:02}-{d:02}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::time::parse_iso;

    #[test]
    fn weeks_start_on_monday_and_months_are_calendar() {
        let ts = |s| parse_iso(s).unwrap();
        let w = Period::Week;
        assert_eq!(w.key(ts("2024-03-04")), w.key(ts("2024-03-10T23:59:59Z"))); // Mon..Sun
        assert_ne!(w.key(ts("2024-03-10")), w.key(ts("2024-03-11")));
        assert_eq!(w.label(w.key(ts("2024-03-07"))), "2024-03-04");
        let m = Period::Month;
        assert_eq!(m.label(m.key(ts("2024-02-29T12:00:00Z"))), "2024-02");
        assert_eq!(m.days(m.key(ts("2024-02-01"))), 29);
        assert_eq!(m.key(ts("2025-01-01")) - m.key(ts("2024-12-31")), 1);
        assert_eq!(Period::Day.days(0), 1);
        assert_eq!(w.days(w.key(ts("1969-12-30"))), 7);
    }
}
