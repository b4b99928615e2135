//! Nelder–Mead minimisation: derivative-free, robust on the small smooth
//! likelihoods of the CLV models (3–4 parameters, optimised in log space so
//! every parameter stays positive), and deterministic.

/// Minimises `f` from `x0`; returns the best point and its value.
/// Stops when the simplex's values agree to `1e-12` (relative) or after `max_iter` steps.
pub fn nelder_mead(f: &dyn Fn(&[f64]) -> f64, x0: &[f64], step: f64, max_iter: usize) -> (Vec<f64>, f64) {
    let n = x0.len();
    let eval = |x: &[f64]| {
        let v = f(x);
        if v.is_finite() {
            v
        } else {
            f64::INFINITY
        }
    };
    let mut simplex: Vec<(Vec<f64>, f64)> = (0..=n)
        .map(|i| {
            let mut x = x0.to_vec();
            if i > 0 {
                x[i - 1] += step;
            }
            let v = eval(&x);
            (x, v)
        })
        .collect();
    // Indices of the best, worst and second-worst vertices, by linear scans
    // (no sort: keeps the Wasm small, the simplex has n + 1 ≤ 5 points).
    let order = |s: &[(Vec<f64>, f64)]| {
        let (mut best, mut worst) = (0, 0);
        for (i, p) in s.iter().enumerate() {
            if p.1 < s[best].1 {
                best = i;
            }
            if p.1 >= s[worst].1 {
                worst = i;
            }
        }
        let second = (0..s.len()).filter(|&i| i != worst).fold(best, |m, i| if s[i].1 > s[m].1 { i } else { m });
        (best, worst, second)
    };
    for _ in 0..max_iter {
        let (ib, iw, is) = order(&simplex);
        let (best, worst) = (simplex[ib].1, simplex[iw].1);
        if (worst - best).abs() <= 1e-12 * (1.0 + best.abs()) {
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| simplex.iter().enumerate().filter(|(i, _)| *i != iw).map(|(_, p)| p.0[j]).sum::<f64>() / n as f64)
            .collect();
        let towards =
            |t: f64| -> Vec<f64> { (0..n).map(|j| centroid[j] + t * (simplex[iw].0[j] - centroid[j])).collect() };
        let reflected = towards(-1.0);
        let fr = eval(&reflected);
        if fr < best {
            let expanded = towards(-2.0);
            let fe = eval(&expanded);
            simplex[iw] = if fe < fr { (expanded, fe) } else { (reflected, fr) };
        } else if fr < simplex[is].1 {
            simplex[iw] = (reflected, fr);
        } else {
            let contracted = if fr < worst { towards(-0.5) } else { towards(0.5) };
            let fc = eval(&contracted);
            if fc < worst.min(fr) {
                simplex[iw] = (contracted, fc);
            } else {
                // Shrink towards the best point.
                let first = simplex[ib].0.clone();
                for (i, p) in simplex.iter_mut().enumerate() {
                    if i == ib {
                        continue;
                    }
                    for (x, b) in p.0.iter_mut().zip(&first) {
                        *x = b + 0.5 * (*x - b);
                    }
                    p.1 = eval(&p.0);
                }
            }
        }
    }
    let (ib, _, _) = order(&simplex);
    simplex.swap_remove(ib)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_minimum_of_rosenbrock() {
        let f = |x: &[f64]| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2);
        let (x, v) = nelder_mead(&f, &[-1.2, 1.0], 0.5, 5000);
        assert!(v < 1e-10, "value {v}");
        assert!((x[0] - 1.0).abs() < 1e-4 && (x[1] - 1.0).abs() < 1e-4, "{x:?}");
    }
}
