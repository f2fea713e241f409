//! What the benchmarks share: the response bodies they decode and serve, and the plain
//! serde-derive structs a user would write by hand for the same JSON (the baseline the
//! generated types are measured against).

// Each bench uses a part of this module.
#![allow(dead_code)]

pub mod summary;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The store's credentials and the user, as on PersonaClick's page.
pub const SHOP_ID: &str = "0d42fd8b713d0752776ca589cc0056";
pub const SHOP_SECRET: &str = "0123456789abcdef0123456789abcdef";
pub const EMAIL: &str = "john.doe@examplemail.com";

/// One product of `GET /orders/last_for_user`, every documented field set.
fn product(i: usize) -> Value {
    let id = 1000 + i;
    let brand = ["Acme", "Globex", "Initech", "Umbrella"][i % 4];
    let leftovers = ["one", "few", "lot"][i % 3];
    json!({
        "barcode": format!("46000000{id:05}"),
        "brand": brand,
        "categories": [
            {"id": "10", "name": "Clothes", "parent": null, "url": "https://shop.example/c/10"},
            {"id": format!("{}", 11 + i % 7), "name": "T-shirts", "parent": "10",
             "url": format!("https://shop.example/c/{}", 11 + i % 7)}
        ],
        "category_ids": ["10", format!("{}", 11 + i % 7)],
        "currency": "USD",
        "description": format!("A cotton T-shirt, model {id}, machine washable at 30 °C."),
        "discount": 20,
        "discount_formatted": "20%",
        "fashion_colors": [
            {"color": "red", "picture": format!("https://img.example/{id}/red.jpg")},
            {"color": "blue", "picture": format!("https://img.example/{id}/blue.jpg")}
        ],
        "fashion_original_sizes": ["M", "L", "XL"],
        "fashion_sizes": ["48", "50", "52"],
        "group_id": format!("g-{}", id / 10),
        "id": format!("{id}"),
        "image_url": format!("https://img.example/{id}.jpg"),
        "image_url_handle": format!("/{id}.jpg"),
        "image_url_resized": {
            "120": format!("https://img.example/120/{id}.jpg"),
            "140": format!("https://img.example/140/{id}.jpg"),
            "160": format!("https://img.example/160/{id}.jpg"),
            "180": format!("https://img.example/180/{id}.jpg"),
            "200": format!("https://img.example/200/{id}.jpg"),
            "220": format!("https://img.example/220/{id}.jpg"),
            "310": format!("https://img.example/310/{id}.jpg"),
            "520": format!("https://img.example/520/{id}.jpg")
        },
        "is_new": i.is_multiple_of(3),
        "leftovers": leftovers,
        "model": format!("Basic Tee {id}"),
        "name": "T-shirt",
        "oldprice": 25,
        "oldprice_formatted": "$25",
        "oldprice_full": 24.99,
        "oldprice_full_formatted": "$24.99",
        "params": [
            {"key": "material", "values": ["cotton"]},
            {"key": "fit", "values": ["slim", "regular"]}
        ],
        "price": 20,
        "price_formatted": "$20",
        "price_full": 19.99,
        "price_full_formatted": "$19.99",
        "rating": 4.5,
        "stock_quantity": 12 + i,
        "url": format!("https://shop.example/p/{id}"),
        "url_handle": format!("/p/{id}")
    })
}

/// The body of `GET /orders/last_for_user` with `n` products (about 2.2 KB each).
pub fn products_json(n: usize) -> String {
    Value::Array((0..n).map(product).collect()).to_string()
}

/// The same body with one scalar value in ten, at any depth, of another JSON type than
/// documented: every other one of those converts losslessly (a number written as a string),
/// the rest no conversion reads (text for a number, a boolean for text, ...).
pub fn mistyped_products_json(n: usize) -> String {
    let mut body = Value::Array((0..n).map(product).collect());
    let mut count = 0;
    mistype(&mut body, &mut count);
    body.to_string()
}

fn mistype(v: &mut Value, count: &mut usize) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(|i| mistype(i, count)),
        Value::Object(map) => map.values_mut().for_each(|i| mistype(i, count)),
        Value::Null => {}
        scalar => {
            *count += 1;
            if !(*count).is_multiple_of(10) {
                return;
            }
            let convertible = (*count).is_multiple_of(20);
            *scalar = match (&*scalar, convertible) {
                (Value::Number(n), true) => Value::from(n.to_string()),
                (Value::Number(_), false) => Value::from("n/a"),
                (Value::Bool(b), true) => Value::from(if *b { "1" } else { "0" }),
                (Value::Bool(_), false) => Value::from("yes"),
                (Value::String(_), true) => Value::from(7),
                (Value::String(_), false) => Value::Bool(true),
                (other, _) => (*other).clone(),
            };
        }
    }
}

