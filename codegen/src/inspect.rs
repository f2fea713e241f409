//! Inspect: the model of a valid schema (as [`check`](crate::check) builds it), with its
//! locations and parameter origins indexed by path, for the maintainer tools that look items
//! up by name.

use std::collections::BTreeMap;

use crate::diag::Diagnostics;
use crate::load::SourceFile;
use crate::model::{EndpointModel, KindModel, Loc, Model, Scope};

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

/// Loads, validates and models schema files, like [`check`](crate::check), and indexes the
/// locations and origins the model keeps. Returns every problem found, with the same messages
/// as the build.
pub fn inspect(files: &[SourceFile]) -> Result<Inspected, Diagnostics> {
    let model = crate::check(files)?;
    let mut locations = BTreeMap::new();
    let mut origins = BTreeMap::new();
    let mut at = |path: String, loc: &Loc| {
        locations.entry(path).or_insert_with(|| loc.clone());
    };
    at("api".into(), &model.api.loc);
    for e in &model.endpoints {
        let here = format!("endpoints.{}", e.name.wire());
        at(here.clone(), &e.loc);
        let mut from = BTreeMap::new();
        for p in &e.params {
            at(format!("{here}.params.{}", p.name.wire()), &p.loc);
            match p.scope {
                Scope::Client => at(format!("client.{}", p.name.wire()), &p.loc),
                Scope::User => at(format!("user.{}", p.name.wire()), &p.loc),
                Scope::Call => {}
            }
            if let Some(origin) = &p.origin {
                from.insert(p.name.wire().to_string(), origin.clone());
            }
        }
        if let Some(a) = &e.additional {
            at(format!("{here}.additional"), &a.loc);
        }
        if let Some(p) = &e.paging {
            at(format!("{here}.paging"), &p.loc);
        }
        origins.insert(e.name.wire().to_string(), from);
    }
    for t in &model.types {
        let here = format!("types.{}", t.name.wire());
        at(here.clone(), &t.loc);
        match &t.kind {
            KindModel::Object { fields, additional } => {
                for f in fields {
                    at(format!("{here}.fields.{}", f.name.wire()), &f.loc);
                }
                if let Some(a) = additional {
                    at(format!("{here}.additional"), &a.loc);
                }
            }
            KindModel::Enum { values } => {
                for v in values {
                    at(format!("{here}.values.{}", v.name.wire()), &v.loc);
                }
            }
            KindModel::Union { variants } => {
                for v in variants {
                    at(format!("{here}.one_of.{}", v.name.wire()), &v.loc);
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

/// The wire names of a paged endpoint's parameters and items: (page, limit, dotted path to the
/// items in the response), as the schema wrote them. `None` if the endpoint is not paged.
pub fn paging_wire(e: &EndpointModel) -> Option<(String, String, String)> {
    let p = e.paging.as_ref()?;
    Some((
        p.page.wire().to_string(),
        p.limit.wire().to_string(),
        p.items_path(),
    ))
}
