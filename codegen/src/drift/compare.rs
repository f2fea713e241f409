//! Compare: what the pages document, against the schema. Each difference is a [`Finding`],
//! with the page's words and place, the schema item and its place, and what adopting the
//! page would mean for the crate's users (the `diff` classes). A difference the schema
//! records on purpose (its `page` key says exactly what the page says) is explained, with the
//! item's note.

use std::collections::BTreeSet;

use super::doc::*;
use crate::diff::Class;
use crate::inspect::Inspected;
use crate::model::*;

/// One difference between a page and the schema.
#[derive(Clone, Debug)]
pub struct Finding {
    /// What kind: `param_added`, `requirement_changed`, ... (the list is in codegen/README).
    pub kind: &'static str,
    /// What adopting the page would be for the crate's semver.
    pub class: Class,
    /// The operation, as `METHOD /path`.
    pub endpoint: String,
    /// What differs, below the operation: `params.email`, `response.orders[].items[].price`,
    /// `statuses.404`, or empty for the operation itself.
    pub subject: String,
    /// What the page says, in its words.
    pub page_says: String,
    /// Where on the page.
    pub page_at: PageLoc,
    /// The schema item (`endpoints.get_profile.params.email`) and where it is written, when
    /// there is one.
    pub schema: Option<(String, String)>,
    /// What it means, in a sentence.
    pub message: String,
    /// The schema's note, when a `page` record explains the difference.
    pub explained: Option<String>,
    /// For an addition: what to paste into the schema.
    pub snippet: Option<String>,
}

impl Finding {
    /// A readable identity: `kind METHOD /path subject`, the same from run to run while the
    /// page documents the same thing.
    pub fn id(&self) -> String {
        let mut id = format!("{} {}", self.kind, self.endpoint);
        if !self.subject.is_empty() {
            id.push(' ');
            id.push_str(&self.subject);
        }
        id
    }

    /// A stable identity, which rewording the page or moving its lines does not change: the
    /// kind, the operation and the subject, hashed (FNV-1a, 64 bits, as hex).
    pub fn fingerprint(&self) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in self.id().bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    }
}

/// Every finding for `pages` against the schema: in page order, each operation's together.
pub fn compare(pages: &[Page], api: &Inspected) -> Vec<Finding> {
    let mut c = Comparer {
        api,
        out: Vec::new(),
    };
    let mut documented: BTreeSet<String> = BTreeSet::new();
    for page in pages {
        for e in &page.endpoints {
            documented.extend(c.endpoint(page, e));
        }
    }
    let complete = pages.iter().find(|p| p.complete);
    for m in &api.model.endpoints {
        if documented.contains(m.name.wire()) {
            continue;
        }
        let Some(page) = complete else { continue };
        let at = PageLoc {
            file: page.file.clone(),
            line: 1,
        };
        c.push(Finding {
            kind: "endpoint_removed",
            class: Class::Breaking,
            endpoint: format!("{} {}", text::verb(m.method), m.path),
            subject: String::new(),
            page_says: "(not on the page)".into(),
            page_at: at,
            schema: c.schema_item(&format!("endpoints.{}", m.name.wire())),
            message: format!("`{}` is not documented on the page", m.name.wire()),
            explained: m.page.absent.then(|| note_of(m.note.as_deref())),
            snippet: None,
        });
    }
    c.out
}

fn note_of(note: Option<&str>) -> String {
    note.map_or_else(
        || "recorded in the schema (`page`)".into(),
        |n| text::paragraphs(n).join(" "),
    )
}

struct Comparer<'a> {
    api: &'a Inspected,
    out: Vec<Finding>,
}

/// How the schema requires a parameter of an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Needed {
    Required,
    Optional,
    /// At least one of these (a rule `any_of`).
    OneOf(Vec<BTreeSet<String>>),
}

