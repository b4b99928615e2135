//! The WebAssembly binding: converts JS values in, calls the core, converts
//! the Report out, maps errors. No analytics lives here.
//!
//! One stateful object, [`Session`], keeps the parsed data in Wasm memory so
//! a page can re-segment with other options without parsing again.

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::ingest::host::{HostColumn, HostTable};

use crate::{labels_csv, labels_csv_safe, rfm_csv, Error, Options, Segmentation, Segmenter};

/// Version of the crate this Wasm was built from; the JS glue compares it
/// with its own to catch a stale cached `.wasm`.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

/// Parsed data plus the latest segmentation of it.
#[wasm_bindgen]
pub struct Session {
    data: Segmenter,
    last: Option<Segmentation>,
}

#[wasm_bindgen]
impl Session {
    /// Parses the bytes of a file (CSV/TSV/JSON/JSONL) with the given options.
    pub fn load(bytes: &[u8], options: JsValue) -> Result<Session, JsValue> {
        let opts = options_from(options)?;
        let data = Segmenter::load(bytes, &opts).map_err(into_error)?;
        Ok(Session { data, last: None })
    }

    /// Loads a host page's columns without text: `columns[i]` is a `Float64Array` (numbers; NaN
    /// for missing) or an array of strings (`""` for missing), named by `names[i]`.
    #[wasm_bindgen(js_name = fromColumns)]
    pub fn from_columns(names: Vec<String>, columns: js_sys::Array, options: JsValue) -> Result<Session, JsValue> {
        let opts = options_from(options)?;
        let bad = |m: String| error_value("bad_input", &m, None, None);
        let mut cols = Vec::with_capacity(columns.length() as usize);
        for (i, c) in columns.iter().enumerate() {
            let name = names.get(i).map_or("?", String::as_str);
            if let Some(f) = c.dyn_ref::<js_sys::Float64Array>() {
                cols.push(HostColumn::Numbers(f.to_vec()));
            } else if let Some(a) = c.dyn_ref::<js_sys::Array>() {
                let text: Option<Vec<String>> = a.iter().map(|v| v.as_string()).collect();
                let text = text.ok_or_else(|| bad(format!("column \"{name}\": expected strings")))?;
                cols.push(HostColumn::Text(text));
            } else {
                return Err(bad(format!("column \"{name}\": expected a Float64Array or an array of strings")));
            }
        }
        let host = HostTable::new(names, cols).map_err(|e| into_error(e.into()))?;
        let data = Segmenter::from_host(host, &opts).map_err(into_error)?;
        Ok(Session { data, last: None })
    }

    /// Number of distinct customers loaded.
    #[wasm_bindgen(getter)]
    pub fn customers(&self) -> usize {
        self.data.customers()
    }

    /// `"events"` or `"table"`.
    #[wasm_bindgen(getter, js_name = inputKind)]
    pub fn input_kind(&self) -> String {
        self.data.input_kind().to_string()
    }

    /// The input columns with inferred types and detected roles.
    pub fn columns(&self) -> Result<JsValue, JsValue> {
        to_js(&self.data.columns())
    }

    /// Retention, lifecycle and stickiness tables of a loaded event log.
    pub fn cohorts(&self, options: JsValue) -> Result<JsValue, JsValue> {
        let opts = options_from(options)?;
        let c = self.data.cohorts(&opts).map_err(into_error)?;
        to_js(&c)
    }

    /// Every per-customer feature of the loaded data (behavioural features for
    /// an event log, the numeric columns of a table): `{ ids, names, values }`,
    /// `values` row-major (`ids.length × names.length`, NaN for missing).
    pub fn features(&self, options: JsValue) -> Result<JsValue, JsValue> {
        let opts = options_from(options)?;
        let t = self.data.features_table(&opts).map_err(into_error)?;
        id_table(&t.ids, &t.feature_names, &t.values)
    }

    /// The features the latest segmentation used, per customer (after imputation):
    /// `{ ids, names, values }` like `features()`, without computing anything again.
    #[wasm_bindgen(js_name = segmentFeatures)]
    pub fn segment_features(&self) -> Result<JsValue, JsValue> {
        let seg = self.latest()?;
        id_table(&seg.ids, &seg.report.features, &seg.values)
    }

