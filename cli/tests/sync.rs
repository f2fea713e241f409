//! `sync-profiles` against the fake: every good row arrives as mapped, every bad row is in the
//! reject file with its line and reason, faults are survived, and a killed run resumes without
//! sending a finished row again.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use personaclick::fake::{FakeServer, Fault, Value, Who};
use support::{dir, path, personaclick, run, start_fake};

/// `n` rows; every hundredth (from the 8th) has an age no check accepts.
fn write_rows(file: &Path, n: usize) -> Vec<usize> {
    let mut text = String::from("E-mail,first_name,age,kids\n");
    let mut bad = Vec::new();
    for i in 0..n {
        let age = if i % 100 == 7 {
            bad.push(i);
            "unknown".to_string()
        } else {
            (18 + i % 60).to_string()
        };
        text.push_str(&format!(
            "user{i}@example.com,Name {i},{age},\"[{{\"\"gender\"\":\"\"f\"\"}}]\"\n"
        ));
    }
    std::fs::write(file, text).unwrap();
    bad
}

fn rejects(file: &Path) -> Vec<Value> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn sync_args<'a>(input: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["sync-profiles", input, "--map", "E-mail=email", "--json"];
    args.extend_from_slice(more);
    args
}

#[test]
fn a_large_sync_survives_faults_and_loses_nothing() {
    let (rt, fake) = start_fake(FakeServer::builder());
    let d = dir("large");
    let input = d.join("rows.csv");
    let n = 100_000;
    let bad = write_rows(&input, n);
    // 503s, 429s and dropped connections: two of every hundred calls, all through the run.
    let done = AtomicBool::new(false);
    let (code, out, err) = std::thread::scope(|s| {
        s.spawn(|| {
            let (mut k, mut next) = (0u32, 100);
            while !done.load(Ordering::Relaxed) {
                if fake.requests_seen() >= next {
                    let fault = match k % 3 {
                        0 => Fault::status(503, "busy"),
                        1 => Fault::status(429, "slow down"),
                        _ => Fault::drop_connection(),
                    };
                    fake.inject(fault.on("/profile/set").times(2));
                    k += 1;
                    next += 100;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        let result = run(
            &fake,
            &sync_args(path(&input), &["--rate", "100000", "--concurrency", "32"]),
        );
        done.store(true, Ordering::Relaxed);
        result
    });
    assert_eq!(code, 1, "done, with rejected rows: {err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["sent"], n - bad.len(), "{summary}");
    assert_eq!(summary["rejected"], bad.len(), "{summary}");
    assert!(
        summary["retried_attempts"].as_u64().unwrap() > 0,
        "faults were met: {summary}"
    );

    let rejected = rejects(&d.join("rows.csv.rejects.jsonl"));
    let lines: Vec<u64> = rejected
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, bad.iter().map(|i| *i as u64 + 2).collect::<Vec<_>>());
    for r in &rejected {
        assert!(
            r["reason"]
                .as_str()
                .unwrap()
                .contains("`age` must be a whole number"),
            "{r}"
        );
        assert_eq!(r["row"]["age"], "unknown");
    }
    for i in (0..n).filter(|i| !bad.contains(i)) {
        let p = fake
            .profile(Who::Email(format!("user{i}@example.com")))
            .unwrap_or_else(|| panic!("row {i} arrived"));
        assert_eq!(
            (p["first_name"].as_str(), p["age"].as_i64()),
            (
                Some(format!("Name {i}").as_str()),
                Some((18 + i % 60) as i64)
            )
        );
        assert_eq!(p["kids"][0]["gender"], "f");
    }
    drop(rt);
}

#[test]
fn a_killed_sync_resumes_without_sending_a_finished_row_again() {
    let (_rt, fake) = start_fake(FakeServer::builder());
    let d = dir("resume");
    let input = d.join("rows.csv");
    let n = 3_000;
    let bad = write_rows(&input, n);
    let args = sync_args(path(&input), &["--rate", "600", "--concurrency", "8"]);
    // Ctrl-C: the calls in flight finish, the run says how to continue.
    let child = personaclick(&fake)
        .args(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1000));
    let signal = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(signal.success());
    let (code, out, err) = support::finish(child.wait_with_output().unwrap());
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("interrupted: run the same command again"),
        "{err}"
    );
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert!(
        summary["unfinished"].as_u64().unwrap() <= 1,
        "the calls in flight were let finish; only a row waiting for its turn is left: {summary}"
    );
    let interrupted = fake.requests().len();
    assert!(
        interrupted > 100 && interrupted < n,
        "interrupted midway: {interrupted} calls"
    );

    // A kill: nothing is let finish.
    let mut child = personaclick(&fake).args(&args).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(1000));
    child.kill().expect("killed for real (SIGKILL)");
    let _ = child.wait();
    let before = fake.requests().len();
    assert!(
        before > interrupted && before < n,
        "killed midway: {before} calls"
    );

    let (code, out, err) = run(&fake, &args);
    assert_eq!(code, 1, "{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert!(summary["resumed_after"].as_u64().unwrap() > 0, "{summary}");

    let mut calls: BTreeMap<String, usize> = BTreeMap::new();
    for r in fake.requests().iter().filter(|r| r.path == "/profile/set") {
        let email = r
            .param("email")
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap();
        *calls.entry(email).or_default() += 1;
    }
    assert_eq!(calls.len(), n - bad.len(), "every good row arrived");
    let twice = calls.values().filter(|&&c| c > 1).count();
    assert!(
        twice <= 8,
        "at most the calls in flight when killed were sent again: {twice}"
    );
    assert!(calls.values().all(|&c| c <= 2));
    let rejected = rejects(&d.join("rows.csv.rejects.jsonl"));
    assert_eq!(rejected.len(), bad.len(), "each rejected row once");

    let (code, _, err) = run(&fake, &args);
    assert_eq!(code, 1);
    assert!(err.contains("synced completely already"), "{err}");
}

#[test]
fn bad_files_are_named_by_their_line() {
    let (_rt, fake) = start_fake(FakeServer::builder());
    let d = dir("bad");
    let sync = |name: &str, bytes: &[u8], more: &[&str]| {
        let file = d.join(name);
        std::fs::write(&file, bytes).unwrap();
        let mut args = vec!["sync-profiles", path(&file)];
        args.extend_from_slice(more);
        let (code, _, err) = run(&fake, &args);
        (code, err, rejects(&d.join(format!("{name}.rejects.jsonl"))))
    };
    let (code, err, _) = sync(
        "binary.csv",
        b"email\na@example.com\n\x7fELF\x00\x01\x02\n",
        &[],
    );
    assert_eq!(code, 2);
    assert!(err.contains("line 3: holds a NUL byte"), "{err}");

    let long = format!("email,first_name\na@example.com,{}\n", "x".repeat(10 << 20));
    let (code, err, _) = sync("long.csv", long.as_bytes(), &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("line 2: is longer than 1048576 bytes"),
        "{err}"
    );

    let (code, err, rejected) = sync(
        "ragged.csv",
        b"email,first_name\na@example.com,A\nb@example.com\nc@example.com,\xe9t\xe9\n",
        &[],
    );
    assert_eq!(code, 1, "{err}");
    let reasons: Vec<&str> = rejected
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[0].starts_with("line 3: has 1 cells, the header names 2 columns"));
    assert!(reasons[1].starts_with("line 4: the cell of column `first_name` is not UTF-8"));
    assert!(fake.profile(Who::Email("a@example.com".into())).is_some());

    let (code, err, _) = sync("unknown.csv", b"email,shoe_size\na@example.com,42\n", &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("column `shoe_size` is not a parameter of `set_profile`"),
        "{err}"
    );

    let (code, err, rejected) = sync(
        "rows.jsonl",
        b"{\"email\":\"j@example.com\",\"age\":\"31\"}\n[1]\nnot json\n",
        &[],
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(rejected.len(), 2);
    assert_eq!(
        fake.profile(Who::Email("j@example.com".into())).unwrap()["age"],
        31
    );
}

#[test]
fn a_dry_run_checks_every_row_and_sends_nothing() {
    let (_rt, fake) = start_fake(FakeServer::builder());
    let d = dir("dry");
    let input = d.join("rows.csv");
    let bad = write_rows(&input, 500);
    let (code, out, _) = run(&fake, &sync_args(path(&input), &["--dry-run"]));
    assert_eq!(code, 1);
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["checked"], 500 - bad.len());
    assert_eq!(
        rejects(&d.join("rows.csv.dry-run.rejects.jsonl")).len(),
        bad.len()
    );
    assert!(fake.requests().is_empty());
}

#[test]
fn custom_property_and_json_columns_arrive_as_mapped() {
    let (_rt, fake) = start_fake(FakeServer::builder());
    let d = dir("custom");
    let input = d.join("rows.csv");
    std::fs::write(
        &input,
        "Mail,custom_property.custom_integer_property,auto,Notes\n\
         c@example.com,42,\"[{\"\"brand\"\":\"\"Nissan\"\"}]\",ignored\n",
    )
    .unwrap();
    let args = [
        "sync-profiles",
        path(&input),
        "--map",
        "Mail=email",
        "--map",
        "Notes=-",
    ];
    let (code, _, err) = run(&fake, &args);
    assert_eq!(code, 0, "{err}");
    let p = fake.profile(Who::Email("c@example.com".into())).unwrap();
    assert_eq!(p["custom_properties"]["custom_integer_property"], 42, "{p}");
    assert_eq!(p["auto"][0]["brand"], "Nissan", "{p}");
    assert!(p.get("Notes").is_none());
}

#[test]
fn max_errors_stops_early_and_stdin_is_read_as_a_file() {
    let (_rt, fake) = start_fake(FakeServer::builder());
    let d = dir("limits");
    let input = d.join("rows.csv");
    let bad = write_rows(&input, 2_000);
    let (code, out, err) = run(
        &fake,
        &sync_args(
            path(&input),
            &["--max-errors", "5", "--rate", "200", "--concurrency", "2"],
        ),
    );
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("more than 5 rows rejected (--max-errors)"),
        "{err}"
    );
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["rejected"], 6, "{summary}");
    assert!(
        summary["sent"].as_u64().unwrap() < 2_000 - bad.len() as u64,
        "stopped early: {summary}"
    );

    let mut child = personaclick(&fake)
        .args([
            "sync-profiles",
            "-",
            "--format",
            "jsonl",
            "--checkpoint",
            path(&d.join("stdin.checkpoint")),
            "--reject",
            path(&d.join("stdin.rejects.jsonl")),
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        for i in 0..50 {
            writeln!(
                stdin,
                r#"{{"email":"piped{i}@example.com","first_name":"P{i}"}}"#
            )
            .unwrap();
        }
        writeln!(stdin, r#"{{"email":"piped-bad@example.com","age":"old"}}"#).unwrap();
    }
    let (code, _, err) = support::finish(child.wait_with_output().unwrap());
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        fake.profile(Who::Email("piped49@example.com".into()))
            .unwrap()["first_name"],
        "P49"
    );
    let rejected = rejects(&d.join("stdin.rejects.jsonl"));
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["line"], 51);
}

