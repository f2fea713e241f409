//! A dynamic call (`Client::dynamic`) is the typed builder's call: the same request on the
//! wire, byte for byte in its parameters, and the same refusals in the same words.
#![cfg(feature = "fake")]

use personaclick::fake::{json, FakeServer, Recorded, Value};
use personaclick::{Auto, Channel, Client, Error, Gender, Kid, MessageType};

fn params(v: Value) -> serde_json::Map<String, Value> {
    v.as_object().cloned().expect("an object")
}

/// What the fake received for one call: method, path, query and body.
fn last(fake: &FakeServer) -> Recorded {
    let r = fake.requests().pop().expect("a request");
    fake.clear_requests();
    r
}

async fn dynamic(client: &Client, op: &str, p: Value) -> Result<Value, Error> {
    client.dynamic(op, params(p))?.send().await
}

#[tokio::test]
async fn dynamic_calls_send_what_the_typed_builders_send() {
    let fake = FakeServer::start().await.unwrap();
    let client = fake.client().unwrap();
    let session = client.init().stream("web").send().await.unwrap();
    let did = session.did.clone().unwrap();
    fake.clear_requests();

    let typed = client
        .set_profile()
        .did(&did)
        .seance("s-1")
        .email("john@example.com")
        .id("100500")
        .age(31)
        .birthday("1990-03-11")
        .gender(Gender::Male)
        .kids([Kid::new().gender(Gender::Male).birthday("2001-04-12")])
        .auto([Auto::new().brand("Nissan").model("Qashqai")])
        .custom_property("custom_integer_property", 100500)
        .custom_property("custom_float_property", 7.0)
        .send()
        .await;
    typed.unwrap();
    let want = last(&fake);
    dynamic(
        &client,
        "set_profile",
        json!({
            "did": did, "seance": "s-1", "email": "john@example.com", "id": "100500",
            "age": "31", "birthday": "1990-03-11", "gender": "m",
            "kids": [{"gender": "m", "birthday": "2001-04-12"}],
            "auto": [{"brand": "Nissan", "model": "Qashqai"}],
            "custom_properties": {"custom_integer_property": 100500, "custom_float_property": 7.0},
        }),
    )
    .await
    .unwrap();
    assert_eq!(last(&fake), want);

    client
        .get_notifications()
        .email("john@example.com")
        .types([MessageType::Bulk, MessageType::Trigger])
        .channels([Channel::WebPush])
        .limit(20)
        .send()
        .await
        .unwrap();
    let want = last(&fake);
    let got = dynamic(
        &client,
        "get_notifications",
        json!({"email": "john@example.com", "type": ["bulk", "trigger"], "channel": ["web_push"], "limit": 20}),
    )
    .await
    .unwrap();
    assert_eq!(last(&fake), want, "a GET's query, comma lists included");
    assert_eq!(got["status"], "success");

    client
        .force_change_email()
        .old_email("john@example.com")
        .new_email("john2@example.com")
        .i_understand_what_i_am_doing()
        .send()
        .await
        .unwrap();
    let want = last(&fake);
    dynamic(
        &client,
        "force_change_email",
        json!({"old_email": "john2@example.com", "new_email": "john@example.com", "i_understand_what_i_am_doing": true}),
    )
    .await
    .unwrap();
    let got = last(&fake);
    assert_eq!((&got.method, &got.path), (&want.method, &want.path));
    assert_eq!(
        got.param("i_understand_what_i_am_doing"),
        want.param("i_understand_what_i_am_doing")
    );
    assert_eq!(
        got.param("shop_secret"),
        want.param("shop_secret"),
        "the client's credentials"
    );
}

