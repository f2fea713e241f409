//! Reading what PersonaClick sends, value by value: the documented type is the value; a
//! lossless, unambiguous conversion (the table in schema/README.md, "How responses are read")
//! is the value too; anything else is kept as it came, as an [`UnreadValue`] of the object
//! that holds it, and the field is `None`. Only input that is not JSON fails.
//!
//! Every value is read with `deserialize_any` and a visitor that takes any shape, in the same
//! single pass as a derived decoder: nothing is buffered on the way, and a path is only
//! written out when a value is not read.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserialize, DeserializeOwned, DeserializeSeed, Deserializer};
use serde::de::{MapAccess, SeqAccess, Visitor};

use crate::dates::{Date, DateTime, Timestamp};
use crate::object::{fields, Object};
use crate::unread::{Expected, Shown, Unread, UnreadValue};
use crate::wire::{Json, Key, UnknownValue};

/// What reading one value gave.
pub enum Got<T> {
    /// The value, as documented or converted.
    Value(T),
    /// Not readable as documented: the value as it came.
    Unread(Json),
}

/// Where a value lies, from the object whose field holds it: a chain on the stack, written
/// out only for a value that is not read.
#[derive(Clone, Copy)]
pub enum At<'a> {
    /// The object itself.
    Here,
    /// Under a key of an object (a field) or of a map.
    Key(&'a At<'a>, &'a str),
    /// At an index of a list.
    Index(&'a At<'a>, usize),
}

impl At<'_> {
    fn write(&self, out: &mut String) {
        match self {
            At::Here => {}
            At::Key(parent, key) => {
                parent.write(out);
                let plain = !key.is_empty()
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                if plain {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                } else {
                    // Quoted as a JSON string: a key with dots or brackets stays one key.
                    out.push('[');
                    out.push_str(&Json::from(*key).to_string());
                    out.push(']');
                }
            }
            At::Index(parent, i) => {
                parent.write(out);
                out.push_str(&format!("[{i}]"));
            }
        }
    }

    fn path(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }
}

/// How response values are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// The documented type, or a lossless conversion; anything else is kept unread.
    Lenient,
    /// The documented type only: a value that would need a conversion is kept unread too, and
    /// the call fails on anything unread (`strict_responses`).
    Strict,
    /// Strictly, but also from the other kind the published docs give this value (a field
    /// with `also` in the schema: "number/string").
    StrictAlso(JsonKind),
}

impl Reading {
    /// How a field whose published docs also give it `kind` is read.
    pub fn also(self, kind: JsonKind) -> Reading {
        match self {
            Reading::Strict => Reading::StrictAlso(kind),
            other => other,
        }
    }
}

/// A JSON kind of value, as a schema's `also` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonKind {
    /// A string.
    String,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
}

impl JsonKind {
    fn covers(self, scalar: Scalar) -> bool {
        matches!(
            (self, scalar),
            (JsonKind::String, Scalar::Str)
                | (JsonKind::Number, Scalar::Integer | Scalar::Float)
                | (JsonKind::Boolean, Scalar::Bool)
        )
    }
}

/// Where a value being read goes on record: the object that keeps what is not read, the
/// value's place in it, whether `Debug` may show it, and how it is read.
pub struct Place<'o, 'p> {
    owner: &'o mut Unread,
    at: &'p At<'p>,
    shown: Shown,
    reading: Reading,
}

impl<'o, 'p> Place<'o, 'p> {
    /// A value at `at` in the object whose report is `owner`.
    #[inline]
    pub fn new(owner: &'o mut Unread, at: &'p At<'p>, shown: Shown, reading: Reading) -> Self {
        Place {
            owner,
            at,
            shown,
            reading,
        }
    }

    /// The same owner, one step further in (a list's element or a map's entry).
    #[inline]
    fn child<'c>(&'c mut self, at: &'c At<'c>) -> Place<'c, 'c> {
        Place {
            owner: &mut *self.owner,
            at,
            shown: self.shown,
            reading: self.reading,
        }
    }

    /// Keeps a value that was not read, at this place.
    fn note(&mut self, expected: Expected, value: Json) {
        let path = self.at.path();
        self.owner
            .push(UnreadValue::new(path, expected, value, self.shown));
    }

    /// Takes over what an object read at this place did not read, with paths from the owner.
    fn adopt(&mut self, inner: &Unread) {
        if inner.is_empty() {
            return;
        }
        let prefix = self.at.path();
        for value in inner {
            self.owner.push(value.under(&prefix, self.shown));
        }
    }
}

