use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Period, PeriodKey};
use crate::ingest::events::EventLog;
use crate::ingest::time::DAY;

/// What a cohort table counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CohortOptions {
    /// Period length. Default `month`.
    pub period: Period,
    /// Only these event names count as activity (e.g. purchases). Default: every event.
    pub activity_events: Option<Vec<String>>,
    /// Periods after the cohort to report. Default 12.
    pub max_offset: usize,
}

impl Default for CohortOptions {
    fn default() -> Self {
        CohortOptions { period: Period::Month, activity_events: None, max_offset: 12 }
    }
}

/// One cohort of the retention table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortRow {
    pub cohort: String,
    pub size: u64,
    /// Customers active n periods after the cohort period (index n); missing
    /// periods beyond the data's end are not reported.
    pub retained: Vec<u64>,
    /// `retained / size`.
    pub percent: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LifecycleRow {
    pub period: String,
    pub new: u64,
    pub returning: u64,
    pub resurrecting: u64,
    pub dormant: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StickinessRow {
    pub period: String,
    /// `customers[d - 1]` = customers active on exactly d days of the period.
    pub customers: Vec<u64>,
}

/// Retention (first-time and recurring), lifecycle and stickiness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortReport {
    pub period: Period,
    pub first_time: Vec<CohortRow>,
    pub recurring: Vec<CohortRow>,
    pub lifecycle: Vec<LifecycleRow>,
    pub stickiness: Vec<StickinessRow>,
}

fn rows(
    period: Period,
    members: &BTreeMap<PeriodKey, Vec<u32>>,
    active: &[Vec<PeriodKey>],
    last: PeriodKey,
    max_offset: usize,
) -> Vec<CohortRow> {
    members
        .iter()
        .map(|(&c, who)| {
            let horizon = ((last - c).max(0) as usize).min(max_offset);
            let retained: Vec<u64> = (0..=horizon)
                .map(|n| {
                    who.iter().filter(|&&u| active[u as usize].binary_search(&(c + n as i64)).is_ok()).count() as u64
                })
                .collect();
            let size = who.len() as u64;
            let percent = retained.iter().map(|&r| r as f64 / size.max(1) as f64).collect();
            CohortRow { cohort: period.label(c), size, retained, percent }
        })
        .collect()
}

