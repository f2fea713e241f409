//! The API's error envelope (`{"status": "error", "message": ...}`), which PersonaClick also
//! sends with a success status: a response is an error if its top-level status says so.
//!
//! On the success path the status is noted while the response is decoded, in the same pass:
//! the top-level object's keys go through [`Noting`], which hands the status value to the
//! decoder and remembers whether it is the error value. Only an error is read a second time,
//! for its message.

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::client::ErrorShape;
use crate::wire::{Json, Key};

/// What decoding learnt of the top-level status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    /// The decoder read the top-level object through us, and its status is (or is not) the
    /// error value.
    Seen { error: bool },
    /// The decoder did not read a top-level object (or failed before its end).
    Unseen,
}

/// Decodes `body` with `seed`, noting the top-level status field on the way.
pub(crate) fn decode_noting<'b, S: DeserializeSeed<'b>>(
    body: &'b [u8],
    shape: &ErrorShape,
    seed: S,
) -> (Result<S::Value, serde_json::Error>, Status) {
    let mut de = serde_json::Deserializer::from_slice(body);
    let mut note = Note {
        shape,
        seen_object: false,
        error: false,
        status_hidden: false,
    };
    let result = seed
        .deserialize(Noting {
            de: &mut de,
            note: &mut note,
        })
        .and_then(|t| de.end().map(|()| t));
    let status = if result.is_ok() && note.seen_object && !note.status_hidden {
        Status::Seen { error: note.error }
    } else {
        Status::Unseen
    };
    (result, status)
}

/// `Some(message)` when the response is an error: always for an error status (the message is
/// read from the body if it is JSON), and for a success status whose body says so.
pub(crate) fn error_envelope(
    body: &[u8],
    shape: &ErrorShape,
    error_status: bool,
) -> Option<Option<String>> {
    let looks_like_object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let json: Option<Json> = looks_like_object
        .then(|| serde_json::from_slice(body).ok())
        .flatten();
    let is_error = json
        .as_ref()
        .and_then(|j| j.get(shape.status_field))
        .and_then(Json::as_str)
        == Some(shape.error_value);
    if !error_status && !is_error {
        return None;
    }
    let message = json.as_ref().and_then(|j| {
        shape.message_fields.iter().find_map(|path| {
            path.split('.')
                .try_fold(j, |v, key| v.get(key))
                .and_then(Json::as_str)
                .map(str::to_string)
        })
    });
    Some(message)
}

/// Whether the top-level status field of a JSON object body is the error value. Every other
/// value is skipped (`IgnoredAny`): nothing is allocated for them. For bodies the typed decode
/// did not read as an object.
pub(crate) fn says_error(body: &[u8], shape: &ErrorShape) -> bool {
    struct Find<'s>(&'s ErrorShape);
    impl<'de> Visitor<'de> for Find<'_> {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            let mut error = false;
            while let Some(key) = map.next_key::<Key<'de>>()? {
                if key.as_str() == self.0.status_field {
                    let value = map.next_value::<Json>()?;
                    error = value.as_str() == Some(self.0.error_value);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(error)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    de.deserialize_map(Find(shape)).unwrap_or(false)
}

/// Deserializer methods passed on to the wrapped deserializer, with the visitor `$pass` gives
/// back (the same one, or one that watches what it is shown).
macro_rules! forward_deserialize {
    ($pass:ident; $($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* v: V) -> Result<V::Value, D::Error> {
            let (de, v) = self.$pass(v);
            de.$method($($arg,)* v)
        }
    )*};
}
/// Visitor methods passed on as they are.
macro_rules! forward_visits {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<E: de::Error>(self, $($arg: $ty),*) -> Result<V::Value, E> {
            self.inner.$method($($arg),*)
        }
    )*};
}

/// The visits neither wrapper watches (scalars other than strings, bytes, null), passed on.
macro_rules! forward_unwatched_visits {
    () => {
        forward_visits! {
            visit_bool(v: bool);
            visit_i64(v: i64);
            visit_i128(v: i128);
            visit_u64(v: u64);
            visit_u128(v: u128);
            visit_f64(v: f64);
            visit_char(v: char);
            visit_bytes(v: &[u8]);
            visit_borrowed_bytes(v: &'de [u8]);
            visit_byte_buf(v: Vec<u8>);
            visit_none();
            visit_unit();
        }
    };
}

struct Note<'s> {
    shape: &'s ErrorShape,
    seen_object: bool,
    error: bool,
    /// The decoder read the status in a way that did not show it (as an enum's variant).
    status_hidden: bool,
}

/// The top-level deserializer: an object is read through [`NotingMap`]; anything else goes
/// to serde_json untouched.
struct Noting<'a, 's, D> {
    de: D,
    note: &'a mut Note<'s>,
}

