//! The fake server, through the real client: every operation, every documented error, the
//! fake's own checks (against the schema, bypassing the client's), recording and faults.

#![cfg(feature = "fake")]

use std::time::Duration;

use personaclick::fake::{
    json, CustomKind, FakeServer, Fault, Who, DEFAULT_SHOP_ID, DEFAULT_SHOP_SECRET,
};
use personaclick::{Channel, Client, Error, Gender, Kid, MessageType};

const EMAIL: &str = "john.doe@examplemail.com";

fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> (u16, String) {
    match result {
        Err(Error::Api(e)) => (e.status(), e.message().unwrap_or_default().to_string()),
        other => panic!("expected an API error, got {other:?}"),
    }
}

async fn device(fake: &FakeServer) -> (Client, String) {
    let client = fake.device_client().unwrap();
    let did = client.init().send().await.unwrap().did.unwrap();
    (client, did)
}

#[tokio::test]
async fn init_issues_a_device_and_a_session_and_keeps_given_ones() {
    let fake = FakeServer::start().await.unwrap();
    let client = fake.device_client().unwrap();
    let first = client.init().send().await.unwrap();
    let (did, seance) = (first.did.unwrap(), first.seance.unwrap());
    assert!(!did.is_empty() && !seance.is_empty() && did != seance);
    assert!(
        first.other.contains_key("currency"),
        "other fields are kept: {:?}",
        first.other.keys()
    );
    let again = client
        .init()
        .did(&did)
        .seance(&seance)
        .send()
        .await
        .unwrap();
    assert_eq!((again.did.unwrap(), again.seance.unwrap()), (did, seance));
}

// Every field, the deprecated loyalty ones included.
#[allow(deprecated)]
#[tokio::test]
async fn a_server_saves_and_reads_a_full_profile() {
    let fake = FakeServer::start().await.unwrap();
    let client = fake.client().unwrap();
    client
        .set_profile()
        .email(EMAIL)
        .first_name("John")
        .gender(Gender::Male)
        .loyalty_bonuses(1123.0)
        .kids([Kid::new().gender(Gender::Female).birthday("2015-07-28")])
        .custom_property("custom_integer_property", 100500)
        .custom_property(
            "custom_date_property",
            personaclick::CustomValue::Date("2021-12-31 23:55:00".into()),
        )
        .send()
        .await
        .unwrap();
    fake.add_tag(Who::Email(EMAIL.into()), "vip");
    let profile = client.get_profile().email(EMAIL).send().await.unwrap();
    assert_eq!(profile.first_name.as_deref(), Some("John"));
    assert_eq!(profile.email.as_deref(), Some(EMAIL));
    assert_eq!(profile.gender, Some(Gender::Male));
    assert_eq!(profile.computed_gender, Some(Gender::Male));
    assert_eq!(profile.has_email, Some(true));
    assert_eq!(profile.loyalty_bonuses, Some(1123.0));
    assert_eq!(
        profile.kids.unwrap()[0]
            .birthday
            .as_ref()
            .map(ToString::to_string),
        Some("2015-07-28".to_string())
    );
    let custom = profile.custom_properties.unwrap();
    assert_eq!(custom["custom_integer_property"], 100500);
    assert_eq!(custom["custom_date_property"], "2021-12-31 23:55:00");
    assert_eq!(profile.tags.unwrap(), ["vip"]);

    // A second update of the same email updates the same profile.
    client
        .set_profile()
        .email(EMAIL)
        .last_name("Doe")
        .send()
        .await
        .unwrap();
    let profile = fake.profile(Who::Email(EMAIL.into())).unwrap();
    assert_eq!(
        (
            profile["first_name"].as_str(),
            profile["last_name"].as_str()
        ),
        (Some("John"), Some("Doe"))
    );
}

#[tokio::test]
async fn a_device_reads_only_the_public_part_of_its_profile() {
    let fake = FakeServer::start().await.unwrap();
    let (client, did) = device(&fake).await;
    client
        .set_profile()
        .did(&did)
        .email(EMAIL)
        .first_name("John")
        .age(31)
        .send()
        .await
        .unwrap();
    let public = client.get_profile().did(&did).send().await.unwrap();
    assert_eq!(public.age, Some(31));
    assert_eq!(public.has_email, Some(true));
    assert_eq!((public.email, public.first_name), (None, None));
    // The server sees it all, and the device is bound to the profile.
    let full = fake
        .client()
        .unwrap()
        .get_profile()
        .did(&did)
        .send()
        .await
        .unwrap();
    assert_eq!(full.first_name.as_deref(), Some("John"));
}

