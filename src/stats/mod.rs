//! The few statistical tests seglens reports, written out so the Wasm needs
//! no numerics library: the standard normal and Student t distributions,
//! the two-proportion z-test (pooled standard error), Welch's unequal-variance
//! t-test with the Welch–Satterthwaite degrees of freedom, the Wilson score
//! interval for a proportion and the t interval for a mean. Checked against
//! scipy (`tests/reference/experiment_scipy.py`). Transcendental functions come
//! from the `libm` crate so results are bit-identical natively and in Wasm.

/// erfc(x) by the continued fraction / series of Numerical Recipes (`erfcc`
/// is too coarse; this uses the incomplete gamma relation), |error| < 1e-14.
pub fn erfc(x: f64) -> f64 {
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    // erfc(x) = Q(1/2, x^2), the regularised upper incomplete gamma.
    gamma_q(0.5, x * x)
}

/// Standard normal CDF.
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

pub(crate) fn ln_gamma(x: f64) -> f64 {
    // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    // Γ(x) = Γ(x + 1) / x below 0.5 (the arguments here, model parameters and degrees of
    // freedom, are positive): as accurate as the reflection formula there, without `sin` and its
    // argument reduction in the Wasm.
    if x < 0.5 {
        return ln_gamma(x + 1.0) - libm::log(x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + 7.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * libm::log(2.0 * std::f64::consts::PI) + (x + 0.5) * libm::log(t) - t + libm::log(a)
}

/// Regularised upper incomplete gamma Q(a, x).
fn gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let ln_pre = -x + a * libm::log(x) - ln_gamma(a);
    if x < a + 1.0 {
        // series for P
        let (mut sum, mut term, mut ap) = (1.0 / a, 1.0 / a, a);
        for _ in 0..500 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        1.0 - sum * libm::exp(ln_pre)
    } else {
        // continued fraction for Q (modified Lentz)
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..500 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-16 {
                break;
            }
        }
        libm::exp(ln_pre) * h
    }
}

/// Regularised incomplete beta I_x(a, b) (continued fraction, Numerical Recipes `betacf`).
fn beta_inc(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * libm::log(x) + b * libm::log(1.0 - x);
    let cf = |a: f64, b: f64, x: f64| {
        let tiny = 1e-300;
        let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
        let mut c = 1.0;
        let mut d = 1.0 - qab * x / qap;
        if d.abs() < tiny {
            d = tiny;
        }
        d = 1.0 / d;
        let mut h = d;
        for m in 1..1000 {
            let m = m as f64;
            let m2 = 2.0 * m;
            let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1.0 + aa * d;
            d = if d.abs() < tiny { 1.0 / tiny } else { 1.0 / d };
            c = 1.0 + aa / c;
            if c.abs() < tiny {
                c = tiny;
            }
            h *= d * c;
            let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1.0 + aa * d;
            d = if d.abs() < tiny { 1.0 / tiny } else { 1.0 / d };
            c = 1.0 + aa / c;
            if c.abs() < tiny {
                c = tiny;
            }
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-16 {
                break;
            }
        }
        h
    };
    if x < (a + 1.0) / (a + b + 2.0) {
        libm::exp(ln_front) * cf(a, b, x) / a
    } else {
        1.0 - libm::exp(ln_front) * cf(b, a, 1.0 - x) / b
    }
}

/// Student t CDF with `df` degrees of freedom.
pub fn t_cdf(t: f64, df: f64) -> f64 {
    let x = df / (df + t * t);
    let tail = 0.5 * beta_inc(df / 2.0, 0.5, x);
    if t >= 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

/// The t value with `P(T <= t) = p` (bisection on the CDF; |error| < 1e-12).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    let (mut lo, mut hi) = (-1e3, 1e3);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Two-sided two-proportion z-test with the pooled standard error: (z, p).
pub fn two_proportion_z(x1: f64, n1: f64, x2: f64, n2: f64) -> Option<(f64, f64)> {
    if n1 <= 0.0 || n2 <= 0.0 {
        return None;
    }
    let pooled = (x1 + x2) / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if se == 0.0 || !se.is_finite() {
        return None;
    }
    let z = (x2 / n2 - x1 / n1) / se;
    Some((z, 2.0 * normal_cdf(-z.abs())))
}

/// Mean and sample variance (ddof = 1).
fn mean_var(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = if v.len() > 1 { v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0) } else { 0.0 };
    (m, var)
}

/// Welch's t-test of mean(b) − mean(a), two-sided: (t, df, p), as
/// `scipy.stats.ttest_ind(b, a, equal_var=False)`.
pub fn welch_t(a: &[f64], b: &[f64]) -> Option<(f64, f64, f64)> {
    if a.len() < 2 || b.len() < 2 {
        return None;
    }
    let ((ma, va), (mb, vb)) = (mean_var(a), mean_var(b));
    let (sa, sb) = (va / a.len() as f64, vb / b.len() as f64);
    let se = (sa + sb).sqrt();
    if se == 0.0 || !se.is_finite() {
        return None;
    }
    let t = (mb - ma) / se;
    let df = (sa + sb) * (sa + sb) / (sa * sa / (a.len() as f64 - 1.0) + sb * sb / (b.len() as f64 - 1.0));
    Some((t, df, 2.0 * t_cdf(-t.abs(), df)))
}

/// 95 % Wilson score interval for x successes out of n.
pub fn wilson(x: f64, n: f64) -> Option<(f64, f64)> {
    if n <= 0.0 {
        return None;
    }
    let z = 1.959_963_984_540_054; // normal 97.5 % quantile
    let p = x / n;
    let den = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / den;
    let half = z * ((p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt()) / den;
    Some((centre - half, centre + half))
}

/// 95 % t interval for the mean of `v`.
pub fn mean_ci(v: &[f64]) -> Option<(f64, f64)> {
    if v.len() < 2 {
        return None;
    }
    let (m, var) = mean_var(v);
    let half = t_quantile(0.975, v.len() as f64 - 1.0) * (var / v.len() as f64).sqrt();
    Some((m - half, m + half))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Values from scipy 1.x: scipy.stats.norm.cdf, scipy.stats.t.cdf / t.ppf.
    #[test]
    fn distributions_match_scipy() {
        assert!((normal_cdf(1.0) - 0.8413447460685429).abs() < 1e-14);
        assert!((normal_cdf(-3.0) - 0.0013498980316300933).abs() < 1e-15);
        assert!((t_cdf(2.0, 5.0) - 0.9490302605850708).abs() < 1e-12);
        assert!((t_cdf(-1.5, 12.3) - 0.07941942338275546).abs() < 1e-12);
        assert!((t_quantile(0.975, 10.0) - 2.228138851986274).abs() < 1e-9);
    }

    // Values from Python's math.lgamma, on both sides of the 0.5 switch to Γ(x + 1) / x.
    #[test]
    fn ln_gamma_matches_lgamma() {
        let cases = [
            (1e-6, 13.81550998074943),
            (0.001, 6.907178885383854),
            (0.1, 2.2527126517342055),
            (0.243, 1.3180435846996699),
            (0.4999, 0.5725613186041184),
            (0.5, 0.5723649429247004),
            (1.0, 0.0),
            (2.5, 0.2846828704729196),
            (10.0, 12.801827480081467),
            (171.5, 709.1431630309282),
        ];
        for (x, want) in cases {
            let got = ln_gamma(x);
            assert!((got - want).abs() <= 1e-13 * want.abs().max(1.0), "lnΓ({x}) = {got}, want {want}");
        }
    }
}