#[test]
fn the_input_reject_file_and_checkpoint_are_never_one_file() {
    let (_rt, fake) = start_fake(FakeServer::builder());
    let d = dir("paths");
    let input = d.join("rows.csv");
    write_rows(&input, 20);
    let before = std::fs::read(&input).unwrap();
    let same = d.join("same.x");
    for extra in [
        vec!["--reject", path(&input)],
        vec!["--checkpoint", path(&input), "--restart"],
        vec!["--reject", path(&same), "--checkpoint", path(&same)],
        vec![
            "--reject",
            "rows.csv.x",
            "--checkpoint",
            path(&d.join("sub/../rows.csv.x")),
        ],
    ] {
        let mut args = vec!["sync-profiles", path(&input)];
        args.extend(extra.iter().copied());
        let (code, _, err) = support::finish(
            personaclick(&fake)
                .current_dir(&d)
                .args(&args)
                .output()
                .unwrap(),
        );
        assert_eq!(code, 2, "{extra:?}: {err}");
        assert!(err.contains("are the same file"), "{extra:?}: {err}");
    }
    assert_eq!(
        std::fs::read(&input).unwrap(),
        before,
        "the input is untouched"
    );
    assert!(fake.requests().is_empty(), "nothing sent");
}

#[test]
fn an_unreachable_or_refusing_server_stops_the_run_without_rejecting_rows() {
    let (_rt, fake) = start_fake(FakeServer::builder());
    let d = dir("down");
    let input = d.join("rows.csv");
    let bad = write_rows(&input, 30);
    let (code, out, err) = support::finish(
        personaclick(&fake)
            .env("PERSONACLICK_BASE_URL", "http://127.0.0.1:9")
            .args(sync_args(path(&input), &["--concurrency", "2"]))
            .output()
            .unwrap(),
    );
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("got no answer"), "{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["sent"], 0, "{summary}");
    let rejected = rejects(&d.join("rows.csv.rejects.jsonl"));
    assert!(
        rejected.len() <= bad.len(),
        "only bad rows are rejected: {rejected:?}"
    );

    // Back up: the same command finishes the job.
    let (code, out, err) = run(&fake, &sync_args(path(&input), &[]));
    assert_eq!(code, 1, "{err}");
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["sent"], 30 - bad.len(), "{summary}");

    // Wrong credentials: one refusal stops the run; no row is rejected for it.
    let other = d.join("other.csv");
    write_rows(&other, 30);
    let (code, _, err) = support::finish(
        personaclick(&fake)
            .env(
                "PERSONACLICK_SHOP_SECRET",
                "wrong-secret-0123456789abcdef00",
            )
            .args(sync_args(path(&other), &[]))
            .output()
            .unwrap(),
    );
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("refused the credentials"), "{err}");
    assert!(!err.contains("wrong-secret-0123456789abcdef00"));
    assert!(rejects(&d.join("other.csv.rejects.jsonl"))
        .iter()
        .all(|r| r["reason"].as_str().unwrap().contains("whole number")));
}

