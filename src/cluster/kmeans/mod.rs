//! k-means clustering, following scikit-learn's `KMeans` so results compare:
//! greedy k-means++ seeding (2 + ln k local trials), Lloyd iterations with a
//! tolerance relative to the data's variance, empty clusters re-seeded from
//! the farthest points, best of `n_init` runs by inertia. Iterations run with
//! Hamerly's bounds (`hamerly.rs`), an exact acceleration: same labels and
//! centres as plain Lloyd (`lloyd.rs`, kept as the reference it is tested against).
//!
//! ```
//! use ndarray::array;
//! use seglens::cluster::kmeans::KMeansParams;
//! let x = array![[0.0, 0.0], [0.1, 0.0], [10.0, 10.0], [10.1, 10.0]];
//! let model = KMeansParams::new(2).seed(42).check(x.nrows()).unwrap().fit(&x);
//! assert_eq!(model.labels[0], model.labels[1]);
//! assert_ne!(model.labels[0], model.labels[2]);
//! ```

mod blocks;
mod errors;
mod hamerly;
mod init;
pub(crate) mod lloyd;
mod minibatch;
mod params;
#[cfg(any(test, feature = "parallel"))]
pub mod shard;

pub use errors::KMeansError;
pub use init::kmeans_plus_plus;
pub use lloyd::{nearest, sq_dist, KMeansModel};
pub use params::{KMeansParams, KMeansValidParams};
