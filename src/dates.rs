//! Dates and times as PersonaClick writes them: small value types of our own, written strictly
//! in the documented format, read leniently, and never lost.
//!
//! A value the caller gives as text (`.birthday("1990-03-11")`) is parsed at once; one that
//! does not parse is kept and refused before sending, with the parameter's name. A value the
//! API sends in a form that does not parse is kept as it came: [`get`](Date::get) is `None`,
//! [`as_text`](Date::as_text) has the text.
//!
//! Years are 0000 to 9999 (four digits on the wire), in the proleptic Gregorian calendar. With
//! the `jiff` feature, each type converts to and from its `jiff` counterpart.

use std::fmt;
use std::ops::Range;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::check::{Check, Checkable, Format, Path, Rule};

/// Why a [`Date`], [`DateTime`] or [`Timestamp`] could not be built, or converted.
///
/// The message names the part that is wrong, never its value (a date may be a birthday).
///
/// ```
/// use personaclick::Date;
///
/// let e = Date::new(2023, 2, 29).unwrap_err();
/// assert_eq!(e.to_string(), "invalid date: day out of range for the month");
/// let _: &dyn std::error::Error = &e;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateError(Problem);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Problem {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Nanos,
    Range,
    #[cfg(feature = "jiff")]
    Unparsed,
    #[cfg(feature = "jiff")]
    JiffRange,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Problem::Year => "invalid date: year out of range 0..=9999",
            Problem::Month => "invalid date: month out of range 1..=12",
            Problem::Day => "invalid date: day out of range for the month",
            Problem::Hour => "invalid time: hour out of range 0..=23",
            Problem::Minute => "invalid time: minute out of range 0..=59",
            Problem::Second => "invalid time: second out of range 0..=59",
            Problem::Nanos => "invalid timestamp: nanoseconds out of range 0..=999_999_999",
            Problem::Range => {
                "invalid timestamp: outside 0000-01-01T00:00:00Z..=9999-12-31T23:59:59.999999999Z"
            }
            #[cfg(feature = "jiff")]
            Problem::Unparsed => "not a valid date or time: the text it came as did not parse",
            #[cfg(feature = "jiff")]
            Problem::JiffRange => {
                "invalid timestamp: after jiff's last instant, 9999-12-30T22:00:00.999999999Z"
            }
        })
    }
}

impl std::error::Error for DateError {}

/// A valid calendar date.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Ymd {
    year: u16,
    month: u8,
    day: u8,
}

/// A valid date and time, to the second.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Civil {
    date: Ymd,
    hour: u8,
    minute: u8,
    second: u8,
}

/// A valid instant: seconds since 1970-01-01T00:00:00Z (floored) and nanoseconds after them.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Instant {
    seconds: i64,
    nanos: u32,
}

const SECONDS_PER_DAY: i64 = 86_400;
/// 0000-01-01T00:00:00Z.
const MIN_SECONDS: i64 = -62_167_219_200;
/// 9999-12-31T23:59:59Z.
const MAX_SECONDS: i64 = 253_402_300_799;

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
/// `month` is 1..=12 and `day` 1..=31.
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400); // 0..=399
    let month = i64::from(month);
    let shifted_month = if month > 2 { month - 3 } else { month + 9 }; // March is 0
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1; // 0..=365
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
/// Exact for `|days|` up to about 2^62.
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let days = days + 719_468; // From 0000-03-01.
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097); // 0..=146_096
    let leap_days = day_of_era / 1460 - day_of_era / 36_524 + day_of_era / 146_096;
    let year_of_era = (day_of_era - leap_days) / 365; // 0..=399
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153; // 0..=11, March is 0
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u8; // 1..=31
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u8; // 1..=12
    let year = year_of_era + era * 400;
    (if month <= 2 { year + 1 } else { year }, month, day)
}

impl Ymd {
    fn new(year: u16, month: u8, day: u8) -> Result<Ymd, DateError> {
        if year > 9999 {
            return Err(DateError(Problem::Year));
        }
        if !(1..=12).contains(&month) {
            return Err(DateError(Problem::Month));
        }
        if day == 0 || day > days_in_month(i64::from(year), month) {
            return Err(DateError(Problem::Day));
        }
        Ok(Ymd { year, month, day })
    }

    fn unix_days(self) -> i64 {
        days_from_civil(i64::from(self.year), self.month, self.day)
    }
}

impl Civil {
    fn new(date: Ymd, hour: u8, minute: u8, second: u8) -> Result<Civil, DateError> {
        if hour > 23 {
            return Err(DateError(Problem::Hour));
        }
        if minute > 59 {
            return Err(DateError(Problem::Minute));
        }
        if second > 59 {
            return Err(DateError(Problem::Second));
        }
        Ok(Civil {
            date,
            hour,
            minute,
            second,
        })
    }

    /// The instant this is in UTC.
    fn utc(self) -> Instant {
        let seconds = self.date.unix_days() * SECONDS_PER_DAY
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        Instant { seconds, nanos: 0 }
    }
}

impl Instant {
    fn new(seconds: i64, nanos: u32) -> Result<Instant, DateError> {
        if nanos > 999_999_999 {
            return Err(DateError(Problem::Nanos));
        }
        if !(MIN_SECONDS..=MAX_SECONDS).contains(&seconds) {
            return Err(DateError(Problem::Range));
        }
        Ok(Instant { seconds, nanos })
    }

    /// The date and time this is in UTC.
    fn utc(self) -> Civil {
        let (year, month, day) = civil_from_days(self.seconds.div_euclid(SECONDS_PER_DAY));
        let second_of_day = self.seconds.rem_euclid(SECONDS_PER_DAY);
        Civil {
            // In range: the instant is.
            date: Ymd {
                year: year as u16,
                month,
                day,
            },
            hour: (second_of_day / 3600) as u8,
            minute: (second_of_day / 60 % 60) as u8,
            second: (second_of_day % 60) as u8,
        }
    }
}

/// The ASCII digits at `range` in `s`, as a number (at most four digits).
fn digits(s: &str, range: Range<usize>) -> Option<u16> {
    s.as_bytes().get(range)?.iter().try_fold(0u16, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + u16::from(b - b'0'))
    })
}

