// Public types of the JS API. The Report mirrors the Rust `Report` struct
// (src/report.rs), which is the source of truth; fields may be added, never renamed.

/** Options for a segmentation run; every field is optional and mirrors a CLI flag. */
export interface Options {
  /** What one input row is: `auto` (default), `events` or `table`. */
  input?: 'auto' | 'events' | 'table';
  /** Segmentation method. Default `kmeans`. */
  method?: 'kmeans';
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
  /** Customer id column. Default: detected from names and contents. */
  idColumn?: string;
}

export interface Warning { line: number | null; message: string }

export interface Segment {
  id: number;
  name: string;
  size: number;
  share: number;
  profile: Record<string, number>;
  lift: Record<string, number | null>;
  rule: string;
}

export interface Metrics {
  silhouette: number | null;
  silhouette_sample_size: number | null;
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
  id_column: string | null;
  features: string[];
  ignored_columns: string[];
  scaling: string;
  preprocessing: { feature: string; step: string; detail: string }[];
  segments: Segment[];
  metrics: Metrics;
  k_search: KSearchEntry[];
  iterations: number;
  converged: boolean;
  warnings: Warning[];
}

/** What a run returns. */
export interface Result {
  report: Report;
  /** The Report as JSON text, byte-identical to the CLI's `--report`. */
  reportJson: string;
  /** `id,segment,name` per customer, input order (the CLI's `--labels`). */
  labelsCsv: string;
  /** Segment id per customer, input order. */
  labels: Uint32Array;
  /** Customer ids, input order. */
  ids: string[];
}

export interface Progress {
  stage: 'load' | 'parse' | 'segment' | 'done';
  done: number;
  total: number;
}