impl Comparer<'_> {
    fn push(&mut self, finding: Finding) {
        self.out.push(finding);
    }

    fn schema_item(&self, path: &str) -> Option<(String, String)> {
        let loc = self.api.location(path)?;
        let at = match loc.pos {
            Some(p) => format!("{}:{}:{}", loc.file, p.line, p.column),
            None => loc.file.clone(),
        };
        Some((path.to_string(), at))
    }

    /// Compares one documented operation; the id of the schema endpoint it is, if any.
    fn endpoint(&mut self, page: &Page, e: &DocEndpoint) -> Option<String> {
        let name = format!("{} {}", e.method, e.path);
        let model = &self.api.model;
        let found = model
            .endpoints
            .iter()
            .find(|m| text::verb(m.method) == e.method && m.path == e.path);
        let Some(m) = found else {
            let moved = model
                .endpoints
                .iter()
                .find(|m| m.path == e.path || same_last_segment(&m.path, &e.path));
            match moved {
                Some(m) => self.push(Finding {
                    kind: "endpoint_moved",
                    class: Class::Compatible,
                    endpoint: name,
                    subject: String::new(),
                    page_says: format!("{} {}", e.method, e.path),
                    page_at: e.loc.clone(),
                    schema: self.schema_item(&format!("endpoints.{}", m.name.wire())),
                    message: format!(
                        "the page has `{}` at {} {}, the schema at {} {}",
                        m.name.wire(),
                        e.method,
                        e.path,
                        text::verb(m.method),
                        m.path
                    ),
                    explained: None,
                    snippet: None,
                }),
                None => self.push(Finding {
                    kind: "endpoint_added",
                    class: Class::Compatible,
                    endpoint: name,
                    subject: String::new(),
                    page_says: format!("{}: {} {}", e.title, e.method, e.path),
                    page_at: e.loc.clone(),
                    schema: None,
                    message: format!(
                        "the page documents \"{}\", which the schema has not",
                        e.title
                    ),
                    explained: None,
                    snippet: Some(endpoint_snippet(page, e, model)),
                }),
            }
            return moved.map(|m| m.name.wire().to_string());
        };
        let id = m.name.wire().to_string();
        self.params(page, e, m, &name);
        self.statuses(e, m, &name);
        self.response(page, e, m, &name);
        Some(id)
    }

    fn params(&mut self, page: &Page, e: &DocEndpoint, m: &EndpointModel, endpoint: &str) {
        let mut documented: Vec<&DocParam> = e.params.iter().collect();
        if e.uses_shared {
            for p in &page.shared {
                if !documented.iter().any(|d| d.name == p.name) {
                    documented.push(p);
                }
            }
        }
        let known = |name: &str| {
            m.param(name).or_else(|| {
                m.params
                    .iter()
                    .find(|q| q.aliases.iter().any(|a| a == name))
            })
        };
        let missing: Vec<&FieldModel> = m
            .params
            .iter()
            .filter(|q| {
                !documented
                    .iter()
                    .any(|d| d.name == q.name.wire() || q.aliases.contains(&d.name))
            })
            .collect();
        // A schema parameter a page's new name looks like is reported once, as renamed.
        let mut renamed_from: Vec<&str> = Vec::new();
        for d in &documented {
            let path = format!("endpoints.{}.params.{}", m.name.wire(), d.name);
            let subject = format!("params.{}", d.name);
            let Some(q) = known(&d.name) else {
                let renamed = missing.iter().find(|q| {
                    !renamed_from.contains(&q.name.wire()) && looks_like(q.name.wire(), &d.name)
                });
                if let Some(q) = renamed {
                    renamed_from.push(q.name.wire());
                }
                let required = d.requirement == Requirement::Required;
                self.push(Finding {
                    kind: if renamed.is_some() {
                        "param_renamed"
                    } else {
                        "param_added"
                    },
                    class: if renamed.is_some() || required {
                        Class::Breaking
                    } else {
                        Class::Compatible
                    },
                    endpoint: endpoint.to_string(),
                    subject,
                    page_says: param_words(d),
                    page_at: d.loc.clone(),
                    // The parameter it looks renamed from, or the operation it belongs to.
                    schema: match renamed {
                        Some(q) => self.schema_item(&format!(
                            "endpoints.{}.params.{}",
                            m.name.wire(),
                            q.name.wire()
                        )),
                        None => self.schema_item(&format!("endpoints.{}", m.name.wire())),
                    },
                    message: match renamed {
                        Some(q) => format!(
                            "the page has `{}` where the schema has `{}`: renamed?",
                            d.name,
                            q.name.wire()
                        ),
                        None => format!("parameter `{}` is on the page, not in the schema", d.name),
                    },
                    explained: None,
                    snippet: Some(param_snippet(page, d)),
                });
                continue;
            };
            let schema = self.schema_item(&path);
            // Requirement.
            let needed = needed(m, q);
            let says = requirement_of(d, &documented);
            if !requirement_fits(&says, &needed, &documented) {
                let word = requirement_word(&d.requirement);
                self.push(Finding {
                    kind: "requirement_changed",
                    class: if says == Needed::Required {
                        Class::Breaking
                    } else {
                        Class::Compatible
                    },
                    endpoint: endpoint.to_string(),
                    subject: subject.clone(),
                    page_says: d.requirement.to_string(),
                    page_at: d.loc.clone(),
                    schema: schema.clone(),
                    message: format!(
                        "the page marks `{}` {}; the schema has it {}",
                        d.name,
                        d.requirement,
                        needed_words(&needed)
                    ),
                    explained: q
                        .page
                        .requirement
                        .contains(&word)
                        .then(|| note_of(q.note.as_deref())),
                    snippet: None,
                });
            }
            // Type, and an enum's values.
            if let Some(words) = &d.type_words {
                self.type_check(words, q, endpoint, &subject, &d.loc, schema.clone());
            }
            self.values_check(&d.values, q, endpoint, &subject, &d.loc);
            // Deprecation.
            if d.deprecated && q.deprecated.is_none() {
                self.push(Finding {
                    kind: "deprecated",
                    class: Class::Compatible,
                    endpoint: endpoint.to_string(),
                    subject: subject.clone(),
                    page_says: "deprecated".into(),
                    page_at: d.loc.clone(),
                    schema: schema.clone(),
                    message: format!("the page deprecates `{}`", d.name),
                    explained: None,
                    snippet: Some(format!(
                        "deprecated: The published docs deprecate it ({}).",
                        d.loc
                    )),
                });
            }
            // Description, in the schema's language only.
            if page.language == Language::English && !same_text(&d.description, &q.description) {
                self.push(Finding {
                    kind: "description_changed",
                    class: Class::Compatible,
                    endpoint: endpoint.to_string(),
                    subject,
                    page_says: first_paragraph(&d.description),
                    page_at: d.loc.clone(),
                    schema,
                    message: format!("the page describes `{}` otherwise", d.name),
                    explained: None,
                    snippet: None,
                });
            }
        }
        for q in missing
            .into_iter()
            .filter(|q| !renamed_from.contains(&q.name.wire()))
        {
            self.push(Finding {
                kind: "param_removed",
                class: Class::Breaking,
                endpoint: endpoint.to_string(),
                subject: format!("params.{}", q.name.wire()),
                page_says: "(not on the page)".into(),
                page_at: e.loc.clone(),
                schema: self.schema_item(&format!(
                    "endpoints.{}.params.{}",
                    m.name.wire(),
                    q.name.wire()
                )),
                message: format!(
                    "parameter `{}` is in the schema, not on the page",
                    q.name.wire()
                ),
                explained: q.page.absent.then(|| note_of(q.note.as_deref())),
                snippet: None,
            });
        }
    }

    /// A type that does not fit the page's words, unless recorded.
    fn type_check(
        &mut self,
        words: &str,
        f: &FieldModel,
        endpoint: &str,
        subject: &str,
        at: &PageLoc,
        schema: Option<(String, String)>,
    ) {
        if type_fits(words, f, &self.api.model) {
            return;
        }
        self.push(Finding {
            kind: "type_changed",
            class: Class::Breaking,
            endpoint: endpoint.to_string(),
            subject: subject.to_string(),
            page_says: words.to_string(),
            page_at: at.clone(),
            schema,
            message: format!(
                "the page types `{}` {words:?}; the schema has {}",
                f.name.wire(),
                type_words(&f.ty)
            ),
            explained: f
                .page
                .type_words
                .iter()
                .any(|w| w == words)
                .then(|| note_of(f.note.as_deref())),
            snippet: None,
        });
    }

    /// The values the page lists for an enum (or a list of one) against the enum's.
    fn values_check(
        &mut self,
        listed: &[String],
        f: &FieldModel,
        endpoint: &str,
        subject: &str,
        at: &PageLoc,
    ) {
        if listed.is_empty() {
            return;
        }
        let named = match &f.ty {
            Ty::Named(n) => n,
            Ty::List(inner) => match inner.as_ref() {
                Ty::Named(n) => n,
                _ => return,
            },
            _ => return,
        };
        let Some(t) = self.api.model.named(named) else {
            return;
        };
        let KindModel::Enum { values } = &t.kind else {
            return;
        };
        let ours: BTreeSet<&str> = values.iter().map(|v| v.name.wire()).collect();
        let page: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
        if ours == page {
            return;
        }
        let recorded = t
            .page
            .values
            .iter()
            .any(|v| v.iter().map(String::as_str).collect::<BTreeSet<&str>>() == page);
        let explained = recorded.then(|| note_of(t.note.as_deref()));
        let type_path = format!("types.{}", t.name.wire());
        for value in page.difference(&ours) {
            self.push(Finding {
                kind: "enum_value_added",
                class: Class::Compatible,
                endpoint: endpoint.to_string(),
                subject: format!("{subject}={value}"),
                page_says: listed.join(", "),
                page_at: at.clone(),
                schema: self.schema_item(&type_path),
                message: format!(
                    "the page lists `{value}` for `{}`, which {} has not",
                    f.name.wire(),
                    t.name.wire()
                ),
                explained: explained.clone(),
                snippet: Some(format!("{value}: {{description: {value}}}")),
            });
        }
        for value in ours.difference(&page) {
            self.push(Finding {
                kind: "enum_value_removed",
                class: Class::Breaking,
                endpoint: endpoint.to_string(),
                subject: format!("{subject}={value}"),
                page_says: listed.join(", "),
                page_at: at.clone(),
                schema: self.schema_item(&format!("{type_path}.values.{value}")),
                message: format!(
                    "{} has `{value}`, which the page does not list for `{}`",
                    t.name.wire(),
                    f.name.wire()
                ),
                explained: explained.clone(),
                snippet: None,
            });
        }
    }

    fn statuses(&mut self, e: &DocEndpoint, m: &EndpointModel, endpoint: &str) {
        // A page that lists no status code says nothing about them.
        if e.statuses.is_empty() {
            return;
        }
        let page_codes: BTreeSet<u16> = e.statuses.iter().map(|s| s.code).collect();
        let ours: BTreeSet<u16> = m.statuses.iter().map(|(c, _)| *c).collect();
        if page_codes == ours {
            return;
        }
        let recorded =
            m.page.statuses.as_ref().is_some_and(|codes| {
                codes.iter().copied().collect::<BTreeSet<u16>>() == page_codes
            });
        let explained = recorded.then(|| note_of(m.note.as_deref()));
        for s in e.statuses.iter().filter(|s| !ours.contains(&s.code)) {
            self.push(Finding {
                kind: "status_added",
                class: Class::Compatible,
                endpoint: endpoint.to_string(),
                subject: format!("statuses.{}", s.code),
                page_says: format!("{}: {}", s.code, s.meaning),
                page_at: s.loc.clone(),
                schema: self.schema_item(&format!("endpoints.{}", m.name.wire())),
                message: format!("the page documents status {}", s.code),
                explained: explained.clone(),
                snippet: Some(format!("{}: {}", s.code, s.meaning)),
            });
        }
        for code in ours.difference(&page_codes) {
            self.push(Finding {
                kind: "status_removed",
                class: Class::Compatible,
                endpoint: endpoint.to_string(),
                subject: format!("statuses.{code}"),
                page_says: "(not on the page)".into(),
                page_at: e.loc.clone(),
                schema: self.schema_item(&format!("endpoints.{}", m.name.wire())),
                message: format!("the schema documents status {code}, the page does not"),
                explained: explained.clone(),
                snippet: None,
            });
        }
    }

    fn response(&mut self, page: &Page, e: &DocEndpoint, m: &EndpointModel, endpoint: &str) {
        let mut fields = e.fields.clone();
        if let Some(title) = &e.fields_of {
            if let Some(other) = page.endpoints.iter().find(|o| &o.title == title) {
                for p in &other.params {
                    if !fields.iter().any(|f| f.name == p.name) {
                        let mut field = DocField::named(&p.name, p.loc.clone());
                        field.type_words.clone_from(&p.type_words);
                        field.description.clone_from(&p.description);
                        fields.push(field);
                    }
                }
            }
        }
        if fields.is_empty() {
            return;
        }
        let Some(object) = object_of(&m.response, &self.api.model) else {
            return;
        };
        self.fields(&fields, object, endpoint, "response", page.language);
    }

    /// The page's fields of one object against the schema's.
    fn fields(
        &mut self,
        documented: &[DocField],
        t: &TypeModel,
        endpoint: &str,
        at: &str,
        language: Language,
    ) {
        let KindModel::Object { fields, .. } = &t.kind else {
            return;
        };
        let find = |name: &str| {
            fields
                .iter()
                .find(|f| f.name.wire() == name || f.aliases.iter().any(|a| a == name))
        };
        for d in documented {
            let subject = format!("{at}.{}", d.name);
            let path = format!("types.{}.fields.{}", t.name.wire(), d.name);
            let Some(f) = find(&d.name) else {
                self.push(Finding {
                    kind: "field_added",
                    class: Class::Compatible,
                    endpoint: endpoint.to_string(),
                    subject,
                    page_says: field_words(d),
                    page_at: d.loc.clone(),
                    schema: self.schema_item(&format!("types.{}", t.name.wire())),
                    message: format!(
                        "field `{}` is on the page, not in the schema's {}",
                        d.name,
                        t.name.wire()
                    ),
                    explained: None,
                    snippet: Some(field_snippet(d)),
                });
                continue;
            };
            let schema = self.schema_item(&path);
            if let Some(words) = &d.type_words {
                self.type_check(words, f, endpoint, &subject, &d.loc, schema.clone());
            }
            self.values_check(&d.values, f, endpoint, &subject, &d.loc);
            if language == Language::English
                && !d.description.is_empty()
                && !same_text(&d.description, &f.description)
            {
                self.push(Finding {
                    kind: "description_changed",
                    class: Class::Compatible,
                    endpoint: endpoint.to_string(),
                    subject: subject.clone(),
                    page_says: first_paragraph(&d.description),
                    page_at: d.loc.clone(),
                    schema,
                    message: format!("the page describes `{}` otherwise", d.name),
                    explained: None,
                    snippet: None,
                });
            }
            if !d.children.is_empty() {
                if let Some(inner) = object_of(&f.ty, &self.api.model) {
                    let below = match f.ty {
                        Ty::List(_) => format!("{subject}[]"),
                        _ => subject,
                    };
                    self.fields(&d.children, inner, endpoint, &below, language);
                }
            }
        }
        for f in fields {
            if documented
                .iter()
                .any(|d| d.name == f.name.wire() || f.aliases.contains(&d.name))
            {
                continue;
            }
            self.push(Finding {
                kind: "field_removed",
                class: Class::Breaking,
                endpoint: endpoint.to_string(),
                subject: format!("{at}.{}", f.name.wire()),
                page_says: "(not on the page)".into(),
                page_at: documented.first().map_or_else(
                    || PageLoc {
                        file: String::new(),
                        line: 0,
                    },
                    |d| d.loc.clone(),
                ),
                schema: self.schema_item(&format!(
                    "types.{}.fields.{}",
                    t.name.wire(),
                    f.name.wire()
                )),
                message: format!(
                    "field `{}` of {} is in the schema, not on the page",
                    f.name.wire(),
                    t.name.wire()
                ),
                explained: f.page.absent.then(|| note_of(f.note.as_deref())),
                snippet: None,
            });
        }
    }
}