/// A type read from responses leniently: what the generated code reads every field with.
pub trait Read: Sized {
    /// The type the schema documents, for reports.
    const EXPECTED: Expected;

    /// Reads one value (`null` too, which is unread for every type but `json`; an optional
    /// field takes `null` as `None` before asking). Fails only when the input is not JSON.
    fn read<'de, D: Deserializer<'de>>(d: D, place: Place<'_, '_>) -> Result<Got<Self>, D::Error>;

    /// Reads a value that may be `null`, which is `None`. Every type but `json` reads `null` as
    /// unread: its `null` is `None` here, with no separate look at the input.
    #[inline(always)]
    fn read_optional<'de, D: Deserializer<'de>>(
        d: D,
        place: Place<'_, '_>,
    ) -> Result<Got<Option<Self>>, D::Error> {
        Ok(match Self::read(d, place)? {
            Got::Value(value) => Got::Value(Some(value)),
            Got::Unread(Json::Null) => Got::Value(None),
            Got::Unread(raw) => Got::Unread(raw),
        })
    }

    /// What stands in a list for an element that is not read: an object keeps the list's
    /// indices those of the response by holding it (its `unread()` has it, at path ``); other
    /// types have no room for it, and the element is left out (`None`).
    fn holding(_unread: UnreadValue) -> Option<Self> {
        None
    }
}

/// One key of an object being read, and the object's report: what the generated
/// `Object::field` makes for each key, to read its value into the field it names
/// ([`read`](Entry::read)) or into the `additional` map ([`keep`](Entry::keep)).
pub struct Entry<'k, 'u> {
    key: &'k str,
    unread: &'u mut Unread,
    reading: Reading,
}

impl<'k, 'u> Entry<'k, 'u> {
    /// The value under `key`, for an object whose report is `unread`.
    #[inline]
    pub fn new(key: &'k str, unread: &'u mut Unread, reading: Reading) -> Self {
        Entry {
            key,
            unread,
            reading,
        }
    }

    /// Read also from `kind`, even strictly: a field whose published docs give it both types.
    #[inline]
    pub fn also(self, kind: JsonKind) -> Self {
        Entry {
            reading: self.reading.also(kind),
            ..self
        }
    }

    /// Reads the value into `slot`, or keeps it in the report (`slot` is then `None`).
    #[inline(always)]
    pub fn read<'de, A: MapAccess<'de>, T: Read>(
        self,
        map: &mut A,
        slot: &mut Option<T>,
        shown: Shown,
    ) -> Result<(), A::Error> {
        let at = At::Key(&At::Here, self.key);
        let mut place = Place::new(self.unread, &at, shown, self.reading);
        match map.next_value_seed(Seed::<Option<T>>::new(place.child(&at)))? {
            Got::Value(value) => *slot = value,
            Got::Unread(raw) => {
                *slot = None;
                place.note(T::EXPECTED, raw);
            }
        }
        Ok(())
    }

    /// Skips the value of a key the object does not name.
    #[inline]
    pub fn skip<'de, A: MapAccess<'de>>(self, map: &mut A) -> Result<(), A::Error> {
        map.next_value::<de::IgnoredAny>().map(drop)
    }

    /// Reads the value of a key the object does not name into its `additional` map, or keeps
    /// it in the report. Free-form values may be personal data: `Debug` never shows them.
    #[inline]
    pub fn keep<'de, A: MapAccess<'de>, T: Read>(
        self,
        map: &mut A,
        additional: &mut BTreeMap<String, T>,
    ) -> Result<(), A::Error> {
        let at = At::Key(&At::Here, self.key);
        let mut place = Place::new(self.unread, &at, Shown::Redacted, self.reading);
        match map.next_value_seed(Seed::<T>::new(place.child(&at)))? {
            Got::Value(value) => {
                additional.insert(self.key.to_owned(), value);
            }
            Got::Unread(raw) => place.note(T::EXPECTED, raw),
        }
        Ok(())
    }
}

/// Reads a value of `T` at a place: the seed handed to serde for one field, element or entry.
struct Seed<'o, 'p, T> {
    place: Place<'o, 'p>,
    _t: PhantomData<T>,
}

impl<'o, 'p, T> Seed<'o, 'p, T> {
    #[inline]
    fn new(place: Place<'o, 'p>) -> Self {
        Seed {
            place,
            _t: PhantomData,
        }
    }
}