#[test]
fn a_dry_run_and_a_changed_reject_file_never_lose_a_real_runs_rejects() {
    let (_rt, fake) = start_fake(FakeServer::builder());
    let d = dir("keep");
    let input = d.join("rows.csv");
    let bad = write_rows(&input, 300);
    let args = sync_args(path(&input), &["--rate", "100"]);
    let mut child = personaclick(&fake).args(&args).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(1200));
    child.kill().unwrap();
    let _ = child.wait();
    let real = d.join("rows.csv.rejects.jsonl");
    let kept = std::fs::read(&real).unwrap();
    assert!(!kept.is_empty(), "some rows were rejected before the kill");

    let (code, _, err) = run(&fake, &sync_args(path(&input), &["--dry-run"]));
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        std::fs::read(&real).unwrap(),
        kept,
        "a dry run leaves the real reject file alone"
    );
    assert_eq!(
        rejects(&d.join("rows.csv.dry-run.rejects.jsonl")).len(),
        bad.len()
    );

    std::fs::write(&real, b"").unwrap();
    let (code, _, err) = run(&fake, &args);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("was changed or removed"), "{err}");
    std::fs::write(&real, &kept).unwrap();
    let (code, _, err) = run(&fake, &args);
    assert_eq!(code, 1, "{err}");
    assert_eq!(rejects(&real).len(), bad.len(), "each bad row once");

    // stdin: a finished checkpoint does not swallow the next input.
    let checkpoint = d.join("stdin.checkpoint");
    for expected in [1, 2] {
        let mut child = personaclick(&fake)
            .args([
                "sync-profiles",
                "-",
                "--format",
                "jsonl",
                "--checkpoint",
                path(&checkpoint),
            ])
            .args(["--reject", path(&d.join("stdin.rejects.jsonl"))])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            writeln!(stdin, r#"{{"email":"s{expected}@example.com"}}"#).unwrap();
        }
        let (code, _, err) = support::finish(child.wait_with_output().unwrap());
        if expected == 1 {
            assert_eq!(code, 0, "{err}");
        } else {
            assert_eq!(code, 2, "{err}");
            assert!(err.contains("is a stream"), "{err}");
        }
    }
}
