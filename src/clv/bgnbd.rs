//! BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way"):
//! while alive a customer buys at a Poisson rate λ ~ Gamma(r, α) and after each
//! purchase drops out with probability p ~ Beta(a, b). Fitted by maximum
//! likelihood on (x, t_x, T) exactly as the `lifetimes` package writes it,
//! so parameters and predictions agree with it (tests/clv_lifetimes.rs).

use super::optimize::nelder_mead;
use super::Summary;
use crate::stats::ln_gamma;
use libm::{exp, log};

/// Fitted BG/NBD parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BgNbd {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
}

impl BgNbd {
    /// Mean log-likelihood per customer (lifetimes' `_negative_log_likelihood`, negated).
    fn mean_ll(&self, data: &[Summary], max_x: usize) -> f64 {
        let BgNbd { r, alpha, a, b } = *self;
        let (lg_r, lg_b, lg_ab, ln_alpha) = (ln_gamma(r), ln_gamma(b), ln_gamma(a + b), log(alpha));
        // The terms that depend on x only, once per repeat count (x is a whole number).
        let by_x: Vec<f64> = (0..=max_x)
            .map(|x| {
                let x = x as f64;
                ln_gamma(r + x) - lg_r + r * ln_alpha + lg_ab + ln_gamma(b + x) - lg_b - ln_gamma(a + b + x)
            })
            .collect();
        let mut total = 0.0;
        for c in data {
            let a12 = match by_x.get(c.x as usize) {
                Some(v) if c.x.fract() == 0.0 => *v,
                _ => ln_gamma(r + c.x) - lg_r + r * ln_alpha + lg_ab + ln_gamma(b + c.x) - lg_b - ln_gamma(a + b + c.x),
            };
            let a3 = -(r + c.x) * log(alpha + c.t);
            let ll = if c.x > 0.0 {
                let a4 = log(a) - log(b + c.x - 1.0) - (r + c.x) * log(c.t_x + alpha);
                let m = a3.max(a4);
                m + log(exp(a3 - m) + exp(a4 - m))
            } else {
                a3
            };
            total += a12 + ll;
        }
        total / data.len() as f64
    }

    /// Maximum-likelihood fit. `None` when the data cannot identify the model
    /// (no customers, or no repeat purchases at all).
    pub fn fit(summaries: &[Summary]) -> Option<BgNbd> {
        if summaries.is_empty() || summaries.iter().all(|s| s.x == 0.0) {
            return None;
        }
        let max_x = summaries.iter().map(|s| s.x).fold(0.0, f64::max).min(100_000.0) as usize;
        let from = |p: &[f64]| BgNbd { r: exp(p[0]), alpha: exp(p[1]), a: exp(p[2]), b: exp(p[3]) };
        let nll = |p: &[f64]| -from(p).mean_ll(summaries, max_x);
        // Start at r = a = b = 1 and α = the mean observation length (the scale of time in the data).
        let mean_t = summaries.iter().map(|s| s.t).sum::<f64>() / summaries.len() as f64;
        let mut x = vec![0.0, log(mean_t.max(1e-3)), 0.0, 0.0];
        // Restart from the optimum until it stops moving: Nelder–Mead can stall on a ridge.
        let mut best = f64::INFINITY;
        for _ in 0..6 {
            let (nx, v) = nelder_mead(&nll, &x, 0.5, 4000);
            x = nx;
            if (best - v).abs() <= 1e-13 * (1.0 + v.abs()) {
                break;
            }
            best = v;
        }
        let fit = from(&x);
        [fit.r, fit.alpha, fit.a, fit.b].iter().all(|v| v.is_finite() && *v > 0.0).then_some(fit)
    }

    /// Probability that a customer with this history is still alive (1 without repeat purchases).
    pub fn p_alive(&self, s: &Summary) -> f64 {
        if s.x == 0.0 {
            return 1.0;
        }
        let BgNbd { r, alpha, a, b } = *self;
        let log_div = (r + s.x) * log((alpha + s.t) / (alpha + s.t_x)) + log(a / (b + s.x - 1.0));
        1.0 / (1.0 + exp(log_div))
    }

    /// Expected purchases in the next `t` time units (lifetimes'
    /// `conditional_expected_number_of_purchases_up_to_time`).
    pub fn expected_purchases(&self, t: f64, s: &Summary) -> f64 {
        let BgNbd { r, alpha, a, b } = *self;
        let x = s.x;
        let (ha, hb, hc) = (r + x, b + x, a + b + x - 1.0);
        let z = t / (alpha + s.t + t);
        let mut ln_hyp = log(hyp2f1(ha, hb, hc, z));
        if !ln_hyp.is_finite() {
            // Euler's transformation, as lifetimes falls back to.
            ln_hyp = log(hyp2f1(hc - ha, hc - hb, hc, z)) + (hc - ha - hb) * log(1.0 - z);
        }
        let first = (a + b + x - 1.0) / (a - 1.0);
        let second = 1.0 - exp(ln_hyp + (r + x) * log((alpha + s.t) / (alpha + t + s.t)));
        let denominator =
            1.0 + if x > 0.0 { (a / (b + x - 1.0)) * exp((r + x) * log((alpha + s.t) / (alpha + s.t_x))) } else { 0.0 };
        first * second / denominator
    }
}

/// Gauss's hypergeometric function ₂F₁(a, b; c; z) by its power series (|z| < 1).
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> f64 {
    let (mut sum, mut term) = (1.0, 1.0);
    for n in 0..100_000 {
        let n = n as f64;
        term *= (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
        sum += term;
        if !sum.is_finite() || term.abs() <= 1e-16 * sum.abs() {
            break;
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyp2f1_matches_closed_forms() {
        // 2F1(1, 1; 2; z) = -ln(1 - z) / z
        for z in [0.1, 0.5, 0.9] {
            let want = -log(1.0 - z) / z;
            assert!((hyp2f1(1.0, 1.0, 2.0, z) - want).abs() < 1e-12 * want);
        }
        // 2F1(a, b; b; z) = (1 - z)^-a
        assert!((hyp2f1(2.5, 3.0, 3.0, 0.3) - libm::pow(0.7, -2.5)).abs() < 1e-12);
    }

    #[test]
    fn a_customer_without_repeat_purchases_is_alive_and_recent_buyers_more_so_than_lapsed() {
        let m = BgNbd { r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 };
        assert_eq!(m.p_alive(&Summary { x: 0.0, t_x: 0.0, t: 30.0, m: 0.0 }), 1.0);
        let recent = m.p_alive(&Summary { x: 3.0, t_x: 29.0, t: 30.0, m: 0.0 });
        let lapsed = m.p_alive(&Summary { x: 3.0, t_x: 5.0, t: 30.0, m: 0.0 });
        assert!(recent > lapsed && recent < 1.0 && lapsed > 0.0, "{recent} {lapsed}");
        assert!(m.expected_purchases(10.0, &Summary { x: 3.0, t_x: 29.0, t: 30.0, m: 0.0 }) > 0.0);
    }
}