/// `YYYY-MM-DD` at the start of `s`.
fn ymd(s: &str) -> Option<Ymd> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    // Two digits fit in a u8.
    let (month, day) = (digits(s, 5..7)? as u8, digits(s, 8..10)? as u8);
    Ymd::new(digits(s, 0..4)?, month, day).ok()
}

/// `hh:mm:ss`, an optional fraction (as nanoseconds), and what follows them.
fn hms(s: &str) -> Option<(u8, u8, u8, u32, &str)> {
    let b = s.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let (h, m, sec) = (
        digits(s, 0..2)? as u8,
        digits(s, 3..5)? as u8,
        digits(s, 6..8)? as u8,
    );
    let rest = s.get(8..)?;
    let (nanos, rest) = match rest.strip_prefix('.') {
        Some(frac) => {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            // Nanoseconds from the first nine digits, without building a padded string.
            let nanos = frac
                .bytes()
                .take(9)
                .take_while(u8::is_ascii_digit)
                .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'))
                * 10u32.pow(9 - digits.min(9) as u32);
            (nanos, &frac[digits..])
        }
        None => (0, rest),
    };
    Some((h, m, sec, nanos, rest))
}

/// `YYYY-MM-DD`, or followed by anything (a time).
fn parse_date(s: &str) -> Option<Ymd> {
    ymd(s.trim())
}

/// `YYYY-MM-DD hh:mm:ss`, or with a `T`, a fraction (dropped) or a `Z`.
fn parse_date_time(s: &str) -> Option<Civil> {
    let s = s.trim();
    let date = ymd(s)?;
    let time = s.get(10..)?.strip_prefix([' ', 'T'])?;
    let (h, mi, sec, _, rest) = hms(time)?;
    if !matches!(rest, "" | "Z") {
        return None;
    }
    Civil::new(date, h, mi, sec).ok()
}

/// `YYYY-MM-DDThh:mm:ss.sssZ`, or without the fraction, with a space, or with `+00:00`.
fn parse_timestamp(s: &str) -> Option<Instant> {
    let s = s.trim();
    let date = ymd(s)?;
    let time = s.get(10..)?.strip_prefix(['T', ' '])?;
    let (h, mi, sec, nanos, rest) = hms(time)?;
    if !matches!(rest, "Z" | "+00:00" | "") {
        return None;
    }
    let seconds = Civil::new(date, h, mi, sec).ok()?.utc().seconds;
    Some(Instant { seconds, nanos })
}

/// Whether `s` is exactly `YYYY-MM-DD`, `YYYY-MM-DD hh:mm:ss` or
/// `YYYY-MM-DDThh:mm:ss[.fraction]Z`, as `format` says, and names a real date and time: the
/// API's documented formats, stricter than the parsers above.
pub(crate) fn written_exactly(format: Format, s: &str) -> bool {
    let Some(date) = ymd(s) else {
        return false;
    };
    let separator = match format {
        Format::Date => return s.len() == 10,
        Format::DateTime => b' ',
        Format::Timestamp => b'T',
    };
    if s.as_bytes().get(10) != Some(&separator) {
        return false;
    }
    let Some((hour, minute, second, _, rest)) = s.get(11..).and_then(hms) else {
        return false;
    };
    let ends_right = match format {
        // No fraction: the time is the last eight bytes.
        Format::DateTime => rest.is_empty() && s.len() == 19,
        _ => rest == "Z",
    };
    ends_right && Civil::new(date, hour, minute, second).is_ok()
}

/// A value in its wire format, written on the stack (the longest, a timestamp, is 24 bytes):
/// sending a date allocates nothing.
struct Written {
    buf: [u8; 24],
    len: usize,
}

impl Written {
    fn new() -> Self {
        Written {
            buf: [0; 24],
            len: 0,
        }
    }

    fn byte(mut self, b: u8) -> Self {
        self.buf[self.len] = b;
        self.len += 1;
        self
    }

    /// `n` in decimal, zero-padded to `width` digits (`n` has no more).
    fn number(mut self, n: u32, width: usize) -> Self {
        let mut rest = n;
        for i in (0..width).rev() {
            self.buf[self.len + i] = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        self.len += width;
        self
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits and separators are written.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

fn write_ymd(w: Written, d: &Ymd) -> Written {
    w.number(u32::from(d.year), 4)
        .byte(b'-')
        .number(u32::from(d.month), 2)
        .byte(b'-')
        .number(u32::from(d.day), 2)
}

fn write_hms(w: Written, dt: &Civil) -> Written {
    w.number(u32::from(dt.hour), 2)
        .byte(b':')
        .number(u32::from(dt.minute), 2)
        .byte(b':')
        .number(u32::from(dt.second), 2)
}

fn write_date(d: &Ymd) -> Written {
    write_ymd(Written::new(), d)
}

fn write_date_time(dt: &Civil) -> Written {
    write_hms(write_ymd(Written::new(), &dt.date).byte(b' '), dt)
}

fn write_timestamp(ts: &Instant) -> Written {
    let dt = ts.utc();
    write_hms(write_ymd(Written::new(), &dt.date).byte(b'T'), &dt)
        .byte(b'.')
        .number(ts.nanos / 1_000_000, 3)
        .byte(b'Z')
}

/// An instant outside 0000..=9999, in ISO 8601's expanded form (`+010000-01-01T00:00:00.000Z`):
/// the text kept for a [`SystemTime`] that [`Timestamp`] cannot hold.
fn write_expanded_timestamp(seconds: i128, nanos: u32) -> String {
    let day = seconds.div_euclid(i128::from(SECONDS_PER_DAY));
    let second_of_day = seconds.rem_euclid(i128::from(SECONDS_PER_DAY));
    // A SystemTime is at most 2^64 seconds from the epoch: its day fits in an i64.
    let (year, month, day) = civil_from_days(day as i64);
    format!(
        "{}{:06}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        if year < 0 { '-' } else { '+' },
        year.unsigned_abs(),
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60,
        nanos / 1_000_000
    )
}

/// What each of the three types holds: a valid value, or text that did not parse (kept as it
/// came, and refused before sending).
#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr<T> {
    Valid(T),
    Unparsed(String),
}

/// A value of one of the three wire formats: how it is read and written.
trait Wire: Copy {
    /// The format.
    const FORMAT: Format;
    fn parse(text: &str) -> Option<Self>;
    fn write(&self) -> Written;
}

impl Wire for Ymd {
    const FORMAT: Format = Format::Date;
    fn parse(text: &str) -> Option<Self> {
        parse_date(text)
    }
    fn write(&self) -> Written {
        write_date(self)
    }
}

impl Wire for Civil {
    const FORMAT: Format = Format::DateTime;
    fn parse(text: &str) -> Option<Self> {
        parse_date_time(text)
    }
    fn write(&self) -> Written {
        write_date_time(self)
    }
}

impl Wire for Instant {
    const FORMAT: Format = Format::Timestamp;
    fn parse(text: &str) -> Option<Self> {
        parse_timestamp(text)
    }
    fn write(&self) -> Written {
        write_timestamp(self)
    }
}

impl<T: Wire> Repr<T> {
    fn parse(text: &str) -> Self {
        match T::parse(text) {
            Some(v) => Repr::Valid(v),
            None => Repr::Unparsed(text.to_string()),
        }
    }

    fn from_string(text: String) -> Self {
        match T::parse(&text) {
            Some(v) => Repr::Valid(v),
            None => Repr::Unparsed(text),
        }
    }

    /// Runs `f` on the text as it goes on the wire, without allocating it.
    fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        match self {
            Repr::Valid(v) => f(v.write().as_str()),
            Repr::Unparsed(s) => f(s),
        }
    }

    fn valid(&self) -> Option<T> {
        match self {
            Repr::Valid(v) => Some(*v),
            Repr::Unparsed(_) => None,
        }
    }

    fn debug(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Repr::Valid(v) => write!(f, "{name}({})", v.write().as_str()),
            Repr::Unparsed(s) => write!(f, "{name}(unparsed {s:?})"),
        }
    }

