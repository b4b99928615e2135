// Which of the two Wasm builds this engine can run: Wasm SIMD (simd128, in every current browser
// and Node ≥ 16) or the scalar fallback. Both give bit-identical results; SIMD is faster in the
// k-means and distance kernels.

/** The smallest module using a SIMD instruction (as in wasm-feature-detect): validates only where simd128 is supported. */
const PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** @returns {boolean} */
export function simdSupported() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(PROBE);
  } catch {
    return false;
  }
}

/**
 * The default Wasm next to the package: the SIMD build where it runs. (Both `new URL` calls are
 * literal so webpack and Vite copy both files.)
 * @returns {URL}
 */
export function defaultWasmUrl() {
  return simdSupported() ? new URL('./pkg/seglens_simd_bg.wasm', import.meta.url) : new URL('./pkg/seglens_bg.wasm', import.meta.url);
}
