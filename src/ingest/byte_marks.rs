//! Where the bytes a CSV line reader looks for lie in sixteen bytes of input: one bit per byte
//! for each of line feed, delimiter, CR and quote, and one for each byte that is not ASCII. The
//! line reader ([`super::csv_stream`]) takes a line sixteen bytes at a time from these masks.
//!
//! With Wasm SIMD (the `simd128` build) and on x86-64 (SSE2, always there) each mask is one
//! comparison of all sixteen bytes and one instruction gathering their results; elsewhere (the
//! scalar Wasm build) the same masks are worked out eight bytes at a time in a `u64`. The three
//! give the same masks (tests below, and `tests/js/simd.test.mjs` across the two Wasm builds).

/// Bit `i` is set when byte `i` of the sixteen is the one named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Marks {
    pub lf: u32,
    pub delimiter: u32,
    pub cr: u32,
    pub quote: u32,
    /// Bytes with their high bit set: not ASCII.
    pub wide: u32,
}

impl Marks {
    /// The marks from `of(c)`, the mask of the bytes equal to `c`, and the non-ASCII mask: the one
    /// place the ways of computing them name what is looked for.
    #[inline]
    fn from_fn(delimiter: u8, wide: u32, of: impl Fn(u8) -> u32) -> Marks {
        Marks { lf: of(b'\n'), delimiter: of(delimiter), cr: of(b'\r'), quote: of(b'"'), wide }
    }
}

/// The marks of `block`'s sixteen bytes.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
pub(super) fn marks(block: &[u8; 16], delimiter: u8) -> Marks {
    use core::arch::wasm32::*;
    // SAFETY: reads the sixteen bytes of `block`, no more; v128 loads need no alignment.
    let v = unsafe { v128_load(block.as_ptr().cast()) };
    Marks::from_fn(delimiter, u32::from(i8x16_bitmask(v)), |c| u32::from(i8x16_bitmask(i8x16_eq(v, u8x16_splat(c)))))
}

/// The marks of `block`'s sixteen bytes.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(super) fn marks(block: &[u8; 16], delimiter: u8) -> Marks {
    use core::arch::x86_64::*;
    // SAFETY: SSE2 is part of every x86-64 processor (the target enables it); the load reads the
    // sixteen bytes of `block`, no more, and needs no alignment.
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr().cast());
        Marks::from_fn(delimiter, _mm_movemask_epi8(v) as u32, |c| {
            _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8))) as u32
        })
    }
}

/// The marks of `block`'s sixteen bytes.
#[cfg(not(any(all(target_arch = "wasm32", target_feature = "simd128"), target_arch = "x86_64")))]
#[inline]
pub(super) fn marks(block: &[u8; 16], delimiter: u8) -> Marks {
    by_words(block, delimiter)
}

/// [`marks`] eight bytes at a time in a `u64`, without SIMD.
#[cfg_attr(any(all(target_arch = "wasm32", target_feature = "simd128"), target_arch = "x86_64"), allow(dead_code))]
#[inline]
fn by_words(block: &[u8; 16], delimiter: u8) -> Marks {
    let (lo, hi) = block.split_at(8);
    let word = |b: &[u8]| b.try_into().map_or(0, u64::from_le_bytes);
    let (lo, hi) = (word(lo), word(hi));
    let wide = gather(lo & HIGH) | gather(hi & HIGH) << 8;
    Marks::from_fn(delimiter, wide, |c| gather(bytes_equal(lo, c)) | gather(bytes_equal(hi, c)) << 8)
}

/// Each byte's high bit.
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` that equals `c`, exactly (no carries between bytes: each
/// byte's low seven bits are added within the byte).
fn bytes_equal(w: u64, c: u8) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = w ^ (0x0101_0101_0101_0101 * u64::from(c));
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// The bytes' high bits (the only bits set in `x`) as eight bits, byte `i`'s as bit `i`: the
/// multiplication adds each into a place of the top byte of its own, with no carries.
fn gather(x: u64) -> u32 {
    ((x >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definition, byte by byte.
    fn naive(block: &[u8; 16], delimiter: u8) -> Marks {
        let of = |f: &dyn Fn(u8) -> bool| block.iter().enumerate().fold(0, |m, (i, &b)| m | u32::from(f(b)) << i);
        // Field by field (not through `Marks::from_fn`), so a slip there shows up here.
        Marks {
            lf: of(&|b| b == b'\n'),
            delimiter: of(&|b| b == delimiter),
            cr: of(&|b| b == b'\r'),
            quote: of(&|b| b == b'"'),
            wide: of(&|b| b >= 0x80),
        }
    }

    proptest! {
        /// Both ways give the definition's masks, on any bytes, mostly ones the reader looks for.
        #[test]
        fn marks_are_exactly_the_bytes_named(
            picks in prop::collection::vec((0u8..3, any::<u8>()), 16),
            delimiter in any::<u8>(),
        ) {
            let bytes: Vec<u8> = picks
                .iter()
                .map(|&(kind, x)| match kind {
                    0 => [b'\n', b'\r', b'"', delimiter, 0x80, 0x7f, 0xff, 0][usize::from(x % 8)],
                    1 => delimiter ^ (x % 4),
                    _ => x,
                })
                .collect();
            let block: [u8; 16] = bytes.try_into().unwrap();
            let want = naive(&block, delimiter);
            prop_assert_eq!(marks(&block, delimiter), want);
            prop_assert_eq!(by_words(&block, delimiter), want);
        }
    }
}