    fn check(&self, at: &Path<'_>, check: &mut Check) {
        if let Repr::Unparsed(_) = self {
            // The text is not repeated: it may be personal data (a birthday).
            check.problem(at, format_args!("must be {}", T::FORMAT.what()));
        }
    }
}

/// The traits every one of the three types has, each one the same call to its [`Repr`]: read
/// from and shown as its text, written and read as a JSON string, refused before sending when
/// it did not parse.
macro_rules! wire_traits {
    ($($name:ident),*) => {$(
        impl From<&str> for $name {
            /// Parses the text: see [`parse`](Self::parse).
            fn from(s: &str) -> Self {
                $name(Repr::parse(s))
            }
        }

        impl From<String> for $name {
            /// Parses the text: see [`parse`](Self::parse).
            fn from(s: String) -> Self {
                $name(Repr::from_string(s))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.with_text(|t| f.write_str(t))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.debug(stringify!($name), f)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.0.with_text(|t| s.serialize_str(t))
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Ok(Self::parse(&text))
            }
        }

        impl Checkable for $name {
            fn check_value(&self, at: &Path<'_>, _: &Rule, check: &mut Check) {
                self.0.check(at, check);
            }
        }
    )*};
}

wire_traits!(Date, DateTime, Timestamp);

/// A calendar date, `YYYY-MM-DD` on the wire (birthdays, `date_from`).
///
/// Built with [`Date::new`] (checked), or from text: [`Date::parse`] reads leniently
/// (`1990-03-11 00:00:00` is a date too) and keeps text that does not parse, which is then
/// refused before sending. [`Date::get`] has the parts of a valid date.
///
/// ```
/// use personaclick::Date;
///
/// let d = Date::new(1990, 3, 11)?;
/// assert_eq!(d.to_string(), "1990-03-11");
/// assert_eq!(d.get(), Some((1990, 3, 11)));
/// assert_eq!(Date::parse("1990-03-11 00:00:00"), d, "read leniently");
/// assert_eq!(Date::parse("11.03.1990").get(), None);
/// # Ok::<(), personaclick::DateError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Date(Repr<Ymd>);

impl Date {
    /// Parses text leniently; text that does not parse is kept as it came, and refused before
    /// sending.
    ///
    /// ```
    /// use personaclick::Date;
    ///
    /// let v = Date::parse("1990-03-11 00:00:00");
    /// assert!(v.get().is_some());
    /// assert_eq!(v.as_text(), "1990-03-11");
    ///
    /// let odd = Date::parse("11.03.1990");
    /// assert_eq!(odd.get(), None);
    /// assert_eq!(odd.as_text(), "11.03.1990");
    /// ```
    pub fn parse(text: &str) -> Self {
        Date(Repr::parse(text))
    }

    /// As it goes on the wire: `YYYY-MM-DD`, or the text as it came when it did not parse
    /// (the same as `to_string()`).
    ///
    /// ```
    /// use personaclick::Date;
    ///
    /// assert_eq!(Date::parse("1990-03-11 00:00:00").as_text(), "1990-03-11");
    /// ```
    pub fn as_text(&self) -> String {
        self.0.with_text(str::to_string)
    }
}

/// A date and time without a time zone, to the second, `YYYY-MM-DD hh:mm:ss` on the wire
/// (custom date properties).
///
/// Built with [`DateTime::new`] (checked), or from text: [`DateTime::parse`] reads
/// leniently (a `T` for the space, a fraction of a second, which is dropped, or a `Z`) and
/// keeps text that does not parse, which is then refused before sending. [`DateTime::get`]
/// has the parts of a valid value.
///
/// ```
/// use personaclick::DateTime;
///
/// let dt = DateTime::new(2021, 12, 31, 23, 55, 0)?;
/// assert_eq!(dt.to_string(), "2021-12-31 23:55:00");
/// assert_eq!(dt.get(), Some((2021, 12, 31, 23, 55, 0)));
/// assert_eq!(DateTime::parse("2021-12-31T23:55:00.250Z"), dt, "read leniently");
/// # Ok::<(), personaclick::DateError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DateTime(Repr<Civil>);

impl DateTime {
    /// Parses text leniently; text that does not parse is kept as it came, and refused before
    /// sending.
    ///
    /// ```
    /// use personaclick::DateTime;
    ///
    /// let v = DateTime::parse("2021-12-31T23:55:00Z");
    /// assert!(v.get().is_some());
    /// assert_eq!(v.as_text(), "2021-12-31 23:55:00");
    ///
    /// let odd = DateTime::parse("2021-12-31 24:00:00");
    /// assert_eq!(odd.get(), None);
    /// assert_eq!(odd.as_text(), "2021-12-31 24:00:00");
    /// ```
    pub fn parse(text: &str) -> Self {
        DateTime(Repr::parse(text))
    }