/// The object a value of `ty` is, or holds a list of.
fn object_of<'m>(ty: &Ty, model: &'m Model) -> Option<&'m TypeModel> {
    match ty {
        Ty::Named(n) => model
            .named(n)
            .filter(|t| matches!(t.kind, KindModel::Object { .. })),
        Ty::List(inner) => object_of(inner, model),
        _ => None,
    }
}

/// How the schema requires `q` in `m`.
fn needed(m: &EndpointModel, q: &FieldModel) -> Needed {
    let wire = q.name.wire();
    let unconditional = m.requirements.iter().filter(|r| r.when.is_empty());
    if q.required
        || unconditional
            .clone()
            .any(|r| r.kind == RuleKind::AllOf && r.names.iter().any(|n| n == wire))
    {
        return Needed::Required;
    }
    let groups: Vec<BTreeSet<String>> = unconditional
        .filter(|r| r.kind == RuleKind::AnyOf && r.names.iter().any(|n| n == wire))
        .map(|r| r.names.iter().cloned().collect())
        .collect();
    if groups.is_empty() {
        Needed::Optional
    } else {
        Needed::OneOf(groups)
    }
}

/// How the page requires `d`, in the schema's terms (a group is its members).
fn requirement_of(d: &DocParam, documented: &[&DocParam]) -> Needed {
    match &d.requirement {
        Requirement::Required => Needed::Required,
        Requirement::Optional | Requirement::Unstated => Needed::Optional,
        Requirement::OneOf(first) => Needed::OneOf(vec![documented
            .iter()
            .filter(|p| p.requirement == Requirement::OneOf(first.clone()))
            .map(|p| p.name.clone())
            .collect()]),
        Requirement::Unless(other) => {
            Needed::OneOf(vec![[d.name.clone(), other.clone()].into_iter().collect()])
        }
    }
}

