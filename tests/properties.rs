//! Properties of every generated type, with values drawn from the schema itself (each of the
//! documented type or one the client converts losslessly, such as a number written as a
//! string):
//! - decoding never panics, on arbitrary bytes or on valid documents with bytes changed;
//! - what decodes serializes and decodes again to the same value (round trip);
//! - every optional field may be `null` or missing;
//! - one field, at any depth, replaced with any JSON value: the document still decodes, every
//!   other field is as before, and what is not read is reported at or below that field.
//!
//! The list of types below must name every type of the schema: a test fails when the schema
//! gains a type that is not listed here.

use std::collections::BTreeMap;

use personaclick_codegen::model::{KindModel, Model, Ty};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// Calls `$f::<Type>(name)` for the named type.
macro_rules! with_type {
    ($name:expr, $f:ident, $args:tt; $($t:ident)*) => {
        match $name {
            $(stringify!($t) => $f::<personaclick::$t> $args,)*
            other => panic!("type {other} is not listed in tests/properties.rs"),
        }
    };
}

macro_rules! all_types {
    ($m:ident!($($args:tt)*)) => {
        $m!($($args)*; Segment StatusResponse Status InitResponse Notifications NotificationsPayload
            Message MessageEvent EventType MessageStatistics MessageType Channel Product Category
            FashionColor ProductParam ImageUrls Leftovers ProfileFields Profile SetProfileResponse
            Gender Kid Auto Order OrderItem CustomValue)
    };
}

fn listed() -> Vec<&'static str> {
    macro_rules! list {
        (; $($t:ident)*) => { vec![$(stringify!($t)),*] };
    }
    all_types!(list!())
}

fn model() -> Model {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    personaclick_codegen::check(&personaclick_codegen::read_dir(&dir).unwrap()).unwrap()
}

#[test]
fn every_type_of_the_schema_is_listed() {
    let mut in_schema: Vec<String> = model()
        .types
        .iter()
        .map(|t| t.name.wire().to_string())
        .collect();
    let mut here: Vec<String> = listed().iter().map(|s| s.to_string()).collect();
    in_schema.sort();
    here.sort();
    assert_eq!(in_schema, here, "update the list in tests/properties.rs");
}

/// A JSON value the schema allows for `ty`, or one the client reads as such (schema/README.md,
/// "How responses are read").
fn value(model: &Model, ty: &Ty) -> BoxedStrategy<Value> {
    let text = "[a-zA-Z0-9 @._-]{0,8}";
    match ty {
        Ty::String => prop_oneof![
            3 => text.prop_map(Value::from),
            1 => any::<i32>().prop_map(Value::from)
        ]
        .boxed(),
        Ty::Integer => prop_oneof![
            3 => any::<i64>().prop_map(Value::from),
            1 => any::<i32>().prop_map(|n| Value::from(n.to_string())),
            1 => any::<i32>().prop_map(|n| Value::from(f64::from(n)))
        ]
        .boxed(),
        Ty::Number => prop_oneof![
            (-1.0e9..1.0e9f64).prop_map(Value::from),
            any::<i32>().prop_map(Value::from),
            (-1.0e9..1.0e9f64).prop_map(|n| Value::from(n.to_string()))
        ]
        .boxed(),
        Ty::Boolean => prop_oneof![
            3 => any::<bool>().prop_map(Value::from),
            1 => proptest::sample::select(vec!["1", "0", "true", "false"]).prop_map(Value::from),
            1 => (0..2u8).prop_map(Value::from)
        ]
        .boxed(),
        // Valid dates, and text that is not one (kept as it came).
        Ty::Date => prop_oneof![
            "(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])",
            text
        ]
        .prop_map(Value::from)
        .boxed(),
        Ty::DateTime => prop_oneof![
            "20[0-9]{2}-0[1-9]-1[0-9] [01][0-9]:[0-5][0-9]:[0-5][0-9]",
            text
        ]
        .prop_map(Value::from)
        .boxed(),
        Ty::Timestamp => prop_oneof![
            "20[0-9]{2}-0[1-9]-1[0-9]T[01][0-9]:[0-5][0-9]:[0-5][0-9](\\.[0-9]{3})?Z",
            text
        ]
        .prop_map(Value::from)
        .boxed(),
        Ty::Json => any_json(),
        Ty::List(inner) => proptest::collection::vec(value(model, inner), 0..3)
            .prop_map(Value::from)
            .boxed(),
        Ty::Map(inner) => proptest::collection::btree_map("[a-z]{1,6}", value(model, inner), 0..3)
            .prop_map(|m| Value::Object(m.into_iter().collect()))
            .boxed(),
        Ty::Named(name) => named(model, name),
    }
}

/// Any JSON value, nested a little.
fn any_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1.0e12..1.0e12f64).prop_map(Value::from),
        "[a-zA-Z0-9 @._-]{0,8}".prop_map(Value::from),
        "\\PC{0,4}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            proptest::collection::btree_map("[a-z_]{1,6}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

