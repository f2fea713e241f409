//! The client against a local HTTP server (`support`): what goes on the wire for the request
//! examples of PersonaClick's "User Profile (REST API)" page, how the page's response shapes
//! decode, how errors map, that bad arguments never leave the process, and that the shop secret
//! never shows in an error or a `Debug`.

mod support;

use std::error::Error as _;

use personaclick::{
    Auto, Channel, Client, CustomValue, Error, EventType, Gender, Kid, Leftovers, MessageType,
    Status,
};
use serde_json::{json, Value};
use support::{Recorded, Response, TestServer};

// The values of the page's request examples.
const SHOP_ID: &str = "0d42fd8b713d0752776ca589cc0056";
const SHOP_SECRET: &str = "0123456789abcdef0123456789abcdef";
const SEANCE: &str = "R5eQXkrKCf";
const DID: &str = "vxlwRZ7Cnk";
const EMAIL: &str = "john.doe@examplemail.com";

/// A secret that must never show in anything the client displays.
const SENTINEL: &str = "SENTINEL-SECRET-123";

/// A client with the store's secret, talking to `server`. Strict: a response value the
/// schema does not describe fails the test (tests/lenient.rs reads them leniently).
fn client(server: &TestServer) -> Client {
    Client::builder()
        .shop_id(SHOP_ID)
        .shop_secret(SHOP_SECRET)
        .base_url(server.url())
        .strict_responses(true)
        .build()
        .expect("client")
}

/// The same client, reading responses leniently (the default): values written as another
/// type are converted where that is lossless (`"43"` for an integer).
fn lenient_client(server: &TestServer) -> Client {
    Client::builder()
        .shop_id(SHOP_ID)
        .shop_secret(SHOP_SECRET)
        .base_url(server.url())
        .build()
        .expect("client")
}

/// A client without the secret: a device, identified by its `did`. Strict too.
fn device_client(server: &TestServer) -> Client {
    Client::builder()
        .shop_id(SHOP_ID)
        .base_url(server.url())
        .strict_responses(true)
        .build()
        .expect("client")
}

/// A device's client, reading responses leniently.
fn lenient_device_client(server: &TestServer) -> Client {
    Client::builder()
        .shop_id(SHOP_ID)
        .base_url(server.url())
        .build()
        .expect("client")
}

/// A server answering `{"status":"success"}`.
async fn ok_server() -> TestServer {
    TestServer::start(Response::json(200, r#"{"status":"success"}"#)).await
}

/// The query of a URL from the page, decoded into pairs, sorted (the client may order them
/// differently).
fn page_pairs(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').expect("a query").1;
    sorted(
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect(),
    )
}

fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}

fn assert_get(request: &Recorded, path: &str) {
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, path);
    assert!(request.body.is_empty(), "a GET carries no body");
    assert_eq!(request.header("accept"), Some("application/json"));
}

fn assert_post(request: &Recorded, path: &str) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, path);
    assert_eq!(
        request.query, None,
        "a POST carries its parameters in the body"
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("application/json"));
}

