//! Missing values: replaced by the column median (robust to the heavy tails
//! behavioural data has), with a count per column for the Report.

use ndarray::{Array2, Axis};

use super::median_sorted;

/// What imputation did to one column.
#[derive(Debug, Clone, PartialEq)]
pub struct Imputed {
    pub column: usize,
    pub count: u64,
    pub value: f64,
}

/// Replaces `NaN` cells by their column's median (0 when the column has no
/// value at all). Returns one entry per column that had missing cells.
pub fn impute_median(x: &mut Array2<f64>) -> Vec<Imputed> {
    let mut out = Vec::new();
    for (j, mut col) in x.axis_iter_mut(Axis(1)).enumerate() {
        let missing = col.iter().filter(|v| v.is_nan()).count() as u64;
        if missing == 0 {
            continue;
        }
        let mut present: Vec<f64> = col.iter().copied().filter(|v| !v.is_nan()).collect();
        present.sort_by(f64::total_cmp);
        let value = median_sorted(&present).unwrap_or(0.0);
        col.iter_mut().filter(|v| v.is_nan()).for_each(|v| *v = value);
        out.push(Imputed { column: j, count: missing, value });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn fills_with_median_and_reports() {
        let mut x = array![[1.0, f64::NAN], [f64::NAN, f64::NAN], [3.0, f64::NAN], [10.0, f64::NAN]];
        let r = impute_median(&mut x);
        assert_eq!(r, vec![Imputed { column: 0, count: 1, value: 3.0 }, Imputed { column: 1, count: 4, value: 0.0 }]);
        assert_eq!(x[[1, 0]], 3.0);
        assert!(x.iter().all(|v| v.is_finite()));
    }
}
