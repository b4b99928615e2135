// Public types of the JS API. The Report mirrors the Rust `Report` struct
// (src/report.rs), which is the source of truth; fields may be added, never renamed.

/** Options for a segmentation run; every field is optional and mirrors a CLI flag. */
export interface Options {
  /** What one input row is: `auto` (default), `events` or `table`. */
  input?: 'auto' | 'events' | 'table';
  /** Segmentation method: k-means on scaled features, or RFM scores with named R × F segments. Default `kmeans`. */
  method?: 'kmeans' | 'rfm' | 'rules' | 'dbscan';
  /** Number of segments, or `'auto'` to choose k in 2..10 by silhouette. Default 4. */
  k?: number | 'auto';
  /** Feature columns to use. Default: every numeric column except the id. */
  features?: string[];
  /** Scaling before clustering. Default `standard`. */
  scale?: 'standard' | 'minmax' | 'robust' | 'none';
  /** Seed for every random choice; `null` draws a fresh one (reported). Default 0. */
  seed?: number | null;
  /** k-means restarts. Default 10. */
  nInit?: number;
  /** k-means iterations per restart. Default 300. */
  maxIter?: number;
  /** k-means relative tolerance. Default 1e-4. */
  tol?: number;
  /** Fit BG/NBD and Gamma-Gamma: `p_alive`, `expected_purchases_90d`, `expected_aov`, `clv_90d` become features and RFM-table columns. Default false. */
  clv?: boolean;
  /** Mini-batch k-means with batches of this many customers, for large inputs (scikit-learn uses 1024). Default: off. */
  miniBatch?: number;
  /** log1p of skewed non-negative features before scaling: `auto` (skewness > 1), `none`, `all`. Default `auto`. */
  log?: 'auto' | 'none' | 'all';
  /** Missing feature values: the column `median`, `mean`, or a `constant` (`imputeValue`). Default `median`. */
  impute?: 'median' | 'mean' | 'constant';
  /** The value `impute: 'constant'` fills in. Default 0. */
  imputeValue?: number;
  /** Outlier clipping before log1p and scaling: `none`, `iqr` (Tukey's fences Q1 − 1.5·IQR, Q3 + 1.5·IQR) or `percentile`. Default `none`. */
  clip?: 'none' | 'iqr' | 'percentile';
  /** `clip: 'percentile'` keeps values between this percentile and 100 minus it. Default 1. */
  clipPercentile?: number;
  /** Customer id column. Default: detected from names and contents. */
  idColumn?: string;
  /** Timestamp column of an event log. Default: detected. */
  timeColumn?: string;
  /** Event name column. Default: detected. */
  eventColumn?: string;
  /** Revenue / amount column. Default: detected. */
  revenueColumn?: string;
  /** Experiment arm (A/B variant) column. Default: detected (`variant`, `ab_group`, `arm`, …). */
  variantColumn?: string;
  /** `dmy` or `mdy` for slash dates the data cannot settle. Default: detected (month-first when ambiguous, with a warning). */
  dateFormat?: 'dmy' | 'mdy';
  /** Reference date for recency, `YYYY-MM-DD`. Default: last event + 1 day. */
  asOf?: string;
  /** Only events this many days before `asOf` count. Default: all. */
  lookbackDays?: number;
  /** Inactivity gap that ends a session, minutes. Default 30. */
  sessionGapMin?: number;
  /** Event names that are purchases. Default: names containing purchase/order/checkout/transaction/payment/buy/subscribe. */
  purchaseEvents?: string[];
  /** RFM score bins: 3, 4 or 5. Default 5. */
  rfmBins?: 3 | 4 | 5;
  /** RFM segment map: rows tried in order, first match wins. Default: the R × F map (Champions … Hibernating). */
  rfmMap?: { pattern: string; name: string }[];
  /** DBSCAN radius in the scaled feature space. Default: suggested from the k-distance curve (reported as `eps_suggestion`). */
  eps?: number;
  /** DBSCAN: customers (itself included) within eps that make a core customer. Default 5. */
  minSamples?: number;
  /** Largest input accepted, in MB; bigger files are refused with code `too_large` before parsing. Default 1024. */
  maxMb?: number;
  /** Event logs: also segment customers as of this earlier date (`YYYY-MM-DD`) with the same model; see `Report.migration`. */
  compareTo?: string;
  /** Rules for `method: 'rules'`: one `name: condition` per line (`VIP: monetary > 1000 and orders >= 5`), first match wins, `*` matches all. */
  rules?: string;
  /** Cohort period of event logs. Default `month`. */
  period?: 'day' | 'week' | 'month';
  /** Event names that count as activity in cohort tables. Default: every event. */
  cohortEvents?: string[];
}

export interface CohortRow { cohort: string; size: number; retained: number[]; percent: number[] }

/** Retention (PostHog first-time and recurring), lifecycle and stickiness. */
export interface CohortReport {
  period: 'day' | 'week' | 'month';
  first_time: CohortRow[];
  recurring: CohortRow[];
  lifecycle: { period: string; new: number; returning: number; resurrecting: number; dormant: number }[];
  stickiness: { period: string; customers: number[] }[];
}

export interface ColumnInfo {
  name: string;
  type: 'integer' | 'float' | 'boolean' | 'timestamp' | 'category' | 'text' | 'empty';
  role: string | null;
  format: string | null;
}

export interface Warning { line: number | null; message: string }

