use serde::{Deserialize, Serialize};

use super::{Period, PeriodKey};
use crate::ingest::events::EventLog;
use crate::ingest::time::DAY;
use crate::tiers::in_chunks;

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

impl CohortReport {
    /// No activity: every table empty.
    fn empty(period: Period) -> CohortReport {
        CohortReport { period, first_time: vec![], recurring: vec![], lifecycle: vec![], stickiness: vec![] }
    }
}

/// Every customer's distinct active days, sorted: customer `u`'s are `days[start[u]..start[u + 1]]`.
///
/// Two passes over the log (count, then fill) into one flat array: per-customer vectors cost
/// a cache miss per event on a log in time order (customers interleaved), which made this the
/// slowest part of segmenting a large log. A day repeated by the next counted event of the same
/// customer is skipped in both passes; an out-of-order log is sorted and de-duplicated per customer.
struct ActiveDays {
    start: Vec<usize>,
    days: Vec<i64>,
}

impl ActiveDays {
    fn collect(log: &EventLog, n_cust: usize, counted: &dyn Fn(usize) -> bool) -> ActiveDays {
        // Counted events as (customer, day), a chunk of rows per call (crate::tiers).
        let rows = log.customer.len().min(log.time.len());
        let events = |r: std::ops::Range<usize>| {
            let (cs, ts) = (log.customer.get(r.clone()).unwrap_or(&[]), log.time.get(r.clone()).unwrap_or(&[]));
            cs.iter().zip(ts).zip(r).filter(|&(_, i)| counted(i)).map(|((&c, &t), _)| (c as usize, t.div_euclid(DAY)))
        };
        let mut last = vec![i64::MIN; n_cust];
        let mut start = vec![0usize; n_cust + 1];
        in_chunks(rows, &mut |r| {
            for (c, d) in events(r) {
                if let (Some(l), Some(n)) = (last.get_mut(c), start.get_mut(c + 1)) {
                    if *l != d {
                        *l = d;
                        *n += 1;
                    }
                }
            }
        });
        for u in 1..start.len() {
            start[u] += start[u - 1];
        }
        let mut days = vec![0i64; start[n_cust]];
        let mut at = start.clone();
        last.fill(i64::MIN);
        in_chunks(rows, &mut |r| {
            for (c, d) in events(r) {
                if let (Some(l), Some(a)) = (last.get_mut(c), at.get_mut(c)) {
                    if *l != d {
                        *l = d;
                        if let Some(slot) = days.get_mut(*a) {
                            *slot = d;
                        }
                        *a += 1;
                    }
                }
            }
        });
        // Sort (when out of order) and de-duplicate each customer's days, compacting to the left.
        let mut w = 0;
        for u in 0..n_cust {
            let (a, b) = (start[u], start[u + 1]);
            let own = &mut days[a..b];
            if !own.is_sorted() {
                own.sort_unstable();
            }
            start[u] = w;
            for r in a..b {
                let d = days[r];
                if w == start[u] || days[w - 1] != d {
                    days[w] = d;
                    w += 1;
                }
            }
        }
        start[n_cust] = w;
        days.truncate(w);
        ActiveDays { start, days }
    }

