//! RFM: recency, frequency and monetary value scored 1..=bins by quantiles,
//! and named segments from the R × F grid.
//!
//! **Scores, exactly as analysts compute them in pandas:**
//! `pd.qcut(x.rank(method="first"), bins, labels=range(1, bins + 1))`,
//! customers in order of first appearance (so ties go to whoever appeared
//! first). Ranks run 1..n; bin edges are the linear-interpolation quantiles
//! of the ranks, `e_j = 1 + (n − 1)·j / bins`; a rank r gets the smallest j
//! with r ≤ e_j (j ≥ 1). Recency is reversed (`bins + 1 − score`) so the
//! most recent customers score highest. pandas refuses n < bins ("bin edges
//! must be unique"); seglens scores such tiny inputs with the same formula.
//!
//! **Segments:** the widely used R × F map (as in the `rfm` Python package
//! and most RFM tutorials), which partitions the 5 × 5 grid so every cell
//! has exactly one name — see [`DEFAULT_MAP`]. With 3 or 4 bins, scores are
//! placed on the 5-grid by `⌈s · 5 / bins⌉`. A user map of
//! `(pattern, name)` rows (`"[4-5][4-5]"` = R in 4..5 and F in 4..5) can
//! replace it; rows are tried in order and unmatched customers are "Other".

mod map;
mod scores;

pub use map::{to_grid5, RfmMap, RfmRule, DEFAULT_MAP};
pub use scores::{qcut_first, rfm_scores, RfmScores};
