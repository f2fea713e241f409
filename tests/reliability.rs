//! Reliability and security at the wire, each property a test against local servers: scripted
//! raw sockets where the bytes matter (headers, truncation, resets, sizes), tokio's paused
//! clock where time matters.

#[path = "support/traces.rs"]
mod traces;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use personaclick::{Client, Error, RetryPolicy, TransportKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;
use traces::capture_tracing;

const SHOP_ID: &str = "0d42fd8b713d0752776ca589cc0056";
const SENTINEL: &str = "SENTINEL-SECRET-123";
const EMAIL: &str = "sentinel.person@examplemail.com";

/// What the scripted server does with one connection, after reading its request.
#[derive(Clone)]
enum Reply {
    /// Writes these bytes and closes.
    Bytes(Vec<u8>),
    /// Writes a response head, then body bytes until the client stops reading.
    Endless(String),
    /// Writes these bytes, then resets the connection.
    Reset(Vec<u8>),
    /// Never answers; notes when the client goes away.
    Stall,
}

fn http(status: u16, headers: &str, body: &str) -> Reply {
    Reply::Bytes(
        format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{headers}\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

/// A server that answers connection `i` with `script[i]` (the last one repeats), and keeps
/// each request's raw head.
struct Scripted {
    addr: SocketAddr,
    heads: Arc<Mutex<Vec<String>>>,
    hung_up: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Scripted {
    async fn start(script: Vec<Reply>) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let hung_up = Arc::new(AtomicUsize::new(0));
        let (h, g) = (Arc::clone(&heads), Arc::clone(&hung_up));
        let task = tokio::spawn(async move {
            let mut n = 0;
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let reply = script[n.min(script.len() - 1)].clone();
                n += 1;
                tokio::spawn(serve(stream, reply, Arc::clone(&h), Arc::clone(&g)));
            }
        });
        Scripted {
            addr,
            heads,
            hung_up,
            task,
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn hits(&self) -> usize {
        self.heads.lock().unwrap().len()
    }
}

async fn serve(
    mut stream: TcpStream,
    reply: Reply,
    heads: Arc<Mutex<Vec<String>>>,
    hung_up: Arc<AtomicUsize>,
) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    // The head, then as much body as Content-Length says.
    let head_end = loop {
        let n = stream.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            return;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    heads.lock().unwrap().push(head);
    match reply {
        Reply::Bytes(bytes) => {
            let _ = stream.write_all(&bytes).await;
        }
        Reply::Endless(head) => {
            if stream.write_all(head.as_bytes()).await.is_ok() {
                let block = vec![b' '; 64 * 1024];
                while stream.write_all(&block).await.is_ok() {}
            }
        }
        Reply::Reset(bytes) => {
            let _ = stream.write_all(&bytes).await;
            // A zero linger makes the close a reset; with zero it does not block.
            #[allow(deprecated)]
            let _ = stream.set_linger(Some(Duration::ZERO));
        }
        Reply::Stall => {
            // Read until the client hangs up.
            while stream.read(&mut chunk).await.is_ok_and(|n| n > 0) {}
            hung_up.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Strict: a response value the schema does not describe fails the test.
fn client(url: &str) -> personaclick::ClientBuilder {
    Client::builder()
        .shop_id(SHOP_ID)
        .shop_secret(SENTINEL)
        .base_url(url)
        .strict_responses(true)
}

/// Fast retries, so the tests that retry take milliseconds.
fn quick() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn transport_kind<T: std::fmt::Debug>(r: Result<T, Error>) -> (TransportKind, u32) {
    match r {
        Err(Error::Transport(e)) => (e.kind(), e.attempts()),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

const PROFILE: &str = r#"{"first_name":"John"}"#;

// --- Retries --------------------------------------------------------------------------------

#[tokio::test]
async fn idempotent_calls_are_retried_until_they_succeed() {
    let server = Scripted::start(vec![
        http(503, "", ""),
        http(502, "", "<html>"),
        http(200, "", PROFILE),
    ])
    .await;
    let c = client(&server.url()).retry(quick()).build().unwrap();
    let profile = c.get_profile().email(EMAIL).send().await.unwrap();
    assert_eq!(profile.first_name.as_deref(), Some("John"));
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn a_forced_email_change_answered_503_is_sent_exactly_once() {
    let server = Scripted::start(vec![http(
        503,
        "",
        r#"{"status":"error","message":"busy"}"#,
    )])
    .await;
    let c = client(&server.url()).retry(quick()).build().unwrap();
    let e = c
        .force_change_email()
        .old_email("a@examplemail.com")
        .new_email("b@examplemail.com")
        .i_understand_what_i_am_doing()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        (e.status(), e.message(), e.is_retryable()),
        (Some(503), Some("busy"), true)
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_request_that_never_left_is_retried_whatever_the_operation() {
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = client(&format!("http://127.0.0.1:{port}"))
        .retry(quick())
        .build()
        .unwrap();
    let r = c
        .force_change_phone()
        .old_phone("1")
        .new_phone("2")
        .i_understand_what_i_am_doing()
        .send()
        .await;
    assert_eq!(transport_kind(r), (TransportKind::Connect, 3));
}

#[tokio::test]
async fn other_statuses_are_not_retried() {
    let server =
        Scripted::start(vec![http(400, "", r#"{"status":"error","message":"bad"}"#)]).await;
    let c = client(&server.url()).retry(quick()).build().unwrap();
    let e = c.get_profile().email(EMAIL).send().await.unwrap_err();
    assert!(!e.is_retryable());
    assert_eq!(server.hits(), 1);
}

#[tokio::test(start_paused = true)]
async fn retry_after_in_seconds_is_honoured() {
    let server = Scripted::start(vec![
        http(429, "retry-after: 7\r\n", ""),
        http(200, "", PROFILE),
    ])
    .await;
    let c = client(&server.url()).build().unwrap();
    let start = Instant::now();
    c.get_profile().email(EMAIL).send().await.unwrap();
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_secs(7) && waited < Duration::from_secs(8),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_as_an_http_date_is_honoured() {
    let in_five = std::time::SystemTime::now() + Duration::from_secs(5);
    let server = Scripted::start(vec![
        http(503, &format!("retry-after: {}\r\n", http_date(in_five)), ""),
        http(200, "", PROFILE),
    ])
    .await;
    let c = client(&server.url()).build().unwrap();
    let start = Instant::now();
    c.get_profile().email(EMAIL).send().await.unwrap();
    let waited = start.elapsed();
    // Whole seconds on the wire: between 4 and 5 seconds from now.
    assert!(
        waited >= Duration::from_secs(3) && waited <= Duration::from_secs(6),
        "{waited:?}"
    );
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_ends_the_call() {
    let server = Scripted::start(vec![http(503, "retry-after: 120\r\n", "")]).await;
    let c = client(&server.url()).build().unwrap();
    let e = c.get_profile().email(EMAIL).send().await.unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(server.hits(), 1);
}

/// `Duration::MAX` is a natural way to say "no limit": it must not overflow a deadline.
#[tokio::test]
async fn unlimited_timeouts_and_retry_after_caps_do_not_overflow() {
    let server = Scripted::start(vec![
        http(503, "retry-after: 18446744073709551615\r\n", ""),
        http(200, "", PROFILE),
    ])
    .await;
    let c = client(&server.url())
        .timeout(Duration::MAX)
        .attempt_timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .retry(quick().max_retry_after(Duration::MAX))
        .build()
        .unwrap();
    // A wait of 584 billion years does not fit before any deadline: the call ends with the
    // server's answer instead of waiting, or panicking on the sum.
    let e = c.get_profile().email(EMAIL).send().await.unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(server.hits(), 1);
    // Without the odd `Retry-After`, calls under these settings simply work.
    let c = client(&server.url())
        .timeout(Duration::MAX)
        .attempt_timeout(Duration::MAX)
        .build()
        .unwrap();
    let profile = c.get_profile().email(EMAIL).send().await.unwrap();
    assert_eq!(profile.first_name.as_deref(), Some("John"));
}

#[tokio::test]
async fn the_retry_budget_stops_retry_storms() {
    let server = Scripted::start(vec![http(503, "", "")]).await;
    let c = client(&server.url()).retry(quick()).build().unwrap();
    for _ in 0..10 {
        let _ = c
            .clone()
            .get_profile()
            .email(EMAIL)
            .send()
            .await
            .unwrap_err();
    }
    // Ten retries in the budget: the first five calls retry twice each, the rest not at all.
    assert_eq!(server.hits(), 5 * 3 + 5);
}

#[tokio::test(start_paused = true)]
async fn waits_grow_but_stay_under_the_cap() {
    let server = Scripted::start(vec![http(503, "", "")]).await;
    let policy = RetryPolicy::default()
        .max_attempts(6)
        .backoff(Duration::from_secs(1), Duration::from_secs(3));
    let c = client(&server.url())
        .retry(policy)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let start = Instant::now();
    let _ = c.get_profile().email(EMAIL).send().await.unwrap_err();
    // Five waits, each at most min(1 s · 2^k, 3 s): 1 + 2 + 3 + 3 + 3.
    assert!(
        start.elapsed() <= Duration::from_secs(12),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(server.hits(), 6);
}

// --- Timeouts -------------------------------------------------------------------------------

/// One `get_profile` call to a server that never answers, from a client set up by `configure`:
/// its error, and how long it took (on the paused clock).
async fn call_a_stalled_server(
    configure: impl FnOnce(personaclick::ClientBuilder) -> personaclick::ClientBuilder,
) -> (Error, Duration) {
    let server = Scripted::start(vec![Reply::Stall]).await;
    let c = configure(client(&server.url())).build().unwrap();
    let start = Instant::now();
    let e = c.get_profile().email(EMAIL).send().await.unwrap_err();
    (e, start.elapsed())
}

#[tokio::test(start_paused = true)]
async fn a_stalled_server_times_out_at_the_attempt_timeout() {
    let (e, elapsed) = call_a_stalled_server(|c| {
        c.attempt_timeout(Duration::from_secs(4))
            .retry(RetryPolicy::none())
    })
    .await;
    assert!(e.is_timeout() && e.is_retryable(), "{e}");
    assert!(
        elapsed >= Duration::from_secs(4) && elapsed < Duration::from_millis(4100),
        "{elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_whole_call_timeout_covers_retries() {
    let (e, elapsed) = call_a_stalled_server(|c| {
        c.attempt_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(5))
    })
    .await;
    let (kind, attempts) = transport_kind::<()>(Err(e));
    assert_eq!(kind, TransportKind::Timeout);
    assert!(attempts >= 2, "{attempts}");
    assert!(
        elapsed >= Duration::from_secs(4) && elapsed <= Duration::from_secs(5),
        "{elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_call_timeout_shorter_than_the_attempt_timeout_ends_the_first_attempt() {
    let (e, elapsed) = call_a_stalled_server(|c| {
        c.attempt_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(3))
    })
    .await;
    let (kind, attempts) = transport_kind::<()>(Err(e));
    assert_eq!((kind, attempts), (TransportKind::Timeout, 1));
    assert!(
        elapsed >= Duration::from_secs(3) && elapsed < Duration::from_millis(3100),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn timeouts_are_on_by_default() {
    let c = Client::builder().shop_id(SHOP_ID).build().unwrap();
    // The defaults are documented on the builder; a zero timeout is refused.
    assert!(Client::builder()
        .shop_id(SHOP_ID)
        .timeout(Duration::ZERO)
        .build()
        .is_err());
    assert_eq!(c.base_url(), "https://api.personaclick.com");
}

#[tokio::test(start_paused = true)]
async fn dropping_the_call_stops_everything() {
    let server = Scripted::start(vec![Reply::Stall]).await;
    let c = client(&server.url()).build().unwrap();
    let call = c.get_profile().email(EMAIL).send();
    assert!(tokio::time::timeout(Duration::from_secs(1), call)
        .await
        .is_err());
    // The connection is closed and no other attempt follows.
    tokio::time::sleep(Duration::from_secs(60)).await;
    for _ in 0..100 {
        if server.hung_up.load(Ordering::SeqCst) == 1 {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(server.hung_up.load(Ordering::SeqCst), 1);
    assert_eq!(server.hits(), 1);
}

// --- Bodies ---------------------------------------------------------------------------------

#[tokio::test]
async fn a_declared_oversize_body_is_refused_without_reading_it() {
    let server = Scripted::start(vec![Reply::Endless(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000000\r\n\r\n"
            .into(),
    )])
    .await;
    let c = client(&server.url())
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let (kind, attempts) = transport_kind(c.get_profile().email(EMAIL).send().await);
    assert_eq!(
        (kind, attempts),
        (TransportKind::TooLarge { limit: 1024 }, 1)
    );
}

/// With the size limit lifted, a declared length is still only the server's word: the body
/// buffer grows with what arrives, not to the declared terabyte (which would abort).
#[tokio::test]
async fn a_huge_declared_length_is_not_allocated_up_front() {
    let mut reply =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000000000000\r\n\r\n"
            .to_vec();
    reply.extend(std::iter::repeat_n(b' ', 200_000));
    let server = Scripted::start(vec![Reply::Bytes(reply)]).await;
    let c = client(&server.url())
        .max_response_bytes(usize::MAX)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let (kind, attempts) = transport_kind(c.get_profile().email(EMAIL).send().await);
    assert_eq!((kind, attempts), (TransportKind::Body, 1));
}

#[tokio::test]
async fn an_undeclared_oversize_body_is_cut_off() {
    let server = Scripted::start(vec![Reply::Endless(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n".into(),
    )])
    .await;
    let c = client(&server.url())
        .max_response_bytes(100_000)
        .build()
        .unwrap();
    let (kind, _) = transport_kind(c.get_profile().email(EMAIL).send().await);
    assert_eq!(kind, TransportKind::TooLarge { limit: 100_000 });
}

#[tokio::test]
async fn a_body_in_several_chunks_is_read_whole() {
    let parts = [
        r#"{"first_name": "Jo"#,
        r#"hn", "email": "#,
        r#""a@b.c", "age": 41}"#,
    ];
    let mut wire = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                    transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
        .to_string();
    for part in parts {
        wire.push_str(&format!("{:x}\r\n{part}\r\n", part.len()));
    }
    wire.push_str("0\r\n\r\n");
    let server = Scripted::start(vec![Reply::Bytes(wire.into_bytes())]).await;
    let c = client(&server.url()).build().unwrap();
    let profile = c.get_profile().email(EMAIL).send().await.unwrap();
    assert_eq!(profile.first_name.as_deref(), Some("John"));
    assert_eq!(
        (profile.email.as_deref(), profile.age),
        (Some("a@b.c"), Some(41))
    );
}

#[tokio::test]
async fn a_truncated_body_and_a_reset_are_transport_errors() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n";
    let truncated = format!("{head}{{\"first_name\":");
    for reply in [
        Reply::Bytes(truncated.clone().into_bytes()),
        Reply::Reset(truncated.into_bytes()),
    ] {
        let server = Scripted::start(vec![reply]).await;
        let c = client(&server.url())
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let (kind, _) = transport_kind(c.get_profile().email(EMAIL).send().await);
        assert_eq!(kind, TransportKind::Body);
    }
}

#[tokio::test]
async fn empty_and_cut_json_bodies_are_specific_decode_errors() {
    for (body, expected) in [
        ("", "the body is empty"),
        ("{\"first_name\": \"Jo", "the body ends too early"),
    ] {
        let server = Scripted::start(vec![http(200, "", body)]).await;
        let c = client(&server.url()).build().unwrap();
        match c.get_profile().email(EMAIL).send().await {
            Err(Error::Decode(e)) => assert!(e.to_string().contains(expected), "{e}"),
            other => panic!("expected a decode error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn decode_errors_point_at_the_path_and_mask_the_data() {
    let body =
        format!(r#"{{"email": "{EMAIL}", "kids": [{{"gender": "m", "birthday": ["{EMAIL}"]}}]}}"#);
    let server = Scripted::start(vec![http(200, "", &body)]).await;
    let c = client(&server.url()).build().unwrap();
    let e = c.get_profile().email(EMAIL).send().await.unwrap_err();
    let shown = format!("{e} {e:?}");
    assert!(matches!(e, Error::Decode(_)));
    assert!(
        shown.contains("`kids[0].birthday`: expected string (date), found an array"),
        "{shown}"
    );
    assert!(shown.contains("application/json"), "{shown}");
    assert!(!shown.contains("sentinel.person"), "{shown}");

    // Where the body is not JSON, the error shows where, keys kept and values masked.
    let cut =
        format!(r#"{{"email": "{EMAIL}", "kids": [{{"gender": "m", "birthday": [19900311 }}]}}"#);
    let server = Scripted::start(vec![http(200, "", &cut)]).await;
    let c = client(&server.url()).build().unwrap();
    let e = c.get_profile().email(EMAIL).send().await.unwrap_err();
    let shown = format!("{e} {e:?}");
    assert!(shown.contains("at `kids[0].birthday"), "{shown}");
    assert!(
        shown.contains("\"birthday\": [****"),
        "keys stay, values are masked: {shown}"
    );
    assert!(
        !shown.contains("sentinel.person") && !shown.contains("1990"),
        "{shown}"
    );
}

// --- Redirects, Referer, plain HTTP ---------------------------------------------------------

#[tokio::test]
async fn redirects_are_not_followed_and_no_referer_is_sent() {
    let elsewhere = Scripted::start(vec![http(200, "", PROFILE)]).await;
    let location = format!("location: {}/profile/set\r\n", elsewhere.url());
    let server = Scripted::start(vec![http(307, &location, "")]).await;
    let c = client(&server.url()).build().unwrap();
    let e = c.set_profile().email(EMAIL).send().await.unwrap_err();
    assert_eq!(e.status(), Some(307));
    assert_eq!(
        elsewhere.hits(),
        0,
        "the body (with the secret) went nowhere else"
    );
    let head = server.heads.lock().unwrap()[0].to_ascii_lowercase();
    assert!(!head.contains("referer"), "{head}");
}

#[test]
fn plain_http_is_refused_except_on_loopback() {
    for (url, ok) in [
        ("http://api.personaclick.com", false),
        ("http://10.0.0.1:8080", false),
        ("ftp://api.personaclick.com", false),
        ("https://api.rees46.ru", true),
        ("http://127.0.0.1:8080", true),
        ("http://localhost:8080", true),
        ("http://[::1]:8080", true),
    ] {
        let built = Client::builder().shop_id(SHOP_ID).base_url(url).build();
        assert_eq!(built.is_ok(), ok, "{url}");
        if let Err(e) = built {
            assert!(e.to_string().contains("base_url"), "{e}");
        }
    }
}

// --- Secrets --------------------------------------------------------------------------------

fn everything_shown(e: &Error) -> String {
    let mut shown = format!("{e} {e:?} {e:#?}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        shown.push_str(&format!(" {s} {s:?}"));
        source = s.source();
    }
    shown
}

#[tokio::test(start_paused = true)]
async fn the_secret_never_shows_whatever_fails() {
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let echo = format!(r#"{{"status":"error","message":"bad secret {SENTINEL}"}}"#);
    let scenarios: Vec<(&str, Option<Reply>)> = vec![
        ("refused", None),
        ("timeout", Some(Reply::Stall)),
        ("403", Some(http(403, "", &echo))),
        ("500", Some(http(500, "", &echo))),
        (
            "malformed",
            Some(http(200, "", &format!("{{\"first_name\": {SENTINEL}"))),
        ),
        (
            "too large",
            Some(Reply::Endless("HTTP/1.1 200 OK\r\n\r\n".into())),
        ),
    ];
    let (lines, _guard) = capture_tracing();
    for (name, reply) in scenarios {
        let server = match reply {
            Some(r) => Some(Scripted::start(vec![r]).await),
            None => None,
        };
        let url = server
            .as_ref()
            .map_or(format!("http://127.0.0.1:{port}"), |s| s.url());
        let c = client(&url)
            .attempt_timeout(Duration::from_secs(1))
            .max_response_bytes(10_000)
            .build()
            .unwrap();
        assert!(!format!("{c:?}").contains(SENTINEL));
        for e in [
            c.get_profile().email(EMAIL).send().await.unwrap_err(),
            c.init().send().await.unwrap_err(),
        ] {
            let shown = everything_shown(&e);
            assert!(!shown.contains(SENTINEL), "{name}: {shown}");
        }
    }
    let traced = lines.lock().unwrap().join("\n");
    assert!(!traced.is_empty());
    assert!(
        !traced.contains(SENTINEL) && !traced.contains("sentinel.person"),
        "{traced}"
    );
}

// --- Tracing --------------------------------------------------------------------------------

#[tokio::test]
async fn each_call_has_a_span_with_operation_path_status_attempts_and_duration() {
    let server = Scripted::start(vec![http(503, "", ""), http(200, "", PROFILE)]).await;
    let c = client(&server.url()).retry(quick()).build().unwrap();
    let (lines, _guard) = capture_tracing();
    c.get_profile().email(EMAIL).send().await.unwrap();
    let traced = lines.lock().unwrap().join("\n");
    for expected in [
        "new span personaclick: operation=get_profile path=/profile",
        "record: attempts=2",
        "record: status=200",
        "record: duration_ms=",
        "event: message=response attempt=1 status=503",
        "event: message=retrying attempt=1 wait_ms=",
    ] {
        assert!(traced.contains(expected), "{expected:?} in\n{traced}");
    }
    assert!(
        !traced.contains("?email") && !traced.contains(SENTINEL),
        "no URL, no secret: {traced}"
    );
}

/// An IMF-fixdate, as servers write `Retry-After`.
fn http_date(t: std::time::SystemTime) -> String {
    let secs = t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
