// The error every seglens surface throws: a message a person can act on, a
// stable `code` to branch on, and `line`/`column` for data errors.

export class SeglensError extends Error {
  /**
   * @param {string} message
   * @param {{ code?: string, line?: number, column?: string }} [details]
   */
  constructor(message, details = {}) {
    super(message);
    this.name = 'SeglensError';
    /** Stable machine-readable code, e.g. `empty_input`, `no_numeric_columns`, `cancelled`. */
    this.code = details.code ?? 'internal';
    /** 1-based input line the error is about, when there is one. */
    this.line = details.line;
    /** Column name the error is about, when there is one. */
    this.column = details.column;
  }

  /** A structured-clone-safe copy for postMessage. */
  toJSON() {
    return { message: this.message, code: this.code, line: this.line, column: this.column };
  }

  /**
   * Whatever was thrown (a Wasm error with code/line, a JS error, a string)
   * as a SeglensError.
   * @param {unknown} e
   * @returns {SeglensError}
   */
  static from(e) {
    if (e instanceof SeglensError) return e;
    const o = /** @type {{ message?: unknown, code?: unknown, line?: unknown, column?: unknown }} */ (
      e !== null && typeof e === 'object' ? e : { message: String(e) }
    );
    return new SeglensError(String(o.message ?? e), {
      code: typeof o.code === 'string' ? o.code : 'internal',
      line: typeof o.line === 'number' ? o.line : undefined,
      column: typeof o.column === 'string' ? o.column : undefined,
    });
  }
}

/**
 * A worker's failure as the page sees it. A Wasm trap (out of memory: Rust aborts) leaves the
 * instance unusable, so it is flagged for the page to replace the worker; data errors are ordinary.
 * @param {unknown} e
 * @returns {{ error: SeglensError, trapped: boolean }}
 */
export function workerError(e) {
  if (!(e instanceof WebAssembly.RuntimeError)) return { error: SeglensError.from(e), trapped: false };
  const message = `the segmentation engine stopped (${e.message}); most likely out of memory: try a smaller file or fewer features`;
  return { error: new SeglensError(message, { code: 'engine_failed' }), trapped: true };
}