/// Whether the page's requirement is the schema's. The page's group is one of the schema's
/// groups (rules `any_of`) with the parameter, compared by the members the page documents: a
/// member it does not document is a finding of its own (`param_removed`).
fn requirement_fits(says: &Needed, needed: &Needed, documented: &[&DocParam]) -> bool {
    match (says, needed) {
        (Needed::OneOf(page), Needed::OneOf(ours)) => ours.iter().any(|group| {
            let group: BTreeSet<String> = group
                .iter()
                .filter(|n| documented.iter().any(|d| &d.name == *n))
                .cloned()
                .collect();
            page.contains(&group)
        }),
        _ => says == needed,
    }
}

/// The `page.requirement` word for what the page says.
fn requirement_word(r: &Requirement) -> String {
    match r {
        Requirement::Required => "required".into(),
        Requirement::Optional => "optional".into(),
        Requirement::OneOf(_) => "one of".into(),
        Requirement::Unless(other) => format!("unless {other}"),
        Requirement::Unstated => "unstated".into(),
    }
}

fn needed_words(n: &Needed) -> String {
    match n {
        Needed::Required => "required".into(),
        Needed::Optional => "optional".into(),
        Needed::OneOf(groups) => groups
            .iter()
            .map(|names| {
                let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                format!("one of {}", names.join(", "))
            })
            .collect::<Vec<_>>()
            .join(" and "),
    }
}