fn named(model: &Model, name: &str) -> BoxedStrategy<Value> {
    let t = model
        .types
        .iter()
        .find(|t| t.name.wire() == name)
        .expect("named type");
    match &t.kind {
        KindModel::Enum { values } => {
            let known: Vec<Value> = values
                .iter()
                .map(|v| Value::from(v.name.wire().to_string()))
                .collect();
            if t.usage.received() {
                prop_oneof![
                    proptest::sample::select(known),
                    "[a-z]{1,6}".prop_map(Value::from)
                ]
                .boxed()
            } else {
                proptest::sample::select(known).boxed()
            }
        }
        KindModel::Union { variants } => {
            let options: Vec<BoxedStrategy<Value>> =
                variants.iter().map(|v| value(model, &v.ty)).collect();
            proptest::strategy::Union::new(options).boxed()
        }
        KindModel::Object { fields, additional } => {
            let mut strategy: BoxedStrategy<BTreeMap<String, Value>> =
                Just(BTreeMap::new()).boxed();
            for f in fields {
                let key = f.name.wire().to_string();
                let field = prop_oneof![
                    Just(None),
                    Just(Some(Value::Null)),
                    value(model, &f.ty).prop_map(Some),
                ];
                strategy = (strategy, field)
                    .prop_map(move |(mut map, v)| {
                        if let Some(v) = v {
                            map.insert(key.clone(), v);
                        }
                        map
                    })
                    .boxed();
            }
            let extra = if additional.is_some() {
                proptest::collection::btree_map("x_[a-z]{1,5}", value(model, &Ty::Json), 0..2)
                    .boxed()
            } else {
                // Unknown fields are ignored.
                proptest::collection::btree_map("zz_[a-z]{1,5}", value(model, &Ty::Json), 0..2)
                    .boxed()
            };
            (strategy, extra)
                .prop_map(|(mut map, extra)| {
                    map.extend(extra);
                    Value::Object(map.into_iter().collect())
                })
                .boxed()
        }
    }
}

/// 64 cases a property and type; a failing case is saved beside this file (commit it: it
/// is replayed first from then on).
fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: 64,
        source_file: Some(file!()),
        ..Config::default()
    })
}

