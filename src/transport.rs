//! One call on the wire: build the request, send it, and turn the response into a value or
//! an [`Error`].

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use serde::de::DeserializeSeed;
use tokio::time::Instant;
use tracing::Instrument;

use crate::call::{Call, Prepared};
use crate::client::{Api, Core, Endpoint, ErrorShape, Method};
use crate::envelope;
use crate::error::{ApiError, DecodeError, Error, TransportError, TransportKind};
use crate::observe::{Attempt, Outcome};
use crate::read::{decode_response, Read, Reading};
use crate::retry::{parse_retry_after, RETRYABLE_STATUSES};
use crate::unread::Unread;
use crate::wire::Secret;

/// A response, read whole (within the size limit).
struct Answer {
    status: u16,
    /// Kept as received (sharing the read buffer): it is only shown if decoding fails.
    content_type: Option<reqwest::header::HeaderValue>,
    retry_after: Option<std::time::Duration>,
    body: bytes::Bytes,
}

/// An attempt that got no complete response.
struct Failure {
    kind: TransportKind,
    source: Option<reqwest::Error>,
}

impl Failure {
    fn from_reqwest(e: reqwest::Error, reading_body: bool) -> Self {
        let kind = if e.is_timeout() {
            TransportKind::Timeout
        } else if e.is_connect() {
            TransportKind::Connect
        } else if reading_body {
            TransportKind::Body
        } else {
            TransportKind::Request
        };
        // The URL carries the query string, and with it the shop secret on GET requests.
        Failure {
            kind,
            source: Some(e.without_url()),
        }
    }
}

/// The most room made for a body before its bytes arrive, whatever length it declares.
const PREALLOCATE_AT_MOST: u64 = 4 << 20;

/// What every attempt of one call shares.
struct Sending<'a> {
    endpoint: &'static Endpoint,
    prepared: &'a Prepared,
    /// One timer per attempt, no more: each attempt's timeout ends at the call's deadline at
    /// the latest, and no retry starts past it. `None` when the call's timeout reaches past
    /// what an `Instant` can hold (`Duration::MAX`: no limit).
    deadline: Option<Instant>,
}

/// The future of one call. Boxed: it is moved several times on its way from the builder to
/// the caller's `.await` or `spawn`, and a pointer moves instead of its whole state (about
/// 630 bytes while a response is read).
pub type CallFuture<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

impl<P: Api> Core<P> {
    /// Finishes checking `call` now, and returns the future that sends it (retrying what is
    /// safe to retry) and decodes the response. The future owns the client and the written
    /// request, nothing else.
    pub fn execute<T: Read + Send + 'static>(&self, call: Call) -> CallFuture<T> {
        let (endpoint, prepared) = match call.finish() {
            Ok(finished) => finished,
            Err(e) => return Box::pin(std::future::ready(Err(e))),
        };
        let core = self.clone();
        // The path template, never the URL: the URL's query carries the secret and personal data.
        let span = tracing::debug_span!(
            "personaclick",
            operation = endpoint.id,
            path = endpoint.path,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let recorded = span.clone();
        Box::pin(
            async move {
                let started = Instant::now();
                let sending = Sending {
                    endpoint,
                    prepared: &prepared,
                    deadline: started.checked_add(core.inner.timeout),
                };
                let (outcome, attempts) = core.attempts(&sending).await;
                recorded.record("attempts", attempts);
                recorded.record("duration_ms", started.elapsed().as_millis() as u64);
                let answer = outcome.map_err(|f| {
                    Error::Transport(TransportError {
                        operation: endpoint.id,
                        kind: f.kind,
                        attempts,
                        source: f.source,
                    })
                });
                let answer = match answer {
                    Ok(answer) => answer,
                    Err(e) => {
                        tracing::debug!(parent: &recorded, error = %e, "call failed");
                        return Err(e);
                    }
                };
                recorded.record("status", answer.status);
                let result = decode(
                    endpoint.id,
                    answer.status,
                    answer.content_type.as_ref().and_then(|v| v.to_str().ok()),
                    &answer.body,
                    &P::ERRORS,
                    &prepared.secrets,
                    core.inner.responses,
                );
                if result.is_ok() {
                    core.inner.budget.deposit();
                }
                result
            }
            .instrument(span),
        )
    }