impl<'de, T: Read> DeserializeSeed<'de> for Seed<'_, '_, T> {
    type Value = Got<T>;

    #[inline(always)]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Got<T>, D::Error> {
        T::read(d, self.place)
    }
}

// ---------------------------------------------------------------------------------------------
// One visitor for every shape: a `Takes` says which shapes it reads; the rest is kept unread.

/// A JSON scalar's kind.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scalar {
    Str,
    Integer,
    Float,
    Bool,
}

/// How one type takes each JSON shape: `None` (the default) keeps the value unread.
trait Takes<'de>: Sized {
    type Value;
    /// The scalars the schema's type is written as; reading strictly, only these are taken.
    const NATIVE: &'static [Scalar] = &[];

    fn str(&self, _s: &str) -> Option<Self::Value> {
        None
    }
    /// An owned string: `Err` gives it back when it is not taken.
    fn string(&self, s: String) -> Result<Self::Value, String> {
        self.str(&s).ok_or(s)
    }
    fn i64(&self, _n: i64) -> Option<Self::Value> {
        None
    }
    fn u64(&self, _n: u64) -> Option<Self::Value> {
        None
    }
    fn f64(&self, _n: f64) -> Option<Self::Value> {
        None
    }
    fn bool(&self, _b: bool) -> Option<Self::Value> {
        None
    }
    fn seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Got<Self::Value>, A::Error> {
        Json::deserialize(SeqAccessDeserializer::new(seq)).map(Got::Unread)
    }
    fn map<A: MapAccess<'de>>(self, map: A) -> Result<Got<Self::Value>, A::Error> {
        Json::deserialize(MapAccessDeserializer::new(map)).map(Got::Unread)
    }
}

/// The visitor: a value of any shape, taken by `S` or kept unread.
struct Taking<S> {
    takes: S,
    reading: Reading,
}

impl<'de, S: Takes<'de>> Taking<S> {
    #[inline]
    fn new(takes: S, reading: Reading) -> Self {
        Taking { takes, reading }
    }

    /// Whether a scalar of this kind may be taken at all: strictly, only the documented kind
    /// (and the one `also` names).
    #[inline]
    fn may_take(&self, kind: Scalar) -> bool {
        match self.reading {
            Reading::Lenient => true,
            Reading::Strict => S::NATIVE.contains(&kind),
            Reading::StrictAlso(also) => S::NATIVE.contains(&kind) || also.covers(kind),
        }
    }

    #[inline]
    fn took<T>(&self, kind: Scalar, take: impl FnOnce(&S) -> Option<T>, raw: Json) -> Got<T> {
        match self.may_take(kind).then(|| take(&self.takes)).flatten() {
            Some(v) => Got::Value(v),
            None => Got::Unread(raw),
        }
    }
}

impl<'de, S: Takes<'de>> Visitor<'de> for Taking<S> {
    type Value = Got<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    #[inline]
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        if !self.may_take(Scalar::Str) {
            return Ok(Got::Unread(Json::from(s)));
        }
        Ok(match self.takes.str(s) {
            Some(v) => Got::Value(v),
            None => Got::Unread(Json::from(s)),
        })
    }

    // Not left to serde's default, which is one more call per string.
    #[inline]
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        self.visit_str(s)
    }

    #[inline]
    fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
        if !self.may_take(Scalar::Str) {
            return Ok(Got::Unread(Json::String(s)));
        }
        Ok(match self.takes.string(s) {
            Ok(v) => Got::Value(v),
            Err(s) => Got::Unread(Json::String(s)),
        })
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
        Ok(self.took(Scalar::Integer, |t| t.i64(n), Json::from(n)))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
        Ok(self.took(Scalar::Integer, |t| t.u64(n), Json::from(n)))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Self::Value, E> {
        Ok(self.took(Scalar::Float, |t| t.f64(n), Json::from(n)))
    }

    #[inline]
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
        Ok(self.took(Scalar::Bool, |t| t.bool(b), Json::from(b)))
    }

    #[inline]
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Got::Unread(Json::Null))
    }

    #[inline]
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Got::Unread(Json::Null))
    }

    #[inline]
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    #[inline]
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.takes.seq(seq)
    }

    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.takes.map(map)
    }
}

// ---------------------------------------------------------------------------------------------
// The conversions: one place for what is read as what (the fake checks requests with them too).

/// Whether `s` is a JSON number literal, exactly (no sign `+`, no spaces, no leading zeros).
pub(crate) fn is_number_literal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// The largest integer an `f64` holds exactly (2^53).
const EXACT_IN_F64: f64 = 9_007_199_254_740_992.0;

