//! The generated code of every fixture schema (`tests/snapshots/codegen__*.snap.rs`) compiles,
//! and behaves as its schema says. No network: every call here fails its checks before sending,
//! or is a decode of a literal.

#![allow(missing_docs)]

// Its endpoints `clone` and `new` are methods `clone(&self)` and `new(&self)` of the client, on
// purpose.
#[allow(clippy::should_implement_trait, clippy::new_ret_no_self)]
pub mod keywords {
    include!("snapshots/codegen__keywords.snap.rs");
}
pub mod enums {
    include!("snapshots/codegen__enums.snap.rs");
}
pub mod nested {
    include!("snapshots/codegen__nested.snap.rs");
}
pub mod requirements {
    include!("snapshots/codegen__requirements.snap.rs");
}
pub mod maps {
    include!("snapshots/codegen__maps.snap.rs");
}
pub mod methods {
    include!("snapshots/codegen__methods.snap.rs");
}

use personaclick::Error;

/// A client that is never contacted: every call below fails before sending.
const NOWHERE: &str = "http://127.0.0.1:9";

fn problems(result: Result<impl std::fmt::Debug, Error>) -> Vec<String> {
    match result {
        Err(Error::InvalidRequest(e)) | Err(Error::InvalidConfig(e)) => e.problems().to_vec(),
        other => panic!("expected an invalid request, got {other:?}"),
    }
}