    /// Segments the loaded data; returns the Report as a plain object.
    pub fn segment(&mut self, options: JsValue) -> Result<JsValue, JsValue> {
        let opts = options_from(options)?;
        let seg = self.data.segment(&opts).map_err(into_error)?;
        let out = to_js(&seg.report);
        self.last = Some(seg);
        out
    }

    /// The latest Report as JSON text, byte-identical to the CLI's and the native library's.
    #[wasm_bindgen(js_name = reportJson)]
    pub fn report_json(&self) -> Result<String, JsValue> {
        self.latest()?.report.to_json().map_err(into_error)
    }

    /// The latest labels as the DESIGN.md labels CSV (`id,segment,name`); with
    /// `spreadsheetSafe`, ids that a spreadsheet would run as formulas are neutralised.
    #[wasm_bindgen(js_name = labelsCsv)]
    pub fn labels_csv(&self, spreadsheet_safe: Option<bool>) -> Result<String, JsValue> {
        let seg = self.latest()?;
        if spreadsheet_safe == Some(true) { labels_csv_safe(seg) } else { labels_csv(seg) }.map_err(into_error)
    }

    /// The latest RFM table (`id,recency,frequency,monetary,r,f,m,segment`), or undefined for other methods.
    #[wasm_bindgen(js_name = rfmCsv)]
    pub fn rfm_csv(&self) -> Result<Option<String>, JsValue> {
        rfm_csv(self.latest()?).map_err(into_error)
    }

    /// The fitted model of the latest run as JSON (for `predict` and SQL export).
    #[wasm_bindgen(js_name = modelJson)]
    pub fn model_json(&self) -> Result<String, JsValue> {
        self.latest()?.model.to_json().map_err(into_error)
    }

    /// The latest segment of each customer, in input order.
    pub fn labels(&self) -> Result<Vec<u32>, JsValue> {
        Ok(self.latest()?.labels.clone())
    }

    /// Customer ids of the latest segmentation, in input order.
    pub fn ids(&self) -> Result<Vec<String>, JsValue> {
        Ok(self.latest()?.ids.clone())
    }

    fn latest(&self) -> Result<&Segmentation, JsValue> {
        self.last.as_ref().ok_or_else(|| error_value("not_segmented", "call segment() first", None, None))
    }
}

/// Loads a file pushed in chunks (`File.stream()` in the worker): CSV event
/// logs are parsed as the chunks arrive, so the text is never held whole.
#[wasm_bindgen(js_name = Loader)]
pub struct ChunkLoader {
    inner: crate::Loader,
}

#[wasm_bindgen(js_class = Loader)]
impl ChunkLoader {
    /// `size`: the file's size in bytes, when known (too-large files are refused at once).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue, size: Option<f64>) -> Result<ChunkLoader, JsValue> {
        let opts = options_from(options)?;
        // JS sizes are non-negative integers below 2^53: exact as u64.
        let size = size.and_then(js_count);
        Ok(ChunkLoader { inner: crate::Loader::new(opts, size).map_err(into_error)? })
    }

    /// Takes the next chunk.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.inner.push(chunk).map_err(into_error)
    }

    /// Rows parsed so far (0 for inputs read whole at the end).
    #[wasm_bindgen(getter)]
    pub fn rows(&self) -> f64 {
        self.inner.rows() as f64
    }

    /// Ends the input; the loader is consumed and the data becomes a [`Session`].
    pub fn finish(self) -> Result<Session, JsValue> {
        let data = self.inner.finish().map_err(into_error)?;
        Ok(Session { data, last: None })
    }
}

/// Options of the low-level `kmeans` export (camelCase, all optional but `k`).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct KMeansOptions {
    k: u32,
    n_init: Option<u32>,
    max_iter: Option<u32>,
    tol: Option<f64>,
    seed: Option<u64>,
    /// Initial centres, row-major `k * d` values: one Lloyd run from them.
    init: Option<Vec<f64>>,
}