#[tokio::test]
async fn custom_properties_must_be_defined_and_typed() {
    let fake = FakeServer::builder()
        .custom_property(DEFAULT_SHOP_ID, "shoe_size", CustomKind::Integer)
        .start()
        .await
        .unwrap();
    let client = fake.client().unwrap();
    client
        .set_profile()
        .email(EMAIL)
        .custom_property("shoe_size", 44)
        .send()
        .await
        .unwrap();
    let (status, message) = api_error(
        client
            .set_profile()
            .email(EMAIL)
            .custom_property("undefined_one", 1)
            .send()
            .await,
    );
    assert_eq!(status, 400);
    assert!(
        message.contains("`undefined_one` is not defined"),
        "{message}"
    );
    let (status, message) = api_error(
        client
            .set_profile()
            .email(EMAIL)
            .custom_property("shoe_size", "big")
            .send()
            .await,
    );
    assert_eq!(status, 400);
    assert!(message.contains("`shoe_size` must be Integer"), "{message}");
}

#[tokio::test]
async fn authentication_failures_are_documented_statuses() {
    let fake = FakeServer::builder()
        .shop("other-shop", "other-secret")
        .start()
        .await
        .unwrap();
    let wrong_secret = fake
        .client_builder()
        .shop_secret("not-the-secret")
        .build()
        .unwrap();
    let (status, message) = api_error(wrong_secret.get_profile().email(EMAIL).send().await);
    assert_eq!(status, 403);
    assert!(!message.contains("not-the-secret"));
    let unknown_shop = Client::builder()
        .base_url(fake.base_url())
        .shop_id("nope")
        .shop_secret("x")
        .build()
        .unwrap();
    assert_eq!(
        api_error(unknown_shop.get_profile().email(EMAIL).send().await).0,
        403
    );
    assert_eq!(api_error(unknown_shop.init().send().await).0, 403);
    // "404 Not Found: The store isn't found."
    assert_eq!(
        api_error(unknown_shop.get_last_order_products().did("d").send().await).0,
        404
    );
    let notifications = unknown_shop
        .get_notifications()
        .email(EMAIL)
        .types([MessageType::Bulk])
        .channels([Channel::WebPush]);
    assert_eq!(api_error(notifications.send().await).0, 404);
    // Another shop's secret does not open this one.
    let crossed = fake
        .client_builder()
        .shop_secret("other-secret")
        .build()
        .unwrap();
    assert_eq!(
        api_error(crossed.set_profile().email(EMAIL).send().await).0,
        403
    );
    // A device ID must come from /init.
    let device = fake.device_client().unwrap();
    assert_eq!(
        api_error(device.get_profile().did("made-up").send().await).0,
        403
    );
}

#[tokio::test]
async fn reading_an_unknown_profile_is_a_400() {
    let fake = FakeServer::start().await.unwrap();
    let (status, message) = api_error(
        fake.client()
            .unwrap()
            .get_profile()
            .phone("000")
            .send()
            .await,
    );
    assert_eq!((status, message.as_str()), (400, "Profile not found"));
}

#[tokio::test]
async fn the_last_order_is_the_seeded_one() {
    let fake = FakeServer::start().await.unwrap();
    let (client, did) = device(&fake).await;
    assert!(client
        .get_last_order_products()
        .did(&did)
        .send()
        .await
        .unwrap()
        .is_empty());
    fake.add_order(
        Who::Did(did.clone()),
        "1",
        "delivered",
        vec![json!({"id": "old", "price": 1})],
    );
    fake.add_order(
        Who::Did(did.clone()),
        "2",
        "new",
        vec![json!({"id": "p1", "name": "Shoes", "price": 120, "quantity": 2, "image_url_resized": {"120": "s.png"}})],
    );
    let products = client
        .get_last_order_products()
        .did(&did)
        .send()
        .await
        .unwrap();
    assert_eq!(products.len(), 1);
    assert_eq!(products[0].id.as_deref(), Some("p1"));
    assert_eq!(
        products[0]
            .image_url_resized
            .as_ref()
            .unwrap()
            .px120
            .as_deref(),
        Some("s.png")
    );
    let orders = fake
        .client()
        .unwrap()
        .get_profile()
        .did(&did)
        .send()
        .await
        .unwrap()
        .orders
        .unwrap();
    assert_eq!(orders.len(), 2);
    assert_eq!(orders[1].value, Some(240.0));
    assert_eq!(orders[1].items.as_ref().unwrap()[0].quantity, Some(2));
}