    /// As it goes on the wire: `YYYY-MM-DD hh:mm:ss`, or the text as it came when it did not
    /// parse (the same as `to_string()`).
    ///
    /// ```
    /// use personaclick::DateTime;
    ///
    /// assert_eq!(DateTime::parse("2021-12-31T23:55:00Z").as_text(), "2021-12-31 23:55:00");
    /// ```
    pub fn as_text(&self) -> String {
        self.0.with_text(str::to_string)
    }
}

/// An instant, `YYYY-MM-DDThh:mm:ss.sssZ` (UTC, milliseconds) on the wire (when a message
/// was sent). It holds nanoseconds; the wire has the milliseconds.
///
/// Built from a [`SystemTime`], with [`Timestamp::new`] from Unix seconds and
/// nanoseconds (checked), or from text: [`Timestamp::parse`] reads leniently (a space for
/// the `T`, no fraction, or `+00:00` for the `Z`) and keeps text that does not parse, which
/// is then refused before sending. [`Timestamp::get`] and [`Timestamp::to_system_time`]
/// give a valid value back.
///
/// ```
/// use personaclick::Timestamp;
///
/// let ts = Timestamp::new(1_688_293_230, 250_000_000)?;
/// assert_eq!(ts.to_string(), "2023-07-02T10:20:30.250Z");
/// assert_eq!(ts.get(), Some((1_688_293_230, 250_000_000)));
/// assert_eq!(Timestamp::parse("2023-07-02 10:20:30.25"), ts, "read leniently");
/// # Ok::<(), personaclick::DateError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp(Repr<Instant>);

impl Timestamp {
    /// Parses text leniently; text that does not parse is kept as it came, and refused before
    /// sending.
    ///
    /// ```
    /// use personaclick::Timestamp;
    ///
    /// let v = Timestamp::parse("2023-07-02 10:20:30");
    /// assert!(v.get().is_some());
    /// assert_eq!(v.as_text(), "2023-07-02T10:20:30.000Z");
    ///
    /// let odd = Timestamp::parse("2023-07-02T10:20:30+03:00");
    /// assert_eq!(odd.get(), None);
    /// assert_eq!(odd.as_text(), "2023-07-02T10:20:30+03:00");
    /// ```
    pub fn parse(text: &str) -> Self {
        Timestamp(Repr::parse(text))
    }

    /// As it goes on the wire: `YYYY-MM-DDThh:mm:ss.sssZ`, or the text as it came when it did
    /// not parse (the same as `to_string()`).
    ///
    /// ```
    /// use personaclick::Timestamp;
    ///
    /// assert_eq!(Timestamp::parse("2023-07-02 10:20:30").as_text(), "2023-07-02T10:20:30.000Z");
    /// ```
    pub fn as_text(&self) -> String {
        self.0.with_text(str::to_string)
    }
}

impl Date {
    /// The date `year`-`month`-`day`, if it is one: `year` in `0..=9999`, `month` in `1..=12`,
    /// `day` in the month (February 29 in leap years only).
    ///
    /// ```
    /// use personaclick::Date;
    ///
    /// assert!(Date::new(2000, 2, 29).is_ok());
    /// assert!(Date::new(1900, 2, 29).is_err(), "not a leap year");
    /// assert!(Date::new(10_000, 1, 1).is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// When a part is out of range; the error names which.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Date, DateError> {
        Ymd::new(year, month, day).map(|v| Date(Repr::Valid(v)))
    }

    /// `(year, month, day)`, as [`Date::new`] takes them; `None` if the value is text that did
    /// not parse.
    ///
    /// ```
    /// use personaclick::Date;
    ///
    /// if let Some((_, month, day)) = Date::parse("1990-03-11").get() {
    ///     assert_eq!((month, day), (3, 11));
    /// }
    /// assert_eq!(Date::parse("1990-02-30").get(), None);
    /// ```
    pub fn get(&self) -> Option<(u16, u8, u8)> {
        self.0.valid().map(|d| (d.year, d.month, d.day))
    }
}

impl DateTime {
    /// The date and time `year`-`month`-`day` `hour`:`minute`:`second`, if it is one: the date
    /// as in [`Date::new`], `hour` in `0..=23`, `minute` and `second` in `0..=59`.
    ///
    /// ```
    /// use personaclick::DateTime;
    ///
    /// assert!(DateTime::new(2021, 12, 31, 23, 59, 59).is_ok());
    /// assert!(DateTime::new(2021, 12, 31, 24, 0, 0).is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// When a part is out of range; the error names which.
    pub fn new(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<DateTime, DateError> {
        let date = Ymd::new(year, month, day)?;
        Civil::new(date, hour, minute, second).map(|v| DateTime(Repr::Valid(v)))
    }

    /// `(year, month, day, hour, minute, second)`, as [`DateTime::new`] takes them; `None` if
    /// the value is text that did not parse.
    ///
    /// ```
    /// use personaclick::DateTime;
    ///
    /// let dt = DateTime::parse("2021-12-31 23:55:00");
    /// assert_eq!(dt.get(), Some((2021, 12, 31, 23, 55, 0)));
    /// ```
    pub fn get(&self) -> Option<(u16, u8, u8, u8, u8, u8)> {
        self.0.valid().map(|v| {
            (
                v.date.year,
                v.date.month,
                v.date.day,
                v.hour,
                v.minute,
                v.second,
            )
        })
    }
}

impl Timestamp {
    /// The instant `seconds` after 1970-01-01T00:00:00Z plus `nanos` (in `0..=999_999_999`,
    /// always forward in time, as in a C `timespec`: half a second before the epoch is
    /// `(-1, 500_000_000)`), if it is within 0000-01-01T00:00:00Z..=9999-12-31T23:59:59.999999999Z.
    ///
    /// ```
    /// use personaclick::Timestamp;
    ///
    /// assert_eq!(Timestamp::new(0, 0)?.to_string(), "1970-01-01T00:00:00.000Z");
    /// assert_eq!(Timestamp::new(-1, 500_000_000)?.to_string(), "1969-12-31T23:59:59.500Z");
    /// assert!(Timestamp::new(0, 1_000_000_000).is_err());
    /// assert!(Timestamp::new(253_402_300_800, 0).is_err(), "year 10000");
    /// # Ok::<(), personaclick::DateError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// When `nanos` or the instant is out of range.
    pub fn new(seconds: i64, nanos: u32) -> Result<Timestamp, DateError> {
        Instant::new(seconds, nanos).map(|v| Timestamp(Repr::Valid(v)))
    }

