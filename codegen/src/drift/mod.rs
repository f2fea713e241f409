//! Drift: what PersonaClick's published pages document, against the schema. Each page is read
//! into a doc model ([`doc`]) by the reader for its format ([`english`] for the English
//! reference as a browser copies it, [`markdown`] for REES46's unified Markdown pages), then
//! compared ([`compare()`]); [`report`] writes the findings as text, Markdown or JSON.
//!
//! A difference the schema makes on purpose is recorded on the item (`page: {requirement:
//! required}` and the like, with a `note` saying why): `drift` lists it as explained.

pub mod compare;
pub mod doc;
pub mod english;
pub mod markdown;
pub mod report;

pub use compare::{compare, Finding};
pub use doc::Page;

use crate::inspect::Inspected;
use crate::model::KindModel;

/// Reads one page, by its format: Markdown (a `.md` file, or text with Markdown tables) or the
/// English page's copied text. An empty, binary or unrelated page is an error naming why.
pub fn read_page(file: &str, bytes: &[u8], api: &Inspected) -> Result<Page, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(format!("{file} is empty"));
    }
    if bytes.contains(&0) {
        return Err(format!("{file} is not text (it holds NUL bytes)"));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "{file} is not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        )
    })?;
    let names = known_names(api);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    if file.ends_with(".md") || text.contains("\n| ") || text.contains("\n|--") {
        markdown::read(file, text, &names)
    } else {
        english::read(file, text, &names)
    }
}

/// Every wire name the schema knows: parameters, fields, aliases. The readers split run-together
/// cells with them first.
fn known_names(api: &Inspected) -> Vec<String> {
    let model = &api.model;
    let mut names: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    };
    for e in &model.endpoints {
        for p in &e.params {
            add(p.name.wire());
            p.aliases.iter().for_each(|a| add(a));
        }
    }
    for t in &model.types {
        if let KindModel::Object { fields, .. } = &t.kind {
            for f in fields {
                add(f.name.wire());
                f.aliases.iter().for_each(|a| add(a));
            }
        }
    }
    names
}
