//! Exports of the parallel k-means Wasm (`--features parallel`, loaded only
//! by `www/pool-worker.js`): a shard of rows per worker, the coordinator,
//! and the seeding. Plain number arrays in and out: no serialisation code.

use wasm_bindgen::prelude::*;

use super::{into_error, kmeans_input, kmeans_params};
use crate::cluster::kmeans::shard::{Coordinator, Far, Next, Partial, Shard};

/// The seeding of a parallel k-means run, computed where all rows are: the
/// `n_init` k-means++ starts exactly as `kmeans` draws them (or the given
/// `init`), and the absolute tolerance: `[nInit, tol, inits…]` (plain
/// numbers: these internal exports add no serialisation code to the Wasm).
#[wasm_bindgen(js_name = kmeansPlan)]
pub fn kmeans_plan(data: Vec<f64>, d: usize, options: JsValue) -> Result<JsValue, JsValue> {
    let (o, x) = kmeans_input(data, d, options)?;
    let data = x.as_slice().unwrap_or(&[]);
    let p = kmeans_params(&o);
    p.check(x.nrows()).map_err(|e| into_error(e.into()))?;
    let tol = crate::cluster::kmeans::lloyd::absolute_tol(&x, o.tol.unwrap_or(1e-4));
    let (inits, n_init) = match o.init {
        Some(init) => (init, 1),
        None => {
            let n = o.n_init.unwrap_or(10);
            let mut master = crate::rng::seeded(o.seed.unwrap_or(0));
            let mut inits = Vec::new();
            for _ in 0..n {
                let mut rng = crate::rng::seeded(rand::RngCore::next_u64(&mut master));
                inits.extend(crate::cluster::kmeans::kmeans_plus_plus(data, d, o.k as usize, &mut rng));
            }
            (inits, n)
        }
    };
    let mut out = vec![f64::from(n_init), tol];
    out.extend(inits);
    Ok(js_sys::Float64Array::from(out.as_slice()).into())
}

/// One worker's rows of a parallel k-means run (see `cluster::kmeans::shard`).
/// Partials go to the coordinator as `[changed, counts…, block sums…]`.
#[wasm_bindgen(js_name = KMeansShard)]
pub struct WasmShard {
    data: Vec<f64>,
    shard: Shard,
    first: Vec<f64>,
}

fn encode(p: &Partial) -> Vec<f64> {
    let mut out = Vec::with_capacity(1 + p.counts.len() + p.sums.len());
    out.push(p.changed as f64);
    out.extend(p.counts.iter().map(|&c| c as f64));
    out.extend_from_slice(&p.sums);
    out
}

#[wasm_bindgen(js_class = KMeansShard)]
impl WasmShard {
    /// Rows `data` (row-major, `d` columns) starting at global row `first_row` (a multiple of 4096).
    #[wasm_bindgen(constructor)]
    pub fn new(data: Vec<f64>, d: usize, centers: Vec<f64>, first_row: f64) -> WasmShard {
        let (shard, p) = Shard::new(&data, d, centers, first_row as u64);
        WasmShard { data, shard, first: encode(&p) }
    }

    /// The partial of the first assignment.
    pub fn first(&self) -> Vec<f64> {
        self.first.clone()
    }

    pub fn step(&mut self, centers: &[f64]) -> Vec<f64> {
        encode(&self.shard.step(&self.data, centers))
    }

    /// `[dist, row, label, values…]` per row, the `e` farthest from their centres.
    pub fn farthest(&self, e: usize) -> Vec<f64> {
        let mut out = Vec::new();
        for f in self.shard.farthest(&self.data, e) {
            out.extend([f.dist, f.row as f64, f64::from(f.label)]);
            out.extend(f.point);
        }
        out
    }

    pub fn inertia(&self, centers: &[f64]) -> Vec<f64> {
        self.shard.inertia_blocks(&self.data, centers)
    }

    pub fn labels(&self) -> Vec<u32> {
        self.shard.labels().to_vec()
    }
}

/// The reduce side of a parallel k-means run. `absorb`/`relocate` return
/// what to do next: `[0, centres…]` step, `[1, e]` farthest rows, `[2]` done.
#[wasm_bindgen(js_name = KMeansCoordinator)]
pub struct WasmCoordinator {
    c: Coordinator,
    k: usize,
    d: usize,
}

/// `[0, centres…]` step, `[1, e]` farthest, `[2]` done.
fn next_out(n: Next) -> Vec<f64> {
    match n {
        Next::Step(c) => std::iter::once(0.0).chain(c).collect(),
        Next::Farthest(e) => vec![1.0, e as f64],
        Next::Done => vec![2.0],
    }
}

#[wasm_bindgen(js_class = KMeansCoordinator)]
impl WasmCoordinator {
    #[wasm_bindgen(constructor)]
    pub fn new(centers: Vec<f64>, d: usize, tol: f64, max_iter: u32) -> WasmCoordinator {
        let k = centers.len() / d.max(1);
        WasmCoordinator { c: Coordinator::new(centers, d, tol, max_iter), k, d: d.max(1) }
    }

    /// Every shard's partial, in row order.
    pub fn absorb(&mut self, partials: js_sys::Array) -> Vec<f64> {
        let k = self.k;
        let parts: Vec<Partial> = partials
            .iter()
            .map(|v| {
                let a = js_sys::Float64Array::from(v).to_vec();
                let counts = a.get(1..1 + k).unwrap_or_default().iter().map(|&c| c as u64).collect();
                Partial {
                    changed: a.first().copied().unwrap_or(0.0) as u64,
                    counts,
                    sums: a.get(1 + k..).unwrap_or_default().to_vec(),
                }
            })
            .collect();
        next_out(self.c.absorb(&parts))
    }

    /// Every shard's `farthest` rows, concatenated.
    pub fn relocate(&mut self, far: &[f64]) -> Vec<f64> {
        let far = far
            .chunks_exact(3 + self.d)
            .map(|f| Far { dist: f[0], row: f[1] as u64, label: f[2] as u32, point: f[3..].to_vec() })
            .collect();
        next_out(self.c.relocate(far))
    }

    pub fn centers(&self) -> Vec<f64> {
        self.c.centers().to_vec()
    }

    /// `[n_iter, converged (0/1), inertia]` from every shard's inertia blocks, in row order.
    pub fn finish(&self, inertia_blocks: &[f64]) -> Vec<f64> {
        vec![f64::from(self.c.n_iter()), f64::from(u8::from(self.c.converged())), inertia_blocks.iter().sum()]
    }
}