#[tokio::test]
async fn dynamic_calls_are_refused_in_the_typed_builders_words() {
    let fake = FakeServer::start().await.unwrap();
    let client = fake.client().unwrap();
    let problems = |e: Error| match e {
        Error::InvalidRequest(invalid) => invalid.problems().to_vec(),
        other => panic!("not refused before sending: {other}"),
    };

    let typed = problems(client.get_profile().send().await.unwrap_err());
    let dynamic = problems(
        client
            .dynamic("get_profile", params(json!({})))
            .unwrap_err(),
    );
    assert_eq!(dynamic, typed);

    let typed = problems(
        client
            .force_change_email()
            .old_email("a@example.com")
            .send()
            .await
            .unwrap_err(),
    );
    let dynamic = problems(
        client
            .dynamic(
                "force_change_email",
                params(json!({"old_email": "a@example.com"})),
            )
            .unwrap_err(),
    );
    assert_eq!(dynamic, typed);

    let typed = problems(
        client
            .get_notifications()
            .email("a@example.com")
            .page(0)
            .limit(60)
            .send()
            .await
            .unwrap_err(),
    );
    let dynamic = problems(
        client
            .dynamic(
                "get_notifications",
                params(json!({"email": "a@example.com", "page": 0, "limit": 60})),
            )
            .unwrap_err(),
    );
    assert_eq!(dynamic, typed);

    // What only a dynamic call can get wrong: names and types.
    let e = problems(
        client
            .dynamic("set_profile", params(json!({"email": "a@example.com", "frist_name": "A", "age": "old", "shop_secret": "x"})))
            .unwrap_err(),
    );
    assert!(
        e.iter().any(|p| p.contains("`frist_name`")
            && p.contains("did you mean `first_name`?")
            && p.contains("free-form entries go in `custom_properties`")),
        "{e:?}"
    );
    assert!(
        e.iter().any(|p| p.contains("`age` must be a whole number")),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|p| p.contains("`shop_secret` is set on the client")),
        "{e:?}"
    );
    let e = problems(
        client
            .dynamic(
                "set_profile",
                params(json!({"email": "a@example.com", "kids": [{"gendr": "m"}]})),
            )
            .unwrap_err(),
    );
    assert_eq!(
        e,
        ["`kids[0].gendr` is not a field of Kid (did you mean `gender`?)"]
    );
    let e = problems(
        client
            .dynamic("get_profiles", params(json!({})))
            .unwrap_err(),
    );
    assert!(e[0].contains("`get_profiles` is not an operation"), "{e:?}");
    let e = problems(
        client
            .dynamic("force_change_email", params(json!({"old_email": "a@example.com", "new_email": "b@example.com", "i_understand_what_i_am_doing": false})))
            .unwrap_err(),
    );
    assert!(e.iter().any(|p| p.contains("can only be true")), "{e:?}");
    assert!(fake.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn dynamic_pages_follow_like_the_typed_stream() {
    let fake = FakeServer::start().await.unwrap();
    let client = fake.client().unwrap();
    let who = || personaclick::fake::Who::Email("p@example.com".into());
    for i in 0..5 {
        fake.add_message(
            who(),
            "email",
            json!({"code": format!("m{i}"), "type": "bulk"}),
        );
    }
    let mut pages = client
        .dynamic(
            "get_notifications",
            params(json!({"email": "p@example.com", "limit": 2})),
        )
        .unwrap()
        .pages()
        .unwrap();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        sizes.push(
            page.unwrap()["payload"]["messages"]
                .as_array()
                .map_or(0, Vec::len),
        );
    }
    assert_eq!(sizes, [2, 2, 1]);
    let mut pages = client
        .dynamic(
            "get_notifications",
            params(json!({"email": "p@example.com", "limit": "3", "page": "2"})),
        )
        .unwrap()
        .pages()
        .unwrap();
    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(
        first["payload"]["messages"].as_array().map(Vec::len),
        Some(2),
        "page 2 of 3 each: {first}"
    );
    assert!(pages.next().await.is_none());
    let not_paged = client
        .dynamic("get_profile", params(json!({"email": "p@example.com"})))
        .unwrap()
        .pages();
    assert!(not_paged.is_err());
}
