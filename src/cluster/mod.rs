//! Segmentation algorithms over a scaled feature matrix.

pub mod dbscan;
pub mod kmeans;