/// Whether a field of the schema can be what the page's type words say.
fn type_fits(words: &str, f: &FieldModel, model: &Model) -> bool {
    let kind_of = |ty: &Ty| match ty {
        Ty::Named(n) => model.named(n).map(|t| match t.kind {
            KindModel::Object { .. } => "object",
            KindModel::Enum { .. } => "enum",
            KindModel::Union { .. } => "union",
        }),
        _ => None,
    };
    let textual = |ty: &Ty| {
        matches!(ty, Ty::String | Ty::Date | Ty::DateTime | Ty::Timestamp)
            || kind_of(ty) == Some("enum")
    };
    let ty = &f.ty;
    match words.to_lowercase().as_str() {
        "string" => {
            textual(ty)
                || matches!(ty, Ty::List(inner) if f.style == Style::Comma && textual(inner))
        }
        "number" | "float" => matches!(ty, Ty::Number | Ty::Integer),
        "integer" => *ty == Ty::Integer,
        "number/string" => textual(ty) && f.also == Some(JsonKind::Number),
        "boolean" => *ty == Ty::Boolean,
        "object" => matches!(ty, Ty::Json | Ty::Map(_)) || kind_of(ty) == Some("object"),
        "object array" => matches!(ty, Ty::List(inner) if kind_of(inner) == Some("object")),
        "string array" => matches!(ty, Ty::List(inner) if textual(inner)),
        "array" => matches!(ty, Ty::List(_)),
        "json" => *ty == Ty::Json,
        _ => false,
    }
}

