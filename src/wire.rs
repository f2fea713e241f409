//! Values on the wire: parameters as they are sent, secrets, and the tolerant decoding of
//! what PersonaClick sends back.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};

/// Any JSON value.
pub type Json = serde_json::Value;

/// A secret (the shop secret): never shown by `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(std::sync::Arc<str>);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: String) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for sending.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Shown in place of a sensitive value by `Debug`.
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Shows a map's keys only: the values may be personal data.
pub struct Keys<'a, T>(pub &'a BTreeMap<String, T>);

impl<T> fmt::Debug for Keys<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// An enum value that this version of the crate does not know, kept as PersonaClick sent it.
/// Only responses make these: a request cannot send a value the schema does not list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// The value as PersonaClick sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Decodes a string enum: a known value, or else the unknown one kept as it came (`unknown`)
/// or an error naming the type (enums only ever sent have no place for unknown values). The
/// string is looked at where it lies (borrowed or transient): only an unknown value is copied.
pub fn deserialize_enum<'de, D, T>(
    d: D,
    type_name: &'static str,
    known: fn(&str) -> Option<T>,
    unknown: Option<fn(UnknownValue) -> T>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct Named<T> {
        type_name: &'static str,
        known: fn(&str) -> Option<T>,
        unknown: Option<fn(UnknownValue) -> T>,
    }

    impl<T> Named<T> {
        /// A value the type does not list.
        fn unlisted<E: de::Error>(self, s: String) -> Result<T, E> {
            match self.unknown {
                Some(unknown) => Ok(unknown(UnknownValue(s))),
                None => Err(E::custom(format_args!("unknown {} value", self.type_name))),
            }
        }
    }

    impl<'de, T> Visitor<'de> for Named<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: de::Error>(self, s: &str) -> Result<T, E> {
            match (self.known)(s) {
                Some(value) => Ok(value),
                None => self.unlisted(s.to_owned()),
            }
        }

        fn visit_string<E: de::Error>(self, s: String) -> Result<T, E> {
            match (self.known)(&s) {
                Some(value) => Ok(value),
                None => self.unlisted(s),
            }
        }

        fn visit_bytes<E: de::Error>(self, b: &[u8]) -> Result<T, E> {
            match std::str::from_utf8(b) {
                Ok(s) => self.visit_str(s),
                Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(b), &self)),
            }
        }
    }

    d.deserialize_str(Named {
        type_name,
        known,
        unknown,
    })
}

/// An object key as decoded: borrowed from the input where it can be, so matching field names
/// allocates nothing.
pub enum Key<'de> {
    /// Borrowed from the input.
    Borrowed(&'de str),
    /// Unescaped into a new string.
    Owned(String),
}

impl Key<'_> {
    /// The key.
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }

    /// The key, owned.
    pub fn into_string(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_string(),
            Key::Owned(s) => s,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(s))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(s.to_string()))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(s))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Decoders that accept a number where a string is documented and the reverse.
pub mod lenient {
    use super::*;

    struct Lenient<T>(std::marker::PhantomData<T>);

