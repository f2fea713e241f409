//! Checks run before a request is sent: required parameters, requirement rules, bounds and
//! formats. Every problem is collected, so one error names all of them.

use std::collections::BTreeMap;
use std::fmt;

use crate::error::{Error, Invalid};
use crate::wire::{Json, Secret};

/// Where a value is in the request: `kids[0].birthday`. Built on the stack, rendered only
/// when a problem is found.
#[derive(Clone, Copy, Debug)]
pub enum Path<'a> {
    /// The request itself.
    Root,
    /// A named parameter or field.
    Field(&'a Path<'a>, &'a str),
    /// A list item.
    Index(&'a Path<'a>, usize),
    /// A map entry.
    Key(&'a Path<'a>, &'a str),
}

impl<'a> Path<'a> {
    /// The path of a field below this one.
    pub fn field(&'a self, name: &'a str) -> Path<'a> {
        Path::Field(self, name)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Field(Path::Root, name) => f.write_str(name),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
            Path::Key(parent, key) => write!(f, "{parent}[{key:?}]"),
        }
    }
}

/// A string format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `YYYY-MM-DD`
    Date,
    /// `YYYY-MM-DD hh:mm:ss`
    DateTime,
    /// `YYYY-MM-DDThh:mm:ss.sssZ` (the fraction is optional)
    Timestamp,
}

impl Format {
    /// The format in words, as a problem with a value names it: `a date as YYYY-MM-DD`.
    pub fn what(self) -> &'static str {
        match self {
            Format::Date => "a date as YYYY-MM-DD",
            Format::DateTime => "a date and time as YYYY-MM-DD hh:mm:ss",
            Format::Timestamp => "a UTC timestamp as YYYY-MM-DDThh:mm:ss.sssZ",
        }
    }

    /// Whether `s` is written exactly in this format, as the API documents it, and names a
    /// real date and time. Stricter than reading a value (`Date::parse` and the others also
    /// take the variants servers send); never panics, whatever the text.
    pub fn matches(self, s: &str) -> bool {
        crate::dates::written_exactly(self, s)
    }
}

/// What the schema says about one value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rule {
    /// It must be present.
    pub required: bool,
    /// Inclusive lower bound.
    pub min: Option<f64>,
    /// Inclusive upper bound.
    pub max: Option<f64>,
    /// Longest string, in characters.
    pub max_length: Option<usize>,
}

impl Rule {
    /// No constraint.
    pub const NONE: Rule = Rule {
        required: false,
        min: None,
        max: None,
        max_length: None,
    };

    /// Present, and nothing more.
    pub const REQUIRED: Rule = Rule {
        required: true,
        ..Rule::NONE
    };
}

/// How many of a rule's parameters must be set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// Every one.
    AllOf,
    /// At least one.
    AnyOf,
}

/// The problems found so far in one request (or client configuration).
#[derive(Debug)]
pub struct Check {
    context: &'static str,
    problems: Vec<String>,
}

impl Check {
    /// Starts checking a request to `context` (the endpoint id).
    pub fn new(context: &'static str) -> Self {
        Check {
            context,
            problems: Vec::new(),
        }
    }

    /// Records a problem with the value at `at`.
    pub fn problem(&mut self, at: &Path<'_>, what: impl fmt::Display) {
        self.problems.push(format!("`{at}` {what}"));
    }

    /// A parameter the caller must acknowledge by calling its setter.
    pub fn acknowledged(&mut self, name: &str, done: bool) {
        if !done {
            self.problems.push(format!(
                "`{name}` is required: call its setter to acknowledge it"
            ));
        }
    }

