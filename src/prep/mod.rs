//! Preparation between the raw features and the algorithm: fill missing
//! values, then put features on a common scale so no single unit (cents vs
//! visits) dominates the distances.

mod clip;
mod impute;
mod log;
mod scale;
mod stats;

pub use clip::{clip, clip_bounds, Clip};
pub use impute::{fill_values, impute, Impute, Imputed};
pub use log::{log1p_skewed, skewness, SKEW_THRESHOLD};
pub use scale::{Scaler, Scaling};
pub use stats::{mean, median_sorted, quantile_sorted};
