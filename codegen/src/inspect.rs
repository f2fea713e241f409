//! Inspect: the model of a valid schema (as [`check`](crate::check) builds it), plus what the
//! maintainer tools need beyond it: where each item was written, and which parameter set or
//! object type each endpoint parameter comes from.

use std::collections::BTreeMap;

use crate::diag::Diagnostics;
use crate::load::{self, SourceFile};
use crate::model::{self, Model};
use crate::schema::*;
use crate::validate::{self, Index, Source};

/// A valid schema's model, with locations and parameter origins.
#[derive(Clone, Debug)]
pub struct Inspected {
    /// The model, exactly as the generator builds it.
    pub model: Model,
    /// Where items were written, by path: `api`, `client.<param>`, `user.<param>`,
    /// `endpoints.<id>`, `endpoints.<id>.params.<param>`, `endpoints.<id>.additional`,
    /// `endpoints.<id>.paging`, `types.<Type>`,
    /// `types.<Type>.fields.<field>`, `types.<Type>.values.<value>`,
    /// `types.<Type>.one_of.<Variant>`, `types.<Type>.additional`.
    pub locations: BTreeMap<String, Loc>,
    /// Per endpoint id, per parameter wire name: the parameter set or object type it was
    /// included from (the innermost one). The endpoint's own parameters are absent.
    pub origins: BTreeMap<String, BTreeMap<String, String>>,
}

impl Inspected {
    /// Where the item at `path` was written, or the nearest enclosing item that has a location.
    pub fn location(&self, path: &str) -> Option<&Loc> {
        let mut path = path;
        loop {
            if let Some(loc) = self.locations.get(path) {
                return Some(loc);
            }
            path = &path[..path.rfind('.')?];
        }
    }

    /// The parameter set or object type an endpoint's parameter comes from, if it is included.
    pub fn origin(&self, endpoint: &str, param: &str) -> Option<&str> {
        self.origins.get(endpoint)?.get(param).map(String::as_str)
    }
}

/// Loads, validates and models schema files, like [`check`](crate::check), keeping locations
/// and origins. Returns every problem found, with the same messages as the build.
pub fn inspect(files: &[SourceFile]) -> Result<Inspected, Diagnostics> {
    let mut diags = Diagnostics::default();
    let schema = load::load(files, &mut diags);
    validate::validate(&schema, &mut diags);
    if !diags.is_empty() {
        return Err(diags.sorted());
    }
    let model = model::build(&schema);
    let mut sink = Diagnostics::default();
    let index = Index::new(&schema, &mut sink);
    let mut locations = BTreeMap::new();
    let mut origins = BTreeMap::new();
    if let Some(api) = &schema.api {
        locations.insert("api".to_string(), api.loc.clone());
    }
    for e in &schema.endpoints {
        let at = format!("endpoints.{}", e.name.text);
        locations.insert(at.clone(), e.name.loc.clone());
        for f in index.flatten(&e.name.text, &e.include, &e.params, false, &mut sink) {
            locations.insert(format!("{at}.params.{}", f.name.text), f.name.loc.clone());
            for (scoped, prefix) in [(f.client_scope, "client"), (f.user_scope, "user")] {
                if scoped {
                    locations
                        .entry(format!("{prefix}.{}", f.name.text))
                        .or_insert_with(|| f.name.loc.clone());
                }
            }
        }
        if let Some(a) = &e.additional {
            locations.insert(format!("{at}.additional"), a.loc.clone());
        }
        if let Some(p) = &e.paging {
            locations.insert(format!("{at}.paging"), p.loc.clone());
        }
        let mut from = Vec::new();
        origins_of(&index, &e.include, &e.params, None, &mut from, 0);
        origins.insert(
            e.name.text.clone(),
            from.into_iter()
                .filter_map(|(wire, origin)| Some((wire, origin?)))
                .collect(),
        );
    }
    for t in &schema.types {
        let at = format!("types.{}", t.name.text);
        locations.insert(at.clone(), t.name.loc.clone());
        match &t.kind {
            TypeKind::Object {
                include,
                fields,
                additional,
            } => {
                for f in index.flatten(&t.name.text, include, fields, true, &mut sink) {
                    locations.insert(format!("{at}.fields.{}", f.name.text), f.name.loc.clone());
                }
                if let Some(a) = additional {
                    locations.insert(format!("{at}.additional"), a.loc.clone());
                }
            }
            TypeKind::Enum { values } => {
                for v in values {
                    locations.insert(format!("{at}.values.{}", v.name.text), v.name.loc.clone());
                }
            }
            TypeKind::Union { variants } => {
                for v in variants {
                    locations.insert(format!("{at}.one_of.{}", v.name.text), v.name.loc.clone());
                }
            }
        }
    }
    Ok(Inspected {
        model,
        locations,
        origins,
    })
}

/// The fields' origins, in the order and with the overrides of [`Index::flatten`].
fn origins_of(
    index: &Index<'_>,
    include: &[Name],
    own: &[Field],
    owner: Option<&str>,
    out: &mut Vec<(String, Option<String>)>,
    depth: usize,
) {
    // A valid schema has no include cycle; the depth limit keeps a bug from looping.
    if depth > 64 {
        return;
    }
    for name in include {
        match index.source(&name.text) {
            Some(Source::Set(s)) => origins_of(
                index,
                &s.include,
                &s.params,
                Some(&s.name.text),
                out,
                depth + 1,
            ),
            Some(Source::Object(t)) => {
                if let TypeKind::Object {
                    include, fields, ..
                } = &t.kind
                {
                    origins_of(index, include, fields, Some(&t.name.text), out, depth + 1)
                }
            }
            None => {}
        }
    }
    for f in own {
        let origin = owner.map(str::to_string);
        match out.iter_mut().find(|(wire, _)| *wire == f.name.text) {
            Some(entry) if f.replaces => entry.1 = origin,
            Some(_) => {}
            None => out.push((f.name.text.clone(), origin)),
        }
    }
}

/// The wire names of a paged endpoint's parameters and items: (page, limit, dotted path to the
/// items in the response), as the schema wrote them. `None` if the endpoint is not paged.
pub fn paging_wire(model: &Model, e: &model::EndpointModel) -> Option<(String, String, String)> {
    let p = e.paging.as_ref()?;
    let param = |rust: &str| {
        e.params
            .iter()
            .find(|f| f.rust == rust)
            .map_or_else(|| rust.to_string(), |f| f.wire.clone())
    };
    let mut path = Vec::new();
    let mut ty = &e.response;
    for step in &p.items {
        let found = match ty {
            model::Ty::Named(name) => {
                model
                    .types
                    .iter()
                    .find(|t| &t.name == name)
                    .and_then(|t| match &t.kind {
                        model::KindModel::Object { fields, .. } => {
                            fields.iter().find(|f| &f.rust == step)
                        }
                        _ => None,
                    })
            }
            _ => None,
        };
        match found {
            Some(f) => {
                path.push(f.wire.clone());
                ty = &f.ty;
            }
            None => path.push(step.clone()),
        }
    }
    Some((param(&p.page), param(&p.limit), path.join(".")))
}