    /// `(seconds, nanos)` since the Unix epoch, as [`Timestamp::new`] takes them; `None` if the
    /// value is text that did not parse.
    ///
    /// ```
    /// use personaclick::Timestamp;
    ///
    /// let ts = Timestamp::parse("1969-12-31T23:59:59.500Z");
    /// assert_eq!(ts.get(), Some((-1, 500_000_000)));
    /// ```
    pub fn get(&self) -> Option<(i64, u32)> {
        self.0.valid().map(|v| (v.seconds, v.nanos))
    }

    /// The instant as a [`SystemTime`]; `None` if the value is text that did not parse, or if
    /// the platform's `SystemTime` cannot hold it (on Windows, before 1601).
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use personaclick::Timestamp;
    ///
    /// let ts = Timestamp::parse("2023-07-02T10:20:30.000Z");
    /// let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_688_293_230);
    /// assert_eq!(ts.to_system_time(), Some(t));
    /// assert_eq!(Timestamp::from(t), ts);
    /// ```
    pub fn to_system_time(&self) -> Option<SystemTime> {
        let Instant { seconds, nanos } = self.0.valid()?;
        let after = Duration::from_nanos(u64::from(nanos));
        match u64::try_from(seconds) {
            Ok(s) => UNIX_EPOCH.checked_add(Duration::from_secs(s) + after),
            Err(_) => UNIX_EPOCH
                .checked_sub(Duration::from_secs(seconds.unsigned_abs()))?
                .checked_add(after),
        }
    }
}

impl From<SystemTime> for Timestamp {
    /// The same instant, to the nanosecond. A time outside 0000..=9999 (which no clock gives)
    /// is kept as text in ISO 8601's expanded form (`+010000-01-01T00:00:00.000Z`) and refused
    /// before sending, like text that does not parse.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use personaclick::Timestamp;
    ///
    /// let now = SystemTime::now();
    /// assert_eq!(Timestamp::from(now).to_system_time(), Some(now));
    /// ```
    fn from(t: SystemTime) -> Self {
        // Floored seconds and nanoseconds forward, in an i128: any SystemTime fits.
        let (seconds, nanos) = match t.duration_since(UNIX_EPOCH) {
            Ok(after) => (i128::from(after.as_secs()), after.subsec_nanos()),
            Err(e) => {
                let before = e.duration();
                match before.subsec_nanos() {
                    0 => (-i128::from(before.as_secs()), 0),
                    n => (-i128::from(before.as_secs()) - 1, 1_000_000_000 - n),
                }
            }
        };
        let valid = i64::try_from(seconds)
            .ok()
            .and_then(|s| Instant::new(s, nanos).ok());
        match valid {
            Some(v) => Timestamp(Repr::Valid(v)),
            None => Timestamp(Repr::Unparsed(write_expanded_timestamp(seconds, nanos))),
        }
    }
}

/// Conversions with `jiff`'s types (feature `jiff`). From `jiff`, a value outside 0000..=9999
/// is kept as `jiff` writes it and refused before sending, like text that does not parse.
#[cfg(feature = "jiff")]
mod with_jiff {
    use super::*;

    impl From<jiff::civil::Date> for Date {
        /// The same date.
        ///
        /// ```
        /// use personaclick::Date;
        ///
        /// let d = Date::from(jiff::civil::date(1990, 3, 11));
        /// assert_eq!(d.get(), Some((1990, 3, 11)));
        /// assert_eq!(Date::from(jiff::civil::date(-1, 1, 1)).get(), None, "before 0000");
        /// ```
        fn from(d: jiff::civil::Date) -> Self {
            let valid = u16::try_from(d.year())
                .ok()
                .and_then(|y| Ymd::new(y, d.month() as u8, d.day() as u8).ok());
            match valid {
                Some(v) => Date(Repr::Valid(v)),
                None => Date(Repr::Unparsed(d.to_string())),
            }
        }
    }

    impl TryFrom<&Date> for jiff::civil::Date {
        type Error = DateError;

        /// The same date; an error if the value is text that did not parse.
        ///
        /// ```
        /// use personaclick::Date;
        ///
        /// let d = jiff::civil::Date::try_from(&Date::parse("1990-03-11"))?;
        /// assert_eq!(d, jiff::civil::date(1990, 3, 11));
        /// assert!(jiff::civil::Date::try_from(&Date::parse("1990-02-30")).is_err());
        /// # Ok::<(), personaclick::DateError>(())
        /// ```
        fn try_from(d: &Date) -> Result<Self, DateError> {
            let v = d.0.valid().ok_or(DateError(Problem::Unparsed))?;
            // Years 0..=9999 are within jiff's -9999..=9999.
            jiff::civil::Date::new(v.year as i16, v.month as i8, v.day as i8)
                .map_err(|_| DateError(Problem::Range))
        }
    }

    impl TryFrom<Date> for jiff::civil::Date {
        type Error = DateError;

        /// As from a `&Date`.
        fn try_from(d: Date) -> Result<Self, DateError> {
            Self::try_from(&d)
        }
    }

    impl From<jiff::civil::DateTime> for DateTime {
        /// The same date and time, to the second: the fraction, which the wire does not have,
        /// is dropped.
        ///
        /// ```
        /// use personaclick::DateTime;
        ///
        /// let dt = DateTime::from(jiff::civil::date(2021, 12, 31).at(23, 55, 0, 500));
        /// assert_eq!(dt.get(), Some((2021, 12, 31, 23, 55, 0)));
        /// ```
        fn from(dt: jiff::civil::DateTime) -> Self {
            let valid = u16::try_from(dt.year()).ok().and_then(|y| {
                let date = Ymd::new(y, dt.month() as u8, dt.day() as u8).ok()?;
                Civil::new(date, dt.hour() as u8, dt.minute() as u8, dt.second() as u8).ok()
            });
            match valid {
                Some(v) => DateTime(Repr::Valid(v)),
                None => DateTime(Repr::Unparsed(dt.to_string())),
            }
        }
    }