    /// A string, or a number taken as its decimal text.
    pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        d.deserialize_any(Lenient::<String>(Default::default()))
    }

    /// A list of strings whose items may be numbers.
    pub fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
        #[derive(serde::Deserialize)]
        struct Item(#[serde(deserialize_with = "item")] String);
        fn item<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
            string(d)?.ok_or_else(|| de::Error::custom("null in a list of strings"))
        }
        let items: Option<Vec<Item>> = serde::Deserialize::deserialize(d)?;
        Ok(items.map(|v| v.into_iter().map(|i| i.0).collect()))
    }

    /// An integer, or a string holding one.
    pub fn integer<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        d.deserialize_any(Lenient::<i64>(Default::default()))
    }

    /// A number, or a string holding one.
    pub fn number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        d.deserialize_any(Lenient::<f64>(Default::default()))
    }

    /// A string field that may come as a number.
    pub struct Text(pub Option<String>);
    /// A list of strings whose items may come as numbers.
    pub struct Strings(pub Option<Vec<String>>);
    /// An integer field that may come as a string.
    pub struct Integer(pub Option<i64>);
    /// A number field that may come as a string.
    pub struct Number(pub Option<f64>);

    impl<'de> serde::Deserialize<'de> for Text {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            string(d).map(Text)
        }
    }
    impl<'de> serde::Deserialize<'de> for Strings {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            strings(d).map(Strings)
        }
    }
    impl<'de> serde::Deserialize<'de> for Integer {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            integer(d).map(Integer)
        }
    }
    impl<'de> serde::Deserialize<'de> for Number {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            number(d).map(Number)
        }
    }

    /// The next value of `map`, read leniently into the field's type (`Option<String>`,
    /// `Option<i64>`, `Option<f64>` or `Option<Vec<String>>`): what generated decoders call for
    /// a `lenient` field.
    #[inline]
    pub fn next<'de, A: de::MapAccess<'de>, T: Field>(map: &mut A) -> Result<T, A::Error> {
        map.next_value::<T::Wire>().map(T::from_wire)
    }

    /// A field type that can be read leniently, and the decoder that does it.
    pub trait Field: Sized {
        /// The lenient decoder.
        type Wire: for<'de> serde::Deserialize<'de>;
        /// The field's value from what the decoder read.
        fn from_wire(wire: Self::Wire) -> Self;
    }

    impl Field for Option<String> {
        type Wire = Text;
        fn from_wire(wire: Text) -> Self {
            wire.0
        }
    }
    impl Field for Option<Vec<String>> {
        type Wire = Strings;
        fn from_wire(wire: Strings) -> Self {
            wire.0
        }
    }
    impl Field for Option<i64> {
        type Wire = Integer;
        fn from_wire(wire: Integer) -> Self {
            wire.0
        }
    }
    impl Field for Option<f64> {
        type Wire = Number;
        fn from_wire(wire: Number) -> Self {
            wire.0
        }
    }

    /// How each target type takes each JSON scalar.
    trait Target: Sized {
        const EXPECTED: &'static str;
        fn from_str(s: &str) -> Option<Self>;
        fn from_i64(n: i64) -> Option<Self>;
        fn from_u64(n: u64) -> Option<Self>;
        fn from_f64(n: f64) -> Option<Self>;
    }

    impl Target for String {
        const EXPECTED: &'static str = "a string or a number";
        fn from_str(s: &str) -> Option<Self> {
            Some(s.to_string())
        }
        fn from_i64(n: i64) -> Option<Self> {
            Some(n.to_string())
        }
        fn from_u64(n: u64) -> Option<Self> {
            Some(n.to_string())
        }
        fn from_f64(n: f64) -> Option<Self> {
            Some(n.to_string())
        }
    }

    impl Target for i64 {
        const EXPECTED: &'static str = "an integer, or a string holding one";
        fn from_str(s: &str) -> Option<Self> {
            s.trim().parse().ok()
        }
        fn from_i64(n: i64) -> Option<Self> {
            Some(n)
        }
        fn from_u64(n: u64) -> Option<Self> {
            i64::try_from(n).ok()
        }
        fn from_f64(n: f64) -> Option<Self> {
            (n.fract() == 0.0 && n.abs() < 9.0e15).then_some(n as i64)
        }
    }

    impl Target for f64 {
        const EXPECTED: &'static str = "a number, or a string holding one";
        fn from_str(s: &str) -> Option<Self> {
            s.trim().parse().ok().filter(|n: &f64| n.is_finite())
        }
        fn from_i64(n: i64) -> Option<Self> {
            Some(n as f64)
        }
        fn from_u64(n: u64) -> Option<Self> {
            Some(n as f64)
        }
        fn from_f64(n: f64) -> Option<Self> {
            Some(n)
        }
    }

    impl<'de, T: Target> Visitor<'de> for Lenient<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(T::EXPECTED)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }

        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            T::from_str(s)
                .map(Some)
                .ok_or_else(|| E::custom(format_args!("expected {}", T::EXPECTED)))
        }

        fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
            T::from_i64(n)
                .map(Some)
                .ok_or_else(|| E::custom(format_args!("expected {}", T::EXPECTED)))
        }

        fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
            T::from_u64(n)
                .map(Some)
                .ok_or_else(|| E::custom(format_args!("expected {}", T::EXPECTED)))
        }

        fn visit_f64<E: de::Error>(self, n: f64) -> Result<Self::Value, E> {
            T::from_f64(n)
                .map(Some)
                .ok_or_else(|| E::custom(format_args!("expected {}", T::EXPECTED)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_decode_known_unknown_and_wrong_values() {
        fn known(s: &str) -> Option<UnknownValue> {
            (s == "chain").then(|| UnknownValue("known".into()))
        }
        let open = |json: &str| {
            deserialize_enum(
                &mut serde_json::Deserializer::from_str(json),
                "Kind",
                known,
                Some(|u| u),
            )
        };
        let closed = |json: &str| {
            deserialize_enum(
                &mut serde_json::Deserializer::from_str(json),
                "Kind",
                known,
                None,
            )
        };
        assert_eq!(open(r#""chain""#).unwrap().as_str(), "known");
        assert_eq!(
            open(r#""ch\u0061in""#).unwrap().as_str(),
            "known",
            "escaped"
        );
        assert_eq!(open(r#""bulk""#).unwrap().as_str(), "bulk");
        assert_eq!(open(r#""b\u00fclk""#).unwrap().as_str(), "b\u{fc}lk");
        let e = closed(r#""bulk""#).unwrap_err().to_string();
        assert!(e.starts_with("unknown Kind value"), "{e}");
        let e = open("5").unwrap_err().to_string();
        assert!(e.contains("expected a string"), "{e}");
        let from_value = deserialize_enum(Json::from("chain"), "Kind", known, None);
        assert_eq!(from_value.unwrap().as_str(), "known", "an owned string");
    }

    #[test]
    fn secrets_are_never_shown() {
        let s = Secret::new("hunter2".into());
        assert_eq!(format!("{s:?}"), "<redacted>");
    }

    #[test]
    fn lenient_accepts_both_shapes() {
        #[derive(serde::Deserialize)]
        struct T {
            #[serde(default, deserialize_with = "lenient::string")]
            s: Option<String>,
            #[serde(default, deserialize_with = "lenient::integer")]
            i: Option<i64>,
            #[serde(default, deserialize_with = "lenient::strings")]
            l: Option<Vec<String>>,
        }
        let t: T = serde_json::from_str(r#"{"s": 100500, "i": "42", "l": [1, "x"]}"#).unwrap();
        assert_eq!(t.s.as_deref(), Some("100500"));
        assert_eq!(t.i, Some(42));
        assert_eq!(t.l.unwrap(), ["1", "x"]);
        let t: T = serde_json::from_str(r#"{"s": null, "i": null}"#).unwrap();
        assert_eq!((t.s, t.i), (None, None));
        assert!(serde_json::from_str::<T>(r#"{"i": "x"}"#).is_err());
    }
}
