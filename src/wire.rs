//! Values on the wire: secrets, object keys, and string enums as PersonaClick sends them.

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
    pub(crate) fn new(value: String) -> Self {
        UnknownValue(value)
    }

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
    #[inline]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            #[inline]
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
}
