//! What application code leans on: paging streams, the per-user handle and the blocking client,
//! against the fake server.

#![cfg(feature = "fake")]

use personaclick::fake::{json, FakeServer, Fault, Who};
use personaclick::{Channel, Error, MessageType};

const EMAIL: &str = "john.doe@examplemail.com";

fn seed_messages(fake: &FakeServer, n: usize) {
    for i in 0..n {
        let message = json!({
            "type": "bulk",
            "subject": format!("message {i:03}"),
            // Newest first: message 000 is the newest.
            "sent_at": format!("2023-07-01T{:02}:{:02}:00.000Z", 23 - i / 60, 59 - i % 60),
        });
        fake.add_message(Who::Email(EMAIL.into()), "web_push", message);
    }
}

fn notifications(client: &personaclick::Client) -> personaclick::GetNotificationsRequest {
    client
        .get_notifications()
        .email(EMAIL)
        .types([MessageType::Bulk])
        .channels([Channel::WebPush])
}

#[tokio::test]
async fn items_walk_every_page_at_the_largest_page_size() {
    let fake = FakeServer::start().await.unwrap();
    seed_messages(&fake, 120);
    let client = fake.client().unwrap();
    let mut items = notifications(&client).items();
    let mut subjects = Vec::new();
    while let Some(message) = items.next().await {
        subjects.push(message.unwrap().subject.unwrap());
    }
    let expected: Vec<String> = (0..120).map(|i| format!("message {i:03}")).collect();
    assert_eq!(subjects, expected);
    let pages: Vec<(String, String)> = fake
        .requests()
        .iter()
        .map(|r| {
            (
                r.param("page").unwrap().to_string(),
                r.param("limit").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        pages,
        [
            ("\"1\"", "\"50\""),
            ("\"2\"", "\"50\""),
            ("\"3\"", "\"50\"")
        ]
        .map(|(a, b)| (a.into(), b.into()))
    );
}

#[tokio::test]
async fn pages_stop_after_an_empty_page_and_honour_a_set_limit_and_start() {
    let fake = FakeServer::start().await.unwrap();
    seed_messages(&fake, 20);
    let client = fake.client().unwrap();
    let mut pages = notifications(&client).limit(10).page(1).pages();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        sizes.push(page.unwrap().payload.unwrap().messages.unwrap().len());
    }
    // 10, 10, then an empty page ends it.
    assert_eq!(sizes, [10, 10, 0]);
    let mut from_two = notifications(&client).limit(10).page(2).pages();
    let first = from_two.next().await.unwrap().unwrap();
    assert_eq!(
        first.payload.unwrap().messages.unwrap()[0]
            .subject
            .as_deref(),
        Some("message 010")
    );
}

#[tokio::test]
async fn an_error_ends_the_stream_after_it_is_yielded() {
    let fake = FakeServer::start().await.unwrap();
    seed_messages(&fake, 120);
    let client = fake
        .client_builder()
        .retry(personaclick::RetryPolicy::none())
        .build()
        .unwrap();
    let mut items = notifications(&client).items();
    for _ in 0..50 {
        items.next().await.unwrap().unwrap();
    }
    fake.inject(Fault::status(400, "page gone").on("/notifications"));
    match items.next().await {
        Some(Err(Error::Api(e))) => assert_eq!(e.message(), Some("page gone")),
        other => panic!("expected the error, got {other:?}"),
    }
    assert!(items.next().await.is_none());
    assert_eq!(
        fake.requests().len(),
        2,
        "nothing is fetched after the error"
    );
}

#[tokio::test]
async fn pages_are_a_futures_stream() {
    let fake = FakeServer::start().await.unwrap();
    seed_messages(&fake, 3);
    let client = fake.client().unwrap();
    let mut stream: Box<
        dyn futures_core::Stream<Item = Result<personaclick::Message, Error>> + Send + Unpin,
    > = Box::new(notifications(&client).items());
    let mut n = 0;
    while let Some(item) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut *stream).poll_next(cx)).await
    {
        item.unwrap();
        n += 1;
    }
    assert_eq!(n, 3);
}

