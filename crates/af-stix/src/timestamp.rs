//! STIX timestamps: parsing RFC 3339, normalizing to the STIX form
//! `YYYY-MM-DDTHH:MM:SS.sssZ`, converting Unix time, and strict checks for validators.
//!
//! The calendar arithmetic (proleptic Gregorian, days since 1970-01-01) is done here; no date
//! library is needed.

use std::fmt;

/// Why a timestamp was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampError {
    /// The text is not an RFC 3339 date-time (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`).
    Syntax,
    /// The fields are well-formed but name no real moment: month 13, February 30, hour 24,
    /// minute 60, or a leap second anywhere but 23:59:60 UTC.
    ImpossibleDate,
    /// The UTC offset is beyond ±23:59, or converting it to UTC leaves years 0000–9999.
    OffsetOutOfRange,
    /// The moment lies outside years 0000–9999, which the STIX form cannot write.
    YearOutOfRange,
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimestampError::Syntax => {
                "not an RFC 3339 timestamp; expected YYYY-MM-DDTHH:MM:SS with an optional \
                 fraction and a zone of Z or +HH:MM / -HH:MM, e.g. 2026-03-02T14:00:00Z"
            }
            TimestampError::ImpossibleDate => {
                "no such date or time (check the month, the day of the month and leap years, \
                 and that the hour is 00-23, minutes and seconds 00-59)"
            }
            TimestampError::OffsetOutOfRange => {
                "the UTC offset is out of range (it must be between -23:59 and +23:59 and keep \
                 the date within years 0000-9999)"
            }
            TimestampError::YearOutOfRange => {
                "the time is outside years 0000-9999, which STIX timestamps cannot represent"
            }
        })
    }
}

impl std::error::Error for TimestampError {}

/// A parsed date-time, already in UTC.
struct Parts<'s> {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    /// The fraction digits as written (without the dot); may be empty.
    fraction: &'s str,
}

/// Whether `year` is a Gregorian leap year.
fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1–12) of `year`.
fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 1970-01-01 to the given civil date (negative before it).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Shift the year so it starts in March: the leap day is then the last day of the year.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400; // 0..=399
    let m = i64::from(month);
    let shifted_month = if m > 2 { m - 3 } else { m + 9 }; // March = 0
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The civil date of a day count from 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097; // 0..=146096
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153; // March = 0
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Reads exactly `n` ASCII digits at `*pos`.
fn digits(bytes: &[u8], pos: &mut usize, n: usize) -> Result<u32, TimestampError> {
    let slice = bytes.get(*pos..*pos + n).ok_or(TimestampError::Syntax)?;
    let mut value = 0u32;
    for &b in slice {
        if !b.is_ascii_digit() {
            return Err(TimestampError::Syntax);
        }
        value = value * 10 + u32::from(b - b'0');
    }
    *pos += n;
    Ok(value)
}

fn expect(bytes: &[u8], pos: &mut usize, options: &[u8]) -> Result<u8, TimestampError> {
    match bytes.get(*pos) {
        Some(b) if options.contains(b) => {
            *pos += 1;
            Ok(*b)
        }
        _ => Err(TimestampError::Syntax),
    }
}