/// An integer from a number with no fraction, exactly representable.
pub(crate) fn integer_from_f64(n: f64) -> Option<i64> {
    (n.fract() == 0.0 && n.abs() <= EXACT_IN_F64).then_some(n as i64)
}

/// An integer from a string holding a JSON number literal that is one.
pub(crate) fn integer_from_str(s: &str) -> Option<i64> {
    if !is_number_literal(s) {
        return None;
    }
    s.parse().ok().or_else(|| integer_from_f64(s.parse().ok()?))
}

/// A number from a string holding a JSON number literal (finite).
pub(crate) fn number_from_str(s: &str) -> Option<f64> {
    is_number_literal(s)
        .then(|| s.parse().ok())
        .flatten()
        .filter(|n: &f64| n.is_finite())
}

/// A boolean from `"true"`, `"false"`, `"1"` or `"0"`.
pub(crate) fn boolean_from_str(s: &str) -> Option<bool> {
    match s {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// A boolean from `1` or `0`.
pub(crate) fn boolean_from_u64(n: u64) -> Option<bool> {
    match n {
        1 => Some(true),
        0 => Some(false),
        _ => None,
    }
}

/// A string from a number, written as JSON writes it.
pub(crate) fn string_from_f64(n: f64) -> Option<String> {
    serde_json::Number::from_f64(n).map(|n| n.to_string())
}

struct Text;
impl Takes<'_> for Text {
    type Value = String;
    const NATIVE: &'static [Scalar] = &[Scalar::Str];
    #[inline]
    fn str(&self, s: &str) -> Option<String> {
        Some(s.to_owned())
    }
    #[inline]
    fn string(&self, s: String) -> Result<String, String> {
        Ok(s)
    }
    #[inline]
    fn i64(&self, n: i64) -> Option<String> {
        Some(n.to_string())
    }
    #[inline]
    fn u64(&self, n: u64) -> Option<String> {
        Some(n.to_string())
    }
    #[inline]
    fn f64(&self, n: f64) -> Option<String> {
        string_from_f64(n)
    }
}

struct Integer;
impl Takes<'_> for Integer {
    type Value = i64;
    const NATIVE: &'static [Scalar] = &[Scalar::Integer];
    #[inline]
    fn str(&self, s: &str) -> Option<i64> {
        integer_from_str(s)
    }
    #[inline]
    fn i64(&self, n: i64) -> Option<i64> {
        Some(n)
    }
    #[inline]
    fn u64(&self, n: u64) -> Option<i64> {
        i64::try_from(n).ok()
    }
    #[inline]
    fn f64(&self, n: f64) -> Option<i64> {
        integer_from_f64(n)
    }
}

struct Number;
impl Takes<'_> for Number {
    type Value = f64;
    const NATIVE: &'static [Scalar] = &[Scalar::Integer, Scalar::Float];
    #[inline]
    fn str(&self, s: &str) -> Option<f64> {
        number_from_str(s)
    }
    #[inline]
    fn i64(&self, n: i64) -> Option<f64> {
        Some(n as f64)
    }
    #[inline]
    fn u64(&self, n: u64) -> Option<f64> {
        Some(n as f64)
    }
    #[inline]
    fn f64(&self, n: f64) -> Option<f64> {
        Some(n)
    }
}

struct Boolean;
impl Takes<'_> for Boolean {
    type Value = bool;
    const NATIVE: &'static [Scalar] = &[Scalar::Bool];
    #[inline]
    fn str(&self, s: &str) -> Option<bool> {
        boolean_from_str(s)
    }
    #[inline]
    fn i64(&self, n: i64) -> Option<bool> {
        boolean_from_u64(u64::try_from(n).ok()?)
    }
    #[inline]
    fn u64(&self, n: u64) -> Option<bool> {
        boolean_from_u64(n)
    }
    #[inline]
    fn bool(&self, b: bool) -> Option<bool> {
        Some(b)
    }
}

/// A date type: its text, parsed leniently (text that does not parse is kept in the value).
struct Temporal<T>(fn(&str) -> T);
impl<T> Takes<'_> for Temporal<T> {
    type Value = T;
    const NATIVE: &'static [Scalar] = &[Scalar::Str];
    #[inline]
    fn str(&self, s: &str) -> Option<T> {
        Some((self.0)(s))
    }
}