/// Decode, serialize, decode: the same value.
fn round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
    name: &str,
    model: &Model,
) {
    runner()
        .run(&named(model, name), |json| {
            let first: T = serde_json::from_value(json.clone())
                .map_err(|e| TestCaseError::fail(format!("{name} from {json}: {e}")))?;
            let written =
                serde_json::to_value(&first).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let second: T = serde_json::from_value(written.clone())
                .map_err(|e| TestCaseError::fail(format!("{name} again from {written}: {e}")))?;
            prop_assert_eq!(first, second);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
}

#[test]
fn every_type_round_trips() {
    let model = model();
    for name in listed() {
        all_types!(with_type!(name, round_trip, (name, &model)));
    }
}

/// Arbitrary bytes, and valid documents with bytes changed, inserted or removed: an error or
/// a value, never a panic.
fn never_panics<T: DeserializeOwned>(name: &str, model: &Model) {
    runner()
        .run(&proptest::collection::vec(any::<u8>(), 0..300), |bytes| {
            let _ = serde_json::from_slice::<T>(&bytes);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let mutated = (named(model, name), any::<usize>(), any::<u8>(), 0..3u8);
    runner()
        .run(&mutated, |(json, at, byte, how)| {
            let mut bytes = serde_json::to_vec(&json).unwrap();
            let at = at % (bytes.len() + 1);
            match how {
                0 if at < bytes.len() => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ => {}
            }
            let _ = serde_json::from_slice::<T>(&bytes);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
}

#[test]
fn decoding_never_panics() {
    let model = model();
    for name in listed() {
        all_types!(with_type!(name, never_panics, (name, &model)));
    }
}

/// Every field of every object type `null`, then missing: both decode, to the same value.
fn nulls<T: DeserializeOwned + PartialEq + std::fmt::Debug>(name: &str, model: &Model) {
    let Some(KindModel::Object { fields, .. }) = model
        .types
        .iter()
        .find(|t| t.name.wire() == name)
        .map(|t| &t.kind)
    else {
        return;
    };
    let all_null: serde_json::Map<String, Value> = fields
        .iter()
        .map(|f| (f.name.wire().to_string(), Value::Null))
        .collect();
    let from_nulls: T =
        serde_json::from_value(Value::Object(all_null)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let from_nothing: T =
        serde_json::from_value(json!({})).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(from_nulls, from_nothing, "{name}");
}

#[test]
fn every_optional_field_may_be_null_or_missing() {
    let model = model();
    for name in listed() {
        all_types!(with_type!(name, nulls, (name, &model)));
    }
}

/// One step of a path into a JSON document.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// The path of every object key in `doc`, at any depth (list elements included).
fn key_paths(doc: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match doc {
        Value::Object(map) => {
            for (k, v) in map {
                here.push(Step::Key(k.clone()));
                out.push(here.clone());
                key_paths(v, here, out);
                here.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                here.push(Step::Index(i));
                key_paths(v, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

/// The value at `path` (its last step a key), as a mutable slot; `None` where the document
/// does not reach.
fn slot<'a>(doc: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let (last, parents) = path.split_last()?;
    let mut here = doc;
    for step in parents {
        here = match step {
            Step::Key(k) => here.get_mut(k.as_str())?,
            Step::Index(i) => here.get_mut(*i)?,
        };
    }
    match last {
        Step::Key(k) => here.as_object_mut()?.get_mut(k),
        Step::Index(i) => here.get_mut(*i),
    }
}

fn remove(doc: &mut Value, path: &[Step]) {
    let Some((Step::Key(k), parents)) = path.split_last() else {
        return;
    };
    let mut here = doc;
    for step in parents {
        let next = match step {
            Step::Key(k) => here.get_mut(k.as_str()),
            Step::Index(i) => here.get_mut(*i),
        };
        match next {
            Some(next) => here = next,
            None => return,
        }
    }
    if let Some(map) = here.as_object_mut() {
        map.remove(k);
    }
}

/// The path as the client's reports write it (plain keys, as the generated documents have).
fn written(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// A valid document of `name` with one field, anywhere, replaced by any JSON value: it
/// decodes, nothing else changes, and only that field (or what is below it) is unread.
fn one_field_replaced<T>(name: &str, model: &Model)
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug + Unreported,
{
    let Some(t) = model.types.iter().find(|t| t.name.wire() == name) else {
        return;
    };
    if !matches!(t.kind, KindModel::Object { .. }) || !t.usage.received() {
        return;
    }
    let case = (named(model, name), any::<prop::sample::Index>(), any_json());
    runner()
        .run(&case, |(doc, pick, replacement)| {
            let mut paths = Vec::new();
            key_paths(&doc, &mut Vec::new(), &mut paths);
            if paths.is_empty() {
                return Ok(());
            }
            let path = pick.get(&paths).clone();
            let original: T = serde_json::from_value(doc.clone())
                .map_err(|e| TestCaseError::fail(format!("{name} from {doc}: {e}")))?;
            prop_assert!(original.unread_paths().is_empty(), "{doc}");
            let mut mutated_doc = doc.clone();
            *slot(&mut mutated_doc, &path).expect("a key of the document") = replacement.clone();
            let mutated: T = serde_json::from_value(mutated_doc.clone())
                .map_err(|e| TestCaseError::fail(format!("{name} from {mutated_doc}: {e}")))?;
            let at = written(&path);
            for unread in mutated.unread_paths() {
                let below = unread == at
                    || unread.starts_with(&format!("{at}."))
                    || unread.starts_with(&format!("{at}["));
                prop_assert!(below, "{unread} is not at or below {at} in {mutated_doc}");
            }
            let (mut before, mut after) = (
                serde_json::to_value(&original).unwrap(),
                serde_json::to_value(&mutated).unwrap(),
            );
            // A value that was not kept (its field is `None`, or it left a map) is reported,
            // except under the keys the object does not name (the generator's `zz_`), which
            // are skipped.
            let unknown = path
                .iter()
                .any(|step| matches!(step, Step::Key(k) if k.starts_with("zz_")));
            if !replacement.is_null() && !unknown && slot(&mut after, &path).is_none() {
                prop_assert!(
                    mutated.unread_paths().contains(&at),
                    "{} replaced by {} is neither read nor reported",
                    at,
                    replacement
                );
            }
            remove(&mut before, &path);
            remove(&mut after, &path);
            prop_assert_eq!(before, after, "{} replaced by {}", at, replacement);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
}

/// The paths an object's `unread()` reports; nothing for the types that are not objects.
trait Unreported {
    fn unread_paths(&self) -> Vec<String> {
        Vec::new()
    }
}

macro_rules! unreported {
    (objects: $($o:ident)*; others: $($t:ident)*) => {
        $(impl Unreported for personaclick::$o {
            fn unread_paths(&self) -> Vec<String> {
                self.unread().paths().map(str::to_string).collect()
            }
        })*
        $(impl Unreported for personaclick::$t {})*
    };
}

unreported! {
    objects: StatusResponse InitResponse Notifications NotificationsPayload Message MessageEvent
        MessageStatistics Product Category FashionColor ProductParam ImageUrls ProfileFields
        Profile SetProfileResponse Kid Auto Order OrderItem;
    others: Segment Status EventType MessageType Channel Leftovers Gender CustomValue
}

#[test]
fn one_field_replaced_by_anything_spoils_only_that_field() {
    let model = model();
    for name in listed() {
        all_types!(with_type!(name, one_field_replaced, (name, &model)));
    }
}
