//! Cohorts over time: retention, lifecycle and stickiness of an event log.
//!
//! Definitions follow PostHog's (and Mixpanel's, where they agree):
//! - **Retention, first time**: a customer's cohort is the period of their
//!   first qualifying event; cell (cohort, n) counts cohort members with a
//!   qualifying event in the n-th period after it (n = 0 is the cohort itself).
//! - **Retention, recurring**: a customer joins the cohort of *every* period
//!   they were active in; cell (cohort, n) counts those active again n periods later.
//! - **Lifecycle**, per period: *new* (first activity ever), *returning*
//!   (active now and in the previous period), *resurrecting* (active now,
//!   not in the previous period, but before), *dormant* (active in the
//!   previous period, not now — counted in the period after the last active one).
//! - **Stickiness**, per period: how many customers were active on exactly
//!   1, 2, … distinct days of it.
//!
//! Periods are UTC calendar days, ISO weeks (Monday first) or calendar months.

mod period;
mod tables;

pub use period::{Period, PeriodKey};
pub use tables::{cohorts, CohortOptions, CohortReport, CohortRow, LifecycleRow, StickinessRow};