macro_rules! read_with {
    ($($ty:ty: $expected:expr, $takes:expr;)*) => {$(
        impl Read for $ty {
            const EXPECTED: Expected = $expected;
            #[inline(always)]
            fn read<'de, D: Deserializer<'de>>(d: D, place: Place<'_, '_>) -> Result<Got<Self>, D::Error> {
                d.deserialize_any(Taking::new($takes, place.reading))
            }
        }
    )*};
}

read_with! {
    String: Expected::String, Text;
    i64: Expected::Integer, Integer;
    f64: Expected::Number, Number;
    bool: Expected::Boolean, Boolean;
    Date: Expected::Date, Temporal(Date::parse);
    DateTime: Expected::DateTime, Temporal(DateTime::parse);
    Timestamp: Expected::Timestamp, Temporal(Timestamp::parse);
}

impl Read for Json {
    const EXPECTED: Expected = Expected::Json;

    #[inline]
    fn read<'de, D: Deserializer<'de>>(d: D, _: Place<'_, '_>) -> Result<Got<Self>, D::Error> {
        Json::deserialize(d).map(Got::Value)
    }

    /// `null` is `None`, not `Some(Json::Null)`: a missing value.
    #[inline]
    fn read_optional<'de, D: Deserializer<'de>>(
        d: D,
        _: Place<'_, '_>,
    ) -> Result<Got<Option<Self>>, D::Error> {
        Option::<Json>::deserialize(d).map(Got::Value)
    }
}

/// An optional value: `null` is `None`.
impl<T: Read> Read for Option<T> {
    const EXPECTED: Expected = T::EXPECTED;

    #[inline(always)]
    fn read<'de, D: Deserializer<'de>>(d: D, place: Place<'_, '_>) -> Result<Got<Self>, D::Error> {
        T::read_optional(d, place)
    }
}

/// A list: each element read in its place.
impl<T: Read> Read for Vec<T> {
    const EXPECTED: Expected = Expected::List(&T::EXPECTED);

    #[inline]
    fn read<'de, D: Deserializer<'de>>(d: D, place: Place<'_, '_>) -> Result<Got<Self>, D::Error> {
        struct List<'o, 'p, T>(Place<'o, 'p>, PhantomData<T>);
        impl<'de, T: Read> Takes<'de> for List<'_, '_, T> {
            type Value = Vec<T>;
            fn seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Got<Vec<T>>, A::Error> {
                elements(seq, self.0).map(Got::Value)
            }
        }
        let reading = place.reading;
        d.deserialize_any(Taking::new(List(place, PhantomData), reading))
    }
}

/// Reads a list's elements. An element that is not read is kept by the owner at its index
/// in the response; where the elements are objects, an empty one holding it takes its place,
/// so the list's indices stay the response's.
fn elements<'de, A: SeqAccess<'de>, T: Read>(
    mut seq: A,
    mut place: Place<'_, '_>,
) -> Result<Vec<T>, A::Error> {
    let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
    let parent = place.at;
    let mut index = 0;
    loop {
        let at = At::Index(parent, index);
        let Some(got) = seq.next_element_seed(Seed::<T>::new(place.child(&at)))? else {
            return Ok(out);
        };
        match got {
            Got::Value(value) => out.push(value),
            Got::Unread(raw) => {
                let here = UnreadValue::new(String::new(), T::EXPECTED, raw.clone(), place.shown);
                out.extend(T::holding(here));
                place.child(&at).note(T::EXPECTED, raw);
            }
        }
        index += 1;
    }
}

/// A map: each entry read under its key; an entry that is not read is left out.
impl<T: Read> Read for BTreeMap<String, T> {
    const EXPECTED: Expected = Expected::Map(&T::EXPECTED);

    fn read<'de, D: Deserializer<'de>>(d: D, place: Place<'_, '_>) -> Result<Got<Self>, D::Error> {
        struct Entries<'o, 'p, T>(Place<'o, 'p>, PhantomData<T>);
        impl<'de, T: Read> Takes<'de> for Entries<'_, '_, T> {
            type Value = BTreeMap<String, T>;
            fn map<A: MapAccess<'de>>(self, mut map: A) -> Result<Got<Self::Value>, A::Error> {
                let mut place = self.0;
                let parent = place.at;
                let mut out = BTreeMap::new();
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    let at = At::Key(parent, key.as_str());
                    match map.next_value_seed(Seed::<T>::new(place.child(&at)))? {
                        Got::Value(value) => {
                            out.insert(key.into_string(), value);
                        }
                        Got::Unread(raw) => place.child(&at).note(T::EXPECTED, raw),
                    }
                }
                Ok(Got::Value(out))
            }
        }
        let reading = place.reading;
        d.deserialize_any(Taking::new(Entries(place, PhantomData), reading))
    }
}

