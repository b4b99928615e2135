//! Internal cluster-validity metrics, defined exactly as scikit-learn's
//! `sklearn.metrics` so numbers can be compared one to one. All take the
//! scaled feature matrix the algorithm saw and one label per row; labels are
//! re-encoded densely first (like scikit-learn's LabelEncoder), so unused
//! label values do not count as clusters. Each returns `None` when the metric
//! is undefined (fewer than 2 or more than n − 1 distinct labels).

mod agreement;
mod calinski_harabasz;
mod davies_bouldin;
mod groups;
mod silhouette;

pub use agreement::{adjusted_rand_index, contingency};
pub use calinski_harabasz::calinski_harabasz;
pub use davies_bouldin::davies_bouldin;
pub use silhouette::{
    silhouette, silhouette_by_segment, silhouette_samples, SegmentSilhouette, Silhouette, SILHOUETTE_EXACT_LIMIT,
};