/// Builds every cohort table of `log`.
///
/// ```
/// use seglens::cohort::{cohorts, CohortOptions, Period};
/// use seglens::ingest::events::{read_event_log, EventOptions};
/// let csv = b"customer,date\na,2024-01-05\nb,2024-01-20\na,2024-02-03\nb,2024-03-09\n";
/// let log = read_event_log(csv, &EventOptions::default()).unwrap();
/// let c = cohorts(&log, &CohortOptions { period: Period::Month, ..Default::default() });
/// assert_eq!(c.first_time[0].retained, vec![2, 1, 1]); // Jan cohort: a back in Feb, b in Mar
/// assert_eq!((c.lifecycle[1].returning, c.lifecycle[1].dormant), (1, 1)); // Feb
/// ```
pub fn cohorts(log: &EventLog, opts: &CohortOptions) -> CohortReport {
    let p = opts.period;
    let counts = |code: u32| -> bool {
        match (&opts.activity_events, log.event_names.get(code as usize)) {
            (None, _) => true,
            (Some(list), Some(name)) => list.iter().any(|e| e.eq_ignore_ascii_case(name)),
            (Some(_), None) => false,
        }
    };
    let n_cust = log.ids.len();
    // Per customer: the periods and days with activity, as sorted vectors (appending while the log
    // is in time order skips most duplicates; one sort and dedup at the end handles the rest).
    let mut active: Vec<Vec<PeriodKey>> = vec![Vec::new(); n_cust];
    let mut days: Vec<Vec<i64>> = vec![Vec::new(); n_cust];
    for (i, (&c, &t)) in log.customer.iter().zip(&log.time).enumerate() {
        if log.event.get(i).is_some_and(|&e| !counts(e)) {
            continue;
        }
        let (k, d) = (p.key(t), t.div_euclid(DAY));
        if let Some(a) = active.get_mut(c as usize) {
            if a.last() != Some(&k) {
                a.push(k);
            }
        }
        if let Some(a) = days.get_mut(c as usize) {
            if a.last() != Some(&d) {
                a.push(d);
            }
        }
    }
    for v in active.iter_mut() {
        v.sort_unstable();
        v.dedup();
    }
    for v in days.iter_mut() {
        v.sort_unstable();
        v.dedup();
    }
    let first_key = active.iter().filter_map(|v| v.first()).min().copied();
    let last_key = active.iter().filter_map(|v| v.last()).max().copied();
    let (Some(first), Some(last)) = (first_key, last_key) else {
        return CohortReport {
            period: p,
            first_time: vec![],
            recurring: vec![],
            lifecycle: vec![],
            stickiness: vec![],
        };
    };
    let mut first_members: BTreeMap<PeriodKey, Vec<u32>> = BTreeMap::new();
    let mut recurring_members: BTreeMap<PeriodKey, Vec<u32>> = BTreeMap::new();
    for (u, set) in active.iter().enumerate() {
        if let Some(&f) = set.first() {
            first_members.entry(f).or_default().push(u as u32);
        }
        for &k in set {
            recurring_members.entry(k).or_default().push(u as u32);
        }
    }
    let mut lifecycle = Vec::new();
    let mut stickiness = Vec::new();
    for k in first..=last {
        let (mut new, mut returning, mut resurrecting, mut dormant) = (0, 0, 0, 0);
        let width = p.days(k).max(1) as usize;
        let mut sticky = vec![0u64; width];
        let (start, end) = (p.first_day(k), p.first_day(k + 1));
        for (u, set) in active.iter().enumerate() {
            let now = set.binary_search(&k).is_ok();
            let before = set.binary_search(&(k - 1)).is_ok();
            let first_seen = set.first().copied();
            if now {
                if first_seen == Some(k) {
                    new += 1;
                } else if before {
                    returning += 1;
                } else {
                    resurrecting += 1;
                }
                let du = &days[u];
                let d = du.partition_point(|&x| x < end) - du.partition_point(|&x| x < start);
                if let Some(slot) = d.checked_sub(1).and_then(|i| sticky.get_mut(i)) {
                    *slot += 1;
                }
            } else if before {
                dormant += 1;
            }
        }
        lifecycle.push(LifecycleRow { period: p.label(k), new, returning, resurrecting, dormant });
        stickiness.push(StickinessRow { period: p.label(k), customers: sticky });
    }
    CohortReport {
        period: p,
        first_time: rows(p, &first_members, &active, last, opts.max_offset),
        recurring: rows(p, &recurring_members, &active, last, opts.max_offset),
        lifecycle,
        stickiness,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::events::{read_event_log, EventOptions};

    fn log(csv: &str) -> EventLog {
        read_event_log(csv.as_bytes(), &EventOptions::default()).unwrap()
    }

    #[test]
    fn lifecycle_follows_posthog_definitions() {
        // a: Jan, Feb, Apr (resurrecting in Apr, dormant in Mar); b: Jan only (dormant in Feb); c: new in Mar
        let l = log(
            "customer,date,event\na,2024-01-03,x\nb,2024-01-09,x\na,2024-02-11,x\nc,2024-03-02,x\na,2024-04-20,x\n",
        );
        let c = cohorts(&l, &CohortOptions::default());
        let rows: Vec<(u64, u64, u64, u64)> =
            c.lifecycle.iter().map(|r| (r.new, r.returning, r.resurrecting, r.dormant)).collect();
        assert_eq!(rows, vec![(2, 0, 0, 0), (0, 1, 0, 1), (1, 0, 0, 1), (0, 0, 1, 1)]);
        assert_eq!(c.lifecycle[0].period, "2024-01");
        // first-time: Jan cohort {a, b}: Feb a, Mar -, Apr a; Mar cohort {c}
        assert_eq!(c.first_time[0].retained, vec![2, 1, 0, 1]);
        assert_eq!(c.first_time[1].cohort, "2024-03");
        assert_eq!(c.first_time[1].retained, vec![1, 0]);
        // recurring: Feb cohort {a}: Mar no, Apr yes
        let feb = c.recurring.iter().find(|r| r.cohort == "2024-02").unwrap();
        assert_eq!(feb.retained, vec![1, 0, 1]);
    }

    #[test]
    fn stickiness_counts_distinct_active_days() {
        let l = log("customer,time\na,2024-03-04T10:00:00Z\na,2024-03-04T11:00:00Z\na,2024-03-06T09:00:00Z\nb,2024-03-05T09:00:00Z\n");
        let c = cohorts(&l, &CohortOptions { period: Period::Week, ..Default::default() });
        assert_eq!(c.stickiness.len(), 1);
        assert_eq!(c.stickiness[0].customers, vec![1, 1, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn activity_can_be_restricted_to_purchases() {
        let l = log("customer,date,event\na,2024-01-03,view\na,2024-02-03,purchase\nb,2024-02-04,view\n");
        let c = cohorts(&l, &CohortOptions { activity_events: Some(vec!["purchase".into()]), ..Default::default() });
        assert_eq!(c.first_time.len(), 1);
        assert_eq!((c.first_time[0].cohort.as_str(), c.first_time[0].size), ("2024-02", 1));
    }
}
