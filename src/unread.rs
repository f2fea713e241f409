//! What a response carried that the client could not read as the schema documents: each value
//! kept as it came, with its JSON path and the documented type (see [`Unread`]).

use std::fmt;

use crate::wire::{Json, Redacted};

/// A type as the schema documents it, in the schema's words: what a value was expected to be.
///
/// ```
/// use personaclick::Expected;
///
/// const TAGS: Expected = Expected::List(&Expected::String);
/// assert_eq!(TAGS.to_string(), "list<string>");
/// assert_eq!(Expected::Date.to_string(), "string (date)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Expected {
    /// `string`
    String,
    /// `integer`
    Integer,
    /// `number`
    Number,
    /// `boolean`
    Boolean,
    /// `json`: any value (never unread).
    Json,
    /// `string` with `format: date`
    Date,
    /// `string` with `format: date_time`
    DateTime,
    /// `string` with `format: timestamp`
    Timestamp,
    /// A type the schema names: an object, a string enum or a union.
    Named(&'static str),
    /// `list<T>`
    List(&'static Expected),
    /// `map<T>`
    Map(&'static Expected),
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::String => f.write_str("string"),
            Expected::Integer => f.write_str("integer"),
            Expected::Number => f.write_str("number"),
            Expected::Boolean => f.write_str("boolean"),
            Expected::Json => f.write_str("json"),
            Expected::Date => f.write_str("string (date)"),
            Expected::DateTime => f.write_str("string (date_time)"),
            Expected::Timestamp => f.write_str("string (timestamp)"),
            Expected::Named(name) => f.write_str(name),
            Expected::List(item) => write!(f, "list<{item}>"),
            Expected::Map(value) => write!(f, "map<{value}>"),
        }
    }
}

/// Whether `Debug` may show a value: sensitive fields (personal data) and free-form entries
/// are never shown.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shown {
    /// Shown as it is.
    Plain,
    /// Shown as `<redacted>`.
    Redacted,
}

/// One value of a response that the client could not read as the schema documents: the field
/// holding it is `None` (a list leaves the element out, or keeps an empty object in its place),
/// and the value is kept here, as it came.
///
/// `Display` names the path, the documented type and the JSON kind found, never the value (it
/// may be personal data), so it can go to logs; `Debug` shows the value too, except for
/// sensitive fields.
#[derive(Clone, PartialEq, Eq)]
pub struct UnreadValue {
    path: String,
    expected: Expected,
    value: Json,
    shown: Shown,
}

impl UnreadValue {
    pub(crate) fn new(path: String, expected: Expected, value: Json, shown: Shown) -> Self {
        UnreadValue {
            path,
            expected,
            value,
            shown,
        }
    }

    /// Where it is, from the object that reports it: field names joined by `.`, list indices
    /// in brackets (`orders[0].items[1].price`), map keys that are not plain words quoted
    /// (`custom_properties["a b"]`). Empty when the object itself is the value (a list element
    /// that is not an object).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The type the schema documents there.
    pub fn expected(&self) -> Expected {
        self.expected
    }

    /// The value as PersonaClick sent it.
    pub fn value(&self) -> &Json {
        &self.value
    }

    /// Whether the value is personal data (a `sensitive` field, or a free-form entry): `Debug`
    /// does not show it.
    pub fn is_sensitive(&self) -> bool {
        self.shown == Shown::Redacted
    }

    /// The kind of JSON value found (`a string`, `an object`, ...), safe to log.
    pub fn found(&self) -> &'static str {
        match &self.value {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    /// The same value, reported from an object `prefix` further out.
    pub(crate) fn under(&self, prefix: &str, shown: Shown) -> Self {
        let path = if self.path.is_empty() {
            prefix.to_string()
        } else if self.path.starts_with('[') || prefix.is_empty() {
            format!("{prefix}{}", self.path)
        } else {
            format!("{prefix}.{}", self.path)
        };
        UnreadValue {
            path,
            expected: self.expected,
            value: self.value.clone(),
            shown: self.shown.max(shown),
        }
    }
}

impl fmt::Display for UnreadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.path.is_empty() {
            "the value"
        } else {
            &self.path
        };
        write!(
            f,
            "`{at}`: expected {}, found {}",
            self.expected,
            self.found()
        )
    }
}