/// One message of `GET /notifications`, every documented field set.
fn message(i: usize) -> Value {
    let event = ["web", "category", "product", "custom"][i % 4];
    let kind = ["bulk", "chain", "transactional", "trigger"][i % 4];
    json!({
        "body": format!("Our summer sale starts today: up to {}% off everything.", 10 + i % 40),
        "campaign_id": 4200 + i,
        "code": format!("c0de{i:04}"),
        "date": "2023-07-02",
        "event": {"type": event, "uri": format!("{}", 100 + i)},
        "icon": "https://img.example/icon.png",
        "picture": format!("https://img.example/sale/{i}.jpg"),
        "sent_at": "2023-07-02T10:20:30.000Z",
        "subject": "Summer sale",
        "type": kind,
        "url": format!("https://shop.example/sale?utm_campaign={}", 4200 + i),
        "statistics": {
            "clicked": i.is_multiple_of(2),
            "complained": false,
            "hard_bounced": false,
            "opened": true,
            "purchased": i.is_multiple_of(5),
            "soft_bounced": false,
            "unsubscribed": false
        }
    })
}

/// The body of `GET /notifications` with a page of `n` messages (about 600 B each).
pub fn notifications_json(n: usize) -> String {
    json!({
        "status": "success",
        "payload": {"messages": (0..n).map(message).collect::<Vec<_>>()}
    })
    .to_string()
}

/// The body of `GET /profile`: a full profile (about 1.3 KB).
pub fn profile_json() -> String {
    json!({
        "id": "100500",
        "email": EMAIL,
        "phone": "4400114527199",
        "first_name": "John",
        "last_name": "Doe",
        "birthday": "1990-03-11",
        "age": 31,
        "gender": "m",
        "computed_gender": "m",
        "location": "NY",
        "bought_something": true,
        "loyalty_id": "000001234567",
        "loyalty_card_location": "NY",
        "loyalty_status": "5% discount",
        "loyalty_bonuses": 1123,
        "loyalty_bonuses_to_next_level": 1877.5,
        "fb_id": "000000000354677",
        "vk_id": "vk031845",
        "telegram_id": "0125762968357835",
        "kids": [
            {"gender": "m", "birthday": "2001-04-12"},
            {"gender": "f", "birthday": "2015-07-28"}
        ],
        "auto": [{"brand": "Nissan", "model": "Qashqai", "vds": "TM7N243E4G0BJG978"}],
        "additional_emails": ["john@examplemail.com"],
        "additional_phones": ["449995550000"],
        "additional_loyalty_ids": ["000007654321"],
        "has_email": true,
        "custom_properties": {
            "custom_integer_property": 100500,
            "custom_array_of_string_property": ["value1", "value2"],
            "custom_json_property": {"key1": "value1"}
        },
        "orders": [{
            "id": "A-1001",
            "status": "delivered",
            "value": 1500.5,
            "items": [
                {"id": "sku-1", "name": "T-shirt", "price": 500.25, "quantity": 2},
                {"id": "sku-2", "name": "Socks", "price": 500, "quantity": 1}
            ]
        }],
        "tags": ["vip", "newsletter"]
    })
    .to_string()
}

/// The body of `POST /profile/set`.
pub const SET_PROFILE_RESPONSE: &str = r#"{"status":"success"}"#;

// -------------------------------------------------------------------------------------------
// Hand-written: what a user writes without this crate, for the same JSON. Every field is an
// `Option` (the API may leave any out), enums are plain `#[derive(Deserialize)]` enums.
// -------------------------------------------------------------------------------------------