// `date_from` is deprecated by the unified docs, and still served: its filter is tested here.
#[allow(deprecated)]
#[tokio::test]
async fn notifications_honour_type_channel_date_and_paging() {
    let fake = FakeServer::start().await.unwrap();
    let who = Who::Email(EMAIL.into());
    for day in 1..=9 {
        let kind = if day % 3 == 0 { "trigger" } else { "bulk" };
        let channel = if day == 9 { "mobile_push" } else { "web_push" };
        let message = json!({"type": kind, "subject": format!("day {day}"), "sent_at": format!("2023-07-0{day}T10:00:00.000Z")});
        fake.add_message(who.clone(), channel, message);
    }
    let client = fake.client().unwrap();
    let request = || {
        client
            .get_notifications()
            .email(EMAIL)
            .date_from("2023-07-02")
            .types([MessageType::Bulk])
            .channels([Channel::WebPush])
    };
    let subjects = |n: personaclick::Notifications| -> Vec<String> {
        n.payload
            .unwrap()
            .messages
            .unwrap()
            .into_iter()
            .map(|m| m.subject.unwrap())
            .collect()
    };
    // Bulk on web_push from the 2nd: days 2, 4, 5, 7, 8 — newest first.
    assert_eq!(
        subjects(request().send().await.unwrap()),
        ["day 8", "day 7", "day 5", "day 4", "day 2"]
    );
    assert_eq!(
        subjects(request().limit(2).page(2).send().await.unwrap()),
        ["day 5", "day 4"]
    );
    assert!(subjects(request().limit(2).page(4).send().await.unwrap()).is_empty());
    let both = request()
        .types([MessageType::Bulk, MessageType::Trigger])
        .channels([Channel::WebPush, Channel::MobilePush]);
    assert_eq!(subjects(both.send().await.unwrap()).len(), 8);
    // Without a type, a channel or a date (optional in the unified docs): every message.
    let everything = client.get_notifications().email(EMAIL).limit(50);
    assert_eq!(subjects(everything.send().await.unwrap()).len(), 9);
    let nobody = client
        .get_notifications()
        .email("nobody@examplemail.com")
        .types([MessageType::Bulk])
        .channels([Channel::WebPush]);
    assert_eq!(
        api_error(nobody.send().await),
        (404, "The profile isn't found".to_string())
    );
}

#[tokio::test]
async fn forced_changes_move_the_identifier() {
    let fake = FakeServer::start().await.unwrap();
    let client = fake.client().unwrap();
    client
        .set_profile()
        .email(EMAIL)
        .phone("449995550000")
        .first_name("John")
        .send()
        .await
        .unwrap();
    client
        .set_profile()
        .email("taken@examplemail.com")
        .phone("111")
        .send()
        .await
        .unwrap();

    let change = |old: &str, new: &str| {
        client
            .force_change_email()
            .old_email(old)
            .new_email(new)
            .i_understand_what_i_am_doing()
    };
    change(EMAIL, "john@examplemail.com").send().await.unwrap();
    assert!(fake.profile(Who::Email(EMAIL.into())).is_none());
    assert_eq!(
        fake.profile(Who::Email("john@examplemail.com".into()))
            .unwrap()["first_name"],
        "John"
    );
    assert_eq!(
        api_error(change(EMAIL, "x@examplemail.com").send().await),
        (404, "The old email isn't found.".into())
    );
    assert_eq!(
        api_error(
            change("john@examplemail.com", "taken@examplemail.com")
                .send()
                .await
        )
        .0,
        400
    );

    let phone = |old: &str, new: &str| {
        client
            .force_change_phone()
            .old_phone(old)
            .new_phone(new)
            .i_understand_what_i_am_doing()
    };
    phone("449995550000", "440005551122").send().await.unwrap();
    assert!(fake.profile(Who::Phone("440005551122".into())).is_some());
    assert_eq!(api_error(phone("449995550000", "1").send().await).0, 404);
    assert_eq!(api_error(phone("440005551122", "111").send().await).0, 400);
}

