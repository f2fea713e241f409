//! The doc model: what a published page documents, whatever its format, each item with its
//! place on the page. The readers ([`english`](super::english), [`markdown`](super::markdown))
//! make one; [`compare`](super::compare()) holds it against the schema.

use std::fmt;

/// A place on a page: `file:line`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PageLoc {
    /// The page, as named on the command line.
    pub file: String,
    /// 1-based.
    pub line: usize,
}

impl fmt::Display for PageLoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// The language a page is written in: descriptions are only compared in the schema's
/// (English).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// PersonaClick's English reference.
    English,
    /// REES46's unified docs.
    Russian,
}

/// One page, read.
#[derive(Clone, Debug)]
pub struct Page {
    /// The file, as named on the command line.
    pub file: String,
    /// Its language.
    pub language: Language,
    /// Whether the page is a whole reference (every operation of the API on one page), so that
    /// an operation missing from it is worth a finding.
    pub complete: bool,
    /// The parameters every operation shares ("Basic Details"), when the page lists them once.
    pub shared: Vec<DocParam>,
    /// The operations.
    pub endpoints: Vec<DocEndpoint>,
    /// What the reader could not read, and where: never guessed silently.
    pub unread: Vec<(PageLoc, String)>,
}

/// An operation as a page documents it.
#[derive(Clone, Debug)]
pub struct DocEndpoint {
    /// The section's title.
    pub title: String,
    /// `GET`, `POST`, `DELETE`, ...
    pub method: String,
    /// The path below the host: `/profile/set`.
    pub path: String,
    /// Where the endpoint line is.
    pub loc: PageLoc,
    /// Its parameters take the page's shared ones too ("See Basic Details").
    pub uses_shared: bool,
    /// Its own parameters.
    pub params: Vec<DocParam>,
    /// The free-form parameters, if the page documents some (custom properties).
    pub additional: Option<PageLoc>,
    /// The documented statuses.
    pub statuses: Vec<DocStatus>,
    /// The response's fields, nested.
    pub fields: Vec<DocField>,
    /// The response also holds every field of the operation with this title ("All properties
    /// available for saving in the profile are available for reading").
    pub fields_of: Option<String>,
}

/// Whether a page says a parameter must be given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// `required`, `Да`.
    Required,
    /// `optionally`, `Нет`.
    Optional,
    /// At least one of a group is required (`any of the listed are required`, a `*` after
    /// the name); the group's first parameter names it.
    OneOf(String),
    /// Required unless the named parameter is given (`required if "did" isn't used`).
    Unless(String),
    /// No word for it.
    Unstated,
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Requirement::Required => f.write_str("required"),
            Requirement::Optional => f.write_str("optional"),
            Requirement::OneOf(first) => write!(f, "one of a group (with `{first}`)"),
            Requirement::Unless(other) => write!(f, "required unless `{other}` is given"),
            Requirement::Unstated => f.write_str("not stated"),
        }
    }
}

/// A parameter as a page documents it.
#[derive(Clone, Debug)]
pub struct DocParam {
    /// As on the wire.
    pub name: String,
    /// The page's type words (`string`, `number/string`, `Object array`), if it gives some.
    pub type_words: Option<String>,
    /// Whether it must be given.
    pub requirement: Requirement,
    /// The page's description.
    pub description: String,
    /// Marked deprecated.
    pub deprecated: bool,
    /// The values the page lists for it (an enum), in its order.
    pub values: Vec<String>,
    /// Where its row is.
    pub loc: PageLoc,
}

/// A status code and what it means.
#[derive(Clone, Debug)]
pub struct DocStatus {
    /// The code.
    pub code: u16,
    /// What the page says it means.
    pub meaning: String,
    /// Where.
    pub loc: PageLoc,
}

/// A field of a response, as a page documents it (in a table, a bullet list, or an example).
#[derive(Clone, Debug)]
pub struct DocField {
    /// As on the wire.
    pub name: String,
    /// The page's type words, if it gives some.
    pub type_words: Option<String>,
    /// The page's description.
    pub description: String,
    /// Its own fields (of an object, or of each object of a list).
    pub children: Vec<DocField>,
    /// The values the page lists for it (an enum), in its order.
    pub values: Vec<String>,
    /// Where.
    pub loc: PageLoc,
}

impl DocField {
    /// A field with no type or description yet.
    pub fn named(name: &str, loc: PageLoc) -> Self {
        DocField {
            name: name.to_string(),
            type_words: None,
            description: String::new(),
            children: Vec::new(),
            values: Vec::new(),
            loc,
        }
    }
}