/// A generated object: read field by field; what it does not read it keeps, and its owner
/// keeps too, with the path from the owner.
impl<T: Object> Read for T {
    const EXPECTED: Expected = Expected::Named(T::NAME);

    #[inline]
    fn read<'de, D: Deserializer<'de>>(d: D, place: Place<'_, '_>) -> Result<Got<Self>, D::Error> {
        struct Fields<'o, 'p, T>(Place<'o, 'p>, PhantomData<T>);
        impl<'de, T: Object> Takes<'de> for Fields<'_, '_, T> {
            type Value = T;
            fn map<A: MapAccess<'de>>(self, map: A) -> Result<Got<T>, A::Error> {
                let mut place = self.0;
                let object: T = fields(map, place.reading)?;
                place.adopt(object.unread());
                Ok(Got::Value(object))
            }
        }
        let reading = place.reading;
        d.deserialize_any(Taking::new(Fields(place, PhantomData), reading))
    }

    fn holding(unread: UnreadValue) -> Option<Self> {
        let mut object = T::default();
        object.unread_mut().push(unread);
        Some(object)
    }
}

/// Reads a generated string enum: a known value, or else the unknown one kept as it came
/// (`unknown`: enums PersonaClick sends); a value that is not a string, or an unknown value of
/// an enum that is only ever sent, is unread.
pub fn read_enum<'de, D: Deserializer<'de>, T>(
    d: D,
    place: Place<'_, '_>,
    known: fn(&str) -> Option<T>,
    unknown: Option<fn(UnknownValue) -> T>,
) -> Result<Got<T>, D::Error> {
    struct Values<T> {
        known: fn(&str) -> Option<T>,
        unknown: Option<fn(UnknownValue) -> T>,
    }
    impl<T> Takes<'_> for Values<T> {
        type Value = T;
        const NATIVE: &'static [Scalar] = &[Scalar::Str];
        fn str(&self, s: &str) -> Option<T> {
            (self.known)(s).or_else(|| Some((self.unknown?)(UnknownValue::new(s.to_owned()))))
        }
        fn string(&self, s: String) -> Result<T, String> {
            match ((self.known)(&s), self.unknown) {
                (Some(value), _) => Ok(value),
                (None, Some(unknown)) => Ok(unknown(UnknownValue::new(s))),
                (None, None) => Err(s),
            }
        }
    }
    d.deserialize_any(Taking::new(Values { known, unknown }, place.reading))
}

/// Reads a generated union: its variants are tried in order on the value (buffered: a union
/// can only tell its variants apart by looking); a value that is none of them is unread, and so
/// is `null` (a missing value, even for a union with a `json` variant).
pub fn read_union<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Got<T>, D::Error> {
    let value = Json::deserialize(d)?;
    if value.is_null() {
        return Ok(Got::Unread(value));
    }
    Ok(match T::deserialize(&value) {
        Ok(union) => Got::Value(union),
        Err(_) => Got::Unread(value),
    })
}

// ---------------------------------------------------------------------------------------------
// A whole response.