    /// A rule over several parameters, given as `(name, is set)` pairs; it applies only when
    /// one of `when` is set (or always, if `when` is empty).
    pub fn rule(
        &mut self,
        kind: RuleKind,
        names: &[(&str, bool)],
        when: &[(&str, bool)],
        why: &str,
    ) {
        let why = why.trim_end_matches('.');
        let trigger = when.iter().find(|(_, set)| *set);
        if !when.is_empty() && trigger.is_none() {
            return;
        }
        let list = |items: &mut dyn Iterator<Item = &(&str, bool)>| {
            items
                .map(|(n, _)| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let prefix = trigger
            .map(|(n, _)| format!("`{n}` is set, so "))
            .unwrap_or_default();
        match kind {
            RuleKind::AllOf => {
                let missing = list(&mut names.iter().filter(|(_, set)| !set));
                if !missing.is_empty() {
                    self.problems
                        .push(format!("{prefix}{missing} is required ({why})"));
                }
            }
            RuleKind::AnyOf => {
                if !names.iter().any(|(_, set)| *set) {
                    let all = list(&mut names.iter());
                    self.problems
                        .push(format!("{prefix}one of {all} is required ({why})"));
                }
            }
        }
    }

    /// Free-form entries: names must not be empty or clash with a named parameter.
    pub fn additional<T: Checkable>(
        &mut self,
        at: &Path<'_>,
        map: &BTreeMap<String, T>,
        reserved: &[&str],
    ) {
        for (key, value) in map {
            let here = Path::Key(at, key);
            if key.trim().is_empty() {
                self.problem(&here, "has an empty name");
            } else if reserved.contains(&key.as_str()) {
                self.problem(&here, format!("uses the reserved name of the parameter `{key}`; set it with its own setter"));
            }
            value.check_value(&here, &Rule::NONE, self);
        }
    }

    /// Whether a problem was found.
    pub fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    /// The request's error, if any problem was found.
    pub fn finish(self) -> Result<(), Error> {
        self.into_invalid()
            .map_or(Ok(()), |e| Err(Error::InvalidRequest(e)))
    }

    pub(crate) fn into_invalid(self) -> Option<Invalid> {
        (!self.problems.is_empty()).then_some(Invalid {
            context: self.context,
            problems: self.problems,
        })
    }
}

/// A value that can be checked against a [`Rule`]. Generated request types implement it by
/// checking each of their fields.
pub trait Checkable {
    /// Records in `check` every way the value breaks `rule`.
    fn check_value(&self, at: &Path<'_>, rule: &Rule, check: &mut Check) {
        let _ = (at, rule, check);
    }
}

/// Checks an optional value: present if required, and within its rule.
pub fn check<T: Checkable>(check: &mut Check, at: &Path<'_>, value: &Option<T>, rule: &Rule) {
    match value {
        Some(v) => v.check_value(at, rule, check),
        None if rule.required => check.problem(at, "is required"),
        None => {}
    }
}

impl Checkable for String {
    fn check_value(&self, at: &Path<'_>, rule: &Rule, check: &mut Check) {
        if let Some(max) = rule.max_length {
            let n = self.chars().count();
            if n > max {
                check.problem(
                    at,
                    format!("is {n} characters long; at most {max} are allowed"),
                );
            }
        }
    }
}

/// A number within its rule's bounds (and finite).
pub(crate) fn check_number(n: f64, at: &Path<'_>, rule: &Rule, check: &mut Check) {
    if !n.is_finite() {
        check.problem(at, "must be a finite number");
        return;
    }
    if rule.min.is_some_and(|min| n < min) || rule.max.is_some_and(|max| n > max) {
        let range = match (rule.min, rule.max) {
            (Some(a), Some(b)) => format!("from {a} to {b}"),
            (Some(a), None) => format!("at least {a}"),
            (None, Some(b)) => format!("at most {b}"),
            (None, None) => unreachable!("a bound was broken"),
        };
        check.problem(at, format!("must be {range} (got {n})"));
    }
}

impl Checkable for i64 {
    fn check_value(&self, at: &Path<'_>, rule: &Rule, check: &mut Check) {
        check_number(*self as f64, at, rule, check);
    }
}

impl Checkable for f64 {
    fn check_value(&self, at: &Path<'_>, rule: &Rule, check: &mut Check) {
        check_number(*self, at, rule, check);
    }
}

impl Checkable for bool {}
impl Checkable for Json {}
impl Checkable for Secret {}

impl<T: Checkable> Checkable for Vec<T> {
    fn check_value(&self, at: &Path<'_>, rule: &Rule, check: &mut Check) {
        for (i, item) in self.iter().enumerate() {
            item.check_value(&Path::Index(at, i), rule, check);
        }
    }
}

impl<T: Checkable> Checkable for BTreeMap<String, T> {
    fn check_value(&self, at: &Path<'_>, rule: &Rule, check: &mut Check) {
        for (key, value) in self {
            value.check_value(&Path::Key(at, key), rule, check);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_accept_real_dates_only() {
        assert!(Format::Date.matches("1990-03-11"));
        assert!(Format::Date.matches("2024-02-29"));
        assert!(!Format::Date.matches("2023-02-29"));
        assert!(!Format::Date.matches("1990-3-11"));
        assert!(!Format::Date.matches("19900-03-11"));
        assert!(!Format::Date.matches("1990-03-11 "));
        assert!(!Format::Date.matches("é990-03-11"));
        assert!(Format::DateTime.matches("2021-12-31 23:55:00"));
        assert!(!Format::DateTime.matches("2021-12-31 24:00:00"));
        assert!(!Format::DateTime.matches("2021-12-31T23:55:00"));
        assert!(Format::Timestamp.matches("2023-07-01T10:20:30.000Z"));
        assert!(Format::Timestamp.matches("2023-07-01T10:20:30Z"));
        assert!(!Format::Timestamp.matches("2023-07-01T10:20:30.Z"));
        assert!(!Format::Timestamp.matches("2023-07-01 10:20:30Z"));
        assert!(!Format::Timestamp.matches("2023-07-01T10:20:30+00:00"));
        assert!(!Format::DateTime.matches("2021-12-31 23:55:00.5"));
        assert!(!Format::DateTime.matches("2021-12-31 23:55:60"));
    }

    #[test]
    fn formats_never_panic_on_text_cut_inside_a_character() {
        // Multi-byte characters where a date or a time ends.
        for s in [
            "1990-03-1é",
            "1990-03-11é",
            "1990-03-11 23:55:0é",
            "1990-03-11T10:20:3é",
            "é",
        ] {
            for f in [Format::Date, Format::DateTime, Format::Timestamp] {
                assert!(!f.matches(s), "{f:?} {s}");
            }
        }
    }

    #[test]
    fn paths_render_like_the_json_they_point_at() {
        let root = Path::Root;
        let kids = root.field("kids");
        let first = Path::Index(&kids, 0);
        assert_eq!(first.field("birthday").to_string(), "kids[0].birthday");
        assert_eq!(
            Path::Key(&root.field("custom_properties"), "x").to_string(),
            "custom_properties[\"x\"]"
        );
    }

    #[test]
    fn rules_name_what_is_missing() {
        let mut c = Check::new("op");
        c.rule(RuleKind::AnyOf, &[("a", false), ("b", false)], &[], "why");
        c.rule(RuleKind::AllOf, &[("s", false)], &[("e", true)], "because");
        c.rule(
            RuleKind::AllOf,
            &[("s", false)],
            &[("e", false)],
            "not applicable",
        );
        let e = c.into_invalid().unwrap();
        assert_eq!(
            e.problems(),
            [
                "one of `a`, `b` is required (why)",
                "`e` is set, so `s` is required (because)"
            ]
        );
    }
}