    /// Attempts until one succeeds, fails for good, or the policy, the budget or the deadline
    /// says stop; and how many were made.
    async fn attempts(&self, sending: &Sending<'_>) -> (Result<Answer, Failure>, u32) {
        let policy = &self.inner.retry;
        let idempotent = sending.endpoint.idempotent;
        let mut n = 0;
        loop {
            n += 1;
            // The outcome is not kept while waiting: the future holds an attempt or a wait.
            let wait = {
                // The clock is read only for an observer: a call without one pays nothing.
                let started = self.inner.observer.as_ref().map(|_| Instant::now());
                let outcome = self.attempt(sending).await;
                if let (Some(observer), Some(started)) = (&self.inner.observer, started) {
                    observer.tell(&Attempt {
                        operation: sending.endpoint.id,
                        number: n,
                        outcome: match &outcome {
                            Ok(a) => Outcome::Response {
                                status: a.status,
                                retry_after: a.retry_after,
                            },
                            Err(f) => Outcome::Failed(f.kind),
                        },
                        elapsed: started.elapsed(),
                    });
                }
                let (retry, retry_after) = match &outcome {
                    Ok(a) if RETRYABLE_STATUSES.contains(&a.status) => (idempotent, a.retry_after),
                    Ok(_) => (false, None),
                    // The request never left: safe to send again, whatever the operation.
                    Err(f) if f.kind == TransportKind::Connect => (true, None),
                    Err(f) if matches!(f.kind, TransportKind::TooLarge { .. }) => (false, None),
                    Err(_) => (idempotent, None),
                };
                match &outcome {
                    Ok(a) => tracing::debug!(attempt = n, status = a.status, "response"),
                    Err(f) => tracing::debug!(attempt = n, kind = ?f.kind, "no response"),
                }
                if !retry || n >= policy.max_attempts {
                    return (outcome, n);
                }
                let wait = match retry_after {
                    // The server asks for more patience than we have: stop here.
                    Some(d) if d > policy.max_retry_after => return (outcome, n),
                    Some(d) => d,
                    None => policy.delay_before(n, self.inner.jitter.next()),
                };
                // A wait too long to add to an `Instant` ends past any deadline.
                let retry_at = Instant::now().checked_add(wait);
                let too_late = match (retry_at, sending.deadline) {
                    (Some(at), Some(deadline)) => at >= deadline,
                    (Some(_), None) => false,
                    (None, _) => true,
                };
                if too_late || !self.inner.budget.withdraw() {
                    return (outcome, n);
                }
                wait
            };
            tracing::debug!(attempt = n, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    /// The endpoint's URL: the base URL's path prefix, the endpoint's path and `query`. It is
    /// made for each attempt, which then owns it (reqwest takes it by value): no copy is kept.
    fn url(&self, endpoint: &Endpoint, query: &str) -> reqwest::Url {
        // The base URL was parsed when the client was built: only the path and query are set.
        let mut url = self.inner.base.clone();
        let prefix = url.path().trim_end_matches('/');
        if prefix.is_empty() {
            url.set_path(endpoint.path);
        } else {
            let path = format!("{prefix}{}", endpoint.path);
            url.set_path(&path);
        }
        url.set_query((!query.is_empty()).then_some(query));
        url
    }

    /// One request and its whole response, within the size limit.
    async fn attempt(&self, sending: &Sending<'_>) -> Result<Answer, Failure> {
        let left = sending.deadline.map_or(Duration::MAX, |d| {
            d.saturating_duration_since(Instant::now())
        });
        if left.is_zero() {
            return Err(Failure {
                kind: TransportKind::Timeout,
                source: None,
            });
        }
        let http = &self.inner.http;
        let url = self.url(sending.endpoint, &sending.prepared.query);
        let request = match sending.endpoint.method {
            Method::Get => http.get(url),
            Method::Post => http.post(url),
            Method::Delete => http.delete(url),
        };
        // The body `Call` wrote for a `POST` or `DELETE` (a `GET` has none): sent the same way.
        let request = match &sending.prepared.body {
            Some(body) => request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone()),
            None => request,
        };
        let request = request.header(reqwest::header::ACCEPT, "application/json");
        // The client's own timeout is the attempt timeout: only a nearer deadline is set here.
        let request = if left < self.inner.attempt_timeout {
            request.timeout(left)
        } else {
            request
        };
        let mut response = request
            .send()
            .await
            .map_err(|e| Failure::from_reqwest(e, false))?;
        let headers = response.headers();
        let content_type = headers.get(reqwest::header::CONTENT_TYPE).cloned();
        let retry_after = headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let limit = self.inner.max_response_bytes;
        let too_large = || Failure {
            kind: TransportKind::TooLarge { limit },
            source: None,
        };
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        // A body that comes in one chunk (most do) is kept as it came, without a copy.
        let mut body = bytes::Bytes::new();
        let mut joined: Option<Vec<u8>> = None;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Failure::from_reqwest(e, true))?
        {
            let read = joined.as_ref().map_or(body.len(), Vec::len);
            if read + chunk.len() > limit {
                // Dropping the response closes the connection; the rest is never read.
                return Err(too_large());
            }
            match &mut joined {
                Some(all) => all.extend_from_slice(&chunk),
                None if body.is_empty() => body = chunk,
                None => {
                    // The declared length is the server's word: room for it is made up to a
                    // few MiB, past that the buffer grows with what arrives.
                    let expected = response
                        .content_length()
                        .unwrap_or(0)
                        .min(PREALLOCATE_AT_MOST);
                    let room = (expected as usize).max(read + chunk.len()).min(limit);
                    let mut all = Vec::with_capacity(room);
                    all.extend_from_slice(&body);
                    all.extend_from_slice(&chunk);
                    joined = Some(all);
                }
            }
        }
        if let Some(all) = joined {
            body = all.into();
        }
        Ok(Answer {
            status: response.status().as_u16(),
            content_type,
            retry_after,
            body,
        })
    }
}

/// Turns a response into the endpoint's value, or the error it reports.
pub(crate) fn decode<T: Read>(
    operation: &'static str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    shape: &ErrorShape,
    secrets: &[Secret],
    reading: Reading,
) -> Result<T, Error> {
    let api_error = |message: Option<String>| {
        Error::Api(ApiError {
            operation,
            status,
            message: message.map(|m| scrub(&m, secrets)),
        })
    };
    let decode_error = |message: String| {
        Error::Decode(DecodeError {
            operation,
            status,
            content_type: content_type.map(str::to_string),
            message: scrub(&message, secrets),
        })
    };
    if !(200..300).contains(&status) {
        return Err(api_error(
            envelope::error_envelope(body, shape, true).flatten(),
        ));
    }
    // A success status: the body is an error only if its top-level status says so, which the
    // typed decode notes as it goes; bodies it did not read as an object are asked again.
    let (result, noted) = envelope::decode_noting(body, shape, Decoding::<T>::new(reading));
    let says_error = match noted {
        envelope::Status::Seen { error } => error,
        envelope::Status::Unseen => envelope::says_error(body, shape),
    };
    if says_error {
        if let Some(message) = envelope::error_envelope(body, shape, false) {
            return Err(api_error(message));
        }
    }
    let (value, unread) = match result {
        Ok(decoded) => decoded,
        // On this rare path only, decoding again with serde_json alone, tracking the JSON
        // path, tells where it failed.
        Err(_) => {
            let mut de = serde_json::Deserializer::from_slice(body);
            let mut track = serde_path_to_error::Track::new();
            let tracked = serde_path_to_error::Deserializer::new(&mut de, &mut track);
            let e = match Decoding::<T>::new(reading).deserialize(tracked) {
                Ok(decoded) => match de.end() {
                    Ok(()) => return Ok(decoded.0),
                    Err(e) => describe(&e, "", body),
                },
                Err(e) => describe(&e, &track.path().to_string(), body),
            };
            return Err(decode_error(e));
        }
    };
    if unread.is_empty() {
        return Ok(value);
    }
    if reading == Reading::Lenient {
        // The paths only: the values may be personal data.
        let paths = scrub(&listed(unread.paths(), unread.len()), secrets);
        tracing::warn!(
            operation,
            unread = %paths,
            "the response has values the schema does not describe: they are None, each \
             object's unread() keeps them"
        );
        return Ok(value);
    }
    Err(decode_error(format!(
        "values not of the documented type (strict_responses): {}",
        listed(unread.iter().map(ToString::to_string), unread.len())
    )))
}

/// The first few of `total` items, joined, and how many more there are: a hostile response
/// may hold thousands.
fn listed<S: AsRef<str>>(items: impl Iterator<Item = S>, total: usize) -> String {
    const SHOWN: usize = 20;
    let mut out = String::new();
    for (i, item) in items.take(SHOWN).enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(item.as_ref());
    }
    if total > SHOWN {
        out.push_str(&format!(" (and {} more)", total - SHOWN));
    }
    out
}