/// A schema type in the page's words.
fn type_words(ty: &Ty) -> String {
    match ty {
        Ty::String => "a string".into(),
        Ty::Integer => "an integer".into(),
        Ty::Number => "a number".into(),
        Ty::Boolean => "a boolean".into(),
        Ty::Json => "any JSON".into(),
        Ty::Date | Ty::DateTime | Ty::Timestamp => "a date string".into(),
        Ty::List(inner) => format!("a list of {}", type_words(inner).trim_start_matches("a ")),
        Ty::Map(_) => "an open object".into(),
        Ty::Named(n) => format!("`{n}`"),
    }
}

/// The same words, ignoring case, spacing, Markdown backticks and a final period, or the
/// page's first paragraph contained in the schema's.
fn same_text(page: &str, ours: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace('`', "")
            .trim_end_matches('.')
            .to_lowercase()
    };
    let (page, ours) = (norm(&first_paragraph(page)), norm(ours));
    page.is_empty() || ours.contains(&page) || page.contains(&ours)
}

/// The text before the page's first bullet or line break.
fn first_paragraph(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_string()
}

/// Whether two names look like one renamed: one contains the other, they differ by one or
/// two characters, or one's words are the other's with some added (`loyalty_id`,
/// `loyalty_card_id`).
fn looks_like(a: &str, b: &str) -> bool {
    a.contains(b)
        || b.contains(a)
        || crate::diag::edit_distance(a, b) <= 2
        || words_within(a, b)
        || words_within(b, a)
}

