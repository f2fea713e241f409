//! Diff: every change between two versions of a schema, each classified for the semver of the
//! crate generated from it.
//!
//! **Breaking** changes can stop a caller's code from compiling or make a call that worked fail:
//! a removed or renamed endpoint, parameter, field, type, enum value or union variant; a type
//! change; an optional parameter (or a field of a request object) made required; a new
//! required parameter; a new or tighter requirement rule or constraint; a union variant added
//! (unions are exhaustive Rust enums); a type that stops being sent or received. **Compatible**
//! changes are additions and relaxations: new endpoints, optional parameters, fields (structs
//! are `#[non_exhaustive]`), enum values (enums are `#[non_exhaustive]` and responses keep
//! unknown values as `Unknown`), documentation, paths and wire details that the Rust API does
//! not show.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::inspect::Inspected;
use crate::json::Json;
use crate::model::*;
use crate::schema::{ConstValue, RuleKind};

/// How a change affects the generated crate's users.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// Needs a semver-major release (before 1.0: a new minor version).
    Breaking,
    /// Fits a minor or patch release.
    Compatible,
}

impl Class {
    /// `breaking` or `compatible`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Compatible => "compatible",
        }
    }
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Breaking or compatible.
    pub class: Class,
    /// What kind of change, such as `param_removed` (the list is in the crate's README).
    pub kind: &'static str,
    /// What changed, as a path: `endpoints.get_profile.params.email`, `types.Gender.values.m`,
    /// `client.shop_id`, `api`.
    pub path: String,
    /// Where: `file:line:column` in the new schema, or in the old one for what was removed.
    pub at: Option<String>,
    /// What happened, in a sentence.
    pub message: String,
}

/// Every change from `old` to `new`: breaking ones first, each group in schema order.
pub fn diff(old: &Inspected, new: &Inspected) -> Vec<Change> {
    let mut d = Differ {
        old,
        new,
        out: Vec::new(),
    };
    d.api();
    d.client();
    d.user();
    d.endpoints();
    d.types();
    let mut out = d.out;
    out.sort_by_key(|c| c.class);
    out
}

/// How many of the changes are breaking.
pub fn breaking(changes: &[Change]) -> usize {
    changes
        .iter()
        .filter(|c| c.class == Class::Breaking)
        .count()
}

/// The changes for people: a summary line, then the breaking and the compatible changes.
pub fn human(old: &str, new: &str, changes: &[Change]) -> String {
    let mut out = String::new();
    let b = breaking(changes);
    let c = changes.len() - b;
    if changes.is_empty() {
        let _ = writeln!(out, "Schema diff {old} → {new}: no changes.");
        return out;
    }
    let _ = writeln!(
        out,
        "Schema diff {old} → {new}: {}, {b} breaking, {c} compatible.",
        plural(changes.len(), "change")
    );
    for (class, title) in [
        (
            Class::Breaking,
            "Breaking (a semver-major release of the crate; before 1.0, a new minor version):",
        ),
        (Class::Compatible, "Compatible:"),
    ] {
        let group: Vec<&Change> = changes.iter().filter(|ch| ch.class == class).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}");
        for ch in group {
            let at = ch
                .at
                .as_ref()
                .map(|a| format!(" ({a})"))
                .unwrap_or_default();
            let _ = writeln!(out, "  - {}: {} [{}]{at}", ch.path, ch.message, ch.kind);
        }
    }
    out
}

/// The changes as a JSON document: `old`, `new`, the counts, and `changes` (each with `class`,
/// `kind`, `path`, `at` and `message`).
pub fn json(old: &str, new: &str, changes: &[Change]) -> String {
    let b = breaking(changes);
    Json::object()
        .with("old", Json::str(old))
        .with("new", Json::str(new))
        .with("breaking", Json::Int(b as i64))
        .with("compatible", Json::Int((changes.len() - b) as i64))
        .with(
            "changes",
            Json::Array(
                changes
                    .iter()
                    .map(|c| {
                        Json::object()
                            .with("class", Json::str(c.class.as_str()))
                            .with("kind", Json::str(c.kind))
                            .with("path", Json::str(&c.path))
                            .with("at", c.at.as_ref().map_or(Json::Null, Json::str))
                            .with("message", Json::str(&c.message))
                    })
                    .collect(),
            ),
        )
        .pretty()
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Which version locates a change: the new one, or the old one for what was removed.
#[derive(Clone, Copy)]
enum Side {
    Old,
    New,
}

/// What kind of item a field is, and whether its values are checked before sending.
#[derive(Clone, Copy)]
struct Ctx {
    /// `parameter`, `client parameter`, `field` or `variant`.
    what: &'static str,
    /// Its value is checked before sending (requests): `required` and constraints matter.
    checked: bool,
}

struct Differ<'a> {
    old: &'a Inspected,
    new: &'a Inspected,
    out: Vec<Change>,
}

