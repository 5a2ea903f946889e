//! `--after` values: an RFC 3339 time or plain Unix seconds, turned into Unix seconds; and
//! the reverse, for showing `created_at` / `updated_at` to people.
//!
//! The API wants whole Unix seconds; people think in dates. A small parser here avoids pulling
//! a date library into the CLI for one flag. Whether the time is acceptable (not before 1970)
//! is the client crate's call, so a negative result is passed on, not refused here.

/// Parses `--after`: Unix seconds (`1725235200`) or RFC 3339 (`2024-09-02T00:00:00Z`,
/// `2024-09-02T02:00:00+02:00`, fractions of a second rounded up, since a grant created at
/// 12:00:00.5 is not "at or after 12:00:00.7").
pub fn parse_after(raw: &str) -> Result<i64, String> {
    let raw = raw.trim();
    if let Ok(seconds) = raw.parse::<i64>() {
        return Ok(seconds);
    }
    parse_rfc3339(raw).ok_or_else(|| {
        format!("'{raw}' is neither Unix seconds nor an RFC 3339 time like 2024-09-02T00:00:00Z")
    })
}

fn parse_rfc3339(raw: &str) -> Option<i64> {
    let (date, rest) = raw.split_once(['T', 't', ' '])?;
    let mut date_parts = date.splitn(3, '-');
    let year: i64 = digits(date_parts.next()?, 4)?;
    let month: i64 = digits(date_parts.next()?, 2)?;
    let day: i64 = digits(date_parts.next()?, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }

    let (clock, offset_seconds) = split_offset(rest)?;
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, fraction)) => (hms, Some(fraction)),
        None => (clock, None),
    };
    let mut clock_parts = hms.splitn(3, ':');
    let hour: i64 = digits(clock_parts.next()?, 2)?;
    let minute: i64 = digits(clock_parts.next()?, 2)?;
    let second: i64 = digits(clock_parts.next()?, 2)?;
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let round_up = match fraction {
        None => 0,
        Some(f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
            i64::from(f.bytes().any(|b| b != b'0'))
        }
        Some(_) => return None,
    };
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second - offset_seconds + round_up)
}

/// Splits `HH:MM:SS[.fff]` from its `Z` or `±HH:MM` suffix; returns the offset in seconds.
fn split_offset(rest: &str) -> Option<(&str, i64)> {
    if let Some(clock) = rest.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    let sign_at = rest.rfind(['+', '-'])?;
    let (clock, offset) = rest.split_at(sign_at);
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let (hours, minutes) = offset[1..].split_once(':')?;
    let hours: i64 = digits(hours, 2)?;
    let minutes: i64 = digits(minutes, 2)?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some((clock, sign * (hours * 3_600 + minutes * 60)))
}

/// Exactly `width` ASCII digits.
fn digits(text: &str, width: usize) -> Option<i64> {
    (text.len() == width && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's well-known method).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Unix seconds as an RFC 3339 UTC time (`2024-09-02T00:00:00Z`).
pub fn format_unix(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3_600,
        of_day % 3_600 / 60,
        of_day % 60
    )
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_seconds_pass_through() {
        assert_eq!(parse_after("1725235200"), Ok(1_725_235_200));
        assert_eq!(parse_after("-5"), Ok(-5));
    }

    #[test]
    fn rfc3339_times_become_unix_seconds() {
        assert_eq!(parse_after("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse_after("2024-09-02T00:00:00Z"), Ok(1_725_235_200));
        assert_eq!(parse_after("2024-09-02T02:00:00+02:00"), Ok(1_725_235_200));
        assert_eq!(parse_after("2024-09-01T19:00:00-05:00"), Ok(1_725_235_200));
        assert_eq!(parse_after("2000-02-29T12:30:15Z"), Ok(951_827_415));
        assert_eq!(parse_after("1969-12-31T23:59:59Z"), Ok(-1));
    }

    #[test]
    fn formatting_inverts_parsing() {
        assert_eq!(format_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_unix(1_725_235_200), "2024-09-02T00:00:00Z");
        assert_eq!(format_unix(951_827_415), "2000-02-29T12:30:15Z");
        assert_eq!(format_unix(-1), "1969-12-31T23:59:59Z");
        for seconds in [
            -86_401,
            59,
            86_399,
            1_000_000_000,
            4_102_444_800,
            1_795_512_129,
        ] {
            assert_eq!(parse_after(&format_unix(seconds)), Ok(seconds), "{seconds}");
        }
    }

    #[test]
    fn fractions_round_up() {
        assert_eq!(parse_after("1970-01-01T00:00:00.5Z"), Ok(1));
        assert_eq!(parse_after("1970-01-01T00:00:00.000Z"), Ok(0));
    }

    #[test]
    fn malformed_times_are_errors() {
        for bad in [
            "",
            "yesterday",
            "2024-09-02",
            "2024-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-09-02T24:00:00Z",
            "2024-09-02T00:00:00",
            "2024-09-02T00:00:00.Z",
            "2024-9-2T00:00:00Z",
            "2024-09-02T00:00:00+2:00",
        ] {
            assert!(parse_after(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
