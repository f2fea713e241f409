//! The English reference page as a browser copies it (`personaclick-profile-api.txt`): headings
//! on their own lines, table cells run together (`shop_idstringrequiredUnique Store Key…`),
//! bullets indented by two spaces a level. Cells are split with what the schema and the page's
//! own vocabulary know: the schema's names, the page's type and requirement words. A line that
//! looks like a row but cannot be split is reported, never guessed.

use super::doc::*;

/// The page's type words, longest first (a prefix of another comes after it).
const TYPE_WORDS: &[&str] = &[
    "number/string",
    "Object array",
    "String array",
    "Object",
    "string",
    "number",
    "boolean",
    "integer",
    "float",
    "array",
    "Array",
    "json",
];

/// The headings that end a block.
const HEADINGS: &[&str] = &[
    "Method Objective",
    "Request",
    "Parameters",
    "Main request parameters",
    "Additional request parameters",
    "Custom Properties",
    "API Response Code",
    "API Response Data",
    "Request Example",
];

/// Table header cells, skipped.
const HEADER_CELLS: &[&str] = &[
    "Name",
    "Type",
    "TypeRequirement",
    "Requirement",
    "Description",
    "NameTypeRequirementDescription",
    "NameTypeDescription",
    "HTTP status code",
    "EndpointRequest Type",
    "EndpointRequest TypeContent-Type",
];

/// HTTP reason phrases, to split `400 Bad RequestSee the …`.
const REASONS: &[&str] = &[
    "OK",
    "Created",
    "No Content",
    "Bad Request",
    "Unauthorized",
    "Forbidden",
    "Not Found",
    "Conflict",
    "Unprocessable Entity",
    "Too Many Requests",
    "Internal Server Error",
    "Service Unavailable",
];

/// Reads the page. `names` are the wire names the schema knows (parameters, fields, aliases),
/// the first help in splitting a row.
pub fn read(file: &str, text: &str, names: &[&str]) -> Result<Page, String> {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let mut reader = Reader {
        file,
        lines: &lines,
        names,
        unread: Vec::new(),
    };
    let sections = reader.sections();
    if sections.is_empty() {
        return Err(format!(
            "{file} is not a PersonaClick reference page: it has no operation (a title followed by \"Method Objective\")"
        ));
    }
    let mut page = Page {
        file: file.to_string(),
        language: Language::English,
        complete: true,
        shared: Vec::new(),
        endpoints: Vec::new(),
        unread: Vec::new(),
    };
    reader.whole(&sections)?;
    if let Some(start) = lines.iter().position(|l| l.trim() == "Basic Details") {
        let end = sections.first().map_or(lines.len(), |s| s.0);
        page.shared = reader.params(start, end);
    }
    for (i, &(start, ref title)) in sections.iter().enumerate() {
        let end = sections.get(i + 1).map_or(lines.len(), |s| s.0);
        match reader.endpoint(title, start, end) {
            Some(e) => page.endpoints.push(e),
            None => reader.note(
                start,
                format!("the operation \"{title}\" has no endpoint line"),
            ),
        }
    }
    page.unread = reader.unread;
    Ok(page)
}

struct Reader<'a> {
    file: &'a str,
    lines: &'a [&'a str],
    names: &'a [&'a str],
    unread: Vec<(PageLoc, String)>,
}

