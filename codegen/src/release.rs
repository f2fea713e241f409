//! Releases: the version bump a schema change needs, checked against the crate's version, and
//! the changelog's schema part, both from [`diff`](crate::diff).
//!
//! What each change needs, in semver terms (below 1.0 each shifts one place down, as Cargo
//! reads `0.x` versions: breaking → minor, additions → patch):
//!
//! | change | bump |
//! | --- | --- |
//! | breaking (diff's class) | major |
//! | a new public item: `*_added` kinds (endpoint, parameter, field, type, enum value, client or user parameter, free-form entries, paging, a type used in a new direction), and `deprecated` | minor |
//! | anything else compatible: documentation, statuses, relaxed rules and constraints, retry, wire details | patch |

use std::fmt::{self, Write as _};

use crate::diff::{Change, Class};
use crate::model::{text, Model};

/// How far a version moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// `x.y.Z`
    Patch,
    /// `x.Y.0`
    Minor,
    /// `X.0.0`
    Major,
}

impl Bump {
    fn as_str(self) -> &'static str {
        match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// What a change needs, in semver terms (see the module's table).
pub fn needs(change: &Change) -> Bump {
    match change.class {
        Class::Breaking => Bump::Major,
        Class::Compatible if change.kind.ends_with("_added") || change.kind == "deprecated" => {
            Bump::Minor
        }
        Class::Compatible => Bump::Patch,
    }
}

/// A crate version: `MAJOR.MINOR.PATCH`, with an optional `-pre` or `+build` part (ignored
/// for comparing bumps).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// Major.
    pub major: u64,
    /// Minor.
    pub minor: u64,
    /// Patch.
    pub patch: u64,
}

impl Version {
    /// Parses `1.2.3` (or `1.2.3-rc.1`).
    pub fn parse(text: &str) -> Result<Version, String> {
        let core = text.trim().split(['-', '+']).next().unwrap_or("");
        let parts: Vec<Result<u64, _>> = core.split('.').map(str::parse::<u64>).collect();
        match parts.as_slice() {
            [Ok(major), Ok(minor), Ok(patch)] => Ok(Version {
                major: *major,
                minor: *minor,
                patch: *patch,
            }),
            _ => Err(format!("\"{text}\" is not a version MAJOR.MINOR.PATCH")),
        }
    }

    /// How far `self` moved from `old`, or `None` if it did not move forward.
    pub fn bump_from(&self, old: &Version) -> Option<Bump> {
        if self <= old {
            None
        } else if self.major > old.major {
            Some(Bump::Major)
        } else if self.minor > old.minor {
            Some(Bump::Minor)
        } else {
            Some(Bump::Patch)
        }
    }

    /// The bump that `needed` (in semver terms) means from this version: below 1.0, a major
    /// change is a minor bump and a minor one a patch bump.
    pub fn required(&self, needed: Bump) -> Bump {
        match (self.major, needed) {
            (0, Bump::Major) => Bump::Minor,
            (0, _) => Bump::Patch,
            (_, b) => b,
        }
    }