/// The fake refuses what the client refuses with the client's own words: the same checks, one
/// wording of each message.
#[tokio::test]
async fn the_unified_identifiers_select_a_profile() {
    let fake = FakeServer::start().await.unwrap();
    let server = fake.client().unwrap();
    let (device, did) = device(&fake).await;
    device
        .set_profile()
        .did(&did)
        .id("100500")
        .telegram_id("0125762968357835")
        .first_name("John")
        .google_advertising_id("38400000-8cf0-11bd-b23e-10b96e40000d")
        .send()
        .await
        .unwrap();
    fake.add_order(
        Who::Did(did.clone()),
        "1",
        "new",
        vec![json!({"id": "p1", "price": 1})],
    );
    // `id` went out as `external_id` too; either name finds the profile.
    for read in [
        server.get_profile().external_id("100500"),
        server.get_profile().telegram_id("0125762968357835"),
    ] {
        let profile = read.send().await.unwrap();
        assert_eq!(profile.first_name.as_deref(), Some("John"));
        assert_eq!(profile.id.as_deref(), Some("100500"));
    }
    let products = server
        .get_last_order_products()
        .external_id("100500")
        .send()
        .await
        .unwrap();
    assert_eq!(products[0].id.as_deref(), Some("p1"));
    // An advertising ID is personal data: the server reads it, the device does not.
    let full = server.get_profile().did(&did).send().await.unwrap();
    assert!(full.google_advertising_id.is_some());
    let public = device.get_profile().did(&did).send().await.unwrap();
    assert_eq!(public.google_advertising_id, None);
}

#[tokio::test]
async fn purging_a_profile_erases_its_personal_data_and_keeps_its_history() {
    let fake = FakeServer::builder()
        .custom_property(DEFAULT_SHOP_ID, "shoe_size", CustomKind::Integer)
        .start()
        .await
        .unwrap();
    let (device, did) = device(&fake).await;
    device
        .set_profile()
        .did(&did)
        .email(EMAIL)
        .phone("449995550000")
        .first_name("John")
        .id("100500")
        .age(31)
        .custom_property("shoe_size", 44)
        .send()
        .await
        .unwrap();
    fake.add_order(
        Who::Did(did.clone()),
        "1",
        "delivered",
        vec![json!({"id": "p1", "price": 1})],
    );
    let server = fake.client().unwrap();
    server
        .purge_profile()
        .phone("449995550000")
        .send()
        .await
        .unwrap();
    // No identifier finds it any more; what is not personal data stays with the device.
    assert!(fake.profile(Who::Email(EMAIL.into())).is_none());
    assert!(fake.profile(Who::ExternalId("100500".into())).is_none());
    let kept = fake.profile(Who::Did(did.clone())).unwrap();
    for erased in ["email", "phone", "first_name", "id"] {
        assert!(kept.get(erased).is_none(), "{erased} in {kept}");
    }
    assert_eq!(kept["custom_properties"], json!({}));
    assert_eq!(kept["age"], 31);
    assert_eq!(kept["orders"].as_array().unwrap().len(), 1);
    let again = server.purge_profile().email(EMAIL).send().await;
    assert_eq!(api_error(again), (404, "Profile not found".into()));
}

#[tokio::test]
async fn a_forced_external_id_change_takes_the_id_from_its_holder() {
    let fake = FakeServer::start().await.unwrap();
    let client = fake.client().unwrap();
    for (id, name) in [("1", "Old"), ("2", "Holder")] {
        client
            .set_profile()
            .id(id)
            .email(format!("{name}@examplemail.com"))
            .first_name(name)
            .send()
            .await
            .unwrap();
    }
    let change = |old: &str, new: &str| {
        client
            .force_change_id()
            .old_external_id(old)
            .new_external_id(new)
            .i_understand_what_i_am_doing()
    };
    // Unlike a forced email or phone change, a new ID in use is not refused: its holder loses it.
    change("1", "2").send().await.unwrap();
    let moved = fake.profile(Who::ExternalId("2".into())).unwrap();
    assert_eq!(moved["first_name"], "Old");
    let holder = fake
        .profile(Who::Email("Holder@examplemail.com".into()))
        .unwrap();
    assert!(holder.get("id").is_none(), "{holder}");
    assert_eq!(
        api_error(change("1", "3").send().await),
        (404, "Profile with `old_external_id` not found".into())
    );
}