/// k-means on a row-major matrix (`data.length / d` rows of `d` values),
/// without any preprocessing: the building block for teams with their own UI.
#[wasm_bindgen]
pub fn kmeans(data: Vec<f64>, d: usize, options: JsValue) -> Result<JsValue, JsValue> {
    let bad = |m: String| error_value("bad_params", &m, None, None);
    let (o, x) = kmeans_input(data, d, options)?;
    let valid = kmeans_params(&o).check(x.nrows()).map_err(|e| into_error(e.into()))?;
    let model = match o.init {
        Some(init) => {
            let rows = init.len() / d;
            let init = ndarray::Array2::from_shape_vec((rows, d), init).map_err(|e| bad(e.to_string()))?;
            valid.fit_from(&x, &init).map_err(|e| into_error(e.into()))?
        }
        None => valid.fit(&x),
    };
    // Typed arrays, as the parallel k-means returns them (www/parallel.js): one copy each. As JSON
    // text and JSON.parse, the labels of 100k rows cost 8 of the 26 ms a call took besides its
    // iterations (Node, 1 iteration from given centres: 26.2 against 18.3 ms, median of 15).
    let centroids = model.centroids.as_standard_layout();
    object(&[
        ("labels", &js_sys::Uint32Array::from(model.labels.as_slice()).into()),
        ("centroids", &js_sys::Float64Array::from(centroids.as_slice().unwrap_or(&[])).into()),
        ("inertia", &JsValue::from_f64(model.inertia)),
        ("n_iter", &JsValue::from(model.n_iter)),
        ("converged", &JsValue::from_bool(model.converged)),
    ])
}

#[cfg(feature = "parallel")]
mod parallel;
#[cfg(feature = "parallel")]
mod parts;

/// Options and matrix of the k-means exports, checked.
/// `data` is the copy wasm-bindgen made of the caller's array, taken over as the matrix.
fn kmeans_input(data: Vec<f64>, d: usize, options: JsValue) -> Result<(KMeansOptions, ndarray::Array2<f64>), JsValue> {
    let bad = |m: String| error_value("bad_params", &m, None, None);
    let o: KMeansOptions =
        serde_wasm_bindgen::from_value(options).map_err(|e| bad(format!("invalid k-means options: {e}")))?;
    if d == 0 || data.len() % d != 0 {
        return Err(bad(format!("data has {} values, not a whole number of rows of {d}", data.len())));
    }
    if data.iter().any(|v| !v.is_finite()) {
        return Err(bad("data must be finite numbers (no NaN or Infinity)".into()));
    }
    let x = ndarray::Array2::from_shape_vec((data.len() / d, d), data).map_err(|e| bad(e.to_string()))?;
    Ok((o, x))
}

fn kmeans_params(o: &KMeansOptions) -> crate::cluster::kmeans::KMeansParams {
    let mut p = crate::cluster::kmeans::KMeansParams::new(o.k);
    if let Some(v) = o.n_init {
        p = p.n_init(v);
    }
    if let Some(v) = o.max_iter {
        p = p.max_iter(v);
    }
    if let Some(v) = o.tol {
        p = p.tol(v);
    }
    if let Some(v) = o.seed {
        p = p.seed(v);
    }
    p
}

/// Cluster-validity metrics of given labels on a row-major matrix (`data.length / d` rows):
/// `{ silhouette, silhouette_sample_size, davies_bouldin, calinski_harabasz }`, null where
/// undefined (one cluster, ...). The silhouette is exact up to 5,000 rows, else on a seeded sample.
#[wasm_bindgen]
pub fn metrics(data: &[f64], d: usize, labels: &[u32], seed: u64) -> Result<JsValue, JsValue> {
    let bad = |m: String| error_value("bad_params", &m, None, None);
    if d == 0 || data.len() % d != 0 || data.len() / d != labels.len() {
        return Err(bad(format!(
            "need one label per row: {} values of {d} columns, {} labels",
            data.len(),
            labels.len()
        )));
    }
    if data.iter().any(|v| !v.is_finite()) {
        return Err(bad("data must be finite numbers (no NaN or Infinity)".into()));
    }
    let x = ndarray::ArrayView2::from_shape((labels.len(), d), data).map_err(|e| bad(e.to_string()))?;
    let sil = crate::metrics::silhouette(x, labels, seed);
    to_js(&crate::report::Metrics {
        silhouette: sil.map(|s| s.score),
        silhouette_sample_size: sil.map(|s| s.sample_size as u64),
        davies_bouldin: crate::metrics::davies_bouldin(x, labels),
        calinski_harabasz: crate::metrics::calinski_harabasz(x, labels),
        ..Default::default()
    })
}

