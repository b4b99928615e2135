/// R, F, M scores per customer.
#[derive(Debug, Clone, PartialEq)]
pub struct RfmScores {
    pub r: Vec<u8>,
    pub f: Vec<u8>,
    pub m: Vec<u8>,
}

/// `pd.qcut(values.rank(method="first"), bins, labels=1..=bins)`: quantile
/// scores 1..=bins, ties broken by position (first = lower rank).
pub fn qcut_first(values: &[f64], bins: u8) -> Vec<u8> {
    let n = values.len();
    let bins = bins.max(1);
    let mut order: Vec<usize> = (0..n).collect();
    // Stable sort: equal values keep input order, i.e. rank(method="first").
    crate::sorting::sort_indices(&mut order, &|a, b| values[a].total_cmp(&values[b]));
    let mut scores = vec![1u8; n];
    let span = n.saturating_sub(1) as f64;
    for (pos, &i) in order.iter().enumerate() {
        let rank = (pos + 1) as f64;
        // smallest j >= 1 with rank <= 1 + span * j / bins
        let mut j = 1u8;
        while j < bins && rank > 1.0 + span * f64::from(j) / f64::from(bins) {
            j += 1;
        }
        scores[i] = j;
    }
    scores
}

/// Scores recency (reversed: recent = high), frequency and monetary.
pub fn rfm_scores(recency: &[f64], frequency: &[f64], monetary: &[f64], bins: u8) -> RfmScores {
    let r = qcut_first(recency, bins).into_iter().map(|s| bins + 1 - s).collect();
    RfmScores { r, f: qcut_first(frequency, bins), m: qcut_first(monetary, bins) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn matches_pandas_qcut_on_first_ranks() {
        // pd.qcut(pd.Series([5,1,3,3,9,7,2,8,6,4]).rank(method="first"), 5, labels=[1,2,3,4,5])
        // -> [3, 1, 2, 2, 5, 4, 1, 5, 4, 3]  (run with pandas 2.x)
        let v = [5.0, 1.0, 3.0, 3.0, 9.0, 7.0, 2.0, 8.0, 6.0, 4.0];
        assert_eq!(qcut_first(&v, 5), vec![3, 1, 2, 2, 5, 4, 1, 5, 4, 3]);
        // all equal: first-appearance order decides
        assert_eq!(qcut_first(&[1.0; 5], 5), vec![1, 2, 3, 4, 5]);
        // pd.qcut(pd.Series(range(7)).rank(method="first"), 3, labels=[1,2,3]) -> [1,1,1,2,2,3,3]
        let seven: Vec<f64> = (0..7).map(f64::from).collect();
        assert_eq!(qcut_first(&seven, 3), vec![1, 1, 1, 2, 2, 3, 3]);
    }

    #[test]
    fn recency_is_reversed() {
        let s = rfm_scores(&[1.0, 100.0], &[1.0, 1.0], &[1.0, 2.0], 5);
        assert_eq!(s.r, vec![5, 1]);
    }

    proptest! {
        #[test]
        fn scores_are_within_bins_and_balanced(values in prop::collection::vec(-1e6f64..1e6, 1..300), bins in 3u8..=5) {
            let s = qcut_first(&values, bins);
            prop_assert!(s.iter().all(|&x| x >= 1 && x <= bins));
            if values.len() >= bins as usize {
                // quantile bins on distinct ranks differ in size by at most one... plus edge rounding
                let mut counts = vec![0usize; bins as usize];
                for &x in &s { counts[(x - 1) as usize] += 1; }
                let (lo, hi) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
                prop_assert!(hi - lo <= 2, "{counts:?}");
            }
        }
    }
}
