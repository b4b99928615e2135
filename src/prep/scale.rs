//! Feature scaling. Definitions follow scikit-learn so results compare:
//! `standard` = StandardScaler (population std, ddof = 0), `minmax` =
//! MinMaxScaler to [0, 1], `robust` = RobustScaler (median, IQR 25–75 with
//! linear interpolation). A constant feature gets scale 1 (as scikit-learn
//! does) instead of a division by zero.

use std::fmt;
use std::str::FromStr;

use ndarray::{Array2, ArrayView1, Axis};
use serde::{Deserialize, Serialize};

use super::quantile_sorted;

/// Which scaling to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scaling {
    /// z-scores: (x − mean) / std. The default: k-means assumes comparable variances.
    #[default]
    Standard,
    /// (x − min) / (max − min).
    Minmax,
    /// (x − median) / IQR: outliers do not squash everyone else.
    Robust,
    /// Use the values as given.
    None,
}

impl fmt::Display for Scaling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scaling::Standard => "standard",
            Scaling::Minmax => "minmax",
            Scaling::Robust => "robust",
            Scaling::None => "none",
        })
    }
}

impl FromStr for Scaling {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "standard" => Ok(Scaling::Standard),
            "minmax" => Ok(Scaling::Minmax),
            "robust" => Ok(Scaling::Robust),
            "none" => Ok(Scaling::None),
            other => Err(format!("unknown scaling \"{other}\"; use standard, minmax, robust or none")),
        }
    }
}

/// A fitted scaler: `x' = (x − center) / scale` per feature. Serialised in
/// saved models so new customers are scaled with the same constants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scaler {
    pub scaling: Scaling,
    pub center: Vec<f64>,
    pub scale: Vec<f64>,
}

impl Scaler {
    /// Learns the constants from complete (imputed) data.
    pub fn fit(x: &Array2<f64>, scaling: Scaling) -> Scaler {
        let (center, scale) = x.axis_iter(Axis(1)).map(|col| constants(col, scaling)).unzip();
        Scaler { scaling, center, scale }
    }

    /// Returns the scaled copy of `x`.
    pub fn transform(&self, x: &Array2<f64>) -> Array2<f64> {
        let mut out = x.clone();
        for (j, mut col) in out.axis_iter_mut(Axis(1)).enumerate() {
            let (c, s) = (self.center.get(j).copied().unwrap_or(0.0), self.scale.get(j).copied().unwrap_or(1.0));
            col.mapv_inplace(|v| (v - c) / s);
        }
        out
    }

    /// Maps scaled values back to original units (used for centroids).
    pub fn inverse(&self, j: usize, v: f64) -> f64 {
        v * self.scale.get(j).copied().unwrap_or(1.0) + self.center.get(j).copied().unwrap_or(0.0)
    }
}

fn constants(col: ArrayView1<f64>, scaling: Scaling) -> (f64, f64) {
    let nonzero = |s: f64| {
        if s.is_finite() && s > f64::EPSILON * 10.0 {
            s
        } else {
            1.0
        }
    };
    let n = col.len().max(1) as f64;
    match scaling {
        Scaling::None => (0.0, 1.0),
        Scaling::Standard => {
            let mean = col.sum() / n;
            let var = col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
            (mean, nonzero(var.sqrt()))
        }
        Scaling::Minmax => {
            let min = col.iter().copied().fold(f64::INFINITY, f64::min);
            let max = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if min.is_finite() {
                (min, nonzero(max - min))
            } else {
                (0.0, 1.0)
            }
        }
        Scaling::Robust => {
            let mut s: Vec<f64> = col.to_vec();
            crate::sorting::sort_f64(&mut s);
            let q = |p| quantile_sorted(&s, p).unwrap_or(0.0);
            (q(0.5), nonzero(q(0.75) - q(0.25)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use proptest::prelude::*;

    #[test]
    fn standard_matches_sklearn() {
        // StandardScaler().fit([[1],[2],[3],[4]]): mean 2.5, scale sqrt(1.25)
        let x = array![[1.0, 5.0], [2.0, 5.0], [3.0, 5.0], [4.0, 5.0]];
        let s = Scaler::fit(&x, Scaling::Standard);
        assert_eq!(s.center, vec![2.5, 5.0]);
        assert!((s.scale[0] - 1.25f64.sqrt()).abs() < 1e-15);
        assert_eq!(s.scale[1], 1.0, "constant column keeps scale 1");
    }

    #[test]
    fn robust_and_minmax_match_sklearn() {
        let x = array![[1.0], [2.0], [3.0], [4.0], [100.0]];
        let r = Scaler::fit(&x, Scaling::Robust);
        assert_eq!((r.center[0], r.scale[0]), (3.0, 2.0)); // median 3, IQR 4 - 2
        let m = Scaler::fit(&x, Scaling::Minmax);
        assert_eq!((m.center[0], m.scale[0]), (1.0, 99.0));
    }

    proptest! {
        #[test]
        fn inverse_round_trips(values in prop::collection::vec(-1e6f64..1e6, 1..50), kind in 0usize..4) {
            let scaling = [Scaling::Standard, Scaling::Minmax, Scaling::Robust, Scaling::None][kind];
            let x = Array2::from_shape_vec((values.len(), 1), values.clone()).unwrap();
            let s = Scaler::fit(&x, scaling);
            let t = s.transform(&x);
            for (i, v) in values.iter().enumerate() {
                let back = s.inverse(0, t[[i, 0]]);
                prop_assert!((back - v).abs() <= 1e-9 * v.abs().max(1.0));
            }
        }
    }
}