impl Reader<'_> {
    fn loc(&self, index: usize) -> PageLoc {
        PageLoc {
            file: self.file.to_string(),
            line: index + 1,
        }
    }

    fn note(&mut self, index: usize, why: String) {
        let loc = self.loc(index);
        self.unread.push((loc, why));
    }

    /// The next non-empty line at or after `i`, before `end`.
    fn next_text(&self, i: usize, end: usize) -> Option<usize> {
        (i..end).find(|&j| !self.lines[j].trim().is_empty())
    }

    /// Where each operation starts: a title whose next non-empty line is "Method Objective".
    fn sections(&self) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            let title = line.trim();
            if title.is_empty() || title == "Method Objective" {
                continue;
            }
            let next = self.next_text(i + 1, self.lines.len());
            if next.is_some_and(|j| self.lines[j].trim() == "Method Objective") {
                out.push((i, title.to_string()));
            }
        }
        out
    }

    /// A page cut short (a truncated copy, a paste that stopped) ends inside its last
    /// operation: that one lacks a heading every other operation has. An error, since the
    /// findings of a cut page would report half of the API as removed.
    fn whole(&self, sections: &[(usize, String)]) -> Result<(), String> {
        let Some(((last, title), others)) = sections.split_last() else {
            return Ok(());
        };
        let starts: Vec<usize> = sections.iter().map(|s| s.0).collect();
        let headings = |start: usize, end: usize| -> Vec<&str> {
            HEADINGS
                .iter()
                .copied()
                .filter(|h| self.lines[start..end].iter().any(|l| l.trim() == *h))
                .collect()
        };
        // With one operation only, the blocks an operation cannot do without.
        let mut common: Option<Vec<&str>> = others
            .is_empty()
            .then(|| vec!["Request", "API Response Code", "API Response Data"]);
        for (i, (start, _)) in others.iter().enumerate() {
            let end = starts[i + 1];
            let here = headings(*start, end);
            common = Some(match common {
                None => here,
                Some(c) => c.into_iter().filter(|h| here.contains(h)).collect(),
            });
        }
        let common = common.unwrap_or_default();
        let present = headings(*last, self.lines.len());
        match common.iter().find(|h| !present.contains(h)) {
            Some(missing) => Err(format!(
                "{} ends inside \"{title}\" (line {}), before its \"{missing}\"{}: the page looks cut short",
                self.file,
                last + 1,
                if others.is_empty() { "" } else { ", which every other operation has" }
            )),
            None => Ok(()),
        }
    }

    /// The block that starts after the heading `heading` within `start..end`, up to the next
    /// heading: `(first line, end)`.
    fn block(&self, heading: &str, start: usize, end: usize) -> Option<(usize, usize)> {
        let at = (start..end).find(|&i| self.lines[i].trim() == heading)?;
        let stop = (at + 1..end)
            .find(|&i| HEADINGS.contains(&self.lines[i].trim()))
            .unwrap_or(end);
        Some((at + 1, stop))
    }

    fn endpoint(&mut self, title: &str, start: usize, end: usize) -> Option<DocEndpoint> {
        let (line, (method, path)) = (start..end).find_map(|i| {
            let l = self.lines[i].trim();
            l.starts_with("http")
                .then(|| endpoint_line(l))
                .flatten()
                .map(|m| (i, m))
        })?;
        let text: String = self.lines[start..end].join("\n");
        let mut e = DocEndpoint {
            title: title.to_string(),
            method,
            path,
            loc: self.loc(line),
            uses_shared: text.contains("\"Basic Details\" above"),
            params: Vec::new(),
            additional: None,
            statuses: Vec::new(),
            fields: Vec::new(),
            fields_of: None,
        };
        // Parameters: the "Parameters" block, and its "Main"/"Additional" sub-tables.
        for heading in [
            "Parameters",
            "Main request parameters",
            "Additional request parameters",
        ] {
            if let Some((from, to)) = self.block(heading, start, end) {
                let params = self.params(from, to);
                e.params.extend(params);
            }
        }
        if let Some((from, _)) = self.block("Custom Properties", start, end) {
            e.additional = Some(self.loc(from));
        }
        if let Some((from, to)) = self.block("API Response Code", start, end) {
            e.statuses = self.statuses(from, to);
        }
        if let Some((from, to)) = self.block("API Response Data", start, end) {
            let block = self.lines[from..to].join("\n");
            if block.contains(
                "All properties available for saving in the profile are available for reading",
            ) {
                e.fields_of = Some("Update User Profile".into());
            }
            e.fields = self
                .rows(from, to, false)
                .into_iter()
                .map(|r| r.field)
                .collect();
        }
        Some(e)
    }

    fn params(&mut self, from: usize, to: usize) -> Vec<DocParam> {
        let mut out: Vec<DocParam> = Vec::new();
        let mut group: Option<String> = None;
        for row in self.rows(from, to, true) {
            let requirement = match (row.requirement, &group) {
                (Requirement::Unstated, Some(first)) => Requirement::OneOf(first.clone()),
                (Requirement::OneOf(_), _) => {
                    group = Some(row.field.name.clone());
                    Requirement::OneOf(row.field.name.clone())
                }
                (other, _) => {
                    group = None;
                    other
                }
            };
            out.push(DocParam {
                deprecated: row.field.description.to_lowercase().contains("deprecated"),
                values: row.field.values,
                name: row.field.name,
                type_words: row.field.type_words,
                requirement,
                description: row.field.description,
                loc: row.field.loc,
            });
        }
        out
    }

    /// The rows of a table in `from..to`, with their continuation lines: descriptions and
    /// the nested fields their bullets name. `with_requirement`: a parameter table (name, type,
    /// requirement, description) rather than a response one (name, type, description).
    fn rows(&mut self, from: usize, to: usize, with_requirement: bool) -> Vec<Row> {
        let mut rows: Vec<Row> = Vec::new();
        let mut i = from;
        while i < to {
            let line = self.lines[i];
            let cell = line.trim();
            if cell.is_empty() || HEADER_CELLS.contains(&cell) {
                i += 1;
                continue;
            }
            // A row on one line, or its name alone with the rest on the next non-empty line.
            let own = self.split_row(cell, with_requirement);
            let split = own.map(|r| (r, i)).or_else(|| {
                let name = cell;
                if !is_name(name) {
                    return None;
                }
                let j = self.next_text(i + 1, to)?;
                let rest = self.lines[j].trim();
                let (ty, rest) = type_prefix(rest)?;
                let (requirement, rest) = if with_requirement {
                    requirement_prefix(rest)
                } else {
                    (Requirement::Unstated, rest)
                };
                Some((
                    Split {
                        name: name.to_string(),
                        type_words: ty.to_string(),
                        requirement,
                        rest: rest.to_string(),
                    },
                    j,
                ))
            });
            match split {
                Some((s, last)) => {
                    let mut field = DocField::named(&s.name, self.loc(i));
                    field.type_words = Some(s.type_words);
                    field.description = s.rest;
                    rows.push(Row {
                        field,
                        requirement: s.requirement,
                    });
                    i = last + 1;
                }
                None => {
                    // Prose before the first row ("Only parameters related to …") is skipped.
                    if let Some(row) = rows.last_mut() {
                        continuation(&mut row.field, line, self.loc(i));
                    }
                    i += 1;
                }
            }
        }
        for row in &mut rows {
            row.field.description = row.field.description.trim().to_string();
            inline_properties(&mut row.field);
            listed_values(&mut row.field);
        }
        rows
    }

    /// `name` `type` [`requirement`] `description`, run together: the name is a schema name
    /// followed by a type word, or else the shortest identifier that is.
    fn split_row(&self, cell: &str, with_requirement: bool) -> Option<Split> {
        let known = self
            .names
            .iter()
            .filter(|n| cell.starts_with(**n) && type_prefix(&cell[n.len()..]).is_some())
            .max_by_key(|n| n.len())
            .map(|n| n.len());
        let generic = || {
            (1..cell.len()).find(|&at| {
                cell.is_char_boundary(at)
                    && is_name(&cell[..at])
                    && type_prefix(&cell[at..]).is_some()
            })
        };
        let at = known.or_else(generic)?;
        let (ty, rest) = type_prefix(&cell[at..])?;
        let (requirement, rest) = if with_requirement {
            requirement_prefix(rest)
        } else {
            (Requirement::Unstated, rest)
        };
        // The custom properties' row names a rule, not a parameter.
        Some(Split {
            name: cell[..at].to_string(),
            type_words: ty.to_string(),
            requirement,
            rest: rest.trim().to_string(),
        })
    }

    fn statuses(&mut self, from: usize, to: usize) -> Vec<DocStatus> {
        let mut out = Vec::new();
        for i in from..to {
            let cell = self.lines[i].trim();
            let Some(code) = cell.get(..3).and_then(|c| c.parse::<u16>().ok()) else {
                continue;
            };
            let after = cell[3..].trim_start();
            let reason = REASONS.iter().find(|r| after.starts_with(**r));
            let Some(reason) = reason else {
                self.note(
                    i,
                    format!("status {code}: no known reason phrase after the code"),
                );
                continue;
            };
            let mut meaning = after[reason.len()..].trim().to_string();
            if meaning.is_empty() {
                if let Some(j) = self.next_text(i + 1, to) {
                    meaning = self.lines[j].trim().to_string();
                }
            }
            out.push(DocStatus {
                code,
                meaning,
                loc: self.loc(i),
            });
        }
        out
    }
}

