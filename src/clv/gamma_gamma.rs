//! Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"): a
//! customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ); the
//! expected average order value shrinks the observed mean towards the
//! population mean, more for customers with few purchases. Fitted on repeat
//! customers by maximum likelihood, as `lifetimes` does.

use super::optimize::nelder_mead;
use crate::stats::ln_gamma;
use libm::{exp, log};

/// Fitted Gamma-Gamma parameters (`v` is lifetimes' name for γ).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GammaGamma {
    pub p: f64,
    pub q: f64,
    pub v: f64,
}

impl GammaGamma {
    /// Maximum-likelihood fit on (repeat purchases x > 0, mean value m > 0) pairs; `None` with fewer than 2.
    pub fn fit(x: &[f64], m: &[f64]) -> Option<GammaGamma> {
        let data: Vec<(f64, f64)> =
            x.iter().zip(m).filter(|(x, m)| **x > 0.0 && **m > 0.0).map(|(x, m)| (*x, *m)).collect();
        if data.len() < 2 {
            return None;
        }
        let nll = |pv: &[f64]| {
            let (p, q, v) = (exp(pv[0]), exp(pv[1]), exp(pv[2]));
            let lg_q = ln_gamma(q);
            let sum: f64 = data
                .iter()
                .map(|&(x, m)| {
                    ln_gamma(p * x + q) - ln_gamma(p * x) - lg_q + q * log(v) + (p * x - 1.0) * log(m) + p * x * log(x)
                        - (p * x + q) * log(x * m + v)
                })
                .sum();
            -sum / data.len() as f64
        };
        let mut pv = vec![0.0, 0.0, 0.0];
        let mut best = f64::INFINITY;
        for _ in 0..6 {
            let (nx, val) = nelder_mead(&nll, &pv, 0.5, 4000);
            pv = nx;
            if (best - val).abs() <= 1e-13 * (1.0 + val.abs()) {
                break;
            }
            best = val;
        }
        let fit = GammaGamma { p: exp(pv[0]), q: exp(pv[1]), v: exp(pv[2]) };
        // The population mean p·v/(q−1) exists only for q > 1.
        (fit.p.is_finite() && fit.v.is_finite() && fit.q > 1.0 && fit.q.is_finite()).then_some(fit)
    }

    /// Expected average order value of a customer with `x` repeat purchases averaging `m`.
    pub fn expected_value(&self, x: f64, m: f64) -> f64 {
        let GammaGamma { p, q, v } = *self;
        let weight = p * x / (p * x + q - 1.0);
        (1.0 - weight) * (v * p / (q - 1.0)) + weight * m
    }
}