#[tokio::test]
async fn a_user_handle_presets_the_device_and_session() {
    let fake = FakeServer::start().await.unwrap();
    let device = fake.device_client().unwrap();
    let session = device.init().send().await.unwrap();
    let user = device
        .user()
        .did(session.did.clone().unwrap())
        .seance(session.seance.clone().unwrap())
        .segment(personaclick::Segment::B);
    user.set_profile().first_name("John").send().await.unwrap();
    let profile = user.get_profile().send().await.unwrap();
    assert_eq!(
        profile.first_name, None,
        "a device gets the public part only"
    );
    for request in &fake.requests()[1..] {
        assert_eq!(
            request.param("did"),
            Some(json!(session.did.clone().unwrap()))
        );
        assert_eq!(
            request.param("seance"),
            Some(json!(session.seance.clone().unwrap()))
        );
        assert_eq!(
            request.param("sid"),
            Some(json!(session.seance.clone().unwrap()))
        );
        assert_eq!(request.param("segment"), Some(json!("B")));
    }
    // A value set on the call wins over the handle's.
    let other = device.init().send().await.unwrap().did.unwrap();
    user.get_profile().did(&other).send().await.unwrap();
    assert_eq!(
        fake.requests().last().unwrap().param("did"),
        Some(json!(other))
    );
    // One client, many users.
    let second = device.user().did(&other);
    assert_eq!(format!("{second:?}"), format!("User {{ did: {other:?} }}"));
}

#[tokio::test]
async fn a_sent_request_is_a_future_that_can_be_spawned_and_owns_its_parameters() {
    let fake = FakeServer::start().await.unwrap();
    let client = fake.client().unwrap();
    let email = String::from("spawned@example.com");
    // Checked and written at `send()`: the future borrows neither the builder nor `email`.
    let set = client.set_profile().email(&email).first_name("Sam").send();
    drop(email);
    tokio::spawn(set).await.unwrap().unwrap();
    let profile = tokio::spawn(client.get_profile().email("spawned@example.com").send())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(profile.first_name.as_deref(), Some("Sam"));
    // A request that fails its checks fails when awaited, and nothing is sent.
    let before = fake.requests().len();
    let e = tokio::spawn(client.get_profile().send())
        .await
        .unwrap()
        .unwrap_err();
    assert!(matches!(e, Error::InvalidRequest(_)), "{e:?}");
    assert_eq!(fake.requests().len(), before);
}

#[cfg(feature = "blocking")]
#[test]
fn the_blocking_client_needs_no_runtime_of_the_caller() {
    // The fake runs on a runtime of its own; this thread has none.
    let server_runtime = tokio::runtime::Runtime::new().unwrap();
    let fake = server_runtime.block_on(FakeServer::start()).unwrap();
    seed_messages(&fake, 60);
    let client = fake.client().unwrap().blocking().unwrap();
    // The blocking builders are the async ones in the blocking mode: one set of setters.
    let _: personaclick::GetProfileRequest<personaclick::Blocking> = client.get_profile();
    client
        .set_profile()
        .email(EMAIL)
        .first_name("John")
        .send()
        .unwrap();
    let profile = client.get_profile().email(EMAIL).send().unwrap();
    assert_eq!(profile.first_name.as_deref(), Some("John"));
    let messages: Vec<_> = client
        .get_notifications()
        .email(EMAIL)
        .types([MessageType::Bulk])
        .channels([Channel::WebPush])
        .items()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(messages.len(), 60);
    // Clones share the runtime and can be used from other threads.
    let clone = client.clone();
    let other_thread = std::thread::spawn(move || {
        clone
            .get_profile()
            .email(EMAIL)
            .send()
            .map(|p| p.first_name)
    });
    assert_eq!(
        other_thread.join().unwrap().unwrap().as_deref(),
        Some("John")
    );
    let session = client.user().did("unknown-device").get_profile().send();
    assert_eq!(session.unwrap_err().status(), Some(403));
}

