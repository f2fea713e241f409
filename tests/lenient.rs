//! Real responses never break a call: documented bodies of `get_last_order_products` and
//! `get_profile` in which ONE value has another JSON type than the page says, each served by a
//! local server. Read leniently (the default), the call succeeds, the value is converted where
//! that is lossless or else reported at its path (the field `None`, the raw value kept), one
//! `tracing` warning names the paths, and every other field is as in the documented body.
//! Read strictly (`strict_responses(true)`), each of them fails naming the path.

#[allow(dead_code)] // The HTTP tests' server: this file only serves bodies.
mod support;
#[path = "support/traces.rs"]
mod traces;

use personaclick::{Client, Error, Expected};
use serde::Serialize;
use serde_json::{json, Value};
use support::{Response, TestServer};
use traces::capture_tracing;

const SHOP_ID: &str = "0d42fd8b713d0752776ca589cc0056";
const SHOP_SECRET: &str = "0123456789abcdef0123456789abcdef";
const EMAIL: &str = "john.doe@examplemail.com";

/// The last order's products, every field as the page types it.
fn products() -> Value {
    json!([
        {
            "id": "100",
            "name": "T-shirt",
            "brand": "Acme",
            "price": 20,
            "price_full": 19.99,
            "oldprice": 25,
            "discount": 20,
            "rating": 4.5,
            "stock_quantity": 12,
            "is_new": true,
            "leftovers": "few",
            "currency": "USD",
            "fashion_sizes": ["48", "50"],
            "params": [{"key": "size", "values": ["M"]}],
            "categories": [{"id": "1", "name": "Clothes", "parent": null, "url": "https://x/c/1"}],
            "category_ids": ["1"],
            "image_url_resized": {"120": "https://x/120.png"}
        },
        {"id": "101", "name": "Socks", "price": 5, "rating": 4, "stock_quantity": 3, "is_new": false}
    ])
}

/// A profile, every field as the page types it.
fn profile() -> Value {
    json!({
        "id": "100500",
        "email": EMAIL,
        "first_name": "John",
        "age": 31,
        "gender": "m",
        "birthday": "1990-03-11",
        "bought_something": true,
        "has_email": true,
        "loyalty_bonuses": 1123,
        "loyalty_bonuses_to_next_level": 1877,
        "tags": ["vip"],
        "additional_phones": ["449995550000"],
        "kids": [{"gender": "m", "birthday": "2001-04-12"}],
        "orders": [{
            "id": "A-1",
            "status": "delivered",
            "value": 1500.5,
            "items": [{"id": "sku-1", "name": "T-shirt", "price": 500.25, "quantity": 2}]
        }],
        "custom_properties": {"custom_integer_property": 100500}
    })
}

#[derive(Clone, Copy, Debug)]
enum Operation {
    LastOrderProducts,
    Profile,
}