struct Row {
    field: DocField,
    requirement: Requirement,
}

struct Split {
    name: String,
    type_words: String,
    requirement: Requirement,
    rest: String,
}

/// `https://api.personaclick.com/profile/setPOSTapplication/json` → (`POST`, `/profile/set`).
fn endpoint_line(line: &str) -> Option<(String, String)> {
    let after_scheme = &line[line.find("://")? + 3..];
    let path_start = after_scheme.find('/')?;
    let rest = &after_scheme[path_start..];
    for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
        if let Some(at) = rest.find(method) {
            let path = &rest[..at];
            if !path.is_empty()
                && path
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b"/_-.0123456789".contains(&b))
            {
                return Some((method.to_string(), path.to_string()));
            }
        }
    }
    None
}

/// A wire name: lowercase letters, digits and `_`, starting with a letter.
fn is_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The type word `s` starts with, and the rest.
fn type_prefix(s: &str) -> Option<(&str, &str)> {
    TYPE_WORDS
        .iter()
        .find(|w| s.starts_with(**w))
        .map(|w| (*w, s[w.len()..].trim_start()))
}

/// The requirement words `s` starts with, and the rest.
fn requirement_prefix(s: &str) -> (Requirement, &str) {
    if let Some(rest) = s.strip_prefix("required if \"") {
        if let Some((other, rest)) = rest.split_once('"') {
            let rest = rest.strip_prefix(" isn't used").unwrap_or(rest);
            return (Requirement::Unless(other.to_string()), rest);
        }
    }
    if let Some(rest) = s.strip_prefix("any of the listed are required") {
        return (Requirement::OneOf(String::new()), rest);
    }
    if let Some(rest) = s.strip_prefix("required") {
        return (Requirement::Required, rest);
    }
    if let Some(rest) = s.strip_prefix("optionally") {
        return (Requirement::Optional, rest);
    }
    (Requirement::Unstated, s)
}

