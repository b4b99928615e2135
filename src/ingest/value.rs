//! Cell-level parsing shared by every reader: what counts as missing and
//! what counts as a number.

/// Tokens analytics exports use for "no value". Compared case-insensitively
/// after trimming. `-` is what spreadsheets print for an empty computed cell.
const NULL_TOKENS: [&str; 8] = ["", "na", "n/a", "null", "nan", "none", "-", "#n/a"];

/// `str::trim`, with a fast path for the usual cell that starts and ends with a visible
/// ASCII character (trimming is a few percent of parsing a large file otherwise).
/// An empty cell (most revenue cells of an event log) is returned as it is too.
pub fn trim(cell: &str) -> &str {
    let b = cell.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if f.is_ascii_graphic() && l.is_ascii_graphic() => cell,
        (None, _) => cell,
        _ => cell.trim(),
    }
}

/// True when the cell means "missing" rather than a value.
pub fn is_null(cell: &str) -> bool {
    is_null_token(trim(cell))
}

/// The cell trimmed, or `None` when it means missing: what the row readers want of each cell,
/// trimming it once (trimming again inside [`is_null`] and the parsers was a tenth of parsing).
///
/// The usual cells are answered at once, with no further call: an empty one, and one with a
/// visible ASCII character at each end that cannot be a null token (longer than four bytes, or
/// not starting as one does). Any other goes through [`trim`] and the token list. Native
/// instructions to load 200k events: 213.9M against 222.7M before (209.2M with this inlined into
/// each caller, for 610 B more of gzipped Wasm).
#[inline(never)]
pub fn present(cell: &str) -> Option<&str> {
    match cell.as_bytes() {
        [] => None,
        [f, .., l] | [f @ l]
            if f.is_ascii_graphic() && l.is_ascii_graphic() && (cell.len() > 4 || !may_start_null(*f)) =>
        {
            Some(cell)
        }
        _ => present_by_list(cell),
    }
}

/// Whether a null token (of [`NULL_TOKENS`], in any case) can start with `b`.
#[inline]
fn may_start_null(b: u8) -> bool {
    matches!(b, b'n' | b'N' | b'-' | b'#')
}

/// [`present`] of any cell.
#[inline(never)]
fn present_by_list(cell: &str) -> Option<&str> {
    let t = trim(cell);
    (!is_null_token(t)).then_some(t)
}

/// [`is_null`] of an already trimmed cell.
fn is_null_token(t: &str) -> bool {
    t.len() <= 4 && NULL_TOKENS.iter().any(|n| t.eq_ignore_ascii_case(n))
}

/// Parses a finite decimal number (`12`, `-3.5`, `1e3`, `.5`). Returns `None`
/// for anything else, including `inf`, `NaN` and locale forms like `12,5`, so
/// a value is never silently reinterpreted.
pub fn parse_number(cell: &str) -> Option<f64> {
    let t = trim(cell);
    let first = *t.as_bytes().first()?;
    // Rust's parser accepts "inf", "infinity" and "nan"; user data never means those.
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return None;
    }
    if t.bytes().any(|b| b.is_ascii_alphabetic() && b != b'e' && b != b'E') {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// True for number-shaped text that is not a usable finite number: `inf`,
/// `-Infinity`, `1e400`. Such cells keep their column numeric (they are
/// numbers gone wrong, not words) and their rows are skipped with a message.
pub fn is_non_finite_number(cell: &str) -> bool {
    let t = cell.trim();
    !t.eq_ignore_ascii_case("nan") && parse_number(t).is_none() && t.parse::<f64>().is_ok_and(|v| !v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_trim_is_trim() {
        for s in ["", " ", "a", " a ", "\ta", "a\u{00A0}", "\u{2003}x", "x y", "é", " é "] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    /// The inline cases of `present` answer as the token list does: on every null token in any
    /// case, padded or not, and on text around them.
    #[test]
    fn present_inline_is_present_by_list() {
        for t in NULL_TOKENS {
            for first in
                [t.as_bytes().first().map(u8::to_ascii_lowercase), t.as_bytes().first().map(u8::to_ascii_uppercase)]
            {
                assert!(first.is_none_or(may_start_null), "{t:?} starts with a byte present() lets through");
            }
        }
        let mut cells: Vec<String> = Vec::new();
        for t in NULL_TOKENS.iter().copied().chain([
            "n", "no", "NA", "N/A", "Null", "NONE", "#N/A", "nans", "--", "#", "u1", "buy", "view", "12.5", "é", "né",
            "\u{a0}na",
        ]) {
            for pad in ["", " ", "\t"] {
                cells.push(format!("{pad}{t}{pad}"));
                cells.push(format!("{t}{pad}"));
                cells.push(format!("{t}x"));
            }
        }
        for c in &cells {
            assert_eq!(present(c), present_by_list(c), "{c:?}");
        }
    }

    #[test]
    fn numbers_parse_and_words_do_not() {
        assert_eq!(parse_number(" 12 "), Some(12.0));
        assert_eq!(parse_number("-3.5"), Some(-3.5));
        assert_eq!(parse_number("1e3"), Some(1000.0));
        assert_eq!(parse_number(".5"), Some(0.5));
        for bad in ["", "abc", "inf", "-inf", "NaN", "12,5", "1e400", "0x10", "1.2.3"] {
            assert_eq!(parse_number(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn non_finite_numbers_are_recognised() {
        for v in ["inf", "-Infinity", "1e400", "+INF"] {
            assert!(is_non_finite_number(v), "{v}");
        }
        for v in ["1", "NaN", "abc", ""] {
            assert!(!is_non_finite_number(v), "{v}");
        }
    }

    #[test]
    fn null_tokens_are_recognised_case_insensitively() {
        for n in ["", " ", "NA", "n/a", "NULL", "NaN", "-", "None"] {
            assert!(is_null(n), "{n:?}");
        }
        for v in ["0", "no", "nil?", "--"] {
            assert!(!is_null(v), "{v:?}");
        }
    }
}