/// Decodes a response, read as `reading` says, for serde: [`decode_response`].
struct Decoding<T>(Reading, PhantomData<T>);

impl<T> Decoding<T> {
    fn new(reading: Reading) -> Self {
        Decoding(reading, PhantomData)
    }
}

impl<'de, T: Read> DeserializeSeed<'de> for Decoding<T> {
    type Value = (T, Unread);

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(T, Unread), D::Error> {
        decode_response(d, self.0)
    }
}

/// What went wrong decoding: where (JSON path, line, column) and a masked look at the body
/// there, without echoing values from it (they may be personal data).
fn describe(e: &serde_json::Error, path: &str, body: &[u8]) -> String {
    if body.iter().all(u8::is_ascii_whitespace) {
        return "the body is empty".into();
    }
    let what = match e.classify() {
        serde_json::error::Category::Eof => "the body ends too early".to_string(),
        serde_json::error::Category::Syntax => "the body is not JSON".to_string(),
        serde_json::error::Category::Io => "the body cannot be read".to_string(),
        serde_json::error::Category::Data => {
            let message = mask_quoted(&e.to_string());
            // serde_json appends the position itself; it is given below.
            message
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_string()
        }
    };
    let at = if path.is_empty() || path == "." {
        String::new()
    } else {
        format!(" at `{path}`")
    };
    let offset = offset_of(body, e.line(), e.column());
    format!(
        "{what}{at} (line {}, column {}; near `{}`)",
        e.line(),
        e.column(),
        masked_snippet(body, offset, 24)
    )
}