impl fmt::Debug for UnreadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("UnreadValue");
        d.field("path", &self.path)
            .field("expected", &format_args!("{}", self.expected));
        match self.shown {
            Shown::Plain => d.field("value", &format_args!("{}", self.value)),
            Shown::Redacted => d.field("value", &Redacted),
        };
        d.finish()
    }
}

/// What a response object could not read, at any depth below it: every generated type has
/// `unread()`, and it is empty when the response was read as the schema documents it.
///
/// It derefs to a slice of [`UnreadValue`]s, in the order they came. `Display` lists their
/// paths, documented types and the kinds found (no values), for logs.
///
/// ```
/// let product: personaclick::Product =
///     serde_json::from_str(r#"{"name": "Tea", "price": "120.50", "rating": "high"}"#).unwrap();
/// assert_eq!(product.price, Some(120.5), "a number written as a string is read");
/// assert_eq!(product.rating, None);
/// let unread = product.unread();
/// assert_eq!(unread.len(), 1);
/// assert_eq!(unread[0].path(), "rating");
/// assert_eq!(unread[0].value(), "high");
/// assert_eq!(unread.to_string(), "`rating`: expected number, found a string");
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Unread(Vec<UnreadValue>);

impl Unread {
    pub(crate) fn push(&mut self, value: UnreadValue) {
        self.0.push(value);
    }

    /// The paths of the values, in order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(UnreadValue::path)
    }
}

impl std::ops::Deref for Unread {
    type Target = [UnreadValue];

    fn deref(&self) -> &[UnreadValue] {
        &self.0
    }
}

impl<'a> IntoIterator for &'a Unread {
    type Item = &'a UnreadValue;
    type IntoIter = std::slice::Iter<'a, UnreadValue>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Unread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, value) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            value.fmt(f)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Unread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.0).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(path: &str, shown: Shown) -> UnreadValue {
        UnreadValue::new(path.into(), Expected::Number, Json::from("12x"), shown)
    }

    #[test]
    fn paths_join_from_further_out() {
        let v = value("price", Shown::Plain);
        assert_eq!(v.under("items[1]", Shown::Plain).path(), "items[1].price");
        assert_eq!(v.under("", Shown::Plain).path(), "price");
        let element = value("", Shown::Plain);
        assert_eq!(element.under("orders[0]", Shown::Plain).path(), "orders[0]");
        let nested = value("[2]", Shown::Plain);
        assert_eq!(nested.under("grid", Shown::Plain).path(), "grid[2]");
        assert!(v.under("kids[0]", Shown::Redacted).is_sensitive());
        assert!(value("x", Shown::Redacted)
            .under("a", Shown::Plain)
            .is_sensitive());
    }

    #[test]
    fn display_never_shows_the_value_and_debug_only_when_plain() {
        let plain = value("price", Shown::Plain);
        assert_eq!(
            plain.to_string(),
            "`price`: expected number, found a string"
        );
        assert_eq!(
            format!("{plain:?}"),
            r#"UnreadValue { path: "price", expected: number, value: "12x" }"#
        );
        let secret = value("email", Shown::Redacted);
        assert!(!format!("{secret:?}").contains("12x"), "{secret:?}");
        assert!(format!("{secret:?}").contains("<redacted>"));
        let mut all = Unread::default();
        all.push(plain);
        all.push(secret);
        assert_eq!(
            all.to_string(),
            "`price`: expected number, found a string; `email`: expected number, found a string"
        );
        assert_eq!(all.paths().collect::<Vec<_>>(), ["price", "email"]);
    }

    #[test]
    fn expected_types_read_as_the_schema_writes_them() {
        const GRID: Expected = Expected::List(&Expected::List(&Expected::Named("Cell")));
        assert_eq!(GRID.to_string(), "list<list<Cell>>");
        assert_eq!(
            Expected::Map(&Expected::Integer).to_string(),
            "map<integer>"
        );
    }
}
