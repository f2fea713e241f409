//! One call on the wire: build the request, send it, and turn the response into a value or
//! an [`Error`].

use serde::de::DeserializeOwned;

use crate::client::{Api, Core, Endpoint, ErrorShape, Method};
use crate::error::{ApiError, DecodeError, Error, Invalid, TransportError};
use crate::wire::{Json, Params, Secret};

impl<P: Api> Core<P> {
    /// Sends a checked request and decodes the response.
    pub async fn execute<T: DeserializeOwned>(
        &self,
        endpoint: &'static Endpoint,
        params: Params,
    ) -> Result<T, Error> {
        if let Some(problem) = params.failure() {
            return Err(Error::InvalidRequest(Invalid {
                context: endpoint.id,
                problems: vec![problem.to_string()],
            }));
        }
        let mut url = format!("{}{}", self.inner.base_url, endpoint.path);
        let request = match endpoint.method {
            Method::Get => {
                let query = params.query();
                if !query.is_empty() {
                    url.push('?');
                    url.push_str(&query);
                }
                self.inner.http.get(url)
            }
            Method::Post => self
                .inner
                .http
                .post(url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(params.json()),
        };
        let transport = |e: reqwest::Error| {
            Error::Transport(TransportError {
                operation: endpoint.id,
                source: e.without_url(),
            })
        };
        let response = request
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(transport)?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = response.bytes().await.map_err(transport)?;
        decode(
            endpoint.id,
            status,
            content_type,
            &body,
            &P::ERRORS,
            params.secrets(),
        )
    }
}

/// Turns a response into the endpoint's value, or the error it reports.
pub(crate) fn decode<T: DeserializeOwned>(
    operation: &'static str,
    status: u16,
    content_type: Option<String>,
    body: &[u8],
    shape: &ErrorShape,
    secrets: &[Secret],
) -> Result<T, Error> {
    let envelope = error_envelope(body, shape, !(200..300).contains(&status));
    if let Some(message) = envelope {
        return Err(Error::Api(ApiError {
            operation,
            status,
            message: message.map(|m| scrub(&m, secrets)),
        }));
    }
    serde_json::from_slice(body).map_err(|e| {
        Error::Decode(DecodeError {
            operation,
            status,
            content_type,
            message: scrub(&describe(&e, body), secrets),
        })
    })
}

/// `Some(message)` when the response is an error: always for an error status (the message is
/// read from the body if it is JSON), and for a success status whose body says so.
fn error_envelope(body: &[u8], shape: &ErrorShape, error_status: bool) -> Option<Option<String>> {
    let looks_like_object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let needle = format!("\"{}\"", shape.status_field);
    let mentions_status = body.windows(needle.len()).any(|w| w == needle.as_bytes());
    let might_be_error = error_status || (looks_like_object && mentions_status);
    if !might_be_error {
        return None;
    }
    let json: Option<Json> = looks_like_object
        .then(|| serde_json::from_slice(body).ok())
        .flatten();
    let is_error = json
        .as_ref()
        .and_then(|j| j.get(shape.status_field))
        .and_then(Json::as_str)
        == Some(shape.error_value);
    if !error_status && !is_error {
        return None;
    }
    let message = json.as_ref().and_then(|j| {
        shape.message_fields.iter().find_map(|path| {
            path.split('.')
                .try_fold(j, |v, key| v.get(key))
                .and_then(Json::as_str)
                .map(str::to_string)
        })
    });
    Some(message)
}

/// What went wrong decoding, without echoing values from the body (they may be personal data).
fn describe(e: &serde_json::Error, body: &[u8]) -> String {
    if body.iter().all(u8::is_ascii_whitespace) {
        return "the body is empty".into();
    }
    let what = match e.classify() {
        serde_json::error::Category::Eof => "the body ends too early".to_string(),
        serde_json::error::Category::Syntax => "the body is not JSON".to_string(),
        serde_json::error::Category::Io => "the body cannot be read".to_string(),
        serde_json::error::Category::Data => mask_quoted(&e.to_string()),
    };
    // serde_json appends the position to data errors itself.
    if what.contains(" at line ") {
        what
    } else {
        format!("{what} at line {} column {}", e.line(), e.column())
    }
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
    secrets
        .iter()
        .filter(|s| !s.expose().is_empty())
        .fold(text.to_string(), |t, s| t.replace(s.expose(), "<redacted>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHAPE: ErrorShape = ErrorShape {
        status_field: "status",
        error_value: "error",
        message_fields: &["message", "payload.message"],
    };

    fn run(status: u16, body: &str) -> Result<Json, Error> {
        decode(
            "op",
            status,
            None,
            body.as_bytes(),
            &SHAPE,
            &[Secret::new("s3cret".into())],
        )
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
        assert!(
            run(200, r#"[{"status":"error"}]"#).is_ok(),
            "only a top-level status counts"
        );
    }

    #[test]
    fn decode_errors_hide_values_and_secrets() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct T {
            n: i64,
        }
        let e = decode::<T>(
            "op",
            200,
            None,
            br#"{"n": "john@example.com"}"#,
            &SHAPE,
            &[],
        )
        .unwrap_err();
        let shown = e.to_string();
        assert!(!shown.contains("john"), "{shown}");
        assert!(shown.contains("line 1"), "{shown}");
        let e = run(403, r#"{"status":"error","message":"wrong secret s3cret"}"#).unwrap_err();
        assert_eq!(e.message(), Some("wrong secret <redacted>"));
        let e = decode::<T>("op", 200, None, b"", &SHAPE, &[]).unwrap_err();
        assert!(e.to_string().contains("empty"));
    }
}