export interface Segment {
  id: number;
  name: string;
  size: number;
  share: number;
  profile: Record<string, number>;
  lift: Record<string, number | null>;
  /** Median of each feature over the segment, in original units. */
  median: Record<string, number | null>;
  rule: string;
  /** A depth ≤ 3 decision-tree rule (rules syntax) that picks the segment out, and how faithful it is. */
  surrogate: Surrogate | null;
  revenue_share: number | null;
}

export interface Surrogate {
  /** e.g. `orders > 3 and recency_days <= 40`; valid input for the rules method. */
  rule: string;
  /** Share of all customers the rule classifies as the segmentation does. */
  fidelity: number;
  /** Share of the customers matching the rule who are in the segment. */
  precision: number;
  /** Share of the segment's customers the rule matches. */
  recall: number;
}

export interface Metrics {
  silhouette: number | null;
  silhouette_sample_size: number | null;
  /** Per segment: mean silhouette and its customers' silhouettes sorted high to low (at most 40 evenly spaced). */
  silhouette_by_segment: { segment: number; mean: number | null; count: number; profile: number[] }[];
  davies_bouldin: number | null;
  calinski_harabasz: number | null;
  inertia: number | null;
}

export interface KSearchEntry {
  k: number;
  silhouette: number | null;
  inertia: number | null;
  davies_bouldin: number | null;
  calinski_harabasz: number | null;
}

export interface Report {
  version: string;
  method: string;
  k: number;
  seed: number;
  rows_read: number;
  rows_skipped: number;
  customers: number;
  input: 'events' | 'table';
  format: string;
  preset: string | null;
  columns: ColumnInfo[];
  as_of: string | null;
  id_column: string | null;
  features: string[];
  ignored_columns: string[];
  scaling: string;
  preprocessing: { feature: string; step: string; detail: string }[];
  segments: Segment[];
  metrics: Metrics;
  k_search: KSearchEntry[];
  /** RFM runs: customers per (R, F) score cell and the cell's segment name. */
  rfm_grid: { r: number; f: number; count: number; name: string }[];
  /** DBSCAN: the radius used and the suggested one. */
  eps: number | null;
  eps_suggestion: number | null;
  /** Customers on the first two principal components of the scaled features (at most 2,000, a seeded sample). */
  projection: { explained: [number, number]; loadings: [number[], number[]]; sample_size: number; points: { x: number; y: number; segment: number }[] } | null;
  /** Segments × RFM names of the same customers (`counts[row][column]`), when recency and frequency exist. */
  crosstab: { against: string; rows: string[]; columns: string[]; counts: number[][] } | null;
  /** With a variant column: per segment and variant, conversion and revenue per customer with 95 % intervals;
   * treatment − control with a two-proportion z-test (conversion) and Welch's t-test (revenue). */
  experiment: {
    column: string;
    control: string;
    treatment: string;
    segments: {
      segment: string;
      variants: { variant: string; customers: number; conversion: number; conversion_ci: [number, number] | null; revenue_per_customer: number; revenue_ci: [number, number] | null }[];
      conversion_diff: number | null; z: number | null; p_conversion: number | null;
      revenue_diff: number | null; t: number | null; df: number | null; p_revenue: number | null;
    }[];
  } | null;
  /** With `compareTo`: `flows[i][j]` customers went from segment i (at `from`) to j (at `to`); the last row is customers new since `from`. */
  migration: { from: string; to: string; segments: string[]; flows: number[][]; moved: number } | null;
  /** Event-log input: cohort tables. */
  cohorts: CohortReport | null;
  iterations: number;
  converged: boolean;
  warnings: Warning[];
  /** What the loaded data takes: input size, and bytes held by the parsed columns (the text of a CSV event
   * log streamed from a File is never held). */
  memory: { input_bytes: number; data_bytes: number } | null;
}

/** What a run returns. */
export interface Result {
  report: Report;
  /** The Report as JSON text, byte-identical to the CLI's `--report`. */
  reportJson: string;
  /** `id,segment,name` per customer, input order (the CLI's `--labels`). */
  labelsCsv: string;
  /** The same, with ids a spreadsheet would run as formulas (`=…`, `+…`, `-…`, `@…`) prefixed by `'`. */
  labelsCsvSafe: string;
  /** `id,recency,frequency,monetary,r,f,m,segment` for RFM runs, else null (the CLI's `rfm --out`). */
  rfmCsv: string | null;
  /** The fitted model as JSON (stable, versioned): assign new customers with `predict`. */
  modelJson: string;
  /** The features the segmentation used, per customer (row-major `values`, `ids.length × names.length`, missing values imputed). */
  customerFeatures: { ids: string[]; names: string[]; values: Float64Array };
  /** Segment id per customer, input order. */
  labels: Uint32Array;
  /** Customer ids, input order (the same array as `customerFeatures.ids`). */
  ids: string[];
}

/** Customers assigned with a saved model. */
export interface Prediction {
  labelsCsv: string;
  labels: number[];
  ids: string[];
  /** Segment names by id. */
  names: string[];
  /** Customers per segment id. */
  sizes: number[];
  rows_read: number;
  rows_skipped: number;
}

export interface Progress {
  stage: 'load' | 'parse' | 'segment' | 'done';
  /** While parsing a File/Blob: bytes read so far; otherwise the input size (or 0). */
  done: number;
  /** While parsing a File/Blob: its size in bytes. */
  total: number;
  /** While parsing a File/Blob: rows parsed so far (0 for inputs read whole at the end: JSON, tables). */
  rows?: number;
}