/// A product, by hand.
#[derive(Debug, Deserialize)]
pub struct Product {
    pub barcode: Option<String>,
    pub brand: Option<String>,
    pub categories: Option<Vec<Category>>,
    pub category_ids: Option<Vec<String>>,
    pub currency: Option<String>,
    pub description: Option<String>,
    pub discount: Option<f64>,
    pub discount_formatted: Option<String>,
    pub fashion_colors: Option<Vec<FashionColor>>,
    pub fashion_original_sizes: Option<Vec<String>>,
    pub fashion_sizes: Option<Vec<String>>,
    pub group_id: Option<String>,
    pub id: Option<String>,
    pub image_url: Option<String>,
    pub image_url_handle: Option<String>,
    pub image_url_resized: Option<ImageUrls>,
    pub is_new: Option<bool>,
    pub leftovers: Option<Leftovers>,
    pub model: Option<String>,
    pub name: Option<String>,
    pub oldprice: Option<f64>,
    pub oldprice_formatted: Option<String>,
    pub oldprice_full: Option<f64>,
    pub oldprice_full_formatted: Option<String>,
    pub params: Option<Vec<ProductParam>>,
    pub price: Option<f64>,
    pub price_formatted: Option<String>,
    pub price_full: Option<f64>,
    pub price_full_formatted: Option<String>,
    pub rating: Option<f64>,
    pub stock_quantity: Option<f64>,
    pub url: Option<String>,
    pub url_handle: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Category {
    pub id: Option<String>,
    pub name: Option<String>,
    pub parent: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct FashionColor {
    pub color: Option<String>,
    pub picture: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ProductParam {
    pub key: Option<String>,
    pub values: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub struct ImageUrls {
    #[serde(rename = "120")]
    pub px120: Option<String>,
    #[serde(rename = "140")]
    pub px140: Option<String>,
    #[serde(rename = "160")]
    pub px160: Option<String>,
    #[serde(rename = "180")]
    pub px180: Option<String>,
    #[serde(rename = "200")]
    pub px200: Option<String>,
    #[serde(rename = "220")]
    pub px220: Option<String>,
    #[serde(rename = "310")]
    pub px310: Option<String>,
    #[serde(rename = "520")]
    pub px520: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Leftovers {
    One,
    Few,
    Lot,
}

/// The notifications page, by hand.
#[derive(Debug, Deserialize)]
pub struct Notifications {
    pub status: Option<String>,
    pub message: Option<String>,
    pub payload: Option<NotificationsPayload>,
}

#[derive(Debug, Deserialize)]
pub struct NotificationsPayload {
    pub messages: Option<Vec<Message>>,
}

#[derive(Debug, Deserialize)]
pub struct Message {
    pub body: Option<String>,
    pub campaign_id: Option<i64>,
    pub code: Option<String>,
    pub date: Option<String>,
    pub event: Option<MessageEvent>,
    pub icon: Option<String>,
    pub picture: Option<String>,
    pub sent_at: Option<String>,
    pub subject: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<MessageType>,
    pub url: Option<String>,
    pub statistics: Option<MessageStatistics>,
}

#[derive(Debug, Deserialize)]
pub struct MessageEvent {
    #[serde(rename = "type")]
    pub kind: Option<EventType>,
    pub uri: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventType {
    Web,
    Category,
    Product,
    Custom,
}

#[derive(Debug, Deserialize)]
pub struct MessageStatistics {
    pub clicked: Option<bool>,
    pub complained: Option<bool>,
    pub hard_bounced: Option<bool>,
    pub opened: Option<bool>,
    pub purchased: Option<bool>,
    pub soft_bounced: Option<bool>,
    pub unsubscribed: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageType {
    Bulk,
    Chain,
    Transactional,
    Trigger,
}

/// A profile, by hand.
#[derive(Debug, Deserialize)]
pub struct Profile {
    pub id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub birthday: Option<String>,
    pub age: Option<i64>,
    pub gender: Option<Gender>,
    pub computed_gender: Option<Gender>,
    pub location: Option<String>,
    pub bought_something: Option<bool>,
    pub loyalty_id: Option<String>,
    pub loyalty_card_location: Option<String>,
    pub loyalty_status: Option<String>,
    pub loyalty_bonuses: Option<f64>,
    pub loyalty_bonuses_to_next_level: Option<f64>,
    pub fb_id: Option<String>,
    pub vk_id: Option<String>,
    pub telegram_id: Option<String>,
    pub kids: Option<Vec<Kid>>,
    pub auto: Option<Vec<Auto>>,
    pub additional_emails: Option<Vec<String>>,
    pub additional_phones: Option<Vec<String>>,
    pub additional_loyalty_ids: Option<Vec<String>>,
    pub has_email: Option<bool>,
    pub custom_properties: Option<std::collections::BTreeMap<String, Value>>,
    pub orders: Option<Vec<Order>>,
    pub tags: Option<Vec<String>>,
    pub status: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
pub enum Gender {
    #[serde(rename = "m")]
    Male,
    #[serde(rename = "f")]
    Female,
}

#[derive(Debug, Deserialize, Serialize)]
pub struct Kid {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Auto {
    pub brand: Option<String>,
    pub model: Option<String>,
    pub vds: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Order {
    pub id: Option<String>,
    pub status: Option<String>,
    pub value: Option<f64>,
    pub items: Option<Vec<OrderItem>>,
}

#[derive(Debug, Deserialize)]
pub struct OrderItem {
    pub id: Option<String>,
    pub name: Option<String>,
    pub price: Option<f64>,
    pub quantity: Option<i64>,
}

/// The response of `POST /profile/set`, by hand.
#[derive(Debug, Deserialize)]
pub struct StatusResponse {
    pub status: Option<String>,
    pub message: Option<String>,
    pub payload: Option<Value>,
}

/// The body of `POST /profile/set`, by hand: the README's call.
#[derive(Debug, Serialize)]
pub struct SetProfile<'a> {
    pub shop_id: &'a str,
    pub shop_secret: &'a str,
    pub email: &'a str,
    pub first_name: &'a str,
    pub birthday: &'a str,
    pub kids: Vec<Kid>,
    pub custom_integer_property: i64,
}