// A `date_from` in the wrong format is the problem both must word alike (the parameter is
// deprecated by the unified docs, and still checked).
#[allow(deprecated)]
#[tokio::test]
async fn the_fake_and_the_client_word_a_problem_alike() {
    let fake = FakeServer::start().await.unwrap();
    let client = fake.client().unwrap();
    let refused = client
        .get_notifications()
        .date_from("2023-7-1")
        .types([MessageType::Bulk])
        .channels([Channel::WebPush])
        .limit(60)
        .send()
        .await;
    let Err(Error::InvalidRequest(e)) = refused else {
        panic!("expected an invalid request, got {refused:?}")
    };
    let url = format!(
        "{}/notifications?shop_id={DEFAULT_SHOP_ID}&shop_secret={DEFAULT_SHOP_SECRET}&date_from=2023-7-1&type=bulk&channel=web_push&limit=60",
        fake.base_url()
    );
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    let message = body["message"].as_str().unwrap();
    assert_eq!(e.problems().len(), 3, "{:?}", e.problems());
    for problem in e.problems() {
        assert!(
            message.contains(problem.as_str()),
            "{problem:?} in {message}"
        );
    }
}

/// Requests the client would refuse, sent by hand: the fake checks them against the schema too.
#[tokio::test]
async fn the_fake_checks_requests_against_the_schema() {
    let fake = FakeServer::start().await.unwrap();
    let http = reqwest::Client::new();
    let base = fake.base_url();
    let get = |query: String| {
        let http = http.clone();
        let url = format!("{base}/notifications?shop_id={DEFAULT_SHOP_ID}&shop_secret={DEFAULT_SHOP_SECRET}&{query}");
        async move {
            let response = http.get(url).send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let (status, body) =
        get("email=a@b.c&date_from=2023-07-01&type=bulk&channel=web_push&limit=60".into()).await;
    assert_eq!(status, 400);
    assert!(body.contains("`limit` must be from 1 to 50"), "{body}");
    let (status, body) =
        get("email=a@b.c&date_from=2023-7-1&type=spam&channel=web_push&page=x".into()).await;
    assert_eq!(status, 400);
    for expected in [
        "`date_from` must be a date as YYYY-MM-DD",
        "`type` must be one of",
        "`page` must be a whole number",
    ] {
        assert!(body.contains(expected), "{expected} in {body}");
    }
    // A multi-byte character where the date ends: refused, not a panic in the fake.
    let (status, body) =
        get("email=a@b.c&date_from=2023-07-0%C3%A9&type=bulk&channel=web_push".into()).await;
    assert_eq!(status, 400);
    assert!(
        body.contains("`date_from` must be a date as YYYY-MM-DD"),
        "{body}"
    );
    let (status, body) = get("type=bulk&channel=web_push".into()).await;
    assert_eq!(status, 400);
    // date_from, type and channel are optional (the unified docs): only the profile is missing.
    assert!(
        body.contains("one of `did`, `email`") && !body.contains("`date_from`"),
        "{body}"
    );

    let post = |body: &'static str| {
        let http = http.clone();
        let url = format!("{base}/profile/force_change_email");
        async move {
            let response = http
                .post(url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let (status, body) = post("not json").await;
    assert_eq!((status, body.contains("JSON object")), (400, true));
    let (status, body) = post(r#"{"shop_id":"0d42fd8b713d0752776ca589cc0056","shop_secret":"0123456789abcdef0123456789abcdef","old_email":true}"#).await;
    assert_eq!(status, 400);
    assert!(
        body.contains("`old_email` must be a string") && body.contains("`new_email` is required"),
        "{body}"
    );
    let (status, _) = post(r#"{"shop_id":"0d42fd8b713d0752776ca589cc0056","old_email":"a","new_email":"b","i_understand_what_i_am_doing":"yes"}"#).await;
    assert_eq!(status, 400, "shop_secret is required here");
    let response = http.get(format!("{base}/nope")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
}

#[tokio::test]
async fn every_request_is_recorded() {
    let fake = FakeServer::start().await.unwrap();
    let client = fake.client().unwrap();
    client
        .set_profile()
        .email(EMAIL)
        .custom_property("custom_string_property", "x")
        .send()
        .await
        .unwrap();
    let _ = client
        .get_profile()
        .email(EMAIL)
        .seance("s1")
        .send()
        .await
        .unwrap();
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("POST", "/profile/set")
    );
    assert_eq!(
        requests[0].param("custom_string_property"),
        Some(json!("x"))
    );
    assert_eq!(requests[1].param("sid"), Some(json!("s1")));
    assert_eq!(requests[1].param("email"), Some(json!(EMAIL)));
    fake.clear_requests();
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn the_request_record_keeps_the_newest_and_counts_the_rest() {
    let fake = FakeServer::builder()
        .record_requests(5)
        .start()
        .await
        .unwrap();
    let client = fake.client().unwrap();
    for i in 0..12 {
        let email = format!("user{i}@examplemail.com");
        client.set_profile().email(email).send().await.unwrap();
    }
    let emails: Vec<_> = fake.requests().iter().map(|r| r.param("email")).collect();
    let newest: Vec<_> = (7..12)
        .map(|i| Some(json!(format!("user{i}@examplemail.com"))))
        .collect();
    assert_eq!(emails, newest, "the newest five, oldest first");
    assert_eq!(fake.requests_seen(), 12);
    fake.clear_requests();
    assert_eq!((fake.requests().len(), fake.requests_seen()), (0, 0));

    let off = FakeServer::builder()
        .record_requests(0)
        .start()
        .await
        .unwrap();
    let client = off.client().unwrap();
    client.set_profile().email(EMAIL).send().await.unwrap();
    client.get_profile().email(EMAIL).send().await.unwrap();
    assert!(off.requests().is_empty());
    assert_eq!(off.requests_seen(), 2, "counted, not kept");
}

/// Profiles are found through an index of their identifiers: each change of an identifier
/// must move the profile in it, and only in its shop.
#[tokio::test]
async fn a_profile_is_found_by_its_identifiers_current_values_only() {
    let fake = FakeServer::builder()
        .shop("other-shop", "other-secret")
        .start()
        .await
        .unwrap();
    let server = fake.client().unwrap();
    let name = |who: Who| fake.profile(who).map(|p| p["first_name"].clone());

    // A device that sets another email replaces the old one.
    let (device, did) = device(&fake).await;
    let set = |email: &'static str| {
        device
            .set_profile()
            .did(&did)
            .email(email)
            .first_name("John")
    };
    set("first@examplemail.com").send().await.unwrap();
    set("second@examplemail.com").send().await.unwrap();
    assert_eq!(name(Who::Email("first@examplemail.com".into())), None);
    assert_eq!(
        name(Who::Email("second@examplemail.com".into())),
        Some(json!("John"))
    );

    // After a forced change, the old email is free: setting it makes a new profile.
    server
        .force_change_email()
        .old_email("second@examplemail.com")
        .new_email(EMAIL)
        .i_understand_what_i_am_doing()
        .send()
        .await
        .unwrap();
    server
        .set_profile()
        .email("second@examplemail.com")
        .first_name("Jane")
        .send()
        .await
        .unwrap();
    assert_eq!(name(Who::Email(EMAIL.into())), Some(json!("John")));
    assert_eq!(
        name(Who::Email("second@examplemail.com".into())),
        Some(json!("Jane"))
    );

    // A forced ID change: the old ID finds nothing.
    server
        .set_profile()
        .email(EMAIL)
        .id("1")
        .phone("449995550000")
        .loyalty_id("card-1")
        .send()
        .await
        .unwrap();
    server
        .force_change_id()
        .old_external_id("1")
        .new_external_id("2")
        .i_understand_what_i_am_doing()
        .send()
        .await
        .unwrap();
    assert_eq!(name(Who::ExternalId("1".into())), None);
    assert_eq!(name(Who::ExternalId("2".into())), Some(json!("John")));

    // Purged: no erased identifier finds it, and a new profile may take them.
    server.purge_profile().email(EMAIL).send().await.unwrap();
    for who in [
        Who::Email(EMAIL.into()),
        Who::Phone("449995550000".into()),
        Who::LoyaltyId("card-1".into()),
        Who::ExternalId("2".into()),
    ] {
        assert_eq!(fake.profile(who.clone()), None, "{who:?}");
    }
    assert_eq!(
        api_error(server.get_profile().email(EMAIL).send().await).0,
        400
    );
    server
        .set_profile()
        .phone("449995550000")
        .send()
        .await
        .unwrap();
    let fresh = fake.profile(Who::Phone("449995550000".into())).unwrap();
    assert!(fresh.get("first_name").is_none(), "{fresh}");
    assert!(
        fake.profile(Who::Did(did.clone()))
            .unwrap()
            .get("phone")
            .is_none(),
        "the purged profile stays without it"
    );

    // The same email in another shop is another profile.
    let other = fake
        .client_builder()
        .shop_id("other-shop")
        .shop_secret("other-secret")
        .build()
        .unwrap();
    assert_eq!(
        api_error(
            other
                .get_profile()
                .email("second@examplemail.com")
                .send()
                .await
        )
        .0,
        400
    );
    other
        .set_profile()
        .email("second@examplemail.com")
        .first_name("Other")
        .send()
        .await
        .unwrap();
    assert_eq!(
        name(Who::Email("second@examplemail.com".into())),
        Some(json!("Jane"))
    );
    let theirs = other
        .get_profile()
        .email("second@examplemail.com")
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.first_name.as_deref(), Some("Other"));
}

#[tokio::test]
async fn injected_faults() {
    let fake = FakeServer::start().await.unwrap();
    // One attempt per call, so each fault shows as it is (retries are tested in reliability.rs).
    let client = fake
        .client_builder()
        .timeout(Duration::from_millis(300))
        .retry(personaclick::RetryPolicy::none())
        .build()
        .unwrap();
    let read = || client.get_profile().email(EMAIL);
    client.set_profile().email(EMAIL).send().await.unwrap();

    fake.inject(Fault::status(503, "try later").on("/profile").times(2));
    for _ in 0..2 {
        assert_eq!(api_error(read().send().await), (503, "try later".into()));
    }
    read().send().await.unwrap();

    fake.inject(Fault::html(502));
    let (status, message) = api_error(read().send().await);
    assert_eq!((status, message.as_str()), (502, ""));

    fake.inject(Fault::drop_connection());
    match read().send().await {
        Err(Error::Transport(_)) => {}
        other => panic!("expected a transport error, got {other:?}"),
    }

    fake.inject(Fault::delay(Duration::from_secs(5)));
    let error = read().send().await.unwrap_err();
    assert!(error.is_timeout(), "{error}");

    fake.inject(Fault::body(200, "application/json", "{\"first_name\": 5"));
    assert!(matches!(read().send().await, Err(Error::Decode(_))));
    read().send().await.unwrap();
}

#[test]
fn the_standalone_binary_serves_the_fake() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_personaclick-fake"))
        .args(["--port", "0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start personaclick-fake");
    // Kept open until the child is stopped: it may still be writing.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let result = runtime.block_on(async {
        let client = Client::builder()
            .base_url(&url)
            .shop_id(DEFAULT_SHOP_ID)
            .strict_responses(true)
            .build()?;
        client.init().send().await
    });
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdout);
    assert!(result.unwrap().did.is_some());

    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_personaclick-fake"))
        .arg("--bogus")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("usage"));
}

/// Generated test cases: xorshift64, a fixed sequence, so a failing case can be run again.
struct Cases(u64);
impl Cases {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn text(&mut self) -> String {
        const PIECES: &[&str] = &[
            "2023-07-01",
            "1990-03-1",
            "23:55:0",
            "0",
            "9",
            "-",
            ":",
            " ",
            "T",
            "Z",
            ".",
            "é",
            "€",
            "😀",
            "\u{0}",
            "%",
            "&",
            "=",
            ",",
            "\"",
            "\\",
            "a@b.c",
            "+7",
            "web_push",
            "bulk",
            "99999999999999999999",
            "-1",
            "1e308",
            "NaN",
            "null",
        ];
        (0..self.below(6))
            .map(|_| PIECES[self.below(PIECES.len())])
            .collect()
    }
    fn value(&mut self, depth: u32) -> serde_json::Value {
        use serde_json::{Map, Value};
        match self.below(if depth > 2 { 5 } else { 7 }) {
            0 => Value::Null,
            1 => Value::Bool(self.next().is_multiple_of(2)),
            2 => json!((self.next() as i64) >> self.below(64)),
            3 => json!(f64::from(self.next() as u32) / 7.0 - 1e6),
            4 => Value::String(self.text()),
            5 => Value::Array((0..self.below(3)).map(|_| self.value(depth + 1)).collect()),
            _ => {
                let mut object = Map::new();
                for key in ["gender", "birthday", "brand", "custom_integer_property"] {
                    if self.below(3) == 0 {
                        object.insert(key.into(), self.value(depth + 1));
                    }
                }
                if self.below(2) == 0 {
                    object.insert(self.text(), self.value(depth + 1));
                }
                Value::Object(object)
            }
        }
    }
}

/// Hostile requests: every parameter of every operation, present or not, with values made of
/// pieces that sit at the edges of the fake's checks (a date cut short, multi-byte characters
/// where a date or time ends, huge and negative numbers, quotes, NUL, nested JSON), plus
/// unknown parameters and bodies that are not JSON. The fake answers each with a documented
/// status; a panic in it would drop the connection instead. Seeded: the same cases each run.
#[tokio::test]
async fn the_fake_answers_every_request_and_never_panics() {
    use personaclick_codegen::schema::Method;
    use serde_json::Value;

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
    let model =
        personaclick_codegen::check(&personaclick_codegen::read_dir(&dir).unwrap()).unwrap();
    let fake = FakeServer::start().await.unwrap();
    let http = reqwest::Client::new();
    let mut cases = Cases(0x9e37_79b9_7f4a_7c15);
    for case in 0..3000 {
        let e = &model.endpoints[cases.below(model.endpoints.len())];
        let mut params = vec![("shop_id".to_string(), json!(DEFAULT_SHOP_ID))];
        if cases.below(4) != 0 {
            params.push(("shop_secret".into(), json!(DEFAULT_SHOP_SECRET)));
        }
        for p in e
            .params
            .iter()
            .filter(|p| p.scope != personaclick_codegen::model::Scope::Client)
        {
            if cases.below(2) == 0 {
                params.push((p.name.wire().to_string(), cases.value(0)));
            }
        }
        if cases.below(5) == 0 {
            params.push((cases.text(), cases.value(0)));
        }
        let url = format!("{}{}", fake.base_url(), e.path);
        let sent = match e.method {
            Method::Get => {
                let query: Vec<(String, String)> = params
                    .into_iter()
                    .map(|(k, v)| match v {
                        Value::String(s) => (k, s),
                        other => (k, other.to_string()),
                    })
                    .collect();
                http.get(&url).query(&query).send().await
            }
            Method::Post | Method::Delete => {
                let body = if cases.below(10) == 0 {
                    cases.text()
                } else {
                    Value::Object(params.into_iter().collect()).to_string()
                };
                let json = "application/json";
                let verb = match e.method {
                    Method::Delete => reqwest::Method::DELETE,
                    _ => reqwest::Method::POST,
                };
                http.request(verb, &url)
                    .header("content-type", json)
                    .body(body)
                    .send()
                    .await
            }
        };
        let response = sent.unwrap_or_else(|e| panic!("case {case}: no answer: {e}"));
        let status = response.status().as_u16();
        response
            .bytes()
            .await
            .unwrap_or_else(|e| panic!("case {case}: {e}"));
        assert!(
            matches!(status, 200 | 400 | 403 | 404),
            "case {case}, {}: {status}",
            e.name.wire()
        );
    }
}

/// What the client puts in a query string arrives as it was written: any text, with the
/// characters a query gives meaning to (`&`, `=`, `+`, `%`, `#`, spaces) and any Unicode,
/// percent-encoded by the client and decoded by the fake, which records what it decoded.
#[tokio::test]
async fn query_values_arrive_as_written() {
    let fake = FakeServer::start().await.unwrap();
    let client = fake.client().unwrap();
    let mut cases = Cases(0x2545_f491_4f6c_dd1d);
    let special = [
        '&', '=', '+', '%', '#', '?', ' ', ',', '/', '\\', '"', 'é', '€', '😀', '\u{7f}',
    ];
    for case in 0..300 {
        let email: String = (0..1 + cases.below(12))
            .map(|_| match cases.below(3) {
                0 => special[cases.below(special.len())],
                1 => char::from_u32(0x20 + cases.below(0x5f) as u32).unwrap_or('x'),
                _ => char::from_u32(cases.below(0x3_0000) as u32)
                    .filter(|c| !c.is_control())
                    .unwrap_or('ü'),
            })
            .collect();
        fake.clear_requests();
        // The fake may refuse the profile; what matters is what it received.
        let _ = client.get_profile().email(email.clone()).send().await;
        let requests = fake.requests();
        assert_eq!(
            requests.last().and_then(|r| r.param("email")),
            Some(json!(email)),
            "case {case}: {email:?}"
        );
    }
}