/// Decodes a whole response: its top level must be the documented shape (an object, a list,
/// ...); below it, every value is read as `reading` says. Gives the value and everything not
/// read, at its path from the top (`[3].price` in a list).
pub fn decode_response<'de, T: Read, D: Deserializer<'de>>(
    d: D,
    reading: Reading,
) -> Result<(T, Unread), D::Error> {
    let mut unread = Unread::default();
    match T::read(d, Place::new(&mut unread, &At::Here, Shown::Plain, reading))? {
        Got::Value(value) => Ok((value, unread)),
        Got::Unread(raw) => {
            let found = UnreadValue::new(String::new(), T::EXPECTED, raw, Shown::Plain);
            Err(de::Error::custom(format_args!(
                "expected {} at the top level, found {}",
                T::EXPECTED,
                found.found()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::tests::Session;

    /// Reads `json` as a `T` on its own: the value, or the value kept unread.
    fn read<T: Read>(json: &str) -> Result<T, Json> {
        let mut unread = Unread::default();
        let mut de = serde_json::Deserializer::from_str(json);
        match T::read(
            &mut de,
            Place::new(&mut unread, &At::Here, Shown::Plain, Reading::Lenient),
        )
        .unwrap()
        {
            Got::Value(v) => Ok(v),
            Got::Unread(raw) => Err(raw),
        }
    }

    #[test]
    fn the_conversion_table() {
        // Strings: a number, as JSON writes it.
        assert_eq!(read::<String>(r#""x""#), Ok("x".into()));
        assert_eq!(read::<String>("4400114527199"), Ok("4400114527199".into()));
        assert_eq!(read::<String>("-3"), Ok("-3".into()));
        assert_eq!(read::<String>("120.50"), Ok("120.5".into()));
        assert_eq!(read::<String>("true"), Err(Json::Bool(true)));
        assert_eq!(read::<String>("null"), Err(Json::Null));
        // Integers: a string holding a JSON number that is whole, a whole float.
        assert_eq!(read::<i64>("31"), Ok(31));
        assert_eq!(read::<i64>(r#""31""#), Ok(31));
        assert_eq!(read::<i64>(r#""-2.0""#), Ok(-2));
        assert_eq!(read::<i64>(r#""1e2""#), Ok(100));
        assert_eq!(read::<i64>("3.0"), Ok(3));
        assert_eq!(read::<i64>(r#""9223372036854775807""#), Ok(i64::MAX));
        for odd in [
            r#""3.5""#, "3.5", r#"" 3""#, r#""+3""#, r#""03""#, r#""3.""#, r#""""#,
        ] {
            assert!(read::<i64>(odd).is_err(), "{odd}");
        }
        assert!(read::<i64>("18446744073709551615").is_err(), "beyond i64");
        assert!(read::<i64>("1e300").is_err(), "not exactly whole");
        assert!(read::<i64>("true").is_err());
        // Numbers: a string holding a JSON number.
        assert_eq!(read::<f64>(r#""120.50""#), Ok(120.5));
        assert_eq!(read::<f64>("7"), Ok(7.0));
        for odd in [
            r#""12,5""#,
            r#""NaN""#,
            r#""inf""#,
            r#""1e999""#,
            r#""0x1""#,
            "[1]",
        ] {
            assert!(read::<f64>(odd).is_err(), "{odd}");
        }
        // Booleans: "1", "0", "true", "false", 1, 0.
        for (json, b) in [
            ("true", true),
            (r#""1""#, true),
            (r#""true""#, true),
            ("1", true),
            ("false", false),
            (r#""0""#, false),
            (r#""false""#, false),
            ("0", false),
        ] {
            assert_eq!(read::<bool>(json), Ok(b), "{json}");
        }
        for odd in [r#""yes""#, "2", "-1", "1.0", r#""TRUE""#] {
            assert!(read::<bool>(odd).is_err(), "{odd}");
        }
        // Dates: text, parsed leniently or kept; anything else is unread.
        assert_eq!(
            read::<Date>(r#""1990-03-11""#).unwrap().to_string(),
            "1990-03-11"
        );
        assert_eq!(read::<Date>(r#""soon""#).unwrap().to_string(), "soon");
        assert_eq!(read::<Date>("19900311"), Err(Json::from(19900311)));
        // JSON is anything, null included.
        assert_eq!(read::<Json>("null"), Ok(Json::Null));
    }

    /// Reads `json` as a `T` as `reading` says.
    fn read_as<T: Read>(json: &str, reading: Reading) -> Result<T, Json> {
        let mut unread = Unread::default();
        let mut de = serde_json::Deserializer::from_str(json);
        match T::read(
            &mut de,
            Place::new(&mut unread, &At::Here, Shown::Plain, reading),
        )
        .unwrap()
        {
            Got::Value(v) => Ok(v),
            Got::Unread(raw) => Err(raw),
        }
    }

    #[test]
    fn strictly_only_the_documented_kind_and_the_one_also_names() {
        let strict = Reading::Strict;
        assert_eq!(read_as::<i64>("31", strict), Ok(31));
        assert_eq!(read_as::<i64>(r#""31""#, strict), Err(Json::from("31")));
        assert_eq!(read_as::<i64>("31.0", strict), Err(Json::from(31.0)));
        assert_eq!(
            read_as::<f64>("31", strict),
            Ok(31.0),
            "an integer is a number"
        );
        assert_eq!(read_as::<String>("5", strict), Err(Json::from(5)));
        assert_eq!(read_as::<bool>(r#""1""#, strict), Err(Json::from("1")));
        assert_eq!(
            read_as::<Vec<String>>("[5]", strict.also(JsonKind::Number)),
            Ok(vec!["5".into()])
        );
        let also = strict.also(JsonKind::String);
        assert_eq!(read_as::<i64>(r#""31""#, also), Ok(31));
        assert_eq!(
            read_as::<i64>("31.0", also),
            Err(Json::from(31.0)),
            "not a string"
        );
        assert_eq!(Reading::Lenient.also(JsonKind::String), Reading::Lenient);
    }

    #[test]
    fn containers_keep_what_they_can_and_report_the_rest() {
        assert_eq!(read::<Option<i64>>("null"), Ok(None));
        assert_eq!(
            read::<Vec<String>>(r#"[42, "a"]"#),
            Ok(vec!["42".into(), "a".into()])
        );
        assert_eq!(read::<Vec<String>>(r#""a""#), Err(Json::from("a")));
        let mut unread = Unread::default();
        let at = At::Key(&At::Here, "sizes");
        let mut de = serde_json::Deserializer::from_str(r#"[42, {"a": 1}, null, "x"]"#);
        let Got::Value(sizes) = Vec::<String>::read(
            &mut de,
            Place::new(&mut unread, &at, Shown::Plain, Reading::Lenient),
        )
        .unwrap() else {
            panic!("a list")
        };
        assert_eq!(sizes, ["42", "x"], "left out, in order");
        assert_eq!(unread.paths().collect::<Vec<_>>(), ["sizes[1]", "sizes[2]"]);
        assert_eq!(unread[0].expected(), Expected::String);

        let mut unread = Unread::default();
        let at = At::Key(&At::Here, "counts");
        let mut de = serde_json::Deserializer::from_str(r#"{"a": "1", "b c": "x", "d": 2}"#);
        let Got::Value(counts) = BTreeMap::<String, i64>::read(
            &mut de,
            Place::new(&mut unread, &at, Shown::Plain, Reading::Lenient),
        )
        .unwrap() else {
            panic!("a map")
        };
        assert_eq!(counts, BTreeMap::from([("a".into(), 1), ("d".into(), 2)]));
        assert_eq!(unread.paths().collect::<Vec<_>>(), [r#"counts["b c"]"#]);
    }

    #[test]
    fn objects_keep_their_own_report_and_their_owner_too() {
        let mut unread = Unread::default();
        let at = At::Key(&At::Here, "sessions");
        let mut de = serde_json::Deserializer::from_str(
            r#"[{"did": 1, "seance": [2]}, "odd", {"extra": {"did": []}}]"#,
        );
        let Got::Value(sessions) = Vec::<Session>::read(
            &mut de,
            Place::new(&mut unread, &at, Shown::Plain, Reading::Lenient),
        )
        .unwrap() else {
            panic!("a list")
        };
        assert_eq!(
            sessions.len(),
            3,
            "an empty object stands for the odd element"
        );
        assert_eq!(sessions[0].did.as_deref(), Some("1"));
        assert_eq!(sessions[0].unread.paths().collect::<Vec<_>>(), ["seance"]);
        assert!(sessions[0].unread[0].is_sensitive());
        assert_eq!(sessions[1], {
            let mut held = Session::default();
            held.unread.push(UnreadValue::new(
                String::new(),
                Expected::Named("Session"),
                Json::from("odd"),
                Shown::Plain,
            ));
            held
        });
        assert!(sessions[2].unread.is_empty(), "free-form values are JSON");
        assert_eq!(
            unread.paths().collect::<Vec<_>>(),
            ["sessions[0].seance", "sessions[1]"]
        );
        assert!(unread[0].is_sensitive(), "still redacted from further out");
    }

    #[test]
    fn only_input_that_is_not_json_fails() {
        for bad in [r#"{"did": }"#, r#"[1, "#, r#"{"did": "x"#] {
            let mut unread = Unread::default();
            let mut de = serde_json::Deserializer::from_str(bad);
            let got = Session::read(
                &mut de,
                Place::new(&mut unread, &At::Here, Shown::Plain, Reading::Lenient),
            );
            assert!(got.is_err(), "{bad}");
        }
    }

    #[test]
    fn number_literals_are_exactly_json_s() {
        for ok in ["0", "-0", "12", "1.5", "-1.5e-3", "1E+2", "10"] {
            assert!(is_number_literal(ok), "{ok}");
        }
        for no in [
            "", "-", "01", "1.", ".5", "1e", "+1", " 1", "1 ", "0x10", "1_000", "١",
        ] {
            assert!(!is_number_literal(no), "{no}");
        }
    }
}
