//! The one seeded generator type. Xoshiro256++ is fast, has a tiny state and
//! produces the same stream on every platform (no usize- or SIMD-dependent
//! paths), which is what makes native and wasm results byte-identical.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator every stochastic routine takes.
pub type SegRng = Xoshiro256PlusPlus;

/// A generator from a user-visible seed.
pub fn seeded(seed: u64) -> SegRng {
    SegRng::seed_from_u64(seed)
}

/// A fresh seed from the OS (crypto.getRandomValues in browsers), used only
/// when the caller explicitly asks for an unseeded run. The seed is reported
/// so even such a run can be reproduced.
pub fn fresh_seed() -> u64 {
    getrandom::u64().unwrap_or(0x5EED_1E45)
}
