//! What every generated object shares, written once: decoding an object key by key, and
//! `Debug` output that shows only the fields that are set (and redacts the sensitive ones). A
//! generated type declares only what is its own: the `match` from wire names to fields, the
//! list of fields to show.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, MapAccess, Visitor};

use crate::read::Reading;
use crate::unread::Unread;
use crate::wire::{Key, Keys, Redacted};

/// A generated object type: [`decode_object`] reads a JSON object into its default value, one
/// key at a time, through [`field`](Object::field); what it cannot read, it keeps in its
/// [`Unread`] report.
pub trait Object: Default {
    /// The type's name in the schema.
    const NAME: &'static str;

    /// Reads the value under `key` from `map` into the field it names (under its wire name or
    /// an alias), with [`Entry::read`](crate::read::Entry::read); a key the type does not name
    /// is skipped ([`Entry::skip`](crate::read::Entry::skip)) or kept in the type's `additional` map
    /// ([`Entry::keep`](crate::read::Entry::keep)). Generated impls are `#[inline]`: it has one caller
    /// per type, the loop that reads an object's keys, and decodes as fast as one hand-written visitor.
    fn field<'de, A: MapAccess<'de>>(
        &mut self,
        key: Key<'de>,
        map: &mut A,
        reading: Reading,
    ) -> Result<(), A::Error>;

    /// What the object could not read, at any depth below it.
    fn unread(&self) -> &Unread;

    /// The same, to add to.
    fn unread_mut(&mut self) -> &mut Unread;
}

/// Decodes an [`Object`]: a JSON object only (serde's derive would also take an array, field
/// by field), each key read by [`Object::field`], leniently (what the type's `Deserialize`
/// does; the client reads a response strictly when asked, with `read::decode_response`). Monomorphized per type, as a derived decoder
/// would be: no dynamic dispatch, no allocation of its own, and a visitor of size zero.
pub fn decode_object<'de, T: Object, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    struct Fields<T>(PhantomData<T>);

    impl<'de, T: Object> Visitor<'de> for Fields<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a {} object", T::NAME)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            fields(map, Reading::Lenient)
        }
    }

    d.deserialize_map(Fields(PhantomData))
}

/// Reads an object's keys, one by one, into its default value.
#[inline]
pub(crate) fn fields<'de, T: Object, A: MapAccess<'de>>(
    mut map: A,
    reading: Reading,
) -> Result<T, A::Error> {
    let mut out = T::default();
    while let Some(key) = map.next_key::<Key<'de>>()? {
        out.field(key, &mut map, reading)?;
    }
    Ok(out)
}

/// `Debug` output of generated types and builders, one short call per field: only the fields
/// that are set are shown, and sensitive values and free-form maps' values never are. The
/// generated module imports it (`use rt::DebugFields as _`).
pub trait DebugFields {
    /// Shows `value` if it is set.
    fn opt<T: fmt::Debug>(&mut self, name: &str, value: &Option<T>) -> &mut Self;
    /// Shows `<redacted>` if `value` is set: a secret or personal data.
    fn redacted<T>(&mut self, name: &str, value: &Option<T>) -> &mut Self;
    /// Shows the keys of a free-form map, if it has any: its values may be personal data.
    fn keys<T>(&mut self, name: &str, map: &BTreeMap<String, T>) -> &mut Self;
    /// Shows `true` if the flag is set (an acknowledgement).
    fn flag(&mut self, name: &str, set: bool) -> &mut Self;
    /// Shows what the object could not read, if anything.
    fn unread(&mut self, unread: &Unread) -> &mut Self;
}

impl DebugFields for fmt::DebugStruct<'_, '_> {
    fn opt<T: fmt::Debug>(&mut self, name: &str, value: &Option<T>) -> &mut Self {
        match value {
            Some(v) => self.field(name, v),
            None => self,
        }
    }

    fn redacted<T>(&mut self, name: &str, value: &Option<T>) -> &mut Self {
        match value {
            Some(_) => self.field(name, &Redacted),
            None => self,
        }
    }

    fn keys<T>(&mut self, name: &str, map: &BTreeMap<String, T>) -> &mut Self {
        if map.is_empty() {
            self
        } else {
            self.field(name, &Keys(map))
        }
    }

    fn flag(&mut self, name: &str, set: bool) -> &mut Self {
        if set {
            self.field(name, &true)
        } else {
            self
        }
    }

    fn unread(&mut self, unread: &Unread) -> &mut Self {
        if unread.is_empty() {
            self
        } else {
            self.field("unread", unread)
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// What the generator writes for an object with an alias and an `additional` map.
    #[derive(Default, Debug, PartialEq)]
    pub(crate) struct Session {
        pub(crate) did: Option<String>,
        pub(crate) seance: Option<String>,
        pub(crate) other: BTreeMap<String, crate::wire::Json>,
        pub(crate) unread: Unread,
    }

    impl Object for Session {
        const NAME: &'static str = "Session";

        fn field<'de, A: MapAccess<'de>>(
            &mut self,
            key: Key<'de>,
            map: &mut A,
            reading: Reading,
        ) -> Result<(), A::Error> {
            use crate::unread::Shown::{Plain, Redacted};
            let entry = crate::read::Entry::new(key.as_str(), &mut self.unread, reading);
            match key.as_str() {
                "did" => entry.read(map, &mut self.did, Plain),
                "seance" | "sid" => entry.read(map, &mut self.seance, Redacted),
                _ => entry.keep(map, &mut self.other),
            }
        }

        fn unread(&self) -> &Unread {
            &self.unread
        }

        fn unread_mut(&mut self) -> &mut Unread {
            &mut self.unread
        }
    }

    impl<'de> serde::Deserialize<'de> for Session {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            decode_object(d)
        }
    }

    #[test]
    fn objects_decode_key_by_key_from_maps_only() {
        let s: Session =
            serde_json::from_str(r#"{"did": "d", "sid": null, "sdk": {"x": 1}}"#).unwrap();
        assert_eq!(s.did.as_deref(), Some("d"));
        assert_eq!(s.seance, None);
        assert_eq!(s.other.keys().collect::<Vec<_>>(), ["sdk"]);
        let e = serde_json::from_str::<Session>(r#"["d"]"#).unwrap_err();
        assert!(e.to_string().contains("expected a Session object"), "{e}");
    }

    #[test]
    fn debug_shows_set_fields_and_hides_values_it_must() {
        struct Shown<'a>(&'a Session, bool);
        impl fmt::Debug for Shown<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut d = f.debug_struct("Session");
                d.opt("did", &self.0.did);
                d.redacted("seance", &self.0.seance);
                d.keys("other", &self.0.other);
                d.flag("ack", self.1);
                d.finish()
            }
        }
        let mut s = Session::default();
        assert_eq!(format!("{:?}", Shown(&s, false)), "Session");
        s.did = Some("d".into());
        s.seance = Some("secret".into());
        s.other
            .insert("k".into(), crate::wire::Json::from("personal"));
        assert_eq!(
            format!("{:?}", Shown(&s, true)),
            r#"Session { did: "d", seance: <redacted>, other: {"k"}, ack: true }"#
        );
    }
}