    fn of(&self, u: usize) -> &[i64] {
        match (self.start.get(u), self.start.get(u + 1)) {
            (Some(&a), Some(&b)) => self.days.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// The period of a day, from a table over the log's span of days (a month's calendar arithmetic
/// once per day instead of once per customer-day); spans too long for a table compute directly.
struct PeriodOfDay {
    period: Period,
    first: i64,
    keys: Vec<PeriodKey>,
}

impl PeriodOfDay {
    const MAX_TABLE: i64 = 1 << 20;

    fn new(period: Period, first: i64, last: i64) -> PeriodOfDay {
        let span = last.saturating_sub(first).saturating_add(1);
        let keys = if period == Period::Month && (1..=Self::MAX_TABLE).contains(&span) {
            (first..=last).map(|d| period.key(d * DAY)).collect()
        } else {
            Vec::new()
        };
        PeriodOfDay { period, first, keys }
    }

    fn key(&self, day: i64) -> PeriodKey {
        usize::try_from(day - self.first)
            .ok()
            .and_then(|i| self.keys.get(i))
            .copied()
            .unwrap_or_else(|| self.period.key(day.saturating_mul(DAY)))
    }
}

/// Retention counts by cohort period: `size[i]` members, `retained[i][n]` active `n` periods later.
struct Retention {
    size: Vec<u64>,
    retained: Vec<Vec<u64>>,
}

impl Retention {
    fn new(periods: usize, max_offset: usize) -> Retention {
        Retention { size: vec![0; periods], retained: vec![vec![0; max_offset + 1]; periods] }
    }

    /// Cohort `c` (an index) gains a member active at the later periods `then` (indices, sorted,
    /// `c` first).
    fn add(&mut self, c: usize, then: impl Iterator<Item = usize>) {
        if let Some(s) = self.size.get_mut(c) {
            *s += 1;
        }
        if let Some(row) = self.retained.get_mut(c) {
            for t in then {
                match row.get_mut(t - c) {
                    Some(slot) => *slot += 1,
                    None => break,
                }
            }
        }
    }

    /// The non-empty cohorts, in period order; cells past the data's last period are not reported.
    fn rows(self, period: Period, first: PeriodKey, last: PeriodKey) -> Vec<CohortRow> {
        self.size
            .into_iter()
            .zip(self.retained)
            .enumerate()
            .filter(|(_, (size, _))| *size > 0)
            .map(|(i, (size, mut retained))| {
                let c = first + i as i64;
                retained.truncate(((last - c).max(0) as usize).min(retained.len() - 1) + 1);
                let percent = retained.iter().map(|&r| r as f64 / size as f64).collect();
                CohortRow { cohort: period.label(c), size, retained, percent }
            })
            .collect()
    }
}

/// Builds every cohort table of `log`, in one pass over each customer's active days.
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
    // Which event codes count as activity (all without a list; a code without a name never).
    let wanted: Option<Vec<bool>> = opts
        .activity_events
        .as_ref()
        .map(|list| log.event_names.iter().map(|name| list.iter().any(|e| e.eq_ignore_ascii_case(name))).collect());
    let counted = |i: usize| match (log.event.get(i), &wanted) {
        (Some(&e), Some(w)) => w.get(e as usize).copied().unwrap_or(false),
        _ => true,
    };
    let n_cust = log.ids.len();
    let active = ActiveDays::collect(log, n_cust, &counted);
    let span = (0..n_cust).map(|u| active.of(u)).filter_map(|d| Some((*d.first()?, *d.last()?)));
    let Some((first_day, last_day)) = span.reduce(|a, b| (a.0.min(b.0), a.1.max(b.1))) else {
        return CohortReport::empty(p);
    };
    let key_of = PeriodOfDay::new(p, first_day, last_day);
    let (first, last) = (key_of.key(first_day), key_of.key(last_day));
    let periods = usize::try_from(last - first + 1).unwrap_or(0);
    let mut lifecycle: Vec<LifecycleRow> = (first..=last)
        .map(|k| LifecycleRow { period: p.label(k), new: 0, returning: 0, resurrecting: 0, dormant: 0 })
        .collect();
    let mut stickiness: Vec<StickinessRow> = (first..=last)
        .map(|k| StickinessRow { period: p.label(k), customers: vec![0; p.days(k).max(1) as usize] })
        .collect();
    let mut first_time = Retention::new(periods, opts.max_offset);
    let mut recurring = Retention::new(periods, opts.max_offset);
    // One customer's active periods (as indices from `first`) and active days in each.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for u in 0..n_cust {
        groups.clear();
        for &d in active.of(u) {
            let i = (key_of.key(d) - first) as usize;
            match groups.last_mut() {
                Some((k, n)) if *k == i => *n += 1,
                _ => groups.push((i, 1)),
            }
        }
        for (j, &(i, n)) in groups.iter().enumerate() {
            if let Some(row) = lifecycle.get_mut(i) {
                match j.checked_sub(1).and_then(|b| groups.get(b)) {
                    None => row.new += 1,
                    Some(&(prev, _)) if prev + 1 == i => row.returning += 1,
                    Some(_) => row.resurrecting += 1,
                }
            }
            // Dormant in the period after an active one, unless active again then.
            if groups.get(j + 1).is_none_or(|&(next, _)| next != i + 1) {
                if let Some(row) = lifecycle.get_mut(i + 1) {
                    row.dormant += 1;
                }
            }
            if let Some(slot) = stickiness.get_mut(i).and_then(|s| s.customers.get_mut(n - 1)) {
                *slot += 1;
            }
            recurring.add(i, groups[j..].iter().map(|g| g.0));
        }
        if let Some(&(f, _)) = groups.first() {
            first_time.add(f, groups.iter().map(|g| g.0));
        }
    }
    CohortReport {
        period: p,
        first_time: first_time.rows(p, first, last),
        recurring: recurring.rows(p, first, last),
        lifecycle,
        stickiness,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::events::{read_event_log, EventOptions};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

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
                        who.iter().filter(|&&u| active[u as usize].binary_search(&(c + n as i64)).is_ok()).count()
                            as u64
                    })
                    .collect();
                let size = who.len() as u64;
                let percent = retained.iter().map(|&r| r as f64 / size.max(1) as f64).collect();
                CohortRow { cohort: period.label(c), size, retained, percent }
            })
            .collect()
    }

    /// The definitions as written: per-customer period lists and a scan of every customer per period.
    fn naive_cohorts(log: &EventLog, opts: &CohortOptions) -> CohortReport {
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
            return CohortReport::empty(p);
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

    proptest! {
        /// The one-pass tables equal the definitions computed directly, on logs in and out of
        /// time order, with repeated days, any period, activity filters and horizons.
        #[test]
        fn one_pass_tables_equal_the_definitions(
            rows in proptest::collection::vec((0u8..7, 0i64..420, 0i64..86_400, 0u8..3), 1..120),
            sorted in any::<bool>(),
            filter in 0u8..3,
            max_offset in 0usize..5,
        ) {
            let mut rows = rows;
            if sorted {
                rows.sort_by_key(|r| (r.1, r.2));
            }
            let mut csv = String::from("customer,time,event\n");
            for (c, day, sec, e) in &rows {
                let ts = crate::ingest::time::format_date((19_700 + day) * DAY);
                csv += &format!("c{c},{ts}T{:02}:{:02}:{:02}Z,{}\n", sec / 3600, sec / 60 % 60, sec % 60, ["view", "buy", "Buy"][*e as usize]);
            }
            let l = log(&csv);
            let activity_events = match filter {
                0 => None,
                1 => Some(vec!["BUY".to_string()]),
                _ => Some(vec!["nothing".to_string()]),
            };
            for period in [Period::Day, Period::Week, Period::Month] {
                let o = CohortOptions { period, activity_events: activity_events.clone(), max_offset };
                prop_assert_eq!(cohorts(&l, &o), naive_cohorts(&l, &o), "{:?}", period);
            }
        }
    }
}