/// A line after a row: a nested field if it names one (`  • id - Product ID`,
/// `"id" – category ID (type: string)`), at its depth; else more of the description.
fn continuation(field: &mut DocField, line: &str, loc: PageLoc) {
    let depth = line.len() - line.trim_start().len();
    let text = line.trim();
    let nestable = field
        .type_words
        .as_deref()
        .is_some_and(|t| t.contains("Object") || t.contains("array"));
    match nested_field(text, loc).filter(|_| nestable) {
        Some(child) => {
            // `This contains a "messages" Object Array, where each object has …`: the bullets
            // are the fields of that list.
            if let Some(list) = contained_list(&field.description) {
                if field.children.is_empty() {
                    let mut holder = DocField::named(&list, child.loc.clone());
                    holder.type_words = Some("Object array".into());
                    field.children.push(holder);
                }
                field.children[0].children.push(child);
                return;
            }
            // Two spaces a level below the first bullet.
            let mut parent = &mut *field;
            let mut level = 2;
            while depth > level && parent.children.last().is_some() {
                let last = parent.children.len() - 1;
                parent = &mut parent.children[last];
                level += 2;
            }
            parent.children.push(child);
        }
        None => {
            let target = deepest_last(field);
            if !target.description.is_empty() {
                target.description.push('\n');
            }
            target.description.push_str(text);
        }
    }
}