/// Whether the `_`-separated words of `short` appear in `long`, in order.
fn words_within(short: &str, long: &str) -> bool {
    let mut long = long.split('_');
    short.split('_').all(|w| long.any(|l| l == w))
}

fn same_last_segment(a: &str, b: &str) -> bool {
    a.rsplit('/').next() == b.rsplit('/').next()
}

fn param_words(d: &DocParam) -> String {
    format!(
        "`{}` {} {}: {}",
        d.name,
        d.type_words.as_deref().unwrap_or("(no type)"),
        d.requirement,
        first_paragraph(&d.description)
    )
}

fn field_words(d: &DocField) -> String {
    format!(
        "`{}` {}: {}",
        d.name,
        d.type_words.as_deref().unwrap_or("(no type)"),
        first_paragraph(&d.description)
    )
}

/// The schema's type expression for the page's words: a starting point to review.
fn schema_type(words: Option<&str>) -> &'static str {
    match words.map(str::to_lowercase).as_deref() {
        Some("number" | "float") => "number",
        Some("integer") => "integer",
        Some("boolean") => "boolean",
        Some("object") => "json",
        Some("object array") => "list<json>",
        Some("string array" | "array") => "list<string>",
        _ => "string",
    }
}

/// YAML quoting for a description.
fn yaml_text(text: &str) -> String {
    let one = text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("\"{}\"", one.replace('\\', "\\\\").replace('"', "\\\""))
}

