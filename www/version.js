// The seglens version this JS belongs to. The Wasm reports its own
// (`version()`); a mismatch means the .wasm came from another release (a
// stale cache or CDN copy, a hand-copied file): refused with a clear error
// instead of failing in odd ways. Kept equal to package.json and Cargo.toml
// by tests/js/api.test.mjs.
export const VERSION = '0.1.0';
