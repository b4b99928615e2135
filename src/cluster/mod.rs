//! Segmentation algorithms over a scaled feature matrix.

pub mod kmeans;