/// The last field written under `field`, at any depth (where a line of text continues).
fn deepest_last(field: &mut DocField) -> &mut DocField {
    if field.children.is_empty() {
        return field;
    }
    let last = field.children.len() - 1;
    deepest_last(&mut field.children[last])
}

/// `• id - text`, `• "body" – text (type: string)`, `"id" – text (type: string)`.
fn nested_field(text: &str, loc: PageLoc) -> Option<DocField> {
    let text = text.strip_prefix('•').unwrap_or(text).trim_start();
    let (name, rest) = match text.strip_prefix('"') {
        Some(quoted) => quoted.split_once('"')?,
        None => text.split_once(' ')?,
    };
    if !is_name(name) {
        return None;
    }
    let rest = rest.trim_start();
    let description = rest
        .strip_prefix('–')
        .or_else(|| rest.strip_prefix('-'))?
        .trim();
    // `… (type: Object). Contains …`: the type; the text stays as written.
    let mut field = DocField::named(name, loc);
    field.type_words = description.find("(type: ").and_then(|at| {
        let after = &description[at + 7..];
        Some(after[..after.find(')')?].trim().to_string())
    });
    field.description = description.to_string();
    Some(field)
}

/// `This contains a "messages" Object Array, where each object has the following properties:`
fn contained_list(description: &str) -> Option<String> {
    let at = description.find("contains a \"")?;
    let rest = &description[at + 12..];
    let (name, after) = rest.split_once('"')?;
    (is_name(name) && after.trim_start().starts_with("Object Array")).then(|| name.to_string())
}

/// Fields a description lists inline: `Contains the following boolean properties: "clicked",
/// "complained", …`, `Contains the string properties "type" (…) and "uri" (…)`.
fn inline_properties(field: &mut DocField) {
    for child in &mut field.children {
        inline_properties(child);
    }
    let Some(at) = field.description.find("properties") else {
        return;
    };
    let before = &field.description[..at];
    let Some(contains) = before.rfind("ontains the") else {
        return;
    };
    let words = before[contains + 11..].trim();
    let ty = words.trim_start_matches("following").trim();
    // The names of that sentence only (values may follow it, quoted too).
    let listed = &field.description[at + 10..];
    let listed = &listed[..listed.find(['.', '\n']).unwrap_or(listed.len())];
    let names: Vec<String> = listed
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|n| is_name(n))
        .map(str::to_string)
        .collect();
    for name in names {
        if field.children.iter().any(|c| c.name == name) {
            continue;
        }
        let mut child = DocField::named(&name, field.loc.clone());
        if !ty.is_empty() {
            child.type_words = Some(ty.to_string());
        }
        field.children.push(child);
    }
}

/// The values a description lists, for a field of text: bullets of one word after "available"
/// (`• bulk`), lines `"one" - one product`, and the quoted words of a sentence naming "values"
/// (`One of the following values: "bulk", "trigger"`, `one of the values: "A" or "B"`).
fn listed_values(field: &mut DocField) {
    for child in &mut field.children {
        listed_values(child);
    }
    if field.type_words.as_deref() != Some("string") {
        return;
    }
    let mut values: Vec<String> = Vec::new();
    for line in field.description.lines() {
        let line = line.trim();
        if let Some(word) = line.strip_prefix('•').map(str::trim) {
            if is_value(word) {
                values.push(word.to_string());
            }
        } else if let Some(quoted) = line.strip_prefix('"') {
            if let Some((word, rest)) = quoted.split_once('"') {
                if is_value(word) && rest.trim_start().starts_with(['-', '–']) {
                    values.push(word.to_string());
                }
            }
        }
    }
    if values.is_empty() {
        if let Some(at) = field.description.find("values") {
            let sentence = &field.description[at..];
            let sentence = &sentence[..sentence.find(['.', '\n']).unwrap_or(sentence.len())];
            values = sentence
                .split('"')
                .skip(1)
                .step_by(2)
                .filter(|w| is_value(w))
                .map(str::to_string)
                .collect();
        }
    }
    field.values = values;
}

/// A value as enums write them: a word of letters, digits, `_` and `-`.
fn is_value(word: &str) -> bool {
    !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}