#[tokio::test]
async fn keywords_are_escaped_and_renamed() {
    let client = keywords::Client::builder()
        .base_url(NOWHERE)
        .build()
        .unwrap();
    // Compiles: `r#match`, `r#type`, `r#async`, and `loop` renamed `looping`.
    let request = client.r#match().r#type("t").r#async(1).looping(true);
    assert!(format!("{request:?}").contains("looping: true"));

    let sizes: keywords::Sizes =
        serde_json::from_str(r#"{"120": "a.png", "520": "b.png", "type": "web-push"}"#).unwrap();
    assert_eq!(sizes.px120.as_deref(), Some("a.png"));
    assert_eq!(sizes.px520.as_deref(), Some("b.png"));
    assert_eq!(sizes.r#type, Some(keywords::Kind::WebPush));
    assert_eq!(keywords::Kind::known("1st"), Some(keywords::Kind::First));
    assert_eq!(keywords::Kind::Itself.as_str(), "self");
}

#[test]
fn response_enums_keep_unknown_values_and_request_enums_serialize_strictly() {
    let palette: enums::Palette =
        serde_json::from_str(r#"{"shade": "twilight", "moods": ["happy", "grumpy"]}"#).unwrap();
    let shade = palette.shade.unwrap();
    assert!(matches!(shade, enums::Shade::Unknown(_)));
    assert_eq!(shade.as_str(), "twilight");
    let moods = palette.moods.unwrap();
    assert_eq!(moods[0], enums::Mood::Happy);
    assert_eq!(moods[1].to_string(), "grumpy");
    assert_eq!(serde_json::to_value(enums::Colour::Green).unwrap(), "green");
    // `Colour` is only sent: it has no `Unknown` variant, so this match needs no other arm
    // inside the defining module; from here, `#[non_exhaustive]` asks for a wildcard.
    assert_eq!(enums::Colour::known("blue"), None);
}

#[tokio::test]
async fn nested_values_are_checked_with_their_path() {
    let client = nested::Client::builder().base_url(NOWHERE).build().unwrap();
    let bad_cell = nested::Cell::new().day("2024-02-30").weight(-1.0);
    let missing_day = nested::Cell::new();
    let result = client
        .put_tree()
        .grid([
            vec![nested::Cell::new().day("2024-02-29"), bad_cell],
            vec![missing_day],
        ])
        .root(nested::Node::new().name("far too long"))
        .send()
        .await;
    assert_eq!(
        problems(result),
        [
            "`grid[0][1].day` must be a date as YYYY-MM-DD",
            "`grid[0][1].weight` must be at least 0 (got -1)",
            "`grid[1][0].day` is required",
            "`root.name` is 12 characters long; at most 8 are allowed",
        ]
    );
    let leaf: nested::Leaf = serde_json::from_str(r#"{"value": "42"}"#).unwrap();
    assert_eq!(leaf.value, Some(42));
}

#[tokio::test]
async fn requirement_rules_client_parameters_and_acknowledgements() {
    let missing_key = requirements::Client::builder().base_url(NOWHERE).build();
    assert_eq!(problems(missing_key), ["`key` is required"]);

    let device = requirements::Client::builder()
        .key("k")
        .base_url(NOWHERE)
        .build()
        .unwrap();
    let result = device.search().email("a@b.c").limit(51).send().await;
    assert_eq!(
        problems(result),
        [
            "`since` is required",
            "`kinds` is required",
            "`limit` must be from 1 to 50 (got 51)",
            "one of `token`, `device` is required (a server uses the token, a device its ID)",
            "`email` is set, so `token` is required (an email works with the token only)",
        ]
    );
    let result = device.erase().device("d").send().await;
    assert_eq!(
        problems(result),
        ["`confirm` is required: call its setter to acknowledge it"]
    );

    let server = requirements::Client::builder()
        .key("k")
        .token("SENTINEL-TOKEN")
        .base_url(NOWHERE)
        .build()
        .unwrap();
    assert!(!format!("{server:?}").contains("SENTINEL"));
    let request = server.search().email("private@example.com");
    assert!(
        !format!("{request:?}").contains("private"),
        "sensitive values are redacted"
    );
}

#[test]
fn open_maps_aliases_overrides_and_unions() {
    let record: maps::Record = serde_json::from_str(
        r#"{"id": 7, "title": "from the alias", "counts": {"a": 1}, "colour": "red", "n": null}"#,
    )
    .unwrap();
    assert_eq!(record.id.as_deref(), Some("7"));
    assert_eq!(record.label.as_deref(), Some("from the alias"));
    assert_eq!(record.counts.as_ref().unwrap()["a"], 1);
    assert_eq!(record.other["colour"], "red");
    assert!(record.other["n"].is_null());

    assert_eq!(maps::Value::from(2.5f32), maps::Value::Number(2.5));
    assert_eq!(maps::Value::from("x"), maps::Value::Text("x".into()));
    assert_eq!(
        maps::Value::from(vec!["a".to_string()]),
        maps::Value::Many(vec!["a".into()])
    );
}

#[tokio::test]
async fn free_form_entries_are_checked() {
    let client = maps::Client::builder().base_url(NOWHERE).build().unwrap();
    let result = client
        .save()
        .property("label", "clashes with a named parameter")
        .property("when", maps::Value::Day("2024-13-01".into()))
        .property(" ", 1.0f32)
        .send()
        .await;
    assert_eq!(
        problems(result),
        [
            "`properties[\" \"]` has an empty name",
            "`properties[\"label\"]` uses the reserved name of the parameter `label`; set it with its own setter",
            "`properties[\"when\"]` must be a date as YYYY-MM-DD",
        ]
    );
}

#[tokio::test]
async fn a_delete_is_checked_as_a_post_is() {
    let client = methods::Client::builder()
        .key("k")
        .secret("s")
        .base_url(NOWHERE)
        .build()
        .unwrap();
    let result = client
        .purge()
        .before("2024-02-30")
        .reason("ids", "clashes with a named parameter")
        .send()
        .await;
    assert_eq!(
        problems(result),
        [
            "`email` is required",
            "`before` must be a date as YYYY-MM-DD",
            "`reasons[\"ids\"]` uses the reserved name of the parameter `ids`; set it with its own setter",
        ]
    );
    assert_eq!(
        problems(client.discard().send().await),
        ["`id` is required"]
    );
    let request = client.purge().email("private@example.com").ids([1, 2]);
    let shown = format!("{request:?}");
    assert!(
        !shown.contains("private"),
        "sensitive values are redacted: {shown}"
    );
    assert!(shown.contains("ids: [1, 2]"), "{shown}");
}

#[test]
fn the_client_can_be_shared_between_tasks() {
    fn shared<T: Clone + Send + Sync + 'static>() {}
    shared::<personaclick::Client>();
    shared::<personaclick::ClientBuilder>();
    fn sendable<T: Send + 'static>(_: &T) {}
    let client = personaclick::Client::builder()
        .shop_id("s")
        .build()
        .unwrap();
    sendable(&client.get_profile().did("d").send());
}