    /// The smallest version after this one with `bump`.
    pub fn next(&self, bump: Bump) -> Version {
        match bump {
            Bump::Major => Version {
                major: self.major + 1,
                minor: 0,
                patch: 0,
            },
            Bump::Minor => Version {
                major: self.major,
                minor: self.minor + 1,
                patch: 0,
            },
            Bump::Patch => Version {
                patch: self.patch + 1,
                ..*self
            },
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The `version` of the `[package]` table of a `Cargo.toml`.
pub fn package_version(manifest: &str) -> Result<Version, String> {
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        if !in_package {
            continue;
        }
        if let Some(rest) = line.strip_prefix("version") {
            let value = rest.trim_start().strip_prefix('=').map(str::trim);
            if let Some(v) = value.and_then(|v| v.strip_prefix('"')?.split('"').next()) {
                return Version::parse(v);
            }
            if value.is_some_and(|v| v.starts_with('{') || v.starts_with("version.workspace")) {
                return Err(
                    "the [package] version is inherited from the workspace: give it in [package]"
                        .into(),
                );
            }
        }
    }
    Err("Cargo.toml has no [package] version".into())
}

/// Whether `new` is bumped from `old` at least as far as `changes` need: `Ok` with a report,
/// or `Err` with the report and the changes that need more.
pub fn check(old: &Version, new: &Version, changes: &[Change]) -> Result<String, String> {
    let needed = changes.iter().map(needs).max();
    let mut out = String::new();
    let Some(needed) = needed else {
        let _ = writeln!(
            out,
            "No schema change since {old}: any version will do ({new})."
        );
        return Ok(out);
    };
    let required = old.required(needed);
    let made = new.bump_from(old);
    let count = |b: Bump| changes.iter().filter(|c| needs(c) == b).count();
    let _ = writeln!(
        out,
        "Schema changes since {old}: {} major, {} minor, {} patch (in semver terms); from {old}, that is a {} release: {} or later.",
        count(Bump::Major),
        count(Bump::Minor),
        count(Bump::Patch),
        required.as_str(),
        old.next(required)
    );
    if made.is_some_and(|m| m >= required) {
        let _ = writeln!(out, "Cargo.toml's version {new} is enough.");
        return Ok(out);
    }
    let _ = writeln!(
        out,
        "Cargo.toml's version {new} is {}: make it at least {}. The changes that need it:",
        match made {
            None => "not bumped".to_string(),
            Some(m) => format!("a {} bump", m.as_str()),
        },
        old.next(required)
    );
    for c in changes
        .iter()
        .filter(|c| old.required(needs(c)) > made.unwrap_or(Bump::Patch) || made.is_none())
    {
        let at = c.at.as_ref().map(|a| format!(" ({a})")).unwrap_or_default();
        let _ = writeln!(out, "  - {}: {} [{}]{at}", c.path, c.message, c.kind);
    }
    Err(out)
}

/// The schema part of a changelog entry, in the Keep a Changelog headings: what was added,
/// changed, deprecated and removed, each with its place in the YAML; breaking changes marked.
pub fn changelog(changes: &[Change]) -> String {
    let section = |c: &Change| {
        if c.kind == "deprecated" {
            "Deprecated"
        } else if c.kind.ends_with("_added") {
            "Added"
        } else if c.kind.ends_with("_removed") {
            "Removed"
        } else {
            "Changed"
        }
    };
    // Wording changes are one line: the diff lists each.
    let docs = changes.iter().filter(|c| c.kind == "docs_changed").count();
    let mut out = String::new();
    for title in ["Added", "Changed", "Deprecated", "Removed"] {
        let group: Vec<&Change> = changes
            .iter()
            .filter(|c| section(c) == title && c.kind != "docs_changed")
            .collect();
        let docs_here = title == "Changed" && docs > 0;
        if group.is_empty() && !docs_here {
            continue;
        }
        let _ = writeln!(out, "### {title}\n");
        if docs_here {
            let _ = writeln!(
                out,
                "- Documentation: {docs} descriptions or notes reworded (`cargo codegen diff` lists each)"
            );
        }
        for c in group {
            let breaking = if c.class == Class::Breaking {
                "**Breaking:** "
            } else {
                ""
            };
            let at =
                c.at.as_ref()
                    .map(|a| format!(" (`{a}`)"))
                    .unwrap_or_default();
            let _ = writeln!(out, "- {breaking}`{}`: {}{at}", c.path, c.message);
        }
        out.push('\n');
    }
    out
}

/// The schema part of a first release's entry: every operation and type the crate starts
/// with, each with its YAML place.
pub fn initial(model: &Model) -> String {
    let mut out = String::from("### Added\n\n");
    for e in &model.endpoints {
        let _ = writeln!(
            out,
            "- `Client::{}` ({} {}): {} (`{}`)",
            e.name.rust(),
            text::verb(e.method),
            e.path,
            e.summary.trim().trim_end_matches('.'),
            e.loc.file_line()
        );
    }
    let types: Vec<String> = model
        .types
        .iter()
        .map(|t| format!("`{}`", t.name.rust()))
        .collect();
    if !types.is_empty() {
        let _ = writeln!(out, "- Types: {}", types.join(", "));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(class: Class, kind: &'static str) -> Change {
        Change {
            class,
            kind,
            path: format!("endpoints.x.{kind}"),
            at: Some("schema/x.yaml:3:5".into()),
            message: kind.replace('_', " "),
        }
    }

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn below_one_a_breaking_change_needs_a_minor_bump_and_an_addition_a_patch() {
        let breaking = [change(Class::Breaking, "param_removed")];
        let added = [change(Class::Compatible, "field_added")];
        let docs = [change(Class::Compatible, "docs_changed")];
        assert!(check(&v("0.1.0"), &v("0.1.1"), &breaking).is_err());
        assert!(check(&v("0.1.0"), &v("0.2.0"), &breaking).is_ok());
        assert!(check(&v("0.1.0"), &v("0.1.0"), &added).is_err());
        assert!(check(&v("0.1.0"), &v("0.1.1"), &added).is_ok());
        assert!(check(&v("1.4.2"), &v("1.4.3"), &added).is_err());
        assert!(check(&v("1.4.2"), &v("1.5.0"), &added).is_ok());
        assert!(check(&v("1.4.2"), &v("1.4.3"), &docs).is_ok());
        assert!(check(&v("1.4.2"), &v("1.4.2"), &docs).is_err());
        assert!(check(&v("1.4.2"), &v("1.9.0"), &breaking).is_err());
        assert!(check(&v("1.4.2"), &v("2.0.0"), &breaking).is_ok());
        assert!(check(&v("1.4.2"), &v("1.4.2"), &[]).is_ok());
    }

    #[test]
    fn a_failed_check_says_the_version_to_use_and_why() {
        let changes = [
            change(Class::Compatible, "docs_changed"),
            change(Class::Compatible, "endpoint_added"),
        ];
        let report = check(&v("1.2.3"), &v("1.2.4"), &changes).unwrap_err();
        assert!(report.contains("make it at least 1.3.0"), "{report}");
        assert!(
            report.contains("endpoint added [endpoint_added] (schema/x.yaml:3:5)"),
            "{report}"
        );
        assert!(
            !report.contains("[docs_changed]"),
            "only what needs more: {report}"
        );
    }

    #[test]
    fn versions_are_read_from_the_package_table() {
        let manifest = "[workspace]\nmembers = []\n\n[package]\nname = \"x\"\nversion = \"0.3.1\"\n\n[dependencies]\nversion = \"9.9.9\"\n";
        assert_eq!(package_version(manifest), Ok(v("0.3.1")));
        assert!(package_version("[package]\nversion.workspace = true\n").is_err());
        assert!(Version::parse("1.2").is_err());
        assert_eq!(Version::parse("1.2.3-rc.1"), Ok(v("1.2.3")));
    }

    #[test]
    fn the_changelog_groups_by_what_happened() {
        let text = changelog(&[
            change(Class::Compatible, "docs_changed"),
            change(Class::Compatible, "docs_changed"),
            change(Class::Compatible, "field_added"),
            change(Class::Breaking, "param_removed"),
            change(Class::Compatible, "deprecated"),
        ]);
        let added = text.find("### Added").unwrap();
        let deprecated = text.find("### Deprecated").unwrap();
        let removed = text.find("### Removed").unwrap();
        assert!(added < deprecated && deprecated < removed, "{text}");
        assert!(
            text.contains(
                "- **Breaking:** `endpoints.x.param_removed`: param removed (`schema/x.yaml:3:5`)"
            ),
            "{text}"
        );
    }
}