impl<'a, 's, D> Noting<'a, 's, D> {
    /// An object's visitor, which reads it through [`NotingMap`].
    fn watched<V>(self, inner: V) -> (D, NotingVisitor<'a, 's, V>) {
        let note = self.note;
        (self.de, NotingVisitor { inner, note })
    }

    /// A top-level value that is not an object has no status to note.
    fn unwatched<V>(self, v: V) -> (D, V) {
        (self.de, v)
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Noting<'_, '_, D> {
    type Error = D::Error;

    forward_deserialize! {
        watched;
        deserialize_any(); deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
    }

    forward_deserialize! {
        unwatched;
        deserialize_bool(); deserialize_i8(); deserialize_i16(); deserialize_i32();
        deserialize_i64(); deserialize_i128(); deserialize_u8(); deserialize_u16();
        deserialize_u32(); deserialize_u64(); deserialize_u128(); deserialize_f32();
        deserialize_f64(); deserialize_char(); deserialize_str(); deserialize_string();
        deserialize_bytes(); deserialize_byte_buf(); deserialize_option(); deserialize_unit();
        deserialize_seq(); deserialize_identifier(); deserialize_ignored_any();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
    }
}

/// Hands an object to the decoder through [`NotingMap`]; any other value as it came.
struct NotingVisitor<'a, 's, V> {
    inner: V,
    note: &'a mut Note<'s>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for NotingVisitor<'_, '_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.note.seen_object = true;
        self.inner.visit_map(NotingMap {
            map,
            note: self.note,
            at_status: false,
        })
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(seq)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(d)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(d)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(data)
    }

    forward_unwatched_visits!();

    forward_visits! {
        visit_str(v: &str);
        visit_borrowed_str(v: &'de str);
        visit_string(v: String);
    }
}

/// The top-level object: every key is read here first (borrowed from the body where it can
/// be), then handed to the decoder; the status field's value too, once noted.
struct NotingMap<'a, 's, A> {
    map: A,
    note: &'a mut Note<'s>,
    at_status: bool,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for NotingMap<'_, '_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.map.next_key::<Key<'de>>()? else {
            return Ok(None);
        };
        self.at_status = key.as_str() == self.note.shape.status_field;
        match key {
            Key::Borrowed(s) => seed.deserialize(BorrowedStrDeserializer::new(s)),
            Key::Owned(s) => seed.deserialize(StringDeserializer::new(s)),
        }
        .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        if !self.at_status {
            return self.map.next_value_seed(seed);
        }
        // The status goes to the decoder as it is read, and is noted on the way.
        self.map.next_value_seed(StatusSeed {
            seed,
            note: self.note,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// The decoder's seed for the status value, handed a [`StatusDeserializer`].
struct StatusSeed<'a, 's, S> {
    seed: S,
    note: &'a mut Note<'s>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for StatusSeed<'_, '_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(StatusDeserializer {
            de,
            note: self.note,
        })
    }
}

/// The status value's deserializer: whatever the decoder asks for, the string it is shown
/// is compared with the error value first (nothing is copied).
struct StatusDeserializer<'a, 's, D> {
    de: D,
    note: &'a mut Note<'s>,
}

impl<'a, 's, D> StatusDeserializer<'a, 's, D> {
    /// The decoder's visitor, watched.
    fn watched<V>(self, inner: V) -> (D, StatusVisitor<'a, 's, V>) {
        // Anything but a string is not the error value.
        self.note.error = false;
        let note = self.note;
        (self.de, StatusVisitor { inner, note })
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for StatusDeserializer<'_, '_, D> {
    type Error = D::Error;

    /// serde_json skips an ignored string without showing it: it is read as any value.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        let (de, v) = self.watched(v);
        de.deserialize_any(v)
    }

    forward_deserialize! {
        watched;
        deserialize_any(); deserialize_bool(); deserialize_i8(); deserialize_i16();
        deserialize_i32(); deserialize_i64(); deserialize_i128(); deserialize_u8();
        deserialize_u16(); deserialize_u32(); deserialize_u64(); deserialize_u128();
        deserialize_f32(); deserialize_f64(); deserialize_char(); deserialize_str();
        deserialize_string(); deserialize_bytes(); deserialize_byte_buf();
        deserialize_option(); deserialize_unit(); deserialize_seq(); deserialize_map();
        deserialize_identifier();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
    }
}

/// Notes a string as it is handed to the decoder's visitor; an option's or a newtype's
/// content is watched in turn.
struct StatusVisitor<'a, 's, V> {
    inner: V,
    note: &'a mut Note<'s>,
}

impl<V> StatusVisitor<'_, '_, V> {
    fn saw(&mut self, s: &str) {
        self.note.error = s == self.note.shape.error_value;
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for StatusVisitor<'_, '_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_str<E: de::Error>(mut self, v: &str) -> Result<V::Value, E> {
        self.saw(v);
        self.inner.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(mut self, v: &'de str) -> Result<V::Value, E> {
        self.saw(v);
        self.inner.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(mut self, v: String) -> Result<V::Value, E> {
        self.saw(&v);
        self.inner.visit_string(v)
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(StatusDeserializer {
            de,
            note: self.note,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, de: D) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(StatusDeserializer {
            de,
            note: self.note,
        })
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        // The variant's name is read by the decoder, out of sight: the body is asked again.
        self.note.status_hidden = true;
        self.inner.visit_enum(data)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(map)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(seq)
    }

    forward_unwatched_visits!();
}

/// PersonaClick's envelope, for the runtime's unit tests.
#[cfg(test)]
pub(crate) const TEST_SHAPE: ErrorShape = ErrorShape {
    status_field: "status",
    error_value: "error",
    message_fields: &["message", "payload.message"],
};

#[cfg(test)]
mod tests {
    use super::*;

    const SHAPE: ErrorShape = TEST_SHAPE;

    fn noting<T: serde::de::DeserializeOwned>(
        body: &[u8],
    ) -> (Result<T, serde_json::Error>, Status) {
        decode_noting(body, &SHAPE, std::marker::PhantomData::<T>)
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Derived {
        status: Option<String>,
        n: Option<i64>,
    }

    #[test]
    fn the_status_is_noted_while_decoding() {
        let (r, s) = noting::<Derived>(br#"{"n": 1, "status": "error"}"#);
        assert_eq!(
            r.unwrap().status.as_deref(),
            Some("error"),
            "the decoder still gets it"
        );
        assert_eq!(s, Status::Seen { error: true });
        let (r, s) = noting::<Derived>(br#"{"status": "success", "n": 2}"#);
        assert_eq!(r.unwrap().n, Some(2));
        assert_eq!(s, Status::Seen { error: false });
        let (_, s) = noting::<Json>(br#"{"st\u0061tus": "error"}"#);
        assert_eq!(s, Status::Seen { error: true }, "escaped keys too");
        let (_, s) = noting::<Vec<Json>>(br#"[{"status": "error"}]"#);
        assert_eq!(s, Status::Unseen, "only a top-level status counts");
        let (r, s) = noting::<Derived>(br#"{"status": 5}"#);
        assert!(r.is_err());
        assert_eq!(s, Status::Unseen);
        let (r, _) = noting::<Derived>(br#"{"n": 1} trailing"#);
        assert!(r.is_err(), "the whole body must be one value");
    }

    #[test]
    fn the_status_is_noted_however_the_decoder_reads_it() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        enum Kind {
            #[serde(rename = "error")]
            Error,
            #[serde(rename = "success")]
            Success,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct AsEnum {
            status: Kind,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Skipped {
            n: i64,
        }
        #[derive(Debug, serde::Deserialize)]
        struct Wrapped {
            status: Option<Option<Name>>,
        }
        #[derive(Debug, serde::Deserialize)]
        struct Name(String);

        // A derived enum reads the name out of sight: the body will be asked again.
        let (r, s) = noting::<AsEnum>(br#"{"status": "error"}"#);
        assert!(r.is_ok());
        assert_eq!(s, Status::Unseen);
        // A skipped status is still seen (serde_json would skip a string unread).
        let (_, s) = noting::<Skipped>(br#"{"status": "error", "n": 1}"#);
        assert_eq!(s, Status::Seen { error: true });
        let (_, s) = noting::<Skipped>(br#"{"status": "success", "n": 1}"#);
        assert_eq!(s, Status::Seen { error: false });
        // Through an option and a newtype, escaped.
        let (r, s) = noting::<Wrapped>(br#"{"status": "\u0065rror"}"#);
        assert_eq!(r.unwrap().status.unwrap().unwrap().0, "error");
        assert_eq!(s, Status::Seen { error: true });
        // The last of two status keys counts, as for any other field; a non-string is no error.
        let (_, s) = noting::<Json>(br#"{"status": "error", "status": 1}"#);
        assert_eq!(s, Status::Seen { error: false });
        let (_, s) = noting::<Json>(br#"{"status": {"a": "error"}}"#);
        assert_eq!(s, Status::Seen { error: false });
    }

    #[test]
    fn the_second_pass_finds_the_same() {
        assert!(says_error(
            br#"{"a": [1, {"status": "x"}], "status": "error"}"#,
            &SHAPE
        ));
        assert!(!says_error(br#"[{"status": "error"}]"#, &SHAPE));
        assert!(!says_error(b"<html>", &SHAPE));
    }
}