/// The problems of an `Error::InvalidRequest`; panics on any other result.
fn problems<T: std::fmt::Debug>(result: Result<T, Error>) -> Vec<String> {
    match result {
        Err(Error::InvalidRequest(invalid)) => invalid.problems().to_vec(),
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
}

/// Asserts that one problem names every one of `names` (as `` `name` ``).
fn assert_names(problems: &[String], names: &[&str]) {
    let found = problems
        .iter()
        .any(|p| names.iter().all(|n| p.contains(&format!("`{n}`"))));
    assert!(found, "no problem names all of {names:?}: {problems:?}");
}

// ---------------------------------------------------------------------------------------------
// 1. Requests: the page's examples, through the typed client.
// ---------------------------------------------------------------------------------------------

/// The body of the page's "Update User Profile" example, verbatim.
const SET_PROFILE_EXAMPLE: &str = r#"{"id":100500,"email":"john.doe@examplemail.com","phone":"4400114527199","first_name":"John","last_name":"Doe","birthday":"1990-03-11","age":31,"gender":"m","location":"NY","bought_something":true,"loyalty_id":"000001234567","loyalty_card_location":"NY","loyalty_status":"5% discount","loyalty_bonuses":1123,"loyalty_bonuses_to_next_level":1877,"fb_id":"000000000354677","vk_id":"vk031845","telegram_id":"0125762968357835","kids":[{"gender":"m","birthday":"2001-04-12"},{"gender":"f","birthday":"2015-07-28"}],"auto":[{"brand":"Nissan","model":"Qashqai","vds":"TM7N243E4G0BJG978"}],"custom_string_property":"the string value of the custom property","custom_integer_property":100500,"custom_float_property":7.62,"custom_array_of_string_property":["value1","value2","value3"],"custom_json_property":{"key1":"value1","key2":"value2","key3":"value3"},"custom_date_property":"2021-12-31 23:55:00","shop_id":"0d42fd8b713d0752776ca589cc0056","seance":"R5eQXkrKCf","shop_secret":"0123456789abcdef0123456789abcdef"}"#;

// The page's example sets what the unified docs have since deprecated: it is sent as before.
#[allow(deprecated)]
#[tokio::test]
async fn set_profile_sends_the_page_example() {
    let server = ok_server().await;
    let response = client(&server)
        .set_profile()
        .seance(SEANCE)
        .id("100500")
        .email(EMAIL)
        .phone("4400114527199")
        .first_name("John")
        .last_name("Doe")
        .birthday("1990-03-11")
        .age(31)
        .gender(Gender::Male)
        .location("NY")
        .bought_something(true)
        .loyalty_id("000001234567")
        .loyalty_card_location("NY")
        .loyalty_status("5% discount")
        .loyalty_bonuses(1123.0)
        .loyalty_bonuses_to_next_level(1877.0)
        .fb_id("000000000354677")
        .vk_id("vk031845")
        .telegram_id("0125762968357835")
        .kids([
            Kid::new().gender(Gender::Male).birthday("2001-04-12"),
            Kid::new().gender(Gender::Female).birthday("2015-07-28"),
        ])
        .auto([Auto::new()
            .brand("Nissan")
            .model("Qashqai")
            .vds("TM7N243E4G0BJG978")])
        .custom_property(
            "custom_string_property",
            "the string value of the custom property",
        )
        .custom_property("custom_integer_property", 100500)
        .custom_property("custom_float_property", 7.62)
        .custom_property(
            "custom_array_of_string_property",
            vec![
                "value1".to_string(),
                "value2".to_string(),
                "value3".to_string(),
            ],
        )
        .custom_property(
            "custom_json_property",
            json!({"key1": "value1", "key2": "value2", "key3": "value3"}),
        )
        .custom_property(
            "custom_date_property",
            CustomValue::Date("2021-12-31 23:55:00".into()),
        )
        .send()
        .await
        .expect("set_profile");
    assert_eq!(response.status, Some(Status::Success));

    let request = server.only_request();
    assert_post(&request, "/profile/set");
    let sent = request.json();
    let mut expected: Value = serde_json::from_str(SET_PROFILE_EXAMPLE).unwrap();
    // The session goes under its newer name too (schema: `seance` has the alias `sid`).
    expected["sid"] = json!(SEANCE);
    // The schema sends the store-side user ID as a string (the table types it "number/string";
    // the example sends a number): documented in schema/profile.yaml.
    expected["id"] = json!("100500");
    // And under the unified docs' name for it too (schema/profile.yaml, `id`'s note).
    expected["external_id"] = json!("100500");

    // Everything but the bonus counts first, so a failure below is about them alone.
    let bonuses = ["loyalty_bonuses", "loyalty_bonuses_to_next_level"];
    let without_bonuses = |v: &Value| {
        let mut v = v.clone();
        for key in bonuses {
            v.as_object_mut().unwrap().remove(key);
        }
        v
    };
    assert_eq!(without_bonuses(&sent), without_bonuses(&expected));
    // The page sends whole counts (`"loyalty_bonuses":1123`); a count typed `number` (f64)
    // must still go out as the page writes it, not as `1123.0`.
    for key in bonuses {
        assert_eq!(
            sent[key],
            expected[key],
            "`{key}`: the body says {}",
            String::from_utf8_lossy(&request.body)
                .split(&format!("\"{key}\":"))
                .nth(1)
                .and_then(|rest| rest.split([',', '}']).next())
                .unwrap_or("?")
        );
    }
}

#[tokio::test]
async fn get_profile_sends_the_page_example() {
    let page = "https://api.personaclick.com/profile?email=john.doe@examplemail.com&shop_id=0d42fd8b713d0752776ca589cc0056&shop_secret=0123456789abcdef0123456789abcdef";
    let server = TestServer::start(Response::json(
        200,
        r#"{"email":"john.doe@examplemail.com"}"#,
    ))
    .await;
    let profile = client(&server)
        .get_profile()
        .email(EMAIL)
        .send()
        .await
        .expect("get_profile");
    assert_eq!(profile.email.as_deref(), Some(EMAIL));

    let request = server.only_request();
    assert_get(&request, "/profile");
    assert_eq!(
        request.query.as_deref(),
        Some(
            "shop_id=0d42fd8b713d0752776ca589cc0056&shop_secret=0123456789abcdef0123456789abcdef&email=john.doe@examplemail.com"
        )
    );
    assert_eq!(sorted(request.query_pairs()), page_pairs(page));
}

#[tokio::test]
async fn get_profile_escapes_what_a_query_cannot_carry() {
    let server = TestServer::start(Response::json(200, "{}")).await;
    client(&server)
        .get_profile()
        .phone("+44 001&x=1")
        .send()
        .await
        .expect("get_profile");

    let request = server.only_request();
    assert_eq!(
        request.query.as_deref(),
        Some(
            "shop_id=0d42fd8b713d0752776ca589cc0056&shop_secret=0123456789abcdef0123456789abcdef&phone=%2B44%20001%26x%3D1"
        )
    );
    assert_eq!(
        request.query_pairs(),
        [
            ("shop_id".to_string(), SHOP_ID.to_string()),
            ("shop_secret".to_string(), SHOP_SECRET.to_string()),
            ("phone".to_string(), "+44 001&x=1".to_string()),
        ]
    );
}

#[tokio::test]
async fn get_last_order_products_sends_the_page_example() {
    let page = "https://api.personaclick.com/orders/last_for_user?shop_id=0d42fd8b713d0752776ca589cc0056&did=vxlwRZ7Cnk";
    let server = TestServer::start(Response::json(200, "[]")).await;
    let products = device_client(&server)
        .get_last_order_products()
        .did(DID)
        .send()
        .await
        .expect("get_last_order_products");
    assert!(products.is_empty());

    let request = server.only_request();
    assert_get(&request, "/orders/last_for_user");
    assert_eq!(
        request.query.as_deref(),
        Some("shop_id=0d42fd8b713d0752776ca589cc0056&did=vxlwRZ7Cnk")
    );
    assert_eq!(sorted(request.query_pairs()), page_pairs(page));
}

#[tokio::test]
async fn get_last_order_products_sends_the_session_under_both_names() {
    let server = TestServer::start(Response::json(200, "[]")).await;
    device_client(&server)
        .get_last_order_products()
        .did(DID)
        .seance(SEANCE)
        .segment(personaclick::Segment::B)
        .send()
        .await
        .expect("get_last_order_products");

    let request = server.only_request();
    assert_eq!(
        request.query.as_deref(),
        Some("shop_id=0d42fd8b713d0752776ca589cc0056&did=vxlwRZ7Cnk&seance=R5eQXkrKCf&sid=R5eQXkrKCf&segment=B")
    );
}

// The page's example sets what the unified docs have since deprecated: it is sent as before.
#[allow(deprecated)]
#[tokio::test]
async fn get_notifications_sends_the_page_example() {
    let page = "https://api.personaclick.com/notifications?shop_id=0d42fd8b713d0752776ca589cc0056&shop_secret=0123456789abcdef0123456789abcdef&date_from=2023-07-01&email=john.doe@examplemail.com&type=bulk,trigger,transactional&channel=web_push,mobile_push";
    let server = ok_server().await;
    let notifications = client(&server)
        .get_notifications()
        .date_from("2023-07-01")
        .email(EMAIL)
        .types([
            MessageType::Bulk,
            MessageType::Trigger,
            MessageType::Transactional,
        ])
        .channels([Channel::WebPush, Channel::MobilePush])
        .send()
        .await
        .expect("get_notifications");
    assert_eq!(notifications.status, Some(Status::Success));

    let request = server.only_request();
    assert_get(&request, "/notifications");
    // Same order as the page, and `@` and `,` unescaped: the query reads as the page writes it.
    assert_eq!(request.query.as_deref(), page.split_once('?').map(|s| s.1));
    assert_eq!(sorted(request.query_pairs()), page_pairs(page));
}

// The page's example sets what the unified docs have since deprecated: it is sent as before.
#[allow(deprecated)]
#[tokio::test]
async fn get_notifications_sends_page_and_limit() {
    let server = ok_server().await;
    client(&server)
        .get_notifications()
        .date_from("2023-07-01")
        .did(DID)
        .types([MessageType::Chain])
        .channels([Channel::MobilePush])
        .page(2)
        .limit(50)
        .send()
        .await
        .expect("get_notifications");

    assert_eq!(
        server.only_request().query.as_deref(),
        Some("shop_id=0d42fd8b713d0752776ca589cc0056&shop_secret=0123456789abcdef0123456789abcdef&date_from=2023-07-01&did=vxlwRZ7Cnk&type=chain&channel=mobile_push&page=2&limit=50")
    );
}

#[tokio::test]
async fn force_change_email_sends_the_page_example() {
    let server = ok_server().await;
    let response = client(&server)
        .force_change_email()
        .new_email(EMAIL)
        .old_email("john@examplemail.com")
        .i_understand_what_i_am_doing()
        .send()
        .await
        .expect("force_change_email");
    assert_eq!(response.status, Some(Status::Success));

    let request = server.only_request();
    assert_post(&request, "/profile/force_change_email");
    let expected: Value = serde_json::from_str(r#"{"shop_id":"0d42fd8b713d0752776ca589cc0056","shop_secret":"0123456789abcdef0123456789abcdef","new_email":"john.doe@examplemail.com","old_email":"john@examplemail.com","i_understand_what_i_am_doing":true}"#).unwrap();
    assert_eq!(request.json(), expected);
}

#[tokio::test]
async fn force_change_phone_sends_the_page_example() {
    let server = ok_server().await;
    let response = client(&server)
        .force_change_phone()
        .new_phone("440005551122")
        .old_phone("449995550000")
        .i_understand_what_i_am_doing()
        .send()
        .await
        .expect("force_change_phone");
    assert_eq!(response.status, Some(Status::Success));

    let request = server.only_request();
    assert_post(&request, "/profile/force_change_phone");
    let expected: Value = serde_json::from_str(r#"{"shop_id":"0d42fd8b713d0752776ca589cc0056","shop_secret":"0123456789abcdef0123456789abcdef","new_phone":"440005551122","old_phone":"449995550000","i_understand_what_i_am_doing":true}"#).unwrap();
    assert_eq!(request.json(), expected);
}

/// From the unified docs' page: the parameters, named as there.
#[tokio::test]
async fn force_change_id_sends_its_parameters() {
    let server = ok_server().await;
    let response = client(&server)
        .force_change_id()
        .old_external_id("100500")
        .new_external_id("100501")
        .i_understand_what_i_am_doing()
        .send()
        .await
        .expect("force_change_id");
    assert_eq!(response.status, Some(Status::Success));

    let request = server.only_request();
    assert_post(&request, "/profile/force_change_id");
    let expected: Value = serde_json::from_str(r#"{"shop_id":"0d42fd8b713d0752776ca589cc0056","shop_secret":"0123456789abcdef0123456789abcdef","old_external_id":"100500","new_external_id":"100501","i_understand_what_i_am_doing":true}"#).unwrap();
    assert_eq!(request.json(), expected);
}

/// "Erase Personal Data" as the unified docs' example sends it: DELETE, with a JSON body.
#[tokio::test]
async fn purge_profile_sends_the_unified_example() {
    let server = ok_server().await;
    let response = client(&server)
        .purge_profile()
        .email("EMAIL")
        .send()
        .await
        .expect("purge_profile");
    assert_eq!(response.status, Some(Status::Success));

    let request = server.only_request();
    assert_eq!(request.method, "DELETE");
    assert_eq!(request.path, "/profile/purge");
    assert_eq!(request.query, None);
    assert_eq!(request.header("content-type"), Some("application/json"));
    let expected = json!({"shop_id": SHOP_ID, "shop_secret": SHOP_SECRET, "email": "EMAIL"});
    assert_eq!(request.json(), expected);
}

#[tokio::test]
async fn purge_profile_needs_the_secret_and_an_identifier() {
    let server = ok_server().await;
    assert_names(
        &problems(client(&server).purge_profile().send().await),
        &["email", "phone", "external_id", "loyalty_id", "telegram_id"],
    );
    assert_names(
        &problems(
            device_client(&server)
                .purge_profile()
                .email(EMAIL)
                .send()
                .await,
        ),
        &["shop_secret"],
    );
    assert!(server.requests().is_empty());
}

/// The unified docs' identifiers select the profile to read, with the store's secret.
#[tokio::test]
async fn get_profile_sends_the_unified_identifiers() {
    let server = ok_server().await;
    client(&server)
        .get_profile()
        .external_id("100500")
        .telegram_id("0125762968357835")
        .send()
        .await
        .expect("get_profile");
    let request = server.only_request();
    assert_get(&request, "/profile");
    assert_eq!(
        sorted(request.query_pairs()),
        sorted(vec![
            ("shop_id".into(), SHOP_ID.into()),
            ("shop_secret".into(), SHOP_SECRET.into()),
            ("external_id".into(), "100500".into()),
            ("telegram_id".into(), "0125762968357835".into()),
        ])
    );
    let p = problems(
        device_client(&server)
            .get_profile()
            .external_id("100500")
            .send()
            .await,
    );
    assert_names(&p, &["shop_secret"]);
}

/// Not on the page (it points to "Initialization (REST API)"): the parameters the schema gives.
#[tokio::test]
async fn init_sends_its_parameters() {
    let server = TestServer::start(Response::json(200, r#"{"did":"vxlwRZ7Cnk"}"#)).await;
    device_client(&server)
        .init()
        .did(DID)
        .seance(SEANCE)
        .tz(3)
        .stream("web")
        .testmode(true)
        .send()
        .await
        .expect("init");

    let request = server.only_request();
    assert_get(&request, "/init");
    assert_eq!(
        request.query.as_deref(),
        Some("shop_id=0d42fd8b713d0752776ca589cc0056&did=vxlwRZ7Cnk&seance=R5eQXkrKCf&sid=R5eQXkrKCf&tz=3&stream=web&testmode=true")
    );
}

#[tokio::test]
async fn init_on_a_new_device_sends_only_the_shop() {
    let server = TestServer::start(Response::json(200, r#"{"did":"vxlwRZ7Cnk"}"#)).await;
    device_client(&server).init().send().await.expect("init");
    assert_eq!(
        server.only_request().query.as_deref(),
        Some("shop_id=0d42fd8b713d0752776ca589cc0056")
    );
}

#[tokio::test]
async fn connections_are_reused() {
    let server = ok_server().await;
    let client = client(&server);
    for _ in 0..3 {
        client
            .force_change_phone()
            .old_phone("1")
            .new_phone("2")
            .i_understand_what_i_am_doing()
            .send()
            .await
            .expect("force_change_phone");
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests.iter().all(|r| r.connection == 0),
        "one connection for sequential calls: {:?}",
        requests.iter().map(|r| r.connection).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_dropped_server_stops_answering() {
    let server = ok_server().await;
    let client = client(&server);
    call(&client, "force_change_phone").await.expect("served");
    drop(server);
    let e = call(&client, "force_change_phone")
        .await
        .expect_err("the server is gone");
    assert!(matches!(e, Error::Transport(_)), "{e:?}");
}

// ---------------------------------------------------------------------------------------------
// 2. Responses: the page's shapes, decoded.
// ---------------------------------------------------------------------------------------------

// Every field is read, the deprecated loyalty ones included.
#[allow(deprecated)]
#[tokio::test]
async fn get_profile_decodes_a_full_profile() {
    let body = json!({
        "id": 100500,
        "email": EMAIL,
        "phone": "4400114527199",
        "first_name": "John",
        "last_name": "Doe",
        "birthday": "1990-03-11",
        "age": 31,
        "gender": "x",
        "computed_gender": null,
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
            {"gender": "f", "birthday": "2015-07-28"},
            {"gender": null, "birthday": "2019-01-02"}
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
                {"id": 17, "name": null, "price": 500, "quantity": 1}
            ]
        }],
        "tags": ["vip", "newsletter"]
    });
    let server = TestServer::start(Response::json(200, body.to_string())).await;
    let p = lenient_client(&server)
        .get_profile()
        .email(EMAIL)
        .send()
        .await
        .expect("get_profile");
    assert!(
        p.unread().is_empty(),
        "converted, not unread: {:?}",
        p.unread()
    );

    assert_eq!(
        p.id.as_deref(),
        Some("100500"),
        "a numeric id is read as text"
    );
    assert_eq!(p.email.as_deref(), Some(EMAIL));
    assert_eq!(p.phone.as_deref(), Some("4400114527199"));
    assert_eq!(p.first_name.as_deref(), Some("John"));
    assert_eq!(p.last_name.as_deref(), Some("Doe"));
    assert_eq!(
        p.birthday.as_ref().map(ToString::to_string),
        Some("1990-03-11".to_string())
    );
    assert_eq!(p.age, Some(31));
    match &p.gender {
        Some(Gender::Unknown(v)) => assert_eq!(v.as_str(), "x"),
        other => panic!("gender \"x\" should be Gender::Unknown, got {other:?}"),
    }
    assert_eq!(p.gender.as_ref().map(Gender::as_str), Some("x"));
    assert_eq!(p.computed_gender, None);
    assert_eq!(p.location.as_deref(), Some("NY"));
    assert_eq!(p.bought_something, Some(true));
    assert_eq!(p.loyalty_id.as_deref(), Some("000001234567"));
    assert_eq!(p.loyalty_card_location.as_deref(), Some("NY"));
    assert_eq!(p.loyalty_status.as_deref(), Some("5% discount"));
    assert_eq!(p.loyalty_bonuses, Some(1123.0));
    assert_eq!(p.loyalty_bonuses_to_next_level, Some(1877.5));
    assert_eq!(p.fb_id.as_deref(), Some("000000000354677"));
    assert_eq!(p.vk_id.as_deref(), Some("vk031845"));
    assert_eq!(p.telegram_id.as_deref(), Some("0125762968357835"));

    let kids = p.kids.as_ref().expect("kids");
    assert_eq!(kids.len(), 3);
    assert_eq!(kids[0].gender, Some(Gender::Male));
    assert_eq!(
        kids[0].birthday.as_ref().map(ToString::to_string),
        Some("2001-04-12".to_string())
    );
    assert_eq!(kids[1].gender, Some(Gender::Female));
    assert_eq!(
        kids[1].birthday.as_ref().map(ToString::to_string),
        Some("2015-07-28".to_string())
    );
    assert_eq!(kids[2].gender, None);
    assert_eq!(
        kids[2].birthday.as_ref().map(ToString::to_string),
        Some("2019-01-02".to_string())
    );

    let auto = p.auto.as_ref().expect("auto");
    assert_eq!(auto.len(), 1);
    assert_eq!(auto[0].brand.as_deref(), Some("Nissan"));
    assert_eq!(auto[0].model.as_deref(), Some("Qashqai"));
    assert_eq!(auto[0].vds.as_deref(), Some("TM7N243E4G0BJG978"));

    assert_eq!(
        p.additional_emails.as_deref(),
        Some(&["john@examplemail.com".to_string()][..])
    );
    assert_eq!(
        p.additional_phones.as_deref(),
        Some(&["449995550000".to_string()][..])
    );
    assert_eq!(
        p.additional_loyalty_ids.as_deref(),
        Some(&["000007654321".to_string()][..])
    );
    assert_eq!(p.has_email, Some(true));

    let custom = p.custom_properties.as_ref().expect("custom_properties");
    assert_eq!(custom.len(), 3);
    assert_eq!(custom["custom_integer_property"], json!(100500));
    assert_eq!(
        custom["custom_array_of_string_property"],
        json!(["value1", "value2"])
    );
    assert_eq!(custom["custom_json_property"], json!({"key1": "value1"}));

    let orders = p.orders.as_ref().expect("orders");
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].id.as_deref(), Some("A-1001"));
    assert_eq!(orders[0].status.as_deref(), Some("delivered"));
    assert_eq!(orders[0].value, Some(1500.5));
    let items = orders[0].items.as_ref().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].id.as_deref(), Some("sku-1"));
    assert_eq!(items[0].name.as_deref(), Some("T-shirt"));
    assert_eq!(items[0].price, Some(500.25));
    assert_eq!(items[0].quantity, Some(2));
    assert_eq!(items[1].id.as_deref(), Some("17"));
    assert_eq!(items[1].name, None);
    assert_eq!(items[1].price, Some(500.0));
    assert_eq!(items[1].quantity, Some(1));

    assert_eq!(
        p.tags.as_deref(),
        Some(&["vip".to_string(), "newsletter".to_string()][..])
    );
    assert_eq!(p.status, None);
    assert_eq!(p.message, None);
}

#[tokio::test]
async fn get_profile_decodes_known_genders() {
    let server = TestServer::start(Response::json(
        200,
        r#"{"gender":"f","computed_gender":"m"}"#,
    ))
    .await;
    let p = client(&server)
        .get_profile()
        .email(EMAIL)
        .send()
        .await
        .expect("get_profile");
    assert_eq!(p.gender, Some(Gender::Female));
    assert_eq!(p.computed_gender, Some(Gender::Male));
}

#[tokio::test]
async fn get_last_order_products_decodes_products() {
    let body = json!([
        {
            "barcode": "4600000000017",
            "brand": "Acme",
            "categories": [
                {"id": "10", "name": "Clothes", "parent": null, "url": "https://shop.example/c/10"},
                {"id": 11, "name": "T-shirts", "parent": "10", "url": "https://shop.example/c/11"}
            ],
            "category_ids": ["10", 11],
            "currency": "USD",
            "description": "A cotton T-shirt",
            "discount": 20,
            "discount_formatted": "20%",
            "fashion_colors": [
                {"color": "red", "picture": "https://img.example/red.jpg"},
                {"color": "blue", "picture": "https://img.example/blue.jpg"}
            ],
            "fashion_original_sizes": ["M", "L"],
            "fashion_sizes": ["48", "50"],
            "group_id": "g-1",
            "id": 100,
            "image_url": "https://img.example/100.jpg",
            "image_url_handle": "/100.jpg",
            "image_url_resized": {
                "120": "https://img.example/120/100.jpg",
                "140": "https://img.example/140/100.jpg",
                "160": "https://img.example/160/100.jpg",
                "180": "https://img.example/180/100.jpg",
                "200": "https://img.example/200/100.jpg",
                "220": "https://img.example/220/100.jpg",
                "310": "https://img.example/310/100.jpg",
                "520": "https://img.example/520/100.jpg"
            },
            "is_new": true,
            "leftovers": "few",
            "model": "Basic Tee",
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
            "stock_quantity": 12,
            "url": "https://shop.example/p/100",
            "url_handle": "/p/100"
        },
        {"id": "101", "leftovers": "lot"},
        {"id": "102", "leftovers": "one"},
        {"id": "103", "leftovers": "plenty"}
    ]);
    let server = TestServer::start(Response::json(200, body.to_string())).await;
    let products = lenient_device_client(&server)
        .get_last_order_products()
        .did(DID)
        .send()
        .await
        .expect("get_last_order_products");
    assert!(
        products.iter().all(|p| p.unread().is_empty()),
        "{products:?}"
    );

    assert_eq!(products.len(), 4);
    let p = &products[0];
    assert_eq!(p.barcode.as_deref(), Some("4600000000017"));
    assert_eq!(p.brand.as_deref(), Some("Acme"));
    let categories = p.categories.as_ref().expect("categories");
    assert_eq!(categories.len(), 2);
    assert_eq!(categories[0].id.as_deref(), Some("10"));
    assert_eq!(categories[0].name.as_deref(), Some("Clothes"));
    assert_eq!(categories[0].parent, None);
    assert_eq!(
        categories[0].url.as_deref(),
        Some("https://shop.example/c/10")
    );
    assert_eq!(categories[1].id.as_deref(), Some("11"));
    assert_eq!(categories[1].parent.as_deref(), Some("10"));
    assert_eq!(
        p.category_ids.as_deref(),
        Some(&["10".to_string(), "11".to_string()][..])
    );
    assert_eq!(p.currency.as_deref(), Some("USD"));
    assert_eq!(p.description.as_deref(), Some("A cotton T-shirt"));
    assert_eq!(p.discount, Some(20.0));
    assert_eq!(p.discount_formatted.as_deref(), Some("20%"));
    let colors = p.fashion_colors.as_ref().expect("fashion_colors");
    assert_eq!(colors.len(), 2);
    assert_eq!(colors[0].color.as_deref(), Some("red"));
    assert_eq!(
        colors[0].picture.as_deref(),
        Some("https://img.example/red.jpg")
    );
    assert_eq!(colors[1].color.as_deref(), Some("blue"));
    assert_eq!(
        p.fashion_original_sizes.as_deref(),
        Some(&["M".to_string(), "L".to_string()][..])
    );
    assert_eq!(
        p.fashion_sizes.as_deref(),
        Some(&["48".to_string(), "50".to_string()][..])
    );
    assert_eq!(p.group_id.as_deref(), Some("g-1"));
    assert_eq!(p.id.as_deref(), Some("100"));
    assert_eq!(p.image_url.as_deref(), Some("https://img.example/100.jpg"));
    assert_eq!(p.image_url_handle.as_deref(), Some("/100.jpg"));
    let resized = p.image_url_resized.as_ref().expect("image_url_resized");
    let sizes = [
        (&resized.px120, 120),
        (&resized.px140, 140),
        (&resized.px160, 160),
        (&resized.px180, 180),
        (&resized.px200, 200),
        (&resized.px220, 220),
        (&resized.px310, 310),
        (&resized.px520, 520),
    ];
    for (url, px) in sizes {
        assert_eq!(
            url.as_deref(),
            Some(format!("https://img.example/{px}/100.jpg").as_str())
        );
    }
    assert_eq!(p.is_new, Some(true));
    assert_eq!(p.leftovers, Some(Leftovers::Few));
    assert_eq!(p.model.as_deref(), Some("Basic Tee"));
    assert_eq!(p.name.as_deref(), Some("T-shirt"));
    assert_eq!(p.oldprice, Some(25.0));
    assert_eq!(p.oldprice_formatted.as_deref(), Some("$25"));
    assert_eq!(p.oldprice_full, Some(24.99));
    assert_eq!(p.oldprice_full_formatted.as_deref(), Some("$24.99"));
    let params = p.params.as_ref().expect("params");
    assert_eq!(params.len(), 2);
    assert_eq!(params[0].key.as_deref(), Some("material"));
    assert_eq!(
        params[0].values.as_deref(),
        Some(&["cotton".to_string()][..])
    );
    assert_eq!(params[1].key.as_deref(), Some("fit"));
    assert_eq!(
        params[1].values.as_deref(),
        Some(&["slim".to_string(), "regular".to_string()][..])
    );
    assert_eq!(p.price, Some(20.0));
    assert_eq!(p.price_formatted.as_deref(), Some("$20"));
    assert_eq!(p.price_full, Some(19.99));
    assert_eq!(p.price_full_formatted.as_deref(), Some("$19.99"));
    assert_eq!(p.rating, Some(4.5));
    assert_eq!(p.stock_quantity, Some(12.0));
    assert_eq!(p.url.as_deref(), Some("https://shop.example/p/100"));
    assert_eq!(p.url_handle.as_deref(), Some("/p/100"));

    assert_eq!(products[1].leftovers, Some(Leftovers::Lot));
    assert_eq!(products[2].leftovers, Some(Leftovers::One));
    match &products[3].leftovers {
        Some(Leftovers::Unknown(v)) => assert_eq!(v.as_str(), "plenty"),
        other => panic!("\"plenty\" should be Leftovers::Unknown, got {other:?}"),
    }
    assert_eq!(products[3].image_url_resized, None);
}

#[tokio::test]
async fn get_notifications_decodes_messages() {
    let body = json!({
        "status": "success",
        "payload": {
            "messages": [
                {
                    "body": "Our summer sale starts today",
                    "campaign_id": 42,
                    "code": "c0de42",
                    "date": "2023-07-02",
                    "event": {"type": "product", "uri": "100"},
                    "icon": "https://img.example/icon.png",
                    "picture": "https://img.example/sale.jpg",
                    "sent_at": "2023-07-02T10:20:30.000Z",
                    "subject": "Summer sale",
                    "type": "bulk",
                    "url": "https://shop.example/sale",
                    "statistics": {
                        "clicked": true,
                        "complained": false,
                        "hard_bounced": false,
                        "opened": true,
                        "purchased": true,
                        "soft_bounced": false,
                        "unsubscribed": false
                    }
                },
                {
                    "campaign_id": "43",
                    "type": "trigger",
                    "event": {"type": "custom", "uri": "{\"screen\":\"cart\"}"}
                },
                {
                    "type": "transactional",
                    "event": {"type": "deeplink", "uri": "app://x"}
                }
            ]
        }
    });
    let server = TestServer::start(Response::json(200, body.to_string())).await;
    let n = lenient_client(&server)
        .get_notifications()
        .email(EMAIL)
        .types([MessageType::Bulk])
        .channels([Channel::WebPush])
        .send()
        .await
        .expect("get_notifications");
    assert!(n.unread().is_empty(), "{:?}", n.unread());

    assert_eq!(n.status, Some(Status::Success));
    assert_eq!(n.message, None);
    let messages = n
        .payload
        .as_ref()
        .and_then(|p| p.messages.as_ref())
        .expect("payload.messages");
    assert_eq!(messages.len(), 3);
    let m = &messages[0];
    assert_eq!(m.body.as_deref(), Some("Our summer sale starts today"));
    assert_eq!(m.campaign_id, Some(42));
    assert_eq!(m.code.as_deref(), Some("c0de42"));
    assert_eq!(
        m.date.as_ref().map(ToString::to_string),
        Some("2023-07-02".to_string())
    );
    let event = m.event.as_ref().expect("event");
    assert_eq!(event.kind, Some(EventType::Product));
    assert_eq!(event.uri.as_deref(), Some("100"));
    assert_eq!(m.icon.as_deref(), Some("https://img.example/icon.png"));
    assert_eq!(m.picture.as_deref(), Some("https://img.example/sale.jpg"));
    assert_eq!(
        m.sent_at.as_ref().map(ToString::to_string),
        Some("2023-07-02T10:20:30.000Z".to_string())
    );
    assert_eq!(m.subject.as_deref(), Some("Summer sale"));
    assert_eq!(m.kind, Some(MessageType::Bulk));
    assert_eq!(m.url.as_deref(), Some("https://shop.example/sale"));
    let s = m.statistics.as_ref().expect("statistics");
    assert_eq!(
        (
            s.clicked,
            s.complained,
            s.hard_bounced,
            s.opened,
            s.purchased,
            s.soft_bounced,
            s.unsubscribed
        ),
        (
            Some(true),
            Some(false),
            Some(false),
            Some(true),
            Some(true),
            Some(false),
            Some(false)
        )
    );

    assert_eq!(messages[1].campaign_id, Some(43));
    assert_eq!(messages[1].kind, Some(MessageType::Trigger));
    let event = messages[1].event.as_ref().expect("event");
    assert_eq!(event.kind, Some(EventType::Custom));
    assert_eq!(event.uri.as_deref(), Some(r#"{"screen":"cart"}"#));
    assert_eq!(messages[1].statistics, None);

    assert_eq!(messages[2].kind, Some(MessageType::Transactional));
    match messages[2].event.as_ref().and_then(|e| e.kind.as_ref()) {
        Some(EventType::Unknown(v)) => assert_eq!(v.as_str(), "deeplink"),
        other => panic!("\"deeplink\" should be EventType::Unknown, got {other:?}"),
    }
}

#[tokio::test]
async fn init_decodes_the_session_and_keeps_other_fields() {
    let server = TestServer::start(Response::json(
        200,
        r#"{"did":"vxlwRZ7Cnk","seance":"R5eQXkrKCf","search_query_redirects":{"shoes":"/c/shoes"},"recommendations":true}"#,
    ))
    .await;
    let init = device_client(&server).init().send().await.expect("init");
    assert_eq!(init.did.as_deref(), Some(DID));
    assert_eq!(init.seance.as_deref(), Some(SEANCE));
    assert_eq!(init.other.len(), 2, "{:?}", init.other.keys());
    assert_eq!(
        init.other["search_query_redirects"],
        json!({"shoes": "/c/shoes"})
    );
    assert_eq!(init.other["recommendations"], json!(true));
}

#[tokio::test]
async fn init_reads_sid_as_the_session() {
    let server = TestServer::start(Response::json(
        200,
        r#"{"did":"vxlwRZ7Cnk","sid":"R5eQXkrKCf","cookie_lifetime":30}"#,
    ))
    .await;
    let init = device_client(&server).init().send().await.expect("init");
    assert_eq!(init.did.as_deref(), Some(DID));
    assert_eq!(init.seance.as_deref(), Some(SEANCE));
    assert_eq!(
        init.other.keys().collect::<Vec<_>>(),
        ["cookie_lifetime"],
        "`sid` is the session, not an other field"
    );
    assert_eq!(init.other["cookie_lifetime"], json!(30));
}

#[tokio::test]
async fn set_profile_decodes_its_status_and_payload() {
    let server = TestServer::start(Response::json(
        200,
        r#"{"status":"success","payload":{"profile_id":7}}"#,
    ))
    .await;
    let response = client(&server)
        .set_profile()
        .email(EMAIL)
        .send()
        .await
        .expect("set_profile");
    assert_eq!(response.status, Some(Status::Success));
    assert_eq!(response.message, None);
    assert_eq!(response.payload, Some(json!({"profile_id": 7})));
}

// ---------------------------------------------------------------------------------------------
// 3. Errors from the server.
// ---------------------------------------------------------------------------------------------

const OPERATIONS: [&str; 9] = [
    "init",
    "set_profile",
    "get_profile",
    "get_last_order_products",
    "get_notifications",
    "force_change_email",
    "force_change_phone",
    "force_change_id",
    "purge_profile",
];

/// Calls `operation` with valid arguments, dropping the value.
async fn call(client: &Client, operation: &str) -> Result<(), Error> {
    match operation {
        "init" => client.init().send().await.map(drop),
        "set_profile" => client.set_profile().email(EMAIL).send().await.map(drop),
        "get_profile" => client.get_profile().email(EMAIL).send().await.map(drop),
        "get_last_order_products" => client
            .get_last_order_products()
            .did(DID)
            .send()
            .await
            .map(drop),
        "get_notifications" => client
            .get_notifications()
            .email(EMAIL)
            .types([MessageType::Bulk])
            .channels([Channel::WebPush])
            .send()
            .await
            .map(drop),
        "force_change_email" => client
            .force_change_email()
            .old_email("john@examplemail.com")
            .new_email(EMAIL)
            .i_understand_what_i_am_doing()
            .send()
            .await
            .map(drop),
        "force_change_phone" => client
            .force_change_phone()
            .old_phone("449995550000")
            .new_phone("440005551122")
            .i_understand_what_i_am_doing()
            .send()
            .await
            .map(drop),
        "force_change_id" => client
            .force_change_id()
            .old_external_id("100500")
            .new_external_id("100501")
            .i_understand_what_i_am_doing()
            .send()
            .await
            .map(drop),
        "purge_profile" => client.purge_profile().email(EMAIL).send().await.map(drop),
        other => unreachable!("unknown operation {other}"),
    }
}

/// Answers every operation with `response` and asserts each gives an `Error::Api` with
/// `status` and `message`.
async fn assert_api_error(response: Response, status: u16, message: Option<&str>) {
    assert_api_error_after(response, status, message, 1).await
}

/// The same, where idempotent operations make `attempts` attempts (non-idempotent ones, the
/// forced changes, always one).
async fn assert_api_error_after(
    response: Response,
    status: u16,
    message: Option<&str>,
    attempts: usize,
) {
    let server = TestServer::start(response.clone()).await;
    for operation in OPERATIONS {
        // A client per operation: the retry budget a client's clones share would run out
        // over this many failing operations, and stop the last ones' retries.
        let client = client(&server);
        let e = call(&client, operation)
            .await
            .expect_err(&format!("{operation} should fail on {response:?}"));
        match &e {
            Error::Api(api) => {
                assert_eq!(api.status(), status, "{operation}");
                assert_eq!(api.message(), message, "{operation}");
            }
            other => panic!("{operation}: expected Error::Api, got {other:?}"),
        }
        assert_eq!(e.status(), Some(status), "{operation}");
        assert_eq!(e.message(), message, "{operation}");
        assert_eq!(e.operation(), operation);
        assert_eq!(e.is_retryable(), attempts > 1, "{operation}");
    }
    let forced_changes = OPERATIONS
        .iter()
        .filter(|o| o.starts_with("force_change"))
        .count();
    assert_eq!(
        server.requests().len(),
        (OPERATIONS.len() - forced_changes) * attempts + forced_changes
    );
}

#[tokio::test]
async fn error_statuses_with_a_message() {
    for status in [400, 403, 404] {
        assert_api_error(
            Response::json(status, r#"{"status":"error","message":"Shop not found"}"#),
            status,
            Some("Shop not found"),
        )
        .await;
    }
}

#[tokio::test]
async fn error_statuses_with_the_message_in_the_payload() {
    for status in [400, 403, 404] {
        assert_api_error(
            Response::json(
                status,
                r#"{"status":"error","payload":{"message":"Profile not found"}}"#,
            ),
            status,
            Some("Profile not found"),
        )
        .await;
    }
}

#[tokio::test]
async fn a_success_status_saying_error_is_an_error() {
    assert_api_error(
        Response::json(200, r#"{"status":"error","message":"Incorrect date_from"}"#),
        200,
        Some("Incorrect date_from"),
    )
    .await;
    assert_api_error(
        Response::json(
            200,
            r#"{"status":"error","payload":{"message":"Incorrect did"}}"#,
        ),
        200,
        Some("Incorrect did"),
    )
    .await;
}

#[tokio::test]
async fn an_html_bad_gateway_is_an_error_without_a_message() {
    // A proxy's 502 is worth retrying: idempotent operations are tried 3 times (the default).
    assert_api_error_after(
        Response::new(
            502,
            "text/html",
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
        ),
        502,
        None,
        3,
    )
    .await;
}

#[tokio::test]
async fn a_malformed_success_is_a_decode_error() {
    let server = TestServer::start(Response::json(200, r#"{"did": "vxlw"#)).await;
    let client = client(&server);
    for operation in OPERATIONS {
        let e = call(&client, operation)
            .await
            .expect_err(&format!("{operation} should fail"));
        match &e {
            Error::Decode(d) => assert_eq!(d.content_type(), Some("application/json")),
            other => panic!("{operation}: expected Error::Decode, got {other:?}"),
        }
        assert_eq!(e.status(), Some(200), "{operation}");
        assert_eq!(e.message(), None, "{operation}");
        assert_eq!(e.operation(), operation);
    }
}

#[tokio::test]
async fn an_object_where_a_list_is_due_is_a_decode_error() {
    let server = TestServer::start(Response::json(200, r#"{"status":"success"}"#)).await;
    let e = client(&server)
        .get_last_order_products()
        .did(DID)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Decode(_)), "{e:?}");
    assert_eq!(e.status(), Some(200));
}

#[tokio::test]
async fn a_list_where_an_object_is_due_is_a_decode_error() {
    // A JSON array is not a profile (nor a status): it must not decode into one.
    let server =
        TestServer::start(Response::json(200, r#"["someone@examplemail.com","John"]"#)).await;
    let client = client(&server);
    match client.get_profile().email(EMAIL).send().await {
        Err(e) => {
            assert!(matches!(e, Error::Decode(_)), "{e:?}");
            assert_eq!(e.status(), Some(200));
        }
        Ok(p) => panic!(
            "get_profile decoded a JSON array positionally: email = {:?}, first_name = {:?}",
            p.email, p.first_name
        ),
    }

    server.respond_with(Response::json(200, r#"["success"]"#));
    match call(&client, "force_change_email").await {
        Err(e) => assert!(matches!(e, Error::Decode(_)), "{e:?}"),
        Ok(()) => panic!("force_change_email took [\"success\"] for a status response"),
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Bad arguments: `InvalidRequest`, and nothing sent.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn get_profile_needs_the_secret_or_a_device() {
    let server = ok_server().await;
    let p = problems(device_client(&server).get_profile().send().await);
    assert_names(&p, &["shop_secret", "did"]);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn get_profile_by_email_needs_the_secret() {
    let server = ok_server().await;
    let p = problems(
        device_client(&server)
            .get_profile()
            .did(DID)
            .email(EMAIL)
            .send()
            .await,
    );
    assert_names(&p, &["email", "shop_secret"]);
    assert!(server.requests().is_empty());
}

// `date_from` is deprecated by the unified docs, and still checked.
#[allow(deprecated)]
#[tokio::test]
async fn get_notifications_checks_limit_page_and_date() {
    let server = ok_server().await;
    let client = client(&server);
    let valid = || {
        client
            .get_notifications()
            .date_from("2023-07-01")
            .email(EMAIL)
            .types([MessageType::Bulk])
            .channels([Channel::WebPush])
    };

    let p = problems(valid().limit(60).send().await);
    assert_names(&p, &["limit"]);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("50"), "names the maximum: {p:?}");

    let p = problems(valid().page(0).send().await);
    assert_names(&p, &["page"]);
    assert_eq!(p.len(), 1, "{p:?}");

    let p = problems(valid().date_from("2023-7-1").send().await);
    assert_names(&p, &["date_from"]);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("YYYY-MM-DD"), "{p:?}");

    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn force_change_email_needs_the_old_email() {
    let server = ok_server().await;
    let p = problems(
        client(&server)
            .force_change_email()
            .new_email(EMAIL)
            .i_understand_what_i_am_doing()
            .send()
            .await,
    );
    assert_names(&p, &["old_email"]);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn forced_changes_need_the_acknowledgement() {
    let server = ok_server().await;
    let client = client(&server);
    let p = problems(
        client
            .force_change_email()
            .old_email("john@examplemail.com")
            .new_email(EMAIL)
            .send()
            .await,
    );
    assert_names(&p, &["i_understand_what_i_am_doing"]);
    assert_eq!(p.len(), 1, "{p:?}");

    let p = problems(
        client
            .force_change_phone()
            .old_phone("449995550000")
            .new_phone("440005551122")
            .send()
            .await,
    );
    assert_names(&p, &["i_understand_what_i_am_doing"]);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn forced_changes_need_the_secret() {
    let server = ok_server().await;
    let p = problems(
        device_client(&server)
            .force_change_email()
            .old_email("john@examplemail.com")
            .new_email(EMAIL)
            .i_understand_what_i_am_doing()
            .send()
            .await,
    );
    assert_names(&p, &["shop_secret"]);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn set_profile_rejects_a_reserved_custom_property() {
    let server = ok_server().await;
    let p = problems(
        client(&server)
            .set_profile()
            .custom_property("email", "someone@examplemail.com")
            .send()
            .await,
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("email"), "{p:?}");
    assert!(p[0].contains("reserved"), "{p:?}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn set_profile_checks_a_kid_birthday() {
    let server = ok_server().await;
    let p = problems(
        client(&server)
            .set_profile()
            .kids([Kid::new().gender(Gender::Male).birthday("2001-4-12")])
            .send()
            .await,
    );
    assert_names(&p, &["kids[0].birthday"]);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        !p[0].contains("2001-4-12"),
        "the value is not repeated: {p:?}"
    );
    assert!(server.requests().is_empty());
}

// ---------------------------------------------------------------------------------------------
// 5. The shop secret never shows.
// ---------------------------------------------------------------------------------------------

/// A client whose secret is `SENTINEL`, talking to `url`.
fn sentinel_client(url: &str) -> Client {
    Client::builder()
        .shop_id(SHOP_ID)
        .shop_secret(SENTINEL)
        .base_url(url)
        .strict_responses(true)
        .build()
        .expect("client")
}

/// Everything an error shows: `Display` and `Debug` (plain and pretty) of it and of each of
/// its sources.
fn everything_shown(e: &Error) -> String {
    let mut shown = format!("{e}\n{e:?}\n{e:#?}\n");
    let mut source = e.source();
    while let Some(s) = source {
        shown.push_str(&format!("{s}\n{s:?}\n"));
        source = s.source();
    }
    shown
}

fn assert_no_secret(e: &Error) {
    let shown = everything_shown(e);
    assert!(!shown.contains(SENTINEL), "the secret shows: {shown}");
}

#[tokio::test]
async fn connection_refused_does_not_show_the_secret() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = sentinel_client(&url);
    for operation in OPERATIONS {
        let e = call(&client, operation)
            .await
            .expect_err("nothing listens there");
        assert!(
            matches!(e, Error::Transport(_)),
            "{operation}: expected Error::Transport, got {e:?}"
        );
        assert_eq!(e.status(), None);
        assert!(!e.is_timeout());
        assert!(e.source().is_some(), "the cause is kept");
        assert_no_secret(&e);
    }
}

#[tokio::test]
async fn a_message_echoing_the_secret_does_not_show_it() {
    let server = TestServer::start(Response::json(
        403,
        format!(r#"{{"status":"error","message":"Wrong shop_secret {SENTINEL} for this shop"}}"#),
    ))
    .await;
    let client = sentinel_client(&server.url());
    for operation in OPERATIONS {
        let e = call(&client, operation).await.expect_err("403");
        assert_eq!(e.status(), Some(403), "{operation}");
        let message = e.message().expect("the message is kept");
        assert!(message.starts_with("Wrong shop_secret"), "{message}");
        assert!(!message.contains(SENTINEL), "{message}");
        assert_no_secret(&e);
    }
    assert_eq!(server.requests().len(), OPERATIONS.len());
}

#[tokio::test]
async fn a_malformed_success_does_not_show_the_secret() {
    // Not JSON, or cut short, with the secret where a value should be: every operation.
    let bodies = [
        format!(r#"{{"did": {SENTINEL}}}"#),
        format!(r#"{{"did": "{SENTINEL}"#),
    ];
    for body in bodies {
        let server = TestServer::start(Response::json(200, body.clone())).await;
        let client = sentinel_client(&server.url());
        for operation in OPERATIONS {
            let e = call(&client, operation)
                .await
                .expect_err(&format!("{operation} should fail on {body}"));
            assert!(
                matches!(e, Error::Decode(_)),
                "{operation}: expected Error::Decode, got {e:?}"
            );
            assert_eq!(e.status(), Some(200));
            assert_no_secret(&e);
        }
    }
    // Valid JSON, but the secret sits in a value of the wrong type (which serde's message
    // would quote): the operations whose response has a non-string field. Strict, they fail
    // naming the path only.
    let typed = [
        ("get_profile", format!(r#"{{"age": "{SENTINEL}"}}"#)),
        (
            "get_last_order_products",
            format!(r#"[{{"is_new": "{SENTINEL}"}}]"#),
        ),
        (
            "get_notifications",
            format!(
                r#"{{"payload": {{"messages": [{{"statistics": {{"opened": "{SENTINEL}"}}}}]}}}}"#
            ),
        ),
    ];
    for (operation, body) in typed {
        let server = TestServer::start(Response::json(200, body.clone())).await;
        let e = call(&sentinel_client(&server.url()), operation)
            .await
            .expect_err(&format!("{operation} should fail on {body}"));
        assert!(
            matches!(e, Error::Decode(_)),
            "{operation}: expected Error::Decode, got {e:?}"
        );
        assert_no_secret(&e);
    }
}

#[tokio::test]
async fn the_client_does_not_show_the_secret() {
    let builder = Client::builder()
        .shop_id(SHOP_ID)
        .shop_secret(SENTINEL)
        .base_url("http://127.0.0.1:1");
    let shown = format!("{builder:?} {builder:#?}");
    assert!(!shown.contains(SENTINEL), "{shown}");

    let client = builder.build().expect("client");
    let shown = format!("{client:?} {client:#?}");
    assert!(!shown.contains(SENTINEL), "{shown}");
    assert!(shown.contains(SHOP_ID), "the shop is shown: {shown}");

    let request = client.get_profile().email(EMAIL);
    let shown = format!("{request:?}");
    assert!(!shown.contains(SENTINEL), "{shown}");
}

/// The `methods` fixture's client (`tests/fixtures/schemas/methods`): the real schema has no
/// DELETE operation yet, the fixture has two, `purge` (idempotent) and `discard` (not).
pub mod methods {
    include!("snapshots/codegen__methods.snap.rs");
}

/// A `methods` client talking to `server`, retrying without waiting long.
fn methods_client(server: &TestServer) -> methods::Client {
    let quick = std::time::Duration::from_millis(1);
    methods::Client::builder()
        .key(SHOP_ID)
        .secret(SHOP_SECRET)
        .base_url(server.url())
        .retry(personaclick::RetryPolicy::default().backoff(quick, quick))
        .strict_responses(true)
        .build()
        .expect("client")
}

/// A DELETE goes as a POST does: method DELETE, nothing in the query, the parameters as one
/// JSON object body (lists and free-form entries included), in the schema's order.
#[tokio::test]
async fn a_delete_sends_its_parameters_as_a_json_body() {
    let server = ok_server().await;
    let response = methods_client(&server)
        .purge()
        .email(EMAIL)
        .ids([3, 1])
        .before("2024-05-01")
        .reason("why", "moved away")
        .send()
        .await
        .expect("purge");
    assert_eq!(response.status.as_deref(), Some("success"));

    let request = server.only_request();
    assert_eq!(request.method, "DELETE");
    assert_eq!(request.path, "/items");
    assert_eq!(
        request.query, None,
        "a DELETE carries its parameters in the body"
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("application/json"));
    let body = format!(
        r#"{{"key":"{SHOP_ID}","secret":"{SHOP_SECRET}","email":"{EMAIL}","ids":[3,1],"before":"2024-05-01","why":"moved away"}}"#
    );
    assert_eq!(String::from_utf8_lossy(&request.body), body);
    assert_eq!(
        request.header("content-length"),
        Some(body.len().to_string().as_str())
    );
}

/// A DELETE is retried as any operation is: after a 503, again only if the schema marks it
/// idempotent, each time with the same body.
#[tokio::test]
async fn a_delete_is_retried_only_when_idempotent() {
    let busy = || Response::json(503, r#"{"status":"error","message":"try later"}"#);
    let server = TestServer::start(busy()).await;
    let e = methods_client(&server)
        .purge()
        .email(EMAIL)
        .send()
        .await
        .expect_err("503");
    assert_eq!((e.status(), e.message()), (Some(503), Some("try later")));
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "idempotent: retried up to 3 attempts");
    for r in &requests {
        assert_eq!(r.method, "DELETE");
        assert_eq!(r.body, requests[0].body);
        assert_eq!(r.json()["email"], EMAIL);
    }

    let server = TestServer::start(busy()).await;
    let e = methods_client(&server)
        .discard()
        .id(7)
        .send()
        .await
        .expect_err("503");
    assert_eq!(e.status(), Some(503));
    let request = server.only_request();
    assert_eq!(request.method, "DELETE");
    assert_eq!(request.path, "/items/one");
    assert_eq!(request.json()["id"], 7);
}