/// What becomes of the odd value.
enum Outcome {
    /// Read, converted losslessly: the decoded value, as it serializes.
    Converted(Value),
    /// Not read: reported at this path from the top, as the documented type.
    Unread(&'static str, Expected),
}

struct Case {
    operation: Operation,
    /// A JSON pointer into the documented body.
    at: &'static str,
    odd: Value,
    outcome: Outcome,
}

fn cases() -> Vec<Case> {
    use Operation::*;
    use Outcome::*;
    let case = |operation, at, odd, outcome| Case {
        operation,
        at,
        odd,
        outcome,
    };
    const ORDER: Expected = Expected::Named("Order");
    vec![
        // The values the issue found breaking whole calls.
        case(
            LastOrderProducts,
            "/0/price",
            json!("120.50"),
            Converted(json!(120.5)),
        ),
        case(
            LastOrderProducts,
            "/0/rating",
            json!("4.5"),
            Converted(json!(4.5)),
        ),
        case(
            LastOrderProducts,
            "/0/stock_quantity",
            json!("3"),
            Converted(json!(3.0)),
        ),
        case(
            Profile,
            "/orders/0/value",
            json!("1200.00"),
            Converted(json!(1200.0)),
        ),
        case(
            LastOrderProducts,
            "/0/fashion_sizes",
            json!([42, 43]),
            Converted(json!(["42", "43"])),
        ),
        case(
            LastOrderProducts,
            "/0/params",
            json!([{"key": "size", "values": [42]}]),
            Converted(json!([{"key": "size", "values": ["42"]}])),
        ),
        case(
            Profile,
            "/tags",
            json!([1, 2]),
            Converted(json!(["1", "2"])),
        ),
        case(
            Profile,
            "/additional_phones",
            json!([4400114527199u64]),
            Converted(json!(["4400114527199"])),
        ),
        case(Profile, "/age", json!("31"), Converted(json!(31))),
        case(
            Profile,
            "/loyalty_bonuses",
            json!("1123"),
            Converted(json!(1123.0)),
        ),
        case(
            Profile,
            "/orders/0/items/0/quantity",
            json!("2"),
            Converted(json!(2)),
        ),
        case(
            Profile,
            "/bought_something",
            json!("1"),
            Converted(json!(true)),
        ),
        case(Profile, "/has_email", json!("true"), Converted(json!(true))),
        case(
            LastOrderProducts,
            "/0/is_new",
            json!(1),
            Converted(json!(true)),
        ),
        case(
            LastOrderProducts,
            "/1/name",
            json!(["Socks", "Pair"]),
            Unread("[1].name", Expected::String),
        ),
        // More of the same, and values no conversion reads.
        case(
            LastOrderProducts,
            "/0/categories/0/parent",
            json!(7),
            Converted(json!("7")),
        ),
        case(
            LastOrderProducts,
            "/0/price",
            json!("12,50"),
            Unread("[0].price", Expected::Number),
        ),
        case(
            LastOrderProducts,
            "/0/leftovers",
            json!(3),
            Unread("[0].leftovers", Expected::Named("Leftovers")),
        ),
        case(
            Profile,
            "/orders/0/items/0/price",
            json!("n/a"),
            Unread("orders[0].items[0].price", Expected::Number),
        ),
        case(
            Profile,
            "/kids",
            json!({"gender": "m"}),
            Unread("kids", Expected::List(&Expected::Named("Kid"))),
        ),
        case(
            Profile,
            "/gender",
            json!(1),
            Unread("gender", Expected::Named("Gender")),
        ),
        case(
            Profile,
            "/orders/0",
            json!("A-1"),
            Unread("orders[0]", ORDER),
        ),
        case(
            Profile,
            "/birthday",
            json!(19900311),
            Unread("birthday", Expected::Date),
        ),
        case(
            Profile,
            "/email",
            json!([EMAIL]),
            Unread("email", Expected::String),
        ),
    ]
}

fn client(server: &TestServer, strict: bool) -> Client {
    Client::builder()
        .shop_id(SHOP_ID)
        .shop_secret(SHOP_SECRET)
        .base_url(server.url())
        .strict_responses(strict)
        .build()
        .expect("client")
}

/// A call's result: the value as it serializes, what it reports unread (paths from the top,
/// with the values), and its `Debug`.
struct Read {
    value: Value,
    unread: Vec<(String, Expected, Value)>,
    debug: String,
}

fn read<T: Serialize + std::fmt::Debug>(value: T, unread: Vec<(String, Expected, Value)>) -> Read {
    Read {
        value: serde_json::to_value(&value).unwrap(),
        debug: format!("{value:?}"),
        unread,
    }
}

async fn call(operation: Operation, body: &Value, strict: bool) -> Result<Read, Error> {
    let server = TestServer::start(Response::json(200, body.to_string())).await;
    let client = client(&server, strict);
    match operation {
        Operation::LastOrderProducts => {
            let products = client.get_last_order_products().did("d").send().await?;
            let unread = products
                .iter()
                .enumerate()
                .flat_map(|(i, p)| {
                    p.unread().iter().map(move |u| {
                        let path = match u.path() {
                            "" => format!("[{i}]"),
                            p => format!("[{i}].{p}"),
                        };
                        (path, u.expected(), u.value().clone())
                    })
                })
                .collect();
            Ok(read(products, unread))
        }
        Operation::Profile => {
            let profile = client.get_profile().email(EMAIL).send().await?;
            let unread = profile
                .unread()
                .iter()
                .map(|u| (u.path().to_string(), u.expected(), u.value().clone()))
                .collect();
            Ok(read(profile, unread))
        }
    }
}

fn documented(operation: Operation) -> Value {
    match operation {
        Operation::LastOrderProducts => products(),
        Operation::Profile => profile(),
    }
}

/// `doc` without what is at `pointer` (a key removed, a list element set to null).
fn without(mut doc: Value, pointer: &str) -> Value {
    let (parent, last) = pointer.rsplit_once('/').unwrap();
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.remove(last);
        }
        Some(Value::Array(items)) => {
            if let Some(item) = last.parse().ok().and_then(|i: usize| items.get_mut(i)) {
                *item = Value::Null;
            }
        }
        _ => {}
    }
    doc
}