    impl TryFrom<&DateTime> for jiff::civil::DateTime {
        type Error = DateError;

        /// The same date and time; an error if the value is text that did not parse.
        ///
        /// ```
        /// use personaclick::DateTime;
        ///
        /// let dt = jiff::civil::DateTime::try_from(&DateTime::parse("2021-12-31 23:55:00"))?;
        /// assert_eq!(dt, jiff::civil::date(2021, 12, 31).at(23, 55, 0, 0));
        /// # Ok::<(), personaclick::DateError>(())
        /// ```
        fn try_from(dt: &DateTime) -> Result<Self, DateError> {
            let v = dt.0.valid().ok_or(DateError(Problem::Unparsed))?;
            let d = v.date;
            jiff::civil::DateTime::new(
                d.year as i16,
                d.month as i8,
                d.day as i8,
                v.hour as i8,
                v.minute as i8,
                v.second as i8,
                0,
            )
            .map_err(|_| DateError(Problem::Range))
        }
    }

    impl TryFrom<DateTime> for jiff::civil::DateTime {
        type Error = DateError;

        /// As from a `&DateTime`.
        fn try_from(dt: DateTime) -> Result<Self, DateError> {
            Self::try_from(&dt)
        }
    }

    impl From<jiff::Timestamp> for Timestamp {
        /// The same instant, to the nanosecond.
        ///
        /// ```
        /// use personaclick::Timestamp;
        ///
        /// let ts = Timestamp::from(jiff::Timestamp::new(1_688_293_230, 0)?);
        /// assert_eq!(ts.to_string(), "2023-07-02T10:20:30.000Z");
        /// # Ok::<(), jiff::Error>(())
        /// ```
        fn from(ts: jiff::Timestamp) -> Self {
            // jiff's seconds and nanoseconds share a sign; ours are floored and forward.
            let (seconds, nanos) = match ts.subsec_nanosecond() {
                n if n < 0 => (ts.as_second() - 1, (1_000_000_000 + n) as u32),
                n => (ts.as_second(), n as u32),
            };
            match Instant::new(seconds, nanos) {
                Ok(v) => Timestamp(Repr::Valid(v)),
                Err(_) => Timestamp(Repr::Unparsed(ts.to_string())),
            }
        }
    }

    impl TryFrom<&Timestamp> for jiff::Timestamp {
        type Error = DateError;

        /// The same instant; an error if the value is text that did not parse, or after
        /// `jiff::Timestamp::MAX` (9999-12-30T22:00:00.999999999Z).
        ///
        /// ```
        /// use personaclick::Timestamp;
        ///
        /// let ts = jiff::Timestamp::try_from(&Timestamp::new(-1, 500_000_000)?)?;
        /// assert_eq!(ts.as_millisecond(), -500);
        /// # Ok::<(), personaclick::DateError>(())
        /// ```
        fn try_from(ts: &Timestamp) -> Result<Self, DateError> {
            let v = ts.0.valid().ok_or(DateError(Problem::Unparsed))?;
            // Nanoseconds below 10^9 fit an i32; jiff accepts signs that differ.
            jiff::Timestamp::new(v.seconds, v.nanos as i32)
                .map_err(|_| DateError(Problem::JiffRange))
        }
    }

    impl TryFrom<Timestamp> for jiff::Timestamp {
        type Error = DateError;

