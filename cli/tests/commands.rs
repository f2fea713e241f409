//! Every operation's subcommand against the fake: flags in, the response as JSON out, the
//! library's checks and words, the documented exit codes, and no secret anywhere.

mod support;

use personaclick::fake::{json, FakeServer, Value, Who};
use support::{run, start_fake};

fn fake() -> (tokio::runtime::Runtime, FakeServer) {
    start_fake(FakeServer::builder())
}

fn json_of(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
fn every_operation_of_the_schema_is_a_subcommand() {
    let (_rt, fake) = fake();
    let (code, help, _) = run(&fake, &["--help"]);
    assert_eq!(code, 0);
    for e in &personaclick::dynamic::schema().unwrap().endpoints {
        let name = e.name.wire().replace('_', "-");
        assert!(
            help.contains(&format!("  {name} ")),
            "{name} missing from:\n{help}"
        );
        let (code, sub, _) = run(&fake, &[&name, "--help"]);
        assert_eq!(code, 0, "{name} --help");
        assert!(sub.contains(&e.path), "{name}'s help names its path");
        for p in e
            .params
            .iter()
            .filter(|p| p.scope != personaclick::dynamic::model::Scope::Client)
        {
            if !matches!(p.fixed, personaclick::dynamic::model::Fixed::Constant(_)) {
                assert!(
                    sub.contains(&format!("--{}", p.name.wire().replace('_', "-"))),
                    "{name} --{}",
                    p.name.wire()
                );
            }
        }
        assert!(
            !sub.contains("--shop-secret"),
            "credentials are never flags"
        );
    }
}

#[test]
fn set_and_get_a_profile_with_nested_and_custom_values() {
    let (_rt, fake) = fake();
    let (code, out, err) = run(
        &fake,
        &[
            "set-profile",
            "--email",
            "john.doe@examplemail.com",
            "--first-name",
            "John",
            "--age",
            "31",
            "--kids",
            r#"[{"gender":"m","birthday":"2001-04-12"}]"#,
            "--custom-property",
            "custom_integer_property=100500",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(json_of(&out)["status"], "success");
    let profile = fake
        .profile(Who::Email("john.doe@examplemail.com".into()))
        .unwrap();
    assert_eq!(profile["age"], 31);
    assert_eq!(profile["kids"][0]["birthday"], "2001-04-12");

    let (code, out, _) = run(
        &fake,
        &["get-profile", "--email", "john.doe@examplemail.com"],
    );
    assert_eq!(code, 0);
    let got = json_of(&out);
    assert_eq!(got["first_name"], "John");
    assert_eq!(got["custom_properties"]["custom_integer_property"], 100500);

    let (_, yaml, _) = run(
        &fake,
        &[
            "get-profile",
            "--email",
            "john.doe@examplemail.com",
            "-o",
            "yaml",
        ],
    );
    assert_eq!(serde_yaml_ng::from_str::<Value>(&yaml).unwrap(), got);
    let (_, table, _) = run(
        &fake,
        &[
            "get-profile",
            "--email",
            "john.doe@examplemail.com",
            "-o",
            "table",
        ],
    );
    assert!(
        table.contains("first_name") && table.contains("John"),
        "{table}"
    );
}

#[test]
fn the_library_refuses_before_sending_in_its_own_words() {
    let (_rt, fake) = fake();
    let (code, _, err) = run(
        &fake,
        &["set-profile", "--email", "a@example.com", "--age", "old"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("`age` must be a whole number"), "{err}");
    let (code, _, err) = run(
        &fake,
        &[
            "get-notifications",
            "--email",
            "a@example.com",
            "--limit",
            "-1",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("`limit` must be from 1 to 50 (got -1)"),
        "a negative number is a value: {err}"
    );
    let (code, _, err) = run(&fake, &["get-profile"]);
    assert_eq!(code, 2);
    assert!(err.contains("one of `did`, `email`"), "{err}");
    let (code, _, err) = run(
        &fake,
        &[
            "set-profile",
            "--email",
            "a@example.com",
            "--kids",
            "[{gender}]",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("--kids: is not JSON"), "{err}");
    let (code, _, err) = run(
        &fake,
        &[
            "force-change-email",
            "--old-email",
            "a@example.com",
            "--new-email",
            "b@example.com",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("`i_understand_what_i_am_doing` is required"),
        "{err}"
    );
    assert!(fake.requests().is_empty(), "nothing was sent");
}

#[test]
fn every_other_operation_runs() {
    let (_rt, fake) = fake();
    let email = "jane@example.com";
    let who = || Who::Email(email.into());
    run(
        &fake,
        &[
            "set-profile",
            "--email",
            email,
            "--phone",
            "+4400000001",
            "--id",
            "u-1",
        ],
    );
    fake.add_order(
        Who::ExternalId("u-1".into()),
        "order-1",
        "created",
        vec![json!({"id": "p1", "name": "Shoe", "price": 10.5})],
    );
    for i in 0..3 {
        fake.add_message(
            who(),
            "email",
            json!({"code": format!("m{i}"), "subject": "Hi"}),
        );
    }
    let ok = |args: &[&str]| {
        let (code, out, err) = run(&fake, args);
        assert_eq!(code, 0, "{args:?}: {err}");
        json_of(&out)
    };
    let products = ok(&["get-last-order-products", "--external-id", "u-1"]);
    assert_eq!(products[0]["id"], "p1", "{products}");
    let all = ok(&[
        "get-notifications",
        "--email",
        email,
        "--all",
        "--limit",
        "2",
    ]);
    assert_eq!(
        all.as_array().map(Vec::len),
        Some(3),
        "every page's items: {all}"
    );
    ok(&["init"]);
    ok(&[
        "force-change-email",
        "--old-email",
        email,
        "--new-email",
        "jane2@example.com",
        "--i-understand-what-i-am-doing",
    ]);
    ok(&[
        "force-change-phone",
        "--old-phone",
        "+4400000001",
        "--new-phone",
        "+4400000002",
        "--i-understand-what-i-am-doing",
    ]);
    ok(&["purge-profile", "--email", "jane2@example.com"]);
    assert!(fake
        .profile(Who::Email("jane2@example.com".into()))
        .is_none());
}

#[test]
fn exit_codes_say_what_happened() {
    let (_rt, fake) = fake();
    let (code, _, err) = run(&fake, &["get-profile", "--email", "nobody@example.com"]);
    assert_eq!(code, 1, "PersonaClick's refusal: {err}");
    assert!(err.contains("400"), "{err}");
    let (code, _, _) = run(&fake, &["no-such-command"]);
    assert_eq!(code, 2);
    for bad in ["-1", "NaN", "inf", "0"] {
        let (code, _, err) = run(&fake, &["init", &format!("--timeout={bad}")]);
        assert_eq!(code, 2, "--timeout {bad}: {err}");
        assert!(
            err.contains("must be a number of seconds above zero"),
            "{err}"
        );
    }
    // A reader that goes away is no error (and no panic).
    let mut child = support::personaclick(&fake)
        .args(["init"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let (code, _, err) = support::finish(child.wait_with_output().unwrap());
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let (code, _, err) = support::finish(
        support::personaclick(&fake)
            .env("PERSONACLICK_BASE_URL", "http://127.0.0.1:9")
            .args(["get-profile", "--email", "a@example.com", "--timeout", "2"])
            .output()
            .unwrap(),
    );
    assert_eq!(code, 3, "no answer: {err}");
    let (code, _, err) = support::finish(
        support::personaclick(&fake)
            .env_remove("PERSONACLICK_SHOP_ID")
            .args(["init"])
            .output()
            .unwrap(),
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("PERSONACLICK_SHOP_ID"),
        "says how to set it: {err}"
    );
}