#[cfg(feature = "blocking")]
#[tokio::test]
async fn a_blocking_call_inside_an_async_runtime_is_an_error_not_a_panic() {
    let fake = FakeServer::start().await.unwrap();
    let client = fake.client().unwrap().blocking().unwrap();
    let e = client.get_profile().email(EMAIL).send().unwrap_err();
    assert!(matches!(e, Error::InvalidConfig(_)), "{e}");
    assert!(e.to_string().contains("async runtime"), "{e}");
    drop(client); // Dropping its runtime here does not panic either.
}

#[tokio::test]
async fn dates_are_typed_strict_on_the_wire_and_read_leniently() {
    use personaclick::{CustomValue, Date, DateTime, Kid};

    let fake = FakeServer::start().await.unwrap();
    let client = fake.client().unwrap();
    client
        .set_profile()
        .email(EMAIL)
        .birthday(Date::new(1990, 3, 11).unwrap())
        .kids([Kid::new().birthday("2015-07-28")])
        .custom_property(
            "custom_date_property",
            DateTime::new(2021, 12, 31, 23, 55, 0).unwrap(),
        )
        .send()
        .await
        .unwrap();
    let sent = fake.requests()[0].body.clone().unwrap();
    assert_eq!(sent["birthday"], "1990-03-11");
    assert_eq!(sent["custom_date_property"], "2021-12-31 23:55:00");
    let profile = client.get_profile().email(EMAIL).send().await.unwrap();
    assert_eq!(profile.birthday.unwrap().get(), Some((1990, 3, 11)));

    // A bad date from the caller: refused before sending, naming the parameter and not the value.
    let e = client
        .set_profile()
        .email(EMAIL)
        .birthday("1990-02-30")
        .custom_property(
            "custom_date_property",
            CustomValue::Date("yesterday".into()),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "set_profile: invalid request, not sent: `birthday` must be a date as YYYY-MM-DD; \
         `custom_properties[\"custom_date_property\"]` must be a date and time as YYYY-MM-DD hh:mm:ss"
    );
    assert_eq!(fake.requests().len(), 2);

    // What the API sends: read leniently, and an odd value is kept as it came.
    fake.add_message(
        Who::Email(EMAIL.into()),
        "web_push",
        json!({"type": "bulk", "sent_at": "2023-07-02 10:20:30", "date": "02.07.2023"}),
    );
    let page = notifications(&client).send().await.unwrap();
    let message = &page.payload.unwrap().messages.unwrap()[0];
    let sent_at = message.sent_at.as_ref().unwrap();
    assert_eq!(sent_at.to_string(), "2023-07-02T10:20:30.000Z");
    assert_eq!(sent_at.get(), Some((1_688_293_230, 0)));
    let odd = message.date.as_ref().unwrap();
    assert_eq!(
        (odd.get(), odd.to_string()),
        (None, "02.07.2023".to_string())
    );
}

#[cfg(feature = "jiff")]
#[tokio::test]
async fn with_the_jiff_feature_setters_take_jiff_values() {
    use personaclick::jiff::civil::date;

    let fake = FakeServer::start().await.unwrap();
    let client = fake.client().unwrap();
    client
        .set_profile()
        .email(EMAIL)
        .birthday(date(1990, 3, 11))
        .custom_property("custom_date_property", date(2021, 12, 31).at(23, 55, 0, 0))
        .send()
        .await
        .unwrap();
    let sent = fake.requests()[0].body.clone().unwrap();
    assert_eq!(sent["birthday"], "1990-03-11");
    assert_eq!(sent["custom_date_property"], "2021-12-31 23:55:00");
    let profile = client.get_profile().email(EMAIL).send().await.unwrap();
    let birthday = personaclick::jiff::civil::Date::try_from(profile.birthday.unwrap());
    assert_eq!(birthday, Ok(date(1990, 3, 11)));

    // A jiff date this API cannot carry is refused before sending, like a bad text.
    let e = client
        .set_profile()
        .email(EMAIL)
        .birthday(date(-1, 3, 11))
        .send()
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .ends_with("`birthday` must be a date as YYYY-MM-DD"),
        "{e}"
    );
}
