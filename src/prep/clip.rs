//! Outlier clipping (winsorising) before scaling: values beyond a lower and
//! an upper bound are set to the bound, so a handful of extreme customers
//! cannot pull a centroid or stretch a scale. Off by default (log1p already
//! tames heavy tails); the bounds are kept in the model for `predict`.

use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

use super::quantile_sorted;

/// Which bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Clip {
    /// No clipping (default).
    #[default]
    None,
    /// Tukey's fences: [Q1 − 1.5·IQR, Q3 + 1.5·IQR].
    Iqr,
    /// The p-th and (100 − p)-th percentiles (`clipPercentile`, default 1).
    Percentile,
}

/// Per column (lower, upper) bounds; `None` for [`Clip::None`].
pub fn clip_bounds(x: &Array2<f64>, how: Clip, percentile: f64) -> Option<Vec<(f64, f64)>> {
    if how == Clip::None {
        return None;
    }
    let p = (percentile / 100.0).clamp(0.0, 0.5);
    Some(
        x.axis_iter(Axis(1))
            .map(|col| {
                let mut v: Vec<f64> = col.iter().copied().filter(|v| v.is_finite()).collect();
                crate::sorting::sort_f64(&mut v);
                let q = |f: f64| quantile_sorted(&v, f).unwrap_or(0.0);
                match how {
                    Clip::Iqr => {
                        let (q1, q3) = (q(0.25), q(0.75));
                        (q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1))
                    }
                    _ => (q(p), q(1.0 - p)),
                }
            })
            .collect(),
    )
}

/// Clips each column to its bounds; returns, per column, how many values moved.
pub fn clip(x: &mut Array2<f64>, bounds: &[(f64, f64)]) -> Vec<u64> {
    x.axis_iter_mut(Axis(1))
        .zip(bounds)
        .map(|(mut col, &(lo, hi))| {
            let mut moved = 0;
            for v in col.iter_mut() {
                let c = v.max(lo).min(hi);
                if c != *v {
                    moved += 1;
                    *v = c;
                }
            }
            moved
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn tukey_fences_and_percentiles_like_numpy() {
        // numpy.quantile(range(1, 11), [.25, .75]) = [3.25, 7.75]; IQR 4.5 → [-3.5, 14.5]
        let mut x = Array2::from_shape_vec((11, 1), (1..=10).map(f64::from).chain([100.0]).collect()).unwrap();
        let b = clip_bounds(&x.slice(ndarray::s![..10, ..]).to_owned(), Clip::Iqr, 0.0).unwrap();
        assert_eq!(b, vec![(-3.5, 14.5)]);
        assert_eq!(clip(&mut x, &b), vec![1]);
        assert_eq!(x[[10, 0]], 14.5);
        // numpy.quantile(range(1, 11), [.1, .9]) = [1.9, 9.1]
        let y = Array2::from_shape_vec((10, 1), (1..=10).map(f64::from).collect()).unwrap();
        let b = clip_bounds(&y, Clip::Percentile, 10.0).unwrap();
        assert!((b[0].0 - 1.9).abs() < 1e-12 && (b[0].1 - 9.1).abs() < 1e-12);
        assert_eq!(clip_bounds(&y, Clip::None, 1.0), None);
    }
}
