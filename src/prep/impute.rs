//! Missing values: replaced by the column median by default (robust to the
//! heavy tails behavioural data has), or the mean, or a constant; with a
//! count per column for the Report. The fill values are kept in the model so
//! new customers are filled the same way.

use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

use super::{mean, median_sorted};

/// How missing feature values are filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Impute {
    /// The column median (default).
    #[default]
    Median,
    /// The column mean (scikit-learn's `SimpleImputer` default).
    Mean,
    /// A constant (`imputeValue`, default 0).
    Constant,
}

/// What imputation did to one column.
#[derive(Debug, Clone, PartialEq)]
pub struct Imputed {
    pub column: usize,
    pub count: u64,
    pub value: f64,
}

/// Per column, the value a missing cell gets (0 for a column with no value at all).
pub fn fill_values(x: &Array2<f64>, how: Impute, constant: f64) -> Vec<f64> {
    x.axis_iter(Axis(1))
        .map(|col| {
            let present = col.iter().copied().filter(|v| !v.is_nan());
            match how {
                Impute::Constant => constant,
                Impute::Mean => mean(present).unwrap_or(0.0),
                Impute::Median => {
                    let mut v: Vec<f64> = present.collect();
                    crate::sorting::sort_f64(&mut v);
                    median_sorted(&v).unwrap_or(0.0)
                }
            }
        })
        .collect()
}

/// Replaces `NaN` cells by their column's fill value. Returns one entry per column that had missing cells.
pub fn impute(x: &mut Array2<f64>, fill: &[f64]) -> Vec<Imputed> {
    let mut out = Vec::new();
    for (j, mut col) in x.axis_iter_mut(Axis(1)).enumerate() {
        let value = fill.get(j).copied().unwrap_or(0.0);
        let mut count = 0;
        col.iter_mut().filter(|v| v.is_nan()).for_each(|v| {
            *v = value;
            count += 1;
        });
        if count > 0 {
            out.push(Imputed { column: j, count, value });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn fills_with_median_mean_or_constant_and_reports() {
        let nan = f64::NAN;
        let x = array![[1.0, nan], [nan, nan], [3.0, nan], [10.0, nan]];
        assert_eq!(fill_values(&x, Impute::Median, 0.0), [3.0, 0.0]);
        assert_eq!(fill_values(&x, Impute::Mean, 0.0), [14.0 / 3.0, 0.0]);
        assert_eq!(fill_values(&x, Impute::Constant, -1.0), [-1.0, -1.0]);
        let mut y = x.clone();
        let r = impute(&mut y, &[3.0, 0.0]);
        assert_eq!(r, vec![Imputed { column: 0, count: 1, value: 3.0 }, Imputed { column: 1, count: 4, value: 0.0 }]);
        assert_eq!(y[[1, 0]], 3.0);
        assert!(y.iter().all(|v| v.is_finite()));
    }
}
