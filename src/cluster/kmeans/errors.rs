use thiserror::Error;

/// Why k-means parameters were rejected.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum KMeansError {
    #[error("k must be at least 1 (got {0})")]
    KZero(u32),
    #[error("k = {k} is larger than the number of customers ({n}); choose k <= {n}")]
    KTooLarge { k: u32, n: usize },
    #[error("n_init must be at least 1")]
    NInitZero,
    #[error("max_iter must be at least 1")]
    MaxIterZero,
    #[error("tol must be a finite number >= 0 (got {0})")]
    BadTol(f64),
    #[error("initial centres must be {k} finite rows of {d} values (got {rows} x {cols})")]
    BadInit { rows: usize, cols: usize, k: u32, d: usize },
}