/// The byte offset of a 1-based line and column (serde_json counts columns in bytes).
fn offset_of(body: &[u8], line: usize, column: usize) -> usize {
    let line_start = body
        .split_inclusive(|b| *b == b'\n')
        .take(line.saturating_sub(1))
        .map(<[u8]>::len)
        .sum::<usize>();
    (line_start + column.saturating_sub(1)).min(body.len())
}

/// The body around `offset` with every value hidden: string contents become `*` (object keys
/// stay: they are the schema's names, not data) and so do digits; JSON's punctuation and
/// `true`/`false`/`null` stay, which is usually enough to see what shape went wrong.
fn masked_snippet(body: &[u8], offset: usize, radius: usize) -> String {
    let (from, to) = (
        offset.saturating_sub(radius),
        (offset + radius).min(body.len()),
    );
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut string_start = 0;
    for (i, &b) in body[..to].iter().enumerate() {
        let shown = if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            if in_string && !is_key(body, string_start) {
                '*'
            } else {
                printable(b)
            }
        } else if b == b'"' {
            in_string = true;
            string_start = i;
            '"'
        } else if b.is_ascii_digit() {
            '*'
        } else {
            printable(b)
        };
        if i >= from {
            out.push(shown);
        }
    }
    out
}

fn printable(b: u8) -> char {
    match b {
        b'\n' | b'\r' | b'\t' => ' ',
        0x20..=0x7e => b as char,
        _ => '*',
    }
}