impl Differ<'_> {
    fn push(&mut self, class: Class, kind: &'static str, path: &str, side: Side, message: String) {
        let located = match side {
            Side::Old => self.old,
            Side::New => self.new,
        };
        let at = located.location(path).map(|loc| {
            let mut s = loc.file.clone();
            if let Some(pos) = loc.pos {
                let _ = write!(s, ":{}:{}", pos.line, pos.column);
            }
            s
        });
        self.out.push(Change {
            class,
            kind,
            path: path.to_string(),
            at,
            message,
        });
    }

    fn breaking(&mut self, kind: &'static str, path: &str, side: Side, message: String) {
        self.push(Class::Breaking, kind, path, side, message);
    }

    fn compatible(&mut self, kind: &'static str, path: &str, side: Side, message: String) {
        self.push(Class::Compatible, kind, path, side, message);
    }

    fn api(&mut self) {
        let (a, b) = (&self.old.model.api, &self.new.model.api);
        if a.base_url != b.base_url {
            self.compatible(
                "api_changed",
                "api",
                Side::New,
                format!(
                    "default base URL changed from {} to {}",
                    a.base_url, b.base_url
                ),
            );
        }
        let (ea, eb) = (&a.errors, &b.errors);
        if ea.status_field != eb.status_field
            || ea.error_value != eb.error_value
            || ea.message_fields != eb.message_fields
        {
            self.compatible(
                "api_changed",
                "api",
                Side::New,
                "error envelope changed (how an error response is recognized and its message found)".into(),
            );
        }
        if a.name != b.name || a.description != b.description || a.docs != b.docs {
            self.compatible(
                "docs_changed",
                "api",
                Side::New,
                "API name, description or documentation link changed".into(),
            );
        }
    }

    fn client(&mut self) {
        let (old, new) = (&self.old.model, &self.new.model);
        for p in &old.client_params {
            let path = format!("client.{}", p.name.wire());
            match new
                .client_params
                .iter()
                .find(|q| q.name.wire() == p.name.wire())
            {
                None => self.breaking(
                    "client_param_removed",
                    &path,
                    Side::Old,
                    format!(
                        "client parameter removed: the client builder loses `{}`",
                        p.name.rust()
                    ),
                ),
                Some(q) => self.field(
                    &path,
                    p,
                    q,
                    Ctx {
                        what: "client parameter",
                        checked: true,
                    },
                ),
            }
        }
        for q in &new.client_params {
            if !old
                .client_params
                .iter()
                .any(|p| p.name.wire() == q.name.wire())
            {
                let path = format!("client.{}", q.name.wire());
                if q.required {
                    self.breaking(
                        "client_param_added_required",
                        &path,
                        Side::New,
                        format!("required client parameter added: a client without `{}` fails every call", q.name.rust()),
                    );
                } else {
                    self.compatible(
                        "client_param_added",
                        &path,
                        Side::New,
                        format!("optional client parameter `{}` added", q.name.rust()),
                    );
                }
            }
        }
    }

    /// Parameters preset on the per-user handle (`client.user()`): its setters.
    fn user(&mut self) {
        let (old, new) = (&self.old.model, &self.new.model);
        for p in &old.user_params {
            if !new
                .user_params
                .iter()
                .any(|q| q.name.wire() == p.name.wire())
            {
                self.breaking(
                    "user_param_removed",
                    &format!("user.{}", p.name.wire()),
                    Side::Old,
                    format!(
                        "no longer a user parameter: the user handle loses `{}`",
                        p.name.rust()
                    ),
                );
            }
        }
        for q in &new.user_params {
            if !old
                .user_params
                .iter()
                .any(|p| p.name.wire() == q.name.wire())
            {
                self.compatible(
                    "user_param_added",
                    &format!("user.{}", q.name.wire()),
                    Side::New,
                    format!("the user handle can preset `{}`", q.name.rust()),
                );
            }
        }
    }

    fn endpoints(&mut self) {
        let (old, new) = (self.old, self.new);
        for e in &old.model.endpoints {
            let path = format!("endpoints.{}", e.name.wire());
            match new
                .model
                .endpoints
                .iter()
                .find(|f| f.name.wire() == e.name.wire())
            {
                None => self.breaking(
                    "endpoint_removed",
                    &path,
                    Side::Old,
                    format!("endpoint removed: `Client::{}` is gone", e.name.rust()),
                ),
                Some(f) => self.endpoint(&path, e, f),
            }
        }
        for f in &new.model.endpoints {
            if !old
                .model
                .endpoints
                .iter()
                .any(|e| e.name.wire() == f.name.wire())
            {
                self.compatible(
                    "endpoint_added",
                    &format!("endpoints.{}", f.name.wire()),
                    Side::New,
                    format!(
                        "endpoint added: `Client::{}` ({} {})",
                        f.name.rust(),
                        text::verb(f.method),
                        f.path
                    ),
                );
            }
        }
    }

    fn endpoint(&mut self, path: &str, e: &EndpointModel, f: &EndpointModel) {
        if e.method != f.method || e.path != f.path {
            self.compatible(
                "endpoint_moved",
                path,
                Side::New,
                format!(
                    "now {} {} (was {} {}); the Rust API is unchanged",
                    text::verb(f.method),
                    f.path,
                    text::verb(e.method),
                    e.path
                ),
            );
        }
        if e.idempotent != f.idempotent {
            self.compatible(
                "endpoint_retry_changed",
                path,
                Side::New,
                if f.idempotent {
                    "now idempotent: retried after a transport failure".into()
                } else {
                    "no longer idempotent: never retried once it may have reached the server".into()
                },
            );
        }
        self.deprecation(
            path,
            "endpoint",
            e.deprecated.as_deref(),
            f.deprecated.as_deref(),
        );
        let mut docs = Vec::new();
        if e.summary != f.summary {
            docs.push("summary");
        }
        if e.description != f.description {
            docs.push("description");
        }
        if e.note != f.note {
            docs.push("note");
        }
        if e.response_description != f.response_description {
            docs.push("response description");
        }
        self.docs(path, &docs);
        if e.response != f.response {
            self.breaking(
                "response_type_changed",
                &format!("{path}.response"),
                Side::New,
                format!(
                    "response type changed from {} to {}",
                    ty(&e.response),
                    ty(&f.response)
                ),
            );
        }
        if e.statuses != f.statuses {
            let codes = |s: &[(u16, String)]| {
                s.iter()
                    .map(|(c, _)| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            self.compatible(
                "statuses_changed",
                &format!("{path}.statuses"),
                Side::New,
                format!(
                    "documented statuses changed (were {}; now {})",
                    codes(&e.statuses),
                    codes(&f.statuses)
                ),
            );
        }
        self.params(path, e, f);
        self.paging(path, e, f);
        self.endpoint_additional(path, e.additional.as_ref(), f.additional.as_ref());
        let old_params: BTreeSet<&str> = e.params.iter().map(|p| p.name.wire()).collect();
        self.rules(path, &old_params, &e.requirements, &f.requirements);
    }

    fn params(&mut self, endpoint: &str, e: &EndpointModel, f: &EndpointModel) {
        let ctx = Ctx {
            what: "parameter",
            checked: true,
        };
        for p in &e.params {
            let path = format!("{endpoint}.params.{}", p.name.wire());
            let Some(q) = f.params.iter().find(|q| q.name.wire() == p.name.wire()) else {
                if p.scope == Scope::Client {
                    self.compatible(
                        "client_param_not_sent",
                        &path,
                        Side::Old,
                        format!(
                            "client parameter `{}` is no longer sent with this request",
                            p.name.wire()
                        ),
                    );
                } else {
                    self.breaking(
                        "param_removed",
                        &path,
                        Side::Old,
                        format!("parameter removed: the setter `{}` is gone", p.name.rust()),
                    );
                }
                continue;
            };
            match (p.scope == Scope::Client, q.scope == Scope::Client) {
                (true, true) => {} // compared once, under `client.`
                (false, false) => {
                    self.field(&path, p, q, ctx);
                    if p.scope == Scope::User && q.scope != Scope::User {
                        self.breaking(
                            "user_scope_removed",
                            &path,
                            Side::New,
                            "no longer preset by the user handle: calls through `client.user()` stop sending it".into(),
                        );
                    } else if p.scope != Scope::User && q.scope == Scope::User {
                        self.compatible(
                            "user_scope_added",
                            &path,
                            Side::New,
                            "now also preset by the user handle".into(),
                        );
                    }
                }
                (true, false) => self.breaking(
                    "param_scope_changed",
                    &path,
                    Side::New,
                    format!("now set on each call instead of on the client: `ClientBuilder::{}` becomes a setter of the request", q.name.rust()),
                ),
                (false, true) => self.breaking(
                    "param_scope_changed",
                    &path,
                    Side::New,
                    format!("now set on the client instead of on each call: the request's setter `{}` is gone", p.name.rust()),
                ),
            }
        }
        for q in &f.params {
            if e.params.iter().any(|p| p.name.wire() == q.name.wire()) {
                continue;
            }
            let path = format!("{endpoint}.params.{}", q.name.wire());
            if q.scope == Scope::Client {
                self.compatible(
                    "client_param_sent",
                    &path,
                    Side::New,
                    format!(
                        "client parameter `{}` is now sent with this request",
                        q.name.wire()
                    ),
                );
            } else if q.required {
                self.breaking(
                    "param_added_required",
                    &path,
                    Side::New,
                    format!(
                        "required parameter added: calls without `{}` now fail before sending",
                        q.name.rust()
                    ),
                );
            } else {
                self.compatible(
                    "param_added",
                    &path,
                    Side::New,
                    format!("optional parameter added: setter `{}`", q.name.rust()),
                );
            }
        }
    }

    fn paging(&mut self, endpoint: &str, e: &EndpointModel, f: &EndpointModel) {
        let path = format!("{endpoint}.paging");
        match (&e.paging, &f.paging) {
            (None, None) => {}
            (Some(_), None) => self.breaking(
                "paging_removed",
                &path,
                Side::Old,
                "no longer paged: the request's `pages()` and `items()` are gone".into(),
            ),
            (None, Some(_)) => self.compatible(
                "paging_added",
                &path,
                Side::New,
                "now paged: the request gains `pages()` and `items()`".into(),
            ),
            (Some(a), Some(b)) => {
                if a.item != b.item {
                    self.breaking(
                        "type_changed",
                        &path,
                        Side::New,
                        format!(
                            "the type of the items changed from {} to {}",
                            ty(&a.item),
                            ty(&b.item)
                        ),
                    );
                }
                let (wa, wb) = (
                    crate::inspect::paging_wire(e),
                    crate::inspect::paging_wire(f),
                );
                if wa != wb || a.page_size != b.page_size {
                    self.compatible(
                        "paging_changed",
                        &path,
                        Side::New,
                        "paging changed (its parameters, page size or where the items are)".into(),
                    );
                }
            }
        }
    }

    fn endpoint_additional(
        &mut self,
        endpoint: &str,
        a: Option<&AdditionalModel>,
        b: Option<&AdditionalModel>,
    ) {
        let path = format!("{endpoint}.additional");
        match (a, b) {
            (None, None) => {}
            (Some(a), None) => self.breaking(
                "additional_removed",
                &path,
                Side::Old,
                format!("free-form parameters removed: `{}` is gone", a.name),
            ),
            (None, Some(b)) => self.compatible(
                "additional_added",
                &path,
                Side::New,
                format!("free-form parameters added: `{}`", b.name),
            ),
            (Some(a), Some(b)) => self.additional_pair(&path, a, b),
        }
    }

    fn additional_pair(&mut self, path: &str, a: &AdditionalModel, b: &AdditionalModel) {
        if a.name != b.name || a.item_name != b.item_name {
            self.breaking(
                "additional_renamed",
                path,
                Side::New,
                format!(
                    "free-form entries renamed from `{}` to `{}`",
                    a.name, b.name
                ),
            );
        }
        if a.ty != b.ty {
            self.breaking(
                "type_changed",
                path,
                Side::New,
                format!(
                    "type of free-form entries changed from {} to {}",
                    ty(&a.ty),
                    ty(&b.ty)
                ),
            );
        }
        if a.description != b.description {
            self.docs(path, &["description"]);
        }
    }

    /// `old_params`: the endpoint's parameters before, to tell a rule that only concerns new
    /// ones.
    fn rules(
        &mut self,
        endpoint: &str,
        old_params: &BTreeSet<&str>,
        old: &[RuleModel],
        new: &[RuleModel],
    ) {
        let path = format!("{endpoint}.requirements");
        let key = |r: &RuleModel| {
            (
                r.kind == RuleKind::AnyOf,
                r.names.iter().cloned().collect::<BTreeSet<_>>(),
                r.when.iter().cloned().collect::<BTreeSet<_>>(),
            )
        };
        let mut old_left: Vec<&RuleModel> = Vec::new();
        for r in old {
            match new.iter().find(|n| key(n) == key(r)) {
                Some(n) if n.description != r.description => {
                    self.docs(&path, &["a rule's description"])
                }
                Some(_) => {}
                None => old_left.push(r),
            }
        }
        for n in new {
            if old.iter().any(|r| key(r) == key(n)) {
                continue;
            }
            // The same kind of rule, with the same names or under the same condition, changed:
            // relaxed or tightened.
            let (any, names, when) = key(n);
            let pair = old_left.iter().position(|r| {
                let (rany, rnames, rwhen) = key(r);
                rany == any && (rwhen == when || rnames == names)
            });
            if let Some(i) = pair {
                let r = old_left.remove(i);
                let (_, rnames, rwhen) = key(r);
                // any_of with more names, or all_of with fewer, accepts every call it did...
                let names_relaxed = if any {
                    names.is_superset(&rnames)
                } else {
                    names.is_subset(&rnames)
                };
                // ... and so does a rule that applies in fewer cases (no `when`: always).
                let applies_less = rwhen.is_empty() || (!when.is_empty() && when.is_subset(&rwhen));
                let relaxed = names_relaxed && applies_less;
                let message = format!("rule changed from \"{}\" to \"{}\"", rule(r), rule(n));
                if relaxed {
                    self.compatible("rule_relaxed", &path, Side::New, message);
                } else {
                    self.breaking(
                        "rule_tightened",
                        &path,
                        Side::New,
                        format!("{message}: calls that passed may now fail before sending"),
                    );
                }
            } else if !n.when.is_empty() && n.when.iter().all(|w| !old_params.contains(w.as_str()))
            {
                // Applies only when a parameter the old version did not have is set: no call
                // that compiled before can meet it.
                self.compatible(
                    "rule_added",
                    &path,
                    Side::New,
                    format!("rule added: \"{}\", for parameters that are new", rule(n)),
                );
            } else {
                self.breaking(
                    "rule_added",
                    &path,
                    Side::New,
                    format!(
                        "rule added: \"{}\"; calls that passed may now fail before sending",
                        rule(n)
                    ),
                );
            }
        }
        for r in old_left {
            self.compatible(
                "rule_removed",
                &path,
                Side::Old,
                format!("rule removed: \"{}\"", rule(r)),
            );
        }
    }

    fn types(&mut self) {
        let (old, new) = (self.old, self.new);
        for t in &old.model.types {
            let path = format!("types.{}", t.name);
            match new.model.types.iter().find(|u| u.name == t.name) {
                None => self.breaking(
                    "type_removed",
                    &path,
                    Side::Old,
                    format!("type `{}` removed", t.name),
                ),
                Some(u) => self.type_pair(&path, t, u),
            }
        }
        for u in &new.model.types {
            if !old.model.types.iter().any(|t| t.name == u.name) {
                self.compatible(
                    "type_added",
                    &format!("types.{}", u.name),
                    Side::New,
                    format!("type `{}` added", u.name),
                );
            }
        }
    }

    fn type_pair(&mut self, path: &str, t: &TypeModel, u: &TypeModel) {
        self.deprecation(
            path,
            "type",
            t.deprecated.as_deref(),
            u.deprecated.as_deref(),
        );
        let mut docs = Vec::new();
        if t.description != u.description {
            docs.push("description");
        }
        if t.note != u.note {
            docs.push("note");
        }
        self.docs(path, &docs);
        for (was, is, what, loss) in [
            (
                t.usage.sent(),
                u.usage.sent(),
                "requests",
                "it loses `new()`, its setters and serialization",
            ),
            (
                t.usage.received(),
                u.usage.received(),
                "responses",
                "it loses deserialization (and an enum its `Unknown` variant)",
            ),
        ] {
            if was && !is {
                self.breaking(
                    "type_usage_removed",
                    path,
                    Side::New,
                    format!("no longer used in {what}: {loss}"),
                );
            } else if !was && is {
                self.compatible(
                    "type_usage_added",
                    path,
                    Side::New,
                    format!("now also used in {what}"),
                );
            }
        }
        match (&t.kind, &u.kind) {
            (
                KindModel::Object {
                    fields: a,
                    additional: xa,
                },
                KindModel::Object {
                    fields: b,
                    additional: xb,
                },
            ) => {
                let ctx = Ctx {
                    what: "field",
                    checked: t.usage.sent() && u.usage.sent(),
                };
                self.fields(path, a, b, ctx, u.usage.sent());
                let at = format!("{path}.additional");
                match (xa, xb) {
                    (None, None) => {}
                    (Some(a), None) => self.breaking(
                        "additional_removed",
                        &at,
                        Side::Old,
                        format!("the map of other fields `{}` is gone", a.name),
                    ),
                    (None, Some(b)) => self.compatible(
                        "additional_added",
                        &at,
                        Side::New,
                        format!("other fields are now kept in `{}`", b.name),
                    ),
                    (Some(a), Some(b)) => self.additional_pair(&at, a, b),
                }
            }
            (KindModel::Enum { values: a }, KindModel::Enum { values: b }) => {
                self.values(path, a, b)
            }
            (KindModel::Union { variants: a }, KindModel::Union { variants: b }) => {
                self.variants(path, a, b, t.usage.sent() && u.usage.sent())
            }
            (a, b) => self.breaking(
                "type_kind_changed",
                path,
                Side::New,
                format!("changed from {} to {}", kind(a), kind(b)),
            ),
        }
    }

    fn fields(
        &mut self,
        type_path: &str,
        a: &[FieldModel],
        b: &[FieldModel],
        ctx: Ctx,
        request: bool,
    ) {
        for f in a {
            let path = format!("{type_path}.fields.{}", f.name.wire());
            match b.iter().find(|g| g.name.wire() == f.name.wire()) {
                None => self.breaking(
                    "field_removed",
                    &path,
                    Side::Old,
                    format!("field removed: `{}` is gone", f.name.rust()),
                ),
                Some(g) => self.field(&path, f, g, ctx),
            }
        }
        for g in b {
            if a.iter().any(|f| f.name.wire() == g.name.wire()) {
                continue;
            }
            let path = format!("{type_path}.fields.{}", g.name.wire());
            if g.required && request {
                self.breaking(
                    "field_added_required",
                    &path,
                    Side::New,
                    format!(
                        "required field `{}` added: values without it now fail before sending",
                        g.name.rust()
                    ),
                );
            } else {
                self.compatible(
                    "field_added",
                    &path,
                    Side::New,
                    format!("field `{}` added", g.name.rust()),
                );
            }
        }
    }

    fn values(&mut self, type_path: &str, a: &[ValueModel], b: &[ValueModel]) {
        for v in a {
            let path = format!("{type_path}.values.{}", v.name.wire());
            match b.iter().find(|w| w.name.wire() == v.name.wire()) {
                None => self.breaking(
                    "enum_value_removed",
                    &path,
                    Side::Old,
                    format!(
                        "enum value \"{}\" removed: the variant `{}` is gone",
                        v.name.wire(),
                        v.name.rust()
                    ),
                ),
                Some(w) => {
                    if v.name.rust() != w.name.rust() {
                        self.breaking(
                            "enum_value_renamed",
                            &path,
                            Side::New,
                            format!(
                                "the variant `{}` is renamed `{}`",
                                v.name.rust(),
                                w.name.rust()
                            ),
                        );
                    }
                    self.deprecation(
                        &path,
                        "value",
                        v.deprecated.as_deref(),
                        w.deprecated.as_deref(),
                    );
                    let mut docs = Vec::new();
                    if v.description != w.description {
                        docs.push("description");
                    }
                    if v.note != w.note {
                        docs.push("note");
                    }
                    self.docs(&path, &docs);
                }
            }
        }
        for w in b {
            if !a.iter().any(|v| v.name.wire() == w.name.wire()) {
                self.compatible(
                    "enum_value_added",
                    &format!("{type_path}.values.{}", w.name.wire()),
                    Side::New,
                    format!("enum value \"{}\" added (variant `{}`); safe: the enum is non-exhaustive and older versions read it as `Unknown`", w.name.wire(), w.name.rust()),
                );
            }
        }
    }

    fn variants(&mut self, type_path: &str, a: &[FieldModel], b: &[FieldModel], checked: bool) {
        let ctx = Ctx {
            what: "variant",
            checked,
        };
        for v in a {
            let path = format!("{type_path}.one_of.{}", v.name.rust());
            match b.iter().find(|w| w.name.rust() == v.name.rust()) {
                None => self.breaking(
                    "variant_removed",
                    &path,
                    Side::Old,
                    format!("union variant `{}` removed", v.name.rust()),
                ),
                Some(w) => self.field(&path, v, w, ctx),
            }
        }
        for w in b {
            if !a.iter().any(|v| v.name.rust() == w.name.rust()) {
                self.breaking(
                    "variant_added",
                    &format!("{type_path}.one_of.{}", w.name.rust()),
                    Side::New,
                    format!("union variant `{}` added: a union is an exhaustive Rust enum, so a `match` over it stops compiling", w.name.rust()),
                );
            }
        }
        let order = |x: &[FieldModel], y: &[FieldModel]| -> Vec<String> {
            x.iter()
                .filter(|v| y.iter().any(|w| w.name.rust() == v.name.rust()))
                .map(|v| v.name.rust().to_string())
                .collect()
        };
        let (was, is) = (order(a, b), order(b, a));
        if was != is {
            self.compatible(
                "variant_order_changed",
                type_path,
                Side::New,
                format!(
                    "variants are now tried in the order {} (was {})",
                    is.join(", "),
                    was.join(", ")
                ),
            );
        }
    }

    /// A parameter, field or variant present in both versions.
    fn field(&mut self, path: &str, a: &FieldModel, b: &FieldModel, ctx: Ctx) {
        let what = ctx.what;
        if a.ty != b.ty {
            self.breaking(
                "type_changed",
                path,
                Side::New,
                format!("{what} type changed from {} to {}", ty(&a.ty), ty(&b.ty)),
            );
        }
        if a.name.rust() != b.name.rust() && what != "variant" {
            self.breaking(
                "rust_name_changed",
                path,
                Side::New,
                format!(
                    "the Rust name changed from `{}` to `{}`",
                    a.name.rust(),
                    b.name.rust()
                ),
            );
        }
        if a.required != b.required && what != "variant" {
            if b.required {
                let message = format!("{what} is now required");
                if ctx.checked {
                    self.breaking(
                        "now_required",
                        path,
                        Side::New,
                        format!("{message}: calls without it now fail before sending"),
                    );
                } else {
                    self.compatible(
                        "now_required",
                        path,
                        Side::New,
                        format!("{message} (only received: nothing checks it)"),
                    );
                }
            } else {
                self.compatible(
                    "now_optional",
                    path,
                    Side::New,
                    format!("{what} is now optional"),
                );
            }
        }
        self.constraints(path, a, b, ctx);
        match (a.fixed.value(), b.fixed.value()) {
            (None, None) => {}
            (Some(x), Some(y)) if x == y => {}
            (Some(x), Some(y)) => self.compatible(
                "const_changed",
                path,
                Side::New,
                format!("fixed value changed from {} to {}", konst(x), konst(y)),
            ),
            (x, y) => {
                let message = match y {
                    Some(y) => format!("now always {}", konst(y)),
                    None => format!("no longer fixed (was {})", x.map(konst).unwrap_or_default()),
                };
                if what == "parameter" && (a.required || b.required) {
                    self.breaking(
                        "const_changed",
                        path,
                        Side::New,
                        format!("{message}: the setter's signature changes"),
                    );
                } else {
                    self.compatible("const_changed", path, Side::New, message);
                }
            }
        }
        if a.style != b.style {
            self.compatible(
                "wire_format_changed",
                path,
                Side::New,
                if b.style == Style::Comma {
                    "now sent as one comma-separated value".into()
                } else {
                    "no longer sent as one comma-separated value".into()
                },
            );
        }
        if a.aliases != b.aliases {
            self.compatible(
                "aliases_changed",
                path,
                Side::New,
                format!(
                    "other wire names changed from [{}] to [{}]",
                    a.aliases.join(", "),
                    b.aliases.join(", ")
                ),
            );
        }
        if a.sensitive != b.sensitive {
            self.compatible(
                "sensitivity_changed",
                path,
                Side::New,
                if b.sensitive {
                    "now sensitive: redacted in debug output".into()
                } else {
                    "no longer sensitive: shown in debug output".into()
                },
            );
        }
        if a.also != b.also {
            match b.also {
                Some(kind) => self.compatible(
                    "also_added",
                    path,
                    Side::New,
                    format!("responses may also carry it as a {}, read so in strict mode too", kind.name()),
                ),
                None => self.breaking(
                    "also_removed",
                    path,
                    Side::New,
                    "no longer read from its other kind in strict mode: such a response now fails a strict client".into(),
                ),
            }
        }
        self.deprecation(path, what, a.deprecated.as_deref(), b.deprecated.as_deref());
        let mut docs = Vec::new();
        if a.description != b.description {
            docs.push("description");
        }
        if a.note != b.note {
            docs.push("note");
        }
        self.docs(path, &docs);
    }

    fn constraints(&mut self, path: &str, a: &FieldModel, b: &FieldModel, ctx: Ctx) {
        let mut tighter = Vec::new();
        let mut looser = Vec::new();
        let mut compare = |name: &str, x: Option<f64>, y: Option<f64>, lower_is_tighter: bool| {
            let show = |v: Option<f64>| v.map_or_else(|| "none".to_string(), |v| v.to_string());
            let text = format!("{name} {} → {}", show(x), show(y));
            match (x, y) {
                (None, None) => {}
                (None, Some(_)) => tighter.push(text),
                (Some(_), None) => looser.push(text),
                (Some(x), Some(y)) if x == y => {}
                (Some(x), Some(y)) => {
                    if (y < x) == lower_is_tighter {
                        tighter.push(text)
                    } else {
                        looser.push(text)
                    }
                }
            }
        };
        compare("min", a.min, b.min, false);
        compare("max", a.max, b.max, true);
        compare(
            "max_length",
            a.max_length.map(|n| n as f64),
            b.max_length.map(|n| n as f64),
            true,
        );
        // A string's format is part of its type (`date`, `date_time`, `timestamp`): a change
        // of format is reported as a change of type.
        if !tighter.is_empty() {
            let message = format!("constraint tightened: {}", tighter.join(", "));
            if ctx.checked {
                self.breaking(
                    "constraint_tightened",
                    path,
                    Side::New,
                    format!("{message}; values that passed may now fail before sending"),
                );
            } else {
                self.compatible(
                    "constraint_tightened",
                    path,
                    Side::New,
                    format!("{message} (only received: nothing checks it)"),
                );
            }
        }
        if !looser.is_empty() {
            self.compatible(
                "constraint_relaxed",
                path,
                Side::New,
                format!("constraint relaxed: {}", looser.join(", ")),
            );
        }
    }

    fn deprecation(&mut self, path: &str, what: &str, a: Option<&str>, b: Option<&str>) {
        match (a, b) {
            (None, Some(reason)) => self.compatible(
                "deprecated",
                path,
                Side::New,
                format!("{what} deprecated: {reason}"),
            ),
            (Some(_), None) => self.compatible(
                "deprecated",
                path,
                Side::New,
                format!("{what} no longer deprecated"),
            ),
            _ => {}
        }
    }

    fn docs(&mut self, path: &str, what: &[&str]) {
        if what.is_empty() {
            return;
        }
        let list = match what.split_last() {
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => String::new(),
        };
        self.compatible("docs_changed", path, Side::New, format!("{list} changed"));
    }
}

/// A type expression as the schema writes it, in backquotes.
fn ty(t: &Ty) -> String {
    format!("`{}`", raw_ty(t))
}

fn raw_ty(t: &Ty) -> String {
    match t {
        Ty::String => "string".into(),
        Ty::Integer => "integer".into(),
        Ty::Number => "number".into(),
        Ty::Boolean => "boolean".into(),
        Ty::Json => "json".into(),
        Ty::Date => "date".into(),
        Ty::DateTime => "date_time".into(),
        Ty::Timestamp => "timestamp".into(),
        Ty::List(inner) => format!("list<{}>", raw_ty(inner)),
        Ty::Map(inner) => format!("map<{}>", raw_ty(inner)),
        Ty::Named(n) => n.clone(),
    }
}

fn kind(k: &KindModel) -> &'static str {
    match k {
        KindModel::Object { .. } => "an object",
        KindModel::Enum { .. } => "an enum",
        KindModel::Union { .. } => "a union",
    }
}

fn konst(c: &ConstValue) -> String {
    match c {
        ConstValue::Bool(b) => format!("`{b}`"),
        ConstValue::Integer(i) => format!("`{i}`"),
        ConstValue::String(s) => format!("`\"{s}\"`"),
    }
}

fn rule(r: &RuleModel) -> String {
    let mut s = format!(
        "{} [{}]",
        match r.kind {
            RuleKind::AllOf => "all_of",
            RuleKind::AnyOf => "any_of",
        },
        r.names.join(", ")
    );
    if !r.when.is_empty() {
        let _ = write!(s, " when [{}]", r.when.join(", "));
    }
    s
}