#[tokio::test]
async fn one_odd_value_never_breaks_the_call() {
    let (traced, _guard) = capture_tracing();
    for case in cases() {
        let name = format!("{:?} {} = {}", case.operation, case.at, case.odd);
        let original = call(case.operation, &documented(case.operation), true)
            .await
            .unwrap_or_else(|e| panic!("the documented body reads strictly: {e}"));
        assert!(original.unread.is_empty(), "{name}");
        let mut body = documented(case.operation);
        *body.pointer_mut(case.at).expect(case.at) = case.odd.clone();

        traced.lock().unwrap().clear();
        let got = call(case.operation, &body, false)
            .await
            .unwrap_or_else(|e| panic!("{name}: the call failed: {e}"));
        assert_eq!(
            without(got.value.clone(), case.at),
            without(original.value, case.at),
            "{name}: every other field as documented"
        );
        let warnings: Vec<String> = traced
            .lock()
            .unwrap()
            .iter()
            .filter(|line| line.contains("level=WARN"))
            .cloned()
            .collect();
        match &case.outcome {
            Outcome::Converted(expected) => {
                assert_eq!(
                    got.value.pointer(case.at),
                    Some(expected),
                    "{name}: converted"
                );
                assert!(got.unread.is_empty(), "{name}: {:?}", got.unread);
                assert!(warnings.is_empty(), "{name}: {warnings:?}");
            }
            Outcome::Unread(path, expected) => {
                assert_eq!(
                    got.unread,
                    [(path.to_string(), *expected, case.odd.clone())],
                    "{name}: reported at its path, as it came"
                );
                assert_eq!(warnings.len(), 1, "{name}: one warning: {warnings:?}");
                let operation = match case.operation {
                    Operation::LastOrderProducts => "operation=get_last_order_products",
                    Operation::Profile => "operation=get_profile",
                };
                assert!(
                    warnings[0].contains(operation) && warnings[0].contains(path),
                    "{name}: {}",
                    warnings[0]
                );
                let odd = case.odd.to_string();
                assert!(
                    !warnings[0].contains(odd.trim_matches('"')),
                    "{name}: no value logged"
                );
            }
        }

        let e = call(case.operation, &body, true)
            .await
            .err()
            .unwrap_or_else(|| panic!("{name}: strict responses must fail"));
        let path = match &case.outcome {
            Outcome::Unread(path, _) => path.to_string(),
            Outcome::Converted(_) => pointer_as_path(case.operation, case.at),
        };
        assert!(matches!(e, Error::Decode(_)), "{name}: {e:?}");
        assert!(e.to_string().contains(&format!("`{path}")), "{name}: {e}");
    }
}

/// The report's path of a JSON pointer (`/0/params` is `[0].params`).
fn pointer_as_path(operation: Operation, pointer: &str) -> String {
    let mut out = String::new();
    for step in pointer.trim_start_matches('/').split('/') {
        match step.parse::<usize>() {
            Ok(i) => out.push_str(&format!("[{i}]")),
            Err(_) if out.is_empty() => out.push_str(step),
            Err(_) => {
                out.push('.');
                out.push_str(step);
            }
        }
    }
    let _ = operation;
    out
}

#[tokio::test]
async fn sensitive_values_kept_unread_are_not_shown() {
    let mut body = profile();
    body["birthday"] = json!(19900311);
    body["email"] = json!(["private@examplemail.com"]);
    let got = call(Operation::Profile, &body, false).await.unwrap();
    assert_eq!(got.unread.len(), 2);
    assert!(
        !got.debug.contains("19900311") && !got.debug.contains("private@"),
        "{}",
        got.debug
    );
    assert!(got.debug.contains("<redacted>"), "{}", got.debug);
}
