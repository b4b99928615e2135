//! Timestamps as analytics tools export them, to UTC seconds since the Unix
//! epoch: ISO-8601 with or without time and zone (`2024-03-01`,
//! `2024-03-01T12:30:00.5+02:00`, `2024-03-01 12:30:00 UTC`), day-first or
//! month-first slash dates (`01/03/2024`, `03/01/2024 12:30`), dotted
//! day-first dates (`01.03.2024`), and epoch numbers in seconds,
//! milliseconds or microseconds (GA4 exports µs).
//!
//! Civil-date arithmetic is Howard Hinnant's `days_from_civil` /
//! `civil_from_days` (proleptic Gregorian, exact for any i64 day), about
//! twenty lines, so no date crate is shipped in the Wasm for it.

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// How a timestamp column is written, decided once per column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFormat {
    Iso,
    /// `DD/MM/YYYY` (also `DD.MM.YYYY`, `DD-MM-YYYY`).
    DayFirst,
    /// `MM/DD/YYYY`.
    MonthFirst,
    EpochSeconds,
    EpochMillis,
    EpochMicros,
}

impl TimeFormat {
    pub fn name(&self) -> &'static str {
        match self {
            TimeFormat::Iso => "iso8601",
            TimeFormat::DayFirst => "dd/mm/yyyy",
            TimeFormat::MonthFirst => "mm/dd/yyyy",
            TimeFormat::EpochSeconds => "epoch seconds",
            TimeFormat::EpochMillis => "epoch milliseconds",
            TimeFormat::EpochMicros => "epoch microseconds",
        }
    }

    /// Parses one cell; `None` when it is not a valid timestamp of this format.
    pub fn parse(&self, s: &str) -> Option<i64> {
        self.parse_with(s, &mut DayCache::default())
    }

    /// [`TimeFormat::parse`] for a reader of many rows: an ISO date equal to the last one read
    /// (the ten characters of `cache`) is not read again. Rows of a log mostly come in time
    /// order, so most rows repeat the previous row's date.
    pub fn parse_with(&self, s: &str, cache: &mut DayCache) -> Option<i64> {
        self.parse_trimmed(crate::ingest::value::trim(s), cache)
    }

    /// [`TimeFormat::parse_with`] of a cell already trimmed (as the row readers hand it over).
    pub fn parse_trimmed(&self, s: &str, cache: &mut DayCache) -> Option<i64> {
        match self {
            TimeFormat::Iso => parse_iso_with(s, cache),
            TimeFormat::DayFirst => parse_slash(s, true),
            TimeFormat::MonthFirst => parse_slash(s, false),
            TimeFormat::EpochSeconds => epoch(s, 1.0),
            TimeFormat::EpochMillis => epoch(s, 1e-3),
            TimeFormat::EpochMicros => epoch(s, 1e-6),
        }
    }

    /// The usual ISO timestamp, `YYYY-MM-DDTHH:MM:SS` with or without `Z`, on the date read last:
    /// its day from `cache`, its clock from one word, inline in the row reader. `None` sends the
    /// text to [`TimeFormat::parse_trimmed`], which reads every shape (this one the same way).
    /// A call of `parse_trimmed` saves and restores the registers its other formats need, every
    /// row: natively, 1M events, 964M → 919M instructions; Wasm in Node, alternating builds,
    /// load min 129.1 → 122.9 ms.
    #[inline]
    pub fn quick(&self, s: &str, cache: &DayCache) -> Option<i64> {
        let b = s.as_bytes();
        let shape = (b.len() == 19 || (b.len() == 20 && b.get(19) == Some(&b'Z'))) && b.get(10) == Some(&b'T');
        if !(shape && matches!(self, TimeFormat::Iso)) {
            return None;
        }
        let day = cache.day.filter(|_| ten_bytes(b) == Some(cache.text))?;
        Some(day + clock(b.get(11..)?)?)
    }

    /// Reads a timestamp held as a number (host typed arrays): the epoch
    /// formats only; `None` for text formats and out-of-range values.
    pub fn from_number(&self, v: f64) -> Option<i64> {
        match self {
            TimeFormat::EpochSeconds => epoch_value(v, 1.0),
            TimeFormat::EpochMillis => epoch_value(v, 1e-3),
            TimeFormat::EpochMicros => epoch_value(v, 1e-6),
            TimeFormat::Iso | TimeFormat::DayFirst | TimeFormat::MonthFirst => None,
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of a day number since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// `YYYY-MM-DD` of a timestamp (UTC).
pub fn format_date(ts: i64) -> String {
    let (y, m, d) = civil_from_days(ts.div_euclid(DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

fn date(y: i64, m: u32, d: u32) -> Option<i64> {
    ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then(|| days_from_civil(y, m, d) * DAY)
}

/// 1–4 ASCII digits as a number (every timestamp is read through here: no
/// general integer parsing).
fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 {
        return None;
    }
    s.bytes().try_fold(0, |n, b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
}

/// Seconds of day of `HH:MM:SS` (the first eight bytes of `b`), the eight bytes read as one
/// word: the digits and colons are checked, and the digits read, all at once, without a branch
/// per byte. `None` when they are not that shape or out of range (the general path then decides,
/// as it would have anyway). The clock of a log's every row is read here: 200k events,
/// natively, 88 → 54 instructions a call of [`time_of_day`] (with [`any_time_of_day`] kept out).
fn clock(b: &[u8]) -> Option<i64> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let w = u64::from_le_bytes(b.get(..8)?.try_into().ok()?);
    // Digits become 0–9 and the colons (bytes 2 and 5) 0; any other byte something else.
    let d = w ^ 0x3030_3a30_303a_3030;
    // Each byte's high bit is set when it is over 9 (a digit's place) or over 0 (a colon's):
    // the seven low bits plus 0x76 (0x7f) carry into the high bit, never past it.
    if (((d & !HIGH) + 0x7676_7f76_767f_7676) | d) & HIGH != 0 {
        return None;
    }
    // Byte i of `d * 10 + (d >> 8)` is 10 × digit i + digit i+1 (at most 99: no carry), so bytes
    // 0, 3 and 6 hold the hours, minutes and seconds: one multiply for the six digits.
    let pairs = d.wrapping_mul(10).wrapping_add(d >> 8);
    let byte = |i: u32| (pairs >> (8 * i)) as i64 & 0xff;
    let (h, mi, sec) = (byte(0), byte(3), byte(6));
    (h <= 23 && mi <= 59 && sec <= 60).then(|| h * 3600 + mi * 60 + sec.min(59))
}

/// `HH:MM[:SS[.fff]]` then an optional zone (`Z`, `UTC`, `±HH[:MM]`, `±HHMM`) → seconds of day minus offset.
/// Inline in its two callers: a call in Wasm passes its `Option<i64>` through memory, and it was
/// 3.4 % of loading 1M events (V8 profile in Node); with it inlined the ISO reader went from
/// 9.0 % (5.6 % + 3.4 %) to 5.1 %. +46 B of gzipped Wasm.
#[inline]
fn time_of_day(s: &str) -> Option<i64> {
    // The most common shape, `HH:MM:SS` with or without `Z`, read in place (the same checks as
    // the general path below, which splits the text). Its first and last bytes are not blank,
    // so trimming would not change it: it is looked for before trimming.
    let b = s.as_bytes();
    if b.len() == 8 || (b.len() == 9 && matches!(b.get(8), Some(b'Z' | b'z'))) {
        if let Some(t) = clock(b) {
            return Some(t);
        }
    }
    let s = crate::ingest::value::trim(s);
    if s.is_empty() {
        return Some(0);
    }
    any_time_of_day(s)
}

/// [`time_of_day`] of any accepted shape (trimmed, non-empty `s`). Not inlined into it: the
/// registers this one needs made every call of the common shape save and restore them.
#[inline(never)]
fn any_time_of_day(s: &str) -> Option<i64> {
    let (clock, offset) = split_zone(s)?;
    let mut parts = clock.split(':');
    let h = digits(parts.next()?)?;
    let mi = digits(parts.next()?)?;
    let sec = match parts.next() {
        Some(p) => {
            let whole = p.split(['.', ',']).next()?;
            digits(whole)?
        }
        None => 0,
    };
    if parts.next().is_some() || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    Some(h as i64 * 3600 + mi as i64 * 60 + sec.min(59) as i64 - offset)
}

/// Splits a trailing zone designator off a clock time; returns its offset in seconds.
fn split_zone(s: &str) -> Option<(&str, i64)> {
    if let Some(c) = s.strip_suffix('Z').or_else(|| s.strip_suffix('z')) {
        return Some((c, 0));
    }
    if let Some(c) = s.strip_suffix("UTC").or_else(|| s.strip_suffix("GMT")) {
        return Some((c.trim_end(), 0));
    }
    if let Some(pos) = s.rfind(['+', '-']) {
        let (clock, zone) = s.split_at(pos);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let z = zone.get(1..)?.replace(':', "");
        // `get`, not slicing: four bytes need not be four characters (`a€`).
        let (h, m) = match z.len() {
            2 => (digits(&z)?, 0),
            4 => (digits(z.get(..2)?)?, digits(z.get(2..)?)?),
            _ => return None,
        };
        if h > 18 || m > 59 {
            return None;
        }
        return Some((clock.trim_end(), sign * (h as i64 * 3600 + m as i64 * 60)));
    }
    Some((s, 0))
}

/// ISO-8601 / RFC 3339 and the common `YYYY-MM-DD HH:MM:SS` and `YYYY/MM/DD` variants.
pub fn parse_iso(s: &str) -> Option<i64> {
    parse_iso_with(s, &mut DayCache::default())
}

/// The last date [`TimeFormat::parse_with`] read: its first ten bytes and its day's first second.
#[derive(Debug, Clone, Copy, Default)]
pub struct DayCache {
    /// The ten bytes as one number ([`ten_bytes`]), compared at once.
    text: u128,
    day: Option<i64>,
}

/// The first ten bytes of `b` as one number: bytes 0–7, and 8–9 above them.
#[inline]
fn ten_bytes(b: &[u8]) -> Option<u128> {
    let lo = u64::from_le_bytes(b.get(..8)?.try_into().ok()?);
    let hi = u16::from_le_bytes(b.get(8..10)?.try_into().ok()?);
    Some(u128::from(lo) | u128::from(hi) << 64)
}

/// [`parse_iso`], with the date read from `cache` when its ten characters are the cached ones
/// (the date is a function of those ten bytes alone). The bytes are compared as one number, and
/// the clock found by its bytes, not by slicing the text twice: in the Wasm build this function
/// was 8.0 % of loading a log (V8 profile of 1M events in Node), 5.6 % now; natively, where the
/// ten bytes were compared at once already, instructions to load 200k events 213.9M -> 212.5M.
#[inline]
fn parse_iso_with(s: &str, cache: &mut DayCache) -> Option<i64> {
    let b = s.as_bytes();
    let head = ten_bytes(b)?;
    let day = match cache.day {
        Some(day) if head == cache.text => day,
        _ => {
            let (sep, sep2) = (b.get(4).copied()?, b.get(7).copied()?);
            if !(sep == b'-' || sep == b'/') || sep2 != sep {
                return None;
            }
            let y = digits(s.get(..4)?)? as i64;
            let m = digits(s.get(5..7)?)?;
            let d = digits(s.get(8..10)?)?;
            let day = date(y, m, d)?;
            *cache = DayCache { text: head, day: Some(day) };
            day
        }
    };
    // The clock starts after a `T`, `t` or space, or straight after the date.
    let at = if matches!(b.get(10), Some(b'T' | b't' | b' ')) { 11 } else { 10 };
    if b.get(at).is_some_and(|c| !c.is_ascii_digit()) {
        return None;
    }
    Some(day + time_of_day(s.get(at..)?)?)
}

/// `A/B/YYYY[ HH:MM[:SS]]` (or `.`/`-` separators), day-first or month-first.
fn parse_slash(s: &str, day_first: bool) -> Option<i64> {
    let (d, rest) = s.split_once([' ', 'T']).unwrap_or((s, ""));
    let sep = d.bytes().find(|b| matches!(b, b'/' | b'.' | b'-'))?;
    let mut it = d.split(sep as char);
    let a = digits(it.next()?)?;
    let b = digits(it.next()?)?;
    let y_str = it.next()?;
    if it.next().is_some() || y_str.len() != 4 {
        return None;
    }
    let y = digits(y_str)? as i64;
    let (day, month) = if day_first { (a, b) } else { (b, a) };
    Some(date(y, month, day)? + time_of_day(rest)?)
}

fn epoch(s: &str, scale: f64) -> Option<i64> {
    epoch_value(crate::ingest::parse_number(s)?, scale)
}

fn epoch_value(v: f64, scale: f64) -> Option<i64> {
    let secs = (v * scale).floor();
    // Years 1900..=2200 only: anything else is not a timestamp in a behavioural log.
    (-2_208_988_800.0..=7_258_118_400.0).contains(&secs).then_some(secs as i64)
}

/// Epoch unit from the magnitude of a typical value (1e9 s ≈ 2001, 1e12 ms, 1e15 µs).
pub fn epoch_unit(typical: f64) -> Option<TimeFormat> {
    let a = typical.abs();
    if (1e8..1e11).contains(&a) {
        Some(TimeFormat::EpochSeconds)
    } else if (1e11..1e14).contains(&a) {
        Some(TimeFormat::EpochMillis)
    } else if (1e14..1e17).contains(&a) {
        Some(TimeFormat::EpochMicros)
    } else {
        None
    }
}

/// What a column of text timestamps looks like.
#[derive(Debug, Clone, PartialEq)]
pub struct TextTimeGuess {
    pub format: TimeFormat,
    /// True when every value reads both day-first and month-first (e.g. only
    /// days <= 12): the choice is a default the user should confirm.
    pub ambiguous: bool,
}

/// Decides the format of a column of text timestamps from sampled values
/// (nulls excluded); `None` unless all but 10 % parse (one stray value is
/// always tolerated, as for numbers; rows with strays are skipped and
/// reported). A column whose name says it holds times (`lenient`) only needs
/// half its values to parse, so a log with many broken dates (or a two-row
/// file with one) is still read as a log, its broken rows skipped and reported.
pub fn guess_text_format<'a>(values: impl Iterator<Item = &'a str> + Clone, lenient: bool) -> Option<TextTimeGuess> {
    let total = values.clone().count();
    if total == 0 {
        return None;
    }
    let good = |f: TimeFormat| values.clone().filter(|v| f.parse(v).is_some()).count();
    let fits = |g: usize| {
        let bad = total - g;
        if lenient {
            g > 0 && g >= bad
        } else {
            g > bad && bad <= (total / 10).max(1)
        }
    };
    if fits(good(TimeFormat::Iso)) {
        return Some(TextTimeGuess { format: TimeFormat::Iso, ambiguous: false });
    }
    let (dmy, mdy) = (good(TimeFormat::DayFirst), good(TimeFormat::MonthFirst));
    // One value with a first part > 12 settles the order for the whole column.
    let (format, ambiguous) = match dmy.cmp(&mdy) {
        std::cmp::Ordering::Greater => (TimeFormat::DayFirst, false),
        std::cmp::Ordering::Less => (TimeFormat::MonthFirst, false),
        // Dotted dates are a day-first convention (de, fr, ru, ...).
        std::cmp::Ordering::Equal if values.clone().any(|v| v.contains('.')) => (TimeFormat::DayFirst, false),
        std::cmp::Ordering::Equal => (TimeFormat::MonthFirst, true),
    };
    fits(dmy.max(mdy)).then_some(TextTimeGuess { format, ambiguous })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Reading a column through one [`DayCache`] gives what reading each cell alone gives:
        /// valid and invalid dates, repeated and not, with and without a time, and any text.
        /// So does [`TimeFormat::quick`] whenever it answers: clocks out of range, `z` and `t`,
        /// one byte more or less.
        #[test]
        fn the_day_cache_changes_no_result(cells in proptest::collection::vec(proptest::prop_oneof![
            "20[0-2][0-9][-/]0[0-3][-/][0-3][0-9]([Tt ][0-2][0-9]:[0-6][0-9](:[0-6][0-9])?(Z|[+-]0[0-9]:?[0-9]{2})?)?",
            "2024-01-0[12]T1[0-9]:00:00Z",
            "2024-01-0[12][Tt]([01][0-9]|2[0-5]|[3-9][0-9]):[0-6][0-9]:[0-6][0-9][Zz ]?[0-9]?",
            ".{0,14}",
        ], 1..40)) {
            for f in [TimeFormat::Iso, TimeFormat::DayFirst, TimeFormat::EpochSeconds] {
                let mut cache = DayCache::default();
                for c in &cells {
                    let alone = f.parse_with(c, &mut DayCache::default());
                    if let Some(t) = f.quick(c, &cache) {
                        proptest::prop_assert_eq!(Some(t), alone, "quick {}", c);
                    }
                    proptest::prop_assert_eq!(f.parse_with(c, &mut cache), alone, "{}", c);
                }
            }
        }
    }

    proptest::proptest! {
        /// No text makes a format's parser panic: dates and clocks followed by any characters
        /// (multi-byte ones where zones, fractions and separators go), and any text at all.
        #[test]
        fn no_text_panics_a_parser(s in proptest::prop_oneof![
            "[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}([Tt ][0-9]{1,2}:[0-9]{1,2}(:[0-9.,]{1,4})?)?(Z|z| ?UTC|[+-][0-9€é:a]{1,4})?.{0,3}",
            "(2024-0[1-9]-1[0-9]|1[0-2]/1[0-9]/2024)[Tt ]1[0-9]:[0-5][0-9](:[0-5][0-9](\\.[0-9€]{1,3})?)?( ?UTC|[+-][0-9€é:a]{1,4})",
            ".{0,24}",
        ]) {
            for f in [TimeFormat::Iso, TimeFormat::DayFirst, TimeFormat::MonthFirst, TimeFormat::EpochSeconds, TimeFormat::EpochMillis, TimeFormat::EpochMicros] {
                let _ = f.parse(&s);
            }
        }
    }

    /// A zone of four bytes that are not four ASCII characters is refused, not sliced inside a
    /// character (which panicked: a trap in the Wasm).
    #[test]
    fn zones_with_multibyte_characters_are_refused() {
        for s in ["2024-01-01T10:00+a€", "2024-01-01T10:00-é1", "2024-01-01 10:00:00+€5", "2024-01-01T10:00+€"] {
            assert_eq!(parse_iso(s), None, "{s}");
        }
        assert_eq!(parse_iso("2024-01-01T10:00+0130"), Some(days_from_civil(2024, 1, 1) * DAY + 36_000 - 5_400));
    }

    #[test]
    fn civil_round_trip_and_known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        for z in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(format_date(1_709_251_200), "2024-03-01");
    }

    proptest::proptest! {
        /// The word-at-once clock against the byte-by-byte reading of `HH:MM:SS`, on any bytes,
        /// mostly digits and colons (so valid and nearly valid clocks are common).
        #[test]
        fn the_clock_word_reads_as_byte_by_byte(picks in proptest::collection::vec((0u8..4, proptest::num::u8::ANY), 8)) {
            let b: Vec<u8> = picks.iter().map(|&(kind, x)| match kind { 0 | 1 => b'0' + x % 10, 2 => b':', _ => x }).collect();
            let two = |a: u8, b: u8| (a.is_ascii_digit() && b.is_ascii_digit()).then(|| i64::from(a - b'0') * 10 + i64::from(b - b'0'));
            let want = match b.as_slice() {
                [h1, h2, b':', m1, m2, b':', s1, s2] => match (two(*h1, *h2), two(*m1, *m2), two(*s1, *s2)) {
                    (Some(h), Some(mi), Some(sec)) if h <= 23 && mi <= 59 && sec <= 60 => Some(h * 3600 + mi * 60 + sec.min(59)),
                    _ => None,
                },
                _ => None,
            };
            proptest::prop_assert_eq!(clock(&b), want, "{:?}", b);
        }
    }

    #[test]
    fn the_hh_mm_ss_shortcut_reads_as_the_general_path() {
        for h in ["00", "09", "23", "24", "99", "1a", " 1"] {
            for m in ["00", "59", "60", "x0"] {
                for sec in ["00", "59", "60", "61", "5."] {
                    for zone in ["", "Z", "z", "+01:00"] {
                        let t = format!("{h}:{m}:{sec}{zone}");
                        assert_eq!(time_of_day(&t), any_time_of_day(t.trim()), "{t}");
                    }
                }
            }
        }
        assert_eq!(time_of_day("12:30:15Z"), Some(45_015));
        assert_eq!(time_of_day("23:59:60"), Some(86_399));
    }

    #[test]
    fn the_quick_path_answers_the_usual_shape_on_the_date_read_last() {
        let mut cache = DayCache::default();
        let f = TimeFormat::Iso;
        // Nothing cached yet: the general path reads the date.
        assert_eq!(f.quick("2024-03-01T10:20:30Z", &cache), None);
        assert_eq!(f.parse_with("2024-03-01T10:20:30Z", &mut cache), parse_iso("2024-03-01T10:20:30"));
        for s in ["2024-03-01T23:59:59Z", "2024-03-01T00:00:00"] {
            assert_eq!(f.quick(s, &cache), parse_iso(s), "{s}");
            assert!(f.quick(s, &cache).is_some(), "{s}");
        }
        // Another date, another shape, another format: the general path.
        for s in ["2024-03-02T10:20:30Z", "2024-03-01 10:20:30", "2024-03-01T24:00:00Z", "2024-03-01T10:20:30+01:00"] {
            assert_eq!(f.quick(s, &cache), None, "{s}");
        }
        assert_eq!(TimeFormat::DayFirst.quick("2024-03-01T10:20:30Z", &cache), None);
    }

    #[test]
    fn iso_variants() {
        let base = 1_709_251_200; // 2024-03-01T00:00:00Z
        assert_eq!(parse_iso("2024-03-01"), Some(base));
        assert_eq!(parse_iso("2024-03-01T12:30:00Z"), Some(base + 45_000));
        assert_eq!(parse_iso("2024-03-01 12:30:00"), Some(base + 45_000));
        assert_eq!(parse_iso("2024-03-01T12:30:00.123+02:00"), Some(base + 45_000 - 7200));
        assert_eq!(parse_iso("2024-03-01T12:30-0130"), Some(base + 45_000 + 5400));
        assert_eq!(parse_iso("2024-03-01 12:30:00 UTC"), Some(base + 45_000));
        assert_eq!(parse_iso("2024/03/01"), Some(base));
        for bad in ["2024-02-30", "2024-13-01", "2024-03-01T25:00", "2024-03", "01/03/2024", "2024-03-01x"] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
        assert_eq!(parse_iso("2024-02-29"), Some(base - DAY));
    }

    #[test]
    fn slash_dates_both_orders() {
        assert_eq!(TimeFormat::DayFirst.parse("01/03/2024"), parse_iso("2024-03-01"));
        assert_eq!(TimeFormat::MonthFirst.parse("03/01/2024"), parse_iso("2024-03-01"));
        assert_eq!(TimeFormat::DayFirst.parse("31.12.2023 23:59"), parse_iso("2023-12-31T23:59:00"));
        assert_eq!(TimeFormat::MonthFirst.parse("13/01/2024"), None);
    }

    #[test]
    fn epochs_by_unit() {
        assert_eq!(TimeFormat::EpochSeconds.parse("1709251200"), Some(1_709_251_200));
        assert_eq!(TimeFormat::EpochMillis.parse("1709251200500"), Some(1_709_251_200));
        assert_eq!(TimeFormat::EpochMicros.parse("1709251200000000"), Some(1_709_251_200));
        assert_eq!(epoch_unit(1.7e9), Some(TimeFormat::EpochSeconds));
        assert_eq!(epoch_unit(1.7e12), Some(TimeFormat::EpochMillis));
        assert_eq!(epoch_unit(1.7e15), Some(TimeFormat::EpochMicros));
        assert_eq!(epoch_unit(42.0), None);
    }

    #[test]
    fn day_month_order_is_detected_or_flagged() {
        let dmy = ["25/12/2023", "01/02/2024"];
        assert_eq!(
            guess_text_format(dmy.iter().copied(), false),
            Some(TextTimeGuess { format: TimeFormat::DayFirst, ambiguous: false })
        );
        let mdy = ["12/25/2023", "02/01/2024"];
        assert_eq!(
            guess_text_format(mdy.iter().copied(), false),
            Some(TextTimeGuess { format: TimeFormat::MonthFirst, ambiguous: false })
        );
        let both = ["01/02/2024", "03/04/2024"];
        assert_eq!(guess_text_format(both.iter().copied(), false).map(|g| g.ambiguous), Some(true));
        assert_eq!(guess_text_format(["hello", "world"].iter().copied(), true), None);
        // A column named as a time column needs half its values to parse; any other column all
        // but one stray value (10 % on larger samples).
        let half = ["2024-01-02", "not a date"];
        assert_eq!(guess_text_format(half.iter().copied(), true).map(|g| g.format), Some(TimeFormat::Iso));
        assert_eq!(guess_text_format(half.iter().copied(), false), None);
        let third = ["2024-01-02", "x", "y"];
        assert_eq!(guess_text_format(third.iter().copied(), true), None);
        // a single day > 12 among many ambiguous dates decides the order
        let mut many = vec!["01/02/2024"; 30];
        many.push("25/02/2024");
        assert_eq!(
            guess_text_format(many.iter().copied(), false),
            Some(TextTimeGuess { format: TimeFormat::DayFirst, ambiguous: false })
        );
    }
}