fn param_snippet(page: &Page, d: &DocParam) -> String {
    let mut out = format!(
        "{}:\n  type: {}\n",
        d.name,
        schema_type(d.type_words.as_deref())
    );
    if d.requirement == Requirement::Required {
        out.push_str("  required: true\n");
    }
    if d.deprecated {
        out.push_str("  deprecated: The published docs deprecate it.\n");
    }
    out.push_str(&description_lines(page, &d.description, &d.loc));
    out
}

fn field_snippet(d: &DocField) -> String {
    let mut out = format!(
        "{}:\n  type: {}\n",
        d.name,
        schema_type(d.type_words.as_deref())
    );
    out.push_str(&format!(
        "  description: {}\n  note: Documented at {}.\n",
        yaml_text(&first_paragraph(&d.description)),
        d.loc
    ));
    out
}

/// The description (English pages) or a placeholder to translate, and where it comes from.
fn description_lines(page: &Page, description: &str, loc: &PageLoc) -> String {
    let description = match page.language {
        Language::English => yaml_text(&first_paragraph(description)),
        Language::Russian => format!(
            "{} # translate: {}",
            yaml_text("TODO: in English"),
            first_paragraph(description)
        ),
    };
    format!("  description: {description}\n  note: Documented at {loc}.\n")
}

/// The includes of the schema endpoint whose included parameters the page documents for `e`
/// (the most of them), and those parameters: what the new endpoint can include rather than
/// repeat.
fn includes_for<'m>(
    page: &Page,
    e: &DocEndpoint,
    model: &'m Model,
) -> (&'m [String], Vec<&'m str>) {
    let documented = |name: &str| {
        e.params.iter().any(|p| p.name == name)
            || (e.uses_shared && page.shared.iter().any(|p| p.name == name))
    };
    model
        .endpoints
        .iter()
        .filter(|m| !m.includes.is_empty())
        .map(|m| {
            let included: Vec<&str> = m
                .params
                .iter()
                .filter(|p| p.origin.is_some())
                .map(|p| p.name.wire())
                .collect();
            (m.includes.as_slice(), included)
        })
        .filter(|(_, included)| included.iter().all(|name| documented(name)))
        .max_by_key(|(_, included)| included.len())
        .unwrap_or((&[], Vec::new()))
}

fn endpoint_snippet(page: &Page, e: &DocEndpoint, model: &Model) -> String {
    let id = e.path.trim_start_matches('/').replace(['/', '-'], "_");
    let (includes, included) = includes_for(page, e, model);
    let mut out = format!(
        "{id}:\n  summary: {}\n  description: {}\n  method: {}\n  path: {}\n  idempotent: {}\n",
        yaml_text(&e.title),
        yaml_text(&e.title),
        e.method,
        e.path,
        matches!(e.method.as_str(), "GET" | "DELETE")
    );
    if !includes.is_empty() {
        out.push_str(&format!("  include: [{}]\n", includes.join(", ")));
    }
    let own: Vec<&DocParam> = e
        .params
        .iter()
        .filter(|p| !included.contains(&p.name.as_str()))
        .collect();
    if !own.is_empty() {
        out.push_str("  params:\n");
        for p in own {
            for line in param_snippet(page, p).lines() {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    out.push_str("  response: {type: json, description: The response.}\n");
    if !e.statuses.is_empty() {
        out.push_str("  statuses:\n");
        for s in &e.statuses {
            out.push_str(&format!("    {}: {}\n", s.code, yaml_text(&s.meaning)));
        }
    }
    out.push_str(&format!("  note: Documented at {}.\n", e.loc));
    out
}