        /// As from a `&Timestamp`.
        fn try_from(ts: Timestamp) -> Result<Self, DateError> {
            Self::try_from(&ts)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_on_the_wire_lenient_on_reading() {
        assert_eq!(Date::parse("2024-02-29").to_string(), "2024-02-29");
        assert_eq!(Date::parse("2023-02-29").get(), None);
        assert_eq!(
            Date::parse("2023-02-29").to_string(),
            "2023-02-29",
            "kept as it came"
        );
        assert_eq!(
            DateTime::parse("2021-12-31T23:55:00Z").to_string(),
            "2021-12-31 23:55:00"
        );
        assert_eq!(DateTime::parse("2021-12-31 24:00:00").get(), None);
        let ts = Timestamp::parse("2023-07-01 10:20:30+00:00");
        assert_eq!(ts.to_string(), "2023-07-01T10:20:30.000Z");
        assert_eq!(
            Timestamp::parse("2023-07-01T10:20:30.1234Z").to_string(),
            "2023-07-01T10:20:30.123Z"
        );
        assert_eq!(Timestamp::parse("2023-07-01T10:20:30.Z").get(), None);
        assert_eq!(
            Timestamp::parse("2023-07-01T10:20:30+03:00").get(),
            None,
            "only UTC is documented"
        );
    }

    #[test]
    fn never_panics_on_odd_text() {
        for s in [
            "",
            "é",
            "2024-0é-01",
            "2024-02-29Té0:00:00",
            "9999999999",
            "2024-02-29 10:00:00.",
            "-001-01-01",
            "2024-02-29 10:00:00.ééé",
            "2024-02-29 10:00:00.99999999999999999999",
        ] {
            let _ = (Date::parse(s), DateTime::parse(s), Timestamp::parse(s));
        }
    }

    #[test]
    fn numbers_are_digits_only() {
        for s in [
            "+990-03-11",
            "-001-01-01",
            " 990-03-11",
            "1990-+3-11",
            "1990-03-+1",
        ] {
            assert_eq!(Date::parse(s).get(), None, "{s}");
        }
        assert_eq!(DateTime::parse("1990-03-11 +1:00:00").get(), None);
        assert_eq!(Timestamp::parse("1990-03-11T10:-1:00Z").get(), None);
    }

    /// Every day from 0000-01-01 to 9999-12-31, against a calendar walked day by day, through
    /// Unix days and back; through text as a `Date` and a `Timestamp` every 31st day and every
    /// day of a few years (text is slow in a debug build: every day would take half a minute).
    #[test]
    fn every_day_round_trips() {
        let first = days_from_civil(0, 1, 1);
        assert_eq!(first * SECONDS_PER_DAY, MIN_SECONDS);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        let (mut year, mut month, mut day) = (0u16, 1u8, 1u8);
        let mut days = first;
        loop {
            let date = Ymd::new(year, month, day).unwrap();
            assert_eq!(date.unix_days(), days);
            assert_eq!(civil_from_days(days), (i64::from(year), month, day));
            if days % 31 == 0 || matches!(year, 0 | 1900 | 1970 | 2000 | 9999) {
                text_round_trip(year, month, day, days);
            }
            if (year, month, day) == (9999, 12, 31) {
                break;
            }
            days += 1;
            day += 1;
            if day > days_in_month(i64::from(year), month) {
                (month, day) = (month + 1, 1);
                if month > 12 {
                    (year, month) = (year + 1, 1);
                }
            }
        }
        assert_eq!(days * SECONDS_PER_DAY + 86_399, MAX_SECONDS);
        assert_eq!(days - first + 1, 3_652_425, "10,000 years of 365.2425 days");

        fn text_round_trip(year: u16, month: u8, day: u8, days: i64) {
            let d = Date::new(year, month, day).unwrap();
            assert_eq!(Date::parse(&d.as_text()), d);
            // A different time of day and fraction each day.
            let second_of_day = days.rem_euclid(SECONDS_PER_DAY);
            let millis = (days.rem_euclid(1000)) as u32;
            let ts =
                Timestamp::new(days * SECONDS_PER_DAY + second_of_day, millis * 1_000_000).unwrap();
            assert_eq!(Timestamp::parse(&ts.as_text()), ts);
            assert!(ts.as_text().starts_with(&d.as_text()));
        }
    }

    #[test]
    fn leap_years() {
        for (year, leap) in [
            (0, true),
            (4, true),
            (100, false),
            (400, true),
            (1900, false),
            (2000, true),
            (2023, false),
            (2024, true),
            (2100, false),
            (9996, true),
        ] {
            assert_eq!(Date::new(year, 2, 29).is_ok(), leap, "{year}");
            assert_eq!(
                Date::parse(&format!("{year:04}-02-29")).get().is_some(),
                leap
            );
            assert!(Date::new(year, 2, 28).is_ok());
            assert!(Date::new(year, 2, 30).is_err());
        }
    }

    #[test]
    fn invalid_parts_are_refused_and_named_not_echoed() {
        let problem = |r: Result<(), DateError>| r.unwrap_err().to_string();
        let date = |y, m, d| Date::new(y, m, d).map(drop);
        let time = |h, m, s| DateTime::new(2020, 1, 1, h, m, s).map(drop);
        assert_eq!(
            problem(date(10_000, 1, 1)),
            "invalid date: year out of range 0..=9999"
        );
        assert_eq!(
            problem(date(2020, 0, 1)),
            "invalid date: month out of range 1..=12"
        );
        assert_eq!(
            problem(date(2020, 13, 1)),
            "invalid date: month out of range 1..=12"
        );
        assert_eq!(
            problem(date(2020, 1, 0)),
            "invalid date: day out of range for the month"
        );
        assert_eq!(
            problem(date(2020, 4, 31)),
            "invalid date: day out of range for the month"
        );
        assert_eq!(
            problem(time(24, 0, 0)),
            "invalid time: hour out of range 0..=23"
        );
        assert_eq!(
            problem(time(0, 60, 0)),
            "invalid time: minute out of range 0..=59"
        );
        assert_eq!(
            problem(time(0, 0, 60)),
            "invalid time: second out of range 0..=59"
        );
        assert!(problem(Timestamp::new(0, 1_000_000_000).map(drop)).contains("nanoseconds"));
        assert!(
            problem(Timestamp::new(MIN_SECONDS - 1, 999_999_999).map(drop)).contains("outside")
        );
        assert!(problem(Timestamp::new(MAX_SECONDS + 1, 0).map(drop)).contains("outside"));
        assert!(problem(Timestamp::new(i64::MIN, 0).map(drop)).contains("outside"));
        assert_eq!(
            Timestamp::new(MIN_SECONDS, 0).unwrap().to_string(),
            "0000-01-01T00:00:00.000Z"
        );
        assert_eq!(
            Timestamp::new(MAX_SECONDS, 999_999_999)
                .unwrap()
                .to_string(),
            "9999-12-31T23:59:59.999Z"
        );
        assert_eq!(
            DateTime::new(9999, 12, 31, 23, 59, 59).unwrap().to_string(),
            "9999-12-31 23:59:59"
        );
        assert_eq!(Date::new(0, 1, 1).unwrap().to_string(), "0000-01-01");
    }

    #[test]
    fn unparsed_values_are_refused_before_sending_without_the_text() {
        let mut check = Check::new("set_profile");
        let root = Path::Root;
        Date::parse("1990-02-30").check_value(&root.field("birthday"), &Rule::NONE, &mut check);
        DateTime::new(2021, 1, 1, 0, 0, 0).unwrap().check_value(
            &root.field("ok"),
            &Rule::NONE,
            &mut check,
        );
        let invalid = check.into_invalid().unwrap();
        assert_eq!(
            invalid.problems(),
            ["`birthday` must be a date as YYYY-MM-DD"]
        );
    }

    #[test]
    fn system_time_both_ways() {
        let epoch = Timestamp::from(UNIX_EPOCH);
        assert_eq!(epoch.get(), Some((0, 0)));
        assert_eq!(epoch.to_system_time(), Some(UNIX_EPOCH));
        let now = SystemTime::now();
        assert_eq!(Timestamp::from(now).to_system_time(), Some(now));
        for (t, seconds, nanos, text) in [
            (
                UNIX_EPOCH + Duration::new(1_688_293_230, 123_456_789),
                1_688_293_230,
                123_456_789,
                "2023-07-02T10:20:30.123Z",
            ),
            (
                UNIX_EPOCH - Duration::from_millis(500),
                -1,
                500_000_000,
                "1969-12-31T23:59:59.500Z",
            ),
            (
                UNIX_EPOCH - Duration::from_secs(86_400),
                -86_400,
                0,
                "1969-12-31T00:00:00.000Z",
            ),
            (
                UNIX_EPOCH - Duration::new(2_208_988_800, 1),
                -2_208_988_801,
                999_999_999,
                "1899-12-31T23:59:59.999Z",
            ),
        ] {
            let ts = Timestamp::from(t);
            assert_eq!(ts.get(), Some((seconds, nanos)));
            assert_eq!(ts.to_string(), text);
            assert_eq!(ts.to_system_time(), Some(t));
            assert_eq!(Timestamp::new(seconds, nanos).unwrap(), ts);
        }
        // Out of range: kept as text, refused before sending.
        let far = UNIX_EPOCH + Duration::from_secs(MAX_SECONDS as u64 + 1);
        let ts = Timestamp::from(far);
        assert_eq!((ts.get(), ts.to_system_time()), (None, None));
        assert_eq!(ts.to_string(), "+010000-01-01T00:00:00.000Z");
        if let Some(before) = UNIX_EPOCH.checked_sub(Duration::new(MIN_SECONDS.unsigned_abs(), 1)) {
            let ts = Timestamp::from(before);
            assert_eq!(ts.get(), None);
            assert_eq!(ts.to_string(), "-000001-12-31T23:59:59.999Z");
        }
    }

    #[test]
    fn serde_both_ways() {
        let d = Date::new(1990, 3, 11).unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), r#""1990-03-11""#);
        let back: Date = serde_json::from_str(r#""1990-03-11 00:00:00""#).unwrap();
        assert_eq!(back, d);
        let odd: Timestamp = serde_json::from_str(r#""02.07.2023""#).unwrap();
        assert_eq!((odd.get(), odd.to_string()), (None, "02.07.2023".into()));
        assert_eq!(serde_json::to_string(&odd).unwrap(), r#""02.07.2023""#);
        assert!(serde_json::from_str::<DateTime>("1").is_err(), "a string");
    }

    #[test]
    fn debug_and_hash() {
        use std::collections::HashSet;
        assert_eq!(
            format!("{:?}", Date::new(1990, 3, 11).unwrap()),
            "Date(1990-03-11)"
        );
        assert_eq!(
            format!("{:?}", DateTime::parse("odd")),
            r#"DateTime(unparsed "odd")"#
        );
        assert_eq!(
            format!("{:?}", Timestamp::new(0, 0).unwrap()),
            "Timestamp(1970-01-01T00:00:00.000Z)"
        );
        let set: HashSet<Timestamp> = ["2023-07-01T10:20:30Z", "2023-07-01 10:20:30+00:00"]
            .into_iter()
            .map(Timestamp::from)
            .collect();
        assert_eq!(set.len(), 1, "the same instant");
        assert_eq!(
            DateTime::parse("2021-12-31 23:55:00.9"),
            DateTime::parse("2021-12-31 23:55:00"),
            "to the second"
        );
    }

    #[cfg(feature = "jiff")]
    #[test]
    fn jiff_both_ways() {
        use jiff::civil::date;

        // Our calendar against jiff's, every 7919th day of the range (and the ends).
        let (first, last) = (days_from_civil(0, 1, 1), days_from_civil(9999, 12, 31));
        let mut days: Vec<i64> = (first..=last).step_by(7919).collect();
        days.extend([first, last, 0, -1]);
        for day in days {
            let (y, m, d) = civil_from_days(day);
            let ours = Date::new(y as u16, m, d).unwrap();
            let theirs = date(y as i16, m as i8, d as i8);
            assert_eq!(Date::from(theirs), ours);
            assert_eq!(jiff::civil::Date::try_from(&ours).unwrap(), theirs);
            assert_eq!(ours.to_string(), theirs.to_string());

            let second = day * SECONDS_PER_DAY + (day * 7).rem_euclid(SECONDS_PER_DAY);
            let ts = Timestamp::new(second, 123_456_789).unwrap();
            let Ok(jts) = jiff::Timestamp::try_from(&ts) else {
                assert!(second > jiff::Timestamp::MAX.as_second(), "{ts}");
                continue;
            };
            assert_eq!(
                jts.as_nanosecond(),
                i128::from(second) * 1_000_000_000 + 123_456_789
            );
            assert_eq!(Timestamp::from(jts), ts);
            let civil = jiff::tz::Offset::UTC.to_datetime(jts);
            assert_eq!(
                ts.to_string(),
                civil.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
            );
            let dt = DateTime::from(civil);
            assert_eq!(
                jiff::civil::DateTime::try_from(dt).unwrap(),
                civil.with().subsec_nanosecond(0).build().unwrap()
            );
        }

        // Out of our range: kept as jiff writes it, refused before sending.
        let old = Date::from(date(-5, 1, 1));
        assert_eq!((old.get(), old.to_string()), (None, "-000005-01-01".into()));
        let old = DateTime::from(date(-5, 1, 1).at(0, 0, 0, 0));
        assert_eq!(old.get(), None);
        let last = Timestamp::new(MAX_SECONDS, 0).unwrap();
        assert_eq!(
            jiff::Timestamp::try_from(last).unwrap_err().to_string(),
            "invalid timestamp: after jiff's last instant, 9999-12-30T22:00:00.999999999Z"
        );
        let jiff_last = Timestamp::from(jiff::Timestamp::MAX);
        assert_eq!(jiff_last.to_string(), "9999-12-30T22:00:00.999Z");
        assert_eq!(
            jiff::Timestamp::try_from(jiff_last),
            Ok(jiff::Timestamp::MAX)
        );
        let old = Timestamp::from(jiff::Timestamp::MIN);
        assert_eq!(old.get(), None);
        assert!(jiff::Timestamp::try_from(old).is_err());
        assert_eq!(
            jiff::civil::Date::try_from(Date::parse("odd"))
                .unwrap_err()
                .to_string(),
            "not a valid date or time: the text it came as did not parse"
        );
        assert!(jiff::civil::DateTime::try_from(DateTime::parse("odd")).is_err());

        // Negative instants with a fraction: jiff's signs agree, ours are floored.
        let jts = jiff::Timestamp::new(-1, -250_000_000).unwrap();
        assert_eq!(Timestamp::from(jts).get(), Some((-2, 750_000_000)));
        assert_eq!(
            jiff::Timestamp::try_from(Timestamp::from(jts)).unwrap(),
            jts
        );
    }
}