/// Parses RFC 3339; `strict` asks for the STIX form (upper-case `T` and `Z`, no offset).
fn parse(s: &str, strict: bool) -> Result<Parts<'_>, TimestampError> {
    let bytes = s.as_bytes();
    let mut pos = 0;
    let year = i64::from(digits(bytes, &mut pos, 4)?);
    expect(bytes, &mut pos, b"-")?;
    let month = digits(bytes, &mut pos, 2)?;
    expect(bytes, &mut pos, b"-")?;
    let day = digits(bytes, &mut pos, 2)?;
    expect(bytes, &mut pos, if strict { b"T" } else { b"Tt" })?;
    let hour = digits(bytes, &mut pos, 2)?;
    expect(bytes, &mut pos, b":")?;
    let minute = digits(bytes, &mut pos, 2)?;
    expect(bytes, &mut pos, b":")?;
    let second = digits(bytes, &mut pos, 2)?;
    let mut fraction = "";
    if bytes.get(pos) == Some(&b'.') {
        pos += 1;
        let start = pos;
        while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
        if pos == start {
            return Err(TimestampError::Syntax);
        }
        fraction = &s[start..pos];
    }
    let zone = expect(bytes, &mut pos, if strict { b"Z" } else { b"Zz+-" })?;
    // Offset in minutes east of UTC.
    let mut offset_minutes = 0i64;
    if zone == b'+' || zone == b'-' {
        let oh = digits(bytes, &mut pos, 2)?;
        expect(bytes, &mut pos, b":")?;
        let om = digits(bytes, &mut pos, 2)?;
        if oh > 23 || om > 59 {
            return Err(TimestampError::OffsetOutOfRange);
        }
        let total = i64::from(oh * 60 + om);
        offset_minutes = if zone == b'-' { -total } else { total };
    }
    if pos != bytes.len() {
        return Err(TimestampError::Syntax);
    }

    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return Err(TimestampError::ImpossibleDate);
    }

    // Convert to UTC by whole minutes; a leap second keeps its 60.
    let local_minutes = days_from_civil(year, month, day) * 1440 + i64::from(hour) * 60 + i64::from(minute);
    let utc_minutes = local_minutes - offset_minutes;
    let (year, month, day) = civil_from_days(utc_minutes.div_euclid(1440));
    let minute_of_day = utc_minutes.rem_euclid(1440);
    let (hour, minute) = ((minute_of_day / 60) as u32, (minute_of_day % 60) as u32);
    if !(0..=9999).contains(&year) {
        return Err(TimestampError::OffsetOutOfRange);
    }
    if second == 60 && (hour, minute) != (23, 59) {
        return Err(TimestampError::ImpossibleDate);
    }
    Ok(Parts {
        year,
        month,
        day,
        hour,
        minute,
        second,
        fraction,
    })
}

fn format(parts: &Parts<'_>) -> String {
    let mut fraction = parts.fraction.to_string();
    while fraction.len() < 3 {
        fraction.push('0');
    }
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{}Z",
        parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second, fraction
    )
}

/// Parses an RFC 3339 timestamp (`2026-03-02T14:00:00Z`, `2026-03-02T14:00:00.5+02:00`;
/// lower-case `t` and `z` are accepted), checks that it names a real moment (leap years
/// included), converts an offset to UTC and returns the STIX form
/// `YYYY-MM-DDTHH:MM:SS.sssZ`: exactly three fraction digits when fewer were written, all of
/// them when more were written (trailing zeros are kept).
pub fn normalize(s: &str) -> Result<String, TimestampError> {
    parse(s, false).map(|parts| format(&parts))
}

/// The STIX timestamp (millisecond precision) of a Unix time in seconds, e.g. for
/// `SOURCE_DATE_EPOCH`.
pub fn from_unix_seconds(secs: i64) -> Result<String, TimestampError> {
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    if !(0..=9999).contains(&year) {
        return Err(TimestampError::YearOutOfRange);
    }
    let second_of_day = secs.rem_euclid(86_400);
    Ok(format(&Parts {
        year,
        month,
        day,
        hour: (second_of_day / 3600) as u32,
        minute: (second_of_day / 60 % 60) as u32,
        second: (second_of_day % 60) as u32,
        fraction: "",
    }))
}

/// Whether `s` is a timestamp in the strict STIX form: `YYYY-MM-DDTHH:MM:SS[.s+]Z` with an
/// upper-case `T` and `Z`, naming a real moment.
pub fn is_stix_timestamp(s: &str) -> bool {
    parse(s, true).is_ok()
}

/// Like [`is_stix_timestamp`], and with at least three fraction digits, as the STIX core
/// schema requires of `created` / `modified` and the Attack Flow schema of every timestamp.
pub fn is_stix_timestamp_millis(s: &str) -> bool {
    parse(s, true).is_ok_and(|p| p.fraction.len() >= 3)
}

