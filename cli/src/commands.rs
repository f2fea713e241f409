//! One subcommand per operation of the schema, its flags its parameters: built at run time from
//! the schema embedded in the library, so an endpoint added to the YAML is a subcommand here
//! with no code written for it.

use clap::{Arg, ArgAction, ArgMatches, Command};
use personaclick::dynamic::const_json;
use personaclick::dynamic::model::{text, EndpointModel, FieldModel, Fixed, Model, Scope, Ty};
use serde_json::{Map, Value};

use crate::values::{self, Written};

/// The id of the flag holding an operation's free-form entries (`--custom-property`): no
/// parameter's wire name starts with `+`.
const ADDITIONAL: &str = "+additional";
/// The id of `--all`, on paged operations.
pub const ALL: &str = "+all";

/// A name as a command line writes it: `get_profile` → `get-profile`.
pub fn kebab(name: &str) -> String {
    name.replace('_', "-")
}

/// The subcommand of every operation.
pub fn subcommands(model: &Model) -> impl Iterator<Item = Command> + '_ {
    model.endpoints.iter().map(|e| subcommand(model, e))
}

/// The operation a subcommand name stands for.
pub fn operation<'m>(model: &'m Model, subcommand: &str) -> Option<&'m EndpointModel> {
    model
        .endpoints
        .iter()
        .find(|e| kebab(e.name.wire()) == subcommand)
}

fn subcommand(model: &Model, e: &EndpointModel) -> Command {
    let mut about = format!(
        "{}\n\n{} {}",
        e.description.trim(),
        text::verb(e.method),
        e.path
    );
    if let Some(why) = &e.deprecated {
        about.push_str(&format!("\n\nDeprecated: {why}"));
    }
    if e.paging.is_some() {
        about.push_str("\n\nPaged: --all follows every page and prints their items as one list.");
    }
    let mut command = Command::new(kebab(e.name.wire()))
        .about(first_sentence(&e.summary))
        .long_about(about)
        .args(
            e.params
                .iter()
                .filter(|p| p.scope != Scope::Client && !matches!(p.fixed, Fixed::Constant(_)))
                .map(|p| flag(model, p)),
        );
    if let Some(a) = &e.additional {
        let name = a.item_name.as_ref().unwrap_or(&a.name).wire();
        command = command.arg(
            Arg::new(ADDITIONAL)
                .long(kebab(name))
                .value_name("NAME=VALUE")
                .action(ArgAction::Append)
                .help(format!(
                    "{} Repeat for each ({}).",
                    first_sentence(&a.description),
                    values::type_words(model, &a.ty)
                ))
                .long_help(format!(
                    "{}\n\nNAME=VALUE, repeated for each one; VALUE is {}.",
                    a.description.trim(),
                    values::type_words(model, &a.ty)
                )),
        );
    }
    if e.paging.is_some() {
        command = command.arg(
            Arg::new(ALL)
                .long("all")
                .action(ArgAction::SetTrue)
                .help("Follow every page; print their items as one list"),
        );
    }
    command
}

/// A parameter's flag: `--first-name VALUE`.
fn flag(model: &Model, p: &FieldModel) -> Arg {
    let wire = p.name.wire();
    let words = values::type_words(model, &p.ty);
    let mut arg = Arg::new(wire.to_string()).long(kebab(wire));
    if kebab(wire) != wire {
        arg = arg.alias(wire.to_string());
    }
    for alias in &p.aliases {
        arg = arg.alias(kebab(alias));
    }
    let mut notes = Vec::new();
    if p.required {
        notes.push("required".to_string());
    }
    if let Some(why) = &p.deprecated {
        notes.push(format!("deprecated: {why}"));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!(" [{}]", notes.join("; "))
    };
    arg = match &p.fixed {
        Fixed::Acknowledgement(c) => arg.action(ArgAction::SetTrue).help(format!(
            "{}{notes} (sends {})",
            first_sentence(&p.description),
            const_json(c)
        )),
        _ => {
            let arg = arg
                .value_name(value_name(model, &p.ty))
                .help(format!("{}{notes}", first_sentence(&p.description)));
            match (values::written(model, &p.ty), &p.ty) {
                (_, Ty::Boolean) => arg
                    .num_args(0..=1)
                    .default_missing_value("true")
                    .action(ArgAction::Set),
                (Written::Items, _) | (Written::Json, Ty::List(_)) => arg.action(ArgAction::Append),
                // `--age -5` is a value (the checks say what is wrong with it), not a flag.
                (_, Ty::Integer | Ty::Number) => {
                    arg.action(ArgAction::Set).allow_negative_numbers(true)
                }
                _ => arg.action(ArgAction::Set),
            }
        }
    };
    arg.long_help(format!("{}{notes}\n\nType: {words}.", p.description.trim()))
}

fn value_name(model: &Model, ty: &Ty) -> String {
    match values::written(model, ty) {
        Written::Json => "JSON".into(),
        _ => match ty {
            Ty::Date => "YYYY-MM-DD".into(),
            Ty::Integer => "INTEGER".into(),
            Ty::Number => "NUMBER".into(),
            Ty::Boolean => "BOOL".into(),
            _ => "VALUE".into(),
        },
    }
}

fn first_sentence(text: &str) -> String {
    let text = text.trim();
    let end = text
        .match_indices(". ")
        .map(|(i, _)| i + 1)
        .next()
        .unwrap_or(text.len());
    text[..end].split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The parameters a subcommand's flags give, by wire name, or what is wrong with them (each
/// problem naming its flag).
pub fn params(
    model: &Model,
    e: &EndpointModel,
    m: &ArgMatches,
) -> Result<Map<String, Value>, Vec<String>> {
    let mut params = Map::new();
    let mut problems = Vec::new();
    for p in &e.params {
        let wire = p.name.wire();
        if p.scope == Scope::Client {
            continue;
        }
        match &p.fixed {
            Fixed::Constant(_) => {}
            Fixed::Acknowledgement(c) => {
                if m.get_flag(wire) {
                    params.insert(wire.to_string(), const_json(c));
                }
            }
            Fixed::Free => {
                let Some(texts) = m.get_many::<String>(wire) else {
                    continue;
                };
                match values::from_texts(model, &p.ty, texts.map(String::as_str)) {
                    Ok(Some(value)) => {
                        params.insert(wire.to_string(), value);
                    }
                    Ok(None) => {}
                    Err(why) => problems.push(format!("--{}: {why}", kebab(wire))),
                }
            }
        }
    }
    if let (Some(a), Ok(Some(entries))) = (&e.additional, m.try_get_many::<String>(ADDITIONAL)) {
        let flag = kebab(a.item_name.as_ref().unwrap_or(&a.name).wire());
        let mut map = Map::new();
        for entry in entries {
            let Some((name, text)) = entry.split_once('=') else {
                problems.push(format!("--{flag} {entry:?}: must be NAME=VALUE"));
                continue;
            };
            match values::from_text(model, &a.ty, text) {
                Ok(_) if map.contains_key(name) => {
                    problems.push(format!("--{flag} {name}: given twice"));
                }
                Ok(value) => {
                    map.insert(name.to_string(), value);
                }
                Err(why) => problems.push(format!("--{flag} {name}: {why}")),
            }
        }
        params.insert(a.name.wire().to_string(), Value::Object(map));
    }
    if problems.is_empty() {
        Ok(params)
    } else {
        Err(problems)
    }
}
