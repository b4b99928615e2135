use super::{lloyd, KMeansError, KMeansModel};
use ndarray::Array2;
use rand::RngCore;

use crate::rng::seeded;

/// k-means settings. Defaults are scikit-learn's.
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansParams {
    k: u32,
    n_init: u32,
    max_iter: u32,
    tol: f64,
    seed: u64,
    /// `Some(batch size)`: mini-batch k-means instead of full Lloyd iterations.
    mini_batch: Option<usize>,
}

impl KMeansParams {
    /// `k` clusters; n_init 10, max_iter 300, tol 1e-4, seed 0.
    pub fn new(k: u32) -> Self {
        KMeansParams { k, n_init: 10, max_iter: 300, tol: 1e-4, seed: 0, mini_batch: None }
    }
    /// Independent k-means++ restarts; the lowest inertia wins. Default 10.
    pub fn n_init(mut self, n: u32) -> Self {
        self.n_init = n;
        self
    }
    /// Lloyd iterations per restart. Default 300.
    pub fn max_iter(mut self, n: u32) -> Self {
        self.max_iter = n;
        self
    }
    /// Convergence threshold on the total squared centre shift, relative to
    /// the mean feature variance (as scikit-learn). Default 1e-4.
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }
    /// Seed of the restarts' generators. Default 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Mini-batch k-means with batches of `size` rows (scikit-learn's default is 1024): for
    /// large inputs, at some cost in inertia. `max_iter` then counts passes over the data
    /// (at most 100) and `n_init` is not used (3 k-means++ seedings on a subsample instead).
    pub fn mini_batch(mut self, size: usize) -> Self {
        self.mini_batch = Some(size);
        self
    }

    /// Validates against the number of samples to cluster.
    pub fn check(self, n_samples: usize) -> Result<KMeansValidParams, KMeansError> {
        if self.k == 0 {
            return Err(KMeansError::KZero(self.k));
        }
        if self.k as usize > n_samples {
            return Err(KMeansError::KTooLarge { k: self.k, n: n_samples });
        }
        if self.n_init == 0 {
            return Err(KMeansError::NInitZero);
        }
        if self.max_iter == 0 {
            return Err(KMeansError::MaxIterZero);
        }
        if !(self.tol.is_finite() && self.tol >= 0.0) {
            return Err(KMeansError::BadTol(self.tol));
        }
        Ok(KMeansValidParams(self))
    }
}

/// Parameters that passed [`KMeansParams::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansValidParams(KMeansParams);

impl KMeansValidParams {
    pub fn k(&self) -> u32 {
        self.0.k
    }

    /// Runs `n_init` seeded restarts on `x` (rows = samples, already scaled
    /// and free of NaN) and keeps the one with the lowest inertia.
    pub fn fit(&self, x: &Array2<f64>) -> KMeansModel {
        let p = &self.0;
        if let Some(batch) = p.mini_batch {
            return super::minibatch::run(x, p.k as usize, batch, p.max_iter.min(100), &mut seeded(p.seed));
        }
        let tol = lloyd::absolute_tol(x, p.tol);
        let mut master = seeded(p.seed);
        let mut best: Option<KMeansModel> = None;
        for _ in 0..p.n_init {
            let mut rng = seeded(master.next_u64());
            let run = lloyd::run(x, p.k as usize, p.max_iter, tol, &mut rng);
            // scikit-learn keeps the first of nearly equal optima (relative 1e-6).
            if best.as_ref().is_none_or(|b| run.inertia < b.inertia * (1.0 - 1e-6)) {
                best = Some(run);
            }
        }
        best.unwrap_or_else(|| lloyd::run(x, p.k as usize, p.max_iter, tol, &mut seeded(p.seed)))
    }

    /// One Lloyd run from given initial centres (`k × d`), like scikit-learn's
    /// `KMeans(init=array, n_init=1)`; no randomness involved.
    pub fn fit_from(&self, x: &Array2<f64>, init: &Array2<f64>) -> Result<KMeansModel, KMeansError> {
        let p = &self.0;
        if init.nrows() != p.k as usize || init.ncols() != x.ncols() {
            return Err(KMeansError::BadInit { rows: init.nrows(), cols: init.ncols(), k: p.k, d: x.ncols() });
        }
        if init.iter().any(|v| !v.is_finite()) {
            return Err(KMeansError::BadInit { rows: init.nrows(), cols: init.ncols(), k: p.k, d: x.ncols() });
        }
        let tol = lloyd::absolute_tol(x, p.tol);
        Ok(super::hamerly::run_from(x, init.as_standard_layout().iter().copied().collect(), p.max_iter, tol))
    }
}