/// Whether the string starting at `start` (its opening quote) is an object key: a `:` follows
/// its closing quote.
fn is_key(body: &[u8], start: usize) -> bool {
    let mut escaped = false;
    for (i, &b) in body.iter().enumerate().skip(start + 1) {
        if escaped {
            escaped = false;
        } else if b == b'\\' {
            escaped = true;
        } else if b == b'"' {
            return body[i + 1..].iter().find(|c| !c.is_ascii_whitespace()) == Some(&b':');
        }
    }
    false
}

/// Replaces quoted text (`"john@example.com"`, `` `x` ``) in an error message with `…`.
fn mask_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quote: Option<char> = None;
    for c in message.chars() {
        match quote {
            Some(q) if c == q => {
                out.push('…');
                out.push(c);
                quote = None;
            }
            Some(_) => {}
            None if c == '"' || c == '`' => {
                out.push(c);
                quote = Some(c);
            }
            None => out.push(c),
        }
    }
    out
}

/// Removes every secret sent with the request from a text shown to the caller.
fn scrub(text: &str, secrets: &[Secret]) -> String {
    let mut text = text.to_string();
    for secret in secrets.iter().map(Secret::expose).filter(|s| !s.is_empty()) {
        // A server may echo it as it arrived: percent-encoded in a query, escaped in JSON.
        let mut encoded = Vec::new();
        crate::call::encode_into(&mut encoded, secret.as_bytes());
        let encoded = String::from_utf8_lossy(&encoded).into_owned();
        let escaped = serde_json::to_string(secret).unwrap_or_default();
        let escaped = escaped.trim_matches('"');
        for form in [secret, encoded.as_str(), escaped] {
            if !form.is_empty() {
                text = text.replace(form, "<redacted>");
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::tests::Session;

    #[test]
    fn a_secret_is_scrubbed_as_sent_and_as_echoed() {
        let secret = Secret::new("abc def+ghi/\"x\\é".to_string());
        let echoed = "got shop_secret=abc%20def%2Bghi/%22x%5C%C3%A9 and {\"s\":\"abc def+ghi/\\\"x\\\\é\"} and abc def+ghi/\"x\\é";
        let scrubbed = scrub(echoed, &[secret]);
        assert_eq!(
            scrubbed,
            "got shop_secret=<redacted> and {\"s\":\"<redacted>\"} and <redacted>"
        );
    }

    const SHAPE: ErrorShape = envelope::TEST_SHAPE;

    fn run_as<T: Read>(status: u16, body: &str, reading: Reading) -> Result<T, Error> {
        decode(
            "op",
            status,
            None,
            body.as_bytes(),
            &SHAPE,
            &[Secret::new("s3cret".into())],
            reading,
        )
    }

    fn run(status: u16, body: &str) -> Result<Session, Error> {
        run_as(status, body, Reading::Lenient)
    }

    #[test]
    fn both_error_shapes_give_the_message() {
        let e = run(400, r#"{"status":"error","message":"bad"}"#).unwrap_err();
        assert_eq!((e.status(), e.message()), (Some(400), Some("bad")));
        let e = run(200, r#"{"status":"error","payload":{"message":"nested"}}"#).unwrap_err();
        assert_eq!((e.status(), e.message()), (Some(200), Some("nested")));
        let e = run(502, "<html>Bad gateway</html>").unwrap_err();
        assert_eq!((e.status(), e.message()), (Some(502), None));
        assert!(run(200, r#"{"status":"success"}"#).is_ok());
        let list = run_as::<Vec<Session>>(200, r#"[{"status":"error"}]"#, Reading::Strict);
        assert!(list.is_ok(), "only a top-level status counts");
    }

    #[test]
    fn decode_errors_hide_values_and_secrets() {
        let e = run(200, r#"{"did": "john@example.com" "seance": 1}"#).unwrap_err();
        let shown = e.to_string();
        assert!(!shown.contains("john"), "{shown}");
        assert!(shown.contains("line 1"), "{shown}");
        let e = run(403, r#"{"status":"error","message":"wrong secret s3cret"}"#).unwrap_err();
        assert_eq!(e.message(), Some("wrong secret <redacted>"));
        let e = run(200, "").unwrap_err();
        assert!(e.to_string().contains("empty"));
    }

    #[test]
    fn only_the_top_level_shape_fails_a_lenient_call() {
        let e = run(200, r#"["did"]"#).unwrap_err();
        assert!(
            matches!(&e, Error::Decode(_))
                && e.to_string()
                    .contains("expected Session at the top level, found an array"),
            "{e}"
        );
        let e = run_as::<Vec<Session>>(200, r#"{"did": "d"}"#, Reading::Lenient).unwrap_err();
        assert!(
            e.to_string()
                .contains("expected list<Session> at the top level"),
            "{e}"
        );
        let e = run(200, "null").unwrap_err();
        assert!(e.to_string().contains("found null"), "{e}");
        let s = run(200, r#"{"did": ["d"], "seance": {"s": "s3cret"}, "x": 1}"#).unwrap();
        assert_eq!((s.did, s.seance), (None, None));
        assert_eq!(s.unread.paths().collect::<Vec<_>>(), ["did", "seance"]);
        let list =
            run_as::<Vec<Session>>(200, r#"[{"did": 5}, 7, {"did": true}]"#, Reading::Lenient)
                .unwrap();
        assert_eq!(list.len(), 3, "a list keeps every element");
        assert_eq!(list[0].did.as_deref(), Some("5"));
        assert_eq!(list[1].unread[0].path(), "", "the element is the value");
        assert_eq!(list[1].unread[0].value(), &crate::wire::Json::from(7));
        let (_, unread) = decode_response::<Vec<Session>, _>(
            &mut serde_json::Deserializer::from_str(r#"[{"did": 5}, 7, {"did": true}]"#),
            Reading::Lenient,
        )
        .unwrap();
        assert_eq!(unread.paths().collect::<Vec<_>>(), ["[1]", "[2].did"]);
        let strings = run_as::<Vec<String>>(200, r#"["a", 1, {}]"#, Reading::Strict).unwrap_err();
        assert!(
            strings
                .to_string()
                .contains("`[2]`: expected string, found an object"),
            "{strings}"
        );
    }

    #[test]
    fn strict_responses_fail_naming_paths_not_values() {
        let body = r#"{"did": ["john@example.com"], "seance": {"k": "s3cret"}}"#;
        let e = run_as::<Session>(200, body, Reading::Strict).unwrap_err();
        let Error::Decode(d) = &e else {
            panic!("{e:?}")
        };
        let shown = d.to_string();
        assert!(
            shown.contains("`did`: expected string, found an array"),
            "{shown}"
        );
        assert!(
            shown.contains("`seance`: expected string, found an object"),
            "{shown}"
        );
        assert!(
            !shown.contains("john") && !shown.contains("s3cret"),
            "{shown}"
        );
        let e = run_as::<Session>(200, r#"{"did": 5}"#, Reading::Strict).unwrap_err();
        assert!(
            e.to_string()
                .contains("`did`: expected string, found a number"),
            "strictly, a conversion is not taken: {e}"
        );
        let s = run_as::<Session>(200, r#"{"did": 5}"#, Reading::Lenient).unwrap();
        assert_eq!(s.did.as_deref(), Some("5"));
    }

    #[test]
    fn long_reports_are_cut() {
        let many: Vec<String> = (0..25).map(|i| format!("p{i}")).collect();
        let shown = listed(many.iter(), many.len());
        assert!(shown.starts_with("p0; p1;"), "{shown}");
        assert!(shown.ends_with("p19 (and 5 more)"), "{shown}");
    }
}
