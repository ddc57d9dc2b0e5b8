//! Reading the points in time and waits that Segmind's rate-limit headers
//! carry: an RFC 3339 timestamp, an HTTP date or Unix seconds for
//! `x-rate-limit-reset-at-utc`, and seconds or an HTTP date for `Retry-After`.
//! Every parser is lenient: text it does not understand is `None`, never an
//! error.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Reads a reset time written as Unix seconds (or milliseconds), an RFC 3339
/// timestamp or an HTTP date.
pub(crate) fn parse_reset_time(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    parse_unix_time(text)
        .or_else(|| parse_rfc3339(text))
        .or_else(|| httpdate::parse_http_date(text).ok())
}

/// Reads a `Retry-After` value: a number of seconds or an HTTP date, measured
/// from `now`. A date in the past is a wait of zero.
pub(crate) fn parse_retry_after(text: &str, now: SystemTime) -> Option<Duration> {
    let text = text.trim();
    if let Some(seconds) = parse_seconds(text) {
        return Duration::try_from_secs_f64(seconds).ok();
    }
    let at = httpdate::parse_http_date(text).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A non-negative finite decimal number with no sign, exponent or unit.
fn parse_seconds(text: &str) -> Option<f64> {
    let plain = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && text.bytes().filter(|&b| b == b'.').count() <= 1
        && text.bytes().any(|b| b.is_ascii_digit());
    if !plain {
        return None;
    }
    text.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Unix seconds; a value too large to be seconds is read as milliseconds.
fn parse_unix_time(text: &str) -> Option<SystemTime> {
    let mut seconds = parse_seconds(text)?;
    if seconds > 1e11 {
        seconds /= 1000.0;
    }
    let offset = Duration::try_from_secs_f64(seconds).ok()?;
    UNIX_EPOCH.checked_add(offset)
}

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`; `t`, `z` and a space instead of
/// `T` are accepted, and a missing offset is read as UTC (the header says so
/// in its name).
pub(crate) fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let b = text.trim().as_bytes();
    if b.len() < 19 {
        return None;
    }
    let year = number(&b[0..4])?;
    let month = number(&b[5..7])?;
    let day = number(&b[8..10])?;
    let hour = number(&b[11..13])?;
    let minute = number(&b[14..16])?;
    let second = number(&b[17..19])?.min(59);
    let separators_ok = b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'T' | b't' | b' ')
        && b[13] == b':'
        && b[16] == b':';
    if !separators_ok
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
    {
        return None;
    }

    let mut rest = &b[19..];
    let mut nanos: u32 = 0;
    if let Some(after_dot) = rest.strip_prefix(b".") {
        let digits = after_dot.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        for (i, &d) in after_dot[..digits].iter().take(9).enumerate() {
            nanos += u32::from(d - b'0') * 10u32.pow(8 - i as u32);
        }
        rest = &after_dot[digits..];
    }
    let offset_seconds = parse_offset(rest)?;

    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_seconds;
    let seconds = u64::try_from(seconds).ok()?;
    UNIX_EPOCH.checked_add(Duration::new(seconds, nanos))
}

/// `""`, `Z`, `+HH:MM`, `+HHMM` or `+HH` (and `-`), in seconds east of UTC.
fn parse_offset(rest: &[u8]) -> Option<i64> {
    match rest {
        [] | [b'Z'] | [b'z'] => Some(0),
        [sign @ (b'+' | b'-'), digits @ ..] => {
            let (hours, minutes) = match digits {
                [h1, h2] => (number(&[*h1, *h2])?, 0),
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => {
                    (number(&[*h1, *h2])?, number(&[*m1, *m2])?)
                }
                _ => return None,
            };
            if hours > 23 || minutes > 59 {
                return None;
            }
            let east = hours * 3_600 + minutes * 60;
            Some(if *sign == b'-' { -east } else { east })
        }
        _ => None,
    }
}

fn number(digits: &[u8]) -> Option<i64> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0i64, |n, d| n * 10 + i64::from(d - b'0')),
    )
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the well-known
/// era-based conversion: 400-year eras of 146 097 days).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn rfc3339_in_its_usual_spellings() {
        // 2024-03-01T12:34:56Z is 1709296496.
        assert_eq!(
            parse_rfc3339("2024-03-01T12:34:56Z"),
            Some(at(1_709_296_496))
        );
        assert_eq!(
            parse_rfc3339("2024-03-01t12:34:56z"),
            Some(at(1_709_296_496))
        );
        assert_eq!(
            parse_rfc3339("2024-03-01 12:34:56"),
            Some(at(1_709_296_496))
        );
        assert_eq!(
            parse_rfc3339("2024-03-01T14:34:56+02:00"),
            Some(at(1_709_296_496))
        );
        assert_eq!(
            parse_rfc3339("2024-03-01T10:04:56-0230"),
            Some(at(1_709_296_496))
        );
        assert_eq!(
            parse_rfc3339("2024-03-01T12:34:56.250Z"),
            Some(at(1_709_296_496) + Duration::from_millis(250))
        );
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(UNIX_EPOCH));
        assert_eq!(parse_rfc3339("2000-02-29T00:00:00Z"), Some(at(951_782_400)));
    }

    #[test]
    fn rfc3339_rejects_nonsense() {
        for bad in [
            "",
            "2024-03-01",
            "2024-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-03-01T24:00:00Z",
            "2024-03-01T12:34:56+25:00",
            "2024-03-01T12:34:56.Z",
            "2024/03/01T12:34:56Z",
            "1969-12-31T23:59:59Z",
            "2024-03-01T12:34:56 UTC",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn reset_time_takes_unix_seconds_millis_rfc3339_and_http_dates() {
        assert_eq!(parse_reset_time("1709296496"), Some(at(1_709_296_496)));
        assert_eq!(
            parse_reset_time(" 1709296496.5 "),
            Some(at(1_709_296_496) + Duration::from_millis(500))
        );
        assert_eq!(parse_reset_time("1709296496000"), Some(at(1_709_296_496)));
        assert_eq!(
            parse_reset_time("2024-03-01T12:34:56Z"),
            Some(at(1_709_296_496))
        );
        assert_eq!(
            parse_reset_time("Fri, 01 Mar 2024 12:34:56 GMT"),
            Some(at(1_709_296_496))
        );
        for bad in ["", "soon", "-5", "1e9", "NaN", "12:00"] {
            assert_eq!(parse_reset_time(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = at(1_709_296_496);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("0.25", now),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            parse_retry_after("Fri, 01 Mar 2024 12:35:06 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Fri, 01 Mar 2024 12:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("later", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    proptest::proptest! {
        #[test]
        fn rfc3339_agrees_with_http_dates(seconds in 0u64..8_000_000_000) {
            let time = at(seconds);
            let http = httpdate::fmt_http_date(time);
            let parsed_http = httpdate::parse_http_date(&http).unwrap();
            // Rebuild the same instant as RFC 3339 through the civil calendar.
            let days = (seconds / 86_400) as i64;
            let (y, m, d) = civil_from_days(days);
            let rem = seconds % 86_400;
            let text = format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem / 60 % 60, rem % 60);
            proptest::prop_assert_eq!(parse_rfc3339(&text), Some(parsed_http));
        }

        #[test]
        fn parsers_never_panic(text in "\\PC{0,40}") {
            let _ = parse_reset_time(&text);
            let _ = parse_retry_after(&text, UNIX_EPOCH);
        }
    }

    /// Inverse of `days_from_civil`, for the property test only.
    fn civil_from_days(days: i64) -> (i64, i64, i64) {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        (y, m, d)
    }
}