/// Compares two strict STIX timestamps by the moment they name (`2026-01-01T00:00:00.5Z` is
/// after `2026-01-01T00:00:00.123Z`); `None` when either is not a strict STIX timestamp.
pub fn compare(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    let (pa, pb) = (parse(a, true).ok()?, parse(b, true).ok()?);
    let key = |p: &Parts<'_>| (p.year, p.month, p.day, p.hour, p.minute, p.second);
    // Fractions compare as if padded with zeros to the same length (`.5` is `.500`).
    let (fa, fb) = (pa.fraction.as_bytes(), pb.fraction.as_bytes());
    let digit = |f: &[u8], i: usize| f.get(i).copied().unwrap_or(b'0');
    let fraction = (0..fa.len().max(fb.len()))
        .map(|i| digit(fa, i).cmp(&digit(fb, i)))
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal);
    Some(key(&pa).cmp(&key(&pb)).then(fraction))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_by_moment() {
        use std::cmp::Ordering::*;
        assert_eq!(
            compare("2026-01-01T00:00:00.5Z", "2026-01-01T00:00:00.123Z"),
            Some(Greater)
        );
        assert_eq!(
            compare("2026-01-01T00:00:01Z", "2026-01-01T00:00:00.999Z"),
            Some(Greater)
        );
        assert_eq!(
            compare("2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00Z"),
            Some(Equal)
        );
        assert_eq!(
            compare("2025-12-31T23:59:59.999Z", "2026-01-01T00:00:00Z"),
            Some(Less)
        );
        assert_eq!(compare("nope", "2026-01-01T00:00:00Z"), None);
    }

    #[test]
    fn normalizes_utc_and_pads_the_fraction() {
        assert_eq!(
            normalize("2026-03-02T14:00:00Z").as_deref(),
            Ok("2026-03-02T14:00:00.000Z")
        );
        assert_eq!(
            normalize("2026-03-02t14:00:00.5z").as_deref(),
            Ok("2026-03-02T14:00:00.500Z")
        );
        assert_eq!(
            normalize("2026-03-02T14:00:00.123456Z").as_deref(),
            Ok("2026-03-02T14:00:00.123456Z")
        );
        assert_eq!(
            normalize("2026-03-02T14:00:00.120000Z").as_deref(),
            Ok("2026-03-02T14:00:00.120000Z")
        );
    }

    #[test]
    fn converts_offsets_across_midnight_month_and_year() {
        assert_eq!(
            normalize("2026-03-02T14:00:00.5+02:00").as_deref(),
            Ok("2026-03-02T12:00:00.500Z")
        );
        // Positive offset pulls the UTC time back over midnight, month and year.
        assert_eq!(
            normalize("2026-01-01T01:30:00+02:00").as_deref(),
            Ok("2025-12-31T23:30:00.000Z")
        );
        // Negative offset pushes it forward over midnight and into March of a leap year.
        assert_eq!(
            normalize("2024-02-29T22:15:00-05:30").as_deref(),
            Ok("2024-03-01T03:45:00.000Z")
        );
        assert_eq!(
            normalize("2023-12-31T23:59:59.999-00:01").as_deref(),
            Ok("2024-01-01T00:00:59.999Z")
        );
        assert_eq!(
            normalize("2026-06-15T10:00:00-00:00").as_deref(),
            Ok("2026-06-15T10:00:00.000Z")
        );
    }

    #[test]
    fn leap_years() {
        assert!(normalize("2000-02-29T00:00:00Z").is_ok());
        assert!(normalize("2024-02-29T00:00:00Z").is_ok());
        assert_eq!(
            normalize("1900-02-29T00:00:00Z"),
            Err(TimestampError::ImpossibleDate)
        );
        assert_eq!(
            normalize("2023-02-29T00:00:00Z"),
            Err(TimestampError::ImpossibleDate)
        );
        // Crossing into a leap day through an offset.
        assert_eq!(
            normalize("2000-02-28T23:00:00-02:00").as_deref(),
            Ok("2000-02-29T01:00:00.000Z")
        );
        assert_eq!(
            normalize("1900-02-28T23:00:00-02:00").as_deref(),
            Ok("1900-03-01T01:00:00.000Z")
        );
    }

    #[test]
    fn rejects_impossible_fields() {
        for s in [
            "2026-13-01T00:00:00Z",
            "2026-00-10T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-04-00T00:00:00Z",
            "2026-04-10T24:00:00Z",
            "2026-04-10T12:60:00Z",
            "2026-04-10T12:00:61Z",
            "2026-04-10T12:00:60Z",
        ] {
            assert_eq!(normalize(s), Err(TimestampError::ImpossibleDate), "{s}");
        }
        // A leap second is fine where one can occur.
        assert_eq!(
            normalize("2016-12-31T23:59:60Z").as_deref(),
            Ok("2016-12-31T23:59:60.000Z")
        );
        assert_eq!(
            normalize("2017-01-01T00:59:60+01:00").as_deref(),
            Ok("2016-12-31T23:59:60.000Z")
        );
    }

    #[test]
    fn rejects_bad_syntax_and_offsets() {
        for s in [
            "",
            "2026-03-02",
            "2026-03-02T14:00Z",
            "2026-03-02 14:00:00Z",
            "2026-03-02T14:00:00",
            "2026-03-02T14:00:00.Z",
            "2026-3-02T14:00:00Z",
            "2026-03-02T14:00:00Z ",
            " 2026-03-02T14:00:00Z",
            "2026-03-02T14:00:00+0200",
            "2026-03-02T14:00:00+02",
            "+2026-03-02T14:00:00Z",
            "２０２６-03-02T14:00:00Z",
        ] {
            assert_eq!(normalize(s), Err(TimestampError::Syntax), "{s:?}");
        }
        assert_eq!(
            normalize("2026-03-02T14:00:00+24:00"),
            Err(TimestampError::OffsetOutOfRange)
        );
        assert_eq!(
            normalize("2026-03-02T14:00:00-01:60"),
            Err(TimestampError::OffsetOutOfRange)
        );
        assert_eq!(
            normalize("0000-01-01T00:30:00+01:00"),
            Err(TimestampError::OffsetOutOfRange)
        );
        assert_eq!(
            normalize("9999-12-31T23:30:00-01:00"),
            Err(TimestampError::OffsetOutOfRange)
        );
    }

    #[test]
    fn calendar_round_trips() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        for days in (-800_000..3_000_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert!(d >= 1 && d <= days_in_month(y, m), "{y}-{m}-{d}");
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn unix_seconds() {
        assert_eq!(from_unix_seconds(0).as_deref(), Ok("1970-01-01T00:00:00.000Z"));
        assert_eq!(
            from_unix_seconds(1_700_000_000).as_deref(),
            Ok("2023-11-14T22:13:20.000Z")
        );
        assert_eq!(
            from_unix_seconds(951_782_400).as_deref(),
            Ok("2000-02-29T00:00:00.000Z")
        );
        assert_eq!(from_unix_seconds(-1).as_deref(), Ok("1969-12-31T23:59:59.000Z"));
        assert_eq!(
            from_unix_seconds(253_402_300_799).as_deref(),
            Ok("9999-12-31T23:59:59.000Z")
        );
        assert_eq!(
            from_unix_seconds(253_402_300_800),
            Err(TimestampError::YearOutOfRange)
        );
        assert_eq!(
            from_unix_seconds(-62_167_219_201),
            Err(TimestampError::YearOutOfRange)
        );
        assert_eq!(
            from_unix_seconds(-62_167_219_200).as_deref(),
            Ok("0000-01-01T00:00:00.000Z")
        );
        assert_eq!(from_unix_seconds(i64::MIN), Err(TimestampError::YearOutOfRange));
        assert_eq!(from_unix_seconds(i64::MAX), Err(TimestampError::YearOutOfRange));
    }

    #[test]
    fn strict_checks() {
        assert!(is_stix_timestamp("2026-03-02T14:00:00Z"));
        assert!(is_stix_timestamp("2026-03-02T14:00:00.1Z"));
        assert!(!is_stix_timestamp("2026-03-02t14:00:00Z"));
        assert!(!is_stix_timestamp("2026-03-02T14:00:00z"));
        assert!(!is_stix_timestamp("2026-03-02T14:00:00+00:00"));
        assert!(!is_stix_timestamp("2026-02-30T14:00:00Z"));
        assert!(is_stix_timestamp_millis("2026-03-02T14:00:00.000Z"));
        assert!(is_stix_timestamp_millis("2026-03-02T14:00:00.1234Z"));
        assert!(!is_stix_timestamp_millis("2026-03-02T14:00:00.12Z"));
        assert!(!is_stix_timestamp_millis("2026-03-02T14:00:00Z"));
    }

    #[test]
    fn normalized_output_passes_the_strict_checks() {
        for s in ["2026-03-02T14:00:00+05:45", "1999-12-31t23:59:59.9z"] {
            let n = normalize(s).expect("valid");
            assert!(is_stix_timestamp_millis(&n), "{n}");
            assert_eq!(normalize(&n).as_deref(), Ok(n.as_str()), "idempotent");
        }
    }

    #[test]
    fn errors_explain_themselves() {
        assert!(TimestampError::Syntax.to_string().contains("RFC 3339"));
        assert!(TimestampError::ImpossibleDate.to_string().contains("leap years"));
        assert!(TimestampError::OffsetOutOfRange.to_string().contains("offset"));
    }
}
