//! Predicted value and churn risk: BG/NBD for "is this customer still
//! active, and how many purchases will they make" and Gamma-Gamma for "what
//! will an order be worth", combined into a 90-day customer lifetime value.
//! Same likelihoods, summaries and formulas as the Python `lifetimes` package
//! (checked on the CDNOW data it ships: tests/clv_lifetimes.rs).
//!
//! Time is in days. Per customer, from purchases only (as lifetimes'
//! `summary_data_from_transaction_data(freq="D")`): `x` = distinct purchase
//! days − 1 (repeat purchases), `t_x` = days from the first to the last
//! purchase day, `T` = days from the first purchase day to `as_of`, `m` = mean
//! revenue of the repeat purchase days (each day's revenue summed).

mod bgnbd;
mod gamma_gamma;
mod optimize;

pub use bgnbd::{hyp2f1, BgNbd};
pub use gamma_gamma::GammaGamma;
pub use optimize::nelder_mead;

/// The features this module adds, in order. `clv_90d` and `expected_aov` need a revenue column.
pub const CLV_FEATURES: [&str; 4] = ["p_alive", "expected_purchases_90d", "expected_aov", "clv_90d"];
/// Horizon of `expected_purchases_90d` and `clv_90d`, days.
pub const HORIZON_DAYS: f64 = 90.0;

/// One customer's purchase history, as the models read it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub x: f64,
    pub t_x: f64,
    pub t: f64,
    pub m: f64,
}

/// Summary of one customer's purchases: `(day, revenue)` in time order, `as_of_day` the day index of `as_of`.
/// `None` without purchases.
pub fn summarise(purchases: &[(i64, f64)], as_of_day: i64) -> Option<Summary> {
    let &(first, first_rev) = purchases.first()?;
    let (mut days, mut last, mut repeat_sum, mut today) = (0.0, first, 0.0, first_rev);
    let mut sums = Vec::new();
    for &(d, rev) in &purchases[1..] {
        if d == last {
            today += rev;
        } else {
            sums.push(today);
            days += 1.0;
            last = d;
            today = rev;
        }
    }
    sums.push(today);
    // sums[0] is the first purchase day, excluded from the mean as lifetimes does.
    for s in &sums[1..] {
        repeat_sum += s;
    }
    Some(Summary {
        x: days,
        t_x: (last - first) as f64,
        t: (as_of_day - first) as f64,
        m: if days > 0.0 { repeat_sum / days } else { 0.0 },
    })
}

/// The CLV feature columns (see [`CLV_FEATURES`]) for every customer; NaN for
/// customers who never purchased. `Err` names what the data lack.
pub fn clv_columns(summaries: &[Option<Summary>], has_revenue: bool) -> Result<[Vec<f64>; 4], &'static str> {
    let buyers: Vec<Summary> = summaries.iter().flatten().copied().collect();
    let bg = BgNbd::fit(&buyers)
        .ok_or("customers who purchased on two or more different days (BG/NBD needs repeat purchases)")?;
    let gg = if has_revenue {
        let (x, m): (Vec<f64>, Vec<f64>) = buyers.iter().map(|s| (s.x, s.m)).unzip();
        Some(
            GammaGamma::fit(&x, &m)
                .ok_or("repeat purchases with positive revenue from two or more customers (Gamma-Gamma)")?,
        )
    } else {
        None
    };
    let mut cols: [Vec<f64>; 4] = Default::default();
    for s in summaries {
        let row = match s {
            None => [f64::NAN; 4],
            Some(s) => {
                let n = bg.expected_purchases(HORIZON_DAYS, s);
                let aov = gg.map_or(f64::NAN, |g| g.expected_value(s.x, s.m));
                [bg.p_alive(s), n, aov, n * aov]
            }
        };
        for (c, v) in cols.iter_mut().zip(row) {
            c.push(v);
        }
    }
    Ok(cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_purchase_days_and_averages_repeat_days() {
        // Two purchases on day 10 (one day), then days 12 and 20; as_of day 30.
        let s = summarise(&[(10, 5.0), (10, 7.0), (12, 3.0), (20, 9.0)], 30).unwrap();
        assert_eq!(s, Summary { x: 2.0, t_x: 10.0, t: 20.0, m: 6.0 });
        assert_eq!(summarise(&[(4, 2.0)], 9).unwrap(), Summary { x: 0.0, t_x: 0.0, t: 5.0, m: 0.0 });
        assert_eq!(summarise(&[], 9), None);
    }
}
