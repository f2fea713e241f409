//! Dates and times as PersonaClick writes them: typed (with `jiff`), written strictly in the
//! documented format, read leniently, and never lost.
//!
//! A value the caller gives as text (`.birthday("1990-03-11")`) is parsed at once; one that
//! does not parse is kept and refused before sending, with the parameter's name. A value the
//! API sends in a form that does not parse is kept as it came: [`get`](Date::get) is `None`,
//! [`as_text`](Date::as_text) has the text.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::check::{Check, Checkable, Path, Rule};

/// `YYYY-MM-DD` and the numbers in it.
fn ymd(s: &str) -> Option<(i16, i8, i8)> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    Some((
        s.get(0..4)?.parse().ok()?,
        s.get(5..7)?.parse().ok()?,
        s.get(8..10)?.parse().ok()?,
    ))
}

/// `hh:mm:ss`, an optional fraction, and what follows it.
fn hms(s: &str) -> Option<(i8, i8, i8, i32, &str)> {
    let b = s.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let (h, m, sec) = (
        s.get(0..2)?.parse().ok()?,
        s.get(3..5)?.parse().ok()?,
        s.get(6..8)?.parse().ok()?,
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
                .fold(0i32, |n, d| n * 10 + i32::from(d - b'0'))
                * 10i32.pow(9 - digits.min(9) as u32);
            (nanos, &frac[digits..])
        }
        None => (0, rest),
    };
    Some((h, m, sec, nanos, rest))
}

fn parse_date(s: &str) -> Option<jiff::civil::Date> {
    let (y, m, d) = ymd(s.trim())?;
    jiff::civil::Date::new(y, m, d).ok()
}

/// `YYYY-MM-DD hh:mm:ss`, or with a `T`, a fraction or a `Z`.
fn parse_date_time(s: &str) -> Option<jiff::civil::DateTime> {
    let s = s.trim();
    let (y, mo, d) = ymd(s)?;
    let time = s.get(10..)?.strip_prefix([' ', 'T'])?;
    let (h, mi, sec, nanos, rest) = hms(time)?;
    if !matches!(rest, "" | "Z") {
        return None;
    }
    jiff::civil::DateTime::new(y, mo, d, h, mi, sec, nanos).ok()
}

/// `YYYY-MM-DDThh:mm:ss.sssZ`, or without the fraction, with a space, or with `+00:00`.
fn parse_timestamp(s: &str) -> Option<jiff::Timestamp> {
    let s = s.trim();
    let (y, mo, d) = ymd(s)?;
    let time = s.get(10..)?.strip_prefix(['T', ' '])?;
    let (h, mi, sec, nanos, rest) = hms(time)?;
    if !matches!(rest, "Z" | "+00:00" | "") {
        return None;
    }
    let civil = jiff::civil::DateTime::new(y, mo, d, h, mi, sec, nanos).ok()?;
    jiff::tz::Offset::UTC.to_timestamp(civil).ok()
}

fn write_date(d: &jiff::civil::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

fn write_date_time(dt: &jiff::civil::DateTime) -> String {
    format!(
        "{} {:02}:{:02}:{:02}",
        write_date(&dt.date()),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

fn write_timestamp(ts: &jiff::Timestamp) -> String {
    let dt = jiff::tz::Offset::UTC.to_datetime(*ts);
    format!(
        "{}T{:02}:{:02}:{:02}.{:03}Z",
        write_date(&dt.date()),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.millisecond()
    )
}

macro_rules! temporal {
    ($(#[$doc:meta])* $name:ident, $inner:ty, $format:literal, $parse:ident, $write:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name(Repr<$inner>);

        impl $name {
            /// Parses text leniently; text that does not parse is kept, and refused before sending.
            pub fn parse(text: &str) -> Self {
                match $parse(text) {
                    Some(v) => $name(Repr::Valid(v)),
                    None => $name(Repr::Unparsed(text.to_string())),
                }
            }

            /// The value, if it parsed.
            pub fn get(&self) -> Option<$inner> {
                match &self.0 {
                    Repr::Valid(v) => Some(*v),
                    Repr::Unparsed(_) => None,
                }
            }

            /// As it goes on the wire: the documented format, or the text as it came when it did
            /// not parse.
            pub fn as_text(&self) -> String {
                match &self.0 {
                    Repr::Valid(v) => $write(v),
                    Repr::Unparsed(s) => s.clone(),
                }
            }
        }

        impl From<$inner> for $name {
            fn from(v: $inner) -> Self {
                $name(Repr::Valid(v))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::parse(s)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self::parse(&s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.as_text())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match &self.0 {
                    Repr::Valid(v) => write!(f, "{}({})", stringify!($name), $write(v)),
                    Repr::Unparsed(s) => write!(f, "{}(unparsed {s:?})", stringify!($name)),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.as_text())
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
                if let Repr::Unparsed(_) = self.0 {
                    // The text is not repeated: it may be personal data (a birthday).
                    check.problem(at, concat!("must be ", $format));
                }
            }
        }
    };
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr<T> {
    Valid(T),
    Unparsed(String),
}

temporal!(
    /// A calendar date, `YYYY-MM-DD` on the wire (birthdays, `date_from`).
    ///
    /// ```
    /// use personaclick::Date;
    ///
    /// let d = Date::from(jiff::civil::date(1990, 3, 11));
    /// assert_eq!(d.to_string(), "1990-03-11");
    /// assert_eq!(Date::parse("1990-03-11 00:00:00").get(), d.get(), "read leniently");
    /// assert_eq!(Date::parse("11.03.1990").get(), None);
    /// ```
    Date,
    jiff::civil::Date,
    "a date as YYYY-MM-DD",
    parse_date,
    write_date
);

temporal!(
    /// A date and time without a time zone, `YYYY-MM-DD hh:mm:ss` on the wire (custom date
    /// properties).
    DateTime,
    jiff::civil::DateTime,
    "a date and time as YYYY-MM-DD hh:mm:ss",
    parse_date_time,
    write_date_time
);

temporal!(
    /// An instant, `YYYY-MM-DDThh:mm:ss.sssZ` (UTC) on the wire (when a message was sent).
    Timestamp,
    jiff::Timestamp,
    "a UTC timestamp as YYYY-MM-DDThh:mm:ss.sssZ",
    parse_timestamp,
    write_timestamp
);

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
        ] {
            let _ = (Date::parse(s), DateTime::parse(s), Timestamp::parse(s));
        }
    }
}