/// What `predict` returns to JS.
#[derive(Serialize)]
struct PredictionOut {
    #[serde(rename = "labelsCsv")]
    labels_csv: String,
    labels: Vec<u32>,
    ids: Vec<String>,
    names: Vec<String>,
    sizes: Vec<u64>,
    rows_read: u64,
    rows_skipped: u64,
}

/// Assigns the customers in `bytes` with a saved model (`modelJson`).
/// `asOf` (YYYY-MM-DD) overrides the reference date of event features.
#[wasm_bindgen]
pub fn predict(bytes: &[u8], model_json: &str, as_of: Option<String>) -> Result<JsValue, JsValue> {
    let model = crate::model::Model::from_json(model_json).map_err(|e| into_error(e.into()))?;
    let p = model.predict(bytes, as_of).map_err(into_error)?;
    let out = PredictionOut {
        labels_csv: p.labels_csv().map_err(into_error)?,
        labels: p.labels,
        ids: p.ids,
        names: p.names,
        sizes: p.sizes,
        rows_read: p.rows_read,
        rows_skipped: p.rows_skipped,
    };
    to_js(&out)
}

/// A size or count from JS (a non-negative integer below 2^53, exact as u64); `None` for NaN,
/// infinities and negatives.
fn js_count(v: f64) -> Option<u64> {
    (v.is_finite() && v >= 0.0).then_some(v as u64)
}

fn options_from(value: JsValue) -> Result<Options, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Options::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| {
        // serde-wasm-bindgen's message is a JS error's text ("Error: unknown variant …").
        let text = e.to_string();
        let text = text.strip_prefix("Error: ").unwrap_or(&text);
        error_value("bad_options", &format!("invalid options: {text}"), None, None)
    })
}

/// A plain object with these properties, in this order.
fn object(props: &[(&str, &JsValue)]) -> Result<JsValue, JsValue> {
    let out = js_sys::Object::new();
    for (k, v) in props {
        js_sys::Reflect::set(&out, &JsValue::from_str(k), v)?;
    }
    Ok(out.into())
}

/// `{ ids, names, values }`: one row of `values` (row-major, NaN for missing) per id.
fn id_table(ids: &[String], names: &[String], values: &ndarray::Array2<f64>) -> Result<JsValue, JsValue> {
    let strings = |v: &[String]| -> js_sys::Array { v.iter().map(|s| JsValue::from_str(s)).collect() };
    let values = js_sys::Float64Array::from(values.as_standard_layout().as_slice().unwrap_or(&[]));
    object(&[("ids", &strings(ids).into()), ("names", &strings(names).into()), ("values", &values.into())])
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    // Through serde_json and JSON.parse rather than serde-wasm-bindgen's
    // serializer: the Report types are already compiled for serde_json (the
    // byte-identical JSON outputs), so this adds no second copy of their
    // serialisation code to the .wasm, and JS gets plain objects as JSON.parse
    // gives them (NaN becomes null, as in the Report JSON).
    let text = serde_json::to_string(value).map_err(|e| error_value("output", &e.to_string(), None, None))?;
    js_sys::JSON::parse(&text)
}

/// The one place a Rust error becomes a JS `Error` with `code`, `line`, `column`.
fn into_error(e: Error) -> JsValue {
    error_value(e.code(), &e.to_string(), e.line(), e.column())
}

fn error_value(code: &str, message: &str, line: Option<u64>, column: Option<&str>) -> JsValue {
    let err = js_sys::Error::new(message);
    let set = |k: &str, v: JsValue| {
        // Reflect.set only fails on frozen objects; a fresh Error is not.
        let _ = js_sys::Reflect::set(&err, &JsValue::from_str(k), &v);
    };
    set("code", JsValue::from_str(code));
    if let Some(l) = line {
        set("line", JsValue::from_f64(l as f64));
    }
    if let Some(c) = column {
        set("column", JsValue::from_str(c));
    }
    err.into()
}
